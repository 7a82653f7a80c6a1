/// The M/G/1 queue (FCFS): Poisson arrivals, one server, general service times, solved by the
/// Pollaczek-Khinchine mean-value formula.
///
/// `Wq = lambda E[S^2] / (2 (1 - rho))` with `rho = lambda E[S]` (Kleinrock 1975, vol. 1,
/// ch. 5; Gross & Harris, ch. 5). Only the first two moments of the service
/// time matter for the means. Rates are per unit time, times in the same unit.
package struct MG1: Hashable, Sendable {
  /// Poisson arrival rate lambda (customers per unit time).
  package let arrivalRate: Double
  /// Mean service time E[S].
  package let serviceMean: Double
  /// Second moment of the service time E[S^2] (time squared).
  package let serviceSecondMoment: Double

  /// Creates a stable M/G/1 queue from the first two service-time moments.
  ///
  /// - Parameters:
  ///   - arrivalRate: Poisson arrival rate lambda, finite and > 0.
  ///   - serviceMean: Mean service time E[S], finite and > 0.
  ///   - serviceSecondMoment: E[S^2], finite and at least `serviceMean^2` (variance >= 0).
  /// - Throws: ``QueueingTheoryError/invalidArrivalRate(_:)``,
  ///   ``QueueingTheoryError/invalidServiceTime(_:)``,
  ///   ``QueueingTheoryError/invalidServiceSecondMoment(mean:secondMoment:)`` or
  ///   ``QueueingTheoryError/unstable(utilization:)`` when `lambda E[S] >= 1`.
  package init(
    arrivalRate: Double,
    serviceMean: Double,
    serviceSecondMoment: Double
  ) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceMean.isFinite, serviceMean > 0 else { throw .invalidServiceTime(serviceMean) }
    // Relative slack so that (1 + 0) * m * m computed elsewhere is never rejected by rounding.
    guard serviceSecondMoment.isFinite,
      serviceSecondMoment >= serviceMean * serviceMean * (1 - 4 * Double.ulpOfOne)
    else {
      throw .invalidServiceSecondMoment(mean: serviceMean, secondMoment: serviceSecondMoment)
    }
    let utilization = arrivalRate * serviceMean
    guard utilization < 1 else { throw .unstable(utilization: utilization) }
    self.arrivalRate = arrivalRate
    self.serviceMean = serviceMean
    self.serviceSecondMoment = serviceSecondMoment
  }

  /// Creates a stable M/G/1 queue from the service mean and squared coefficient of variation.
  ///
  /// `E[S^2] = (1 + scv) E[S]^2`; scv = 1 is exponential (M/M/1), 0 deterministic (M/D/1).
  ///
  /// - Parameters:
  ///   - arrivalRate: Poisson arrival rate lambda, finite and > 0.
  ///   - serviceMean: Mean service time E[S], finite and > 0.
  ///   - serviceSCV: Var[S] / E[S]^2, finite and >= 0.
  /// - Throws: As the moment initializer, or
  ///   ``QueueingTheoryError/invalidSquaredCoefficientOfVariation(_:)``.
  package init(
    arrivalRate: Double,
    serviceMean: Double,
    serviceSCV: Double
  ) throws(QueueingTheoryError) {
    guard serviceSCV.isFinite, serviceSCV >= 0 else {
      throw .invalidSquaredCoefficientOfVariation(serviceSCV)
    }
    try self.init(
      arrivalRate: arrivalRate,
      serviceMean: serviceMean,
      serviceSecondMoment: (1 + serviceSCV) * serviceMean * serviceMean
    )
  }

  /// Utilization rho = lambda E[S] of the server.
  package var utilization: Double { arrivalRate * serviceMean }

  /// Squared coefficient of variation of the service time, Var[S] / E[S]^2.
  package var serviceSCV: Double {
    max(0, serviceSecondMoment / (serviceMean * serviceMean) - 1)
  }

  /// Probability that an arrival waits, rho (PASTA: the server is busy a fraction rho of time).
  package var waitProbability: Double { utilization }

  /// Mean wait before service, Wq = lambda E[S^2] / (2 (1 - rho)).
  package var meanWait: Double {
    arrivalRate * serviceSecondMoment / (2 * (1 - utilization))
  }

  /// Mean response time, W = Wq + E[S].
  package var meanResponse: Double { meanWait + serviceMean }

  /// Time-average number waiting, Lq = lambda Wq (Little's law).
  package var meanQueueLength: Double { arrivalRate * meanWait }

  /// Time-average number in the system, L = lambda W (Little's law).
  package var meanNumberInSystem: Double { arrivalRate * meanResponse }
}
