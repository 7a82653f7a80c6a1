import SimStatistics

/// Closing series windows and minutes, and the replication's result.
extension PlatformSimulator {
  /// Brings the time integrals of territory `t` up to now; called before any change of users or
  /// instances.
  mutating func noteLevels(_ t: Int) {
    let now = sim.now
    let (provisioned, ready) = instanceCounts(t)
    let app = apps[t]
    recorder.instanceSeconds[t] +=
      recorder.provisioned[t].value
      * (min(now, scenario.horizon) - min(recorder.provisioned[t].since, scenario.horizon))
    recorder.provisioned[t].set(Double(provisioned), at: now)
    if now < scenario.horizon { recorder.mostProvisioned[t] = max(recorder.mostProvisioned[t], provisioned) }
    recorder.ready[t].set(Double(ready), at: now)
    recorder.workerCapacity[t].set(Double(ready * app.workers), at: now)
    recorder.coreCapacity[t].set(Double(ready * app.cores), at: now)
    recorder.users[t].set(Double(territories[t].activeUsers), at: now)
  }

  /// Brings replica `n`'s lag integral up to now and notes its oldest pending write; called
  /// after that write changes (the lag grows linearly in between), and as the node goes down.
  mutating func noteLag(_ n: Int, at now: Double? = nil) {
    let now = now ?? sim.now
    if nodes[n].up, let front = recorder.lagFront[n] {
      let since = recorder.lagSince[n]
      recorder.lagArea[n] += (now - since) * ((now + since) / 2 - front)
    }
    recorder.lagSince[n] = now
    recorder.lagFront[n] = oldestPending(n)
  }

  /// Node `n` goes down: the lag it had until now counts, and a window it is down for from its
  /// very start has no lag at all.
  mutating func noteNodeDown(_ n: Int) {
    if nodes[n].up {
      recorder.lagObserved(n, lag(n))
      noteLag(n)
      recorder.downSince[n] = sim.now
    }
    if sim.now <= recorder.windowStart { recorder.windowUp[n] = false }
  }

  /// Node `n` is back: the window in progress has a lag for it, unless it is back only as the
  /// window closes (a fault ending on the hour belongs to the next hour).
  mutating func noteNodeUp(_ n: Int) {
    let horizon = scenario.horizon
    recorder.downSeconds[n] += min(sim.now, horizon) - min(recorder.downSince[n], horizon)
    recorder.lagSince[n] = sim.now
    if sim.now < min(recorder.windowStart + scenario.seriesInterval, scenario.horizon) { recorder.windowUp[n] = true }
  }

  mutating func closeMinute() {
    let start = sim.now - 60
    for t in simulated where start >= scenario.warmup {
      let hour = min(Int(max(0, start) / 3_600), hours - 1)
      let p = Int(periodOfHour[t * hours + hour])
      let ended = recorder.minuteEnded[t]
      let failed = recorder.minuteFailed[t]
      let good = failed == 0 || Double(failed) <= recorder.badMinuteShare * Double(ended)
      let k = (t * periodNames.count + p) * 2
      recorder.minutes[k] += 1
      if good { recorder.minutes[k + 1] += 1 }
      recorder.windowMinutes[t] += 1
      if good { recorder.windowGoodMinutes[t] += 1 }
    }
    for t in simulated {
      recorder.minuteEnded[t] = 0
      recorder.minuteFailed[t] = 0
    }
  }

