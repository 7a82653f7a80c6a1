/// Group commit: Poisson arrivals at one server that serves everyone waiting together in one
/// service time (gated bulk service with unlimited batches, M/G^[inf]/1).
///
/// An arrival finding the server idle is served alone at once; one arriving during a service
/// waits for the next, which takes everyone who arrived meanwhile. Never unstable: a batch has no
/// size limit. Derivation (renewal over idle and busy periods): a service is followed by another
/// iff someone arrived during it, which happens with probability `1 - L`, where
/// `L = E[exp(-lambda S)]` is the service time's Laplace-Stieltjes transform at lambda. So a busy
/// period holds a geometric number of services with mean `1 / L` and lasts `E[S] / L` on average
/// (Wald), an idle period `1 / lambda`, and the server is busy
///
///     P(busy) = (E[S] / L) / (E[S] / L + 1 / lambda).
///
/// An arrival (PASTA) finding it busy waits the rest of the service in progress, on average
/// `E[S^2] / (2 E[S])` (Wald again: whether a busy period goes on depends only on services
/// already done), then its own service:
///
///     W = E[S] + P(busy) E[S^2] / (2 E[S]).
package struct BatchFlush: Hashable, Sendable {
  package let arrivalRate: Double
  package let serviceMean: Double
  package let serviceSecondMoment: Double
  /// `E[exp(-lambda S)]`, the probability that no one arrives during a service.
  package let noArrivalProbability: Double

  /// - Parameters:
  ///   - arrivalRate: Poisson rate lambda, finite and > 0.
  ///   - serviceMean: E[S] > 0.
  ///   - serviceSecondMoment: E[S^2] >= E[S]^2.
  ///   - laplaceTransform: `E[exp(-lambda S)]` at this arrival rate, in (0, 1].
  /// - Throws: ``QueueingTheoryError`` for a value out of range.
  package init(
    arrivalRate: Double, serviceMean: Double, serviceSecondMoment: Double, laplaceTransform: Double
  ) throws(QueueingTheoryError) {
    guard arrivalRate.isFinite, arrivalRate > 0 else { throw .invalidArrivalRate(arrivalRate) }
    guard serviceMean.isFinite, serviceMean > 0 else { throw .invalidServiceTime(serviceMean) }
    guard serviceSecondMoment.isFinite, serviceSecondMoment >= serviceMean * serviceMean * (1 - 4 * Double.ulpOfOne)
    else {
      throw .invalidServiceSecondMoment(mean: serviceMean, secondMoment: serviceSecondMoment)
    }
    guard laplaceTransform > 0, laplaceTransform <= 1 else { throw .invalidLaplaceTransform }
    self.arrivalRate = arrivalRate
    self.serviceMean = serviceMean
    self.serviceSecondMoment = serviceSecondMoment
    self.noArrivalProbability = laplaceTransform
  }

  /// Fraction of time the server is busy (a batch in service).
  package var busyProbability: Double {
    let busy = serviceMean / noArrivalProbability
    return busy / (busy + 1 / arrivalRate)
  }

  /// Mean time from arrival to the end of its batch's service.
  package var meanResponse: Double {
    serviceMean + busyProbability * serviceSecondMoment / (2 * serviceMean)
  }

  /// Mean wait before its batch's service starts.
  package var meanWait: Double { meanResponse - serviceMean }

  /// Mean number present, waiting plus in service (Little's law).
  package var meanNumberInSystem: Double { arrivalRate * meanResponse }

  /// Mean customers per batch: arrivals per second over services started per second.
  package var meanBatchSize: Double { arrivalRate * serviceMean / busyProbability }
}
