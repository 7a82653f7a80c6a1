import Autoscaling
import Foundation
import Suggestions

/// The autoscalers in Kubernetes YAML files, read strictly.
///
/// Files as platform engineers keep them (several documents per file): the
/// HorizontalPodAutoscalers (`autoscaling/v2`) and KEDA ScaledObjects (`keda.sh/v1alpha1`)
/// in it, read strictly. Other kinds are skipped with a warning; a field capsim does not
/// know, a wrong type, an impossible value or a feature capsim does not simulate is an error
/// at its line and column.
package struct KubernetesManifest {
  /// One autoscaler and the Deployment it scales.
  package struct Autoscaler {
    package enum Kind {
      case hpa(HPASpec)
      case scaledObject(ScaledObjectSpec)
    }

    package var name: String
    /// `scaleTargetRef.name`.
    package var deployment: String
    package var kind: Kind
    package var file: String
    package var line: Int
    /// `scaleTargetRef.name`, for errors about the Deployment.
    package var targetNode: ConfigNode? = nil
    /// The HPA's `spec.metrics` items or the ScaledObject's `spec.triggers` items, in order,
    /// for errors about one of them.
    package var metricNodes: [ConfigNode] = []
    /// `maxReplicas` or `maxReplicaCount` (nil where left to its default).
    package var maxNode: ConfigNode? = nil
    /// `metadata.namespace`, nil where not given: objects of one name in two namespaces are two.
    package var namespace: String? = nil

    /// The node at `path` under metric or trigger `index`, else the item, else the target.
    package func metricNode(_ index: Int, _ path: [String]) -> ConfigNode? {
      guard metricNodes.indices.contains(index) else { return targetNode }
      var node = metricNodes[index]
      for key in path {
        guard node.isMapping, let next = node.openMapping()?.first(where: { $0.key == key })?.value else { break }
        node = next
      }
      return node
    }

    /// `HorizontalPodAutoscaler crm-de` or `ScaledObject crm-de`.
    package var title: String {
      switch kind {
      case .hpa: "HorizontalPodAutoscaler \(name)"
      case .scaledObject: "ScaledObject \(name)"
      }
    }

    /// The HPA a ScaledObject makes (what `kubectl get hpa` lists).
    package var generatedHPA: String? {
      if case .scaledObject(let so) = kind { return so.hpaName }
      return nil
    }
  }

  package private(set) var autoscalers: [Autoscaler] = []

  /// Whether objects of these namespaces may be in one: the same, or one not given (an object
  /// without one goes to the namespace it is applied to, which may be the other's).
  package static func sameNamespace(_ a: String?, _ b: String?) -> Bool { a == nil || b == nil || a == b }

  /// The autoscaler of `deployment`, if any.
  package func autoscaler(for deployment: String) -> Autoscaler? {
    autoscalers.first { $0.deployment == deployment }
  }

  /// Reads every document of every file; problems go to `log`.
  package static func read(paths: [String], log: DiagnosticLog) -> KubernetesManifest {
    var manifest = KubernetesManifest()
    for path in paths {
      guard let data = FileManager.default.contents(atPath: path) else {
        _ = YAMLDocument(path: path, log: log)  // reports the missing or unreadable file as elsewhere
        continue
      }
      guard let text = String(validating: data, as: UTF8.self) else {
        _ = YAMLDocument(path: path, log: log)
        continue
      }
      manifest.add(text: text, file: path, log: log)
    }
    return manifest
  }

  /// Reads `text` as if it were the file `file`.
  package static func read(text: String, file: String, log: DiagnosticLog) -> KubernetesManifest {
    var manifest = KubernetesManifest()
    manifest.add(text: text, file: file, log: log)
    return manifest
  }

  private mutating func add(text: String, file: String, log: DiagnosticLog) {
    for document in Self.documents(in: text) {
      let errors = log.errorCount
      let yaml = YAMLDocument(text: document, file: file, log: log)
      // a document with any error gives no autoscaler, even where the reader could go on
      guard let root = yaml.root else { continue }
      root.context.nullIsAbsent = true  // as the API server reads it
      Self.checkYAML11(root)
      let read = Self.readDocument(root)
      guard log.errorCount == errors else { continue }
      for autoscaler in read {
        if let other = autoscalers.first(where: {
          $0.deployment == autoscaler.deployment && Self.sameNamespace($0.namespace, autoscaler.namespace)
        }) {
          let message =
            "Deployment '\(autoscaler.deployment)' already has an autoscaler (\(other.title) at \(other.file):\(other.line)); two would fight over its replicas"
          if let node = autoscaler.targetNode { node.error(message) } else { root.error(message) }
          continue
        }
        autoscalers.append(autoscaler)
      }
    }
    log.addSource(text, file: file)
  }

  /// Each document of a YAML stream as a text of the same lines.
  ///
  /// Every other line is blank, so positions stay those of the file. Documents of only
  /// comments and blanks are left out.
  package static func documents(in text: String) -> [String] {
    // "\r\n" is one Character to Swift: split on it too, or a file saved with Windows line
    // endings was one line, and one that begins with a comment read as empty.
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    var documents: [[Int: String]] = [[:]]
    for (i, line) in lines.enumerated() {
      let isStart = line == "---" || line.hasPrefix("--- ") || line.hasPrefix("---\t") || line == "---\r"
      let isEnd = line == "..." || line.hasPrefix("... ") || line == "...\r"
      if isStart {
        documents.append([i: "   " + line.dropFirst(3)])
      } else if isEnd {
        documents.append([:])
      } else if line.hasPrefix("%") {
        continue  // a directive belongs to the next document; capsim needs none
      } else {
        documents[documents.count - 1][i] = line
      }
    }
    return documents.compactMap { content in
      let meaningful = content.values.contains { line in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && !trimmed.hasPrefix("#")
      }
      guard meaningful else { return nil }
      return (0..<lines.count).map { content[$0] ?? "" }.joined(separator: "\n")
    }
  }

  /// The kinds of list `kubectl get ... -o yaml` prints: its objects are read one by one.
  package static let listKinds = ["List", "HorizontalPodAutoscalerList", "ScaledObjectList"]

  /// The autoscalers of one document: none (another kind, or an error), one, or a list's.
  static func readDocument(_ root: ConfigNode) -> [Autoscaler] {
    guard let entries = root.openMapping() else { return [] }
    let mapping = ConfigMapping(node: root, entries: entries)
    guard let kind = mapping.required("kind")?.string() else { return [] }
    if listKinds.contains(kind) {
      guard let list = root.mapping(allowedKeys: ["apiVersion", "kind", "metadata", "items"]) else { return [] }
      _ = list["apiVersion"]?.string()
      if let metadata = list["metadata"] { _ = metadata.openMapping() }
      return list.required("items")?.sequence()?.flatMap { item in
        if let itemKind = item.isMapping ? item.openMapping()?.first(where: { $0.key == "kind" }) : nil,
          listKinds.contains(itemKind.value.scalarText ?? "")
        {
          itemKind.value.error("a list inside a list is not read: give its objects to the outer list")
          return [Autoscaler]()
        }
        return readDocument(item)
      } ?? []
    }
    return readObject(kind: kind, mapping, root).map { [$0] } ?? []
  }

  private static func readObject(kind: String, _ mapping: ConfigMapping, _ root: ConfigNode) -> Autoscaler? {
    let apiVersion = mapping["apiVersion"]
    switch kind {
    case "HorizontalPodAutoscaler":
      guard let version = mapping.required("apiVersion")?.string() else { return nil }
      guard version == "autoscaling/v2" else {
        apiVersion?.error(
          "apiVersion '\(version)' is not supported for HorizontalPodAutoscaler; capsim reads autoscaling/v2")
        return nil
      }
      return HPAReader.read(root)
    case "ScaledObject":
      guard let version = mapping.required("apiVersion")?.string() else { return nil }
      guard version == "keda.sh/v1alpha1" else {
        apiVersion?.error("apiVersion '\(version)' is not supported for ScaledObject; capsim reads keda.sh/v1alpha1")
        return nil
      }
      return ScaledObjectReader.read(root)
    default:
      // A near miss of the two kinds (a typo, another case) is a mistake, not another kind: as
      // a warning it left the autoscaler out of the run, and out of lint, which skips other kinds.
      // Two edits at most, so that real kinds (VerticalPodAutoscaler, ScaledJob) stay notes.
      let known = ["HorizontalPodAutoscaler", "ScaledObject"]
      if let near = known.first(where: { Suggestions.distance($0.lowercased(), kind.lowercased()) <= 2 }) {
        mapping["kind"]?.error("unknown kind '\(kind)' (did you mean '\(near)'?)")
        return nil
      }
      (mapping.keyNode("kind") ?? root).warning(
        "kind \(kind) ignored: capsim reads HorizontalPodAutoscaler (autoscaling/v2) and ScaledObject (keda.sh/v1alpha1)"
      )
      return nil
    }
  }

  // MARK: Shared readers

  static let metadataKeys = [
    "name", "namespace", "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp",
    "managedFields", "ownerReferences", "finalizers", "generateName",
  ]

  /// `metadata.name` (required).
  static func readName(_ m: ConfigMapping) -> String? {
    guard let metadata = m.required("metadata")?.mapping(allowedKeys: metadataKeys) else { return nil }
    if let labels = metadata["labels"] { _ = labels.openMapping() }
    if let annotations = metadata["annotations"]?.openMapping() {
      // KEDA's own annotations (pausing, ownership) change what the autoscaler does: say that
      // the simulation runs the object as if they were absent.
      for entry in annotations where entry.key.hasPrefix("autoscaling.keda.sh/") {
        entry.keyNode.warning(
          "annotation \(entry.key) is not simulated: capsim runs the object as if it were absent (README: not modelled)"
        )
      }
    }
    return metadata.required("name")?.string()
  }

  /// A Kubernetes quantity (`500m`, `1.5`, `"2"`) in milli-units; `positive` refuses zero.
  static func quantity(_ node: ConfigNode, positive: Bool = true) -> Int64? {
    if node.isMapping || node.isSequence || node.isNull {
      node.reportMismatch(expected: "a quantity such as 500m, 1.5 or 2k")
      return nil
    }
    guard node.checkedScalar(expected: "a quantity") != nil, let text = node.scalarText else { return nil }
    guard let milli = KubernetesQuantity.milli(text) else {
      node.error("'\(text)' is not a Kubernetes quantity (such as 500m, 1.5, 2k or 1Gi)")
      return nil
    }
    if milli < 0 || (positive && milli == 0) {
      node.error("must be \(positive ? "greater than" : "at least") 0, found '\(text)'")
      return nil
    }
    return milli
  }

  /// A label selector with `matchLabels` only, folded into the metric's key:
  /// `name{a="b",c="d"}`.
  static func metricKey(_ metric: ConfigMapping) -> String? {
    guard let name = metric.required("name")?.string() else { return nil }
    guard let selector = metric["selector"]?.mapping(allowedKeys: ["matchLabels", "matchExpressions"]) else {
      return name
    }
    if let expressions = selector.keyNode("matchExpressions") {
      expressions.error("selector.matchExpressions is not simulated; capsim matches metrics by name and matchLabels")
      return nil
    }
    guard let labels = selector["matchLabels"]?.openMapping() else { return name }
    var parts: [String] = []
    for entry in labels.sorted(by: { $0.key < $1.key }) {
      guard let value = entry.value.string() else { return nil }
      parts.append("\(entry.key)=\"\(value)\"")
    }
    return parts.isEmpty ? name : "\(name){\(parts.joined(separator: ","))}"
  }

  /// The Deployment's name in `scaleTargetRef`.
  ///
  /// `kindRequired` as in the HPA; KEDA defaults it.
  static func readTarget(_ node: ConfigNode?, kindRequired: Bool, extraKeys: [String] = []) -> (
    name: String, node: ConfigNode
  )? {
    guard let ref = node?.mapping(allowedKeys: ["apiVersion", "kind", "name"] + extraKeys) else { return nil }
    let kindNode = kindRequired ? ref.required("kind") : ref["kind"]
    if let kindNode, let kind = kindNode.string(), kind != "Deployment" {
      kindNode.error(
        "capsim scales Deployments (a territory's app pool names its Deployment); \(kind) is not simulated")
      return nil
    }
    if let version = ref["apiVersion"]?.string(), version != "apps/v1" {
      ref.keyNode("apiVersion")?.warning("a Deployment's apiVersion is apps/v1, found '\(version)'")
    }
    guard let nameNode = ref.required("name"), let name = nameNode.string() else { return nil }
    return (name, nameNode)
  }

  /// `behavior` of an HPA (also `advanced.horizontalPodAutoscalerConfig.behavior`).
  static func readBehavior(_ node: ConfigNode) -> Behavior? {
    guard let m = node.mapping(allowedKeys: ["scaleUp", "scaleDown"]) else { return nil }
    var behavior = Behavior()
    var ok = true
    if let up = m["scaleUp"] {
      if let rules = readRules(up) { behavior.scaleUp = rules } else { ok = false }
    }
    if let down = m["scaleDown"] {
      if let rules = readRules(down) { behavior.scaleDown = rules } else { ok = false }
    }
    return ok ? behavior : nil
  }

  static func readRules(_ node: ConfigNode) -> ScalingRules? {
    guard let m = node.mapping(allowedKeys: ["stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"])
    else {
      return nil
    }
    var rules = ScalingRules()
    var ok = true
    if let window = m["stabilizationWindowSeconds"] {
      rules.stabilizationWindowSeconds = window.int(in: 0...3600)
      ok = ok && rules.stabilizationWindowSeconds != nil
    }
    if let select = m["selectPolicy"] {
      rules.selectPolicy = select.oneOf(["Max", "Min", "Disabled"]).flatMap(SelectPolicy.init(rawValue:))
      ok = ok && rules.selectPolicy != nil
    }
    if let tolerance = m["tolerance"] {
      // As a float (upstream's AsApproximateFloat64), not in thousandths: 0.0005 is a tolerance.
      if quantity(tolerance, positive: false) != nil, let text = tolerance.scalarText,
        let value = KubernetesQuantity.approximate(text)
      {
        rules.tolerance = value
      } else {
        ok = false
      }
    }
    if let list = m["policies"] {
      guard let items = list.sequence() else { return nil }
      if items.isEmpty { list.error("must specify at least one policy") }
      var policies: [ScalingPolicy] = []
      for item in items {
        guard let p = item.mapping(allowedKeys: ["type", "value", "periodSeconds"]) else {
          ok = false
          continue
        }
        let type = p.required("type")?.oneOf(["Pods", "Percent"]).flatMap(ScalingPolicy.Kind.init(rawValue:))
        let value = p.required("value")?.int(in: 1...Int(Int32.max))
        let period = p.required("periodSeconds")?.int(in: 1...1800)
        if let type, let value, let period {
          policies.append(ScalingPolicy(type: type, value: value, periodSeconds: period))
        } else {
          ok = false
        }
      }
      if items.isEmpty { ok = false }
      rules.policies = policies
    }
    return ok ? rules : nil
  }
}

