import QueueingModel
import SimRandom
import Testing

/// `Network.theory()` recognizes each reference model and gives its exact answer: the mapping
/// from networks to formulas, checked against the cases' expected values (relative 1e-5; the
/// Jackson case writes its database mean as 0.166667 instead of 1/6).
@Suite struct TheoryMappingTests {
  static let cases:
    [(id: String, method: String, metric: TheoryPrediction.Metric, scope: TheoryPrediction.Scope, expected: String)] = [
      ("mmc_c4_rho0.90", "Erlang C", .meanWait, .endToEnd, "Wq"),
      ("mmc_c16_rho0.90", "Erlang C", .responseP99, .endToEnd, "W_p99"),
      ("mmc_c1_rho0.50", "M/M/1", .responseP95, .endToEnd, "W_p95"),
      ("md1_rho0.80", "M/D/1", .responseP99, .endToEnd, "W_p99"),
      ("erlang_b_c16_a12", "Erlang B", .lossProbability, .station(0), "P_block"),
      ("jackson_tandem_mm1x3", "Jackson", .meanResponse, .endToEnd, "W_end_to_end"),
      ("closed_mva_N100", "mean value analysis", .throughput, .endToEnd, "X"),
      ("closed_mva_N10", "mean value analysis", .meanResponse, .endToEnd, "R"),
      ("lb8_round_robin_rho0.90", "E_k/M/1", .responseP99, .endToEnd, "W_p99"),
      ("lb8_random_rho0.90", "Jackson", .meanResponse, .endToEnd, "W"),
    ]

  @Test(arguments: cases.indices)
  func referenceModelsMapToTheirFormula(_ i: Int) throws {
    let c = Self.cases[i]
    let reference = ReferenceCase.named(c.id)
    let answer = try reference.network.theory().get()
    #expect(answer.method.contains(c.method), "\(c.id): \(answer.method)")
    let prediction = try #require(answer.predictions.first { $0.metric == c.metric && $0.scope == c.scope })
    let expected = reference.expected[c.expected]!
    #expect(
      abs(prediction.value - expected) <= 1e-5 * expected, "\(c.id) \(c.expected): \(prediction.value) vs \(expected)")
  }

  /// Poisson streams merged are one Poisson stream: M/D/1 fed by two sources gets the M/D/1
  /// answer of their summed rate (it was refused: "a network of stations with non-exponential
  /// service has no product form").
  @Test func twoPoissonSourcesIntoOneStationAreOneStream() throws {
    let reference = ReferenceCase.named("md1_rho0.80").network
    guard case .poisson(let lambda) = reference.sources[0].kind else {
      Issue.record("md1_rho0.80 is fed by one Poisson source")
      return
    }
    var split = reference
    split.sources = [
      Source(name: "a", kind: .poisson(rate: 0.25 * lambda), to: .station(0)),
      Source(name: "b", kind: .poisson(rate: 0.75 * lambda), to: .station(0)),
    ]
    let one = try reference.theory().get()
    let two = try split.theory().get()
    #expect(two.method == one.method, "\(two.method)")
    #expect(two.predictions.count == one.predictions.count)
    for (a, b) in zip(one.predictions, two.predictions) {
      #expect(a.metric == b.metric && a.scope == b.scope && abs(a.value - b.value) <= 1e-12 * abs(a.value), "\(a) \(b)")
    }
  }

  @Test func stateDependentRoutingHasNoClosedForm() throws {
    var network = ReferenceCase.named("lb8_random_rho0.90").network
    network.dispatchers[0].policy = .joinShortestQueue
    guard case .failure(let why) = network.theory() else {
      Issue.record("join-shortest-queue must not claim an exact answer")
      return
    }
    #expect(why.reason.contains("join-shortest-queue"))
  }
}

/// A single station's theory takes every key that changes the answer, or says why it has none:
/// a load factor with a capacity, infinite servers with a capacity or a factor, processor sharing
/// behind round robin. Each expected value is worked here from the birth-death product form.
@Suite struct TheoryKeepsEveryKeyTests {
  static func single(_ station: Station, rate: Double) -> Network {
    Network(stations: [station], sources: [Source(name: "a", kind: .poisson(rate: rate), to: .station(0))])
  }

  static func value(_ answer: TheoryAnswer, _ metric: TheoryPrediction.Metric) -> Double? {
    answer.predictions.first { $0.metric == metric && $0.scope == .station(0) }?.value
  }

  @Test func aLoadFactorWithACapacityIsTheTruncatedChain() throws {
    // Given 2 servers slowed 1.5x at 2 busy, room for 4, at 150/s of 10 ms: a = 1.5, alpha = 1, 4/3
    let factor = LoadFactor(concurrency: [1, 2], factor: [1, 1.5])
    let station = Station(
      name: "db", servers: .finite(2), service: try .exponential(mean: 0.01), capacity: 4, loadFactor: factor)
    let answer = try Self.single(station, rate: 150).theory().get()
    // Then p(n) ~ 1, 1.5, 1.6875, 1.8984375, 2.1357421875 and p(4) is the share lost
    let t = [1, 1.5, 1.6875, 1.8984375, 2.1357421875]
    let mass = t.reduce(0, +)
    #expect(answer.method.contains("room for 4"), "\(answer.method)")
    #expect(abs(try #require(Self.value(answer, .lossProbability)) - t[4] / mass) < 1e-14)
    #expect(abs(try #require(Self.value(answer, .throughput)) - 150 * (1 - t[4] / mass)) < 1e-11)
    // and those beyond the 2 in service wait
    let waiting = (t[3] + 2 * t[4]) / mass
    #expect(abs(try #require(Self.value(answer, .meanWait)) - waiting / (150 * (1 - t[4] / mass))) < 1e-14)
  }

