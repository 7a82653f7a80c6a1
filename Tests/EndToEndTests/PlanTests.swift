import Foundation
import ResultsStore
import Testing

/// `capsim plan` as a user runs it.
@Suite struct PlanTests {
  static let morning = EndToEndTests.fixture("platform-morning.yaml")

  /// The morning fixture: 60 requests/s of 100 ms CPU on 2-core instances at 10:30 is 6 busy
  /// cores, so 4 instances at least; with a 1 s p95 target, 4 do it.
  @Test func planPrintsTheFewestInstancesWhyAndTheCost() throws {
    let r = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let period = try #require((json["periods"] as? [[String: Any]])?.first)
    #expect(period["territory"] as? String == "A" && period["period"] as? String == "normal")
    #expect(period["stable_instances"] as? Int == 4)
    #expect(period["instances"] as? Int == 4)
    // 4 instances x 0.2 EUR an hour x 720 hours.
    #expect(abs((period["instance_cost_per_30_days"] as? Double ?? 0) - 576) < 1e-9)
    #expect((period["binding"] as? [String: Any])?["objective"] as? String == "p95 latency")
    // Every documented key is there, null when it has no value (one fewer was ruled out by
    // theory here, so there is a reason and no count).
    for key in ["fewer_instances", "fewer_reason", "binding_tier", "p95_s", "more_p95_s", "more_cost_per_30_days"] {
      #expect(period.keys.contains(key), "\(key) missing: \(period.keys.sorted())")
    }
    #expect(period["fewer_instances"] is NSNull && period["fewer_reason"] is String)
    #expect(json.keys.contains("note") && json["note"] is NSNull)
    let table = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--quiet"])
    #expect(table.stdout.contains("Why not one fewer") && table.stdout.contains("A normal at 3: app CPU would be"))
    #expect(table.stdout.contains("What one more buys") && table.stdout.contains("A normal at 5: p95"))
    #expect(table.stderr.isEmpty)
  }

