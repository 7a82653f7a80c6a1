import Autoscaling

/// One pool's autoscaler in a replication: its controller (which keeps upstream's histories)
/// and the Deployment's `spec.replicas`.
struct ScalerState {
  let territory: Int
  let deployment: String
  let settings: ControllerSettings
  var hpa: HorizontalController?
  var keda: KEDAController?
  /// The series its prometheus triggers query.
  let series: [CapsimSeries]
  var replicas: Int
  /// Added to simulated times for the controller: seconds since 1970 at the start of the
  /// territory's calendar (cron schedules need the date), 0 without one.
  let epoch: Double

  init(autoscaler: PoolAutoscaler, replicas: Int, epoch: Double) {
    territory = autoscaler.territory
    self.epoch = epoch
    deployment = autoscaler.deployment
    settings = autoscaler.settings
    self.replicas = replicas
    switch autoscaler.controller {
    case .hpa(let spec):
      hpa = HorizontalController(spec: spec, settings: autoscaler.settings)
      series = []
    case .scaledObject(let spec):
      keda = KEDAController(spec: spec, settings: autoscaler.settings)
      series = spec.triggers.compactMap { trigger in
        if case .prometheus(let prometheus) = trigger.kind { return prometheus.series }
        return nil
      }
    }
  }
}

/// A pod's times in an instance slot of an autoscaled pool; a new pod in the slot gets the
/// next generation (and so a new name, and no metrics of the one before).
struct PodTimes {
  var generation: UInt32 = 0
  var created = 0.0
  var readySince = 0.0
  /// Deletion timestamp, while terminating.
  var deleted: Double? = nil
}

/// What metrics-server and Prometheus hold: each slot's cumulative busy core-seconds at the
/// last scrapes (enough to span a window), the latest cpu sample per slot, and each
/// territory's completed-request counter at the last Prometheus scrapes.
struct MetricsState {
  let pipeline: MetricsPipeline
  /// Scrapes a cpu window spans.
  let depth: Int
  /// Resolution scrapes per Prometheus scrape.
  let promEvery: Int
  var scrapes = 0
  /// [slot * (depth + 1) + scrape % (depth + 1)]; generation 0: no running pod then.
  var cumulative: [Double]
  var cumulativeGeneration: [UInt32]
  var sample: [CPUSample?]
  var sampleGeneration: [UInt32]
  /// Per territory, at each Prometheus scrape: requests completed and requests arrived so far.
  var completed: [[(time: Double, count: Int)]]
  var arrived: [[(time: Double, count: Int)]]

  init(pipeline: MetricsPipeline, slots: Int, territories: Int) {
    self.pipeline = pipeline
    depth = max(1, Int((pipeline.window / pipeline.resolution).rounded()))
    promEvery = max(1, Int((pipeline.scrapeInterval / pipeline.resolution).rounded()))
    cumulative = Array(repeating: 0, count: slots * (depth + 1))
    cumulativeGeneration = Array(repeating: 0, count: slots * (depth + 1))
    sample = Array(repeating: nil, count: slots)
    sampleGeneration = Array(repeating: 0, count: slots)
    completed = Array(repeating: [], count: territories)
    arrived = Array(repeating: [], count: territories)
  }
}

/// Autoscaled pools: pods with Kubernetes' phases and times, the metrics pipeline, and the
/// controllers' syncs.
extension PlatformSimulator {
  mutating func startAutoscalers() {
    guard !scalers.isEmpty else { return }
    for scaler in scalers {
      let t = scaler.territory
      // The pods running at the start have been Ready for an hour (past the cpu
      // initialization period).
      for i in instanceRange[t] where instances[i].lifecycle == .ready {
        pods[i] = PodTimes(generation: 1, created: -3_600 - startupDelay[t], readySince: -3_600)
      }
    }
    metricsScrape()
    let first = scenario.metricsPipeline.resolution / 2
    for k in scalers.indices where first < scenario.horizon {
      sim.schedule(.autoscalerSync(index: Int32(k)), at: first)
    }
  }

  /// A new pod in slot `i` (called as the slot boots).
  mutating func podCreated(_ i: Int) {
    pods[i].generation &+= 1
    pods[i].created = sim.now
    pods[i].deleted = nil
  }

  /// When the containers of slot `i`'s pod started (it is Running from then).
  func podRunning(_ i: Int) -> Double {
    let t = Int(instances[i].territory)
    return pods[i].created + apps[t].pods.scheduling + apps[t].startup
  }

