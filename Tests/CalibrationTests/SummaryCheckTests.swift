import Foundation
import Testing

import Calibration

/// Summaries that read as pgbench's but contradict themselves or the other summaries of their
/// workload: cut short, a line twice, a unit slipped, measured apart. Each is refused at its
/// file and, where one line shows it, at that line.
@Suite struct SummaryCheckTests {
  /// A PostgreSQL 15 TPC-B summary with the measurement script's lines, as the shipped ones are.
  static let tpcb = #"""
    pgbench (15.18 (Debian 15.18-0+deb12u1))
    transaction type: <builtin: TPC-B (sort of)>
    scaling factor: 10
    query mode: simple
    number of clients: 4
    number of threads: 1
    maximum number of tries: 1
    duration: 20 s
    number of transactions actually processed: 63777
    number of failed transactions: 0 (0.000%)
    latency average = 1.246 ms
    latency stddev = 0.445 ms
    initial connection time = 7.003 ms
    tps = 3188.732336 (without initial connection time)
    statement latencies in milliseconds and failures:
             0.000           0  \set aid random(1, 100000 * :scale)
             0.074           0  BEGIN;
             0.131           0  UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
             0.174           0  SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
             0.381           0  END;
    latency percentiles: p50 = 1.181 ms, p95 = 1.942 ms, p99 = 2.568 ms (from --log, 63777 transactions)
    cpu seconds: server = 23.65, client = 6.21, machine = 2 cores
    load average: 3.36

    """#

  static func report(_ text: String, file: String = "c4-r1.txt") throws(MeasurementError) -> PgbenchReport {
    try PgbenchReport(file: file, text: text)
  }

  static func error(_ text: String) -> MeasurementError? {
    #expect(throws: MeasurementError.self) { try report(text) }
  }

  /// The first `n` lines of `text`, each with its newline.
  static func head(_ text: String, lines n: Int) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).prefix(n).map { $0 + "\n" }.joined()
  }

  @Test func theWholeSummaryIsRead() throws {
    let r = try Self.report(Self.tpcb)
    #expect(r.statements.count == 5 && r.serverCPUSeconds == 23.65 && r.latencyP95 == 1.942e-3)
  }

  // MARK: Cut short

  /// Cut inside its statement list, after BEGIN and before END: refused at its last line.
  @Test func aSummaryCutInsideItsStatementListIsRefused() {
    let e = Self.error(Self.head(Self.tpcb, lines: 19))
    #expect(e?.line == 19 && e?.message.contains("ends inside its statement list, after a BEGIN without its END") == true, "\(String(describing: e))")
    // A statement's text cut (as a cut in the middle of its line leaves it): read alone it is
    // whole, but it differs from the workload's other summaries
    let cut = Self.tpcb.replacingOccurrences(of: "FROM pgbench_accounts WHERE aid = :aid;", with: "FROM pgbench_accounts WHERE aid = :a")
    let runs = [(Self.tpcb, "tpcb/c4-r1.txt"), (Self.tpcb, "tpcb/c4-r2.txt"), (cut, "tpcb/c4-r3.txt")]
    let errors = PgbenchReport.disagreements(runs.compactMap { try? Self.report($0.0, file: $0.1) })
    #expect(errors.map(\.file) == ["tpcb/c4-r3.txt"], "\(errors)")
    #expect(errors.last?.message.contains("statements: number 4 is 'SELECT abalance FROM pgbench_accounts WHERE aid = :a', where") == true, "\(errors)")
  }

  /// "multiple scripts" with one script left: the rest was cut off.
  @Test func multipleScriptsWithOneScriptIsRefused() {
    let one = Self.tpcb.replacingOccurrences(of: "<builtin: TPC-B (sort of)>", with: "multiple scripts")
      .replacingOccurrences(of: "statement latencies in", with: "SQL script 1: /tmp/a.sql\n - weight: 8\n - statement latencies in")
    let e = Self.error(one)
    #expect(e?.line == 25 && e?.message.contains("ends after 1 script of 'multiple scripts'") == true, "\(String(describing: e))")
  }

  /// Within a workload, one summary without the CPU line, or the percentiles, or with a shorter
  /// statement list than the others is named; agreeing summaries give no error.
  @Test func summariesOfAWorkloadMustCarryTheSameLines() throws {
    let runs = try (1...3).map { i throws(MeasurementError) in try Self.report(Self.tpcb, file: "tpcb/c4-r\(i).txt") }
    #expect(PgbenchReport.disagreements(runs).isEmpty)
    let noCPU = try Self.report(
      Self.tpcb.replacingOccurrences(of: "cpu seconds: server = 23.65, client = 6.21, machine = 2 cores\n", with: ""),
      file: "tpcb/c4-r2.txt")
    let errors = PgbenchReport.disagreements([runs[0], noCPU, runs[2]])
    #expect(errors.map(\.file) == ["tpcb/c4-r2.txt"])
    #expect(errors.first?.message.contains("no 'cpu seconds:' line") == true, "\(errors)")
    let noP = try Self.report(
      Self.tpcb.replacingOccurrences(of: "latency percentiles: p50 = 1.181 ms, p95 = 1.942 ms, p99 = 2.568 ms (from --log, 63777 transactions)\n", with: ""),
      file: "tpcb/c4-r3.txt")
    #expect(PgbenchReport.disagreements([runs[0], runs[1], noP]).map(\.file) == ["tpcb/c4-r3.txt"])
    let shorter = try Self.report(
      Self.tpcb.replacingOccurrences(of: "         0.174           0  SELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n", with: ""),
      file: "tpcb/c4-r1.txt")
    let s = PgbenchReport.disagreements([shorter, runs[1], runs[2]])
    #expect(s.map(\.file) == ["tpcb/c4-r1.txt"] && s.first?.message.contains("statements: 4") == true, "\(s)")
  }
}
