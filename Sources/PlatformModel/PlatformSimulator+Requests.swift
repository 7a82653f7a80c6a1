import BasicContainers
import DequeModule
import SimKernel

/// The life of a request: load balancer, worker, CPU, connection, queries, CPU, response.
extension PlatformSimulator {
  // MARK: Demand

  /// Re-reads demand from the calendars every 5 minutes: users log on and off to follow the
  /// multiplier, open arrival rates change (piecewise constant, taken mid-step).
  mutating func handleDemandTick() {
    let step = 300.0
    for t in simulated {
      let demand = scenario.demand[t]
      let m = demand.calendar?.multiplier(at: min(sim.now + step / 2, scenario.horizon)) ?? 1
      switch demand.base {
      case .users(let count, _):
        setUsers(t, Int((Double(count) * demand.growth * m).rounded()))
      case .rate(let rate):
        territories[t].rate = rate * demand.growth * m
        rescheduleWake(t)
      }
    }
    if sim.now + step < scenario.horizon { sim.schedule(.demandTick, at: sim.now + step) }
  }

  /// Logs users on or off until `target` are active (logging off waits for a request in flight).
  mutating func setUsers(_ t: Int, _ target: Int) {
    noteLevels(t)
    var excess = territories[t].activeUsers - territories[t].retiring - target
    if excess < 0 {
      // Users about to log off stay instead; then new users log on, thinking first.
      let stay = min(-excess, territories[t].retiring)
      territories[t].retiring -= stay
      excess += stay
      while excess < 0 {
        let u = Int32(users.count)
        users.append(UserState(territory: Int32(t)))
        territories[t].activeUsers += 1
        startThinking(Int(u))
        excess += 1
      }
    } else if excess > 0 {
      // Thinking users log off at once, the others after their request.
      if territories[t].pooledThinking {
        while excess > 0 && thinking[t].count > 0 {
          _ = thinking[t].removeLast()
          territories[t].activeUsers -= 1
          excess -= 1
        }
      }
      territories[t].retiring += excess
    }
    rescheduleWake(t)
    noteLevels(t)
  }

  /// Logs off a user of territory `t` who finished a request, if users are waiting to log off.
  mutating func retires(_ t: Int) -> Bool {
    guard territories[t].retiring > 0 else { return false }
    noteLevels(t)
    territories[t].retiring -= 1
    territories[t].activeUsers -= 1
    noteLevels(t)
    return true
  }

  /// A user whose request ended thinks before the next one, or logs off if asked to.
  @inline(__always)
  mutating func userDone(_ u: Int32) {
    guard u >= 0 else { return }
    let t = Int(users[Int(u)].territory)
    if retires(t) { return }
    startThinking(Int(u))
    // A pooled user joins the thinking without a new draw while the pending candidate wake
    // still bounds their number (see `rescheduleWake`).
    if territories[t].pooledThinking && thinking[t].count > territories[t].wakeBound { rescheduleWake(t) }
  }

  mutating func startThinking(_ u: Int) {
    let t = Int(users[u].territory)
    if territories[t].pooledThinking {
      thinking[t].append(Int32(u))
    } else {
      let delay = thinkDraw[t]!.next()
      if sim.now + delay < scenario.horizon { sim.schedule(.userWake(user: Int32(u)), at: sim.now + delay) }
    }
  }

  /// Draws the next request of territory `t` afresh: open arrivals form a Poisson stream whose
  /// rate changes only with the calendar, and memorylessness makes a fresh draw at each change
  /// exact.
  ///
  /// Thinking users with exponential think times are drawn by thinning (Lewis and Shedler
  /// 1979): candidates come at the rate of a bound on the users thinking, `bound / thinkMean`,
  /// and a candidate picks one of `bound` slots at random, a thinking user who wakes or an empty
  /// slot that lets it pass. That is exact whenever at most `bound` think, so a request ending,
  /// which adds a thinking user, needs no new draw until the bound is passed. The bound is the
  /// users thinking at the draw plus `wakeMargin` (at most those logged on): few candidates
  /// pass, and a new draw is rare. Before, every change of the number thinking drew afresh
  /// and left a stale wake in the event list: one per request.
  @inline(__always)
  mutating func rescheduleWake(_ t: Int) {
    territories[t].wakeStamp &+= 1
    scheduleWake(t)
  }