  /// Whether slot `i` holds a pod whose containers run (and so have cpu statistics).
  func hasRunningPod(_ i: Int) -> Bool {
    switch instances[i].lifecycle {
    case .ready, .draining: true
    case .starting: sim.now >= podRunning(i)
    case .off, .crashed: false
    }
  }

  // MARK: Metrics

  /// metrics-server's scrape: each pod's cpu usage over the last window, stamped now; and
  /// every `promEvery` scrapes Prometheus' scrape of the request counters.
  mutating func metricsScrape() {
    let now = sim.now
    let d = metrics.depth
    let slot = metrics.scrapes % (d + 1)
    let old = (metrics.scrapes + 1) % (d + 1)  // the scrape a window ago
    let window = Double(d) * metrics.pipeline.resolution
    for scaler in scalers {
      for i in instanceRange[scaler.territory] {
        let generation = hasRunningPod(i) ? pods[i].generation : 0
        let total = instances[i].coreSeconds(at: now)
        metrics.cumulative[i * (d + 1) + slot] = total
        metrics.cumulativeGeneration[i * (d + 1) + slot] = generation
        let before = metrics.cumulativeGeneration[i * (d + 1) + old]
        if generation != 0 && before == generation && metrics.scrapes >= d {
          let cores = (total - metrics.cumulative[i * (d + 1) + old]) / window
          metrics.sample[i] = CPUSample(usage: Int64((cores * 1_000).rounded()), timestamp: now, window: window)
          metrics.sampleGeneration[i] = generation
        }
      }
      if metrics.scrapes % metrics.promEvery == 0 && !scaler.series.isEmpty {
        let t = scaler.territory
        metrics.completed[t].append((now, requests(t, Counter.completed)))
        metrics.arrived[t].append((now, requests(t, Counter.arrivals)))
        let keep = (scaler.series.compactMap(\.rateWindow).max() ?? 0) + 2 * metrics.pipeline.scrapeInterval
        if let first = metrics.completed[t].firstIndex(where: { $0.time >= now - keep }), first > 0 {
          metrics.completed[t].removeFirst(first)
          metrics.arrived[t].removeFirst(first)
        }
      }
    }
    metrics.scrapes += 1
    let next = now + metrics.pipeline.resolution
    if next < scenario.horizon { sim.schedule(.metricsScrape, at: next) }
  }

  /// Requests of territory `t` so far by a counter of theirs (`Counter.completed`,
  /// `.arrivals`; measured ones: after the warm-up).
  func requests(_ t: Int, _ counter: Int) -> Int {
    var total = 0
    let cells = recorder.periodCount * recorder.classCount
    for cell in (t * cells)..<((t + 1) * cells) { total += recorder.counts[cell * Counter.width + counter] }
    return total
  }

  /// What a Prometheus query over a capsim series answers now; NaN for an empty result (no
  /// two scrapes yet).
  func seriesValue(_ series: CapsimSeries, territory t: Int) -> Double {
    // The ingress counts what reaches the balancer (at 0 pods too); the app, what it completed.
    let scrapes = series.metric == .ingressRequestsTotal ? metrics.arrived[t] : metrics.completed[t]
    guard let last = scrapes.last else { return .nan }
    let span = series.rateWindow ?? metrics.pipeline.scrapeInterval
    guard let first = scrapes.last(where: { $0.time <= last.time - span + 1e-9 }) ?? scrapes.first,
      last.time > first.time
    else { return .nan }
    return Double(last.count - first.count) / (last.time - first.time)
  }

  // MARK: Syncs

  /// The pods of scaler `k` as the controller lists them, their cpu samples, and the
  /// Ready and total (not terminating) counts.
  func podList(_ k: Int) -> (pods: [Pod], cpu: [String: CPUSample], ready: Int, total: Int) {
    let scaler = scalers[k]
    let t = scaler.territory
    let settings = apps[t].pods
    let request = settings.cpuRequest ?? Int64(apps[t].cores) * 1_000
    let now = sim.now
    let epoch = scaler.epoch
    var list: [Pod] = []
    var cpu: [String: CPUSample] = [:]
    var ready = 0
    var total = 0
    for i in instanceRange[t] where instances[i].lifecycle != .off {
      let name = "\(scaler.deployment)-\(i - instanceRange[t].lowerBound)-\(pods[i].generation)"
      let scheduled = pods[i].created + settings.scheduling
      var pod = Pod(name: name, readiness: nil, startTime: epoch + scheduled, cpuRequest: request)
      switch instances[i].lifecycle {
      case .starting:
        if now < scheduled {
          pod.phase = .pending
          pod.startTime = nil
        } else if now < podRunning(i) {
          pod.phase = .pending
        } else {
          pod.readiness = Pod.Readiness(ready: false, since: epoch + podRunning(i))
        }
      case .ready:
        pod.readiness = Pod.Readiness(ready: true, since: epoch + pods[i].readySince)
      case .draining:
        pod.readiness = Pod.Readiness(ready: false, since: epoch + now)
        pod.deleting = instances[i].removing
      case .crashed:
        pod.readiness = Pod.Readiness(ready: false, since: epoch + now)
      case .off:
        continue
      }
      if !pod.deleting {
        total += 1
        if pod.isRunningAndReady { ready += 1 }
      }
      if metrics.sampleGeneration[i] == pods[i].generation, var sample = metrics.sample[i] {
        sample.timestamp += epoch
        cpu[name] = sample
      }
      list.append(pod)
    }
    return (list, cpu, ready, total)
  }

