import Foundation
import PlatformModel
import QueueingTheory
import SimRandom

/// The queueing model of a group of territories (those simulated together): what a request of
/// each class costs on each tier, and, for given demand and instances, the waits at every tier.
///
/// Each instance is its own pool of cores (M/G/c, two CPU phases per request with queries),
/// workers and connections (M/M/c, held for the request's time on the instance and for its
/// queries). How the load balancer spreads requests decides how those pools are seen:
/// least-connections and power-of-two send each request where fewest are present, which
/// comes close to one pool of all instances' servers (join-the-shortest-queue), so they are
/// modelled pooled; round-robin splits a Poisson stream into Erlang-n streams, one pool per
/// instance with arrivals of squared CV 1/n; random splits it into Poisson streams. Checks
/// (`SwitchRule`) correct what remains. Each
/// database node is M/G/c over its cores, with writes on the primary and reads on the replicas
/// that are up (round-robin, so evenly), except reads after a write: within the request, or
/// within `readYourWrites` after the user's last write, which go to the primary. Closed demand
/// (users thinking) gives a throughput `N / (Z + R)`, solved with the response time `R` by
/// fixed-point iteration (three rounds: `R` is a few percent of `Z`).
struct FluidModel {
  let scenario: PlatformScenario
  let territories: [Int]
  let classCount: Int
  let kindCount: Int
  /// Per request class: its query kinds in order, whether each read follows a write of the
  /// same request, CPU phases, CPU mean and squared CV.
  let queries: [[Int]]
  let readAfterWrite: [[Bool]]
  let phases: [Int]
  let cpuMean: [Double]
  let cpuSCV: [Double]
  let hasWrite: [Bool]
  let kindMean: [Double]
  let kindSCV: [Double]
  let isWrite: [Bool]
  /// Per territory of the platform: the mix (summing to 1), think time (0: open demand) and
  /// load balancer overhead.
  let mix: [[Double]]
  let thinkMean: [Double]
  /// Per territory and class: no-wait latencies (overhead, CPU, query services), sorted; their
  /// mean. Per territory and query kind: services, sorted.
  let pools: [[[Double]]]
  let poolMean: [[Double]]
  let kindPools: [[[Double]]]

  /// Draws per class; per query kind fewer, since those feed the database percentile alone.
  static let poolSize = 32_768
  static let kindPoolSize = 8_192

  init(scenario: PlatformScenario, territories: [Int], replication: Int) {
    self.scenario = scenario
    self.territories = territories
    let platform = scenario.platform
    classCount = platform.requestClasses.count
    kindCount = platform.queryKinds.count
    isWrite = platform.queryKinds.map(\.isWrite)
    kindMean = platform.queryKinds.map(\.service.mean)
    kindSCV = platform.queryKinds.map(\.service.squaredCV)
    queries = platform.requestClasses.map(\.queries)
    phases = platform.requestClasses.map { $0.queries.isEmpty ? 1 : 2 }
    cpuMean = platform.requestClasses.map(\.cpu.mean)
    cpuSCV = platform.requestClasses.map(\.cpu.squaredCV)
    let writes = platform.queryKinds.map(\.isWrite)
    hasWrite = platform.requestClasses.map { $0.queries.contains { writes[$0] } }
    readAfterWrite = platform.requestClasses.map { c in
      var seen = false
      return c.queries.map { k in
        defer { if writes[k] { seen = true } }
        return seen && !writes[k]
      }
    }
    mix = scenario.demand.map { d in
      let total = d.mix.reduce(0, +)
      return d.mix.map { total > 0 ? $0 / total : 0 }
    }
    thinkMean = scenario.demand.map { d in
      if case .users(_, let think) = d.base { return think.mean }
      return 0
    }
    var pools: [[[Double]]] = []
    var poolMean: [[Double]] = []
    var kindPools: [[[Double]]] = []
    for (t, territory) in platform.territories.enumerated() {
      guard territories.contains(t) else {
        pools.append([])
        poolMean.append([])
        kindPools.append([])
        continue
      }
      // One stream per territory, drawn through buffered samplers (the same numbers in the
      // same order whatever the thread), and the same in every replication: the pool's
      // sampling error (about 0.7% at the 95th percentile) is then one small bias rather than
      // replication noise, which would widen the verdicts' intervals well beyond a
      // simulation's (whose period percentiles rest on millions of requests) and turn passes
      // into marginals.
      let stream = RandomStream(name: "hybrid/\(territory.name)/pools", runSeed: scenario.seed, replication: 0)
      var overhead = territory.loadBalancer.overhead.map { Sampler($0, stream: stream) }
      var kinds = platform.queryKinds.map { Sampler($0.service, stream: stream) }
      var perKind: [[Double]] = []
      for k in kinds.indices {
        var pool = [Double](repeating: 0, count: Self.kindPoolSize)
        for i in pool.indices { pool[i] = kinds[k].next() }
        pool.sort()
        perKind.append(pool)
      }
      var perClass: [[Double]] = []
      var means: [Double] = []
      for c in platform.requestClasses {
        var cpu = Sampler(c.cpu, stream: stream)
        var pool = [Double](repeating: 0, count: Self.poolSize)
        for i in pool.indices {
          var x = (overhead?.next() ?? 0) + cpu.next()
          for k in c.queries { x += kinds[k].next() }
          pool[i] = x
        }
        pool.sort()
        means.append(pool.reduce(0, +) / Double(pool.count))
        perClass.append(pool)
      }
      pools.append(perClass)
      poolMean.append(means)
      kindPools.append(perKind)
    }
    self.pools = pools
    self.poolMean = poolMean
    self.kindPools = kindPools
  }

