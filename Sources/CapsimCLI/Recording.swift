import ArgumentParser
import Dispatch
import Foundation
import PlatformModel
import ResultsStore
import RunRecords
import TextReports

/// Where runs are recorded: `--db PATH`, else `$CAPSIM_DB`, else `./capsim.sqlite`.
struct DatabaseOptions: ParsableArguments {
  // Optional, so that the help states the default once, in words, rather than as the value
  // $CAPSIM_DB had when the help was printed.
  @Option(name: .customLong("db"), help: "The results database (SQLite; default: $CAPSIM_DB, else capsim.sqlite).")
  var given: String?

  /// An empty `$CAPSIM_DB` (a CI variable defined but not set) counts as unset: read as a path,
  /// it opened "" and failed, or listed nothing from a folder that had runs.
  var db: String {
    if let given { return given }
    if let path = ProcessInfo.processInfo.environment["CAPSIM_DB"], !path.isEmpty { return path }
    return "capsim.sqlite"
  }

  func validate() throws {
    if given?.isEmpty == true { throw ValidationError("--db needs the path of a file (it was empty)") }
  }

  /// Opens the database; one that cannot be used is an error with status 5, naming the file and
  /// the reason. `readOnly`: a file this process cannot write is opened for reading only.
  func open(readOnly: Bool = false) throws -> ResultsStore {
    do {
      if readOnly && ResultsStore.isReadOnly(db) { return try readingOlderIfNeeded() }
      // A reading command reads through a read-only open unless something needs writing (an
      // older schema, runs of dead processes to mark): a writable open writes (GRDB's WAL
      // set-up), so `capsim runs` waited for, and failed on, any other writer's lock.
      if readOnly, let store = try? readingOlderIfNeeded() {
        // (Not for an older file read through a copy: marking would bring the file up to date.)
        if store.readsACopy || (try? store.hasRecordsOfDeadProcesses()) == false { return store }
        // Marking them is housekeeping: done when no writer is in the way, else left to a
        // later open rather than making a reading command wait.
        return (try? ResultsStore(path: db, waitingAtMost: 0.5)) ?? store
      }
      return try ResultsStore(path: db)
    } catch let error as ResultsStoreError {
      switch error {
      case .notACapsimDatabase, .databaseTooNew, .readOnlyAndOlder:  // these name the file first
        throw fail(error.description, status: ExitStatus.databaseUnusable)
      default:
        throw fail("cannot open results database \(db): \(error)", status: ExitStatus.databaseUnusable)
      }
    } catch {
      throw fail(
        "cannot open results database \(db): \(ResultsStore.reason(error))", status: ExitStatus.databaseUnusable)
    }
  }

  /// A read-only open; a file at an older schema is read through a brought-up-to-date copy,
  /// said once, so that a reading command leaves it as the older capsim wrote it.
  private func readingOlderIfNeeded() throws -> ResultsStore {
    do {
      return try ResultsStore(readingOnly: db)
    } catch ResultsStoreError.readOnlyAndOlder {
      printToStandardError(
        "capsim: note: \(db) was written by an older capsim: read through an up-to-date copy, the file is left as it is "
          + "(the next command that records brings it up to date)")
      return try ResultsStore(readingOlder: db)
    }
  }

  /// Whether there is a file at the path. Reading commands check first: opening would create
  /// an empty database there, and a mistyped `--db` would read as "nothing recorded yet".
  var exists: Bool { FileManager.default.fileExists(atPath: db) }

  /// What a reading command says when `exists` is false.
  var missing: String {
    "there is no results database at \(db) (results are recorded in --db, else $CAPSIM_DB, else ./capsim.sqlite)"
  }

  /// Opens an existing database and reads from it: no file is status 4 (nothing recorded
  /// there), and a database error on the way status 5, as in `open()`, while errors `body`
  /// reports itself (an `ExitCode`) pass through.
  func reading<T>(_ body: (ResultsStore) throws -> T) throws -> T {
    guard exists else { throw fail(missing, status: ExitStatus.noSuchRun) }
    let store = try open(readOnly: true)
    do {
      return try body(store)
    } catch let status as ExitCode {
      throw status
    } catch {
      throw fail(
        "cannot read results database \(db): \(ResultsStore.reason(error))", status: ExitStatus.databaseUnusable)
    }
  }
}