  /// Users that may start thinking before a candidate wake, beyond those thinking when it is
  /// drawn. Between two candidates about one request ends (as many as start), so a margin of a
  /// few users makes a new draw rare; a wide one (all users logged on) spins on candidates
  /// that pass when most users wait in requests.
  static let wakeMargin = 4

  /// The next candidate wake of territory `t`, at the rate in force now.
  @inline(__always)
  mutating func scheduleWake(_ t: Int) {
    let rate: Double
    if territories[t].thinkMean > 0 {
      guard territories[t].pooledThinking else { return }
      // None while nobody thinks: the first user to think draws one. (Candidates that all pass
      // would otherwise follow each other without end when the clock cannot resolve their gaps.)
      let count = thinking[t].count
      let bound = count == 0 ? 0 : min(territories[t].activeUsers, count + Self.wakeMargin)
      territories[t].wakeBound = bound
      rate = Double(bound) / territories[t].thinkMean
    } else {
      rate = territories[t].rate
    }
    guard rate > 0, generating else { return }
    let at = sim.now + unitExponential[t].next() / rate
    if at < scenario.horizon { sim.schedule(.wake(territory: Int32(t), stamp: territories[t].wakeStamp), at: at) }
  }

  mutating func wake(territory t: Int, stamp: UInt32) {
    guard stamp == territories[t].wakeStamp else { return }
    var user: Int32 = -1
    if territories[t].thinkMean > 0 {
      // The bound this candidate was drawn with: at least as many as think now.
      let bound = territories[t].wakeBound
      let pick = min(bound - 1, Int(uniform[t].next() * Double(bound)))
      scheduleWake(t)
      guard pick < thinking[t].count else { return }
      user = thinking[t][pick]
      let last = thinking[t].removeLast()
      if pick < thinking[t].count { thinking[t][pick] = last }
    } else {
      scheduleWake(t)
    }
    arrive(territory: t, user: user)
  }

  mutating func userWake(_ u: Int) {
    let t = Int(users[u].territory)
    if retires(t) { return }
    arrive(territory: t, user: Int32(u))
  }

  // MARK: Load balancer

  mutating func arrive(territory t: Int, user: Int32) {
    arrivals &+= 1
    let r = allocateRequest()
    let u = uniform[t].next()
    var c = 0
    let base = t * classCount
    while c < classCount - 1 && u >= mixCumulative[base + c] { c += 1 }
    let now = sim.now
    let hour = min(Int(now / 3_600), hours - 1)
    requests[r] = RequestState(
      arrival: now, overhead: overheadDraw[t]?.next() ?? 0, user: user, origin: Int16(t),
      requestClass: Int16(c), period: periodOfHour[t * hours + hour], measured: now >= scenario.warmup)
    requests[r].stage = .queued
    if user >= 0 { requests[r].lastWrite = users[Int(user)].lastWrite }
    recorder.arrived(requests[r])
    var serving = t
    if territories[t].outage || rotation[t].isEmpty {
      guard territories[t].failoverTo >= 0 else { return fail(r, .nodeDown) }
      serving = territories[t].failoverTo
    }
    guard let i = pick(serving) else { return fail(r, .nodeDown) }
    deliver(r, to: i)
  }

