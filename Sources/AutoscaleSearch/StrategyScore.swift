import PlatformModel

/// How a way of sizing one territory's app pool did over a run's replications: what it cost
/// and how often the users felt it.
package struct StrategyScore: Sendable, Hashable {
  package var replications: Int
  /// Instance (pod) hours per replication, and their cost in the pool's currency.
  package var podHours: Double
  package var cost: Double
  package var currency: String
  /// The run's length in hours, so that costs can be put per 30 days.
  package var hours: Double
  /// Minutes per replication of windows (with enough requests to judge) whose p95 or error
  /// rate missed its period's target.
  package var violationMinutes: Double
  /// Peak windows (at least half as many requests as the busiest) over all replications, and
  /// how many of them met every window objective.
  package var peakWindows: Int
  package var peakWindowsMet: Int
  /// The highest p95 of any window with enough requests, in any replication (seconds).
  package var worstP95: Double?
  /// The least room any peak window left under its p95 target, as a share of the target
  /// (negative for a window over it); nil without peak windows.
  package var peakMargin: Double?
  /// Changes of the pool's size per replication, and changes of direction per pool-hour.
  package var scalingEvents: Double
  package var reversalsPerHour: Double
  /// The territory's verdicts that failed (objective and period), over all replications.
  package var failed: [String]

  /// Share of peak windows that met every window objective (1 without peak windows).
  package var peakShare: Double { peakWindows == 0 ? 1 : Double(peakWindowsMet) / Double(peakWindows) }

  /// Cost per 30 days at the run's average rate.
  package var costPer30Days: Double { hours > 0 ? cost / hours * 720 : 0 }
}

extension StrategyScore {
  /// Windows with fewer requests than this do not judge a strategy: the p95 of a handful of
  /// night requests is noise (the planner's rule too).
  package static let minimumRequests = 100

  /// Scores territory `t` of a result. `changes`: capacity changes the schedule made (for a
  /// strategy without an autoscaler, its scaling events).
  package init(_ result: PlatformResult, territory t: Int, changes: [CapacityChange] = []) {
    let scenario = result.scenario
    let objectives = scenario.objectives
    let runs = result.replications.map { $0.territories[t] }
    let n = Double(max(runs.count, 1))
    replications = runs.count
    podHours = runs.map(\.cost.instanceHours).reduce(0, +) / n
    cost = runs.map(\.cost.instanceCost).reduce(0, +) / n
    currency = runs.first?.cost.currency ?? scenario.platform.territories[t].currency
    hours = scenario.horizon / 3_600
    var minutes = 0.0
    var peak = 0
    var met = 0
    var worst: Double? = nil
    var margin: Double? = nil
    var events = 0
    var reversals = 0
    for run in runs {
      let busiest = run.windows.map(\.counts.arrivals).max() ?? 0
      for w in run.windows where w.counts.arrivals >= Self.minimumRequests {
        let target = objectives.p95(of: nil, peak: scenario.isPeak(period: w.period, territory: t)) ?? .infinity
        let p95 = w.latency.p95 ?? 0
        let errors = w.counts.completed + w.counts.failed > 0 ? w.counts.errorRate : 0
        let ok = p95 <= target && errors <= objectives.errorRate
        if !ok { minutes += (w.end - w.start) / 60 }
        if w.counts.arrivals * 2 >= busiest {
          peak += 1
          if ok { met += 1 }
          if target.isFinite { margin = min(margin ?? .infinity, (target - p95) / target) }
        }
        worst = max(worst ?? 0, p95)
      }
      if run.autoscaler.isEmpty {
        // A schedule's changes: each a scaling event, each change of direction a reversal.
        var count = scenario.platform.territories[t].app.instances
        var last: Bool? = nil
        for change in changes where change.territory == t && change.instances != count {
          let up = change.instances > count
          events += 1
          if let last, last != up { reversals += 1 }
          last = up
          count = change.instances
        }
      } else {
        var last: Bool? = nil
        for sync in run.autoscaler where sync.desired != sync.current {
          let up = sync.desired > sync.current
          events += 1
          if let last, last != up { reversals += 1 }
          last = up
        }
      }
    }
    violationMinutes = minutes / n
    peakWindows = peak
    peakWindowsMet = met
    worstP95 = worst
    peakMargin = margin
    scalingEvents = Double(events) / n
    reversalsPerHour = hours > 0 ? Double(reversals) / n / hours : 0
    let name = scenario.platform.territories[t].name
    failed = result.verdicts().filter { $0.territory == name && $0.outcome == .fail }.map {
      "\($0.requestClass.map { "\($0) " } ?? "")\($0.objective.rawValue) in \($0.period)"
    }
  }
}
