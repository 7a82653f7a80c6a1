import Foundation
import PlatformModel
import ScenarioFile
import Testing

/// A scenario's `autoscaler:` files (and `--autoscaler`): matched to pools by Deployment,
/// refused where they cannot run, counted against the connection limit at maxReplicas.
@Suite struct AutoscalerScenarioTests {
  static let topology = PlatformSchemaTests.topology
    .replacingOccurrences(of: "timeout: 5s, price: 0.19}", with: "timeout: 5s, price: 0.19, deployment: crm-de}")
    .replacingOccurrences(
      of: "app: {instances: 2, workers: 8, connections: 10}",
      with:
        "app: {instances: 2, workers: 8, connections: 10, deployment: crm-ch, pods: {readinessDelay: 10s, cpuRequest: 1500m}}"
    )

  static let scenario = PlatformSchemaTests.scenario.replacingOccurrences(
    of: "topology: t.yaml\n", with: "topology: t.yaml\nautoscaler: k.yaml\n")

  /// An HPA for crm-ch (maxReplicas 8: 80 of ch-primary's 100 connections) and a Service.
  static func manifest(target: String = "crm-ch", maxReplicas: Int = 8, metric: String = cpuMetric) -> String {
    """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata: {name: crm-ch}
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: \(target)}
      minReplicas: 2
      maxReplicas: \(maxReplicas)
      metrics:
    \(metric)
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: crm-ch}

    """
  }

  static let cpuMetric = """
        - type: Resource
          resource: {name: cpu, target: {type: Utilization, averageUtilization: 75}}
    """

  static func folder(topology: String = topology, scenario: String = scenario, manifest: String = manifest()) throws
    -> String
  {
    try PlatformSchemaTests.folder(topology: topology, scenario: scenario, ["k.yaml": manifest])
  }

