/// What one sync decided, with every intermediate value and why.
package struct Decision: Hashable, Sendable {
  package var time: Double
  /// The scale's `spec.replicas` when the sync started.
  package var currentReplicas: Int
  /// One entry per metric of the spec, in spec order; empty when no metric was computed.
  package var metrics: [MetricOutcome]
  /// The largest proposal (nil when no metric was computed or all failed).
  package var recommendation: Int?
  /// After the stabilization window(s).
  package var stabilized: Int?
  /// After the rate limits and min/max: the new `spec.replicas`.
  package var desiredReplicas: Int
  package var reason: Reason

  package init(
    time: Double, currentReplicas: Int, metrics: [MetricOutcome] = [], recommendation: Int? = nil,
    stabilized: Int? = nil, desiredReplicas: Int, reason: Reason
  ) {
    self.time = time
    self.currentReplicas = currentReplicas
    self.metrics = metrics
    self.recommendation = recommendation
    self.stabilized = stabilized
    self.desiredReplicas = desiredReplicas
    self.reason = reason
  }

  package var scaled: Bool { desiredReplicas != currentReplicas }
}

/// One metric's part in a decision.
package struct MetricOutcome: Hashable, Sendable {
  /// `cpu utilization`, `pods http_requests`, `external s0-prometheus`, ...
  package var metric: String
  package var target: MetricTarget
  /// What it proposed, or why it could not.
  package var result: Result<MetricReading, MetricError>

  package init(metric: String, target: MetricTarget, result: Result<MetricReading, MetricError>) {
    self.metric = metric
    self.target = target
    self.result = result
  }

  package var proposal: Int? {
    if case .success(let reading) = result { return reading.replicas }
    return nil
  }
}

package enum Direction: String, Hashable, Sendable {
  case up, down
}

/// Why the replica count is what it is after a sync.
package enum Reason: Hashable, Sendable {
  /// `spec.replicas` is 0 while minReplicas is not: the HPA does nothing (KEDA at zero).
  case scalingDisabled
  /// `spec.replicas` was above maxReplicas: set to it without looking at metrics.
  case aboveMaxReplicas(max: Int)
  /// `spec.replicas` was below minReplicas: set to it without looking at metrics.
  case belowMinReplicas(min: Int)
  /// Every metric failed, or some failed and the others would scale down: no change.
  case missingMetrics(failed: [String])
  /// Every metric's ratio was within tolerance (some may have reversed, below).
  case withinTolerance
  /// Every metric that held the count did so because its second pass, with the pods without a
  /// sample or not ready assumed, would reverse the scale direction.
  case directionReversed
  /// The proposals equal the current count for another reason.
  case unchanged
  /// A stabilization window held the count: the window's length and the value it gave. With
  /// `behavior` the current count is kept when it lies between the scale-up window's lowest and
  /// the scale-down window's highest: then `value` is that window's value and `kept` the count.
  case stabilized(direction: Direction, windowSeconds: Int, value: Int, kept: Int? = nil)
  /// A rate limit held the change.
  case rateLimited(RateLimit)
  /// maxReplicas capped the count.
  case clampedToMax(Int)
  /// minReplicas raised the count.
  case clampedToMin(Int)
  case scaledUp(metric: String)
  case scaledDown
  /// KEDA: a cron trigger's window is open and its desiredReplicas drove the scale-up.
  case cronWindowActive(trigger: String, desiredReplicas: Int)
  /// KEDA: a trigger became active while at zero; scaled to the minimum.
  case activated(triggers: [String])
  /// KEDA: no trigger active for cooldownPeriod: scaled to zero (or minReplicaCount).
  case deactivated(cooldownSeconds: Int)
  /// KEDA: no trigger active, waiting out cooldownPeriod before scaling to zero.
  case coolingDown(remainingSeconds: Int)
}

/// Which limit held a change.
package enum RateLimit: Hashable, Sendable {
  /// Legacy path: at most max(2 x current, 4) per sync (`calculateScaleUpLimit`).
  case legacyScaleUp(limit: Int)
  /// A `behavior` policy; `limit` is the count it allowed from the start of its period.
  case policy(direction: Direction, ScalingPolicy, limit: Int)
  /// `selectPolicy: Disabled` in this direction.
  case disabled(direction: Direction)
}

extension Reason: CustomStringConvertible {
  package var description: String {
    switch self {
    case .scalingDisabled: "scaling disabled (0 replicas)"
    case .aboveMaxReplicas(let max): "current above maxReplicas \(max)"
    case .belowMinReplicas(let min): "current below minReplicas \(min)"
    case .missingMetrics(let failed): "missing metrics (\(failed.joined(separator: ", "))): no scale-down"
    case .withinTolerance: "within tolerance"
    case .directionReversed:
      "held: counting the pods without a sample or not ready would reverse the scale direction"
    case .unchanged: "unchanged"
    case .stabilized(let direction, let window, let value, let kept):
      "stabilized: \(direction == .up ? "lowest" : "highest") of the last \(window) s is \(value)"
        + (kept.map { ", so the count stays at \($0)" } ?? "")
    case .rateLimited(let limit): "rate limited: \(limit)"
    case .clampedToMax(let max): "clamped to maxReplicas \(max)"
    case .clampedToMin(let min): "clamped to minReplicas \(min)"
    case .scaledUp(let metric): "scaled up (\(metric) above target)"
    case .scaledDown: "scaled down (all metrics below target)"
    case .cronWindowActive(let trigger, let desired): "cron window \(trigger) active (desiredReplicas \(desired))"
    case .activated(let triggers): "activated by \(triggers.joined(separator: ", "))"
    case .deactivated(let cooldown): "deactivated after cooldown \(cooldown) s"
    case .coolingDown(let remaining): "no trigger active, cooling down (\(remaining) s left)"
    }
  }
}

extension RateLimit: CustomStringConvertible {
  package var description: String {
    switch self {
    case .legacyScaleUp(let limit): "max(2x, 4) per sync allows \(limit)"
    case .policy(let direction, let policy, let limit):
      "scale\(direction == .up ? "Up" : "Down") policy \(policy.type.rawValue) \(policy.value) per \(policy.periodSeconds) s allows \(limit)"
    case .disabled(let direction): "scale\(direction == .up ? "Up" : "Down") selectPolicy Disabled"
    }
  }
}
