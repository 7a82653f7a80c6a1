/// One point of a chart series: x in simulated seconds, y in the chart's unit.
package struct ChartPoint: Hashable, Sendable {
  package var x: Double
  package var y: Double

  package init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// Consecutive points drawn as one: their span, extremes and mean.
package struct ChartBucket: Hashable, Sendable {
  /// First and last x of the points in the bucket, and where the bucket is drawn (their middle).
  package var xFrom: Double
  package var xTo: Double
  package var x: Double { (xFrom + xTo) / 2 }
  package var min: Double
  package var max: Double
  package var mean: Double
  package var count: Int
}

/// Reduces long series to a drawable number of points without losing their peaks.
///
/// A year of hourly windows is 8,760 points per series; drawn as is they make a large file and
/// a solid smear. Averaging buckets would hide exactly what capacity planning looks for (the
/// hour the p95 went through the roof), so each bucket keeps its minimum and maximum: charts
/// draw the maximum as the line and min–max as a band.
package enum Downsampling {
  /// About one point per two pixels on a report-wide chart.
  package static let maximumPoints = 600

  /// Splits `points` (sorted by x) into at most `maximumCount` buckets of equal point count.
  ///
  /// Points with a non-finite y are left out. With no more points than `maximumCount`, every
  /// point is a bucket of its own.
  /// - Complexity: O(n).
  package static func buckets(_ points: [ChartPoint], maximumCount: Int = maximumPoints) -> [ChartBucket] {
    precondition(maximumCount > 0, "maximumCount must be positive, found \(maximumCount)")
    let finite = points.filter { $0.y.isFinite }
    guard !finite.isEmpty else { return [] }
    let size = (finite.count + maximumCount - 1) / maximumCount
    var out: [ChartBucket] = []
    out.reserveCapacity((finite.count + size - 1) / size)
    var i = 0
    while i < finite.count {
      let slice = finite[i..<Swift.min(i + size, finite.count)]
      var lo = Double.infinity
      var hi = -Double.infinity
      var sum = 0.0
      for p in slice {
        lo = Swift.min(lo, p.y)
        hi = Swift.max(hi, p.y)
        sum += p.y
      }
      out.append(
        ChartBucket(
          xFrom: slice.first!.x, xTo: slice.last!.x, min: lo, max: hi, mean: sum / Double(slice.count),
          count: slice.count))
      i += size
    }
    return out
  }
}
