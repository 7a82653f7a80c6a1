import QueueingTheory
import Testing

@Suite struct MG1Tests {
  @Test func exponentialServiceIsMM1() throws {
    // Given scv = 1, P-K must reduce to M/M/1
    let general = try MG1(arrivalRate: 0.9, serviceMean: 1, serviceSCV: 1)
    let markov = try MMc(arrivalRate: 0.9, serviceRate: 1, servers: 1)
    expectClose(general.meanWait, markov.meanWait, relative: 1e-14)
    expectClose(general.meanResponse, markov.meanResponse, relative: 1e-14)
    expectClose(general.meanNumberInSystem, markov.meanNumberInSystem, relative: 1e-14)
    expectClose(general.waitProbability, markov.waitProbability, relative: 1e-14)
  }

  @Test func deterministicServiceMatchesReference() throws {
    // Given validation case md1_rho0.80: lambda = 0.8, D = 1 -> Wq = 2, W = 3 (exact)
    let general = try MG1(arrivalRate: 0.8, serviceMean: 1, serviceSecondMoment: 1)
    let md1 = try MD1(arrivalRate: 0.8, serviceTime: 1)
    for queue in [(general.meanWait, general.meanResponse), (md1.meanWait, md1.meanResponse)] {
      expectClose(queue.0, 2, relative: 1e-14, "Wq")
      expectClose(queue.1, 3, relative: 1e-14, "W")
    }
    expectClose(general.serviceSCV, 0, absolute: 1e-15)
    expectClose(md1.meanNumberInSystem, 0.8 * 3, relative: 1e-14)
    expectClose(md1.waitProbability, 0.8, relative: 1e-15)
  }

  @Test(arguments: [0.0, 0.25, 1, 4])
  func waitGrowsLinearlyInVariance(scv: Double) throws {
    // P-K: Wq = rho E[S] (1 + scv) / (2 (1 - rho)), here rho = 0.5, E[S] = 2
    let queue = try MG1(arrivalRate: 0.25, serviceMean: 2, serviceSCV: scv)
    expectClose(queue.meanWait, 0.5 * 2 * (1 + scv) / (2 * 0.5), relative: 1e-14)
    expectClose(queue.meanQueueLength, 0.25 * queue.meanWait, relative: 1e-15)
    expectClose(queue.serviceSCV, scv, absolute: 1e-14)
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidServiceSecondMoment(mean: 1, secondMoment: 0.5)) {
      try MG1(arrivalRate: 0.5, serviceMean: 1, serviceSecondMoment: 0.5)
    }
    #expect(throws: QueueingTheoryError.invalidSquaredCoefficientOfVariation(-0.1)) {
      try MG1(arrivalRate: 0.5, serviceMean: 1, serviceSCV: -0.1)
    }
    #expect(throws: QueueingTheoryError.unstable(utilization: 1)) {
      try MG1(arrivalRate: 0.5, serviceMean: 2, serviceSCV: 1)
    }
    #expect(throws: QueueingTheoryError.invalidServiceTime(0)) {
      try MG1(arrivalRate: 0.5, serviceMean: 0, serviceSCV: 1)
    }
    #expect(throws: QueueingTheoryError.invalidArrivalRate(-1)) {
      try MD1(arrivalRate: -1, serviceTime: 1)
    }
    #expect(throws: QueueingTheoryError.unstable(utilization: 1.5)) {
      try MD1(arrivalRate: 1.5, serviceTime: 1)
    }
  }
}
