import Foundation

/// One `capsim plan`: what was planned, with what, and how it went.
///
/// Like a run, a plan is begun `running` and completed with its periods and candidates in one
/// transaction, or ended `failed` or `interrupted`.
package struct PlanRecord: Codable, Sendable, Hashable {
  /// Assigned by the store.
  package var id: Int64?
  package var capsimVersion: String
  package var scenarioName: String
  package var scenarioPath: String
  /// SHA-256 of the scenario text (a what-if with its base, as a run records it), hex.
  package var scenarioHash: String
  package var topologyPath: String
  /// SHA-256 of the topology text, hex.
  package var topologyHash: String
  /// `--set` what-ifs, in order.
  package var settings: [String]
  /// The planned territories, in the platform's order.
  package var territories: [String]
  package var seed: UInt64
  /// Replications of each candidate to begin with, and the most a marginal one grows to.
  package var replications: Int
  package var maxReplications: Int
  /// `--max-instances`: the cap where the database's connection limit sets none.
  package var maxInstances: Int
  package var startedAt: Date
  package var endedAt: Date?
  package var status: RunStatus
  /// Process that plans, to tell a crashed plan from a running one.
  package var processID: Int32
  package var hostName: String
  /// Wall-clock seconds of the search; nil until it ends.
  package var wallSeconds: Double?
  /// Instance counts below the stable bound that theory ruled out, summed over territories.
  package var sparedByTheory: Int?
  /// Why it failed or stopped, if it did; of a complete plan, what its answers cannot do (such
  /// as overrun a database node shared by territories, together).
  package var message: String?

  package init(
    id: Int64? = nil, capsimVersion: String, scenarioName: String, scenarioPath: String, scenarioHash: String,
    topologyPath: String, topologyHash: String, settings: [String], territories: [String], seed: UInt64,
    replications: Int, maxReplications: Int,
    maxInstances: Int, startedAt: Date, endedAt: Date? = nil, status: RunStatus = .running, processID: Int32,
    hostName: String, wallSeconds: Double? = nil, sparedByTheory: Int? = nil, message: String? = nil
  ) {
    self.id = id
    self.capsimVersion = capsimVersion
    self.scenarioName = scenarioName
    self.scenarioPath = scenarioPath
    self.scenarioHash = scenarioHash
    self.topologyPath = topologyPath
    self.topologyHash = topologyHash
    self.settings = settings
    self.territories = territories
    self.seed = seed
    self.replications = replications
    self.maxReplications = maxReplications
    self.maxInstances = maxInstances
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.status = status
    self.processID = processID
    self.hostName = hostName
    self.wallSeconds = wallSeconds
    self.sparedByTheory = sparedByTheory
    self.message = message
  }
}

