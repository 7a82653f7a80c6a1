import Foundation
import Testing

import Calibration

/// Reading `pg_stat_statements` and `pg_stat_wal` snapshots: real ones from
/// `scripts/measure-postgres.sh` (Fixtures/crm-c2-r1.*: the crm mix at 2 clients for 2 s on
/// PostgreSQL 15), and located errors.
@Suite struct PgStatTests {
  static func fixture(_ name: String) throws -> (String, String) { try CalibrationTests.fixture(name) }

  static func statements(_ when: String) throws -> PgStatStatements {
    let (file, text) = try fixture("crm-c2-r1.statements-\(when).csv")
    return try PgStatStatements(file: file, text: text)
  }

  @Test func readsTheStatementsOfARun() throws {
    let before = try Self.statements("before")
    let after = try Self.statements("after")
    // The snapshot's own query is quoted over two lines; the row after it is on line 26
    let select = try #require(after.entries["6915953526401694957"])
    #expect(select.query == "SELECT aid, bid, abalance, filler FROM pgbench_accounts WHERE aid = $1")
    #expect(select.calls == 6_097 && abs(select.time - 0.064958708) < 1e-12 && select.line == 26)
    let copy = try #require(after.entries["-3953376323020345423"])
    #expect(copy.query.contains("pg_stat_statements\n    WHERE dbid"))

    let activity = try StatementActivity(before: before, after: after)
    // By hand: SELECT 6097 - 2979 calls in 64.958708 - 23.110669 ms; UPDATE 1595 - 773 in
    // 35.564609 - 15.436663 ms; INSERT 5.249924 ms, BEGIN 0.324660, END 0.286174; the
    // snapshots' COPY statements left out
    #expect(activity.statements.map(\.calls) == [3_118, 822, 822, 822, 822])
    #expect(
      activity.statements.map { StatementActivity.name($0.query) } == [
        "select_pgbench_accounts", "update_pgbench_accounts", "insert_pgbench_history", "begin", "end",
      ])
    #expect(abs(activity.totalTime - 0.067836743) < 1e-12)
    let s = activity.statements[0]
    #expect(abs(s.meanTime - 0.041848039 / 3_118) < 1e-15)
    #expect(abs(s.share - 41.848039 / 67.836743) < 1e-12)
    #expect(abs(activity.statements[1].meanTime - 0.020127946 / 822) < 1e-15)
    #expect(abs(activity.statements.map(\.share).reduce(0, +) - 1) < 1e-12)

