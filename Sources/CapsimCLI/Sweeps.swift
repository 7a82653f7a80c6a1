import ArgumentParser
import Foundation
import Reports
import ResultsStore
import RunRecords
import TextReports

/// `capsim sweeps [SWEEP]`: the recorded sweeps, or one sweep's points.
struct Sweeps: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the recorded sweeps, or show one sweep's points and write its report.",
    discussion: """
      Without SWEEP: the sweeps, newest first. With SWEEP (an id, or latest): its points, the \
      run of each and its verdict counts; --report FOLDER writes its HTML page. A sweep is \
      running while any of its runs is, complete when all are.
      """)

  @Argument(help: "A sweep id, or latest.")
  var sweep: String?

  @Option(help: "Write the sweep's HTML report into this folder.")
  var report: String?

  @Option(help: "At most this many sweeps.")
  var limit = 50

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if report != nil && sweep == nil { throw ValidationError("--report needs a SWEEP id (or latest)") }
  }

  func run() throws {
    guard let sweep else { return try list() }
    let id = try database.reading { try Self.sweepID(sweep, in: $0) }
    let (record, points, verdicts) = try database.reading { store in
      guard let (record, points) = try store.sweep(id) else {
        throw fail("no sweep \(id) in \(store.path) (see 'capsim sweeps')", status: ExitStatus.noSuchRun)
      }
      return (record, points, try points.map { try store.data($0.runID)?.verdicts ?? [] })
    }
    print(Self.describe(record, points, verdicts))
    if let report {
      try database.reading { try Self.writeReport(id, store: $0, to: report, quiet: false) }
    }
  }

  func list() throws {
    let sweeps = try database.reading { try $0.sweeps(limit: limit) }
    guard !sweeps.isEmpty else {
      print("no sweeps recorded in \(database.db) yet: 'capsim sweep SCENARIO --vary KEY=VALUES' records one")
      return
    }
    var table = TextTable(columns: [
      "sweep", "started", "status", "scenario", "axes", "points", "reps", "shards", "wall",
    ])
    for s in sweeps {
      let r = s.sweep
      table.add([
        String(r.id!), Runs.timestamp(r.startedAt), s.status.rawValue, r.scenarioName,
        r.axes.map { "\($0.key) (\($0.values.count))" }.joined(separator: " x "), String(r.points),
        String(r.replications),
        String(r.shards), r.wallSeconds.map { Format.duration($0) } ?? "-",
      ])
    }
    print(table.render())
  }

  static func describe(_ r: SweepRecord, _ points: [SweepPoint], _ verdicts: [[VerdictRecord]]) -> String {
    var out =
      "sweep \(r.id ?? 0): \(r.scenarioName), \(r.points) points x \(r.replications) replications, seed \(r.seed)"
    out += r.shards > 1 ? ", merged from \(r.shards) shards\n" : "\n"
    out +=
      "scenario \(r.scenarioPath) sha256 \(r.scenarioHash.prefix(12)), capsim \(r.capsimVersion), started \(Runs.timestamp(r.startedAt))\n"
    if !r.settings.isEmpty { out += "under --set " + r.settings.joined(separator: " --set ") + "\n" }
    var table = TextTable(columns: ["point"] + r.axes.map(\.key) + ["run", "status", "pass", "marginal", "FAIL"])
    for (p, v) in zip(points, verdicts) {
      func count(_ o: String) -> String { String(v.filter { $0.outcome == o }.count) }
      table.add(
        [String(p.point)] + p.values + [
          String(p.runID), p.status.rawValue, count("pass"), count("marginal"), count("fail"),
        ])
    }
    return out + "\n" + table.render()
  }

  /// `latest` or a number; a bad id is a usage error, no sweep at all status 4.
  static func sweepID(_ text: String, in store: ResultsStore) throws -> Int64 {
    try recordID(text, of: "sweep", latest: "no sweep in \(store.path) yet") { try store.latestSweepID() }
  }

  /// Writes `folder/index.html` for a recorded sweep, from its complete runs.
  static func writeReport(_ id: Int64, store: ResultsStore, to folder: String, quiet: Bool) throws {
    guard let (record, points) = try store.sweep(id) else {
      throw fail("no sweep \(id) in \(store.path)", status: ExitStatus.noSuchRun)
    }
    let runs = try points.map { try store.data($0.runID) }
    do {
      try Report.writeSweep(record, points: points, runs: runs, to: folder)
    } catch {
      throw fail(
        "cannot write the sweep report into \(folder): \(error.localizedDescription)", status: ExitStatus.failure)
    }
    if !quiet { printToStandardError("wrote \(folder)/index.html") }
  }
}
