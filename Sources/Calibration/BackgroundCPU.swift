/// CPU a server burns whatever its load (garbage collection, health checks, metrics scrapes),
/// seen in busy-core exports as an intercept: U = U0 + X D across load levels. Dividing busy
/// cores by the rate charges all of U0 to the requests, most at the lightest level, whose D the
/// fit starts from (0.2 cores of background at 20 requests/s adds 10 ms to each).
///
/// The least-squares line of busy cores on the request rate over the levels gives U0 (Menascé,
/// Almeida and Dowdy, *Performance by Design*, 2004, ch. 12: service demands by regression).
/// A negative intercept (demand that grows with load) is no background and is left as it is.
package struct BackgroundCPU: Hashable, Sendable {
  /// Busy cores at no load.
  package var cores: Double
  /// The slope: CPU seconds per request once the background is out.
  package var demand: Double

  /// Busy cores of a level, from the demand it carries (busy / the rate the CPU served).
  static func busy(_ level: MeasuredLevel) -> (rate: Double, cores: Double)? {
    guard let d = level.serverDemand else { return nil }
    let rate = level.server?.requestRate ?? level.throughput
    return (rate, d * rate)
  }

  /// The background of `levels` (those with CPU demands), nil when there is none to speak of:
  /// fewer than two rates, no positive slope, an intercept below 0 or under `share` of the
  /// lightest level's busy cores (noise, not background).
  package init?(_ levels: [MeasuredLevel], share: Double = 0.05) {
    let points = levels.compactMap(Self.busy)
    guard points.count >= 2, points.count == levels.count else { return nil }
    let n = Double(points.count)
    let mx = points.reduce(0) { $0 + $1.rate } / n
    let my = points.reduce(0) { $0 + $1.cores } / n
    let sxx = points.reduce(0) { $0 + ($1.rate - mx) * ($1.rate - mx) }
    let sxy = points.reduce(0) { $0 + ($1.rate - mx) * ($1.cores - my) }
    guard sxx > 0 else { return nil }
    let slope = sxy / sxx
    let intercept = my - slope * mx
    guard slope > 0, let lightest = points.min(by: { $0.rate < $1.rate }), intercept > share * lightest.cores
    else { return nil }
    cores = intercept
    demand = slope
  }

  /// `level` with the background taken out of its demand.
  package func removed(from level: MeasuredLevel) -> MeasuredLevel {
    guard let (rate, busy) = Self.busy(level), rate > 0 else { return level }
    var out = level
    out.serverDemand = max(busy - cores, 0) / rate
    return out
  }
}
