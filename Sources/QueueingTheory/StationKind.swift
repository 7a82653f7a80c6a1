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
}