  @Test func infiniteServersTakeTheirCapacityAndFactor() throws {
    // Given infinite servers with room for 2 at 1 Erlang: Erlang B, 1/2 / (1 + 1 + 1/2) = 0.2
    let bounded = Station(name: "s", servers: .infinite, service: try .deterministic(0.1), capacity: 2)
    let erlangB = try Self.single(bounded, rate: 10).theory().get()
    #expect(erlangB.method.contains("Erlang B"), "\(erlangB.method)")
    #expect(abs(try #require(Self.value(erlangB, .lossProbability)) - 0.2) < 1e-14)
    // Given infinite servers each slowed to half speed from 4 present, at 0.8 Erlangs: alpha(j) =
    // j / factor(j), the factor rising linearly from 1 at 1 to 2 at 4
    let slowed = Station(
      name: "s", servers: .infinite, service: try .exponential(mean: 0.1),
      loadFactor: LoadFactor(concurrency: [1, 4], factor: [1, 2]))
    let answer = try Self.single(slowed, rate: 8).theory().get()
    var t = [1.0]
    for j in 1...200 { t.append(t[j - 1] * 0.8 / (Double(j) / slowed.loadFactor!.factor(at: j))) }
    let l = t.indices.reduce(0) { $0 + Double($1) * t[$1] } / t.reduce(0, +)
    #expect(abs(try #require(Self.value(answer, .meanResponse)) - l / 8) < 1e-14, "\(answer.method)")
    #expect(Self.value(answer, .lossProbability) == nil)
  }

  @Test func processorSharingHasNoWaitsAndFIFOFormulasAreNotItsPercentiles() throws {
    // Given processor sharing with room for 3: the means of the chain, nothing waits
    let ps = Station(
      name: "s", servers: .finite(1), service: try .exponential(mean: 0.1), capacity: 3, discipline: .processorSharing)
    let answer = try Self.single(ps, rate: 9).theory().get()
    #expect(Self.value(answer, .meanWait) == nil && Self.value(answer, .waitProbability) == nil, "\(answer.method)")
    // Given round robin over processor-sharing servers: the E_k/M/1 means, no FIFO percentiles
    let servers = (0..<3).map { i in
      Station(
        name: "app[\(i)]", servers: .finite(1), service: try! .exponential(mean: 0.1), discipline: .processorSharing)
    }
    let pool = Network(
      stations: servers, dispatchers: [Dispatcher(name: "lb", policy: .roundRobin, targets: [0, 1, 2])],
      sources: [Source(name: "a", kind: .poisson(rate: 25), to: .dispatcher(0))])
    let rr = try pool.theory().get()
    #expect(rr.predictions.contains { $0.metric == .meanResponse })
    #expect(!rr.predictions.contains { [.responseP95, .meanWait, .waitProbability].contains($0.metric) })
    // and with a load factor there is no answer rather than a wrong one
    var slowed = pool
    for i in slowed.stations.indices { slowed.stations[i].loadFactor = LoadFactor(concurrency: [1], factor: [2]) }
    #expect(throws: TheoryUnavailable.self) { try slowed.theory().get() }
  }

  @Test func whyThereIsNoAnswerNamesTheCause() throws {
    func why(_ network: Network) -> String {
      if case .failure(let reason) = network.theory() { return reason.reason }
      return "an answer"
    }
    let md2 = Station(name: "net", servers: .finite(2), service: try .deterministic(0.03))
    #expect(why(Self.single(md2, rate: 10)).contains("M/G/c has no exact closed form"))
    var batch = Station(name: "wal", servers: .finite(2), service: try .exponential(mean: 0.005), discipline: .batch)
    #expect(why(Self.single(batch, rate: 600)).contains("one server"))
    batch.servers = .finite(1)
    batch.timeout = 0.001
    #expect(why(Self.single(batch, rate: 600)).contains("timeout"))
    let think = try Distribution.exponential(mean: 0.2)
    let two = Network(
      stations: [Station(name: "app", servers: .finite(1), service: try .exponential(mean: 0.04))],
      sources: [
        Source(name: "users", kind: .closed(users: 6, think: think), to: .station(0)),
        Source(name: "batch", kind: .closed(users: 3, think: think), to: .station(0)),
      ])
    #expect(why(two).contains("2 closed populations"))
  }

  @Test func aStationNobodyVisitsLeavesMVAToTheOthers() throws {
    // Given 10 users who only visit db (cpu is never reached)
    let network = Network(
      stations: [
        Station(name: "cpu", servers: .finite(1), service: try .exponential(mean: 0.05)),
        Station(name: "db", servers: .finite(1), service: try .exponential(mean: 0.03)),
      ],
      sources: [Source(name: "users", kind: .closed(users: 10, think: try .exponential(mean: 1)), to: .station(1))])
    let answer = try network.theory().get()
    // Then the answer is db's alone: the same as a network of db only
    let alone = Network(
      stations: [network.stations[1]],
      sources: [Source(name: "users", kind: .closed(users: 10, think: try .exponential(mean: 1)), to: .station(0))])
    let x = answer.predictions.first { $0.metric == .throughput && $0.scope == .endToEnd }?.value
    let y = try alone.theory().get().predictions.first { $0.metric == .throughput && $0.scope == .endToEnd }?.value
    #expect(x != nil && x == y)
    #expect(!answer.predictions.contains { $0.scope == .station(0) })
  }
}
