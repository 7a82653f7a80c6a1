import CGSL
import Foundation

/// A non-negative probability distribution of durations (seconds), sampled through GSL.
///
/// Every distribution knows its analytic `mean` and `variance`, which the tests check sampled
/// moments against and the analytic models use directly. Build one with the static factories;
/// they validate parameters and throw `DistributionError` instead of letting GSL abort.
///
/// Parameterizations (each factory states its own):
/// - `exponential(mean:)` / `exponential(rate:)`: GSL `gsl_ran_exponential` takes the mean.
/// - `lognormal(mean:cv:)`: sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2.
/// - `gamma(shape:scale:)`: mean = shape x scale; `erlang(phases:mean:)` is gamma with integer shape.
/// - `weibull(shape:scale:)`: mean = scale x Gamma(1 + 1/shape).
/// - `normal(mean:standardDeviation:)`: truncated at 0 by resampling (a duration cannot be negative).
package struct Distribution: Hashable, Sendable {
  package enum Kind: Hashable, Sendable {
    case exponential(mean: Double)
    case deterministic(value: Double)
    case uniform(low: Double, high: Double)
    case truncatedNormal(mu: Double, sigma: Double)
    case lognormal(mu: Double, sigma: Double)
    case gamma(shape: Double, scale: Double)
    case erlang(phases: Int, mean: Double)
    case weibull(shape: Double, scale: Double)
    case hyperexponential(probabilities: [Double], means: [Double])
    case empirical(samples: [Double])
  }

  package let kind: Kind

  init(_ kind: Kind) {
    // Moments call GSL functions: with its aborting handler on, a bad value would end the process.
    GSL.setUp()
    self.kind = kind
  }
}

/// A distribution parameter that no distribution can have.
package struct DistributionError: Error, Hashable, Sendable, CustomStringConvertible {
  package var message: String
  package var description: String { message }
  init(_ message: String) { self.message = message }
}

// MARK: - Factories

extension Distribution {
  private static func positive(_ value: Double, _ name: String) throws(DistributionError) {
    guard value.isFinite, value > 0 else {
      throw DistributionError("\(name) must be a positive finite number, found \(value)")
    }
  }

  private static func nonNegative(_ value: Double, _ name: String) throws(DistributionError) {
    guard value.isFinite, value >= 0 else {
      throw DistributionError("\(name) must be a finite number >= 0, found \(value)")
    }
  }

  /// `d`, if its mean and variance are finite: the analytic models and the stability checks use
  /// both, and an infinite one would only turn into NaN further on.
  private static func finiteMoments(_ d: Distribution, _ parameters: String) throws(DistributionError) -> Distribution {
    guard d.mean.isFinite else { throw DistributionError("\(parameters) make the mean overflow") }
    guard d.variance.isFinite else { throw DistributionError("\(parameters) make the variance overflow") }
    return d
  }

  /// ln of the largest finite Double, less a margin for the factors around a Gamma function.
  static let logOverflow = log(Double.greatestFiniteMagnitude) - 1

  /// Exponential with the given mean (seconds).
  package static func exponential(mean: Double) throws(DistributionError) -> Distribution {
    try positive(mean, "mean")
    return Distribution(.exponential(mean: mean))
  }

  /// Exponential with the given rate (per second).
  package static func exponential(rate: Double) throws(DistributionError) -> Distribution {
    try positive(rate, "rate")
    return try finiteMoments(Distribution(.exponential(mean: 1 / rate)), "rate \(rate)")
  }

  /// Always `value` seconds.
  package static func deterministic(_ value: Double) throws(DistributionError) -> Distribution {
    try nonNegative(value, "value")
    return Distribution(.deterministic(value: value))
  }

  /// Uniform on [low, high].
  package static func uniform(low: Double, high: Double) throws(DistributionError) -> Distribution {
    try nonNegative(low, "low")
    try nonNegative(high, "high")
    guard high > low else { throw DistributionError("high (\(high)) must exceed low (\(low))") }
    return try finiteMoments(Distribution(.uniform(low: low, high: high)), "low \(low) and high \(high)")
  }