  /// The schedule the plan emits, run as the scenario's capacity, meets every objective, and
  /// rises with the morning.
  @Test func theEmittedCapacityScheduleMeetsTheObjectives() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["platform-morning.yaml", "platform-topology.yaml"] {
      try FileManager.default.copyItem(
        atPath: EndToEndTests.fixture(name), toPath: dir.appendingPathComponent(name).path)
    }
    let schedule = dir.appendingPathComponent("capacity.yaml").path
    let plan = try EndToEndTests.capsim([
      "plan", dir.appendingPathComponent("platform-morning.yaml").path, "--territory", "A", "--emit", "capacity",
      "--out", schedule, "--quiet", "--format", "json", "--db", dir.appendingPathComponent("p.sqlite").path,
    ])
    #expect(plan.status == 0, "\(plan.stderr)")
    // The plan counts the schedule's candidates as simulated: not spared by theory, in the wall
    // time, and tried in the period.
    let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
    let candidates = try #require(json["candidates"] as? [[String: Any]])
    let simulated = Set(candidates.compactMap { ($0["instances"] as? [String: Int])?["A"] })
    let period = try #require((json["periods"] as? [[String: Any]])?.first)
    let stable = try #require(period["stable_instances"] as? Int)
    #expect(simulated.contains { $0 < stable }, "the night's counts are below the peak's bound: \(simulated)")
    #expect(json["spared_by_theory"] as? Int == (1..<stable).filter { !simulated.contains($0) }.count)
    let wall = candidates.reduce(0.0) { $0 + ($1["wall_seconds"] as? Double ?? 0) }
    #expect(json["wall_seconds"] as? Double ?? 0 >= wall)
    let tried = Set(((period["tried"] as? [[String: Any]]) ?? []).compactMap { $0["instances"] as? Int })
    #expect(tried == simulated)
    let text = try String(contentsOfFile: schedule, encoding: .utf8)
    let entries = text.split(separator: "\n").filter { $0.hasPrefix("  - ") }
    let counts = entries.compactMap { line in line.split(separator: " ").last.flatMap { Int($0.dropLast()) } }
    #expect(counts.count >= 2 && counts.first! < counts.last!, "\(text)")
    #expect(counts == counts.sorted(), "the morning only rises: \(counts)")
    #expect(text.contains("at: 2026-12-07T05:00"))
    let whatIf =
      "name: morning-planned\nbase: platform-morning.yaml\noverrides:\n  capacity:\n"
      + entries.map { "  " + $0 }.joined(separator: "\n") + "\n"
    try whatIf.write(to: dir.appendingPathComponent("planned.yaml"), atomically: true, encoding: .utf8)
    let run = try EndToEndTests.capsim([
      "run", dir.appendingPathComponent("planned.yaml").path, "--fail-on-slo", "--quiet",
      "--db", dir.appendingPathComponent("r.sqlite").path,
    ])
    #expect(run.status == 0, "\(run.stdout.suffix(2_000))")
  }

  /// A schedule's times are in the zone the scenario reads `capacity: at:` in, the calendar's:
  /// for a territory in Tokyo, the run's first hour was written as 13:00 (its local time) and
  /// read back 8 hours late.
  @Test func theScheduleIsWrittenInTheCalendarsTimeZone() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--set", "territories.A.timezone=Asia/Tokyo", "--replications", "2",
      "--emit", "capacity", "--quiet", "--db", dir.appendingPathComponent("p.sqlite").path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let entries = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  - {territory: A") }
    #expect(entries.first?.contains("at: 2026-12-07T05:00,") == true, "\(entries)")
  }

  /// The morning needs 4 instances by theory: capped at 3, the plan keeps that bound, simulates
  /// nothing and answers none, with exit status 3.
  @Test func aCapBelowTheStableBoundIsNoneExplainedByTheory() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("p.sqlite").path
    let r = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--max-instances", "3", "--quiet", "--format", "json", "--db", db,
    ])
    #expect(r.status == 3, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let period = try #require((json["periods"] as? [[String: Any]])?.first)
    #expect(period["stable_instances"] as? Int == 4)
    #expect(!(period["instances"] is Int))
    #expect((json["candidates"] as? [Any])?.isEmpty == true)
    #expect(json["spared_by_theory"] as? Int == 3)
    let reason = period["fewer_reason"] as? String ?? ""
    #expect(reason.hasPrefix("at 3: app CPU would be") && reason.contains("theory rules out every count up to the cap"))
    let table = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--max-instances", "3", "--quiet", "--db", db,
    ])
    #expect(table.status == 3)
    #expect(table.stdout.contains(">= 4") && table.stdout.contains("none <= 3"), "\(table.stdout)")
    // and no empty sections: nothing to buy one more of, no cost at a plan there is none of
    #expect(!table.stdout.contains("What one more buys") && !table.stdout.contains("Cost per 30 days at the plan"))
    #expect(table.stdout.contains("No cost at the plan: no period has an instance count that meets its objectives."))
    // No schedule of a plan without an answer (it filled the hours with the cap, as if sized)
    let emitted = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--max-instances", "3", "--quiet", "--db", db, "--emit", "capacity",
    ])
    #expect(emitted.status == 3)
    #expect(!emitted.stdout.contains("capacity:"), "\(emitted.stdout)")
    #expect(
      emitted.stderr.contains("plan: no capacity schedule: no count up to the cap meets the objectives in 1 period"))
  }

  static func folder() throws -> URL {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-plans-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// With a 330 ms p95 target, 4 instances miss it (336 ms) and 5 meet it: a plan with a count
  /// that fails, the answer and one more.
  static let tight = ["plan", morning, "--territory", "A", "--set", "slo.p95=330ms"]

  /// Every plan is recorded with its candidates; `capsim plans` lists it, prints it as
  /// `capsim plan` did, and writes the same report.
  /// Two territories on one cluster, each capped with the other at its configured count: the
  /// answers fit alone and overrun the node together (validate refuses them), which the plan
  /// says on stderr, in its JSON note and in the record, and exits 3 without a schedule.
  @Test func answersThatOverrunASharedNodeTogetherAreSaid() throws {
    let shared = [
      "territories.CH.database.primary=de-primary", "territories.CH.currency=EUR",
      "databases.de-primary.maxConnections=60", "databases.de-replica-1.maxConnections=60",
      "databases.de-replica-2.maxConnections=60", "calendar.start=2026-03-02T09:00", "calendar.end=2026-03-02T10:00",
      "demand.DE.users=5000", "demand.CH.users=3500",
    ].flatMap { ["--set", $0] }
    let db = EndToEndTests.scratch.appendingPathComponent("plan-\(UUID().uuidString).sqlite").path
    let r = try EndToEndTests.capsim(
      ["plan", "scenarios/platform-normal-week.yaml"] + shared
        + [
          "--replications", "2", "--max-replications", "2", "--format", "json", "--emit", "capacity", "--out",
          db + ".capacity.yaml", "--db", db,
        ])
    #expect(r.status == 3, "\(r.stderr)")
    #expect(r.stderr.contains("plan: warning: the counts together open DE"), "\(r.stderr)")
    #expect(r.stderr.contains("no capacity schedule"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: db + ".capacity.yaml"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect((json["note"] as? String)?.contains("more than its maxConnections 60") == true, "\(json["note"] ?? "")")
    let shown = try EndToEndTests.capsim(["plans", "1", "--db", db])
    #expect(shown.stdout.contains("note: the counts together open"), "\(shown.stdout)")
  }

  @Test func aPlanIsRecordedListedShownAndReported() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("plans.sqlite").path
    let direct = dir.appendingPathComponent("direct").path

    // When a plan runs with --report
    let plan = try EndToEndTests.capsim(Self.tight + ["--format", "json", "--db", db, "--report", direct])

    // Then it says where it is recorded, and the JSON names the plan
    #expect(plan.status == 0, "\(plan.stderr)")
    #expect(plan.stderr.contains("recorded as plan 1 in \(db)"), "\(plan.stderr)")
    #expect(plan.stderr.contains("wrote \(direct)/index.html"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
    #expect(json["plan_id"] as? Int == 1)
    let period = try #require((json["periods"] as? [[String: Any]])?.first)
    #expect(period["instances"] as? Int == 5 && period["fewer_instances"] as? Int == 4)

    // And the database has every candidate and every count tried, with the verdicts behind them
    let data = try #require(try ResultsStore(path: db).planData(1))
    #expect(data.plan.status == .complete && data.plan.territories == ["A"] && data.plan.settings == ["slo.p95=330ms"])
    #expect(data.candidates.count == 3)
    #expect(data.candidates.map { $0.instances["A"] } == [5, 4, 6])
    let recorded = try #require(data.periods.first)
    #expect(recorded.tried.map(\.instances) == [4, 5, 6])
    #expect(recorded.tried.map(\.status) == ["fails", "meets", "meets"])
    #expect(recorded.binding?.objective == "p95 latency" && recorded.bindingTier == "app")
    #expect(recorded.fewer.first?.outcome == "fail" && recorded.fewer.first?.target == 0.33)
    // 5 instances x 0.2 EUR an hour x 720 hours, and one more.
    #expect(recorded.instanceCost == 720 && abs((recorded.moreCost ?? 0) - 144) < 1e-9)

    // And `capsim plans` lists it, and prints exactly what `capsim plan` printed
    let list = try EndToEndTests.capsim(["plans", "--db", db])
    #expect(
      list.status == 0 && list.stdout.contains("platform-morning") && list.stdout.contains("1 of 1"), "\(list.stdout)")
    let shown = try EndToEndTests.capsim(["plans", "1", "--format", "json", "--db", db])
    #expect(shown.status == 0 && shown.stdout == plan.stdout)
    let table = try EndToEndTests.capsim(["plans", "latest", "--db", db])
    #expect(table.stdout.hasPrefix("plan 1: platform-morning, territories A, complete"))
    #expect(table.stdout.contains("--set slo.p95=330ms"))
    #expect(table.stdout.contains("A normal at 4: p95 latency 336ms"), "\(table.stdout)")

    // And the report written from the database is the one the plan wrote
    let later = dir.appendingPathComponent("later").path
    #expect(try EndToEndTests.capsim(["plans", "1", "--report", later, "--db", db]).status == 0)
    for file in ["index.html", "report.md"] {
      let a = try String(contentsOfFile: "\(direct)/\(file)", encoding: .utf8)
      #expect(a == (try String(contentsOfFile: "\(later)/\(file)", encoding: .utf8)), "\(file)")
    }
    #expect(try String(contentsOfFile: "\(direct)/index.html", encoding: .utf8).contains("answer: 5 · EUR 720.00"))
  }

  @Test func quietHidesTheRecordingAndBadIDsAreRefused() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("plans.sqlite").path
    let quiet = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--quiet", "--db", db])
    #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    #expect(try ResultsStore(path: db).plans().count == 1)
    let missing = try EndToEndTests.capsim(["plans", "9", "--db", db])
    #expect(missing.status == 4 && missing.stderr.contains("no plan 9"))
    #expect(try EndToEndTests.capsim(["plans", "nine", "--db", db]).status == 64)
    #expect(try EndToEndTests.capsim(["plans", "--report", dir.path, "--db", db]).status == 64)
    let empty = dir.appendingPathComponent("empty.sqlite").path
    #expect(try EndToEndTests.capsim(["plans", "latest", "--db", empty]).status == 4)
    #expect(try EndToEndTests.capsim(["plans", "--db", empty]).stdout.contains("no plans recorded"))
  }

  /// A file that is not a capsim database is refused before anything is planned, as for a run.
  @Test func aDatabaseThatCannotBeUsedIsStatus5() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let notes = dir.appendingPathComponent("notes.txt").path
    try "not a database\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let r = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--quiet", "--db", notes])
    #expect(r.status == 5 && r.stderr.contains("'\(notes)' is not a capsim results database"), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(try String(contentsOfFile: notes, encoding: .utf8) == "not a database\n")
  }

  static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// When the database is locked past the busy timeout as the plan ends, the plan is printed all
  /// the same, saved beside the database, and the status is 5. The busy timeout is 1 s here
  /// (`CAPSIM_BUSY_TIMEOUT`), not the 10 s a user waits.
  @Test(.enabled(if: sqlite3 != nil, "needs the sqlite3 shell to hold a lock"), .timeLimit(.minutes(2)))
  func aPlanThatCannotBeStoredIsPrintedAndSaved() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A plan takes a second or two; on a loaded machine it can end before the lock is taken,
    // which tests nothing: then a new plan is tried.
    var attempt = 0
    var plan = Process()
    var db = ""
    var output = RecordingTests.StartedOutput(in: dir)
    var locked = false
    while !locked && attempt < 3 {
      attempt += 1
      db = dir.appendingPathComponent("plans-\(attempt).sqlite").path
      output = RecordingTests.StartedOutput(in: dir, suffix: "-\(attempt)")

      // Given a plan that has begun
      plan = try RecordingTests.start(
        Self.tight + ["--format", "json", "--db", db], environment: ["CAPSIM_BUSY_TIMEOUT": "1"], output: output)
      let deadline = Date().addingTimeInterval(20)
      while Date() < deadline, !(try EndToEndTests.capsim(["plans", "--db", db]).stdout.contains("running")) {
        Thread.sleep(forTimeInterval: 0.05)
      }

      // When another connection holds the write lock until the plan has ended
      let lock = try SQLiteShellLock(db)
      locked = plan.isRunning
      plan.waitUntilExit()
      try lock.release()
    }
    try #require(locked, "each of \(attempt) plans ended before the lock was taken")

    // Then it exits with 5, naming the database and the reason, and the plan is printed
    let err = try output.read().stderr
    #expect(plan.terminationStatus == 5, "\(err)")
    #expect(
      err.contains("cannot record plan 1 in results database \(db): another connection held it for more than 1 s"),
      "\(err)")
    // The first candidate that could not be kept is said, and no later one waits for the lock
    #expect(err.components(separatedBy: "cannot keep candidate").count == 2, "\(err)")
    let printed = try JSONSerialization.jsonObject(with: Data(contentsOf: output.stdout)) as? [String: Any]
    #expect((printed?["periods"] as? [[String: Any]])?.first?["instances"] as? Int == 5)

    // And saved in the file the error names, as its records
    let saved = try #require(err.firstMatch(of: /saved in (\S+\.json)/).map { String($0.1) }, "\(err)")
    defer { try? FileManager.default.removeItem(atPath: saved) }
    let records =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any]
    #expect((records?["candidates"] as? [Any])?.count == 3)
    #expect((records?["plan"] as? [String: Any])?["id"] as? Int == 1)

    // And the plan does not stay running once its process is gone
    #expect(try ResultsStore(path: db).planData(1)?.plan.status != .running)

    // And `capsim import` stores the saved file as a plan that reads back as it was printed,
    // once only
    let imported = try EndToEndTests.capsim(["import", saved, "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("stored as plan 2 in"), "\(imported.stderr)")
    let shown = try EndToEndTests.capsim(["plans", "2", "--db", db, "--format", "json"])
    let reread = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
    #expect(
      (reread?["periods"] as? [[String: Any]])?.first?["instances"] as? Int == 5 && shown.status == 0,
      "\(shown.stderr)")
    let again = try EndToEndTests.capsim(["import", saved, "--db", db])
    #expect(again.status == 0 && again.stdout.contains("already in \(db) as plan 2"), "\(again.stdout)")
    #expect(try ResultsStore(path: db).planData(3) == nil)
  }

  @Test func badRequestsAreUsageErrors() throws {
    let unknown = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "AA", "--quiet"])
    #expect(
      unknown.status == 64 && unknown.stderr.contains("no territory 'AA'")
        && unknown.stderr.contains("did you mean 'A'"))
    let network = try EndToEndTests.capsim(["plan", EndToEndTests.fixture("small.yaml"), "--quiet"])
    #expect(network.status == 64 && network.stderr.contains("not a platform scenario"))
  }

  /// `--vary`: a plan at each point, the cheapest per period. Morning A needs 6 busy cores: four
  /// 2-core instances at 0.3 (1.2 an hour) or two 4-core ones at 0.3 (0.6 an hour).
  @Test func aVariedPlanPicksTheCheapestPoint() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--vary", "territories.A.app.cores=2,4", "--vary",
      "territories.A.app.price=0.3", "--vary", "databases.a-*.cores=4", "--replications", "2", "--format", "json",
      "--quiet", "--db", dir.appendingPathComponent("p.sqlite").path, "--report",
      dir.appendingPathComponent("rep").path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    // The report folder has a front page (it held only point-1/ and point-2/) linking each point
    let front = try String(contentsOf: dir.appendingPathComponent("rep/index.html"), encoding: .utf8)
    #expect(front.contains("href=\"point-1/index.html\"") && front.contains("href=\"point-2/index.html\""), "\(front)")
    #expect(front.contains("Cheapest configuration per territory and period"))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rep/point-2/index.html").path))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rep/report.md").path))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let points = try #require(json["points"] as? [[String: Any]])
    #expect(points.count == 2)
    let pick = try #require((json["cheapest"] as? [[String: Any]])?.first)
    #expect(pick["point"] as? Int == 2)
    #expect((pick["settings"] as? [String])?.first == "territories.A.app.cores=4")
    let instances = try #require(pick["instances"] as? Int)
    #expect(instances >= 2)
    #expect(abs((pick["instance_cost_per_30_days"] as? Double ?? 0) - Double(instances) * 0.3 * 720) < 1e-9)
    // a-primary and a-replica at 1.0 an hour each, their cores unchanged.
    #expect(abs((pick["database_cost_per_30_days"] as? Double ?? 0) - 2 * 720) < 1e-9)
    // Both points are recorded plans, the wildcard expanded in their settings.
    let list = try EndToEndTests.capsim(["plans", "--db", dir.appendingPathComponent("p.sqlite").path])
    #expect(list.stdout.contains("\n2 ") && list.stdout.contains("\n1 "), "\(list.stdout)")
    let shown = try EndToEndTests.capsim(["plans", "2", "--db", dir.appendingPathComponent("p.sqlite").path])
    #expect(
      shown.stdout.contains("databases.a-primary.cores=4") && shown.stdout.contains("databases.a-replica.cores=4"),
      "\(shown.stdout.prefix(1_500))")
  }

  @Test func aVariedPlanRefusesWhatItCannotVary() throws {
    let instances = try EndToEndTests.capsim([
      "plan", Self.morning, "--vary", "territories.A.app.instances=2,3", "--quiet",
    ])
    #expect(instances.status == 64 && instances.stderr.contains("the plan finds the instances"), "\(instances.stderr)")
    // The same key as --set was silently overridden by the plan's own counts
    let set = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--set", "territories.A.app.instances=5", "--quiet",
    ])
    #expect(set.status == 64 && set.stderr.contains("the plan finds A's instances"), "\(set.stderr)")
    let unmatched = try EndToEndTests.capsim(["plan", Self.morning, "--vary", "databases.z-*.cores=2,4", "--quiet"])
    #expect(
      unmatched.status == 64 && unmatched.stderr.contains("no database node matches 'z-*'"), "\(unmatched.stderr)")
    let emit = try EndToEndTests.capsim([
      "plan", Self.morning, "--vary", "territories.A.app.cores=2,4", "--emit", "capacity", "--quiet",
    ])
    #expect(emit.status == 64 && emit.stderr.contains("--emit capacity takes one configuration"), "\(emit.stderr)")
  }
  /// Candidates are kept as they are simulated: a plan interrupted after one still lists it.
  @Test func anInterruptedPlanKeepsTheCandidatesItSimulated() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("p.sqlite").path
    // Two candidates of a week each: the test stops it after the first.
    let process = try RecordingTests.start([
      "plan", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--replications", "2", "--db", db,
    ])
    let deadline = Date().addingTimeInterval(120)
    var shown = ""
    while Date() < deadline && process.isRunning {
      if FileManager.default.fileExists(atPath: db) {
        shown = try EndToEndTests.capsim(["plans", "1", "--db", db]).stdout
        if shown.contains("The candidates it simulated") { break }
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(shown.contains("running") && shown.contains("DE normal"), "\(shown)")
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let after = try EndToEndTests.capsim(["plans", "1", "--db", db]).stdout
    #expect(after.contains("interrupted") && after.contains("DE normal"), "\(after)")
    let list = try EndToEndTests.capsim(["plans", "--db", db]).stdout
    #expect(list.contains("interrupted") && !list.contains("running"), "\(list)")
  }
  /// Ctrl-C stops a varied plan in its second point too: the signal sources outlive the first
  /// point's record (a cancelled source made again never fired, and the plan ran to its end).
  @Test func aVariedPlanStopsOnCtrlCInItsSecondPoint() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("p.sqlite").path
    let process = try RecordingTests.start([
      "plan", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--replications", "2",
      "--vary", "territories.DE.app.workers=8,16", "--db", db,
    ])
    let deadline = Date().addingTimeInterval(180)
    var list = ""
    while Date() < deadline && process.isRunning {
      if FileManager.default.fileExists(atPath: db) {
        list = try EndToEndTests.capsim(["plans", "--db", db]).stdout
        if list.split(separator: "\n").contains(where: { $0.hasPrefix("2 ") && $0.contains("running") }) { break }
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    #expect(process.isRunning, "the second point should still run: \(list)")
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let after = try EndToEndTests.capsim(["plans", "--db", db]).stdout
    #expect(after.split(separator: "\n").contains { $0.hasPrefix("2 ") && $0.contains("interrupted") }, "\(after)")
  }
  /// A schedule sized in hybrid mode says to run it request by request before relying on it.
  @Test func aHybridScheduleComesWithAWarning() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim([
      "plan", Self.morning, "--territory", "A", "--emit", "capacity", "--mode", "hybrid",
      "--out", dir.appendingPathComponent("capacity.yaml").path, "--db", dir.appendingPathComponent("p.sqlite").path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stderr.contains("the schedule was sized in hybrid mode; run it as a what-if with --mode request"), "\(r.stderr)"
    )
  }
}
