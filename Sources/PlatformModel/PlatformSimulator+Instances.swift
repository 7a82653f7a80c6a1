import BasicContainers
import DequeModule

/// App instances coming and going: crashes and repairs, health checks, scheduled capacity,
/// rolling deployments and territory outages.
extension PlatformSimulator {
  mutating func rebuildRotation(_ t: Int) {
    rotation[t] = UniqueArray(copying: instanceRange[t].filter { instances[$0].inRotation }.map(Int32.init))
    territories[t].roundRobin = 0
  }

  /// Provisioned (paid for) and ready instances of a territory now.
  func instanceCounts(_ t: Int) -> (provisioned: Int, ready: Int) {
    var provisioned = 0
    var ready = 0
    for i in instanceRange[t] {
      if instances[i].lifecycle != .off { provisioned += 1 }
      if instances[i].lifecycle == .ready { ready += 1 }
    }
    return (provisioned, ready)
  }

  /// With crash faults, a ready instance's up-time until its next crash.
  mutating func scheduleCrash(_ i: Int) {
    let t = Int(instances[i].territory)
    guard let fault = crashFault[t] else { return }
    let at = sim.now + crashDraw[t].next() * fault.mtbf
    if at < scenario.horizon { sim.schedule(.crash(instance: Int32(i), epoch: instances[i].epoch), at: at) }
  }

  /// An instance starts (or restarts): it takes traffic after its start-up time.
  mutating func boot(_ i: Int) {
    let t = Int(instances[i].territory)
    noteLevels(t)
    instances[i].epoch &+= 1
    instances[i].lifecycle = .starting
    let ready = sim.now + startupDelay[t]
    if scalerOf[t] >= 0 { podCreated(i) }
    sim.schedule(.ready(instance: Int32(i), epoch: instances[i].epoch), at: ready)
    noteLevels(t)
  }

  mutating func becomeReady(_ i: Int) {
    let t = Int(instances[i].territory)
    noteLevels(t)
    instances[i].lifecycle = .ready
    instances[i].inRotation = true
    if scalerOf[t] >= 0 { pods[i].readySince = sim.now }
    rebuildRotation(t)
    scheduleCrash(i)
    if territories[t].failoverTo >= 0 && !territories[t].outage { territories[t].failoverTo = -1 }
    if instances[i].deploying {
      instances[i].deploying = false
      deployments[t]?.outstanding -= 1
      if deployments[t]?.outstanding == 0 { nextDeploymentBatch(t) }
    }
    noteLevels(t)
  }

  /// The instance dies with everything on it; the load balancer keeps sending it requests
  /// until the next health check.
  mutating func crash(_ i: Int, detectedAtOnce: Bool = false) {
    let t = Int(instances[i].territory)
    noteLevels(t)
    abortRequests { $0.instance == Int32(i) && $0.stage != .free && $0.stage != .query }
    // Requests in a query on this instance fail too; the database finishes the query anyway.
    abortRequests(onInstance: i)
    let wasDeploying = instances[i].deploying
    instances[i].epoch &+= 1
    instances[i].lifecycle = .crashed
    instances[i].deploying = false
    recorder.workersChanged(territory: t, by: -Int(instances[i].busyWorkers), at: sim.now)
    recorder.coresChanged(territory: t, by: -Int(instances[i].busyCores), at: sim.now)
    instances[i].busyWorkers = 0
    let busy = instances[i].busyCores
    instances[i].addCores(-busy, at: sim.now)
    instances[i].connections = 0
    instances[i].present = 0
    workQueues[i] = UniqueDeque()
    cpuQueues[i] = UniqueDeque()
    instanceCores[i] = SharedCores()
    connectionQueues[i] = UniqueDeque()
    if wasDeploying {
      deployments[t]?.outstanding -= 1
      if deployments[t]?.outstanding == 0 { nextDeploymentBatch(t) }
    }
    if instances[i].inRotation {
      if detectedAtOnce {
        instances[i].inRotation = false
        rebuildRotation(t)
      } else {
        let interval = platform.territories[t].loadBalancer.healthCheckInterval
        let check = ((sim.now / interval).rounded(.down) + 1) * interval
        sim.schedule(.detected(instance: Int32(i)), at: check)
      }
    }
    if let fault = crashFault[t], !territories[t].outage, !instances[i].removing {
      let back = sim.now + crashDraw[t].next() * fault.mttr
      if back < scenario.horizon { sim.schedule(.repaired(instance: Int32(i), epoch: instances[i].epoch), at: back) }
    }
    if instances[i].removing {
      instances[i].lifecycle = .off
      instances[i].removing = false
      instances[i].inRotation = false
      rebuildRotation(t)
    }
    noteLevels(t)
  }

