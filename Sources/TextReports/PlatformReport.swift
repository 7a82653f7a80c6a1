import Demand
import Foundation
import PlatformModel
import Reports
import RunRecords
import SimStatistics

/// What `capsim run` prints for a platform scenario: per territory and period the measured
/// service, the SLO verdicts, capacity and cost, database nodes, and a series.
package struct PlatformReport {
  var result: PlatformResult
  var series: SeriesGrouping
  /// Worked out once: every table, the JSON, the record and `--fail-on-slo` read them.
  package let verdicts: [Verdict]

  package init(result: PlatformResult, series: SeriesGrouping) {
    self.result = result
    self.series = series
    verdicts = result.verdicts()
  }

  package enum SeriesGrouping: String, CaseIterable {
    case hour, day, week, none
  }

  var scenario: PlatformScenario { result.scenario }
  var replications: [PlatformReplication] { result.replications }

  // MARK: Table

  package func table() -> String {
    // The verdicts come last: they are what a reader (or a CI log) looks for first.
    var parts = [header(), periodTable(), costTable(), nodeTable()]
    if !scenario.platform.locks.isEmpty { parts.append(lockTable()) }
    if !scenario.autoscalers.isEmpty { parts.append(autoscalerTable()) }
    if series != .none { parts += scenario.platform.territories.indices.map(seriesTable) }
    parts.append(verdictTable())
    return parts.joined(separator: "\n\n")
  }

  /// What the autoscalers did, per territory (means over replications); the syncs themselves
  /// are in the database and the report.
  func autoscalerTable() -> String {
    "autoscalers (per replication; ramp: from the first of a run of scale-ups to as many pods Ready as the last asked for)\n"
      + AutoscalerSummary.table(autoscalerSummaries())
  }

  func autoscalerSummaries() -> [AutoscalerSummary] {
    AutoscalerSummary.summaries(RunData.autoscalerSyncs(result)) { name in
      guard let t = scenario.platform.territories.firstIndex(where: { $0.name == name }) else { return 0 }
      let windows = replications[0].territories[t].windows
      var minutes = 0.0
      for w in windows.indices {
        let p95s = replications.compactMap { $0.territories[t].windows[w].latency.p95 }
        guard !p95s.isEmpty else { continue }
        let peak = scenario.isPeak(period: windows[w].period, territory: t)
        if p95s.reduce(0, +) / Double(p95s.count) > scenario.objectives.p95(of: nil, peak: peak) ?? .infinity {
          minutes += (windows[w].end - windows[w].start) / 60
        }
      }
      return minutes
    }
  }

  func header() -> String {
    let requests = replications.map(\.requests).reduce(0, +)
    let events = replications.map(\.events).reduce(0, +)
    let rate = Double(requests) / max(result.wallSeconds, 1e-9)
    var lines = [
      "\(scenario.name): platform \(scenario.platform.name), \(span()), \(scenario.replications) replication\(scenario.replications == 1 ? "" : "s"), seed \(scenario.seed)",
      "simulated \(Format.count(Double(requests))) requests (\(Format.count(Double(events))) events\(scenario.warmup > 0 ? "; the requests after the warm-up, the events with it" : "")) in \(String(format: "%.1f", result.wallSeconds)) s: \(Format.count(rate)) requests/s",
    ]
    // A hybrid run's requests are partly computed: say how much, or the rate reads as speed.
    let modes =
      replications.first.map { first in
        first.territories.indices.flatMap { t in
          first.territories[t].windows.indices.compactMap { w -> WindowMode? in
            let each = Set(replications.compactMap { $0.territories[t].windows[w].mode })
            return each.count > 1 ? .mixed : each.first
          }
        }
      } ?? []
    if !modes.isEmpty {
      let count = { (m: WindowMode) in Format.count(Double(modes.filter { $0 == m }.count)) }
      lines[1] =
        "hybrid: \(count(.fluid)) of \(Format.count(Double(modes.count))) territory windows computed by the queueing model, \(count(.mixed)) partly, \(count(.request)) request by request; \(Format.count(Double(requests))) requests (\(Format.count(Double(events))) events simulated) in \(String(format: "%.1f", result.wallSeconds)) s"
    }
    if !scenario.faults.isEmpty { lines.append("faults: " + scenario.faults.map(describe).joined(separator: "; ")) }
    return lines.joined(separator: "\n")
  }

  func span() -> String {
    guard let calendar = scenario.runCalendar else {
      return "\(Format.duration(scenario.horizon)) at constant demand"
    }
    return
      "\(localLabel(0, calendar: calendar)) to \(localLabel(scenario.horizon, calendar: calendar)) \(calendar.timeZone.identifier)"
  }

  package func describe(_ fault: Fault) -> String {
    let p = scenario.platform
    func at(_ t: Double) -> String {
      scenario.runCalendar.map { localLabel(t, calendar: $0) } ?? "+" + Format.duration(t)
    }
    switch fault {
    case .instanceCrashes(let t, let mtbf, let mttr):
      return "\(p.territories[t].name) instances crash (MTBF \(Format.duration(mtbf)), MTTR \(Format.duration(mttr)))"
    case .replicaDown(let n, let start, let d):
      return "\(p.databases[n].name) down \(at(start)) for \(Format.duration(d))"
    case .primaryFailover(let n, let start, let detection, let promotion):
      return
        "\(p.databases[n].name) fails over \(at(start)) (\(Format.duration(detection)) + \(Format.duration(promotion)))"
    case .territoryOutage(let t, let start, let d, let target, _):
      return "\(p.territories[t].name) outage \(at(start)) for \(Format.duration(d))"
        + (target.map { ", failover to \(p.territories[$0].name)" } ?? "")
    case .instanceCrash(let t, let start):
      return "\(p.territories[t].name) instance crash \(at(start))"
    case .deployment(let t, let start, let batch):
      return "\(p.territories[t].name) rolling deployment \(at(start)), \(batch) at a time"
    }
  }

  func localLabel(_ t: Double, calendar: DemandCalendar) -> String { calendar.label(at: t) }

  /// The window's local start; in the hour the clocks go back, with its UTC offset (two
  /// windows start at 02:00 then).
  func windowLabel(territory t: Int, _ start: Double) -> String {
    guard let calendar = scenario.demand[t].calendar else { return "+" + Format.duration(start) }
    let offset = calendar.uniqueLabel(at: start).dropFirst(calendar.isoLabel(at: start).count)
    return localLabel(start, calendar: calendar) + (offset.isEmpty ? "" : " \(offset)")
  }

  func estimate(_ values: [Double?]) -> Estimate? {
    let v = values.compactMap { $0 }
    return v.isEmpty ? nil : Estimate(v)
  }

  func periodTable() -> String {
    var table = TextTable(columns: [
      "territory", "period", "requests", "mean", "p50", "p95", "p99", "errors", "by cause", "db p95", "availability",
      "conn. waits",
    ])
    for (t, territory) in scenario.platform.territories.enumerated() {
      for (p, period) in result.periods.enumerated() {
        let results = replications.map { $0.territories[t].periods[p] }
        guard results.contains(where: { $0.counts.arrivals > 0 }) else { continue }
        func e(_ f: (PeriodResult) -> Double?, _ format: (Double) -> String) -> String {
          estimate(results.map(f)).map { Format.estimate($0, format) } ?? "-"
        }
        let causes = ErrorCause.allCases.compactMap { cause -> String? in
          let n = results.map { Double($0.counts.errors[cause.rawValue]) }.reduce(0, +) / Double(results.count)
          return n > 0 ? "\(cause.label) \(n >= 10 ? Format.count(n) : Format.number(n))" : nil
        }
        table.add([
          territory.name, period,
          Format.count(results.map { Double($0.counts.arrivals) }.reduce(0, +) / Double(results.count)),
          e({ $0.latency.mean }, Format.duration), e({ $0.latency.p50 }, Format.duration),
          e({ $0.latency.p95 }, Format.duration), e({ $0.latency.p99 }, Format.duration),
          e({ $0.counts.errorRate }, Format.percent),
          causes.isEmpty ? "-" : causes.joined(separator: ", "), e({ $0.database.p95 }, Format.duration),
          e({ $0.availability }, Format.percent),
          Format.count(
            replications.map { Double($0.territories[t].connectionWaits) }.reduce(0, +) / Double(replications.count)),
        ])
      }
    }
    return "service by territory and period (means over replications, +- 95% confidence)\n" + table.render()
  }

  /// Whether a verdict's worst window misses its target (the period as a whole may meet it).
  static func worstMisses(_ v: Verdict) -> Bool {
    guard let target = v.target, let worst = v.worstValue else { return false }
    return v.objective.higherIsBetter ? worst < target : worst > target
  }

  func format(_ objective: Objective, _ x: Double) -> String {
    switch objective {
    case .p95, .p99, .databaseP95: Format.duration(x)
    case .errorRate: Format.percent(x)
    case .availability: String(format: "%.3f%%", x * 100)
    }
  }

  func verdictTable() -> String {
    var table = TextTable(columns: [
      "territory", "period", "class", "objective", "target", "measured", "worst window", "", "verdict",
    ])
    for v in verdicts {
      let t = scenario.platform.territories.firstIndex { $0.name == v.territory } ?? 0
      // A verdict passes at its target, which only a target of 0 shows: "< 0.00%" cannot be met.
      let comparison = v.objective.higherIsBetter ? ">= " : v.target == 0 ? "<= " : "< "
      table.add([
        v.territory, v.period, v.requestClass ?? "all", v.objective.rawValue,
        v.target.map { comparison + format(v.objective, $0) } ?? "-",
        Format.estimate(v.measured) { format(v.objective, $0) },
        v.worstWindow.map { windowLabel(territory: t, $0) } ?? "",
        v.worstValue.map { format(v.objective, $0) + (Self.worstMisses(v) ? " (!)" : "") } ?? "",
        v.outcome == .fail ? "FAIL" : v.outcome.rawValue,
      ])
    }
    let failed = verdicts.filter { $0.outcome == .fail }.count
    // The verdict is over the period's requests: quiet hours can carry a peak hour past its
    // target. Said, not judged: the objectives are the period's.
    let hidden = verdicts.filter { ($0.outcome == .pass || $0.outcome == .marginal) && Self.worstMisses($0) }.count
    let hiddenMarginal = verdicts.contains { $0.outcome == .marginal && Self.worstMisses($0) }
    let marginal = verdicts.filter { $0.outcome == .marginal }.count
    let waived = verdicts.filter { $0.outcome == .waived }
    let info = verdicts.filter { $0.outcome == .info }.count
    var summary = "\(verdicts.count - failed - marginal - waived.count - info) met"
    if info > 0 { summary += ", \(info) info (no target: measured only)" }
    if marginal > 0 {
      summary +=
        result.replications.count < 2
        ? ", \(marginal) marginal (one replication has no confidence interval: run 2 or more to judge)"
        : ", \(marginal) marginal (the confidence interval reaches past the target)"
    }
    if failed > 0 { summary += ", \(failed) FAILED" }
    if hidden > 0 {
      summary +=
        "; \(hidden) \(hiddenMarginal ? "met or marginal" : "met") over the period miss\(hidden == 1 ? "es" : "") the target in \(hidden == 1 ? "its" : "their") worst window (!)"
    }
    if !waived.isEmpty {
      var reasons: [String] = []
      for v in waived {
        let text = "\(v.requestClass ?? "all"): \(v.note ?? "")"
        if !reasons.contains(text) { reasons.append(text) }
      }
      summary += ", \(waived.count) waived (\(reasons.joined(separator: "; ")))"
    }
    return
      "SLO verdicts (worst window: the \(Format.duration(scenario.seriesInterval)) window with the worst mean over replications, among windows with at least \(Int(PlatformResult.worstWindowMinimumRequests)) requests, of its class by the mix for a class's verdict)\n"
      + table.render() + "\n" + summary
  }

  func costTable() -> String {
    var table = TextTable(columns: [
      "territory", "instances (start)", "mean", "most", "instance-hours", "app cost", "database nodes", "database cost",
      "total",
      "per 30 days",
    ])
    let hours = scenario.horizon / 3_600
    let db = result.databaseCost()
    for (t, territory) in scenario.platform.territories.enumerated() {
      let windows = replications.flatMap { $0.territories[t].windows }
      let mean =
        windows.isEmpty
        ? 0
        : windows.map { $0.instances * ($0.end - $0.start) }.reduce(0, +)
          / windows.map { $0.end - $0.start }.reduce(0, +)
      // The most at any moment; a window's mean hides an hour's last minutes at 5.
      let most =
        replications.compactMap { $0.territories[t].cost.mostInstances }.max().map(Double.init)
        ?? windows.map(\.instances).max() ?? 0
      let instanceHours = Estimate(replications.map { $0.territories[t].cost.instanceHours })
      let appCost = Estimate(replications.map { $0.territories[t].cost.instanceCost })
      let nodes = PlatformRun.nodes(billedTo: t, scenario.platform)
      let dbCost = nodes.map { db[$0].cost }.reduce(0, +)
      let money = { (x: Double) in String(format: "%.2f %@", x, territory.currency) }
      table.add([
        territory.name, String(scenario.startingInstances(t)), String(format: "%.1f", mean),
        String(format: "%.1f", most),
        // Whole hours read "0" beside a cost on a run of minutes: a decimal below 100.
        Format.estimate(instanceHours) { String(format: instanceHours.mean < 100 ? "%.1f" : "%.0f", $0) },
        money(appCost.mean), String(nodes.count),
        money(dbCost),
        money(appCost.mean + dbCost), hours > 0 ? money((appCost.mean + dbCost) / hours * CostRecord.thirtyDays) : "-",
      ])
    }
    return
      "capacity and cost over the run (\(Format.duration(scenario.horizon))); per 30 days: the run's pace for 30 days\n"
      + table.render()
  }

  func nodeTable() -> String {
    var table = TextTable(columns: [
      "database node", "role", "cores", "utilization", "busiest window", "reads/s", "writes/s", "lag max", "lag mean",
    ])
    for (n, node) in scenario.platform.databases.enumerated() {
      let rs = replications.map { $0.nodes[n] }
      let busiest = Self.busiestWindow(rs) { $0.windowUtilization.map(Optional.some) } ?? 0
      table.add([
        node.name, node.replicaOf.map { "replica of \(scenario.platform.databases[$0].name)" } ?? "primary",
        String(node.cores),
        Format.estimate(Estimate(rs.map(\.utilization)), Format.percent), Format.percent(busiest),
        Format.number(
          rs.map { Double($0.reads) }.reduce(0, +) / Double(rs.count) / (rs[0].seconds ?? scenario.horizon)),
        Format.number(
          rs.map { Double($0.writes) }.reduce(0, +) / Double(rs.count) / (rs[0].seconds ?? scenario.horizon)),
        node.replicaOf == nil ? "-" : Self.busiestWindow(rs, \.windowMaxLag).map(Format.duration) ?? "down",
        node.replicaOf == nil ? "-" : Self.mean(rs.compactMap(\.meanLag)).map(Format.duration) ?? "down",
      ])
    }
    return "database nodes\n" + table.render()
  }

  /// The mean of `xs`, nil when there is nothing to average.
  static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

  /// The largest over series windows of the mean over replications (of those with a value):
  /// a node's busiest window and largest lag as the recorded series, the report and `diff`
  /// read them.
  static func busiestWindow(_ rs: [NodeResult], _ values: (NodeResult) -> [Double?]) -> Double? {
    let series = rs.map(values)
    let count = series.map(\.count).max() ?? 0
    return (0..<count).compactMap { w in mean(series.compactMap { $0.indices.contains(w) ? $0[w] : nil }) }.max()
  }

  /// Row locks per territory (those its requests took): how long they waited and held.
  func lockTable() -> String {
    var table = TextTable(columns: [
      "territory", "lock", "rows", "requests", "waited", "mean wait", "mean held", "busiest row",
    ])
    for (t, territory) in scenario.platform.territories.enumerated() {
      for (l, lock) in scenario.platform.locks.enumerated() {
        let rs = replications.compactMap {
          $0.territories[t].locks.indices.contains(l) ? $0.territories[t].locks[l] : nil
        }
        guard rs.contains(where: { $0.grants > 0 }) else { continue }
        func e(_ f: (LockResult) -> Double?, _ format: (Double) -> String) -> String {
          estimate(rs.map(f)).map { Format.estimate($0, format) } ?? "-"
        }
        table.add([
          territory.name, lock.name, String(lock.rows),
          Format.count(rs.map { Double($0.grants) }.reduce(0, +) / Double(rs.count)),
          e({ $0.waitedShare }, Format.percent), e({ $0.meanWait }, Format.duration),
          e({ $0.meanHeld }, Format.duration),
          e({ $0.busiestRow }, Format.percent),
        ])
      }
    }
    return
      "row locks (means over replications, +- 95% confidence; waited: share that queued for their row; mean wait: over\n"
      + "all requests; held: from taking the row to the commit; busiest row: its held share of the measured time)\n"
      + table.render()
  }

  /// Windows grouped by local hour, day or week; the worst hour of each group is shown.
  func seriesTable(_ t: Int) -> String {
    let territory = scenario.platform.territories[t]
    let windows = replications[0].territories[t].windows
    var groups: [(label: String, members: [Int])] = []
    for w in windows.indices {
      let label = groupLabel(t, windows[w].start)
      if groups.last?.label == label { groups[groups.count - 1].members.append(w) } else { groups.append((label, [w])) }
    }
    var table = TextTable(columns: [
      series.rawValue, "period", "demand x", "requests", "req/s (busiest window)", "p95 (worst window)", "errors",
      "instances",
      "app CPU", "db p95",
    ])
    for group in groups {
      let rows = replications.map { r in group.members.map { r.territories[t].windows[$0] } }
      let all = rows.flatMap { $0 }
      let n = Double(replications.count)
      let requests = all.map { Double($0.counts.arrivals) }.reduce(0, +) / n
      // Per window the mean over replications, as the p95 and the report's peaks.
      func busiest(_ value: (WindowResult) -> Double?, needing minimum: Double = 0) -> Double? {
        group.members.compactMap { w -> Double? in
          let windows = replications.map { $0.territories[t].windows[w] }
          guard windows.map({ Double($0.counts.arrivals) }).reduce(0, +) / n >= minimum else { return nil }
          return Self.mean(windows.compactMap(value))
        }.max()
      }
      let peak = busiest { Double($0.counts.arrivals) / max($0.end - $0.start, 1) } ?? 0
      // Worst window p95, mean over replications per window.
      let p95 = group.members.compactMap { w -> Double? in
        let requests = replications.map { Double($0.territories[t].windows[w].counts.arrivals) }.reduce(0, +)
        guard requests / Double(replications.count) >= PlatformResult.worstWindowMinimumRequests else { return nil }
        let v = replications.compactMap { $0.territories[t].windows[w].latency.p95 }
        return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
      }.max()
      let ended = all.map { Double($0.counts.completed + $0.counts.failed) }.reduce(0, +)
      let failed = all.map { Double($0.counts.failed) }.reduce(0, +)
      let span = all.map { $0.end - $0.start }.reduce(0, +)
      let instances = all.map { $0.instances * ($0.end - $0.start) }.reduce(0, +) / max(span, 1e-9)
      // The busiest window of the mean over replications, as the p95 and the report's peaks:
      // the busiest replication's window read higher for an autoscaled pool.
      let utilization =
        group.members.map { w in replications.map { $0.territories[t].windows[w].cpuUtilization }.reduce(0, +) / n }
        .max() ?? 0
      let db = busiest(\.databaseP95, needing: PlatformResult.worstWindowMinimumRequests)
      let periods = Set(group.members.map { windows[$0].period }).sorted().map { result.periods[$0] }
      table.add([
        group.label, periods.joined(separator: "+"), String(format: "%.2f", all.map(\.multiplier).max() ?? 0),
        Format.count(requests), Format.number(peak), p95.map(Format.duration) ?? "-",
        ended > 0 ? Format.percent(failed / ended) : "-", String(format: "%.1f", instances),
        Format.percent(utilization),
        db.map(Format.duration) ?? "-",
      ])
    }
    return
      "\(territory.name) by \(series.rawValue) (per \(Format.duration(scenario.seriesInterval)) window the mean over replications; req/s and app CPU (busy cores / cores of ready instances): the busiest window; p95 and db p95: the worst window of 100 requests or more; demand x: the calendar's multiplier over the busiest window)\n"
      + table.render()
  }

  func groupLabel(_ t: Int, _ start: Double) -> String {
    guard let calendar = scenario.demand[t].calendar else {
      let size: Double = series == .hour ? 3_600 : series == .day ? 86_400 : 604_800
      return "+" + Format.duration((start / size).rounded(.down) * size)
    }
    let date = calendar.localTime(at: start).0
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    // Windows start where the calendar does (10:30 when it starts at 10:30).
    func hourLabel(_ t: Double) -> String {
      let (date, hour) = calendar.localTime(at: t)
      let minutes = Int((hour * 60).rounded())
      return String(format: "%@ %@ %02d:%02d", days[date.weekday - 1], date.description, minutes / 60, minutes % 60)
    }
    switch series {
    case .hour, .none:
      // The hour the clocks go back comes twice: its UTC offset tells the two apart.
      // Hours counted from the run's start, so shorter windows group into them.
      let hour = (start / 3_600).rounded(.down) * 3_600
      let offset = calendar.uniqueLabel(at: hour).dropFirst("2026-10-25T02:00".count)
      return hourLabel(hour) + (offset.isEmpty ? "" : " \(offset)")
    case .day: return "\(days[date.weekday - 1]) \(date)"
    case .week: return "week of \(date.adding(days: 1 - date.weekday))"
    }
  }

  // MARK: JSON

  /// The JSON document; `runID` is the run's id in the results database (null when it was not
  /// recorded).
  package func json(runID: Int64? = nil) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    var document = PlatformJSON(self)
    document.run_id = runID
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }
}

