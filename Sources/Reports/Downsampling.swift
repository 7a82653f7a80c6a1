/// One point of a chart series: x in simulated seconds, y in the chart's unit.
///
/// A y that is not finite (`ChartPoint.gap`) is a window without an observation: the line
/// breaks there instead of bridging it.
package struct ChartPoint: Hashable, Sendable {
  package var x: Double
  package var y: Double

  package init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// No observation at `x`.
  package static func gap(at x: Double) -> ChartPoint { ChartPoint(x: x, y: .nan) }

  package var isGap: Bool { !y.isFinite }
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

/// Reduces long series to a drawable number of points without losing their peaks or gaps.
///
/// A year of hourly windows is 8,760 points per series; drawn as is they make a large file and
/// a solid smear. Averaging buckets would hide exactly what capacity planning looks for (the
/// hour the p95 went through the roof), so each bucket keeps its minimum and maximum: charts
/// draw the maximum as the line and min–max as a band.
package enum Downsampling {
  /// About one point per two pixels on a report-wide chart.
  package static let maximumPoints = 600

  /// Splits `points` (sorted by x) into at most `maximumCount` buckets of equal point count, in
  /// runs that a gap separates.
  ///
  /// A bucket with no finite point is a gap: the line breaks there. With no more points than
  /// `maximumCount`, every point is a bucket of its own and every gap breaks the line; a gap
  /// shorter than a bucket (under two pixels) is drawn over.
  /// - Complexity: O(n).
  package static func segments(_ points: [ChartPoint], maximumCount: Int = maximumPoints) -> [[ChartBucket]] {
    precondition(maximumCount > 0, "maximumCount must be positive, found \(maximumCount)")
    guard !points.isEmpty else { return [] }
    let size = (points.count + maximumCount - 1) / maximumCount
    var out: [[ChartBucket]] = []
    var run: [ChartBucket] = []
    var i = 0
    while i < points.count {
      let slice = points[i..<Swift.min(i + size, points.count)]
      i += size
      var lo = Double.infinity
      var hi = -Double.infinity
      var sum = 0.0
      var count = 0
      var xFrom = 0.0
      var xTo = 0.0
      for p in slice where !p.isGap {
        if count == 0 { xFrom = p.x }
        xTo = p.x
        lo = Swift.min(lo, p.y)
        hi = Swift.max(hi, p.y)
        sum += p.y
        count += 1
      }
      guard count > 0 else {
        if !run.isEmpty { out.append(run) }
        run = []
        continue
      }
      run.append(ChartBucket(xFrom: xFrom, xTo: xTo, min: lo, max: hi, mean: sum / Double(count), count: count))
    }
    if !run.isEmpty { out.append(run) }
    return out
  }

  /// The buckets of every segment, in order: `segments` without the breaks.
  package static func buckets(_ points: [ChartPoint], maximumCount: Int = maximumPoints) -> [ChartBucket] {
    segments(points, maximumCount: maximumCount).flatMap { $0 }
  }
}
