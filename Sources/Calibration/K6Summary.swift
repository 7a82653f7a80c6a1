import Foundation

/// A k6 end-of-test summary as JSON: `k6 run --summary-export FILE` (metrics with their values
/// inline) or the `data` that `handleSummary` receives (values under `values`):
///
///     {"metrics": {"http_reqs": {"count": 1200, "rate": 40.0},
///                  "http_req_duration": {"avg": 52.1, "med": 40.2, "p(95)": 140.5, ...},
///                  "vus_max": {"value": 50}, ...}}
///
/// or either with `--new-machine-readable-summary` (schema 1.x: `{"version": "1.0.0", "config":
/// {"duration": 60.2}, "results": {"metrics": [{"name": "http_reqs", "values": {"count": 1200}},
/// ...]}}`). Durations are in milliseconds, as k6 writes them. Errors name the key path.
package struct K6Summary: Hashable, Sendable {
  /// Requests per second over the test.
  package var requestRate: Double
  /// Seconds.
  package var durationMean: Double
  package var durationP95: Double?
  /// The most virtual users: the closed loop's concurrency.
  package var virtualUsers: Int
  /// The fewest virtual users running at once, where the summary says (the vus gauge's min).
  package var fewestUsers: Int?
  /// The share of requests that failed (http_req_failed), where the summary has it.
  package var failedShare: Double?
  /// How long the test ran, seconds, where the summary says (machine-readable config.duration,
  /// or handleSummary's state.testRunDurationMs).
  package var testSeconds: Double?

  package init(file: String, data: Data) throws(MeasurementError) {
    let root = try jsonObject(file: file, data, kind: "a k6 summary starts with {\"metrics\": ...}")
    // The machine-readable summary (k6 --new-machine-readable-summary, schema 1.x): metrics as a
    // list under results, counters without a rate, the test's seconds under config.duration
    // (internal/lib/summary/machine_readable.go in grafana/k6).
    if root["metrics"] == nil, let results = root["results"] as? [String: Any] {
      try self.init(file: file, machineReadable: root, results: results)
      return
    }
    guard let metrics = root["metrics"] as? [String: Any] else {
      throw MeasurementError(file: file, "metrics: missing (not a k6 summary)")
    }
    try self.init(file: file, metrics: metrics, testSeconds: nil)
    if let ms = ((root["state"] as? [String: Any])?["testRunDurationMs"] as? NSNumber)?.doubleValue, ms.isFinite, ms > 0
    {
      testSeconds = ms / 1_000
    }
  }

  /// Reads `metrics`, by name, each its values inline or under `values`; `testSeconds` gives
  /// http_reqs its rate where it has only a count. `path` names a metric in errors.
  private init(
    file: String, metrics: [String: Any], testSeconds: Double?, path: (String) -> String = { "metrics.\($0)" }
  ) throws(MeasurementError) {
    func values(_ name: String) throws(MeasurementError) -> [String: Any] {
      guard let metric = metrics[name] as? [String: Any] else {
        throw MeasurementError(file: file, "\(path(name)): missing")
      }
      return metric["values"] as? [String: Any] ?? metric
    }
    func at(_ name: String) -> String {
      path(name) + ((metrics[name] as? [String: Any])?["values"] is [String: Any] ? ".values" : "")
    }
    func number(_ name: String, _ key: String, _ v: [String: Any]) throws(MeasurementError) -> Double {
      guard let x = (v[key] as? NSNumber)?.doubleValue, x.isFinite, x >= 0 else {
        // k6 writes only the trend stats asked for (--summary-trend-stats, summaryTrendStats).
        let hint =
          v[key] == nil && name == "http_req_duration"
          ? " (the summary's trend stats leave it out: add \(key) to --summary-trend-stats)" : ""
        throw MeasurementError(
          file: file, "\(at(name)).\(key): expected a number >= 0, found \(v[key].map { "\($0)" } ?? "nothing")\(hint)")
      }
      return x
    }
    let reqs = try values("http_reqs")
    let duration = try values("http_req_duration")
    if reqs["rate"] == nil, let testSeconds {
      guard testSeconds > 0 else {
        throw MeasurementError(file: file, "config.duration: expected the test's seconds > 0, found \(testSeconds)")
      }
      requestRate = try number("http_reqs", "count", reqs) / testSeconds
    } else {
      requestRate = try number("http_reqs", "rate", reqs)
    }
    durationMean = try number("http_req_duration", "avg", duration) / 1_000
    guard durationMean > 0 else {
      throw MeasurementError(file: file, "\(at("http_req_duration")).avg: 0 ms: a request that came back took time")
    }
    durationP95 = nil
    // p(95) as k6's default trend stats name it; p95 in the machine-readable summary; any
    // other spelling of the 95th percentile a user's --summary-trend-stats gave, p(95.0).
    for key in duration.keys.sorted() where Self.percentile(key) == 95 {
      durationP95 = try number("http_req_duration", key, duration) / 1_000
    }
    let vusName = metrics["vus_max"] != nil ? "vus_max" : "vus"
    let vus = try values(vusName)
    let vusKey = vus["max"] != nil ? "max" : "value"
    guard let users = Int(exactly: try number(vusName, vusKey, vus)) else {
      throw MeasurementError(
        file: file, "\(at(vusName)).\(vusKey): expected a whole number of virtual users, found \(vus[vusKey]!)")
    }
    virtualUsers = users
    self.testSeconds = testSeconds
    if let v = try? values("vus"), let least = (v["min"] as? NSNumber)?.doubleValue, least.isFinite {
      fewestUsers = Int(least.rounded())
    }
    // A Rate metric: its share under "rate" (handleSummary, machine-readable) or "value"
    // (--summary-export).
    if let v = try? values("http_req_failed"),
      let share = ((v["rate"] ?? v["value"]) as? NSNumber)?.doubleValue, share.isFinite, share >= 0, share <= 1
    {
      failedShare = share
    }
    // vus_max is the pool k6 allocated; the vus gauge, the users running. Below the pool at its
    // peak, the test was no closed loop of that many users (an arrival-rate executor).
    if vusName == "vus_max", metrics["vus"] != nil, let peak = ((try? values("vus"))?["max"] as? NSNumber)?.doubleValue,
      peak < Double(users)
    {
      throw MeasurementError(
        file: file,
        "\(at("vus")).max: at most \(String(format: "%g", peak)) virtual users ran at once, where \(at("vus_max")) says \(users): the model needs a closed loop of \(users) (constant-vus); an arrival-rate executor allocates more than it runs"
      )
    }
    guard virtualUsers >= 1, requestRate > 0 else {
      throw MeasurementError(
        file: file, "a test with \(virtualUsers) virtual users and \(requestRate) requests/s measured nothing")
    }
    // Little's law, as for pgbench: a virtual user waits for each request (the model's closed
    // loop), so rate x mean / users is at most 1. Above it the avg is not in ms, or the users
    // sent requests in parallel (http.batch), which the model does not take.
    let inProgress = requestRate * durationMean / Double(virtualUsers)
    guard inProgress <= PgbenchReport.littlesLawLimit else {
      throw MeasurementError(
        file: file,
        "\(at("http_req_duration")).avg violates Little's law: rate x avg / \(vusName) = \(String(format: "%.4g", requestRate))/s x \(String(format: "%.6g", durationMean * 1_000)) ms / \(virtualUsers) = \(String(format: "%.3g", inProgress)), above 1 (beyond the \(String(format: "%g", PgbenchReport.littlesLawLimit)) measuring noise allows): a unit slip (k6 writes ms), or requests in parallel (http.batch)?"
      )
    }
  }

  private init(file: String, machineReadable root: [String: Any], results: [String: Any]) throws(MeasurementError) {
    let version = root["version"] as? String ?? ""
    guard version.split(separator: ".").first == "1" else {
      throw MeasurementError(
        file: file,
        "version: expected a machine-readable summary of schema 1.x, found \(root["version"].map { "\($0)" } ?? "nothing")"
      )
    }
    guard let list = results["metrics"] as? [[String: Any]] else {
      throw MeasurementError(file: file, "results.metrics: expected a list of metrics")
    }
    var metrics: [String: Any] = [:]
    var index: [String: Int] = [:]
    for (i, metric) in list.enumerated() {
      guard let name = metric["name"] as? String else {
        throw MeasurementError(file: file, "results.metrics[\(i)].name: missing")
      }
      (metrics[name], index[name]) = (metric, i)
    }
    guard let seconds = ((root["config"] as? [String: Any])?["duration"] as? NSNumber)?.doubleValue, seconds.isFinite
    else {
      throw MeasurementError(file: file, "config.duration: missing (the test's seconds, to give http_reqs its rate)")
    }
    try self.init(file: file, metrics: metrics, testSeconds: seconds) { name in
      index[name].map { "results.metrics[\($0)]" } ?? "results.metrics[\"\(name)\"]"
    }
  }

  /// 95 for k6's trend stat `p(95)` (and `p95`, `p(95.0)`), nil for any other stat.
  private static func percentile(_ key: String) -> Double? {
    if key.hasPrefix("p("), key.hasSuffix(")") { return Double(key.dropFirst(2).dropLast()) }
    if key.hasPrefix("p"), key.dropFirst().allSatisfy(\.isNumber) { return Double(key.dropFirst()) }
    return nil
  }

  /// The summary as a load level: CPU demand from the busy cores of a Prometheus export, when
  /// given, by the utilization law D = U / X with the requests the CPU served: the server's
  /// rate when exported (k6's counts only its own requests, and only those that came back).
  package func level(cpuCores: Double? = nil, server: ServerMetrics? = nil) -> MeasuredLevel {
    MeasuredLevel(
      clients: virtualUsers, throughput: requestRate, meanLatency: durationMean, p95: durationP95,
      serverDemand: cpuCores.map { $0 / (server?.requestRate ?? requestRate) }, clientDemand: nil, cores: nil, runs: 1,
      server: server)
  }

  /// The files read beside a summary `LEVEL.json`, by the suffix that replaces its `.json`:
  /// not summaries themselves.
  package static let besideSuffixes = [
    ".cpu.json", ".requests.json", ServerMetrics.suffixes.rate, ServerMetrics.suffixes.latency,
    ServerMetrics.suffixes.latencySum,
  ]
}

