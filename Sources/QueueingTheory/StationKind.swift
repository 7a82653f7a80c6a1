#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a station of a queueing network serves the customers present.
///
/// Shared by ``JacksonNetwork`` (open) and ``ClosedNetwork`` (closed, MVA).
package enum StationKind: Hashable, Sendable {
  /// `servers` identical exponential servers and one FCFS queue (for one server, processor
  /// sharing gives the same means). With `j` customers present the station completes work at
  /// rate `min(j, servers)` times the per-server rate.
  case queueing(servers: Int)
  /// Infinitely many servers: nobody waits, the sojourn is the service time (M/M/inf, "delay").
  case delay
  /// A load-dependent station: with `j` customers present it completes work at `rates[j - 1]`
  /// times the rate of one server (`rates.last` for j beyond the list). `.queueing(servers: c)`
  /// is `.loadDependent(rates: [1, 2, ..., c])`; contention that slows every request at high
  /// concurrency shows as rates that grow less than j, or fall. Exponential FCFS or any
  /// service distribution under processor sharing (Baskett et al. 1975, BCMP).
  case loadDependent(rates: [Double])
}

/// A station's service rate multipliers alpha(j) as the MVA recursions read them: j = 1...J
/// listed, alpha(j) = alpha(J) beyond (Lazowska et al. 1984, ch. 8).
package struct _RateProfile: Hashable, Sendable {
  /// J: alpha is constant from here on.
  package let constantFrom: Int
  /// `logRates[j - 1] = log alpha(j)` for j = 1...min(J, limit).
  package let logRates: [Double]
  /// log alpha(J).
  package let logTail: Double

  /// The profile of `kind`, listing at most `limit` rates (a population never needs more than
  /// N + 1); nil for a delay station.
  package init?(_ kind: StationKind, limit: Int) {
    switch kind {
    case .delay: return nil
    case .queueing(let c):
      constantFrom = c
      logRates = (1...max(1, min(c, limit))).map { log(Double($0)) }
      logTail = log(Double(c))
    case .loadDependent(let rates):
      constantFrom = rates.count
      logRates = rates.prefix(max(1, limit)).map { log($0) }
      logTail = log(rates[rates.count - 1])
    }
  }

  /// log alpha(j), j >= 1.
  @inline(__always)
  package func logRate(_ j: Int) -> Double { j <= logRates.count ? logRates[j - 1] : logTail }
}