  /// Normal(mean, sd) truncated at 0; `mean` and `standardDeviation` are the untruncated
  /// parameters. `Distribution.mean` reports the truncated mean.
  package static func normal(mean: Double, standardDeviation: Double) throws(DistributionError)
    -> Distribution
  {
    guard mean.isFinite else { throw DistributionError("mean must be finite, found \(mean)") }
    try positive(standardDeviation, "standard deviation")
    guard mean / standardDeviation > -5 else {
      // Below that almost all mass is cut away and rejection sampling would crawl.
      throw DistributionError(
        "mean (\(mean)) is more than 5 standard deviations below 0: truncation at 0 leaves too little")
    }
    return try finiteMoments(
      Distribution(.truncatedNormal(mu: mean, sigma: standardDeviation)),
      "mean \(mean) and standard deviation \(standardDeviation)")
  }

  /// Lognormal with the given mean and coefficient of variation (sd / mean).
  package static func lognormal(mean: Double, cv: Double) throws(DistributionError) -> Distribution {
    try positive(mean, "mean")
    try positive(cv, "cv")
    // The variance is (mean cv)^2; past that overflow sigma would be infinite.
    guard (mean * cv * mean * cv).isFinite, (cv * cv).isFinite else {
      throw DistributionError(
        "mean \(mean) and cv \(cv) make the variance (mean x cv)^2 overflow; cv can be at most \(largestCV(mean: mean))")
    }
    let sigma2 = log(1 + cv * cv)
    return try finiteMoments(
      Distribution(.lognormal(mu: log(mean) - sigma2 / 2, sigma: sigma2.squareRoot())), "mean \(mean) and cv \(cv)")
  }

  /// Gamma with shape k and scale theta (mean k theta, variance k theta^2).
  package static func gamma(shape: Double, scale: Double) throws(DistributionError) -> Distribution {
    try positive(shape, "shape")
    try positive(scale, "scale")
    return try finiteMoments(Distribution(.gamma(shape: shape, scale: scale)), "shape \(shape) and scale \(scale)")
  }

  /// Erlang: the sum of `phases` exponential phases, with total mean `mean`.
  package static func erlang(phases: Int, mean: Double) throws(DistributionError) -> Distribution {
    guard phases >= 1 else { throw DistributionError("phases must be at least 1, found \(phases)") }
    try positive(mean, "mean")
    return try finiteMoments(Distribution(.erlang(phases: phases, mean: mean)), "mean \(mean)")
  }

  /// Weibull with shape k and scale lambda: P(X > x) = exp(-(x / lambda)^k).
  package static func weibull(shape: Double, scale: Double) throws(DistributionError) -> Distribution {
    try positive(shape, "shape")
    try positive(scale, "scale")
    // The variance needs scale^2 Gamma(1 + 2 / shape), which overflows long before the mean's
    // Gamma(1 + 1 / shape) does; checked in logarithms, as GSL would fail on the Gamma itself.
    guard weibullLogSecondMoment(shape: shape, scale: scale) <= logOverflow else {
      let smallest = "with scale \(scale)s the smallest shape is \(smallestWeibullShape(scale: scale))"
      throw DistributionError(
        log(scale) + lgamma(1 + 1 / shape) <= logOverflow
          ? "shape \(shape) makes the variance overflow (scale^2 x Gamma(1 + 2/shape)); \(smallest)"
          : "shape \(shape) makes the mean overflow (scale x Gamma(1 + 1/shape)); \(smallest), "
            + "where the variance (scale^2 x Gamma(1 + 2/shape)) is still finite")
    }
    return try finiteMoments(Distribution(.weibull(shape: shape, scale: scale)), "shape \(shape) and scale \(scale)")
  }

  /// A mixture of exponentials: with probability `p[i]` an exponential with mean `means[i]`.
  package static func hyperexponential(probabilities: [Double], means: [Double]) throws(DistributionError)
    -> Distribution
  {
    guard !probabilities.isEmpty, probabilities.count == means.count else {
      throw DistributionError("a hyperexponential needs one probability per phase mean")
    }
    for p in probabilities where !(p.isFinite && p >= 0) {
      throw DistributionError("phase probabilities must be >= 0, found \(p)")
    }
    for m in means { try positive(m, "phase mean") }
    let total = probabilities.reduce(0, +)
    guard abs(total - 1) <= 1e-9 else {
      throw DistributionError("phase probabilities must sum to 1, found \(total)")
    }
    return try finiteMoments(
      Distribution(.hyperexponential(probabilities: probabilities, means: means)), "phase means \(means)")
  }

  /// Resamples uniformly from observed values (a bootstrap of measured durations).
  package static func empirical(_ samples: [Double]) throws(DistributionError) -> Distribution {
    guard !samples.isEmpty else { throw DistributionError("an empirical distribution needs samples") }
    for s in samples { try nonNegative(s, "sample") }
    return try finiteMoments(Distribution(.empirical(samples: samples)), "samples this large")
  }

