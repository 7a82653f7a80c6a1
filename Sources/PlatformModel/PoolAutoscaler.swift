import Autoscaling

/// A territory's app pool run by a Kubernetes autoscaler: an HPA (`autoscaling/v2`) or a KEDA
/// ScaledObject, synced on the simulated clock with metrics from the simulated work.
package struct PoolAutoscaler: Sendable {
  package enum Controller: Sendable, Hashable {
    case hpa(HPASpec)
    case scaledObject(ScaledObjectSpec)
  }

  package var territory: Int
  /// `HorizontalPodAutoscaler crm-de`, `ScaledObject crm-de`.
  package var title: String
  /// The Deployment it scales (`scaleTargetRef.name`), which names the pods.
  package var deployment: String
  package var controller: Controller
  package var settings: ControllerSettings

  package init(
    territory: Int, title: String, deployment: String, controller: Controller,
    settings: ControllerSettings = .standard
  ) {
    self.territory = territory
    self.title = title
    self.deployment = deployment
    self.controller = controller
    self.settings = settings
  }

  /// The replica bounds the controller keeps to (KEDA's generated HPA has at least 1 pod
  /// unless the ScaledObject scales to zero).
  package var minReplicas: Int {
    switch controller {
    case .hpa(let spec): spec.minReplicas
    case .scaledObject(let spec): spec.minReplicaCount
    }
  }

  package var maxReplicas: Int {
    switch controller {
    case .hpa(let spec): spec.maxReplicas
    case .scaledObject(let spec): spec.maxReplicaCount
    }
  }
}

/// How a pod of an autoscaled pool comes and goes.
///
/// A new pod is Pending for `scheduling`,
/// then (with `status.startTime` set) pulls its image and starts for the pool's `startup`,
/// then runs un-Ready until its readiness probe first passes after `readinessDelay`, and only
/// then takes traffic. A removed pod leaves the rotation at once, finishes its requests, and
/// is killed (its requests failing) after `terminationGracePeriod`.
package struct PodSettings: Sendable, Hashable {
  /// From creation to being bound to a node (kube-scheduler; seconds on an idle cluster).
  package var scheduling: Double = 2
  /// The readiness probe's `initialDelaySeconds` plus its first period.
  package var readinessDelay: Double = 30
  /// `terminationGracePeriodSeconds` (Kubernetes' default).
  package var terminationGracePeriod: Double = 30
  /// The pod's cpu request in milli-cores; nil: the pool's cores x 1000.
  package var cpuRequest: Int64? = nil

  package init() {}
}

/// The metrics the autoscalers see, as the cluster's pipeline delivers them.
///
/// metrics-server scrapes every `resolution` the cpu usage each kubelet averaged over the last
/// `window` (metrics-server `--metric-resolution` 15 s; the kubelet's window is about 30 s);
/// the Prometheus series are scraped every `scrapeInterval`. The HPA syncs half a resolution
/// after a scrape (the two are not aligned upstream; half is the mean lag).
package struct MetricsPipeline: Sendable, Hashable {
  package var resolution: Double = 15
  package var window: Double = 30
  package var scrapeInterval: Double = 15

  package init() {}
}
