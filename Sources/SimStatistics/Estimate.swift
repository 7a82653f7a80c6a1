import CGSL
import Foundation

/// A quantity estimated from independent replications: mean and a Student-t confidence interval.
///
/// With n replications giving values x_i, the interval is mean +- t_{1 - alpha/2, n-1} s / sqrt(n),
/// s the sample standard deviation. The t quantile comes from GSL (`gsl_cdf_tdist_Pinv`). With one
/// replication there is no interval (`halfWidth` is nil): a single run never claims a precision.
package struct Estimate: Hashable, Sendable, Codable {
  package var mean: Double
  /// Half-width of the confidence interval, in the unit of the mean; nil for n < 2.
  package var halfWidth: Double?
  package var standardDeviation: Double?
  package var count: Int
  package var confidence: Double

  /// - Parameters:
  ///   - values: one value per replication; NaN values (no observation) are left out.
  ///   - confidence: the interval's coverage, 0.95 by default.
  package init(_ values: [Double], confidence: Double = 0.95) {
    let xs = values.filter { !$0.isNaN }
    self.confidence = confidence
    count = xs.count
    guard !xs.isEmpty else {
      mean = .nan
      return
    }
    mean = xs.reduce(0, +) / Double(xs.count)
    guard xs.count >= 2 else { return }
    let m = mean
    let variance = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    let sd = variance.squareRoot()
    standardDeviation = sd
    halfWidth = Self.tQuantile(1 - (1 - confidence) / 2, degrees: xs.count - 1) * sd / Double(xs.count).squareRoot()
  }

  /// The p-quantile of Student's t with `degrees` degrees of freedom.
  package static func tQuantile(_ p: Double, degrees: Int) -> Double {
    gsl_cdf_tdist_Pinv(p, Double(degrees))
  }

  /// Whether `value` lies inside the confidence interval.
  package func contains(_ value: Double) -> Bool {
    guard let h = halfWidth else { return false }
    return abs(value - mean) <= h
  }
}
