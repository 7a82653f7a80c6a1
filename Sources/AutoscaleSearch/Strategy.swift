import AutoscaleRules
import Autoscaling
import PlatformModel

/// How a pool is sized over the run.
package enum Sizing: Sendable {
  case fixed(Int)
  case schedule([CapacityChange])
  case autoscaler(PoolAutoscaler)
}

/// A way of sizing a pool, compared in the derivation's table.
package struct Strategy: Sendable {
  package enum Kind: String, Sendable, CaseIterable, Codable {
    case staticPeak = "static peak"
    case stockHPA = "stock HPA"
    case derivedHPA = "derived HPA"
    case derivedRequests = "derived requests/s"
    case hpaCron = "HPA + cron"
    case predictive
    case oracle

    var order: Int { Self.allCases.firstIndex(of: self)! }
  }

  package var kind: Kind
  package var sizing: Sizing
  package var score: StrategyScore
}

/// One HPA the search simulated.
package struct RuleCandidate: Sendable {
  package var metric: RuleMetric = .cpu
  /// The cpu utilization target, or for requests/s the utilization its per-pod rate stands for.
  package var target: Int
  package var behavior: BehaviorChoice
  package var score: StrategyScore
  package var holds: Bool
}

/// A territory's derivation: the bounds, every strategy scored, the search's candidates and
/// the rules to write.
package struct PoolDerivation: Sendable {
  package var territory: Int
  package var bounds: PoolBounds
  /// What the strategies were judged on.
  package var spans: [ScenarioSpan]
  package var strategies: [Strategy]
  package var tried: [RuleCandidate]
  /// The HPA that won (or, when none held, the one that came nearest).
  package var chosen: RuleCandidate
  package var hpa: HPASpec
  /// The best rule on requests/s per pod (a ScaledObject), when that family was searched.
  package var requests: ScaledObjectSpec?
  package var requestsCandidate: RuleCandidate?
  /// The winning rule with the oracle's cron floors (nil without a calendar).
  package var scaledObject: ScaledObjectSpec?
  package var cronWindows: [CronWindow]
  package var predictive: ScaledObjectSpec?
  package var predictiveWindows: [CronWindow]
  /// The forecast's mean absolute error over the run, relative to the mean rate.
  package var forecastError: Double?
  /// The planner's answer per period (nil: no count up to the cap meets it).
  package var periods: [(period: Int, instances: Int?)]
  package var simulatedRequests: Int
  package var wallSeconds: Double

  package func strategy(_ kind: Strategy.Kind) -> Strategy? { strategies.first { $0.kind == kind } }

  /// Whether any HPA held.
  package var found: Bool { chosen.holds }
}
