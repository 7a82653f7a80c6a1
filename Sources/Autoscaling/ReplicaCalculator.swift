/// Usage ratios within these bounds keep the current replica count.
package struct Tolerances: Hashable, Sendable {
  package var scaleUp: Double
  package var scaleDown: Double

  package init(scaleUp: Double, scaleDown: Double) {
    self.scaleUp = scaleUp
    self.scaleDown = scaleDown
  }

  /// Inclusive at both ends (replica_calculator.go, `Tolerances.isWithin`).
  package func contains(_ ratio: Double) -> Bool {
    1 - scaleDown <= ratio && ratio <= 1 + scaleUp
  }
}

/// One metric's answer: the replica count it proposes and what it measured.
package struct MetricReading: Hashable, Sendable {
  package var replicas: Int
  /// Milli-units: the average per pod (Resource, Pods, per-pod targets) or the total.
  package var usage: Int64
  /// Resource utilization targets: percent of the requests.
  package var utilization: Int?
  /// True when the count stayed at the current one because the change was within
  /// tolerance or would have reversed direction.
  package var heldByTolerance: Bool
  /// True when it stayed because the second pass, with the pods without a sample (or not
  /// ready) assumed, pointed the other way from the first: upstream's "if the new usage ratio
  /// would change the scale direction, don't scale", not the tolerance.
  package var reversed: Bool

  package init(
    replicas: Int, usage: Int64, utilization: Int? = nil, heldByTolerance: Bool = false, reversed: Bool = false
  ) {
    self.replicas = replicas
    self.usage = usage
    self.utilization = utilization
    self.heldByTolerance = heldByTolerance || reversed
    self.reversed = reversed
  }
}

/// Why a metric gave no proposal (upstream returns an error and the metric is invalid).
package struct MetricError: Error, Hashable, Sendable, CustomStringConvertible {
  package var message: String
  package init(_ message: String) { self.message = message }
  package var description: String { message }
}

/// How the pods of a sync are counted for one metric (replica_calculator.go, `groupPods`).
package struct PodGroups: Hashable, Sendable {
  package var readyCount = 0
  package var unready: Set<String> = []
  package var missing: Set<String> = []
  package var ignored: Set<String> = []
}