  /// The waits at every tier for these loads (one per territory of the group, in group order),
  /// with the app tiers' waits scaled by `scale` (per territory, in group order: the
  /// correction learnt from checks; empty for none).
  func regime(_ loads: [TerritoryLoad], scale: [Double]) -> Regime {
    let platform = scenario.platform
    var r = Regime(territories: platform.territories.count, nodes: platform.databases.count, classes: classCount)
    var response = territories.map { t in (0..<classCount).reduce(0.0) { $0 + mix[t][$1] * poolMean[t][$1] } }
    for _ in 0..<3 {
      for n in platform.databases.indices {
        r.nodes[n] = Tier()
        r.nodeBusy[n] = 0
        r.nodeRate[n] = 0
      }
      // Node loads first: they depend on every territory of the group.
      var nodeMix = Array(repeating: ServiceMix(), count: platform.databases.count)
      for (g, t) in territories.enumerated() {
        let load = loads[g]
        let think = thinkMean[t]
        let lambda = think > 0 ? Double(load.users) / (think + response[g]) : load.rate
        r.lambda[t] = lambda
        r.primary[t] = load.primary
        r.replicas[t] = load.replicas
        r.instances[t] = load.instances
        let reads = platform.territories[t].reads
        let toPrimary: Double
        if reads.policy == .primary || load.replicas.isEmpty {
          toPrimary = 1
        } else if think > 0 {
          let writing = (0..<classCount).reduce(0.0) { $0 + (hasWrite[$1] ? mix[t][$1] : 0) }
          toPrimary = writing * (1 - exp(-reads.readYourWrites / think))
        } else {
          toPrimary = 0
        }
        r.readsToPrimary[t] = toPrimary
        for c in 0..<classCount {
          let rate = lambda * mix[t][c]
          for (q, k) in queries[c].enumerated() {
            if isWrite[k] || readAfterWrite[c][q] {
              nodeMix[load.primary].add(rate: rate, mean: kindMean[k], scv: kindSCV[k])
            } else {
              nodeMix[load.primary].add(rate: rate * toPrimary, mean: kindMean[k], scv: kindSCV[k])
              let each = rate * (1 - toPrimary) / Double(max(1, load.replicas.count))
              for n in load.replicas { nodeMix[n].add(rate: each, mean: kindMean[k], scv: kindSCV[k]) }
            }
          }
        }
      }
      for n in platform.databases.indices where nodeMix[n].arrivalRate > 0 {
        r.nodes[n] = nodeMix[n].tier(servers: platform.databases[n].cores)
        r.nodeBusy[n] = nodeMix[n].load
        r.nodeRate[n] = nodeMix[n].arrivalRate
      }
      for (g, t) in territories.enumerated() {
        let k = scale.isEmpty ? 1 : scale[g]
        let app = platform.territories[t].app
        let instances = max(1, loads[g].instances)
        let perInstance = r.lambda[t] / Double(instances)
        // Servers seen together, and the arrivals' squared CV at each pool.
        let (pooled, arrivalSCV): (Int, Double) =
          switch platform.territories[t].loadBalancer.policy {
          case .leastConnections, .powerOfTwo: (instances, 1)
          case .roundRobin: (1, 1 / Double(instances))
          case .random: (1, 1)
          }
        let perPool = perInstance * Double(pooled)
        var cpu = ServiceMix()
        for c in 0..<classCount {
          cpu.add(rate: perPool * mix[t][c] * Double(phases[c]), mean: cpuMean[c] / Double(phases[c]), scv: cpuSCV[c])
        }
        var cpuTier = cpu.tier(servers: app.cores * pooled, arrivalSCV: arrivalSCV)
        cpuTier.conditionalWait *= k
        if loads[g].instances == 0 { cpuTier.utilization = .infinity }
        // Time on the node per query and per request: service plus the node's mean wait.
        var hold = Array(repeating: 0.0, count: classCount)
        for c in 0..<classCount {
          for (q, kind) in queries[c].enumerated() {
            let primary = r.nodes[r.primary[t]].meanWait
            let replica =
              r.replicas[t].isEmpty
              ? primary : r.replicas[t].reduce(0.0) { $0 + r.nodes[$1].meanWait } / Double(r.replicas[t].count)
            let toPrimary = isWrite[kind] || readAfterWrite[c][q] ? 1 : r.readsToPrimary[t]
            hold[c] += kindMean[kind] + toPrimary * primary + (1 - toPrimary) * replica
          }
        }
        var connections = ServiceMix()
        for c in 0..<classCount where !queries[c].isEmpty {
          connections.add(rate: perPool * mix[t][c], mean: hold[c], scv: 1)
        }
        var connectionTier = connections.tier(servers: app.connections * pooled, arrivalSCV: arrivalSCV)
        connectionTier.conditionalWait *= k
        var workers = ServiceMix()
        var onInstance = Array(repeating: 0.0, count: classCount)
        for c in 0..<classCount {
          onInstance[c] =
            cpuMean[c] + Double(phases[c]) * cpuTier.meanWait
            + (queries[c].isEmpty ? 0 : connectionTier.meanWait + hold[c])
          workers.add(rate: perPool * mix[t][c], mean: onInstance[c], scv: 1)
        }
        var workerTier = workers.tier(servers: app.workers * pooled, arrivalSCV: arrivalSCV)
        workerTier.conditionalWait *= k
        r.cpu[t] = cpuTier
        r.connections[t] = connectionTier
        r.workers[t] = workerTier
        r.coreBusy[t] = cpu.load * Double(instances / pooled)
        r.workerBusy[t] = workers.load * Double(instances / pooled)
        let overhead = platform.territories[t].loadBalancer.overhead?.mean ?? 0
        var mean = 0.0
        for c in 0..<classCount {
          r.meanLatency[t][c] = overhead + workerTier.meanWait + onInstance[c]
          mean += mix[t][c] * r.meanLatency[t][c]
        }
        response[g] = mean
        var busiest = max(cpuTier.utilization, connectionTier.utilization, workerTier.utilization)
        var nodeWait = 0.0
        for n in [r.primary[t]] + r.replicas[t] {
          busiest = max(busiest, r.nodes[n].utilization)
          if r.nodeBusy[n] > 0 { nodeWait = max(nodeWait, r.nodes[n].meanWait * r.nodeRate[n] / r.nodeBusy[n]) }
        }
        r.busiest[t] = busiest
        r.nodeWaitShare[t] = nodeWait
        // One instance's cores alone, whatever the balancer: waiting by Erlang C.
        let coresPerInstance = cpu.load / Double(pooled)
        r.coreWaitProbability[t] = Self.waitAlone(servers: app.cores, load: coresPerInstance)
        // And its connections alone: pooled behind least-connections they hid a connection-bound
        // pool (one connection an instance: p95 222 ms computed, 267 ms simulated).
        r.connectionWaitProbability[t] = Self.waitAlone(
          servers: app.connections, load: connections.load / Double(pooled))
        r.failureShare[t] = Self.failureShare(
          app: app, workersPerInstance: workers.load / Double(pooled), connections: connectionTier,
          latency: r.meanLatency[t], mix: mix[t])
      }
    }
    return r
  }
}

