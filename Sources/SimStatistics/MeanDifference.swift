import CGSL

/// How far a mean over replications lies above a bound, or above a multiple of another such
/// mean, with the standard error and degrees of freedom of Student's t (one sample) or of
/// Welch's test (two independent samples), for one-sided tests either way.
package struct MeanDifference: Sendable, Hashable {
  /// The estimated difference.
  package var value: Double
  package var standardError: Double
  /// n - 1 for one sample; Welch-Satterthwaite for two (fractional).
  package var degrees: Double

  package init(value: Double, standardError: Double, degrees: Double) {
    self.value = value
    self.standardError = standardError
    self.degrees = degrees
  }

  /// `a.mean - bound`; nil without a standard deviation (fewer than two replications).
  package init?(_ a: Estimate, minus bound: Double) {
    guard let s = a.standardDeviation, a.count >= 2 else { return nil }
    self.init(value: a.mean - bound, standardError: s / Double(a.count).squareRoot(), degrees: Double(a.count - 1))
  }

  /// `a.mean - k * b.mean - c` for independent samples (Welch); nil when either has fewer than
  /// two replications.
  package init?(_ a: Estimate, minus k: Double, times b: Estimate, minus c: Double = 0) {
    guard let sa = a.standardDeviation, let sb = b.standardDeviation, a.count >= 2, b.count >= 2 else { return nil }
    let va = sa * sa / Double(a.count)
    let vb = k * k * sb * sb / Double(b.count)
    let variance = va + vb
    // Welch-Satterthwaite; with no spread on either side the degrees do not matter.
    let denominator = va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1)
    self.init(
      value: a.mean - k * b.mean - c, standardError: variance.squareRoot(),
      degrees: denominator > 0 ? variance * variance / denominator : Double(a.count + b.count - 2))
  }

  /// The p-value of "the true difference is at most 0": small when it is clearly above 0.
  package var pAbove: Double { Self.upperTail(value, standardError, degrees) }

  /// The p-value of "the true difference is at least 0": small when it is clearly below 0.
  ///
  /// With no spread, a difference of exactly 0 counts as below: a target is met when reached
  /// (availability 100% against a target of 100%), and would otherwise stay undecided at any
  /// number of replications.
  package var pBelow: Double {
    guard standardError > 0 else { return value <= 0 ? 0 : 1 }
    return Self.upperTail(-value, standardError, degrees)
  }

  /// P(T > x / se). With no spread at all (every replication the same), the values are taken
  /// as exact: 0 when x > 0, else 1.
  static func upperTail(_ x: Double, _ se: Double, _ degrees: Double) -> Double {
    guard se > 0 else { return x > 0 ? 0 : 1 }
    return gsl_cdf_tdist_Q(x / se, degrees)
  }
}
