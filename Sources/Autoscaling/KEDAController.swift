/// A ScaledObject in action: KEDA's activity loop in front of the HPA it generates.
///
/// The loop (0 <-> 1) runs every `pollingInterval`. Call `sync` every HPA sync period.
///
/// Restates pkg/scaling/executor/scale_scaledobjects.go (`RequestScale`, `scaleToZeroOrIdle`,
/// `scaleFromZeroOrIdle`), pkg/fallback/fallback.go (`GetMetricsWithFallback`, `doFallback`)
/// and the scalers' `GetMetricsAndActivity` (cron_scaler.go, prometheus_scaler.go,
/// cpu_memory_scaler.go).
package struct KEDAController: Sendable {
  package let spec: ScaledObjectSpec
  package private(set) var hpa: HorizontalController
  /// Each trigger as the last sync saw it.
  package private(set) var triggerStates: [TriggerState]

  private var created: Double?
  private var lastPoll: Double?
  private var lastActive: Double?
  private var failures: [Int]
  private var cronCache: [CronCache?]
  /// Each trigger's generated metric and label, built once: a year of syncs spent most of its
  /// time normalizing the cron metric's name again at every sync.
  private let metrics: [MetricSpec]
  private let labels: [String]
  /// Every trigger is cpu: the object counts as active at every poll.
  private let onlyCPU: Bool

  /// One trigger at one sync.
  package struct TriggerState: Hashable, Sendable {
    package var label: String
    /// The generated HPA metric's name.
    package var metric: String
    package var active: Bool
    /// The value the scaler reported (replicas for cron, the query's value for prometheus);
    /// nil for cpu (the HPA reads it) and for a failed query.
    package var value: Double?
    /// A failed query answered by `fallback`.
    package var fallback: Bool
  }

  private struct CronCache: Sendable {
    var computedAt: Double
    var nextStart: Double?
    var nextEnd: Double?
  }

  package init(spec: ScaledObjectSpec, settings: ControllerSettings = .standard) {
    self.spec = spec
    hpa = HorizontalController(spec: spec.hpaSpec, settings: settings)
    failures = Array(repeating: 0, count: spec.triggers.count)
    cronCache = Array(repeating: nil, count: spec.triggers.count)
    onlyCPU = spec.triggers.allSatisfy { if case .cpu = $0.kind { true } else { false } }
    metrics = spec.triggers.enumerated().map { i, trigger in trigger.metricSpec(index: i) }
    labels = spec.triggers.enumerated().map { i, trigger in trigger.label(index: i) }
    triggerStates = []
  }

  /// One step at `now`: KEDA's activity check when a polling interval has passed since the
  /// last one, then, unless that check changed the replica count, the HPA's sync.
  ///
  /// - Parameters:
  ///   - currentReplicas: the Deployment's `spec.replicas`.
  ///   - capsim: values of the series the prometheus triggers query, keyed by
  ///     `CapsimSeries.key`; an absent key is a failed query, NaN an empty result.
  package mutating func sync(
    now: Double, currentReplicas: Int, statusReplicas: Int? = nil, pods: [Pod], cpu: [String: CPUSample],
    capsim: [String: Double]
  ) -> Decision {
    if created == nil { created = now }
    var external: [String: [Int64]] = [:]
    var states: [TriggerState] = []
    var anyActive = false
    var anyError = false
    let ready = pods.filter(\.isRunningAndReady).count
    for (i, trigger) in spec.triggers.enumerated() {
      let metric = metrics[i]
      var state = TriggerState(label: labels[i], metric: metric.name, active: false, value: nil, fallback: false)
      switch trigger.kind {
      case .cpu:
        // KEDA counts only External metrics as activity (scale_handler.go, getScalerState skips
        // Resource specs); a ScaledObject whose triggers are all cpu or memory is always active
        // (`cpuMemCount`), since nothing else could ever wake it.
        state.active = onlyCPU
      case .cron(let cron):
        state.active = cronActive(i, cron, now: now)
        // Outside its window the cron scaler reports 0 (cron_scaler.go since KEDA 2.18, #6888;
        // before, its `defaultDesiredReplicas` 1).
        let replicas = state.active ? cron.desiredReplicas : 0
        state.value = Double(replicas)
        external[metric.name] = [Int64(replicas) * 1000]
      case .prometheus(let prometheus):
        var value = capsim[prometheus.series.key]
        if let v = value, v.isNaN { value = prometheus.ignoreNullValues ? 0 : nil }
        if let value {
          failures[i] = 0
          state.value = value
          state.active = value > prometheus.activationThreshold
          external[metric.name] = [KubernetesQuantity.milli(value)]
        } else {
          anyError = true
          failures[i] += 1
          if let fallback = spec.fallback, failures[i] > fallback.failureThreshold,
            let milli = fallbackValue(fallback, target: metric.target, current: currentReplicas, ready: ready)
          {
            state.fallback = true
            external[metric.name] = [milli]
          }
        }
      }
      anyActive = anyActive || state.active
      states.append(state)
    }
    triggerStates = states

    if lastPoll.map({ now >= $0 + spec.pollingInterval }) ?? true {
      lastPoll = now
      if let decision = poll(now: now, current: currentReplicas, active: anyActive, error: anyError, states: states) {
        return decision
      }
    }
    var decision = hpa.sync(
      now: now, currentReplicas: currentReplicas, statusReplicas: statusReplicas, pods: pods,
      metrics: MetricValues(cpu: cpu, external: external))
    if case .scaledUp(let winner) = decision.reason {
      for (i, trigger) in spec.triggers.enumerated() {
        if case .cron(let cron) = trigger.kind, winner == "external \(states[i].metric)" {
          decision.reason = .cronWindowActive(trigger: states[i].label, desiredReplicas: cron.desiredReplicas)
        }
      }
    }
    for (i, outcome) in decision.metrics.enumerated() {
      if let state = states.first(where: { "external \($0.metric)" == outcome.metric }), state.fallback {
        decision.metrics[i].metric += " (fallback)"
      }
    }
    if !anyActive, !anyError, currentReplicas > 0, spec.minReplicaCount == 0,
      decision.reason == .unchanged
        || decision.reason == .withinTolerance || decision.reason == .directionReversed,
      let since = lastActive ?? created
    {
      let wait = lastActive == nil ? spec.initialCooldownPeriod : spec.cooldownPeriod
      decision.reason = .coolingDown(remainingSeconds: max(0, Int((since + wait - now).rounded(.up))))
    }
    return decision
  }

  /// `RequestScale`: a decision when KEDA itself changes the replica count.
  private mutating func poll(now: Double, current: Int, active: Bool, error: Bool, states: [TriggerState]) -> Decision?
  {
    let minimum = spec.minReplicaCount
    if active {
      if current == 0 {
        lastActive = now
        let to = max(minimum, 1)
        return Decision(
          time: now, currentReplicas: current, desiredReplicas: to,
          reason: .activated(triggers: states.filter(\.active).map(\.label)))
      }
      if !error { lastActive = now }
      return nil
    }
    if error && spec.fallback.map({ $0.replicas != 0 }) ?? true { return nil }
    if current > 0 && minimum == 0 {
      let expired =
        lastActive.map { $0 + spec.cooldownPeriod < now } ?? ((created ?? now) + spec.initialCooldownPeriod < now)
      guard expired else { return nil }
      return Decision(
        time: now, currentReplicas: current, desiredReplicas: 0,
        reason: .deactivated(cooldownSeconds: Int(lastActive == nil ? spec.initialCooldownPeriod : spec.cooldownPeriod))
      )
    }
    if current < minimum {
      return Decision(
        time: now, currentReplicas: current, desiredReplicas: minimum, reason: .belowMinReplicas(min: minimum))
    }
    return nil
  }

  /// `doFallback`: the metric value that makes the HPA propose the fallback's replicas.
  private func fallbackValue(_ fallback: Fallback, target: MetricTarget, current: Int, ready: Int) -> Int64? {
    var replicas: Double
    switch fallback.behavior {
    case .static: replicas = Double(fallback.replicas)
    case .currentReplicas: replicas = Double(current)
    case .currentReplicasIfHigher: replicas = Double(max(current, fallback.replicas))
    case .currentReplicasIfLower: replicas = Double(min(current, fallback.replicas))
    }
    let normalization: Int64
    switch target {
    case .averageValue(let milli): normalization = milli
    case .value(let milli):
      guard ready > 0 else { return nil }  // "readyReplicas is zero, cannot do fallback"
      replicas /= Double(ready)
      normalization = milli
    case .utilization: return nil
    }
    return Int64(Double(normalization) * replicas)
  }

  /// The cron window at `now`, recomputing the next firings only once passed (or when time
  /// went backwards, as a dry-run file may).
  private mutating func cronActive(_ index: Int, _ cron: CronTrigger, now: Double) -> Bool {
    let fresh = cronCache[index].map { now < $0.computedAt } ?? true
    var cache = cronCache[index] ?? CronCache(computedAt: now, nextStart: nil, nextEnd: nil)
    if fresh || cache.nextStart.map({ now >= $0 }) ?? false {
      cache.nextStart = cron.start.next(after: now, in: cron.clock)
    }
    if fresh || cache.nextEnd.map({ now >= $0 }) ?? false {
      cache.nextEnd = cron.end.next(after: now, in: cron.clock)
    }
    cache.computedAt = now
    cronCache[index] = cache
    guard let end = cache.nextEnd else { return false }
    guard let start = cache.nextStart else { return true }
    return !(start < end)
  }
}
