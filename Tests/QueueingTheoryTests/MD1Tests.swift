#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import QueueingTheory
import Testing

@Suite struct MD1Tests {
  @Test func percentilesMatchReference() throws {
    // Given md1_rho0.80; the file quotes 7 digits (checked to 1e-5 there), and a 50-digit
    // evaluation of Erlang's formula gives 7.62032499684072 and 11.355886791995.
    let queue = try MD1(arrivalRate: 0.8, serviceTime: 1)
    let p95 = try queue.responseTimePercentile(0.95)
    let p99 = try queue.responseTimePercentile(0.99)
    expectClose(p95, 7.620325, absolute: 1e-6, "W_p95 vs cases.json")
    expectClose(p99, 11.355887, absolute: 1e-6, "W_p99 vs cases.json")
    expectClose(p95, 7.62032499684072, relative: 1e-10, "W_p95 vs 50 digits")
    expectClose(p99, 11.355886791995, relative: 1e-10, "W_p99 vs 50 digits")
  }

  @Test func cdfBasics() throws {
    let queue = try MD1(arrivalRate: 0.8, serviceTime: 1)
    #expect(queue.waitTimeCDF(-0.5) == 0)
    expectClose(try #require(queue.waitTimeCDF(0)), 0.2, relative: 1e-15)
    // Erlang: for t < D only the k = 0 term, (1 - rho) e^{lambda t}
    expectClose(try #require(queue.waitTimeCDF(0.5)), 0.2 * exp(0.4), relative: 1e-14)
    var previous = 0.0
    for step in 0...300 {
      let value = try #require(queue.waitTimeCDF(Double(step) * 0.1))
      #expect(value >= previous && value <= 1, "t=\(Double(step) * 0.1)")
      previous = value
    }
  }

  @Test func tailIntegratesToTheMeanWait() throws {
    // Given rho = 0.5 (Wq = 0.5), integrate P(Wq > t) piecewise between the kinks at k D;
    // beyond t = 20 the tail is below 1e-10 and adds less than 1e-10 to the integral.
    let queue = try MD1(arrivalRate: 0.5, serviceTime: 1)
    var integral = 0.0
    for k in 0..<20 {
      integral += simpson(Double(k), Double(k + 1), intervals: 200) { t in
        queue.waitTimeExceedance(t) ?? .nan
      }
    }
    expectClose(integral, queue.meanWait, relative: 1e-9)
  }

  @Test func percentilesInvertTheCDF() throws {
    let queue = try MD1(arrivalRate: 0.8, serviceTime: 1)
    #expect(try queue.waitTimePercentile(0.1) == 0)  // atom 1 - rho = 0.2 at zero
    for p in [0.25, 0.5, 0.9, 0.99, 0.9999] {
      let t = try queue.waitTimePercentile(p)
      expectClose(try #require(queue.waitTimeCDF(t)), p, relative: 1e-10, "p=\(p)")
    }
  }

  /// P(Wq > t) from an 80- to 400-digit evaluation of Erlang's sum (mpmath), D = 1.
  static let tails: [(rho: Double, t: Double, exceedance: Double)] = [
    (0.8, 24, 2.799092882352535e-5),  // exact sum in double-double
    (0.95, 35, 0.0274810797782865),  // ditto, near its limit
    (0.9, 40, 0.000235244063150905),  // beyond: real-pole term
    (0.9, 100, 9.413772128874856e-10),
    (0.99, 300, 0.002413147572204982),
  ]

  @Test(arguments: 0..<5)
  func farTailMatchesHighPrecision(_ index: Int) throws {
    // In Double, Erlang's sum has no correct digit at any of these points.
    let (rho, t, expected) = Self.tails[index]
    let queue = try MD1(arrivalRate: rho, serviceTime: 1)
    expectClose(try #require(queue.waitTimeExceedance(t)), expected, relative: 1e-11)
    expectClose(try #require(queue.responseTimeExceedance(t + 1)), expected, relative: 1e-11)
  }

  @Test(arguments: [0.5, 0.9, 0.95, 0.99])
  func highLoadPercentilesInvertTheTail(rho: Double) throws {
    let queue = try MD1(arrivalRate: rho, serviceTime: 1)
    for p in [0.99, 0.999, 0.9999] {
      let t = try queue.responseTimePercentile(p)
      expectClose(try #require(queue.responseTimeExceedance(t)), 1 - p, relative: 1e-9, "p=\(p)")
    }
  }

  @Test(arguments: [0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999])
  func percentilesExistUpToTheLastDoubleBelowOne(rho: Double) throws {
    // Given any load, every percentile a Double can name short of 1 - 1e-15 is available
    let queue = try MD1(arrivalRate: rho, serviceTime: 1)
    var previous = 0.0
    for p in [0.5, 0.9, 0.99, 0.999, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12, 1 - 1e-15] {
      let t = try queue.waitTimePercentile(p)
      #expect(t >= previous && t.isFinite, "p=\(p): \(t)")
      previous = t
    }
  }

  @Test func unresolvableTailsReturnNil() throws {
    // At rho = 0.05, P(Wq > 50) ~ 1e-99: far below what the sum resolves, and the pole term
    // cannot be checked there. The tail is nil, not a wrong number; the CDF is exactly 1.
    let queue = try MD1(arrivalRate: 0.05, serviceTime: 1)
    #expect(queue.waitTimeExceedance(50) == nil)
    #expect(queue.waitTimeCDF(50) == 1)
    #expect(queue.waitTimeCDF(5_000) == 1)
    let tiny = try MD1(arrivalRate: 0.01, serviceTime: 1)
    #expect(tiny.waitTimeCDF(20_000) == 1)
    #expect(throws: QueueingTheoryError.invalidProbability(1)) {
      try queue.responseTimePercentile(1)
    }
  }
}
