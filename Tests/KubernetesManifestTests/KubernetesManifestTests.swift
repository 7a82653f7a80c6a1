import Autoscaling
import Foundation
import ScenarioFile
import Testing
import _TestSupport

/// The manifest reader: a well-formed repository of manifests, and one fixture per kind of
/// error, each naming in its first line where the error must be:
/// `# expect: LINE:COLUMN KEY.PATH | message fragment`.
@Suite struct KubernetesManifestTests {
  static func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
  }

  static let errorFixtures = [
    "unknown-field.yaml", "wrong-type.yaml", "min-above-max.yaml", "utilization-zero.yaml", "period-out-of-range.yaml",
    "window-out-of-range.yaml", "memory-metric.yaml", "container-resource.yaml", "unsupported-scaler.yaml",
    "cron-start-equals-end.yaml", "invalid-timezone.yaml", "cron-bad-schedule.yaml", "desired-replicas-number.yaml",
    "prometheus-unknown-metric.yaml", "not-a-deployment.yaml", "wrong-api-version.yaml", "empty-policies.yaml",
    "keda-min-above-max.yaml", "idle-replica-count.yaml", "duplicate-target.yaml", "misspelled-kind.yaml",
    "offset-timezone.yaml", "metric-two-sources.yaml", "keda-cpu-from-zero.yaml", "keda-fallback-cpu.yaml",
    "yaml11-octal.yaml", "duplicate-trigger-name.yaml", "cached-cron.yaml",
  ]

  @Test(arguments: errorFixtures)
  func eachErrorIsLocated(_ name: String) throws {
    let path = Self.fixture(name)
    let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
    let expectation = header.dropFirst("# expect: ".count)
    let (position, rest) = (expectation.prefix { $0 != " " }, expectation.drop { $0 != " " }.dropFirst())
    let parts = rest.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let (keyPath, message) = (parts[0], parts[1])
    let numbers = position.split(separator: ":").compactMap { Int($0) }
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [path], log: log)
    let errors = log.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1, "\(log.rendered())")
    let error = try #require(errors.first)
    #expect(error.line == numbers[0] && error.column == numbers[1], "\(error)")
    #expect(error.keyPath == keyPath, "\(error)")
    #expect(error.message.contains(message), "\(error)")
    #expect(error.file == path)
    if name != "duplicate-target.yaml" { #expect(manifest.autoscalers.isEmpty) }
  }

  @Test func aRepositoryOfManifestsIsReadWithOtherKindsNoted() throws {
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [Self.fixture("freshfoodz.yaml")], log: log)
    #expect(!log.hasErrors, "\(log.rendered())")
    let warnings = log.diagnostics.filter { $0.severity == .warning }
    #expect(warnings.map(\.line) == [3, 84])
    #expect(warnings.allSatisfy { $0.message.contains("ignored: capsim reads HorizontalPodAutoscaler") })
    #expect(manifest.autoscalers.map(\.deployment) == ["crm-de", "crm-ch"])

    guard case .hpa(let hpa) = try #require(manifest.autoscaler(for: "crm-de")).kind else {
      Issue.record("crm-de should have an HPA")
      return
    }
    #expect(hpa.minReplicas == 3 && hpa.maxReplicas == 30)
    #expect(
      hpa.metrics == [
        .cpu(.utilization(75)),
        MetricSpec(source: .pods, name: "http_requests_per_second", target: .averageValue(20_000)),
        MetricSpec(source: .external, name: "queue_length{queue=\"orders\"}", target: .value(500)),
      ])
    #expect(
      hpa.behavior?.scaleUp.policies == [
        ScalingPolicy(type: .pods, value: 4, periodSeconds: 60),
        ScalingPolicy(type: .percent, value: 100, periodSeconds: 60),
      ])
    #expect(hpa.behavior?.scaleDown.tolerance == 0.05)
    #expect(hpa.behavior?.scaleDown.stabilizationWindowSeconds == nil)

    guard case .scaledObject(let so) = try #require(manifest.autoscaler(for: "crm-ch")).kind else {
      Issue.record("crm-ch should have a ScaledObject")
      return
    }
    #expect(so.pollingInterval == 15 && so.cooldownPeriod == 600 && so.minReplicaCount == 0 && so.maxReplicaCount == 20)
    #expect(so.fallback == Fallback(failureThreshold: 3, replicas: 6))
    #expect(so.hpaSpec.behavior?.scaleDown.stabilizationWindowSeconds == 600)
    #expect(so.triggers.count == 3)
    guard case .prometheus(let prometheus) = so.triggers[2].kind, case .cron(let cron) = so.triggers[1].kind else {
      Issue.record("triggers out of order")
      return
    }
    #expect(prometheus.series.key == "rate(capsim_requests_total[120s])")
    #expect(prometheus.threshold == 40 && prometheus.activationThreshold == 5)
    #expect(cron.desiredReplicas == 8 && cron.timezone == "Europe/Zurich")
    #expect(so.triggers[1].label(index: 1) == "christmas-office-hours")
  }

  /// What `kubectl get hpa -o yaml` prints: a List whose items are read one by one.
  @Test func aListIsReadItemByItem() {
    let text = """
      apiVersion: v1
      kind: List
      metadata: {resourceVersion: ""}
      items:
        - apiVersion: autoscaling/v2
          kind: HorizontalPodAutoscaler
          metadata: {name: crm-de}
          spec:
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: crm-de}
            maxReplicas: 10
        - apiVersion: autoscaling/v2
          kind: HorizontalPodAutoscaler
          metadata: {name: crm-ch}
          spec:
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: crm-ch}
            maxReplicas: 0

      """
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(text: text, file: "hpas.yaml", log: log)
    let errors = log.diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.keyPath) == ["items[1].spec.maxReplicas"], "\(log.rendered())")
    #expect(errors.first?.line == 16)
    let again = DiagnosticLog()
    let fixed = KubernetesManifest.read(
      text: text.replacingOccurrences(of: "maxReplicas: 0", with: "maxReplicas: 4"), file: "hpas.yaml", log: again)
    #expect(!again.hasErrors, "\(again.rendered())")
    #expect(fixed.autoscalers.map(\.deployment) == ["crm-de", "crm-ch"])
    #expect(manifest.autoscalers.isEmpty)
  }

  /// Plain values that Kubernetes (YAML 1.1) and capsim (YAML 1.2) read differently are
  /// refused; quoted, or written so that both agree, they are read.
  @Test func valuesThatYAML11ReadsOtherwiseAreRefused() {
    func errors(name: String, min: String) -> [String] {
      let log = DiagnosticLog()
      _ = KubernetesManifest.read(
        text: """
          apiVersion: autoscaling/v2
          kind: HorizontalPodAutoscaler
          metadata: {name: \(name)}
          spec:
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: crm-de}
            minReplicas: \(min)
            maxReplicas: 20
          """, file: "hpa.yaml", log: log)
      return log.diagnostics.filter { $0.severity == .error }.map { "\($0.keyPath): \($0.message)" }
    }
    #expect(
      errors(name: "yes", min: "2").first?.hasPrefix("metadata.name: 'yes' is the boolean true to Kubernetes") == true)
    #expect(errors(name: "crm", min: "010").first?.contains("the octal number 8") == true)
    #expect(errors(name: "crm", min: "1_0").first?.contains("the number 10 to Kubernetes") == true)
    #expect(errors(name: "crm", min: "0o10").first?.contains("text to Kubernetes") == true)
    #expect(errors(name: "\"yes\"", min: "08").isEmpty)
    #expect(errors(name: "crm", min: "07").isEmpty)
  }

  /// KEDA's pause annotations are warned about (the object runs unpaused); every faulty
  /// prometheus field is named in one run.
  @Test func pausesAreWarnedAboutAndEveryMetadataErrorIsNamed() {
    let log = DiagnosticLog()
    _ = KubernetesManifest.read(
      text: """
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata:
          name: crm-de
          annotations: {autoscaling.keda.sh/paused-replicas: "0"}
        spec:
          scaleTargetRef: {name: crm-de}
          triggers:
            - type: prometheus
              metadata:
                serverAddress: http://prometheus:9090
                query: sum(rate(capsim_requests_total{deployment="crm-de"}[2m]))
                threshold: "0"
                activationThreshold: abc
        """, file: "so.yaml", log: log)
    let warnings = log.diagnostics.filter { $0.severity == .warning }
    #expect(warnings.map(\.line) == [5] && warnings.first?.message.contains("paused-replicas is not simulated") == true)
    let errors = log.diagnostics.filter { $0.severity == .error }
    #expect(
      errors.map(\.message) == [
        "threshold must be a number above 0, found '0'",
        "activationThreshold must be a number of at least 0, found 'abc'",
      ], "\(log.rendered())")
  }

  /// The dry-run's recorded `capsim` series must be ones the autoscaler reads.
  @Test func aRecordedSeriesNoTriggerReadsIsAnError() throws {
    let path = Scratch.folder.appendingPathComponent("recorded-\(UUID().uuidString).json").path
    try Data(
      """
      {"syncs": [
        {"time": 0, "replicas": 2, "capsim": {"rate(capsim_requests_total[120s])": 50}},
        {"time": 15, "capsim": {"rate(capsim_requests_total[60s])": 50}}
      ]}
      """.utf8
    ).write(to: URL(fileURLWithPath: path))
    let log = DiagnosticLog()
    let read = AutoscalerMetricsFile.read(
      path: path, log: log, reads: .init(series: ["rate(capsim_requests_total[120s])"]))
    let errors = log.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1 && errors.first?.line == 3, "\(log.rendered())")
    #expect(errors.first?.message.contains("no trigger reads the series 'rate(capsim_requests_total[60s])'") == true)
    #expect(read.syncs.first?.capsim == ["rate(capsim_requests_total[120s])": 50])
    // An autoscaler that reads no capsim series at all (an HPA, the README's example file):
    // the series are recorded for another one, a warning once each, not an error
    let hpa = DiagnosticLog()
    let replayed = AutoscalerMetricsFile.read(path: path, log: hpa, reads: .init())
    #expect(!hpa.hasErrors && replayed.syncs.count == 2, "\(hpa.rendered())")
    #expect(hpa.diagnostics.filter { $0.severity == .warning }.count == 2, "\(hpa.rendered())")
  }

  /// Pods, Object and External values the HPA never reads are said, once per name, with the
  /// name it reads when one is close: a recording may serve two autoscalers, but a typo would
  /// otherwise pass as "no value recorded" at every sync.
  @Test func recordedMetricsNoMetricReadsAreWarnedOnce() throws {
    let path = Scratch.folder.appendingPathComponent("recorded-\(UUID().uuidString).json").path
    try Data(
      """
      {"syncs": [
        {"time": 0, "replicas": 2,
         "pods": [{"name": "a", "metrics": {"http_requests_per_second": "21", "queue_depth": "3"}}],
         "objects": {"ingres_requests_per_second": "240"}, "external": {"orders": ["1"]}},
        {"time": 15, "pods": [{"name": "a", "metrics": {"queue_depth": "3"}}],
         "objects": {"ingres_requests_per_second": "250"}}
      ]}
      """.utf8
    ).write(to: URL(fileURLWithPath: path))
    let log = DiagnosticLog()
    let reads = AutoscalerMetricsFile.Reads(
      HPASpec(
        maxReplicas: 5,
        metrics: [
          MetricSpec(source: .pods, name: "http_requests_per_second", target: .averageValue(10_000)),
          MetricSpec(source: .object, name: "ingress_requests_per_second", target: .value(100_000)),
        ]))
    let read = AutoscalerMetricsFile.read(path: path, log: log, reads: reads)
    #expect(!log.hasErrors && read.syncs.count == 2, "\(log.rendered())")
    let warnings = log.diagnostics.filter { $0.severity == .warning }
    #expect(warnings.map(\.line) == [3, 4, 4], "\(log.rendered())")
    #expect(
      warnings.map(\.message) == [
        "the Pods metric 'queue_depth' is not read: the autoscaler reads 'http_requests_per_second'",
        "the Object metric 'ingres_requests_per_second' is not read (did you mean 'ingress_requests_per_second'?): the autoscaler reads 'ingress_requests_per_second'",
        "the External metric 'orders' is not read: the autoscaler reads no External metric",
      ], "\(log.rendered())")
    // The values are kept all the same: the replay reads by name.
    #expect(read.syncs[0].metrics.objects["ingres_requests_per_second"] == 240_000)
  }

  /// Nested aliases ("billion laughs") are read in the time of the text, not of its
  /// expansion: nine levels of nine took minutes (the YAML 1.1 check walked every repeat). The
  /// read itself is timed (milliseconds; a walk of the expansion takes minutes): the test's
  /// time limit alone also counted the minutes it waited for a thread while the suite's
  /// simulations held both cores, and failed a full run once. The limit stays as a backstop.
  @Test(.timeLimit(.minutes(10))) func nestedAliasesAreWalkedOnce() {
    var text = "l0: &l0 [010, x, x, x, x, x, x, x, x]\n"
    for level in 1...9 {
      text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
    }
    text += "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: crm-de}\n"
    let log = DiagnosticLog()
    let elapsed = ContinuousClock().measure { _ = KubernetesManifest.read(text: text, file: "bomb.yaml", log: log) }
    #expect(elapsed < .seconds(20), "\(elapsed)")
    // The octal-looking value is said once, where it is written.
    #expect(log.diagnostics.filter { $0.message.contains("'010'") }.map(\.line) == [1], "\(log.rendered())")
  }

  @Test func documentsKeepTheirLines() {
    let text = "a: 1\n---\nb: 2\n--- # third\n\n# only a comment\n---\nc: 3\n...\n"
    let documents = KubernetesManifest.documents(in: text)
    #expect(documents.count == 3)
    #expect(documents.allSatisfy { $0.split(separator: "\n", omittingEmptySubsequences: false).count == 10 })
    #expect(documents[1].split(separator: "\n", omittingEmptySubsequences: false)[2] == "b: 2")
  }
}
