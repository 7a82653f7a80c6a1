#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Testing

import QueueingTheory

/// One closed-network reference: Z = 5, CPU (D = 0.05) then DB (D = 0.03), single servers.
struct ClosedCase: Sendable, CustomTestStringConvertible {
  let population: Int
  let throughput: Double
  let responseTime: Double
  let utilizationCPU: Double
  let utilizationDB: Double
  let queueCPU: Double
  let queueDB: Double

  var testDescription: String { "N=\(population)" }
}

@Suite struct ClosedNetworkTests {
  static let interactive: [ClosedNetwork.Station] = [
    .init(demand: 0.05), .init(demand: 0.03),
  ]

  /// Validation cases closed_mva_N10 and closed_mva_N100.
  static let references: [ClosedCase] = [
    ClosedCase(
      population: 10, throughput: 1.9660005, responseTime: 0.086468731,
      utilizationCPU: 0.098300024, utilizationDB: 0.058980015,
      queueCPU: 0.10773218, queueDB: 0.062265384),
    ClosedCase(
      population: 100, throughput: 18.331633, responseTime: 0.45505141,
      utilizationCPU: 0.91658165, utilizationDB: 0.54994899,
      queueCPU: 7.1423939, queueDB: 1.1994415),
  ]

  @Test(arguments: references)
  func matchesReference(_ reference: ClosedCase) throws {
    // Given
    let network = try ClosedNetwork(
      population: reference.population, thinkTime: 5,
      stations: Self.interactive)
    let solution = network.solution
    let (cpu, db) = (solution.stations[0], solution.stations[1])
    // Then (8-digit references)
    expectClose(solution.throughput, reference.throughput, relative: referenceTolerance, "X")
    expectClose(solution.responseTime, reference.responseTime, relative: referenceTolerance, "R")
    expectClose(
      cpu.meanBusyServers, reference.utilizationCPU, relative: referenceTolerance, "U_CPU")
    expectClose(db.meanBusyServers, reference.utilizationDB, relative: referenceTolerance, "U_DB")
    expectClose(cpu.utilization ?? .nan, reference.utilizationCPU, relative: referenceTolerance)
    expectClose(cpu.meanNumber, reference.queueCPU, relative: referenceTolerance, "Q_CPU")
    expectClose(db.meanNumber, reference.queueDB, relative: referenceTolerance, "Q_DB")
  }

  @Test func curveHoldsEveryPopulation() throws {
    let network = try ClosedNetwork(population: 100, thinkTime: 5, stations: Self.interactive)
    #expect(network.solutions.count == 100)
    #expect(network.solutions.map(\.population) == Array(1...100))
    let ten = try #require(network.solution(population: 10))
    expectClose(ten.throughput, Self.references[0].throughput, relative: referenceTolerance)
    #expect(network.solution(population: 0) == nil && network.solution(population: 101) == nil)
    // One user never queues: R(1) = sum D
    expectClose(network.solutions[0].responseTime, 0.08, relative: 1e-15)
  }

