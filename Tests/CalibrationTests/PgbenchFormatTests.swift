import Foundation
import Testing

import Calibration

/// pgbench's outputs as PostgreSQL 12 to 18 print them (`src/bin/pgbench/pgbench.c`:
/// `printResults`, `printProgressReport`, `doLog`), each read to its numbers or rejected at its
/// line: the shipped measurements are all from 15.
@Suite struct PgbenchFormatTests {
  static func report(_ text: String) throws(MeasurementError) -> PgbenchReport {
    try PgbenchReport(file: "run.txt", text: text)
  }

  /// The error reading `text` throws, to check where it is and what it says.
  static func error(_ text: String) -> MeasurementError? {
    #expect(throws: MeasurementError.self) { try report(text) }
  }

  // MARK: Summaries

  /// 12 and 13: two tps lines (the run's is the second), statement lines without failures.
  @Test func readsPostgreSQL12() throws {
    let r = try Self.report(
      #"""
      starting vacuum...end.
      transaction type: <builtin: TPC-B (sort of)>
      scaling factor: 10
      query mode: prepared
      number of clients: 4
      number of threads: 2
      duration: 30 s
      number of transactions actually processed: 45123
      latency average = 2.660 ms
      tps = 1503.940121 (including connections establishing)
      tps = 1504.331870 (excluding connections establishing)
      statement latencies in milliseconds:
               0.003  \set aid random(1, 100000 * :scale)
               0.120  BEGIN;
               0.412  UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
               1.010  END;
      """#)
    #expect(r.clients == 4 && r.transactions == 45_123 && r.duration == 30 && r.scale == 10)
    #expect(r.tps == 1504.331870 && abs(r.latencyMean - 2.660e-3) < 1e-15 && r.latencyStandardDeviation == nil)
    #expect(r.statements.map(\.text) == [
      #"\set aid random(1, 100000 * :scale)"#, "BEGIN;",
      "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;", "END;",
    ])
    #expect(abs(r.statements[2].latency - 0.412e-3) < 1e-15)
  }

  /// 14: the version line, one tps line without connecting, a partitioned table.
  @Test func readsPostgreSQL14() throws {
    let r = try Self.report(
      #"""
      pgbench (14.10 (Ubuntu 14.10-0ubuntu0.22.04.1))
      transaction type: <builtin: select only>
      scaling factor: 1
      partition method: range
      partitions: 4
      query mode: simple
      number of clients: 2
      number of threads: 1
      duration: 10 s
      number of transactions actually processed: 200321
      latency average = 0.100 ms
      latency stddev = 0.021 ms
      initial connection time = 3.110 ms
      tps = 20032.413212 (without initial connection time)
      statement latencies in milliseconds:
               0.001  \set aid random(1, 100000 * :scale)
               0.095  SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
      """#)
    #expect(r.transactions == 200_321 && r.tps == 20032.413212 && abs(r.latencyStandardDeviation! - 0.021e-3) < 1e-15)
    #expect(r.statements.map(\.text).last == "SELECT abalance FROM pgbench_accounts WHERE aid = :aid;")
  }

  /// 15 and later with --max-tries other than 1: retry lines, and a retries column after the
  /// failures one, which is not the statement's text.
  @Test func readsRetriesFromPostgreSQL16() throws {
    let r = try Self.report(
      #"""
      pgbench (16.2 (Debian 16.2-1.pgdg120+2), server 15.5)
      transaction type: <builtin: TPC-B (sort of)>
      scaling factor: 1
      query mode: simple
      number of clients: 8
      number of threads: 1
      maximum number of tries: 10
      duration: 5 s
      number of transactions actually processed: 4012
      number of failed transactions: 0 (0.000%)
      number of transactions retried: 31 (0.773%)
      total number of retries: 40
      latency average = 9.970 ms
      initial connection time = 10.004 ms
      tps = 802.400123 (without initial connection time)
      statement latencies in milliseconds, failures and retries:
               0.002           0           0  \set bid random(1, 1 * :scale)
               3.100           0          38  UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
               0.500           0           2  END;
      """#)
    #expect(r.transactions == 4_012 && r.failed == 0)
    #expect(r.statements.map(\.text) == [
      #"\set bid random(1, 1 * :scale)"#,
      "UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;", "END;",
    ])
    #expect(abs(r.statements[1].latency - 3.1e-3) < 1e-15)
    #expect(r.writingTransactions == 4_012)
  }

  /// Three scripts under --rate and --latency-limit on 13: a script's ` - N transactions`
  /// counts its skipped ones, which 15 leaves out, and newer releases print the completed ones apart.
  @Test(arguments: [
    ("13", " - 500 transactions (50.0% of total, tps = 48.000000)\n - number of transactions skipped: 20 (4.000%)"),
    ("15", " - 480 transactions (50.0% of total, tps = 48.000000)\n - number of failed transactions: 0 (0.000%)\n - number of transactions skipped: 20 (4.000%)"),
    ("newer", " - 500 transactions (50.0% of total)\n - number of transactions actually processed: 480 (tps = 48.000000)\n - number of failed transactions: 0 (0.000%)\n - number of transactions skipped: 20 (4.000%)"),
  ])
  func readsAScriptsCompletedTransactions(_ version: String, _ writer: String) throws {
    let failed = version == "13" ? "" : "number of failed transactions: 0 (0.000%)\n"
    let r = try Self.report(
      #"""
      transaction type: multiple scripts
      scaling factor: 1
      query mode: simple
      number of clients: 4
      number of threads: 1
      duration: 10 s
      number of transactions actually processed: 930
      \#(failed)number of transactions skipped: 70 (7.000 %)
      number of transactions above the 5.0 ms latency limit: 12/930 (1.290 %)
      latency average = 1.200 ms
      latency stddev = 0.800 ms
      rate limit schedule lag: avg 0.250 (max 4.100) ms
      tps = 93.000000 (excluding connections establishing)
      SQL script 1: <builtin: select only>
       - weight: 1 (targets 33.3% of total)
       - 450 transactions (33.3% of total, tps = 45.000000)
       - number of transactions skipped: 50 (10.000%)
       - latency average = 0.500 ms
       - latency stddev = 0.100 ms
       - statement latencies in milliseconds:
               0.400  SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
      SQL script 2: /tmp/w.sql
       - weight: 1 (targets 33.3% of total)
      \#(writer)
       - statement latencies in milliseconds:
               1.800  UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
      SQL script 3: /tmp/z.sql
       - weight: 0 (targets 0.0% of total)
       - 0 transactions (0.0% of total, tps = 0.000000)
       - statement latencies in milliseconds:
               0.000  DELETE FROM pgbench_history;
      """#)
    #expect(r.transactions == 930 && r.tps == 93 && abs(r.scheduleLag! - 0.25e-3) < 1e-15)
    #expect(r.scripts.map(\.weight) == [1, 1, 0] && r.scripts.map(\.statements.count) == [1, 1, 1])
    // Script 1 always prints the 13 form: its 450 is 400 completed on 13, 450 on 15
    let first = version == "13" ? 400 : 450
    #expect(r.scriptTransactions == [first, 480, 0], "\(version)")
    #expect(r.writingTransactions == 480, "\(version)")
  }

  struct Rejected: CustomTestStringConvertible, Sendable {
    var name: String
    var replace: String
    var with: String
    var line: Int
    var column: Int
    var message: String
    var testDescription: String { name }
  }

  /// A PostgreSQL 15 summary, by count (-t), on which each rejected variant is made.
  static let byCount = #"""
    pgbench (15.6)
    transaction type: <builtin: TPC-B (sort of)>
    scaling factor: 1
    query mode: simple
    number of clients: 2
    number of threads: 1
    maximum number of tries: 1
    number of transactions per client: 500
    number of transactions actually processed: 1000/1000
    number of failed transactions: 0 (0.000%)
    latency average = 4.000 ms
    initial connection time = 2.000 ms
    tps = 500.000000 (without initial connection time)
    statement latencies in milliseconds and failures:
             0.002           0  \set aid random(1, 100000 * :scale)
             3.900           0  END;
    """#

  static let rejected = [
    Rejected(
      name: "aborted, 13 and later", replace: "latency average = 4.000 ms",
      with: "latency average = 4.000 ms\npgbench: error: Run was aborted; the above results are incomplete.", line: 12,
      column: 1, message: "pgbench aborted the run"),
    Rejected(
      name: "aborted, 12", replace: "tps = 500.000000 (without initial connection time)",
      with: "tps = 500.000000 (without initial connection time)\nRun was aborted; the above results are incomplete.",
      line: 14, column: 1, message: "pgbench aborted the run"),
    Rejected(
      name: "clients stopped early", replace: "processed: 1000/1000", with: "processed: 990/1000", line: 9, column: 1,
      message: "990 of 1000 transactions processed and 0 skipped"),
    Rejected(
      name: "failed transactions", replace: "failed transactions: 0 (0.000%)", with: "failed transactions: 3 (0.299%)",
      line: 10, column: 32, message: "3 failed transactions"),
    Rejected(
      name: "latency including failures", replace: "latency average = 4.000 ms",
      with: "latency average = 4.000 ms (including failures)", line: 11, column: 19,
      message: "latency average includes failed transactions"),
    Rejected(
      name: "-C", replace: "initial connection time = 2.000 ms\ntps = 500.000000 (without initial connection time)",
      with: "average connection time = 1.100 ms\ntps = 500.000000 (including reconnection times)", line: 13, column: 7,
      message: "-C/--connect"),
    Rejected(
      name: "unknown statement columns", replace: "in milliseconds and failures:", with: "in milliseconds and errors:",
      line: 14, column: 36, message: "unknown columns ' and errors:'"),
    Rejected(
      name: "a statement without its failures", replace: "3.900           0  END;", with: "3.900  END;", line: 16,
      column: 17, message: "expected failures after the latency"),
    Rejected(
      name: "a statement without its retries", replace: "in milliseconds and failures:",
      with: "in milliseconds, failures and retries:", line: 15, column: 29,
      message: "expected failures and retries after the latency, found no whole number 2"),
    Rejected(
      name: "no transaction", replace: "processed: 1000/1000\n", with: "processed: 0/1000\n", line: 9, column: 1,
      message: "0 of 1000 transactions processed"),
  ]

  @Test(arguments: rejected)
  func rejectsAtTheLine(_ c: Rejected) throws {
    #expect(Self.byCount.contains(c.replace))
    let e = Self.error(Self.byCount.replacingOccurrences(of: c.replace, with: c.with))
    #expect(e?.line == c.line && e?.column == c.column, "\(String(describing: e))")
    #expect(e?.message.contains(c.message) == true, "\(String(describing: e))")
  }

  @Test func aRunByCountWithSkippedTransactionsIsComplete() throws {
    let r = try Self.report(
      Self.byCount.replacingOccurrences(of: "processed: 1000/1000", with: "processed: 990/1000")
        .replacingOccurrences(of: "latency average", with: "number of transactions skipped: 10 (1.000%)\nlatency average"))
    #expect(r.transactions == 990 && r.statements.count == 2)
  }

  /// pgbench stops before its summary: the error is pgbench's line, not a missing value.
  @Test func pgbenchsOwnErrorIsWhereItStopped() {
    let e = Self.error(
      """
      pgbench (17.2)
      pgbench: error: connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "x" does not exist
      """)
    #expect(e?.line == 2 && e?.message.contains("after pgbench's error: pgbench: error: connection") == true, "\(String(describing: e))")
    let none = Self.error(
      "transaction type: <builtin: select only>\nnumber of clients: 1\nduration: 1 s\nnumber of transactions actually processed: 0\n")
    #expect(none?.line == 0 && none?.message.contains("no transaction was processed") == true, "\(String(describing: none))")
  }

  // MARK: Progress

  @Test func readsProgressOfEveryVersion() throws {
    let p = try PgbenchProgress(
      file: "stderr.txt",
      text: """
        progress: 5.0 s, 1234.5 tps, lat 0.810 ms stddev 0.305
        progress: 10.0 s, 400.0 tps, lat 2.000 ms stddev 0.500, lag 0.120 ms, 3 skipped
        progress: 15.0 s, 401.0 tps, lat 2.100 ms stddev -nan, 1 failed, lag 0.130 ms, 0 skipped, 4 retried, 5 retries
        """)
    #expect(p.intervals.map(\.time) == [5, 10, 15] && !p.timestamps)
    #expect(p.intervals[0].failed == nil && p.intervals[0].scheduleLag == nil && abs(p.intervals[0].latencyStandardDeviation! - 0.305e-3) < 1e-15)
    #expect(p.intervals[1].skipped == 3 && abs(p.intervals[1].scheduleLag! - 0.12e-3) < 1e-15)
    #expect(p.intervals[2].failed == 1 && p.intervals[2].skipped == 0 && p.intervals[2].latencyStandardDeviation == nil)
    #expect(p.intervals[2].tps == 401 && abs(p.intervals[2].latencyMean - 2.1e-3) < 1e-15)
  }

  @Test func progressTimestampsAreUnixTimes() throws {
    let p = try PgbenchProgress(
      file: "stderr.txt",
      text: """
        progress: 1796464092.015 s, 1000.0 tps, lat 1.000 ms stddev 0.100, 0 failed
        progress: 1796464097.016 s, 1010.0 tps, lat 0.990 ms stddev 0.100, 0 failed
        """)
    #expect(p.timestamps && p.intervals.map(\.time) == [1796464092.015, 1796464097.016])
    let mixed = #expect(throws: MeasurementError.self) {
      try PgbenchProgress(
        file: "stderr.txt",
        text: "progress: 1796464092.015 s, 1000.0 tps, lat 1.000 ms stddev 0.100\nprogress: 10.0 s, 1.0 tps, lat 1.000 ms stddev 0.100\n")
    }
    #expect(mixed?.line == 2 && mixed?.message.contains("lines of two runs") == true, "\(String(describing: mixed))")
  }

  /// A summary's progress lines (pgbench's stderr, which the measurement script appends) are
  /// read with it: a line that is not pgbench's is an error at it, and so are failures in an
  /// interval, which the summary's count of 0 leaves out, and an interval after the run's end.
  @Test func aSummarysProgressLinesAreChecked() throws {
    let file = ShippedMeasurementTests.calibration.appendingPathComponent("postgres/tpcb/c4-r1.txt").path
    let text = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
    #expect(try PgbenchReport(file: file, text: text).transactions == 63_777)
    func refused(_ from: String, _ to: String) -> MeasurementError? {
      #expect(throws: MeasurementError.self) {
        try PgbenchReport(file: file, text: text.replacingOccurrences(of: from, with: to))
      }
    }
    let failed = refused("lat 1.323 ms stddev 0.530, 0 failed", "lat 1.323 ms stddev 0.530, 3 failed")
    #expect(failed?.file == file && failed?.line == 31, "\(String(describing: failed))")
    #expect(
      failed?.message.hasPrefix(
        "progress: 3 failed transactions in the interval to 10 s, which the summary's failed count leaves out") == true,
      "\(String(describing: failed))")
    let bad = refused("progress: 15.0 s, 3152.0 tps", "progress: 15.0 s, fast tps")
    #expect(bad?.line == 32 && bad?.message.hasPrefix("expected 'progress: <s> s") == true, "\(String(describing: bad))")
    let late = refused("progress: 20.0 s,", "progress: 40.0 s,")
    #expect(late?.line == 33 && late?.message == "progress: an interval to 40 s, after the run's 20 s: a line of another run", "\(String(describing: late))")
  }

  // MARK: --log

  @Test func readsLogLinesOfEveryVersion() throws {
    let log = try PgbenchLog(
      file: "pgbench_log.7",
      text: """
        0 1 1500 0 1796464092 15000
        0 2 skipped 0 1796464092 16000 4100
        1 1 2500 1 1796464092 17000 120
        1 2 failed 0 1796464092 18000 130 9
        2 1 serialization 0 1796464092 19000 0 9
        2 2 deadlock 1 1796464092 20000 0 2
        3 1 3500 0 1796464092 21000 140 1
        """)
    #expect(log.latencies == [1500e-6, 2500e-6, 3500e-6] && log.failed == 3 && log.skipped == 1)

    let extra = #expect(throws: MeasurementError.self) {
      try PgbenchLog(file: "l", text: "0 1 1500 0 1796464092 15000 1 2 3\n")
    }
    #expect(extra?.line == 1 && extra?.column == 33 && extra?.message.contains("9 fields") == true, "\(String(describing: extra))")
    let script = #expect(throws: MeasurementError.self) {
      try PgbenchLog(file: "l", text: "0 1 1500 0 1796464092 15000\n0 2 1500 x 1796464092 15000\n")
    }
    #expect(script?.line == 2 && script?.column == 10 && script?.message.contains("script_no") == true, "\(String(describing: script))")
    let lag = #expect(throws: MeasurementError.self) { try PgbenchLog(file: "l", text: "0 1 1500 0 1796464092 15000 0.5\n") }
    #expect(lag?.column == 29 && lag?.message.contains("schedule_lag") == true, "\(String(describing: lag))")
    let marker = #expect(throws: MeasurementError.self) { try PgbenchLog(file: "l", text: "0 1 other 0 1796464092 15000\n") }
    #expect(marker?.column == 5 && marker?.message.contains("'other'") == true, "\(String(describing: marker))")
  }

  /// Aggregated logs of 12-14 (with and without --rate) and 15-17 (failures, then lag and
  /// skipped, then retries) all start with the interval's Unix time.
  @Test(arguments: [
    "1796464092 2310 4042517 7981823477 1028 9821",
    "1796464092 2310 4042517 7981823477 1028 9821 6000 300000 0 900 0",
    "1796464092 2310 4042517 7981823477 1028 9821 0",
    "1796464092 2310 4042517 7981823477 1028 9821 0 0 6000 300000 0 900 0 3 4",
  ])
  func rejectsAggregatedLogs(_ line: String) {
    let e = #expect(throws: MeasurementError.self) { try PgbenchLog(file: "agg", text: line + "\n") }
    #expect(e?.line == 1 && e?.message.contains("--aggregate-interval") == true, "\(String(describing: e))")
  }
}
