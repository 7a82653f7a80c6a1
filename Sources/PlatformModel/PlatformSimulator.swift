import BasicContainers
import Demand
import DequeModule
import Foundation
import QueueingModel
import SimKernel
import SimRandom
import SimStatistics

/// One replication of some territories of a platform scenario (those that share a database or
/// a failover; territories that share nothing run as separate simulators, see `PlatformRun`).
///
/// Requests live in a slab of plain structs reused through a free list; instances and database
/// nodes are arrays of plain structs with noncopyable deques for their waiting lines. Every
/// handler is a direct call from a `switch` over `PlatformEvent`, so the hot path has no closures
/// and no reference counting beyond the samplers' buffers.
package struct PlatformSimulator: ~Copyable {
  let scenario: PlatformScenario
  let platform: Platform
  /// The territories this simulator runs (indices into the platform's).
  let simulated: [Int]
  var sim = Simulation<PlatformEvent>()

  // Requests.
  var requests = UniqueArray<RequestState>()
  var freeRequests = UniqueArray<Int32>()
  var inFlight = 0
  /// Requests that have arrived since the start (measured or not).
  var arrivals = 0
  var nextStamp: UInt32 = 1

  // Request classes, flattened: class c runs queries queryOf[queryStart[c] ..< queryStart[c + 1]].
  let queryStart: [Int]
  let queryOf: [Int32]
  let isWrite: [Bool]
  let classCount: Int
  let kindCount: Int

  // Territories (indexed by platform territory; unsimulated ones stay empty).
  var territories: UniqueArray<TerritoryState>
  var cpuDraw: UniqueArray<Sampler>  // [t * classCount + c]
  var serviceDraw: UniqueArray<Sampler>  // [t * kindCount + k]
  var overheadDraw: UniqueArray<Sampler?>
  var thinkDraw: UniqueArray<Sampler?>
  var unitExponential: UniqueArray<Sampler>
  var uniform: UniqueArray<Sampler>
  var crashDraw: UniqueArray<Sampler>
  /// The request mix per territory, cumulative: [t * classCount + c].
  let mixCumulative: [Double]
  /// Load balancer rotation: instances taking traffic, per territory (noncopyable, so reading
  /// it per request costs no reference counting).
  var rotation: UniqueArray<UniqueArray<Int32>>
  /// Period of each hour of the run: [t * hours + hour].
  let periodOfHour: [Int16]
  let hours: Int
  // The parts of each territory's configuration read per request, as plain values: reading
  // them through `platform.territories[t]` retained the territory's time zone and distributions.
  let apps: [AppPool]
  let readRouting: [ReadRouting]
  let balancing: [LoadBalancer.Policy]
  let retries: [Int]
  let periodNames: [String]

  // Users (closed demand), all territories in one array.
  var users = UniqueArray<UserState>()
  /// Thinking users of a territory with exponential think times: drawn from at random.
  var thinking: UniqueArray<UniqueArray<Int32>>

  // App instances, all territories in one array; territory t owns instanceRange[t].
  var instances: UniqueArray<InstanceState>
  var workQueues: UniqueArray<UniqueDeque<Int32>>
  var cpuQueues: UniqueArray<UniqueDeque<Int32>>
  /// Load factors (`PlatformSimulator+SharedCPU.swift`): per territory its app's, per node its
  /// own; and the shared cores of each instance and node (used only where there is a factor).
  let cpuLoadFactor: [LoadFactor?]
  let nodeLoadFactor: [LoadFactor?]
  var instanceCores: UniqueArray<SharedCores>
  var nodeCores: UniqueArray<SharedCores>
  var connectionQueues: UniqueArray<UniqueDeque<Int32>>
  var instanceRange: [Range<Int>]

  // Database nodes.
  var nodes: UniqueArray<NodeState>
  var nodeQueues: UniqueArray<UniqueDeque<Int32>>
  /// The writes a replica has received and not yet retired (see `catchUp`).
  var pendingWrites: UniqueArray<UniqueDeque<PendingWrite>>
  var replayDraw: UniqueArray<Sampler?>
  /// The current primary of each territory and the replicas of each primary (failover changes
  /// both).
  var primaryOf: [Int32]
  var replicasOf: UniqueArray<UniqueArray<Int32>>

  // Row locks (`PlatformSimulator+Locks.swift`); empty when no class takes one, and then the
  // hot path only reads `lockBefore` per query.
  let hasLocks: Bool
  /// Rows per lock, indexed like `platform.locks`.
  let rowCount: [Int]
  /// Per query position (as `queryOf`): the lock taken before that query, or -1.
  let lockBefore: [Int32]
  /// Per class: the lock it takes, or -1.
  let lockOfClass: [Int32]
  /// The rows of every lock on every node where it has been taken, lock l on node n from
  /// `rowBase[l * nodes.count + n]` (-1 until first taken there).
  var rows = UniqueArray<RowState>()
  var rowBase: [Int]
  /// Per request slot (grown with the slab, only when there are locks).
  var lockLinks = UniqueArray<LockLink>()
  /// Per territory: which row a request takes.
  var lockDraw: UniqueArray<Sampler>

  // Faults and capacity.
  var crashFault: [(mtbf: Double, mttr: Double)?]
  var deployments: [DeploymentState?]
  /// The instances a territory outage took down, to restart when it ends.
  var outageInstances: [[Int]]

  // Autoscalers, outside the hot path (a sync every 15 s). A territory with one has
  // `scalerOf[t]` >= 0 and a pod's times per instance slot.
  var scalers: [ScalerState] = []
  var scalerOf: [Int]
  /// From boot to taking traffic: the pool's start-up, and for pods scheduling and readiness.
  var startupDelay: [Double]
  var pods: [PodTimes]
  var metrics: MetricsState

  // Measurement.
  var recorder: Recorder
  /// Whether demand becomes requests; off while a hybrid run computes a stretch instead.
  var generating = true

  /// Prepares replication `replication` of `territories` of `scenario`.
  package init(scenario: PlatformScenario, territories simulated: [Int], replication: Int) {
    self.scenario = scenario
    let platform = scenario.platform
    self.platform = platform
    self.simulated = simulated
    func stream(_ name: String) -> RandomStream {
      RandomStream(name: name, runSeed: scenario.seed, replication: replication)
    }
    let unit = try! Distribution.exponential(mean: 1)
    let uniform01 = try! Distribution.uniform(low: 0, high: 1)

    var starts = [0]
    var flat: [Int32] = []
    for c in platform.requestClasses {
      flat += c.queries.map(Int32.init)
      starts.append(flat.count)
    }
    queryStart = starts
    queryOf = flat
    isWrite = platform.queryKinds.map(\.isWrite)
    classCount = platform.requestClasses.count
    kindCount = platform.queryKinds.count
    let locks = platform.locks
    hasLocks = !locks.isEmpty
    rowCount = locks.map { $0.rows }
    var before = Array(repeating: Int32(-1), count: flat.count)
    lockOfClass = platform.requestClasses.enumerated().map { c, requestClass in
      guard let lock = requestClass.lock, let l = locks.firstIndex(where: { $0.name == lock.name }) else { return -1 }
      guard lock.at < requestClass.queries.count else {
        fatalError("class \(requestClass.name): lock at \(lock.at) of \(requestClass.queries.count) queries")
      }
      before[starts[c] + lock.at] = Int32(l)
      return Int32(l)
    }
    lockBefore = before
    rowBase = Array(repeating: -1, count: locks.count * platform.databases.count)

    let territoryCount = platform.territories.count
    var tStates: [TerritoryState] = []
    var cpu: [Sampler] = []
    var service: [Sampler] = []
    var overhead: [Sampler?] = []
    var think: [Sampler?] = []
    var unitExp: [Sampler] = []
    var uniforms: [Sampler] = []
    var crash: [Sampler] = []
    var lockPicks: [Sampler] = []
    var ranges: [Range<Int>] = []
    var instanceStates: [InstanceState] = []
    var scalerIndex = Array(repeating: -1, count: platform.territories.count)
    for (k, a) in scenario.autoscalers.enumerated() where simulated.contains(a.territory) {
      scalerIndex[a.territory] = k
    }
    for (t, territory) in platform.territories.enumerated() {
      let name = "territory/\(territory.name)"
      let demand = scenario.demand[t]
      var state = TerritoryState()
      state.isSimulated = simulated.contains(t)
      if case .users(_, let thinkTime) = demand.base {
        state.thinkMean = thinkTime.mean
        if case .exponential = thinkTime.kind {
        } else {
          state.pooledThinking = false
        }
        think.append(state.pooledThinking ? nil : Sampler(thinkTime, stream: stream("\(name)/think")))
      } else {
        state.thinkMean = 0
        think.append(nil)
      }
      tStates.append(state)
      for c in platform.requestClasses { cpu.append(Sampler(c.cpu, stream: stream("\(name)/cpu/\(c.name)"))) }
      for k in platform.queryKinds { service.append(Sampler(k.service, stream: stream("\(name)/query/\(k.name)"))) }
      overhead.append(territory.loadBalancer.overhead.map { Sampler($0, stream: stream("\(name)/lb/overhead")) })
      unitExp.append(Sampler(unit, stream: stream("\(name)/arrivals")))
      uniforms.append(Sampler(uniform01, stream: stream("\(name)/choices")))
      crash.append(Sampler(unit, stream: stream("\(name)/crashes")))
      if !locks.isEmpty { lockPicks.append(Sampler(uniform01, stream: stream("\(name)/locks"))) }
      // Room for the largest instance count the run asks for.
      let most = scenario.capacity.filter { $0.territory == t }.map(\.instances).max() ?? 0
      var count = max(territory.app.instances, most)
      // An autoscaled pool may have maxReplicas pods starting while as many drain.
      if scalerIndex[t] >= 0 { count = max(count, 2 * scenario.autoscalers[scalerIndex[t]].maxReplicas) }
      let first = instanceStates.count
      for _ in 0..<count {
        var state = InstanceState(territory: Int32(t))
        state.sharesCPU = platform.territories[t].app.loadFactor != nil
        instanceStates.append(state)
      }
      ranges.append(first..<instanceStates.count)
    }
    territories = UniqueArray(copying: tStates)
    cpuDraw = UniqueArray(copying: cpu)
    serviceDraw = UniqueArray(copying: service)
    overheadDraw = UniqueArray(copying: overhead)
    thinkDraw = UniqueArray(copying: think)
    unitExponential = UniqueArray(copying: unitExp)
    uniform = UniqueArray(copying: uniforms)
    crashDraw = UniqueArray(copying: crash)
    lockDraw = UniqueArray(copying: lockPicks)
    instanceRange = ranges
    instances = UniqueArray(copying: instanceStates)
    workQueues = UniqueArray(minimumCapacity: instanceStates.count)
    cpuQueues = UniqueArray(minimumCapacity: instanceStates.count)
    connectionQueues = UniqueArray(minimumCapacity: instanceStates.count)
    for _ in instanceStates {
      workQueues.append(UniqueDeque())
      cpuQueues.append(UniqueDeque())
      connectionQueues.append(UniqueDeque())
    }
    cpuLoadFactor = platform.territories.map(\.app.loadFactor)
    instanceCores = UniqueArray(repeating: SharedCores(), count: instanceStates.count)
    rotation = UniqueArray(minimumCapacity: territoryCount)
    for _ in 0..<territoryCount { rotation.append(UniqueArray()) }
    var pools = platform.territories.map(\.app)
    for t in pools.indices where scalerIndex[t] >= 0 {
      let autoscaler = scenario.autoscalers[scalerIndex[t]]
      pools[t].instances = min(max(pools[t].instances, autoscaler.minReplicas), autoscaler.maxReplicas)
    }
    apps = pools
    scalerOf = scalerIndex.map { $0 >= 0 ? 0 : -1 }  // indices into `scalers` below
    startupDelay = pools.indices.map { t in
      scalerIndex[t] >= 0
        ? pools[t].pods.scheduling + pools[t].startup + pools[t].pods.readinessDelay : pools[t].startup
    }
    pods = Array(repeating: PodTimes(), count: instanceStates.count)
    metrics = MetricsState(pipeline: scenario.metricsPipeline, slots: instanceStates.count, territories: territoryCount)
    readRouting = platform.territories.map(\.reads)
    balancing = platform.territories.map(\.loadBalancer.policy)
    retries = platform.territories.map(\.loadBalancer.retries)
    thinking = UniqueArray(minimumCapacity: territoryCount)
    for _ in 0..<territoryCount { thinking.append(UniqueArray()) }
    mixCumulative = scenario.demand.flatMap { d in
      let total = d.mix.reduce(0, +)
      var running = 0.0
      return d.mix.map {
        running += $0
        return running / total
      }
    }

    nodes = UniqueArray(
      copying: platform.databases.map { node in
        var state = NodeState(cores: Int32(node.cores))
        state.sharesCores = node.loadFactor != nil
        return state
      })
    nodeLoadFactor = platform.databases.map(\.loadFactor)
    nodeCores = UniqueArray(repeating: SharedCores(), count: platform.databases.count)
    nodeQueues = UniqueArray(minimumCapacity: platform.databases.count)
    pendingWrites = UniqueArray(minimumCapacity: platform.databases.count)
    for _ in platform.databases {
      nodeQueues.append(UniqueDeque())
      pendingWrites.append(UniqueDeque())
    }
    replayDraw = UniqueArray(
      copying: platform.databases.map { node in
        node.apply.map { Sampler($0, stream: stream("database/\(node.name)/replay")) }
      })
    primaryOf = platform.territories.map { Int32($0.primary) }
    replicasOf = UniqueArray(minimumCapacity: platform.databases.count)
    for p in platform.databases.indices {
      replicasOf.append(UniqueArray(copying: platform.replicas(of: p).map(Int32.init)))
    }

    crashFault = Array(repeating: nil, count: territoryCount)
    deployments = Array(repeating: nil, count: territoryCount)
    for fault in scenario.faults {
      if case .instanceCrashes(let t, let mtbf, let mttr) = fault { crashFault[t] = (mtbf, mttr) }
    }

    let names = scenario.periodNames
    periodNames = names
    let hours = scenario.hourCount
    self.hours = hours
    periodOfHour = scenario.demand.indices.flatMap { t in scenario.periodOfHours(territory: t).map(Int16.init) }
    outageInstances = Array(repeating: [], count: territoryCount)
    recorder = Recorder(
      territories: territoryCount, classes: classCount, periods: names.count, nodes: platform.databases.count,
      locks: locks.count,
      badMinuteShare: scenario.objectives.badMinuteErrorRate,
      judged: platform.requestClasses.map { scenario.objectives.classes[$0.name]?.waiver == nil })
    scalers = scenario.autoscalers.enumerated().compactMap { k, a in
      scalerIndex[a.territory] == k
        ? ScalerState(
          autoscaler: a, replicas: pools[a.territory].instances,
          epoch: scenario.demand[a.territory].calendar?.start.timeIntervalSince1970 ?? 0) : nil
    }
    for (k, scaler) in scalers.enumerated() { scalerOf[scaler.territory] = k }
  }

  // MARK: Running

  /// Runs the replication to the end of the calendar (and until the requests in flight then
  /// have finished), calling `progress` now and then with the share of simulated time done and
  /// the requests that have arrived so far.
  package mutating func run(progress: ((Double, Int) -> Void)? = nil) -> PlatformReplication {
    start()
    let horizon = scenario.horizon
    // Requests in flight at the end get as long as the slowest timeout to finish.
    let drain = scenario.drains ? (platform.territories.map(\.app.timeout).max() ?? 60) + 1 : 0
    var sinceReport = 0
    while let event = sim.next(until: horizon + drain) {
      handle(event.payload)
      if let progress {
        sinceReport &+= 1
        if sinceReport == 1 << 16 {
          sinceReport = 0
          progress(min(1, sim.now / horizon), arrivals)
        }
      }
      if sim.now >= horizon && inFlight == 0 && recorder.closed { break }
    }
    return result()
  }

  mutating func start() {
    for t in simulated {
      for i in instanceRange[t].prefix(scenario.startingInstances(t)) {
        instances[i].lifecycle = .ready
        instances[i].inRotation = true
        scheduleCrash(i)
      }
      rebuildRotation(t)
      noteLevels(t)
    }
    handleDemandTick()
    for (index, fault) in scenario.faults.enumerated() {
      guard let at = fault.start, involves(fault), at < scenario.horizon else { continue }
      sim.schedule(.fault(index: Int32(index), step: 0), at: at)
    }
    for (index, change) in scenario.capacity.enumerated() where simulated.contains(change.territory) {
      if change.at > 0 && change.at < scenario.horizon { sim.schedule(.capacity(index: Int32(index)), at: change.at) }
    }
    startAutoscalers()
    sim.schedule(.windowTick, at: nextWindowTick(after: 0))
    recorder.minuteEnd = min(60, scenario.horizon)
    sim.schedule(.minuteTick, at: recorder.minuteEnd)
  }

  /// The next series window boundary: the next multiple of the interval, or the warm-up's end
  /// where it falls inside a window, so that the window it splits keeps only its measured part
  /// (its requests were counted for 50 minutes of an hour and divided by the hour).
  func nextWindowTick(after now: Double) -> Double {
    let interval = scenario.seriesInterval
    var next = ((now / interval).rounded(.down) + 1) * interval
    if next <= now { next += interval }  // rounding near a boundary
    if now < scenario.warmup && scenario.warmup < next { next = scenario.warmup }
    return min(next, scenario.horizon)
  }

  func involves(_ fault: Fault) -> Bool {
    switch fault {
    case .instanceCrashes(let t, _, _), .territoryOutage(let t, _, _, _, _), .deployment(let t, _, _),
      .instanceCrash(let t, _):
      return simulated.contains(t)
    case .replicaDown(let node, _, _), .primaryFailover(let node, _, _, _):
      return simulated.contains { t in
        platform.territories[t].primary == node || platform.databases[node].replicaOf == platform.territories[t].primary
      }
    }
  }

  @inline(__always)
  mutating func handle(_ event: PlatformEvent) {
    switch event {
    case .cpuDone(let r): cpuDone(Int(r))
    case .queryDone(let r): queryDone(Int(r))
    case .sharedDone(let r, let stamp): sharedDone(Int(r), stamp: stamp)
    case .wake(let t, let stamp): wake(territory: Int(t), stamp: stamp)
    case .userWake(let u): userWake(Int(u))
    case .connectionTimeout(let r, let stamp): connectionTimeout(Int(r), stamp: stamp)
    case .crash(let i, let epoch): if instances[Int(i)].epoch == epoch { crash(Int(i)) }
    case .repaired(let i, let epoch): if instances[Int(i)].epoch == epoch { boot(Int(i)) }
    case .ready(let i, let epoch): if instances[Int(i)].epoch == epoch { becomeReady(Int(i)) }
    case .detected(let i): detected(Int(i))
    case .demandTick: handleDemandTick()
    case .windowTick: windowTick()
    case .minuteTick: minuteTick()
    case .fault(let index, let step): faultStep(Int(index), step: Int(step))
    case .capacity(let index): applyCapacity(scenario.capacity[Int(index)])
    case .metricsScrape: metricsScrape()
    case .autoscalerSync(let index): autoscalerSync(Int(index))
    }
  }

  mutating func windowTick() {
    // A minute that ends as the window does is the window's (and the run's last minute the last
    // window's), but its tick was scheduled after this one: closed here first.
    if recorder.minuteEnd == sim.now { minuteTick() }
    closeWindow()
    if sim.now < scenario.horizon { sim.schedule(.windowTick, at: nextWindowTick(after: sim.now)) }
  }

  mutating func minuteTick() {
    guard recorder.minuteEnd == sim.now else { return }  // closed already, by the window's tick
    closeMinute()
    recorder.minuteEnd = sim.now < scenario.horizon ? min(sim.now + 60, scenario.horizon) : .infinity
    if sim.now < scenario.horizon { sim.schedule(.minuteTick, at: recorder.minuteEnd) }
  }
}

extension Fault {
  /// When the fault first acts (crashes run all the time, from the start).
  var start: Double? {
    switch self {
    case .instanceCrashes: return nil
    case .replicaDown(_, let at, _), .primaryFailover(_, let at, _, _), .territoryOutage(_, let at, _, _, _),
      .deployment(_, let at, _), .instanceCrash(_, let at):
      return at
    }
  }
}
