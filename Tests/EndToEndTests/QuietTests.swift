import Foundation
import Testing

/// `--quiet`: nothing on stderr but errors, in every command that takes it (`run`, `analyze`,
/// `bench`); the results on stdout are the same.
@Suite struct QuietTests {
  /// A valid scenario with a warning: its topology has a station that no one reaches.
  static let scenarioWithAWarning: String = {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-quiet-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try! """
    name: spare
    stations:
      server: {servers: 1, service: {distribution: exponential, mean: 100ms}}
      spare: {servers: 1, service: {distribution: exponential, mean: 100ms}}
    """.write(to: folder.appendingPathComponent("spare.yaml"), atomically: true, encoding: .utf8)
    let scenario = folder.appendingPathComponent("warns.yaml")
    try! """
    name: warns
    topology: spare.yaml
    arrivals:
      - {name: requests, to: server, rate: 2/s}
    run: {length: 10min, replications: 2, seed: 1}
    """.write(to: scenario, atomically: true, encoding: .utf8)
    return scenario.path
  }()

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    /// What the command says on stderr without --quiet.
    var chatter: String
    var testDescription: String { name }
  }

  static let cases = [
    Case(name: "run, network scenario", arguments: ["run", scenarioWithAWarning], chatter: "warning:"),
    Case(
      name: "run, network scenario, JSON", arguments: ["run", scenarioWithAWarning, "--format", "json"],
      chatter: "recorded as run"),
    Case(
      name: "run, platform scenario",
      arguments: ["run", EndToEndTests.fixture("platform-small.yaml"), "--replications", "1"],
      chatter: "recorded as run"),
    Case(name: "analyze", arguments: ["analyze", scenarioWithAWarning, "--theory-only"], chatter: "warning:"),
    Case(
      name: "bench", arguments: ["bench", "--only", "rho", "--customers", "20000", "--repeat", "1"],
      chatter: "measured"),
  ]

  @Test(arguments: cases)
  func quietPrintsNothingOnStderrButTheSameResults(_ c: Case) throws {
    // Without --quiet the command talks on stderr
    let loud = try EndToEndTests.capsim(c.arguments)
    #expect(loud.status == 0, "\(loud.stderr)")
    #expect(loud.stderr.contains(c.chatter), "\(loud.stderr)")

    // With it, stderr is empty and stdout still has the results
    let quiet = try EndToEndTests.capsim(c.arguments + ["--quiet"])
    #expect(quiet.status == 0)
    #expect(quiet.stderr == "")
    #expect(!quiet.stdout.isEmpty)
  }

  /// Errors, and the line that explains a non-zero status, are still printed.
  @Test func quietStillPrintsErrors() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-quiet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = folder.appendingPathComponent("bad.yaml").path
    try "name: bad\ntopology: nowhere.yaml\narrivals: []\nrun: {length: 1min}\n".write(
      toFile: bad, atomically: true, encoding: .utf8)
    let invalid = try EndToEndTests.capsim(["run", bad, "--quiet"])
    #expect(invalid.status == 1)
    #expect(invalid.stderr.contains("\(bad):") && invalid.stderr.contains("error:"), "\(invalid.stderr)")

    let platform = EndToEndTests.fixture("platform-small.yaml")
    let slo = try EndToEndTests.capsim([
      "run", platform, "--quiet", "--fail-on-slo", "--replications", "1", "--set", "slo.peakP95=1ms",
    ])
    #expect(slo.status == 3)
    // The failed objectives are named (stdout may go to a file a CI log does not show)
    #expect(
      slo.stderr.hasPrefix("capsim: error: \(platform): service level objectives failed (--fail-on-slo): ")
        && slo.stderr.contains("p95 latency") && slo.stderr.hasSuffix("\n")
        && slo.stderr.split(separator: "\n").count == 1,
      "\(slo.stderr)")

    let notADatabase = folder.appendingPathComponent("notes.txt").path
    try "not a database\n".write(toFile: notADatabase, atomically: true, encoding: .utf8)
    let refused = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("small.yaml"), "--quiet", "--db", notADatabase,
    ])
    #expect(refused.status == 5)
    #expect(refused.stderr.hasPrefix("capsim: error: '\(notADatabase)' is not a capsim results database"))
  }
}
