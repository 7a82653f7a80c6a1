/// One HorizontalPodAutoscaler's controller: call `sync` every sync period with what the
/// cluster looks like; it keeps the recommendation history and the scale events between
/// calls, as upstream's `HorizontalController` keeps them per HPA key.
///
/// Restates pkg/controller/podautoscaler/horizontal.go (`reconcileAutoscaler`,
/// `computeReplicasForMetrics`, `normalizeDesiredReplicas`,
/// `normalizeDesiredReplicasWithBehaviors`, `stabilizeRecommendation`,
/// `stabilizeRecommendationWithBehaviors`, `convertDesiredReplicasWithRules`,
/// `convertDesiredReplicasWithBehaviorRate`, `calculateScaleUpLimitWithScalingRules`,
/// `calculateScaleDownLimitWithBehaviors`, `storeScaleEvent`).
package struct HorizontalController: Sendable {
  package let spec: HPASpec
  package let settings: ControllerSettings
  /// `behavior` with every default filled in; nil on the legacy path.
  package let rules: (scaleUp: ScalingRules, scaleDown: ScalingRules)?

  /// Unstabilized recommendations with their times; an entry past every window is reused
  /// rather than appended, as upstream does, so the list stays short.
  package private(set) var recommendations: [Timed] = []
  package private(set) var scaleUpEvents: [ScaleEvent] = []
  package private(set) var scaleDownEvents: [ScaleEvent] = []
  private var recordedInitial = false

  package struct Timed: Hashable, Sendable {
    package var replicas: Int
    package var time: Double
    package init(_ replicas: Int, at time: Double) {
      self.replicas = replicas
      self.time = time
    }
  }

  package struct ScaleEvent: Hashable, Sendable {
    package var change: Int
    package var time: Double
    /// Older than the longest policy period when last looked at: free for reuse.
    package var outdated: Bool
    package init(change: Int, at time: Double, outdated: Bool = false) {
      self.change = change
      self.time = time
      self.outdated = outdated
    }
  }

  package init(spec: HPASpec, settings: ControllerSettings = .standard) {
    self.spec = spec
    self.settings = settings
    rules = spec.behavior.map { behavior in
      var down = behavior.scaleDown.over(.defaultScaleDown)
      down.stabilizationWindowSeconds = down.stabilizationWindowSeconds ?? Int(settings.downscaleStabilizationWindow)
      return (behavior.scaleUp.over(.defaultScaleUp), down)
    }
  }

  /// Upstream's `tolerancesForHpa`: the behavior's per-direction tolerance where given.
  package var tolerances: Tolerances {
    Tolerances(
      scaleUp: rules?.scaleUp.tolerance ?? settings.tolerance,
      scaleDown: rules?.scaleDown.tolerance ?? settings.tolerance)
  }

  /// One reconcile of the HPA at `now`.
  ///
  /// - Parameters:
  ///   - currentReplicas: the scale's `spec.replicas`.
  ///   - statusReplicas: the scale's `status.replicas` (pods that exist); by default the pods
  ///     neither terminating nor finished.
  ///   - pods: the pods the scale's selector matches.
  package mutating func sync(
    now: Double, currentReplicas: Int, statusReplicas: Int? = nil, pods: [Pod], metrics values: MetricValues
  ) -> Decision {
    if !recordedInitial {
      recordedInitial = true
      if recommendations.isEmpty { recommendations.append(Timed(currentReplicas, at: now)) }
    }
    let current = currentReplicas
    var decision = Decision(time: now, currentReplicas: current, desiredReplicas: current, reason: .unchanged)
    if current == 0 && spec.minReplicas != 0 {
      decision.reason = .scalingDisabled
      return decision
    }
    if current > spec.maxReplicas {
      decision.desiredReplicas = spec.maxReplicas
      decision.reason = .aboveMaxReplicas(max: spec.maxReplicas)
    } else if current < spec.minReplicas {
      decision.desiredReplicas = spec.minReplicas
      decision.reason = .belowMinReplicas(min: spec.minReplicas)
    } else {
      let status =
        statusReplicas ?? pods.filter { !$0.deleting && ($0.phase == .pending || $0.phase == .running) }.count
      let outcomes = spec.metrics.map {
        outcome(of: $0, now: now, current: current, status: status, pods: pods, values: values)
      }
      decision.metrics = outcomes
      // computeReplicasForMetrics: the largest proposal; any failure forbids a scale-down
      var proposed = 0
      var winner = ""
      var failed: [String] = []
      for outcome in outcomes {
        guard let replicas = outcome.proposal else {
          failed.append(outcome.metric)
          continue
        }
        if proposed == 0 || replicas > proposed {
          proposed = replicas
          winner = outcome.metric
        }
      }
      if failed.count == outcomes.count || (!failed.isEmpty && proposed < current) {
        decision.reason = .missingMetrics(failed: failed)
        return decision
      }
      decision.recommendation = proposed
      if let rules {
        normalizeWithBehavior(&decision, rules: rules, now: now)
      } else {
        normalizeLegacy(&decision, now: now)
      }
      if decision.reason == .unchanged {
        let held = outcomes.compactMap { outcome -> MetricReading? in
          if case .success(let r) = outcome.result, r.heldByTolerance { r } else { nil }
        }
        if decision.desiredReplicas > current {
          decision.reason = .scaledUp(metric: winner)
        } else if decision.desiredReplicas < current {
          decision.reason = .scaledDown
        } else if proposed == current && !held.isEmpty {
          decision.reason = held.allSatisfy(\.reversed) ? .directionReversed : .withinTolerance
        }
      }
    }
    if decision.desiredReplicas != current {
      storeScaleEvent(from: current, to: decision.desiredReplicas, now: now)
    }
    return decision
  }

  // MARK: Metrics

  private func outcome(
    of metric: MetricSpec, now: Double, current: Int, status: Int, pods: [Pod], values: MetricValues
  ) -> MetricOutcome {
    let t = tolerances
    let label = "\(metric.source.rawValue.lowercased()) \(metric.name)"
    let result: Result<MetricReading, MetricError>
    switch (metric.source, metric.target) {
    case (.resource, .utilization(let percent)):
      result = ReplicaCalculator.resourceUtilization(
        current: current, target: percent, pods: pods, samples: values.cpu, tolerances: t, now: now, settings: settings)
    case (.resource, .averageValue(let milli)):
      result = ReplicaCalculator.resourceAverageValue(
        current: current, target: milli, pods: pods, samples: values.cpu, tolerances: t, now: now, settings: settings)
    case (.pods, .averageValue(let milli)):
      if let perPod = values.pods[metric.name] {
        result = ReplicaCalculator.plainMetric(
          current: current, target: milli, values: perPod, pods: pods, tolerances: t, now: now, settings: settings)
      } else {
        result = .failure(MetricError("unable to get metric \(metric.name): no value recorded"))
      }
    case (.object, .value(let milli)):
      result =
        values.objects[metric.name].map {
          ReplicaCalculator.totalValue(current: current, target: milli, usage: $0, pods: pods, tolerances: t)
        }
        ?? .failure(
          MetricError("unable to get metric \(metric.name) on \(metric.describedObject ?? "object"): no value recorded")
        )
    case (.object, .averageValue(let milli)):
      result =
        values.objects[metric.name].map {
          ReplicaCalculator.averageValue(statusReplicas: status, target: milli, usage: $0, tolerances: t)
        }
        ?? .failure(
          MetricError("unable to get metric \(metric.name) on \(metric.describedObject ?? "object"): no value recorded")
        )
    case (.external, .value(let milli)):
      result =
        values.external[metric.name].map {
          ReplicaCalculator.totalValue(current: current, target: milli, usage: Self.sum($0), pods: pods, tolerances: t)
        } ?? .failure(MetricError("unable to get external metric \(metric.name): no value recorded"))
    case (.external, .averageValue(let milli)):
      result =
        values.external[metric.name].map {
          ReplicaCalculator.averageValue(statusReplicas: status, target: milli, usage: Self.sum($0), tolerances: t)
        } ?? .failure(MetricError("unable to get external metric \(metric.name): no value recorded"))
    default:
      result = .failure(MetricError("invalid \(metric.source.rawValue) metric source: unsupported target"))
    }
    return MetricOutcome(metric: label, target: metric.target, result: result)
  }

  /// Summed with saturation at Int64.max, as `GetExternalMetricReplicas` caps overflow.
  private static func sum(_ values: [Int64]) -> Int64 {
    var total: Int64 = 0
    for v in values {
      let (s, overflow) = total.addingReportingOverflow(v)
      if overflow { return v > 0 ? .max : .min }
      total = s
    }
    return total
  }

  // MARK: Legacy path (no behavior)

  private mutating func normalizeLegacy(_ decision: inout Decision, now: Double) {
    let proposed = decision.recommendation ?? decision.currentReplicas
    let window = settings.downscaleStabilizationWindow
    let stabilized = stabilizeLegacy(proposed, now: now, window: window)
    decision.stabilized = stabilized
    let current = decision.currentReplicas
    let scaleUpLimit = Int(max(settings.scaleUpLimitFactor * Double(current), settings.scaleUpLimitMinimum))
    var desired = stabilized
    if stabilized < spec.minReplicas {
      desired = spec.minReplicas
      decision.reason = .clampedToMin(spec.minReplicas)
    } else if stabilized > min(spec.maxReplicas, scaleUpLimit) {
      if spec.maxReplicas > scaleUpLimit {
        desired = scaleUpLimit
        decision.reason = .rateLimited(.legacyScaleUp(limit: scaleUpLimit))
      } else {
        desired = spec.maxReplicas
        decision.reason = .clampedToMax(spec.maxReplicas)
      }
    } else if stabilized != proposed {
      decision.reason = .stabilized(direction: .down, windowSeconds: Int(window), value: stabilized)
    }
    decision.desiredReplicas = desired
  }

  /// `stabilizeRecommendation`: the largest recommendation of the window, this one included.
  private mutating func stabilizeLegacy(_ proposed: Int, now: Double, window: Double) -> Int {
    var highest = proposed
    var reusable: Int?
    let cutoff = now - window
    for (i, rec) in recommendations.enumerated() {
      if rec.time < cutoff {
        reusable = i
      } else if rec.replicas > highest {
        highest = rec.replicas
      }
    }
    record(proposed, now: now, reusing: reusable)
    return highest
  }

  private mutating func record(_ replicas: Int, now: Double, reusing index: Int?) {
    if let index {
      recommendations[index] = Timed(replicas, at: now)
    } else {
      recommendations.append(Timed(replicas, at: now))
    }
  }

  // MARK: Behavior path

  private mutating func normalizeWithBehavior(
    _ decision: inout Decision, rules: (scaleUp: ScalingRules, scaleDown: ScalingRules), now: Double
  ) {
    let proposed = decision.recommendation ?? decision.currentReplicas
    let current = decision.currentReplicas
    let upWindow = rules.scaleUp.stabilizationWindowSeconds ?? 0
    let downWindow = rules.scaleDown.stabilizationWindowSeconds ?? Int(settings.downscaleStabilizationWindow)
    let (stabilized, upRecommendation, downRecommendation) = stabilizeWithBehavior(
      proposed, current: current, upWindow: Double(upWindow), downWindow: Double(downWindow), now: now)
    decision.stabilized = stabilized
    var desired = stabilized
    if stabilized > current {
      let (limit, policy) = scaleUpLimit(current: current, rules: rules.scaleUp, now: now)
      let allowed = min(spec.maxReplicas, max(limit, current))
      if stabilized > allowed {
        desired = allowed
        decision.reason =
          spec.maxReplicas > max(limit, current) ? .rateLimited(policy) : .clampedToMax(spec.maxReplicas)
      }
    } else if stabilized < current {
      let (limit, policy) = scaleDownLimit(current: current, rules: rules.scaleDown, now: now)
      let allowed = max(spec.minReplicas, min(limit, current))
      if stabilized < allowed {
        desired = allowed
        decision.reason =
          spec.minReplicas < min(limit, current) ? .rateLimited(policy) : .clampedToMin(spec.minReplicas)
      }
    }
    if desired == stabilized && stabilized != proposed {
      let up = proposed > current
      let window = up ? upRecommendation : downRecommendation
      decision.reason = .stabilized(
        direction: up ? .up : .down, windowSeconds: up ? upWindow : downWindow, value: window,
        kept: window == stabilized ? nil : current)
    }
    decision.desiredReplicas = desired
  }

  /// `stabilizeRecommendationWithBehaviors`: no lower than the lowest recommendation of the
  /// scale-up window, no higher than the highest of the scale-down window (this one
  /// included), starting from the current count. Also the two windows' values.
  private mutating func stabilizeWithBehavior(
    _ proposed: Int, current: Int, upWindow: Double, downWindow: Double, now: Double
  ) -> (Int, up: Int, down: Int) {
    var upRecommendation = proposed
    var downRecommendation = proposed
    let upCutoff = now - upWindow
    let downCutoff = now - downWindow
    var reusable: Int?
    for (i, rec) in recommendations.enumerated() {
      if rec.time > upCutoff { upRecommendation = min(upRecommendation, rec.replicas) }
      if rec.time > downCutoff { downRecommendation = max(downRecommendation, rec.replicas) }
      if rec.time < upCutoff && rec.time < downCutoff { reusable = i }
    }
    record(proposed, now: now, reusing: reusable)
    return (min(max(current, upRecommendation), downRecommendation), upRecommendation, downRecommendation)
  }

  /// `getReplicasChangePerPeriod`: replicas added (or removed) by events within the period.
  package static func change(within period: Int, of events: [ScaleEvent], now: Double) -> Int {
    let cutoff = now - Double(period)
    return events.reduce(0) { $1.time > cutoff ? $0 + $1.change : $0 }
  }

  /// `calculateScaleUpLimitWithScalingRules`: each policy allows its step from the count at
  /// the start of its period; Max takes the most permissive, Min the least.
  package func scaleUpLimit(current: Int, rules: ScalingRules, now: Double) -> (Int, RateLimit) {
    let select = rules.selectPolicy ?? .max
    if select == .disabled { return (current, .disabled(direction: .up)) }
    var best: (limit: Int, policy: ScalingPolicy)?
    for policy in rules.policies ?? [] {
      let start =
        current - Self.change(within: policy.periodSeconds, of: scaleUpEvents, now: now)
        + Self.change(within: policy.periodSeconds, of: scaleDownEvents, now: now)
      let proposed =
        policy.type == .pods
        ? start + policy.value
        : Int((Double(start) * (1 + Double(policy.value) / 100)).rounded(.up))
      if let b = best, select == .min ? proposed >= b.limit : proposed <= b.limit { continue }
      best = (proposed, policy)
    }
    guard let best else { return (current, .disabled(direction: .up)) }
    return (best.limit, .policy(direction: .up, best.policy, limit: best.limit))
  }

  /// `calculateScaleDownLimitWithBehaviors`: Percent rounds the remaining count down.
  package func scaleDownLimit(current: Int, rules: ScalingRules, now: Double) -> (Int, RateLimit) {
    let select = rules.selectPolicy ?? .max
    if select == .disabled { return (current, .disabled(direction: .down)) }
    var best: (limit: Int, policy: ScalingPolicy)?
    for policy in rules.policies ?? [] {
      let start =
        current - Self.change(within: policy.periodSeconds, of: scaleUpEvents, now: now)
        + Self.change(within: policy.periodSeconds, of: scaleDownEvents, now: now)
      let proposed =
        policy.type == .pods
        ? start - policy.value
        : Int(Double(start) * (1 - Double(policy.value) / 100))
      if let b = best, select == .min ? proposed <= b.limit : proposed >= b.limit { continue }
      best = (proposed, policy)
    }
    guard let best else { return (current, .disabled(direction: .down)) }
    return (best.limit, .policy(direction: .down, best.policy, limit: best.limit))
  }

  /// `storeScaleEvent`: only with behavior; an event older than the direction's longest
  /// policy period is marked outdated and the last outdated one is reused.
  private mutating func storeScaleEvent(from previous: Int, to new: Int, now: Double) {
    guard let rules else { return }
    if new > previous {
      Self.store(change: new - previous, in: &scaleUpEvents, longest: Self.longestPeriod(rules.scaleUp), now: now)
    } else {
      Self.store(change: previous - new, in: &scaleDownEvents, longest: Self.longestPeriod(rules.scaleDown), now: now)
    }
  }

  package static func store(change: Int, in events: inout [ScaleEvent], longest: Int, now: Double) {
    let cutoff = now - Double(longest)
    var reusable: Int?
    for i in events.indices {
      if events[i].time < cutoff { events[i].outdated = true }
      if events[i].outdated { reusable = i }
    }
    let event = ScaleEvent(change: change, at: now)
    if let reusable { events[reusable] = event } else { events.append(event) }
  }

  static func longestPeriod(_ rules: ScalingRules) -> Int {
    (rules.policies ?? []).map(\.periodSeconds).max() ?? 0
  }

  // MARK: For tests of single steps

  /// Replaces the histories, as upstream's table tests seed them.
  package mutating func seed(
    recommendations: [Timed] = [], scaleUpEvents: [ScaleEvent] = [], scaleDownEvents: [ScaleEvent] = []
  ) {
    self.recommendations = recommendations
    self.scaleUpEvents = scaleUpEvents
    self.scaleDownEvents = scaleDownEvents
    recordedInitial = true
  }

  /// `normalizeDesiredReplicas(WithBehaviors)` alone: the decision for a given recommendation.
  package mutating func normalize(recommendation: Int, current: Int, now: Double) -> Decision {
    var decision = Decision(
      time: now, currentReplicas: current, recommendation: recommendation, desiredReplicas: current, reason: .unchanged)
    if let rules {
      normalizeWithBehavior(&decision, rules: rules, now: now)
    } else {
      normalizeLegacy(&decision, now: now)
    }
    return decision
  }
}
