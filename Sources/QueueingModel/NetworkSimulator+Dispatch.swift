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
      guard count > 1 else { return dispatchTargets[start] }
      let i = pick(count, d)
      var j = pick(count - 1, d)
      if j >= i { j += 1 }
      let a = dispatchTargets[start + i]
      let b = dispatchTargets[start + j]
      let na = present[Int(a)]
      let nb = present[Int(b)]
      if na != nb { return na < nb ? a : b }
      return pick(2, d) == 0 ? a : b
    }
  }

  /// A uniform index in 0 ..< n from the dispatcher's stream.
  @inline(__always)
  private mutating func pick(_ n: Int, _ d: Int) -> Int {
    min(Int(dispatchDraw[d].next() * Double(n)), n - 1)
  }

  /// Fewest present (waiting plus in service); ties uniformly at random, one draw only when tied.
  @inline(__always)
  private mutating func joinShortestQueue(_ d: Int, start: Int, count: Int) -> Int32 {
    var best = Int32.max
    var ties = 0
    for k in start..<(start + count) {
      let target = dispatchTargets[k]
      var n = present[Int(target)]
      if _joinShortestQueueCountsWaitingOnly { n = max(n - Int32(stations[Int(target)].busy), 0) }
      if n < best {
        best = n
        ties = 0
        tieScratch[0] = target
        ties = 1
      } else if n == best {
        tieScratch[ties] = target
        ties += 1
      }
    }
    return ties == 1 ? tieScratch[0] : tieScratch[pick(ties, d)]
  }
}
