import Foundation
import Testing

import Calibration

/// The variants of k6's and Prometheus's outputs as they write them: each read to the right
/// numbers or refused at its file and key path.
@Suite struct K6SummaryFormatTests {
  static func summary(_ json: String) throws -> K6Summary { try K6Summary(file: "c4.json", data: Data(json.utf8)) }

  static func refusal(_ json: String) -> MeasurementError? {
    #expect(throws: MeasurementError.self) { try summary(json) }
  }

  /// `--summary-export` as k6 writes it: values inline, thresholds as name: failed, a rate
  /// metric's share as `value`, submetrics under their own key (left out: the whole metric is read).
  @Test func readsASummaryExportWithThresholdsAndSubmetrics() throws {
    let k6 = try Self.summary(
      #"""
      {"root_group": {"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {}},
       "metrics": {
        "checks": {"passes": 10, "fails": 0, "value": 1},
        "http_req_failed": {"passes": 0, "fails": 480, "thresholds": {"rate<0.01": false}, "value": 0},
        "http_reqs": {"count": 480, "rate": 7.98},
        "http_req_duration": {"avg": 52.5, "min": 20.1, "med": 40.2, "max": 300, "p(90)": 100.0, "p(95)": 140.5,
                              "thresholds": {"p(95)<500": false}},
        "http_req_duration{expected_response:true}": {"avg": 51, "min": 20.1, "med": 40, "max": 300, "p(90)": 99, "p(95)": 139},
        "iterations": {"count": 480, "rate": 7.98},
        "vus": {"value": 0, "min": 0, "max": 4},
        "vus_max": {"value": 4, "min": 4, "max": 4}}}
      """#)
    #expect(k6.requestRate == 7.98 && k6.durationMean == 0.0525 && k6.durationP95 == 0.1405 && k6.virtualUsers == 4)
  }

  /// The `data` of `handleSummary` written with JSON.stringify: type, contains, values,
  /// thresholds as {ok}, root_group, options, state.
  @Test func readsHandleSummaryData() throws {
    let k6 = try Self.summary(
      #"""
      {"root_group": {"name": "", "path": "", "id": "x", "groups": [], "checks": []},
       "options": {"summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)"], "summaryTimeUnit": "", "noColor": false},
       "state": {"isStdOutTTY": false, "isStdErrTTY": false, "testRunDurationMs": 60012.5},
       "metrics": {
        "http_reqs": {"type": "counter", "contains": "default", "values": {"count": 2400, "rate": 39.99}},
        "http_req_duration": {"type": "trend", "contains": "time", "values": {"avg": 25, "min": 1, "med": 20, "max": 90, "p(90)": 50, "p(95)": 60},
                              "thresholds": {"p(95)<500": {"ok": true}}},
        "vus_max": {"type": "gauge", "contains": "default", "values": {"value": 1, "min": 1, "max": 1}},
        "vus": {"type": "gauge", "contains": "default", "values": {"value": 1, "min": 1, "max": 1}}},
       "setup_data": {"token": "x"}}
      """#)
    #expect(k6.requestRate == 39.99 && k6.durationMean == 0.025 && k6.durationP95 == 0.06 && k6.virtualUsers == 1)
  }

  /// `--summary-trend-stats`: other stats are ignored, p(95) may be missing or spelled p(95.0);
  /// without avg the summary has no mean, and the error says how to get one.
  @Test func takesTheTrendStatsAsConfigured() throws {
    func with(_ stats: String) -> String {
      #"{"metrics": {"http_reqs": {"count": 10, "rate": 2}, "http_req_duration": {\#(stats)}, "vus": {"value": 2, "min": 0, "max": 2}}}"#
    }
    let noP95 = try Self.summary(with(#""avg": 10, "med": 8, "p(99)": 30, "p(99.9)": 40"#))
    #expect(noP95.durationMean == 0.01 && noP95.durationP95 == nil && noP95.virtualUsers == 2)
    #expect(try Self.summary(with(#""avg": 10, "p(95.0)": 25"#)).durationP95 == 0.025)
    #expect(try Self.summary(with(#""avg": 10, "p(9)": 5, "p(99.5)": 35"#)).durationP95 == nil)
    // Under values in handleSummary's data, and the error says so
    let handled = Self.refusal(
      #"{"metrics": {"http_reqs": {"values": {"count": 10, "rate": 2}}, "http_req_duration": {"values": {"med": 8}}, "vus": {"values": {"value": 2}}}}"#
    )
    #expect(
      handled?.message.hasPrefix("metrics.http_req_duration.values.avg: expected a number >= 0, found nothing") == true,
      "\(String(describing: handled))")
    let noAvg = Self.refusal(with(#""med": 8, "p(95)": 25"#))
    #expect(
      noAvg?.message.hasPrefix(
        "metrics.http_req_duration.avg: expected a number >= 0, found nothing (the summary's trend stats leave it out: add avg to --summary-trend-stats)"
      ) == true, "\(String(describing: noAvg))")
    // JSON.stringify writes a NaN statistic as null: an error, not a summary without a p95
    let null = Self.refusal(with(#""avg": 10, "p(95)": null"#))
    #expect(
      null?.message.hasPrefix("metrics.http_req_duration.p(95): expected a number >= 0") == true,
      "\(String(describing: null))")
  }

  /// `--new-machine-readable-summary` (k6 v1 and later), as `--summary-export` and as the data of
  /// handleSummary: metrics in a list, http_reqs only counted (its rate is count over
  /// config.duration, seconds), trend stats p90 and p95.
  @Test func readsTheMachineReadableSummary() throws {
    let json = #"""
      {"config": {"duration": 60, "execution": "local", "script": "/tmp/test.js"},
       "metadata": {"generated_at": "2026-12-05T14:34:45.625113+01:00", "k6_version": "1.4.0"},
       "results": {
        "checks": {"metrics": [{"contains": "default", "name": "checks_total", "type": "counter", "values": {"count": 1}}],
                   "results": [{"fails": 0, "name": "ok", "passes": 1}]},
        "metrics": [
         {"contains": "default", "name": "iterations", "type": "counter", "values": {"count": 2400}},
         {"contains": "default", "name": "http_reqs", "type": "counter", "values": {"count": 2400}},
         {"contains": "default", "name": "http_req_failed", "type": "rate", "values": {"matches": 0, "rate": 0, "total": 2400}},
         {"contains": "time", "name": "http_req_duration", "type": "trend",
          "values": {"avg": 24.5, "max": 90, "med": 20, "min": 1, "p90": 50, "p95": 61.5}},
         {"contains": "default", "name": "vus", "type": "gauge", "values": {"max": 4, "min": 0, "value": 4}},
         {"contains": "default", "name": "vus_max", "type": "gauge", "values": {"max": 4, "min": 4, "value": 4}}]},
       "version": "1.0.0"}
      """#
    let k6 = try Self.summary(json)
    #expect(k6.requestRate == 40 && k6.durationMean == 0.0245 && k6.durationP95 == 0.0615 && k6.virtualUsers == 4)

    let otherSchema = Self.refusal(json.replacingOccurrences(of: #""version": "1.0.0""#, with: #""version": "2.0.0""#))
    #expect(
      otherSchema?.message.hasPrefix("version: expected a machine-readable summary of schema 1.x, found 2.0.0") == true)
    let noDuration = Self.refusal(json.replacingOccurrences(of: #""duration": 60, "#, with: ""))
    #expect(noDuration?.message.hasPrefix("config.duration: missing") == true)
    let noRequests = Self.refusal(json.replacingOccurrences(of: #""name": "http_reqs""#, with: #""name": "grpc_reqs""#))
    #expect(noRequests?.message == #"results.metrics["http_reqs"]: missing"#, "\(String(describing: noRequests))")
    let hugeUsers = Self.refusal(
      json.replacingOccurrences(of: #""max": 4, "min": 4, "value": 4"#, with: #""max": 1e300, "min": 4, "value": 4"#))
    #expect(
      hugeUsers?.message.hasPrefix("results.metrics[5].values.max: expected a whole number of virtual users") == true,
      "\(String(describing: hugeUsers))")
    let badMean = Self.refusal(json.replacingOccurrences(of: #""avg": 24.5"#, with: #""avg": "fast""#))
    #expect(
      badMean?.message.hasPrefix("results.metrics[3].values.avg: expected a number >= 0, found fast") == true,
      "\(String(describing: badMean))")
  }
}

@Suite struct K6PointsFormatTests {
  /// Lines as k6 --out json writes them: Metric declarations with thresholds and submetrics,
  /// points with RFC 3339 times to the nanosecond in any offset, tags, metadata; CRLF endings.
  @Test func readsEveryPointLine() throws {
    let lines = [
      #"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<500"],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}"#,
      #"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-05T14:34:45.625113271+01:00","value":12.5,"tags":{"expected_response":"true","method":"GET","status":"200"}}}"#,
      #"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-05T13:34:46Z","value":7,"tags":{"status":"500","expected_response":"false"},"metadata":{"trace_id":"abc"}}}"#,
      #"{"metric":"http_reqs","type":"Point","data":{"time":"2026-12-05T13:34:46Z","value":1,"tags":null}}"#,
      "",
    ]
    let points = try K6Points(file: "c4.requests.json", data: Data(lines.joined(separator: "\r\n").utf8))
    #expect(points.durations == [0.007, 0.0125])
  }

  @Test func refusesCompressedAndCSVOutput() throws {
    let gzip = #expect(throws: MeasurementError.self) {
      try K6Points(file: "c4.requests.json", data: Data([0x1f, 0x8b, 0x08, 0x00, 0x00]))
    }
    #expect(gzip?.line == 1 && gzip?.message.hasPrefix("gzip-compressed") == true)
    let csv = """
      metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata
      http_req_duration,1733405685,12.5,,,,true,,GET,http://x/,HTTP/1.1,default,,200,,,http://x/,,
      """
    let refused = #expect(throws: MeasurementError.self) {
      try K6Points(file: "c4.requests.json", data: Data(csv.utf8))
    }
    #expect(
      refused?.line == 1 && refused?.message.hasPrefix("k6 --out csv is not read") == true,
      "\(String(describing: refused))")
  }
}

@Suite struct PrometheusFormatTests {
  static func range(_ json: String) throws -> PrometheusRange {
    try PrometheusRange(file: "c4.cpu.json", data: Data(json.utf8))
  }

  static func refusal(_ json: String) -> MeasurementError? {
    #expect(throws: MeasurementError.self) { try range(json) }
  }

  static func matrix(_ result: String, extra: String = "") -> String {
    #"{"status": "success", "data": {"resultType": "matrix", "result": [\#(result)]}\#(extra)}"#
  }

  /// Times with milliseconds, values in Go's float syntax, stats and infos beside the data.
  @Test func readsARangeResponseAsPrometheusWritesIt() throws {
    let r = try Self.range(
      Self.matrix(
        #"{"metric": {"__name__": "up", "pod": "app-1"}, "values": [[1700000000.123, "1e-05"], [1700000015.123, "2.5e+00"], [1700000030.123, "0"]]}"#,
        extra:
          #", "infos": ["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"x\""]"#
      ))
    #expect(r.series.count == 1 && r.series[0].samples.map(\.time) == [1700000000.123, 1700000015.123, 1700000030.123])
    #expect(abs(r.meanTotal - (1e-5 + 2.5) / 3) < 1e-15)
    // Info annotations among the warnings, as Prometheus wrote them before it had "infos"
    let info = try Self.range(
      Self.matrix(
        #"{"metric": {}, "values": [[1, "2"]]}"#,
        extra:
          #", "warnings": ["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"x\""], "isPartial": false"#
      ))
    #expect(info.meanTotal == 2)
    let withStats = try Self.range(
      #"{"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "2"]]}], "stats": {"timings": {"evalTotalTime": 0.01}}}}"#
    )
    #expect(withStats.meanTotal == 2)
  }

  /// Several series are summed step by step, as sum() would: a pod replaced halfway adds 0
  /// where it has no samples, instead of counting its average over the whole test.
  @Test func sumsSeveralSeriesStepByStep() throws {
    let r = try Self.range(
      Self.matrix(
        #"{"metric": {"pod": "app-1"}, "values": [[0, "1"], [15, "1"], [30, "1"], [45, "1"]]}, {"metric": {"pod": "app-2"}, "values": [[0, "0.5"], [15, "0.5"]]}, {"metric": {"pod": "app-3"}, "values": [[30, "0.5"], [45, "0.5"]]}"#
      ))
    // 1.5 cores at every step (two pods at once), not 1 + 0.5 + 0.5
    #expect(r.meanTotal == 1.5)
    // A step no series has (a gap in the export) is left out, not taken as 0
    let gap = try Self.range(Self.matrix(#"{"metric": {}, "values": [[0, "2"], [30, "4"]]}"#))
    #expect(gap.meanTotal == 3)
  }

  /// A JSON syntax error is placed at its line and column; an export cut short, at its end; JSON
  /// that is no object says what was expected.
  @Test func aBrokenExportIsPlaced() {
    let cut = Self.refusal(
      #"{"status": "success", "data": {"resultType": "matrix","# + "\n" + #"  "result": [{"metric": {}, "val"#)
    #expect(cut?.line == 2 && cut?.column == 33, "\(String(describing: cut))")
    #expect(
      cut?.message == "not valid JSON: Unexpected end of file during JSON parse. (a Prometheus query_range response)",
      "\(String(describing: cut))")
    let doubled = Self.refusal("{\"status\": \"success\",\n  \"data\": {\"resultType\": \"matrix\",, \"result\": []}}")
    #expect(doubled?.line == 2 && doubled?.column == 35, "\(String(describing: doubled))")
    // A list is promtool's series list: its items are series
    let list = Self.refusal("[1, 2]")
    #expect(
      list?.line == 0 && list?.message.hasPrefix("[0]: expected {\"metric\"") == true, "\(String(describing: list))")
    let text = Self.refusal(#"{"resultType": "matrix", "result": "x"}"#)
    #expect(text?.message == "result: expected a list of series", "\(String(describing: text))")
    let summary = #expect(throws: MeasurementError.self) {
      try K6Summary(file: "c4.json", data: Data("metric_name,timestamp\nhttp_reqs,1".utf8))
    }
    #expect(summary?.line == 1 && summary?.column == 1, "\(String(describing: summary))")
    #expect(summary?.message.hasSuffix(#"(a k6 summary starts with {"metrics": ...})"#) == true)
  }

  /// cAdvisor's pod-level series (no container label) beside the pod's containers is refused as
  /// counting the cores twice; a pod with only its total, or containers alone, is summed.
  @Test func aPodsTotalBesideItsContainersIsRefused() throws {
    let doubled = try Self.range(
      Self.matrix(
        #"{"metric": {"namespace": "crm", "pod": "app-1", "container": "app"}, "values": [[0, "0.5"]]}, {"metric": {"namespace": "crm", "pod": "app-1", "container": "sidecar"}, "values": [[0, "0.1"]]}, {"metric": {"namespace": "crm", "pod": "app-1"}, "values": [[0, "0.6"]]}"#
      ))
    let refused = #expect(throws: MeasurementError.self) { try doubled.busyCores(file: "c4.cpu.json", of: "the app") }
    #expect(
      refused?.message
        == #"data.result[2].metric: pod "app-1" without a container: cAdvisor's pod-level total of the containers listed beside it, so its cores would count twice (filter the query with container!="")"#,
      "\(String(describing: refused))")
    let containers = try Self.range(
      Self.matrix(
        #"{"metric": {"pod": "app-1", "container": "app"}, "values": [[0, "0.5"]]}, {"metric": {"pod": "app-1", "container": "sidecar"}, "values": [[0, "0.1"]]}, {"metric": {"pod": "app-2"}, "values": [[0, "0.4"]]}"#
      ))
    #expect(abs(try containers.busyCores(file: "c4.cpu.json", of: "the app") - 1.0) < 1e-12)
    // The same pod name in another namespace is another pod.
    let elsewhere = try Self.range(
      Self.matrix(
        #"{"metric": {"namespace": "a", "pod": "app-1", "container": "app"}, "values": [[0, "0.5"]]}, {"metric": {"namespace": "b", "pod": "app-1"}, "values": [[0, "0.25"]]}"#
      ))
    #expect(try elsewhere.busyCores(file: "c4.cpu.json", of: "the app") == 0.75)
  }

  struct Bad: CustomTestStringConvertible, Sendable {
    var name: String
    var json: String
    var message: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    Bad(
      name: "an error response",
      json: #"{"status": "error", "errorType": "bad_data", "error": "invalid parameter \"query\": 1:6: parse error"}"#,
      message: #"status: expected "success", found "error" (bad_data: invalid parameter "query": 1:6: parse error)"#),
    Bad(
      name: "warnings",
      json: PrometheusFormatTests.matrix(
        #"{"metric": {}, "values": [[1, "2"]]}"#, extra: #", "warnings": ["remote read: partial response"]"#),
      message: "warnings[0]: Prometheus warned of the result: remote read: partial response"),
    Bad(
      name: "a warning after an info",
      json: PrometheusFormatTests.matrix(
        #"{"metric": {}, "values": [[1, "2"]]}"#,
        extra:
          #", "warnings": ["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"x\"", "PromQL warning: bucket label \"le\" is missing or has a malformed value"]"#
      ),
      message: #"warnings[1]: Prometheus warned of the result: PromQL warning: bucket label "le" is missing"#),
    Bad(
      name: "a partial result",
      json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, "2"]]}"#, extra: #", "isPartial": true"#),
      message: "isPartial: true"),
    Bad(
      name: "an instant query",
      json:
        #"{"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1700000000, "2"]}]}}"#,
      message:
        #"data.resultType: expected "matrix" (a range query, /api/v1/query_range), found "vector": an instant query's one value"#
    ),
    Bad(
      name: "a scalar", json: #"{"status": "success", "data": {"resultType": "scalar", "result": [1700000000, "2"]}}"#,
      message: #"data.resultType: expected "matrix" (a range query, /api/v1/query_range), found "scalar""#),
    Bad(
      name: "native histograms",
      json: PrometheusFormatTests.matrix(
        #"{"metric": {}, "histograms": [[1700000000, {"count": "3", "sum": "0.6", "buckets": [[0, "0.1", "0.2", "3"]]}]]}"#
      ),
      message: "data.result[0].histograms: native histogram samples are not read"),
    Bad(
      name: "floats and native histograms",
      json: PrometheusFormatTests.matrix(
        #"{"metric": {}, "values": [[1, "2"]], "histograms": [[2, {"count": "3", "sum": "0.6"}]]}"#),
      message: "data.result[0].histograms: native histogram samples are not read"),
    Bad(
      name: "NaN", json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, "2"], [2, "NaN"]]}"#),
      message: "data.result[0].values[1]: expected [unix time, \"finite number\"]"),
    Bad(
      name: "+Inf", json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, "+Inf"]]}"#),
      message: "data.result[0].values[0]: expected [unix time, \"finite number\"]"),
    Bad(
      name: "-Inf", json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, "-Inf"]]}"#),
      message: "data.result[0].values[0]: expected [unix time, \"finite number\"]"),
    Bad(
      name: "a number not a string", json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, 2]]}"#),
      message: "data.result[0].values[0]: expected [unix time, \"finite number\"]"),
    Bad(
      name: "a value below 0",
      json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[1, "2"], [2, "-1e-03"]]}"#),
      message: #"data.result[0].values[1][1]: "-1e-03" is below 0"#),
    Bad(
      name: "times out of order",
      json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": [[15, "1"], [15, "1"]]}"#),
      message: "data.result[0].values[1]: time 15.0 not after the sample before"),
    Bad(
      name: "a series without samples", json: PrometheusFormatTests.matrix(#"{"metric": {}, "values": []}"#),
      message: "data.result[0].values: expected a list of [time, \"value\"], one or more"),
    Bad(
      name: "no series", json: PrometheusFormatTests.matrix(""),
      message: "data.result: empty (the query matched no series)"),
    Bad(
      name: "labels not strings", json: PrometheusFormatTests.matrix(#"{"metric": {"le": 0.1}, "values": [[1, "2"]]}"#),
      message: "data.result[0]: expected {\"metric\""),
  ])
  func refusesWhatIsNoRangeOfFloats(_ bad: Bad) throws {
    let error = Self.refusal(bad.json)
    #expect(error?.file == "c4.cpu.json")
    #expect(error?.message.hasPrefix(bad.message) == true, "\(error?.message ?? "no error")")
  }

  /// le as Prometheus writes it (Go's float syntax: "5e-03", "1e+00", "+Inf"); "-Inf" is no
  /// upper bound of a duration.
  @Test func readsBucketBoundsInGoSyntax() throws {
    let data = LatencyHistogramTests.range([(["le": "5e-03"], [10]), (["le": "1e+00"], [20]), (["le": "+Inf"], [20])])
    let h = try LatencyHistogram(
      file: "c4.latency.json", range: try PrometheusRange(file: "c4.latency.json", data: data))
    #expect(h.buckets.map(\.upperBound) == [0.005, 1, .infinity])
    let minus = LatencyHistogramTests.range([(["le": "-Inf"], [1]), (["le": "+Inf"], [2])])
    let error = #expect(throws: MeasurementError.self) {
      try LatencyHistogram(file: "c4.latency.json", range: try PrometheusRange(file: "c4.latency.json", data: minus))
    }
    #expect(
      error?.message.hasPrefix(#"data.result[0].metric.le: expected an upper bound in seconds or "+Inf", found "-Inf""#)
        == true)
  }

  /// Buckets by pod (no sum by le in the query), one pod replaced halfway: each bound is summed
  /// step by step, as sum by (le) would.
  @Test func sumsTheBucketsOfOneBoundStepByStep() throws {
    let result = [
      (["le": "0.1", "pod": "app-1"], [(0, 10.0), (15, 10)]), (["le": "+Inf", "pod": "app-1"], [(0, 20.0), (15, 20)]),
      (["le": "0.1", "pod": "app-2"], [(30, 10.0), (45, 10)]),
      (["le": "+Inf", "pod": "app-2"], [(30, 20.0), (45, 20)]),
    ].map { labels, samples in
      "{\"metric\": {\"le\": \"\(labels["le"]!)\", \"pod\": \"\(labels["pod"]!)\"}, \"values\": ["
        + samples.map { "[\($0.0), \"\($0.1)\"]" }.joined(separator: ", ") + "]}"
    }
    let range = try PrometheusRange(
      file: "c4.latency.json", data: Data(Self.matrix(result.joined(separator: ", ")).utf8))
    let h = try LatencyHistogram(file: "c4.latency.json", range: range)
    // 20 requests/s at every step, half within 0.1 s (not 40/s counted from each pod's average)
    #expect(h.buckets.map(\.count) == [10, 20])
    #expect(abs(h.quantile(0.25) - 0.05) < 1e-12)
  }
}
