import QueueingTheory
import Testing

@Suite struct JacksonNetworkTests {
  /// LB -> App -> DB, one server each, service rates 10, 5, 6; Poisson 4 into LB.
  static func tandem(databaseRate: Double = 6) throws -> JacksonNetwork {
    try JacksonNetwork(
      stations: [
        .init(externalArrivalRate: 4, serviceRate: 10),
        .init(serviceRate: 5),
        .init(serviceRate: databaseRate),
      ],
      routing: [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    )
  }

  @Test func tandemMatchesReference() throws {
    // Given validation case jackson_tandem_mm1x3. Its DB mean is written 0.166667; the
    // expected values use exactly 1/6 (with 0.166667 W_end_to_end moves by 1.8e-6 relative,
    // more than the tolerance), so the rate here is 6.
    let network = try Self.tandem()
    let (lb, app, db) = (
      network.stationResults[0], network.stationResults[1],
      network.stationResults[2]
    )
    // Then
    expectClose(network.meanEndToEndResponse, 1.6666667, relative: referenceTolerance, "W_e2e")
    expectClose(lb.meanResponse, 0.16666667, relative: referenceTolerance, "W_LB")
    expectClose(lb.meanNumber, 0.66666667, relative: referenceTolerance, "L_LB")
    expectClose(app.meanResponse, 1.0, relative: referenceTolerance, "W_App")
    expectClose(app.meanNumber, 4.0, relative: referenceTolerance, "L_App")
    expectClose(db.meanResponse, 0.5, relative: referenceTolerance, "W_DB")
    expectClose(db.meanNumber, 2.0, relative: referenceTolerance, "L_DB")
    for station in network.stationResults { expectClose(station.arrivalRate, 4, relative: 1e-15) }
    expectClose(app.utilization ?? .nan, 0.8, relative: 1e-15)
  }

  @Test func feedbackMultipliesVisits() throws {
    // Given one M/M/1 (gamma = 1, mu = 4) that sends half its output back to itself
    let network = try JacksonNetwork(
      stations: [.init(externalArrivalRate: 1, serviceRate: 4)], routing: [[0.5]]
    )
    let station = network.stationResults[0]
    // Then lambda = gamma / (1 - p) = 2, rho = 0.5, L = 1, two visits of 0.5 each
    expectClose(station.arrivalRate, 2, relative: 1e-15)
    expectClose(station.visitRatio, 2, relative: 1e-15)
    expectClose(station.meanNumber, 1, relative: 1e-14)
    expectClose(network.meanEndToEndResponse, 1, relative: 1e-14)
  }

  @Test func endToEndIsVisitWeightedSojourn() throws {
    // Given a web tier (4 servers), a cache (delay) and a database with retries
    let network = try JacksonNetwork(
      stations: [
        .init(externalArrivalRate: 30, serviceRate: 10, kind: .queueing(servers: 4)),
        .init(serviceRate: 200, kind: .delay),
        .init(externalArrivalRate: 2, serviceRate: 50, kind: .queueing(servers: 2)),
      ],
      routing: [[0, 0.7, 0.3], [0, 0, 0.2], [0.1, 0, 0.05]]
    )
    // Then Little for the network equals sum of visits times sojourn per visit
    let weighted = network.stationResults.reduce(0) { $0 + $1.visitRatio * $1.meanResponse }
    expectClose(network.meanEndToEndResponse, weighted, relative: 1e-13)
    let cache = network.stationResults[1]
    #expect(cache.utilization == nil && cache.queue == nil)
    expectClose(cache.meanResponse, 1.0 / 200, relative: 1e-15)
    expectClose(cache.meanNumber, cache.arrivalRate / 200, relative: 1e-15)
    // And each queueing station is its own M/M/c
    let web = try #require(network.stationResults[0].queue)
    expectClose(web.arrivalRate, network.stationResults[0].arrivalRate, relative: 1e-15)
  }

  @Test(arguments: [3, 12, 40])
  func trafficEquationsAgainstIteration(stations n: Int) throws {
    // Given a dense random substochastic routing matrix (fixed LCG, exit >= 10% per row)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(n)
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    var routing = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      let weights = (0..<n).map { _ in uniform() }
      let total = weights.reduce(0, +)
      let keep = 0.9 * uniform()
      for j in 0..<n { routing[i][j] = keep * weights[j] / total }
    }
    let gamma = (0..<n).map { _ in uniform() }
    let stations = gamma.map {
      JacksonNetwork.Station(externalArrivalRate: $0, serviceRate: 100, kind: .queueing(servers: 3))
    }
    // When
    let network = try JacksonNetwork(stations: stations, routing: routing)
    // Then the solution agrees with the Neumann series lambda <- gamma + P^T lambda
    var lambda = gamma
    for _ in 0..<2_000 {
      lambda = (0..<n).map { j in gamma[j] + (0..<n).reduce(0) { $0 + routing[$1][j] * lambda[$1] }
      }
    }
    for j in 0..<n {
      expectClose(network.stationResults[j].arrivalRate, lambda[j], relative: 1e-11, "station \(j)")
    }
  }

