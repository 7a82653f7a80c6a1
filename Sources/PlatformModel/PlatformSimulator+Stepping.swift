import SimKernel
import SimStatistics

/// Stepping and outside measurements: what a driver other than `run` (the hybrid mode) needs to
/// advance a replication in stretches, to see what the platform is doing, and to record the
/// requests of a stretch it computed instead of simulating.
///
/// While demand is not generated (`setGenerating(false)`), events still run: the requests in
/// flight finish, users log on and off with the calendar, windows and minutes close, and
/// faults, crashes and capacity changes would happen (a driver switches back before them, see
/// `nextChange`).
extension PlatformSimulator {
  package var now: Double { sim.now }
  package var platformScenario: PlatformScenario { scenario }
  package var horizon: Double { scenario.horizon }
  package var simulatedTerritories: [Int] { simulated }
  /// Requests arrived so far (simulated ones only).
  package var arrivedRequests: Int { arrivals }

  /// Starts the replication (instances, demand, faults, ticks), once, before any `advance`.
  package mutating func begin() { start() }

  /// Whether demand becomes requests. Turning it on draws each territory's next request afresh,
  /// which is exact for pooled exponential think times and Poisson arrivals (memoryless);
  /// turning it off leaves the requests in flight to finish.
  package mutating func setGenerating(_ on: Bool) {
    guard on != generating else { return }
    generating = on
    for t in simulated { rescheduleWake(t) }
  }

  /// Handles every event at or before `limit`; the clock ends at `limit`.
  package mutating func advance(through limit: Double) {
    while let event = sim.next(until: limit) { handle(event.payload) }
  }

  /// Handles every event before `limit`; the clock ends just before it, so that what is due at
  /// `limit` (a window closing) comes after whatever the driver records for the stretch.
  package mutating func advance(before limit: Double) {
    advance(through: limit.nextDown)
  }

  /// The time of the next pending event.
  package mutating func nextEventTime() -> Double? { sim.peek()?.time }

  /// Runs what is left after the last window (requests in flight get the slowest timeout to
  /// finish) and returns the replication's result.
  package mutating func finish() -> PlatformReplication {
    let drain = platform.territories.map(\.app.timeout).max() ?? 60
    while !(sim.now >= scenario.horizon && inFlight == 0 && recorder.closed),
      let event = sim.next(until: scenario.horizon + drain + 1)
    {
      handle(event.payload)
    }
    return result()
  }

  /// The earliest pending change to the platform: a fault's step, a scheduled capacity change,
  /// an instance crashing, being repaired, becoming ready or noticed by the health check.
  /// Events meant for an earlier life of an instance do not count.
  package var nextChange: Double? {
    var earliest = Double.infinity
    for event in sim.pendingEvents where event.time < earliest {
      switch event.payload {
      case .crash(let i, let epoch), .repaired(let i, let epoch), .ready(let i, let epoch):
        if instances[Int(i)].epoch == epoch { earliest = event.time }
      case .detected(let i):
        if instances[Int(i)].inRotation && !instances[Int(i)].isServing { earliest = event.time }
      case .fault, .capacity:
        earliest = event.time
      default:
        break
      }
    }
    return earliest.isFinite ? earliest : nil
  }

  /// Whether nothing is in transition: every instance off or ready and in rotation, no
  /// deployment or outage, every database node up with replicas caught up (lag under
  /// `maxLag`).
  package var isSettled: Bool {
    for t in simulated {
      if territories[t].outage || territories[t].failoverTo >= 0 || deployments[t] != nil { return false }
      for i in instanceRange[t] {
        let s = instances[i]
        guard s.lifecycle == .off || s.lifecycle == .ready, !s.removing, !s.deploying,
          s.inRotation == (s.lifecycle == .ready)
        else { return false }
      }
    }
    for n in nodes.indices where nodeIsSimulated(n) {
      guard nodes[n].up else { return false }
      if platform.databases[n].replicaOf != nil, lag(n) > 0.1 { return false }
    }
    return true
  }

  /// What a queueing model needs of territory `t` now.
  package func load(of t: Int) -> TerritoryLoad {
    let hour = min(Int(sim.now / 3_600), hours - 1)
    var replicas: [Int] = []
    let primary = Int(primaryOf[t])
    for k in 0..<replicasOf[primary].count where nodes[Int(replicasOf[primary][k])].up {
      replicas.append(Int(replicasOf[primary][k]))
    }
    return TerritoryLoad(
      users: territories[t].activeUsers, rate: territories[t].rate, instances: rotation[t].count,
      primary: primary, replicas: replicas, period: Int(periodOfHour[t * hours + max(0, hour)]))
  }