  mutating func closeWindow() {
    let now = sim.now
    let start = recorder.windowStart
    let length = now - start
    guard length > 0 else { return }
    if now <= scenario.warmup { return forgetWarmUpWindow() }
    let classes = classCount
    for t in simulated {
      noteLevels(t)
      var counts = RequestCounts()
      // Of the judged classes, kept only where a class is waived (else they are `counts`).
      var judgedCounts: RequestCounts? = recorder.judged.allSatisfy { $0 } ? nil : RequestCounts()
      var classP95: [Double?] = []
      for c in 0..<classes {
        let base = (t * classes + c) * Counter.width
        var own = RequestCounts()
        own.arrivals = recorder.windowCounts[base + Counter.arrivals]
        own.completed = recorder.windowCounts[base + Counter.completed]
        for e in 0..<ErrorCause.allCases.count {
          own.errors[e] = recorder.windowCounts[base + Counter.firstError + e]
        }
        counts.add(own)
        if recorder.judged[c] { judgedCounts?.add(own) }
        for f in 0..<Counter.width { recorder.windowCounts[base + f] = 0 }
        classP95.append(recorder.windowLatency[t * (classes + 1) + c].quantile(0.95))
        recorder.windowLatency[t * (classes + 1) + c].reset()
      }
      let all = t * (classes + 1) + classes
      let latency = LatencySummary(
        p50: recorder.windowLatency[all].quantile(0.5), p95: recorder.windowLatency[all].quantile(0.95),
        p99: recorder.windowLatency[all].quantile(0.99))
      recorder.windowLatency[all].reset()
      let databaseP95 = recorder.windowDatabase[t].quantile(0.95)
      recorder.windowDatabase[t].reset()
      let busyWorkers = recorder.busyWorkers[t].take(at: now)
      let busyCores = recorder.busyCores[t].take(at: now)
      let workerCapacity = recorder.workerCapacity[t].take(at: now)
      let coreCapacity = recorder.coreCapacity[t].take(at: now)
      let hour = min(Int(start / 3_600), hours - 1)
      let row = WindowResult(
        start: start, end: now, period: Int(periodOfHour[t * hours + hour]),
        multiplier: meanMultiplier(t, from: start, to: now), counts: counts, latency: latency,
        classP95: classP95, databaseP95: databaseP95, users: recorder.users[t].take(at: now) / length,
        instances: recorder.provisioned[t].take(at: now) / length,
        readyInstances: recorder.ready[t].take(at: now) / length,
        workerUtilization: workerCapacity > 0 ? busyWorkers / workerCapacity : 0,
        cpuUtilization: coreCapacity > 0 ? busyCores / coreCapacity : 0,
        goodMinutes: recorder.windowGoodMinutes[t], minutes: recorder.windowMinutes[t],
        connectionWaits: recorder.connectionWaits[t] - recorder.windowConnectionWaits[t], judgedCounts: judgedCounts)
      recorder.windowConnectionWaits[t] = recorder.connectionWaits[t]
      recorder.windowGoodMinutes[t] = 0
      recorder.windowMinutes[t] = 0
      recorder.windows[t].append(row)
    }
    for n in nodes.indices where nodeIsSimulated(n) {
      catchUp(n)
      let busy = recorder.nodeBusy[n].take(at: now)
      recorder.nodeBusyTotal[n] += busy
      recorder.nodeWindowUtilization[n].append(busy / (length * Double(nodes[n].cores)))
      if nodes[n].up { recorder.lagObserved(n, lag(n)) }
      recorder.nodeWindowMaxLag[n].append(recorder.windowUp[n] ? recorder.windowMaxLag[n] : nil)
      recorder.windowMaxLag[n] = 0
      recorder.windowUp[n] = nodes[n].up
    }
    recorder.windowStart = now
    if now >= scenario.horizon {
      recorder.closed = true
      for n in nodes.indices {
        catchUp(n)
        noteLag(n)
      }
    }
  }

  /// A window that ends within the warm-up is not kept, and nothing of it counts: the measured
  /// run begins after it, as its requests do (its nodes' queries, busy time and lag were
  /// counted in the whole-run figures, beside requests counted only after the warm-up).
  mutating func forgetWarmUpWindow() {
    let now = sim.now
    for t in simulated {
      noteLevels(t)
      for k in 0..<(classCount * Counter.width) { recorder.windowCounts[t * classCount * Counter.width + k] = 0 }
      for c in 0...classCount { recorder.windowLatency[t * (classCount + 1) + c].reset() }
      recorder.windowDatabase[t].reset()
      _ = recorder.busyWorkers[t].take(at: now)
      _ = recorder.busyCores[t].take(at: now)
      _ = recorder.workerCapacity[t].take(at: now)
      _ = recorder.coreCapacity[t].take(at: now)
      _ = recorder.users[t].take(at: now)
      _ = recorder.provisioned[t].take(at: now)
      _ = recorder.ready[t].take(at: now)
      recorder.connectionWaits[t] = 0
      recorder.windowConnectionWaits[t] = 0
      recorder.windowGoodMinutes[t] = 0
      recorder.windowMinutes[t] = 0
    }
    for n in nodes.indices where nodeIsSimulated(n) {
      catchUp(n)
      _ = recorder.nodeBusy[n].take(at: now)
      recorder.nodeQueries[n] = 0
      recorder.nodeReads[n] = 0
      recorder.nodeWrites[n] = 0
      noteLag(n)
      recorder.lagArea[n] = 0
      recorder.maxLag[n] = 0
      recorder.windowMaxLag[n] = 0
      recorder.downSeconds[n] = 0
      if !nodes[n].up { recorder.downSince[n] = now }
      recorder.windowUp[n] = nodes[n].up
    }
    recorder.windowStart = now
    recorder.measuredFrom = now
  }

  /// Whether some simulated territory uses node `n`.
  func nodeIsSimulated(_ n: Int) -> Bool {
    let home = platform.databases[n].replicaOf ?? n
    return simulated.contains { platform.territories[$0].primary == home }
  }

