import BasicContainers
import SimStatistics

/// A quantity integrated over time (users, instances, busy workers), for time averages.
struct TimeIntegral {
  var value = 0.0
  var area = 0.0
  var since = 0.0

  @inline(__always)
  mutating func set(_ newValue: Double, at now: Double) {
    area += value * (now - since)
    since = now
    value = newValue
  }

  @inline(__always)
  mutating func add(_ delta: Double, at now: Double) { set(value + delta, at: now) }

  /// The area since the last call, leaving the value as it is.
  mutating func take(at now: Double) -> Double {
    set(value, at: now)
    defer { area = 0 }
    return area
  }
}

/// Counter slots per (territory, period, class) and per (territory, class) in a window.
enum Counter {
  static let arrivals = 0
  static let completed = 1
  static let firstError = 2
  static let width = 2 + ErrorCause.allCases.count
}

/// What a replication measures: whole-run counters and histograms per territory, period and
/// class; the series window in progress; the minute in progress; time integrals.
///
/// What changes per request or per query is in `UniqueArray`s: a write to an `Array` pays a
/// uniqueness check, a call into the runtime.
struct Recorder: ~Copyable {
  let classCount: Int
  let periodCount: Int
  let badMinuteShare: Double
  /// Whole run: [((t * periods + p) * classes + c) * Counter.width + field].
  var counts: UniqueArray<Int>
  var latency: UniqueArray<LatencyHistogram>
  var latencySum: UniqueArray<Double>
  /// Per query: [t * periods + p].
  var database: UniqueArray<LatencyHistogram>
  var databaseSum: UniqueArray<Double>
  var queries: UniqueArray<Int>
  /// Minutes: [(t * periods + p) * 2 + (0 all, 1 good)].
  var minutes: UniqueArray<Int>

  // The window in progress: counts [(t * classes + c) * width + field]; latency
  // [t * (classes + 1) + c], with c = classes for all classes together.
  var windowCounts: UniqueArray<Int>
  var windowLatency: UniqueArray<LatencyHistogram>
  var windowDatabase: UniqueArray<LatencyHistogram>
  var windowGoodMinutes: [Int]
  var windowMinutes: [Int]
  var windowStart = 0.0
  /// Where the measured run begins for whole-run node figures: the start of the first series
  /// window kept (windows that end within the warm-up are not).
  var measuredFrom = 0.0
  var windows: [[WindowResult]]
  var closed = false

  // The minute in progress, per territory: requests ended and failed.
  /// When the minute in progress ends: its tick's time.
  var minuteEnd = 60.0
  var minuteEnded: UniqueArray<Int>
  var minuteFailed: UniqueArray<Int>

  // Levels per territory.
  var busyWorkers: UniqueArray<TimeIntegral>
  var busyCores: UniqueArray<TimeIntegral>
  var workerCapacity: UniqueArray<TimeIntegral>
  var coreCapacity: UniqueArray<TimeIntegral>
  var users: UniqueArray<TimeIntegral>
  var provisioned: UniqueArray<TimeIntegral>
  var ready: UniqueArray<TimeIntegral>
  /// Instance-seconds over the whole run, per territory.
  var instanceSeconds: UniqueArray<Double>
  /// The most instances provisioned at once before the horizon, per territory.
  var mostProvisioned: UniqueArray<Int>
  var connectionWaits: UniqueArray<Int>
  var windowConnectionWaits: [Int]

  // Database nodes.
  var nodeQueries: UniqueArray<Int>
  var nodeReads: UniqueArray<Int>
  var nodeWrites: UniqueArray<Int>
  var nodeBusy: UniqueArray<TimeIntegral>
  var nodeBusyTotal: [Double]
  var nodeWindowUtilization: [[Double]]
  /// Lag grows linearly between changes: its integral since `lagSince`, the oldest pending
  /// commit then (nil when none). Only while the node is up: a replica that is down serves no
  /// reads, so the age of the writes piling up meanwhile is no lag anyone sees.
  var lagArea: UniqueArray<Double>
  var lagSince: UniqueArray<Double>
  var lagFront: UniqueArray<Double?>
  var maxLag: UniqueArray<Double>
  /// Seconds of the run each node was down, and since when it is down now: the mean lag is
  /// over the time it was up.
  var downSeconds: UniqueArray<Double>
  var downSince: UniqueArray<Double>
  var windowMaxLag: UniqueArray<Double>
  /// Whether the node was up at some time in the window in progress: a replica that was down
  /// all window long has no lag for it (nil), it was down.
  var windowUp: [Bool]
  var nodeWindowMaxLag: [[Double?]]
  /// Rolling deployments per territory, as they ran.
  var deployments: [[DeploymentSpan]]
  /// Autoscaler syncs per territory, in time order.
  var autoscaler: [[AutoscalerSync]]