/// The JSON document of `capsim run --format json` for a platform scenario.
package struct PlatformJSON: Encodable {
  /// As in `RunJSON.Value`: null for no observation (JSON has no NaN).
  struct Value: Encodable {
    @Nullable var mean: Double?
    @Nullable var half_width: Double?
    init(_ e: Estimate) {
      mean = e.mean.isFinite ? e.mean : nil
      half_width = e.halfWidth.flatMap { $0.isFinite ? $0 : nil }
    }
  }

  struct PeriodJSON: Encodable {
    var period: String
    var requests: Double
    @Nullable var latency_mean: Value?
    @Nullable var latency_p50: Value?
    @Nullable var latency_p95: Value?
    @Nullable var latency_p99: Value?
    var error_rate: Value
    var errors: [String: Double]
    @Nullable var database_p95: Value?
    @Nullable var availability: Value?
  }

  struct WindowJSON: Encodable {
    var start: String
    var period: String
    var multiplier: Double
    var requests: Double
    var errors: Double
    @Nullable var latency_p95: Double?
    @Nullable var database_p95: Double?
    /// Hybrid runs: `request`, `fluid` or `mixed` (also when the replications differ).
    @Nullable var mode: String?
    var users: Double
    var instances: Double
    var worker_utilization: Double
    var cpu_utilization: Double
  }

  struct TerritoryJSON: Encodable {
    var name: String
    var currency: String
    var periods: [PeriodJSON]
    var instance_hours: Value
    var instance_cost: Value
    var windows: [WindowJSON]
    /// The platform's row locks as this territory's requests took them; empty without locks.
    var locks: [LockJSON]
  }

  struct LockJSON: Encodable {
    var name: String
    var rows: Int
    /// Requests granted a row, per replication.
    var requests: Double
    @Nullable var waited_share: Value?
    @Nullable var wait_mean_s: Value?
    @Nullable var held_mean_s: Value?
    var busiest_row_utilization: Value
  }

  struct NodeJSON: Encodable {
    var name: String
    @Nullable var primary: String?
    var utilization: Value
    var reads: Double
    var writes: Double
    /// Null for a primary, and for a replica down all run long (in every replication).
    @Nullable var max_lag: Double?
    @Nullable var mean_lag: Double?
    var price_per_hour: Double
    var currency: String
  }

  var scenario: String
  package var platform: String
  var seed: UInt64
  var replications: Int
  var wall_seconds: Double
  var requests: Int
  @Nullable var run_id: Int64? = nil
  package var verdicts: [VerdictJSON]
  var territories: [TerritoryJSON]
  var database_nodes: [NodeJSON]
  /// What each autoscaler did, as in `show --format json` and `summary.json`.
  var autoscalers: [AutoscalerSummary.JSON]

  init(_ report: PlatformReport) {
    let s = report.scenario
    let reps = report.replications
    scenario = s.name
    platform = s.platform.name
    seed = s.seed
    replications = s.replications
    wall_seconds = report.result.wallSeconds
    requests = reps.map(\.requests).reduce(0, +)
    verdicts = RunData.records(report.verdicts, scenario: s).map(VerdictJSON.init)
    func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
    func value(_ xs: [Double?]) -> Value? { report.estimate(xs).map(Value.init) }
    territories = s.platform.territories.enumerated().map { t, territory in
      let periods = report.result.periods.enumerated().compactMap { p, name -> PeriodJSON? in
        let rs = reps.map { $0.territories[t].periods[p] }
        guard rs.contains(where: { $0.counts.arrivals > 0 }) else { return nil }
        var errors: [String: Double] = [:]
        for cause in ErrorCause.allCases {
          errors[cause.label] = mean(rs.map { Double($0.counts.errors[cause.rawValue]) })
        }
        return PeriodJSON(
          period: name, requests: mean(rs.map { Double($0.counts.arrivals) }),
          latency_mean: value(rs.map(\.latency.mean)),
          latency_p50: value(rs.map(\.latency.p50)),
          latency_p95: value(rs.map(\.latency.p95)), latency_p99: value(rs.map(\.latency.p99)),
          error_rate: Value(Estimate(rs.map(\.counts.errorRate))), errors: errors,
          database_p95: value(rs.map(\.database.p95)),
          availability: value(rs.map(\.availability)))
      }
      let windows = reps[0].territories[t].windows.indices.map { w -> WindowJSON in
        let ws = reps.map { $0.territories[t].windows[w] }
        return WindowJSON(
          start: report.windowLabel(territory: t, ws[0].start), period: report.result.periods[ws[0].period],
          multiplier: ws[0].multiplier, requests: mean(ws.map { Double($0.counts.arrivals) }),
          errors: mean(ws.map { Double($0.counts.failed) }),
          latency_p95: ws.compactMap(\.latency.p95).isEmpty ? nil : mean(ws.compactMap(\.latency.p95)),
          database_p95: ws.compactMap(\.databaseP95).isEmpty ? nil : mean(ws.compactMap(\.databaseP95)),
          mode: Set(ws.compactMap(\.mode)).count > 1 ? WindowMode.mixed.rawValue : ws.first?.mode?.rawValue,
          users: mean(ws.map(\.users)), instances: mean(ws.map(\.instances)),
          worker_utilization: mean(ws.map(\.workerUtilization)), cpu_utilization: mean(ws.map(\.cpuUtilization)))
      }
      let locks = s.platform.locks.indices.compactMap { l -> LockJSON? in
        let rs = reps.compactMap { $0.territories[t].locks.indices.contains(l) ? $0.territories[t].locks[l] : nil }
        guard !rs.isEmpty else { return nil }
        return LockJSON(
          name: rs[0].name, rows: rs[0].rows, requests: mean(rs.map { Double($0.grants) }),
          waited_share: value(rs.map(\.waitedShare)), wait_mean_s: value(rs.map(\.meanWait)),
          held_mean_s: value(rs.map(\.meanHeld)), busiest_row_utilization: Value(Estimate(rs.map(\.busiestRow))))
      }
      return TerritoryJSON(
        name: territory.name, currency: territory.currency, periods: periods,
        instance_hours: Value(Estimate(reps.map { $0.territories[t].cost.instanceHours })),
        instance_cost: Value(Estimate(reps.map { $0.territories[t].cost.instanceCost })), windows: windows,
        locks: locks)
    }
    database_nodes = s.platform.databases.enumerated().map { n, node in
      let rs = reps.map { $0.nodes[n] }
      return NodeJSON(
        name: node.name, primary: node.replicaOf.map { s.platform.databases[$0].name },
        utilization: Value(Estimate(rs.map(\.utilization))), reads: mean(rs.map { Double($0.reads) }),
        writes: mean(rs.map { Double($0.writes) }),
        max_lag: node.replicaOf == nil ? nil : PlatformReport.busiestWindow(rs, \.windowMaxLag),
        mean_lag: node.replicaOf == nil ? nil : PlatformReport.mean(rs.compactMap(\.meanLag)),
        price_per_hour: node.pricePerHour,
        currency: node.currency)
    }
    autoscalers = s.autoscalers.isEmpty ? [] : report.autoscalerSummaries().map(\.json)
  }
}
