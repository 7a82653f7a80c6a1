/// An open Jackson network: Poisson arrivals from outside, Markov routing, exponential service.
///
/// Station `i` receives external Poisson arrivals at rate gamma_i; a customer finishing at `i`
/// goes to `j` with probability `routing[i][j]` and leaves with the remainder
/// `1 - sum_j routing[i][j]`. The total arrival rates solve the traffic equations
/// `lambda = gamma + P^T lambda`, and in steady state the network has product form: each
/// station behaves as an isolated M/M/c (or M/M/inf for ``StationKind/delay``) fed at its
/// lambda_i (Jackson 1963; Kleinrock 1975, vol. 1, ch. 4; Gross & Harris, ch. 4). Per-station
/// figures are per visit; the network's mean end-to-end response time follows from Little's
/// law, `sum_i L_i / sum_i gamma_i`.
///
/// Times are in the unit of the rates. Stations are referred to by their 0-based index.
package struct JacksonNetwork: Hashable, Sendable {
  /// One station of the network.
  package struct Station: Hashable, Sendable {
    /// Poisson arrival rate gamma from outside the network (customers per unit time), >= 0.
    package var externalArrivalRate: Double
    /// Service rate mu of each server (completions per unit time), > 0.
    package var serviceRate: Double
    /// Servers and discipline: `.queueing(servers: c)` is M/M/c FCFS, `.delay` is M/M/inf.
    package var kind: StationKind

    /// Creates a station description.
    ///
    /// - Parameters:
    ///   - externalArrivalRate: Poisson arrivals from outside, customers per unit time.
    ///   - serviceRate: Service rate of each server.
    ///   - kind: Number of servers, or infinite servers.
    package init(
      externalArrivalRate: Double = 0,
      serviceRate: Double,
      kind: StationKind = .queueing(servers: 1)
    ) {
      self.externalArrivalRate = externalArrivalRate
      self.serviceRate = serviceRate
      self.kind = kind
    }
  }

  /// Steady-state figures of one station.
  package struct StationResult: Hashable, Sendable {
    /// Total arrival rate lambda_i (external plus routed), from the traffic equations.
    package let arrivalRate: Double
    /// Mean visits per customer entering the network, lambda_i / sum gamma.
    package let visitRatio: Double
    /// Time-average number of busy servers, lambda_i / mu_i.
    package let meanBusyServers: Double
    /// Utilization of each server, lambda_i / (c mu_i); `nil` for a delay station.
    package let utilization: Double?
    /// Time-average number present, L_i.
    package let meanNumber: Double
    /// Mean wait before service per visit, Wq_i (0 at a delay station).
    package let meanWait: Double
    /// Mean sojourn per visit, W_i = L_i / lambda_i (1 / mu_i at a delay station or when
    /// no customer ever comes).
    package let meanResponse: Double
    /// The station as an isolated M/M/c queue, for percentiles; `nil` for a delay station or
    /// when lambda_i is 0.
    package let queue: MMc?
  }

  /// The stations, as given.
  package let stations: [Station]
  /// Routing probabilities out of each station, as given (the dense form without its zeros).
  package let transitions: [[Transition]]
  /// Steady-state figures per station, in the order of `stations`.
  package let stationResults: [StationResult]

  /// Solves an open Jackson network.
  ///
  /// - Parameters:
  ///   - stations: The stations; at least one needs `externalArrivalRate > 0`.
  ///   - routing: `stations.count` rows of `stations.count` probabilities >= 0, each row
  ///     adding up to at most 1 (1e-9 of rounding slack allowed); every station must have a
  ///     path to the outside.
  /// - Complexity: O(n^3) for n stations (Gaussian elimination).
  /// - Throws: ``QueueingTheoryError`` naming the station or routing entry at fault:
  ///   invalid rates or server counts, ``QueueingTheoryError/routingHasNoExit(stations:)`` for a
  ///   closed loop, ``QueueingTheoryError/unstableStation(station:utilization:)`` when some
  ///   station would have utilization >= 1.
  package init(stations: [Station], routing: [[Double]]) throws(QueueingTheoryError) {
    try Self.validate(stations)
    try self.init(stations: stations, transitions: Self.transitions(stations.count, routing))
  }

  /// Solves an open Jackson network whose routing is given as each station's routes, with
  /// memory and time that follow the routes rather than the square of the stations (see
  /// `solveTrafficEquations`).
  package init(stations: [Station], transitions: [[Transition]]) throws(QueueingTheoryError) {
    try Self.validate(stations: stations, transitions: transitions)
    let arrivalRates = try Self.solveTrafficEquations(
      externalArrivalRates: stations.map(\.externalArrivalRate),
      transitions: transitions
    )
    let totalExternal = stations.reduce(0) { $0 + $1.externalArrivalRate }
    var results: [StationResult] = []
    results.reserveCapacity(stations.count)
    for (index, station) in stations.enumerated() {
      results.append(
        try Self.analyze(
          station,
          index: index,
          arrivalRate: arrivalRates[index],
          totalExternalArrivalRate: totalExternal
        )
      )
    }
    self.stations = stations
    self.transitions = transitions
    self.stationResults = results
  }

  /// Total arrival rate from outside, sum gamma_i (= the network's throughput).
  package var totalExternalArrivalRate: Double {
    stations.reduce(0) { $0 + $1.externalArrivalRate }
  }

  /// Time-average number of customers in the whole network, sum L_i.
  package var meanNumberInNetwork: Double {
    stationResults.reduce(0) { $0 + $1.meanNumber }
  }

  /// Mean time from entering to leaving the network, sum L_i / sum gamma_i (Little's law).
  package var meanEndToEndResponse: Double {
    meanNumberInNetwork / totalExternalArrivalRate
  }

  /// Builds one station's figures from its solved arrival rate.
  private static func analyze(
    _ station: Station,
    index: Int,
    arrivalRate: Double,
    totalExternalArrivalRate: Double
  ) throws(QueueingTheoryError) -> StationResult {
    let visitRatio = arrivalRate / totalExternalArrivalRate
    let busy = arrivalRate / station.serviceRate
    switch station.kind {
    case .delay:
      return StationResult(
        arrivalRate: arrivalRate, visitRatio: visitRatio, meanBusyServers: busy,
        utilization: nil, meanNumber: busy, meanWait: 0,
        meanResponse: 1 / station.serviceRate, queue: nil
      )
    case .loadDependent:
      // Product form holds, but this type solves each station as M/M/c.
      throw .invalidServiceRates(station: index)
    case .queueing(let servers):
      let utilization = busy / Double(servers)
      guard utilization < 1 else {
        throw .unstableStation(station: index, utilization: utilization)
      }
      guard arrivalRate > 0 else {
        return StationResult(
          arrivalRate: 0, visitRatio: 0, meanBusyServers: 0, utilization: 0, meanNumber: 0,
          meanWait: 0, meanResponse: 1 / station.serviceRate, queue: nil
        )
      }
      let queue = try MMc(
        arrivalRate: arrivalRate, serviceRate: station.serviceRate, servers: servers
      )
      return StationResult(
        arrivalRate: arrivalRate, visitRatio: visitRatio, meanBusyServers: busy,
        utilization: utilization, meanNumber: queue.meanNumberInSystem,
        meanWait: queue.meanWait, meanResponse: queue.meanResponse, queue: queue
      )
    }
  }
}
