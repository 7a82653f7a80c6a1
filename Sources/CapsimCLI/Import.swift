import ArgumentParser
import Foundation
import ResultsStore
import RunRecords

/// `capsim import`: stores a run, plan or derivation that was saved as JSON because the
/// results database could not take it (`<db>.run<id>.json` and the like).
struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Store the results a run, plan or derivation saved as JSON when the database could not take them.",
    discussion: """
      When storing fails at the end (a full disk, a lock held too long, a database moved \
      away), capsim prints the results anyway and saves them beside the database \
      (<db>.run<id>.json, <db>.plan<id>.json, <db>.autoscale<id>.json; in the temporary \
      folder if that fails too), and the error names the file. This stores each such file in \
      the database as a new complete record, so that 'capsim show', 'report', 'diff', \
      'plans' and 'autoscales' read it as any other. The original record (marked failed, or \
      interrupted if even that could not be written) stays as it is.

      A file whose record is already in the database (the same scenario, settings, seed, \
      start and wall time, complete) is not stored twice: it is named and skipped.

      Exit status: 0 stored (or already there), 1 a file is not a saved capsim record or \
      cannot be read, 5 the results database cannot be used.

      Examples:
        capsim import capsim.sqlite.run12.json
        capsim import /tmp/capsim.sqlite.plan3.json --db results/capsim.sqlite
      """)

  @Argument(help: "The saved files.", completion: .file(extensions: ["json"]))
  var files: [String]

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("give the saved files, such as capsim.sqlite.run12.json") }
  }

  func run() throws {
    // Every file is read before anything is stored: one that is not a record stores nothing.
    let saved = try files.map { file in (file, try Self.read(file)) }
    let store = try database.open()
    for (file, record) in saved {
      do {
        print(try Self.store(record, from: file, in: store))
      } catch let status as ExitCode {
        throw status
      } catch {
        throw fail(
          "cannot store \(file) in results database \(store.path): \(ResultsStore.reason(error))",
          status: ExitStatus.databaseUnusable)
      }
    }
  }

  enum Saved {
    case run(RunData)
    case plan(PlanData)
    case autoscale(AutoscaleData)
  }

  /// The record in `file`, told apart by its top-level keys (as `saveBeside` wrote it).
  static func read(_ file: String) throws -> Saved {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
      throw fail(fileReason(error), status: ExitStatus.failure)
    }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let keys = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]).map { Set($0.keys) } ?? []
    do {
      if keys.contains("run") { return .run(try decoder.decode(RunData.self, from: data)) }
      if keys.contains("plan") { return .plan(try decoder.decode(PlanData.self, from: data)) }
      if keys.contains("record") && keys.contains("manifests") {
        return .autoscale(try decoder.decode(AutoscaleData.self, from: data))
      }
    } catch {
      throw fail("\(file) is not a saved capsim record: \(Self.describe(error))", status: ExitStatus.failure)
    }
    throw fail(
      "\(file) is not a saved capsim record (a run, plan or derivation capsim saved when the database could not take it)",
      status: ExitStatus.failure)
  }

  /// Stores `saved` as a new complete record and says which.
  static func store(_ saved: Saved, from file: String, in store: ResultsStore) throws -> String {
    // Two imports of one file at once would both find it not stored yet.
    try store.exclusively { try storing(saved, from: file, in: store) }
  }

  private static func storing(_ saved: Saved, from file: String, in store: ResultsStore) throws -> String {
    let pid = getpid()
    let host = ResultsStore.currentHostName
    switch saved {
    case .run(var data):
      if let id = try store.completeRecordIDs(
        in: .run, startedAt: data.run.startedAt, scenarioHash: data.run.scenarioHash, seed: data.run.seed
      ).first(where: {
        try store.run($0).map { $0.settings == data.run.settings && $0.wallSeconds == data.run.wallSeconds } == true
      }) {
        return "\(file): already in \(store.path) as run \(id); not stored again"
      }
      (data.run.processID, data.run.hostName) = (pid, host)
      let id = try store.begin(data.run)
      do {
        try store.complete(id, data: data)
      } catch {
        Self.discard(.run, id, in: store, file: file, error)
        throw error
      }
      // A sweep's point saved when its store failed goes back into its sweep.
      if let original = data.run.id, let (sweep, point) = try store.adoptSweepPoint(of: original, by: id) {
        return
          "\(file): stored as run \(id) in \(store.path), sweep point \(sweep)/\(point) (as 'capsim runs' shows it), in the place of run \(original)"
      }
      return "\(file): stored as run \(id) in \(store.path)"
    case .plan(var data):
      if let id = try store.completeRecordIDs(
        in: .plan, startedAt: data.plan.startedAt, scenarioHash: data.plan.scenarioHash, seed: data.plan.seed
      ).first(where: {
        try store.planData($0).map {
          $0.plan.settings == data.plan.settings && $0.plan.wallSeconds == data.plan.wallSeconds
        } == true
      }) {
        return "\(file): already in \(store.path) as plan \(id); not stored again"
      }
      (data.plan.processID, data.plan.hostName) = (pid, host)
      let id = try store.beginPlan(data.plan)
      do {
        try store.completePlan(id, data: data)
      } catch {
        Self.discard(.plan, id, in: store, file: file, error)
        throw error
      }
      return "\(file): stored as plan \(id) in \(store.path)"
    case .autoscale(var data):
      if let id = try store.completeRecordIDs(
        in: .autoscale, startedAt: data.record.startedAt, scenarioHash: data.record.scenarioHash,
        seed: data.record.seed
      ).first(where: {
        try store.autoscaleData($0).map {
          $0.record.settings == data.record.settings && $0.record.wallSeconds == data.record.wallSeconds
        } == true
      }) {
        return "\(file): already in \(store.path) as derivation \(id); not stored again"
      }
      (data.record.processID, data.record.hostName) = (pid, host)
      let id = try store.beginAutoscale(data.record)
      do {
        try store.completeAutoscale(id, data: data)
      } catch {
        Self.discard(.autoscale, id, in: store, file: file, error)
        throw error
      }
      return "\(file): stored as derivation \(id) in \(store.path)"
    }
  }

  /// Removes a record begun for an import that failed; where even that fails (a full disk), it
  /// is marked failed, or left for the next open to mark interrupted.
  private static func discard(
    _ table: ResultsStore.RecordTable, _ id: Int64, in store: ResultsStore, file: String, _ error: Error
  ) {
    if (try? store.discard(table, id)) != nil { return }
    let message = "importing \(file) failed: \(ResultsStore.reason(error))"
    switch table {
    case .run: try? store.end(id, status: .failed, message: message)
    case .plan: try? store.endPlan(id, status: .failed, message: message)
    case .autoscale: try? store.endAutoscale(id, status: .failed, message: message)
    }
  }

  /// A decoding error as the field it is at.
  static func describe(_ error: Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
    }
    switch error {
    case .keyNotFound(let key, let context): return "no '\(key.stringValue)'\(path(context))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return "\(context.debugDescription)\(path(context))"
    @unknown default: return "\(error)"
    }
  }
}
