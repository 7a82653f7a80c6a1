import Foundation
import Testing

/// Every documented exit status, through the binary: CI scripts branch on them.
@Suite struct ExitStatusTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var status: Int32
    /// Text stderr must contain.
    var message: String
    /// Whether stderr shows usage text ("Usage: capsim ..."), which only usage errors do.
    var showsUsage = false
    var testDescription: String { name }
  }

  /// A database with no runs, made once: `show` and friends on it find nothing.
  /// An empty file: a database without runs, as SQLite takes it (with no file at all, a
  /// lookup says there is no database there; `RecordingTests.readingCommandsCreateNoDatabase`).
  static let emptyDatabase: String = {
    let path = RecordingTests.database()
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    return path
  }()

  static let cases: [Case] = [
    Case(
      name: "3: --fail-on-slo with nothing judged (no demand)",
      arguments: [
        "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "demand.A.users=0", "--set", "demand.B.rate=0/s",
        "--fail-on-slo", "--replications", "2", "--db",
        EndToEndTests.scratch.appendingPathComponent("capsim-nothing-judged-\(UUID().uuidString).sqlite").path,
      ], status: 3, message: "no service level objective was judged: no request was measured (--fail-on-slo)"),
    Case(
      name: "0: a valid file", arguments: ["validate", EndToEndTests.fixture("small.yaml")], status: 0, message: ""),
    Case(
      name: "1: a file with errors", arguments: ["validate", EndToEndTests.fixture("mm1-typo.yaml")], status: 1,
      message: ""),
    Case(
      name: "1: a file that cannot be written, in words",
      arguments: [
        "k6", "scenarios/platform-christmas-2026.yaml", "--territory", "DE", "--out",
        FileManager.default.temporaryDirectory.path,
      ], status: 1,
      message: "capsim: error: cannot write \(FileManager.default.temporaryDirectory.path): is a directory"),
    Case(
      name: "4: show an unknown run id", arguments: ["show", "999", "--db", emptyDatabase], status: 4,
      message: "capsim: error: no run 999 in \(emptyDatabase) (see 'capsim runs')"),
    Case(
      name: "4: diff with an unknown run id", arguments: ["diff", "999", "998", "--db", emptyDatabase], status: 4,
      message: "no run 999"),
    Case(
      name: "4: report an unknown run id", arguments: ["report", "999", "--db", emptyDatabase], status: 4,
      message: "no run 999"),
    Case(
      name: "4: latest with no complete run", arguments: ["show", "latest", "--db", emptyDatabase], status: 4,
      message: "no complete run in \(emptyDatabase) yet"),
    Case(
      name: "5: a database in a folder that does not exist",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--db", "/nonexistent-capsim-folder/x.sqlite"], status: 5,
      message:
        "cannot open results database /nonexistent-capsim-folder/x.sqlite: cannot create /nonexistent-capsim-folder/x.sqlite.lock: its folder does not exist"
    ),
    Case(
      name: "64: help for an unknown command", arguments: ["help", "unknown"], status: 64,
      message: "unknown command 'unknown'; the commands are run, ",
      showsUsage: true),
    Case(
      name: "64: an unknown command with options, named with the command it stands for",
      arguments: ["compare", "3", "5", "--db", emptyDatabase], status: 64,
      message: "unknown command 'compare' (did you mean 'diff'?)", showsUsage: true),
    Case(
      name: "64: a misspelt command", arguments: ["chek", "x.yaml"], status: 64,
      message: "unknown command 'chek' (did you mean 'check'?)", showsUsage: true),
    Case(
      name: "64: help for a subcommand a command does not have", arguments: ["help", "run", "fast"], status: 64,
      message: "'capsim run' has no subcommand 'fast'", showsUsage: true),
    Case(
      name: "64: an unknown command", arguments: ["frobnicate"], status: 64,
      message: "unknown command 'frobnicate'; the commands are run, ",
      showsUsage: true),
    Case(
      name: "64: an unknown flag", arguments: ["runs", "--fast"], status: 64, message: "Unknown option '--fast'",
      showsUsage: true),
    Case(
      name: "64: a bad flag value",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--replications", "0"], status: 64,
      message: "--replications must be between 1 and 100000, found 0", showsUsage: true),
    Case(
      name: "64: a negative seed is a bad value, not a missing one",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--seed", "-1"], status: 64,
      message: "The value '-1' is invalid for '--seed <seed>'", showsUsage: true),
    Case(
      name: "64: a negative count is a bad value, not a missing one",
      arguments: ["runs", "--limit", "-5"], status: 64, message: "--limit must be at least 1", showsUsage: true),
    Case(
      name: "64: --seed beside a --set run.seed",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--seed", "3", "--set", "run.seed=4"], status: 64,
      message: "--seed and --set run.seed given both; give one", showsUsage: true),
    Case(
      name: "64: --seed beside a --vary run.seed",
      arguments: ["sweep", "scenarios/platform-normal-week.yaml", "--seed", "5", "--vary", "run.seed=1,2"], status: 64,
      message: "--seed and --vary run.seed given both; give one", showsUsage: true),
    Case(
      name: "64: --mode beside a --set run.mode (recorded twice, its --sets could not repeat it)",
      arguments: ["run", "scenarios/platform-normal-week.yaml", "--mode", "hybrid", "--set", "run.mode=request"],
      status: 64, message: "--mode and --set run.mode given both; give one", showsUsage: true),
    Case(
      name: "64: plan --mode beside a --vary run.mode",
      arguments: [
        "plan", "scenarios/platform-normal-week.yaml", "--mode", "hybrid", "--vary", "run.mode=request,hybrid",
      ],
      status: 64, message: "--mode and --vary run.mode given both; give one", showsUsage: true),
    Case(
      name: "64: a sweep over replications",
      arguments: ["sweep", "scenarios/platform-normal-week.yaml", "--vary", "run.replications=1,2"], status: 64,
      message: "every point of a sweep runs the same replications", showsUsage: true),
    Case(
      name: "64: plan --out without --emit",
      arguments: ["plan", "scenarios/platform-normal-week.yaml", "--out", "x.yaml"], status: 64,
      message: "--out is where --emit writes", showsUsage: true),
    Case(
      name: "64: plan --emit into the JSON on standard output",
      arguments: ["plan", "scenarios/platform-normal-week.yaml", "--emit", "capacity", "--format", "json"], status: 64,
      message: "--emit with --format json needs --out FILE", showsUsage: true),
    Case(
      name: "64: plan with fewer replications at most than at first",
      arguments: ["plan", "scenarios/platform-normal-week.yaml", "--replications", "4", "--max-replications", "2"],
      status: 64, message: "--max-replications (2) must be at least --replications (4)", showsUsage: true),
    Case(
      name: "64: a check output under a file, refused before simulating",
      arguments: [
        "check", "scenarios/platform-normal-week.yaml", "--targets", "ci/targets.yaml", "--junit",
        "ci/targets.yaml/x.xml",
      ], status: 64, message: "--junit ci/targets.yaml/x.xml: ",
      showsUsage: true),
    Case(
      name: "64: a shard's part file where nothing can be written, refused before simulating",
      arguments: [
        "sweep", "scenarios/platform-normal-week.yaml", "--vary", "territories.DE.app.instances=2,3", "--shard", "0/2",
        "--out", "/proc/capsim-part.json",
      ], status: 64, message: "--out /proc/capsim-part.json: the folder /proc cannot be written", showsUsage: true),
    Case(
      name: "64: a plan report folder that is a file, refused before simulating",
      arguments: ["plan", "scenarios/platform-normal-week.yaml", "--report", "ci/targets.yaml"], status: 64,
      message: "--report ci/targets.yaml: ci/targets.yaml is a file, not a folder", showsUsage: true),
    Case(
      name: "64: a k6 test too short to keep the day's shape",
      arguments: ["k6", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--duration", "1s"], status: 64,
      message: "gives each stage more than an hour of it: make it 168 s or longer", showsUsage: true),
    Case(
      name: "64: a k6 path with a line break",
      arguments: ["k6", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--path", "list=/api/a\nb"],
      status: 64, message: "a URL path has no spaces or control characters; found U+A", showsUsage: true),
    Case(
      name: "64: a bench file given by name that is not there",
      arguments: ["bench", "--autoscaler", "no-such-hpa.yaml", "--only", "autoscaled"], status: 64,
      message: "--autoscaler no-such-hpa.yaml: no such file", showsUsage: true),
    Case(
      name: "64: bench --scaling with an option it would ignore",
      arguments: ["bench", "--scaling", "--only", "growth 4", "--repeat", "5"], status: 64,
      message: "--scaling runs its own cases, once each: drop --only, --repeat", showsUsage: true),
    Case(
      name: "64: bench --only matching nothing lists every workload",
      arguments: ["bench", "--only", "nomatch"], status: 64,
      message: "power-of-two rho=0.9, C reference M/M/4, platform, autoscaled, hybrid", showsUsage: true),
    Case(
      name: "64: a usage error found as the command runs shows that command's usage",
      arguments: ["k6", "scenarios/platform-christmas-2026.yaml", "--territory", "XX"], status: 64,
      message: "unknown territory 'XX'; the scenario has DE, CH\nUsage: capsim k6 <scenario>", showsUsage: true),
    Case(
      name: "64: and a subcommand's, its whole name",
      arguments: ["autoscaler", "lint", "k8s/hpa.yaml", "--scenario", "scenarios/mm4-peak.yaml"], status: 64,
      message: "See 'capsim autoscaler lint --help' for more information.", showsUsage: true),
    Case(
      name: "64: a list of no runs", arguments: ["runs", "--limit", "0", "--db", emptyDatabase], status: 64,
      message: "--limit must be at least 1", showsUsage: true),
    Case(
      name: "64: a list of no sweeps", arguments: ["sweeps", "--limit", "0", "--db", emptyDatabase], status: 64,
      message: "--limit must be at least 1", showsUsage: true),
    Case(
      name: "64: a limit on one plan, which it would not cut",
      arguments: ["plans", "1", "--limit", "3", "--db", emptyDatabase], status: 64,
      message: "--limit is for the list of plans, not for one PLAN", showsUsage: true),
    Case(
      name: "64: check with nothing to check against",
      arguments: ["check", EndToEndTests.fixture("platform-small.yaml")],
      status: 64, message: "nothing to check against", showsUsage: true),
    Case(
      name: "64: a platform option on a queueing-network scenario",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--fail-on-slo", "--db", emptyDatabase], status: 64,
      message: "--fail-on-slo (it has no service level objectives) takes a platform scenario", showsUsage: true),
    Case(
      name: "64: a series on a queueing-network scenario",
      arguments: ["run", EndToEndTests.fixture("small.yaml"), "--series", "day", "--db", emptyDatabase], status: 64,
      message: "--series takes a platform scenario", showsUsage: true),
    Case(
      name: "64: a run id that is not a number", arguments: ["show", "first", "--db", emptyDatabase], status: 64,
      message: "'first' is not a run id", showsUsage: true),
    // Before any database is looked for: without one it was "no results database", status 4.
    Case(
      name: "64: a run id that is not a number, and no database",
      arguments: ["diff", "1", "first", "--db", "/nonexistent/capsim.sqlite"], status: 64,
      message: "'first' is not a run id", showsUsage: true),
    // A negative number read as short options: "missing value" or "unknown option '-3'".
    Case(
      name: "64: a negative shard", arguments: ["run", "scenarios/mm4-peak.yaml", "--shard", "-1/2"], status: 64,
      message: "'-1/2': the slice I of --shard I/N counts from 0 and must be below N", showsUsage: true),
    Case(
      name: "64: a negative run id", arguments: ["show", "-3", "--db", emptyDatabase], status: 64,
      message: "'-3' is not a run id (a number, or 'latest')", showsUsage: true),
    Case(
      name: "64: a negative baseline run id", arguments: ["report", "1", "--baseline", "-3", "--db", emptyDatabase],
      status: 64, message: "'-3' is not a run id (a number, or 'latest')", showsUsage: true),
    Case(
      name: "64: a negative sweep id", arguments: ["sweeps", "-3", "--db", emptyDatabase], status: 64,
      message: "'-3' is not a sweep id (a number, or 'latest')", showsUsage: true),
  ]

  @Test(arguments: cases)
  func exitStatus(_ c: Case) throws {
    let r = try EndToEndTests.capsim(c.arguments)
    #expect(r.status == c.status, "\(r.stderr)")
    #expect(!r.stderr.contains("Error Domain="), "\(r.stderr)")
    #expect(c.message.isEmpty || r.stderr.contains(c.message), "\(r.stderr)")
    #expect(r.stderr.contains("Usage: capsim") == c.showsUsage, "\(r.stderr)")
  }

  /// A busy timeout in the environment that is not a number of seconds is refused before any
  /// command runs, naming the variable; a good one is taken.
  @Test func aBusyTimeoutThatIsNoDurationIsAUsageError() throws {
    for text in ["abc", "0", "-1", "nan", "1e9", "10s"] {
      let r = try EndToEndTests.capsim(["help", "show"], environment: ["CAPSIM_BUSY_TIMEOUT": text])
      #expect(r.status == 64 && r.stderr.contains("CAPSIM_BUSY_TIMEOUT is '\(text)'"), "\(text): \(r.stderr)")
    }
    let r = try EndToEndTests.capsim(["help", "show"], environment: ["CAPSIM_BUSY_TIMEOUT": "0.5"])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test func helpForAKnownCommandStillWorks() throws {
    let r = try EndToEndTests.capsim(["help", "show"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("USAGE: capsim show"))
  }

  /// The statuses `capsim --help` lists, as "  N    meaning" lines after "Exit status:".
  static func helpStatuses() throws -> Set<Int> {
    let help = try EndToEndTests.capsim(["--help"]).stdout
    let section = try #require(help.range(of: "Exit status:").map { help[$0.upperBound...] })
    return Set(
      section.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty }.compactMap {
        line in
        line.firstMatch(of: /^\s+(\d+)\s/).flatMap { Int($0.1) }
      })
  }

  /// The statuses of the README's "Exit status" table, one row per status ("130, 143" is two).
  static func readmeStatuses() throws -> Set<Int> {
    let readme = try String(contentsOf: EndToEndTests.root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.range(of: "### Exit status").map { readme[$0.upperBound...] })
    var statuses: Set<Int> = []
    for line in section.split(separator: "\n").drop(while: { !$0.hasPrefix("|") }) {
      guard line.hasPrefix("|") else { break }
      let first = line.split(separator: "|").first ?? ""
      statuses.formUnion(first.matches(of: /\d+/).compactMap { Int($0.0) })
    }
    return statuses
  }

  /// The README, `capsim --help` and the statuses tested here name the same statuses.
  @Test func theExitStatusTableIsTheSameEverywhere() throws {
    let documented = try Self.readmeStatuses()
    #expect(documented == [0, 1, 2, 3, 4, 5, 64, 130, 143])
    #expect(try Self.helpStatuses() == documented)
    // 2 is in CheckCommandTests.undecidedWithinTheBudgetExitsWith2, 3 in
    // EndToEndTests.failOnSLOExitsNonZeroOnlyWhenAsked, 130 and 143 in
    // RecordingTests.aSignalMarksTheRunInterrupted, 5 also in DataSafetyTests.
    #expect(Set(Self.cases.map { Int($0.status) }).union([2, 3, 130, 143]) == documented)
  }
}