  /// ln E[X^2] of a Weibull, scale^2 Gamma(1 + 2 / shape).
  static func weibullLogSecondMoment(shape: Double, scale: Double) -> Double {
    2 * log(scale) + lgamma(1 + 2 / shape)
  }

  /// The smallest Weibull shape whose variance is finite, 3 significant digits rounded up.
  static func smallestWeibullShape(scale: Double) -> String {
    // ln E[X^2] falls as the shape grows; bisect in logarithms of the shape.
    var (low, high) = (log(1e-300), log(1e300))
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if weibullLogSecondMoment(shape: exp(mid), scale: scale) <= logOverflow { high = mid } else { low = mid }
    }
    let shape = exp(high)
    let unit = pow(10, floor(log10(shape)) - 2)
    return String(format: "%.3g", (shape / unit).rounded(.up) * unit)
  }

  /// The largest lognormal cv with a finite variance, 3 significant digits rounded down.
  static func largestCV(mean: Double) -> String {
    let limit = min(Double.greatestFiniteMagnitude.squareRoot() / mean, Double.greatestFiniteMagnitude.squareRoot())
    let unit = pow(10, floor(log10(limit)) - 2)
    return String(format: "%.3g", (limit / unit).rounded(.down) * unit)
  }
}

// MARK: - Moments

extension Distribution {
  /// The analytic mean, in seconds.
  package var mean: Double {
    switch kind {
    case .exponential(let m): return m
    case .deterministic(let v): return v
    case .uniform(let a, let b): return (a + b) / 2
    case .truncatedNormal(let mu, let sigma):
      let (hazard, _) = Self.truncation(mu: mu, sigma: sigma)
      return mu + sigma * hazard
    case .lognormal(let mu, let sigma): return exp(mu + sigma * sigma / 2)
    case .gamma(let k, let theta): return k * theta
    case .erlang(_, let m): return m
    case .weibull(let k, let lambda):
      // GSL's Gamma overflows past 171; the factories keep the result finite, not the factor.
      guard 1 + 1 / k < 171 else { return exp(log(lambda) + lgamma(1 + 1 / k)) }
      return lambda * gsl_sf_gamma(1 + 1 / k)
    case .hyperexponential(let p, let m): return zip(p, m).reduce(0) { $0 + $1.0 * $1.1 }
    case .empirical(let xs): return xs.reduce(0, +) / Double(xs.count)
    }
  }

  /// The analytic variance, in seconds squared.
  package var variance: Double {
    switch kind {
    case .exponential(let m): return m * m
    case .deterministic: return 0
    case .uniform(let a, let b): return (b - a) * (b - a) / 12
    case .truncatedNormal(let mu, let sigma):
      // Johnson, Kotz & Balakrishnan (1994), eq. 13.134, lower truncation at 0.
      let (hazard, alpha) = Self.truncation(mu: mu, sigma: sigma)
      return sigma * sigma * (1 + alpha * hazard - hazard * hazard)
    case .lognormal(let mu, let sigma):
      let s2 = sigma * sigma
      return (exp(s2) - 1) * exp(2 * mu + s2)
    case .gamma(let k, let theta): return k * theta * theta
    case .erlang(let n, let m): return m * m / Double(n)
    case .weibull(let k, let lambda):
      guard 1 + 2 / k < 171 else {
        let second = exp(2 * log(lambda) + lgamma(1 + 2 / k))
        let first = mean
        return second - first * first
      }
      let g1 = gsl_sf_gamma(1 + 1 / k)
      return lambda * lambda * (gsl_sf_gamma(1 + 2 / k) - g1 * g1)
    case .hyperexponential(let p, let m):
      let second = zip(p, m).reduce(0) { $0 + $1.0 * 2 * $1.1 * $1.1 }
      let first = mean
      return second - first * first
    case .empirical(let xs):
      let mu = mean
      return xs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(xs.count)
    }
  }

  /// E[X^2], used by Pollaczek-Khinchine.
  package var secondMoment: Double { variance + mean * mean }

  /// Squared coefficient of variation, variance / mean^2 (1 for exponential).
  package var squaredCV: Double { mean > 0 ? variance / (mean * mean) : 0 }