  mutating func result() -> PlatformReplication {
    let periods = periodNames.count
    let classes = classCount
    var territoryResults: [TerritoryResult] = []
    for t in platform.territories.indices {
      var periodResults: [PeriodResult] = []
      for p in 0..<periods {
        var classCounts: [RequestCounts] = []
        var classLatency: [LatencySummary] = []
        var merged = LatencyHistogram(precision: .coarse)
        var total = RequestCounts()
        var sum = 0.0
        for c in 0..<classes {
          let cell = (t * periods + p) * classes + c
          var counts = RequestCounts()
          counts.arrivals = recorder.counts[cell * Counter.width + Counter.arrivals]
          counts.completed = recorder.counts[cell * Counter.width + Counter.completed]
          for e in 0..<ErrorCause.allCases.count {
            counts.errors[e] = recorder.counts[cell * Counter.width + Counter.firstError + e]
          }
          classCounts.append(counts)
          total.add(counts)
          classLatency.append(Self.summary(recorder.latency[cell], sum: recorder.latencySum[cell]))
          // All-classes latency is over the judged classes: a waived class is out of judgement.
          guard recorder.judged[c] else { continue }
          merged.merge(recorder.latency[cell])
          sum += recorder.latencySum[cell]
        }
        let d = t * periods + p
        periodResults.append(
          PeriodResult(
            classes: classCounts, classLatency: classLatency, counts: total,
            latency: Self.summary(merged, sum: sum),
            database: Self.summary(recorder.database[d], sum: recorder.databaseSum[d]),
            queries: recorder.queries[d], minutes: recorder.minutes[d * 2], goodMinutes: recorder.minutes[d * 2 + 1]))
      }
      let territory = platform.territories[t]
      let hours = recorder.instanceSeconds[t] / 3_600
      var locks: [LockResult] = []
      if hasLocks && simulated.contains(t) {
        let busiest = busiestRows(territory: t)
        for (l, lock) in platform.locks.enumerated() {
          let k = t * recorder.lockCount + l
          locks.append(
            LockResult(
              name: lock.name, rows: lock.rows, grants: recorder.lockGrants[k], waited: recorder.lockWaits[k],
              waitSeconds: recorder.lockWaitSum[k], releases: recorder.lockReleases[k],
              heldSeconds: recorder.lockHeldSum[k], busiestRow: busiest[l]))
        }
      }
      territoryResults.append(
        TerritoryResult(
          name: territory.name, periods: periodResults, windows: recorder.windows[t],
          cost: CostResult(
            instanceHours: hours, instanceCost: hours * territory.app.pricePerHour, currency: territory.currency,
            mostInstances: recorder.mostProvisioned[t]),
          connectionWaits: recorder.connectionWaits[t], deployments: recorder.deployments[t],
          autoscaler: recorder.autoscaler[t], locks: locks))
    }
    let span = scenario.horizon - recorder.measuredFrom
    let nodeResults = platform.databases.indices.map { n in
      let down =
        recorder.downSeconds[n] + (nodes[n].up ? 0 : scenario.horizon - min(recorder.downSince[n], scenario.horizon))
      let up = span - down
      return NodeResult(
        name: platform.databases[n].name, queries: recorder.nodeQueries[n], reads: recorder.nodeReads[n],
        writes: recorder.nodeWrites[n], utilization: recorder.nodeBusyTotal[n] / (span * Double(nodes[n].cores)),
        maxLag: up > 0 ? recorder.maxLag[n] : nil, meanLag: up > 0 ? recorder.lagArea[n] / up : nil,
        windowUtilization: recorder.nodeWindowUtilization[n], windowMaxLag: recorder.nodeWindowMaxLag[n],
        seconds: span)
    }
    var arrivals = 0
    for i in 0..<recorder.counts.count where i % Counter.width == Counter.arrivals { arrivals += recorder.counts[i] }
    return PlatformReplication(
      periods: periodNames, territories: territoryResults, nodes: nodeResults, events: sim.processedCount,
      requests: arrivals)
  }

  static func summary(_ h: borrowing LatencyHistogram, sum: Double) -> LatencySummary {
    guard h.count > 0 else { return LatencySummary() }
    return LatencySummary(
      mean: sum / Double(h.count), p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99))
  }
  /// The demand multiplier of territory `t` over [from, to), as the simulator reads demand
  /// (5-minute steps, each at its middle, as `handleDemandTick`).
  func meanMultiplier(_ t: Int, from: Double, to: Double) -> Double {
    scenario.demand[t].calendar?.meanMultiplier(from: from, to: to, until: scenario.horizon) ?? 1
  }
}
