import QueueingModel

/// Where a request is.
enum Stage: UInt8 {
  case free
  /// Waiting for a worker on its instance.
  case queued
  /// Has a worker, waiting for a CPU core.
  case cpuWait
  case cpu
  case connectionWait
  /// Waiting for a row lock on a database node (`node`), holding its connection.
  case lockWait
  /// Waiting for or running its current query on a database node.
  case query
}

/// One request in flight: 69 bytes of plain data (a stride of 72); its lock, when its class
/// takes one, is in `LockLink`, outside, so that requests without locks stay this small.
struct RequestState {
  /// When it reached the load balancer.
  var arrival: Double = 0
  /// When its current wait began (for a connection, for a database node).
  var mark: Double = 0
  /// Load balancer time, a pure delay added to the response.
  var overhead: Double = 0
  /// Length of each of its two CPU phases (one phase of the whole time without queries).
  var cpuPhase: Double = 0
  /// Its own last write (read-your-writes for requests without a user).
  var lastWrite: Double = -.infinity
  var user: Int32 = -1
  var instance: Int32 = -1
  var node: Int32 = -1
  var stamp: UInt32 = 0
  var origin: Int16 = 0
  var requestClass: Int16 = 0
  /// Index of its current query; equal to the class's query count in the last CPU phase.
  var step: Int16 = 0
  var period: Int16 = 0
  var retries: UInt8 = 0
  var stage: Stage = .free
  var measured = false
  /// Failed while an event for it was still pending; freed when that event comes.
  var aborted = false
  /// Holds a core of its database node.
  var holdsCore = false
}

struct UserState {
  var territory: Int32
  var lastWrite: Double = -.infinity
}

struct TerritoryState {
  var isSimulated = false
  var pooledThinking = true
  var thinkMean = 0.0
  /// Open demand: requests per second now.
  var rate = 0.0
  /// Users logged on now; users waiting to log off after their request.
  var activeUsers = 0
  var retiring = 0
  var wakeStamp: UInt32 = 0
  /// The bound on the users thinking that the pending candidate wake was drawn with (see
  /// `PlatformSimulator.rescheduleWake`).
  var wakeBound = 0
  /// Whole-territory outage, and the territory its requests go to meanwhile (-1: none).
  var outage = false
  var failoverTo = -1
  var roundRobin = 0
}

/// An app instance's life: off (not paid for), starting, ready (in rotation), draining (out of
/// rotation, finishing its requests), crashed.
enum Lifecycle: UInt8 {
  case off, starting, ready, draining, crashed
}

struct InstanceState {
  var territory: Int32
  var lifecycle = Lifecycle.off
  var inRotation = false
  /// Leaves for good once drained (scale-down); otherwise a deployment restarts it.
  var removing = false
  var deploying = false
  /// Whether its pool has a load factor (`PlatformSimulator+SharedCPU.swift`). Here, in the
  /// padding before `busyWorkers`, the state stays 48 bytes.
  var sharesCPU = false
  var busyWorkers: Int32 = 0
  var busyCores: Int32 = 0
  var connections: Int32 = 0
  /// Requests on the instance: working or queued (what least-connections compares).
  var present: Int32 = 0
  var epoch: UInt32 = 0
  /// Busy core-seconds until `coresSince` (the cpu usage metrics-server would see).
  var coreSeconds = 0.0
  var coresSince = 0.0

  init(territory: Int32) { self.territory = territory }

  /// Changes the busy cores, integrating the old count up to `now` first.
  @inline(__always)
  mutating func addCores(_ delta: Int32, at now: Double) {
    coreSeconds += Double(busyCores) * (now - coresSince)
    coresSince = now
    busyCores += delta
  }

  /// Busy core-seconds up to `now` over all the slot's lives.
  func coreSeconds(at now: Double) -> Double { coreSeconds + Double(busyCores) * (now - coresSince) }

  var isServing: Bool { lifecycle == .ready || lifecycle == .draining }
}

struct NodeState {
  var cores: Int32
  var busy: Int32 = 0
  var up = true
  /// Whether it has a load factor (`PlatformSimulator+SharedCPU.swift`); in the padding.
  var sharesCores = false
  /// When the replay of the last write it has received ends (a replica's single replay process).
  var replayFree = -Double.infinity
  var roundRobin = 0

  init(cores: Int32) { self.cores = cores }
}

/// The cores of an instance or node with a load factor: the requests in service with the work
/// each has left (seconds at factor 1), and when that work was last brought up to date.
struct SharedCores {
  var inService: [(request: Int32, work: Double)] = []
  var since = 0.0

  /// Takes the work done since `since` off each request in service, at `factor` for their number.
  mutating func settle(at now: Double, factor: LoadFactor) {
    if !inService.isEmpty {
      let done = (now - since) / factor.factor(at: inService.count)
      for k in inService.indices { inService[k].work -= done }
    }
    since = now
  }

  mutating func remove(_ r: Int32) {
    if let k = inService.firstIndex(where: { $0.request == r }) { inService.remove(at: k) }
  }
}

/// A write a replica has received: when it was committed on the primary, and when the replica
/// ends replaying it (infinity while the replica is down).
struct PendingWrite {
  var commit: Double
  var replayed: Double
}

struct DeploymentState {
  var batch: Int
  var outstanding = 0
  var done: Set<Int> = []
}

/// One row of a lock on one node: held by at most one request, with a first-come-first-served
/// line of requests linked through their `LockLink.next`.
struct RowState {
  var isHeld = false
  /// When the holder took it.
  var since = 0.0
  /// Seconds held within the measured span (after the warm-up), for the busiest row.
  var heldSeconds = 0.0
  /// The first and last request waiting (-1: none).
  var first: Int32 = -1
  var last: Int32 = -1
}

/// A request's place in the lock tables (indexed like the request slab).
struct LockLink {
  /// The row it holds or waits for (an index into `PlatformSimulator.rows`), -1 for none.
  var row: Int32 = -1
  /// The request after it in that row's line (-1: none).
  var next: Int32 = -1
}
