/// Percentiles of nonnegative random variables by bracketing and bisection.
///
/// Bisection needs only monotonicity, so it also works where the distribution function has kinks
/// (M/D/1) or atoms at 0 (waiting times); it halves the bracket until its width is below
/// `relativeTolerance` times its upper end.
enum _RootFinding {
  /// Relative width at which bisection stops: 100 times tighter than the 1e-10 the module
  /// promises, so the returned midpoint is well inside it.
  static let relativeTolerance = 1e-12

  /// Returns the smallest `t >= 0` with `cdf(t) >= p`, up to `relativeTolerance`.
  ///
  /// `cdf` may return `nil` where it cannot be evaluated accurately, provided that happens only
  /// beyond some `t` (as for the M/D/1 alternating sum). Such points are treated as lying above
  /// the answer, and the search fails only when the answer itself lies there.
  ///
  /// - Parameters:
  ///   - p: Probability level in (0, 1); the caller has checked it.
  ///   - scale: A typical magnitude of the variable (its mean, say) to start bracketing from.
  ///   - cdf: Nondecreasing distribution function, or `nil` where it cannot be evaluated.
  /// - Returns: The percentile, or `nil` if it lies where `cdf` cannot be evaluated.
  static func percentile(
    _ p: Double,
    scale: Double,
    cdf: (Double) -> Double?
  ) -> Double? {
    guard let atZero = cdf(0) else { return nil }
    if atZero >= p { return 0 }
    var lower = 0.0
    var upper = scale > 0 && scale.isFinite ? scale : 1
    // Doubling finds a bracket in about log2(percentile / scale) steps.
    while let value = cdf(upper), value < p {
      lower = upper
      upper *= 2
      if !upper.isFinite { return nil }
    }
    for _ in 0..<400 {
      if upper - lower <= relativeTolerance * upper { break }
      let middle = lower + (upper - lower) / 2
      if middle <= lower || middle >= upper { break }
      if let value = cdf(middle), value < p { lower = middle } else { upper = middle }
    }
    guard let value = cdf(upper), value >= p else { return nil }
    return lower + (upper - lower) / 2
  }
}
