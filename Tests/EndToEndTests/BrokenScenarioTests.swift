import Foundation
import Testing
import _TestSupport

/// Commands that take only platform scenarios, given a scenario that cannot be parsed: the
/// syntax error is reported at its line with status 1, as `capsim run` reports it, not called
/// "not a platform scenario" (a usage error that hides where the file is broken).
@Suite struct BrokenScenarioTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    /// The arguments before the scenario.
    var before: [String]
    /// The arguments after it.
    var after: [String] = []
    var testDescription: String { name }
  }

  static let cases = [
    Case(name: "autoscaler lint --scenario", before: ["autoscaler", "lint", "k8s/hpa.yaml", "--scenario"]),
    Case(name: "plan", before: ["plan"], after: ["--quiet"]),
    Case(name: "sweep", before: ["sweep"], after: ["--vary", "territories.A.app.instances=1,2", "--quiet"]),
    Case(name: "autoscale", before: ["autoscale"], after: ["--quiet"]),
    Case(name: "check", before: ["check"], after: ["--quiet", "--targets", "ci/targets.yaml"]),
    Case(name: "run --shard", before: ["run"], after: ["--shard", "0/2", "--quiet"]),
    Case(name: "run --autoscaler", before: ["run"], after: ["--autoscaler", "k8s/hpa.yaml", "--quiet"]),
  ]

  @Test(arguments: cases)
  func aSyntaxErrorIsReportedAtItsLine(_ c: Case) throws {
    let malformed = EndToEndTests.fixture("malformed.yaml")
    let r = try EndToEndTests.capsim(c.before + [malformed] + c.after)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("\(malformed):3:"), "\(r.stderr)")
    #expect(!r.stderr.contains("not a platform scenario") && !r.stderr.contains("Usage:"), "\(r.stderr)")
  }

  /// A misspelt `demand:` still reads as a platform scenario: the error is the platform
  /// reader's did-you-mean, not a queueing scenario's list of keys.
  @Test func aMisspeltDemandIsSuggested() throws {
    let shipped = try String(
      contentsOf: EndToEndTests.root.appendingPathComponent("scenarios/platform-normal-week.yaml"), encoding: .utf8)
    for typo in ["demnd", "Demand"] {
      let path = EndToEndTests.scratch.appendingPathComponent("typo-\(typo)-\(UUID().uuidString).yaml").path
      let text = shipped.replacingOccurrences(of: "\ndemand:", with: "\n\(typo):")
        .replacingOccurrences(of: "topology: ../topologies/", with: "topology: \(EndToEndTests.root.path)/topologies/")
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let r = try EndToEndTests.capsim(["validate", path])
      let said = r.stdout + r.stderr  // validate reports on stdout
      #expect(r.status == 1, "\(said)")
      #expect(said.contains("unknown key '\(typo)' (did you mean 'demand'?)"), "\(said)")
      #expect(!said.contains("queueing-network"), "\(said)")
    }
  }

  /// A misspelt short key that makes a kind (`bse:`, `sations:`) is suggested at its line, by
  /// `validate` and `run` alike (they said "expected a scenario" or listed a queueing
  /// scenario's missing keys).
  @Test func aMisspeltKindKeyIsSuggested() throws {
    for (typo, meant) in [("bse", "base"), ("sations", "stations"), ("topolgy", "topology")] {
      let path = EndToEndTests.scratch.appendingPathComponent("kind-\(typo)-\(UUID().uuidString).yaml").path
      try "name: x\n\(typo): {}\n".write(toFile: path, atomically: true, encoding: .utf8)
      for command in ["validate", "run"] {
        let r = try EndToEndTests.capsim([command, path])
        let said = r.stdout + r.stderr
        #expect(r.status == 1, "\(command): \(said)")
        #expect(
          said.contains("\(path):2:1: error: \(typo): unknown key '\(typo)' (did you mean '\(meant)'?"), "\(said)")
        #expect(!said.contains("missing required key"), "\(command): \(said)")
      }
    }
  }

  /// A station or territory named "" (or blanks) is refused at its key: nothing could address
  /// it and no table could tell it apart (both were accepted).
  @Test func anEmptyNameIsRefused() throws {
    let root = EndToEndTests.root.path
    let files = [
      ("stations:\n  \"\": {servers: 1, service: {distribution: exponential, mean: 10ms}}\n", "stations.\"\""),
      (
        try String(contentsOfFile: "\(root)/topologies/freshfoodz.yaml", encoding: .utf8)
          .replacingOccurrences(of: "\n  DE:", with: "\n  \" \":"),
        "territories.\" \""
      ),
    ]
    for (text, keyPath) in files {
      let path = EndToEndTests.scratch.appendingPathComponent("empty-name-\(UUID().uuidString).yaml").path
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      let r = try EndToEndTests.capsim(["validate", path])
      #expect(r.status == 1, "\(r.stdout)")
      #expect(r.stdout.contains("error: \(keyPath): an empty name"), "\(r.stdout)")
    }
  }

  /// A scenario that is a symbolic link looping back to itself is said to loop, to validate
  /// and to run (both said "no such file").
  @Test func aScenarioLinkThatLoopsIsSaidToLoop() throws {
    let a = try Scratch.loopingLinks()
    for command in ["validate", "run"] {
      let r = try EndToEndTests.capsim([command, a])
      #expect(r.status == 1, "\(command): \(r.stderr)")
      #expect(
        (r.stdout + r.stderr).contains("\(a):1:1: error: the symbolic link loops (too many levels of symbolic links)"),
        "\(command): \(r.stdout)\(r.stderr)")
    }
  }

  @Test func aMissingScenarioIsNamedAsMissing() throws {
    let r = try EndToEndTests.capsim(["plan", "no-such-scenario.yaml", "--quiet"])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("no-such-scenario.yaml:1:1: error: no such file"), "\(r.stderr)")
  }
}
