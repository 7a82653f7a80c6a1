import Foundation

/// How a run ended (or that it has not).
package enum RunStatus: String, Codable, Sendable, CaseIterable {
  case running, complete, failed, interrupted
}

/// One `capsim run`: what was run, with what, and how it went.
package struct RunRecord: Codable, Sendable, Hashable {
  /// Assigned by the store.
  package var id: Int64?
  package var capsimVersion: String
  /// "platform" or "network".
  package var kind: String
  package var scenarioName: String
  package var scenarioPath: String
  /// The scenario file's text.
  ///
  /// A what-if is recorded with its base: each file under a marker line `# --- PATH`, the
  /// what-if first (see `scenarioFiles`).
  package var scenarioText: String
  /// SHA-256 of the text, hex.
  package var scenarioHash: String
  package var topologyPath: String
  package var topologyText: String
  package var topologyHash: String
  /// `--set` what-ifs, in order.
  package var settings: [String]
  package var seed: UInt64
  package var replications: Int
  /// Simulated span and series window, seconds.
  package var horizon: Double
  package var seriesInterval: Double
  /// IANA time zone of the local labels ("" without a calendar).
  package var timeZone: String
  /// Wall-clock start and end.
  package var startedAt: Date
  package var endedAt: Date?
  package var status: RunStatus
  /// Process that runs it, to tell a crashed run from a running one.
  package var processID: Int32
  package var hostName: String
  package var wallSeconds: Double?
  package var requests: Int?
  /// Why it failed, if it did.
  package var message: String?

  package init(
    id: Int64? = nil, capsimVersion: String, kind: String, scenarioName: String, scenarioPath: String,
    scenarioText: String, scenarioHash: String, topologyPath: String, topologyText: String, topologyHash: String,
    settings: [String], seed: UInt64, replications: Int, horizon: Double, seriesInterval: Double, timeZone: String,
    startedAt: Date, endedAt: Date? = nil, status: RunStatus = .running, processID: Int32, hostName: String,
    wallSeconds: Double? = nil, requests: Int? = nil, message: String? = nil
  ) {
    self.id = id
    self.capsimVersion = capsimVersion
    self.kind = kind
    self.scenarioName = scenarioName
    self.scenarioPath = scenarioPath
    self.scenarioText = scenarioText
    self.scenarioHash = scenarioHash
    self.topologyPath = topologyPath
    self.topologyText = topologyText
    self.topologyHash = topologyHash
    self.settings = settings
    self.seed = seed
    self.replications = replications
    self.horizon = horizon
    self.seriesInterval = seriesInterval
    self.timeZone = timeZone
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.status = status
    self.processID = processID
    self.hostName = hostName
    self.wallSeconds = wallSeconds
    self.requests = requests
    self.message = message
  }
}

/// One series window of one territory, tier and request class: means over replications.
///
/// `tier` is "all" (end to end), "app", a database node's name, or a station's name for
/// network runs; `requestClass` is "all" or a class name. Fields that make no sense for a tier
/// are nil.
package struct SeriesPoint: Codable, Sendable, Hashable {
  package var territory: String
  package var tier: String
  package var requestClass: String
  /// Simulated seconds from the start, and the local wall-clock label ("2026-12-07T10:00").
  package var windowStart: Double
  package var windowEnd: Double
  package var localStart: String
  package var period: String
  package var demandMultiplier: Double?
  package var arrivals: Double?
  package var completions: Double?
  package var errorsQueueFull: Double?
  package var errorsTimeout: Double?
  package var errorsNoConnection: Double?
  package var errorsNodeDown: Double?
  package var latencyP50: Double?
  package var latencyP95: Double?
  package var latencyP99: Double?
  package var utilization: Double?
  package var queueLength: Double?
  package var instances: Double?
  package var users: Double?
  package var replicaLag: Double?
  /// How a hybrid run advanced the window: request, fluid or mixed (the replications' modes
  /// when they differ); nil for a request-level run.
  package var mode: String?

  package init(
    territory: String, tier: String, requestClass: String, windowStart: Double, windowEnd: Double, localStart: String,
    period: String
  ) {
    self.territory = territory
    self.tier = tier
    self.requestClass = requestClass
    self.windowStart = windowStart
    self.windowEnd = windowEnd
    self.localStart = localStart
    self.period = period
  }
}

/// One SLO verdict of a run.
package struct VerdictRecord: Codable, Sendable, Hashable {
  package var territory: String
  package var period: String
  package var requestClass: String
  package var objective: String
  package var target: Double?
  /// Lower is better except for availability.
  package var higherIsBetter: Bool
  package var mean: Double
  package var halfWidth: Double?
  /// pass, marginal, fail, info, waived.
  package var outcome: String
  package var worstWindowLocal: String?
  package var worstValue: Double?
  /// Why a waived verdict is not judged.
  package var note: String?

  package init(
    territory: String, period: String, requestClass: String, objective: String, target: Double?, higherIsBetter: Bool,
    mean: Double, halfWidth: Double?, outcome: String, worstWindowLocal: String?, worstValue: Double?,
    note: String? = nil
  ) {
    self.note = note
    self.territory = territory
    self.period = period
    self.requestClass = requestClass
    self.objective = objective
    self.target = target
    self.higherIsBetter = higherIsBetter
    self.mean = mean
    self.halfWidth = halfWidth
    self.outcome = outcome
    self.worstWindowLocal = worstWindowLocal
    self.worstValue = worstValue
  }
}

