import PlatformModel

/// How a plan searches.
package struct PlanSettings: Sendable {
  /// Replications of each candidate to begin with (common random numbers: every candidate
  /// uses the same seed, so differences between candidates are differences of capacity).
  package var replications: Int
  /// Replications a candidate may grow to while one of its verdicts stays marginal.
  package var maxReplications: Int
  package var threads: Int
  /// Territories to plan (indices); the others keep the instances the scenario gives them.
  package var territories: [Int]
  /// The largest instance count tried when the database's connection limit does not bound it.
  package var maxInstances: Int
  /// Runs each candidate's replications (the hybrid driver); nil: request by request.
  package var driver: (any ReplicationDriver)? = nil

  package init(
    replications: Int = 3, maxReplications: Int = 12, threads: Int = 1, territories: [Int], maxInstances: Int = 200
  ) {
    self.replications = replications
    self.maxReplications = max(replications, maxReplications)
    self.threads = threads
    self.territories = territories
    self.maxInstances = maxInstances
  }
}

/// One simulated candidate: instance counts of every territory, and what came of them.
package struct Candidate: Sendable {
  /// Per territory, in the platform's order.
  package var instances: [Int]
  /// The planned territories it simulated (with the rest of their groups); the others' results
  /// are empty.
  package var simulated: [Int]
  package var replications: Int
  package var verdicts: [Verdict]
  /// Per territory and window: the mean over replications of the window's p95 (nil without
  /// requests), its error rate, and its period.
  package var windows: [[WindowSummary]]
  /// Per territory and period: the busiest window's mean app CPU utilization, and the busiest
  /// node of the territory's cluster in that window (index, utilization).
  package var busiest: [[Busiest?]]
  package var wallSeconds: Double
  package var requests: Int

  package struct WindowSummary: Sendable, Hashable {
    package var start: Double
    package var period: Int
    package var requests: Double
    package var p95: Double?
    package var errorRate: Double?
    /// Per request class (the platform's order), as `p95`.
    package var classP95: [Double?] = []
    package var databaseP95: Double?
  }

  package struct Busiest: Sendable, Hashable {
    package var appUtilization: Double
    package var node: Int
    package var nodeUtilization: Double
  }
}

/// How a candidate does in one territory and period.
package enum PeriodStatus: String, Sendable, Codable {
  /// Every objective passes: the whole confidence interval meets its target.
  case meets
  /// No objective fails, but some interval reaches past its target.
  case marginal
  /// Some objective's mean misses its target.
  case fails
}

/// The plan of one territory in one period.
package struct PeriodPlan: Sendable {
  package var territory: Int
  package var period: Int
  package var load: OfferedLoad
  package var bound: InstanceBound
  /// The fewest instances that meet every objective; nil when none up to `cap` does.
  package var instances: Int?
  /// The most instances tried, and what sets it.
  package var cap: Int
  package var capReason: String
  /// Why one fewer fails: the candidate with one instance fewer (nil when theory rules it out:
  /// below `bound.stable`).
  package var fewer: Candidate?
  /// The chosen candidate, and the one with an instance more.
  package var chosen: Candidate?
  package var more: Candidate?
  /// Instance counts simulated for this territory, with the period's status at each.
  package var tried: [(instances: Int, status: PeriodStatus)]
}

/// A capacity plan: per planned territory and period, the fewest instances, and every
/// candidate simulated on the way.
package struct CapacityPlan: Sendable {
  package var scenario: PlatformScenario
  package var settings: PlanSettings
  package var periods: [PeriodPlan]
  package var candidates: [Candidate]
  package var wallSeconds: Double

  /// Instance counts the analytic bounds ruled out without simulating them, summed over
  /// territories: from 1 to below the stable bound (within the cap), less any count simulated
  /// after all (a schedule simulates quiet hours' counts).
  package var sparedByTheory: Int {
    settings.territories.reduce(0) { total, t in
      let mine = periods.filter { $0.territory == t }
      let below = min((mine.map(\.bound.stable).max() ?? 1) - 1, mine.map(\.cap).max() ?? 0)
      guard below >= 1 else { return total }
      let simulated = Set(candidates.filter { $0.simulated.contains(t) }.map { $0.instances[t] })
      return total + (1...below).filter { !simulated.contains($0) }.count
    }
  }
}

extension Candidate {
  /// The candidate's status in a territory and period: judged on every verdict there.
  package func status(territory: String, period: String) -> PeriodStatus {
    var status = PeriodStatus.meets
    for v in verdicts where v.territory == territory && v.period == period {
      switch v.outcome {
      case .fail: return .fails
      case .marginal: status = .marginal
      case .pass, .info, .waived: break
      }
    }
    return status
  }

  /// The verdicts of a territory and period that are not met (fail first, then marginal).
  package func unmet(territory: String, period: String) -> [Verdict] {
    verdicts.filter {
      $0.territory == territory && $0.period == period && ($0.outcome == .fail || $0.outcome == .marginal)
    }
    .sorted { ($0.outcome == .fail ? 0 : 1) < ($1.outcome == .fail ? 0 : 1) }
  }

  /// The judged verdict of a territory and period with the least room to its target, relative
  /// to the target, at the upper end of its interval: the objective that binds.
  package func tightest(territory: String, period: String) -> Verdict? {
    verdicts.filter {
      $0.territory == territory && $0.period == period && $0.target != nil && $0.outcome != .waived
        && $0.outcome != .info
    }.min { slack($0) < slack($1) }
  }

  /// Room to the target at the interval's worse end, relative to the target. A share that
  /// should be high (availability) is compared by its complement: 99.95% against 99.9% leaves
  /// half the allowed unavailability, not 0.05%.
  func slack(_ v: Verdict) -> Double {
    guard let target = v.target else { return .infinity }
    let h = v.measured.halfWidth ?? 0
    if v.objective.higherIsBetter {
      let allowed = 1 - target
      guard allowed > 0 else { return v.measured.mean - h >= target ? 0 : -1 }
      return (allowed - (1 - (v.measured.mean - h))) / allowed
    }
    guard target != 0 else { return .infinity }
    return (target - v.measured.mean - h) / target
  }
}

extension CapacityPlan {
  /// Database nodes the answers would overrun applied together: each planned territory at its
  /// largest answer over the periods (as `capsim validate` counts a schedule's largest count),
  /// the others at their configured counts. Territories sharing a cluster are capped one at a
  /// time, each with the others as configured, so every answer can fit while they do not.
  package var connectionOverruns: [Platform.ConnectionOverrun] {
    var counts = scenario.platform.territories.map(\.app.instances)
    for t in settings.territories {
      if let most = periods.filter({ $0.territory == t }).compactMap(\.instances).max() { counts[t] = most }
    }
    // One per cluster: its tightest node (the first of equals, the primary), as validate says it.
    var out: [Platform.ConnectionOverrun] = []
    for o in scenario.platform.connectionOverruns(instances: counts) {
      let cluster = scenario.platform.databases[o.node].replicaOf ?? o.node
      if let i = out.firstIndex(where: { (scenario.platform.databases[$0.node].replicaOf ?? $0.node) == cluster }) {
        if o.limit < out[i].limit { out[i] = o }
      } else {
        out.append(o)
      }
    }
    return out
  }
}
