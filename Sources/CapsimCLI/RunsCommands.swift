import ArgumentParser
import Foundation
import Reports
import ResultsStore
import RunRecords
import TextReports

/// `capsim runs`: the runs recorded in the results database, newest first.
struct Runs: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the runs recorded in the results database.",
    discussion: "Newest first: id, when, status (running, complete, failed, interrupted), scenario, seed, replications, requests, wall time, the sweep and point a run belongs to (SWEEP/POINT), and failed objectives.")

  @OptionGroup var database: DatabaseOptions

  @Option(help: "At most this many runs.")
  var limit = 50

  func run() throws {
    let (runs, failedCounts, sweeps) = try database.reading { store in
      (try store.runs(limit: limit), try store.failedVerdictCounts(), try store.sweepMembership())
    }
    guard !runs.isEmpty else {
      print("no runs recorded in \(database.db) yet: 'capsim run SCENARIO' records one")
      return
    }
    var table = TextTable(columns: ["run", "started", "status", "scenario", "kind", "seed", "reps", "requests", "wall", "sweep", "failed SLOs"])
    for r in runs {
      table.add([
        String(r.id!), Self.timestamp(r.startedAt), r.status.rawValue, r.scenarioName, r.kind, String(r.seed), String(r.replications),
        r.requests.map { Format.count(Double($0)) } ?? "-", r.wallSeconds.map { Format.duration($0) } ?? "-",
        sweeps[r.id!].map { "\($0.sweep)/\($0.point)" } ?? "-",
        r.kind == "platform" && r.status == .complete ? String(failedCounts[r.id!] ?? 0) : "-",
      ])
    }
    print(table.render())
  }

  static func timestamp(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return f.string(from: date)
  }
}

/// `capsim show RUN`: one recorded run.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print one recorded run: what was run, its SLO verdicts and costs.",
    discussion:
      "RUN is a run id from 'capsim runs', or 'latest' for the newest complete run. Exit status 4 when there is no such run.")

  @Argument(help: "Run id, or latest.")
  var runID: String

  @OptionGroup var database: DatabaseOptions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func run() throws {
    let data = try database.reading { try loadRun(runID, in: $0) }
    switch format {
    case .json:
      print(try Report.runJSON(data), terminator: "")
    case .table:
      print(Self.describe(data))
    }
  }

  static func describe(_ data: RunData) -> String {
    let r = data.run
    var lines = [
      "run \(r.id ?? 0): \(r.scenarioName) (\(r.kind)), \(r.status.rawValue)",
      "scenario \(r.scenarioPath) sha256 \(r.scenarioHash.prefix(12)), topology \(r.topologyPath) sha256 \(r.topologyHash.prefix(12))",
      "seed \(r.seed), \(r.replications) replications, capsim \(r.capsimVersion), started \(Runs.timestamp(r.startedAt))"
        + (r.endedAt.map { ", ended \(Runs.timestamp($0))" } ?? ""),
    ]
    if !r.settings.isEmpty { lines.append("--set " + r.settings.joined(separator: " --set ")) }
    if let m = r.message { lines.append("note: \(m)") }
    var out = lines.joined(separator: "\n")
    if !data.verdicts.isEmpty {
      var table = TextTable(columns: ["territory", "period", "class", "objective", "target", "measured", "worst window", "verdict"])
      for v in data.verdicts {
        table.add([
          v.territory, v.period, v.requestClass, v.objective, v.target.map { value(v.objective, $0) } ?? "-",
          value(v.objective, v.mean) + (v.halfWidth.map { $0 > 0 ? " +- " + value(v.objective, $0) : "" } ?? ""),
          v.worstWindowLocal ?? "", v.outcome == "fail" ? "FAIL" : v.outcome,
        ])
      }
      out += "\n\nSLO verdicts\n" + table.render()
    }
    if !data.autoscalerSyncs.isEmpty {
      out += "\n\nautoscalers (per replication; ramp: from the first of a run of scale-ups to as many pods Ready as the last asked for)\n"
      out += AutoscalerSummary.table(AutoscalerSummary.summaries(data))
    }
    if !data.locks.isEmpty {
      var table = TextTable(columns: ["territory", "lock", "rows", "requests", "waited", "mean wait", "mean held", "busiest row"])
      for l in data.locks {
        table.add([
          l.territory, l.lock, String(l.rows), Format.count(l.requests), l.waitedShare.map { Format.percent($0) } ?? "-",
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
          c.territory, c.month, c.spanHours.map { String(format: "%.0f", $0) } ?? "-", String(format: "%.0f", c.instanceHours),
          money(c.instanceCost), money(c.databaseCost), money(c.instanceCost + c.databaseCost),
          c.per30Days.map(money) ?? "-", c.perCalendarMonth.map(money) ?? "-",
        ])
      }
      out += "\n\ncost over the run, by calendar month (total: what the run's hours in that month cost; "
      out += "per 30 days and per calendar month: that pace kept up)\n" + table.render()
    }
    return out
  }

  static func value(_ objective: String, _ x: Double) -> String {
    switch objective {
    case "error rate": Format.percent(x)
    case "availability": String(format: "%.3f%%", x * 100)
    default: Format.duration(x)
    }
  }
}

