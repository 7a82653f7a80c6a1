import Foundation
import ResultsStore
import Testing

/// Runs recorded in the results database, as a user (or CI) sees them through the binary.
@Suite struct RecordingTests {
  static func database() -> String {
    EndToEndTests.scratch.appendingPathComponent("capsim-\(UUID().uuidString).sqlite").path
  }

  static func start(_ arguments: [String], environment more: [String: String] = [:], output: StartedOutput? = nil)
    throws -> Process
  {
    let process = Process()
    process.executableURL = EndToEndTests.binary
    process.arguments = arguments
    process.currentDirectoryURL = EndToEndTests.root
    var environment = ProcessInfo.processInfo.environment
    environment["CAPSIM_DB"] = EndToEndTests.scratchDatabase
    process.environment = environment.merging(more) { $1 }
    if let output {
      _ = FileManager.default.createFile(atPath: output.stdout.path, contents: nil)
      _ = FileManager.default.createFile(atPath: output.stderr.path, contents: nil)
      process.standardOutput = try FileHandle(forWritingTo: output.stdout)
      process.standardError = try FileHandle(forWritingTo: output.stderr)
    } else {
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
    }
    try process.run()
    return process
  }

  /// Where a started process writes: `<folder>/stdout<suffix>` and `<folder>/stderr<suffix>`.
  struct StartedOutput {
    let stdout: URL
    let stderr: URL

    init(in folder: URL, suffix: String = "") {
      stdout = folder.appendingPathComponent("stdout" + suffix)
      stderr = folder.appendingPathComponent("stderr" + suffix)
    }

    func read() throws -> (stdout: String, stderr: String) {
      (try String(contentsOf: stdout, encoding: .utf8), try String(contentsOf: stderr, encoding: .utf8))
    }
  }

  /// Waits until `capsim runs` lists a run with `status` (at most `seconds`).
  static func waitFor(_ status: String, db: String, seconds: Double = 20) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if FileManager.default.fileExists(atPath: db),
        try EndToEndTests.capsim(["runs", "--db", db]).stdout.contains(status)
      {
        return true
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    return false
  }

  /// `diff` says what differs besides the what-ifs, as the report's "What changed" does: the
  /// seed and the replications (it said only topologies and settings).
  @Test func aDiffSaysTheSeedAndReplicationsDiffer() throws {
    let db = Self.database()
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", db, "--quiet"]).status == 0)
    let other = try EndToEndTests.capsim(["run", small, "--db", db, "--quiet", "--seed", "9", "--replications", "3"])
    #expect(other.status == 0, "\(other.stderr)")
    let diff = try EndToEndTests.capsim(["diff", "1", "2", "--db", db])
    #expect(diff.stdout.contains("\nseed: "), "\(diff.stdout.prefix(300))")
    #expect(diff.stdout.contains(" -> 9\n") && diff.stdout.contains("\nreplications: "), "\(diff.stdout.prefix(300))")
    #expect(!diff.stdout.contains("scenario files differ"))
  }

