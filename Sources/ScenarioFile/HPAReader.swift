import Autoscaling

/// A HorizontalPodAutoscaler document (autoscaling/v2), field by field as upstream's
/// validation (pkg/apis/autoscaling/validation) checks it, limited to what capsim simulates.
enum HPAReader {
  static func read(_ root: ConfigNode) -> KubernetesManifest.Autoscaler? {
    guard let m = root.mapping(allowedKeys: ["apiVersion", "kind", "metadata", "spec", "status"]) else { return nil }
    let name = KubernetesManifest.readName(m)
    guard
      let spec = m.required("spec")?.mapping(allowedKeys: [
        "scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior",
      ])
    else { return nil }
    let target = KubernetesManifest.readTarget(spec.required("scaleTargetRef"), kindRequired: true)
    var minReplicas: Int? = 1
    if let node = spec["minReplicas"] {
      minReplicas = node.int(in: 0...Int(Int32.max))
      if minReplicas == 0 {
        node.error(
          "minReplicas 0 needs the HPAScaleToZero feature gate, which capsim does not simulate (KEDA scales to zero)")
        minReplicas = nil
      }
    }
    let maxNode = spec.required("maxReplicas")
    let maxReplicas = maxNode?.int(in: 1...Int(Int32.max))
    if let minReplicas, let maxReplicas, minReplicas > maxReplicas {
      maxNode?.error("maxReplicas (\(maxReplicas)) must be at least minReplicas (\(minReplicas))")
    }
    var metrics: [MetricSpec] = []
    var metricsOK = true
    let metricNodes = spec["metrics"]?.sequence() ?? []
    if let list = spec["metrics"]?.sequence() {
      for item in list {
        if let metric = readMetric(item) { metrics.append(metric) } else { metricsOK = false }
      }
    }
    var behavior: Behavior?
    var behaviorOK = true
    if let node = spec["behavior"] {
      behavior = KubernetesManifest.readBehavior(node)
      behaviorOK = behavior != nil
    }
    guard let name, let target, let minReplicas, let maxReplicas, minReplicas <= maxReplicas, metricsOK, behaviorOK
    else {
      return nil
    }
    let hpa = HPASpec(minReplicas: minReplicas, maxReplicas: maxReplicas, metrics: metrics, behavior: behavior)
    var autoscaler = KubernetesManifest.Autoscaler(
      name: name, deployment: target.name, kind: .hpa(hpa), file: root.file, line: root.line, targetNode: target.node,
      metricNodes: metricNodes, maxNode: maxNode)
    autoscaler.namespace = m["metadata"]?.node.mapping?["namespace"]?.string
    return autoscaler
  }

  static let sources = ["Resource", "Pods", "Object", "External", "ContainerResource"]

  static func readMetric(_ node: ConfigNode) -> MetricSpec? {
    guard let m = node.mapping(allowedKeys: ["type", "resource", "pods", "object", "external", "containerResource"]),
      let type = m.required("type")?.oneOf(sources)
    else { return nil }
    // The API server refuses a metric that fills in a source its type does not name
    // (autoscaling/v2 validation: "must populate information for the given metric source (only)").
    let field = [
      "Resource": "resource", "Pods": "pods", "Object": "object", "External": "external",
      "ContainerResource": "containerResource",
    ]
    var others = false
    for (otherType, key) in field where otherType != type {
      guard let extra = m.keyNode(key) else { continue }
      extra.error(
        "\(key) goes with type \(otherType), and this metric is type \(type): give each source its own metric")
      others = true
    }
    guard !others else { return nil }
    switch type {
    case "Resource":
      guard let r = m.required("resource")?.mapping(allowedKeys: ["name", "target"]),
        let nameNode = r.required("name"), let resource = nameNode.string()
      else { return nil }
      guard resource == "cpu" else {
        nameNode.error("a \(resource) resource metric is not simulated: capsim models cpu only")
        return nil
      }
      guard let target = readTarget(r.required("target"), allowed: ["Utilization", "AverageValue"]) else { return nil }
      return .cpu(target)
    case "ContainerResource":
      m.keyNode("type")?.error(
        "ContainerResource metrics are not simulated: capsim models a pod's cpu as a whole (use Resource)")
      return nil
    case "Pods":
      guard let p = m.required("pods")?.mapping(allowedKeys: ["metric", "target"]),
        let metric = p.required("metric")?.mapping(allowedKeys: ["name", "selector"]).flatMap(
          KubernetesManifest.metricKey),
        let target = readTarget(p.required("target"), allowed: ["AverageValue"])
      else { return nil }
      return MetricSpec(source: .pods, name: metric, target: target)
    case "Object":
      guard let o = m.required("object")?.mapping(allowedKeys: ["describedObject", "metric", "target"]) else {
        return nil
      }
      let described = o.required("describedObject")?.mapping(allowedKeys: ["apiVersion", "kind", "name"])
      let kind = described?.required("kind")?.string()
      let objectName = described?.required("name")?.string()
      guard
        let metric = o.required("metric")?.mapping(allowedKeys: ["name", "selector"]).flatMap(
          KubernetesManifest.metricKey),
        let target = readTarget(o.required("target"), allowed: ["Value", "AverageValue"]), let kind, let objectName
      else { return nil }
      return MetricSpec(source: .object, name: metric, target: target, describedObject: "\(kind)/\(objectName)")
    default:  // External
      guard let e = m.required("external")?.mapping(allowedKeys: ["metric", "target"]),
        let metric = e.required("metric")?.mapping(allowedKeys: ["name", "selector"]).flatMap(
          KubernetesManifest.metricKey),
        let target = readTarget(e.required("target"), allowed: ["Value", "AverageValue"])
      else { return nil }
      return MetricSpec(source: .external, name: metric, target: target)
    }
  }

  /// `target:` with its type and the one value field that type needs.
  static func readTarget(_ node: ConfigNode?, allowed: [String]) -> MetricTarget? {
    guard let t = node?.mapping(allowedKeys: ["type", "averageUtilization", "averageValue", "value"]),
      let typeNode = t.required("type"), let type = typeNode.oneOf(["Utilization", "AverageValue", "Value"])
    else { return nil }
    guard allowed.contains(type) else {
      typeNode.error("target type \(type) is not allowed here; expected \(allowed.joined(separator: " or "))")
      return nil
    }
    let field = ["Utilization": "averageUtilization", "AverageValue": "averageValue", "Value": "value"][type]!
    for other in ["averageUtilization", "averageValue", "value"] where other != field {
      t.keyNode(other)?.error("\(other) does not go with type \(type) (which takes \(field))")
    }
    guard let value = t.required(field) else { return nil }
    switch type {
    case "Utilization":
      guard let percent = value.int(in: 1...Int(Int32.max)) else { return nil }
      if percent > 100 {
        value.warning("a utilization target above 100% of the request is valid but means pods run above their request")
      }
      return .utilization(percent)
    case "AverageValue":
      return KubernetesManifest.quantity(value).map(MetricTarget.averageValue)
    default:
      return KubernetesManifest.quantity(value).map(MetricTarget.value)
    }
  }
}
