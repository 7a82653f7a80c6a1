import Autoscaling
import Foundation
import Suggestions

/// A KEDA ScaledObject document (keda.sh/v1alpha1) with cpu, cron and prometheus triggers.
enum ScaledObjectReader {
  /// A did-you-mean for a time zone. An offset such as `UTC+1` is no IANA zone; the database's
  /// fixed offsets are `Etc/GMT-N`, the sign inverted (POSIX), so name that one.
  static func zoneHint(_ name: String) -> String {
    let upper = name.uppercased()
    if upper.hasPrefix("UTC") || upper.hasPrefix("GMT"), let sign = upper.dropFirst(3).first,
      sign == "+" || sign == "-",
      let hours = Int(upper.dropFirst(4)), upper.dropFirst(4).allSatisfy(\.isNumber),
      sign == "+" ? hours <= 14 : hours <= 12
    {
      let etc = hours == 0 ? "Etc/UTC" : "Etc/GMT\(sign == "+" ? "-" : "+")\(hours)"
      return " (did you mean '\(etc)', UTC\(sign)\(hours) with IANA's inverted sign?)"
    }
    return Suggestions.hint(for: name, among: TimeZone.knownTimeZoneIdentifiers)
  }

  static let specKeys = [
    "scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
    "minReplicaCount",
    "maxReplicaCount", "advanced", "triggers", "fallback",
  ]

  static func read(_ root: ConfigNode) -> KubernetesManifest.Autoscaler? {
    guard let m = root.mapping(allowedKeys: ["apiVersion", "kind", "metadata", "spec", "status"]) else { return nil }
    let name = KubernetesManifest.readName(m)
    guard let spec = m.required("spec")?.mapping(allowedKeys: specKeys) else { return nil }
    var ok = true
    let target = KubernetesManifest.readTarget(
      spec.required("scaleTargetRef"), kindRequired: false, extraKeys: ["envSourceContainerName"])
    if let idle = spec.keyNode("idleReplicaCount") {
      idle.error("idleReplicaCount is not simulated: capsim's KEDA scales between 0 and minReplicaCount")
      ok = false
    }
    func seconds(_ key: String, _ range: ClosedRange<Int>, default value: Double) -> Double {
      guard let node = spec[key] else { return value }
      guard let n = node.int(in: range) else {
        ok = false
        return value
      }
      return Double(n)
    }
    let polling = seconds("pollingInterval", 1...Int(Int32.max), default: 30)
    let cooldown = seconds("cooldownPeriod", 0...Int(Int32.max), default: 300)
    let initialCooldown = seconds("initialCooldownPeriod", 0...Int(Int32.max), default: 0)
    let minimum = spec["minReplicaCount"].map { $0.int(in: 0...Int(Int32.max)) } ?? 0
    let maxNode = spec["maxReplicaCount"]
    let maximum = maxNode.map { $0.int(in: 1...Int(Int32.max)) } ?? 100
    if let minimum, let maximum, minimum > maximum {
      (maxNode ?? spec.keyNode("minReplicaCount") ?? spec.node).error(
        "minReplicaCount (\(minimum)) must be at most maxReplicaCount (\(maximum))")
      ok = false
    }
    var behavior: Behavior?
    if let advanced = spec["advanced"]?.mapping(allowedKeys: [
      "horizontalPodAutoscalerConfig", "restoreToOriginalReplicaCount", "scalingModifiers",
    ]) {
      if let modifiers = advanced.keyNode("scalingModifiers") {
        modifiers.error("advanced.scalingModifiers is not simulated (formulas over trigger metrics)")
        ok = false
      }
      if let restore = advanced["restoreToOriginalReplicaCount"] { _ = restore.bool() }
      if let config = advanced["horizontalPodAutoscalerConfig"]?.mapping(allowedKeys: ["behavior", "name"]) {
        _ = config["name"]?.string()
        if let node = config["behavior"] {
          behavior = KubernetesManifest.readBehavior(node)
          ok = ok && behavior != nil
        }
      }
    }
    var triggers: [Trigger] = []
    var triggerNodes: [ConfigNode] = []
    if let listNode = spec.required("triggers"), let list = listNode.sequence() {
      triggerNodes = list
      if list.isEmpty {
        listNode.error("a ScaledObject needs at least one trigger")
        ok = false
      }
      // KEDA's admission check (ValidateTriggers): a trigger's name, when given, is unique.
      var named: Set<String> = []
      for item in list {
        guard let trigger = readTrigger(item, deployment: target?.name) else {
          ok = false
          continue
        }
        if let name = trigger.name, !named.insert(name).inserted {
          item.error("trigger name '\(name)' is given twice: KEDA refuses a ScaledObject whose trigger names repeat")
          ok = false
        }
        triggers.append(trigger)
      }
    } else {
      ok = false
    }
    var fallback: Fallback?
    if let f = spec["fallback"]?.mapping(allowedKeys: ["failureThreshold", "replicas", "behavior"]) {
      let threshold = f.required("failureThreshold")?.int(in: 0...Int(Int32.max))
      let replicas = f.required("replicas")?.int(in: 0...Int(Int32.max))
      let kind =
        f["behavior"].map {
          $0.oneOf(Fallback.Behavior.allCases.map(\.rawValue)).flatMap(Fallback.Behavior.init(rawValue:))
        }
        ?? .static
      if let threshold, let replicas, let kind {
        fallback = Fallback(failureThreshold: threshold, replicas: replicas, behavior: kind)
      } else {
        ok = false
      }
      // KEDA's admission check (CheckFallbackValid, since 2.18 #6655): at least one trigger
      // other than cpu or memory, of either metricType (a Value trigger's fallback is divided
      // by the ready pods, `doFallback`).
      let canFallBack = triggers.contains { trigger in
        if case .cpu = trigger.kind { false } else { true }
      }
      if !canFallBack && ok {
        spec.keyNode("fallback")?.error(
          "fallback needs a trigger other than cpu (KEDA: cpu and memory triggers cannot fall back)")
        ok = false
      }
    }
    // KEDA's admission check (verifyCPUMemoryScalers): cpu alone cannot wake a deployment from
    // zero, since with no pods there is no cpu to measure.
    let onlyCPU = !triggers.isEmpty && triggers.allSatisfy { if case .cpu = $0.kind { true } else { false } }
    if ok, onlyCPU, minimum == 0 {
      (spec.keyNode("minReplicaCount") ?? spec.keyNode("triggers") ?? spec.node).error(
        "a ScaledObject whose only triggers are cpu needs minReplicaCount of at least 1 (it is "
          + "\(spec["minReplicaCount"] == nil ? "0 when left out" : "0"); KEDA refuses it: with no pods there is no cpu to scale from zero on)"
      )
      ok = false
    }
    guard ok, let name, let target, let minimum, let maximum else { return nil }
    var so = ScaledObjectSpec(name: name, target: target.name, triggers: triggers)
    so.pollingInterval = polling
    so.cooldownPeriod = cooldown
    so.initialCooldownPeriod = initialCooldown
    so.minReplicaCount = minimum
    so.maxReplicaCount = maximum
    so.fallback = fallback
    so.behavior = behavior
    var autoscaler = KubernetesManifest.Autoscaler(
      name: name, deployment: target.name, kind: .scaledObject(so), file: root.file, line: root.line,
      targetNode: target.node, metricNodes: triggerNodes, maxNode: maxNode)
    autoscaler.namespace = m["metadata"]?.node.mapping?["namespace"]?.string
    return autoscaler
  }

