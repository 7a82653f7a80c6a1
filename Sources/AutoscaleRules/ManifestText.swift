import Autoscaling
import Foundation

/// HPA (`autoscaling/v2`) and KEDA ScaledObject (`keda.sh/v1alpha1`) manifests as YAML text,
/// each value with a comment saying why it is what it is, under a header saying what the
/// manifest was derived from. Written for people first: the fields in the order
/// `kubectl explain` lists them, two-space indents, strings quoted only where YAML needs it.
package struct ManifestText {
  /// Lines for the top of the file (without `#`).
  package var header: [String]
  /// Why each value is what it is, by key path as the strict reader names it
  /// (`spec.minReplicas`, `spec.triggers[1].metadata.start`).
  package var why: [String: String]

  package init(header: [String], why: [String: String] = [:]) {
    self.header = header
    self.why = why
  }

  package func hpa(name: String, deployment: String, spec: HPASpec) -> String {
    var w = Writer(why: why)
    w.header(header)
    w.line(0, "apiVersion", "autoscaling/v2")
    w.line(0, "kind", "HorizontalPodAutoscaler")
    w.open(0, "metadata")
    w.line(1, "name", Writer.plain(name), path: "metadata.name")
    w.open(0, "spec")
    w.open(1, "scaleTargetRef")
    w.line(2, "apiVersion", "apps/v1")
    w.line(2, "kind", "Deployment")
    w.line(2, "name", Writer.plain(deployment), path: "spec.scaleTargetRef.name")
    w.line(1, "minReplicas", "\(spec.minReplicas)", path: "spec.minReplicas")
    w.line(1, "maxReplicas", "\(spec.maxReplicas)", path: "spec.maxReplicas")
    w.open(1, "metrics")
    for (i, metric) in spec.metrics.enumerated() { w.metric(metric, indent: 2, path: "spec.metrics[\(i)]") }
    if let behavior = spec.behavior { w.behavior(behavior, indent: 1, path: "spec.behavior") }
    return w.text
  }

  /// `prometheusServer`: the address a `prometheus` trigger queries (the reader requires it).
  package func scaledObject(
    name: String, deployment: String, spec: ScaledObjectSpec, prometheusServer: String? = nil
  ) -> String {
    var w = Writer(why: why)
    w.header(header)
    w.line(0, "apiVersion", "keda.sh/v1alpha1")
    w.line(0, "kind", "ScaledObject")
    w.open(0, "metadata")
    w.line(1, "name", Writer.plain(name), path: "metadata.name")
    w.open(0, "spec")
    w.open(1, "scaleTargetRef")
    w.line(2, "name", Writer.plain(deployment), path: "spec.scaleTargetRef.name")
    w.line(1, "pollingInterval", Self.seconds(spec.pollingInterval), path: "spec.pollingInterval")
    // cooldownPeriod governs only 1 <-> 0: written only where it can act and is not KEDA's 300 s.
    if spec.minReplicaCount == 0 && spec.cooldownPeriod != 300 {
      w.line(1, "cooldownPeriod", Self.seconds(spec.cooldownPeriod), path: "spec.cooldownPeriod")
    }
    w.line(1, "minReplicaCount", "\(spec.minReplicaCount)", path: "spec.minReplicaCount")
    w.line(1, "maxReplicaCount", "\(spec.maxReplicaCount)", path: "spec.maxReplicaCount")
    if let behavior = spec.behavior {
      w.open(1, "advanced")
      w.open(2, "horizontalPodAutoscalerConfig")
      w.behavior(behavior, indent: 3, path: "spec.advanced.horizontalPodAutoscalerConfig.behavior")
    }
    w.open(1, "triggers")
    for (i, trigger) in spec.triggers.enumerated() {
      let path = "spec.triggers[\(i)]"
      switch trigger.kind {
      case .cpu(let target):
        w.item(2, "type", "cpu", path: path)
        switch target {
        case .utilization(let percent):
          w.line(3, "metricType", "Utilization")
          w.open(3, "metadata")
          w.line(4, "value", Writer.quoted("\(percent)"), path: "\(path).metadata.value")
        case .averageValue(let milli), .value(let milli):
          w.line(3, "metricType", "AverageValue")
          w.open(3, "metadata")
          w.line(4, "value", Writer.quoted(KubernetesQuantityText.milli(milli)), path: "\(path).metadata.value")
        }
      case .cron(let cron):
        w.item(2, "type", "cron", path: path)
        if let name = trigger.name { w.line(3, "name", name) }
        w.open(3, "metadata")
        w.line(4, "timezone", cron.timezone)
        w.line(4, "start", Writer.quoted(cron.start.text), path: "\(path).metadata.start")
        w.line(4, "end", Writer.quoted(cron.end.text), path: "\(path).metadata.end")
        w.line(4, "desiredReplicas", Writer.quoted("\(cron.desiredReplicas)"), path: "\(path).metadata.desiredReplicas")
      case .prometheus(let p):
        w.item(2, "type", "prometheus", path: path)
        if let name = trigger.name { w.line(3, "name", name) }
        w.open(3, "metadata")
        w.line(4, "serverAddress", prometheusServer ?? "")
        w.line(4, "query", Writer.quoted(p.query), path: "\(path).metadata.query")
        w.line(4, "threshold", Writer.quoted(Self.number(p.threshold)), path: "\(path).metadata.threshold")
        if p.activationThreshold != 0 {
          w.line(4, "activationThreshold", Writer.quoted(Self.number(p.activationThreshold)))
        }
      }
    }
    return w.text
  }

  static func seconds(_ s: Double) -> String { String(Int(s.rounded())) }

  static func number(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }
}

