#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Testing

import QueueingTheory

/// Load-dependent stations: exact MVA against the product form summed state by state, the
/// multi-server special case, and the open birth-death queue.
@Suite struct LoadDependentTests {
  /// A database that thrashes: it speeds up to 2.2 servers' worth at 3 concurrent requests,
  /// then slows down, to 1.5 from 5 on.
  static let thrashing: [Double] = [1, 1.8, 2.2, 2.0, 1.5]

  /// The product form summed over every state (n_think, n_1, n_2) with n_1 + n_2 <= N:
  /// P ~ Z^n0 / n0! prod_k D_k^n_k / prod_{i<=n_k} alpha_k(i) (Buzen 1973). Returns X(N) =
  /// G(N-1) / G(N) and the mean number at each station.
  static func bruteForce(
    population: Int, think: Double, demands: [Double], rates: [[Double]]
  ) -> (throughput: Double, queues: [Double]) {
    func term(_ k: Int, _ n: Int) -> Double {
      var t = 1.0
      if n > 0 {
        for i in 1...n { t *= demands[k] / rates[k][min(i, rates[k].count) - 1] }
      }
      return t
    }
    func constant(_ n: Int) -> (g: Double, queues: [Double]) {
      var g = 0.0
      var q = [0.0, 0.0]
      for n1 in 0...n {
        for n2 in 0...(n - n1) {
          let n0 = n - n1 - n2
          let p = pow(think, Double(n0)) / tgamma(Double(n0 + 1)) * term(0, n1) * term(1, n2)
          g += p
          q[0] += Double(n1) * p
          q[1] += Double(n2) * p
        }
      }
      return (g, q.map { $0 / g })
    }
    let full = constant(population)
    return (constant(population - 1).g / full.g, full.queues)
  }

  @Test(arguments: [1, 2, 5, 12, 40])
  func mvaMatchesTheProductFormStateByState(population: Int) throws {
    // Given a thrashing database and a 3-server CPU written as rates, with think time 0.5 s
    let network = try ClosedNetwork(
      population: population, thinkTime: 0.5,
      stations: [
        .init(demand: 0.04, kind: .loadDependent(rates: Self.thrashing)),
        .init(demand: 0.03, kind: .loadDependent(rates: [1, 2, 3])),
      ])
    // When summed state by state
    let exact = Self.bruteForce(
      population: population, think: 0.5, demands: [0.04, 0.03], rates: [Self.thrashing, [1, 2, 3]])
    // Then MVA agrees to rounding (the brute force sums at most ~900 positive terms)
    expectClose(network.solution.throughput, exact.throughput, relative: 1e-11, "X(\(population))")
    for k in 0..<2 {
      expectClose(network.solution.stations[k].meanNumber, exact.queues[k], relative: 1e-10, "Q_\(k)(\(population))")
    }
  }

  @Test(arguments: [2, 4, 9])
  func steepRatesStayExact(population: Int) throws {
    // Given a station that gets 1,000 times faster at 3 present, or 1,000 times slower (a
    // subtraction-based residence form lost four digits of X on the second)
    for steep: [Double] in [[1, 1.8, 2_000], [1, 2, 0.002]] {
      let network = try ClosedNetwork(
        population: population, thinkTime: 0.0002,
        stations: [.init(demand: 0.0004, kind: .loadDependent(rates: steep)), .init(demand: 0.0007, kind: .delay)])
      // (the delay folded into the think time; the brute force's second station never holds anyone)
      let exact = Self.bruteForce(
        population: population, think: 0.0002 + 0.0007, demands: [0.0004, 1e-300], rates: [steep, [1]])
      expectClose(network.solution.throughput, exact.throughput, relative: 1e-10, "X(\(population)) \(steep)")
    }
  }

  @Test func ratesOneToCAreCServers() throws {
    // Given the same network with a 4-server station written both ways
    let stations: [ClosedNetwork.Station] = [.init(demand: 0.2, kind: .queueing(servers: 4)), .init(demand: 0.03)]
    var asRates = stations
    asRates[0].kind = .loadDependent(rates: [1, 2, 3, 4])
    let a = try ClosedNetwork(population: 300, thinkTime: 2, stations: stations)
    let b = try ClosedNetwork(population: 300, thinkTime: 2, stations: asRates)
    // Then every population agrees; the two residence formulas differ only in rounding
    for n in [1, 4, 10, 50, 300] {
      expectClose(b.solutions[n - 1].throughput, a.solutions[n - 1].throughput, relative: 1e-12, "n=\(n)")
      expectClose(
        b.solutions[n - 1].stations[0].meanNumber, a.solutions[n - 1].stations[0].meanNumber, relative: 1e-10, "n=\(n)")
    }
  }

  @Test func saturatesAtTheLastRate() throws {
    // Given many users on a thrashing station: its throughput tends to alpha(J) / D = 1.5 / 0.04
    let network = try ClosedNetwork(
      population: 2_000, thinkTime: 1, stations: [.init(demand: 0.04, kind: .loadDependent(rates: Self.thrashing))])
    expectClose(network.solution.throughput, 1.5 / 0.04, relative: 1e-9)
    // and every user is somewhere
    expectClose(network.solution.stations[0].meanNumber + network.solution.meanThinking, 2_000, relative: 1e-10)
  }