  /// Inverse Mills ratio phi(alpha) / (1 - Phi(alpha)) at alpha = -mu / sigma, and alpha.
  private static func truncation(mu: Double, sigma: Double) -> (hazard: Double, alpha: Double) {
    let alpha = -mu / sigma
    return (gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha), alpha)
  }
}

// MARK: - Sampling

extension Distribution {
  /// One variate, drawn with `rng`.
  func sample(_ rng: UnsafeMutablePointer<gsl_rng>) -> Double {
    switch kind {
    case .exponential(let m): return gsl_ran_exponential(rng, m)
    case .deterministic(let v): return v
    case .uniform(let a, let b): return gsl_ran_flat(rng, a, b)
    case .truncatedNormal(let mu, let sigma):
      while true {
        let x = mu + gsl_ran_gaussian_ziggurat(rng, sigma)
        if x >= 0 { return x }
      }
    case .lognormal(let mu, let sigma): return gsl_ran_lognormal(rng, mu, sigma)
    case .gamma(let k, let theta): return gsl_ran_gamma(rng, k, theta)
    case .erlang(let n, let m): return gsl_ran_gamma(rng, Double(n), m / Double(n))
    case .weibull(let k, let lambda): return gsl_ran_weibull(rng, lambda, k)
    case .hyperexponential(let p, let m):
      var u = gsl_rng_uniform(rng)
      for i in p.indices.dropLast() {
        if u < p[i] { return gsl_ran_exponential(rng, m[i]) }
        u -= p[i]
      }
      return gsl_ran_exponential(rng, m[m.count - 1])
    case .empirical(let xs): return xs[Int(gsl_rng_uniform_int(rng, UInt(xs.count)))]
    }
  }

  /// Fills `buffer` with variates; one switch per buffer instead of one per draw.
  ///
  /// The common kinds repeat GSL's own algorithms (`gsl_ran_exponential`, `gsl_ran_flat`,
  /// `gsl_ran_lognormal`, polar Box-Muller keeping one of the pair) on uniforms stepped inline
  /// (`_Taus2`), so they consume the stream as GSL would. The exponential takes
  /// `log(1 - u)` for GSL's `log1p(-u)`: `u` has 32 bits, so `1 - u` is exact and both are the
  /// same number, rounded by two functions within an ulp each (within 1e-15 relative on a
  /// million draws, `DistributionTests`). The logarithm is `Logarithm.ln`, inline: libm's
  /// `log` was a tenth of an M/M/4 run.
  func fill(_ buffer: UnsafeMutableBufferPointer<Double>, _ rng: UnsafeMutablePointer<gsl_rng>) {
    if gsl_rng_size(rng) == MemoryLayout<UInt>.size * 3, rng.pointee.type == capsim_rng_type() {
      if fillInline(buffer, _Taus2(rng)) { return }
    }
    switch kind {
    case .exponential(let m):
      for i in buffer.indices { buffer[i] = gsl_ran_exponential(rng, m) }
    case .deterministic(let v):
      buffer.update(repeating: v)
    case .uniform(let a, let b):
      for i in buffer.indices { buffer[i] = gsl_ran_flat(rng, a, b) }
    case .lognormal(let mu, let sigma):
      for i in buffer.indices { buffer[i] = gsl_ran_lognormal(rng, mu, sigma) }
    default:
      for i in buffer.indices { buffer[i] = sample(rng) }
    }
  }

  /// `fill` with inline uniforms for the kinds that dominate a platform run; false for others.
  private func fillInline(_ buffer: UnsafeMutableBufferPointer<Double>, _ taus: _Taus2) -> Bool {
    switch kind {
    case .exponential(let m):
      // 1 - u is in [2^-32, 1]: positive and normal, as `Logarithm.ln` needs. Two loops: the
      // generator's is serial, the logarithms' is not, and the compiler vectorizes it.
      taus.fill(buffer) { u in 1 - u }
      for i in buffer.indices { buffer[i] = -m * Logarithm.ln(buffer[i]) }
    case .uniform(let a, let b):
      taus.fill(buffer) { u in a * (1 - u) + b * u }
    case .lognormal(let mu, let sigma):
      for i in buffer.indices {
        var u = 0.0
        var r2 = 0.0
        repeat {
          u = -1 + 2 * taus.uniform()
          let v = -1 + 2 * taus.uniform()
          r2 = u * u + v * v
        } while r2 > 1.0 || r2 == 0
        buffer[i] = exp(sigma * (u * (-2.0 * log(r2) / r2).squareRoot()) + mu)
      }
    default:
      return false
    }
    return true
  }
}