/// A run in progress in the results database: begun before the simulation, completed with its
/// results in one transaction, or marked interrupted when the process gets SIGINT or SIGTERM (a
/// killed process is marked when the database is next opened).
final class Recording: @unchecked Sendable {
  let store: ResultsStore
  let id: Int64
  let record: RunRecord
  /// Nil for a sweep's point: the sweep watches.
  private var watch: InterruptWatch?

  /// Begins the run in the database (status 5 if it cannot be written) and listens for SIGINT
  /// and SIGTERM.
  init(store: ResultsStore, run: RunRecord) throws {
    self.store = store
    record = run
    (id, watch) = try InterruptWatch.begin(
      { try store.begin(run) },
      cannotBegin: { "cannot record the run in results database \(store.path): \(ResultsStore.reason($0)); not run" },
      notice: {
        "run \($0) marked interrupted in \(store.path); an interrupted run keeps no results, not even its finished replications"
      }
    ) { [store] id, reason in try? store.end(id, status: .interrupted, message: reason) }
  }

  /// A run begun elsewhere, with the store's `beginSweep`: a point of a sweep, whose
  /// recording listens for signals for all its runs.
  init(store: ResultsStore, begun id: Int64, run: RunRecord) {
    self.store = store
    self.id = id
    record = run
  }

  /// Stores the results that `data` makes of the finished record; says so on stderr unless
  /// `quiet`.
  ///
  /// If storing fails (a full disk, say), the results are not lost: they are saved as JSON
  /// beside the database (`<db>.run<id>.json`), or in the temporary directory when that fails
  /// too, and the run is marked failed with a note of where, if the database still takes that
  /// one small write (if not, the next open marks it interrupted). The caller prints the
  /// results all the same and exits with status 5.
  ///
  /// - Returns: nil when recorded, else the error message to print, which says where the
  ///   results went.
  func complete(wallSeconds: Double, requests: Int, quiet: Bool, _ data: (RunRecord) -> RunData) -> String? {
    var finished = record
    finished.id = id
    finished.wallSeconds = wallSeconds
    finished.requests = requests
    defer { stopListening() }
    let runData = data(finished)
    // A sweep's point (no watch of its own) is a store on the sweep's way.
    return InterruptWatch.storing(final: watch != nil) { write(runData, quiet: quiet) }
  }

  private func write(_ runData: RunData, quiet: Bool) -> String? {
    do {
      try store.complete(id, data: runData)
      if !quiet {
        printToStandardError("recorded as run \(id) in \(store.path)")
        if !store.mainFileHoldsEverything() {
          printToStandardError(
            "capsim: warning: another connection is reading \(store.path), so run \(id) is in \(store.path)-wal until it is folded into the file (by the next write, or when the reader ends): a copy of the file alone would miss it"
          )
        }
      }
      return nil
    } catch {
      let reason = ResultsStore.reason(error)
      let saved = save(runData)
      let savedNote = saved.map { "; saved in \($0)" } ?? ""
      try? store.end(id, status: .failed, message: "storing the results failed: \(reason)\(savedNote)")
      let marked = (try? store.run(id))?.status == .failed
      return """
        cannot record run \(id) in results database \(store.path): \(reason). \
        The run \(marked ? "is marked failed" : "stays 'running' until capsim next opens the database"); \
        its results are printed on stdout\
        \(saved.map { " and saved in \($0) ('capsim import \($0)' stores them once the database can take them)" } ?? " (they could not be saved in a file either)")
        """
    }
  }

  /// Marks the run failed with `message` (a run that stopped before its end keeps no results).
  func markFailed(_ message: String) {
    defer { stopListening() }
    try? store.end(id, status: .failed, message: message)
  }

  /// Writes everything the run would have recorded (as `capsim show --format json` prints it)
  /// beside the database, else in the temporary directory; returns the file's path.
  private func save(_ data: RunData) -> String? {
    var data = data
    data.run.status = .complete
    data.run.endedAt = data.run.endedAt ?? Date()
    return saveBeside(data, database: store.path, name: "run\(id)")
  }

