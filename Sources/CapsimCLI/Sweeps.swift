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

  @Option(parsing: .unconditional, help: "At most this many sweeps (default 50); for the list only.")
  var limit: Int?

  var rows: Int { Listing.rows(limit) }

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if report != nil && sweep == nil { throw ValidationError("--report needs a SWEEP id (or latest)") }
    try Listing.check(limit, showingOne: sweep != nil, list: "sweeps", one: "SWEEP")
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
    print(SweepDescription(sweep: record, points: points, verdicts: verdicts).text())
    if let report {
      try database.reading { try Self.writeReport(id, store: $0, to: report, quiet: false) }
    }
  }

  func list() throws {
    guard database.exists else { return print("no sweeps recorded: \(database.missing)") }
    let sweeps = try database.reading { try $0.sweeps(limit: Listing.fetch(rows)) }
    guard !sweeps.isEmpty else {
      print("no sweeps recorded in \(database.db) yet: 'capsim sweep SCENARIO --vary KEY=VALUES' records one")
      return
    }
    let (shown, more) = Listing.cut(sweeps, limit: rows, noun: "sweeps")
    print(SweepsList(sweeps: shown).table())
    if let more { print(more) }
  }

  /// `latest` or a number; a bad id is a usage error, no sweep at all status 4.
  static func sweepID(_ text: String, in store: ResultsStore) throws -> Int64 {
    try recordID(text, of: "sweep", latest: "no complete sweep in \(store.path) yet") {
      try store.latestCompleteSweepID()
    }
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
        "cannot write the sweep report into \(folder): \(fileReason(error))", status: ExitStatus.failure)
    }
    if !quiet { printToStandardError("wrote \(folder)/index.html") }
  }
}
