import Foundation
import QueueingModel
import Reports
import RunRecords
import ScenarioFile
import SimStatistics

/// The outcome of `capsim run`, as a table for people or JSON for programs.
package struct RunReport {
  var scenario: Scenario
  var result: ExperimentResult

  package init(scenario: Scenario, result: ExperimentResult) {
    self.scenario = scenario
    self.result = result
  }

  // MARK: JSON

  /// The documented JSON output (README, "JSON output"): times in seconds, rates per second,
  /// every estimate as {mean, half_width} with a 95% confidence half-width (null with one
  /// replication).
  package func json(runID: Int64? = nil) throws -> String {
    let doc = RunJSON(
      capsim: capsimVersion, run_id: runID,
      scenario: .init(name: scenario.name, file: scenario.file, topology: scenario.topology.file),
      run: .init(
        seed: result.seed, replications: result.replicationResults.count,
        warmup_s: result.window.warmup, length_s: result.window.horizon, confidence: 0.95,
        wall_seconds: result.wallSeconds, events: result.totalEvents),
      end_to_end: endToEndJSON(),
      stations: scenario.network.stations.indices.map(stationJSON),
      locks: scenario.network.locks.indices.map(lockJSON),
      series: (0..<result.seriesCount).map(intervalJSON))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(doc), as: UTF8.self)
  }

  private func endToEndJSON() -> RunJSON.Flow {
    func e(_ k: KeyPath<FlowResult, Double>) -> RunJSON.Value { .init(result.endToEnd(k)) }
    func count(_ k: KeyPath<FlowResult, Int>) -> RunJSON.Value {
      .init(Estimate(result.replicationResults.map { Double($0.endToEnd[keyPath: k]) }))
    }
    return RunJSON.Flow(
      arrivals: count(\.arrivals), completed: count(\.completed), lost: count(\.lost),
      timed_out: count(\.timedOut), unfinished: count(\.unfinished),
      throughput_per_s: e(\.throughput), error_rate: e(\.errorRate),
      response_mean_s: e(\.meanResponse), wait_mean_s: e(\.meanWait),
      wait_probability: e(\.waitProbability),
      response_p50_s: e(\.responseP50), response_p95_s: e(\.responseP95), response_p99_s: e(\.responseP99))
  }

  private func intervalJSON(_ i: Int) -> RunJSON.Interval {
    let first = result.replicationResults[0].series[i]
    func e(_ metric: @escaping (WindowResult) -> Double) -> RunJSON.Value { .init(result.series(i, metric)) }
    return RunJSON.Interval(
      start_s: first.start, end_s: first.end,
      local_start: scenario.calendar.map { _ in intervalLabel(i) },
      arrival_rate_per_s: e(\.arrivalRate), throughput_per_s: e(\.throughput),
      response_mean_s: e(\.meanResponse), response_p50_s: e(\.responseP50),
      response_p95_s: e(\.responseP95), response_p99_s: e(\.responseP99), error_rate: e(\.errorRate),
      stations: scenario.network.stations.indices.map { s in
        var servers: Double? = nil
        if case .finite(let c) = scenario.network.stations[s].servers { servers = Double(c) }
        return RunJSON.IntervalStation(
          name: scenario.network.stations[s].name,
          utilization: servers.map { c in e { $0.stations[s].meanBusyServers / c } },
          in_station_mean: e { $0.stations[s].meanInStation })
      })
  }

  private func stationJSON(_ i: Int) -> RunJSON.Station {
    func e(_ k: KeyPath<StationResult, Double>) -> RunJSON.Value { .init(result.station(i, k)) }
    func count(_ k: KeyPath<StationResult, Int>) -> RunJSON.Value {
      .init(Estimate(result.replicationResults.map { Double($0.stations[i][keyPath: k]) }))
    }
    let s = scenario.network.stations[i]
    var servers: Int? = nil
    if case .finite(let c) = s.servers { servers = c }
    return RunJSON.Station(
      name: s.name, servers: servers,
      arrivals: count(\.arrivals), completed: count(\.completed), lost: count(\.lost),
      timed_out: count(\.timedOut),
      throughput_per_s: e(\.throughput),
      utilization: servers == nil
        ? nil : .init(Estimate(result.replicationResults.map { $0.stations[i].utilization ?? .nan })),
      busy_servers_mean: e(\.meanBusyServers), in_station_mean: e(\.meanInStation),
      queue_length_mean: e(\.meanQueueLength), wait_mean_s: e(\.meanWait), response_mean_s: e(\.meanResponse),
      wait_probability: e(\.waitProbability), loss_probability: e(\.lossProbability),
      response_p50_s: e(\.responseP50), response_p95_s: e(\.responseP95), response_p99_s: e(\.responseP99),
      in_station_at_start: count(\.presentAtWindowStart), in_station_at_end: count(\.presentAtWindowEnd))
  }

  private func lockJSON(_ l: Int) -> RunJSON.Lock {
    func e(_ k: KeyPath<LockResult, Double>) -> RunJSON.Value { .init(result.lock(l, k)) }
    return RunJSON.Lock(
      name: scenario.network.locks[l].name, capacity: scenario.network.locks[l].capacity,
      granted: .init(Estimate(result.replicationResults.map { Double($0.locks[l].granted) })),
      held_mean: e(\.meanHeld), waiting_mean: e(\.meanWaiting), wait_mean_s: e(\.meanWait),
      wait_probability: e(\.waitProbability),
      waiting_at_start: .init(Estimate(result.replicationResults.map { Double($0.locks[l].waitingAtWindowStart) })),
      waiting_at_end: .init(Estimate(result.replicationResults.map { Double($0.locks[l].waitingAtWindowEnd) })))
  }

  /// Locks: how busy each is and how long customers wait for it.
  private func lockTable() -> String {
    guard !scenario.network.locks.isEmpty else { return "" }
    var table = TextTable(columns: [
      "lock", "capacity", "taken/s", "held (of capacity)", "mean wait", "waited", "waiting",
    ])
    for (l, lock) in scenario.network.locks.enumerated() {
      let taken = Estimate(result.replicationResults.map { Double($0.locks[l].granted) / result.window.horizon })
      let held = Estimate(result.replicationResults.map { $0.locks[l].meanHeld / Double(lock.capacity) })
      table.add([
        lock.name, String(lock.capacity), Format.estimate(taken, Format.number), Format.estimate(held, Format.percent),
        Format.estimate(result.lock(l, \.meanWait), Format.duration),
        Format.estimate(result.lock(l, \.waitProbability), Format.percent),
        Format.estimate(result.lock(l, \.meanWaiting), Format.number),
      ])
    }
    return "\n" + table.render() + "\n"
  }

  // MARK: Table

  package func table() -> String {
    let reps = result.replicationResults.count
    var out = """
      capsim \(capsimVersion): \(scenario.name) (\(scenario.file))
      topology \(scenario.topology.name) (\(scenario.topology.file))
      \(reps) replication\(reps == 1 ? "" : "s"), seed \(result.seed), warm-up \(Format.duration(result.window.warmup)), measured \(Format.duration(result.window.horizon)) each
      \(Format.count(Double(result.totalEvents))) events in \(String(format: "%.2f", result.wallSeconds)) s wall time (\(Format.count(Double(result.totalEvents) / max(result.wallSeconds, 1e-9)))/s)
      Values are means over replications \(reps > 1 ? "+- 95% confidence half-width" : "(one replication: no confidence interval)").


      """
    var stations = TextTable(columns: [
      "station", "servers", "throughput/s", "utilization", "mean wait", "mean response", "p95", "p99",
      "in station", "lost", "timed out",
    ])
    var shownGroups: Set<String> = []
    // Once, not per station: 30,000 copies made it 900 million name parses.
    let groups = self.groups
    for (i, s) in scenario.network.stations.enumerated() {
      if let group = Self.group(of: s.name), let members = groups[group], members.count > Self.groupRowThreshold {
        if shownGroups.insert(group).inserted { stations.add(groupRow(group, members)) }
        continue
      }
      let servers: String
      switch s.servers {
      case .finite(let c): servers = String(c)
      case .infinite: servers = "inf"
      }
      let utilization =
        servers == "inf"
        ? "-"
        : Format.estimate(
          Estimate(result.replicationResults.map { $0.stations[i].utilization ?? .nan }), Format.percent)
      stations.add([
        s.name, servers,
        Format.estimate(result.station(i, \.throughput), Format.number),
        utilization,
        Format.estimate(result.station(i, \.meanWait), Format.duration),
        Format.estimate(result.station(i, \.meanResponse), Format.duration),
        Format.estimate(result.station(i, \.responseP95), Format.duration),
        Format.estimate(result.station(i, \.responseP99), Format.duration),
        Format.estimate(result.station(i, \.meanInStation), Format.number),
        Format.count(mean(result.replicationResults.map { Double($0.stations[i].lost) })),
        Format.count(mean(result.replicationResults.map { Double($0.stations[i].timedOut) })),
      ])
    }
    out += stations.render() + "\n"
    if !shownGroups.isEmpty {
      out +=
        "Groups of more than \(Self.groupRowThreshold) copies are one row: throughput, in station, lost and timed out summed over the\ncopies, the rest averaged over them (utilization: mean, then lowest-highest copy). --format json lists every copy.\n"
    }
    out += growthNote()
    out += lockTable()
    out += "\n"
    var flow = TextTable(columns: ["end to end", "value"])
    flow.add(["throughput/s", Format.estimate(result.endToEnd(\.throughput), Format.number)])
    flow.add(["mean response", Format.estimate(result.endToEnd(\.meanResponse), Format.duration)])
    flow.add([
      "p50 / p95 / p99",
      [\FlowResult.responseP50, \.responseP95, \.responseP99]
        .map { Format.duration(result.endToEnd($0).mean) }.joined(separator: " / "),
    ])
    flow.add(["mean wait", Format.estimate(result.endToEnd(\.meanWait), Format.duration)])
    flow.add(["error rate (lost + timed out)", Format.estimate(result.endToEnd(\.errorRate), Format.percent)])
    // Per replication, as every other row and the JSON's end_to_end.unfinished.
    let unfinished = result.replicationResults.map { Double($0.endToEnd.unfinished) }
    if unfinished.contains(where: { $0 > 0 }) {
      flow.add(["unfinished at drain limit (mean)", Format.count(unfinished.reduce(0, +) / Double(unfinished.count))])
    }
    out += flow.render()
    if result.seriesCount > 0 { out += "\n\n" + seriesTable() }
    return out
  }

  /// Stations whose queue grew in every replication by more than 1% of their throughput over
  /// the window, and locks whose waiting line did: overloaded, with no steady state to report.
  func growthNote() -> String {
    var lines: [String] = []
    for (i, station) in scenario.network.stations.enumerated() {
      let reps = result.replicationResults.map { $0.stations[i] }
      let growth = reps.map { Double($0.presentAtWindowEnd - $0.presentAtWindowStart) }
      let throughput = reps.map(\.throughput).reduce(0, +) / Double(reps.count)
      let rate = growth.reduce(0, +) / Double(reps.count) / result.window.horizon
      guard growth.allSatisfy({ $0 > 0 }), rate > 0.01 * throughput else { continue }
      let start = reps.map { Double($0.presentAtWindowStart) }.reduce(0, +) / Double(reps.count)
      let end = reps.map { Double($0.presentAtWindowEnd) }.reduce(0, +) / Double(reps.count)
      lines.append(
        "\(station.name): its queue grew from \(Format.count(start)) to \(Format.count(end)) over the window (+\(Format.number(rate))/s): overloaded, no steady state\n"
      )
    }
    // A lock's line grows the same way when it is offered more than it passes.
    for (l, lock) in scenario.network.locks.enumerated() {
      let reps = result.replicationResults.map { $0.locks[l] }
      let growth = reps.map { Double($0.waitingAtWindowEnd - $0.waitingAtWindowStart) }
      let granted = reps.map { Double($0.granted) }.reduce(0, +) / Double(reps.count) / result.window.horizon
      let rate = growth.reduce(0, +) / Double(reps.count) / result.window.horizon
      guard growth.allSatisfy({ $0 > 0 }), rate > 0.01 * granted else { continue }
      let start = reps.map { Double($0.waitingAtWindowStart) }.reduce(0, +) / Double(reps.count)
      let end = reps.map { Double($0.waitingAtWindowEnd) }.reduce(0, +) / Double(reps.count)
      lines.append(
        "lock \(lock.name): its waiting line grew from \(Format.count(start)) to \(Format.count(end)) over the window (+\(Format.number(rate))/s): overloaded, no steady state\n"
      )
    }
    return lines.joined()
  }

  /// The time series: every interval when there are few, else the ones with the highest p95.
  func seriesTable() -> String {
    let n = result.seriesCount
    var rows = Array(0..<n)
    var note = ""
    if n > 48 {
      rows = rows.sorted { result.series($0, \.responseP95).mean > result.series($1, \.responseP95).mean }
      rows = Array(rows.prefix(12)).sorted()
      note = "\n(the 12 of \(n) intervals with the highest p95; --format json lists them all)"
    }
    var table = TextTable(columns: [
      "interval", "arrivals/s", "throughput/s", "mean response", "p95", "p99", "errors", "busiest station",
    ])
    for i in rows {
      let busiest = scenario.network.stations.indices.compactMap { s -> (String, Double)? in
        guard case .finite(let c) = scenario.network.stations[s].servers else { return nil }
        return (scenario.network.stations[s].name, result.series(i) { $0.stations[s].meanBusyServers }.mean / Double(c))
      }.max { $0.1 < $1.1 }
      table.add([
        intervalLabel(i),
        Format.number(result.series(i, \.arrivalRate).mean),
        Format.number(result.series(i, \.throughput).mean),
        Format.duration(result.series(i, \.meanResponse).mean),
        Format.duration(result.series(i, \.responseP95).mean),
        Format.duration(result.series(i, \.responseP99).mean),
        Format.percent(result.series(i, \.errorRate).mean),
        busiest.map { "\($0.0) \(Format.percent($0.1))" } ?? "-",
      ])
    }
    return "by interval (means over replications)\n" + table.render() + note
  }

  /// "Mon 2026-12-07 10:00" in the calendar's local time, else the offset from the start.
  func intervalLabel(_ i: Int) -> String {
    let start = result.replicationResults[0].series[i].start
    guard let calendar = scenario.calendar else { return "+" + Format.duration(start) }
    return calendar.label(at: start)
  }

  private func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }

  /// Groups with more copies than this are summarized in one table row.
  static let groupRowThreshold = 8

  /// "app" for "app[3]", nil for a name that is not a copy.
  static func group(of name: String) -> String? {
    guard name.hasSuffix("]"), let open = name.lastIndex(of: "["),
      Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) != nil
    else { return nil }
    return String(name[..<open])
  }

  /// Station indices per group of copies.
  var groups: [String: [Int]] {
    var out: [String: [Int]] = [:]
    for (i, s) in scenario.network.stations.enumerated() {
      if let g = Self.group(of: s.name) { out[g, default: []].append(i) }
    }
    return out
  }

  /// One row for a group of copies: per replication, sums or means over the copies first, then
  /// the estimate over replications.
  private func groupRow(_ group: String, _ members: [Int]) -> [String] {
    func perReplication(_ combine: ([Double]) -> Double, _ value: (StationResult) -> Double) -> Estimate {
      Estimate(result.replicationResults.map { r in combine(members.map { value(r.stations[$0]) }) })
    }
    let sum: ([Double]) -> Double = { $0.reduce(0, +) }
    let average: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
    // A per-visit figure over the copies: weighted by each copy's visits, those with none left
    // out (one idle copy made the group's mean wait '-').
    func perVisit(_ value: (StationResult) -> Double) -> Estimate {
      Estimate(
        result.replicationResults.map { r in
          var (total, visits) = (0.0, 0.0)
          for i in members where r.stations[i].throughput > 0 && !value(r.stations[i]).isNaN {
            total += value(r.stations[i]) * r.stations[i].throughput
            visits += r.stations[i].throughput
          }
          return visits > 0 ? total / visits : .nan
        })
    }
    let first = scenario.network.stations[members[0]]
    var servers = "inf"
    if case .finite(let c) = first.servers { servers = String(c) }
    let utilizations = members.map { i in mean(result.replicationResults.map { $0.stations[i].utilization ?? .nan }) }
    let utilization =
      servers == "inf"
      ? "-"
      : Format.estimate(perReplication(average) { $0.utilization ?? .nan }, Format.percent)
        + " (\(Format.percent(utilizations.min() ?? .nan))-\(Format.percent(utilizations.max() ?? .nan)))"
    return [
      "\(group)[1-\(members.count)]", servers,
      Format.estimate(perReplication(sum, \.throughput), Format.number),
      utilization,
      Format.estimate(perVisit(\.meanWait), Format.duration),
      Format.estimate(perVisit(\.meanResponse), Format.duration),
      Format.estimate(perVisit(\.responseP95), Format.duration),
      Format.estimate(perVisit(\.responseP99), Format.duration),
      Format.estimate(perReplication(sum, \.meanInStation), Format.number),
      Format.count(perReplication(sum) { Double($0.lost) }.mean),
      Format.count(perReplication(sum) { Double($0.timedOut) }.mean),
    ]
  }
}

