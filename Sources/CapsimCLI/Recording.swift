import ArgumentParser
import Dispatch
import Foundation
import ResultsStore
import RunRecords

/// Where runs are recorded: `--db PATH`, else `$CAPSIM_DB`, else `./capsim.sqlite`.
struct DatabaseOptions: ParsableArguments {
  @Option(help: "The results database (SQLite; default $CAPSIM_DB, else capsim.sqlite).")
  var db = ProcessInfo.processInfo.environment["CAPSIM_DB"] ?? "capsim.sqlite"

  func open() throws -> ResultsStore {
    do {
      return try ResultsStore(path: db)
    } catch {
      printToStandardError("capsim: cannot open results database \(db): \(error)")
      throw ExitCode.failure
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
  private var signalSources: [DispatchSourceSignal] = []

  init(store: ResultsStore, run: RunRecord) throws {
    self.store = store
    record = run
    id = try store.begin(run)
    let path = store.path
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler { [store, id] in
        try? store.end(id, status: .interrupted, message: signal == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)")
        FileHandle.standardError.write(Data("\ncapsim: run \(id) marked interrupted in \(path)\n".utf8))
        exit(signal == SIGINT ? 130 : 143)
      }
      source.resume()
      signalSources.append(source)
    }
  }

  /// Stores the results that `data` makes of the finished record. If that fails, the run is
  /// marked failed, and the error says so (exit status 1).
  func complete(wallSeconds: Double, requests: Int, _ data: (RunRecord) -> RunData) throws {
    var finished = record
    finished.id = id
    finished.wallSeconds = wallSeconds
    finished.requests = requests
    defer { stopListening() }
    do {
      try store.complete(id, data: data(finished))
      printToStandardError("recorded as run \(id) in \(store.path)")
    } catch {
      try? store.end(id, status: .failed, message: "storing the results failed: \(error)")
      printToStandardError("capsim: could not record the results in \(store.path): \(error)")
      throw ExitCode.failure
    }
  }

  /// Ctrl-C behaves as usual again once the run is recorded.
  private func stopListening() {
    for source in signalSources { source.cancel() }
    signalSources = []
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }

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

/// Everything recorded of the run a `RUN` argument names: a run id, or `latest` for the newest
/// complete run.
func loadRun(_ text: String, in store: ResultsStore) throws -> RunData {
  let id: Int64
  if text == "latest" {
    guard let latest = try store.latestCompleteRunID() else {
      throw ValidationError("no complete run in the database yet")
    }
    id = latest
  } else {
    guard let n = Int64(text), n > 0 else { throw ValidationError("'\(text)' is not a run id (a number, or 'latest')") }
    id = n
  }
  guard let data = try store.data(id) else { throw ValidationError("no run \(id) in the database (see 'capsim runs')") }
  return data
}
