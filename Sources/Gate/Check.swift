import PlatformModel

/// How long a check may run and how sure it must be.
package struct CheckSettings: Sendable {
  /// Replications at the first look; each later look doubles them, up to `maxReplications`.
  package var replications: Int
  package var maxReplications: Int
  /// Wall-clock budget: a look that would end after it is not started, but for the first (zero
  /// or less: the first look alone).
  package var maxSeconds: Double?
  /// The chance of a false alarm over the whole check: every row, every look.
  package var alpha: Double
  /// The chance, per row, of passing it when its truth misses (over every look).
  package var beta: Double
  package var threads: Int

  package init(
    replications: Int, maxReplications: Int, maxSeconds: Double? = nil, alpha: Double = 0.01, beta: Double = 0.05,
    threads: Int = 1
  ) {
    self.replications = replications
    self.maxReplications = maxReplications
    self.maxSeconds = maxSeconds
    self.alpha = alpha
    self.beta = beta
    self.threads = threads
  }

  /// Replications at each look: the first, doubled until the budget, the budget last.
  package var looks: [Int] {
    var out = [replications]
    while out.last! < maxReplications { out.append(min(2 * out.last!, maxReplications)) }
    return out
  }
}

/// One look at the replications so far.
package struct Look: Sendable {
  package var replications: Int
  package var counts: [Decision: Int]
  package var wallSeconds: Double
}

/// What a check found.
package struct CheckResult: Sendable {
  /// Why a check stopped.
  package enum Stop: String, Sendable {
    /// Every row decided, or one failed.
    case decided
    /// Rows undecided at the last look the replication budget allows.
    case replications
    /// Rows undecided when the next look would have passed the wall-clock budget.
    case seconds
  }

  /// Every replication simulated, the scenario as run.
  package var result: PlatformResult
  package var rows: [Row]
  package var looks: [Look]
  package var outcome: Decision
  package var stop: Stop
  package var settings: CheckSettings
}

/// A check of one platform scenario against targets and a baseline, adding replications until
/// every row is decided, one fails, or the budget is spent.
///
/// Replications continue the same range (the first look's `0..<n`, then `n..<2n`), so each
/// look keeps the replications before it. The false-alarm level is spent in equal parts over
/// the looks the budget allows (a union bound, valid however the looks depend on each other),
/// and so is the miss level; within a look, `Judge.decide` controls all rows together.
package struct Check: Sendable {
  package var scenario: PlatformScenario
  package var targets: Targets?
  package var baseline: Baseline?
  package var settings: CheckSettings

  package init(scenario: PlatformScenario, targets: Targets?, baseline: Baseline?, settings: CheckSettings) {
    self.scenario = Self.measuringClassP99(scenario, targets: targets, baseline: baseline)
    self.targets = targets
    self.baseline = baseline
    self.settings = settings
  }

  /// `progress` is told of each look when it is judged, `starting` of the replications a look
  /// is about to simulate, and `runProgress` how far their simulation has come.
  package func run(
    progress: ((Look) -> Void)? = nil, starting: ((_ replications: Range<Int>) -> Void)? = nil,
    runProgress: (@Sendable (PlatformProgress) -> Void)? = nil
  ) -> CheckResult {
    let clock = ContinuousClock()
    let started = clock.now
    let looks = settings.looks
    let alpha = settings.alpha / Double(looks.count)
    let beta = settings.beta / Double(looks.count)
    let run = PlatformRun(scenario: scenario)
    var result: PlatformResult? = nil
    var rows: [Row] = []
    var done: [Look] = []
    var stop = CheckResult.Stop.replications
    for (k, n) in looks.enumerated() {
      let have = result?.replications.count ?? 0
      starting?(have..<n)
      let part = run.run(replications: have..<n, threads: settings.threads, progress: runProgress)
      if var merged = result {
        merged.replications += part.replications
        merged.wallSeconds += part.wallSeconds
        result = merged
      } else {
        result = part
      }
      let candidate = Judge.rows(result!.verdicts(), targets: targets, baseline: baseline) { v in
        scenario.platform.territories.firstIndex { $0.name == v.territory }
          .map { scenario.isPeak(periodNamed: v.period, territory: $0) } ?? false
      }
      rows = Judge.decide(candidate, alpha: alpha, beta: beta)
      let elapsed = Self.seconds(clock.now - started)
      let look = Look(
        replications: n, counts: Dictionary(grouping: rows, by: \.decision).mapValues(\.count), wallSeconds: elapsed)
      done.append(look)
      progress?(look)
      if Judge.outcome(rows) != .undecided {
        stop = .decided
        break
      }
      // The next look adds replications at the pace so far; do not start one that would end
      // after the budget.
      if k + 1 < looks.count, let budget = settings.maxSeconds,
        elapsed + elapsed * Double(looks[k + 1] - n) / Double(n) > budget
      {
        stop = .seconds
        break
      }
    }
    return CheckResult(
      result: result!, rows: rows, looks: done, outcome: Judge.outcome(rows), stop: stop, settings: settings)
  }

  package static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }

  /// The scenario with a p99 verdict for every class a p99 objective covers: the platform
  /// model gives one only for classes with their own p99 target. The target set here is
  /// never judged (the check's own takes its place).
  static func measuringClassP99(_ s: PlatformScenario, targets: Targets?, baseline: Baseline?) -> PlatformScenario {
    let names = s.platform.requestClasses.map(\.name)
    var wanted: [String]
    if let targets {
      guard let o = targets.objectives[.p99] else { return s }
      wanted = o.classes.map { $0.compactMap { $0 } } ?? names
    } else {
      wanted = Array(Set(baseline?.rows.keys.filter { $0.objective == .p99 }.compactMap(\.requestClass) ?? []))
    }
    var scenario = s
    for c in wanted where names.contains(c) {
      var own = scenario.objectives.classes[c] ?? ClassObjectives()
      if own.p99 == nil { own.p99 = .infinity }
      if own.peakP99 == nil { own.peakP99 = .infinity }
      scenario.objectives.classes[c] = own
    }
    return scenario
  }
}
