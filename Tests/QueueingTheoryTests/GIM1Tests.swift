#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import QueueingTheory
import Testing

@Suite struct GIM1Tests {
  @Test func roundRobinMatchesReference() throws {
    // Given validation case lb8_round_robin_rho0.90: 8 servers, Lambda = 7.2, mu = 1
    let queue = try GIM1.roundRobin(servers: 8, arrivalRate: 7.2, serviceRate: 1)
    // Then (8-digit references)
    expectClose(queue.meanWait, 4.7807129, relative: referenceTolerance, "Wq")
    expectClose(queue.meanResponse, 5.7807129, relative: referenceTolerance, "W")
    expectClose(queue.waitProbability, 0.82701096, relative: referenceTolerance, "P_wait")
    expectClose(
      try queue.responseTimePercentile(0.95), 17.317468, relative: referenceTolerance,
      "W_p95")
    expectClose(
      try queue.responseTimePercentile(0.99), 26.621167, relative: referenceTolerance,
      "W_p99")
    expectClose(queue.utilization, 0.9, relative: 1e-15)
  }

  @Test(arguments: [1, 2, 8, 64, 1_000])
  func sigmaSolvesTheFixedPointAndLittleHolds(phases: Int) throws {
    let queue = try GIM1(erlangPhases: phases, phaseRate: 0.7 * Double(phases), serviceRate: 1)
    let transform = pow(1 / (1 + 1 * (1 - queue.sigma) / (0.7 * Double(phases))), Double(phases))
    // pow here and exp(k log1p) in the type round differently, by up to k ulps: 1e-12.
    expectClose(queue.sigma, transform, relative: 1e-12, "sigma = A*(mu(1 - sigma))")
    // Time-average L = rho / (1 - sigma) (Gross & Harris, GI/M/1) against lambda W
    expectClose(queue.meanNumberInSystem, 0.7 / (1 - queue.sigma), relative: 1e-13)
    // More regular arrivals wait less than Poisson ones
    #expect(queue.sigma <= 0.7 + 1e-15)
  }

  @Test func poissonArrivalsAreMM1() throws {
    let queue = try GIM1(erlangPhases: 1, phaseRate: 0.6, serviceRate: 1.5)
    let markov = try MMc(arrivalRate: 0.6, serviceRate: 1.5, servers: 1)
    expectClose(queue.sigma, 0.4, relative: 1e-14)
    expectClose(queue.meanResponse, markov.meanResponse, relative: 1e-13)
    expectClose(
      try queue.responseTimePercentile(0.99), try markov.responseTimePercentile(0.99),
      relative: 1e-13)
  }

  @Test func deterministicArrivalsThroughTheTransform() throws {
    // D/M/1 with period 1, mu = 2: sigma = e^{-2 (1 - sigma)}
    let queue = try GIM1(arrivalRate: 1, serviceRate: 2) { s in exp(-s) }
    expectClose(queue.sigma, exp(-2 * (1 - queue.sigma)), relative: 1e-14)
    #expect(queue.sigma > 0.2 && queue.sigma < 0.21)  // 0.2031878...
  }

  @Test func percentilesInvertExceedance() throws {
    let queue = try GIM1.roundRobin(servers: 4, arrivalRate: 3, serviceRate: 1)
    for p in [0.2, 0.5, 0.95, 0.999] {
      expectClose(
        queue.responseTimeExceedance(try queue.responseTimePercentile(p)), 1 - p,
        relative: 1e-12)
      if p > 1 - queue.sigma {
        expectClose(
          queue.waitTimeExceedance(try queue.waitTimePercentile(p)), 1 - p,
          relative: 1e-12)
      } else {
        #expect(try queue.waitTimePercentile(p) == 0)
      }
    }
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidPhaseCount(0)) {
      try GIM1(erlangPhases: 0, phaseRate: 1, serviceRate: 1)
    }
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try GIM1.roundRobin(servers: 0, arrivalRate: 1, serviceRate: 1)
    }
    #expect(throws: QueueingTheoryError.unstable(utilization: 1)) {
      try GIM1.roundRobin(servers: 8, arrivalRate: 8, serviceRate: 1)
    }
    #expect(throws: QueueingTheoryError.invalidLaplaceTransform) {
      try GIM1(arrivalRate: 1, serviceRate: 2) { _ in 2 }
    }
    #expect(throws: QueueingTheoryError.invalidLaplaceTransform) {
      try GIM1(arrivalRate: 1, serviceRate: 2) { _ in .nan }
    }
    let queue = try? GIM1.roundRobin(servers: 2, arrivalRate: 1, serviceRate: 1)
    #expect(throws: QueueingTheoryError.invalidProbability(0)) {
      try queue?.responseTimePercentile(0)
    }
  }
}
