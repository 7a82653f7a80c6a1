import QueueingTheory

/// Waiting at one tier (a pool of servers: an instance's cores, workers or connections, a
/// database node's cores) as an M/G/c queue: the probability of waiting and the mean wait of
/// those who wait, with the wait taken as exponential.
///
/// The probability is Erlang C; the mean wait is Allen and Cunneen's approximation for G/G/c,
/// `E[Wq] = C(c, a) / (c mu - lambda) * (ca^2 + cs^2) / 2` (Gross & Harris, 4th ed., sec.
/// 6.4), exact for M/M/c. The conditional wait of M/M/c is exponential with rate
/// `c mu - lambda`; for M/G/c the same shape is kept with the approximate mean.
struct Tier: Sendable {
  /// Probability that an arrival waits.
  var waitProbability = 0.0
  /// Mean wait of an arrival that waits (seconds).
  var conditionalWait = 0.0
  /// Offered load over servers.
  var utilization = 0.0

  /// Mean wait over all arrivals.
  var meanWait: Double { waitProbability * conditionalWait }

  init() {}

  /// - Parameters:
  ///   - servers: `c`.
  ///   - rate: arrivals per second.
  ///   - service: mean service time (seconds).
  ///   - scv: squared coefficient of variation of the service time.
  ///   - arrivalSCV: the same of the interarrival times (1: Poisson).
  init(servers: Int, rate: Double, service: Double, scv: Double, arrivalSCV: Double = 1) {
    let a = rate * service
    utilization = servers > 0 ? a / Double(servers) : .infinity
    guard a > 0 else { return }
    guard servers > 0, a < Double(servers) else {
      waitProbability = 1
      conditionalWait = .infinity
      return
    }
    let c = (try? ErlangC.waitProbability(servers: servers, offeredLoad: a)) ?? 1
    // Below one in a million, waiting is nothing a percentile sees: no wait drawn at all.
    guard c >= 1e-6 else { return }
    waitProbability = c
    let meanWait = c * service / (Double(servers) - a) * (arrivalSCV + scv) / 2
    conditionalWait = meanWait / c
  }

  /// A wait drawn from uniform `u` in [0, 1): none with probability `1 - waitProbability`,
  /// otherwise exponential (`u / waitProbability` is itself uniform then). `u` is not drawn
  /// at a tier where nobody waits.
  @inline(__always)
  func wait(_ u: @autoclosure () -> Double) -> Double {
    guard waitProbability > 0 else { return 0 }
    let u = u()
    guard u < waitProbability else { return 0 }
    return -conditionalWait * log(max(u / waitProbability, 1e-300))
  }
}

/// Moments of a mixture of service times, for a tier's M/G/c.
struct ServiceMix {
  private var rate = 0.0
  private var first = 0.0
  private var second = 0.0

  /// Adds arrivals at `rate` per second of a service with this mean and squared CV.
  mutating func add(rate r: Double, mean: Double, scv: Double) {
    rate += r
    first += r * mean
    second += r * mean * mean * (1 + scv)
  }

  var arrivalRate: Double { rate }
  var mean: Double { rate > 0 ? first / rate : 0 }
  var scv: Double {
    guard rate > 0, first > 0 else { return 1 }
    let m = first / rate
    return max(0, second / rate / (m * m) - 1)
  }
  /// Busy servers on average (offered load).
  var load: Double { first }

  func tier(servers: Int, arrivalSCV: Double = 1) -> Tier {
    Tier(servers: servers, rate: rate, service: mean, scv: scv, arrivalSCV: arrivalSCV)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