/// What a territory's capacity cost in one local calendar month of the run (mean over
/// replications).
package struct CostRecord: Codable, Sendable, Hashable {
  package var territory: String
  /// "2026-12" (local calendar month), or "run" without a calendar.
  package var month: String
  package var currency: String
  /// What the run cost in that month: the part of the run that falls in it.
  package var instanceHours: Double
  package var instanceCost: Double
  package var databaseNodeHours: Double
  package var databaseCost: Double
  /// Hours of the run in that month, and hours of the whole calendar month (743 or 745 with a
  /// daylight-saving change); nil in runs recorded before they were kept.
  package var spanHours: Double?
  package var monthHours: Double?

  /// Hours in the 30 days a monthly run rate is quoted for.
  package static let thirtyDays = 720.0

  /// The total at this month's pace for 30 days, or nil without the run's hours.
  package var per30Days: Double? {
    spanHours.flatMap { $0 > 0 ? (instanceCost + databaseCost) / $0 * Self.thirtyDays : nil }
  }

  /// The total at this month's pace for the whole calendar month, or nil.
  package var perCalendarMonth: Double? {
    guard let span = spanHours, span > 0, let month = monthHours else { return nil }
    return (instanceCost + databaseCost) / span * month
  }

  package init(
    territory: String, month: String, currency: String, instanceHours: Double, instanceCost: Double,
    databaseNodeHours: Double, databaseCost: Double, spanHours: Double? = nil, monthHours: Double? = nil
  ) {
    self.spanHours = spanHours
    self.monthHours = monthHours
    self.territory = territory
    self.month = month
    self.currency = currency
    self.instanceHours = instanceHours
    self.instanceCost = instanceCost
    self.databaseNodeHours = databaseNodeHours
    self.databaseCost = databaseCost
  }
}

/// A fault, capacity change or deployment of a territory, as the scenario scheduled it.
///
/// Reports mark it on the territory's charts. A fault that touches several territories (a replica they share, a failover to another
/// territory) has one record per territory.
package struct EventRecord: Codable, Sendable, Hashable {
  package var territory: String
  /// "replica-down", "primary-failover", "territory-outage", "failover" (the territory takes
  /// another's traffic), "deployment", "capacity" or "crashes".
  package var kind: String
  /// What it acts on: a database node's name, or the territory's name for its app pool.
  package var subject: String
  /// Simulated seconds from the start.
  ///
  /// Both nil for what has no fixed time (random crashes); `end == start` for an instant (a
  /// capacity change).
  package var start: Double?
  package var end: Double?
  /// Local wall-clock labels of `start` and `end` ("2026-12-08T09:00"), when they have one.
  package var localStart: String?
  package var localEnd: String?
  /// A short description for people ("de-replica-1 down", "MTBF 30 d, MTTR 10 min").
  package var label: String

  package init(
    territory: String, kind: String, subject: String, start: Double?, end: Double?, localStart: String?,
    localEnd: String?, label: String
  ) {
    self.territory = territory
    self.kind = kind
    self.subject = subject
    self.start = start
    self.end = end
    self.localStart = localStart
    self.localEnd = localEnd
    self.label = label
  }
}

/// Everything recorded of a run: what a report is drawn from.
package struct RunData: Codable, Sendable {
  package var run: RunRecord
  package var series: [SeriesPoint]
  package var verdicts: [VerdictRecord]
  package var costs: [CostRecord]
  /// Per territory and period: the SLO targets the verdicts used (for the lines on charts).
  package var targets: [String: Double]
  /// Faults, capacity changes and deployments, in the scenario's order.
  package var events: [EventRecord]
  /// Every sync of the run's autoscalers, by replication, territory and time.
  package var autoscalerSyncs: [AutoscalerSyncRecord]
  /// Row locks per territory, as its requests took them; empty without locks.
  package var locks: [LockRecord]
  /// A queueing-network run's results as `capsim run` printed them; nil for platform runs and
  /// network runs recorded before it was kept.
  package var networkSummary: NetworkSummary?

  package init(
    run: RunRecord, series: [SeriesPoint] = [], verdicts: [VerdictRecord] = [], costs: [CostRecord] = [],
    targets: [String: Double] = [:], events: [EventRecord] = [], autoscalerSyncs: [AutoscalerSyncRecord] = [],
    locks: [LockRecord] = [], networkSummary: NetworkSummary? = nil
  ) {
    self.locks = locks
    self.networkSummary = networkSummary
    self.run = run
    self.series = series
    self.verdicts = verdicts
    self.costs = costs
    self.targets = targets
    self.events = events
    self.autoscalerSyncs = autoscalerSyncs
  }
}

/// What `capsim run` printed of a queueing-network run: its station and end-to-end tables and
/// the same as `--format json` (the document the report's station table is read from).
package struct NetworkSummary: Codable, Sendable, Hashable {
  package var table: String
  package var json: String

  package init(table: String, json: String) {
    self.table = table
    self.json = json
  }
}