  static let scalers = ["cpu", "cron", "prometheus"]

  static func readTrigger(_ node: ConfigNode, deployment: String?) -> Trigger? {
    guard
      let t = node.mapping(allowedKeys: [
        "type", "name", "metadata", "metricType", "authenticationRef", "useCachedMetrics",
      ]),
      let typeNode = t.required("type"), let type = typeNode.string()
    else { return nil }
    let name = t["name"]?.string()
    if let auth = t["authenticationRef"] { _ = auth.mapping(allowedKeys: ["name", "kind"]) }
    // KEDA's admission check (ValidateTriggers, apis/keda/v1alpha1/scaletriggers_types.go):
    // the cache is for scalers that query something; cpu, memory and cron have nothing to cache.
    if let cached = t["useCachedMetrics"], cached.bool() == true,
      ["cpu", "memory", "cron"].contains(typeNode.scalarText ?? "")
    {
      t.keyNode("useCachedMetrics")?.error(
        "useCachedMetrics is not supported for a \(typeNode.scalarText ?? "") trigger (KEDA refuses the ScaledObject)")
      return nil
    }
    let metricTypeNode = t["metricType"]
    let metricType = metricTypeNode?.oneOf(["AverageValue", "Value", "Utilization"])
    if metricTypeNode != nil && metricType == nil { return nil }
    switch type {
    case "cpu":
      guard let meta = t.required("metadata")?.mapping(allowedKeys: ["value", "type", "containerName"]) else {
        return nil
      }
      if let container = meta.keyNode("containerName") {
        container.error("containerName is not simulated: capsim models a pod's cpu as a whole")
        return nil
      }
      var kind = metricType
      if let legacy = meta["type"] {
        meta.keyNode("type")?.warning(
          "metadata.type is deprecated (removed in KEDA 2.18); use the trigger's metricType")
        kind = kind ?? legacy.oneOf(["Utilization", "AverageValue"])
      }
      guard let kind else {
        (metricTypeNode ?? typeNode).error("a cpu trigger needs metricType: Utilization or AverageValue")
        return nil
      }
      guard let valueNode = meta.required("value"), let text = valueNode.string() else { return nil }
      switch kind {
      case "Utilization":
        guard let percent = Int(text), percent >= 1 else {
          valueNode.error("a Utilization value is a whole percentage of at least 1, found '\(text)'")
          return nil
        }
        return Trigger(name: name, .cpu(.utilization(percent)))
      case "AverageValue":
        guard let milli = KubernetesQuantity.milli(text), milli > 0 else {
          valueNode.error("'\(text)' is not a positive quantity such as 500m")
          return nil
        }
        return Trigger(name: name, .cpu(.averageValue(milli)))
      default:
        metricTypeNode?.error("metricType Value is not allowed for cpu; use Utilization or AverageValue")
        return nil
      }
    case "cron":
      if metricType == "Utilization" {
        metricTypeNode?.error("metricType Utilization is only for cpu; use AverageValue or Value")
        return nil
      }
      guard let meta = t.required("metadata")?.mapping(allowedKeys: ["timezone", "start", "end", "desiredReplicas"])
      else { return nil }
      let timezone = meta.required("timezone")?.string()
      let start = meta.required("start")?.string()
      let end = meta.required("end")?.string()
      var desired: Int?
      if let node = meta.required("desiredReplicas"), let text = node.string() {
        if let n = Int(text), n >= 1 {
          desired = n
        } else {
          node.error("desiredReplicas must be a whole number of at least 1, found '\(text)'")
        }
      }
      guard let timezone, let start, let end, let desired else { return nil }
      switch CronTrigger.make(timezone: timezone, start: start, end: end, desiredReplicas: desired) {
      case .success(var cron):
        cron.metricType = metricType == "Value" ? .value : .averageValue
        return Trigger(name: name, .cron(cron))
      case .failure(let problem):
        let at = meta[problem.field] ?? meta.node
        if problem.field == "timezone" {
          at.error("unknown time zone '\(timezone)'\(Self.zoneHint(timezone)) (an IANA name such as Europe/Berlin)")
        } else {
          at.error(problem.message)
        }
        return nil
      }
    case "prometheus":
      if metricType == "Utilization" {
        metricTypeNode?.error("metricType Utilization is only for cpu; use AverageValue or Value")
        return nil
      }
      let keys = [
        "serverAddress", "query", "threshold", "activationThreshold", "namespace", "ignoreNullValues", "unsafeSsl",
        "customHeaders", "queryParameters", "timeout", "authModes", "awsRegion", "identityOwner",
      ]
      guard let meta = t.required("metadata")?.mapping(allowedKeys: keys) else { return nil }
      _ = meta.required("serverAddress")?.string()
      guard let queryNode = meta.required("query"), let query = queryNode.string() else { return nil }
      let series: CapsimSeries
      switch PrometheusQuery.parse(query) {
      case .success(let s): series = s
      case .failure(let refusal):
        queryNode.error(refusal.message)
        return nil
      }
      if let deployment, let selected = series.deployment, selected != deployment {
        queryNode.error("the query selects deployment '\(selected)' but the ScaledObject scales '\(deployment)'")
        return nil
      }
      /// `above`: the number must be above 0 (a threshold), else at least 0.
      func number(_ key: String, required: Bool, above: Bool) -> Double?? {
        guard let node = required ? meta.required(key) : meta[key] else { return required ? .some(nil) : .none }
        guard let text = node.string() else { return .some(nil) }
        guard let value = Double(text), value.isFinite, above ? value > 0 : value >= 0 else {
          node.error("\(key) must be a number \(above ? "above 0" : "of at least 0"), found '\(text)'")
          return .some(nil)
        }
        return .some(value)
      }
      // Every field is read before giving up, so that one run names all their errors.
      let thresholdRead = number("threshold", required: true, above: true)
      let activation = number("activationThreshold", required: false, above: false)
      var ignoreNull: Bool? = true
      if let node = meta["ignoreNullValues"], let text = node.string() {
        ignoreNull = Bool(text)
        if ignoreNull == nil { node.error("ignoreNullValues must be \"true\" or \"false\", found '\(text)'") }
      }
      guard case .some(.some(let threshold)) = thresholdRead, let ignoreNull else { return nil }
      if case .some(.none) = activation { return nil }
      var trigger = PrometheusTrigger(query: query, series: series, threshold: threshold)
      trigger.activationThreshold = (activation ?? 0) ?? 0
      trigger.metricType = metricType == "Value" ? .value : .averageValue
      trigger.ignoreNullValues = ignoreNull
      return Trigger(name: name, .prometheus(trigger))
    default:
      typeNode.error("scaler type '\(type)' is not simulated; capsim simulates cpu, cron and prometheus triggers")
      return nil
    }
  }
}
