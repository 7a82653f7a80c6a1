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

/// No pod count up to the cap meets the objectives of a period of the territory, or the cap is
/// below the 2 pods a pool keeps (`periods` empty): no bounds to autoscale between.
package struct NoPodCount: Error, Sendable, CustomStringConvertible {
  package var territory: String
  package var cap: Int
  package var capReason: String
  /// Each unanswered period, the most pods simulated for it and the objectives they missed.
  package var periods: [(period: String, instances: Int?, missed: [Verdict])]

  package var description: String {
    guard !periods.isEmpty else {
      return
        "\(territory): at most \(cap) pod\(cap == 1 ? "" : "s") (\(capReason)): no room to autoscale, since minReplicas is at least 2 so that one pod's loss is no outage"
    }
    let each = periods.map { p in
      let missed = p.missed.map { v in
        "\(v.requestClass.map { "\($0) " } ?? "")\(v.objective.rawValue) \(Self.value(v.objective, v.measured.mean))"
          + (v.target.map { " against \(Self.value(v.objective, $0))" } ?? "")
      }
      return "\(p.period)"
        + (p.instances.map {
          " (at \($0): \(missed.isEmpty ? "no verdict failed outright, none passed" : missed.joined(separator: ", ")))"
        } ?? "")
    }
    return "\(territory): no pod count up to \(cap) (\(capReason)) meets every objective in "
      + each.joined(separator: "; ")
      + ": there are no bounds to autoscale between; `capsim plan` shows why, and what more capacity per pod or another database would buy"
  }

  static func value(_ objective: Objective, _ x: Double) -> String {
    switch objective {
    case .errorRate, .availability: String(format: "%.2f%%", x * 100)
    case .p95, .p99, .databaseP95: String(format: "%.3g ms", x * 1_000)
    }
  }
}
