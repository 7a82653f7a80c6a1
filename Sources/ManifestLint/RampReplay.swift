import Autoscaling
import ScenarioFile

extension ManifestLinter {
  /// How a pool's pods serve, for the ramp rule, as plain values from a scenario.
  package struct Serving: Sendable {
    /// CPU seconds a request takes on a pod (the mix's mean).
    package var cpuPerRequest: Double
    /// A pod's cores: it serves at most `cores / cpuPerRequest` requests/s.
    package var cores: Double
    /// The pods' cpu request, milli-cores: what utilization is a percentage of.
    package var cpuRequest: Int64
    /// Seconds from a scale-up until the new pod takes requests (scheduling, start-up,
    /// readiness delay).
    package var podReady: Double
    /// The territory's zone, for the times in messages.
    package var clock: ZonedClock

    package init(cpuPerRequest: Double, cores: Double, cpuRequest: Int64, podReady: Double, clock: ZonedClock) {
      self.cpuPerRequest = cpuPerRequest
      self.cores = cores
      self.cpuRequest = cpuRequest
      self.podReady = podReady
      self.clock = clock
    }
  }
}

/// A pool's offered demand replayed through the manifest's own controller, as a fluid: every
/// sync period the ready pods report the cpu the demand gives them, the controller decides
/// (with its rate limits, stabilization, readiness rules and cron windows), and a new pod
/// serves `podReady` after the decision. There is no noise and no queue in it, so where even
/// this replay leaves the demand above what the ready pods serve at full cpu, a real ramp
/// outruns the pool as well.
struct RampReplay {
  var serving: ManifestLinter.Serving
  /// Offered requests/s, sorted by time; linear in between, flat beyond the ends.
  var demand: [(time: Double, rate: Double)]

  /// A stretch in which the demand was above what the ready pods serve at full cpu.
  struct Stretch {
    var from: Double
    var to: Double
    /// The moment the gap was widest, with the demand, the pods ready and the pods needed then.
    var worst: Double
    var rate: Double
    var ready: Int
    var needed: Int
    /// The demand an hour before `worst`: how steep the ramp was.
    var rateBefore: Double
    /// What held the controller back first in the stretch, and when (a rate limit, a
    /// stabilization window, maxReplicas, a target a saturated pod cannot exceed by the
    /// tolerance), or nil when nothing did (the pods were on their way).
    var held: (reason: Reason, time: Double)?
    /// The last scale-down in the quarter hour before the stretch: when, and from and to how
    /// many replicas (a dip let the pool go just before the ramp).
    var shrunk: (time: Double, from: Int, to: Int)?
  }

  /// Why a manifest is not replayed: its metrics are not ones a fluid can give.
  struct NotModelled: Error {
    var metric: String
  }

