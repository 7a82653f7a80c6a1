import Autoscaling
import Demand
import Foundation
import Suggestions

/// Recorded metrics for `capsim autoscaler dry-run`.
///
/// A JSON (or YAML) document with one entry per HPA sync, read with the same located
/// diagnostics as capsim's other files. The format is documented in the README ("The
/// dry-run metrics file").
package enum AutoscalerMetricsFile {
  /// The syncs, and whether times were written as dates (RFC 3339) rather than seconds.
  ///
  /// What the autoscaler replayed reads, by metric source (names with their selectors, as
  /// `MetricSpec.name`). A ScaledObject reads only capsim series and cpu samples: KEDA computes
  /// its external metrics itself.
  package struct Reads: Sendable {
    /// Its prometheus triggers' queries, in their canonical form.
    package var series: Set<String> = []
    package var pods: Set<String> = []
    package var objects: Set<String> = []
    package var external: Set<String> = []

    package init(series: Set<String> = [], pods: Set<String> = [], objects: Set<String> = [], external: Set<String> = []) {
      self.series = series
      self.pods = pods
      self.objects = objects
      self.external = external
    }

    /// What an HPA's metrics read.
    package init(_ hpa: HPASpec) {
      for metric in hpa.metrics {
        switch metric.source {
        case .resource: break
        case .pods: pods.insert(metric.name)
        case .object: objects.insert(metric.name)
        case .external: external.insert(metric.name)
        }
      }
    }
  }

  /// - Parameter reads: what the autoscaler replayed reads. A `capsim` series it does not read
  ///   is an error when it reads others (most likely a slip), else a warning once per series.
  ///   A Pods, Object or External metric it does not read is a warning once per name: one
  ///   recording may serve several autoscalers (DE's and CH's), but a name that no sync will
  ///   ever look at should not pass unsaid.
  package static func read(path: String, log: DiagnosticLog, reads: Reads) -> (
    syncs: [RecordedSync], datedTimes: Bool
  ) {
    let series = reads.series
    var unreadMetrics: Set<String> = []
    func checkRead(_ entry: ConfigNode.Entry, kind: String, among read: Set<String>) {
      guard !read.contains(entry.key), unreadMetrics.insert("\(kind) \(entry.key)").inserted else { return }
      let reading =
        read.isEmpty
        ? "the autoscaler reads no \(kind) metric"
        : "the autoscaler reads " + read.sorted().map { "'\($0)'" }.joined(separator: ", ")
      entry.keyNode.warning(
        "the \(kind) metric '\(entry.key)' is not read\(Suggestions.hint(for: entry.key, among: Array(read))): \(reading)")
    }
    let document = YAMLDocument(path: path, log: log)
    guard let root = document.root?.mapping(allowedKeys: ["syncs"]),
      let list = root.required("syncs")?.sequence()
    else { return ([], false) }
    var syncs: [RecordedSync] = []
    var unread: Set<String> = []
    var dated = false
    var previous: Double?
    for (i, item) in list.enumerated() {
      guard
        let m = item.mapping(allowedKeys: [
          "time", "replicas", "statusReplicas", "pods", "objects", "external", "capsim",
        ])
      else {
        continue
      }
      guard let timeNode = m.required("time"), let time = readTime(timeNode, dated: &dated) else { continue }
      if let previous, time < previous { timeNode.error("syncs must be in time order") }
      // Two syncs at one moment: the controller syncs once per interval; the second would
      // act on the first's decision as if time had passed.
      if let previous, time == previous { timeNode.error("another sync has this time: each sync has its own") }
      previous = time
      var sync = RecordedSync(time: time)
      if let node = m["replicas"] { sync.replicas = node.int(in: 0...Int(Int32.max)) }
      if i == 0 && sync.replicas == nil && m["replicas"] == nil {
        m.node.error("the first sync needs 'replicas' (the Deployment's spec.replicas)")
      }
      if let node = m["statusReplicas"] { sync.statusReplicas = node.int(in: 0...Int(Int32.max)) }
      for podNode in m["pods"]?.sequence() ?? [] {
        let pod = readPod(podNode, at: time, dated: &dated, metrics: &sync.metrics) {
          checkRead($0, kind: "Pods", among: reads.pods)
        }
        guard let pod else { continue }
        // Pods are counted and their metrics keyed by name: one named twice would count twice.
        if sync.pods.contains(where: { $0.name == pod.name }) {
          podNode.error("a second pod named '\(pod.name)' in this sync: pod names are unique")
          continue
        }
        sync.pods.append(pod)
      }
      for entry in m["objects"]?.openMapping() ?? [] {
        checkRead(entry, kind: "Object", among: reads.objects)
        if let value = KubernetesManifest.quantity(entry.value, positive: false) {
          sync.metrics.objects[entry.key] = value
        }
      }
      for entry in m["external"]?.openMapping() ?? [] {
        checkRead(entry, kind: "External", among: reads.external)
        let values = entry.value.isSequence ? entry.value.sequence() ?? [] : [entry.value]
        sync.metrics.external[entry.key] = values.compactMap { KubernetesManifest.quantity($0, positive: false) }
      }
      for entry in m["capsim"]?.openMapping() ?? [] {
        guard series.contains(entry.key) else {
          if series.isEmpty {
            // Nothing here reads capsim series (an HPA): recorded for another autoscaler, unused.
            if unread.insert(entry.key).inserted {
              entry.keyNode.warning(
                "the series '\(entry.key)' is not read: the autoscaler reads no capsim series (only a ScaledObject's prometheus triggers do)")
            }
          } else {
            // A trigger reads capsim series, but not this one: most likely a slip for one it reads.
            entry.keyNode.error(
              "no trigger reads the series '\(entry.key)'\(Suggestions.hint(for: entry.key, among: Array(series))): the autoscaler reads "
                + series.sorted().map { "'\($0)'" }.joined(separator: ", "))
          }
          continue
        }
        if entry.value.isNull {
          sync.capsim[entry.key] = .nan  // an empty query result
        } else if let value = entry.value.double() {
          sync.capsim[entry.key] = value
        }
      }
      syncs.append(sync)
    }
    return (syncs, dated)
  }

  /// One pod of a sync; `metricRead` sees each of its Pods metric entries.
  static func readPod(
    _ node: ConfigNode, at time: Double, dated: inout Bool, metrics: inout MetricValues,
    metricRead: (ConfigNode.Entry) -> Void
  ) -> Pod? {
    let keys = ["name", "phase", "ready", "readySince", "start", "deleting", "cpuRequest", "cpu", "metrics"]
    guard let p = node.mapping(allowedKeys: keys), let name = p.required("name")?.string() else { return nil }
    let phase =
      p["phase"].map { $0.oneOf(Pod.Phase.allCases.map(\.rawValue)).flatMap(Pod.Phase.init(rawValue:)) } ?? .running
    let start = p["start"].flatMap { readTime($0, dated: &dated) }
    var readiness: Pod.Readiness?
    if let ready = p["ready"]?.bool() {
      let since = p["readySince"].flatMap { readTime($0, dated: &dated) } ?? start ?? time
      readiness = Pod.Readiness(ready: ready, since: since)
    }
    let request = p["cpuRequest"].flatMap { KubernetesManifest.quantity($0) }
    if let cpu = p["cpu"]?.mapping(allowedKeys: ["usage", "timestamp", "window"]) {
      let usage = cpu.required("usage").flatMap { KubernetesManifest.quantity($0, positive: false) }
      let timestamp = cpu["timestamp"].flatMap { readTime($0, dated: &dated) } ?? time
      var window: Double? = 30
      if let node = cpu["window"] { window = sampleWindow(node) }
      if let usage, let window { metrics.cpu[name] = CPUSample(usage: usage, timestamp: timestamp, window: window) }
    }
    for entry in p["metrics"]?.openMapping() ?? [] {
      metricRead(entry)
      if let value = KubernetesManifest.quantity(entry.value, positive: false) {
        metrics.pods[entry.key, default: [:]][name] = value
      }
    }
    guard let phase else { return nil }
    return Pod(
      name: name, phase: phase, readiness: readiness, startTime: start, deleting: p["deleting"]?.bool() ?? false,
      cpuRequest: request)
  }

  /// A cpu sample's window: seconds as a number (`30`, as scripts/prometheus-to-dry-run.py
  /// writes it) or a duration with its unit (`"30s"`). A quoted `"30"` is a duration without
  /// its unit, refused as in every other file.
  static func sampleWindow(_ node: ConfigNode) -> Double? {
    switch node.scalarValue {
    case .integer?, .float?: node.double()
    default: node.duration()
    }
  }

  /// Seconds (a number) or an RFC 3339 date-time (`2026-12-07T08:00:00Z`, offsets allowed).
  static func readTime(_ node: ConfigNode, dated: inout Bool) -> Double? {
    if let text = node.scalarText, text.contains("T") || text.contains(":") {
      // The formatter rolls 2026-02-30 over to 2 March: the day must exist.
      guard CivilDate(iso: text.prefix(10)) != nil else {
        node.error("'\(text)' is not an RFC 3339 date-time such as 2026-12-07T08:00:00Z (no such day)")
        return nil
      }
      let formatter = ISO8601DateFormatter()
      if let date = formatter.date(from: text) {
        dated = true
        return date.timeIntervalSince1970
      }
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      if let date = formatter.date(from: text) {
        dated = true
        return date.timeIntervalSince1970
      }
      node.error("'\(text)' is not an RFC 3339 date-time such as 2026-12-07T08:00:00Z")
      return nil
    }
    return node.double()
  }
}
