import QueueingTheory

extension Network {
  /// Routing probabilities between stations with dispatchers folded in, and the external
  /// arrival rate into each station: the inputs of the traffic equations.
  ///
  /// The routing is each station's routes (`JacksonNetwork.Transition`s, by target, two routes to
  /// one station added up), so its size follows the routes, not the square of the stations: a
  /// group of 30,000 copies behind a dispatcher is 30,000 entries, not 900 million.
  ///
  /// - Parameters:
  ///   - rate: each source's mean rate, or nil for a source that does not count (closed).
  ///   - anyPolicy: fold every dispatcher in as an even (or weighted) split, which is the
  ///     long-run split of round robin, join-shortest-queue and power-of-two over identical
  ///     servers; otherwise only random and weighted dispatch (Poisson splitting) fold in, and
  ///     any other policy gives nil.
  func flattenedRouting(rate: (Source) -> Double?, anyPolicy: Bool)
    -> (external: [Double], routing: [[JacksonNetwork.Transition]])?
  {
    let n = stations.count
    // One row at a time in a dense scratch row, with the stations it touched.
    var row = [Double](repeating: 0, count: n)
    var inRow = [Bool](repeating: false, count: n)
    var touched: [Int] = []
    func add(_ s: Int, _ p: Double) {
      if !inRow[s] {
        inRow[s] = true
        touched.append(s)
      }
      row[s] += p
    }
    func spread(_ d: Destination, _ p: Double) -> Bool {
      switch d {
      case .exit: return true
      // A sequence's visits are not routed: see `demands(ofSequence:)`.
      case .sequence: return true
      case .station(let s): add(s, p)
      case .dispatcher(let k):
        let dispatcher = dispatchers[k]
        guard anyPolicy || dispatcher.policy == .random || dispatcher.policy == .weighted else { return false }
        let weights = dispatcher.weights ?? Array(repeating: 1, count: dispatcher.targets.count)
        let total = weights.reduce(0, +)
        for (t, w) in zip(dispatcher.targets, weights) { add(t, p * w / total) }
      }
      return true
    }
    func takeRow() -> [JacksonNetwork.Transition] {
      let out = touched.sorted().map { JacksonNetwork.Transition(to: $0, probability: row[$0]) }
      for s in touched {
        row[s] = 0
        inRow[s] = false
      }
      touched.removeAll(keepingCapacity: true)
      return out
    }
    for source in sources {
      guard let r = rate(source) else { continue }
      guard spread(source.destination, r) else { return nil }
    }
    var external = [Double](repeating: 0, count: n)
    for t in takeRow() { external[t.to] = t.probability }
    var routing: [[JacksonNetwork.Transition]] = []
    routing.reserveCapacity(n)
    for s in stations {
      for route in s.routing {
        guard spread(route.destination, route.probability) else { return nil }
      }
      routing.append(takeRow())
    }
    return (external, routing)
  }
}
