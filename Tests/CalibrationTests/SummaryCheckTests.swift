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

  // MARK: Lines that contradict the file

  /// `text` with `old` replaced (which must be there).
  static func with(_ old: String, _ new: String, in text: String = tpcb) -> String {
    #expect(text.contains(old), "\(old)")
    return text.replacingOccurrences(of: old, with: new)
  }

  static let cpu = "cpu seconds: server = 23.65, client = 6.21, machine = 2 cores"

  @Test(arguments: [
    ("a second cpu line", cpu, cpu + "\n" + cpu.replacingOccurrences(of: "23.65", with: "30.00"), 23, "a second 'cpu seconds' line (the first is line 22)"),
    ("a second tps line", "tps = 3188.732336 (without initial connection time)",
     "tps = 3188.732336 (without initial connection time)\ntps = 3000.0 (without initial connection time)", 15, "a second 'tps' line (the first is line 14)"),
    ("a second latency average", "latency stddev = 0.445 ms", "latency average = 1.200 ms", 12, "a second 'latency average' line (the first is line 11)"),
    ("a second number of clients", "number of threads: 1", "number of clients: 8", 6, "a second 'number of clients' line (the first is line 5)"),
    ("cpu second", "cpu seconds:", "cpu second:", 22, "did you mean 'cpu seconds:'?"),
    ("latency percentile", "latency percentiles:", "latency percentile:", 21, "did you mean 'latency percentiles:'?"),
    ("Target Rate", "load average: 3.36", "load average: 3.36\nTarget rate: 300/s", 24, "did you mean 'target rate:'?"),
    ("log of another run", "(from --log, 63777 transactions)", "(from --log, 63000 transactions)", 21,
     "from 63000 logged transactions, but line 9 says 63777 were processed"),
    ("processed against tps x duration", "duration: 20 s", "duration: 10 s", 9,
     "63777 transactions processed, but tps x duration is 31887"),
    ("latency 1000x", "latency average = 1.246 ms", "latency average = 1246.000 ms", 11,
     "latency average violates Little's law: tps x latency / clients = 3.19e+03 x 1246 ms / 4 = 993"),
    ("latency far below Little's law", "latency average = 1.246 ms", "latency average = 0.100 ms", 11,
     "latency average is too short for a closed loop: tps x latency / clients = 3.19e+03 x 0.1 ms / 4 = 0.0797"),
  ] as [(String, String, String, Int, String)])
  func aContradictingLineIsRefused(_ name: String, _ old: String, _ new: String, _ line: Int, _ message: String) {
    let e = Self.error(Self.with(old, new))
    #expect(e?.line == line && e?.message.contains(message) == true, "\(name): \(String(describing: e))")
  }

  /// Values no run can have, each at its line and column: a latency not above 0 (a deviation
  /// below 0), CPU seconds below 0 or more than the cores could give in the run, percentiles
  /// out of order, a duration in another unit than pgbench's seconds or not above 0.
  @Test(arguments: [
    ("negative latency", "latency average = 1.246 ms", "latency average = -1.246 ms", 11, 19, "latency average: -1.246 ms is not above 0"),
    ("zero latency", "latency average = 1.246 ms", "latency average = 0 ms", 11, 19, "latency average: 0 ms is not above 0"),
    ("negative stddev", "latency stddev = 0.445 ms", "latency stddev = -0.445 ms", 12, 18, "latency stddev: -0.445 ms is negative"),
    ("negative server cpu", "server = 23.65", "server = -23.65", 22, 23, "cpu seconds: server = -23.65: expected above 0"),
    ("zero server cpu", "server = 23.65", "server = 0", 22, 23, "cpu seconds: server = 0: expected above 0"),
    ("negative client cpu", "client = 6.21", "client = -6.21", 22, 39, "cpu seconds: client = -6.21: expected at least 0"),
    ("no cores", "machine = 2 cores", "machine = 0 cores", 22, 55, "cpu seconds: machine = 0 cores: expected at least 1"),
    ("more cpu than the cores give", "server = 23.65", "server = 2365", 22, 23,
     "server + client = 2371.21 s, more than 2 cores can give in 20 s (at most 46.20 s"),
    ("percentiles out of order", "p50 = 1.181 ms, p95 = 1.942 ms, p99 = 2.568 ms", "p50 = 2.568 ms, p95 = 1.942 ms, p99 = 1.181 ms", 21, 44,
     "latency percentiles: p95 = 1.942 ms is below p50 = 2.568 ms (p50 <= p95 <= p99)"),
    ("p99 below p95", "p99 = 2.568 ms", "p99 = 1.900 ms", 21, 60, "latency percentiles: p99 = 1.900 ms is below p95 = 1.942 ms"),
    ("negative percentile", "p50 = 1.181 ms", "p50 = -1.181 ms", 21, 28, "latency percentiles: p50 = -1.181 ms is negative"),
    ("duration in bananas", "duration: 20 s", "duration: 20 banana", 8, 11, "duration: expected '<number> s' above 0, found '20 banana'"),
    ("duration in hours", "duration: 20 s", "duration: 20 h", 8, 11, "found '20 h'"),
    ("negative duration", "duration: 20 s", "duration: -20 s", 8, 11, "found '-20 s'"),
    ("zero duration", "duration: 20 s", "duration: 0 s", 8, 11, "found '0 s'"),
  ] as [(String, String, String, Int, Int, String)])
  func aValueNoRunHasIsRefusedAtItsColumn(_ name: String, _ old: String, _ new: String, _ line: Int, _ column: Int, _ message: String) {
    let e = Self.error(Self.with(old, new))
    #expect(e?.line == line && e?.column == column && e?.message.contains(message) == true, "\(name): \(String(describing: e))")
  }

  /// The CPU seconds may exceed cores x duration by the measurement's window (1 s and 10%), not more.
  @Test func cpuSecondsMayExceedTheRunByTheMeasurementsWindow() throws {
    // 2 cores x (20 s + 1 s) x 1.1 = 46.2 s with the client's 6.21
    #expect(try Self.report(Self.with("server = 23.65", "server = 39.98")).serverCPUSeconds == 39.98)
    #expect(Self.error(Self.with("server = 23.65", "server = 40.00"))?.line == 22)
  }

  /// pgbench's own lines that capsim does not know (other versions print more) stay skipped,
  /// and a log that kept the skipped transactions may count them.
  @Test func unknownPgbenchLinesAndSkippedLogLinesAreRead() throws {
    let more = Self.with("number of failed transactions: 0 (0.000%)", "number of failed transactions: 0 (0.000%)\nnumber of other failures: 0\nlatency limit: 10 ms")
    #expect(try Self.report(more).transactions == 63_777)
    let skipped = Self.with("(from --log, 63777 transactions)", "(from --log, 63787 transactions)", in: Self.with("number of failed transactions: 0 (0.000%)", "number of failed transactions: 0 (0.000%)\nnumber of transactions skipped: 10 (0.016%)"))
    #expect(try Self.report(skipped).transactions == 63_777)
  }

  /// Under --rate the latency counts the schedule lag, and Little's law does not bound it.
  @Test func anOpenLoopRunIsNotHeldToLittlesLaw() throws {
    let rate = Self.with("latency average = 1.246 ms", "latency average = 228.827 ms\nrate limit schedule lag: avg 228.452 (max 668.256) ms") + "target rate: 3200/s\n"
    #expect(try Self.report(rate).targetRate == 3200)
  }

  /// k6's avg written 1000x too large (microseconds) breaks the same law.
  @Test func aK6AverageOutOfLittlesLawIsRefused() throws {
    func summary(_ avg: Double) -> Data {
      Data(#"{"metrics": {"http_reqs": {"count": 1000, "rate": 20}, "http_req_duration": {"avg": \#(avg), "p(95)": 90}, "vus_max": {"value": 1}}}"#.utf8)
    }
    #expect(try K6Summary(file: "u1.json", data: summary(45)).virtualUsers == 1)
    let e = #expect(throws: MeasurementError.self) { try K6Summary(file: "u1.json", data: summary(45_000)) }
    #expect(e?.message.contains("metrics.http_req_duration.avg violates Little's law: rate x avg / vus_max = 20/s x 45000 ms / 1 = 900") == true, "\(String(describing: e))")
  }

  // MARK: Measured apart

  @Test(arguments: [
    ("scaling factor: 10", "scaling factor: 50", "scaling factor: 50, where the workload's other 2 summaries say 10 (tpcb/c4-r1.txt)"),
    ("machine = 2 cores", "machine = 4 cores", "machine cores: 4, where the workload's other 2 summaries say 2"),
    ("<builtin: TPC-B (sort of)>", "<builtin: select only>", "transaction type: <builtin: select only>, where the workload's other 2 summaries say <builtin: TPC-B (sort of)>"),
  ] as [(String, String, String)])
  func summariesOfAWorkloadMustBeOfOneMeasurement(_ old: String, _ new: String, _ message: String) throws {
    let runs = try [Self.tpcb, Self.tpcb, Self.with(old, new)].enumerated().map { i, text throws(MeasurementError) in
      try Self.report(text, file: "tpcb/c4-r\(i + 1).txt")
    }
    let errors = PgbenchReport.disagreements(runs)
    #expect(errors.map(\.file) == ["tpcb/c4-r3.txt"] && errors.first?.message.contains(message) == true, "\(errors)")
  }

  /// A run under --rate (pgbench's schedule lag line) without the script's target rate line.
  @Test func aRateRunWithoutItsTargetRateIsNamed() throws {
    let lag = try Self.report(Self.with("latency average = 1.246 ms", "latency average = 1.246 ms\nrate limit schedule lag: avg 0.118 (max 3.125) ms"), file: "crm-rate/rate300-r1.txt")
    let errors = PgbenchReport.disagreements([lag])
    #expect(errors.map(\.file) == ["crm-rate/rate300-r1.txt"] && errors.first?.message.contains("without the 'target rate: R/s' line") == true, "\(errors)")
  }

  // MARK: Bytes and line ends

  /// Windows line ends read as Unix ones.
  @Test func crlfLineEndsAreRead() throws {
    let r = try Self.report(Self.tpcb.replacingOccurrences(of: "\n", with: "\r\n"))
    let lf = try Self.report(Self.tpcb)
    #expect(r == lf && r.statements.map(\.text) == lf.statements.map(\.text))
    #expect(r.cores == 2 && r.latencyP95 == 1.942e-3)
  }

  /// A byte that is not UTF-8 is an error at its line and column.
  @Test func aByteOfAnotherEncodingIsPlaced() throws {
    var data = Data(Self.tpcb.utf8)
    let at = data.firstRange(of: Data("load average".utf8))!.lowerBound + 4
    data[at] = 0xFF
    let e = #expect(throws: MeasurementError.self) { try utf8Text(file: "c4-r1.txt", data) }
    #expect(e?.line == 23 && e?.column == 5 && e?.message.contains("not UTF-8") == true, "\(String(describing: e))")
    #expect(try utf8Text(file: "c4-r1.txt", Data(Self.tpcb.utf8)) == Self.tpcb)
  }

  /// A name put into a YAML comment cannot end the comment.
  @Test func namesInYAMLCommentsStayOnTheirLine() {
    #expect(yamlComment("crm\nstations: {}\r\t\u{7}") == #"crm\nstations: {}\r\t\u{7}"#)
    #expect(yamlComment("crm-rate ü") == "crm-rate ü")
  }
}
