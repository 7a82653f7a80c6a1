import Foundation
import Testing

import Calibration

/// A Prometheus export of a latency histogram's buckets: quantiles by PromQL's
/// `histogram_quantile` rules (hand-computed cases) and located errors.
@Suite struct LatencyHistogramTests {
  /// A `/api/v1/query_range` response, one series per (labels, sample values).
  static func range(_ series: [([String: String], [Double])]) -> Data {
    let result = series.map { labels, values in
      [
        "metric": labels,
        "values": values.enumerated().map { i, v in [1_733_400_000 + 15 * i, "\(v)"] as [Any] },
      ] as [String: Any]
    }
    let root: [String: Any] = ["status": "success", "data": ["resultType": "matrix", "result": result]]
    return try! JSONSerialization.data(withJSONObject: root)
  }

  static func histogram(_ buckets: [(le: String, rate: Double)]) throws -> LatencyHistogram {
    let data = range(buckets.map { (["le": $0.le], [$0.rate]) })
    return try LatencyHistogram(file: "l.latency.json", range: try PrometheusRange(file: "l.latency.json", data: data))
  }

  static func buckets(_ pairs: [(Double, Double)]) throws -> LatencyHistogram {
    try LatencyHistogram(buckets: pairs.map { LatencyHistogram.Bucket(upperBound: $0.0, count: $0.1) })
  }

  @Test func interpolatesLinearlyInsideTheBucketOfTheRank() throws {
    // 40 requests/s: 10 at or below 0.1 s, 30 at or below 0.2 s, all 40 at or below 0.5 s.
    let h = try Self.histogram([("0.1", 10), ("0.2", 30), ("0.5", 40), ("+Inf", 40)])
    // p50: rank 20 in (0.1, 0.2], 10 of its 20 above the rank below: 0.1 + 0.1 x 10/20
    #expect(abs(h.quantile(0.5) - 0.15) < 1e-12)
    // p95: rank 38 in (0.2, 0.5], 8 of its 10: 0.2 + 0.3 x 8/10
    #expect(abs(h.quantile(0.95) - 0.44) < 1e-12)
  }

  @Test func aRankInTheInfBucketGivesTheHighestFiniteBound() throws {
    // 2 of 10 requests/s above 0.2 s: p95 (rank 9.5) and p99 fall in (0.2, +Inf]
    let h = try Self.histogram([("+Inf", 10), ("0.1", 5), ("0.2", 8)])
    #expect(h.quantile(0.95) == 0.2 && h.quantile(0.99) == 0.2)
  }

  @Test func theFirstBucketStartsAtZeroWhenItsBoundIsAbove() throws {
    // rank 5 of 20 in the first bucket (0, 0.1]: 0.1 x 5/10
    #expect(abs(try Self.buckets([(0.1, 10), (0.2, 20), (.infinity, 20)]).quantile(0.25) - 0.05) < 1e-12)
    // a first bound at or below 0 is returned as it is (not interpolated from 0)
    #expect(try Self.buckets([(-1, 4), (1, 8), (.infinity, 8)]).quantile(0.25) == -1)
  }

  @Test func seriesOfOneBoundAreSummedAndAveragedOverTime() throws {
    // Two pods' buckets (not summed by le in the query); "0.10" is the bound 0.1. Over time
    // the first pod's 0.1 bucket averages (4 + 6) / 2 = 5.
    let data = Self.range([
      (["le": "0.1", "pod": "app-1"], [4, 6]), (["le": "0.10", "pod": "app-2"], [5, 5]),
      (["le": "0.2", "pod": "app-1"], [10, 10]), (["le": "0.2", "pod": "app-2"], [10, 10]),
      (["le": "+Inf", "pod": "app-1"], [10, 10]), (["le": "+Inf", "pod": "app-2"], [10, 10]),
    ])
    let h = try LatencyHistogram(file: "l.json", range: try PrometheusRange(file: "l.json", data: data))
    #expect(h.buckets.map(\.upperBound) == [0.1, 0.2, .infinity])
    #expect(h.buckets.map(\.count) == [10, 20, 20])
    // p75: rank 15 in (0.1, 0.2]: 0.1 + 0.1 x 5/10
    #expect(abs(h.quantile(0.75) - 0.15) < 1e-12)
  }

  @Test func countsThatFallAreRaisedAsPrometheusDoes() throws {
    // 8 below 10 at 0.2 s: raised to 10. Then p75, rank 15 in (0.2, 0.4]: 0.2 + 0.2 x 5/10
    // (unfixed it would be 0.2 + 0.2 x 7/12).
    let h = try Self.buckets([(0.1, 10), (0.2, 8), (0.4, 20), (.infinity, 20)])
    #expect(h.buckets.map(\.count) == [10, 10, 20, 20])
    #expect(abs(h.quantile(0.75) - 0.3) < 1e-12)
    // A difference below a relative 1e-12 is float error: taken as equal, in either direction.
    let tiny = try Self.buckets([(0.1, 10), (0.2, 10 + 1e-13), (0.4, 20), (.infinity, 20)])
    #expect(tiny.buckets.map(\.count) == [10, 10, 20, 20])
  }

  struct BadExport: CustomTestStringConvertible, Sendable {
    var name: String
    var buckets: [([String: String], Double)]
    var message: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    BadExport(name: "a series without le", buckets: [(["le": "0.1"], 1), ([:], 2)], message: "data.result[1].metric.le: missing"),
    BadExport(
      name: "an unparsable le", buckets: [(["le": "0.1s"], 1), (["le": "+Inf"], 2)],
      message: "data.result[0].metric.le: expected an upper bound in seconds or \"+Inf\", found \"0.1s\""),
    BadExport(
      name: "no +Inf bucket", buckets: [(["le": "0.1"], 1), (["le": "0.2"], 2)],
      message: "data.result: no bucket with le \"+Inf\""),
    BadExport(
      name: "fewer than 2 buckets", buckets: [(["le": "+Inf"], 1), (["le": "+Inf"], 2)],
      message: "data.result: 1 bucket: a quantile needs 2 or more"),
    BadExport(
      name: "zero count", buckets: [(["le": "0.1"], 0), (["le": "+Inf"], 0)],
      message: "data.result: the histogram counted no requests"),
  ])
  func aBadHistogramIsAnErrorAtItsKeyPath(_ bad: BadExport) throws {
    let data = Self.range(bad.buckets.map { ($0.0, [$0.1]) })
    let error = #expect(throws: MeasurementError.self) {
      try LatencyHistogram(file: "c4.latency.json", range: try PrometheusRange(file: "c4.latency.json", data: data))
    }
    #expect(error?.file == "c4.latency.json")
    #expect(error?.message.hasPrefix(bad.message) == true, "\(error?.message ?? "no error")")
  }
}
