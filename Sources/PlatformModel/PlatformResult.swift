/// Why a request failed.
package enum ErrorCause: Int, CaseIterable, Sendable, Codable {
  /// The instance's queue was full: HTTP 503.
  case queueFull
  /// Slower than the app's request timeout, end to end.
  case timeout
  /// No database connection within the pool's wait limit.
  case noConnection
  /// The instance, replica or primary it needed was down (or no instance was in rotation).
  case nodeDown

  package var label: String {
    switch self {
    case .queueFull: "queue full"
    case .timeout: "timeout"
    case .noConnection: "no connection"
    case .nodeDown: "node down"
    }
  }
}

/// Requests counted by outcome.
package struct RequestCounts: Sendable, Hashable, Codable {
  package var arrivals = 0
  package var completed = 0
  /// Indexed by `ErrorCause.rawValue`.
  package var errors = [0, 0, 0, 0]

  package init() {}

  package var failed: Int { errors.reduce(0, +) }
  /// Failed share of the requests that ended.
  package var errorRate: Double {
    let ended = completed + failed
    return ended == 0 ? 0 : Double(failed) / Double(ended)
  }

  mutating func add(_ other: RequestCounts) {
    arrivals += other.arrivals
    completed += other.completed
    for i in errors.indices { errors[i] += other.errors[i] }
  }
}

/// Latency of successful requests (seconds).
package struct LatencySummary: Sendable, Hashable, Codable {
  package var mean: Double?
  package var p50: Double?
  package var p95: Double?
  package var p99: Double?

  package init(mean: Double? = nil, p50: Double? = nil, p95: Double? = nil, p99: Double? = nil) {
    self.mean = mean
    self.p50 = p50
    self.p95 = p95
    self.p99 = p99
  }
}

/// One territory in one period (normal load or a season) of one replication.
package struct PeriodResult: Sendable, Codable {
  /// Per request class, in the platform's order.
  package var classes: [RequestCounts]
  package var classLatency: [LatencySummary]
  package var counts: RequestCounts
  /// Of the judged classes: every class but a waived one (`ClassObjectives.waiver`).
  package var latency: LatencySummary
  /// Per query, waiting plus service on the database node.
  package var database: LatencySummary
  package var queries: Int
  /// Minutes of the period, and those in which at most the objective's bad-minute share failed.
  package var minutes: Int
  package var goodMinutes: Int

  package var availability: Double? { minutes == 0 ? nil : Double(goodMinutes) / Double(minutes) }
}

/// One series window of one territory.
package struct WindowResult: Sendable, Codable {
  /// Simulated seconds from the start.
  package var start: Double
  package var end: Double
  /// The period (index into `PlatformReplication.periods`) the window starts in.
  package var period: Int
  /// The demand multiplier at the window's start.
  package var multiplier: Double
  package var counts: RequestCounts
  /// Of the judged classes, as `PeriodResult.latency`.
  package var latency: LatencySummary
  /// p95 per request class.
  package var classP95: [Double?]
  package var databaseP95: Double?
  /// Time averages over the window.
  package var users: Double
  package var instances: Double
  package var readyInstances: Double
  /// Busy workers over available workers, busy cores over available cores (instances in
  /// rotation).
  package var workerUtilization: Double
  package var cpuUtilization: Double
  package var goodMinutes: Int
  package var minutes: Int
  /// Requests that had to wait for a database connection (pool exhaustion).
  package var connectionWaits: Int
  /// How a hybrid run advanced the window; nil in a request-level run (all `request`).
  package var mode: WindowMode? = nil
  /// The requests of the judged classes, where a class is waived; nil when all are judged
  /// (they are `counts`).
  package var judgedCounts: RequestCounts? = nil
}

/// How a window of a hybrid run was advanced.
package enum WindowMode: String, Sendable, Codable, CaseIterable {
  /// Every request simulated.
  case request
  /// Computed by the queueing model throughout.
  case fluid
  /// Partly simulated (a check, or a fault, crash or capacity change in it), partly computed.
  case mixed
}

