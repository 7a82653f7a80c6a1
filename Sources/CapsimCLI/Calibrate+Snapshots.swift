import Calibration
import Foundation
import Reports
import ScenarioFile

/// `pg_stat_statements` and `pg_stat_wal` snapshots beside a run's summary, by name:
/// `NAME.statements-before.csv` and `NAME.statements-after.csv`, `NAME.wal-before.csv` and
/// `NAME.wal-after.csv`, where `NAME.txt` is the run's pgbench summary.
extension Calibrate {
  static let snapshotSuffixes = [
    ".statements-before.csv", ".statements-after.csv", ".wal-before.csv", ".wal-after.csv",
  ]

  /// What the snapshots of each workload say, or the errors of the files that are not good
  /// snapshots (unpaired, unreadable, inconsistent).
  static func snapshots(
    _ files: [(file: String, workload: String)], summaries: [PgbenchReport]
  ) -> (
    byWorkload: [String: (statements: CalibrationData.Statements?, wal: [CalibrationData.WAL])],
    errors: [MeasurementError]
  ) {
    var errors: [MeasurementError] = []
    var pairs: [String: (workload: String, before: String?, after: String?)] = [:]
    for (file, workload) in files {
      guard let suffix = snapshotSuffixes.first(where: { file.hasSuffix($0) }) else {
        errors.append(
          MeasurementError(
            file: file,
            "not a snapshot's name: NAME.statements-before.csv, NAME.statements-after.csv, NAME.wal-before.csv or NAME.wal-after.csv beside NAME.txt"
          ))
        continue
      }
      let kind = suffix.hasPrefix(".statements") ? ".statements" : ".wal"
      let key = String(file.dropLast(suffix.count)) + kind
      var pair = pairs[key] ?? (workload, nil, nil)
      if suffix.hasSuffix("-before.csv") { pair.before = file } else { pair.after = file }
      pairs[key] = pair
    }
    let summary = Dictionary(summaries.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
    var statements: [String: [(run: PgbenchReport?, data: CalibrationData.Statements)]] = [:]
    var wal: [String: [CalibrationData.WAL]] = [:]
    for key in pairs.keys.sorted() {
      let (workload, before, after) = pairs[key]!
      guard let before, let after else {
        let have = before ?? after!
        let missing = before == nil ? "\(key)-before.csv" : "\(key)-after.csv"
        errors.append(
          MeasurementError(
            file: have,
            "unpaired snapshot: no \((missing as NSString).lastPathComponent) beside it (a run's snapshots come in pairs, before and after)"
          ))
        continue
      }
      let isStatements = key.hasSuffix(".statements")
      let name = String(key.dropLast(isStatements ? ".statements".count : ".wal".count))
      let run = summary[name + ".txt"]
      let label =
        ((name as NSString).deletingLastPathComponent as NSString).lastPathComponent + "/"
        + (name as NSString).lastPathComponent
      do {
        let a = try Self.snapshotText(before)
        let b = try Self.snapshotText(after)
        if isStatements {
          let activity = try StatementActivity(
            before: try PgStatStatements(file: before, text: a), after: try PgStatStatements(file: after, text: b))
          let rows = activity.statements.map { s in
            CalibrationData.Statement(
              text: StatementActivity.oneLine(s.query, width: 60), calls: s.calls,
              callsPerTransaction: run.map { Double(s.calls) / Double($0.transactions) }, meanTime: s.meanTime,
              share: s.share)
          }
          let source = "\(label)" + (run.map { ", \($0.clients) client\($0.clients == 1 ? "" : "s")" } ?? "")
          statements[workload, default: []].append(
            (
              run,
              CalibrationData.Statements(
                run: label, clients: run?.clients, transactions: run?.transactions, statements: rows,
                yaml: activity.queriesYAML(source: source))
            ))
        } else {
          let activity = try WALActivity(
            before: try PgStatWAL(file: before, text: a), after: try PgStatWAL(file: after, text: b),
            commits: run?.writingTransactions)
          wal[workload, default: []].append(
            CalibrationData.WAL(
              run: label, clients: run?.clients, commits: activity.commits, records: activity.records,
              bytes: activity.bytes,
              syncs: activity.syncs, syncTime: activity.syncTime, syncsPerCommit: activity.syncsPerCommit,
              meanSyncTime: activity.meanSyncTime, timingOff: activity.timingOff))
        }
      } catch {
        errors.append(error)
      }
    }
    var out: [String: (statements: CalibrationData.Statements?, wal: [CalibrationData.WAL])] = [:]
    for workload in Set(statements.keys).union(wal.keys) {
      // The run with the fewest clients: its times are the closest to service times.
      let first = statements[workload]?.min { a, b in
        (a.run?.clients ?? .max, a.data.run) < (b.run?.clients ?? .max, b.data.run)
      }
      let runs = (wal[workload] ?? []).sorted { ($0.clients ?? .max, $0.run) < ($1.clients ?? .max, $1.run) }
      out[workload] = (first?.data, runs)
    }
    return (out, errors)
  }

  /// A snapshot's text, or an error naming that file: unreadable, or not UTF-8 at its line.
  static func snapshotText(_ file: String) throws(MeasurementError) -> String {
    guard let data = try companion(file) else { throw MeasurementError(file: file, missingFileReason(file)) }
    return try utf8Text(file: file, data)
  }

  /// A measurement file's bytes (a summary, `NAME.cpu.json`, a snapshot): nil when there is
  /// none; an error when something there cannot be read as one (a folder of that name, a link
  /// that loops), which would otherwise be taken for no file and leave the fit without it.
  static func companion(_ path: String) throws(MeasurementError) -> Data? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      let loop = missingFileReason(path, missing: "")
      if loop.isEmpty { return nil }
      throw MeasurementError(file: path, loop)
    }
    if isFolder.boolValue { throw MeasurementError(file: path, "is a folder, not a measurement file") }
    do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw MeasurementError(file: path, fileReason(error))
    }
  }
}
