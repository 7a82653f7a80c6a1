/// What the cluster looked like at one recorded sync: plain values, as a metrics export or
/// the simulator provides them.
package struct RecordedSync: Hashable, Sendable {
  package var time: Double
  /// The Deployment's `spec.replicas`; nil takes the previous sync's decision.
  package var replicas: Int?
  /// `status.replicas`; nil counts the pods neither terminating nor finished.
  package var statusReplicas: Int?
  package var pods: [Pod]
  /// CPU samples, Pods, Object and External metric values for an HPA.
  package var metrics: MetricValues
  /// Values of capsim series for KEDA prometheus triggers, by `CapsimSeries.key`.
  package var capsim: [String: Double]

  package init(
    time: Double, replicas: Int? = nil, statusReplicas: Int? = nil, pods: [Pod] = [],
    metrics: MetricValues = MetricValues(),
    capsim: [String: Double] = [:]
  ) {
    self.time = time
    self.replicas = replicas
    self.statusReplicas = statusReplicas
    self.pods = pods
    self.metrics = metrics
    self.capsim = capsim
  }
}

/// An autoscaler to replay: an HPA or a ScaledObject.
package enum AutoscalerSpec: Hashable, Sendable {
  case hpa(HPASpec)
  case scaledObject(ScaledObjectSpec)
}

/// One replayed sync.
package struct DryRunStep: Hashable, Sendable {
  package var decision: Decision
  /// KEDA triggers as that sync saw them (empty for an HPA).
  package var triggers: [KEDAController.TriggerState]
}

/// "What would my manifest do": recorded syncs through the controller logic alone, each
/// sync's current replica count taken from the recording or, where it has none, from the
/// previous decision.
package enum DryRun {
  package static func replay(
    _ autoscaler: AutoscalerSpec, syncs: [RecordedSync], settings: ControllerSettings = .standard
  ) -> [DryRunStep] {
    var steps: [DryRunStep] = []
    var replicas = 0
    switch autoscaler {
    case .hpa(let spec):
      var controller = HorizontalController(spec: spec, settings: settings)
      for sync in syncs {
        let current = sync.replicas ?? replicas
        let decision = controller.sync(
          now: sync.time, currentReplicas: current, statusReplicas: sync.statusReplicas, pods: sync.pods,
          metrics: sync.metrics)
        replicas = decision.desiredReplicas
        steps.append(DryRunStep(decision: decision, triggers: []))
      }
    case .scaledObject(let spec):
      var controller = KEDAController(spec: spec, settings: settings)
      for sync in syncs {
        let current = sync.replicas ?? replicas
        let decision = controller.sync(
          now: sync.time, currentReplicas: current, statusReplicas: sync.statusReplicas, pods: sync.pods,
          cpu: sync.metrics.cpu, capsim: sync.capsim)
        replicas = decision.desiredReplicas
        steps.append(DryRunStep(decision: decision, triggers: controller.triggerStates))
      }
    }
    return steps
  }
}