  // MARK: Computed stretches

  /// Requests of class `c` of territory `t` that arrived in a computed stretch of the window in
  /// progress, in period `p`.
  package mutating func recordComputed(territory t: Int, requestClass c: Int, period p: Int, arrivals: Int) {
    let cell = (t * periodNames.count + p) * classCount + c
    recorder.counts[cell * Counter.width + Counter.arrivals] += arrivals
    recorder.windowCounts[(t * classCount + c) * Counter.width + Counter.arrivals] += arrivals
  }

  /// `count` of those requests completed with `latency` seconds, end to end.
  package mutating func recordComputed(
    territory t: Int, requestClass c: Int, period p: Int, latency: Double, count: Int
  ) {
    guard count > 0 else { return }
    let cell = (t * periodNames.count + p) * classCount + c
    let n = UInt64(count)
    recorder.counts[cell * Counter.width + Counter.completed] += count
    recorder.latency[cell].record(latency, count: n)
    recorder.latencySum[cell] += latency * Double(count)
    recorder.windowCounts[(t * classCount + c) * Counter.width + Counter.completed] += count
    recorder.windowLatency[t * (classCount + 1) + c].record(latency, count: n)
    if recorder.judged[c] { recorder.windowLatency[t * (classCount + 1) + classCount].record(latency, count: n) }
  }

  /// `count` requests of a computed stretch waited for a database connection.
  package mutating func recordComputed(territory t: Int, connectionWaits count: Int) {
    recorder.connectionWaits[t] += count
  }

  /// `count` of those requests failed with `cause`.
  package mutating func recordComputed(
    territory t: Int, requestClass c: Int, period p: Int, failed cause: ErrorCause, count: Int
  ) {
    let cell = (t * periodNames.count + p) * classCount + c
    recorder.counts[cell * Counter.width + Counter.firstError + cause.rawValue] += count
    recorder.windowCounts[(t * classCount + c) * Counter.width + Counter.firstError + cause.rawValue] += count
  }

  /// `count` queries of territory `t`'s requests took `latency` seconds (wait and service).
  package mutating func recordComputedQueries(territory t: Int, period p: Int, latency: Double, count: Int) {
    guard count > 0 else { return }
    let d = t * periodNames.count + p
    recorder.database[d].record(latency, count: UInt64(count))
    recorder.databaseSum[d] += latency * Double(count)
    recorder.queries[d] += count
    recorder.windowDatabase[t].record(latency, count: UInt64(count))
  }

  /// Busy worker-seconds and core-seconds of territory `t`'s instances in a computed stretch.
  package mutating func recordComputedBusy(territory t: Int, workerSeconds: Double, coreSeconds: Double) {
    recorder.busyWorkers[t].area += workerSeconds
    recorder.busyCores[t].area += coreSeconds
  }

  /// Node `n` in a computed stretch: the reads and writes it served, its busy core-seconds,
  /// the largest replication lag and the lag's integral over the stretch (seconds squared).
  package mutating func recordComputedNode(
    _ n: Int, reads: Int, writes: Int, busySeconds: Double, maxLag: Double, lagSeconds: Double
  ) {
    recorder.nodeQueries[n] += reads + writes
    recorder.nodeReads[n] += reads
    recorder.nodeWrites[n] += writes
    recorder.nodeBusy[n].area += busySeconds
    recorder.lagObserved(n, maxLag)
    recorder.lagArea[n] += lagSeconds
  }

  /// Completions and the sum of their latencies so far for class `c` of territory `t`, all
  /// periods (a driver's check of its model against a simulated stretch).
  package func completedSoFar(territory t: Int, requestClass c: Int) -> (count: Int, latencySum: Double) {
    var count = 0
    var sum = 0.0
    for p in 0..<periodNames.count {
      let cell = (t * periodNames.count + p) * classCount + c
      count += recorder.counts[cell * Counter.width + Counter.completed]
      sum += recorder.latencySum[cell]
    }
    return (count, sum)
  }
}

/// A territory as a queueing model sees it at one moment.
package struct TerritoryLoad: Sendable, Hashable {
  /// Users logged on (closed demand).
  package var users: Int
  /// Arrivals per second (open demand).
  package var rate: Double
  /// Instances in the load balancer's rotation.
  package var instances: Int
  /// The territory's primary now, and its replicas that are up.
  package var primary: Int
  package var replicas: [Int]
  /// The period of the current hour.
  package var period: Int
}
