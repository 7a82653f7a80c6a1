/// The M/M/c/K queue: Poisson arrivals, `c` exponential servers, FCFS, room for at most `K`
/// customers (waiting plus in service); an arrival that finds `K` present is lost.
///
/// The number present is a birth-death process with birth rate lambda below K and death rate
/// `min(n, c) mu`, so `p_n` is proportional to `prod_{i=1}^{n} lambda / (min(i, c) mu)`
/// (Kleinrock 1975, vol. 1, ch. 3; Gross & Harris, ch. 2). The weights are built by these
/// ratios outwards from the most likely state and normalized once, so neither `a^n / n!` nor
/// `rho^K` can overflow, and large K or heavy load cost no accuracy. A finite station is always
/// stable: `lambda >= c mu` is allowed. With `K == c` this is the Erlang loss system and
/// `blockingProbability` equals Erlang B.
///
/// Means over time and over accepted customers follow from `p_n`, PASTA and Little's law.
package struct MMcK: Hashable, Sendable {
  /// Poisson arrival rate lambda offered to the station (customers per unit time).
  package let arrivalRate: Double
  /// Service rate mu of one server (completions per unit time).
  package let serviceRate: Double
  /// Number of servers c.
  package let servers: Int
  /// Most customers present, K >= c (waiting plus in service).
  package let capacity: Int
  /// Stationary probabilities `p_0 ... p_K` of the number present (sums to 1).
  package let stationaryDistribution: [Double]
  /// Time-average number present, L = sum n p_n.
  package let meanNumberInSystem: Double
  /// Time-average number of busy servers, sum min(n, c) p_n (= throughput / mu).
  package let meanBusyServers: Double
  /// Time-average number waiting, Lq = sum (n - c)^+ p_n.
  package let meanQueueLength: Double
  /// Probability that an accepted customer has to wait:
  /// `sum_{n=c}^{K-1} p_n / (1 - p_K)` (by PASTA, arrivals see time averages).
  package let waitProbability: Double
  /// `1 - p_K`, summed from the other states so that it keeps its digits when p_K is near 1.
  let acceptanceProbability: Double

  /// Creates an M/M/c/K station.
  ///
  /// - Parameters:
  ///   - arrivalRate: Poisson arrival rate lambda, finite and > 0.
  ///   - serviceRate: Service rate mu of each server, finite and > 0.
  ///   - servers: Number of servers c, at least 1.
  ///   - capacity: Most customers present K, at least `servers`.
  /// - Complexity: O(K) time and memory.
  /// - Throws: ``QueueingTheoryError/invalidArrivalRate(_:)``,
  ///   ``QueueingTheoryError/invalidServiceRate(_:)``,
  ///   ``QueueingTheoryError/invalidServerCount(_:)``
  ///   or ``QueueingTheoryError/invalidCapacity(capacity:servers:)``.
  package init(
    arrivalRate: Double,
    serviceRate: Double,
    servers: Int,
    capacity: Int
  ) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceRate.isFinite, serviceRate > 0 else { throw .invalidServiceRate(serviceRate) }
    guard servers >= 1 else { throw .invalidServerCount(servers) }
    guard capacity >= servers else { throw .invalidCapacity(capacity: capacity, servers: servers) }
    self.arrivalRate = arrivalRate
    self.serviceRate = serviceRate
    self.servers = servers
    self.capacity = capacity

    // Unnormalized weights from the mode outwards: p_n / p_{n-1} = a / min(n, c) falls with n,
    // so the weights peak at the last n where that ratio is >= 1 and fall off on both sides.
    // Neighbouring weights then differ by one rounding each, and weights far from the mode,
    // which carry no mass, underflow harmlessly to 0; no a^n / n! ever forms.
    let load = arrivalRate / serviceRate
    let mode = load >= Double(servers) ? capacity : min(capacity, Int(load.rounded(.down)))
    var distribution = [Double](repeating: 0, count: capacity + 1)
    distribution[mode] = 1
    for n in stride(from: mode + 1, through: capacity, by: 1) {
      distribution[n] = distribution[n - 1] * (load / Double(min(n, servers)))
    }
    for n in stride(from: mode - 1, through: 0, by: -1) {
      distribution[n] = distribution[n + 1] * (Double(min(n + 1, servers)) / load)
    }
    let total = distribution.reduce(0, +)
    for n in distribution.indices { distribution[n] /= total }

    var number = 0.0
    var busy = 0.0
    var waiting = 0.0
    var accepted = 0.0
    var mustWait = 0.0
    for (n, p) in distribution.enumerated() {
      number += Double(n) * p
      busy += Double(min(n, servers)) * p
      waiting += Double(max(0, n - servers)) * p
      if n < capacity {
        accepted += p
        if n >= servers { mustWait += p }
      }
    }
    self.stationaryDistribution = distribution
    self.meanNumberInSystem = number
    self.meanBusyServers = busy
    self.meanQueueLength = waiting
    self.acceptanceProbability = accepted
    self.waitProbability = accepted > 0 ? mustWait / accepted : 0
  }

  /// Offered load a = lambda / mu in Erlangs (may exceed c).
  package var offeredLoad: Double { arrivalRate / serviceRate }

  /// Carried utilization of each server, mean busy servers / c (always < 1).
  package var utilization: Double { meanBusyServers / Double(servers) }

  /// Probability that an arrival is lost, p_K (PASTA).
  package var blockingProbability: Double { stationaryDistribution[capacity] }

  /// Rate of accepted customers, lambda (1 - p_K).
  package var throughput: Double { arrivalRate * acceptanceProbability }

  /// Mean response time of accepted customers, W = L / throughput (Little's law).
  package var meanResponse: Double { meanNumberInSystem / throughput }

  /// Mean wait before service of accepted customers, Wq = Lq / throughput (Little's law).
  package var meanWait: Double { meanQueueLength / throughput }
}
