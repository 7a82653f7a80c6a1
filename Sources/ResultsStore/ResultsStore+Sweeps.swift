import Foundation
import GRDB
import RunRecords

/// Sweeps: a row per sweep and one per point, naming the run that simulated the point.
///
/// The runs are ordinary runs (begun `running`, completed with their results, marked
/// interrupted when their process died), so everything that reads runs reads a sweep's
/// points too.
extension ResultsStore {
  /// Inserts the sweep and begins one run per point (status `running`), in one transaction,
  /// so that run ids follow the points' order.
  ///
  /// - Parameters:
  ///   - runs: one record per point, in point order.
  ///   - values: per point, one value per axis.
  /// - Returns: the sweep's id and the runs' ids, in point order.
  package func beginSweep(_ sweep: SweepRecord, runs: [RunRecord], values: [[String]]) throws -> (
    sweep: Int64, runs: [Int64]
  ) {
    precondition(runs.count == sweep.points && values.count == sweep.points, "one run and one set of values per point")
    return try Self.write(pool) { db in
      try db.execute(
        sql: """
          INSERT INTO sweep (
            capsim_version, scenario_name, scenario_path, scenario_hash, settings, axes, seed,
            replications, points, shards, started_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          sweep.capsimVersion, sweep.scenarioName, sweep.scenarioPath, sweep.scenarioHash,
          try Self.json(sweep.settings),
          try Self.json(sweep.axes), Int64(bitPattern: sweep.seed), sweep.replications, sweep.points, sweep.shards,
          sweep.startedAt,
        ])
      let sweepID = db.lastInsertedRowID
      var ids: [Int64] = []
      for (point, run) in runs.enumerated() {
        try db.execute(
          sql: """
            INSERT INTO run (
              capsim_version, kind, scenario_name, scenario_path, scenario_text, scenario_hash,
              topology_path, topology_text, topology_hash, settings, seed, replications, horizon,
              series_interval, time_zone, started_at, status, process_id, host_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
            """,
          arguments: try Self.insertArguments(run))
        let runID = db.lastInsertedRowID
        try db.execute(
          sql: "INSERT INTO sweep_point (sweep_id, point, run_id, point_values) VALUES (?, ?, ?, ?)",
          arguments: [sweepID, point, runID, try Self.json(values[point])])
        ids.append(runID)
      }
      return (sweepID, ids)
    }
  }

  /// Records how long the sweep took, once its runs have ended.
  /// Puts an imported run in the place of the sweep point it saved: a point whose store failed
  /// (a full disk) is saved as `<db>.run<id>.json`, and `capsim import` stores it as a new run.
  /// Nothing happens unless run `original` is a sweep's point, did not complete, and has the
  /// imported run's scenario, settings, seed and start (to the second).
  ///
  /// - Returns: the sweep and point, when the run took its place.
  package func adoptSweepPoint(of original: Int64, by imported: Int64) throws -> (sweep: Int64, point: Int)? {
    try Self.write(pool) { db in
      guard
        let row = try Row.fetchOne(
          db,
          sql: """
            SELECT p.sweep_id, p.point FROM sweep_point p
            JOIN run o ON o.id = p.run_id JOIN run n ON n.id = ?
            WHERE p.run_id = ? AND o.status != 'complete' AND n.status = 'complete'
              AND o.scenario_hash = n.scenario_hash AND o.settings = n.settings AND o.seed = n.seed
              AND abs(CAST(strftime('%s', o.started_at) AS INTEGER) - CAST(strftime('%s', n.started_at) AS INTEGER)) <= 1
            """,
          arguments: [imported, original])
      else { return nil }
      try db.execute(sql: "UPDATE sweep_point SET run_id = ? WHERE run_id = ?", arguments: [imported, original])
      return (try row.decode(forColumn: "sweep_id"), try row.decode(forColumn: "point"))
    }
  }

  package func endSweep(_ id: Int64, wallSeconds: Double) throws {
    try Self.write(pool) { db in
      try db.execute(sql: "UPDATE sweep SET wall_seconds = ? WHERE id = ?", arguments: [wallSeconds, id])
    }
  }

  /// Sweeps, newest first, with their runs counted by status.
  package func sweeps(limit: Int? = nil) throws -> [SweepSummary] {
    try pool.read { db in
      let rows = try Row.fetchAll(db, sql: "SELECT * FROM sweep ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1])
      return try rows.map { row in
        let sweep = try Self.sweepRecord(row)
        var counts: [RunStatus: Int] = [:]
        for r in try Row.fetchAll(
          db,
          sql: """
            SELECT run.status AS status, COUNT(*) AS n FROM sweep_point JOIN run ON run.id = sweep_point.run_id
            WHERE sweep_point.sweep_id = ? GROUP BY run.status
            """, arguments: [sweep.id])
        {
          counts[try Self.decodeStatus(r["status"])] = r["n"]
        }
        return SweepSummary(sweep: sweep, runs: counts)
      }
    }
  }

  /// A sweep and its points in order; nil if there is no such sweep.
  package func sweep(_ id: Int64) throws -> (SweepRecord, [SweepPoint])? {
    try pool.read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = ?", arguments: [id]) else { return nil }
      let points = try Row.fetchAll(
        db,
        sql: """
          SELECT sweep_point.point, sweep_point.point_values, sweep_point.run_id, run.status
          FROM sweep_point JOIN run ON run.id = sweep_point.run_id
          WHERE sweep_point.sweep_id = ? ORDER BY sweep_point.point
          """, arguments: [id]
      ).map { r in
        SweepPoint(
          point: try r.decode(forColumn: "point"),
          values: try Self.decodeJSON([String].self, r["point_values"], column: "point_values"),
          runID: try r.decode(forColumn: "run_id"), status: try Self.decodeStatus(r["status"]))
      }
      return (try Self.sweepRecord(row), points)
    }
  }

  /// The newest sweep's id, if any.
  /// The newest sweep whose every point completed (`latest`, as for runs and plans).
  package func latestCompleteSweepID() throws -> Int64? {
    try pool.read { db in
      try Int64.fetchOne(
        db,
        sql: """
          SELECT max(s.id) FROM sweep s
          WHERE NOT EXISTS (
            SELECT 1 FROM sweep_point p JOIN run r ON r.id = p.run_id WHERE p.sweep_id = s.id AND r.status != 'complete')
          """)
    }
  }

  /// For the runs that belong to a sweep: the sweep's id and the point.
  package func sweepMembership() throws -> [Int64: (sweep: Int64, point: Int)] {
    try pool.read { db in
      var out: [Int64: (sweep: Int64, point: Int)] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT run_id, sweep_id, point FROM sweep_point") {
        out[row["run_id"]] = (row["sweep_id"], row["point"])
      }
      return out
    }
  }

  private static func sweepRecord(_ row: Row) throws -> SweepRecord {
    SweepRecord(
      id: try row.decode(forColumn: "id"),
      capsimVersion: try row.decode(forColumn: "capsim_version"),
      scenarioName: try row.decode(forColumn: "scenario_name"),
      scenarioPath: try row.decode(forColumn: "scenario_path"),
      scenarioHash: try row.decode(forColumn: "scenario_hash"),
      settings: try decodeJSON([String].self, row["settings"], column: "settings"),
      axes: try decodeJSON([SweepRecord.Axis].self, row["axes"], column: "axes"),
      seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
      replications: try row.decode(forColumn: "replications"),
      points: try row.decode(forColumn: "points"),
      shards: try row.decode(forColumn: "shards"),
      startedAt: try row.decode(forColumn: "started_at"),
      wallSeconds: try row.decode(forColumn: "wall_seconds"))
  }

  private static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  private static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?, column: String) throws -> T {
    guard let text, let value = try? JSONDecoder().decode(type, from: Data(text.utf8)) else {
      throw ResultsStoreError.unreadableValue(table: "sweep", column: column, value: text ?? "NULL")
    }
    return value
  }
}