/// The replica calculator of pkg/controller/podautoscaler/replica_calculator.go, restated
/// as pure functions of the pods, the samples and the current counts.
package enum ReplicaCalculator {
  /// `groupPods`: deleted and failed pods are ignored; pending pods are unready; pods
  /// without a sample are missing; for cpu, a pod is also unready when it has no Ready
  /// condition or start time, when within the cpu initialization period it is not Ready or
  /// its sample does not yet cover a whole window since it became Ready, and after it when
  /// it is not Ready and never was (its condition changed within the initial readiness delay
  /// of its start).
  package static func groupPods(
    _ pods: [Pod], sampled: (String) -> CPUSample?, cpu: Bool, now: Double, settings: ControllerSettings
  ) -> PodGroups {
    var groups = PodGroups()
    for pod in pods {
      if pod.deleting || pod.phase == .failed {
        groups.ignored.insert(pod.name)
        continue
      }
      if pod.phase == .pending {
        groups.unready.insert(pod.name)
        continue
      }
      guard let sample = sampled(pod.name) else {
        groups.missing.insert(pod.name)
        continue
      }
      if cpu {
        let unready: Bool
        if let readiness = pod.readiness, let start = pod.startTime {
          if start + settings.cpuInitializationPeriod > now {
            unready = !readiness.ready || sample.timestamp < readiness.since + sample.window
          } else {
            unready = !readiness.ready && start + settings.initialReadinessDelay > readiness.since
          }
        } else {
          unready = true
        }
        if unready {
          groups.unready.insert(pod.name)
          continue
        }
      }
      groups.readyCount += 1
    }
    return groups
  }

  /// `GetResourceReplicas`: a cpu utilization target in percent of the requests.
  package static func resourceUtilization(
    current: Int, target: Int, pods: [Pod], samples: [String: CPUSample], tolerances: Tolerances, now: Double,
    settings: ControllerSettings
  ) -> Result<MetricReading, MetricError> {
    guard !samples.isEmpty else {
      return .failure(
        MetricError("unable to get metrics for resource cpu: no metrics returned from resource metrics API"))
    }
    guard !pods.isEmpty else {
      return .failure(MetricError("no pods returned by selector while calculating replica count"))
    }
    let groups = groupPods(pods, sampled: { samples[$0] }, cpu: true, now: now, settings: settings)
    var usage: [String: Int64] = samples.mapValues(\.usage)
    for name in groups.ignored.union(groups.unready) { usage[name] = nil }
    guard !usage.isEmpty else {
      return .failure(MetricError("did not receive metrics for targeted pods (pods might be unready)"))
    }
    var requests: [String: Int64] = [:]
    for pod in pods {
      guard let request = pod.cpuRequest else {
        return .failure(MetricError("missing request for cpu in pod \(pod.name)"))
      }
      requests[pod.name] = request
    }
    guard let first = utilizationRatio(usage, requests: requests, target: target) else {
      return .failure(MetricError("no metrics returned matched known pods"))
    }
    let (ratio, utilization, raw) = first
    func reading(_ replicas: Int, held: Bool = false, reversed: Bool = false) -> Result<MetricReading, MetricError> {
      .success(
        MetricReading(
          replicas: replicas, usage: raw, utilization: utilization, heldByTolerance: held, reversed: reversed))
    }
    let scaleUpWithUnready = !groups.unready.isEmpty && ratio > 1
    if !scaleUpWithUnready && groups.missing.isEmpty {
      if tolerances.contains(ratio) { return reading(current, held: true) }
      return reading(ceilCount(ratio * Double(groups.readyCount)))
    }
    // Second pass: missing pods count as using all of their request (or the target when above
    // 100%) on a scale-down and nothing on a scale-up; unready pods nothing on a scale-up.
    if ratio < 1 {
      let fallback = Int64(max(100, target))
      for name in groups.missing { usage[name] = (requests[name] ?? 0) * fallback / 100 }
    } else if ratio > 1 {
      for name in groups.missing { usage[name] = 0 }
    }
    if scaleUpWithUnready {
      for name in groups.unready { usage[name] = 0 }
    }
    guard let second = utilizationRatio(usage, requests: requests, target: target) else {
      return .failure(MetricError("no metrics returned matched known pods"))
    }
    let newRatio = second.ratio
    if tolerances.contains(newRatio) { return reading(current, held: true) }
    if (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1) { return reading(current, reversed: true) }
    let replicas = ceilCount(newRatio * Double(usage.count))
    if (newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current) {
      return reading(current, reversed: true)
    }
    return reading(replicas)
  }

  /// `GetRawResourceReplicas`: a cpu AverageValue target, through the plain-metric rules with
  /// cpu readiness.
  package static func resourceAverageValue(
    current: Int, target: Int64, pods: [Pod], samples: [String: CPUSample], tolerances: Tolerances, now: Double,
    settings: ControllerSettings
  ) -> Result<MetricReading, MetricError> {
    guard !samples.isEmpty else {
      return .failure(
        MetricError("unable to get metrics for resource cpu: no metrics returned from resource metrics API"))
    }
    return plainMetric(
      current: current, target: target, values: samples.mapValues(\.usage), pods: pods, cpuSamples: samples,
      tolerances: tolerances, now: now, settings: settings)
  }

  /// `calcPlainMetricReplicas` (Pods metrics and cpu AverageValue): the average over the
  /// reported values, including values of pods the selector does not list.
  package static func plainMetric(
    current: Int, target: Int64, values: [String: Int64], pods: [Pod], cpuSamples: [String: CPUSample]? = nil,
    tolerances: Tolerances, now: Double, settings: ControllerSettings
  ) -> Result<MetricReading, MetricError> {
    guard !pods.isEmpty else {
      return .failure(MetricError("no pods returned by selector while calculating replica count"))
    }
    let groups = groupPods(
      pods,
      sampled: { name in
        if let cpuSamples { return cpuSamples[name] }
        return values[name].map { CPUSample(usage: $0, timestamp: now, window: 0) }
      }, cpu: cpuSamples != nil, now: now, settings: settings)
    var usage = values
    for name in groups.ignored.union(groups.unready) { usage[name] = nil }
    guard !usage.isEmpty else {
      return .failure(MetricError("did not receive metrics for targeted pods (pods might be unready)"))
    }
    let (ratio, average) = usageRatio(usage, target: target)
    let scaleUpWithUnready = !groups.unready.isEmpty && ratio > 1
    if !scaleUpWithUnready && groups.missing.isEmpty {
      if tolerances.contains(ratio) {
        return .success(MetricReading(replicas: current, usage: average, heldByTolerance: true))
      }
      return .success(MetricReading(replicas: ceilCount(ratio * Double(groups.readyCount)), usage: average))
    }
    if ratio < 1 {
      for name in groups.missing { usage[name] = target }
    } else if ratio > 1 {
      for name in groups.missing { usage[name] = 0 }
    }
    if scaleUpWithUnready {
      for name in groups.unready { usage[name] = 0 }
    }
    let newRatio = usageRatio(usage, target: target).ratio
    if tolerances.contains(newRatio) {
      return .success(MetricReading(replicas: current, usage: average, heldByTolerance: true))
    }
    if (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1) {
      return .success(MetricReading(replicas: current, usage: average, reversed: true))
    }
    let replicas = ceilCount(newRatio * Double(usage.count))
    if (newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current) {
      return .success(MetricReading(replicas: current, usage: average, reversed: true))
    }
    return .success(MetricReading(replicas: replicas, usage: average))
  }

  /// `GetObjectMetricReplicas` and `GetExternalMetricReplicas` (Value targets) through
  /// `getUsageRatioReplicaCount`: the ratio times the Running and Ready pods; from zero
  /// replicas, the ratio itself.
  package static func totalValue(
    current: Int, target: Int64, usage: Int64, pods: [Pod], tolerances: Tolerances
  ) -> Result<MetricReading, MetricError> {
    let ratio = Double(usage) / Double(target)
    guard current != 0 else { return .success(MetricReading(replicas: ceilCount(ratio), usage: usage)) }
    if tolerances.contains(ratio) {
      return .success(MetricReading(replicas: current, usage: usage, heldByTolerance: true))
    }
    guard !pods.isEmpty else {
      return .failure(
        MetricError("unable to calculate ready pods: no pods returned by selector while calculating replica count"))
    }
    let ready = pods.filter(\.isRunningAndReady).count
    return .success(MetricReading(replicas: ceilCount(ratio * Double(ready)), usage: usage))
  }

  /// `GetObjectPerPodMetricReplicas` and `GetExternalPerPodMetricReplicas` (AverageValue
  /// targets): the total over the target, compared with the status replica count.
  package static func averageValue(
    statusReplicas: Int, target: Int64, usage: Int64, tolerances: Tolerances
  ) -> Result<MetricReading, MetricError> {
    var replicas = statusReplicas
    let ratio = Double(usage) / (Double(target) * Double(statusReplicas))
    let held = tolerances.contains(ratio)
    if !held { replicas = ceilCount(Double(usage) / Double(target)) }
    let perPod = statusReplicas > 0 ? Int64((Double(usage) / Double(statusReplicas)).rounded(.up)) : usage
    return .success(MetricReading(replicas: replicas, usage: perPod, heldByTolerance: held))
  }

  // MARK: metrics/utilization.go

  /// `GetResourceUtilizationRatio`: integer percent of the summed requests of pods that have a
  /// sample; nil when no sample belongs to a listed pod.
  static func utilizationRatio(_ usage: [String: Int64], requests: [String: Int64], target: Int) -> (
    ratio: Double, utilization: Int, raw: Int64
  )? {
    var usageTotal: Int64 = 0
    var requestTotal: Int64 = 0
    var entries: Int64 = 0
    for (name, value) in usage {
      guard let request = requests[name] else { continue }
      usageTotal += value
      requestTotal += request
      entries += 1
    }
    guard requestTotal != 0 else { return nil }
    let utilization = Int(usageTotal * 100 / requestTotal)
    return (Double(utilization) / Double(target), utilization, usageTotal / entries)
  }

  /// `GetMetricUsageRatio`: the integer average over the target.
  static func usageRatio(_ usage: [String: Int64], target: Int64) -> (ratio: Double, average: Int64) {
    let total = usage.values.reduce(0, +)
    let average = total / Int64(usage.count)
    return (Double(average) / Double(target), average)
  }

  /// `int32(math.Ceil(x))`, capped at Int32.max as upstream does for large external values.
  static func ceilCount(_ x: Double) -> Int {
    let up = x.rounded(.up)
    guard up.isFinite else { return Int(Int32.max) }
    return Int(min(max(up, 0), Double(Int32.max)))
  }
}
