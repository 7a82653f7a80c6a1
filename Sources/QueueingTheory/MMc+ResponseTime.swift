#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// Distributions of the FCFS waiting and response times of M/M/c.
//
// The wait Wq is 0 with probability 1 - C and otherwise Y ~ Exp(c mu - lambda) (Kleinrock 1975,
// vol. 1, ch. 3; Gross & Harris, ch. 2). The response time is T = Wq + S with
// S ~ Exp(mu) independent of Wq, so
//   P(T > t) = (1 - C) e^{-mu t} + C P(Y + S > t).
// For c = 1 this collapses to T ~ Exp(mu - lambda).
extension MMc {
  /// Returns P(Wq > t) = C(c, a) e^{-(c mu - lambda) t} for t >= 0, and 1 for t < 0.
  ///
  /// - Parameter t: Time, in the unit of the rates.
  /// - Returns: The probability that a customer waits longer than `t` before service.
  package func waitTimeExceedance(_ t: Double) -> Double {
    guard t >= 0 else { return 1 }
    return waitProbability * exp(-waitingDrainRate * t)
  }

  /// Returns P(T > t) for the response time T = Wq + S, and 1 for t < 0.
  ///
  /// The hypoexponential part P(Y + S > t) is evaluated in a form that has no removable
  /// singularity where `c mu - lambda == mu` (see `_hypoexponentialSurvival`).
  ///
  /// - Parameter t: Time, in the unit of the rates.
  /// - Returns: The probability that a customer spends longer than `t` in the system.
  package func responseTimeExceedance(_ t: Double) -> Double {
    guard t >= 0 else { return 1 }
    if servers == 1 {
      return exp(-(serviceRate - arrivalRate) * t)
    }
    let serviceOnly = exp(-serviceRate * t)
    let waitedToo = Self._hypoexponentialSurvival(waitingDrainRate, serviceRate, at: t)
    return (1 - waitProbability) * serviceOnly + waitProbability * waitedToo
  }

  /// Returns the `p` quantile of the waiting time: the smallest t with P(Wq <= t) >= p.
  ///
  /// Closed form: 0 when `p <= 1 - C`, else `ln(C / (1 - p)) / (c mu - lambda)`.
  ///
  /// - Parameter p: Probability level in (0, 1), e.g. 0.95.
  /// - Returns: The waiting-time percentile in the unit of the rates.
  /// - Throws: ``QueueingTheoryError/invalidProbability(_:)``.
  package func waitTimePercentile(_ p: Double) throws(QueueingTheoryError) -> Double {
    guard p > 0, p < 1 else { throw .invalidProbability(p) }
    let tail = 1 - p
    guard tail < waitProbability else { return 0 }
    return log(waitProbability / tail) / waitingDrainRate
  }

  /// Returns the `p` quantile of the response time: the smallest t with P(T <= t) >= p.
  ///
  /// M/M/1 uses the closed form `-ln(1 - p) / (mu - lambda)`; otherwise bracketing and
  /// bisection on `responseTimeExceedance` to a relative accuracy better than 1e-10.
  ///
  /// - Parameter p: Probability level in (0, 1), e.g. 0.95.
  /// - Returns: The response-time percentile in the unit of the rates.
  /// - Throws: ``QueueingTheoryError/invalidProbability(_:)``.
  package func responseTimePercentile(_ p: Double) throws(QueueingTheoryError) -> Double {
    guard p > 0, p < 1 else { throw .invalidProbability(p) }
    if servers == 1 {
      return -log1p(-p) / (serviceRate - arrivalRate)
    }
    // The survival function is continuous and strictly decreasing, so bisection cannot fail.
    let percentile = _RootFinding.percentile(p, scale: meanResponse) { t in
      1 - responseTimeExceedance(t)
    }
    guard let percentile else { throw .precisionLoss }
    return percentile
  }

  /// Returns P(Y + S > t) for independent Y ~ Exp(rate1), S ~ Exp(rate2), t >= 0.
  ///
  /// With `a = min` and `b = max` of the two rates (the sum is symmetric in them),
  /// `P = e^{-a t} (1 + a t g((b - a) t))` where `g(x) = (1 - e^{-x}) / x`, `g(0) = 1`. This
  /// equals the textbook `(b e^{-a t} - a e^{-b t}) / (b - a)` but evaluates `1 - e^{-x}` with
  /// `expm1`, so it stays accurate as `b - a -> 0` and gives the Erlang-2 survival
  /// `e^{-a t} (1 + a t)` at equality; nothing overflows because `b - a >= 0`.
  static func _hypoexponentialSurvival(_ rate1: Double, _ rate2: Double, at t: Double) -> Double {
    let a = min(rate1, rate2)
    let b = max(rate1, rate2)
    let x = (b - a) * t
    let g = x == 0 ? 1 : -expm1(-x) / x
    return exp(-a * t) * (1 + a * t * g)
  }
}