  @Test func everyRunIsRecordedAndCanBeListedShownAndCompared() throws {
    let db = Self.database()
    let small = EndToEndTests.fixture("platform-small.yaml")
    let first = try EndToEndTests.capsim(["run", small, "--db", db])
    #expect(first.status == 0)
    #expect(first.stderr.contains("recorded as run 1 in \(db)"))
    let second = try EndToEndTests.capsim([
      "run", small, "--db", db, "--quiet", "--set", "demand.A.growth=3", "--set", "slo.peakP95=1ms",
    ])
    #expect(second.status == 0)
    let network = try EndToEndTests.capsim(["run", EndToEndTests.fixture("small.yaml"), "--db", db, "--quiet"])
    #expect(network.status == 0)
    let runs = try EndToEndTests.capsim(["runs", "--db", db])
    #expect(
      runs.stdout.contains("platform-small") && runs.stdout.contains("complete") && runs.stdout.contains("network"))
    // The last column counts failed objectives: every p95 fails a 1 ms target in run 2, none in run 1.
    let failed = runs.stdout.split(separator: "\n").compactMap { line -> (String, Int)? in
      let cells = line.split(separator: " ")
      guard let id = cells.first, let count = cells.last.flatMap({ Int($0) }) else { return nil }
      return (String(id), count)
    }
    #expect(failed.contains { $0.0 == "2" && $0.1 > 0 })
    #expect(failed.contains { $0.0 == "1" && $0.1 == 0 })
    #expect(!runs.stdout.contains("not shown"))
    // A listing cut by --limit says so (it once stopped at 50 without a word)
    let two = try EndToEndTests.capsim(["runs", "--db", db, "--limit", "2"])
    #expect(
      two.stdout.hasSuffix("(the newest 2 runs; older ones are not shown: --limit N for more)\n"), "\(two.stdout)")
    #expect(!two.stdout.split(separator: "\n").contains { $0.hasPrefix("1 ") })
    // show --format json of the network run carries its results (it had the run record only)
    let networkJSON = try EndToEndTests.capsim(["show", "3", "--db", db, "--format", "json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(networkJSON.stdout.utf8)) as? [String: Any])
    let results = try #require(document["network"] as? [String: Any], "\(networkJSON.stdout.prefix(400))")
    #expect(results["end_to_end"] is [String: Any] && results["stations"] is [Any])
    let show = try EndToEndTests.capsim(["show", "2", "--db", db])
    #expect(show.stdout.contains("demand.A.growth=3"))
    #expect(
      show.stdout.contains("SLO verdicts") && show.stdout.contains("cost over the run, by calendar month")
        && show.stdout.contains("per 30 days"))
    let json = try EndToEndTests.capsim(["show", "1", "--db", db, "--format", "json"])
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect((doc["series"] as? [Any])?.isEmpty == false)
    let diff = try EndToEndTests.capsim(["diff", "1", "2", "--db", db])
    #expect(diff.status == 0)
    #expect(diff.stdout.contains("baseline run 1") && diff.stdout.contains("what-if run 2"))
    // Three times A's demand on this small platform moves its p95 by less than the runs'
    // noise, and B's not at all; the database nodes are side by side; a run against itself is
    // the same throughout.
    #expect(diff.stdout.contains("\ndatabase nodes (share of the cores busy"), "\(diff.stdout)")
    let lines = diff.stdout.split(separator: "\n")
    let p95 = try #require(lines.first { $0.hasPrefix("A ") && $0.contains("all   p95 latency") })
    #expect(p95.contains("(noise)") && p95.contains("<- changed"), "\(p95)")
    let b95 = try #require(lines.first { $0.hasPrefix("B ") && $0.contains("all   p95 latency") })
    #expect(b95.contains("same"), "\(b95)")
    let itself = try EndToEndTests.capsim(["diff", "1", "1", "--db", db])
    #expect(itself.stdout.contains("SLO verdicts (0 changed outcomes;"), "\(itself.stdout)")
    let rows = itself.stdout.split(separator: "\n").filter { $0.contains(" pass ") || $0.contains(" info ") }
    #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("same") }, "\(itself.stdout)")
    // Network runs have no verdicts or costs to put side by side: it says so, not an empty table.
    let networks = try EndToEndTests.capsim(["diff", "3", "3", "--db", db])
    #expect(networks.status == 0 && networks.stdout.contains("neither run has SLO verdicts or costs (network runs)"))
    #expect(!networks.stdout.contains("SLO verdicts ("))
    // A network run keeps what it printed: show gives its station table, the report its stations.
    let printed = try EndToEndTests.capsim(["run", EndToEndTests.fixture("small.yaml"), "--db", db, "--quiet"]).stdout
    let shownNetwork = try EndToEndTests.capsim(["show", "3", "--db", db])
    let stationTable = try #require(printed.range(of: "station ")).lowerBound
    #expect(
      shownNetwork.stdout.contains(printed[stationTable...].trimmingCharacters(in: .newlines)),
      "\(shownNetwork.stdout)\n---\n\(printed)")
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-network-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(try EndToEndTests.capsim(["report", "3", "--db", db, "--out", folder.path]).status == 0)
    let page = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(page.contains("## Stations") && page.contains("| server |") && !page.contains(" 0 min windows"), "\(page)")
    // A network run and a platform run have nothing in common to put side by side.
    let mixed = try EndToEndTests.capsim(["diff", "1", "3", "--db", db])
    #expect(
      mixed.status == 1 && mixed.stderr.contains("run 1 is a platform run and run 3 a network run"), "\(mixed.stderr)")
    #expect(try EndToEndTests.capsim(["report", "3", "--baseline", "1", "--db", db]).status == 1)
    let missing = try EndToEndTests.capsim(["show", "99", "--db", db])
    #expect(missing.status == 4 && missing.stderr.contains("no run 99"))
  }

  /// A command that only reads leaves a mistyped `--db` alone: it says there is no database
  /// there (a list exits 0, a lookup 4) and creates no file, lock or WAL beside it.
  @Test func readingCommandsCreateNoDatabase() throws {
    let db = Self.database()
    let folder = URL(fileURLWithPath: db).deletingLastPathComponent().path
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
    for list in ["runs", "sweeps", "plans", "autoscales"] {
      let r = try EndToEndTests.capsim([list, "--db", db])
      #expect(r.status == 0 && r.stdout.contains("there is no results database at \(db)"), "\(list): \(r.stdout)")
    }
    for lookup in [
      ["show", "latest"], ["report", "1"], ["diff", "1", "2"], ["sweeps", "1"], ["plans", "latest"],
      ["autoscales", "1"],
    ] {
      let r = try EndToEndTests.capsim(lookup + ["--db", db])
      #expect(r.status == 4 && r.stderr.contains("there is no results database at \(db)"), "\(lookup): \(r.stderr)")
    }
    let created = Set(try FileManager.default.contentsOfDirectory(atPath: folder)).subtracting(before)
    #expect(!created.contains { $0.hasPrefix(URL(fileURLWithPath: db).lastPathComponent) }, "\(created)")
  }

  /// Ctrl-C exits with 130 and SIGTERM with 143, each marking the run (a killed process, which
  /// cannot, is in `DataSafetyTests`).
  @Test(arguments: zip([SIGINT, SIGTERM], [Int32(130), 143]))
  func aSignalMarksTheRunInterrupted(_ signal: Int32, _ status: Int32) throws {
    let db = Self.database()
    let process = try Self.start(["run", "scenarios/platform-normal-week.yaml", "--db", db, "--replications", "1"])
    #expect(try Self.waitFor("running", db: db))
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    #expect(process.terminationStatus == status)
    let runs = try EndToEndTests.capsim(["runs", "--db", db])
    #expect(runs.stdout.contains("interrupted") && !runs.stdout.contains("running"))
    // An interrupted run has nothing to compare or report, as a missing one (status 4).
    for arguments in [["diff", "1", "1"], ["report", "1"]] {
      let r = try EndToEndTests.capsim(arguments + ["--db", db])
      #expect(r.status == 4 && r.stderr.contains("run 1 is interrupted, not complete: nothing to"), "\(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
  }

  @Test func reportWritesAFolderForTheLatestRun() throws {
    let db = Self.database()
    #expect(
      try EndToEndTests.capsim(["run", EndToEndTests.fixture("platform-small.yaml"), "--db", db, "--quiet"]).status == 0
    )
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-report-\(UUID().uuidString)").path
    let r = try EndToEndTests.capsim(["report", "latest", "--db", db, "--out", folder])
    #expect(r.status == 0, "\(r.stderr)")
    for file in ["index.html", "report.md", "summary.json"] {
      #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
    }
    // An empty file is a database without runs (as SQLite takes it).
    let empty = Self.database()
    #expect(FileManager.default.createFile(atPath: empty, contents: nil))
    let none = try EndToEndTests.capsim(["report", "latest", "--db", empty])
    #expect(none.status == 4 && none.stderr.contains("no complete run"), "\(none.stderr)")
  }

  /// The fixture's replica outage reaches the report through the database, and a what-if's
  /// `--set` and added capacity show in the comparison.
  @Test func reportsShowFaultsAndWhatChanged() throws {
    // Given the small scenario, and a what-if of it with more users and a scale-up
    let db = Self.database()
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", db, "--quiet"]).status == 0)
    let whatIf = try EndToEndTests.capsim([
      "run", small, "--db", db, "--quiet", "--set", "demand.A.growth=1.5", "--set",
      "capacity=[{territory: A, at: 2026-12-07T09:00, instances: 4}]",
    ])
    #expect(whatIf.status == 0, "\(whatIf.stderr)")

    // When the what-if is reported, alone and against the first run
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-report-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(try EndToEndTests.capsim(["report", "2", "--db", db, "--out", folder + "/run"]).status == 0)
    #expect(
      try EndToEndTests.capsim(["report", "2", "--baseline", "1", "--db", db, "--out", folder + "/cmp"]).status == 0)

    // Then the run's report lists and marks the outage and the scale-up, with local times
    let md = try String(contentsOfFile: folder + "/run/report.md", encoding: .utf8)
    #expect(md.contains("| A | replica-down | a-replica | Mon 07 Dec 2026 08:30 | Mon 07 Dec 2026 08:50 | 20 min |"))
    #expect(md.contains("| A | capacity | A | Mon 07 Dec 2026 09:00 | – | instant | 4 instances |"))
    let html = try String(contentsOfFile: folder + "/run/index.html", encoding: .utf8)
    #expect(html.contains("<rect class=\"mark fault\""))
    #expect(html.contains(">a-replica down</text>"))
    // and the comparison says what changed, and which run had the scale-up
    let comparison = try String(contentsOfFile: folder + "/cmp/report.md", encoding: .utf8)
    #expect(comparison.contains("- Settings on the command line (--set)\n  - + demand.A.growth=1.5\n"))
    #expect(comparison.contains("| what-if | A | capacity | A |"))
    #expect(comparison.contains("| both | A | replica-down | a-replica |"))
  }

  /// A network run with a calendar records each window's season and demand multiplier, as a
  /// platform run does (every window was "normal", the multiplier NULL, and its report shaded
  /// no season).
  @Test func aNetworkRunWithACalendarRecordsItsSeasons() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "run", "scenarios/web-tier-christmas-week.yaml", "--replications", "1", "--set", "calendar.end=2026-12-08",
      "--db", db, "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let data = try #require(try ResultsStore(path: db).data(1))
    let all = data.series.filter { $0.tier == "all" }
    #expect(all.count == 24 && all.allSatisfy { $0.period == "christmas" }, "\(Set(all.map(\.period)))")
    // 10:00 on a Monday in the season (5x): far above the night
    let ten = try #require(all.first { $0.localStart.hasSuffix("T10:00") }?.demandMultiplier)
    let three = try #require(all.first { $0.localStart.hasSuffix("T03:00") }?.demandMultiplier)
    #expect(ten > 3 && three < ten / 3, "\(ten) \(three)")
  }
  /// A warm-up keeps no windows, but its instances are paid for: what is recorded (`show`,
  /// the reports) costs what the run printed, warm-up included, as the README says.
  @Test func aRecordedCostIncludesTheWarmUp() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "run.warmup=30min", "--format", "json", "--db", db,
      "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let printed = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let territories = try #require(printed["territories"] as? [[String: Any]])
    let data = try #require(try ResultsStore(path: db).data(1))
    for t in territories {
      let name = try #require(t["name"] as? String)
      let hours = try #require(t["instance_hours"] as? [String: Any])["mean"] as? Double
      let recorded = data.costs.filter { $0.territory == name }
      #expect(abs(recorded.reduce(0) { $0 + $1.instanceHours } - (hours ?? -1)) < 1e-9, "\(name): \(recorded) vs \(t)")
      #expect(abs(recorded.reduce(0) { $0 + ($1.spanHours ?? 0) } - 2) < 1e-9, "\(name): the two hours run")
    }
    // The run's line says which of its counts the warm-up is in
    let text = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "run.warmup=30min", "--db", db, "--quiet",
    ])
    let line = text.stdout.split(separator: "\n").dropFirst().first ?? ""
    #expect(line.contains("events; the requests after the warm-up, the events with it)"), "\(line)")
  }
  /// A run's span, fault times and recorded zone are the scenario calendar's, whatever zone its
  /// first territory keeps (with Australia/Sydney first, a Berlin calendar read "... 18:00 to
  /// ... 20:00 Australia/Sydney").
  @Test func aRunIsToldInItsCalendarsZone() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "territories.A.timezone=Australia/Sydney",
      "--replications", "1", "--db", db,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout.contains("Mon 2026-12-07 08:00 to Mon 2026-12-07 10:00 Europe/Berlin")
        && r.stdout.contains("a-replica down Mon 2026-12-07 08:30"), "\(r.stdout.prefix(600))")
    #expect(try ResultsStore(path: db).runs().first?.timeZone == "Europe/Berlin")
  }

  /// A series window across a month's end is split between the months by its hours (a daily
  /// window from noon to noon counted its 24 hours in the month it started in).
  @Test func aWindowAcrossAMonthsEndIsSplitBetweenTheMonths() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "calendar.start=2026-11-30T12:00",
      "--set", "calendar.end=2026-12-01T12:00", "--set", "run.series=1d", "--set", "faults=[]",
      "--replications", "1", "--db", db, "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let data = try #require(try ResultsStore(path: db).data(1))
    let a = data.costs.filter { $0.territory == "A" }
    #expect(a.map(\.month) == ["2026-11", "2026-12"], "\(a)")
    #expect(a.map { $0.spanHours ?? 0 } == [12, 12], "\(a)")
  }

  /// The hour the clocks go back comes twice; the recorded local starts tell the two apart by
  /// their UTC offset (both read "2026-10-25T02:00" before).
  @Test func theRepeatedHourIsRecordedWithItsOffsets() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "calendar.start=2026-10-25T01:00", "--set",
      "calendar.end=2026-10-25T04:00", "--set", "run.series=1h", "--set", "faults=[]", "--db", db, "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let data = try #require(try ResultsStore(path: db).data(1))
    let starts = data.series.filter { $0.territory == "A" && $0.tier == "all" && $0.requestClass == "all" }.map(
      \.localStart)
    #expect(starts == ["2026-10-25T01:00", "2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00", "2026-10-25T03:00"])
  }
}