/// The model's answer for one moment: per territory (platform index) and database node.
extension FluidModel {
  /// Erlang C's probability of waiting at `servers` taken alone with `load` busy on average.
  static func waitAlone(servers: Int, load: Double) -> Double {
    guard load > 0 else { return 0 }
    guard load < Double(servers) else { return 1 }
    return (try? ErlangC.waitProbability(servers: servers, offeredLoad: load)) ?? 1
  }

  /// An estimate of the share of requests that fail at an instance: turned away by a full work
  /// queue (M/M/c/K: waiting with probability C, and then `queueLimit` or more ahead with
  /// probability rho^queueLimit), out of time for a connection (the connection tier's wait
  /// beyond `connectionTimeout`), or over the app's timeout (each class's latency taken as
  /// exponential about its mean: heavier-tailed than a sum of phases, so on the safe side).
  /// The computed stretches draw timeouts only; the rest is the simulator's.
  static func failureShare(
    app: AppPool, workersPerInstance a: Double, connections: Tier, latency: [Double], mix: [Double]
  ) -> Double {
    let c = app.workers
    let full: Double
    if a >= Double(c) {
      full = 1
    } else if a > 0 {
      let waits = (try? ErlangC.waitProbability(servers: c, offeredLoad: a)) ?? 1
      full = waits * pow(a / Double(c), Double(app.queueLimit))
    } else {
      full = 0
    }
    let noConnection =
      connections.waitProbability > 0
      ? connections.waitProbability * exp(-app.connectionTimeout / connections.conditionalWait) : 0
    let late = zip(mix, latency).reduce(0.0) { $0 + ($1.1 > 0 ? $1.0 * exp(-app.timeout / $1.1) : 0) }
    return min(1, full + noConnection + late)
  }
}