  /// Fails every request for which `matches` holds, at the moment its instance or node dies.
  /// Requests with an event pending are marked aborted and freed when it comes.
  mutating func abortRequests(_ matches: (RequestState) -> Bool) {
    var hit: [Int] = []
    for r in 0..<requests.count where !requests[r].aborted && matches(requests[r]) { hit.append(r) }
    for r in hit {
      if hasLocks { dropLock(r) }
      recorder.failed(requests[r], .nodeDown)
      let user = requests[r].user
      if requests[r].stage == .cpu {
        requests[r].aborted = true
      } else {
        freeRequest(r)
      }
      userDone(user)
    }
  }

  /// Requests of instance `i` in a query: holding a core, they finish there (aborted); waiting
  /// in the node's line, they leave it. Their row locks go back at once (the transaction is
  /// rolled back); `crash` has taken the instance's requests out of the lock lines before.
  mutating func abortRequests(onInstance i: Int) {
    var hit: [Int] = []
    for r in 0..<requests.count
    where !requests[r].aborted && requests[r].stage == .query && requests[r].instance == Int32(i) {
      hit.append(r)
    }
    for r in hit {
      if hasLocks { dropLock(r) }
      recorder.failed(requests[r], .nodeDown)
      let user = requests[r].user
      if requests[r].holdsCore {
        requests[r].aborted = true
      } else {
        Self.remove(Int32(r), from: &nodeQueues[Int(requests[r].node)])
        freeRequest(r)
      }
      userDone(user)
    }
  }

  mutating func detected(_ i: Int) {
    guard instances[i].inRotation, !instances[i].isServing else { return }
    instances[i].inRotation = false
    rebuildRotation(Int(instances[i].territory))
  }

  /// Out of rotation and empty: a removed instance stops; a deployed one restarts.
  mutating func drained(_ i: Int) {
    let t = Int(instances[i].territory)
    noteLevels(t)
    if instances[i].deploying {
      boot(i)
    } else {
      instances[i].epoch &+= 1
      instances[i].lifecycle = .off
      instances[i].removing = false
    }
    noteLevels(t)
  }

  /// Takes instance `i` out of rotation to finish its requests.
  mutating func drain(_ i: Int) {
    let t = Int(instances[i].territory)
    noteLevels(t)
    instances[i].lifecycle = .draining
    instances[i].inRotation = false
    rebuildRotation(t)
    noteLevels(t)
    if instances[i].present == 0 { drained(i) }
  }

  // MARK: Capacity

  mutating func applyCapacity(_ change: CapacityChange) {
    let t = change.territory
    noteLevels(t)
    let range = instanceRange[t]
    var kept = range.filter { instances[$0].lifecycle != .off && !instances[$0].removing }
    if kept.count < change.instances {
      for i in range where kept.count < change.instances && instances[i].lifecycle == .off {
        boot(i)
        kept.append(i)
      }
    } else {
      for i in kept.reversed() where kept.count > change.instances {
        kept.removeLast()
        remove(i, territory: t)
      }
    }
  }

