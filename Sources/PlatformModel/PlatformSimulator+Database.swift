import BasicContainers
import DequeModule

/// PostgreSQL: cores shared first come first served, read routing with a lag bound, replication
/// by single-process replay, node loss and primary failover.
extension PlatformSimulator {
  /// A core of node `n` is free: the next query waiting there takes it.
  mutating func releaseCore(_ n: Int) {
    if let (next, service) = takeWaitingQuery(on: n) {
      sim.schedule(.queryDone(request: next), at: sim.now + service)
    } else {
      recorder.nodeBusyChanged(n, by: -1, at: sim.now)
      nodes[n].busy -= 1
    }
  }

  /// The next query waiting on node `n` (requests that failed meanwhile are freed), which takes
  /// the core just given back, with its service time; nil when none waits.
  @inline(__always)
  mutating func takeWaitingQuery(on n: Int) -> (Int32, Double)? {
    while let next = nodeQueues[n].popFirst() {
      let r = Int(next)
      if requests[r].aborted {
        freeRequest(r)
        continue
      }
      requests[r].holdsCore = true
      let c = Int(requests[r].requestClass)
      let kind = Int(queryOf[queryStart[c] + Int(requests[r].step)])
      return (next, serviceDraw[Int(requests[r].origin) * kindCount + kind].next())
    }
    return nil
  }

  /// Replication lag of replica `n` now: how long ago the oldest write it has not replayed by
  /// now was committed.
  @inline(__always)
  func lag(_ n: Int) -> Double {
    let now = sim.now
    for k in 0..<pendingWrites[n].count where pendingWrites[n][k].replayed > now {
      return now - pendingWrites[n][k].commit
    }
    return 0
  }

  /// The commit of the oldest write replica `n` has not replayed; call `catchUp(n)` first.
  @inline(__always)
  func oldestPending(_ n: Int) -> Double? {
    pendingWrites[n].isEmpty ? nil : pendingWrites[n][0].commit
  }

  /// Where a read goes: a healthy replica within the lag bound, chosen by the territory's
  /// policy; the primary after the request's (or its user's) recent write, or when no replica
  /// qualifies.
  mutating func readNode(_ r: Int, territory t: Int) -> Int {
    let primary = Int(primaryOf[t])
    let routing = readRouting[t]
    if routing.policy == .primary { return primary }
    if sim.now - requests[r].lastWrite < routing.readYourWrites { return primary }
    let n = replicasOf[primary].count
    guard n > 0 else { return primary }
    switch routing.policy {
    case .leastBusy:
      var best = -1
      var load = Double.infinity
      for k in 0..<n {
        let node = Int(replicasOf[primary][k])
        catchUp(node)
        guard nodes[node].up, lag(node) <= routing.maxLag else { continue }
        let l = Double(Int(nodes[node].busy) + nodeQueues[node].count) / Double(nodes[node].cores)
        if l < load {
          load = l
          best = node
        }
      }
      return best >= 0 ? best : primary
    case .roundRobin, .random, .primary:
      var start: Int
      if routing.policy == .random {
        start = min(n - 1, Int(uniform[t].next() * Double(n)))
      } else {
        start = nodes[primary].roundRobin
        nodes[primary].roundRobin = Self.successor(of: start, below: n)
      }
      for _ in 0..<n {
        let node = Int(replicasOf[primary][start])
        catchUp(node)
        if nodes[node].up && lag(node) <= routing.maxLag { return node }
        start += 1
        if start == n { start = 0 }
      }
      return primary
    }
  }

  /// A write committed on primary `p` heads for each of its replicas.
  mutating func replicate(from p: Int) {
    for k in 0..<replicasOf[p].count {
      let n = Int(replicasOf[p][k])
      guard replayDraw[n] != nil || platform.databases[n].shipping > 0 else { continue }
      catchUp(n)
      let wasEmpty = pendingWrites[n].isEmpty
      let replayed = nodes[n].up ? chainReplay(n, commit: sim.now) : .infinity
      pendingWrites[n].append(PendingWrite(commit: sim.now, replayed: replayed))
      if wasEmpty { noteLag(n) }
    }
  }