  /// Ctrl-C behaves as usual again once the run is recorded.
  private func stopListening() { watch?.stop() }

  /// The record of a run about to start, with the text and hash of every file it reads.
  static func runRecord(
    kind: String, name: String, scenarioFiles: [String], topologyFile: String, settings: [String], seed: UInt64,
    replications: Int, horizon: Double, seriesInterval: Double, timeZone: String
  ) -> RunRecord {
    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    // A what-if is recorded with its base, each file under a marker line.
    let scenarioText = RunRecord.scenarioText(scenarioFiles.map { .init(path: $0, text: text($0)) })
    let topologyText = text(topologyFile)
    return RunRecord(
      capsimVersion: capsimVersion, kind: kind, scenarioName: name, scenarioPath: scenarioFiles.first ?? "",
      scenarioText: scenarioText, scenarioHash: ContentHash.sha256(scenarioText), topologyPath: topologyFile,
      topologyText: topologyText, topologyHash: ContentHash.sha256(topologyText), settings: settings, seed: seed,
      replications: replications, horizon: horizon, seriesInterval: seriesInterval, timeZone: timeZone,
      startedAt: Date(), processID: getpid(), hostName: ResultsStore.currentHostName)
  }
}

/// The files a platform run is recorded with: its scenario files (`path` when it was built
/// without), then the Kubernetes manifests of its autoscalers, so that `show` names them and a
/// comparison says when the autoscaler changed.
func recordedFiles(_ s: PlatformScenario, path: String) -> [String] {
  (s.scenarioFiles.isEmpty ? [path] : s.scenarioFiles) + s.manifestFiles
}

/// The id a `RUN`, `SWEEP` or `PLAN` argument names: a number, or `latest` as `latestID` finds
/// it. Not a number is a usage error (64), no `latest` status 4 with `none`.
func recordID(_ text: String, of what: String, latest none: String, latestID: () throws -> Int64?) throws -> Int64 {
  if text == "latest" {
    guard let id = try latestID() else { throw fail(none, status: ExitStatus.noSuchRun) }
    return id
  }
  guard let id = Int64(text), id > 0 else {
    throw fail("'\(text)' is not a \(what) id (a number, or 'latest')", status: ExitStatus.usage)
  }
  return id
}

/// Everything recorded of the run a `RUN` argument names.
///
/// `RUN` is a run id, or `latest` for the run that completed last. An id that is not a number is a
/// usage error (64); no such run is status 4.
func loadRun(
  _ text: String, in store: ResultsStore, series: (RunRecord) -> ResultsStore.SeriesRows = { _ in .all }
) throws -> RunData {
  let id = try recordID(text, of: "run", latest: "no complete run in \(store.path) yet") {
    try store.latestCompleteRunID()
  }
  guard let record = try store.run(id), let data = try store.data(id, series: series(record)) else {
    throw fail("no run \(id) in \(store.path) (see 'capsim runs')", status: ExitStatus.noSuchRun)
  }
  return data
}

/// `value` as JSON in `<database>.<name>.json`, else in the temporary directory, for results
/// the database could not take; returns the file's path, nil when neither could be written.
///
/// An existing file is never replaced (`-2`, `-3`... are tried instead): two CI jobs whose
/// `capsim.sqlite` both failed at run 1 would otherwise leave one result in a shared /tmp.
func saveBeside(_ value: some Encodable, database: String, name: String) -> String? {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  encoder.dateEncodingStrategy = .iso8601
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  guard let json = try? encoder.encode(value) else { return nil }
  let stem = URL(fileURLWithPath: database).lastPathComponent + ".\(name)"
  let folders = [
    URL(fileURLWithPath: database).deletingLastPathComponent().path,
    FileManager.default.temporaryDirectory.path,
  ]
  for folder in folders {
    for k in 1...1_000 {
      let path = URL(fileURLWithPath: folder).appendingPathComponent(stem + (k == 1 ? "" : "-\(k)") + ".json").path
      guard !FileManager.default.fileExists(atPath: path) else { continue }
      // Atomic: on a full disk a half-written file would look like a result.
      if (try? json.write(to: URL(fileURLWithPath: path), options: .atomic)) != nil { return path }
      break
    }
  }
  return nil
}