  @Test func badRatesThrow() {
    #expect(throws: QueueingTheoryError.invalidServiceRates(station: 0)) {
      try ClosedNetwork(population: 3, thinkTime: 1, stations: [.init(demand: 0.1, kind: .loadDependent(rates: []))])
    }
    #expect(throws: QueueingTheoryError.invalidServiceRates(station: 1)) {
      try ClosedNetwork(
        population: 3, thinkTime: 1,
        stations: [.init(demand: 0.1), .init(demand: 0.1, kind: .loadDependent(rates: [1, 0]))])
    }
  }

  // MARK: Open

  @Test func openQueueReducesToMM1AndMMc() throws {
    // Given rates [1]: M/M/1 at rho = 0.8, L = rho / (1 - rho) = 4
    let one = try LoadDependentQueue(arrivalRate: 8, serviceTime: 0.1, rates: [1])
    expectClose(one.meanNumberInSystem, 4, relative: 1e-14)
    expectClose(one.meanResponse, 0.5, relative: 1e-14)
    // Given rates [1, 2, 3]: M/M/3
    let three = try LoadDependentQueue(arrivalRate: 25, serviceTime: 0.1, rates: [1, 2, 3])
    let mmc = try MMc(arrivalRate: 25, serviceRate: 10, servers: 3)
    expectClose(three.meanNumberInSystem, mmc.meanNumberInSystem, relative: 1e-13)
  }

  @Test func openQueueMatchesATruncatedSum() throws {
    // Given a thrashing station at 1.2 Erlangs (stable: below alpha(J) = 1.5)
    let q = try LoadDependentQueue(arrivalRate: 30, serviceTime: 0.04, rates: Self.thrashing)
    // When p(n) is summed directly to n = 2,000 (the tail beyond is below 1e-190)
    var p = 1.0
    var mass = 1.0
    var first = 0.0
    for n in 1...2_000 {
      p *= 1.2 / Self.thrashing[min(n, 5) - 1]
      mass += p
      first += Double(n) * p
    }
    expectClose(q.meanNumberInSystem, first / mass, relative: 1e-12)
    // At 1.6 Erlangs it saturates: the queue grows without bound
    let error = #expect(throws: QueueingTheoryError.self) {
      try LoadDependentQueue(arrivalRate: 40, serviceTime: 0.04, rates: Self.thrashing)
    }
    guard case .unstable(let u)? = error else { Issue.record("expected unstable, got \(String(describing: error))"); return }
    expectClose(u, 1.6 / 1.5, relative: 1e-12)
  }

  @Test func lossQueueReducesToMMcKAndErlangB() throws {
    // Given rates min(j, 2) and room for 5: M/M/2/5, at a load past saturation
    let q = try LoadDependentLossQueue(arrivalRate: 30, serviceTime: 0.1, rates: [1, 2], capacity: 5)
    let mmck = try MMcK(arrivalRate: 30, serviceRate: 10, servers: 2, capacity: 5)
    expectClose(q.blockingProbability, mmck.blockingProbability, relative: 1e-13)
    expectClose(q.meanNumberInSystem, mmck.meanNumberInSystem, relative: 1e-13)
    expectClose(q.throughput, mmck.throughput, relative: 1e-13)
    expectClose(q.meanResponse, mmck.meanResponse, relative: 1e-13)
    // and with K = c Erlang B
    let b = try LoadDependentLossQueue(arrivalRate: 30, serviceTime: 0.1, rates: [1, 2, 3, 4], capacity: 4)
    expectClose(b.blockingProbability, try ErlangB.blocking(servers: 4, offeredLoad: 3), relative: 1e-13)
  }

  @Test func lossQueueMatchesTheProductFormAndNeverOverflows() throws {
    // Given a thrashing station with room for 8 at 1.6 Erlangs (unstable without the bound)
    let q = try LoadDependentLossQueue(arrivalRate: 40, serviceTime: 0.04, rates: Self.thrashing, capacity: 8)
    var t = [1.0]
    for n in 1...8 { t.append(t[n - 1] * 1.6 / Self.thrashing[min(n, 5) - 1]) }
    let mass = t.reduce(0, +)
    expectClose(q.blockingProbability, t[8] / mass, relative: 1e-13)
    expectClose(q.meanNumberInSystem, t.indices.reduce(0) { $0 + Double($1) * t[$1] } / mass, relative: 1e-13)
    // A million places at 100 times overload: every term would overflow, the shares do not
    let big = try LoadDependentLossQueue(arrivalRate: 100, serviceTime: 1, rates: [1], capacity: 1_000_000)
    #expect(big.stationaryDistribution.allSatisfy { $0.isFinite })
    expectClose(big.blockingProbability, 0.99, relative: 1e-12)
    expectClose(big.throughput, 1, relative: 1e-9)
    #expect(throws: QueueingTheoryError.self) {
      try LoadDependentLossQueue(arrivalRate: 1, serviceTime: 1, rates: [1], capacity: 0)
    }
  }
}