struct Regime {
  var lambda: [Double]
  var instances: [Int]
  var primary: [Int]
  var replicas: [[Int]]
  var readsToPrimary: [Double]
  var cpu: [Tier]
  var workers: [Tier]
  var connections: [Tier]
  var nodes: [Tier]
  var nodeBusy: [Double]
  var nodeRate: [Double]
  var coreBusy: [Double]
  var workerBusy: [Double]
  var meanLatency: [[Double]]
  /// The highest utilization of any tier the territory uses.
  var busiest: [Double]
  /// The largest mean wait at a database node the territory uses, over that node's mean query.
  var nodeWaitShare: [Double]
  /// The probability that a CPU phase waits for a core at one instance, its cores taken alone.
  var coreWaitProbability: [Double]
  /// The same for one instance's database connections.
  var connectionWaitProbability: [Double]
  /// The share of requests expected to fail (`FluidModel.failureShare`).
  var failureShare: [Double]

  init(territories: Int, nodes: Int, classes: Int) {
    lambda = Array(repeating: 0, count: territories)
    instances = Array(repeating: 0, count: territories)
    primary = Array(repeating: 0, count: territories)
    replicas = Array(repeating: [], count: territories)
    readsToPrimary = Array(repeating: 0, count: territories)
    cpu = Array(repeating: Tier(), count: territories)
    workers = Array(repeating: Tier(), count: territories)
    connections = Array(repeating: Tier(), count: territories)
    self.nodes = Array(repeating: Tier(), count: nodes)
    nodeBusy = Array(repeating: 0, count: nodes)
    nodeRate = Array(repeating: 0, count: nodes)
    coreBusy = Array(repeating: 0, count: territories)
    workerBusy = Array(repeating: 0, count: territories)
    meanLatency = Array(repeating: Array(repeating: 0, count: classes), count: territories)
    busiest = Array(repeating: 0, count: territories)
    nodeWaitShare = Array(repeating: 0, count: territories)
    coreWaitProbability = Array(repeating: 0, count: territories)
    connectionWaitProbability = Array(repeating: 0, count: territories)
    failureShare = Array(repeating: 0, count: territories)
  }
}