  mutating func autoscalerSync(_ k: Int) {
    let now = sim.now
    let t = scalers[k].territory
    let (list, cpu, ready, total) = podList(k)
    let current = scalers[k].replicas
    let decision: Decision
    let clock = scalers[k].epoch + now
    if scalers[k].hpa != nil {
      decision = scalers[k].hpa!.sync(
        now: clock, currentReplicas: current, pods: list, metrics: MetricValues(cpu: cpu))
    } else {
      var values: [String: Double] = [:]
      for series in scalers[k].series { values[series.key] = seriesValue(series, territory: t) }
      decision = scalers[k].keda!.sync(now: clock, currentReplicas: current, pods: list, cpu: cpu, capsim: values)
    }
    recorder.autoscaler[t].append(
      AutoscalerSync(
        time: now, metrics: decision.metrics.map(Self.describe).joined(separator: "; "),
        recommendation: decision.recommendation, stabilized: decision.stabilized, current: current,
        desired: decision.desiredReplicas, readyPods: ready, totalPods: total, reason: decision.reason.description))
    if decision.desiredReplicas != current {
      scalers[k].replicas = decision.desiredReplicas
      scale(t, to: decision.desiredReplicas)
    }
    let next = now + scalers[k].settings.syncPeriod
    if next < scenario.horizon { sim.schedule(.autoscalerSync(index: Int32(k)), at: next) }
  }

  /// `cpu utilization 92% of 75% -> 7`, or the metric and why it failed.
  static func describe(_ outcome: MetricOutcome) -> String {
    let target: String
    switch outcome.target {
    case .utilization(let percent): target = "\(percent)%"
    case .averageValue(let milli), .value(let milli): target = KubernetesQuantity.text(milli: milli)
    }
    switch outcome.result {
    case .success(let reading):
      let value = reading.utilization.map { "\($0)%" } ?? KubernetesQuantity.text(milli: reading.usage)
      return "\(outcome.metric) \(value) of \(target) -> \(reading.replicas)"
    case .failure(let error):
      return "\(outcome.metric): \(error.message)"
    }
  }

  /// The Deployment's controller brings territory `t` to `count` pods: new pods boot (the
  /// ReplicaSet creates them); surplus ones are deleted in the ReplicaSet's order (not Ready
  /// before Ready, then the newest: `getPodsToDelete` in pkg/controller/replicaset), a pod not
  /// yet Ready at once, a Ready one after draining, killed at the grace period.
  mutating func scale(_ t: Int, to count: Int) {
    let kept = instanceRange[t].filter { instances[$0].lifecycle != .off && !instances[$0].removing }
    guard kept.count > count else {
      applyCapacity(CapacityChange(territory: t, at: sim.now, instances: count))
      return
    }
    noteLevels(t)
    let order = kept.map { (slot: $0, ready: instances[$0].lifecycle == .ready, created: pods[$0].created) }
      .sorted { a, b in
        if a.ready != b.ready { return !a.ready }
        return a.created != b.created ? a.created > b.created : a.slot > b.slot
      }
    let grace = apps[t].pods.terminationGracePeriod
    for victim in order.prefix(kept.count - count) {
      let i = victim.slot
      pods[i].deleted = sim.now
      remove(i, territory: t)
      // Killed, with whatever it still runs, at the end of the grace period.
      if instances[i].lifecycle == .draining && sim.now + grace < scenario.horizon {
        sim.schedule(.crash(instance: Int32(i), epoch: instances[i].epoch), at: sim.now + grace)
      }
    }
  }
}
