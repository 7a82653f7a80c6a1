extension NetworkSimulator {
  /// Picks the station a dispatcher sends the next customer to.
  @inline(__always)
  mutating func dispatch(_ d: Int) -> Int32 {
    let start = Int(dispatchers[d].start)
    let count = Int(dispatchers[d].count)
    switch dispatchers[d].policy {
    case .roundRobin:
      let i = Int(dispatchers[d].nextRoundRobin)
      dispatchers[d].nextRoundRobin = i + 1 == count ? 0 : Int32(i + 1)
      return dispatchTargets[start + i]
    case .random:
      return dispatchTargets[start + pick(count, d)]
    case .weighted:
      let u = dispatchDraw[d].next()
      var i = start
      while u >= dispatchCumulativeWeights[i] { i += 1 }
      return dispatchTargets[i]
    case .joinShortestQueue:
      return joinShortestQueue(d, start: start, count: count)
    case .powerOfTwo:
      // One uniform does it all: U n(n-1) picks an ordered pair of distinct targets uniformly,
      // and its fractional part (about 40 random bits left) breaks a tie.
      guard count > 1 else { return dispatchTargets[start] }
      let pairs = count &* (count &- 1)
      let x = dispatchDraw[d].next() * Double(pairs)
      let k = Swift.min(Int(x), pairs &- 1)
      let i = k / (count &- 1)
      var j = k % (count &- 1)
      if j >= i { j &+= 1 }
      let a = dispatchTargets[start &+ i]
      let b = dispatchTargets[start &+ j]
      let na = present[Int(a)]
      let nb = present[Int(b)]
      if na != nb { return na < nb ? a : b }
      return x - Double(k) < 0.5 ? a : b
    }
  }

  /// A uniform index in 0 ..< n from the dispatcher's stream.
  @inline(__always)
  private mutating func pick(_ n: Int, _ d: Int) -> Int {
    min(Int(dispatchDraw[d].next() * Double(n)), n - 1)
  }

  /// Fewest present (waiting plus in service); ties uniformly at random, one draw only when tied.
  ///
  /// Targets that are one block of consecutive stations (a group of copies) have a
  /// `ShortestQueueIndex`: O(1). Otherwise three passes over the targets' counts: the minimum, how
  /// many share it, then the chosen one among them.
  @inline(__always)
  private mutating func joinShortestQueue(_ d: Int, start: Int, count: Int) -> Int32 {
    if _joinShortestQueueCountsWaitingOnly { return joinShortestWaitingQueue(d, start: start, count: count) }
    let indexed = Int(dispatchers[d].shortestQueueIndex)
    if indexed >= 0 {
      let first = shortestQueues[indexed].order[0]
      let ties = shortestQueues[indexed].tiesAtMinimum(Int(present[Int(first)]))
      return ties == 1 ? first : shortestQueues[indexed].order[pick(ties, d)]
    }
    let base = Int(dispatchers[d].contiguousBase)
    if base >= 0 {
      // Wrapping arithmetic (&+=) keeps overflow checks out of the loops so they vectorize.
      let (best, ties) = present.span.withUnsafeBufferPointer { all -> (Int32, Int) in
        let counts = UnsafeBufferPointer(rebasing: all[base..<(base + count)])
        var best = Int32.max
        for n in counts { best = Swift.min(best, n) }
        var ties = 0
        for n in counts { ties &+= n == best ? 1 : 0 }
        return (best, ties)
      }
      let chosen = ties == 1 ? 0 : pick(ties, d)
      return present.span.withUnsafeBufferPointer { all -> Int32 in
        var remaining = chosen
        for k in base..<(base + count) where all[k] == best {
          if remaining == 0 { return Int32(k) }
          remaining &-= 1
        }
        fatalError("join-shortest-queue lost its minimum")
      }
    }
    var best = Int32.max
    for k in start..<(start + count) { best = Swift.min(best, present[Int(dispatchTargets[k])]) }
    var ties = 0
    for k in start..<(start + count) where present[Int(dispatchTargets[k])] == best { ties += 1 }
    var chosen = ties == 1 ? 0 : pick(ties, d)
    for k in start..<(start + count) where present[Int(dispatchTargets[k])] == best {
      if chosen == 0 { return dispatchTargets[k] }
      chosen -= 1
    }
    fatalError("join-shortest-queue lost its minimum")
  }

  /// The deliberately wrong variant (see `_joinShortestQueueCountsWaitingOnly`): counts waiting
  /// customers only, so an idle server and a busy one with an empty queue look the same.
  private mutating func joinShortestWaitingQueue(_ d: Int, start: Int, count: Int) -> Int32 {
    func waiting(_ k: Int) -> Int32 {
      let s = Int(dispatchTargets[k])
      return Swift.max(present[s] - Int32(stations[s].busy), 0)
    }
    let best = (start..<(start + count)).map(waiting).min()!
    let tied = (start..<(start + count)).filter { waiting($0) == best }
    return dispatchTargets[tied[tied.count == 1 ? 0 : pick(tied.count, d)]]
  }
}
