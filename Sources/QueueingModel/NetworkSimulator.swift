import BasicContainers
import DequeModule
import HeapModule
import SimKernel
import SimRandom
import SimStatistics

/// What happens in a queueing network: plain data, so the event list holds no references.
enum NetworkEvent {
  case arrival(source: Int32)
  case departure(station: Int32, customer: Int32)
  /// A waiting customer's patience runs out; `stamp` identifies the visit it was set for.
  case abandonment(station: Int32, customer: Int32, stamp: UInt32)
  /// The next completion at a shared station (`Station.isShared`); `stamp` is the station's
  /// schedule it was set for, superseded by any arrival or departure there since.
  case sharedDeparture(station: Int32, stamp: UInt32)
  /// A batch station's server `slot` ends its service of a whole batch.
  case batchDeparture(station: Int32, slot: Int32)
  case thinkEnd(customer: Int32)
  case windowStart
  case windowEnd
  /// The end of one interval of the time series (see `RunWindow.seriesInterval`).
  case seriesTick
}

/// The measurement protocol of one replication.
///
/// Customers that enter the network in `[warmup, warmup + horizon)` are measured, and the run goes
/// on until they have all left (at most `drainLimit` after the window; the rest are reported as
/// unfinished). Time averages are integrated over the window. A station's per-visit metrics count
/// the visits that arrive at it inside the window.
package struct RunWindow: Sendable, Hashable, Codable {
  package var warmup: Double
  package var horizon: Double
  package var drainLimit: Double
  /// Length of the intervals of the time series, or nil for none. The series cuts the window
  /// into consecutive intervals (the last may be shorter); see `WindowResult`.
  package var seriesInterval: Double?

  package init(warmup: Double, horizon: Double, drainLimit: Double? = nil, seriesInterval: Double? = nil) {
    self.warmup = warmup
    self.horizon = horizon
    self.drainLimit = drainLimit ?? max(horizon, 1)
    self.seriesInterval = seriesInterval
  }

  package var end: Double { warmup + horizon }
}

