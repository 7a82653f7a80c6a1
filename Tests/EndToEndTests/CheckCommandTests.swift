import Foundation
import FoundationXML
import Testing

/// `capsim check` through the binary, on the small platform fixture (a fraction of a second a
/// replication): statuses, files, JUnit XML, Markdown and the JSON layout.
@Suite struct CheckCommandTests {
  static let scenario = EndToEndTests.fixture("platform-small.yaml")

  /// The fixture's own objectives, so that rows read as `capsim run` judges them.
  static let targets = """
    objectives:
      p95: {target: 200ms, peak: 450ms}
      p99: {classes: [all], tolerance: 10%}
      errorRate: {target: 2%}
      database: {target: 50ms}
      availability: {target: 99.9%}
    waivers:
      - {territories: [B], classes: [view], objectives: [p95], reason: "B's views are <cached> & \\"fast\\" | edge"}

    """

  static func folder() throws -> URL {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-check-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A baseline of the fixture: 8 replications from seed 3.
  static func baseline(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("baseline.json").path
    let r = try EndToEndTests.capsim(["check", scenario, "--replications", "8", "--write-baseline", path, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    return path
  }

  static func json(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func rows(_ document: [String: Any]) throws -> [[String: Any]] {
    let scenarios = try #require(document["scenarios"] as? [[String: Any]])
    return scenarios.flatMap { ($0["verdicts"] as? [[String: Any]]) ?? [] }
  }

  @Test func identicalCodePassesAndWritesEveryFile() throws {
    let dir = try Self.folder()
    let baseline = try Self.baseline(in: dir)
    let targets = try Self.write(Self.targets, "targets.yaml", in: dir)
    let junit = dir.appendingPathComponent("check.xml").path
    let markdown = dir.appendingPathComponent("check.md").path
    let json = dir.appendingPathComponent("check.json").path
    let r = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", targets, "--baseline", baseline, "--seed", "11", "--junit", junit,
      "--markdown", markdown, "--json", json,
    ])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("capsim check: pass"))
    let document = try Self.json(json)
    #expect(document["check"] as? String == "pass")
    #expect(document["exit_status"] as? Int == 0)
    let rows = try Self.rows(document)
    #expect(rows.count == 16)
    #expect(rows.filter { $0["check"] as? String == "waived" }.count == 1)
    try Self.expectValidJUnit(junit, rows: rows)
    try Self.expectMarkdownCounts(markdown, rows: rows)
    // The waiver's reason is in every output.
    let reason = "B's views are <cached> & \"fast\" | edge"
    #expect(r.stdout.contains(reason))
    #expect(
      try String(contentsOfFile: markdown, encoding: .utf8).contains("B's views are &lt;cached&gt; & \"fast\" \\| edge")
    )
    #expect(try Self.junitMessages(junit).contains("waived: " + reason))
    #expect(rows.contains { $0["waiver"] as? String == reason })
  }

  @Test func aCapacityRegressionFailsWithStatus1() throws {
    let dir = try Self.folder()
    let baseline = try Self.baseline(in: dir)
    let junit = dir.appendingPathComponent("check.xml").path
    let json = dir.appendingPathComponent("check.json").path
    // Twice the CPU per view: latency rises far beyond 5% in both territories.
    let r = try EndToEndTests.capsim([
      "check", Self.scenario, "--baseline", baseline, "--seed", "11", "--set", "requests.view.cpu.mean=20ms",
      "--junit", junit, "--json", json,
    ])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the baseline ran without --set, this check with --set requests.view.cpu.mean=20ms"))
    let rows = try Self.rows(try Self.json(json))
    let failed = rows.filter { $0["check"] as? String == "fail" }
    #expect(!failed.isEmpty)
    #expect(failed.allSatisfy { $0["against_baseline"] as? String == "fail" })
    #expect(failed.allSatisfy { ($0["objective"] as? String)?.hasSuffix("latency") == true })
    try Self.expectValidJUnit(junit, rows: rows)
    let messages = try Self.junitMessages(junit)
    #expect(messages.contains { $0.contains("a regression") && $0.contains("against the baseline's") })
    // The terminal (a CI log) says why too: a table row read only "FAIL"
    #expect(r.stdout.contains("\nfailed: ") && r.stdout.contains("worse by more than the"), "\(r.stdout)")
  }