// MARK: YAML 1.1

extension KubernetesManifest {
  /// Plain values that Kubernetes reads otherwise than capsim does. kubectl and the API server
  /// read YAML through go-yaml's YAML 1.1 rules (sigs.k8s.io/yaml), capsim by YAML 1.2's core
  /// schema: `yes` and `on` are booleans there, `010` is octal 8, `1_000` is 1000 and `0b11`
  /// is 3, while `0o17` is text. A manifest that means one thing to the cluster and another
  /// to the simulation is refused at the value.
  ///
  /// A collection repeated through aliases is walked once (by where it is written): walked
  /// each time, nested aliases ("billion laughs") took minutes.
  static func checkYAML11(_ node: ConfigNode) {
    var walked: Set<[Int]> = []
    checkYAML11(node, walked: &walked)
  }

  private static func checkYAML11(_ node: ConfigNode, walked: inout Set<[Int]>) {
    switch node.node {
    case .mapping, .sequence:
      guard walked.insert([node.line, node.column]).inserted else { return }
    default:
      break
    }
    switch node.node {
    case .mapping(let mapping):
      for (key, value) in mapping {
        let name = key.scalar?.string ?? "?"
        checkYAML11(
          node.child(value, keyPath: node.keyPath.isEmpty ? name : node.keyPath + "." + name), walked: &walked)
      }
    case .sequence(let sequence):
      for (i, item) in sequence.enumerated() {
        checkYAML11(node.child(item, keyPath: "\(node.keyPath)[\(i)]"), walked: &walked)
      }
    case .scalar(let scalar):
      guard scalar.style == .plain || scalar.style == .any, let reading = yaml11Reading(scalar.string) else { return }
      node.error(
        "'\(scalar.string)' is \(reading) to Kubernetes (YAML 1.1) but \(yaml12Reading(scalar.string)) to YAML 1.2: write it so that both agree, or quote it if it is text"
      )
    default:
      break
    }
  }