  func rate(at t: Double) -> Double {
    guard let first = demand.first, let last = demand.last else { return 0 }
    if t <= first.time { return first.rate }
    if t >= last.time { return last.rate }
    var lo = 0
    var hi = demand.count - 1
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if demand[mid].time <= t { lo = mid } else { hi = mid }
    }
    let a = demand[lo]
    let b = demand[hi]
    return a.rate + (b.rate - a.rate) * (t - a.time) / (b.time - a.time)
  }

  /// What `ready` pods serve at full cpu, requests/s.
  func capacity(_ ready: Int) -> Double { Double(ready) * serving.cores / serving.cpuPerRequest }

  enum Controller {
    case hpa(HorizontalController)
    case keda(KEDAController, [CapsimSeries])
  }

  static func controller(_ kind: KubernetesManifest.Autoscaler.Kind) -> Result<Controller, NotModelled> {
    switch kind {
    case .hpa(let spec):
      if let other = spec.metrics.first(where: { $0.source != .resource || $0.name != "cpu" }) {
        return .failure(NotModelled(metric: "\(other.source.rawValue) metric \(other.name)"))
      }
      return .success(.hpa(HorizontalController(spec: spec)))
    case .scaledObject(let spec):
      var series: [CapsimSeries] = []
      for trigger in spec.triggers {
        guard case .prometheus(let p) = trigger.kind else { continue }
        guard
          p.series.metric == .requestsTotal || p.series.metric == .requestsPerSecond
            || p.series.metric == .ingressRequestsTotal
        else {
          return .failure(NotModelled(metric: "prometheus \(p.series.metric.rawValue)"))
        }
        series.append(p.series)
      }
      return .success(.keda(KEDAController(spec: spec), series))
    }
  }

  /// Stretches of at least `minimum` seconds in `[from, to)` in which the demand outran the
  /// ready pods, after an hour's settling at the first rate.
  func stretches(_ kind: KubernetesManifest.Autoscaler.Kind, from: Double, to: Double, minimum: Double = 60)
    -> Result<[Stretch], NotModelled>
  {
    var controller: Controller
    switch Self.controller(kind) {
    case .success(let c): controller = c
    case .failure(let e): return .failure(e)
    }
    guard let first = demand.first, let last = demand.last, serving.cpuPerRequest > 0, serving.cores > 0 else {
      return .success([])
    }
    let start = max(from, first.time)
    let end = min(to, last.time + 300)
    guard end > start else { return .success([]) }
    let period = ControllerSettings.standard.syncPeriod
    let settle = 3_600.0
    let minimumReplicas: Int
    switch kind {
    case .hpa(let spec): minimumReplicas = max(spec.minReplicas, 1)
    case .scaledObject(let spec): minimumReplicas = max(spec.minReplicaCount, 1)
    }
    // Pods by when they were created and when they serve; `serial` names them.
    var pods: [(created: Double, ready: Double, serial: Int)] = (0..<minimumReplicas).map {
      (created: start - 2 * settle, ready: start - 2 * settle, serial: $0)
    }
    var serial = minimumReplicas
    var replicas = minimumReplicas
    var found: [Stretch] = []
    var open: Stretch?
    // A held decision shows in the ready pods up to `podReady` later.
    var lastHold: (reason: Reason, time: Double)?
    var lastShrink: (time: Double, from: Int, to: Int)?
    var now = start - settle
    func offered(_ t: Double) -> Double { rate(at: max(t, start)) }
    while now < end {
      // What metrics-server reports now: the last 30 s, ending one resolution ago.
      let ready = pods.filter { $0.ready <= now }.count
      let seen = offered(now - 30)
      let perPod = ready > 0 ? min(serving.cores, seen * serving.cpuPerRequest / Double(ready)) : 0
      var list: [Pod] = []
      var cpu: [String: CPUSample] = [:]
      for p in pods {
        let name = "pod-\(p.serial)"
        if p.ready <= now {
          list.append(
            Pod(
              name: name, readiness: Pod.Readiness(ready: true, since: p.ready), startTime: p.created,
              cpuRequest: serving.cpuRequest))
          cpu[name] = CPUSample(usage: Int64((perPod * 1_000).rounded()), timestamp: now - 15, window: 30)
        } else {
          list.append(Pod(name: name, phase: .pending, readiness: nil, startTime: nil, cpuRequest: serving.cpuRequest))
        }
      }
      let decision: Decision
      switch controller {
      case .hpa(var hpa):
        decision = hpa.sync(now: now, currentReplicas: replicas, pods: list, metrics: MetricValues(cpu: cpu))
        controller = .hpa(hpa)
      case .keda(var keda, let series):
        var values: [String: Double] = [:]
        for s in series {
          let window = s.rateWindow ?? 15
          // The ingress counts every request offered; the app only those it could serve.
          let seen = offered(now - window / 2)
          values[s.key] = s.metric == .ingressRequestsTotal ? seen : min(seen, capacity(ready))
        }
        decision = keda.sync(now: now, currentReplicas: replicas, pods: list, cpu: cpu, capsim: values)
        controller = .keda(keda, series)
      }
      if decision.desiredReplicas < replicas {
        // A run of scale-downs counts from the count before the first of them.
        let from = lastShrink.flatMap { now - $0.time <= 2 * period ? $0.from : nil } ?? replicas
        lastShrink = (now, from, decision.desiredReplicas)
      }
      if decision.desiredReplicas > replicas {
        for _ in replicas..<decision.desiredReplicas {
          pods.append((now, now + serving.podReady, serial))
          serial += 1
        }
      } else if decision.desiredReplicas < replicas {
        // The ReplicaSet's order: pods not serving yet first, then the newest.
        pods.sort { ($0.ready > now ? 0 : 1, -$0.created) < ($1.ready > now ? 0 : 1, -$1.created) }
        pods.removeFirst(replicas - decision.desiredReplicas)
      }
      replicas = decision.desiredReplicas
      // Within tolerance holds the pool back only when every pod serves at full cpu (its
      // utilization can rise no further); otherwise the metric has not seen the ramp yet, or
      // pods on their way count as idle (as upstream assumes for a scale-up).
      let saturated =
        ready == pods.count && ready > 0 && seen * serving.cpuPerRequest / Double(ready) >= serving.cores
      let tolerance = decision.reason == .withinTolerance || decision.reason == .directionReversed
      if Self.holds(decision.reason) && (!tolerance || saturated) {
        lastHold = (decision.reason, now)
      }

      if now >= start {
        let servingPods = pods.filter { $0.ready <= now }.count
        let r = offered(now)
        let gap = r - capacity(servingPods)
        if gap > 1e-9 * r {
          let needed = Int((r * serving.cpuPerRequest / serving.cores).rounded(.up))
          if open == nil {
            open = Stretch(
              from: now, to: now, worst: now, rate: r, ready: servingPods, needed: needed,
              rateBefore: offered(now - 3_600),
              held: nil, shrunk: lastShrink.flatMap { now - $0.time <= 900 ? $0 : nil })
          }
          if gap > open!.rate - capacity(open!.ready) {
            open!.worst = now
            open!.rate = r
            open!.ready = servingPods
            open!.needed = needed
            open!.rateBefore = offered(now - 3_600)
          }
          open!.to = now + period
          if open!.held == nil, let hold = lastHold, now - hold.time <= serving.podReady + 2 * period {
            open!.held = hold
          }
        } else if let stretch = open {
          if stretch.to - stretch.from >= minimum { found.append(stretch) }
          open = nil
        }
      }
      now += period
    }
    if let stretch = open, stretch.to - stretch.from >= minimum { found.append(stretch) }
    return .success(found)
  }

  static func holds(_ reason: Reason) -> Bool {
    switch reason {
    case .rateLimited, .stabilized(.up, _, _, _), .clampedToMax, .withinTolerance, .directionReversed: true
    default: false
    }
  }
}