  static func errors(_ dir: String, autoscalers: [String] = []) throws -> [Diagnostic] {
    try #require(throws: DiagnosticError.self) {
      try ScenarioFile.loadPlatform(path: dir + "/s.yaml", autoscalers: autoscalers)
    }
    .diagnostics.filter { $0.severity == .error }
  }

  @Test func anHPAScalesThePoolThatNamesItsDeployment() throws {
    // Given a topology whose CH pool is Deployment crm-ch, and an HPA of crm-ch
    let dir = try Self.folder()

    // When the scenario is read
    let (s, warnings) = try ScenarioFile.loadPlatform(path: dir + "/s.yaml")

    // Then CH is autoscaled, with its pods' settings, and the Service is skipped with a note
    #expect(s.autoscalers.map(\.territory) == [1])
    #expect(s.autoscalers.map(\.title) == ["HorizontalPodAutoscaler crm-ch"])
    #expect(s.autoscalers.first?.maxReplicas == 8)
    #expect(s.platform.territories[1].app.pods.readinessDelay == 10)
    #expect(s.platform.territories[1].app.pods.cpuRequest == 1_500)
    #expect(s.platform.territories[0].app.deployment == "crm-de")
    #expect(warnings.contains { $0.file.hasSuffix("k.yaml") && $0.message.contains("Service") })
  }

  @Test func theCommandLineAddsManifests() throws {
    // Given a scenario without autoscaler: and the manifest given as --autoscaler
    let plain = Self.scenario.replacingOccurrences(of: "autoscaler: k.yaml\n", with: "")
    let dir = try Self.folder(scenario: plain)
    let (s, _) = try ScenarioFile.loadPlatform(path: dir + "/s.yaml", autoscalers: [dir + "/k.yaml"])
    #expect(s.autoscalers.map(\.deployment) == ["crm-ch"])
  }

  @Test func aTargetThatNoPoolNamesIsAnErrorAtItsName() throws {
    let dir = try Self.folder(manifest: Self.manifest(target: "crm-chh"))
    let errors = try Self.errors(dir)
    #expect(errors.count == 1)
    let e = try #require(errors.first)
    #expect(e.file.hasSuffix("k.yaml") && e.line == 5 && e.column > 1, "\(e)")
    #expect(e.keyPath == "spec.scaleTargetRef.name", "\(e)")
    #expect(e.message.contains("no territory's app pool names") && e.message.contains("crm-ch"), "\(e.message)")
  }

  @Test func anAutoscaledPoolWithACapacityScheduleIsAnError() throws {
    // The scenario schedules capacity for DE; an HPA of crm-de collides with it.
    let manifest = Self.manifest(target: "crm-de", maxReplicas: 10)
    let errors = try Self.errors(try Self.folder(manifest: manifest))
    #expect(errors.map(\.message).contains { $0.contains("capacity:") && $0.contains("DE") }, "\(errors)")
  }

  @Test func theConnectionLimitCountsMaxReplicas() throws {
    // ch-primary takes 100 connections: 12 pods x 10 is too many, though CH starts with 2.
    let errors = try Self.errors(try Self.folder(manifest: Self.manifest(maxReplicas: 12)))
    let e = try #require(errors.first { $0.message.contains("maxConnections") })
    #expect(e.message.contains("12 x 10 = 120") && e.message.contains("maxReplicas 12"), "\(e.message)")
  }

  @Test func aMetricWithoutASourceInTheSimulationIsRefusedByName() throws {
    let pods = """
          - type: Pods
            pods:
              metric: {name: http_requests_per_second}
              target: {type: AverageValue, averageValue: "20"}
      """
    let errors = try Self.errors(try Self.folder(manifest: Self.manifest(metric: pods)))
    #expect(errors.map(\.message).contains { $0.contains("http_requests_per_second") && $0.contains("no source") })
  }

  @Test func aMissingManifestIsAnErrorAtTheKey() throws {
    let scenario = Self.scenario.replacingOccurrences(of: "autoscaler: k.yaml", with: "autoscaler: [k.yaml, gone.yaml]")
    let errors = try Self.errors(try Self.folder(scenario: scenario))
    let e = try #require(errors.first)
    #expect(e.keyPath == "autoscaler[1]" && e.message.contains("gone.yaml"), "\(e)")
  }

  /// A manifest saved with Windows line endings is read as with Unix ones (one beginning with
  /// a comment read as empty, and its HPA was dropped); a named file with no autoscaler at all
  /// is an error at the name, not a warning beside a run at fixed instances.
  @Test func windowsLineEndingsAndAFileWithoutAutoscalers() throws {
    let crlf = ("# the CH pool\n" + Self.manifest()).replacingOccurrences(of: "\n", with: "\r\n")
    let (s, _) = try ScenarioFile.loadPlatform(path: try Self.folder(manifest: crlf) + "/s.yaml")
    #expect(s.autoscalers.map(\.territory) == [1])
    let serviceOnly = "apiVersion: v1\nkind: Service\nmetadata: {name: crm-ch}\n"
    let errors = try Self.errors(try Self.folder(manifest: serviceOnly))
    #expect(
      errors.contains { $0.keyPath == "autoscaler" && $0.message.contains("no HorizontalPodAutoscaler or ScaledObject in") },
      "\(errors)")
  }

  /// An --autoscaler file holding only `---` is an error in that file (it was located at the
  /// scenario, which does not name the file).
  @Test func anEmptyCommandLineManifestIsAnErrorInIt() throws {
    let plain = Self.scenario.replacingOccurrences(of: "autoscaler: k.yaml\n", with: "")
    let dir = try PlatformSchemaTests.folder(topology: Self.topology, scenario: plain, ["e.yaml": "---\n"])
    let errors = try Self.errors(dir, autoscalers: [dir + "/e.yaml"])
    #expect(
      errors.map(\.description) == [
        "\(dir)/e.yaml:1:1: error: \(dir)/e.yaml holds no HorizontalPodAutoscaler or ScaledObject: nothing there would scale a pool"
      ])
  }

  @Test func aBadPodsSettingIsLocated() throws {
    let topology = Self.topology.replacingOccurrences(of: "cpuRequest: 1500m", with: "cpuRequest: 1.5")
    let errors = try Self.errors(try Self.folder(topology: topology))
    let e = try #require(errors.first)
    #expect(e.keyPath == "territories.CH.app.pods.cpuRequest" && e.file.hasSuffix("t.yaml"), "\(e)")
    #expect(e.message.contains("1.5 cores is 1500m"), "\(e)")
    // Cores beyond any millicore count are refused without a hint (the hint trapped, exit 132).
    for huge in ["1e20", "999999999999999999999", "1e308"] {
      let topology = Self.topology.replacingOccurrences(of: "cpuRequest: 1500m", with: "cpuRequest: \(huge)")
      let e = try #require(try Self.errors(try Self.folder(topology: topology)).first)
      #expect(e.message == "expected a cpu quantity in millicores such as 1500m, found \(huge)", "\(e)")
    }
  }
}
