import Testing

extension Double {
  /// Whether `self` and `other` differ by at most `absoluteTolerance` or by at most
  /// `relativeTolerance` times the larger magnitude.
  ///
  /// Same contract as swift-numerics' `isApproximatelyEqual(to:absoluteTolerance:
  /// relativeTolerance:)`, which is not a dependency here: reflexive and symmetric, not
  /// transitive; non-finite values are equal only if identical.
  func isApproximatelyEqual(
    to other: Double,
    absoluteTolerance: Double = 0,
    relativeTolerance: Double = 0
  ) -> Bool {
    if self == other { return true }
    guard isFinite, other.isFinite else { return false }
    let scale = Swift.max(abs(self), abs(other))
    return abs(self - other) <= Swift.max(absoluteTolerance, relativeTolerance * scale)
  }
}

/// Expects `actual` to match `expected` within the tolerances, printing both if not.
func expectClose(
  _ actual: Double,
  _ expected: Double,
  relative: Double = 0,
  absolute: Double = 0,
  _ what: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.isApproximatelyEqual(
      to: expected, absoluteTolerance: absolute, relativeTolerance: relative),
    "\(what) actual \(actual), expected \(expected) (rel \(relative), abs \(absolute))",
    sourceLocation: sourceLocation
  )
}

/// Tolerance for reference values quoted to 8 significant digits: rounding them costs at most
/// 5e-8 relative, so 1e-6 passes any correct formula and fails any wrong one we know of.
let referenceTolerance = 1e-6

/// Integrates `f` over [a, b] with composite Simpson's rule on `intervals` (even) pieces.
func simpson(_ a: Double, _ b: Double, intervals: Int = 2_000, _ f: (Double) -> Double) -> Double {
  let h = (b - a) / Double(intervals)
  var sum = f(a) + f(b)
  for i in 1..<intervals {
    sum += (i.isMultiple(of: 2) ? 2 : 4) * f(a + Double(i) * h)
  }
  return sum * h / 3
}
