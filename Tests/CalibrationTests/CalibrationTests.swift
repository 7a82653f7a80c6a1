import Foundation
import QueueingTheory
import Testing

import Calibration

/// Reading pgbench's outputs (real summaries from `scripts/measure-postgres.sh` in Fixtures/),
/// located errors, and the fit recovering a model it was generated from.
@Suite struct CalibrationTests {
  static func fixture(_ name: String) throws -> (String, String) {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return (url.path, try String(contentsOf: url, encoding: .utf8))
  }

  @Test func readsASummaryWithPercentilesAndCPU() throws {
    let (file, text) = try Self.fixture("select-only-c4.txt")
    let r = try PgbenchReport(file: file, text: text)
    #expect(r.transactionType == "<builtin: select only>")
    #expect(r.clients == 4 && r.transactions == 68_216 && r.duration == 2)
    #expect(r.tps == 34_279.569244)
    #expect(abs(r.latencyMean - 0.095e-3) < 1e-15 && abs(r.latencyP95! - 0.151e-3) < 1e-15)
    #expect(r.serverCPUSeconds == 2.17 && r.clientCPUSeconds == 0.74 && r.cores == 2)
    #expect(
      r.statements.map(\.text) == [
        "\\set aid random(1, 100000 * :scale)", "SELECT abalance FROM pgbench_accounts WHERE aid = :aid;",
      ])
    #expect(r.targetRate == nil)
  }

  @Test func readsAnOpenLoopRunOfTwoScripts() throws {
    let (file, text) = try Self.fixture("crm-rate300.txt")
    let r = try PgbenchReport(file: file, text: text)
    #expect(r.transactionType == "multiple scripts" && r.clients == 8)
    #expect(r.targetRate == 300 && r.scheduleLag != nil)
    // Both scripts' statements, in order; the overall latency, not a script's
    #expect(r.statements.count == 10)
    #expect(abs(r.latencyMean - 0.565e-3) < 1e-15)
  }

  /// A run by count (-t) prints processed/expected, and PostgreSQL 13 two tps lines, with and
  /// without connecting: the second is the run's.
  @Test func readsARunByCountFromPostgreSQL13() throws {
    let r = try PgbenchReport(
      file: "c10.txt",
      text: """
        transaction type: <builtin: TPC-B (sort of)>
        scaling factor: 1
        query mode: simple
        number of clients: 10
        number of threads: 1
        number of transactions per client: 1000
        number of transactions actually processed: 10000/10000
        latency average = 5.312 ms
        tps = 1882.537251 (including connections establishing)
        tps = 1884.214011 (excluding connections establishing)
        statement latencies in milliseconds:
                 0.002  \\set aid random(1, 100000 * :scale)
                 5.300  END;
        """)
    #expect(r.clients == 10 && r.transactions == 10_000 && r.duration == nil)
    #expect(r.tps == 1884.214011 && abs(r.latencyMean - 5.312e-3) < 1e-15)
    #expect(r.statements.map(\.text) == ["\\set aid random(1, 100000 * :scale)", "END;"])
  }

  struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var replace: String
    var with: String
    var line: Int
    var message: String
    var testDescription: String { name }
  }

  static let badInputs = [
    BadInput(
      name: "latency not a number", replace: "latency average = 0.095 ms", with: "latency average = fast ms", line: 11,
      message: "latency average: expected '<number> ms'"),
    BadInput(
      name: "latency without unit", replace: "latency average = 0.095 ms", with: "latency average = 0.095", line: 11,
      message: "expected '<number> ms'"),
    BadInput(
      name: "clients", replace: "number of clients: 4", with: "number of clients: four", line: 5,
      message: "number of clients: expected a whole number"),
    BadInput(
      name: "no clients", replace: "number of clients: 4", with: "number of clients: 0", line: 5,
      message: "number of clients: 0; a run has 1 or more"),
    BadInput(
      name: "tps", replace: "tps = 34279.569244", with: "tps = lots", line: 14, message: "tps: expected a number"),
    BadInput(
      name: "percentile", replace: "p95 = 0.151 ms", with: "p97 = 0.151 ms", line: 18,
      message: "unknown percentile 'p97'"),
    BadInput(
      name: "cpu", replace: "client = 0.74", with: "client = x", line: 19,
      message: "cpu seconds: client: expected a number"),
    BadInput(
      name: "not a summary", replace: "tps = 34279.569244 (without initial connection time)\n", with: "", line: 0,
      message: "not a pgbench summary: no tps"),
  ]

  @Test(arguments: badInputs)
  func badInputIsALocatedError(_ c: BadInput) throws {
    let (file, text) = try Self.fixture("select-only-c4.txt")
    #expect(text.contains(c.replace))
    let error = #expect(throws: MeasurementError.self) {
      try PgbenchReport(file: file, text: text.replacingOccurrences(of: c.replace, with: c.with))
    }
    #expect(error?.line == c.line, "\(String(describing: error))")
    #expect(error?.message.contains(c.message) == true, "\(String(describing: error))")
    #expect(error?.description.hasPrefix(file) == true)
  }

  @Test func readsProgressAndLogLines() throws {
    let progress = try PgbenchProgress(
      file: "stderr.txt",
      text: """
        starting vacuum...end.
        progress: 5.0 s, 1234.5 tps, lat 0.810 ms stddev 0.305, 0 failed
        progress: 10.0 s, 1300.0 tps, lat 0.700 ms stddev 0.250, 0 failed, lag 0.020 ms
        """)
    #expect(progress.intervals.map(\.time) == [5, 10])
    #expect(progress.intervals[1].tps == 1300 && abs(progress.intervals[1].scheduleLag! - 2e-5) < 1e-18)
    #expect(throws: MeasurementError.self) { try PgbenchProgress(file: "e.txt", text: "progress: soon, 3 tps") }

    let log = try PgbenchLog(
      file: "pgbench_log.1",
      text: (1...100).map { "0 \($0) \($0 * 10) 0 1796464092 426606" }.joined(separator: "\n")
        + "\n1 1 failed 0 1796464092 1\n")
    #expect(log.latencies.count == 100 && log.failed == 1)
    #expect(log.quantile(0.95) == 950e-6 && log.quantile(0.5) == 500e-6)
    let bad = #expect(throws: MeasurementError.self) {
      try PgbenchLog(file: "l", text: "0 1 10 0 1 1\n0 2 ten 0 1 1\n")
    }
    #expect(bad?.line == 2 && bad?.column == 5)
    // An aggregated log (interval start, transactions, sums) has no latencies to rank.
    let aggregated = #expect(throws: MeasurementError.self) {
      try PgbenchLog(file: "agg", text: "1796464092 2310 4042517 7981823477 1028 9821 0 0 0 0 0 0 0\n")
    }
    #expect(aggregated?.line == 1 && aggregated?.message.contains("--aggregate-interval") == true)
  }

  /// A run's logs (one per pgbench thread) give its percentiles where the summary has none, and
  /// must hold the summary's completed transactions.
  @Test func aRunsLogsGiveItsPercentiles() throws {
    let (file, text) = try Self.fixture("select-only-c4.txt")
    var report = try PgbenchReport(
      file: file,
      text: text.split(separator: "\n").filter { !$0.hasPrefix("latency percentiles") }.joined(separator: "\n"))
    #expect(report.latencyP95 == nil && report.transactions == 68_216)
    // Two threads' logs: 68,216 transactions of 1 to 68,216 us.
    let half = 34_108
    let logs = try [(1...half), ((half + 1)...(2 * half))].map { range in
      try PgbenchLog(file: "t", text: range.map { "0 \($0) \($0) 0 1796464092 1" }.joined(separator: "\n"))
    }
    try report.take(logs, files: ["c4.log", "c4.log.1"])
    #expect(report.latencyP50 == 34_108e-6 && report.latencyP95 == 64_806e-6 && report.latencyP99 == 67_534e-6)
    var other = try PgbenchReport(file: file, text: text)
    let wrong = #expect(throws: MeasurementError.self) { try other.take(Array(logs.prefix(1)), files: ["c4.log"]) }
    #expect(wrong?.message.contains("34108 completed transactions, the summary 68216") == true)
  }

  // MARK: The fit

  /// A summary as pgbench and the measurement script write it, for a level of a known model.
  static func summary(clients: Int, tps: Double, latency: Double, cpu: Double?, seconds: Double = 60) -> String {
    let transactions = Int((tps * seconds).rounded())
    var text = """
      transaction type: <builtin: TPC-B (sort of)>
      number of clients: \(clients)
      duration: \(Int(seconds)) s
      number of transactions actually processed: \(transactions)
      latency average = \(latency * 1_000) ms
      tps = \(tps) (without initial connection time)
      latency percentiles: p50 = \(latency * 800) ms, p95 = \(latency * 2_500) ms, p99 = \(latency * 4_000) ms (from --log, \(transactions) transactions)

      """
    if let cpu { text += "cpu seconds: server = \(cpu * Double(transactions)), client = 0, machine = 2 cores\n" }
    return text
  }

  /// Levels of a thrashing 2-core machine: demand 0.5 ms growing 10% at 2 and 30% at 4
  /// clients, then constant; wait 0.2 ms; think 0.1 ms.
  static func truth(withCPU: Bool, wait: Double = 0.0002) throws -> [PgbenchReport] {
    // f(1) = 1, f(2) = 1.1, f(3) = 1.2 (linear), f(4...) = 1.3
    func factor(_ j: Int) -> Double { j >= 4 ? 1.3 : 1 + 0.1 * Double(j - 1) }
    return try [1, 2, 4, 8, 16, 32, 64].map { (n: Int) -> PgbenchReport in
      let rates: [Double] = (1...max(n, 4)).map { (j: Int) -> Double in Double(min(j, 2)) / factor(j) }
      var stations = [ClosedNetwork.Station(demand: 0.0005, kind: .loadDependent(rates: rates))]
      if wait > 0 { stations.append(.init(demand: wait, kind: .delay)) }
      let s = try ClosedNetwork(population: n, thinkTime: 0.0001, stations: stations).solution
      let f = factor(n)
      return try PgbenchReport(
        file: "c\(n).txt",
        text: summary(clients: n, tps: s.throughput, latency: s.responseTime, cpu: withCPU ? 0.0005 * f : nil))
    }
  }

  @Test func theFitRecoversTheModelItWasMeasuredOn() throws {
    // Given levels computed from a known model, CPU seconds included, fitted on 1, 2 and 4 clients
    let table = try FitTable(
      workload: "tpcb", levels: MeasuredLevel.levels(try Self.truth(withCPU: true)), fitted: [1, 2, 4], cores: 2)
    let fit = try #require(table.fit)
    // Then the parameters come back (the summaries print the numbers to about 1e-13)
    #expect(abs(fit.serverDemand - 0.0005) < 1e-12 && abs(fit.wait - 0.0002) < 1e-9)
    #expect(abs(fit.think - 0.0001) < 1e-9)
    #expect(zip(fit.factors, [1, 1.1, 1.3]).allSatisfy { abs($0 - $1) < 1e-9 })
    // and every held-out level is predicted exactly, since the truth stays constant beyond 4
    let errors = try #require(table.heldOutErrors)
    #expect(errors.throughput < 1e-6 && errors.latency < 1e-6, "\(errors)")
    #expect(table.rows.filter { !$0.isFitted }.map(\.level.clients) == [8, 16, 32, 64])
  }

  @Test func withoutCPUSecondsTheFactorsComeFromThroughput() throws {
    // Given the same machine with no non-CPU wait and no CPU seconds
    let table = try FitTable(
      workload: "tpcb", levels: MeasuredLevel.levels(try Self.truth(withCPU: false, wait: 0)), fitted: [1, 2, 4],
      cores: 2)
    let fit = try #require(table.fit)
    #expect(!fit.fromUtilization)
    // Then MVA, solved for the factor level by level, finds the same factors
    #expect(zip(fit.factors, [1, 1.1, 1.3]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(fit.factors)")
    #expect(try #require(table.heldOutErrors).throughput < 1e-5)
  }

  @Test func aFitNeedsThreeLevelsFromOneClient() throws {
    let levels = MeasuredLevel.levels(try Self.truth(withCPU: true))
    #expect(throws: CalibrationError.tooFewLevels([1, 2])) {
      try FitTable(workload: "w", levels: levels, fitted: [1, 2], cores: 2)
    }
    #expect(throws: CalibrationError.needsOneClient([2, 4, 8])) {
      try FitTable(workload: "w", levels: levels, fitted: [2, 4, 8], cores: 2)
    }
  }

  /// A summary without CPU seconds takes the machine's busy cores from a Prometheus export
  /// beside it, over the run's measured time; one with them, or an export of no busy core, is
  /// an error at the export.
  @Test func aSummaryTakesTheMachinesBusyCoresFromPrometheus() throws {
    let (file, text) = try Self.fixture("select-only-c4.txt")
    let plain = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("cpu seconds:") }
    var r = try PgbenchReport(file: file, text: plain.joined(separator: "\n"))
    #expect(r.serverCPUSeconds == nil && r.cores == nil)
    func export(_ values: [String]) throws -> PrometheusRange {
      let samples = values.enumerated().map { i, v in "[\(1_733_400_000 + 15 * i), \"\(v)\"]" }.joined(separator: ", ")
      return try PrometheusRange(
        file: "c4.cpu.json",
        data: Data(
          #"{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [\#(samples)]}]}}"#
            .utf8))
    }
    try r.take(cpu: try export(["1.4", "1.6"]), file: "c4.cpu.json")
    // 1.5 busy cores over 68,216 transactions at 34,279.569244 tps (1.99 s).
    #expect(abs(r.serverCPUSeconds! - 1.5 * 68_216 / 34_279.569244) < 1e-12 && r.clientCPUSeconds == nil)
    let twice = try export(["1.5", "1.5"])
    let again = #expect(throws: MeasurementError.self) { try r.take(cpu: twice, file: "c4.cpu.json") }
    #expect(again?.description.contains("already has its CPU seconds") == true, "\(String(describing: again))")
    var idle = try PgbenchReport(file: file, text: plain.joined(separator: "\n"))
    let none = try export(["0", "0"])
    let zero = #expect(throws: MeasurementError.self) { try idle.take(cpu: none, file: "c4.cpu.json") }
    #expect(zero?.description.contains("0 busy cores") == true, "\(String(describing: zero))")
  }

  /// Repeated runs of a level are averaged, and how far the farthest run lies from the mean is
  /// kept beside it; a level of one run, or of levels already averaged, has no spread.
  @Test func aLevelKeepsHowFarItsRunsDiffer() throws {
    func run(_ n: Int, _ x: Double, _ r: Double, runs: Int = 1) -> MeasuredLevel {
      MeasuredLevel(
        clients: n, throughput: x, meanLatency: r, p95: nil, serverDemand: nil, clientDemand: nil, cores: 2, runs: runs)
    }
    let levels = MeasuredLevel.average([
      run(8, 900, 0.010), run(8, 1_000, 0.008), run(8, 1_100, 0.009), run(16, 1_200, 0.013),
    ])
    #expect(levels.map(\.clients) == [8, 16])
    #expect(abs(levels[0].throughputSpread! - 0.1) < 1e-12)
    #expect(abs(levels[0].meanSpread! - 0.001 / 0.009) < 1e-12)
    #expect(levels[1].throughputSpread == nil && levels[1].meanSpread == nil)
    #expect(
      MeasuredLevel.average([run(8, 900, 0.01, runs: 2), run(8, 1_100, 0.01, runs: 3)])[0].throughputSpread == nil)
  }

  /// Clients that think (k6's sleep(1)) keep 4 cores mostly idle, so a level's throughput
  /// hardly depends on the load factor: exact data must fit factor 1, and a 1% error in the
  /// one-client run must not move the factor to the edge of its search (it went to 1e-6, and
  /// the held-out mean missed by 61%).
  @Test func aFactorTheThroughputDoesNotDetermineStaysNearThePrevious() throws {
    let (demand, wait, think) = (0.04325, 0.025, 1.0)
    func exact(_ n: Int) throws -> (x: Double, r: Double) {
      let cpu = ClosedNetwork.Station(
        demand: demand, kind: .loadDependent(rates: (1...max(n, 4)).map { Double(min($0, 4)) }))
      let s = try ClosedNetwork(population: n, thinkTime: think, stations: [cpu, .init(demand: wait, kind: .delay)])
        .solution
      return (s.throughput, s.stations.reduce(0) { $0 + $1.residenceTime })
    }
    func levels(scalingOne scale: Double) throws -> [MeasuredLevel] {
      try [1, 10, 25, 50, 100].map { n in
        let (x, r) = try exact(n)
        let x1 = n == 1 ? x * scale : x
        return MeasuredLevel(
          clients: n, throughput: x1, meanLatency: r, p95: nil, serverDemand: demand, clientDemand: nil, cores: 4,
          runs: 1)
      }
    }
    for scale in [1, 0.99, 1.005] {
      let table = try FitTable(workload: "k6", levels: try levels(scalingOne: scale), fitted: [1, 10, 25], cores: 4)
      let fit = try #require(table.fit)
      #expect(fit.factors.allSatisfy { $0 > 0.5 && $0 < 2 }, "\(scale): \(fit.factors)")
      #expect(fit.undetermined == [10, 25], "\(scale): \(fit.undetermined)")
      let errors = try #require(table.heldOutErrors)
      #expect(errors.throughput < 0.02 && errors.latency < 0.1, "\(scale): \(errors)")
    }
  }

  /// Two clients five times as fast as one (measured on the project's machine with two pgbench
  /// threads: a core each, never idle): no load factor gets there from the one-client run's
  /// wait, and the fit says so instead of predicting from a factor at the edge of its search.
  @Test func aLevelOutOfReachIsAnError() throws {
    let levels = [(1, 8_579.4, 0.115e-3), (2, 44_828.3, 0.043e-3), (4, 35_993.4, 0.0895e-3)].map { n, x, r in
      MeasuredLevel(
        clients: n, throughput: x, meanLatency: r, p95: nil, serverDemand: 6.6 / 85_790, clientDemand: 2.1 / 85_790,
        cores: 2, runs: 2)
    }
    #expect(throws: CalibrationError.levelOutOfReach(clients: 2, throughput: 44_828.3)) {
      try FitTable(workload: "select-only", levels: levels, fitted: [1, 2, 4], cores: 2)
    }
    let ablation = try FitTable.ablation(
      workload: "select-only", levels: levels, fitted: [1, 2, 4], cores: 2, lock: nil)
    #expect(ablation.map { $0.table == nil } == [false, true])
    // Beside the round-trip model it is left out, and the workload is fitted.
    let table = try FitTable(
      workload: "select-only", levels: levels, fitted: [1, 2, 4], cores: 2,
      shape: TransactionShape(roundTrips: 1, readOnly: true, locks: []))
    #expect(table.fit == nil && table.roundTrip != nil && table.rows.count == 3)
  }

  @Test func theYAMLNamesTheMeasurement() throws {
    let table = try FitTable(
      workload: "tpcb", levels: MeasuredLevel.levels(try Self.truth(withCPU: true)), fitted: [1, 2, 4], cores: 2)
    let yaml = table.yaml(source: "calibration/postgres")
    #expect(yaml.hasPrefix("# Calibrated by capsim calibrate from calibration/postgres"))
    #expect(yaml.contains("discipline: processor-sharing") && yaml.contains("{concurrency: 4, factor: 1.3}"))
  }
}

