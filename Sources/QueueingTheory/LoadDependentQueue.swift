#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One open station whose speed depends on how many customers are present: a birth-death
/// queue with Poisson arrivals at rate lambda and completions at alpha(j) / S with j present.
///
/// With `a = lambda S` (Erlangs) the stationary distribution is the product
///
///     p(n) = p(0) prod_{i=1}^{n} a / alpha(i)
///
/// (Kleinrock 1975, "Queueing Systems I", sec. 3.1). alpha(j) is constant from J on
/// (``StationKind/loadDependent(rates:)``), so the tail beyond J is geometric with ratio
/// r = a / alpha(J) < 1 and sums in closed form:
///
///     sum_{n>=J} p(n)   = p(J-1) r / (1 - r)
///     sum_{n>=J} n p(n) = p(J-1) [(J-1) r / (1 - r) + r / (1 - r)^2]
///
/// Exact for exponential service in FCFS order, and for any service distribution under processor
/// sharing (insensitivity: Baskett, Chandy, Muntz & Palacios 1975). With alpha(j) = min(j, c) it
/// is M/M/c; with alpha = [1] it is M/M/1, and M/G/1-PS, whose mean response is S / (1 - rho).
package struct LoadDependentQueue: Hashable, Sendable {
  package let arrivalRate: Double
  package let serviceTime: Double
  package let rates: [Double]
  /// Time-average number present, L.
  package let meanNumberInSystem: Double
  /// Probability that the station is empty.
  package let idleProbability: Double

  /// Mean time at the station, L / lambda (Little).
  package var meanResponse: Double { meanNumberInSystem / arrivalRate }

  /// - Parameters:
  ///   - arrivalRate: lambda, finite and > 0.
  ///   - serviceTime: mean service time S at rate multiplier 1, finite and > 0.
  ///   - rates: alpha(1), ..., alpha(J), each finite and > 0; alpha(j) = alpha(J) for j > J.
  /// - Throws: ``QueueingTheoryError/unstable(utilization:)`` when a / alpha(J) >= 1, or an
  ///   input error.
  package init(arrivalRate: Double, serviceTime: Double, rates: [Double]) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceTime.isFinite, serviceTime > 0 else { throw .invalidServiceTime(serviceTime) }
    guard !rates.isEmpty, rates.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .invalidServiceRates(station: 0) }
    let a = arrivalRate * serviceTime
    let r = a / rates[rates.count - 1]
    guard r < 1 else { throw .unstable(utilization: r) }
    // Unnormalized terms t(n) = prod a / alpha(i), n = 0...J-1, then the geometric tail.
    var term = 1.0
    var mass = 1.0
    var first = 0.0
    for n in 1..<rates.count {
      term *= a / rates[n - 1]
      mass += term
      first += Double(n) * term
    }
    let j = Double(rates.count)
    mass += term * r / (1 - r)
    first += term * ((j - 1) * r / (1 - r) + r / ((1 - r) * (1 - r)))
    self.arrivalRate = arrivalRate
    self.serviceTime = serviceTime
    self.rates = rates
    self.meanNumberInSystem = first / mass
    self.idleProbability = 1 / mass
  }
}

/// The load-dependent queue with room for at most K customers: an arrival that finds K present
/// is lost. The truncated birth-death chain has the same product form,
///
///     p(n) proportional to prod_{i=1}^{n} a / alpha(i),   n = 0...K,
///
/// and is stable at any load. It is exact where ``LoadDependentQueue`` is, and truncation keeps
/// processor sharing insensitive (a symmetric queue, Kelly 1979, ch. 3); with alpha(j) = min(j, c)
/// it is M/M/c/K, with K = c Erlang B. An infinite-server station slowed by concurrency is the
/// case alpha(j) = j / factor(j), truncated where the terms no longer count.
package struct LoadDependentLossQueue: Hashable, Sendable {
  package let arrivalRate: Double
  package let serviceTime: Double
  /// Most customers present, K >= 1.
  package let capacity: Int
  /// p(0) ... p(K), summing to 1.
  package let stationaryDistribution: [Double]
  /// Time-average number present, L.
  package let meanNumberInSystem: Double
  /// p(K) (PASTA: the share of arrivals lost).
  package var blockingProbability: Double { stationaryDistribution[capacity] }
  /// Accepted customers per unit time, lambda (1 - p(K)), with 1 - p(K) summed from the other
  /// states so that it keeps its digits when p(K) is near 1.
  package let throughput: Double
  /// Mean time an accepted customer spends at the station, L / throughput (Little).
  package var meanResponse: Double { meanNumberInSystem / throughput }

  /// - Parameters:
  ///   - arrivalRate: lambda, finite and > 0.
  ///   - serviceTime: mean service time S at rate multiplier 1, finite and > 0.
  ///   - rates: alpha(1), ..., alpha(J), each finite and > 0; alpha(j) = alpha(J) for j > J.
  ///   - capacity: K >= 1.
  package init(arrivalRate: Double, serviceTime: Double, rates: [Double], capacity: Int) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceTime.isFinite, serviceTime > 0 else { throw .invalidServiceTime(serviceTime) }
    guard !rates.isEmpty, rates.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .invalidServiceRates(station: 0) }
    guard capacity >= 1 else { throw .invalidCapacity(capacity: capacity, servers: 1) }
    let a = arrivalRate * serviceTime
    // The most likely state found in logarithms, then the terms built by ratios outwards from it
    // (as MMcK does): none overflows, those that underflow to 0 do not count, and each keeps the
    // digits of its distance from the mode rather than of a sum of a million logarithms.
    func ratio(_ n: Int) -> Double { a / rates[min(n, rates.count) - 1] }  // p(n) / p(n - 1)
    var mode = 0
    var logTerm = 0.0
    var logTop = 0.0
    for n in 1...capacity {
      logTerm += log(ratio(n))
      if logTerm > logTop { (mode, logTop) = (n, logTerm) }
    }
    var p = [Double](repeating: 0, count: capacity + 1)
    p[mode] = 1
    if mode < capacity { for n in (mode + 1)...capacity { p[n] = p[n - 1] * ratio(n) } }
    if mode > 0 { for n in stride(from: mode - 1, through: 0, by: -1) { p[n] = p[n + 1] / ratio(n + 1) } }
    let mass = p.reduce(0, +)
    p = p.map { $0 / mass }
    self.arrivalRate = arrivalRate
    self.serviceTime = serviceTime
    self.capacity = capacity
    self.stationaryDistribution = p
    self.meanNumberInSystem = p.indices.reduce(0) { $0 + Double($1) * p[$1] }
    self.throughput = arrivalRate * p[..<capacity].reduce(0, +)
  }
}