/// Number formatting for tables.
package enum Format {
  /// A duration with a unit chosen by magnitude: 850us, 12.3ms, 1.50s, 2.5min, 3.1h.
  package static func duration(_ seconds: Double) -> String { duration(seconds, significant: 3) }

  /// The same with up to `significant` digits, where a value is given rather than measured (a
  /// target: 158.75ms).
  package static func duration(_ seconds: Double, significant: Int) -> String {
    guard seconds.isFinite else { return "-" }
    let a = abs(seconds)
    if a == 0 { return "0s" }
    // Three significant digits in the largest unit that keeps the number below 1000.
    let units: [(Double, String)] = [(1e-6, "us"), (1e-3, "ms"), (1, "s"), (60, "min"), (3600, "h")]
    var chosen = units[0]
    for unit in units where a >= unit.0 * 0.9995 { chosen = unit }
    if chosen.1 == "s" && a >= 600 { chosen = units[3] }
    if chosen.1 == "min" && a < 600 { chosen = units[2] }
    if chosen.1 == "min" && a >= 3 * 3600 { chosen = units[4] }
    let value = seconds / chosen.0
    let digits = max(0, significant - (abs(value) >= 100 ? 3 : abs(value) >= 10 ? 2 : 1))
    var text = String(format: "%.\(digits)f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text + chosen.1
  }

  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return abs(x) >= 1000 ? String(format: "%.0f", x) : String(format: "%.4g", x)
  }

  package static func percent(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return String(format: "%.2f%%", x * 100)
  }

  package static func count(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return x.grouped
  }

  /// A recorded date as the listings show it: "2026-12-07 10:30:00", in the local time zone.
  static func timestamp(_ date: Date) -> String { Report.listedTime(date) }

  /// "mean +- half-width" in the given format.
  static func estimate(_ e: Estimate, _ f: (Double) -> String) -> String {
    guard e.mean.isFinite else { return "-" }
    guard let h = e.halfWidth, h.isFinite, h > 0 else { return f(e.mean) }
    return "\(f(e.mean)) +- \(f(h))"
  }
}