/// k6 summaries and Prometheus range exports, the platform's measurements.
@Suite struct LoadTestInputTests {
  @Test func readsBothK6SummaryLayouts() throws {
    // --summary-export: values inline
    let export = try K6Summary(
      file: "k6.json",
      data: Data(
        #"{"metrics": {"http_reqs": {"count": 1200, "rate": 40.0}, "http_req_duration": {"avg": 52.5, "med": 40.2, "p(95)": 140.5}, "vus_max": {"value": 20, "min": 20, "max": 20}}}"#
          .utf8))
    #expect(
      export.requestRate == 40 && export.durationMean == 0.0525 && export.durationP95 == 0.1405
        && export.virtualUsers == 20)
    // handleSummary data: values under "values"
    let summary = try K6Summary(
      file: "k6.json",
      data: Data(
        #"{"metrics": {"http_reqs": {"type": "counter", "values": {"count": 10, "rate": 2}}, "http_req_duration": {"values": {"avg": 10}}, "vus": {"values": {"value": 1}}}}"#
          .utf8))
    #expect(summary.virtualUsers == 1 && summary.durationP95 == nil)
    #expect(summary.level(cpuCores: 0.5).serverDemand == 0.25)
    let bad = #expect(throws: MeasurementError.self) {
      try K6Summary(
        file: "k6.json",
        data: Data(
          #"{"metrics": {"http_reqs": {"rate": "fast"}, "http_req_duration": {"avg": 1}, "vus": {"value": 1}}}"#.utf8))
    }
    #expect(bad?.message.contains("metrics.http_reqs.rate") == true)
    // An arrival-rate executor: a pool of 50 allocated, at most 4 running
    let pool = #expect(throws: MeasurementError.self) {
      try K6Summary(
        file: "k6.json",
        data: Data(
          #"{"metrics": {"http_reqs": {"count": 100, "rate": 40}, "http_req_duration": {"avg": 50}, "vus_max": {"value": 50}, "vus": {"value": 1, "min": 1, "max": 4}}}"#
            .utf8))
    }
    #expect(
      pool?.message.contains("metrics.vus.max: at most 4 virtual users ran at once, where metrics.vus_max says 50")
        == true,
      "\(String(describing: pool))")
  }

  /// A histogram whose `le` bounds are in milliseconds puts the median a thousand times above
  /// the mean from the sum and the rate: refused at the histogram.
  @Test func aHistogramInMillisecondsIsRefused() throws {
    func range(_ series: [(String?, Double)]) -> Data {
      let result = series.map { le, v in
        "{\"metric\": {\(le.map { "\"le\": \"\($0)\"" } ?? "")}, \"values\": [[1733400000, \"\(v)\"], [1733400015, \"\(v)\"]]}"
      }
      return Data(
        (#"{"status": "success", "data": {"resultType": "matrix", "result": ["# + result.joined(separator: ", ") + "]}}")
          .utf8)
    }
    let files: [String: Data] = [
      "w/c1.rate.json": range([(nil, 10)]),
      "w/c1.latency-sum.json": range([(nil, 0.3)]),  // 30 ms mean
      "w/c1.latency.json": range([("20", 5), ("100", 10), ("+Inf", 10)]),  // le in ms
    ]
    let e = #expect(throws: MeasurementError.self) { try ServerMetrics(beside: "w/c1.json") { files[$0] } }
    #expect(
      e?.file == "w/c1.latency.json" && e?.message.contains("more than 10 times the mean of 30 ms") == true,
      "\(String(describing: e))")
    // In seconds, the same counts are read
    var seconds = files
    seconds["w/c1.latency.json"] = range([("0.02", 5), ("0.1", 10), ("+Inf", 10)])
    let server = try #require(try ServerMetrics(beside: "w/c1.json") { seconds[$0] })
    #expect(abs(server.p50! - 0.02) < 1e-12 && abs(server.meanLatency! - 0.03) < 1e-12)
  }

  /// k6 --out json: the http_req_duration points give the p95 a summary without p(95) lacks;
  /// points of another test (a different mean) are refused.
  @Test func readsK6PerRequestOutput() throws {
    let lines =
      [#"{"type":"Metric","data":{"type":"trend","contains":"time"},"metric":"http_req_duration"}"#]
      + (1...100).map {
        #"{"type":"Point","data":{"time":"2026-12-05T14:34:45.625+01:00","value":\#($0),"tags":{"status":"200"}},"metric":"http_req_duration"}"#
      }
      + [#"{"type":"Point","data":{"time":"2026-12-05T14:34:46Z","value":3,"tags":null},"metric":"vus"}"#]
    let points = try K6Points(file: "r.json", data: Data(lines.joined(separator: "\n").utf8))
    #expect(points.durations.count == 100 && points.quantile(0.95) == 0.095 && points.quantile(0.5) == 0.05)
    var summary = try K6Summary(
      file: "k6.json",
      data: Data(
        #"{"metrics": {"http_reqs": {"values": {"count": 100, "rate": 2}}, "http_req_duration": {"values": {"avg": 50.5}}, "vus": {"values": {"value": 1}}}}"#
          .utf8))
    try summary.take(points, file: "r.json")
    #expect(summary.durationP95 == 0.095)
    var other = summary
    other.durationMean = 0.08
    let mismatch = #expect(throws: MeasurementError.self) { try other.take(points, file: "r.json") }
    #expect(mismatch?.message.contains("the output of another test") == true)
    let broken = #expect(throws: MeasurementError.self) {
      try K6Points(file: "r.json", data: Data((lines.prefix(3) + ["{not json"]).joined(separator: "\n").utf8))
    }
    #expect(broken?.line == 4)
    let noValue = #expect(throws: MeasurementError.self) {
      try K6Points(
        file: "r.json", data: Data(#"{"type":"Point","data":{"time":"t"},"metric":"http_req_duration"}"#.utf8))
    }
    #expect(noValue?.line == 1 && noValue?.message.contains("data.value") == true)
    // A line of no k6 type is an error at it (it was read past), and only what is missing is named
    let bogus = #expect(throws: MeasurementError.self) {
      try K6Points(
        file: "r.json",
        data: Data((lines.prefix(2) + [#"{"type":"Bogus","metric":"x","data":{}}"#]).joined(separator: "\n").utf8))
    }
    #expect(bogus?.line == 3 && bogus?.message.contains("type: 'Bogus'") == true, "\(String(describing: bogus))")
    let noMetric = #expect(throws: MeasurementError.self) {
      try K6Points(file: "r.json", data: Data(#"{"type":"Bogus"}"#.utf8))
    }
    #expect(noMetric?.message.hasPrefix("metric: missing") == true, "\(String(describing: noMetric))")
  }

  @Test func readsAPrometheusRangeQuery() throws {
    let range = try PrometheusRange(
      file: "cpu.json",
      data: Data(
        #"{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"pod": "app-1"}, "values": [[1733400000, "0.5"], [1733400015, "0.7"]]}, {"metric": {"pod": "app-2"}, "values": [[1733400000, "1"]]}]}}"#
          .utf8))
    // Summed step by step: 1.5 cores at the first, 0.7 at the second (app-2 gone)
    #expect(range.series.count == 2 && abs(range.meanTotal - 1.1) < 1e-15)
    let bad = #expect(throws: MeasurementError.self) {
      try PrometheusRange(
        file: "cpu.json",
        data: Data(
          #"{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "NaN"]]}]}}"#
            .utf8))
    }
    #expect(bad?.message.hasPrefix("data.result[0].values[0]") == true)
    #expect(throws: MeasurementError.self) {
      try PrometheusRange(file: "cpu.json", data: Data(#"{"status": "error", "error": "bad query"}"#.utf8))
    }
  }

  /// `promtool query range -o json` prints the series list alone, and `jq .data` leaves the
  /// response's data: both were refused ("not a JSON object", "status: expected \"success\"").
  @Test func promtoolsListAndTheDataAloneAreRead() throws {
    let list = #"[{"metric": {"pod": "app-1"}, "values": [[1733400000, "0.5"], [1733400015, "0.7"]]}]"#
    let data = #"{"resultType": "matrix", "result": \#(list)}"#
    let response = try PrometheusRange(file: "cpu.json", data: Data(#"{"status": "success", "data": \#(data)}"#.utf8))
    #expect(try PrometheusRange(file: "cpu.json", data: Data(list.utf8)) == response)
    #expect(try PrometheusRange(file: "cpu.json", data: Data(data.utf8)) == response)
    #expect(abs(response.meanTotal - 0.6) < 1e-15)
    // Errors in them name their own key paths
    let bad = #expect(throws: MeasurementError.self) {
      try PrometheusRange(file: "cpu.json", data: Data(#"[{"metric": {}, "values": [[1, "NaN"]]}]"#.utf8))
    }
    #expect(
      bad?.message.hasPrefix("[0].values[0]: expected [unix time, \"finite number\"]") == true,
      "\(String(describing: bad))")
    let vector = #expect(throws: MeasurementError.self) {
      try PrometheusRange(file: "cpu.json", data: Data(#"{"resultType": "vector", "result": []}"#.utf8))
    }
    #expect(vector?.message.hasPrefix(#"resultType: expected "matrix""#) == true, "\(String(describing: vector))")
    let empty = #expect(throws: MeasurementError.self) { try PrometheusRange(file: "cpu.json", data: Data("[]".utf8)) }
    #expect(empty?.message == "the series list: empty (the query matched no series)", "\(String(describing: empty))")
  }

  /// Two pods' series 7 s apart never meet when summed by time: each step would hold one pod's
  /// cores, half the total. One range query's series share their steps, so that is refused.
  @Test func seriesOffTheQuerysStepsAreRefused() throws {
    func series(_ pod: String, _ d: Int) -> String {
      let samples: [String] = (0..<20).map { i in "[\(1_733_400_000 + 15 * i + d), \"0.1\"]" }
      return #"{"metric": {"pod": "\#(pod)"}, "values": ["# + samples.joined(separator: ", ") + "]}"
    }
    func export(_ shift: Int) -> Data {
      let result: String = series("app-1", 0) + ", " + series("app-2", shift)
      return Data((#"{"status": "success", "data": {"resultType": "matrix", "result": ["# + result + "]}}").utf8)
    }
    #expect(abs(try PrometheusRange(file: "u1.cpu.json", data: export(0)).meanTotal - 0.2) < 1e-12)
    let error = #expect(throws: MeasurementError.self) { try PrometheusRange(file: "u1.cpu.json", data: export(7)) }
    #expect(error?.file == "u1.cpu.json", "\(String(describing: error))")
    #expect(
      error?.message.hasPrefix(
        #"data.result[1].values[0]: time 1733400007 of the series {pod="app-2"} is off the steps of data.result[0] (every 15 s from 1733400000)"#
      )
        == true, "\(String(describing: error))")
    // A pod there for part of the window, on the same steps, is read (it adds 0 where it is not)
    let (late, gone) = ("[1733400015, \"0.5\"]", "[1733400030, \"0.5\"]")
    let partial = try PrometheusRange(
      file: "cpu.json",
      data: Data(
        #"{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"pod": "a"}, "values": [[1733400000, "1"], \#(late), \#(gone)]}, {"metric": {"pod": "b"}, "values": [\#(late)]}]}}"#
          .utf8))
    #expect(abs(partial.meanTotal - 2.5 / 3) < 1e-12)
  }
}