  @Test func aMissedTargetFailsWithStatus1() throws {
    let dir = try Self.folder()
    let targets = try Self.write("objectives: {p95: {target: 30ms, classes: [all]}}\n", "t.yaml", in: dir)
    let junit = dir.appendingPathComponent("check.xml").path
    let r = try EndToEndTests.capsim(["check", Self.scenario, "--targets", targets, "--junit", junit, "--quiet"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains("<failure type=\"target\""))
    #expect(
      try Self.junitMessages(junit).contains {
        $0.contains("misses the target &lt; 30ms") || $0.contains("misses the target < 30ms")
      })
  }

  /// A target at the mean of the only replications the budget allows cannot be decided.
  @Test func undecidedWithinTheBudgetExitsWith2() throws {
    let dir = try Self.folder()
    let probe = try Self.write("objectives: {p95: {classes: [all], territories: [A]}}\n", "p.yaml", in: dir)
    let measured = dir.appendingPathComponent("m.json").path
    let first = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", probe, "--replications", "4", "--max-replications", "4",
      "--write-baseline", measured, "--quiet",
    ])
    #expect(first.status == 0, "\(first.stderr)")
    let mean = try #require(
      (try Self.rows(try Self.json(measured)).first?["measured"] as? [String: Any])?["mean"] as? Double)
    let targets = try Self.write(
      "objectives: {p95: {target: \(String(format: "%.9f", mean * 1000))ms, classes: [all], territories: [A]}}\n",
      "t.yaml", in: dir)
    let r = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", targets, "--replications", "4", "--max-replications", "4", "--format",
      "json",
    ])
    #expect(r.status == 2, "\(r.stdout)\n\(r.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(document["check"] as? String == "undecided")
    let scenario = try #require((document["scenarios"] as? [[String: Any]])?.first)
    #expect(scenario["stop"] as? String == "replications")
    // The message says how far from the target it is, in the run's standard errors
    let row = try #require(Self.rows(document).first { $0["check"] as? String == "undecided" })
    let message = try #require(row["message"] as? String)
    #expect(message.contains("too close to the target") && message.contains(" standard errors from it"), "\(message)")
  }

  /// A recorded run serves as a baseline: its half-widths give back the standard deviations.
  @Test func aRecordedRunIsABaseline() throws {
    let db = RecordingTests.database()
    let run = try EndToEndTests.capsim(["run", Self.scenario, "--replications", "8", "--db", db, "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try EndToEndTests.capsim([
      "check", Self.scenario, "--baseline-run", "latest", "--db", db, "--seed", "11", "--format", "json", "--quiet",
    ])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(document["baseline"] as? String == "run 1")
    #expect(try Self.rows(document).allSatisfy { ($0["baseline"] as? [String: Any])?["replications"] as? Int == 8 })
    let missing = try EndToEndTests.capsim(["check", Self.scenario, "--baseline-run", "99", "--db", db])
    #expect(missing.status == 4)
    // A run of a what-if carries the what-if's name; it is the scenario's baseline all the same.
    let dir = try Self.folder()
    let whatIf = dir.appendingPathComponent("what-if.yaml").path
    try "name: small-what-if\nbase: \(Self.scenario)\noverrides: {demand.A.growth: 1.0}\n".write(
      toFile: whatIf, atomically: true, encoding: .utf8)
    let ran = try EndToEndTests.capsim(["run", whatIf, "--replications", "4", "--db", db, "--quiet"])
    #expect(ran.status == 0, "\(ran.stderr)")
    let renamed = try EndToEndTests.capsim([
      "check", Self.scenario, "--baseline-run", "latest", "--db", db, "--seed", "11", "--format", "json",
    ])
    #expect(renamed.status == 0, "\(renamed.stderr)")
    #expect(
      renamed.stderr.contains("is a run of scenario 'small-what-if', not 'platform-small': compared all the same"))
    // One replication has no spread: no look could decide a row against it, so it is refused
    // before anything is simulated (it used to be a warning, then 40 replications, undecided).
    let one = try EndToEndTests.capsim(["run", Self.scenario, "--replications", "1", "--db", db, "--quiet"])
    #expect(one.status == 0, "\(one.stderr)")
    let refused = try EndToEndTests.capsim(["check", Self.scenario, "--baseline-run", "latest", "--db", db])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("has 1 replication; a baseline needs 2 or more"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("check platform-small:"), "\(refused.stderr)")
  }

  /// An interrupted check says that nothing was written (it exited 130 in silence).
  @Test func anInterruptedCheckSaysNothingWasWritten() throws {
    let dir = try Self.folder()
    let junit = dir.appendingPathComponent("check.xml").path
    let process = Process()
    process.executableURL = EndToEndTests.binary
    process.arguments = [
      "check", "scenarios/platform-normal-week.yaml", "--targets", "ci/targets.yaml", "--junit", junit,
    ]
    process.currentDirectoryURL = EndToEndTests.root
    let stderr = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = stderr
    try process.run()
    Thread.sleep(forTimeInterval: 2)  // the week's first look takes far longer
    kill(process.processIdentifier, SIGINT)
    let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(said.contains("check stopped before its end: no verdict and no output file written"), "\(said)")
    #expect(!FileManager.default.fileExists(atPath: junit))
  }

  /// Targets are shown as given: 158.75ms read "< 159ms" beside a measured 158.9ms.
  @Test func targetsAreShownAsGiven() throws {
    let dir = try Self.folder()
    let targets = try Self.write(
      "objectives: {p95: {target: 158.75ms}, errorRate: {target: 0.125%}, availability: {target: 99.95%}}\n", "t.yaml",
      in: dir)
    let r = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", targets, "--replications", "2", "--max-replications", "2", "--quiet",
    ])
    for shown in ["< 158.75ms", "< 0.125%", ">= 99.950%"] { #expect(r.stdout.contains(shown), "\(shown)\n\(r.stdout)") }
    // A target of 0 is met at 0: not "< 0.00%", which no run could meet.
    let none = try Self.write("objectives: {errorRate: {target: 0%}}\n", "zero.yaml", in: dir)
    let zero = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", none, "--replications", "2", "--max-replications", "2", "--quiet",
    ])
    #expect(zero.stdout.contains("<= 0.00%") && !zero.stdout.contains("< 0.00%"), "\(zero.stdout)")
    let run = try EndToEndTests.capsim([
      "run", Self.scenario, "--set", "slo.errorRate=0%", "--quiet", "--db", RecordingTests.database(),
    ])
    #expect(run.stdout.contains("<= 0.00%") && !run.stdout.contains(" < 0.00%"), "\(run.stdout)")
  }

  /// The gate runs request by request whatever the scenario's mode, and says so.
  @Test func aHybridScenarioIsCheckedRequestByRequest() throws {
    let dir = try Self.folder()
    let targets = try Self.write(Self.targets, "targets.yaml", in: dir)
    func check(_ settings: [String]) throws -> (status: Int32, document: [String: Any]) {
      let r = try EndToEndTests.capsim(
        [
          "check", Self.scenario, "--targets", targets, "--replications", "3", "--max-replications", "3", "--format",
          "json",
        ]
          + settings)
      let document = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
      return (r.status, document)
    }
    let hybrid = try check(["--set", "run.mode=hybrid"])
    let request = try check([])
    #expect(hybrid.status == request.status)
    let warnings = try #require((hybrid.document["scenarios"] as? [[String: Any]])?.first?["warnings"] as? [String])
    #expect(
      warnings.contains { $0.contains("run.mode is hybrid: the gate simulates request by request") }, "\(warnings)")
    #expect(
      try Self.rows(hybrid.document).map { $0["measured"] as? [String: Double] }
        == (try Self.rows(request.document).map { $0["measured"] as? [String: Double] }))
  }

  /// A check row is a verdict of `capsim run --format json` (same keys, same values for the
  /// same seed, replications and targets), plus what the check adds.
  @Test func rowsHaveTheVerdictLayoutOfRun() throws {
    let dir = try Self.folder()
    let targets = try Self.write(
      "objectives: {p95: {target: 200ms, peak: 450ms}, p99: {classes: [all]}, errorRate: {target: 2%},"
        + " database: {target: 50ms}, availability: {target: 99.9%}}\n", "t.yaml", in: dir)
    let run = try EndToEndTests.capsim([
      "run", Self.scenario, "--replications", "3", "--seed", "5", "--format", "json", "--quiet",
    ])
    let check = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", targets, "--replications", "3", "--max-replications", "3", "--seed", "5",
      "--format", "json", "--quiet",
    ])
    let verdicts = try #require(
      (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["verdicts"] as? [[String: Any]]
    )
    let rows = try Self.rows(
      try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]))
    #expect(rows.count == verdicts.count)
    let added: Set<String> = [
      "standard_deviation", "replications", "check", "against_target", "against_baseline", "baseline", "change",
      "allowance", "waiver", "message",
    ]
    for (v, row) in zip(verdicts, rows) {
      #expect(Set(row.keys) == Set(v.keys).union(added), "\(row.keys.sorted()) vs \(v.keys.sorted())")
      for key in v.keys {
        // Compared as JSON text: Foundation on Linux does not bridge a Bool inside an Optional.
        let a = try JSONSerialization.data(withJSONObject: [row[key] ?? NSNull()], options: .sortedKeys)
        let b = try JSONSerialization.data(withJSONObject: [v[key] ?? NSNull()], options: .sortedKeys)
        #expect(a == b, "\(key): \(String(describing: row[key])) vs \(String(describing: v[key]))")
      }
    }
  }

  @Test func usageAndFileErrors() throws {
    let dir = try Self.folder()
    let nothing = try EndToEndTests.capsim(["check", Self.scenario])
    #expect(nothing.status == 64)
    #expect(nothing.stderr.contains("nothing to check against"))
    let alpha = try EndToEndTests.capsim(["check", Self.scenario, "--write-baseline", "/dev/null", "--alpha", "0.7"])
    #expect(alpha.status == 64)
    let two = try EndToEndTests.capsim(["check", Self.scenario, Self.scenario, "--baseline-run", "1"])
    #expect(two.status == 64)
    let badTargets = try Self.write("objectives:\n  p95: {target: 200}\n", "t.yaml", in: dir)
    let located = try EndToEndTests.capsim(["check", Self.scenario, "--targets", badTargets])
    #expect(located.status == 1)
    #expect(
      located.stderr.contains("\(badTargets):2:17: error: objectives.p95.target: expected a duration with a unit"),
      "\(located.stderr)")
    let badBaseline = try Self.write("{\"scenarios\": [{\"scenario\": 1}]}", "b.json", in: dir)
    let unreadable = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", badBaseline])
    #expect(unreadable.status == 1)
    #expect(unreadable.stderr.contains("is not a baseline (the JSON document of capsim check)"), "\(unreadable.stderr)")
    let list = try Self.write("[]", "l.json", in: dir)
    let notAnObject = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", list])
    #expect(
      notAnObject.status == 1 && notAnObject.stderr.contains("expected an object, found an array"),
      "\(notAnObject.stderr)")
    // Valid JSON with a fraction where a count is, and broken JSON, are not both "not valid JSON".
    let shipped = try String(contentsOf: EndToEndTests.root.appendingPathComponent("ci/baseline.json"), encoding: .utf8)
    let fraction = try Self.write(
      shipped.replacingOccurrences(of: "\"replications\" : 10,", with: "\"replications\" : 1.5,"), "f.json", in: dir)
    let misfit = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", fraction])
    #expect(misfit.status == 1 && misfit.stderr.contains("a number does not fit its field"), "\(misfit.stderr)")
    // A latency made negative by hand would make every change look like a gain.
    let firstMean = try #require(shipped.range(of: "\"mean\" : "))
    let negative = try Self.write(shipped.replacingCharacters(in: firstMean, with: "\"mean\" : -"), "n.json", in: dir)
    let edited = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", negative])
    #expect(edited.status == 1 && edited.stderr.contains("was the file edited?"), "\(edited.stderr)")
    // So is a spread no latency has: its interval overflowed, and the output could not be written.
    let firstSD = try #require(shipped.range(of: #""standard_deviation" : [0-9.e-]+"#, options: .regularExpression))
    let huge = try Self.write(
      shipped.replacingCharacters(in: firstSD, with: "\"standard_deviation\" : 1e308"), "h.json", in: dir)
    let overflow = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", huge])
    #expect(overflow.status == 1 && overflow.stderr.contains("beyond any"), "\(overflow.stderr)")
    // And a mean no latency has, which printed as a 300-digit number and passed.
    let firstLatency = try #require(shipped.range(of: #""mean" : 0\.1[0-9]+"#, options: .regularExpression))
    let vast = try Self.write(
      shipped.replacingCharacters(in: firstLatency, with: "\"mean\" : 1e308"), "v.json", in: dir)
    let beyond = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", vast])
    #expect(beyond.status == 1 && beyond.stderr.contains("latency (seconds, 0 to 1e9)"), "\(beyond.stderr)")
    let broken = try Self.write("{\"scenarios\": [\n  1,,\n]}", "x.json", in: dir)
    let syntax = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", broken])
    #expect(syntax.status == 1 && syntax.stderr.contains("not valid JSON at line 2, column"), "\(syntax.stderr)")
    // A document cut short (a copy interrupted) is placed at its end.
    let cut = try Self.write("{\"scenarios\": [\n  {\"scenario\": \"a\",\n   \"ro", "c.json", in: dir)
    let short = try EndToEndTests.capsim(["check", Self.scenario, "--baseline", cut])
    #expect(short.status == 1 && short.stderr.contains("not valid JSON at line 3, column 7"), "\(short.stderr)")
    let baseline = try Self.baseline(in: dir)
    let other = try EndToEndTests.capsim([
      "check", EndToEndTests.fixture("platform-bad-pool.yaml"), "--baseline", baseline,
    ])
    #expect(other.status == 1)
  }

  /// What would end a check in a way CI misreads is refused before anything is simulated
  /// (64), and a check that judged nothing does not pass (1).
  @Test func aCheckThatCannotEndWellIsRefused() throws {
    let dir = try Self.folder()
    let targets = try Self.write(Self.targets, "targets.yaml", in: dir)
    let out = dir.appendingPathComponent("out.xml").path
    for (arguments, message) in [
      (["--max-seconds", "inf"], "--max-seconds must be a positive number of seconds, found inf"),
      (["--junit", dir.path], "--junit \(dir.path): \(dir.path) is a folder, not a file"),
      (["--junit", out, "--markdown", out], "--junit and --markdown name the same file"),
      (["--markdown", "/proc/capsim-check.md"], "the folder /proc cannot be written"),
      // A failed check rewrote the baseline it was judged against; the next one passed.
      (
        ["--baseline", dir.appendingPathComponent("b.json").path, "--write-baseline", "\(dir.path)/./b.json"],
        "--write-baseline \(dir.path)/./b.json is the --baseline the check judges against"
      ),
    ] {
      let r = try EndToEndTests.capsim(["check", Self.scenario, "--targets", targets] + arguments)
      #expect(r.status == 64 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
      #expect(!r.stderr.contains("replications:"), "simulated before refusing: \(r.stderr)")
    }
    let twice = try EndToEndTests.capsim(["check", Self.scenario, Self.scenario, "--targets", targets])
    #expect(twice.status == 64 && twice.stderr.contains("are both scenario"), "\(twice.stderr)")
    let empty = try Self.write("objectives: {p95: {classes: [all], territories: [A]}}\n", "empty.yaml", in: dir)
    let json = dir.appendingPathComponent("nothing.json").path
    let junit = dir.appendingPathComponent("nothing.xml").path
    let nothing = try EndToEndTests.capsim([
      "check", Self.scenario, "--targets", empty, "--replications", "2", "--json", json, "--junit", junit,
    ])
    #expect(nothing.status == 1, "\(nothing.stderr)")
    // The JUnit file fails too (it read tests="0" failures="0": green in a report viewer)
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains(#"<testcase classname="capsim.check.platform-small" name="nothing judged""#), "\(xml)")
    #expect(xml.contains(#"<failure type="nothing-judged""#) && !xml.contains(#"failures="0""#), "\(xml)")
    #expect(nothing.stderr.contains("nothing was judged in 'platform-small'"), "\(nothing.stderr)")
    #expect(nothing.stdout.contains("capsim check: nothing judged:"), "\(nothing.stdout)")
    let document = try Self.json(json)
    #expect(document["check"] as? String == "info" && document["exit_status"] as? Int == 1, "\(document)")
    // An objective meeting no row (normal load, in a run all in the Christmas season) gated
    // nothing without a word while the error rate passed
    let normalOnly = try Self.write(
      "objectives: {p95: {target: 200ms, periods: [normal]}, errorRate: {target: 2%}}\n", "normal.yaml", in: dir)
    let silent = try EndToEndTests.capsim(["check", Self.scenario, "--targets", normalOnly, "--replications", "2"])
    #expect(silent.status == 0, "\(silent.stderr)")
    #expect(
      silent.stderr.contains("warning: the targets' p95 latency objective matches no row of this run"),
      "\(silent.stderr)")
    #expect(!silent.stderr.contains("error rate objective matches no row"), "\(silent.stderr)")
  }

  // MARK: The shipped gate

  /// `ci/`: the baseline holds every scenario `ci/check.sh` gates, each row with a spread to
  /// compare with, and the gate passes on the normal week as shipped (3 replications: the
  /// week's replications differ by about 0.1%).
  @Test func theShippedGateHangsTogetherAndPasses() throws {
    let ci = EndToEndTests.root.appendingPathComponent("ci")
    let script = try String(contentsOf: ci.appendingPathComponent("check.sh"), encoding: .utf8)
    let gated = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { $0.hasPrefix("scenarios/") && $0.hasSuffix(".yaml") }
    let baseline = try Self.json(ci.appendingPathComponent("baseline.json").path)
    let scenarios = try #require(baseline["scenarios"] as? [[String: Any]])
    #expect(gated.count == 4)
    #expect(scenarios.compactMap { $0["file"] as? String } == gated)
    for s in scenarios {
      let rows = try #require(s["verdicts"] as? [[String: Any]])
      #expect(rows.count > 20)
      #expect(rows.allSatisfy { ($0["replications"] as? Int ?? 0) >= 2 && $0["standard_deviation"] is Double })
    }
    let r = try EndToEndTests.capsim([
      "check", "scenarios/platform-normal-week.yaml", "--targets", "ci/targets.yaml", "--baseline", "ci/baseline.json",
      "--replications", "3", "--max-replications", "3", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try Self.rows(document)
    #expect(rows.count >= 24)
    #expect(rows.allSatisfy { $0["against_baseline"] as? String == "pass" })
  }

  // MARK: Output checks

  /// Well-formed, valid against the JUnit schema when xmllint is there, and consistent: one
  /// test case per row, counts that match the cases, a failure or error message that names
  /// the measured value.
  static func expectValidJUnit(_ path: String, rows: [[String: Any]]) throws {
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
    let root = try #require(document.rootElement())
    #expect(root.name == "testsuites")
    let cases = try root.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
    #expect(cases.count == rows.count)
    func count(_ name: String) throws -> Int { try root.nodes(forXPath: "//testcase/\(name)").count }
    #expect(root.attribute(forName: "tests")?.stringValue == String(rows.count))
    #expect(root.attribute(forName: "failures")?.stringValue == String(try count("failure")))
    #expect(root.attribute(forName: "errors")?.stringValue == String(try count("error")))
    #expect(root.attribute(forName: "skipped")?.stringValue == String(try count("skipped")))
    #expect(try count("failure") == rows.filter { $0["check"] as? String == "fail" }.count)
    #expect(try count("error") == rows.filter { $0["check"] as? String == "undecided" }.count)
    for c in cases {
      #expect(c.attribute(forName: "name")?.stringValue?.isEmpty == false)
      #expect(c.attribute(forName: "classname")?.stringValue?.hasPrefix("capsim.check.") == true)
      let out = try #require(c.elements(forName: "system-out").first?.stringValue)
      #expect(out.contains(" over "), "the measured value: \(out)")
    }
    if let xmllint = Self.xmllint {
      let schema = EndToEndTests.fixture("junit.xsd")
      let process = Process()
      process.executableURL = URL(fileURLWithPath: xmllint)
      process.arguments = ["--noout", "--schema", schema, path]
      let pipe = Pipe()
      process.standardError = pipe
      process.standardOutput = pipe
      try process.run()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(output)")
    } else {
      print("xmllint not on PATH (scripts/install-xmllint.sh installs it): JUnit XML checked for structure only")
    }
  }

  static func junitMessages(_ path: String) throws -> [String] {
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path), options: [])
    return try document.nodes(forXPath: "//failure/@message | //error/@message | //skipped/@message").compactMap(
      \.stringValue)
  }

  /// The counts in the summary line are those of the rows in the tables.
  static func expectMarkdownCounts(_ path: String, rows: [[String: Any]]) throws {
    let md = try String(contentsOfFile: path, encoding: .utf8)
    let tableRows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| check ") }
    #expect(tableRows.count == rows.count)
    for (word, check) in [("failed", "fail"), ("undecided", "undecided"), ("passed", "pass"), ("waived", "waived")] {
      let n = rows.filter { $0["check"] as? String == check }.count
      #expect(md.contains("\(n) \(word)"), "\(n) \(word)")
      let cell = check == "fail" ? "| **FAIL** |" : "| \(check) |"
      #expect(tableRows.filter { $0.hasPrefix(cell) }.count == n, "\(check)")
    }
  }

  static let xmllint: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return dirs.map { "\($0)/xmllint" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()
}
