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
    discussion:
      "Newest first: id, when, status (running, complete, failed, interrupted), scenario, seed, replications, requests, wall time, the sweep and point a run belongs to (SWEEP/POINT), and failed objectives."
  )

  @OptionGroup var database: DatabaseOptions

  @Option(parsing: .unconditional, help: "At most this many runs.")
  var limit = 50

  func validate() throws {
    if limit < 1 { throw ValidationError("--limit must be at least 1") }
  }

  func run() throws {
    guard database.exists else { return print("no runs recorded: \(database.missing)") }
    let (runs, failedCounts, sweeps) = try database.reading { store in
      (try store.runs(limit: Listing.fetch(limit)), try store.failedVerdictCounts(), try store.sweepMembership())
    }
    guard !runs.isEmpty else {
      print("no runs recorded in \(database.db) yet: 'capsim run SCENARIO' records one")
      return
    }
    let (shown, more) = Listing.cut(runs, limit: limit, noun: "runs")
    print(RunsList(runs: shown, failedCounts: failedCounts, sweeps: sweeps).table())
    if let more { print(more) }
  }
}

/// Listings show the newest `--limit` rows and say when there are more.
enum Listing {
  /// The rows a list shows: `--limit`, else 50.
  static func rows(_ limit: Int?) -> Int { limit ?? 50 }

  /// A `--limit` below 1, or given with one record's id (shown whole: the limit would be
  /// ignored without a word), is a usage error.
  static func check(_ limit: Int?, showingOne: Bool, list: String, one: String) throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if showingOne && limit != nil { throw ValidationError("--limit is for the list of \(list), not for one \(one)") }
  }

  /// Rows to fetch: one beyond the limit, to know whether there are more.
  static func fetch(_ limit: Int) -> Int { limit == .max ? limit : limit + 1 }

  static func cut<T>(_ rows: [T], limit: Int, noun: String) -> ([T], String?) {
    guard rows.count > limit else { return (rows, nil) }
    let shown = limit == 1 ? "the newest one" : "the newest \(limit) \(noun)"
    return (Array(rows.prefix(limit)), "(\(shown); older ones are not shown: --limit N for more)")
  }
}

/// `capsim show RUN`: one recorded run.
struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print one recorded run: what was run, its SLO verdicts and costs.",
    discussion:
      "RUN is a run id from 'capsim runs', or 'latest' for the run that completed last. Exit status 4 when there is no such run."
  )

  @Argument(help: "Run id, or latest.")
  var runID: String

  @OptionGroup var database: DatabaseOptions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func validate() throws { try requireRunIDs(runID) }

  func run() throws {
    // The table prints no series but a network run's count of windows.
    let data = try database.reading { store in
      try loadRun(runID, in: store) { format == .json || $0.kind == "network" ? .all : .none }
    }
    switch format {
    case .json:
      print(try Report.runJSON(data), terminator: "")
    case .table:
      print(RunDescription(data: data).text())
    }
  }
}

/// `capsim diff A B`: how a what-if's run differs from a baseline's.
struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two recorded runs: verdicts side by side, changed outcomes, cost.",
    discussion:
      "The first run is the baseline, the second the what-if. Exit status 0 whatever changed, 1 when the two runs are of different kinds (a network and a platform run), 4 when a run is not in the database or did not complete."
  )

  @Argument(help: "Baseline run id (or latest).")
  var baseline: String

  @Argument(help: "What-if run id (or latest).")
  var whatIf: String

  @OptionGroup var database: DatabaseOptions

  func validate() throws { try requireRunIDs(baseline, whatIf) }

  func run() throws {
    // The comparison reads only the database nodes' series.
    let nodes = ResultsStore.SeriesRows.only(requestClass: "all", leavingOutTiers: RunComparison.platformTiers)
    let (a, b) = try database.reading { store in
      (try loadRun(baseline, in: store) { _ in nodes }, try loadRun(whatIf, in: store) { _ in nodes })
    }
    try requireComplete(a, "compare")
    try requireComplete(b, "compare")
    // A queueing network and a platform share no verdict, cost or station: nothing lines up.
    guard a.run.kind == b.run.kind else {
      throw fail(
        "run \(a.run.id ?? 0) is a \(a.run.kind) run and run \(b.run.id ?? 0) a \(b.run.kind) run: nothing to compare",
        status: ExitStatus.failure)
    }
    print(RunComparison(baseline: a, whatIf: b).text())
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

  func validate() throws { try requireRunIDs(runID, baseline ?? "latest") }

  func run() throws {
    let (data, base) = try database.reading { store in
      (try loadRun(runID, in: store), try baseline.map { try loadRun($0, in: store) })
    }
    let id = data.run.id ?? 0
    try requireComplete(data, "report")
    if let base {
      try requireComplete(base, "compare")
      guard base.run.kind == data.run.kind else {
        throw fail(
          "run \(base.run.id ?? 0) is a \(base.run.kind) run and run \(id) a \(data.run.kind) run: nothing to compare",
          status: ExitStatus.failure)
      }
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

/// A run that did not complete (interrupted, or still running) has no results to show: status 4,
/// as for a run that is not there.
func requireComplete(_ data: RunData, _ what: String) throws {
  guard data.run.status == .complete else {
    throw fail(
      "run \(data.run.id ?? 0) is \(data.run.status.rawValue), not complete: nothing to \(what)",
      status: ExitStatus.noSuchRun)
  }
}

/// Run ids that are not ids (not a number above 0, nor `latest`) are usage errors before any
/// database is looked for: with none, they read as "no results database" and status 4.
func requireRunIDs(_ ids: String...) throws {
  for id in ids where id != "latest" && (Int64(id) ?? 0) <= 0 {
    throw ValidationError("'\(id)' is not a run id (a number, or 'latest')")
  }
}

/// A negative number where a command takes a record id (`capsim show -3`, `report 5 --baseline
/// -3`), as a usage error of that command; nil when there is none.
///
/// swift-argument-parser reads `-3` as short options, so it said "missing argument" or
/// "unknown option '-3'"; this is checked before it parses. A number after another option is
/// that option's value (`--limit -3`), left to the option.
func negativeRecordID(_ arguments: [String]) -> (message: String, command: any ParsableCommand.Type)? {
  let commands: [String: (command: any ParsableCommand.Type, what: String)] = [
    "show": (Show.self, "run"), "report": (ReportCommand.self, "run"), "diff": (Diff.self, "run"),
    "sweeps": (Sweeps.self, "sweep"), "plans": (Plans.self, "plan"), "autoscales": (Autoscales.self, "derivation"),
  ]
  guard let name = arguments.first, let (command, what) = commands[name] else { return nil }
  for (previous, argument) in zip(arguments, arguments.dropFirst()) {
    if argument == "--" { return nil }
    let isNegative = argument.hasPrefix("-") && argument.dropFirst().first?.isNumber == true
    if isNegative && (!previous.hasPrefix("-") || previous == "--baseline") {
      return ("'\(argument)' is not a \(what) id (a number, or 'latest')", command)
    }
  }
  return nil
}
