import ArgumentParser
import Foundation
import Reports
import ResultsStore
import RunRecords
import TextReports

/// `capsim autoscales [ID]`: the recorded derivations, or one of them.
struct Autoscales: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the recorded autoscaling derivations, or show one and write its report.",
    discussion: """
      Without ID: the derivations of capsim autoscale, newest first. With ID (a number, or \
      latest for the one that completed last): the comparison as capsim autoscale printed it, or its \
      JSON (--format json); --report FOLDER writes its page and Markdown from the record.

      A derivation that did not complete (interrupted, failed, still running) is shown as what \
      was run and how it ended.

      Exit status: 4 when there is no such derivation, or it is not complete and --format json \
      or --report asks for its comparison.
      """)

  @Argument(help: "A derivation id, or latest.")
  var id: String?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Write the derivation's report (index.html, report.md) into this folder.")
  var report: String?

  @Option(parsing: .unconditional, help: "At most this many derivations (default 50); for the list only.")
  var limit: Int?

  var rows: Int { Listing.rows(limit) }

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if id == nil && report != nil { throw ValidationError("--report needs an ID (or latest)") }
    if id == nil && format == .json { throw ValidationError("--format json needs an ID (or latest)") }
    try Listing.check(limit, showingOne: id != nil, list: "derivations", one: "ID")
  }

  func run() throws {
    guard let id else {
      guard database.exists else { return print("no derivations recorded: \(database.missing)") }
      let all = try database.reading { store in
        try store.autoscaleIDs(limit: Listing.fetch(rows)).compactMap { try store.autoscaleData($0) }
      }
      if all.isEmpty {
        print("no derivations in \(database.db) yet (capsim autoscale SCENARIO records one)")
        return
      }
      let (shown, more) = Listing.cut(all, limit: rows, noun: "derivations")
      print(Report.autoscalesList(shown))
      if let more { print(more) }
      return
    }
    let data = try database.reading { store in
      let number = try recordID(id, of: "derivation", latest: "no complete derivation in \(store.path) yet") {
        try store.latestCompleteAutoscaleID()
      }
      guard let data = try store.autoscaleData(number) else {
        throw fail("no derivation \(number) in \(store.path) (see 'capsim autoscales')", status: ExitStatus.noSuchRun)
      }
      return data
    }
    // As capsim plans: what was run and how it ended, but no comparison to export.
    if data.record.status != .complete {
      if format == .json || report != nil {
        throw fail(
          "derivation \(data.record.id ?? 0) is \(data.record.status.rawValue), not complete: it has no comparison to show",
          status: ExitStatus.noSuchRun)
      }
      print(Report.autoscaleIncomplete(data), terminator: "")
      return
    }
    try AutoscaleWork.output(data, format: format, report: report, recorded: true) { printToStandardError($0) }
  }
}
