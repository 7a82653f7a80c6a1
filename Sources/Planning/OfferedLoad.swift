import PlatformModel
import QueueingTheory

/// What a territory asks of its tiers at the busiest moment of a period: the analytic side of
/// a plan, which bounds the search before anything is simulated.
package struct OfferedLoad: Sendable, Hashable {
  package var territory: Int
  package var period: Int
  /// Requests per second at the period's busiest moment (sampled every 5 minutes). For closed
  /// demand, users / (think time + the least possible response time): an upper bound.
  package var peakRate: Double
  /// Simulated seconds of that moment.
  package var peakTime: Double
  /// Mean app CPU seconds per request over the mix.
  package var cpuPerRequest: Double
  /// Mean query seconds per request on each database node (by node index), reads spread
  /// evenly over the primary's replicas as round-robin routing does.
  package var nodeSecondsPerRequest: [Double]
  /// Busy cores each node is asked for at its busiest moment of the period (requests/s x
  /// seconds per request, with the replicas down then: their reads go to the others). Without
  /// faults, peakRate x nodeSecondsPerRequest.
  package var nodeBusy: [Double] = []
  /// Per named row lock: its rows, and the seconds a request holds one (mean over the mix, at
  /// least its queries from the one it takes the lock before to the last: the least hold).
  package var lockHolds: [LockHold] = []

  package struct LockHold: Sendable, Hashable {
    package var name: String
    package var rows: Int
    package var secondsPerRequest: Double
  }

  /// The least response time a request can have: its CPU and its queries, without any wait.
  package var leastResponse: Double { cpuPerRequest + nodeSecondsPerRequest.reduce(0, +) }
}

extension PlatformScenario {
  /// The offered load of every territory in every period it has hours in, in (territory,
  /// period) order.
  package func offeredLoads(resolution: Double = 300) -> [OfferedLoad] {
    var out: [OfferedLoad] = []
    for t in platform.territories.indices {
      let demand = demand[t]
      let mix = Self.normalized(demand.mix)
      let cpu = zip(mix, platform.requestClasses).reduce(0) { $0 + $1.0 * $1.1.cpu.mean }
      let nodes = nodeSeconds(territory: t, mix: mix)
      let least = cpu + nodes.reduce(0, +)
      let periods = periodOfHours(territory: t)
      var peak: [Int: (rate: Double, time: Double)] = [:]
      var busy: [Int: [Double]] = [:]
      // Replicas down, by when: a down replica's share of the reads goes to the others.
      let outages = faults.compactMap { f -> (node: Int, span: Range<Double>)? in
        guard case .replicaDown(let n, let at, let duration) = f else { return nil }
        return (n, at..<(at + duration))
      }
      for (time, rate) in offeredRates(territory: t, resolution: resolution, leastResponse: least) {
        let p = periods[min(Int(time / 3_600), periods.count - 1)]
        if rate > peak[p]?.rate ?? -1 { peak[p] = (rate, time) }
        let down = Set(outages.filter { $0.span.contains(time) }.map(\.node))
        let seconds = down.isEmpty ? nodes : nodeSeconds(territory: t, mix: mix, down: down)
        busy[p] = zip(busy[p] ?? Array(repeating: 0, count: seconds.count), seconds).map { max($0, rate * $1) }
      }
      for p in peak.keys.sorted() {
        var load = OfferedLoad(
          territory: t, period: p, peakRate: peak[p]!.rate, peakTime: peak[p]!.time, cpuPerRequest: cpu,
          nodeSecondsPerRequest: nodes, lockHolds: lockHolds(mix: mix))
        load.nodeBusy = busy[p] ?? []
        out.append(load)
      }
    }
    return out
  }

  /// A territory's offered request rate every `resolution` seconds of the run (simulated
  /// seconds from the start). Closed demand is users / (think time + the least response time):
  /// an upper bound.
  package func offeredRates(territory t: Int, resolution: Double = 300) -> [(time: Double, rate: Double)] {
    let mix = Self.normalized(demand[t].mix)
    let cpu = zip(mix, platform.requestClasses).reduce(0) { $0 + $1.0 * $1.1.cpu.mean }
    return offeredRates(
      territory: t, resolution: resolution, leastResponse: cpu + nodeSeconds(territory: t, mix: mix).reduce(0, +))
  }

  func offeredRates(territory t: Int, resolution: Double, leastResponse least: Double) -> [(time: Double, rate: Double)]
  {
    let demand = demand[t]
    var out: [(time: Double, rate: Double)] = []
    var time = 0.0
    while time < horizon {
      let m = demand.calendar?.multiplier(at: time) ?? 1
      switch demand.base {
      case .users(let n, let think): out.append((time, Double(n) * demand.growth * m / (think.mean + least)))
      case .rate(let r): out.append((time, r * demand.growth * m))
      }
      time += resolution
    }
    return out
  }

