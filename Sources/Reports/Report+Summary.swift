import Foundation
import RunRecords

extension Report {
  /// Run metadata, verdict counts by outcome, the failed verdicts, peak p95 per territory, cost
  /// totals per currency and the run's faults and changes, as JSON for programs (CI gates,
  /// dashboards).
  ///
  /// Keys are snake_case with the unit in the name (`_s` seconds), as in `capsim run --format json`.
  package static func summaryJSON(_ data: RunData) throws -> String {
    try encode(Summary(data))
  }

  /// Both runs' summaries, what changed between their scenarios, the verdicts whose outcome
  /// changed, and the cost difference per currency.
  package static func comparisonSummaryJSON(baseline: RunData, whatIf: RunData) throws -> String {
    try encode(ComparisonSummary(baseline: baseline, whatIf: whatIf))
  }

  static func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }
}

struct Summary: Encodable {
  struct Run: Encodable {
    var id: Int64?
    var capsim_version, kind, scenario_name, scenario_path, scenario_sha256: String
    var topology_path, topology_sha256: String
    var settings: [String]
    var seed: UInt64
    var replications: Int
    var horizon_s, series_interval_s: Double
    var time_zone: String
    var started_at: String
    var ended_at: String?
    var status: String
    var wall_seconds: Double?
    var requests: Int?
    var message: String?
  }

  struct Verdicts: Encodable {
    var total: Int
    var by_outcome: [String: Int]
  }

  struct Failed: Encodable {
    var territory, period, request_class, objective: String
    var target: Double?
    var mean: Double
    var half_width: Double?
    var worst_window_local: String?
    var worst_value: Double?
  }

  struct PeakP95: Encodable {
    var p95_s: Double
    var window_start_s: Double
    var local_start: String
    var period: String
  }

  struct CostTotal: Encodable {
    var instance_hours, instance_cost, database_node_hours, database_cost, total: Double
  }

  /// A fault, capacity change or deployment; times are nil for random crashes.
  struct Event: Encodable {
    var territory, kind, subject, label: String
    var start_s, end_s: Double?
    var local_start, local_end: String?
  }

  var run: Run
  var verdicts: Verdicts
  var failed_verdicts: [Failed]
  var peak_p95: [String: PeakP95]
  var cost_totals: [String: CostTotal]
  var events: [Event]

  init(_ data: RunData) {
    let r = data.run
    run = Run(
      id: r.id, capsim_version: r.capsimVersion, kind: r.kind, scenario_name: r.scenarioName,
      scenario_path: r.scenarioPath, scenario_sha256: r.scenarioHash, topology_path: r.topologyPath,
      topology_sha256: r.topologyHash, settings: r.settings, seed: r.seed, replications: r.replications,
      horizon_s: r.horizon, series_interval_s: r.seriesInterval, time_zone: r.timeZone,
      started_at: Format.instant(r.startedAt), ended_at: r.endedAt.map(Format.instant), status: r.status.rawValue,
      wall_seconds: r.wallSeconds, requests: r.requests, message: r.message)
    var byOutcome: [String: Int] = [:]
    for (o, n) in VerdictText.counts(data.verdicts) { byOutcome[o] = n }
    verdicts = Verdicts(total: data.verdicts.count, by_outcome: byOutcome)
    failed_verdicts = data.verdicts.filter { $0.outcome.lowercased() == "fail" }.map {
      Failed(
        territory: $0.territory, period: $0.period, request_class: $0.requestClass, objective: $0.objective,
        target: $0.target, mean: $0.mean, half_width: $0.halfWidth, worst_window_local: $0.worstWindowLocal,
        worst_value: $0.worstValue)
    }
    let index = RunIndex(data)
    var peaks: [String: PeakP95] = [:]
    for t in index.territories {
      if let p = index.figures(t).p95 {
        peaks[t] = PeakP95(
          p95_s: p.value, window_start_s: p.point.windowStart, local_start: p.point.localStart, period: p.point.period)
      }
    }
    peak_p95 = peaks
    var costs: [String: CostTotal] = [:]
    for c in data.costs {
      var t =
        costs[c.currency]
        ?? CostTotal(
          instance_hours: 0, instance_cost: 0, database_node_hours: 0, database_cost: 0, total: 0)
      t.instance_hours += c.instanceHours
      t.instance_cost += c.instanceCost
      t.database_node_hours += c.databaseNodeHours
      t.database_cost += c.databaseCost
      t.total += c.instanceCost + c.databaseCost
      costs[c.currency] = t
    }
    // Cents, so that sums read 285.6 rather than 285.59999999999997.
    for k in costs.keys {
      costs[k]!.instance_cost = Summary.cents(costs[k]!.instance_cost)
      costs[k]!.database_cost = Summary.cents(costs[k]!.database_cost)
      costs[k]!.total = Summary.cents(costs[k]!.total)
    }
    cost_totals = costs
    events = data.events.map {
      Event(
        territory: $0.territory, kind: $0.kind, subject: $0.subject, label: $0.label, start_s: $0.start,
        end_s: $0.end, local_start: $0.localStart, local_end: $0.localEnd)
    }
  }

  static func cents(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

struct ComparisonSummary: Encodable {
  struct Change: Encodable {
    var territory, period, request_class, objective: String
    var baseline_outcome, what_if_outcome: String?
    var baseline_mean, what_if_mean: Double?
  }

  struct CostDifference: Encodable {
    var baseline, what_if, difference: Double
  }

  /// A difference between the scenarios: a sentence and its lines ("+ demand.DE.growth: 1.5").
  struct ScenarioChange: Encodable {
    var summary: String
    var lines: [String]
  }

  var baseline: Summary
  var what_if: Summary
  var scenario_changes: [ScenarioChange]
  var changed_verdicts: [Change]
  var cost_difference: [String: CostDifference]

  init(baseline b: RunData, whatIf w: RunData) {
    baseline = Summary(b)
    what_if = Summary(w)
    scenario_changes = ScenarioChanges(baseline: b.run, whatIf: w.run).changes.map {
      ScenarioChange(summary: $0.summary, lines: $0.lines.map { $0.sign.rawValue + " " + $0.text })
    }
    changed_verdicts = Comparison.pairs(b.verdicts, w.verdicts).filter(\.isChanged).map { p in
      Change(
        territory: p.key.territory, period: p.key.period, request_class: p.key.requestClass,
        objective: p.key.objective, baseline_outcome: p.baseline?.outcome, what_if_outcome: p.whatIf?.outcome,
        baseline_mean: p.baseline?.mean, what_if_mean: p.whatIf?.mean)
    }
    var costs: [String: CostDifference] = [:]
    for (currency, t) in Report.costTotals(b.costs) {
      costs[currency, default: .init(baseline: 0, what_if: 0, difference: 0)].baseline = t.instance + t.database
    }
    for (currency, t) in Report.costTotals(w.costs) {
      costs[currency, default: .init(baseline: 0, what_if: 0, difference: 0)].what_if = t.instance + t.database
    }
    for k in costs.keys {
      costs[k]!.baseline = Summary.cents(costs[k]!.baseline)
      costs[k]!.what_if = Summary.cents(costs[k]!.what_if)
      costs[k]!.difference = Summary.cents(costs[k]!.what_if - costs[k]!.baseline)
    }
    cost_difference = costs
  }
}