  /// The load balancer's choice among the instances in rotation.
  @inline(__always)
  mutating func pick(_ t: Int) -> Int? {
    let n = rotation[t].count
    guard n > 0 else { return nil }
    if n == 1 { return Int(rotation[t][0]) }
    switch balancing[t] {
    case .roundRobin:
      territories[t].roundRobin = Self.successor(of: territories[t].roundRobin, below: n)
      return Int(rotation[t][territories[t].roundRobin])
    case .random:
      return Int(rotation[t][min(n - 1, Int(uniform[t].next() * Double(n)))])
    case .powerOfTwo:
      let a = min(n - 1, Int(uniform[t].next() * Double(n)))
      var b = min(n - 2, Int(uniform[t].next() * Double(n - 1)))
      if b >= a { b += 1 }
      let ia = Int(rotation[t][a])
      let ib = Int(rotation[t][b])
      return instances[ib].present < instances[ia].present ? ib : ia
    case .leastConnections:
      // Scan from a rotating start, so that ties spread over the instances.
      let start = territories[t].roundRobin
      territories[t].roundRobin = Self.successor(of: start, below: n)
      var best = Int(rotation[t][start])
      var fewest = instances[best].present
      var k = start + 1
      for _ in 1..<n {
        if k == n { k = 0 }
        let i = Int(rotation[t][k])
        if instances[i].present < fewest {
          fewest = instances[i].present
          best = i
        }
        k += 1
      }
      return best
    }
  }

  /// Hands a request to an instance. An instance that crashed but is still in rotation refuses
  /// it: the balancer tries the next instance while it has retries left.
  mutating func deliver(_ r: Int, to first: Int) {
    var i = first
    while !instances[i].isServing {
      let t = Int(instances[i].territory)
      guard Int(requests[r].retries) < retries[t], let position = rotationPosition(of: i, in: t) else {
        return fail(r, .nodeDown)
      }
      requests[r].retries += 1
      i = Int(rotation[t][(position + 1) % rotation[t].count])
    }
    requests[r].instance = Int32(i)
    let app = apps[Int(instances[i].territory)]
    if instances[i].busyWorkers < Int32(app.workers) {
      instances[i].present += 1
      startWork(r, on: i)
    } else if workQueues[i].count < app.queueLimit {
      instances[i].present += 1
      workQueues[i].append(Int32(r))
    } else {
      fail(r, .queueFull)
    }
  }

  /// `(k + 1) % n` for `k` in `0 ..< n` (a rotation's position, reset whenever the rotation
  /// changes), without the division: a division per request was a few percent of a run.
  @inline(__always)
  static func successor(of k: Int, below n: Int) -> Int { k + 1 < n ? k + 1 : 0 }

  /// Where instance `i` stands in its territory's rotation (only on a retry).
  func rotationPosition(of i: Int, in t: Int) -> Int? {
    for k in 0..<rotation[t].count where rotation[t][k] == Int32(i) { return k }
    return nil
  }

  // MARK: Instance

  @inline(__always)
  mutating func startWork(_ r: Int, on i: Int) {
    let t = Int(instances[i].territory)
    recorder.workersChanged(territory: t, by: 1, at: sim.now)
    instances[i].busyWorkers += 1
    beginWork(r, on: i)
  }

  @inline(__always)
  mutating func requestCPU(_ r: Int, on i: Int) {
    let t = Int(instances[i].territory)
    if instances[i].busyCores < Int32(apps[t].cores) {
      recorder.coresChanged(territory: t, by: 1, at: sim.now)
      instances[i].addCores(1, at: sim.now)
      if instances[i].sharesCPU { return startSharedBurst(r, on: i) }
      requests[r].stage = .cpu
      sim.schedule(.cpuDone(request: Int32(r)), at: sim.now + requests[r].cpuPhase)
    } else {
      requests[r].stage = .cpuWait
      cpuQueues[i].append(Int32(r))
    }
  }

  mutating func cpuDone(_ r: Int) {
    if requests[r].aborted { return freeRequest(r) }
    let i = Int(requests[r].instance)
    // The core goes to the next CPU phase waiting on this instance.
    if let next = cpuQueues[i].popFirst() {
      let n = Int(next)
      requests[n].stage = .cpu
      sim.schedule(.cpuDone(request: next), at: sim.now + requests[n].cpuPhase)
    } else {
      recorder.coresChanged(territory: Int(instances[i].territory), by: -1, at: sim.now)
      instances[i].addCores(-1, at: sim.now)
    }
    cpuPhaseEnded(r, on: i)
  }