/// One replication of a `Network`: owns its clock, event list, random streams and state.
///
/// State is kept as arrays of plain values indexed by station, customer or source (no objects per
/// customer), and the event handler is a `switch` over `NetworkEvent`: the per-event cost is a
/// heap operation, a few array accesses and a buffered variate. State that changes per event
/// lives in `UniqueArray`s: noncopyable, so a write is a store, not a copy-on-write check (those
/// checks were a tenth of the run time). Hence the simulator itself is noncopyable.
package struct NetworkSimulator: ~Copyable {
  package let network: Network
  package let window: RunWindow
  package let replication: Int
  var sim = Simulation<NetworkEvent>()

  // Stations.
  var stations: UniqueArray<StationState>
  /// Each station's waiting line; noncopyable deques, so no copy-on-write check per operation.
  var queues: UniqueArray<UniqueDeque<QueueEntry>>
  /// Customers present per station (waiting plus in service); contiguous for dispatcher scans.
  var present: UniqueArray<Int32>
  var service: UniqueArray<Sampler>
  var routingDraw: UniqueArray<Sampler?>
  var stationHistograms: UniqueArray<LatencyHistogram>
  // Shared stations (processor sharing or load factor); see `NetworkSimulator+Sharing.swift`.
  let isShared: [Bool]
  var sharing: UniqueArray<SharingState>
  var inService: UniqueArray<Heap<SharedEntry>>
  /// Factors by concurrency, flattened: station s uses `factorTable[factorStart[s] + min(n, last)]`.
  var factorStart: [Int32]
  var factorCount: [Int32]
  var factorTable: [Double]
  var sharedSequence: UInt64 = 0
  // Batch stations (group commit); see `NetworkSimulator+Batches.swift`.
  let isBatch: [Bool]
  /// Per station, its first server's slot in `batches` (each server of a batch station has one).
  var batchSlotStart: [Int32]
  /// The customers each batch server is serving; emptied, never freed, so no allocation per batch.
  var batches: UniqueArray<[Int32]>
  var batchScratch: [Int32] = []
  // Visit sequences and locks; see `NetworkSimulator+Sequences.swift`.
  var sequenceSteps: SequenceSteps
  var stepService: UniqueArray<Sampler?>
  var locks: UniqueArray<LockState>
  /// Customers waiting for each lock, first come first served.
  var lockQueues: UniqueArray<UniqueDeque<Int32>>
  // Routing tables, flattened: station s uses entries routeStart[s] ..< routeStart[s + 1].
  var routeStart: [Int32]
  var routeCumulative: [Double]
  var routeTarget: [Int32]
  // Dispatchers.
  var dispatchers: UniqueArray<DispatcherState>
  var dispatchDraw: UniqueArray<Sampler>
  var dispatchTargets: [Int32]
  /// Join-shortest-queue dispatchers over consecutive stations keep an ordered index.
  var shortestQueues = UniqueArray<ShortestQueueIndex>()
  /// Per station, its index in `shortestQueues`, or -1.
  var shortestQueueOf: UniqueArray<Int32>
  var dispatchCumulativeWeights: [Double]
  /// A deliberately wrong join-shortest-queue that counts only waiting customers, so that tests
  /// can show the policy checks fail on it. Never set outside tests.
  package var _joinShortestQueueCountsWaitingOnly = false
  // Sources.
  var sourceTarget: [Int32]
  var interarrival: UniqueArray<Sampler>
  var think: UniqueArray<Sampler?>
  var isPoisson: [Bool]
  var isPaced: [Bool]
  /// Per customer of a paced source (allocated first, so ids below its count): the scheduled
  /// time of its current or next transaction.
  var scheduled: [Double] = []
  var schedules: [RateSchedule?]
  var scheduleCursor: UniqueArray<RateSchedule.Cursor>
  var scheduleTarget: UniqueArray<Double>
  /// Arrivals generated per source since time 0 (not only in the window).
  package private(set) var arrivalsBySource: UniqueArray<Int>
  // Customers, one 40-byte record each (36 used); ids are reused through `freeCustomers`.
  var customers = UniqueArray<Customer>()
  var freeCustomers = UniqueArray<Int32>()
  var nextStamp: UInt32 = 1
  /// Customers in the network now (closed-population customers who are thinking are not).
  package private(set) var inNetwork = 0
  /// Closed-population customers thinking now (a think-time event pending).
  package private(set) var thinking = 0
  /// Trips through the network since time 0, by how they ended (not only in the window).
  package private(set) var tripsCompleted = 0
  package private(set) var tripsLost = 0
  package private(set) var tripsTimedOut = 0
  // Time series: counters and a histogram for the interval in progress, closed at each tick.
  var series = SeriesRecorder()
  // End to end.
  var flow = FlowCounters()
  var flowHistogram = LatencyHistogram(precision: .fine)
  var taggedInNetwork = 0
  /// Paced transactions scheduled in the window that have not started yet (their connection
  /// still busy with an earlier one): measured from their schedule, so the run waits for them
  /// as for those inside, and counts them unfinished if the drain ends first.
  var pacedBacklog = 0
  /// Paced connections whose schedule has not passed the window's end: the run goes on for
  /// them (a connection far behind its schedule may not have reached the window yet).
  var pacedBeforeEnd = 0
  /// Transactions scheduled in the window that no connection reached before the run stopped
  /// (counted when it stops; arrivals, and unfinished).
  var pacedUnreached = 0
  var windowOver = false

  /// The most customers a replication holds at once; one more stops it (`EarlyStop`). Each
  /// costs about 50 bytes (its record and queue entry), twice that with the arrays' spare
  /// capacity, so a replication stays below 200 MB. Only an overloaded open station gets
  /// there: a stable network holds about its arrival rate times its response time.
  package static let customerLimit = 2_000_000
  /// Checks of a million events each that may pass without the clock moving (`run`).
  static let stallChecks = 8
  /// The simulated time at which the clock stopped moving, when it did (`run`).
  private(set) var stalledAt: Double?
  /// `customerLimit`, lowered by tests to watch a replication stop without using the memory.
  package var customerLimit = Self.customerLimit

  /// Prepares replication `replication` of `network` with streams derived from `seed`.
  package init(network: Network, window: RunWindow, seed: UInt64, replication: Int) {
    self.network = network
    self.window = window
    self.replication = replication
    func stream(_ name: String) -> RandomStream {
      RandomStream(name: name, runSeed: seed, replication: replication)
    }
    let uniform = try! Distribution.uniform(low: 0, high: 1)
    let unitExponential = try! Distribution.exponential(mean: 1)

    stations = UniqueArray(copying: network.stations.map(StationState.init))
    queues = UniqueArray(minimumCapacity: network.stations.count)
    for _ in network.stations { queues.append(UniqueDeque()) }
    present = UniqueArray(repeating: 0, count: network.stations.count)
    service = UniqueArray(
      copying: network.stations.map { Sampler($0.service, stream: stream("station/\($0.name)/service")) })
    routingDraw = UniqueArray(
      copying: network.stations.map {
        $0.routing.count > 1 ? Sampler(uniform, stream: stream("station/\($0.name)/routing")) : nil
      })
    stationHistograms = UniqueArray(minimumCapacity: network.stations.count)
    for _ in network.stations { stationHistograms.append(LatencyHistogram(precision: .coarse)) }
    isShared = network.stations.map(\.isShared)
    sharing = UniqueArray(copying: network.stations.map(SharingState.init))
    inService = UniqueArray(minimumCapacity: network.stations.count)
    for _ in network.stations { inService.append(Heap()) }
    (factorStart, factorCount, factorTable) = Self.factorTables(network.stations)
    isBatch = network.stations.map { $0.discipline == .batch }
    batchSlotStart = []
    var slots = 0
    for station in network.stations {
      batchSlotStart.append(Int32(slots))
      if station.discipline == .batch, case .finite(let c) = station.servers { slots += c }
    }
    batches = UniqueArray(repeating: [], count: slots)
    sequenceSteps = SequenceSteps(network)
    stepService = UniqueArray(minimumCapacity: sequenceSteps.station.count)
    for (k, sequence) in network.sequences.enumerated() {
      for (n, step) in sequence.steps.enumerated() {
        stepService.append(
          step.service.map { Sampler($0, stream: stream("sequence/\(network.sequences[k].name)/\(n + 1)/service")) })
      }
    }
    locks = UniqueArray(copying: network.locks.map { LockState(capacity: Int32($0.capacity)) })
    lockQueues = UniqueArray(minimumCapacity: network.locks.count)
    for _ in network.locks { lockQueues.append(UniqueDeque()) }
    routeStart = [0]
    routeCumulative = []
    routeTarget = []
    for station in network.stations {
      var cumulative = 0.0
      for route in station.routing {
        cumulative += route.probability
        routeCumulative.append(cumulative)
        routeTarget.append(Self.encode(route.destination))
      }
      if station.routing.isEmpty {
        routeCumulative.append(1)
        routeTarget.append(Self.encode(.exit))
      }
      // Guard against rounding: the last branch takes whatever probability is left.
      routeCumulative[routeCumulative.count - 1] = .infinity
      routeStart.append(Int32(routeTarget.count))
    }

    var dispatchers: [DispatcherState] = []
    var dispatchDraw: [Sampler] = []
    dispatchTargets = []
    dispatchCumulativeWeights = []
    for d in network.dispatchers {
      let consecutive = d.targets.indices.allSatisfy { d.targets[$0] == d.targets[0] + $0 }
      dispatchers.append(
        DispatcherState(
          policy: d.policy, start: Int32(dispatchTargets.count), count: Int32(d.targets.count),
          contiguousBase: consecutive ? Int32(d.targets[0]) : -1))
      dispatchTargets.append(contentsOf: d.targets.map { Int32($0) })
      let weights = d.weights ?? Array(repeating: 1, count: d.targets.count)
      let total = weights.reduce(0, +)
      var cumulative = 0.0
      for w in weights {
        cumulative += w / total
        dispatchCumulativeWeights.append(cumulative)
      }
      dispatchCumulativeWeights[dispatchCumulativeWeights.count - 1] = .infinity
      dispatchDraw.append(Sampler(uniform, stream: stream("dispatcher/\(d.name)")))
    }
    // A station can sit in one shortest-queue index; dispatchers sharing stations fall back to
    // scanning (correct, only slower).
    var indexOf = [Int32](repeating: -1, count: network.stations.count)
    for (k, d) in dispatchers.enumerated() where d.policy == .joinShortestQueue && d.contiguousBase >= 0 {
      let members = Int(d.contiguousBase)..<Int(d.contiguousBase + d.count)
      guard members.allSatisfy({ indexOf[$0] == -1 }) else { continue }
      for s in members { indexOf[s] = Int32(shortestQueues.count) }
      shortestQueues.append(ShortestQueueIndex(base: Int(d.contiguousBase), count: Int(d.count)))
      dispatchers[k].shortestQueueIndex = Int32(shortestQueues.count - 1)
    }
    shortestQueueOf = UniqueArray(copying: indexOf)
    self.dispatchers = UniqueArray(copying: dispatchers)
    self.dispatchDraw = UniqueArray(copying: dispatchDraw)

    sourceTarget = network.sources.map { Self.encode($0.destination) }
    interarrival = UniqueArray(
      copying: network.sources.map { source in
        let s = stream("source/\(source.name)/arrivals")
        switch source.kind {
        case .poisson(let rate): return Sampler(try! .exponential(rate: rate), stream: s)
        case .varying, .closed, .paced: return Sampler(unitExponential, stream: s)
        }
      })
    think = UniqueArray(
      copying: network.sources.map { source in
        switch source.kind {
        case .closed(_, let thinkTime): return Sampler(thinkTime, stream: stream("source/\(source.name)/think"))
        // A connection's gaps between scheduled starts.
        case .paced(let n, let rate):
          return Sampler(try! .exponential(mean: Double(n) / rate), stream: stream("source/\(source.name)/schedule"))
        case .poisson, .varying: return nil
        }
      })
    isPaced = network.sources.map { if case .paced = $0.kind { true } else { false } }
    isPoisson = network.sources.map { if case .poisson = $0.kind { true } else { false } }
    schedules = network.sources.map { if case .varying(let s) = $0.kind { s } else { nil } }
    scheduleCursor = UniqueArray(repeating: .init(), count: network.sources.count)
    scheduleTarget = UniqueArray(repeating: 0, count: network.sources.count)
    arrivalsBySource = UniqueArray(repeating: 0, count: network.sources.count)
    start()
  }

  /// Encoded sequences: sequenceBase + k, below every encoded dispatcher.
  static let sequenceBase = Int32.min

  @inline(__always)
  static func encode(_ destination: Destination) -> Int32 {
    switch destination {
    case .station(let s): return Int32(s)
    case .exit: return -1
    case .dispatcher(let d): return -2 - Int32(d)
    // Only sources send to a sequence, and `enterNetwork` takes it from there.
    case .sequence(let k): return Self.sequenceBase + Int32(k)
    }
  }

  private mutating func start() {
    sim.schedule(.windowStart, at: window.warmup)
    sim.schedule(.windowEnd, at: window.end)
    // Ticks end every interval but the last, which the end of the window closes.
    if let interval = window.seriesInterval, window.warmup + interval < window.end {
      sim.schedule(.seriesTick, at: window.warmup + interval)
    }
    for (i, source) in network.sources.enumerated() {
      switch source.kind {
      case .poisson:
        sim.schedule(.arrival(source: Int32(i)), at: interarrival[i].next())
      case .varying:
        scheduleNextVaryingArrival(Int32(i))
      case .closed(let users, _):
        for _ in 0..<users {
          let c = allocateCustomer(origin: Int32(i))
          sim.schedule(.thinkEnd(customer: c), at: think[i]!.next())
          thinking += 1
        }
      case .paced(let connections, _):
        for _ in 0..<connections {
          let c = allocateCustomer(origin: Int32(i))
          if scheduled.count <= Int(c) { scheduled += Array(repeating: 0, count: Int(c) + 1 - scheduled.count) }
          scheduled[Int(c)] = think[i]!.next()
          if inWindow(scheduled[Int(c)]) { pacedBacklog += 1 }
          if scheduled[Int(c)] < window.end { pacedBeforeEnd += 1 }
          sim.schedule(.thinkEnd(customer: c), at: scheduled[Int(c)])
          thinking += 1
        }
      }
    }
  }

  /// The current simulated time.
  package var now: Double { sim.now }

  // MARK: Running

  /// Runs the whole replication and returns what it measured.
  package mutating func run() -> ReplicationResult { run(reporting: NoProgress()) }

  /// Runs the whole replication, calling `progress` about every million events with the share
  /// of the run's work done so far (0...1).
  package mutating func run(progress: @escaping (Double) -> Void) -> ReplicationResult {
    run(reporting: ProgressCallback(report: progress))
  }

  /// The event loop, specialized per reporter: without one (benchmarks, tests, piped output) it
  /// contains neither the check nor the call.
  private mutating func run<Reporter: ProgressReporter>(reporting reporter: Reporter) -> ReplicationResult {
    let deadline = window.end + window.drainLimit
    var nextCheck = sim.processedCount &+ (1 << 20)
    // A cycle that takes no time (zero think time and zero service, or customers lost at a
    // full station returning at once) would run forever at one instant: a clock that has not
    // moved over `Self.stallChecks` checks of a million events each stops the replication.
    var clockAtCheck = -Double.infinity
    var stillChecks = 0
    // Events after the deadline are left unhandled: with no drain the run stops at the window's end.
    while let event = sim.next(until: deadline) {
      handle(event.payload)
      if windowOver && taggedInNetwork == 0 && pacedBeforeEnd == 0 { break }
      // An overloaded open station would grow until the kernel killed the process.
      if inNetwork > customerLimit { break }
      if sim.processedCount == nextCheck {
        nextCheck &+= 1 << 20
        if sim.now == clockAtCheck {
          stillChecks += 1
          if stillChecks == Self.stallChecks {
            stalledAt = sim.now
            break
          }
        } else {
          clockAtCheck = sim.now
          stillChecks = 0
        }
        if Reporter.reports { reporter.report(workDone(at: sim.now)) }
      }
    }
    countUnreachedSchedules()
    return result()
  }

  static let unreachedDraws = 1_000_000

  /// The transactions of each paced connection scheduled in the window beyond the one it is
  /// at: drawn now, when the run has stopped, from the connection's own schedule.
  private mutating func countUnreachedSchedules() {
    guard pacedBeforeEnd > 0 else { return }
    for c in scheduled.indices where scheduled[c] < window.end {
      let source = Int(customers[c].origin)
      guard source >= 0 && isPaced[source] else { continue }
      var t = scheduled[c] + think[source]!.next()
      var drawn = 0
      while t < window.end && drawn < Self.unreachedDraws {
        if t >= window.warmup { pacedUnreached += 1 }
        t += think[source]!.next()
        drawn += 1
      }
      // Far behind a fast schedule: the rest at its mean count, not drawn one by one.
      if t < window.end, case .paced(let n, let rate) = network.sources[source].kind {
        pacedUnreached += Int((rate / Double(n) * (window.end - max(t, window.warmup))).rounded())
      }
    }
  }

  /// The share of the run's work done by time `t`: expected arrivals so far over all expected
  /// arrivals when demand varies (quiet nights go fast), simulated time otherwise.
  private func workDone(at t: Double) -> Double {
    var done = 0.0
    var total = 0.0
    for i in 0..<schedules.count {
      guard let schedule = schedules[i] else { continue }
      done += schedule.cumulativeRate(at: t)
      total += schedule.cumulativeRate(at: window.end)
    }
    return min(total > 0 ? done / total : t / window.end, 1)
  }

  /// Runs every event up to `time` and stops there (for ensemble measurements at fixed times).
  package mutating func advance(to time: Double) {
    while let event = sim.next(until: time) { handle(event.payload) }
  }

  @inline(__always)
  mutating func handle(_ event: NetworkEvent) {
    switch event {
    case .departure(let s, let c): depart(station: Int(s), customer: c)
    case .sharedDeparture(let s, let stamp): sharedDeparture(station: Int(s), stamp: stamp)
    case .batchDeparture(let s, let slot): batchDeparture(station: Int(s), slot: Int(slot))
    case .arrival(let source): arrive(source: source)
    case .abandonment(let s, let c, let stamp): abandon(station: Int(s), customer: c, stamp: stamp)
    case .thinkEnd(let c):
      thinking -= 1
      let origin = Int(customers[Int(c)].origin)
      // A paced transaction counts from its scheduled time, lag included.
      if isPaced[origin] && inWindow(scheduled[Int(c)]) { pacedBacklog -= 1 }
      enterNetwork(customer: c, at: sourceTarget[origin], since: isPaced[origin] ? scheduled[Int(c)] : sim.now)
    case .windowStart: openWindow()
    case .windowEnd: closeWindow()
    case .seriesTick: closeSeriesInterval()
    }
  }

  // MARK: Arrivals and customers

  @inline(__always)
  private mutating func arrive(source: Int32) {
    let i = Int(source)
    arrivalsBySource[i] += 1
    if isPoisson[i] {
      sim.schedule(.arrival(source: source), after: interarrival[i].next())
    } else {
      scheduleNextVaryingArrival(source)
    }
    enterNetwork(customer: allocateCustomer(origin: -1), at: sourceTarget[i], since: sim.now)
  }

  private mutating func scheduleNextVaryingArrival(_ source: Int32) {
    let i = Int(source)
    scheduleTarget[i] += interarrival[i].next()
    if let t = schedules[i]!.advance(&scheduleCursor[i], to: scheduleTarget[i]) {
      sim.schedule(.arrival(source: source), at: max(t, sim.now))
    }
  }

  @inline(__always)
  private mutating func allocateCustomer(origin source: Int32) -> Int32 {
    if let c = freeCustomers.popLast() {
      customers[Int(c)].origin = source
      return c
    }
    customers.append(Customer(origin: source))
    return Int32(customers.count - 1)
  }

  @inline(__always)
  func inWindow(_ t: Double) -> Bool { t >= window.warmup && t < window.end }

  @inline(__always)
  private mutating func enterNetwork(customer c: Int32, at target: Int32, since now: Double) {
    customers[Int(c)].entryTime = now
    // A paced transaction that starts late has waited for its connection since its schedule.
    customers[Int(c)].tripWait = max(0, sim.now - now)
    inNetwork += 1
    if inWindow(now) {
      flow.arrivals += 1
      taggedInNetwork += 1
      series.current.arrivals += 1
    }
    if target < Self.sequenceBase / 2 {
      beginSequence(c, Int(target - Self.sequenceBase))
    } else {
      customers[Int(c)].step = -1
      send(c, to: target)
    }
  }

  /// Routes a customer through dispatchers to a station, or out.
  @inline(__always)
  private mutating func send(_ c: Int32, to target: Int32) {
    var target = target
    if target <= -2 { target = dispatch(Int(-2 - target)) }
    if target >= 0 {
      arrive(customer: c, station: Int(target))
    } else {
      leave(c, outcome: .completed)
    }
  }

  // MARK: Stations

  @inline(__always)
  mutating func flush(_ s: Int) {
    let now = sim.now
    let dt = now - stations[s].lastChange
    // Under processor sharing all present are "busy"; at most `cores` servers are.
    stations[s].areaBusy += Double(min(stations[s].busy, stations[s].cores)) * dt
    stations[s].areaPresent += Double(present[s]) * dt
    stations[s].lastChange = now
  }

  @inline(__always)
  mutating func arrive(customer c: Int32, station s: Int) {
    let now = sim.now
    customers[Int(c)].visitArrival = now
    let counted = inWindow(now)
    if counted { stations[s].visits.arrivals += 1 }
    if Int(present[s]) >= stations[s].capacity {
      if counted { stations[s].visits.lost += 1 }
      leave(c, outcome: .lost)
      return
    }
    flush(s)
    present[s] += 1
    if shortestQueueOf[s] >= 0 {
      shortestQueues[Int(shortestQueueOf[s])].increment(s, from: Int(present[s]) - 1)
    }
    if stations[s].busy < stations[s].servers {
      stations[s].busy += 1
      startService(customer: c, station: s)
    } else {
      let stamp = nextStamp
      nextStamp = nextStamp == .max ? 1 : nextStamp + 1
      customers[Int(c)].waitStamp = stamp
      queues[s].append(QueueEntry(customer: c, stamp: stamp))
      if stations[s].timeout < .infinity {
        sim.schedule(
          .abandonment(station: Int32(s), customer: c, stamp: stamp),
          after: stations[s].timeout)
      }
    }
  }

  @inline(__always)
  private mutating func startService(customer c: Int32, station s: Int) {
    countServiceStart(customer: c, station: s)
    if isShared[s] {
      startShared(customer: c, station: s)
    } else if isBatch[s] {
      startBatch(with: c, station: s)
    } else {
      sim.schedule(.departure(station: Int32(s), customer: c), after: work(customer: c, station: s))
    }
  }

  /// The end of a customer's wait at a station: its wait on the trip and the station's counters.
  @inline(__always)
  mutating func countServiceStart(customer c: Int32, station s: Int) {
    let now = sim.now
    let arrived = customers[Int(c)].visitArrival
    customers[Int(c)].waitStamp = 0
    let wait = now - arrived
    customers[Int(c)].tripWait += wait
    if inWindow(arrived) {
      stations[s].visits.started += 1
      stations[s].visits.sumWait += wait
      if wait > 0 { stations[s].visits.waited += 1 }
    }
  }

  /// The work of a customer's visit: its sequence step's service if the step has one, else the
  /// station's.
  @inline(__always)
  mutating func work(customer c: Int32, station s: Int) -> Double {
    let step = Int(customers[Int(c)].step)
    if step >= 0 && sequenceSteps.hasService[step] { return stepService[step]!.next() }
    return service[s].next()
  }

  /// A customer's visit ends: the station's counts and the trip's histogram of it.
  @inline(__always)
  mutating func countDeparture(station s: Int, customer c: Int32) {
    let now = sim.now
    flush(s)
    present[s] -= 1
    if shortestQueueOf[s] >= 0 {
      shortestQueues[Int(shortestQueueOf[s])].decrement(s, from: Int(present[s]) + 1)
    }
    let arrived = customers[Int(c)].visitArrival
    if inWindow(arrived) {
      let response = now - arrived
      stations[s].visits.completed += 1
      stations[s].visits.sumResponse += response
      stationHistograms[s].record(response)
    }
    if inWindow(now) { stations[s].departuresInWindow += 1 }
  }

  @inline(__always)
  mutating func depart(station s: Int, customer c: Int32) {
    countDeparture(station: s, customer: c)
    // Free the server: the next live customer in the queue starts, or the server idles.
    var started = false
    while let entry = queues[s].popFirst() {
      if customers[Int(entry.customer)].waitStamp == entry.stamp {
        startService(customer: entry.customer, station: s)
        started = true
        break
      }
    }
    if !started { stations[s].busy -= 1 }
    if isShared[s] { rescheduleShared(s) }
    moveOn(c, from: s)
  }

  /// After a visit: the next step of the customer's sequence, or where the station routes.
  @inline(__always)
  mutating func moveOn(_ c: Int32, from s: Int) {
    if customers[Int(c)].step >= 0 {
      nextStep(c)
    } else {
      send(c, to: nextHop(from: s))
    }
  }

  @inline(__always)
  private mutating func nextHop(from s: Int) -> Int32 {
    let first = Int(routeStart[s])
    let end = Int(routeStart[s + 1])
    if end - first == 1 { return routeTarget[first] }
    let u = routingDraw[s]!.next()
    var i = first
    while u >= routeCumulative[i] { i += 1 }
    return routeTarget[i]
  }

  private mutating func abandon(station s: Int, customer c: Int32, stamp: UInt32) {
    guard customers[Int(c)].waitStamp == stamp else { return }  // already in service or gone
    customers[Int(c)].waitStamp = 0
    flush(s)
    present[s] -= 1
    if shortestQueueOf[s] >= 0 {
      shortestQueues[Int(shortestQueueOf[s])].decrement(s, from: Int(present[s]) + 1)
    }
    if inWindow(customers[Int(c)].visitArrival) { stations[s].visits.timedOut += 1 }
    leave(c, outcome: .timedOut)
  }

  // MARK: Leaving

  enum Outcome { case completed, lost, timedOut }

  @inline(__always)
  mutating func leave(_ c: Int32, outcome: Outcome) {
    let now = sim.now
    // Lost or timed out inside a sequence: its locks go to the next in line.
    if outcome != .completed && customers[Int(c)].step >= 0 { releaseHeldLocks(c) }
    let entered = customers[Int(c)].entryTime
    inNetwork -= 1
    switch outcome {
    case .completed: tripsCompleted += 1
    case .lost: tripsLost += 1
    case .timedOut: tripsTimedOut += 1
    }
    if inWindow(entered) {
      taggedInNetwork -= 1
      switch outcome {
      case .completed:
        flow.completed += 1
        let response = now - entered
        flow.sumResponse += response
        flowHistogram.record(response)
        let wait = customers[Int(c)].tripWait
        flow.sumWait += wait
        if wait > 0 { flow.waited += 1 }
      case .lost: flow.lost += 1
      case .timedOut: flow.timedOut += 1
      }
    }
    if inWindow(now) {
      switch outcome {
      case .completed:
        flow.departuresInWindow += 1
        if window.seriesInterval != nil {
          series.current.completed += 1
          series.current.sumResponse += now - entered
          series.histogram.record(now - entered)
        }
      case .lost: series.current.lost += 1
      case .timedOut: series.current.timedOut += 1
      }
    }
    let source = Int(customers[Int(c)].origin)
    if source >= 0 && isPaced[source] {
      // The connection's next scheduled start; if that has passed, it starts now, late.
      let before = scheduled[Int(c)] < window.end
      scheduled[Int(c)] += think[source]!.next()
      if inWindow(scheduled[Int(c)]) { pacedBacklog += 1 }
      if before && scheduled[Int(c)] >= window.end { pacedBeforeEnd -= 1 }
      sim.schedule(.thinkEnd(customer: c), at: max(scheduled[Int(c)], now))
      thinking += 1
    } else if source >= 0 {
      sim.schedule(.thinkEnd(customer: c), after: think[source]!.next())
      thinking += 1
    } else {
      freeCustomers.append(c)
    }
  }

  // MARK: Window

  private mutating func openWindow() {
    for s in stations.indices {
      flush(s)
      flushServed(s)
      stations[s].areaBusy = 0
      stations[s].areaPresent = 0
      stations[s].areaServed = 0
      stations[s].presentAtWindowStart = Int(present[s])
    }
    for l in locks.indices {
      flushLock(l)
      locks[l].areaHeld = 0
      locks[l].areaWaiting = 0
      locks[l].waitingAtWindowStart = Int(locks[l].waiting)
    }
    series.busyAtLastTick = Array(repeating: 0, count: stations.count)
    series.presentAtLastTick = Array(repeating: 0, count: stations.count)
  }

  /// Closes the interval in progress: its counters, its percentiles, and each station's busy and
  /// present areas since the previous tick.
  private mutating func closeSeriesInterval() {
    guard let interval = window.seriesInterval else { return }
    let now = sim.now
    let start = series.results.last?.end ?? window.warmup
    var result = series.current
    result.start = start
    result.end = now
    result.responseP50 = series.histogram.quantile(0.50) ?? .nan
    result.responseP95 = series.histogram.quantile(0.95) ?? .nan
    result.responseP99 = series.histogram.quantile(0.99) ?? .nan
    result.stations = (0..<stations.count).map { s in
      flush(s)
      let busy = stations[s].areaBusy - series.busyAtLastTick[s]
      let present = stations[s].areaPresent - series.presentAtLastTick[s]
      series.busyAtLastTick[s] = stations[s].areaBusy
      series.presentAtLastTick[s] = stations[s].areaPresent
      return StationWindowResult(meanBusyServers: busy / (now - start), meanInStation: present / (now - start))
    }
    series.results.append(result)
    series.current = WindowResult()
    series.histogram.reset()
    if now < window.end && now + interval < window.end { sim.schedule(.seriesTick, at: now + interval) }
  }

  private mutating func closeWindow() {
    for s in stations.indices {
      flush(s)
      flushServed(s)
      stations[s].windowAreaBusy = stations[s].areaBusy
      stations[s].windowAreaPresent = stations[s].areaPresent
      stations[s].windowAreaServed = stations[s].areaServed
      stations[s].presentAtWindowEnd = Int(present[s])
    }
    for l in locks.indices {
      flushLock(l)
      locks[l].windowAreaHeld = locks[l].areaHeld
      locks[l].windowAreaWaiting = locks[l].areaWaiting
      locks[l].waitingAtWindowEnd = Int(locks[l].waiting)
    }
    closeSeriesInterval()
    windowOver = true
  }
}

