import Autoscaling
import Foundation
import PlatformModel
import Suggestions

extension PlatformScenarioFile {
  /// `autoscaler:` (a path or a list of paths, relative to the scenario) and `--autoscaler`
  /// paths (relative to the working directory): the HPAs and ScaledObjects in those
  /// Kubernetes files, each matched to the territory whose app pool names its
  /// `scaleTargetRef.name` as `deployment:`.
  ///
  /// - Returns: the autoscalers (nil after an error), for the connection limit each
  ///   autoscaled territory's maxReplicas, and the files read (for the run's record).
  static func readAutoscalers(
    _ top: Fields, extraPaths: [String], _ topology: PlatformFile.Result?, capacity: [CapacityChange]
  ) -> (autoscalers: [PoolAutoscaler]?, bounds: [AutoscaledBound], paths: [String]) {
    var paths: [String] = []
    var named: [String: ConfigNode] = [:]
    var ok = true
    if let node = top["autoscaler"] {
      let items = node.isSequence ? top.items("autoscaler") ?? [] : [node]
      if node.isSequence && items.isEmpty { node.error("expected at least one Kubernetes YAML file") }
      for item in items {
        guard let relative = item.string() else {
          ok = false
          continue
        }
        if let path = ScenarioFile.namedFile(relative, what: "autoscaler manifest", at: item) {
          paths.append(path)
          named[path] = item
        } else {
          ok = false
        }
      }
    }
    // A file named twice (the scenario's own manifest given again with --autoscaler) is read
    // once: twice, each of its autoscalers would conflict with itself.
    let resolved = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
    for extra in extraPaths {
      if paths.contains(where: { resolved($0) == resolved(extra) }) {
        (top["autoscaler"] ?? top.node).warning(
          "\(extra) is named twice (--autoscaler and autoscaler:, or --autoscaler twice); it is read once")
      } else {
        paths.append(extra)
      }
    }
    guard !paths.isEmpty else { return (ok ? [] : nil, [], []) }
    let log = top.node.log
    let errors = log.errorCount
    let manifest = KubernetesManifest.read(paths: paths, log: log)
    // A file named for its autoscalers that has none (a misspelled kind, an empty file) would
    // leave every pool at its fixed instances without a word that matters: an error.
    if log.errorCount == errors {
      for path in paths where !manifest.autoscalers.contains(where: { $0.file == path }) {
        let message = "no HorizontalPodAutoscaler or ScaledObject in \(path): nothing there would scale a pool"
        if let node = named[path] {
          node.error(message)
        } else {
          // An --autoscaler file is named on the command line, not in the scenario: the file is the place.
          log.error(
            "\(path) holds no HorizontalPodAutoscaler or ScaledObject: nothing there would scale a pool", file: path,
            line: 1, column: 1)
        }
        ok = false
      }
    }
    guard let topology, let platform = topology.platform else { return (nil, [], paths) }
    var autoscalers: [PoolAutoscaler] = []
    var bounds: [AutoscaledBound] = []
    let deployments = platform.territories.map(\.app.deployment)
    for autoscaler in manifest.autoscalers {
      func fail(_ message: String, at place: ConfigNode? = nil) {
        if let node = place ?? autoscaler.targetNode {
          node.error(message)
        } else {
          log.error(message, file: autoscaler.file, line: autoscaler.line, column: 1)
        }
        ok = false
      }
      guard let t = deployments.firstIndex(of: autoscaler.deployment) else {
        let named = deployments.compactMap { $0 }
        let hint = Suggestions.hint(for: autoscaler.deployment, among: named)
        fail(
          "\(autoscaler.title) scales Deployment '\(autoscaler.deployment)', which no territory's app pool names"
            + (named.isEmpty
              ? " (give a pool 'deployment: \(autoscaler.deployment)' in the topology)"
              : hint.isEmpty ? " (the topology's pools are \(named.joined(separator: ", ")))" : hint))
        continue
      }
      let territory = platform.territories[t].name
      if capacity.contains(where: { $0.territory == t }) {
        fail(
          "territory \(territory)'s pool is scaled by \(autoscaler.title) and by the scenario's capacity: schedule; give it one or the other"
        )
        continue
      }
      let controller: PoolAutoscaler.Controller
      switch autoscaler.kind {
      case .hpa(let spec):
        if let i = spec.metrics.firstIndex(where: { $0.source != .resource }) {
          let metric = spec.metrics[i]
          let key = ["pods": "pods", "object": "object", "external": "external"][metric.source.rawValue.lowercased()]
          fail(
            "\(autoscaler.title): the \(metric.source.rawValue) metric '\(metric.name)' has no source in the simulation (capsim simulates the cpu Resource metric; KEDA prometheus triggers query capsim's series)",
            at: autoscaler.metricNode(i, [key ?? "", "metric", "name"]))
          continue
        }
        controller = .hpa(spec)
      case .scaledObject(let spec):
        let latency = spec.triggers.indices.compactMap { i -> (Int, CapsimMetric)? in
          if case .prometheus(let p) = spec.triggers[i].kind,
            p.series.metric == .latencyP95 || p.series.metric == .latencyP99
          {
            return (i, p.series.metric)
          }
          return nil
        }
        if let (i, metric) = latency.first {
          fail(
            "\(autoscaler.title): \(metric.rawValue) is not recorded as a Prometheus series in the simulation; query capsim_requests_per_second, rate(capsim_requests_total[...]) or rate(capsim_ingress_requests_total[...])",
            at: autoscaler.metricNode(i, ["metadata", "query"]))
          continue
        }
        controller = .scaledObject(spec)
      }
      let scaler = PoolAutoscaler(
        territory: t, title: autoscaler.title, deployment: autoscaler.deployment, controller: controller)
      autoscalers.append(scaler)
      bounds.append((t, scaler.maxReplicas, autoscaler.title, autoscaler.maxNode))
    }
    return (ok ? autoscalers : nil, bounds, paths)
  }
}
