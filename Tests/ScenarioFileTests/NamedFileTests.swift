import Foundation
import ScenarioFile
import Testing

/// A file named by a key (`topology:`, `base:`, `autoscaler:`) that is a directory or empty:
/// the error is at the key that names it, in the scenario, not at line 1 of the directory.
@Suite struct NamedFileTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    /// The scenario's text; the folder also has `t.yaml` (the platform topology, or the
    /// network's for a queueing scenario) and a directory `folder/`.
    var scenario: String
    var platform: Bool
    var keyPath: String
    var message: String
    var testDescription: String { name }
  }

  static let network = ScenarioSchemaTests.scenario().replacingOccurrences(
    of: "topology: topology.yaml", with: "topology: t.yaml")

  static let cases = [
    Case(
      name: "a queueing scenario's topology is a directory",
      scenario: network.replacingOccurrences(of: "topology: t.yaml", with: "topology: folder"), platform: false,
      keyPath: "topology", message: "topology file 'folder' is a directory"),
    Case(
      name: "a queueing scenario's topology is empty",
      scenario: network.replacingOccurrences(of: "topology: t.yaml", with: "topology: \"\""), platform: false,
      keyPath: "topology", message: "topology file is empty"),
    Case(
      name: "a queueing scenario's topology is its own folder",
      scenario: network.replacingOccurrences(of: "topology: t.yaml", with: "topology: ."), platform: false,
      keyPath: "topology", message: "is a directory"),
    Case(
      name: "a platform scenario's topology is a directory",
      scenario: PlatformSchemaTests.scenario.replacingOccurrences(of: "topology: t.yaml", with: "topology: folder/"),
      platform: true, keyPath: "topology", message: "topology file 'folder/' is a directory"),
    Case(
      name: "a what-if's base is a directory", scenario: "base: folder\n", platform: true, keyPath: "base",
      message: "base scenario 'folder' is a directory"),
    Case(
      name: "an autoscaler manifest is a directory",
      scenario: PlatformSchemaTests.scenario + "autoscaler: folder\n", platform: true, keyPath: "autoscaler",
      message: "autoscaler manifest 'folder' is a directory"),
    // A file of another kind, told by its top keys, instead of errors inside it.
    Case(
      name: "a what-if's base is a topology", scenario: "base: t.yaml\n", platform: true, keyPath: "base",
      message: "'t.yaml' is a platform topology, not a platform scenario"),
    Case(
      name: "a platform scenario's topology is a scenario",
      scenario: PlatformSchemaTests.scenario.replacingOccurrences(of: "topology: t.yaml", with: "topology: s.yaml"),
      platform: true, keyPath: "topology", message: "'s.yaml' is a platform scenario, not a platform topology"),
    Case(
      name: "a queueing scenario's topology is a scenario",
      scenario: network.replacingOccurrences(of: "topology: t.yaml", with: "topology: s.yaml"), platform: false,
      keyPath: "topology", message: "'s.yaml' is a queueing-network scenario, not a queueing-network topology"),
  ]

  @Test(arguments: cases) func theErrorIsAtTheKeyThatNamesTheFile(_ c: Case) throws {
    let topology = c.platform ? PlatformSchemaTests.topology : ScenarioSchemaTests.topology
    let dir = try ScenarioSchemaTests.folder(["t.yaml": topology, "s.yaml": c.scenario, "folder/x.yaml": "a: 1\n"])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let diagnostics = try #require(throws: DiagnosticError.self) {
      if c.platform {
        _ = try ScenarioFile.loadPlatform(path: dir + "/s.yaml")
      } else {
        _ = try ScenarioFile.load(path: dir + "/s.yaml")
      }
    }.diagnostics
    let errors = diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1, "\(errors)")
    let e = try #require(errors.first)
    #expect(e.file == dir + "/s.yaml" && e.keyPath == c.keyPath, "\(e)")
    #expect(e.message.contains(c.message), "\(e)")
  }

  /// A topology with a stray key of a scenario (`run:`) still has its `stations:`: it is read as
  /// the topology it is, and the stray key is its own error, in it.
  @Test func aTopologyWithAStrayScenarioKeyIsReadAsATopology() throws {
    let dir = try ScenarioSchemaTests.folder([
      "t.yaml": "run: {replications: 2}\n" + ScenarioSchemaTests.topology, "s.yaml": Self.network,
    ])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let errors = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
      .diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1 && errors[0].file == dir + "/t.yaml", "\(errors)")
    #expect(errors.first?.message.contains("unknown key 'run'") == true, "\(errors)")
  }
}
