import GRDB

extension ResultsStore {
  /// A run or sweep folded from shard parts: `capsim merge` notes their digest on the record.
  package enum MergedTable: String, Sendable {
    case run, sweep
  }

  /// The record merged from parts with `digest` that is complete or still being stored (by a
  /// live process: those of dead ones are marked interrupted on open), if any.
  package func mergedRecord(in table: MergedTable, digest: String) throws -> (id: Int64, complete: Bool)? {
    // A sweep's status is its points' runs'.
    let sql =
      switch table {
      case .run:
        "SELECT id, status = 'complete' AS done FROM run WHERE merged_from = ? AND status IN ('complete', 'running')"
      case .sweep:
        """
        SELECT s.id, NOT EXISTS (
            SELECT 1 FROM sweep_point p JOIN run r ON r.id = p.run_id WHERE p.sweep_id = s.id AND r.status != 'complete'
          ) AS done
        FROM sweep s WHERE s.merged_from = ? AND NOT EXISTS (
          SELECT 1 FROM sweep_point p JOIN run r ON r.id = p.run_id
          WHERE p.sweep_id = s.id AND r.status NOT IN ('complete', 'running'))
        """
      }
    return try pool.read { db in
      try Row.fetchOne(db, sql: sql + " ORDER BY 1 LIMIT 1", arguments: [digest]).map { row in
        (id: row[0], complete: row[1] as Bool)
      }
    }
  }

  /// Notes that record `id` is being folded from parts with `digest`.
  package func noteMerged(in table: MergedTable, id: Int64, digest: String) throws {
    try Self.write(pool) { db in
      try db.execute(sql: "UPDATE \(table.rawValue) SET merged_from = ? WHERE id = ?", arguments: [digest, id])
    }
  }
}