  static let yaml11Booleans: Set<String> = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
  ]

  /// What go-yaml makes of `text` where that differs from YAML 1.2's reading; nil where they agree.
  static func yaml11Reading(_ text: String) -> String? {
    if yaml11Booleans.contains(text) {
      return "the boolean \(["y", "yes", "on"].contains(text.lowercased()))"
    }
    var digits = Substring(text)
    if let sign = digits.first, sign == "-" || sign == "+" { digits = digits.dropFirst() }
    // A leading zero is octal to go-yaml (`010` is 8); `08` is no octal and stays 8 there too.
    if digits.count > 1, digits.first == "0", digits.allSatisfy(\.isNumber), let octal = Int(digits, radix: 8),
      octal != Int(digits)
    {
      return "the octal number \(text.first == "-" ? "-" : "")\(octal)"
    }
    if digits.hasPrefix("0b"), digits.count > 2, digits.dropFirst(2).allSatisfy({ $0 == "0" || $0 == "1" || $0 == "_" })
    {
      return "the binary number \(Int(digits.dropFirst(2).filter { $0 != "_" }, radix: 2).map(String.init) ?? "")"
    }
    if digits.hasPrefix("0o"), digits.count > 2, digits.dropFirst(2).allSatisfy({ ("0"..."7").contains($0) }) {
      return "text"
    }
    if digits.contains("_"), let first = digits.first, first.isNumber, Double(digits.filter { $0 != "_" }) != nil {
      return "the number \(digits.filter { $0 != "_" })"
    }
    return nil
  }

  static func yaml12Reading(_ text: String) -> String {
    switch ScalarValue.plain(text) {
    case .integer(let literal): "the number \(ScalarValue.intValue(literal).map(String.init) ?? literal)"
    case .float(let value): "the number \(value)"
    case .bool(let value): "the boolean \(value)"
    default: "text"
    }
  }
}