  /// Solved part by part (strongly connected parts in routing order, each by elimination or by
  /// iteration), the traffic equations agree with one elimination of the whole matrix.
  @Test(arguments: [0, 3, 8])
  func partByPartAgreesWithTheWholeMatrix(denseLimit: Int) throws {
    // Given 40 stations in 5 groups of 8, random routes within a group and on to later groups
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    let n = 40
    var routing = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      let targets = (0..<n).filter { $0 / 8 >= i / 8 && uniform() < 0.3 }
      let keep = 0.95 * uniform()
      for t in targets { routing[i][t] = keep / Double(targets.count) }
    }
    let gamma = (0..<n).map { $0 % 8 == 0 ? uniform() : 0 }
    let rows = routing.map { row in
      row.indices.compactMap { row[$0] == 0 ? nil : JacksonNetwork.Transition(to: $0, probability: row[$0]) }
    }
    // When solved whole and by parts
    let whole = try JacksonNetwork.solveTrafficEquations(externalArrivalRates: gamma, routing: routing)
    let parts = try JacksonNetwork.solveTrafficEquations(
      externalArrivalRates: gamma, transitions: rows, denseLimit: denseLimit)
    // Then they agree
    for j in 0..<n { expectClose(parts[j], whole[j], relative: 1e-12, "station \(j)") }
  }

  /// 30,000 copies behind an even split, each sending every customer on to a database that
  /// sends half of them back to the split: 60,000 routes, one strongly connected part of 30,001
  /// stations. Its dense matrix would take 7 GB; the routes take a few MB.
  @Test func thirtyThousandCopiesWithFeedbackAreSolvedOnTheirRoutes() throws {
    let copies = 30_000
    let database = copies
    var rows = [[JacksonNetwork.Transition]](
      repeating: [.init(to: database, probability: 1)], count: copies)
    rows.append((0..<copies).map { .init(to: $0, probability: 0.5 / Double(copies)) })
    var gamma = [Double](repeating: 1 / Double(copies), count: copies)
    gamma.append(0)
    let lambda = try JacksonNetwork.solveTrafficEquations(externalArrivalRates: gamma, transitions: rows)
    // lambda_db = 1 + lambda_db / 2, and each copy takes its share of 1 + lambda_db / 2
    expectClose(lambda[database], 2, relative: 1e-12)
    expectClose(lambda[0], 2 / Double(copies), relative: 1e-12)
    expectClose(lambda[copies - 1], 2 / Double(copies), relative: 1e-12)
  }

  @Test func invalidRoutingThrows() {
    let two: [JacksonNetwork.Station] = [
      .init(externalArrivalRate: 1, serviceRate: 5), .init(serviceRate: 5),
    ]
    #expect(throws: QueueingTheoryError.routingRowExceedsOne(station: 0, sum: 1.25)) {
      try JacksonNetwork(stations: two, routing: [[0.5, 0.75], [0, 0]])
    }
    #expect(throws: QueueingTheoryError.invalidRoutingProbability(from: 1, to: 0, value: -0.1)) {
      try JacksonNetwork(stations: two, routing: [[0, 1], [-0.1, 0]])
    }
    #expect(throws: QueueingTheoryError.routingHasNoExit(stations: [0, 1])) {
      try JacksonNetwork(stations: two, routing: [[0, 1], [1, 0]])
    }
    // A closed loop nobody enters is still a modelling error.
    let three = two + [.init(serviceRate: 5)]
    #expect(throws: QueueingTheoryError.routingHasNoExit(stations: [1, 2])) {
      try JacksonNetwork(stations: three, routing: [[0, 0, 0], [0, 0, 1], [0, 1, 0]])
    }
    #expect(throws: QueueingTheoryError.routingRowCountMismatch(stations: 2, rows: 1)) {
      try JacksonNetwork(stations: two, routing: [[0, 1]])
    }
    #expect(throws: QueueingTheoryError.routingRowLengthMismatch(row: 1, entries: 1, stations: 2)) {
      try JacksonNetwork(stations: two, routing: [[0, 1], [0]])
    }
    // Rows that add up to 1 within rounding are accepted.
    #expect(throws: Never.self) {
      try JacksonNetwork(stations: two, routing: [[0, 0.1 + 0.2 + 0.7], [0, 0]])
    }
  }

  @Test func invalidStationsThrow() {
    #expect(throws: QueueingTheoryError.unstableStation(station: 1, utilization: 1.2)) {
      try JacksonNetwork(
        stations: [.init(externalArrivalRate: 6, serviceRate: 10), .init(serviceRate: 5)],
        routing: [[0, 1], [0, 0]]
      )
    }
    #expect(throws: QueueingTheoryError.noExternalArrivals) {
      try JacksonNetwork(stations: [.init(serviceRate: 5)], routing: [[0]])
    }
    #expect(throws: QueueingTheoryError.invalidExternalArrivalRate(station: 0, value: -1)) {
      try JacksonNetwork(stations: [.init(externalArrivalRate: -1, serviceRate: 5)], routing: [[0]])
    }
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try JacksonNetwork(
        stations: [.init(externalArrivalRate: 1, serviceRate: 5, kind: .queueing(servers: 0))],
        routing: [[0]]
      )
    }
    #expect(throws: QueueingTheoryError.invalidServiceRate(0)) {
      try JacksonNetwork(stations: [.init(externalArrivalRate: 1, serviceRate: 0)], routing: [[0]])
    }
  }

  @Test func stationNobodyVisitsIsIdle() throws {
    let network = try JacksonNetwork(
      stations: [.init(externalArrivalRate: 1, serviceRate: 5), .init(serviceRate: 2)],
      routing: [[0, 0], [0, 0]]
    )
    let idle = network.stationResults[1]
    #expect(idle.arrivalRate == 0 && idle.meanNumber == 0 && idle.queue == nil)
    expectClose(network.meanEndToEndResponse, 0.25, relative: 1e-15)
  }
}
