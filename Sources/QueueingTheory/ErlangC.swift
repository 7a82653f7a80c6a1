/// The Erlang C (delay) formula: the probability that an arrival has to wait in an M/M/c queue
/// with unlimited waiting room.
///
/// Computed from Erlang B as `C = c B / (c - a (1 - B))` (Kleinrock 1975, vol. 1, ch. 3;
/// Gross & Harris, ch. 2), which inherits B's stability for large `c`.
package enum ErlangC {
  /// Returns the Erlang C waiting probability C(c, a).
  ///
  /// - Parameters:
  ///   - servers: Number of servers `c`, at least 1.
  ///   - a: Offered load in Erlangs, `lambda / mu`, finite, > 0 and < `c` (stability).
  /// - Returns: The probability that an arrival waits, in (0, 1); for c = 1 it is `a`.
  /// - Throws: ``QueueingTheoryError/invalidServerCount(_:)``,
  ///   ``QueueingTheoryError/invalidOfferedLoad(_:)`` or
  ///   ``QueueingTheoryError/unstable(utilization:)``.
  package static func waitProbability(
    servers: Int,
    offeredLoad a: Double
  ) throws(QueueingTheoryError) -> Double {
    guard servers >= 1 else { throw .invalidServerCount(servers) }
    guard a.isFinite, a > 0 else { throw .invalidOfferedLoad(a) }
    guard a < Double(servers) else { throw .unstable(utilization: a / Double(servers)) }
    return _waitProbability(servers: servers, offeredLoad: a)
  }

  /// The formula without input checks, for callers that validated already (`0 < a < c`).
  static func _waitProbability(servers: Int, offeredLoad a: Double) -> Double {
    let b = ErlangB._blocking(servers: servers, offeredLoad: a)
    let c = Double(servers)
    return c * b / (c - a * (1 - b))
  }
}