/// A Prometheus range-query result as the HTTP API returns it (`/api/v1/query_range`):
///
///     {"status": "success", "data": {"resultType": "matrix",
///      "result": [{"metric": {"pod": "app-1"}, "values": [[1733400000, "0.82"], ...]}]}}
///
/// or as `promtool query range -o json` writes it (the series list alone, `[{"metric": ...}]`),
/// or its `data` alone (`jq .data`). Sample values are strings, as Prometheus writes them ("NaN"
/// and "+Inf" are refused). Errors name the key path: `data.result[0].values[3]`.
package struct PrometheusRange: Hashable, Sendable {
  package struct Series: Hashable, Sendable {
    package var labels: [String: String]
    package var samples: [(time: Double, value: Double)]

    package static func == (a: Series, b: Series) -> Bool {
      a.labels == b.labels && a.samples.map(\.time) == b.samples.map(\.time)
        && a.samples.map(\.value) == b.samples.map(\.value)
    }
    package func hash(into hasher: inout Hasher) { hasher.combine(labels) }
  }

  package var series: [Series]

  /// The first and last sample's times (unix seconds), nil without samples.
  package var window: ClosedRange<Double>? {
    let times = series.flatMap { $0.samples.map(\.time) }
    guard let first = times.min(), let last = times.max() else { return nil }
    return first...last
  }

  /// Whether two exports' windows are of one test: they overlap by at least half of the
  /// shorter (a query's step and a rate's lookback move the edges a little, not by half).
  package static func sameTest(_ a: ClosedRange<Double>, _ b: ClosedRange<Double>) -> Bool {
    let overlap = min(a.upperBound, b.upperBound) - max(a.lowerBound, b.lowerBound)
    let shorter = min(a.upperBound - a.lowerBound, b.upperBound - b.lowerBound)
    return overlap >= 0 && overlap >= shorter / 2
  }

  package init(file: String, data: Data) throws(MeasurementError) {
    let kind = "a Prometheus query_range response"
    let value = try jsonValue(file: file, data, kind: kind)
    // promtool prints a range query's matrix alone (cmd/promtool/query.go, jsonPrinter in
    // prometheus/prometheus): the response's data.result.
    if let result = value as? [Any] {
      try self.init(file: file, result: result, at: "")
      return
    }
    guard let root = value as? [String: Any] else { throw MeasurementError(file: file, "not a JSON object (\(kind))") }
    // The response's data alone, as `jq .data` leaves it.
    if root["status"] == nil, root["resultType"] != nil {
      try self.init(file: file, body: root, at: "")
      return
    }
    // The response envelope: web/api/v1/api.go (Response, QueryData) in prometheus/prometheus.
    guard root["status"] as? String == "success" else {
      let why = [root["errorType"], root["error"]].compactMap { $0.map { "\($0)" } }.joined(separator: ": ")
      throw MeasurementError(
        file: file,
        "status: expected \"success\", found \(root["status"].map { "\"\($0)\"" } ?? "nothing")"
          + (why.isEmpty ? "" : " (\(why))"))
    }
    // Warnings say the result may be partial or wrong (a remote read that failed, a malformed
    // le, histograms mixed with floats); infos ("PromQL info: ...", among the warnings before
    // Prometheus had "infos") leave it as it is (util/annotations/annotations.go).
    let warnings = (root["warnings"] as? [Any] ?? []).map { "\($0)" }
    if let i = warnings.firstIndex(where: { !$0.hasPrefix("PromQL info") }) {
      throw MeasurementError(file: file, "warnings[\(i)]: Prometheus warned of the result: \(warnings[i])")
    }
    // A Prometheus-compatible server's flag that some of the data was not reached.
    if root["isPartial"] as? Bool == true {
      throw MeasurementError(file: file, "isPartial: true (the server left out some of the data)")
    }
    guard let body = root["data"] as? [String: Any] else {
      throw MeasurementError(file: file, "data: missing (not a Prometheus query response)")
    }
    try self.init(file: file, body: body, at: "data.")
  }

  /// The response's `data`, whose key paths start with `at`.
  private init(file: String, body: [String: Any], at path: String) throws(MeasurementError) {
    guard let type = body["resultType"] as? String, type == "matrix" else {
      throw MeasurementError(
        file: file,
        "\(path)resultType: expected \"matrix\" (a range query, /api/v1/query_range), found \(body["resultType"].map { "\"\($0)\"" } ?? "nothing")"
          + (body["resultType"] as? String == "vector"
            ? ": an instant query's one value is no average over the test" : ""))
    }
    guard let result = body["result"] as? [Any] else {
      throw MeasurementError(file: file, "\(path)result: expected a list of series")
    }
    try self.init(file: file, result: result, at: path + "result")
  }

  /// The series list, whose key paths start with `at` (`data.result`, or nothing where the
  /// list is the file).
  private init(file: String, result: [Any], at path: String) throws(MeasurementError) {
    series = []
    for (i, item) in result.enumerated() {
      let at = "\(path)[\(i)]"
      guard let entry = item as? [String: Any],
        let labels = (entry["metric"] ?? [String: String]()) as? [String: String]
      else {
        throw MeasurementError(file: file, "\(at): expected {\"metric\": {label: \"value\", ...}, \"values\": [...]}")
      }
      // A series has "values" (floats), "histograms" (native histograms) or both
      // (web/api/v1/json_codec.go, marshalSeriesJSON).
      if entry["histograms"] != nil {
        throw MeasurementError(
          file: file,
          "\(at).histograms: native histogram samples are not read: export floats (the classic buckets by le, or histogram_count and histogram_sum of the rate)"
        )
      }
      // Prometheus leaves out a series without samples, so an empty list is not its output.
      guard let values = entry["values"] as? [Any], !values.isEmpty else {
        throw MeasurementError(file: file, "\(at).values: expected a list of [time, \"value\"], one or more")
      }
      var samples: [(Double, Double)] = []
      for (j, item) in values.enumerated() {
        guard let pair = item as? [Any], pair.count == 2, let t = (pair[0] as? NSNumber)?.doubleValue,
          let text = pair[1] as? String,
          let v = Double(text), v.isFinite
        else {
          throw MeasurementError(
            file: file, "\(at).values[\(j)]: expected [unix time, \"finite number\"], found \(item)")
        }
        // Busy cores, requests/s, seconds/s, bucket counts: a rate, never below 0.
        guard v >= 0 else {
          throw MeasurementError(
            file: file, "\(at).values[\(j)][1]: \"\(text)\" is below 0: not a rate (export rate(...) of counters)")
        }
        guard samples.last.map({ $0.0 < t }) ?? true else {
          throw MeasurementError(
            file: file, "\(at).values[\(j)]: time \(t) not after the sample before (not one range query's series)")
        }
        samples.append((t, v))
      }
      series.append(Series(labels: labels, samples: samples))
    }
    guard !series.isEmpty else {
      throw MeasurementError(
        file: file, "\(path.isEmpty ? "the series list" : path): empty (the query matched no series)")
    }
    try alignment(file: file)
  }

  /// One range query evaluates every series at the same steps (start + k x step), so a series
  /// off them is another query's: summed by time, its samples would never meet the others' and
  /// each step would hold a part of the total (one pod's of two: half the busy cores).
  ///
  /// - Throws: ``MeasurementError`` at the first sample off the steps of the series with the
  ///   most samples (the step: the shortest gap between two samples of any series).
  func alignment(file: String) throws(MeasurementError) {
    let gaps = series.flatMap { s in zip(s.samples.dropFirst(), s.samples).map { $0.time - $1.time } }
    guard let step = gaps.min(),
      let g = series.indices.min(by: { (-series[$0].samples.count, $0) < (-series[$1].samples.count, $1) })
    else { return }
    let start = series[g].samples[0].time
    for (i, s) in series.enumerated() {
      for (j, sample) in s.samples.enumerated() {
        let k = (sample.time - start) / step
        // Prometheus writes times to the millisecond.
        guard abs(k - k.rounded()) * step > 0.001 else { continue }
        let labels = s.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
        throw MeasurementError(
          file: file,
          "data.result[\(i)].values[\(j)]: time \(Self.time(sample.time)) of the series {\(labels)} is off the steps of data.result[\(g)] (every \(Self.time(step)) s from \(Self.time(start))): the series of one range query share their times, so this one is of another query or another window"
        )
      }
    }
  }

  /// Unix seconds as Prometheus writes them: 1733400000, 1733400000.5.
  static func time(_ t: Double) -> String {
    String(format: "%.3f", t).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
  }

  /// The time-average of the series' sum, as `sum(...)` over them would give it at each step of
  /// the query: a series without a sample at a step (a pod not yet or no longer there) adds 0;
  /// steps where no series has one are left out. For `rate(process_cpu_seconds_total[1m])`,
  /// the busy cores.
  package var meanTotal: Double { Self.meanOfSum(series) }

  /// `meanTotal` of a CPU export (busy cores), which must be above 0 to give a demand.
  ///
  /// - Throws: ``MeasurementError`` at `file` when the export averages no busy core, or holds
  ///   cAdvisor's pod-level series beside the pod's containers (the same cores twice).
  package func busyCores(file: String, of what: String) throws(MeasurementError) -> Double {
    // cAdvisor's container_cpu_usage_seconds_total has a series per container and one for the
    // pod's cgroup (container="", a label Prometheus leaves out), the sum of its containers.
    func place(_ s: Series) -> [String] { [s.labels["namespace"] ?? "", s.labels["pod"] ?? ""] }
    let containers = Set(series.filter { $0.labels["pod"] != nil && $0.labels["container"] != nil }.map(place))
    if let i = series.firstIndex(where: {
      $0.labels["pod"] != nil && $0.labels["container"] == nil && containers.contains(place($0))
    }) {
      throw MeasurementError(
        file: file,
        "data.result[\(i)].metric: pod \"\(series[i].labels["pod"]!)\" without a container: cAdvisor's pod-level total of the containers listed beside it, so its cores would count twice (filter the query with container!=\"\")"
      )
    }
    let cores = meanTotal
    guard cores > 0 else {
      throw MeasurementError(
        file: file, "data.result: 0 busy cores over the export (not \(what)'s CPU, or another window)")
    }
    return cores
  }

  static func meanOfSum(_ series: [Series]) -> Double {
    var sums: [Double: Double] = [:]
    for s in series {
      for sample in s.samples { sums[sample.time, default: 0] += sample.value }
    }
    // In time order, so that the sum is the same run to run.
    return sums.isEmpty ? 0 : sums.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value } / Double(sums.count)
  }
}

