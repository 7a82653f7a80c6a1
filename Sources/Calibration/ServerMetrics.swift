import Foundation

/// What the app's own metrics say of a k6 level: Prometheus range exports beside its summary
/// `LEVEL.json` (each a `/api/v1/query_range` response, read by ``PrometheusRange``):
///
/// | file | query | read |
/// |---|---|---|
/// | `LEVEL.rate.json` | `sum(rate(http_server_requests_seconds_count{pod=~"crm-de-.*"}[1m]))` | requests/s, the time-average of the series summed step by step |
/// | `LEVEL.latency.json` | `sum by (le) (rate(http_server_requests_seconds_bucket{pod=~"crm-de-.*"}[1m]))` | p50, p95, p99 (``LatencyHistogram``) |
/// | `LEVEL.latency-sum.json` | `sum(rate(http_server_requests_seconds_sum{pod=~"crm-de-.*"}[1m]))` | with the rate, the mean: seconds per second / requests per second |
///
/// The server's latency leaves out the network and the client that k6's includes.
package struct ServerMetrics: Hashable, Sendable {
  /// Requests per second the pods served.
  package var requestRate: Double?
  /// Seconds.
  package var meanLatency: Double?
  package var p50: Double?
  package var p95: Double?
  package var p99: Double?
  /// Each export read and the window its samples cover (unix seconds), to check that they are
  /// of one test.
  package var windows: [Window] = []

  package struct Window: Hashable, Sendable {
    package var file: String
    package var range: ClosedRange<Double>
  }

  package init(
    requestRate: Double? = nil, meanLatency: Double? = nil, p50: Double? = nil, p95: Double? = nil, p99: Double? = nil
  ) {
    self.requestRate = requestRate
    self.meanLatency = meanLatency
    self.p50 = p50
    self.p95 = p95
    self.p99 = p99
  }

  /// The exports read beside a k6 summary, by the suffix that replaces its `.json`.
  package static let suffixes = (rate: ".rate.json", latency: ".latency.json", latencySum: ".latency-sum.json")

  /// Reads the exports beside the k6 summary `summaryFile`, nil when there are none.
  ///
  /// - Parameter contents: a file's bytes, nil when it does not exist; it throws for one that
  ///   is there and cannot be read (a folder).
  /// - Throws: ``MeasurementError`` at the export: one that is not a range query, a rate of 0,
  ///   a histogram without a quantile (``LatencyHistogram``), a sum without the rate beside it.
  /// - Parameter clientRate: the load generator's request rate (k6's), when known: a server
  ///   rate more than twice or under half of it is an error at the rate export.
  package init?(
    beside summaryFile: String, clientRate: Double? = nil, contents: (String) throws(MeasurementError) -> Data?
  ) throws(MeasurementError) {
    let stem = summaryFile.hasSuffix(".json") ? String(summaryFile.dropLast(".json".count)) : summaryFile
    let rateFile = stem + Self.suffixes.rate
    let latencyFile = stem + Self.suffixes.latency
    let sumFile = stem + Self.suffixes.latencySum
    let (rate, latency, sum) = (try contents(rateFile), try contents(latencyFile), try contents(sumFile))
    guard rate != nil || latency != nil || sum != nil else { return nil }
    self.init()
    func window(_ file: String, _ range: PrometheusRange) -> PrometheusRange {
      if let w = range.window { windows.append(Window(file: file, range: w)) }
      return range
    }
    if let rate {
      let total = window(rateFile, try PrometheusRange(file: rateFile, data: rate)).meanTotal
      guard total > 0 else {
        throw MeasurementError(
          file: rateFile,
          "data.result: a request rate of 0 over the export (no requests reached the pods, or another window)")
      }
      requestRate = total
      if let clientRate, clientRate > 0, total > 2 * clientRate || total < clientRate / 2 {
        throw MeasurementError(
          file: rateFile,
          "data.result: a request rate of \(String(format: "%.4g", total))/s, \(String(format: "%.3g", total / clientRate)) times k6's \(String(format: "%.4g", clientRate))/s in \(summaryFile): a counter exported without rate() (values that only grow), another unit, or other pods' requests"
        )
      }
    }
    if let latency {
      let histogram = try LatencyHistogram(
        file: latencyFile, range: window(latencyFile, try PrometheusRange(file: latencyFile, data: latency)))
      (p50, p95, p99) = (histogram.quantile(0.5), histogram.quantile(0.95), histogram.quantile(0.99))
    }
    if let sum {
      let seconds = window(sumFile, try PrometheusRange(file: sumFile, data: sum)).meanTotal
      guard let requestRate else {
        throw MeasurementError(
          file: sumFile,
          "the mean latency is this rate over the request rate: export the _count rate as \(rateFile) beside it")
      }
      meanLatency = seconds / requestRate
    }
    // At least half the requests take the median or more, so the mean is at least half the
    // median; a histogram's interpolated p50 can overshoot by a bucket. Ten times the mean is
    // no bucket's doing: `le` bounds in milliseconds where Prometheus uses seconds.
    if let p50, let meanLatency, p50 > 10 * meanLatency {
      throw MeasurementError(
        file: latencyFile,
        "data.result: a median of \(String(format: "%.4g", p50 * 1_000)) ms from the histogram, more than 10 times the mean of \(String(format: "%.4g", meanLatency * 1_000)) ms from \(sumFile) (the median is at most twice the mean): are its le bounds in milliseconds? Prometheus histograms count seconds"
      )
    }
  }
}

