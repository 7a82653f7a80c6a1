import Foundation

/// A classic Prometheus histogram of request durations, from a range export of its buckets'
/// rates:
///
///     sum by (le) (rate(http_server_requests_seconds_bucket{pod=~"crm-de-.*"}[1m]))
///
/// one series per upper bound `le` (seconds, `"+Inf"` for the last), each a cumulative count:
/// the requests per second at or below `le`. Each bucket's rate is averaged over the export,
/// then quantiles follow PromQL's `histogram_quantile` (below).
package struct LatencyHistogram: Hashable, Sendable {
  /// Requests per second with a duration at or below `upperBound` seconds.
  package struct Bucket: Hashable, Sendable {
    package var upperBound: Double
    package var count: Double

    package init(upperBound: Double, count: Double) {
      self.upperBound = upperBound
      self.count = count
    }
  }

  /// Ascending by upper bound, one per bound, cumulative counts never falling, the last +Inf.
  package private(set) var buckets: [Bucket]

  /// Reads a range export of a histogram's buckets.
  ///
  /// - Throws: ``MeasurementError`` naming the key path: a series without `le`
  ///   (`data.result[2].metric.le`) or with one that is not a number, no `"+Inf"` bucket, fewer
  ///   than 2 buckets, or no requests counted.
  package init(file: String, range: PrometheusRange) throws(MeasurementError) {
    // Series of one bound ("0.1" and "0.10", or one per pod) are summed step by step before the
    // time-average, as `sum by (le)` would, so a pod there for part of the test is not
    // counted as if there all along.
    var byBound: [Double: [PrometheusRange.Series]] = [:]
    for (i, s) in range.series.enumerated() {
      guard let le = s.labels["le"] else {
        throw MeasurementError(
          file: file,
          "data.result[\(i)].metric.le: missing (a histogram export is one series per bucket: sum by (le) (rate(..._bucket[1m])))")
      }
      // Go's float syntax, as Prometheus writes le: "0.005", "1e+00", "+Inf".
      guard let bound = Double(le), !bound.isNaN, bound > -.infinity else {
        throw MeasurementError(file: file, "data.result[\(i)].metric.le: expected an upper bound in seconds or \"+Inf\", found \"\(le)\"")
      }
      byBound[bound, default: []].append(s)
    }
    let buckets = byBound.map { Bucket(upperBound: $0.key, count: PrometheusRange.meanOfSum($0.value)) }
    do { try self.init(buckets: buckets) } catch { throw MeasurementError(file: file, "data.result: \(error)") }
  }

  /// Buckets in any order, several with the same bound allowed (they are summed).
  ///
  /// - Throws: ``HistogramError`` when they are no histogram to take a quantile of.
  package init(buckets: [Bucket]) throws(HistogramError) {
    // The rules of histogram_quantile for classic histograms, restated from Prometheus
    // (promql/quantile.go, BucketQuantile, coalesceBuckets, ensureMonotonicAndIgnoreSmallDeltas,
    // at d15adb9): sort by bound; the highest must be +Inf; buckets of one bound are summed;
    // counts are made monotone; fewer than 2 buckets or no observations give no quantile
    // (NaN there, an error here, where the export is the whole input).
    let sorted = buckets.sorted { $0.upperBound < $1.upperBound }
    guard let last = sorted.last, last.upperBound == .infinity else {
      throw .noInfBucket(sorted.map(\.upperBound))
    }
    var merged: [Bucket] = []
    for b in sorted {
      if merged.last?.upperBound == b.upperBound { merged[merged.count - 1].count += b.count } else { merged.append(b) }
    }
    Self.makeMonotone(&merged)
    guard merged.count >= 2 else {
      throw .tooFewBuckets(merged.count)
    }
    guard merged[merged.count - 1].count > 0 else {
      throw .noRequests
    }
    self.buckets = merged
  }

  /// Requests per second, all buckets.
  package var count: Double { buckets[buckets.count - 1].count }

  /// The q-quantile of the durations, seconds, as `histogram_quantile(q, ...)` gives it: the
  /// first bucket whose count reaches the rank q x count, linear inside it (from 0 for the
  /// first bucket when its bound is above 0, else that bound); a rank in the +Inf bucket gives
  /// the highest finite bound.
  package func quantile(_ q: Double) -> Double {
    precondition(q >= 0 && q <= 1, "quantile \(q) outside 0...1")
    let rank = q * count
    // The +Inf bucket is left out of the search, as Prometheus does: not found means +Inf.
    guard let b = buckets.dropLast().firstIndex(where: { $0.count >= rank }) else {
      return buckets[buckets.count - 2].upperBound
    }
    if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
    let start = b == 0 ? 0 : buckets[b - 1].upperBound
    let below = b == 0 ? 0 : buckets[b - 1].count
    let inside = buckets[b].count - below
    return start + (buckets[b].upperBound - start) * (rank - below) / inside
  }

  /// Prometheus's fix for cumulative counts that fall from one bound to the next (inconsistent
  /// scrapes, float error in sums): a difference below a relative 1e-12 is taken as equal, any
  /// other fall is raised to the count before it (the envelope).
  static func makeMonotone(_ buckets: inout [Bucket]) {
    guard var previous = buckets.first?.count else { return }
    for i in buckets.indices.dropFirst() {
      let current = buckets[i].count
      if current == previous { continue }
      if isNegligible(previous, current) || current < previous {
        buckets[i].count = previous
      } else {
        previous = current
      }
    }
  }

  /// Prometheus's `almost.Equal(a, b, 1e-12)`: the difference below 1e-12 of the sum (of the
  /// smallest normal double when either is 0).
  static func isNegligible(_ a: Double, _ b: Double) -> Bool {
    let tolerance = 1e-12
    let difference = abs(a - b)
    let sum = abs(a) + abs(b)
    if a == 0 || b == 0 || sum < Double.leastNormalMagnitude { return difference < tolerance * Double.leastNormalMagnitude }
    return difference / min(sum, Double.greatestFiniteMagnitude) < tolerance
  }
}

/// Why buckets are no histogram to take a quantile of (`histogram_quantile` gives NaN).
package enum HistogramError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The highest bound is not +Inf: the count of all requests is missing. Carries the bounds found.
  case noInfBucket([Double])
  /// Fewer than 2 distinct bounds.
  case tooFewBuckets(Int)
  /// The +Inf bucket counted nothing.
  case noRequests

  package var description: String {
    switch self {
    case .noInfBucket(let bounds):
      "no bucket with le \"+Inf\" (the count of all requests); found le \(bounds.map { "\($0)" }.joined(separator: ", "))"
    case .tooFewBuckets(let n): "\(n) bucket\(n == 1 ? "" : "s"): a quantile needs 2 or more"
    case .noRequests: "the histogram counted no requests (its +Inf bucket's rate is 0 over the export)"
    }
  }
}
