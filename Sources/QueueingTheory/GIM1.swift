#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The GI/M/1 queue (FCFS): renewal arrivals, one exponential server; built for E_k/M/1.
///
/// A round-robin dispatcher that sends Poisson(Lambda) arrivals cyclically to `k` servers
/// gives each server every k-th arrival: interarrival times Erlang-k with `k` phases of rate
/// Lambda each (mean `k / Lambda`). ``roundRobin(servers:arrivalRate:serviceRate:)`` builds that.
///
/// An arrival finds n customers with probability `(1 - sigma) sigma^n`, where sigma in (0, 1) is
/// the root of `sigma = A*(mu (1 - sigma))` and `A*` is the Laplace-Stieltjes transform of the
/// interarrival time. Hence (Kleinrock 1975, vol. 1, ch. 6; Gross & Harris, ch. 5):
/// `P(wait) = sigma`, `Wq = sigma / (mu (1 - sigma))`, `P(Wq > t) = sigma e^{-mu (1 - sigma) t}`,
/// and the response time is exactly `Exp(mu (1 - sigma))`.
package struct GIM1: Hashable, Sendable {
  /// Mean arrival rate lambda = 1 / E[interarrival time] (customers per unit time).
  package let arrivalRate: Double
  /// Service rate mu (completions per unit time).
  package let serviceRate: Double
  /// The root sigma of `sigma = A*(mu (1 - sigma))`: the probability that an arrival waits.
  package let sigma: Double

  /// Creates a GI/M/1 queue from the interarrival time's Laplace-Stieltjes transform.
  ///
  /// sigma is found by bisection on (0, 1): `f(s) = A*(mu (1 - s)) - s` is convex, positive at
  /// 0, zero at 1 and negative just below 1 when rho < 1, so it has one root inside and
  /// `f > 0` exactly to its left. Bisection runs until the bracket cannot shrink (about 55
  /// steps), so sigma is accurate to a few ulps as long as `A*` is.
  ///
  /// - Parameters:
  ///   - arrivalRate: 1 / mean interarrival time, finite and > 0.
  ///   - serviceRate: Service rate mu, finite and > 0; `arrivalRate / serviceRate < 1`.
  ///   - laplaceTransform: `A*(s) = E[e^{-s A}]` for `s >= 0`, the transform of an interarrival
  ///     time with mean `1 / arrivalRate`.
  /// - Throws: ``QueueingTheoryError/invalidArrivalRate(_:)``,
  ///   ``QueueingTheoryError/invalidServiceRate(_:)``,
  ///   ``QueueingTheoryError/unstable(utilization:)``
  ///   or ``QueueingTheoryError/invalidLaplaceTransform``.
  package init(
    arrivalRate: Double,
    serviceRate: Double,
    laplaceTransform: (Double) -> Double
  ) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceRate.isFinite, serviceRate > 0 else { throw .invalidServiceRate(serviceRate) }
    let utilization = arrivalRate / serviceRate
    guard utilization < 1 else { throw .unstable(utilization: utilization) }
    func excess(_ s: Double) -> Double { laplaceTransform(serviceRate * (1 - s)) - s }
    let atZero = excess(0)
    guard atZero.isFinite, atZero > 0, atZero <= 1 else { throw .invalidLaplaceTransform }
    var lower = 0.0
    var upper = 1.0
    while true {
      let middle = lower + (upper - lower) / 2
      if middle <= lower || middle >= upper { break }
      let value = excess(middle)
      guard value.isFinite else { throw .invalidLaplaceTransform }
      if value > 0 { lower = middle } else { upper = middle }
    }
    self.arrivalRate = arrivalRate
    self.serviceRate = serviceRate
    self.sigma = lower + (upper - lower) / 2
  }

  /// Creates an E_k/M/1 queue: interarrival times Erlang with `phases` stages of rate `phaseRate`.
  ///
  /// `A*(s) = (phaseRate / (phaseRate + s))^k`, mean interarrival `k / phaseRate`.
  ///
  /// - Parameters:
  ///   - phases: Number of exponential stages k, at least 1 (k = 1 is M/M/1).
  ///   - phaseRate: Rate of each stage, finite and > 0.
  ///   - serviceRate: Service rate mu, finite and > 0, with `phaseRate / k < mu`.
  /// - Throws: ``QueueingTheoryError/invalidPhaseCount(_:)`` or as the transform initializer.
  package init(
    erlangPhases phases: Int,
    phaseRate: Double,
    serviceRate: Double
  ) throws(QueueingTheoryError) {
    guard phases >= 1 else { throw .invalidPhaseCount(phases) }
    guard phaseRate.isFinite, phaseRate > 0 else { throw .invalidArrivalRate(phaseRate) }
    let k = Double(phases)
    try self.init(arrivalRate: phaseRate / k, serviceRate: serviceRate) { s in
      exp(-k * log1p(s / phaseRate))
    }
  }

  /// Returns the queue that each server sees behind a round-robin dispatcher.
  ///
  /// Poisson arrivals of rate `arrivalRate` dealt cyclically to `servers` exponential single
  /// servers: each one is E_k/M/1 with `k = servers` phases of rate `arrivalRate`.
  ///
  /// - Parameters:
  ///   - servers: Number of servers behind the dispatcher, at least 1.
  ///   - arrivalRate: Total Poisson arrival rate Lambda, finite and > 0.
  ///   - serviceRate: Service rate mu of each server; `Lambda / (servers mu) < 1`.
  /// - Throws: ``QueueingTheoryError/invalidServerCount(_:)`` or as
  ///   ``init(erlangPhases:phaseRate:serviceRate:)``.
  package static func roundRobin(
    servers: Int,
    arrivalRate: Double,
    serviceRate: Double
  ) throws(QueueingTheoryError) -> GIM1 {
    guard servers >= 1 else { throw .invalidServerCount(servers) }
    return try GIM1(erlangPhases: servers, phaseRate: arrivalRate, serviceRate: serviceRate)
  }

  /// Utilization rho = lambda / mu.
  package var utilization: Double { arrivalRate / serviceRate }

  /// Probability that an arrival waits, sigma (not rho: arrivals do not see time averages).
  package var waitProbability: Double { sigma }

  /// Rate `mu (1 - sigma)` of the exponential response time.
  var responseRate: Double { serviceRate * (1 - sigma) }

  /// Mean wait before service, Wq = sigma / (mu (1 - sigma)).
  package var meanWait: Double { sigma / responseRate }

  /// Mean response time, W = 1 / (mu (1 - sigma)) = Wq + 1/mu.
  package var meanResponse: Double { meanWait + 1 / serviceRate }

  /// Time-average number waiting, Lq = lambda Wq (Little's law).
  package var meanQueueLength: Double { arrivalRate * meanWait }

  /// Time-average number in the system, L = lambda W (Little's law).
  package var meanNumberInSystem: Double { arrivalRate * meanResponse }

  /// Returns P(Wq > t) = sigma e^{-mu (1 - sigma) t} for t >= 0, and 1 for t < 0.
  package func waitTimeExceedance(_ t: Double) -> Double {
    guard t >= 0 else { return 1 }
    return sigma * exp(-responseRate * t)
  }

  /// Returns P(T > t) = e^{-mu (1 - sigma) t} for t >= 0, and 1 for t < 0.
  package func responseTimeExceedance(_ t: Double) -> Double {
    guard t >= 0 else { return 1 }
    return exp(-responseRate * t)
  }

  /// Returns the `p` quantile of the waiting time: 0 if `p <= 1 - sigma`, else
  /// `ln(sigma / (1 - p)) / (mu (1 - sigma))`.
  ///
  /// - Parameter p: Probability level in (0, 1).
  /// - Throws: ``QueueingTheoryError/invalidProbability(_:)``.
  package func waitTimePercentile(_ p: Double) throws(QueueingTheoryError) -> Double {
    guard p > 0, p < 1 else { throw .invalidProbability(p) }
    let tail = 1 - p
    guard tail < sigma else { return 0 }
    return log(sigma / tail) / responseRate
  }

  /// Returns the `p` quantile of the response time, `-ln(1 - p) / (mu (1 - sigma))`.
  ///
  /// - Parameter p: Probability level in (0, 1).
  /// - Throws: ``QueueingTheoryError/invalidProbability(_:)``.
  package func responseTimePercentile(_ p: Double) throws(QueueingTheoryError) -> Double {
    guard p > 0, p < 1 else { throw .invalidProbability(p) }
    return -log1p(-p) / responseRate
  }
}
