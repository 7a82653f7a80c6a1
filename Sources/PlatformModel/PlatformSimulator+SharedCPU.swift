import QueueingModel

/// CPU bursts on an instance whose pool has a load factor, and queries on a database node with
/// one: while n are in service (busy cores) each progresses at 1 / factor(n) of a core, and the
/// moment n changes every one in service is re-timed (`SharedCores` keeps their work left). A
/// pending end carries the request's stamp, so an end re-timed since is dropped when it comes
/// up. Cores are taken and given back in turn as without a factor (FIFO): only the speed differs.
extension PlatformSimulator {
  /// Starts `r`'s CPU phase on instance `i`, whose core it has just taken.
  mutating func startSharedBurst(_ r: Int, on i: Int) {
    let factor = cpuLoadFactor[Int(instances[i].territory)]!
    instanceCores[i].settle(at: sim.now, factor: factor)
    requests[r].stage = .cpu
    instanceCores[i].inService.append((Int32(r), requests[r].cpuPhase))
    retime(instanceCores[i].inService, factor: factor)
  }

  /// Starts query work `work` of `r` on node `n`, whose core it has just taken.
  mutating func startSharedQuery(_ r: Int, work: Double, on n: Int) {
    nodeCores[n].settle(at: sim.now, factor: nodeLoadFactor[n]!)
    nodeCores[n].inService.append((Int32(r), work))
    retime(nodeCores[n].inService, factor: nodeLoadFactor[n]!)
  }

  /// A burst or a query ends, unless re-timed since.
  mutating func sharedDone(_ r: Int, stamp: UInt32) {
    guard requests[r].stamp == stamp else { return }
    switch requests[r].stage {
    case .cpu: sharedBurstDone(r)
    case .query: sharedQueryDone(r)
    default: return
    }
  }

  private mutating func sharedBurstDone(_ r: Int) {
    // A crash took the instance's bursts away; the request's last end frees it.
    if requests[r].aborted { return freeRequest(r) }
    let i = Int(requests[r].instance)
    let factor = cpuLoadFactor[Int(instances[i].territory)]!
    instanceCores[i].settle(at: sim.now, factor: factor)
    instanceCores[i].remove(Int32(r))
    // The core goes to the next CPU phase waiting on this instance.
    if let next = cpuQueues[i].popFirst() {
      requests[Int(next)].stage = .cpu
      instanceCores[i].inService.append((next, requests[Int(next)].cpuPhase))
    } else {
      recorder.coresChanged(territory: Int(instances[i].territory), by: -1, at: sim.now)
      instances[i].addCores(-1, at: sim.now)
    }
    retime(instanceCores[i].inService, factor: factor)
    cpuPhaseEnded(r, on: i)
  }

  private mutating func sharedQueryDone(_ r: Int) {
    // A node that went down took its queries away (`holdsCore` is off); the last end frees.
    if requests[r].holdsCore {
      requests[r].holdsCore = false
      let n = Int(requests[r].node)
      nodeCores[n].settle(at: sim.now, factor: nodeLoadFactor[n]!)
      nodeCores[n].remove(Int32(r))
      if let (next, service) = takeWaitingQuery(on: n) {
        nodeCores[n].inService.append((next, service))
      } else {
        recorder.nodeBusyChanged(n, by: -1, at: sim.now)
        nodes[n].busy -= 1
      }
      retime(nodeCores[n].inService, factor: nodeLoadFactor[n]!)
    }
    queryEnded(r)
  }

  /// Schedules the end of every request in `inService` at `factor` for their number.
  private mutating func retime(_ inService: [(request: Int32, work: Double)], factor: LoadFactor) {
    guard !inService.isEmpty else { return }
    let slowdown = factor.factor(at: inService.count)
    for (r, work) in inService {
      requests[Int(r)].stamp = nextStamp
      nextStamp &+= 1
      sim.schedule(.sharedDone(request: r, stamp: requests[Int(r)].stamp), at: sim.now + max(work, 0) * slowdown)
    }
  }
}
