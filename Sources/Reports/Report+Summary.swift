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

  /// A recorded run whole, for `capsim show --format json`: the run, every verdict in the
  /// layout of every capsim JSON, costs, targets, events and the series; null where a value
  /// was not measured.
  package static func runJSON(_ data: RunData) throws -> String {
    try encode(RunDocument(data))
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
    @Nullable var id: Int64?
    var capsim_version, kind, scenario_name, scenario_path, scenario_sha256: String
    var topology_path, topology_sha256: String
    var settings: [String]
    var seed: UInt64
    var replications: Int
    var horizon_s, series_interval_s: Double
    var time_zone: String
    var started_at: String
    @Nullable var ended_at: String?
    var status: String
    @Nullable var wall_seconds: Double?
    @Nullable var requests: Int?
    @Nullable var message: String?

    init(_ r: RunRecord) {
      id = r.id
      capsim_version = r.capsimVersion
      kind = r.kind
      scenario_name = r.scenarioName
      scenario_path = r.scenarioPath
      scenario_sha256 = r.scenarioHash
      topology_path = r.topologyPath
      topology_sha256 = r.topologyHash
      settings = r.settings
      seed = r.seed
      replications = r.replications
      horizon_s = r.horizon
      series_interval_s = r.seriesInterval
      time_zone = r.timeZone
      started_at = Format.instant(r.startedAt)
      ended_at = r.endedAt.map(Format.instant)
      status = r.status.rawValue
      wall_seconds = r.wallSeconds
      requests = r.requests
      message = r.message
    }
  }

  struct Verdicts: Encodable {
    var total: Int
    var by_outcome: [String: Int]
  }

  struct PeakP95: Encodable {
    var p95_s: Double
    var window_start_s: Double
    var local_start: String
    var period: String
  }

  /// Per currency: over the run, and `per_30_days` the run rate (null when the run did not
  /// record its hours).
  struct CostTotal: Encodable {
    var instance_hours, instance_cost, database_node_hours, database_cost, total: Double
    @Nullable var per_30_days: Double?
  }

  /// A fault, capacity change or deployment; times are nil for random crashes.
  struct Event: Encodable {
    var territory, kind, subject, label: String
    @Nullable var start_s: Double?
    @Nullable var end_s: Double?
    @Nullable var local_start: String?
    @Nullable var local_end: String?

    init(_ e: EventRecord) {
      territory = e.territory
      kind = e.kind
      subject = e.subject
      label = e.label
      start_s = e.start
      end_s = e.end
      local_start = e.localStart
      local_end = e.localEnd
    }
  }

  var run: Run
  var verdicts: Verdicts
  /// In the verdict layout of every capsim JSON (`VerdictJSON`).
  var failed_verdicts: [VerdictJSON]
  var peak_p95: [String: PeakP95]
  var cost_totals: [String: CostTotal]
  var events: [Event]
  /// What each autoscaler did (empty without one).
  var autoscalers: [AutoscalerSummary.JSON]

  init(_ data: RunData) {
    run = Run(data.run)
    autoscalers = AutoscalerSummary.summaries(data).map(\.json)
    var byOutcome: [String: Int] = [:]
    for (o, n) in VerdictText.counts(data.verdicts) { byOutcome[o] = n }
    verdicts = Verdicts(total: data.verdicts.count, by_outcome: byOutcome)
    failed_verdicts = data.verdicts.filter { $0.outcome.lowercased() == "fail" }.map(VerdictJSON.init)
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
          instance_hours: 0, instance_cost: 0, database_node_hours: 0, database_cost: 0, total: 0, per_30_days: nil)
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
    for (currency, t) in Report.costTotals(data.costs) where t.hours > 0 {
      costs[currency]?.per_30_days = Summary.cents((t.instance + t.database) / t.hours * CostRecord.thirtyDays)
    }
    cost_totals = costs
    events = data.events.map(Event.init)
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

/// The document of `capsim show --format json`.
struct RunDocument: Encodable {
  struct Cost: Encodable {
    var territory, month, currency: String
    var instance_hours, instance_cost, database_node_hours, database_cost, total: Double
    @Nullable var span_hours: Double?
    @Nullable var month_hours: Double?
    @Nullable var per_30_days: Double?
    @Nullable var per_calendar_month: Double?
  }

