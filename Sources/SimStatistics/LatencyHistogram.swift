import Histogram

/// Response times in seconds, for percentiles, in constant memory.
///
/// Values are recorded in microseconds into an HdrHistogram with 3 significant digits: any
/// percentile is within 0.1% of the exact empirical quantile (relative), plus 1 microsecond
/// (absolute) for values below 1 ms. Values beyond the initial range (about 12 days) resize the
/// histogram rather than being dropped.
///
/// `public` and `@inlinable` where the hot path records, for cross-module specialization.
public struct LatencyHistogram: Sendable {
  @usableFromInline var histogram: Histogram<UInt64>

  /// Recorded values per second.
  @usableFromInline static let ticksPerSecond = 1e6

  package init() {
    histogram = Histogram(highestTrackableValue: 1 << 40, numberOfSignificantValueDigits: .three)
    histogram.autoResize = true
  }

  /// Records one duration; negative values are a programmer error.
  @inlinable
  public mutating func record(_ seconds: Double) {
    let ticks = UInt64((seconds * Self.ticksPerSecond).rounded())
    _ = histogram.record(ticks)
  }

  /// Number of values recorded.
  package var count: UInt64 { histogram.totalCount }

  /// The `quantile` (in 0...1) of the recorded values, in seconds; nil when empty.
  package func quantile(_ quantile: Double) -> Double? {
    guard histogram.totalCount > 0 else { return nil }
    let ticks = histogram.valueAtPercentile(quantile * 100)
    return Double(ticks) / Self.ticksPerSecond
  }

  /// Adds every value recorded in `other`.
  package mutating func merge(_ other: LatencyHistogram) {
    histogram.add(other.histogram)
  }
}