  /// Per class, whether its latency counts in the all-classes series (false for a waived class).
  let judged: [Bool]

  // Row locks, per territory and lock: [t * lockCount + l]. Grants and waits count where the
  // request took the row, holds where it gave it back.
  let lockCount: Int
  var lockGrants: UniqueArray<Int>
  var lockWaits: UniqueArray<Int>
  var lockWaitSum: UniqueArray<Double>
  var lockReleases: UniqueArray<Int>
  var lockHeldSum: UniqueArray<Double>

  init(
    territories: Int, classes: Int, periods: Int, nodes: Int, locks: Int = 0, badMinuteShare: Double, judged: [Bool]
  ) {
    classCount = classes
    lockCount = locks
    lockGrants = UniqueArray(repeating: 0, count: territories * locks)
    lockWaits = UniqueArray(repeating: 0, count: territories * locks)
    lockWaitSum = UniqueArray(repeating: 0, count: territories * locks)
    lockReleases = UniqueArray(repeating: 0, count: territories * locks)
    lockHeldSum = UniqueArray(repeating: 0, count: territories * locks)
    self.judged = judged
    periodCount = periods
    self.badMinuteShare = badMinuteShare
    let cells = territories * periods * classes
    counts = UniqueArray(repeating: 0, count: cells * Counter.width)
    latency = UniqueArray(minimumCapacity: cells)
    for _ in 0..<cells { latency.append(LatencyHistogram(precision: .coarse)) }
    latencySum = UniqueArray(repeating: 0, count: cells)
    database = UniqueArray(minimumCapacity: territories * periods)
    for _ in 0..<(territories * periods) { database.append(LatencyHistogram(precision: .coarse)) }
    databaseSum = UniqueArray(repeating: 0, count: territories * periods)
    queries = UniqueArray(repeating: 0, count: territories * periods)
    minutes = UniqueArray(repeating: 0, count: territories * periods * 2)
    windowCounts = UniqueArray(repeating: 0, count: territories * classes * Counter.width)
    windowLatency = UniqueArray(minimumCapacity: territories * (classes + 1))
    for _ in 0..<(territories * (classes + 1)) { windowLatency.append(LatencyHistogram(precision: .coarse)) }
    windowDatabase = UniqueArray(minimumCapacity: territories)
    for _ in 0..<territories { windowDatabase.append(LatencyHistogram(precision: .coarse)) }
    windowGoodMinutes = Array(repeating: 0, count: territories)
    windowMinutes = Array(repeating: 0, count: territories)
    windows = Array(repeating: [], count: territories)
    minuteEnded = UniqueArray(repeating: 0, count: territories)
    minuteFailed = UniqueArray(repeating: 0, count: territories)
    busyWorkers = UniqueArray(repeating: TimeIntegral(), count: territories)
    busyCores = UniqueArray(repeating: TimeIntegral(), count: territories)
    workerCapacity = UniqueArray(repeating: TimeIntegral(), count: territories)
    coreCapacity = UniqueArray(repeating: TimeIntegral(), count: territories)
    users = UniqueArray(repeating: TimeIntegral(), count: territories)
    provisioned = UniqueArray(repeating: TimeIntegral(), count: territories)
    ready = UniqueArray(repeating: TimeIntegral(), count: territories)
    instanceSeconds = UniqueArray(repeating: 0, count: territories)
    mostProvisioned = UniqueArray(repeating: 0, count: territories)
    connectionWaits = UniqueArray(repeating: 0, count: territories)
    windowConnectionWaits = Array(repeating: 0, count: territories)
    nodeQueries = UniqueArray(repeating: 0, count: nodes)
    nodeReads = UniqueArray(repeating: 0, count: nodes)
    nodeWrites = UniqueArray(repeating: 0, count: nodes)
    nodeBusy = UniqueArray(repeating: TimeIntegral(), count: nodes)
    nodeBusyTotal = Array(repeating: 0, count: nodes)
    nodeWindowUtilization = Array(repeating: [], count: nodes)
    lagArea = UniqueArray(repeating: 0, count: nodes)
    lagSince = UniqueArray(repeating: 0, count: nodes)
    lagFront = UniqueArray(repeating: nil, count: nodes)
    maxLag = UniqueArray(repeating: 0, count: nodes)
    downSeconds = UniqueArray(repeating: 0, count: nodes)
    downSince = UniqueArray(repeating: 0, count: nodes)
    windowMaxLag = UniqueArray(repeating: 0, count: nodes)
    windowUp = Array(repeating: true, count: nodes)
    nodeWindowMaxLag = Array(repeating: [], count: nodes)
    deployments = Array(repeating: [], count: territories)
    autoscaler = Array(repeating: [], count: territories)
  }