/// The answer of a plan for one territory in one period, and why.
///
/// Costs are per 30 days (720 h) in the territory's currency. Local times are labels such as
/// "2026-12-07T10:30" ("+5400s" from the start without a calendar), as elsewhere in the store.
package struct PlanPeriodRecord: Codable, Sendable, Hashable {
  /// How a count did in the period: the verdicts of the candidate that first simulated it.
  package struct Tried: Codable, Sendable, Hashable {
    package var instances: Int
    /// "meets" (every objective passes), "marginal" (an interval reaches past its target) or
    /// "fails" (a mean misses its target).
    package var status: String
    /// Instance cost per 30 days at this count.
    package var instanceCost: Double

    package init(instances: Int, status: String, instanceCost: Double) {
      self.instances = instances
      self.status = status
      self.instanceCost = instanceCost
    }
  }

  package var territory: String
  package var period: String
  /// Requests per second at the period's busiest 5-minute moment, and when that was.
  package var peakRate: Double
  package var peakLocal: String
  /// Theory's bounds: fewer than `stableInstances` keep the app CPU at 100% or more (never
  /// simulated); the search starts at `theoryStart`.
  package var stableInstances: Int
  package var theoryStart: Int
  /// The fewest instances that meet every objective; nil when no count up to `cap` does.
  package var instances: Int?
  package var cap: Int
  package var capReason: String
  package var currency: String
  /// Instances per 30 days at `instances` (nil without an answer), and the territory's database
  /// nodes per 30 days (which the plan does not change).
  package var instanceCost: Double?
  package var databaseCost: Double
  /// The busiest window's mean app CPU utilization (0-1) at the answer.
  package var appUtilization: Double?
  /// The passing verdict with the least room to its target at the answer, and the tier that
  /// binds: "app" or the busiest database node.
  package var binding: VerdictRecord?
  package var bindingTier: String?
  /// The count `fewer` was measured at: one below the answer, or the cap when none meets; nil
  /// when no candidate was simulated there.
  package var fewerInstances: Int?
  /// The verdicts not met at `fewerInstances`, fails first.
  package var fewer: [VerdictRecord]
  /// Why one fewer will not do when theory says so without a simulation, in words (without an
  /// answer: the database nodes busy whatever the instances).
  package var fewerReason: String?
  /// The p95 of all classes at the answer and at one more, and what one more costs per 30 days.
  package var p95: Double?
  package var moreP95: Double?
  package var moreCost: Double?
  /// Every count simulated for the territory, ascending.
  package var tried: [Tried]

  package init(
    territory: String, period: String, peakRate: Double, peakLocal: String, stableInstances: Int, theoryStart: Int,
    instances: Int?, cap: Int, capReason: String, currency: String, instanceCost: Double?, databaseCost: Double,
    appUtilization: Double? = nil, binding: VerdictRecord? = nil, bindingTier: String? = nil,
    fewerInstances: Int? = nil, fewer: [VerdictRecord] = [], fewerReason: String? = nil, p95: Double? = nil,
    moreP95: Double? = nil, moreCost: Double? = nil, tried: [Tried] = []
  ) {
    self.territory = territory
    self.period = period
    self.peakRate = peakRate
    self.peakLocal = peakLocal
    self.stableInstances = stableInstances
    self.theoryStart = theoryStart
    self.instances = instances
    self.cap = cap
    self.capReason = capReason
    self.currency = currency
    self.instanceCost = instanceCost
    self.databaseCost = databaseCost
    self.appUtilization = appUtilization
    self.binding = binding
    self.bindingTier = bindingTier
    self.fewerInstances = fewerInstances
    self.fewer = fewer
    self.fewerReason = fewerReason
    self.p95 = p95
    self.moreP95 = moreP95
    self.moreCost = moreCost
    self.tried = tried
  }
}

/// One simulated candidate of a plan: a count per planned territory, and how each period did.
package struct PlanCandidateRecord: Codable, Sendable, Hashable {
  package struct Status: Codable, Sendable, Hashable {
    package var territory: String
    package var period: String
    /// "meets", "marginal" or "fails".
    package var status: String

    package init(territory: String, period: String, status: String) {
      self.territory = territory
      self.period = period
      self.status = status
    }
  }

  /// 0-based, in the order simulated.
  package var candidate: Int
  /// Instances per planned territory.
  package var instances: [String: Int]
  /// The planned territories it simulated (the others' answers were known).
  package var simulated: [String]
  package var replications: Int
  package var requests: Int
  package var wallSeconds: Double
  /// Per planned territory and period.
  package var statuses: [Status]

  package init(
    candidate: Int, instances: [String: Int], simulated: [String], replications: Int, requests: Int,
    wallSeconds: Double, statuses: [Status]
  ) {
    self.candidate = candidate
    self.instances = instances
    self.simulated = simulated
    self.replications = replications
    self.requests = requests
    self.wallSeconds = wallSeconds
    self.statuses = statuses
  }
}

/// Everything recorded of a plan: what its outputs are drawn from.
package struct PlanData: Codable, Sendable, Hashable {
  package var plan: PlanRecord
  /// Per planned territory, then period.
  package var periods: [PlanPeriodRecord]
  /// In the order simulated.
  package var candidates: [PlanCandidateRecord]

  package init(plan: PlanRecord, periods: [PlanPeriodRecord] = [], candidates: [PlanCandidateRecord] = []) {
    self.plan = plan
    self.periods = periods
    self.candidates = candidates
  }
}

/// A plan with what it found, for listings.
package struct PlanSummary: Sendable, Hashable {
  package var plan: PlanRecord
  /// Periods planned, and those with an answer.
  package var periods: Int
  package var answered: Int
  package var candidates: Int
  package var requests: Int

  package init(plan: PlanRecord, periods: Int, answered: Int, candidates: Int, requests: Int) {
    self.plan = plan
    self.periods = periods
    self.answered = answered
    self.candidates = candidates
    self.requests = requests
  }
}