  /// Takes instance `i` away: one not yet serving (or crashed) is off at once, a serving one
  /// leaves the rotation and drains its requests first.
  mutating func remove(_ i: Int, territory t: Int) {
    switch instances[i].lifecycle {
    case .starting, .crashed:
      noteLevels(t)
      instances[i].epoch &+= 1
      instances[i].lifecycle = .off
      if instances[i].inRotation {
        instances[i].inRotation = false
        rebuildRotation(t)
      }
      noteLevels(t)
    case .ready, .draining:
      instances[i].removing = true
      instances[i].deploying = false
      drain(i)
    case .off:
      break
    }
  }

  // MARK: Deployments and outages

  mutating func nextDeploymentBatch(_ t: Int) {
    guard var deployment = deployments[t] else { return }
    let batch = instanceRange[t].filter {
      instances[$0].lifecycle == .ready && !instances[$0].removing && !deployment.done.contains($0)
    }.prefix(deployment.batch)
    guard !batch.isEmpty else {
      deployments[t] = nil
      if !recorder.deployments[t].isEmpty { recorder.deployments[t][recorder.deployments[t].count - 1].end = sim.now }
      return
    }
    deployment.outstanding = batch.count
    for i in batch { deployment.done.insert(i) }
    deployments[t] = deployment
    for i in batch {
      instances[i].deploying = true
      drain(i)
    }
  }

  mutating func faultStep(_ index: Int, step: Int) {
    switch scenario.faults[index] {
    case .instanceCrashes:
      break
    case .replicaDown(let node, let at, let duration):
      if step == 0 {
        nodeDown(node)
        if at + duration < scenario.horizon { sim.schedule(.fault(index: Int32(index), step: 1), at: at + duration) }
      } else {
        nodeUp(node)
      }
    case .primaryFailover(let node, let at, let detection, let promotion):
      if step == 0 {
        nodeDown(node)
        let done = at + detection + promotion
        if done < scenario.horizon { sim.schedule(.fault(index: Int32(index), step: 1), at: done) }
      } else {
        promote(replacing: node)
      }
    case .territoryOutage(let t, let at, let duration, let target, let delay):
      switch step {
      case 0:
        territories[t].outage = true
        var downed: [Int] = []
        for i in instanceRange[t] where instances[i].lifecycle != .off {
          downed.append(i)
          crash(i, detectedAtOnce: true)
        }
        outageInstances[t] = downed
        if target != nil, at + delay < scenario.horizon {
          sim.schedule(.fault(index: Int32(index), step: 1), at: at + delay)
        }
        if at + duration < scenario.horizon { sim.schedule(.fault(index: Int32(index), step: 2), at: at + duration) }
      case 1:
        if territories[t].outage, let target { territories[t].failoverTo = target }
      default:
        territories[t].outage = false
        for i in outageInstances[t] where instances[i].lifecycle == .crashed { boot(i) }
      }
    case .instanceCrash(let t, _):
      let interval = platform.territories[t].loadBalancer.healthCheckInterval
      if step == 0 {
        guard let i = instanceRange[t].first(where: { instances[$0].lifecycle == .ready && !instances[$0].removing })
        else { return }
        crash(i)
        // Restarted once the crash is seen: after the health check that takes it out of rotation.
        let restart = ((sim.now / interval).rounded(.down) + 1) * interval + 1
        if restart < scenario.horizon { sim.schedule(.fault(index: Int32(index), step: 1), at: restart) }
      } else {
        for i in instanceRange[t] where instances[i].lifecycle == .crashed && !instances[i].inRotation {
          boot(i)
        }
      }
    case .deployment(let t, _, let batch):
      guard deployments[t] == nil else { return }
      deployments[t] = DeploymentState(batch: batch)
      recorder.deployments[t].append(DeploymentSpan(fault: index, start: sim.now, end: nil))
      nextDeploymentBatch(t)
    }
  }
}
