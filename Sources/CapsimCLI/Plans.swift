import ArgumentParser
import Foundation
import Reports
import ResultsStore
import RunRecords
import TextReports

/// `capsim plans [PLAN]`: the recorded capacity plans, or one of them.
struct Plans: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the recorded capacity plans, or show one and write its report.",
    discussion: """
      Without PLAN: the plans, newest first, with how many periods have an answer. With PLAN \
      (an id, or latest for the plan that completed last): the plan as capsim plan printed it, or \
      its JSON (--format json); --report FOLDER writes its HTML page and Markdown summary.

      Exit status: 4 when there is no such plan, or it is not complete and --format json or \
      --report asks for its answer.
      """)

  @Argument(help: "A plan id, or latest.")
  var plan: String?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Write the plan's report (index.html, report.md) into this folder.")
  var report: String?

  @Option(parsing: .unconditional, help: "At most this many plans (default 50); for the list only.")
  var limit: Int?

  var rows: Int { Listing.rows(limit) }

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if plan == nil && report != nil { throw ValidationError("--report needs a PLAN id (or latest)") }
    if plan == nil && format == .json { throw ValidationError("--format json needs a PLAN id (or latest)") }
    try Listing.check(limit, showingOne: plan != nil, list: "plans", one: "PLAN")
  }

  func run() throws {
    guard let plan else { return try list() }
    let data = try database.reading { store -> PlanData in
      let id = try Self.planID(plan, in: store)
      guard let data = try store.planData(id) else {
        throw fail("no plan \(id) in \(store.path) (see 'capsim plans')", status: ExitStatus.noSuchRun)
      }
      return data
    }
    let id = data.plan.id ?? 0
    if data.plan.status != .complete && (format == .json || report != nil) {
      throw fail(
        "plan \(id) is \(data.plan.status.rawValue), not complete: it has no answer to show",
        status: ExitStatus.noSuchRun)
    }
    switch format {
    case .json: print(try PlanReport(data: data).json())
    case .table: print(PlanDescription(data: data).text(), terminator: "")
    }
    if let report { try Self.writeReport(data, to: report, quiet: false) }
  }

  func list() throws {
    guard database.exists else { return print("no plans recorded: \(database.missing)") }
    let plans = try database.reading { try $0.plans(limit: Listing.fetch(rows)) }
    guard !plans.isEmpty else {
      print("no plans recorded in \(database.db) yet: 'capsim plan SCENARIO' records one")
      return
    }
    let (shown, more) = Listing.cut(plans, limit: rows, noun: "plans")
    print(PlansList(plans: shown).table())
    if let more { print(more) }
  }

  /// `latest` (the plan that completed last) or a number; a bad id is a usage error, no plan at
  /// all status 4.
  static func planID(_ text: String, in store: ResultsStore) throws -> Int64 {
    try recordID(text, of: "plan", latest: "no complete plan in \(store.path) yet") { try store.latestCompletePlanID() }
  }

  /// Writes `folder/index.html` and `folder/report.md` of a plan.
  static func writeReport(_ data: PlanData, to folder: String, quiet: Bool) throws {
    do {
      try Report.writePlan(data, to: folder)
    } catch {
      throw fail(
        "cannot write the plan report into \(folder): \(fileReason(error))", status: ExitStatus.failure)
    }
    if !quiet { printToStandardError("wrote \(folder)/index.html, report.md") }
  }
}
