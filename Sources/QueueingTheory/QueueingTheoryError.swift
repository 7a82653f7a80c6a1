/// A reason why a queueing model cannot be evaluated for the given input.
///
/// Every initializer and function of this module that can reject its input throws one of these
/// instead of trapping, so a command-line tool can print the reason next to the model it tried.
/// Station indices are 0-based positions in the array the caller passed.
package enum QueueingTheoryError: Error, Hashable, Sendable {
  /// An arrival rate is not finite or not positive (customers per unit time).
  case invalidArrivalRate(Double)
  /// A service rate is not finite or not positive (completions per unit time per server).
  case invalidServiceRate(Double)
  /// A service time or its mean is not finite or not positive (time units).
  case invalidServiceTime(Double)
  /// An offered load (Erlangs) is not finite or not positive.
  case invalidOfferedLoad(Double)
  /// A server count is below 1.
  case invalidServerCount(Int)
  /// A station's capacity (waiting plus in service) is below its server count.
  case invalidCapacity(capacity: Int, servers: Int)
  /// The second moment of the service time is below the squared mean, or not finite.
  case invalidServiceSecondMoment(mean: Double, secondMoment: Double)
  /// A squared coefficient of variation is negative or not finite.
  case invalidSquaredCoefficientOfVariation(Double)
  /// An Erlang phase count is below 1.
  case invalidPhaseCount(Int)
  /// A supplied Laplace-Stieltjes transform does not behave like one (values outside [0, 1]).
  case invalidLaplaceTransform
  /// The model needs utilization below 1 for a steady state to exist.
  case unstable(utilization: Double)
  /// A probability level is outside the open interval (0, 1).
  case invalidProbability(Double)
  /// The answer cannot be computed in `Double` without losing most of its digits.
  case precisionLoss
  /// The routing matrix has a different number of rows than there are stations.
  case routingRowCountMismatch(stations: Int, rows: Int)
  /// A row of the routing matrix has a different number of entries than there are stations.
  case routingRowLengthMismatch(row: Int, entries: Int, stations: Int)
  /// A routing probability is negative or not finite.
  case invalidRoutingProbability(from: Int, to: Int, value: Double)
  /// A routing entry leads to a station that does not exist.
  case routingTargetOutOfRange(from: Int, to: Int, stations: Int)
  /// The traffic equations of a strongly connected part this large did not converge within
  /// the work allowed (its feedback is too close to 1 to iterate).
  case trafficEquationsTooLarge(stations: Int)
  /// The routing probabilities leaving a station add up to more than 1.
  case routingRowExceedsOne(station: Int, sum: Double)
  /// Customers at these stations can never leave the network.
  case routingHasNoExit(stations: [Int])
  /// A station's external arrival rate is negative or not finite.
  case invalidExternalArrivalRate(station: Int, value: Double)
  /// No customer ever enters the open network (all external arrival rates are 0).
  case noExternalArrivals
  /// A station of a network would have utilization 1 or more.
  case unstableStation(station: Int, utilization: Double)
  /// A closed network's population is below 1.
  case invalidPopulation(Int)
  /// A think time is negative or not finite.
  case invalidThinkTime(Double)
  /// A station's service demand (visits times mean service time) is not finite or not positive.
  case invalidServiceDemand(station: Int, value: Double)
  /// A load-dependent station's rate list is empty, or a rate is not finite or not positive.
  case invalidServiceRates(station: Int)
  /// A closed network has neither stations nor think time: customers would cycle infinitely fast.
  case emptyNetwork
}

extension QueueingTheoryError: CustomStringConvertible {
  package var description: String {
    switch self {
    case .invalidArrivalRate(let value):
      "arrival rate must be finite and > 0, found \(value)"
    case .invalidServiceRate(let value):
      "service rate must be finite and > 0, found \(value)"
    case .invalidServiceTime(let value):
      "service time must be finite and > 0, found \(value)"
    case .invalidOfferedLoad(let value):
      "offered load must be finite and > 0 Erlangs, found \(value)"
    case .invalidServerCount(let value):
      "server count must be >= 1, found \(value)"
    case .invalidCapacity(let capacity, let servers):
      "capacity must be >= servers (\(servers)), found \(capacity)"
    case .invalidServiceSecondMoment(let mean, let secondMoment):
      "service second moment must be finite and >= mean^2 (\(mean * mean)), found \(secondMoment)"
    case .invalidSquaredCoefficientOfVariation(let value):
      "squared coefficient of variation must be finite and >= 0, found \(value)"
    case .invalidPhaseCount(let value):
      "Erlang phase count must be >= 1, found \(value)"
    case .invalidLaplaceTransform:
      "interarrival Laplace transform must map s >= 0 into [0, 1]"
    case .unstable(let utilization):
      "unstable: utilization must be < 1, found \(utilization)"
    case .invalidProbability(let value):
      "probability level must be in (0, 1), found \(value)"
    case .precisionLoss:
      "cannot be computed in double precision without losing most digits"
    case .routingRowCountMismatch(let stations, let rows):
      "routing matrix has \(rows) rows, expected one per station (\(stations))"
    case .routingRowLengthMismatch(let row, let entries, let stations):
      "routing row \(row) has \(entries) entries, expected one per station (\(stations))"
    case .invalidRoutingProbability(let from, let to, let value):
      "routing probability from station \(from) to \(to) must be finite and >= 0, found \(value)"
    case .routingTargetOutOfRange(let from, let to, let stations):
      "routing from station \(from) leads to station \(to), but there are \(stations)"
    case .trafficEquationsTooLarge(let stations):
      "the traffic equations of \(stations) stations that route to one another did not converge"
    case .routingRowExceedsOne(let station, let sum):
      "routing probabilities out of station \(station) must add up to <= 1, found \(sum)"
    case .routingHasNoExit(let stations):
      "customers at stations \(stations) can never leave the network"
    case .invalidExternalArrivalRate(let station, let value):
      "external arrival rate of station \(station) must be finite and >= 0, found \(value)"
    case .noExternalArrivals:
      "no external arrivals: at least one station needs an arrival rate > 0"
    case .unstableStation(let station, let utilization):
      "station \(station) is unstable: utilization must be < 1, found \(utilization)"
    case .invalidPopulation(let value):
      "population must be >= 1, found \(value)"
    case .invalidThinkTime(let value):
      "think time must be finite and >= 0, found \(value)"
    case .invalidServiceDemand(let station, let value):
      "service demand of station \(station) must be finite and > 0, found \(value)"
    case .invalidServiceRates(let station):
      "load-dependent rates of station \(station) must be a non-empty list of finite rates > 0"
    case .emptyNetwork:
      "closed network needs at least one station or a think time > 0"
    }
  }
}
