/// What a HorizontalPodAutoscaler (`autoscaling/v2`) asks for, as far as capsim simulates it.
///
/// Quantities are milli-units (`KubernetesQuantity`), times are seconds.
package struct HPASpec: Hashable, Sendable {
  /// `spec.minReplicas` (upstream default 1).
  package var minReplicas: Int
  package var maxReplicas: Int
  /// In spec order; upstream defaults an empty list to cpu at 80% utilization.
  package var metrics: [MetricSpec]
  /// nil takes the legacy path (5-minute down-stabilization, max(2x, 4) per sync).
  package var behavior: Behavior?

  package init(minReplicas: Int = 1, maxReplicas: Int, metrics: [MetricSpec] = [], behavior: Behavior? = nil) {
    self.minReplicas = minReplicas
    self.maxReplicas = maxReplicas
    self.metrics = metrics.isEmpty ? [.cpu(.utilization(80))] : metrics
    self.behavior = behavior
  }
}

/// One entry of `spec.metrics`.
package struct MetricSpec: Hashable, Sendable {
  package enum Source: String, Hashable, Sendable {
    case resource = "Resource", pods = "Pods", object = "Object", external = "External"
  }

  package var source: Source
  /// The metric's name with its selector, as the metric values are keyed (`cpu` for
  /// Resource; `http_requests{path="/api"}` when a selector is given).
  package var name: String
  package var target: MetricTarget
  /// Object metrics: `Kind/name` of the described object, for messages.
  package var describedObject: String?

  package init(source: Source, name: String, target: MetricTarget, describedObject: String? = nil) {
    self.source = source
    self.name = name
    self.target = target
    self.describedObject = describedObject
  }

  /// A cpu Resource metric.
  package static func cpu(_ target: MetricTarget) -> MetricSpec {
    MetricSpec(source: .resource, name: "cpu", target: target)
  }
}

/// `target:` of a metric.
package enum MetricTarget: Hashable, Sendable {
  /// Percent of the pods' requests (Resource only).
  case utilization(Int)
  /// Per pod, in milli-units.
  case averageValue(Int64)
  /// In total, in milli-units (Object and External only).
  case value(Int64)
}

/// `spec.behavior`: per-direction rules, each field optional as written; `resolved` fills
/// the defaults (upstream `SetDefaults_HorizontalPodAutoscalerBehavior`).
package struct Behavior: Hashable, Sendable {
  package var scaleUp: ScalingRules
  package var scaleDown: ScalingRules

  package init(scaleUp: ScalingRules = ScalingRules(), scaleDown: ScalingRules = ScalingRules()) {
    self.scaleUp = scaleUp
    self.scaleDown = scaleDown
  }
}

package struct ScalingRules: Hashable, Sendable {
  package var stabilizationWindowSeconds: Int?
  package var selectPolicy: SelectPolicy?
  package var policies: [ScalingPolicy]?
  /// Per-direction tolerance (Kubernetes 1.33+); nil uses the controller's.
  package var tolerance: Double?

  package init(
    stabilizationWindowSeconds: Int? = nil, selectPolicy: SelectPolicy? = nil, policies: [ScalingPolicy]? = nil,
    tolerance: Double? = nil
  ) {
    self.stabilizationWindowSeconds = stabilizationWindowSeconds
    self.selectPolicy = selectPolicy
    self.policies = policies
    self.tolerance = tolerance
  }

  /// `GenerateHPAScaleUpRules` in pkg/apis/autoscaling/v2/defaults.go: no window, the larger of
  /// 4 pods and 100% per 15 s.
  package static let defaultScaleUp = ScalingRules(
    stabilizationWindowSeconds: 0, selectPolicy: .max,
    policies: [
      ScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
      ScalingPolicy(type: .percent, value: 100, periodSeconds: 15),
    ])

  /// `GenerateHPAScaleDownRules`: 100% per 15 s; the window comes from the controller
  /// (`maybeInitScaleDownStabilizationWindow`, 300 s by default).
  package static let defaultScaleDown = ScalingRules(
    selectPolicy: .max, policies: [ScalingPolicy(type: .percent, value: 100, periodSeconds: 15)])

  /// Each field given here, else the default's (`copyHPAScalingRules`).
  package func over(_ defaults: ScalingRules) -> ScalingRules {
    ScalingRules(
      stabilizationWindowSeconds: stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
      selectPolicy: selectPolicy ?? defaults.selectPolicy, policies: policies ?? defaults.policies,
      tolerance: tolerance ?? defaults.tolerance)
  }
}

package enum SelectPolicy: String, Hashable, Sendable {
  case max = "Max", min = "Min", disabled = "Disabled"
}

package struct ScalingPolicy: Hashable, Sendable {
  package enum Kind: String, Hashable, Sendable {
    case pods = "Pods", percent = "Percent"
  }

  package var type: Kind
  package var value: Int
  package var periodSeconds: Int

  package init(type: Kind, value: Int, periodSeconds: Int) {
    self.type = type
    self.value = value
    self.periodSeconds = periodSeconds
  }
}

/// The controller manager's flags (`pkg/controller/podautoscaler/config/v1alpha1/defaults.go`).
package struct ControllerSettings: Hashable, Sendable {
  /// `--horizontal-pod-autoscaler-sync-period`.
  package var syncPeriod: Double = 15
  /// `--horizontal-pod-autoscaler-tolerance`.
  package var tolerance: Double = 0.1
  /// `--horizontal-pod-autoscaler-downscale-stabilization`.
  package var downscaleStabilizationWindow: Double = 300
  /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
  package var cpuInitializationPeriod: Double = 300
  /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
  package var initialReadinessDelay: Double = 30
  /// Legacy path: at most max(factor x current, minimum) per sync (`calculateScaleUpLimit`).
  ///
  /// Upstream's horizontal_test.go raises the factor to 8.
  package var scaleUpLimitFactor: Double = 2
  package var scaleUpLimitMinimum: Double = 4

  package init() {}

  package static let standard = ControllerSettings()
}