  /// The least hold per request of each named lock for a mix: a request holds it from its
  /// query `at` through its last query, so at least those queries' mean times.
  func lockHolds(mix: [Double]) -> [OfferedLoad.LockHold] {
    platform.locks.map { lock in
      let seconds = zip(mix, platform.requestClasses).reduce(0.0) { total, pair in
        guard let taken = pair.1.lock, taken.name == lock.name else { return total }
        let held = pair.1.queries.dropFirst(taken.at).reduce(0.0) { $0 + platform.queryKinds[$1].service.mean }
        return total + pair.0 * held
      }
      return OfferedLoad.LockHold(name: lock.name, rows: lock.rows, secondsPerRequest: seconds)
    }
  }

  /// Query seconds per request on each node for a territory's mix (a query that takes a lock
  /// runs on the primary, as the simulation sends it).
  func nodeSeconds(territory t: Int, mix: [Double], down: Set<Int> = []) -> [Double] {
    let territory = platform.territories[t]
    let replicas = platform.replicas(of: territory.primary).filter { !down.contains($0) }
    var seconds = Array(repeating: 0.0, count: platform.databases.count)
    for (weight, requestClass) in zip(mix, platform.requestClasses) {
      for (i, q) in requestClass.queries.enumerated() {
        let kind = platform.queryKinds[q]
        let time = weight * kind.service.mean
        if kind.isWrite || territory.reads.policy == .primary || replicas.isEmpty || requestClass.lock?.at == i {
          seconds[territory.primary] += time
        } else {
          for r in replicas { seconds[r] += time / Double(replicas.count) }
        }
      }
    }
    return seconds
  }

  static func normalized(_ weights: [Double]) -> [Double] {
    let total = weights.reduce(0, +)
    return total > 0 ? weights.map { $0 / total } : weights
  }
}

/// What queueing theory says about a territory's app instances in one period.
package struct InstanceBound: Sendable, Hashable {
  /// Fewest instances that keep the app's cores below fully busy at the peak: with fewer, the
  /// queue grows without bound, so the search never simulates them.
  package var stable: Int
  /// Fewest instances whose pooled cores, as an M/M/c queue of CPU time, give a p95 within the
  /// target once the queries are added: optimistic (a balancer splits traffic, requests hold
  /// workers while they query), so it is where the search starts, not its answer.
  package var start: Int
  /// Database nodes whose cores would be at least fully busy at the peak, whatever the
  /// instances: (node index, utilization).
  package var saturatedNodes: [SaturatedNode]
  /// Named row locks whose rows would be held at least all the time at the peak, whatever the
  /// instances: (lock name, least mean busy share of a row).
  package var saturatedLocks: [SaturatedLock] = []

  package struct SaturatedNode: Sendable, Hashable {
    package var node: Int
    package var utilization: Double
  }

  package struct SaturatedLock: Sendable, Hashable {
    package var name: String
    package var utilization: Double
  }
}

extension OfferedLoad {
  /// The analytic bounds on instances for a p95 target (seconds), in a platform.
  package func instanceBound(platform: Platform, p95Target: Double, cap: Int) -> InstanceBound {
    let app = platform.territories[territory].app
    // With a load factor an instance's cores do 1 / factor(all busy) of their work when full.
    let slowdown = app.loadFactor?.factor(at: app.cores) ?? 1
    let cpuLoad = peakRate * cpuPerRequest * slowdown  // busy cores
    let stable = max(1, Int(cpuLoad / Double(max(app.cores, 1))) + 1)
    var start = stable
    let queries = nodeSecondsPerRequest.reduce(0, +)
    if cpuPerRequest > 0, peakRate > 0 {
      // Cores of all instances pooled; CPU is the queue, the queries a delay after it.
      while start < cap {
        guard
          // At full speed (a load factor only slows it): the start stays optimistic.
          let queue = try? MMc(arrivalRate: peakRate, serviceRate: 1 / cpuPerRequest, servers: start * app.cores),
          let p95 = try? queue.responseTimePercentile(0.95)
        else {
          start += 1
          continue
        }
        if p95 + queries <= p95Target { break }
        start += 1
      }
    }
    let saturated = nodeSecondsPerRequest.indices.compactMap { n -> InstanceBound.SaturatedNode? in
      let node = platform.databases[n]
      let full = node.loadFactor?.factor(at: node.cores) ?? 1
      let asked = nodeBusy.indices.contains(n) ? nodeBusy[n] : peakRate * nodeSecondsPerRequest[n]
      let u = asked * full / Double(max(node.cores, 1))
      return u >= 1 ? InstanceBound.SaturatedNode(node: n, utilization: u) : nil
    }
    // A row is a server of one: the rate that takes the lock times the least hold, spread over
    // its rows, at 1 or more means the lock's queue grows without bound.
    let saturatedLocks = lockHolds.compactMap { hold -> InstanceBound.SaturatedLock? in
      let u = peakRate * hold.secondsPerRequest / Double(hold.rows)
      return u >= 1 ? InstanceBound.SaturatedLock(name: hold.name, utilization: u) : nil
    }
    return InstanceBound(
      // The bound stays what theory found when it is past the cap: then no count within it will do.
      stable: stable, start: min(max(start, stable), cap), saturatedNodes: saturated,
      saturatedLocks: saturatedLocks)
  }
}