/// k6's per-request output, `k6 run --out json=FILE`: one JSON object per line, the metric
/// declarations (`"type": "Metric"`) and every sample (`"type": "Point"`):
///
///     {"type":"Point","metric":"http_req_duration","data":{"time":"2026-12-05T14:34:45.625+01:00","value":52.1,"tags":{"status":"200"}}}
///
/// Only `http_req_duration` samples are kept (milliseconds, as k6 writes them): the latency
/// distribution a summary gives only as chosen statistics. Errors name the line and key path.
package struct K6Points: Hashable, Sendable {
  /// Request durations, seconds, ascending.
  package var durations: [Double] = []

  /// The first and last request's times (unix seconds), where the points carry them.
  package var window: ClosedRange<Double>?

  package init(file: String, data: Data) throws(MeasurementError) {
    // k6 compresses the output when its name ends in .gz (internal/output/json/json.go in grafana/k6).
    if data.starts(with: [0x1f, 0x8b]) {
      throw MeasurementError(
        file: file, line: 1, column: 1, "gzip-compressed (k6 --out json=FILE.gz): decompress it first")
    }
    // Line by line over the bytes: an hour's output is gigabytes, and a String of it (split into
    // Characters) took six times the file's size and most of a minute.
    var (first, last): (String?, String?) = (nil, nil)
    var n = 0
    var start = data.startIndex
    while start < data.endIndex {
      n += 1
      let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
      var line = data[start..<end]
      start = end < data.endIndex ? data.index(after: end) : end
      if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
      guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }
      func error(_ message: String) -> MeasurementError { MeasurementError(file: file, line: n, column: 1, message) }
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
        if n == 1 && line.starts(with: Array("metric_name,".utf8)) {
          throw error("k6 --out csv is not read: write the per-request output with --out json")
        }
        throw error("not a JSON object (k6 --out json writes one per line)")
      }
      let missing = ["type", "metric"].filter { !(object[$0] is String) }
      guard missing.isEmpty, let type = object["type"] as? String, let metric = object["metric"] as? String else {
        throw error("\(missing.joined(separator: ", ")): missing (not a line of k6 --out json)")
      }
      // k6 writes a declaration per metric ("Metric") and a sample per value ("Point"), nothing else.
      guard type == "Point" || type == "Metric" else {
        throw error("type: '\(type)' is not a k6 --out json line type (Metric or Point)")
      }
      guard type == "Point", metric == "http_req_duration" else { continue }
      let point = object["data"] as? [String: Any]
      guard let value = (point?["value"] as? NSNumber)?.doubleValue, value.isFinite, value >= 0 else {
        throw error("data.value: expected a duration in milliseconds >= 0")
      }
      durations.append(value / 1_000)
      if let time = point?["time"] as? String {
        if first == nil { first = time }
        last = time
      }
    }
    guard !durations.isEmpty else {
      throw MeasurementError(file: file, "no http_req_duration points (not a k6 --out json file?)")
    }
    durations.sort()
    // k6 writes RFC 3339 times with nanoseconds; the points come in time order, near enough
    // for a window to compare with the exports'.
    let times = [first, last].compactMap { $0.flatMap(Self.unixSeconds) }
    if times.count == 2 { window = min(times[0], times[1])...max(times[0], times[1]) }
  }

  /// Unix seconds of an RFC 3339 time as k6 writes it (`2024-12-05T10:00:00.123456789+01:00`).
  static func unixSeconds(_ text: String) -> Double? {
    // The fraction is cut to milliseconds: the parser takes no more digits.
    var t = text
    if let dot = t.firstIndex(of: "."), let zone = t[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" })
    {
      let digits = t[t.index(after: dot)..<zone].prefix(3)
      t = String(t[..<dot]) + "." + digits.padding(toLength: 3, withPad: "0", startingAt: 0) + String(t[zone...])
    }
    let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    return ((try? fractional.parse(t)) ?? (try? Date.ISO8601FormatStyle().parse(t)))?.timeIntervalSince1970
  }

  /// The nearest-rank p-quantile of the durations, seconds.
  package func quantile(_ p: Double) -> Double { nearestRank(durations, p)! }
}

extension K6Summary {
  /// Takes the p95 from the test's per-request output where the summary has none (k6's
  /// `summaryTrendStats` without `p(95)`).
  ///
  /// - Throws: ``MeasurementError`` at the output when its requests' mean duration is not the
  ///   summary's (within 1%): the output of another test.
  package mutating func take(_ points: K6Points, file: String) throws(MeasurementError) {
    let mean = points.durations.reduce(0, +) / Double(points.durations.count)
    guard abs(mean / durationMean - 1) <= 0.01 else {
      throw MeasurementError(
        file: file,
        "its requests' mean duration, \(String(format: "%.3f", mean * 1_000)) ms, is not the summary's \(String(format: "%.3f", durationMean * 1_000)) ms: the output of another test"
      )
    }
    if durationP95 == nil { durationP95 = points.quantile(0.95) }
  }
}
