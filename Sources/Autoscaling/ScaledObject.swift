/// A KEDA `ScaledObject` (keda.sh/v1alpha1) as far as capsim simulates it, with the
/// HorizontalPodAutoscaler KEDA generates for it (controllers/keda/hpa.go,
/// `newHPAForScaledObject`).
package struct ScaledObjectSpec: Hashable, Sendable {
  package var name: String
  /// `scaleTargetRef.name` (a Deployment).
  package var target: String
  /// Seconds between KEDA's activity checks (default 30): they govern 0 <-> 1 only.
  package var pollingInterval: Double = 30
  /// Seconds without an active trigger before scaling to zero (default 300).
  package var cooldownPeriod: Double = 300
  /// Seconds after creation before the first scale to zero (default 0).
  package var initialCooldownPeriod: Double = 0
  /// 0 lets KEDA scale to zero; the HPA gets at least 1 (`GetHPAMinReplicas`).
  package var minReplicaCount: Int = 0
  package var maxReplicaCount: Int = 100
  package var triggers: [Trigger]
  package var fallback: Fallback?
  /// `advanced.horizontalPodAutoscalerConfig.behavior`, copied into the HPA as written.
  package var behavior: Behavior?

  package init(name: String, target: String, triggers: [Trigger]) {
    self.name = name
    self.target = target
    self.triggers = triggers
  }

  /// `keda-hpa-{name}`.
  package var hpaName: String { "keda-hpa-\(name)" }

  /// The generated HPA: one metric per trigger (cpu as a Resource metric, the others as
  /// External metrics named `s{index}-...`), External before Resource as KEDA sorts them.
  package var hpaSpec: HPASpec {
    let metrics = triggers.enumerated().map { i, trigger in trigger.metricSpec(index: i) }
    let sorted = metrics.filter { $0.source == .external } + metrics.filter { $0.source != .external }
    return HPASpec(
      minReplicas: max(1, minReplicaCount), maxReplicas: maxReplicaCount, metrics: sorted, behavior: behavior)
  }
}

/// `spec.fallback`: replicas to aim for once a scaler has failed more than
/// `failureThreshold` times in a row (pkg/fallback/fallback.go).
package struct Fallback: Hashable, Sendable {
  package enum Behavior: String, Hashable, Sendable, CaseIterable {
    case `static`, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower
  }

  package var failureThreshold: Int
  package var replicas: Int
  package var behavior: Behavior = .static

  package init(failureThreshold: Int, replicas: Int, behavior: Behavior = .static) {
    self.failureThreshold = failureThreshold
    self.replicas = replicas
    self.behavior = behavior
  }
}

/// The metric type of an external trigger's HPA target (`metricType`, default AverageValue).
package enum ExternalTargetType: String, Hashable, Sendable {
  case averageValue = "AverageValue", value = "Value"
}

package struct Trigger: Hashable, Sendable {
  package enum Kind: Hashable, Sendable {
    case cpu(MetricTarget)
    case cron(CronTrigger)
    case prometheus(PrometheusTrigger)
  }

  /// The trigger's `name`, when given.
  package var name: String?
  package var kind: Kind

  package init(name: String? = nil, _ kind: Kind) {
    self.name = name
    self.kind = kind
  }

  /// For messages: the name, else `cron`/`prometheus`/`cpu` with its index.
  package func label(index: Int) -> String {
    if let name { return name }
    switch kind {
    case .cpu: return "cpu"
    case .cron: return "cron[\(index)]"
    case .prometheus: return "prometheus[\(index)]"
    }
  }

  /// The HPA metric KEDA generates (`GetMetricSpecForScaling` of each scaler).
  package func metricSpec(index: Int) -> MetricSpec {
    switch kind {
    case .cpu(let target):
      return .cpu(target)
    case .cron(let cron):
      // cron_scaler.go: target 1 per pod (or in total), so the metric is the replica count itself
      let name =
        "s\(index)-"
        + Self.normalized("cron-\(cron.timezone)-\(Self.cronFormat(cron.start.text))-\(Self.cronFormat(cron.end.text))")
      return MetricSpec(
        source: .external, name: name, target: cron.metricType == .value ? .value(1000) : .averageValue(1000))
    case .prometheus(let prometheus):
      let target = KubernetesQuantity.milli(prometheus.threshold)
      return MetricSpec(
        source: .external, name: "s\(index)-prometheus",
        target: prometheus.metricType == .value ? .value(target) : .averageValue(target))
    }
  }

  /// kedautil.NormalizeString.
  static func normalized(_ s: String) -> String {
    String(s.map { "/.:%()".contains($0) ? "-" : $0 })
  }

  /// cron_scaler.go `parseCronTimeFormat`.
  static func cronFormat(_ s: String) -> String {
    var out = ""
    for c in s where c != " " {
      switch c {
      case "*": out += "x"
      case "/": out += "Sl"
      case "?": out += "Qm"
      case ",": out += "Cm"
      default: out.append(c)
      }
    }
    return out
  }
}

