import PlatformModel

/// What `capsim check` judges a run against: per objective, its targets and the rows (territory
/// x period x request class) it covers, with per-class overrides, and waivers.
///
/// A row no objective covers is not judged. An objective without a target covers its rows
/// for the comparison with a baseline only.
package struct Targets: Sendable {
  package var objectives: [Objective: ObjectiveTargets]
  package var waivers: [Waiver]

  package init(objectives: [Objective: ObjectiveTargets] = [:], waivers: [Waiver] = []) {
    self.objectives = objectives
    self.waivers = waivers
  }
}

/// One objective's targets and coverage.
package struct ObjectiveTargets: Sendable {
  /// At normal load; nil: compared with the baseline only.
  package var target: Double?
  /// In a season; nil: `target`.
  package var peak: Double?
  /// Nil: every territory (and period).
  package var territories: [String]?
  package var periods: [String]?
  /// Request classes, nil standing for the row of all classes together; nil: every row.
  package var classes: [String?]?
  package var tolerance: Tolerance
  /// Per request class, in place of the values above.
  package var byClass: [String: ClassTargets]

  package init(
    target: Double? = nil, peak: Double? = nil, territories: [String]? = nil, periods: [String]? = nil,
    classes: [String?]? = nil, tolerance: Tolerance, byClass: [String: ClassTargets] = [:]
  ) {
    self.target = target
    self.peak = peak
    self.territories = territories
    self.periods = periods
    self.classes = classes
    self.tolerance = tolerance
    self.byClass = byClass
  }
}

/// A request class's own targets and tolerance; nil keeps the objective's.
package struct ClassTargets: Sendable {
  package var target: Double?
  package var peak: Double?
  package var tolerance: Double?
  package var minimumChange: Double?

  package init(target: Double? = nil, peak: Double? = nil, tolerance: Double? = nil, minimumChange: Double? = nil) {
    self.target = target
    self.peak = peak
    self.tolerance = tolerance
    self.minimumChange = minimumChange
  }
}

/// How much worse than its baseline a row may get before it counts as a regression: the larger
/// of `relative` x the baseline and `minimumChange` (in the objective's unit). For availability
/// both apply to the unavailable share (1 - availability).
package struct Tolerance: Sendable, Hashable {
  package var relative: Double
  package var minimumChange: Double

  package init(relative: Double, minimumChange: Double) {
    self.relative = relative
    self.minimumChange = minimumChange
  }

  /// 5%, and at least 1 ms for latencies, 0.1 percentage points for shares (0.001 either
  /// way): below these a change means nothing for the platform, whatever the noise.
  package static let standard = Tolerance(relative: 0.05, minimumChange: 0.001)
}

/// Rows left out of judgement, with the reason every output shows. A nil list matches all.
package struct Waiver: Sendable {
  package var objectives: [Objective]?
  package var territories: [String]?
  package var periods: [String]?
  /// Nil inside the list stands for the row of all classes together.
  package var classes: [String?]?
  package var reason: String

  package init(
    objectives: [Objective]? = nil, territories: [String]? = nil, periods: [String]? = nil, classes: [String?]? = nil,
    reason: String
  ) {
    self.objectives = objectives
    self.territories = territories
    self.periods = periods
    self.classes = classes
    self.reason = reason
  }

  package func covers(_ key: RowKey) -> Bool {
    (objectives?.contains(key.objective) ?? true) && (territories?.contains(key.territory) ?? true)
      && (periods?.contains(key.period) ?? true) && (classes?.contains(key.requestClass) ?? true)
  }
}

/// One judged quantity: an objective of a territory in a period, for one request class or all.
package struct RowKey: Hashable, Sendable {
  package var territory: String
  package var period: String
  /// Nil for all classes together.
  package var requestClass: String?
  package var objective: Objective

  package init(territory: String, period: String, requestClass: String?, objective: Objective) {
    self.territory = territory
    self.period = period
    self.requestClass = requestClass
    self.objective = objective
  }

  package init(_ v: Verdict) {
    self.init(territory: v.territory, period: v.period, requestClass: v.requestClass, objective: v.objective)
  }
}

/// What applies to one row.
package struct Rule: Sendable {
  package var target: Double?
  package var tolerance: Tolerance
  package var waiver: String?
}

extension Targets {
  /// The target, tolerance and waiver of a row; nil when no objective covers it.
  package func rule(for key: RowKey, isPeak: Bool) -> Rule? {
    guard let o = objectives[key.objective], o.territories?.contains(key.territory) ?? true,
      o.periods?.contains(key.period) ?? true, o.classes?.contains(key.requestClass) ?? true
    else { return nil }
    let own = key.requestClass.flatMap { o.byClass[$0] }
    let normal = own?.target ?? o.target
    let target = isPeak ? own?.peak ?? own?.target ?? o.peak ?? o.target : normal
    let tolerance = Tolerance(
      relative: own?.tolerance ?? o.tolerance.relative, minimumChange: own?.minimumChange ?? o.tolerance.minimumChange)
    return Rule(target: target, tolerance: tolerance, waiver: waivers.first { $0.covers(key) }?.reason)
  }
}
