import Foundation
import Testing

import Calibration

/// The app's Prometheus exports beside a k6 summary: the server's rate in the CPU demand, the
/// warning when it is not k6's, the mean from the latency sum.
@Suite struct ServerMetricsTests {
  static func range(_ series: [([String: String], [Double])]) -> Data { LatencyHistogramTests.range(series) }

  static let summary = #"{"metrics": {"http_reqs": {"count": 1200, "rate": 40.0}, "http_req_duration": {"avg": 52.5, "p(95)": 140.5}, "vus_max": {"value": 20}}}"#

  @Test func theServersRateGivesTheCPUDemand() throws {
    let k6 = try K6Summary(file: "c20.json", data: Data(Self.summary.utf8))
    // 2 busy cores over k6's 40/s would be 0.05 s per request; the pods served 50/s
    #expect(k6.level(cpuCores: 2).serverDemand == 0.05)
    let level = k6.level(cpuCores: 2, server: ServerMetrics(requestRate: 50, meanLatency: 0.04))
    #expect(level.serverDemand == 0.04)
    // The latency outside the server: 52.5 ms measured by k6, 40 ms by the server
    #expect(abs(level.outsideServer! - 0.0125) < 1e-12)
    #expect(k6.level(cpuCores: 2).outsideServer == nil)
  }

  @Test func ratesMoreThanFivePercentApartAreFlagged() throws {
    let k6 = try K6Summary(file: "c20.json", data: Data(Self.summary.utf8))
    #expect(k6.rateDisagreement(serverRate: 40) == nil)
    #expect(k6.rateDisagreement(serverRate: 41.9) == nil && k6.rateDisagreement(serverRate: 38.1) == nil)
    #expect(k6.rateDisagreement(serverRate: 42.5).map { abs($0 - 0.0625) < 1e-12 } == true)
    #expect(k6.rateDisagreement(serverRate: 37).map { abs($0 + 0.075) < 1e-12 } == true)
    #expect(k6.rateWarning(file: "c20.json", serverRate: 41, rateFile: "c20.rate.json") == nil)
    let warning = try #require(k6.rateWarning(file: "c20.json", serverRate: 42.5, rateFile: "c20.rate.json"))
    #expect(warning.hasPrefix("c20.rate.json: the server's request rate, 42.50/s, is +6.2% from k6's http_reqs rate in c20.json, 40.00/s"), "\(warning)")
  }

  @Test func readsTheExportsBesideASummary() throws {
    let files = [
      "w/c20.rate.json": Self.range([(["pod": "app-1"], [20, 22]), (["pod": "app-2"], [20, 18])]),
      "w/c20.latency.json": Self.range([(["le": "0.1"], [10]), (["le": "0.2"], [30]), (["le": "0.5"], [40]), (["le": "+Inf"], [40])]),
      "w/c20.latency-sum.json": Self.range([([:], [1.2, 2.8])]),
    ]
    let server = try #require(try ServerMetrics(beside: "w/c20.json") { files[$0] })
    #expect(server.requestRate == 40)
    // 2 seconds of latency per second over 40 requests per second
    #expect(abs(server.meanLatency! - 0.05) < 1e-12)
    #expect(abs(server.p50! - 0.15) < 1e-12 && abs(server.p95! - 0.44) < 1e-12)
    #expect(try ServerMetrics(beside: "w/c40.json") { files[$0] } == nil)
    // Two runs of the level: the server's values are averaged, like k6's
    let k6 = try K6Summary(file: "c20.json", data: Data(Self.summary.utf8))
    var other = server
    other.meanLatency = 0.07
    let level = MeasuredLevel.average([k6.level(server: server), k6.level(server: other)])[0]
    #expect(abs(level.server!.meanLatency! - 0.06) < 1e-12 && level.server?.requestRate == 40)
  }

  @Test func aSumWithoutTheRateOrARateOfZeroIsAnError() throws {
    let sum = Self.range([([:], [1])])
    let alone = #expect(throws: MeasurementError.self) {
      try ServerMetrics(beside: "w/c1.json") { $0 == "w/c1.latency-sum.json" ? sum : nil }
    }
    #expect(alone?.file == "w/c1.latency-sum.json" && alone?.message.contains("w/c1.rate.json") == true)
    let zero = #expect(throws: MeasurementError.self) {
      try ServerMetrics(beside: "w/c1.json") { $0 == "w/c1.rate.json" ? Self.range([([:], [0, 0])]) : nil }
    }
    #expect(zero?.file == "w/c1.rate.json" && zero?.message.hasPrefix("data.result: a request rate of 0") == true)
    let idle = #expect(throws: MeasurementError.self) {
      try K6Summary.level(file: "w/c1.json", data: Data(Self.summary.utf8), cores: 2) { $0 == "w/c1.cpu.json" ? Self.range([([:], [0, 0])]) : nil }
    }
    #expect(idle?.file == "w/c1.cpu.json" && idle?.message.hasPrefix("data.result: 0 busy cores") == true, "\(String(describing: idle))")
    let busy = try K6Summary.level(file: "w/c1.json", data: Data(Self.summary.utf8), cores: 2) { $0 == "w/c1.cpu.json" ? Self.range([([:], [1, 3])]) : nil }
    #expect(busy.level.serverDemand == 0.05)
  }
}