/// The JSON document of `capsim run --format json` (field names are the documented ones).
package struct RunJSON: Encodable {
  struct Value: Encodable {
    @Nullable var mean: Double?
    @Nullable var half_width: Double?
    init(_ e: Estimate) {
      mean = e.mean.isFinite ? e.mean : nil
      half_width = e.halfWidth.flatMap { $0.isFinite ? $0 : nil }
    }
  }
  struct ScenarioInfo: Encodable { var name: String; var file: String; var topology: String }
  struct RunInfo: Encodable {
    var seed: UInt64
    var replications: Int
    var warmup_s: Double
    var length_s: Double
    var confidence: Double
    var wall_seconds: Double
    var events: UInt64
  }
  struct Flow: Encodable {
    var arrivals, completed, lost, timed_out, unfinished: Value
    var throughput_per_s, error_rate, response_mean_s, wait_mean_s, wait_probability: Value
    var response_p50_s, response_p95_s, response_p99_s: Value
  }
  struct Station: Encodable {
    var name: String
    @Nullable var servers: Int?
    var arrivals, completed, lost, timed_out: Value
    var throughput_per_s: Value
    @Nullable var utilization: Value?
    var busy_servers_mean, in_station_mean, queue_length_mean, wait_mean_s, response_mean_s: Value
    var wait_probability, loss_probability: Value
    var response_p50_s, response_p95_s, response_p99_s: Value
    var in_station_at_start, in_station_at_end: Value
  }
  var capsim: String
  /// The run's id in the results database; null when it was not recorded.
  @Nullable var run_id: Int64?
  var scenario: ScenarioInfo
  var run: RunInfo
  var end_to_end: Flow
  var stations: [Station]
  /// Empty when the topology has no locks.
  var locks: [Lock]
  var series: [Interval]

  struct Lock: Encodable {
    var name: String
    var capacity: Int
    var granted, held_mean, waiting_mean, wait_mean_s, wait_probability: Value
    var waiting_at_start, waiting_at_end: Value
  }

  struct Interval: Encodable {
    var start_s, end_s: Double
    @Nullable var local_start: String?
    var arrival_rate_per_s, throughput_per_s, response_mean_s: Value
    var response_p50_s, response_p95_s, response_p99_s, error_rate: Value
    var stations: [IntervalStation]
  }
  struct IntervalStation: Encodable {
    var name: String
    @Nullable var utilization: Value?
    var in_station_mean: Value
  }
}
