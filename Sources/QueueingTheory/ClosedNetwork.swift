#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Exact Mean Value Analysis of a closed interactive system: N users alternate between thinking
/// (mean think time Z) and one interaction that visits the stations.
///
/// Station k is described by its service demand `D_k = V_k S_k` (visits per interaction times
/// mean service time per visit, in time units) and a ``StationKind``. With exponential FCFS
/// (or PS) queueing stations and delay stations the network has product form, and exact MVA
/// runs over the population n = 1...N from Q_k(0) = 0 (Reiser & Lavenberg 1980; Lazowska et
/// al. 1984, "Quantitative System Performance", ch. 6):
///
///     R_k(n) = D_k                       delay station (infinite servers)
///     R_k(n) = D_k (1 + Q_k(n-1))        single server (arrival theorem)
///     R_k(n) = see below                 c servers
///     X(n)   = n / (Z + sum_k R_k(n))    response-time law for interactive systems
///     Q_k(n) = X(n) R_k(n)               Little's law
///
/// `R(n) = sum_k R_k(n)` is the response time per interaction, think time excluded; `R_k` is
/// the residence time (all visits of one interaction) and `X(n) D_k` the mean number of busy
/// servers (utilization law).
///
/// ## Multi-server stations: load-dependent MVA
///
/// With j customers present a c-server station completes work at rate `alpha(j) / S`,
/// `alpha(j) = min(j, c)`. The arrival theorem then needs the marginal queue-length
/// probabilities p_k(j | n) (Reiser & Lavenberg 1980; Lazowska et al. 1984, ch. 8):
///
///     R_k(n)     = sum_{j=1}^{n} j D_k / alpha(j) p_k(j-1 | n-1)
///     p_k(j | n) = X(n) D_k / alpha(j) p_k(j-1 | n-1),      j = 1...n
///     p_k(0 | n) = 1 - sum_{j=1}^{n} p_k(j | n)
///
/// Because `alpha(j) = c` for j >= c and the p_k(. | n-1) add up to 1, the residence time needs
/// only the probabilities below c (Menasce, Almeida & Dowdy 2004, "Performance by Design"):
///
///     R_k(n) = D_k / c [1 + Q_k(n-1) + sum_{j=0}^{c-2} (c - 1 - j) p_k(j | n-1)]
///
/// This type evaluates that form and keeps p_k(0...c-1 | n). With c = 1 it is the single-server
/// recursion; with c >= N the station never queues and R_k = D_k, as at a delay station.
///
/// ## Numerical care
///
/// The textbook `p_k(0 | n) = 1 - sum` cancels catastrophically once the station is busy, and
/// the recursion then amplifies the error geometrically (for c >= 3 its error recurrence has
/// roots outside the unit circle). For N = 300 users, Z = 5, one 16-server station with D = 0.4
/// and one single server with D = 0.03 it returns negative throughputs; clamping negative
/// probabilities to 0 and renormalizing, the usual remedy, still leaves the 16-server station's
/// Q off by 12%. So p_k(0 | n) is never obtained by subtraction. It is the product-form ratio
///
///     p_k(0 | n) = G_{-k}(n) / G(n)
///
/// (Buzen 1973; Bruell & Balbo 1980), where G is the normalizing constant of the network and
/// G_{-k} that of the network without station k. With `s(n) = X(1) X(2) ... X(n)`, so that
/// `G(n) s(n) = 1`, the scaled constant `G_{-k}(n) s(n)` is built in step with the MVA as a
/// convolution of the think-time term `Z^j / j!` (delay stations add to Z) with every other
/// queueing station's term `D_m^j / prod_{i<=j} alpha_m(i)`, whose geometric tail beyond c_m
/// makes each step O(c_m) (`ClosedNetwork+ComplementConstant.swift`). All terms are positive
/// and kept as logarithms, as are p_k(1...c-1 | n) from the multiplicative recursion, so
/// nothing cancels, overflows or underflows: probabilities far below 1e-308 (the idle
/// probability of a station with hundreds of busy servers, from which its other p_k(j) derive)
/// stay exact. Against a 60-digit convolution the results agree to about 1e-14 relative
/// (N up to 900, c up to 800), and no renormalization is needed. A test keeps the whole
/// network's scaled constant, built the same way, at exactly 1 for N = 3,000.
///
/// ## Load-dependent stations
///
/// A ``StationKind/loadDependent(rates:)`` station works at alpha(j) = rates[j-1] (constant
/// from J = rates.count on) with j present. The same recursion holds with alpha(j) in place of
/// min(j, c). Splitting the sum at J as above would need the tail 1 + Q - sum_{i<J-1} (i+1) p(i),
/// a subtraction that cancels when the rates fall steeply (a station 1,000 times slower at high
/// concurrency lost four digits of X that way), so such a station keeps every p_k(j | n),
/// j = 0...n, and sums the first form's positive terms: O(N^2) per station instead of O(N c),
/// memory O(N). p_k(0 | n) still comes from the complement constant. For such a station
/// `meanBusyServers` is X D_k, the work done in units of one server's nominal service, and
/// `utilization` is nil.
///
/// Cost: O(N (K + sum_k c_k)) for the MVA plus O(N sum_m c_m) exp/log evaluations per
/// multi-server station; memory O(N K) per multi-server station. Results for every population
/// 1...N are kept in ``solutions``.
package struct ClosedNetwork: Hashable, Sendable {
  /// One station visited during an interaction.
  package struct Station: Hashable, Sendable {
    /// Service demand D = visits per interaction times mean service time per visit (time units).
    package var demand: Double
    /// `.queueing(servers: c)`: c exponential servers, one queue; `.delay`: infinite servers.
    package var kind: StationKind

    /// Creates a station description.
    ///
    /// - Parameters:
    ///   - demand: Service demand per interaction, finite and > 0.
    ///   - kind: Servers of the station; a single server unless stated.
    package init(demand: Double, kind: StationKind = .queueing(servers: 1)) {
      self.demand = demand
      self.kind = kind
    }
  }

  /// Figures for one station at one population.
  package struct StationResult: Hashable, Sendable {
    /// Residence time R_k: time per interaction spent at the station over all its visits.
    package let residenceTime: Double
    /// Time-average number present Q_k (waiting plus in service).
    package let meanNumber: Double
    /// Time-average number of busy servers, X D_k (for a delay station equal to Q_k).
    package let meanBusyServers: Double
    /// Busy fraction of each server, X D_k / c; `nil` for a delay station.
    package let utilization: Double?
  }

  /// The network at one population.
  package struct Solution: Hashable, Sendable {
    /// Number of users n.
    package let population: Int
    /// Interactions completed per unit time, X(n).
    package let throughput: Double
    /// Response time per interaction, R(n) = sum of residence times (think time excluded).
    package let responseTime: Double
    /// Time-average number of users thinking, X(n) Z.
    package let meanThinking: Double
    /// Per-station figures, in the order of the network's stations.
    package let stations: [StationResult]
  }

  /// Number of users N.
  package let population: Int
  /// Mean think time Z between interactions (time units).
  package let thinkTime: Double
  /// The stations, as given.
  package let stations: [Station]
  /// `solutions[n - 1]` is the network with n users, for n = 1...N.
  package let solutions: [Solution]

  /// The network with all ``population`` users.
  package var solution: Solution { solutions[solutions.count - 1] }

  /// Solves the network by exact MVA for every population 1...N.
  ///
  /// - Parameters:
  ///   - population: Number of users N, at least 1.
  ///   - thinkTime: Mean think time Z, finite and >= 0.
  ///   - stations: The stations; may be empty only if Z > 0.
  /// - Throws: ``QueueingTheoryError/invalidPopulation(_:)``,
  ///   ``QueueingTheoryError/invalidThinkTime(_:)``,
  ///   ``QueueingTheoryError/invalidServiceDemand(station:value:)``,
  ///   ``QueueingTheoryError/invalidServerCount(_:)`` or ``QueueingTheoryError/emptyNetwork``.
  package init(
    population: Int,
    thinkTime: Double,
    stations: [Station]
  ) throws(QueueingTheoryError) {
    guard population >= 1 else { throw .invalidPopulation(population) }
    guard thinkTime.isFinite, thinkTime >= 0 else { throw .invalidThinkTime(thinkTime) }
    for (index, station) in stations.enumerated() {
      guard station.demand.isFinite, station.demand > 0 else {
        throw .invalidServiceDemand(station: index, value: station.demand)
      }
      if case .queueing(let servers) = station.kind, servers < 1 {
        throw .invalidServerCount(servers)
      }
      if case .loadDependent(let rates) = station.kind,
        rates.isEmpty || !rates.allSatisfy({ $0.isFinite && $0 > 0 })
      {
        throw .invalidServiceRates(station: index)
      }
    }
    guard thinkTime > 0 || !stations.isEmpty else { throw .emptyNetwork }
    self.population = population
    self.thinkTime = thinkTime
    self.stations = stations
    var solver = _MeanValueAnalysis(
      population: population, thinkTime: thinkTime, stations: stations)
    self.solutions = (1...population).map { n in solver.step(to: n) }
  }

  /// Returns the network with `n` users, or `nil` unless `1 <= n <= population`.
  package func solution(population n: Int) -> Solution? {
    guard n >= 1, n <= solutions.count else { return nil }
    return solutions[n - 1]
  }
}

