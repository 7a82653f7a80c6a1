/// CPU bursts on an instance whose pool has a load factor, and queries on a database node with
/// one: while n are in service (busy cores) each progresses at 1 / factor(n) of a core, and the
/// moment n changes every one in service is re-timed. A burst's work left is in its request's
/// `mark`, a query's beside it in `nodeServing` (`mark` holds when the query began); a pending
/// end carries the request's stamp, so an end re-timed since is dropped when it comes up. Cores
/// are taken and given back in turn as without a factor (FIFO), so only the speed differs.
extension PlatformSimulator {
  /// Starts `r`'s CPU phase on instance `i`, whose core it has just taken.
  mutating func startSharedBurst(_ r: Int, on i: Int) {
    settleBursts(on: i)
    requests[r].stage = .cpu
    requests[r].mark = requests[r].cpuPhase
    serving[i].append(Int32(r))
    retimeBursts(on: i)
  }

  mutating func sharedCPUDone(_ r: Int, stamp: UInt32) {
    guard requests[r].stage == .cpu, requests[r].stamp == stamp else { return }
    // A crash took the instance's bursts away; the request's last end frees it.
    if requests[r].aborted { return freeRequest(r) }
    let i = Int(requests[r].instance)
    settleBursts(on: i)
    for k in 0..<serving[i].count where serving[i][k] == Int32(r) {
      _ = serving[i].remove(at: k)
      break
    }
    // The core goes to the next CPU phase waiting on this instance.
    if let next = cpuQueues[i].popFirst() {
      let n = Int(next)
      requests[n].stage = .cpu
      requests[n].mark = requests[n].cpuPhase
      serving[i].append(next)
    } else {
      recorder.coresChanged(territory: Int(instances[i].territory), by: -1, at: sim.now)
      instances[i].addCores(-1, at: sim.now)
    }
    retimeBursts(on: i)
    cpuPhaseEnded(r, on: i)
  }

  /// Takes the work done since the last change off every burst in service on `i`.
  private mutating func settleBursts(on i: Int) {
    let n = serving[i].count
    if n > 0 {
      let done = (sim.now - servingSince[i]) / factor(on: i, inService: n)
      for k in 0..<n { requests[Int(serving[i][k])].mark -= done }
    }
    servingSince[i] = sim.now
  }

  /// Schedules the end of every burst in service on `i` at the factor for their number.
  private mutating func retimeBursts(on i: Int) {
    let n = serving[i].count
    guard n > 0 else { return }
    let slowdown = factor(on: i, inService: n)
    for k in 0..<n {
      let r = Int(serving[i][k])
      requests[r].stamp = nextStamp
      nextStamp &+= 1
      sim.schedule(
        .sharedCPUDone(request: Int32(r), stamp: requests[r].stamp), at: sim.now + max(requests[r].mark, 0) * slowdown)
    }
  }

  private func factor(on i: Int, inService n: Int) -> Double {
    cpuLoadFactor[Int(instances[i].territory)]!.factor(at: n)
  }

  // MARK: Database nodes

  /// Starts query work `work` of `r` on node `n`, whose core it has just taken.
  mutating func startSharedQuery(_ r: Int, work: Double, on n: Int) {
    settleQueries(on: n)
    nodeServing[n].append(ServingQuery(request: Int32(r), work: work))
    retimeQueries(on: n)
  }

  mutating func sharedQueryDone(_ r: Int, stamp: UInt32) {
    guard requests[r].stage == .query, requests[r].stamp == stamp else { return }
    // A node that went down took its queries away (`holdsCore` is off); the last end frees.
    if requests[r].holdsCore {
      requests[r].holdsCore = false
      let n = Int(requests[r].node)
      settleQueries(on: n)
      for k in 0..<nodeServing[n].count where nodeServing[n][k].request == Int32(r) {
        _ = nodeServing[n].remove(at: k)
        break
      }
      // The core goes to the next query waiting on this node, as `releaseCore` gives it.
      var taken = false
      while let next = nodeQueues[n].popFirst() {
        let w = Int(next)
        if requests[w].aborted {
          freeRequest(w)
          continue
        }
        requests[w].holdsCore = true
        let c = Int(requests[w].requestClass)
        let kind = Int(queryOf[queryStart[c] + Int(requests[w].step)])
        let service = serviceDraw[Int(requests[w].origin) * kindCount + kind].next()
        nodeServing[n].append(ServingQuery(request: next, work: service))
        taken = true
        break
      }
      if !taken {
        recorder.nodeBusyChanged(n, by: -1, at: sim.now)
        nodes[n].busy -= 1
      }
      retimeQueries(on: n)
    }
    queryEnded(r)
  }

  /// Takes the work done since the last change off every query in service on `n`.
  private mutating func settleQueries(on n: Int) {
    let count = nodeServing[n].count
    if count > 0 {
      let done = (sim.now - nodeServingSince[n]) / nodeLoadFactor[n]!.factor(at: count)
      for k in 0..<count { nodeServing[n][k].work -= done }
    }
    nodeServingSince[n] = sim.now
  }

  /// Schedules the end of every query in service on `n` at the factor for their number.
  private mutating func retimeQueries(on n: Int) {
    let count = nodeServing[n].count
    guard count > 0 else { return }
    let slowdown = nodeLoadFactor[n]!.factor(at: count)
    for k in 0..<count {
      let r = Int(nodeServing[n][k].request)
      requests[r].stamp = nextStamp
      nextStamp &+= 1
      sim.schedule(
        .sharedQueryDone(request: Int32(r), stamp: requests[r].stamp),
        at: sim.now + max(nodeServing[n][k].work, 0) * slowdown)
    }
  }
}
