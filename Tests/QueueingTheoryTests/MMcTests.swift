#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import QueueingTheory
import Testing

/// One M/M/c validation case (mean service time 1) with its published results.
struct MMcCase: Sendable, CustomTestStringConvertible {
  let servers: Int
  let arrivalRate: Double
  let meanWait: Double
  let meanResponse: Double
  let waitProbability: Double
  let responseP95: Double
  let responseP99: Double

  var testDescription: String { "M/M/\(servers) lambda=\(arrivalRate)" }
}

@Suite struct MMcTests {
  /// The M/M/c cases of the project's validation file (mmc_c*_rho*).
  static let references: [MMcCase] = [
    MMcCase(
      servers: 1, arrivalRate: 0.5, meanWait: 1, meanResponse: 2, waitProbability: 0.5,
      responseP95: 5.9914645, responseP99: 9.2103404),
    MMcCase(
      servers: 1, arrivalRate: 0.9, meanWait: 9, meanResponse: 10, waitProbability: 0.9,
      responseP95: 29.957323, responseP99: 46.051702),
    MMcCase(
      servers: 4, arrivalRate: 2, meanWait: 0.086956522, meanResponse: 1.0869565,
      waitProbability: 0.17391304, responseP95: 3.1497043, responseP99: 4.7642484),
    MMcCase(
      servers: 4, arrivalRate: 3.6, meanWait: 1.9693832, meanResponse: 2.9693832,
      waitProbability: 0.78775326, responseP95: 8.1655248, responseP99: 12.193167),
    MMcCase(
      servers: 16, arrivalRate: 14.4, meanWait: 0.36958962, meanResponse: 1.3695896,
      waitProbability: 0.59134339, responseP95: 3.6235435, responseP99: 5.2698346),
  ]

  @Test(arguments: references)
  func matchesReference(_ reference: MMcCase) throws {
    // Given
    let queue = try MMc(
      arrivalRate: reference.arrivalRate, serviceRate: 1,
      servers: reference.servers)
    // Then: all quoted to 8 digits
    expectClose(queue.meanWait, reference.meanWait, relative: referenceTolerance, "Wq")
    expectClose(queue.meanResponse, reference.meanResponse, relative: referenceTolerance, "W")
    expectClose(
      queue.waitProbability, reference.waitProbability, relative: referenceTolerance,
      "P_wait")
    expectClose(
      try queue.responseTimePercentile(0.95), reference.responseP95,
      relative: referenceTolerance, "W_p95")
    expectClose(
      try queue.responseTimePercentile(0.99), reference.responseP99,
      relative: referenceTolerance, "W_p99")
  }

  @Test(arguments: references)
  func percentilesInvertExceedance(_ reference: MMcCase) throws {
    let queue = try MMc(
      arrivalRate: reference.arrivalRate, serviceRate: 1,
      servers: reference.servers)
    for p in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 0.999_999] {
      let t = try queue.responseTimePercentile(p)
      expectClose(queue.responseTimeExceedance(t), 1 - p, relative: 1e-9, "P(T>t_p) p=\(p)")
      if p > 1 - queue.waitProbability {
        let w = try queue.waitTimePercentile(p)
        expectClose(queue.waitTimeExceedance(w), 1 - p, relative: 1e-12, "P(Wq>t_p) p=\(p)")
      } else {
        #expect(try queue.waitTimePercentile(p) == 0)
      }
    }
  }

  @Test(arguments: references)
  func distributionsIntegrateToTheMeans(_ reference: MMcCase) throws {
    // E[X] = integral of P(X > t): ties the exceedance functions to the mean-value formulas.
    let queue = try MMc(
      arrivalRate: reference.arrivalRate, serviceRate: 1,
      servers: reference.servers)
    let horizon = 60 * queue.meanResponse
    let response = simpson(0, horizon, intervals: 20_000) { queue.responseTimeExceedance($0) }
    let wait = simpson(0, horizon, intervals: 20_000) { queue.waitTimeExceedance($0) }
    expectClose(response, queue.meanResponse, relative: 1e-8, "integral of P(T>t)")
    expectClose(wait, queue.meanWait, relative: 1e-8, "integral of P(Wq>t)")
  }

  @Test func littleAndClosedForms() throws {
    // Lq = C rho / (1 - rho) and L = Lq + a (Gross & Harris) against lambda Wq and lambda W.
    let queue = try MMc(arrivalRate: 7, serviceRate: 0.8, servers: 10)
    let rho = 7 / (10 * 0.8)
    expectClose(queue.meanQueueLength, queue.waitProbability * rho / (1 - rho), relative: 1e-13)
    expectClose(queue.meanNumberInSystem, queue.meanQueueLength + 7 / 0.8, relative: 1e-13)
    expectClose(queue.utilization, rho, relative: 1e-15)
    expectClose(queue.offeredLoad, 8.75, relative: 1e-15)
  }

  @Test func equalRatesUseTheErlangTwoLimit() throws {
    // Given c mu - lambda == mu: c = 2, mu = 1, lambda = 1, so Y + S is Erlang-2 with rate 1
    let queue = try MMc(arrivalRate: 1, serviceRate: 1, servers: 2)
    let c = queue.waitProbability  // 1/3
    for t in [0.0, 0.1, 1, 5, 30] {
      let expected = (1 - c) * exp(-t) + c * exp(-t) * (1 + t)
      expectClose(queue.responseTimeExceedance(t), expected, relative: 1e-14, "t=\(t)")
    }
    // And rates within rounding of each other do not jump
    let near = try MMc(arrivalRate: 1 + 1e-12, serviceRate: 1, servers: 2)
    expectClose(near.responseTimeExceedance(3), queue.responseTimeExceedance(3), relative: 1e-10)
    let nearer = try MMc(arrivalRate: 1 - 1e-9, serviceRate: 1, servers: 2)
    expectClose(nearer.responseTimeExceedance(3), queue.responseTimeExceedance(3), relative: 1e-8)
  }

  @Test func singleServerResponseIsExponential() throws {
    let queue = try MMc(arrivalRate: 0.6, serviceRate: 1.5, servers: 1)
    for t in [0.0, 0.5, 2, 10] {
      expectClose(queue.responseTimeExceedance(t), exp(-0.9 * t), relative: 1e-14)
    }
    #expect(queue.responseTimeExceedance(-1) == 1)
    #expect(queue.waitTimeExceedance(-1) == 1)
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.unstable(utilization: 1)) {
      try MMc(arrivalRate: 4, serviceRate: 1, servers: 4)
    }
    #expect(throws: QueueingTheoryError.invalidArrivalRate(0)) {
      try MMc(arrivalRate: 0, serviceRate: 1, servers: 1)
    }
    #expect(throws: QueueingTheoryError.invalidServiceRate(-2)) {
      try MMc(arrivalRate: 1, serviceRate: -2, servers: 1)
    }
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try MMc(arrivalRate: 1, serviceRate: 2, servers: 0)
    }
    #expect(throws: QueueingTheoryError.self) {
      try MMc(arrivalRate: .infinity, serviceRate: 2, servers: 1)
    }
    let queue = try? MMc(arrivalRate: 1, serviceRate: 2, servers: 1)
    for p in [0.0, 1.0, -0.5, 2, .nan] {
      #expect(throws: QueueingTheoryError.self) { try queue?.responseTimePercentile(p) }
      #expect(throws: QueueingTheoryError.self) { try queue?.waitTimePercentile(p) }
    }
  }
}
