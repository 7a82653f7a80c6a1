import Foundation
import GRDB
import RunRecords

/// `capsim autoscale` derivations: begun when the search starts, completed with every row and
/// manifest in one transaction, or ended as failed or interrupted.
extension ResultsStore {
  package func beginAutoscale(_ r: AutoscaleRecord) throws -> Int64 {
    try Self.write(pool) { db in
      try db.execute(
        sql: """
          INSERT INTO autoscale (
            capsim_version, scenario_name, scenario_path, scenario_hash, settings, territories, seed, replications,
            max_replications, held_out, peak_share, max_reversals_per_hour, started_at, status, process_id, host_name)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
          """,
        arguments: [
          r.capsimVersion, r.scenarioName, r.scenarioPath, r.scenarioHash, try Self.autoscaleJSON(r.settings),
          try Self.autoscaleJSON(r.territories), Int64(bitPattern: r.seed), r.replications, r.maxReplications,
          r.heldOut, r.peakShare, r.maxReversalsPerHour, r.startedAt, r.processID, r.hostName,
        ])
      return db.lastInsertedRowID
    }
  }

  /// Stores the rows, pools and manifests and marks the derivation `complete`, all or nothing.
  package func completeAutoscale(_ id: Int64, data: AutoscaleData) throws {
    try requireStillAtPath()
    try Self.write(pool) { db in
      for (position, row) in data.rows.enumerated() {
        try db.execute(
          sql: """
            INSERT INTO autoscale_row (
              autoscale_id, position, territory, section, name, replications, pod_hours, cost, currency,
              cost_per_30_days, slo_violation_minutes, worst_p95, scaling_events, reversals_per_hour, peak_windows,
              peak_windows_met, holds, failed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            id, position, row.territory, row.section.rawValue, row.name, row.replications, row.podHours, row.cost,
            row.currency, row.costPer30Days, row.violationMinutes, row.worstP95, row.scalingEvents,
            row.reversalsPerHour, row.peakWindows, row.peakWindowsMet, row.holds, try Self.autoscaleJSON(row.failed),
          ])
      }
      for m in data.manifests {
        try db.execute(
          sql: "INSERT INTO autoscale_manifest (autoscale_id, territory, file, text) VALUES (?, ?, ?, ?)",
          arguments: [id, m.territory, m.file, m.text])
      }
      try db.execute(
        sql: """
          UPDATE autoscale SET status = 'complete', ended_at = ?, wall_seconds = ?, pools = ?
          WHERE id = ? AND status = 'running'
          """,
        arguments: [data.record.endedAt ?? Date(), data.record.wallSeconds, try Self.autoscaleJSON(data.pools), id])
      guard db.changesCount == 1 else { throw ResultsStoreError.autoscaleNotRunning(id) }
    }
  }

  package func endAutoscale(_ id: Int64, status: RunStatus, message: String?) throws {
    precondition(status == .failed || status == .interrupted, "endAutoscale takes failed or interrupted")
    try Self.write(pool) { db in
      try db.execute(
        sql: "UPDATE autoscale SET status = ?, message = ?, ended_at = ? WHERE id = ? AND status = 'running'",
        arguments: [status.rawValue, message, Date(), id])
    }
  }

  /// A derivation as recorded, or nil when there is none with this id.
  package func autoscaleData(_ id: Int64) throws -> AutoscaleData? {
    try pool.read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM autoscale WHERE id = ?", arguments: [id]) else {
        return nil
      }
      var record = AutoscaleRecord(
        capsimVersion: row["capsim_version"], scenarioName: row["scenario_name"], scenarioPath: row["scenario_path"],
        scenarioHash: row["scenario_hash"], settings: try Self.decode(row["settings"]),
        territories: try Self.decode(row["territories"]), seed: UInt64(bitPattern: row["seed"]),
        replications: row["replications"], maxReplications: row["max_replications"], heldOut: row["held_out"],
        peakShare: row["peak_share"], maxReversalsPerHour: row["max_reversals_per_hour"], startedAt: row["started_at"],
        processID: row["process_id"], hostName: row["host_name"])
      record.id = id
      record.endedAt = row["ended_at"]
      record.status = RunStatus(rawValue: row["status"]) ?? .failed
      record.wallSeconds = row["wall_seconds"]
      record.message = row["message"]
      let pools: [AutoscalePool] = try (row["pools"] as String?).map { try Self.decode($0) } ?? []
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM autoscale_row WHERE autoscale_id = ? ORDER BY position", arguments: [id]
      ).map { r in
        AutoscaleRow(
          territory: r["territory"], section: AutoscaleRow.Section(rawValue: r["section"]) ?? .strategy,
          name: r["name"],
          replications: r["replications"], podHours: r["pod_hours"], cost: r["cost"], currency: r["currency"],
          costPer30Days: r["cost_per_30_days"], violationMinutes: r["slo_violation_minutes"], worstP95: r["worst_p95"],
          scalingEvents: r["scaling_events"], reversalsPerHour: r["reversals_per_hour"], peakWindows: r["peak_windows"],
          peakWindowsMet: r["peak_windows_met"], holds: r["holds"], failed: try Self.decode(r["failed"]))
      }
      let manifests = try Row.fetchAll(
        db, sql: "SELECT * FROM autoscale_manifest WHERE autoscale_id = ? ORDER BY file", arguments: [id]
      ).map { AutoscaleManifest(territory: $0["territory"], file: $0["file"], text: $0["text"]) }
      return AutoscaleData(record: record, pools: pools, rows: rows, manifests: manifests)
    }
  }

  /// Derivation ids, newest first.
  package func autoscaleIDs(limit: Int? = nil) throws -> [Int64] {
    try pool.read { db in
      try Int64.fetchAll(db, sql: "SELECT id FROM autoscale ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1])
    }
  }

  package func latestCompleteAutoscaleID() throws -> Int64? {
    try pool.read { db in
      try Int64.fetchOne(
        db, sql: "SELECT id FROM autoscale WHERE status = 'complete' ORDER BY ended_at DESC, id DESC LIMIT 1")
    }
  }

  private static func autoscaleJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  private static func decode<T: Decodable>(_ text: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(text.utf8))
  }
}
