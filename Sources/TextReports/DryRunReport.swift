import Autoscaling
import Foundation
import RunRecords

/// `capsim autoscaler dry-run` output: one row (or JSON object) per sync.
package struct DryRunReport {
  var autoscaler: String
  /// The HPA a ScaledObject makes.
  var hpa: String?
  var deployment: String
  var steps: [DryRunStep]
  /// Print times as UTC date-times (the file had dates) rather than seconds.
  var datedTimes: Bool

  package init(autoscaler: String, hpa: String? = nil, deployment: String, steps: [DryRunStep], datedTimes: Bool) {
    self.autoscaler = autoscaler
    self.hpa = hpa
    self.deployment = deployment
    self.steps = steps
    self.datedTimes = datedTimes
  }

  func time(_ t: Double) -> String {
    guard datedTimes else { return Self.number(t) }
    let f = ISO8601DateFormatter()
    return f.string(from: Date(timeIntervalSince1970: t))
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }

  /// `cpu 60%/30% -> 4`, `pods qps 20/15 -> 4`, `external s0-prometheus: no value recorded`.
  package static func describe(_ outcome: MetricOutcome) -> String {
    let target: String
    switch outcome.target {
    case .utilization(let p): target = "\(p)%"
    case .averageValue(let m): target = KubernetesQuantity.text(milli: m) + "/pod"
    case .value(let m): target = KubernetesQuantity.text(milli: m)
    }
    switch outcome.result {
    case .success(let r):
      let current = r.utilization.map { "\($0)%" } ?? KubernetesQuantity.text(milli: r.usage)
      return "\(outcome.metric) \(current) of \(target) -> \(r.replicas)\(r.heldByTolerance ? " (held)" : "")"
    case .failure(let e):
      return "\(outcome.metric): \(e.message)"
    }
  }

  package func table() -> String {
    var table = TextTable(columns: ["time", "current", "proposals", "recommended", "stabilized", "desired", "reason"])
    for step in steps {
      let d = step.decision
      var proposals = d.metrics.map(Self.describe)
      for trigger in step.triggers where !trigger.metric.isEmpty {
        if case .none = trigger.value, !trigger.fallback, trigger.active { continue }  // cpu: the HPA shows it
        proposals.append("\(trigger.label) \(trigger.active ? "active" : "inactive")")
      }
      table.add([
        time(d.time), String(d.currentReplicas), proposals.isEmpty ? "-" : proposals.joined(separator: "; "),
        d.recommendation.map(String.init) ?? "-", d.stabilized.map(String.init) ?? "-", String(d.desiredReplicas),
        d.reason.description,
      ])
    }
    let scaled = steps.filter(\.decision.scaled).count
    return "\(autoscaler) (\(hpa.map { "HPA \($0), " } ?? "")Deployment \(deployment)): \(steps.count) sync\(steps.count == 1 ? "" : "s"), \(scaled) change\(scaled == 1 ? "" : "s")\n\n" + table.render()
  }

  struct Row: Encodable {
    struct Metric: Encodable {
      var metric: String
      var target: String
      @Nullable var proposal: Int?
      @Nullable var value: String?
      @Nullable var utilization: Int?
      /// Held at the current count: within tolerance, or (`directionReversed`) because the
      /// pods without a sample would reverse the direction.
      var heldByTolerance: Bool
      var directionReversed: Bool
      @Nullable var error: String?
    }

    struct TriggerRow: Encodable {
      var trigger: String
      var metric: String
      var active: Bool
      @Nullable var value: Double?
      var fallback: Bool
    }

    var time: String
    var currentReplicas: Int
    var metrics: [Metric]
    var triggers: [TriggerRow]
    @Nullable var recommendation: Int?
    @Nullable var stabilized: Int?
    var desiredReplicas: Int
    var reason: String
  }

  package func json() -> String {
    let rows = steps.map { step in
      let d = step.decision
      return Row(
        time: time(d.time), currentReplicas: d.currentReplicas,
        metrics: d.metrics.map { outcome in
          let target: String
          switch outcome.target {
          case .utilization(let p): target = "\(p)%"
          case .averageValue(let m): target = "averageValue \(KubernetesQuantity.text(milli: m))"
          case .value(let m): target = "value \(KubernetesQuantity.text(milli: m))"
          }
          switch outcome.result {
          case .success(let r):
            return Row.Metric(
              metric: outcome.metric, target: target, proposal: r.replicas,
              value: KubernetesQuantity.text(milli: r.usage),
              utilization: r.utilization, heldByTolerance: r.heldByTolerance, directionReversed: r.reversed,
              error: nil)
          case .failure(let e):
            return Row.Metric(
              metric: outcome.metric, target: target, proposal: nil, value: nil, utilization: nil,
              heldByTolerance: false, directionReversed: false,
              error: e.message)
          }
        },
        triggers: step.triggers.map {
          Row.TriggerRow(
            trigger: $0.label, metric: $0.metric, active: $0.active, value: $0.value, fallback: $0.fallback)
        },
        recommendation: d.recommendation, stabilized: d.stabilized, desiredReplicas: d.desiredReplicas,
        reason: d.reason.description)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = (try? encoder.encode(rows)) ?? Data("[]".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