/// A `cron` trigger: `desiredReplicas` while the window from `start` to `end` is open.
package struct CronTrigger: Hashable, Sendable {
  /// The IANA name as written.
  package var timezone: String
  package var clock: ZonedClock
  package var start: CronSchedule
  package var end: CronSchedule
  package var desiredReplicas: Int
  package var metricType: ExternalTargetType = .averageValue

  package init(timezone: String, clock: ZonedClock, start: CronSchedule, end: CronSchedule, desiredReplicas: Int) {
    self.timezone = timezone
    self.clock = clock
    self.start = start
    self.end = end
    self.desiredReplicas = desiredReplicas
  }

  /// Whether the window is open at `time`.
  ///
  /// cron_scaler.go `GetMetricsAndActivity`: open exactly when the next end firing does not
  /// come after the next start firing (`!nextStart.Before(nextEnd)`). A weekday start
  /// (`30 6 * * 1-5`) with a daily end (`10 22 * * *`) therefore stays open from Friday 06:30
  /// to Sunday 22:10. A start skipped in the spring-forward gap leaves the window open from the
  /// previous end to that day's end; an end skipped there keeps it shut that day.
  package func isActive(at time: Double) -> Bool {
    Self.isOpen(nextStart: start.next(after: time, in: clock), nextEnd: end.next(after: time, in: clock))
  }

  /// KEDA's rule from the next firings: open when an end comes and no start comes before it.
  static func isOpen(nextStart: Double?, nextEnd: Double?) -> Bool {
    guard let nextEnd else { return false }
    guard let nextStart else { return true }
    return !(nextStart < nextEnd)
  }
}

/// A `prometheus` trigger over a series capsim records.
package struct PrometheusTrigger: Hashable, Sendable {
  /// The query as written.
  package var query: String
  package var series: CapsimSeries
  /// Target value per pod (AverageValue) or in total (Value).
  package var threshold: Double
  /// Active (for 0 <-> 1) only when the value is above this (default 0).
  package var activationThreshold: Double = 0
  package var metricType: ExternalTargetType = .averageValue
  /// An empty result counts as 0 (KEDA's default) rather than as a failure.
  package var ignoreNullValues = true

  package init(query: String, series: CapsimSeries, threshold: Double) {
    self.query = query
    self.series = series
    self.threshold = threshold
  }
}

/// A cron trigger's metadata refused, naming the field at fault.
package struct CronTriggerError: Error, Hashable, Sendable, CustomStringConvertible {
  /// `timezone`, `start`, `end` or `desiredReplicas`.
  package var field: String
  package var message: String
  package var description: String { "\(field): \(message)" }
}

extension CronTrigger {
  /// The trigger KEDA would build from this metadata, or why it refuses it.
  ///
  /// As cron_scaler.go `cronMetadata.Validate` (the time zone is checked here rather than at
  /// each poll as KEDA does). All four fields are required.
  package static func make(
    timezone: String?, start: String?, end: String?, desiredReplicas: Int?
  ) -> Result<CronTrigger, CronTriggerError> {
    guard let timezone else {
      return .failure(CronTriggerError(field: "timezone", message: "missing (an IANA name such as Europe/Berlin)"))
    }
    guard ZonedClock.isIANAName(timezone), let clock = ZonedClock(identifier: timezone) else {
      return .failure(CronTriggerError(field: "timezone", message: "unknown time zone '\(timezone)'"))
    }
    guard let start else { return .failure(CronTriggerError(field: "start", message: "missing")) }
    guard let end else { return .failure(CronTriggerError(field: "end", message: "missing")) }
    let startSchedule: CronSchedule
    switch CronSchedule.parse(start) {
    case .success(let s): startSchedule = s
    case .failure(let e):
      return .failure(CronTriggerError(field: "start", message: "error parsing start schedule: \(e)"))
    }
    let endSchedule: CronSchedule
    switch CronSchedule.parse(end) {
    case .success(let s): endSchedule = s
    case .failure(let e): return .failure(CronTriggerError(field: "end", message: "error parsing end schedule: \(e)"))
    }
    if start == end {
      return .failure(CronTriggerError(field: "end", message: "start and end can not have exactly same time input"))
    }
    guard let desiredReplicas else { return .failure(CronTriggerError(field: "desiredReplicas", message: "missing")) }
    guard desiredReplicas != 0 else {
      return .failure(
        CronTriggerError(field: "desiredReplicas", message: "no desiredReplicas specified (must not be 0)"))
    }
    return .success(
      CronTrigger(
        timezone: timezone, clock: clock, start: startSchedule, end: endSchedule, desiredReplicas: desiredReplicas))
  }
}