  /// When replica `n` ends replaying a write committed at `commit`, which arrives `shipping`
  /// after it: a single process replays writes in commit order, each taking the replay time
  /// stretched by how busy the replica's cores are with queries when the write is queued, and
  /// on a node with a load factor slowed as one more process beside them (factor(busy + 1)).
  ///
  /// Known when the write arrives, so no event marks it: `catchUp` retires the writes replayed
  /// by the time anything looks at the replica (a read choosing it, a write, a window closing).
  /// An event per replayed write was a tenth of a platform run's events.
  @inline(__always)
  mutating func chainReplay(_ n: Int, commit: Double) -> Double {
    let begin = max(nodes[n].replayFree, commit + platform.databases[n].shipping)
    let busy = Double(nodes[n].busy) / Double(nodes[n].cores)
    var work = (replayDraw[n]?.next() ?? 0) * (1 + busy)
    if nodes[n].sharesCores { work *= nodeLoadFactor[n]!.factor(at: Int(nodes[n].busy) + 1) }
    nodes[n].replayFree = begin + work
    return begin + work
  }

  /// Retires the writes replica `n` has replayed by now, in order, each at its own time: its
  /// lag as it ends is observed and the lag integral moves on.
  @inline(__always)
  mutating func catchUp(_ n: Int) {
    let now = sim.now
    while !pendingWrites[n].isEmpty && pendingWrites[n][0].replayed <= now {
      let write = pendingWrites[n].popFirst()!
      recorder.lagObserved(n, write.replayed - write.commit)
      noteLag(n, at: write.replayed)
    }
  }

  /// Node `n` becomes unreachable: its queries fail, and so does every query sent to it; so do
  /// the requests waiting for its row locks, and holders give theirs back.
  mutating func nodeDown(_ n: Int) {
    catchUp(n)
    noteNodeDown(n)
    nodes[n].up = false
    // Its replay stops; `nodeUp` starts it again from the oldest write not replayed.
    for k in 0..<pendingWrites[n].count { pendingWrites[n][k].replayed = .infinity }
    var hit: [Int] = []
    for r in 0..<requests.count
    where (requests[r].stage == .query || requests[r].stage == .lockWait) && !requests[r].aborted
      && requests[r].node == Int32(n)
    {
      hit.append(r)
    }
    // Out of the lock lines first, so that a row given back below goes to no one failing here.
    for r in hit where requests[r].stage == .lockWait { leaveLockLine(r) }
    // Take them off the node first, so that releasing their connections and workers (which
    // starts other requests) sees a consistent node.
    nodeQueues[n] = UniqueDeque()
    nodeCores[n] = SharedCores()
    recorder.nodeBusyChanged(n, by: -Int(nodes[n].busy), at: sim.now)
    nodes[n].busy = 0
    for r in hit {
      let pendingEvent = requests[r].holdsCore
      requests[r].holdsCore = false
      let i = Int(requests[r].instance)
      if hasLocks { dropLock(r) }
      releaseConnection(on: i)
      recorder.failed(requests[r], .nodeDown)
      let user = requests[r].user
      releaseWorker(on: i)
      if pendingEvent {
        requests[r].aborted = true
      } else {
        freeRequest(r)
      }
      userDone(user)
    }
  }

  /// A replica is back: it replays what it missed, and serves reads once within the lag bound.
  mutating func nodeUp(_ n: Int) {
    nodes[n].up = true
    noteNodeUp(n)
    nodes[n].replayFree = sim.now
    for k in 0..<pendingWrites[n].count {
      pendingWrites[n][k].replayed = chainReplay(n, commit: pendingWrites[n][k].commit)
    }
  }

  /// The healthy replica of failed primary `p` that has replayed the most (the fewest writes
  /// pending; the first of those tied) becomes the primary of its territories, as Patroni and
  /// repmgr pick the one furthest along; the other replicas follow it. Without one, `p` itself
  /// comes back. (The first healthy one was taken before, even hours behind after an outage of
  /// its own, while another was milliseconds behind.)
  mutating func promote(replacing p: Int) {
    var replicas: [Int32] = []
    for k in 0..<replicasOf[p].count { replicas.append(replicasOf[p][k]) }
    var best: Int32? = nil
    for n in replicas where nodes[Int(n)].up {
      catchUp(Int(n))
      if let b = best, pendingWrites[Int(n)].count >= pendingWrites[Int(b)].count { continue }
      best = n
    }
    guard let chosen = best else {
      nodes[p].up = true
      noteNodeUp(p)
      return
    }
    let promoted = Int(chosen)
    catchUp(promoted)
    pendingWrites[promoted] = UniqueDeque()
    noteLag(promoted)
    nodes[promoted].replayFree = -.infinity
    replicasOf[promoted] = UniqueArray(copying: replicas.filter { $0 != chosen })
    replicasOf[p] = UniqueArray()
    for t in primaryOf.indices where primaryOf[t] == Int32(p) { primaryOf[t] = chosen }
  }
}
