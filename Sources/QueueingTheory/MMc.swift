/// The M/M/c queue: Poisson arrivals, `c` identical exponential servers, FCFS, unlimited
/// waiting room.
///
/// Parameterized by rates: `arrivalRate` lambda (customers per unit time) and `serviceRate` mu
/// (completions per unit time per busy server); times come out in the same time unit. The
/// steady state needs `rho = lambda / (c mu) < 1`.
///
/// Sources: Kleinrock 1975, vol. 1, ch. 3; Gross & Harris, *Fundamentals of Queueing
/// Theory*, ch. 2 (means and the waiting-time distribution). Response-time distribution and
/// percentiles are in `MMc+ResponseTime.swift`.
package struct MMc: Hashable, Sendable {
  /// Poisson arrival rate lambda (customers per unit time).
  package let arrivalRate: Double
  /// Service rate mu of one server (completions per unit time).
  package let serviceRate: Double
  /// Number of servers c.
  package let servers: Int
  /// Probability that an arrival waits, Erlang C(c, a) (by PASTA also the time-average
  /// probability that all servers are busy).
  package let waitProbability: Double

  /// Creates a stable M/M/c queue.
  ///
  /// - Parameters:
  ///   - arrivalRate: Poisson arrival rate lambda, finite and > 0.
  ///   - serviceRate: Service rate mu of each server, finite and > 0.
  ///   - servers: Number of servers c, at least 1.
  /// - Throws: ``QueueingTheoryError/invalidArrivalRate(_:)``,
  ///   ``QueueingTheoryError/invalidServiceRate(_:)``,
  ///   ``QueueingTheoryError/invalidServerCount(_:)``
  ///   or ``QueueingTheoryError/unstable(utilization:)`` when `lambda >= c mu`.
  package init(
    arrivalRate: Double,
    serviceRate: Double,
    servers: Int
  ) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceRate.isFinite, serviceRate > 0 else { throw .invalidServiceRate(serviceRate) }
    guard servers >= 1 else { throw .invalidServerCount(servers) }
    let offeredLoad = arrivalRate / serviceRate
    let utilization = offeredLoad / Double(servers)
    guard utilization < 1 else { throw .unstable(utilization: utilization) }
    self.arrivalRate = arrivalRate
    self.serviceRate = serviceRate
    self.servers = servers
    self.waitProbability = ErlangC._waitProbability(servers: servers, offeredLoad: offeredLoad)
  }

  /// Offered load a = lambda / mu in Erlangs; also the mean number of busy servers.
  package var offeredLoad: Double { arrivalRate / serviceRate }

  /// Utilization rho = lambda / (c mu) of each server.
  package var utilization: Double { offeredLoad / Double(servers) }

  /// Rate `c mu - lambda` of the exponential waiting time of those who wait.
  var waitingDrainRate: Double { Double(servers) * serviceRate - arrivalRate }

  /// Mean waiting time before service, Wq = C(c, a) / (c mu - lambda).
  package var meanWait: Double { waitProbability / waitingDrainRate }

  /// Mean response (sojourn) time, W = Wq + 1/mu.
  package var meanResponse: Double { meanWait + 1 / serviceRate }

  /// Time-average number waiting, Lq = lambda Wq = C rho / (1 - rho).
  package var meanQueueLength: Double { arrivalRate * meanWait }

  /// Time-average number in the system, L = lambda W = Lq + a.
  package var meanNumberInSystem: Double { arrivalRate * meanResponse }
}