  struct Point: Encodable {
    var territory, tier, request_class: String
    var window_start_s, window_end_s: Double
    var local_start, period: String
    @Nullable var demand_multiplier: Double?
    @Nullable var arrivals: Double?
    @Nullable var completions: Double?
    @Nullable var errors_queue_full: Double?
    @Nullable var errors_timeout: Double?
    @Nullable var errors_no_connection: Double?
    @Nullable var errors_node_down: Double?
    @Nullable var latency_p50_s: Double?
    @Nullable var latency_p95_s: Double?
    @Nullable var latency_p99_s: Double?
    @Nullable var utilization: Double?
    @Nullable var queue_length: Double?
    @Nullable var instances: Double?
    @Nullable var users: Double?
    @Nullable var replica_lag_s: Double?
    /// A hybrid run's `all`/`all` rows: request, fluid or mixed.
    @Nullable var mode: String?
  }

  var run: Summary.Run
  var verdicts: [VerdictJSON]
  var costs: [Cost]
  var targets: [String: Double]
  var events: [Summary.Event]
  var series: [Point]
  /// What each autoscaler did (empty without one); its syncs are the `autoscaler_sync` table.
  var autoscalers: [AutoscalerSummary.JSON]
  /// Row locks per territory (empty without locks): the `row_lock` table.
  var locks: [Lock]
  /// A queueing-network run's results as `capsim run --format json` printed them (the
  /// `network_summary` table); null for a platform run.
  @Nullable var network: StoredJSON?

  struct Lock: Encodable {
    var territory, lock: String
    var rows: Int
    var requests: Double
    @Nullable var waited_share: Double?
    @Nullable var wait_mean_s: Double?
    @Nullable var held_mean_s: Double?
    var busiest_row_utilization: Double
  }

  init(_ data: RunData) {
    run = Summary.Run(data.run)
    locks = data.locks.map {
      Lock(
        territory: $0.territory, lock: $0.lock, rows: $0.rows, requests: $0.requests, waited_share: $0.waitedShare,
        wait_mean_s: $0.waitMean, held_mean_s: $0.heldMean, busiest_row_utilization: $0.busiestRow)
    }
    autoscalers = AutoscalerSummary.summaries(data).map(\.json)
    verdicts = data.verdicts.map(VerdictJSON.init)
    costs = data.costs.map {
      Cost(
        territory: $0.territory, month: $0.month, currency: $0.currency, instance_hours: $0.instanceHours,
        instance_cost: $0.instanceCost, database_node_hours: $0.databaseNodeHours, database_cost: $0.databaseCost,
        total: $0.instanceCost + $0.databaseCost, span_hours: $0.spanHours, month_hours: $0.monthHours,
        per_30_days: $0.per30Days, per_calendar_month: $0.perCalendarMonth)
    }
    targets = data.targets
    events = data.events.map(Summary.Event.init)
    series = data.series.map { p in
      Point(
        territory: p.territory, tier: p.tier, request_class: p.requestClass, window_start_s: p.windowStart,
        window_end_s: p.windowEnd, local_start: p.localStart, period: p.period, demand_multiplier: p.demandMultiplier,
        arrivals: p.arrivals, completions: p.completions, errors_queue_full: p.errorsQueueFull,
        errors_timeout: p.errorsTimeout, errors_no_connection: p.errorsNoConnection, errors_node_down: p.errorsNodeDown,
        latency_p50_s: p.latencyP50, latency_p95_s: p.latencyP95, latency_p99_s: p.latencyP99,
        utilization: p.utilization, queue_length: p.queueLength, instances: p.instances, users: p.users,
        replica_lag_s: p.replicaLag, mode: p.mode)
    }
    network = data.networkSummary.flatMap { try? JSONDecoder().decode(StoredJSON.self, from: Data($0.json.utf8)) }
  }
}

/// A JSON document kept as text in the database, written back in the document that holds it.
indirect enum StoredJSON: Codable {
  // Whole numbers stay integers: a seed of 2^53 + 1 read as a Double would come back changed,
  // and a run repeated from it would differ.
  case null, bool(Bool), integer(Int64), unsigned(UInt64), number(Double), string(String), array([StoredJSON])
  case object([String: StoredJSON])

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let n = try? c.decode(Int64.self) {
      self = .integer(n)
    } else if let n = try? c.decode(UInt64.self) {
      self = .unsigned(n)
    } else if let n = try? c.decode(Double.self) {
      self = .number(n)
    } else if let t = try? c.decode(String.self) {
      self = .string(t)
    } else if let a = try? c.decode([StoredJSON].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: StoredJSON].self))
    }
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .integer(let n): try c.encode(n)
    case .unsigned(let n): try c.encode(n)
    case .number(let n): try c.encode(n)
    case .string(let t): try c.encode(t)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }
}