/// The state of the MVA recursion between populations n - 1 and n.
package struct _MeanValueAnalysis {
  /// A multi-server station's marginal probabilities and complement constant.
  package struct LoadDependent {
    /// `logMarginals[j] = log p(j | n)` for j = 0..<min(c, N + 1); `-inf` where p = 0.
    package var logMarginals: [Double]
    var complement: _ComplementConstant
  }

  let thinkTime: Double
  let stations: [ClosedNetwork.Station]
  /// Q_k(n) after the last step.
  var queueLengths: [Double]
  /// Indexed like `stations`; non-nil for stations with 2 or more servers.
  package var loadDependent: [LoadDependent?]
  /// `logThroughputs[i] = log X(i)`, i = 1...n (index 0 unused), shared by the complements.
  var logThroughputs: [Double]
  /// Each station's alpha(j); nil for a delay station.
  let profiles: [_RateProfile?]

  /// Prepares the recursion at population 0.
  ///
  /// - Parameter minimumServers: Stations with at least this many servers take the
  ///   load-dependent path; 2 in production, 1 lets tests run single servers through it.
  package init(
    population: Int,
    thinkTime: Double,
    stations: [ClosedNetwork.Station],
    loadDependentFrom minimumServers: Int = 2
  ) {
    self.thinkTime = thinkTime
    self.stations = stations
    self.queueLengths = Array(repeating: 0, count: stations.count)
    self.logThroughputs = [0]
    logThroughputs.reserveCapacity(population + 1)
    // Delay stations convolve into one Poisson term with the think time.
    let totalDelay = stations.reduce(thinkTime) { $0 + ($1.kind == .delay ? $1.demand : 0) }
    self.profiles = stations.map { _RateProfile($0.kind, limit: population + 1) }
    let profiles = self.profiles
    self.loadDependent = stations.indices.map { k in
      let servers: Int
      switch stations[k].kind {
      case .queueing(let c) where c >= minimumServers: servers = c
      case .loadDependent(let rates) where rates.count >= 2: servers = rates.count
      default: return nil
      }
      var others: [(demand: Double, rates: _RateProfile)] = []
      for (m, station) in stations.enumerated() where m != k {
        if let profile = profiles[m] { others.append((station.demand, profile)) }
      }
      // A load-dependent station keeps every p(j | n): its rates may fall, and the short form's
      // tail, obtained by subtraction, then cancels.
      let kept = stations[k].kind == .queueing(servers: servers) ? min(servers, population + 1) : population + 1
      var logMarginals = [Double](repeating: -.infinity, count: kept)
      logMarginals[0] = 0  // p(0 | 0) = 1
      return LoadDependent(
        logMarginals: logMarginals,
        complement: _ComplementConstant(
          totalDelay: totalDelay, stations: others, population: population)
      )
    }
  }

  /// Advances the recursion from population n - 1 to n and returns the solution for n.
  package mutating func step(to n: Int) -> ClosedNetwork.Solution {
    var residence = [Double](repeating: 0, count: stations.count)
    for (k, station) in stations.enumerated() {
      switch station.kind {
      case .delay:
        residence[k] = station.demand
      case .queueing(let servers):
        guard let marginals = loadDependent[k]?.logMarginals else {
          residence[k] = station.demand * (1 + queueLengths[k])
          continue
        }
        // D/c [1 + Q(n-1) + sum_{j=0}^{c-2} (c-1-j) p(j | n-1)]; p(j | n-1) = 0 for j >= n.
        var correction = 0.0
        var j = 0
        while j <= min(servers - 2, n - 1) {
          correction += Double(servers - 1 - j) * exp(marginals[j])
          j += 1
        }
        residence[k] = station.demand / Double(servers) * (1 + queueLengths[k] + correction)
      case .loadDependent(let rates):
        guard let marginals = loadDependent[k]?.logMarginals else {
          residence[k] = station.demand / rates[0] * (1 + queueLengths[k])  // one rate: a faster server
          continue
        }
        // sum_{j=1}^{n} j D / alpha(j) p(j-1 | n-1): every marginal is kept, all terms positive.
        let profile = profiles[k]!
        var sum = 0.0
        for j in 1...n { sum += Double(j) * exp(marginals[j - 1] - profile.logRate(j)) }
        residence[k] = station.demand * sum
      }
    }
    let responseTime = residence.reduce(0, +)
    let throughput = Double(n) / (thinkTime + responseTime)
    let logThroughput = log(throughput)
    logThroughputs.append(logThroughput)

    var results: [ClosedNetwork.StationResult] = []
    results.reserveCapacity(stations.count)
    for (k, station) in stations.enumerated() {
      queueLengths[k] = throughput * residence[k]
      let busy = throughput * station.demand
      var utilization: Double? = nil
      if case .queueing(let servers) = station.kind { utilization = busy / Double(servers) }
      results.append(
        ClosedNetwork.StationResult(
          residenceTime: residence[k], meanNumber: queueLengths[k], meanBusyServers: busy,
          utilization: utilization
        )
      )
      if loadDependent[k] != nil { advanceMarginals(of: k, to: n, logThroughput: logThroughput) }
    }
    return ClosedNetwork.Solution(
      population: n, throughput: throughput, responseTime: responseTime,
      meanThinking: throughput * thinkTime, stations: results
    )
  }

  /// Advances the marginal probabilities of station k from population n - 1 to n.
  ///
  /// `p(j|n) = X(n) D / alpha(j) p(j-1|n-1)` for 1 <= j < c, top down so each step still reads
  /// the old value, and p(0|n) from the complement constant.
  private mutating func advanceMarginals(of k: Int, to n: Int, logThroughput: Double) {
    let logLoad = logThroughput + log(stations[k].demand)
    let profile = profiles[k]!
    let top = min(loadDependent[k]!.logMarginals.count - 1, n)
    for j in stride(from: top, through: 1, by: -1) {
      let previous = loadDependent[k]!.logMarginals[j - 1]
      loadDependent[k]!.logMarginals[j] = logLoad - profile.logRate(j) + previous
    }
    loadDependent[k]!.logMarginals[0] = loadDependent[k]!.complement.advance(
      to: n, logThroughputs: logThroughputs
    )
  }
}