/// Receives a run's progress; `reports` is a constant so the loop without one has no check.
protocol ProgressReporter {
  static var reports: Bool { get }
  func report(_ share: Double)
}

struct NoProgress: ProgressReporter {
  static var reports: Bool { false }
  func report(_ share: Double) {}
}

struct ProgressCallback: ProgressReporter {
  let report: (Double) -> Void
  static var reports: Bool { true }
  func report(_ share: Double) { report(share) }
}

/// Where a customer is on its current trip through the network.
struct Customer {
  var entryTime = 0.0
  var visitArrival = 0.0
  /// Time spent waiting so far on the current trip.
  var tripWait = 0.0
  /// Nonzero while waiting in a queue: the stamp of that visit (see `QueueEntry`).
  var waitStamp: UInt32 = 0
  /// The closed-population source the customer belongs to, or -1 for open arrivals.
  var origin: Int32
  /// Its step in `SequenceSteps` while on a sequence, else -1.
  var step: Int32 = -1
}

/// A queue slot: the customer and the stamp of the visit it was queued for; a slot whose stamp no
/// longer matches (the customer timed out) is skipped.
struct QueueEntry {
  var customer: Int32
  var stamp: UInt32
}

/// Per-visit counters of one station, for visits that arrive in the window.
struct VisitCounters {
  var arrivals = 0
  var lost = 0
  var timedOut = 0
  var started = 0
  var waited = 0
  var completed = 0
  var sumWait = 0.0
  var sumResponse = 0.0
}

