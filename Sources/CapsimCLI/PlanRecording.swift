import Dispatch
import Foundation
import ResultsStore
import RunRecords

/// A plan in progress in the results database, kept as a run is (`Recording`): begun before
/// the search, completed with its periods and candidates in one transaction, marked
/// interrupted on SIGINT or SIGTERM (a killed process is marked when the database is next
/// opened).
final class PlanRecording: @unchecked Sendable {
  let store: ResultsStore
  let id: Int64
  private var watch: InterruptWatch?

  /// Begins the plan in the database (status 5 if it cannot be written: nothing is planned)
  /// and listens for SIGINT and SIGTERM.
  init(store: ResultsStore, plan: PlanRecord) throws {
    self.store = store
    (id, watch) = try InterruptWatch.begin(
      { try store.beginPlan(plan) },
      cannotBegin: { "cannot record the plan in results database \(store.path): \(ResultsStore.reason($0)); not planned" },
      notice: { "plan \($0) marked interrupted in \(store.path); 'capsim plans \($0)' lists the candidates it simulated" }
    ) { [store] id, reason in try? store.endPlan(id, status: .interrupted, message: reason) }
  }

  /// Keeps a simulated candidate before the plan ends. A failure is said on stderr (unless
  /// `quiet`) and the plan goes on without keeping more (each try could wait the whole busy
  /// timeout): `complete` stores every candidate again, or saves them beside the database.
  func keep(_ candidate: PlanCandidateRecord, quiet: Bool) {
    guard !keepFailed else { return }
    do {
      // A store on the way: a signal waits for the row, then acts.
      try InterruptWatch.storing(final: false) { try store.addPlanCandidate(id, candidate) }
    } catch {
      keepFailed = true
      if !quiet {
        printToStandardError(
          "capsim: warning: cannot keep candidate \(candidate.candidate) of plan \(id) in \(store.path): \(ResultsStore.reason(error)); the plan goes on, and its candidates are stored when it ends"
        )
      }
    }
  }
  private var keepFailed = false

  /// Stores the finished plan (its id set to this plan's); says so on stderr unless `quiet`.
  ///
  /// If storing fails, the plan is saved as JSON beside the database (`<db>.plan<id>.json`, or
  /// in the temporary directory) and marked failed if the database still takes that write, as
  /// for a run.
  ///
  /// - Returns: nil when recorded, else the error message to print, which says where the plan
  ///   went.
  func complete(_ data: inout PlanData, quiet: Bool) -> String? {
    data.plan.id = id
    defer { stopListening() }
    let data = data
    return InterruptWatch.storing(final: true) { write(data, quiet: quiet) }
  }

  private func write(_ data: PlanData, quiet: Bool) -> String? {
    do {
      try store.completePlan(id, data: data)
      if !quiet { printToStandardError("recorded as plan \(id) in \(store.path)") }
      return nil
    } catch {
      let reason = ResultsStore.reason(error)
      let saved = save(data)
      try? store.endPlan(
        id, status: .failed, message: "storing the plan failed: \(reason)" + (saved.map { "; saved in \($0)" } ?? ""))
      let marked = (try? store.planData(id))?.plan.status == .failed
      return """
        cannot record plan \(id) in results database \(store.path): \(reason). \
        The plan \(marked ? "is marked failed" : "stays 'running' until capsim next opens the database"); \
        it is printed on stdout\
        \(saved.map { " and saved in \($0) ('capsim import \($0)' stores it once the database can take it)" } ?? " (it could not be saved in a file either)")
        """
    }
  }

  /// Writes everything the plan would have recorded (its `PlanData`, as JSON) beside the
  /// database, else in the temporary directory; returns the file's path.
  private func save(_ data: PlanData) -> String? {
    saveBeside(data, database: store.path, name: "plan\(id)")
  }

  private func stopListening() { watch?.stop() }
}
