import Foundation
import GRDB
import RunRecords

/// Records to statement arguments and rows back to records, one column at a time.
///
/// Written out rather than derived from `Codable` so that the column names and storage are the
/// schema's (snake_case, dates as UTC text, settings as JSON) and do not follow renames in
/// `RunRecords`. Three conversions are not the identity:
/// - `seed` is stored as the signed 64-bit integer with the same bits (SQLite has no unsigned
///   integers; seeds above 2^63 read as negative numbers in `sqlite3`).
/// - Dates are GRDB's "yyyy-MM-dd HH:mm:ss.SSS" in UTC: they keep milliseconds.
/// - SQLite stores NaN as NULL. A result column that is NULL reads back as NaN where the field
///   is not optional, and as nil where it is.
extension ResultsStore {
  static func insertArguments(_ run: RunRecord) throws -> StatementArguments {
    let settings = String(decoding: try JSONEncoder().encode(run.settings), as: UTF8.self)
    return [
      run.capsimVersion, run.kind, run.scenarioName, run.scenarioPath, run.scenarioText, run.scenarioHash,
      run.topologyPath, run.topologyText, run.topologyHash, settings, Int64(bitPattern: run.seed), run.replications,
      run.horizon, run.seriesInterval, run.timeZone, run.startedAt, run.processID, run.hostName,
    ]
  }

  static func runRecord(_ row: Row) throws -> RunRecord {
    let settingsText: String = try row.decode(forColumn: "settings")
    let settings: [String]
    do {
      settings = try JSONDecoder().decode([String].self, from: Data(settingsText.utf8))
    } catch {
      throw ResultsStoreError.unreadableValue(table: "run", column: "settings", value: settingsText)
    }
    return RunRecord(
      id: try row.decode(forColumn: "id"),
      capsimVersion: try row.decode(forColumn: "capsim_version"),
      kind: try row.decode(forColumn: "kind"),
      scenarioName: try row.decode(forColumn: "scenario_name"),
      scenarioPath: try row.decode(forColumn: "scenario_path"),
      scenarioText: try row.decode(forColumn: "scenario_text"),
      scenarioHash: try row.decode(forColumn: "scenario_hash"),
      topologyPath: try row.decode(forColumn: "topology_path"),
      topologyText: try row.decode(forColumn: "topology_text"),
      topologyHash: try row.decode(forColumn: "topology_hash"),
      settings: settings,
      seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
      replications: try row.decode(forColumn: "replications"),
      horizon: try row.decode(forColumn: "horizon"),
      seriesInterval: try row.decode(forColumn: "series_interval"),
      timeZone: try row.decode(forColumn: "time_zone"),
      startedAt: try row.decode(forColumn: "started_at"),
      endedAt: try row.decode(forColumn: "ended_at"),
      status: try decodeStatus(try row.decode(forColumn: "status")),
      processID: try row.decode(forColumn: "process_id"),
      hostName: try row.decode(forColumn: "host_name"),
      wallSeconds: try row.decode(forColumn: "wall_seconds"),
      requests: try row.decode(forColumn: "requests"),
      message: try row.decode(forColumn: "message"))
  }

  static func decodeStatus(_ raw: String) throws -> RunStatus {
    guard let status = RunStatus(rawValue: raw) else {
      throw ResultsStoreError.unreadableValue(table: "run", column: "status", value: raw)
    }
    return status
  }

