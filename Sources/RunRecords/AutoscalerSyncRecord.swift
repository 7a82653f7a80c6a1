/// One sync of a simulated autoscaler in one replication: what it saw, decided and why.
package struct AutoscalerSyncRecord: Codable, Sendable, Hashable {
  package var replication: Int
  package var territory: String
  /// `HorizontalPodAutoscaler crm-de`, `ScaledObject crm-de`.
  package var autoscaler: String
  /// Simulated seconds from the start.
  package var time: Double
  /// Local wall-clock label of `time` ("2026-12-08T09:00:15"), when the run has a calendar.
  package var localTime: String?
  /// Each metric's value against its target and its proposal (`cpu utilization 92% of 75% -> 7`).
  package var metrics: String
  package var recommendation: Int?
  package var stabilized: Int?
  /// `spec.replicas` before the sync and after it.
  package var currentReplicas: Int
  package var desiredReplicas: Int
  /// Pods Running and Ready, and pods that exist and are not terminating, at the sync.
  package var readyPods: Int
  package var totalPods: Int
  package var reason: String

  package init(
    replication: Int, territory: String, autoscaler: String, time: Double, localTime: String?, metrics: String,
    recommendation: Int?, stabilized: Int?, currentReplicas: Int, desiredReplicas: Int, readyPods: Int,
    totalPods: Int, reason: String
  ) {
    self.replication = replication
    self.territory = territory
    self.autoscaler = autoscaler
    self.time = time
    self.localTime = localTime
    self.metrics = metrics
    self.recommendation = recommendation
    self.stabilized = stabilized
    self.currentReplicas = currentReplicas
    self.desiredReplicas = desiredReplicas
    self.readyPods = readyPods
    self.totalPods = totalPods
    self.reason = reason
  }
}
