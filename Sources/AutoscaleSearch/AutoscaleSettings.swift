import Autoscaling
import Foundation
import PlatformModel

/// How `AutoscaleSearch` searches and what it asks of a rule.
package struct AutoscaleSettings: Sendable {
  /// Replications of each candidate (common random numbers: the same seeds for all), and how
  /// many a candidate near the boundary may grow to.
  package var replications: Int
  package var maxReplications: Int
  /// Replications kept out of the search for verification (the indices after the search's).
  package var heldOut: Int
  package var threads: Int
  /// The share of peak windows that must meet every window objective over the replications.
  package var peakShare: Double
  /// Direction reversals per pool-hour a rule may make (no flapping).
  package var maxReversalsPerHour: Double
  /// CPU utilization targets of the coarse grid, ascending; the refinement halves the step.
  package var targets: [Int]
  /// Whether the search also tries rules on request rate per pod (a KEDA prometheus trigger)
  /// beside the cpu rules, which it always tries: the HPA and the cron floors build on them.
  package var searchesRequests = false

  /// The rule families searched, cpu first.
  var metrics: [RuleMetric] { searchesRequests ? [.cpu, .requests] : [.cpu] }
  /// Runs fixed and scheduled pools (the planner's and the static candidates); nil: request
  /// by request. Autoscaled pools are simulated request by request either way.
  package var driver: (any ReplicationDriver)?
  /// Per territory, hourly offered request rates from `historyHours` before the run's start
  /// on (the demand the predictive rule learns from); nil: no predictive rule.
  package var history: [Int: [Double]]?
  package var historyHours: Int

  package init(
    replications: Int = 2, maxReplications: Int = 4, heldOut: Int = 2, threads: Int = 1, peakShare: Double = 0.99,
    maxReversalsPerHour: Double = 1, targets: [Int] = [40, 50, 60, 70, 80, 85], driver: (any ReplicationDriver)? = nil,
    history: [Int: [Double]]? = nil, historyHours: Int = 28 * 24
  ) {
    self.replications = max(1, replications)
    self.maxReplications = max(replications, maxReplications)
    self.heldOut = max(1, heldOut)
    self.threads = max(1, threads)
    self.peakShare = peakShare
    self.maxReversalsPerHour = maxReversalsPerHour
    self.targets = targets.sorted()
    self.driver = driver
    self.history = history
    self.historyHours = historyHours
  }
}

/// What a searched rule scales on.
package enum RuleMetric: String, Sendable, CaseIterable, Codable {
  /// cpu utilization of the pods' requests: an HPA.
  case cpu
  /// Requests per second per pod, from Prometheus through a KEDA `prometheus` trigger, at the
  /// rate that keeps a pod's cores at the target utilization (cores x target / cpu per request).
  case requests
}

/// The `behavior` choices of the search.
package enum BehaviorChoice: String, Sendable, CaseIterable, Codable {
  /// No `behavior`: the legacy rules (a scale-up to max(2x, 4) per sync, a scale-down to the
  /// highest proposal of the last 5 minutes).
  case standard
  /// Scale up as fast as Kubernetes' default policies allow (4 pods or 100% per 15 s, no
  /// window), scale down one pod a minute after a 10-minute window: no flapping around a
  /// day's ups and downs, at the price of a slower way down.
  case calm

  package var behavior: Behavior? {
    switch self {
    case .standard: nil
    case .calm:
      Behavior(
        scaleUp: ScalingRules(
          stabilizationWindowSeconds: 0, selectPolicy: .max,
          policies: [
            ScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
            ScalingPolicy(type: .percent, value: 100, periodSeconds: 15),
          ]),
        scaleDown: ScalingRules(
          stabilizationWindowSeconds: 600, policies: [ScalingPolicy(type: .pods, value: 1, periodSeconds: 60)]))
    }
  }
}

extension AutoscaleSettings {
  /// What keeps a score from holding, in words: the failed verdicts, too few peak windows
  /// met, too many reversals. Empty when it holds.
  package func shortfalls(_ s: StrategyScore) -> [String] {
    var out = s.failed
    if s.peakShare < peakShare {
      out.append(
        "peak windows met \(Self.percent(s.peakShare, below: peakShare)) (\(s.peakWindowsMet) of \(s.peakWindows)), below \(Self.percent(peakShare))"
      )
    }
    if s.reversalsPerHour > maxReversalsPerHour {
      out.append(
        "\(String(format: "%.2f", s.reversalsPerHour)) reversals per pool-hour, above \(String(format: "%g", maxReversalsPerHour))"
      )
    }
    return out
  }

  /// Within one peak window of the misses the required share allows, either way: one window
  /// more or less would change the answer. A rule that missed none is near it when a peak
  /// window's p95 came within `nearMargin` of its target: a window's p95 rests on some
  /// thousands of requests (a standard error of about 1%), so other seeds may tip it over.
  package func nearBoundary(_ s: StrategyScore) -> Bool {
    guard s.failed.isEmpty, s.peakWindows > 0 else { return false }
    let misses = Double(s.peakWindows - s.peakWindowsMet)
    let allowed = (1 - peakShare) * Double(s.peakWindows)
    if misses == 0, let margin = s.peakMargin { return margin < Self.nearMargin }
    return misses > 0 && abs(misses - allowed) <= 1
  }

  package static let nearMargin = 0.03

  /// `97.5%`, `99%`, to a tenth; with `below`, rounded down where rounding would reach it,
  /// so a share just below the bound never reads as the bound (88.9% elsewhere: as the tables).
  static func percent(_ fraction: Double, below bound: Double? = nil) -> String {
    var p = (fraction * 1_000).rounded() / 10
    if let bound, p >= bound * 100 { p = (fraction * 1_000).rounded(.down) / 10 }
    return p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
  }
}