  static func insertSeries(_ points: [SeriesPoint], runID: Int64, _ db: Database) throws {
    // A request-level run leaves `mode` out (NULL): its rows are the same on a store left
    // before the hybrid migration, which the migration tests write through.
    let hybrid = points.contains { $0.mode != nil }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO series_point (
          run_id, territory, tier, request_class, window_start, window_end, local_start, period,
          demand_multiplier, arrivals, completions, errors_queue_full, errors_timeout,
          errors_no_connection, errors_node_down, latency_p50, latency_p95, latency_p99,
          utilization, queue_length, instances, users, replica_lag\(hybrid ? ", mode" : ""))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?\(hybrid ? ", ?" : ""))
        """)
    for p in points {
      var arguments: StatementArguments = [
        runID, p.territory, p.tier, p.requestClass, p.windowStart, p.windowEnd, p.localStart, p.period,
        p.demandMultiplier, p.arrivals, p.completions, p.errorsQueueFull, p.errorsTimeout,
        p.errorsNoConnection, p.errorsNodeDown, p.latencyP50, p.latencyP95, p.latencyP99,
        p.utilization, p.queueLength, p.instances, p.users, p.replicaLag,
      ]
      if hybrid { arguments += [p.mode] }
      try statement.execute(arguments: arguments)
    }
  }

  static func seriesPoint(_ row: Row) throws -> SeriesPoint {
    var p = SeriesPoint(
      territory: try row.decode(forColumn: "territory"),
      tier: try row.decode(forColumn: "tier"),
      requestClass: try row.decode(forColumn: "request_class"),
      windowStart: try row.decode(forColumn: "window_start"),
      windowEnd: try row.decode(forColumn: "window_end"),
      localStart: try row.decode(forColumn: "local_start"),
      period: try row.decode(forColumn: "period"))
    p.demandMultiplier = try row.decode(forColumn: "demand_multiplier")
    p.arrivals = try row.decode(forColumn: "arrivals")
    p.completions = try row.decode(forColumn: "completions")
    p.errorsQueueFull = try row.decode(forColumn: "errors_queue_full")
    p.errorsTimeout = try row.decode(forColumn: "errors_timeout")
    p.errorsNoConnection = try row.decode(forColumn: "errors_no_connection")
    p.errorsNodeDown = try row.decode(forColumn: "errors_node_down")
    p.latencyP50 = try row.decode(forColumn: "latency_p50")
    p.latencyP95 = try row.decode(forColumn: "latency_p95")
    p.latencyP99 = try row.decode(forColumn: "latency_p99")
    p.utilization = try row.decode(forColumn: "utilization")
    p.queueLength = try row.decode(forColumn: "queue_length")
    p.instances = try row.decode(forColumn: "instances")
    p.users = try row.decode(forColumn: "users")
    p.replicaLag = try row.decode(forColumn: "replica_lag")
    p.mode = row.hasColumn("mode") ? try row.decode(forColumn: "mode") : nil
    return p
  }

  static func insertVerdicts(_ verdicts: [VerdictRecord], runID: Int64, _ db: Database) throws {
    guard !verdicts.isEmpty else { return }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO verdict (
          run_id, territory, period, request_class, objective, target, higher_is_better, mean,
          half_width, outcome, worst_window_local, worst_value, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for v in verdicts {
      try statement.execute(arguments: [
        runID, v.territory, v.period, v.requestClass, v.objective, v.target, v.higherIsBetter, v.mean,
        v.halfWidth, v.outcome, v.worstWindowLocal, v.worstValue, v.note,
      ])
    }
  }

  static func verdictRecord(_ row: Row) throws -> VerdictRecord {
    VerdictRecord(
      territory: try row.decode(forColumn: "territory"),
      period: try row.decode(forColumn: "period"),
      requestClass: try row.decode(forColumn: "request_class"),
      objective: try row.decode(forColumn: "objective"),
      target: try row.decode(forColumn: "target"),
      higherIsBetter: try row.decode(forColumn: "higher_is_better"),
      mean: try row.decode(Double?.self, forColumn: "mean") ?? .nan,
      halfWidth: try row.decode(forColumn: "half_width"),
      outcome: try row.decode(forColumn: "outcome"),
      worstWindowLocal: try row.decode(forColumn: "worst_window_local"),
      worstValue: try row.decode(forColumn: "worst_value"), note: try row.decode(forColumn: "note"))
  }

  static func insertCosts(_ costs: [CostRecord], runID: Int64, _ db: Database) throws {
    guard !costs.isEmpty else { return }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO cost (
          run_id, territory, month, currency, instance_hours, instance_cost, database_node_hours,
          database_cost, span_hours, month_hours)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for c in costs {
      try statement.execute(arguments: [
        runID, c.territory, c.month, c.currency, c.instanceHours, c.instanceCost, c.databaseNodeHours,
        c.databaseCost, c.spanHours, c.monthHours,
      ])
    }
  }

  static func costRecord(_ row: Row) throws -> CostRecord {
    CostRecord(
      territory: try row.decode(forColumn: "territory"),
      month: try row.decode(forColumn: "month"),
      currency: try row.decode(forColumn: "currency"),
      instanceHours: try row.decode(Double?.self, forColumn: "instance_hours") ?? .nan,
      instanceCost: try row.decode(Double?.self, forColumn: "instance_cost") ?? .nan,
      databaseNodeHours: try row.decode(Double?.self, forColumn: "database_node_hours") ?? .nan,
      databaseCost: try row.decode(Double?.self, forColumn: "database_cost") ?? .nan,
      spanHours: try row.decode(forColumn: "span_hours"), monthHours: try row.decode(forColumn: "month_hours"))
  }

  static func insertTargets(_ targets: [String: Double], runID: Int64, _ db: Database) throws {
    let statement = try db.cachedStatement(sql: "INSERT INTO target (run_id, name, value) VALUES (?, ?, ?)")
    // Sorted, so that the same run always writes the same rows in the same order.
    for (name, value) in targets.sorted(by: { $0.key < $1.key }) {
      try statement.execute(arguments: [runID, name, value])
    }
  }

  static func insertEvents(_ events: [EventRecord], runID: Int64, _ db: Database) throws {
    // Nothing to prepare without events (a store opened at an older schema has no table).
    guard !events.isEmpty else { return }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO event (
          run_id, territory, kind, subject, start_time, end_time, local_start, local_end, label)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for e in events {
      try statement.execute(arguments: [
        runID, e.territory, e.kind, e.subject, e.start, e.end, e.localStart, e.localEnd, e.label,
      ])
    }
  }

  static func eventRecord(_ row: Row) throws -> EventRecord {
    EventRecord(
      territory: try row.decode(forColumn: "territory"),
      kind: try row.decode(forColumn: "kind"),
      subject: try row.decode(forColumn: "subject"),
      start: try row.decode(forColumn: "start_time"),
      end: try row.decode(forColumn: "end_time"),
      localStart: try row.decode(forColumn: "local_start"),
      localEnd: try row.decode(forColumn: "local_end"),
      label: try row.decode(forColumn: "label"))
  }

  static func insertAutoscalerSyncs(_ syncs: [AutoscalerSyncRecord], runID: Int64, _ db: Database) throws {
    guard !syncs.isEmpty else { return }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO autoscaler_sync (
          run_id, replication, territory, autoscaler, time, local_time, metrics, recommendation, stabilized,
          current_replicas, desired_replicas, ready_pods, total_pods, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for s in syncs {
      try statement.execute(arguments: [
        runID, s.replication, s.territory, s.autoscaler, s.time, s.localTime, s.metrics, s.recommendation,
        s.stabilized, s.currentReplicas, s.desiredReplicas, s.readyPods, s.totalPods, s.reason,
      ])
    }
  }

  static func insertLocks(_ locks: [LockRecord], runID: Int64, _ db: Database) throws {
    guard !locks.isEmpty else { return }
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO row_lock (
          run_id, territory, lock_name, row_count, requests, waited_share, wait_mean, held_mean, busiest_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for l in locks {
      try statement.execute(arguments: [
        runID, l.territory, l.lock, l.rows, l.requests, l.waitedShare, l.waitMean, l.heldMean, l.busiestRow,
      ])
    }
  }

  static func lockRecord(_ row: Row) throws -> LockRecord {
    LockRecord(
      territory: try row.decode(forColumn: "territory"),
      lock: try row.decode(forColumn: "lock_name"),
      rows: try row.decode(forColumn: "row_count"),
      requests: try row.decode(forColumn: "requests"),
      waitedShare: try row.decode(forColumn: "waited_share"),
      waitMean: try row.decode(forColumn: "wait_mean"),
      heldMean: try row.decode(forColumn: "held_mean"),
      busiestRow: try row.decode(forColumn: "busiest_row"))
  }

  static func autoscalerSyncRecord(_ row: Row) throws -> AutoscalerSyncRecord {
    AutoscalerSyncRecord(
      replication: try row.decode(forColumn: "replication"),
      territory: try row.decode(forColumn: "territory"),
      autoscaler: try row.decode(forColumn: "autoscaler"),
      time: try row.decode(forColumn: "time"),
      localTime: try row.decode(forColumn: "local_time"),
      metrics: try row.decode(forColumn: "metrics"),
      recommendation: try row.decode(forColumn: "recommendation"),
      stabilized: try row.decode(forColumn: "stabilized"),
      currentReplicas: try row.decode(forColumn: "current_replicas"),
      desiredReplicas: try row.decode(forColumn: "desired_replicas"),
      readyPods: try row.decode(forColumn: "ready_pods"),
      totalPods: try row.decode(forColumn: "total_pods"),
      reason: try row.decode(forColumn: "reason"))
  }
}