  /// After a CPU phase: the next query, or the response.
  @inline(__always)
  mutating func cpuPhaseEnded(_ r: Int, on i: Int) {
    let c = Int(requests[r].requestClass)
    if Int(requests[r].step) < queryStart[c + 1] - queryStart[c] {
      acquireConnection(r, on: i)
    } else {
      complete(r)
    }
  }

  mutating func acquireConnection(_ r: Int, on i: Int) {
    let app = apps[Int(instances[i].territory)]
    if instances[i].connections < Int32(app.connections) {
      instances[i].connections += 1
      issueQuery(r)
    } else {
      requests[r].stage = .connectionWait
      requests[r].mark = sim.now
      requests[r].stamp = nextStamp
      nextStamp &+= 1
      connectionQueues[i].append(Int32(r))
      recorder.connectionWaits[Int(instances[i].territory)] += 1
      sim.schedule(
        .connectionTimeout(request: Int32(r), stamp: requests[r].stamp), at: sim.now + app.connectionTimeout)
    }
  }

  mutating func connectionTimeout(_ r: Int, stamp: UInt32) {
    guard requests[r].stage == .connectionWait, requests[r].stamp == stamp, !requests[r].aborted else { return }
    let i = Int(requests[r].instance)
    Self.remove(Int32(r), from: &connectionQueues[i])
    failOnInstance(r, .noConnection, holdsConnection: false)
  }

  /// The request's current query goes to its node: writes to the primary, reads by the
  /// territory's read routing; a query that takes a lock goes to the primary once it has it.
  mutating func issueQuery(_ r: Int) {
    let c = Int(requests[r].requestClass)
    let q = queryStart[c] + Int(requests[r].step)
    let kind = Int(queryOf[q])
    let t = Int(instances[Int(requests[r].instance)].territory)
    if lockBefore[q] >= 0 { return takeLock(r, Int(lockBefore[q]), kind: kind, on: Int(primaryOf[t])) }
    let n = isWrite[kind] ? Int(primaryOf[t]) : readNode(r, territory: t)
    runQuery(r, kind: kind, on: n)
  }

  /// Query `kind` of request `r` runs on node `n`: on a free core, or in the node's line.
  @inline(__always)
  mutating func runQuery(_ r: Int, kind: Int, on n: Int) {
    guard nodes[n].up else { return failOnInstance(r, .nodeDown, holdsConnection: true) }
    recorder.queryIssued(node: n, write: isWrite[kind])
    requests[r].stage = .query
    requests[r].node = Int32(n)
    requests[r].mark = sim.now
    if nodes[n].busy < nodes[n].cores {
      recorder.nodeBusyChanged(n, by: 1, at: sim.now)
      nodes[n].busy += 1
      requests[r].holdsCore = true
      let service = serviceDraw[Int(requests[r].origin) * kindCount + kind].next()
      if nodes[n].sharesCores { return startSharedQuery(r, work: service, on: n) }
      sim.schedule(.queryDone(request: Int32(r)), at: sim.now + service)
    } else {
      nodeQueues[n].append(Int32(r))
    }
  }

  mutating func queryDone(_ r: Int) {
    if requests[r].holdsCore {
      requests[r].holdsCore = false
      releaseCore(Int(requests[r].node))
    }
    queryEnded(r)
  }

  /// After a query has left its node's core: the request goes on (or is freed, aborted).
  @inline(__always)
  mutating func queryEnded(_ r: Int) {
    if requests[r].aborted { return freeRequest(r) }
    let n = Int(requests[r].node)
    recorder.queryDone(requests[r], seconds: sim.now - requests[r].mark)
    let c = Int(requests[r].requestClass)
    let kind = Int(queryOf[queryStart[c] + Int(requests[r].step)])
    if isWrite[kind] {
      requests[r].lastWrite = sim.now
      if requests[r].user >= 0 { users[Int(requests[r].user)].lastWrite = sim.now }
      replicate(from: n)
    }
    requests[r].step += 1
    let i = Int(requests[r].instance)
    if Int(requests[r].step) < queryStart[c + 1] - queryStart[c] {
      issueQuery(r)
    } else {
      // The commit: its row lock goes to the next in line before its connection goes back.
      if hasLocks && lockLinks[r].row >= 0 { releaseLock(r) }
      releaseConnection(on: i)
      requestCPU(r, on: i)
    }
  }

