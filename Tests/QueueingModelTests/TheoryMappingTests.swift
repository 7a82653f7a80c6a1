import QueueingModel
import Testing

/// `Network.theory()` recognizes each reference model and gives its exact answer: the mapping
/// from networks to formulas, checked against the cases' expected values (relative 1e-5; the
/// Jackson case writes its database mean as 0.166667 instead of 1/6).
@Suite struct TheoryMappingTests {
  static let cases: [(id: String, method: String, metric: TheoryPrediction.Metric, scope: TheoryPrediction.Scope, expected: String)] = [
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
    #expect(abs(prediction.value - expected) <= 1e-5 * expected, "\(c.id) \(c.expected): \(prediction.value) vs \(expected)")
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