/// A database node over the run, and per window.
package struct NodeResult: Sendable, Codable {
  package var name: String
  package var queries: Int
  package var reads: Int
  package var writes: Int
  package var utilization: Double
  /// Replicas: the largest and the time-average replication lag (seconds) while the node was
  /// up; nil for a node down all run long.
  package var maxLag: Double?
  package var meanLag: Double?
  /// Per series window. The lag is the largest while the node was up; nil for a window it was
  /// down throughout.
  package var windowUtilization: [Double]
  package var windowMaxLag: [Double?]
  /// The seconds the whole-run figures cover: the run from its first series window kept (the
  /// windows within a warm-up are not).
  package var seconds: Double? = nil
}

/// A rolling deployment as it ran: from its scheduled start until its last batch was back in
/// rotation (nil if that was after the end of the run).
package struct DeploymentSpan: Sendable, Codable, Hashable {
  /// Index into `PlatformScenario.faults`.
  package var fault: Int
  package var start: Double
  package var end: Double?
}

/// What a territory's capacity cost in one replication.
package struct CostResult: Sendable, Codable {
  package var instanceHours: Double
  package var instanceCost: Double
  package var currency: String
  /// The most instances provisioned at once (nil in results recorded before it was kept).
  package var mostInstances: Int? = nil
}

package struct TerritoryResult: Sendable, Codable {
  package var name: String
  /// Indexed like `PlatformReplication.periods`; a period the run never touched has no minutes.
  package var periods: [PeriodResult]
  package var windows: [WindowResult]
  package var cost: CostResult
  package var connectionWaits: Int
  package var deployments: [DeploymentSpan] = []
  /// Every sync of the pool's autoscaler, in time order; empty without one.
  package var autoscaler: [AutoscalerSync] = []
  /// Per lock of the platform (`Platform.locks`), as this territory's requests took it.
  package var locks: [LockResult] = []
}

/// A row lock (`RowLock`) as one territory's measured requests took it in one replication.
package struct LockResult: Sendable, Codable, Hashable {
  package var name: String
  package var rows: Int
  /// Requests granted a row, and those of them that waited in its line first.
  package var grants: Int
  package var waited: Int
  /// Seconds waited, summed over the grants.
  package var waitSeconds: Double
  /// Rows given back (at the commit, or when the request failed) and the seconds they were held.
  package var releases: Int
  package var heldSeconds: Double
  /// The largest share of the measured span that one row was held, among the territory's
  /// nodes (rows shared with other territories on the same primary count all their holders).
  package var busiestRow: Double

  /// Mean wait for the lock over all grants, zero waits included (what M/G/1's Wq is).
  package var meanWait: Double? { grants == 0 ? nil : waitSeconds / Double(grants) }
  package var meanHeld: Double? { releases == 0 ? nil : heldSeconds / Double(releases) }
  package var waitedShare: Double? { grants == 0 ? nil : Double(waited) / Double(grants) }
}

/// One sync of a pool's autoscaler: what it saw, what it decided and why.
package struct AutoscalerSync: Sendable, Codable, Hashable {
  /// Simulated seconds from the start.
  package var time: Double
  /// `cpu utilization 92% (target 75%) -> 7`, one entry per metric, `; `-separated.
  package var metrics: String
  /// The largest proposal, after stabilization, and the new `spec.replicas`.
  package var recommendation: Int?
  package var stabilized: Int?
  package var current: Int
  package var desired: Int
  /// Pods Running and Ready, and pods that exist and are not terminating.
  package var readyPods: Int
  package var totalPods: Int
  package var reason: String

  package init(
    time: Double, metrics: String, recommendation: Int?, stabilized: Int?, current: Int, desired: Int,
    readyPods: Int, totalPods: Int, reason: String
  ) {
    self.time = time
    self.metrics = metrics
    self.recommendation = recommendation
    self.stabilized = stabilized
    self.current = current
    self.desired = desired
    self.readyPods = readyPods
    self.totalPods = totalPods
    self.reason = reason
  }
}

/// One replication of a platform scenario.
package struct PlatformReplication: Sendable, Codable {
  /// "normal" first, then every season of any territory.
  package var periods: [String]
  package var territories: [TerritoryResult]
  package var nodes: [NodeResult]
  package var events: UInt64
  package var requests: Int
}
