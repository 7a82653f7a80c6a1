import Foundation
import Reports
import RunRecords

/// `capsim runs`: the recorded runs, newest first, as a table.
package struct RunsList {
  var runs: [RunRecord]
  /// Failed verdicts per run id.
  var failedCounts: [Int64: Int]
  /// The sweep and point of each run that belongs to one.
  var sweeps: [Int64: (sweep: Int64, point: Int)]

  package init(runs: [RunRecord], failedCounts: [Int64: Int], sweeps: [Int64: (sweep: Int64, point: Int)]) {
    self.runs = runs
    self.failedCounts = failedCounts
    self.sweeps = sweeps
  }

  package func table() -> String {
    var table = TextTable(columns: [
      "run", "started", "status", "scenario", "kind", "seed", "reps", "requests", "wall", "sweep", "failed SLOs",
    ])
    for r in runs {
      table.add([
        String(r.id!), Format.timestamp(r.startedAt), r.status.rawValue, r.scenarioName, r.kind, String(r.seed),
        String(r.replications),
        r.requests.map { Format.count(Double($0)) } ?? "-", r.wallSeconds.map { Format.duration($0) } ?? "-",
        sweeps[r.id!].map { "\($0.sweep)/\($0.point)" } ?? "-",
        r.kind == "platform" && r.status == .complete ? String(failedCounts[r.id!] ?? 0) : "-",
      ])
    }
    return table.render()
  }
}