  /// A connection comes back to the pool: the longest waiter takes it.
  mutating func releaseConnection(on i: Int) {
    if let next = connectionQueues[i].popFirst() {
      issueQuery(Int(next))
    } else {
      instances[i].connections -= 1
    }
  }

  /// The response leaves: a success, or a timeout if it took too long.
  mutating func complete(_ r: Int) {
    let i = Int(requests[r].instance)
    let latency = sim.now - requests[r].arrival + requests[r].overhead
    let timeout = apps[Int(instances[i].territory)].timeout
    if latency > timeout {
      return failOnInstance(r, .timeout, holdsConnection: false)
    }
    recorder.completed(requests[r], latency: latency)
    let user = requests[r].user
    releaseWorker(on: i)
    freeRequest(r)
    userDone(user)
  }

  /// A request fails after it got a worker: it gives back what it holds.
  mutating func failOnInstance(_ r: Int, _ cause: ErrorCause, holdsConnection: Bool) {
    let i = Int(requests[r].instance)
    if hasLocks { dropLock(r) }
    if holdsConnection { releaseConnection(on: i) }
    recorder.failed(requests[r], cause)
    let user = requests[r].user
    releaseWorker(on: i)
    freeRequest(r)
    userDone(user)
  }

  /// A request fails before it got a worker.
  mutating func fail(_ r: Int, _ cause: ErrorCause) {
    recorder.failed(requests[r], cause)
    let user = requests[r].user
    freeRequest(r)
    userDone(user)
  }

  /// A worker is free: the next queued request that has not yet timed out takes it.
  mutating func releaseWorker(on i: Int) {
    instances[i].present -= 1
    let t = Int(instances[i].territory)
    let timeout = apps[t].timeout
    while let next = workQueues[i].popFirst() {
      let q = Int(next)
      if sim.now - requests[q].arrival + requests[q].overhead > timeout {
        instances[i].present -= 1
        fail(q, .timeout)
        continue
      }
      beginWork(q, on: i)
      return
    }
    recorder.workersChanged(territory: t, by: -1, at: sim.now)
    instances[i].busyWorkers -= 1
    if instances[i].lifecycle == .draining && instances[i].present == 0 { drained(i) }
  }

  /// The request has a worker (a new one, or one a finished request hands over): its CPU
  /// time is drawn and its first CPU phase asks for a core.
  @inline(__always)
  mutating func beginWork(_ r: Int, on i: Int) {
    let c = Int(requests[r].requestClass)
    let cpu = cpuDraw[Int(requests[r].origin) * classCount + c].next()
    requests[r].cpuPhase = queryStart[c + 1] > queryStart[c] ? cpu / 2 : cpu
    requests[r].step = 0
    requestCPU(r, on: i)
  }

  // MARK: Slab

  @inline(__always)
  mutating func allocateRequest() -> Int {
    inFlight += 1
    if let r = freeRequests.popLast() { return Int(r) }
    requests.append(RequestState())
    if hasLocks { lockLinks.append(LockLink()) }
    return requests.count - 1
  }

  @inline(__always)
  mutating func freeRequest(_ r: Int) {
    inFlight -= 1
    requests[r].stage = .free
    requests[r].aborted = false
    freeRequests.append(Int32(r))
  }

  /// Removes `r` from a waiting line (rare: timeouts and failures only).
  static func remove(_ r: Int32, from queue: inout UniqueDeque<Int32>) {
    for k in 0..<queue.count where queue[k] == r {
      _ = queue.remove(at: k)
      return
    }
  }
}