    // The topology fragment: statements with at least 1% of the time, writes marked
    let yaml = activity.queriesYAML(source: "crm/c2-r1")
    #expect(yaml.contains("# Measured statement times: crm/c2-r1"))
    #expect(yaml.contains("  select_pgbench_accounts: {time: {distribution: exponential, mean: 0.0134ms}}"), "\(yaml)")
    #expect(
      yaml.contains("  update_pgbench_accounts: {time: {distribution: exponential, mean: 0.0245ms}, write: true}"),
      "\(yaml)")
    #expect(
      yaml.contains("insert_pgbench_history: {time: {distribution: exponential, mean: 0.00639ms}, write: true}"),
      "\(yaml)")
    #expect(!yaml.contains("begin:") && !yaml.contains("end:"))
  }

  @Test func readsTheWALOfARunAndItsCommits() throws {
    let (b, bt) = try Self.fixture("crm-c2-r1.wal-before.csv")
    let (a, at) = try Self.fixture("crm-c2-r1.wal-after.csv")
    let (s, st) = try Self.fixture("crm-c2-r1.txt")
    let run = try PgbenchReport(file: s, text: st)
    // 3940 transactions, 822 of them by the update script: the ones that write
    #expect(run.transactions == 3_940 && run.scriptTransactions == [3_118, 822] && run.writingTransactions == 822)
    let wal = try WALActivity(
      before: try PgStatWAL(file: b, text: bt), after: try PgStatWAL(file: a, text: at),
      commits: run.writingTransactions)
    #expect(wal.records == 4_088 && wal.bytes == 286_894 && wal.syncs == 820)
    #expect(abs(wal.syncTime - 1.296539) < 1e-9)
    #expect(abs(try #require(wal.syncsPerCommit) - 820.0 / 822) < 1e-12)
    #expect(abs(try #require(wal.meanSyncTime) - 1.296539 / 820) < 1e-12)
    #expect(!wal.timingOff)

    // A read-only built-in script writes nothing; by weights where scripts are not counted
    let (f, t) = try Self.fixture("select-only-c4.txt")
    #expect(try PgbenchReport(file: f, text: t).writingTransactions == 0)
  }

  @Test func aMissingColumnIsAnErrorAtTheHeader() throws {
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    let old = text.replacingOccurrences(
      of: "queryid,query,calls,total_exec_time,rows", with: "queryid,query,calls,mean_exec_time,rows")
    let error = #expect(throws: MeasurementError.self) { try PgStatStatements(file: file, text: old) }
    #expect(
      error?.line == 1 && error?.message.contains("no column 'total_exec_time'") == true, "\(String(describing: error))"
    )

    let wal = "wal_records,wal_fpi,wal_bytes,wal_buffers_full,stats_reset\n1,2,3,4,2026-12-05\n"
    let e2 = #expect(throws: MeasurementError.self) { try PgStatWAL(file: "pg18.csv", text: wal) }
    #expect(e2?.description.hasPrefix("pg18.csv:1:1: error: no column 'wal_sync'") == true, "\(String(describing: e2))")
  }

  /// 12 calls the execution time `total_time`; 14 and later add `toplevel`, whose false rows
  /// are statements inside functions (track = all), already in their caller's time.
  @Test func readsTheColumnsOfEachVersion() throws {
    let pg12 = try PgStatStatements(
      file: "pg12.csv",
      text: """
        userid,dbid,queryid,query,calls,total_time,min_time,max_time,mean_time,stddev_time,rows
        10,16384,42,"UPDATE t
           SET x = $1",4,2.5,0.5,0.75,0.625,0.1,4

        """)
    #expect(pg12.entries["42"]?.calls == 4 && pg12.entries["42"]?.time == 0.0025 && pg12.entries["42"]?.rows == 4)
    #expect(pg12.entries["42"]?.query == "UPDATE t\n   SET x = $1")

    let pg17 = try PgStatStatements(
      file: "pg17.csv",
      text: """
        userid,dbid,toplevel,queryid,query,plans,total_plan_time,calls,total_exec_time,mean_exec_time,rows,wal_records,stats_since
        10,16384,t,7,SELECT f($1),0,0,10,8.0,0.8,10,0,2026-12-05 18:33:34+00
        10,16384,f,8,UPDATE t SET x = $1,0,0,10,6.0,0.6,10,10,2026-12-05 18:33:34+00
        20,16384,t,7,SELECT f($1),0,0,5,4.0,0.8,5,0,2026-12-05 18:33:34+00

        """)
    #expect(pg17.order == ["7"] && pg17.entries["7"]?.calls == 15 && abs(pg17.entries["7"]!.time - 0.012) < 1e-15)

    let both = #expect(throws: MeasurementError.self) {
      try PgStatStatements(file: "b.csv", text: "queryid,query,calls,total_exec_time,rows,toplevel\n1,q,1,1,1,yes\n")
    }
    #expect(
      both?.description == "b.csv:2:11: error: toplevel: expected t or f, found 'yes'", "\(String(describing: both))")

    // A role without pg_read_all_stats sees other roles' rows with no queryid and no text
    let hidden = #expect(throws: MeasurementError.self) {
      try PgStatStatements(
        file: "h.csv", text: "queryid,query,calls,total_exec_time,rows\n1,q,1,1,1\n,<insufficient privilege>,4,2.5,4\n")
    }
    #expect(
      hidden?.description
        == "h.csv:3:1: error: queryid: empty: another role's statement, hidden from the role that took the snapshot (take it as a superuser or a role granted pg_read_all_stats)",
      "\(String(describing: hidden))")

    // 18 moved the write and sync counts to pg_stat_io
    let pg18 = "wal_records,wal_fpi,wal_bytes,wal_buffers_full,stats_reset\n1,2,3,4,2026-12-05\n"
    let e = #expect(throws: MeasurementError.self) { try PgStatWAL(file: "pg18.csv", text: pg18) }
    #expect(e?.line == 1 && e?.message.contains("PostgreSQL 18 moved") == true, "\(String(describing: e))")
    let pg14 = try PgStatWAL(
      file: "pg14.csv",
      text:
        "wal_records,wal_fpi,wal_bytes,wal_buffers_full,wal_write,wal_sync,wal_write_time,wal_sync_time,stats_reset\n5,1,900,0,3,2,0,0,\n"
    )
    #expect(pg14.records == 5 && pg14.bytes == 900 && pg14.syncs == 2 && pg14.syncTime == 0 && pg14.statsReset == "")
  }

  @Test func aBadNumberIsAnErrorAtItsLineAndColumn() throws {
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    // The SELECT's calls, after the two-line quoted query: line 26, column 1 + length of
    // `6915953526401694957,"SELECT aid, bid, abalance, filler FROM pgbench_accounts WHERE aid = $1",`
    let bad = text.replacingOccurrences(of: "WHERE aid = $1\",6097,", with: "WHERE aid = $1\",many,")
    let error = #expect(throws: MeasurementError.self) { try PgStatStatements(file: file, text: bad) }
    let prefix = "6915953526401694957,\"SELECT aid, bid, abalance, filler FROM pgbench_accounts WHERE aid = $1\","
    #expect(error?.line == 26 && error?.column == prefix.count + 1, "\(String(describing: error))")
    #expect(error?.message == "calls: expected a number, found 'many'")

    let wal =
      "wal_records,wal_fpi,wal_bytes,wal_buffers_full,wal_write,wal_sync,wal_write_time,wal_sync_time,stats_reset\n1,2,3,4,5,x6,7,8,\n"
    let e2 = #expect(throws: MeasurementError.self) { try PgStatWAL(file: "w.csv", text: wal) }
    #expect(e2?.description == "w.csv:2:11: error: wal_sync: expected a number, found 'x6'")
  }

  @Test func quotedFieldsSpanLinesAndDoubleTheirQuotes() throws {
    let text = """
      queryid,query,calls,total_exec_time,rows,mean_exec_time
      1,"SELECT ""a, b""
        FROM t,
        u",4,2.0,4,0.5
      2,plain,x,1,1,1

      """
    let error = #expect(throws: MeasurementError.self) { try PgStatStatements(file: "q.csv", text: text) }
    #expect(error?.line == 5 && error?.column == 9, "\(String(describing: error))")
    let good = try PgStatStatements(file: "q.csv", text: text.replacingOccurrences(of: "plain,x,", with: "plain,3,"))
    #expect(good.entries["1"]?.query == "SELECT \"a, b\"\n  FROM t,\n  u" && good.entries["1"]?.calls == 4)
    #expect(good.entries["2"]?.line == 5 && good.entries["2"]?.callsColumn == 9)
    #expect(StatementActivity.oneLine(good.entries["1"]!.query, width: 60) == "SELECT \"a, b\" FROM t, u")

    #expect(throws: MeasurementError.self) {
      try PgStatStatements(file: "q.csv", text: "queryid,query,calls,total_exec_time,rows\n1,\"open,1,1,1\n")
    }
  }

  @Test func callsThatWentDownAreAResetBetweenTheSnapshots() throws {
    let before = try Self.statements("before")
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    let reset = text.replacingOccurrences(
      of: "WHERE aid = $2,1595,35.56460899999994,1595", with: "WHERE aid = $2,12,0.3,12")
    let after = try PgStatStatements(file: file, text: reset)
    let error = #expect(throws: MeasurementError.self) { try StatementActivity(before: before, after: after) }
    #expect(error?.file == file && error?.line == 11 && error?.column == 89, "\(String(describing: error))")
    #expect(error?.message.contains("reset between the snapshots") == true)

    let (b, bt) = try Self.fixture("crm-c2-r1.wal-before.csv")
    let (a, at) = try Self.fixture("crm-c2-r1.wal-after.csv")
    let walAfter = try PgStatWAL(file: a, text: at.replacingOccurrences(of: "38089,", with: "89,"))
    let e2 = #expect(throws: MeasurementError.self) {
      try WALActivity(before: try PgStatWAL(file: b, text: bt), after: walAfter)
    }
    #expect(e2?.line == 2 && e2?.message.contains("wal_records went down") == true, "\(String(describing: e2))")
  }

  /// The column that went down is the one named and placed, not calls.
  @Test(arguments: [
    (
      "total_exec_time", "1595,3.5,1595", 94,
      "total_exec_time of queryid 4982183232244349528: 3.5 ms here, 15.4367 ms in"
    ),
    ("rows", "1595,35.56460899999994,12", 112, "rows of queryid 4982183232244349528: 12 here, 773 in"),
  ])
  func theCounterThatWentDownIsNamed(_ name: String, _ values: String, _ column: Int, _ message: String) throws {
    let before = try Self.statements("before")
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    let after = try PgStatStatements(
      file: file,
      text: text.replacingOccurrences(
        of: "WHERE aid = $2,1595,35.56460899999994,1595", with: "WHERE aid = $2,\(values)"))
    let error = #expect(throws: MeasurementError.self) { try StatementActivity(before: before, after: after) }
    #expect(error?.line == 11 && error?.column == column, "\(name): \(String(describing: error))")
    #expect(
      error?.message.hasPrefix(message) == true && error?.message.contains("reset between the snapshots") == true,
      "\(String(describing: error))")
  }

  /// A counter below zero is no snapshot's: an error at its field.
  @Test func aNegativeCounterIsAnErrorAtItsField() throws {
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    let negative = text.replacingOccurrences(
      of: "WHERE aid = $2,1595,35.56460899999994,1595", with: "WHERE aid = $2,1595,-35.56460899999994,1595")
    let error = #expect(throws: MeasurementError.self) { try PgStatStatements(file: file, text: negative) }
    #expect(error?.line == 11 && error?.column == 94, "\(String(describing: error))")
    #expect(error?.message == "total_exec_time: -35.56460899999994 is negative: the view's counters grow from 0")

    let (a, at) = try Self.fixture("crm-c2-r1.wal-after.csv")
    let e2 = #expect(throws: MeasurementError.self) {
      try PgStatWAL(file: a, text: at.replacingOccurrences(of: ",1615,", with: ",-1615,"))
    }
    #expect(
      e2?.line == 2 && e2?.column == 30 && e2?.message.hasPrefix("wal_sync: -1615 is negative") == true,
      "\(String(describing: e2))")
  }

  /// An after-snapshot with only its header follows no snapshot: the earlier one's own query
  /// would be in it.
  @Test func anAfterSnapshotWithoutStatementsIsRefused() throws {
    let before = try Self.statements("before")
    let (file, text) = try Self.fixture("crm-c2-r1.statements-after.csv")
    let header = String(text.prefix { $0 != "\n" }) + "\n"
    let empty = try PgStatStatements(file: file, text: header)
    let error = #expect(throws: MeasurementError.self) { try StatementActivity(before: before, after: empty) }
    #expect(error?.file == file && error?.line == 0, "\(String(describing: error))")
    #expect(
      error?.message.hasPrefix("no statements, where \(before.file) has \(before.order.count):") == true,
      "\(String(describing: error))")

    let both = #expect(throws: MeasurementError.self) {
      try StatementActivity(before: try PgStatStatements(file: "b.csv", text: header), after: empty)
    }
    #expect(
      both?.file == file && both?.message.hasPrefix("no statements, nor in b.csv") == true,
      "\(String(describing: both))")
  }

  /// An after-snapshot equal to its before (`cp c2-r1.wal-before.csv c2-r1.wal-after.csv`) is no
  /// run's: writing commits leave WAL records, and the later snapshot calls its own query again.
  @Test func aSnapshotPairWithoutActivityIsRefused() throws {
    let (b, bt) = try Self.fixture("crm-c2-r1.wal-before.csv")
    let same = try PgStatWAL(file: "c2-r1.wal-after.csv", text: bt)
    let error = #expect(throws: MeasurementError.self) {
      try WALActivity(before: try PgStatWAL(file: b, text: bt), after: same, commits: 822)
    }
    #expect(
      error?.file == "c2-r1.wal-after.csv" && error?.line == 2 && error?.column == 1, "\(String(describing: error))")
    #expect(
      error?.message
        == "wal_records: no WAL records since \(b) for 822 writing commits, which write at least their commit records: the snapshots are not of this run"
    )
    // A read-only run writes no commit records: nothing to hold it to
    #expect(try WALActivity(before: try PgStatWAL(file: b, text: bt), after: same, commits: 0).records == 0)

    let before = try Self.statements("before")
    let (file, text) = try Self.fixture("crm-c2-r1.statements-before.csv")
    let copy = try PgStatStatements(file: "c2-r1.statements-after.csv", text: text)
    let e2 = #expect(throws: MeasurementError.self) { try StatementActivity(before: before, after: copy) }
    #expect(e2?.file == "c2-r1.statements-after.csv", "\(String(describing: e2))")
    #expect(e2?.message.hasPrefix("no calls since \(file)") == true, "\(String(describing: e2))")
  }

  /// Each writing commit syncs at most once, and the background a few times: more syncs than
  /// twice the commits and 100 are refused at the later snapshot's wal_sync.
  @Test func moreSyncsThanTheCommitsCanMakeAreRefused() throws {
    let (b, bt) = try Self.fixture("crm-c2-r1.wal-before.csv")
    let (a, at) = try Self.fixture("crm-c2-r1.wal-after.csv")
    let before = try PgStatWAL(file: b, text: bt)
    // 795 before: 795 + 2 x 822 + 100 = 2539 is the most 822 commits can come with
    func after(_ syncs: Int) throws -> PgStatWAL {
      try PgStatWAL(file: a, text: at.replacingOccurrences(of: ",1615,", with: ",\(syncs),"))
    }
    #expect(try WALActivity(before: before, after: after(2_539), commits: 822).syncs == 1_744)
    let error = #expect(throws: MeasurementError.self) {
      try WALActivity(before: before, after: try after(2_882_950_000), commits: 822)
    }
    #expect(error?.file == a && error?.line == 2 && error?.column == 30, "\(String(describing: error))")
    #expect(
      error?.message.hasPrefix("wal_sync: 2882949205 syncs since \(b) for 822 writing commits, 3507237.476 per commit")
        == true, "\(String(describing: error))")
    #expect(throws: MeasurementError.self) { try WALActivity(before: before, after: try after(2_540), commits: 822) }
    // Without the commits (no summary beside it) there is nothing to hold them to
    #expect(try WALActivity(before: before, after: after(2_882_950_000)).syncs == 2_882_949_205)
  }

  @Test func namesStatementsByVerbAndTable() {
    #expect(StatementActivity.name("SELECT abalance FROM pgbench_accounts WHERE aid = $1") == "select_pgbench_accounts")
    #expect(StatementActivity.name("update only public.t set x = 1") == "update_public_t")
    #expect(StatementActivity.name("DELETE FROM orders WHERE id = $1") == "delete_orders")
    #expect(StatementActivity.name("SELECT now()") == "select_now")
    #expect(StatementActivity.name("END") == "end")
    #expect(StatementActivity.isWrite("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"))
    #expect(!StatementActivity.isWrite("SELECT 1"))
  }
}