/// `capsim show RUN`: what was run, its SLO verdicts, autoscalers, row locks and costs.
package struct RunDescription {
  var data: RunData

  package init(data: RunData) { self.data = data }

  package func text() -> String {
    let r = data.run
    var lines = [
      "run \(r.id ?? 0): \(r.scenarioName) (\(r.kind)), \(r.status.rawValue)",
      "scenario \(r.scenarioPath) sha256 \(r.scenarioHash.prefix(12)), topology \(r.topologyPath) sha256 \(r.topologyHash.prefix(12))",
      "seed \(r.seed), \(r.replications) replication\(r.replications == 1 ? "" : "s"), capsim \(r.capsimVersion), started \(Format.timestamp(r.startedAt))"
        + (r.endedAt.map { ", ended \(Format.timestamp($0))" } ?? ""),
    ]
    // A what-if's base and the autoscalers' Kubernetes files, recorded after the scenario.
    let others = r.scenarioFiles.dropFirst().map(\.path)
    if !others.isEmpty { lines.append("also read " + others.joined(separator: ", ")) }
    if !r.settings.isEmpty { lines.append("--set " + r.settings.joined(separator: " --set ")) }
    if let m = r.message { lines.append("note: \(m)") }
    if r.kind == "network" {
      let windows = Set(data.series.map(\.windowStart)).count
      if let summary = data.networkSummary {
        lines.append("\n" + summary.table.trimmingCharacters(in: .newlines))
        if windows > 0 { lines.append("and \(windows) series windows per station (in the report)") }
      } else if r.status != .complete {
        lines.append(
          "the run did not complete (\(r.status.rawValue)), so it has no results to show; running it again with the same seed gives them"
        )
      } else {
        lines.append(
          "a queueing-network run recorded before capsim kept its results records what was run"
            + (windows > 0 ? " and its \(windows) series windows per station (in the report)" : "")
            + "; running it again with the same seed prints its station table again")
      }
    }
    var out = lines.joined(separator: "\n")
    if !data.verdicts.isEmpty {
      // The columns and words of `capsim run`'s table, from the record.
      var table = TextTable(columns: [
        "territory", "period", "class", "objective", "target", "measured", "worst window", "", "verdict",
      ])
      for v in data.verdicts {
        let comparison = v.higherIsBetter ? ">= " : v.target == 0 ? "<= " : "< "
        table.add([
          v.territory, v.period, v.requestClass, v.objective,
          v.target.map { comparison + Self.value(v.objective, $0) } ?? "-",
          Self.value(v.objective, v.mean)
            + (v.halfWidth.map { $0 > 0 ? " +- " + Self.value(v.objective, $0) : "" } ?? ""),
          v.worstWindowLocal.map(Self.windowText) ?? "",
          v.worstValue.map { Self.value(v.objective, $0) + (Self.worstMisses(v) ? " (!)" : "") } ?? "",
          v.outcome == "fail" ? "FAIL" : v.outcome,
        ])
      }
      let count = { (outcome: String) in data.verdicts.filter { $0.outcome == outcome }.count }
      let counts = [
        ("pass", "met"), ("info", "info"), ("marginal", "marginal"), ("fail", "FAILED"), ("waived", "waived"),
      ].compactMap { count($0.0) > 0 ? "\(count($0.0)) \($0.1)" : nil }
      // As `capsim run` says it: met over the period, missed in the worst window.
      let hidden = data.verdicts.filter { ($0.outcome == "pass" || $0.outcome == "marginal") && Self.worstMisses($0) }
      let worst =
        hidden.isEmpty
        ? ""
        : "; \(hidden.count) \(hidden.contains { $0.outcome == "marginal" } ? "met or marginal" : "met") over the period miss\(hidden.count == 1 ? "es" : "") the target in \(hidden.count == 1 ? "its" : "their") worst window (!)"
      out += "\n\nSLO verdicts\n" + table.render() + "\n" + counts.joined(separator: ", ") + worst
    }
    if !data.autoscalerSyncs.isEmpty {
      out +=
        "\n\nautoscalers (per replication; ramp: from the first of a run of scale-ups to as many pods Ready as the last asked for)\n"
      out += AutoscalerSummary.table(AutoscalerSummary.summaries(data))
    }
    if !data.locks.isEmpty {
      var table = TextTable(columns: [
        "territory", "lock", "rows", "requests", "waited", "mean wait", "mean held", "busiest row",
      ])
      for l in data.locks {
        table.add([
          l.territory, l.lock, String(l.rows), Format.count(l.requests),
          l.waitedShare.map { Format.percent($0) } ?? "-",
          l.waitMean.map(Format.duration) ?? "-", l.heldMean.map(Format.duration) ?? "-", Format.percent(l.busiestRow),
        ])
      }
      out += "\n\nrow locks (means over replications)\n" + table.render()
    }
    if !data.costs.isEmpty {
      var table = TextTable(columns: [
        "territory", "month", "hours run", "instance-hours", "app cost", "database cost", "total", "per 30 days",
        "per calendar month",
      ])
      for c in data.costs {
        let money = { (x: Double) in String(format: "%.2f %@", x, c.currency) }
        table.add([
          c.territory, c.month, c.spanHours.map { String(format: "%.0f", $0) } ?? "-",
          String(format: "%.0f", c.instanceHours),
          money(c.instanceCost), money(c.databaseCost), money(c.instanceCost + c.databaseCost),
          c.per30Days.map(money) ?? "-", c.perCalendarMonth.map(money) ?? "-",
        ])
      }
      out += "\n\ncost over the run, by calendar month (total: what the run's hours in that month cost; "
      out += "per 30 days and per calendar month: that pace kept up)\n" + table.render()
    }
    return out
  }

  /// Whether a verdict's worst window misses its target (the period as a whole may meet it).
  static func worstMisses(_ v: VerdictRecord) -> Bool {
    guard let target = v.target, let worst = v.worstValue else { return false }
    return v.higherIsBetter ? worst < target : worst > target
  }

  /// A recorded worst window ("2026-12-07T10:00", "+3600s") as `run` prints it ("Mon 2026-12-07
  /// 10:00", "+1h"). The hour the clocks go back keeps its UTC offset, which tells its two apart.
  package static func windowText(_ recorded: String) -> String {
    if recorded.hasPrefix("+"), recorded.hasSuffix("s"), let seconds = Double(recorded.dropFirst().dropLast()) {
      return "+" + Format.duration(seconds)
    }
    let parts = recorded.split(separator: "T", maxSplits: 1)
    let day = parts.first.map(String.init) ?? ""
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let fields = day.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 2, fields.count == 3,
      let date = calendar.date(from: DateComponents(year: fields[0], month: fields[1], day: fields[2]))
    else { return recorded }
    let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    // "10:00" or "10:02:30", then an offset in the hour the clocks go back ("+02:00").
    let seconds = parts[1].count >= 8 && parts[1].dropFirst(5).first == ":"
    let time = parts[1].prefix(seconds ? 8 : 5)
    let offset = parts[1].dropFirst(seconds ? 8 : 5)
    return "\(names[calendar.component(.weekday, from: date) - 1]) \(day) \(time)"
      + (offset.isEmpty ? "" : " (\(offset))")
  }

  /// A recorded verdict's value in its objective's unit.
  static func value(_ objective: String, _ x: Double) -> String {
    switch objective {
    case "error rate": Format.percent(x)
    case "availability": String(format: "%.3f%%", x * 100)
    default: Format.duration(x)
    }
  }
}
