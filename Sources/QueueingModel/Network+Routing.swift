extension Network {
  /// Routing probabilities between stations with dispatchers folded in, and the external
  /// arrival rate into each station: the inputs of the traffic equations.
  ///
  /// - Parameters:
  ///   - rate: each source's mean rate, or nil for a source that does not count (closed).
  ///   - anyPolicy: fold every dispatcher in as an even (or weighted) split, which is the
  ///     long-run split of round robin, join-shortest-queue and power-of-two over identical
  ///     servers; otherwise only random and weighted dispatch (Poisson splitting) fold in, and
  ///     any other policy gives nil.
  func flattenedRouting(rate: (Source) -> Double?, anyPolicy: Bool) -> (external: [Double], routing: [[Double]])? {
    let n = stations.count
    func spread(_ d: Destination, _ p: Double, into row: inout [Double]) -> Bool {
      switch d {
      case .exit: return true
      // A sequence's visits are not routed: see `demands(ofSequence:)`.
      case .sequence: return true
      case .station(let s): row[s] += p
      case .dispatcher(let k):
        let dispatcher = dispatchers[k]
        guard anyPolicy || dispatcher.policy == .random || dispatcher.policy == .weighted else { return false }
        let weights = dispatcher.weights ?? Array(repeating: 1, count: dispatcher.targets.count)
        let total = weights.reduce(0, +)
        for (t, w) in zip(dispatcher.targets, weights) { row[t] += p * w / total }
      }
      return true
    }
    var external = [Double](repeating: 0, count: n)
    for source in sources {
      guard let r = rate(source) else { continue }
      guard spread(source.destination, r, into: &external) else { return nil }
    }
    var routing = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for (i, s) in stations.enumerated() {
      for route in s.routing {
        guard spread(route.destination, route.probability, into: &routing[i]) else { return nil }
      }
    }
    return (external, routing)
  }
}