  @Test func singleServerThroughTheLoadDependentPathAgrees() throws {
    // Given the single-server stations forced through load-dependent MVA
    let stations: [ClosedNetwork.Station] =
      Self.interactive + [
        .init(demand: 0.2, kind: .queueing(servers: 3)), .init(demand: 0.4, kind: .delay),
      ]
    var forced = _MeanValueAnalysis(
      population: 200, thinkTime: 5, stations: stations,
      loadDependentFrom: 1)
    let classic = try ClosedNetwork(population: 200, thinkTime: 5, stations: stations)
    for n in 1...200 {
      let solution = forced.step(to: n)
      // Then the results agree, and the idle probability that the complement constant gives
      // equals 1 - U, which holds exactly for a single server.
      expectClose(solution.throughput, classic.solutions[n - 1].throughput, relative: 1e-13)
      for k in 0..<2 {
        let idle = exp(try #require(forced.loadDependent[k]).logMarginals[0])
        expectClose(
          idle, 1 - solution.stations[k].meanBusyServers, relative: 1e-11,
          absolute: 1e-15, "n=\(n) station \(k)")
      }
    }
  }

  @Test func manyServersBehaveLikeADelay() throws {
    // Given c = 50 >= N = 40, nobody ever queues at station 0
    let multi = try ClosedNetwork(
      population: 40, thinkTime: 5,
      stations: [
        .init(demand: 0.5, kind: .queueing(servers: 50)), .init(demand: 0.03),
      ])
    let delay = try ClosedNetwork(
      population: 40, thinkTime: 5,
      stations: [
        .init(demand: 0.5, kind: .delay), .init(demand: 0.03),
      ])
    for (a, b) in zip(multi.solutions, delay.solutions) {
      expectClose(a.throughput, b.throughput, relative: 1e-13)
      expectClose(a.stations[0].residenceTime, 0.5, relative: 1e-13)
      expectClose(a.stations[0].meanNumber, b.stations[0].meanNumber, relative: 1e-13)
      expectClose(a.stations[1].meanNumber, b.stations[1].meanNumber, relative: 1e-13)
    }
    #expect(delay.solution.stations[0].utilization == nil)
  }

  /// Networks small enough for a brute-force Markov chain.
  static let smallNetworks: [(population: Int, think: Double, stations: [ClosedNetwork.Station])] =
    [
      (6, 2, [.init(demand: 0.8, kind: .queueing(servers: 2)), .init(demand: 0.3)]),
      (
        8, 1,
        [
          .init(demand: 0.5, kind: .queueing(servers: 2)),
          .init(demand: 0.9, kind: .queueing(servers: 3)), .init(demand: 0.2),
        ]
      ),
      (
        7, 0.5,
        [
          .init(demand: 1.5, kind: .queueing(servers: 4)), .init(demand: 0.7, kind: .delay),
          .init(demand: 0.1),
        ]
      ),
    ]

  @Test(arguments: 0..<3)
  func multiServerAgainstMarkovChain(_ index: Int) throws {
    // Given a cyclic network think -> 1 -> 2 -> ... -> think solved as a CTMC, which assumes
    // nothing about product form
    let (population, think, stations) = Self.smallNetworks[index]
    let network = try ClosedNetwork(population: population, thinkTime: think, stations: stations)
    for n in 1...population {
      let exact = cyclicChain(population: n, thinkTime: think, stations: stations)
      let solution = network.solutions[n - 1]
      // Then MVA agrees to the rounding of a dense solve
      expectClose(solution.throughput, exact.throughput, relative: 1e-10, "X n=\(n)")
      for k in stations.indices {
        expectClose(
          solution.stations[k].meanNumber, exact.queueLengths[k], relative: 1e-10,
          absolute: 1e-13, "Q n=\(n) k=\(k)")
      }
    }
  }

  @Test func largePopulationsStayExact() throws {
    // Given cases where textbook load-dependent MVA (p(0) = 1 - sum) breaks down; expected
    // values from the convolution algorithm in 60-digit arithmetic (mpmath).
    let sixteen = try ClosedNetwork(
      population: 300, thinkTime: 5,
      stations: [
        .init(demand: 0.4, kind: .queueing(servers: 16)), .init(demand: 0.03),
      ]
    ).solution
    expectClose(sixteen.throughput, 33.33333331235969, relative: 1e-11)
    expectClose(sixteen.stations[0].meanNumber, 15.269342675886415, relative: 1e-11)
    expectClose(sixteen.stations[1].meanNumber, 118.06399076231513, relative: 1e-11)

    let wide = try ClosedNetwork(
      population: 900, thinkTime: 1,
      stations: [
        .init(demand: 2, kind: .queueing(servers: 800)), .init(demand: 0.001),
      ]
    ).solution
    expectClose(wide.throughput, 299.8573367462812, relative: 1e-11)
    expectClose(wide.stations[0].meanNumber, 599.7146734925624, relative: 1e-11)
    expectClose(wide.stations[1].meanNumber, 0.4279897611565085, relative: 1e-11)
  }

  @Test func conservationAndBoundsAtThousandsOfUsers() throws {
    // Given 3,000 users on a mixed network with two multi-server bottleneck candidates
    let stations: [ClosedNetwork.Station] = [
      .init(demand: 0.02, kind: .queueing(servers: 2)),
      .init(demand: 0.6, kind: .queueing(servers: 64)),
      .init(demand: 0.009),
      .init(demand: 0.05, kind: .delay),
    ]
    let network = try ClosedNetwork(population: 3_000, thinkTime: 4, stations: stations)
    // The full-network constant, built like the complements, must stay exactly 1 (log 0).
    var full = _ComplementConstant(
      totalDelay: 4.05, stations: [(0.02, 2), (0.6, 64), (0.009, 1)], population: 3_000)
    var logX: [Double] = [0]
    for solution in network.solutions {
      let n = solution.population
      // Then every user is somewhere (Little at each station plus the thinkers)
      let present = solution.stations.reduce(solution.meanThinking) { $0 + $1.meanNumber }
      expectClose(present, Double(n), relative: 1e-10, "n=\(n)")
      // and throughput respects the asymptotic bounds
      #expect(solution.throughput <= Double(n) / (4 + 0.679) * (1 + 1e-12))
      #expect(solution.throughput <= 2 / 0.02 * (1 + 1e-12))  // bottleneck: c / D = 100
      for station in solution.stations {
        #expect(station.residenceTime.isFinite && station.meanNumber >= 0)
      }
      logX.append(log(solution.throughput))
      let logConstant = full.advance(to: n, logThroughputs: logX)
      #expect(abs(logConstant) < 1e-9, "n=\(n): log G(n) X(1)...X(n) = \(logConstant)")
    }
    expectClose(network.solution.throughput, 100, relative: 1e-9)
  }

  @Test func pureThinkTimeNeedsNoStations() throws {
    let network = try ClosedNetwork(population: 7, thinkTime: 2, stations: [])
    expectClose(network.solution.throughput, 3.5, relative: 1e-15)
    #expect(network.solution.responseTime == 0)
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidPopulation(0)) {
      try ClosedNetwork(population: 0, thinkTime: 1, stations: Self.interactive)
    }
    #expect(throws: QueueingTheoryError.invalidThinkTime(-1)) {
      try ClosedNetwork(population: 3, thinkTime: -1, stations: Self.interactive)
    }
    #expect(throws: QueueingTheoryError.invalidServiceDemand(station: 1, value: 0)) {
      try ClosedNetwork(
        population: 3, thinkTime: 1, stations: [.init(demand: 1), .init(demand: 0)])
    }
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try ClosedNetwork(
        population: 3, thinkTime: 1,
        stations: [.init(demand: 1, kind: .queueing(servers: 0))])
    }
    #expect(throws: QueueingTheoryError.emptyNetwork) {
      try ClosedNetwork(population: 3, thinkTime: 0, stations: [])
    }
  }
}