/// Kubernetes quantities as text: whole units plain, others in milli-units (`500m`).
enum KubernetesQuantityText {
  static func milli(_ m: Int64) -> String { m % 1000 == 0 ? String(m / 1000) : "\(m)m" }
}

/// Lines with their comments.
private struct Writer {
  var why: [String: String]
  var text = ""
  /// A sequence item opens with `- ` at the indent of its parent's children.
  var pendingDash = false

  mutating func header(_ lines: [String]) {
    for line in lines { text += line.isEmpty ? "#\n" : "# \(line)\n" }
  }

  mutating func line(_ indent: Int, _ key: String, _ value: String, path: String? = nil) {
    let comment = path.flatMap { why[$0] }.map { "  # \($0)" } ?? ""
    text += String(repeating: "  ", count: indent) + "\(key): \(value)\(comment)\n"
  }

  mutating func open(_ indent: Int, _ key: String, path: String? = nil) {
    let comment = path.flatMap { why[$0] }.map { "  # \($0)" } ?? ""
    text += String(repeating: "  ", count: indent) + "\(key):\(comment)\n"
  }

  /// The first key of a list item: `- key: value`, the item's other keys one indent deeper.
  mutating func item(_ indent: Int, _ key: String, _ value: String, path: String? = nil) {
    let comment = path.flatMap { why[$0] }.map { "  # \($0)" } ?? ""
    text += String(repeating: "  ", count: indent) + "- \(key): \(value)\(comment)\n"
  }

  mutating func metric(_ m: MetricSpec, indent: Int, path: String) {
    item(indent, "type", m.source.rawValue, path: path)
    let inner = indent + 1
    switch m.source {
    case .resource:
      open(inner, "resource")
      line(inner + 1, "name", m.name)
      target(m.target, indent: inner + 1, path: "\(path).resource.target")
    case .pods, .object, .external:
      let key = m.source == .pods ? "pods" : m.source == .object ? "object" : "external"
      open(inner, key)
      open(inner + 1, "metric")
      line(inner + 2, "name", m.name)
      target(m.target, indent: inner + 1, path: "\(path).\(key).target")
    }
  }

  mutating func target(_ t: MetricTarget, indent: Int, path: String) {
    open(indent, "target")
    switch t {
    case .utilization(let p):
      line(indent + 1, "type", "Utilization")
      line(indent + 1, "averageUtilization", "\(p)", path: "\(path).averageUtilization")
    case .averageValue(let m):
      line(indent + 1, "type", "AverageValue")
      line(indent + 1, "averageValue", Self.quoted(KubernetesQuantityText.milli(m)), path: "\(path).averageValue")
    case .value(let m):
      line(indent + 1, "type", "Value")
      line(indent + 1, "value", Self.quoted(KubernetesQuantityText.milli(m)), path: "\(path).value")
    }
  }

  mutating func behavior(_ b: Behavior, indent: Int, path: String) {
    open(indent, "behavior")
    for (key, rules) in [("scaleUp", b.scaleUp), ("scaleDown", b.scaleDown)] {
      let rulePath = "\(path).\(key)"
      guard rules != ScalingRules() else { continue }
      open(indent + 1, key)
      if let window = rules.stabilizationWindowSeconds {
        line(indent + 2, "stabilizationWindowSeconds", "\(window)", path: "\(rulePath).stabilizationWindowSeconds")
      }
      if let select = rules.selectPolicy { line(indent + 2, "selectPolicy", select.rawValue) }
      if let policies = rules.policies {
        open(indent + 2, "policies", path: "\(rulePath).policies")
        for p in policies {
          item(indent + 3, "type", p.type.rawValue)
          line(indent + 4, "value", "\(p.value)")
          line(indent + 4, "periodSeconds", "\(p.periodSeconds)")
        }
      }
    }
  }

  /// `s` as it is where a YAML reader takes it as that string, else `quoted(s)`: names a
  /// Deployment may have (`on`, `1234`, `1e3`, `0x1f`) read as booleans or numbers plain.
  static func plain(_ s: String) -> String {
    let yaml11Words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]
    let special = CharacterSet(charactersIn: ":#{}[],&*!|>'\"%@`?")
    let needs =
      s.isEmpty || yaml11Words.contains(s.lowercased()) || Double(s) != nil || s.first == "-" || s.first == "."
      || s.first!.isNumber && s.allSatisfy { $0.isHexDigit || "xobXOB_+-.:".contains($0) }
      || s.unicodeScalars.contains { special.contains($0) } || s != s.trimmingCharacters(in: .whitespaces)
    return needs ? quoted(s) : s
  }

  /// Double-quoted when YAML would read the plain text as something else (a number, `*`,
  /// a comment, a flow character...), with `\` and `"` escaped.
  static func quoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}
