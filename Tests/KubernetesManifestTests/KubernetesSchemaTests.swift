import AutoscaleRules
import Autoscaling
import Foundation
import Testing

/// Manifests against the real Kubernetes schema: `kubernetes-validate` (PyPI, with the
/// upstream OpenAPI schemas bundled), which `scripts/install-test-tools.sh` installs into
/// `.build/test-tools`. ScaledObjects are a custom resource it has no schema for; capsim's
/// strict KEDA reader checks those.
@Suite struct KubernetesSchemaTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `$KUBERNETES_VALIDATE`, the project's copy, then `PATH`.
  static let tool: String? = {
    let environment = ProcessInfo.processInfo.environment
    var candidates = [environment["KUBERNETES_VALIDATE"], root.path + "/.build/test-tools/bin/kubernetes-validate"]
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/kubernetes-validate" }
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static let missing = "kubernetes-validate not found: run scripts/install-test-tools.sh (make test does)"

  /// Status and output of `kubernetes-validate --strict` (unknown fields refused) on `files`.
  static func validate(_ files: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool!)
    process.arguments = ["--strict", "--no-warn"] + files
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// The shipped manifests (`k8s/` and the derived `autoscalers/`, when there) and the linter's
  /// Kubernetes fixtures.
  static var manifests: [String] {
    var files: [String] = []
    let k8s = root.appendingPathComponent("k8s")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: k8s.path) {
      files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { k8s.appendingPathComponent($0).path }
    }
    for territory in ["DE", "CH"] {
      let hpa = root.appendingPathComponent("autoscalers/\(territory)/hpa.yaml")
      if FileManager.default.fileExists(atPath: hpa.path) { files.append(hpa.path) }
    }
    let lint = root.appendingPathComponent("Tests/KubernetesManifestTests/Fixtures/lint")
    files += ["deployment-replicas.yaml", "target-above-100.yaml"].map { lint.appendingPathComponent($0).path }
    return files
  }

  @Test(.enabled(if: tool != nil, "\(missing)"))
  func theManifestsPassTheKubernetesSchema() throws {
    let (status, output) = try Self.validate(Self.manifests)
    #expect(status == 0, "\(output)")
    #expect(output.contains("passed for resource horizontalpodautoscaler/crm-de"), "\(output)")
    #expect(output.contains("autoscalers/CH/hpa.yaml passed"), "\(output)")
  }

  /// The check can fail: a field the schema does not have is refused.
  @Test(.enabled(if: tool != nil, "\(missing)"))
  func anUnknownFieldFailsTheSchema() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-hpa-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: crm-de}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: crm-de}
      minReplicas: 2
      maxReplica: 10
    """.write(to: file, atomically: true, encoding: .utf8)
    let (status, output) = try Self.validate([file.path])
    #expect(status != 0 && output.contains("maxReplica"), "\(output)")
  }

  /// What capsim writes passes the schema too: an HPA with metrics of every kind it writes and
  /// a behavior.
  @Test(.enabled(if: tool != nil, "\(missing)"))
  func aWrittenHPAPassesTheSchema() throws {
    let spec = HPASpec(
      minReplicas: 2, maxReplicas: 12,
      metrics: [
        .cpu(.utilization(70)), MetricSpec(source: .pods, name: "requests_per_second", target: .averageValue(20_000)),
        MetricSpec(source: .external, name: "queue_depth", target: .value(150_000)),
      ],
      behavior: Behavior(
        scaleUp: ScalingRules(
          stabilizationWindowSeconds: 0, selectPolicy: .max,
          policies: [ScalingPolicy(type: .pods, value: 4, periodSeconds: 15)]),
        scaleDown: ScalingRules(stabilizationWindowSeconds: 600)))
    let text = ManifestText(header: ["a test"], why: ["spec.minReplicas": "why"]).hpa(
      name: "crm-de", deployment: "crm-de", spec: spec)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-hpa-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try text.write(to: file, atomically: true, encoding: .utf8)
    let (status, output) = try Self.validate([file.path])
    #expect(status == 0 && output.contains("passed"), "\(output)\n\(text)")
  }
}
