/// The Erlang B (loss) formula: the probability that an arrival finds all servers busy in an
/// M/M/c/c system (equivalently M/G/c/c, since the formula is insensitive to the service law).
///
/// Source: Erlang 1917; the recursion is the standard stable one (Kleinrock 1975, vol. 1,
/// ch. 3; Gross & Harris, *Fundamentals of Queueing Theory*, ch. 2).
package enum ErlangB {
  /// Returns the Erlang B blocking probability B(c, a).
  ///
  /// Uses `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, which only ever divides numbers of the
  /// same order, so it neither overflows nor cancels for any `c` (O(c) time; c = 10,000 is
  /// immediate), unlike the textbook ratio of sums `a^c/c! / sum a^k/k!`.
  ///
  /// - Parameters:
  ///   - servers: Number of servers `c`, at least 1.
  ///   - a: Offered load in Erlangs, `lambda / mu`, finite and > 0.
  /// - Returns: The blocking probability in (0, 1).
  /// - Throws: ``QueueingTheoryError/invalidServerCount(_:)`` or
  ///   ``QueueingTheoryError/invalidOfferedLoad(_:)``.
  package static func blocking(
    servers: Int,
    offeredLoad a: Double
  ) throws(QueueingTheoryError) -> Double {
    guard servers >= 1 else { throw .invalidServerCount(servers) }
    guard a.isFinite, a > 0 else { throw .invalidOfferedLoad(a) }
    return _blocking(servers: servers, offeredLoad: a)
  }

  /// The recursion without input checks, for callers that validated already.
  static func _blocking(servers: Int, offeredLoad a: Double) -> Double {
    var b = 1.0
    for k in stride(from: 1, through: servers, by: 1) {
      let ab = a * b
      b = ab / (Double(k) + ab)
    }
    return b
  }
}
