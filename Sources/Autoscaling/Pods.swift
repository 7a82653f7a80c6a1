/// A pod of the scaled workload as the controller lists it.
package struct Pod: Hashable, Sendable {
  package enum Phase: String, Hashable, Sendable, CaseIterable {
    case pending = "Pending", running = "Running", succeeded = "Succeeded", failed = "Failed"
  }

  /// The pod's `Ready` condition.
  package struct Readiness: Hashable, Sendable {
    package var ready: Bool
    /// Its `lastTransitionTime`.
    package var since: Double

    package init(ready: Bool, since: Double) {
      self.ready = ready
      self.since = since
    }
  }

  package var name: String
  package var phase: Phase
  /// nil when the pod has no Ready condition yet.
  package var readiness: Readiness?
  /// `status.startTime`; nil before the kubelet has accepted the pod.
  package var startTime: Double?
  /// Has a deletion timestamp (terminating).
  package var deleting: Bool
  /// Sum of the containers' cpu requests, milli-cores; nil when a container has none.
  package var cpuRequest: Int64?

  package init(
    name: String, phase: Phase = .running, readiness: Readiness?, startTime: Double?, deleting: Bool = false,
    cpuRequest: Int64?
  ) {
    self.name = name
    self.phase = phase
    self.readiness = readiness
    self.startTime = startTime
    self.deleting = deleting
    self.cpuRequest = cpuRequest
  }

  /// Running and Ready, as `getReadyPodsCount` counts.
  package var isRunningAndReady: Bool { phase == .running && readiness?.ready == true }
}

/// One pod's cpu usage as metrics-server reports it: the average over `window` ending at
/// `timestamp`.
package struct CPUSample: Hashable, Sendable {
  /// Milli-cores.
  package var usage: Int64
  package var timestamp: Double
  package var window: Double

  package init(usage: Int64, timestamp: Double, window: Double) {
    self.usage = usage
    self.timestamp = timestamp
    self.window = window
  }
}

/// What the metrics APIs answer at one sync.
///
/// A metric whose key is absent could not be
/// fetched: it counts as failed (no scale-down while any metric fails).
package struct MetricValues: Hashable, Sendable {
  /// metrics.k8s.io: cpu per pod name.
  ///
  /// Empty means the resource metrics API answered nothing.
  package var cpu: [String: CPUSample]
  /// custom.metrics.k8s.io, Pods metrics: metric name -> pod name -> milli-value.
  package var pods: [String: [String: Int64]]
  /// custom.metrics.k8s.io, Object metrics: metric name -> milli-value.
  package var objects: [String: Int64]
  /// external.metrics.k8s.io: metric name -> the matching series' milli-values (summed).
  package var external: [String: [Int64]]

  package init(
    cpu: [String: CPUSample] = [:], pods: [String: [String: Int64]] = [:], objects: [String: Int64] = [:],
    external: [String: [Int64]] = [:]
  ) {
    self.cpu = cpu
    self.pods = pods
    self.objects = objects
    self.external = external
  }
}
