import Foundation

/// A snapshot of PostgreSQL's `pg_stat_wal` view (one row), as CSV with a header:
///
///     psql -c "\copy (SELECT * FROM pg_stat_wal) TO 'FILE' CSV HEADER"
///
/// The columns are the documented ones (PostgreSQL 14-17, "The Cumulative Statistics System",
/// `pg_stat_wal`, https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-WAL-VIEW):
/// `wal_records`, `wal_fpi` (full page images), `wal_bytes`, `wal_buffers_full`, `wal_write`,
/// `wal_sync` (WAL flushes to disk by `issue_xlog_fsync`), `wal_write_time`, `wal_sync_time`
/// (milliseconds), `stats_reset`. `wal_sync` counts only with `fsync` on and `wal_sync_method`
/// `fdatasync`, `fsync` or `fsync_writethrough` (Linux's default is `fdatasync`), and the times
/// are zero unless `track_wal_io_timing` is on. PostgreSQL 18 moved the write and sync counts to
/// `pg_stat_io`: its `pg_stat_wal` has no `wal_sync`, which is a missing column here.
package struct PgStatWAL: Hashable, Sendable {
  package var file: String
  package var records: Double
  package var fullPageImages: Double
  package var bytes: Double
  package var syncs: Double
  /// Seconds (the view's milliseconds / 1000).
  package var syncTime: Double
  package var statsReset: String
  /// Where the row is, and its `wal_records` and `wal_sync`, for an error about them.
  package var line: Int
  package var recordsColumn: Int
  package var syncColumn: Int

  /// - Throws: ``MeasurementError`` at line 1 naming a required column that is missing, at a
  ///   value that is not a number or is negative, or at the file when it has not exactly one row.
  package init(file: String, text: String) throws(MeasurementError) {
    let table = try CSVTable(file: file, text: text)
    let what =
      "a pg_stat_wal snapshot (PostgreSQL 14-17) needs wal_records, wal_fpi, wal_bytes, wal_sync, wal_sync_time"
    let records = try table.column("wal_records", in: what)
    guard table.header.contains(where: { $0.text == "wal_sync" }) else {
      throw MeasurementError(
        file: file, line: 1, column: 1,
        "no column 'wal_sync' in the header: PostgreSQL 18 moved pg_stat_wal's write and sync counts to pg_stat_io, which capsim does not read; snapshot PostgreSQL 14-17 (found \(table.header.map(\.text).joined(separator: ", ")))")
    }
    let fpi = try table.column("wal_fpi", in: what)
    let bytes = try table.column("wal_bytes", in: what)
    let sync = try table.column("wal_sync", in: what)
    let syncTime = try table.column("wal_sync_time", in: what)
    guard table.rows.count == 1, let row = table.rows.first else {
      throw MeasurementError(file: file, "\(table.rows.count) rows: pg_stat_wal has exactly one")
    }
    self.file = file
    self.records = try table.counter(row, records)
    self.fullPageImages = try table.counter(row, fpi)
    self.bytes = try table.counter(row, bytes)
    self.syncs = try table.counter(row, sync)
    self.syncTime = try table.counter(row, syncTime) / 1_000
    self.statsReset = table.header.firstIndex { $0.text == "stats_reset" }.map { row[$0].text } ?? ""
    self.line = row[0].line
    self.recordsColumn = row[records].column
    self.syncColumn = row[sync].column
  }
}

/// The WAL written and flushed between two `pg_stat_wal` snapshots, per committed transaction
/// where the number of commits is known (the pgbench summary of the same run).
///
/// Fewer syncs than commits means group commit: one flush made several commits durable. The
/// view counts the whole cluster's WAL (checkpoints and autovacuum too), not only the run's.
package struct WALActivity: Hashable, Sendable {
  package var records: Double
  package var fullPageImages: Double
  package var bytes: Double
  package var syncs: Double
  /// Seconds; zero unless `track_wal_io_timing` was on.
  package var syncTime: Double
  /// Transactions committed in the interval, when known.
  package var commits: Int?

  /// - Throws: ``MeasurementError`` at the later snapshot's row when a counter went down (the
  ///   statistics were reset between the snapshots), and at its `wal_sync` when the syncs are
  ///   more than the commits can have made (`syncsLimit`), and at its `wal_records` when writing
  ///   commits left no WAL record (the same snapshot twice, or snapshots of another run).
  package init(before: PgStatWAL, after: PgStatWAL, commits: Int? = nil) throws(MeasurementError) {
    records = after.records - before.records
    fullPageImages = after.fullPageImages - before.fullPageImages
    bytes = after.bytes - before.bytes
    syncs = after.syncs - before.syncs
    syncTime = after.syncTime - before.syncTime
    self.commits = commits
    let down = [
      ("wal_records", records), ("wal_fpi", fullPageImages), ("wal_bytes", bytes), ("wal_sync", syncs),
      ("wal_sync_time", syncTime),
    ]
    .filter { $0.1 < 0 }.map(\.0)
    guard down.isEmpty, before.statsReset == after.statsReset else {
      throw MeasurementError(
        file: after.file, line: after.line, column: 1,
        (down.isEmpty ? "stats_reset changed" : "\(down.joined(separator: ", ")) went down")
          + " since \(before.file): the statistics were reset between the snapshots (pg_stat_reset_shared('wal'))")
    }
    // Every writing commit writes at least its commit record.
    if let commits, commits > 0, records == 0 {
      throw MeasurementError(
        file: after.file, line: after.line, column: after.recordsColumn,
        "wal_records: no WAL records since \(before.file) for \(commits) writing commits, which write at least their commit records: the snapshots are not of this run")
    }
    if let commits, syncs > Self.syncsLimit(commits: commits) {
      throw MeasurementError(
        file: after.file, line: after.line, column: after.syncColumn,
        "wal_sync: \(Int(syncs)) syncs since \(before.file) for \(commits) writing commits, \(String(format: "%.3f", syncs / Double(max(commits, 1)))) per commit: a commit syncs at most once, and the background a few times (at most \(Int(Self.syncsLimit(commits: commits))) here): the snapshots are not of this run")
    }
  }

  /// The most syncs `commits` writing commits can come with: each commit flushes at most once,
  /// and the WAL writer, checkpoints and autovacuum add a few (the shipped runs: at most 1.004
  /// per commit, and 12 in a run without writes). Twice the commits and 100 more leave room for
  /// a short run's background syncs; beyond that the counters are not the run's.
  package static func syncsLimit(commits: Int) -> Double { 2 * Double(commits) + 100 }

  /// Below 1: commits were grouped, one flush for several. Nil without commits.
  package var syncsPerCommit: Double? {
    guard let commits, commits > 0 else { return nil }
    return syncs / Double(commits)
  }

  /// Seconds per sync; nil without syncs or when `track_wal_io_timing` was off (all zero).
  package var meanSyncTime: Double? { syncs > 0 && syncTime > 0 ? syncTime / syncs : nil }

  /// Syncs counted but no time: `track_wal_io_timing` was off.
  package var timingOff: Bool { syncs > 0 && syncTime == 0 }
}