struct StationState {
  /// Customers served at once: c, or unbounded (infinite servers, processor sharing).
  let servers: Int
  /// Servers that can be busy: c, or unbounded for infinite servers.
  let cores: Int
  let capacity: Int
  let timeout: Double
  var busy = 0
  var lastChange = 0.0
  var areaBusy = 0.0
  var areaPresent = 0.0
  var windowAreaBusy = 0.0
  var windowAreaPresent = 0.0
  /// Batch stations: customers in their batches (`busy` counts the batches), kept off `flush`
  /// so that other stations pay nothing for it.
  var served = 0
  var servedSince = 0.0
  var areaServed = 0.0
  var windowAreaServed = 0.0
  var departuresInWindow = 0
  var presentAtWindowStart = 0
  var presentAtWindowEnd = 0
  var visits = VisitCounters()

  init(_ station: Station) {
    switch station.servers {
    case .finite(let c): cores = c
    case .infinite: cores = .max
    }
    servers = station.discipline == .processorSharing ? .max : cores
    capacity = station.capacity ?? .max
    timeout = station.timeout ?? .infinity
  }
}

/// The time series being recorded: finished intervals, and the one in progress.
struct SeriesRecorder: ~Copyable {
  var results: [WindowResult] = []
  var current = WindowResult()
  var histogram = LatencyHistogram(precision: .coarse)
  var busyAtLastTick: [Double] = []
  var presentAtLastTick: [Double] = []
}

/// End-to-end counters, for customers that enter in the window.
struct FlowCounters {
  var arrivals = 0
  var completed = 0
  var lost = 0
  var timedOut = 0
  var sumResponse = 0.0
  var sumWait = 0.0
  var waited = 0
  var departuresInWindow = 0
}

struct DispatcherState {
  let policy: DispatchPolicy
  let start: Int32
  let count: Int32
  /// The first station when the targets are consecutive stations in order, else -1.
  let contiguousBase: Int32
  /// Its `ShortestQueueIndex`, or -1 (not join-shortest-queue, or stations shared).
  var shortestQueueIndex: Int32 = -1
  var nextRoundRobin: Int32 = 0
}