  @inline(__always)
  func cell(_ r: RequestState) -> Int {
    (Int(r.origin) * periodCount + Int(r.period)) * classCount + Int(r.requestClass)
  }

  @inline(__always)
  mutating func arrived(_ r: RequestState) {
    guard r.measured else { return }
    counts[cell(r) * Counter.width + Counter.arrivals] += 1
    if !closed {
      windowCounts[(Int(r.origin) * classCount + Int(r.requestClass)) * Counter.width + Counter.arrivals] += 1
    }
  }

  @inline(__always)
  mutating func completed(_ r: RequestState, latency seconds: Double) {
    guard r.measured else { return }
    let c = cell(r)
    counts[c * Counter.width + Counter.completed] += 1
    latency[c].record(seconds)
    latencySum[c] += seconds
    let t = Int(r.origin)
    minuteEnded[t] += 1
    guard !closed else { return }
    let k = Int(r.requestClass)
    windowCounts[(t * classCount + k) * Counter.width + Counter.completed] += 1
    windowLatency[t * (classCount + 1) + k].record(seconds)
    if judged[k] { windowLatency[t * (classCount + 1) + classCount].record(seconds) }
  }

  mutating func failed(_ r: RequestState, _ cause: ErrorCause) {
    guard r.measured else { return }
    counts[cell(r) * Counter.width + Counter.firstError + cause.rawValue] += 1
    let t = Int(r.origin)
    minuteEnded[t] += 1
    minuteFailed[t] += 1
    guard !closed else { return }
    windowCounts[(t * classCount + Int(r.requestClass)) * Counter.width + Counter.firstError + cause.rawValue] += 1
  }

  @inline(__always)
  mutating func queryDone(_ r: RequestState, seconds: Double) {
    guard r.measured else { return }
    let c = Int(r.origin) * periodCount + Int(r.period)
    database[c].record(seconds)
    databaseSum[c] += seconds
    queries[c] += 1
    if !closed { windowDatabase[Int(r.origin)].record(seconds) }
  }

  @inline(__always)
  mutating func queryIssued(node n: Int, write: Bool) {
    nodeQueries[n] += 1
    if write { nodeWrites[n] += 1 } else { nodeReads[n] += 1 }
  }

  @inline(__always)
  mutating func workersChanged(territory t: Int, by delta: Int, at now: Double) {
    busyWorkers[t].add(Double(delta), at: now)
  }

  @inline(__always)
  mutating func coresChanged(territory t: Int, by delta: Int, at now: Double) {
    busyCores[t].add(Double(delta), at: now)
  }

  @inline(__always)
  mutating func nodeBusyChanged(_ n: Int, by delta: Int, at now: Double) {
    nodeBusy[n].add(Double(delta), at: now)
  }

  /// A measured request took a row of lock `l`, after `wait` seconds in its line if it `waited`.
  mutating func lockGranted(_ r: RequestState, lock l: Int, wait: Double, waited: Bool) {
    guard r.measured else { return }
    let k = Int(r.origin) * lockCount + l
    lockGrants[k] += 1
    guard waited else { return }
    lockWaits[k] += 1
    lockWaitSum[k] += wait
  }

  /// A measured request gave back its row of lock `l` after holding it `held` seconds.
  mutating func lockReleased(_ r: RequestState, lock l: Int, held: Double) {
    guard r.measured else { return }
    let k = Int(r.origin) * lockCount + l
    lockReleases[k] += 1
    lockHeldSum[k] += held
  }

  mutating func lagObserved(_ n: Int, _ lag: Double) {
    maxLag[n] = max(maxLag[n], lag)
    windowMaxLag[n] = max(windowMaxLag[n], lag)
  }
}
