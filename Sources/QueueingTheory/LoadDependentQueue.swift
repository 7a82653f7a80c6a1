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