extension K6Summary {
  /// The k6 summary `file` as a load level, with what lies beside it: the busy cores of a
  /// Prometheus export `LEVEL.cpu.json`, the per-request output `LEVEL.requests.json` (its p95
  /// where the summary has none) and the server's exports (``ServerMetrics``); and the warnings
  /// to print: the server's rate is not k6's, or a request uses more CPU than its latency.
  ///
  /// - Parameters:
  ///   - cores: the cores the model gives the app; more busy cores than that is an error at the
  ///     export (millicores, or another app's pods).
  ///   - contents: a file's bytes, nil when it does not exist.
  package static func level(
    file: String, data: Data, cores: Int, contents: (String) throws(MeasurementError) -> Data?
  ) throws(MeasurementError) -> (level: MeasuredLevel, warnings: [String]) {
    var summary = try K6Summary(file: file, data: data)
    let stem = String(file.dropLast(".json".count))
    var busy: Double? = nil
    var windows: [ServerMetrics.Window] = []
    if let cpu = try contents(stem + ".cpu.json") {
      let cpuFile = stem + ".cpu.json"
      let range = try PrometheusRange(file: cpuFile, data: cpu)
      if let w = range.window { windows.append(ServerMetrics.Window(file: cpuFile, range: w)) }
      let mean = try range.busyCores(file: cpuFile, of: "the app")
      // rate() over a window edge can read a little above the cores; 2% is room for that.
      guard mean <= Double(cores) * 1.02 else {
        throw MeasurementError(
          file: cpuFile,
          "data.result: \(String(format: "%.4g", mean)) busy cores on average, above the \(cores) the model has (--cores, else this machine's): give --cores the app's cores in all, or the export is in millicores or counts other pods"
        )
      }
      busy = mean
    }
    var requestsWindow: ServerMetrics.Window? = nil
    if let requests = try contents(stem + ".requests.json") {
      let points = try K6Points(file: stem + ".requests.json", data: requests)
      try summary.take(points, file: stem + ".requests.json")
      requestsWindow = points.window.map { ServerMetrics.Window(file: stem + ".requests.json", range: $0) }
    }
    let server = try ServerMetrics(beside: file, clientRate: summary.requestRate, contents: contents)
    // The exports of one level are of one test: one from another window (an hour later, the
    // day before) would be averaged as if it were. The test's own times, where the per-request
    // output gives them, are the reference; else the window most exports agree with.
    windows += server?.windows ?? []
    func time(_ t: Double) -> String { Date(timeIntervalSince1970: t).formatted(.iso8601) }
    func agreeing(_ w: ServerMetrics.Window) -> Int {
      windows.filter { PrometheusRange.sameTest(w.range, $0.range) }.count
    }
    if let reference = requestsWindow ?? windows.max(by: { agreeing($0) < agreeing($1) }),
      let other = windows.first(where: { !PrometheusRange.sameTest(reference.range, $0.range) })
    {
      throw MeasurementError(
        file: other.file,
        "data.result: samples from \(time(other.range.lowerBound)) to \(time(other.range.upperBound)), where \(reference.file) has \(time(reference.range.lowerBound)) to \(time(reference.range.upperBound)): the exports of a level must cover its test's window"
      )
    }
    // An export much longer than the test averages idle minutes in: fewer busy cores, a lower
    // rate. A query's step and a rate's lookback add a few minutes at most.
    if let test = summary.testSeconds ?? requestsWindow.map({ $0.range.upperBound - $0.range.lowerBound }), test > 0,
      let long = windows.first(where: { $0.range.upperBound - $0.range.lowerBound > 1.5 * test + 180 })
    {
      throw MeasurementError(
        file: long.file,
        "data.result: samples over \(Int((long.range.upperBound - long.range.lowerBound).rounded())) s, where the test ran \(Int(test.rounded())) s (\(file)): export the test's window alone, or the idle time around it is averaged in"
      )
    }
    if let failed = summary.failedShare, failed > 0.01 {
      throw MeasurementError(
        file: file,
        "metrics.http_req_failed: \(String(format: "%.2f", failed * 100))% of the requests failed: failures come back fast and count as requests, so the level is not the closed loop the model fits; remove their cause or leave the level out"
      )
    }
    var warnings: [String] = []
    if let failed = summary.failedShare, failed > 0 {
      warnings.append(
        "\(file): \(String(format: "%.2f", failed * 100))% of the requests failed (http_req_failed); they count in the level's rate and latency"
      )
    }
    if let fewest = summary.fewestUsers, fewest < summary.virtualUsers {
      warnings.append(
        "\(file): the vus gauge ran from \(fewest) to \(summary.virtualUsers): a ramp, not a constant level; the level is fitted as \(summary.virtualUsers) users (calibrate from constant-vus runs)"
      )
    }
    if let warning = server?.requestRate.flatMap({
      summary.rateWarning(file: file, serverRate: $0, rateFile: stem + ServerMetrics.suffixes.rate)
    }) {
      warnings.append(warning)
    }
    let level = summary.level(cpuCores: busy, server: server)
    // A request waits for its CPU: more CPU per request than its latency (by a fifth, beyond
    // noise) is a unit slip or CPU the requests did not use; the fit cuts it to the latency.
    // Ten times is no noise: durations in seconds, or CPU of other work.
    if let demand = level.serverDemand, demand > 10 * level.meanLatency {
      throw MeasurementError(
        file: stem + ".cpu.json",
        "data.result: \(String(format: "%.4g", demand * 1_000)) ms of CPU per request (busy cores / request rate), more than ten times the \(String(format: "%.4g", level.meanLatency * 1_000)) ms a request takes in \(file): k6 writes durations in milliseconds (were they seconds?), or the export counts other work"
      )
    }
    if let demand = level.serverDemand, demand > 1.2 * level.meanLatency {
      warnings.append(
        "\(stem).cpu.json: \(String(format: "%.4g", demand * 1_000)) ms of CPU per request (busy cores / request rate) is more than the \(String(format: "%.4g", level.meanLatency * 1_000)) ms a request takes in \(file) (a unit slip in its avg, or CPU of other work in the export?); the fit cuts it to the latency"
      )
    }
    return (level, warnings)
  }

  /// How far the server's request rate is from k6's, as a share of k6's (+0.1: the server saw
  /// 10% more), when more than 5% apart: other traffic reached the pods, or the export covers
  /// another window. Nil when they agree.
  package func rateDisagreement(serverRate: Double) -> Double? {
    let difference = serverRate / requestRate - 1
    return abs(difference) > 0.05 ? difference : nil
  }

  /// The warning to print when ``rateDisagreement(serverRate:)`` finds one, naming both files.
  package func rateWarning(file: String, serverRate: Double, rateFile: String) -> String? {
    rateDisagreement(serverRate: serverRate).map { d in
      "\(rateFile): the server's request rate, \(String(format: "%.2f/s", serverRate)), is "
        + String(format: "%+.1f%%", d * 100)
        + " from k6's http_reqs rate in \(file), \(String(format: "%.2f/s", requestRate)) "
        + "(other traffic reached the pods, or the export covers another window); the CPU demand uses the server's"
    }
  }
}
