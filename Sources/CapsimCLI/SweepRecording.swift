import Dispatch
import Foundation
import PlatformModel
import ResultsStore
import RunRecords
import TextReports

/// A sweep in progress in the results database: the sweep and a run per point begun at once
/// (so run ids follow the points), each point's run completed as soon as its replications are
/// in, and on SIGINT or SIGTERM every run not yet complete marked interrupted.
final class SweepRecording: @unchecked Sendable {
  let store: ResultsStore
  let sweepID: Int64
  let runIDs: [Int64]
  private let records: [RunRecord]
  private let lock = NSLock()
  private var problems: [String] = []
  private var watch: InterruptWatch?

  /// Begins the sweep and its runs (status 5 if the database cannot be written).
  init(store: ResultsStore, work: SweepWork, shards: Int, startedAt: Date) throws {
    self.store = store
    records = work.records
    let sweep = SweepRecord(
      capsimVersion: capsimVersion, scenarioName: work.name, scenarioPath: work.path,
      scenarioHash: work.records[0].scenarioHash, settings: work.settings,
      axes: work.grid.axes.map { SweepRecord.Axis(key: $0.key, values: $0.values) }, seed: work.seed,
      replications: work.replications, points: work.points, shards: shards, startedAt: startedAt)
    do {
      (sweepID, runIDs) = try store.beginSweep(
        sweep, runs: work.records, values: (0..<work.points).map(work.grid.values(at:)))
    } catch {
      throw fail(
        "cannot record the sweep in results database \(store.path): \(ResultsStore.reason(error)); not run",
        status: ExitStatus.databaseUnusable)
    }
    listen()
  }

  /// Stores point `p`'s results and returns its run id, nil when they could not be stored: a
  /// failure is kept for `finish` (the results are saved beside the database, as for a run).
  func complete(point p: Int, result: PlatformResult, verdicts: [Verdict], seconds: Double) -> Int64? {
    let recording = Recording(store: store, begun: runIDs[p], run: records[p])
    let problem = recording.complete(
      wallSeconds: seconds, requests: result.replications.map(\.requests).reduce(0, +), quiet: true
    ) { RunData.platform(result, verdicts: verdicts, run: $0) }
    guard let problem else { return runIDs[p] }
    lock.withLock { problems.append(problem) }
    return nil
  }

  /// Records the sweep's wall time and stops listening for signals; returns what could not be
  /// recorded (nothing when all went well).
  func finish(wallSeconds: Double, quiet: Bool) -> [String] {
    try? store.endSweep(sweepID, wallSeconds: wallSeconds)
    watch?.stop()
    let problems = lock.withLock { self.problems }
    if !quiet && problems.isEmpty, let first = runIDs.first, let last = runIDs.last {
      printToStandardError("recorded as sweep \(sweepID) (runs \(first)-\(last)) in \(store.path)")
    }
    return problems
  }

  private func listen() {
    let (store, runIDs) = (self.store, self.runIDs)
    watch = InterruptWatch(notice: "sweep \(sweepID): runs not complete marked interrupted in \(store.path)") {
      reason in
      // Only runs still running change: completed points stay complete.
      for id in runIDs { try? store.end(id, status: .interrupted, message: reason) }
    }
  }
}