/// `capsim diff A B`: how a what-if's run differs from a baseline's.
struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two recorded runs: verdicts side by side, changed outcomes, cost.",
    discussion:
      "The first run is the baseline, the second the what-if. Exit status 0 whatever changed, 4 when a run is not in the database.")

  @Argument(help: "Baseline run id (or latest).")
  var baseline: String

  @Argument(help: "What-if run id (or latest).")
  var whatIf: String

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    let (a, b) = try database.reading { store in (try loadRun(baseline, in: store), try loadRun(whatIf, in: store)) }
    print(Self.compare(a, b))
  }

  static func compare(_ a: RunData, _ b: RunData) -> String {
    var out = "baseline run \(a.run.id ?? 0) (\(a.run.scenarioName)) against what-if run \(b.run.id ?? 0) (\(b.run.scenarioName))"
    if a.run.topologyHash != b.run.topologyHash { out += "\ntopologies differ" }
    if a.run.settings != b.run.settings { out += "\nsettings: \(a.run.settings) -> \(b.run.settings)" }
    func key(_ v: VerdictRecord) -> String { "\(v.territory)|\(v.period)|\(v.requestClass)|\(v.objective)" }
    let before = Dictionary(a.verdicts.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
    var table = TextTable(columns: ["territory", "period", "class", "objective", "baseline", "what-if", "change", ""])
    var changed = 0
    for v in b.verdicts {
      let old = before[key(v)]
      let delta = old.map { v.mean - $0.mean }
      let outcomeChanged = old.map { $0.outcome != v.outcome } ?? true
      if outcomeChanged { changed += 1 }
      table.add([
        v.territory, v.period, v.requestClass, v.objective,
        old.map { Show.value($0.objective, $0.mean) + " " + $0.outcome } ?? "-",
        Show.value(v.objective, v.mean) + " " + v.outcome,
        delta.map { ($0 >= 0 ? "+" : "-") + Show.value(v.objective, abs($0)) } ?? "new",
        outcomeChanged ? "<- changed" : "",
      ])
    }
    // Verdicts only the baseline has (a period or class the what-if never reached).
    let after = Set(b.verdicts.map(key))
    for v in a.verdicts where !after.contains(key(v)) {
      changed += 1
      table.add([
        v.territory, v.period, v.requestClass, v.objective, Show.value(v.objective, v.mean) + " " + v.outcome, "-",
        "gone", "<- changed",
      ])
    }
    out += "\n\nSLO verdicts (\(changed) changed outcome\(changed == 1 ? "" : "s"))\n" + table.render()
    var costs = TextTable(columns: ["territory", "currency", "baseline", "what-if", "change"])
    let territories = Array(Set(a.costs.map(\.territory) + b.costs.map(\.territory))).sorted()
    for t in territories {
      let x = a.costs.filter { $0.territory == t }
      let y = b.costs.filter { $0.territory == t }
      let currency = (x.first ?? y.first)?.currency ?? ""
      let sx = x.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      let sy = y.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      costs.add([t, currency, String(format: "%.2f", sx), String(format: "%.2f", sy), String(format: "%+.2f", sy - sx)])
    }
    if !territories.isEmpty { out += "\n\ncost over the run\n" + costs.render() }
    return out
  }
}

/// `capsim report RUN`: a report folder for a design review or a pull request.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write a report folder for a recorded run: index.html, report.md, summary.json.",
    discussion: """
      index.html is self-contained (inline styles and SVG charts, no network needed). With \
      --baseline, the report compares the run (the what-if) against that baseline run.

      Examples:
        capsim report latest
        capsim report 12 --out reports/christmas-2026
        capsim report 14 --baseline 12 --out reports/users-x1.5-vs-baseline
      """)

  @Argument(help: "Run id, or latest.")
  var runID: String

  @Option(help: "The folder to write (default: reports/<scenario>-run<id>).")
  var out: String?

  @Option(help: "A baseline run id: write a comparison report instead.")
  var baseline: String?

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    let (data, base) = try database.reading { store in
      (try loadRun(runID, in: store), try baseline.map { try loadRun($0, in: store) })
    }
    let id = data.run.id ?? 0
    guard data.run.status == .complete else {
      throw fail(
        "run \(id) is \(data.run.status.rawValue), not complete: nothing to report", status: ExitStatus.noSuchRun)
    }
    let folder: String
    let safeName = String(data.run.scenarioName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    if let base {
      folder = out ?? "reports/\(safeName)-run\(id)-vs-run\(base.run.id ?? 0)"
      try Report.writeComparison(baseline: base, whatIf: data, to: folder)
    } else {
      folder = out ?? "reports/\(safeName)-run\(id)"
      try Report.write(data, to: folder)
    }
    print("wrote \(folder)/index.html, report.md, summary.json")
  }
}