/// Exact means of a cyclic network, from the global balance equations of its Markov chain.
///
/// Customers go think -> station 1 -> ... -> station K -> think, one visit each, so a
/// station's demand is its mean service time.
func cyclicChain(
  population: Int,
  thinkTime: Double,
  stations: [ClosedNetwork.Station]
) -> (throughput: Double, queueLengths: [Double]) {
  // States: customers at each station; the rest are thinking.
  var states: [[Int]] = []
  func enumerate(_ prefix: [Int], _ left: Int) {
    if prefix.count == stations.count {
      states.append(prefix)
      return
    }
    for count in 0...left { enumerate(prefix + [count], left - count) }
  }
  enumerate([], population)
  let index = Dictionary(uniqueKeysWithValues: states.enumerated().map { ($1, $0) })
  func rate(_ k: Int, _ count: Int) -> Double {
    switch stations[k].kind {
    case .delay: Double(count) / stations[k].demand
    case .queueing(let servers): Double(min(count, servers)) / stations[k].demand
    case .loadDependent(let rates): count == 0 ? 0 : rates[min(count, rates.count) - 1] / stations[k].demand
    }
  }
  // Generator transposed: a[to][from] += rate, a[from][from] -= rate.
  let size = states.count
  var a = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
  for (from, state) in states.enumerated() {
    func move(to target: [Int], rate r: Double) {
      guard r > 0 else { return }
      a[index[target]!][from] += r
      a[from][from] -= r
    }
    let thinking = population - state.reduce(0, +)
    if thinking > 0 {
      var target = state
      target[0] += 1
      move(to: target, rate: Double(thinking) / thinkTime)
    }
    for k in stations.indices where state[k] > 0 {
      var target = state
      target[k] -= 1
      if k + 1 < stations.count { target[k + 1] += 1 }
      move(to: target, rate: rate(k, state[k]))
    }
  }
  // Replace one balance equation by the normalization, then Gauss-Jordan with pivoting.
  var b = [Double](repeating: 0, count: size)
  a[size - 1] = [Double](repeating: 1, count: size)
  b[size - 1] = 1
  for column in 0..<size {
    let pivot = (column..<size).max { abs(a[$0][column]) < abs(a[$1][column]) }!
    a.swapAt(pivot, column)
    b.swapAt(pivot, column)
    for row in 0..<size where row != column && a[row][column] != 0 {
      let factor = a[row][column] / a[column][column]
      for k in column..<size { a[row][k] -= factor * a[column][k] }
      b[row] -= factor * b[column]
    }
  }
  let probabilities = (0..<size).map { b[$0] / a[$0][$0] }
  var queueLengths = [Double](repeating: 0, count: stations.count)
  var throughput = 0.0
  for (state, p) in zip(states, probabilities) {
    for k in stations.indices { queueLengths[k] += p * Double(state[k]) }
    throughput += p * rate(stations.count - 1, state[stations.count - 1])
  }
  return (throughput, queueLengths)
}
