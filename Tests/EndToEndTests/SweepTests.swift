import Foundation
import Testing

/// `capsim sweep`, `--shard` and `capsim merge` through the binary, on the small two-hour
/// platform (4 points x 2 replications take about a second).
@Suite struct SweepTests {
  static let small = EndToEndTests.fixture("platform-small.yaml")
  static let axes = ["--vary", "territories.A.app.instances=1,2", "--vary", "demand.A.growth=1,1.5"]

  static func database() -> String {
    EndToEndTests.scratch.appendingPathComponent("capsim-sweep-\(UUID().uuidString).sqlite").path
  }

  static func sweep(_ extra: [String], db: String) throws -> EndToEndTests.Output {
    try EndToEndTests.capsim(["sweep", small] + axes + ["--replications", "2", "--db", db] + extra)
  }

  /// A sweep's or a run's JSON without its wall-clock field, keys sorted: what must be equal.
  static func comparable(_ json: String) throws -> Data {
    var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["wall_seconds"] is Double)
    object["wall_seconds"] = nil
    return try JSONSerialization.data(withJSONObject: object, options: .sortedKeys)
  }

  /// A recorded run as `capsim show --format json` prints it, without its id (the database's
  /// numbering) and its wall-clock and host fields.
  static func recorded(_ run: Int, db: String) throws -> Data {
    let show = try EndToEndTests.capsim(["show", String(run), "--db", db, "--format", "json"])
    #expect(show.status == 0, "\(show.stderr)")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
    var record = try #require(object["run"] as? [String: Any])
    #expect(record["status"] as? String == "complete")
    for key in ["id", "started_at", "ended_at", "wall_seconds"] { record[key] = nil }
    object["run"] = record
    return try JSONSerialization.data(withJSONObject: object, options: .sortedKeys)
  }

  /// The table without its last line, the wall-clock time.
  static func comparableTable(_ text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while lines.last?.isEmpty == true { lines.removeLast() }
    #expect(lines.last?.contains("(wall clock)") == true)
    return lines.dropLast().joined(separator: "\n")
  }

  @Test func resultsAreTheSameForAnyJobs() throws {
    let one = try Self.sweep(["--format", "json", "--jobs", "1"], db: Self.database())
    let two = try Self.sweep(["--format", "json", "--jobs", "2"], db: Self.database())
    #expect(one.status == 0 && two.status == 0, "\(one.stderr) \(two.stderr)")
    #expect(try Self.comparable(one.stdout) == Self.comparable(two.stdout))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
    let points = try #require(json["points"] as? [[String: Any]])
    #expect(points.count == 4)
    #expect(points[3]["settings"] as? [String] == ["territories.A.app.instances=2", "demand.A.growth=1.5"])
    #expect((points[0]["verdicts"] as? [Any])?.isEmpty == false)
  }

  /// Every point is a run of its own under one sweep id, the same run `capsim run` records
  /// with the point's settings.
  @Test func everyPointIsARecordedRunUnderOneSweep() throws {
    let db = Self.database()
    let sweep = try Self.sweep([], db: db)
    #expect(sweep.status == 0, "\(sweep.stderr)")
    #expect(sweep.stderr.contains("recorded as sweep 1 (runs 1-4)"))
    #expect(sweep.stdout.contains("A christmas") && sweep.stdout.contains("p95 latency"))
    let runs = try EndToEndTests.capsim(["runs", "--db", db])
    for point in 0..<4 { #expect(runs.stdout.contains(" 1/\(point) ")) }
    let sweeps = try EndToEndTests.capsim(["sweeps", "--db", db])
    #expect(sweeps.stdout.contains("complete") && sweeps.stdout.contains("territories.A.app.instances (2)"))
    let one = try EndToEndTests.capsim(["sweeps", "latest", "--db", db])
    #expect(one.status == 0 && one.stdout.contains("4 points x 2 replications"))

    let alone = try EndToEndTests.capsim([
      "run", Self.small, "--replications", "2", "--set", "territories.A.app.instances=2", "--set", "demand.A.growth=1",
      "--db", db, "--quiet",
    ])
    #expect(alone.status == 0)
    #expect(try Self.recorded(3, db: db) == Self.recorded(5, db: db))
  }

  /// Common random numbers: points that differ only in a target draw the same numbers, so
  /// they measure exactly the same; only the verdicts differ.
  @Test func pointsShareTheirRandomNumbers() throws {
    let r = try EndToEndTests.capsim([
      "sweep", Self.small, "--vary", "slo.peakP95=1ms,10s", "--replications", "2", "--db", Self.database(), "--format",
      "json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let points = try #require(json["points"] as? [[String: Any]])
    func p95(_ point: [String: Any]) -> [Double] {
      (point["verdicts"] as! [[String: Any]]).filter { $0["objective"] as? String == "p95 latency" }
        .map { ($0["measured"] as! [String: Any])["mean"] as! Double }
    }
    #expect(!p95(points[0]).isEmpty && p95(points[0]) == p95(points[1]))
    #expect(points[0]["verdict"] as? String == "fail" && points[1]["verdict"] as? String != "fail")
  }

  /// A sweep over the seed is not listed under one seed.
  @Test func aSweepOverTheSeedSaysEachPointHasItsOwn() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim(["sweep", Self.small, "--vary", "run.seed=1,2", "--replications", "1", "--db", db])
    #expect(r.status == 0, "\(r.stderr)")
    let listed = try EndToEndTests.capsim(["sweeps", "1", "--db", db])
    #expect(listed.stdout.contains("the seed of each point's run.seed"), "\(listed.stdout)")
    #expect(!listed.stdout.contains("seed 1"), "\(listed.stdout)")
  }

  /// The parts keep point 0's seed; merged, every point had it (sweep 1's point 2 recorded
  /// seed 1, with seed 2's numbers).
  @Test func aShardedSweepOverTheSeedKeepsEachPointsSeed() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let sweep = ["sweep", Self.small, "--vary", "run.seed=1,2", "--replications", "1", "--quiet"]
    let files = (0..<2).map { folder.appendingPathComponent("part-\($0).json").path }
    for (i, file) in files.enumerated() {
      let shard = try EndToEndTests.capsim(sweep + ["--shard", "\(i)/2", "--out", file, "--db", Self.database()])
      #expect(shard.status == 0, "\(shard.stderr)")
    }
    let (singleDB, mergedDB) = (Self.database(), Self.database())
    #expect(try EndToEndTests.capsim(sweep + ["--db", singleDB]).status == 0)
    let merged = try EndToEndTests.capsim(["merge"] + files + ["--db", mergedDB])
    #expect(merged.status == 0, "\(merged.stderr)")
    for run in 1...2 { #expect(try Self.recorded(run, db: mergedDB) == Self.recorded(run, db: singleDB), "run \(run)") }
  }

  @Test(arguments: [
    (["--vary", "territories.A.app.instances"], "is not KEY=VALUES"),
    (["--vary", "demand.A.growth=0.5..2"], "'0.5..2' has decimals, so it needs a step"),
    (["--vary", "demand.A.growth=2..1"], "ends below its start"),
    (["--vary", "k=1", "--vary", "k=2"], "is varied twice"),
    (["--vary", "demand.A.growth=1,2", "--set", "demand.A.growth=3"], "both --set and --vary"),
    (["--vary", "demand.A.growth=1,2", "--shard", "3/3"], "must be below N"),
    (["--vary", "demand.A.growth=1,2", "--mode", "hybrid", "--set", "run.mode=request"], "given both"),
    (["--vary", "demand.A.growth=1,2", "--mode", "fluid"], "fluid"),
    ([], "at least one --vary"),
  ])
  func badArgumentsAreUsageErrors(_ arguments: [String], _ message: String) throws {
    let r = try EndToEndTests.capsim(["sweep", Self.small] + arguments + ["--db", Self.database()])
    #expect(r.status == 64)
    #expect(r.stderr.contains(message), "\(r.stderr)")
  }

  /// `--mode` is `--set run.mode=`, as for `capsim run`: the same points, recorded as that setting.
  @Test func modeIsTheRunModeSetting() throws {
    let byMode = try Self.sweep(["--mode", "hybrid", "--format", "json", "--quiet"], db: Self.database())
    let bySet = try Self.sweep(["--set", "run.mode=hybrid", "--format", "json", "--quiet"], db: Self.database())
    #expect(byMode.status == 0 && bySet.status == 0, "\(byMode.stderr)")
    #expect(try Self.comparable(byMode.stdout) == Self.comparable(bySet.stdout))
    #expect(byMode.stdout.contains("run.mode=hybrid"))
  }

  /// A value the scenario cannot take stops the sweep before anything runs, naming the point.
  @Test func aBadPointIsAFileError() throws {
    let db = Self.database()
    let r = try EndToEndTests.capsim([
      "sweep", Self.small, "--set", "demand.A.growth=1", "--vary", "territories.A.app.instances=2,0", "--db", db,
    ])
    #expect(r.status == 1)
    #expect(r.stderr.contains("at point 1 (territories.A.app.instances=0)"), "\(r.stderr)")
    // The error is in the varied value, not in the one --set.
    #expect(r.stderr.contains("--vary:1:"), "\(r.stderr)")
    #expect(!r.stderr.contains("--set:"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  /// The sweep's `n` shards written as `folder/part-I.json`; their paths.
  static func shards(_ n: Int, in folder: URL) throws -> [String] {
    let files = (0..<n).map { folder.appendingPathComponent("part-\($0).json").path }
    for (i, file) in files.enumerated() {
      let shard = try Self.sweep(["--shard", "\(i)/\(n)", "--out", file, "--jobs", "1"], db: Self.database())
      #expect(shard.status == 0, "\(shard.stderr)")
      #expect(shard.stdout.isEmpty)
      #expect(shard.stderr.contains("wrote shard \(i)/\(n)"))
    }
    return files
  }

  /// Three shards merged give what one machine gives: table, JSON and recorded runs.
  @Test func aShardedSweepMergesToTheSameResults() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try Self.shards(3, in: folder)
    let singleDB = Self.database()
    let mergedDB = Self.database()
    let single = try Self.sweep(["--format", "json"], db: singleDB)
    let merged = try EndToEndTests.capsim(["merge"] + files.reversed() + ["--format", "json", "--db", mergedDB])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(try Self.comparable(merged.stdout) == Self.comparable(single.stdout))
    for run in 1...4 { #expect(try Self.recorded(run, db: mergedDB) == Self.recorded(run, db: singleDB), "run \(run)") }

    let table = try EndToEndTests.capsim(["merge"] + files + ["--db", Self.database()])
    let singleTable = try Self.sweep([], db: Self.database())
    #expect(Self.comparableTable(table.stdout) == Self.comparableTable(singleTable.stdout))
    #expect(try EndToEndTests.capsim(["sweeps", "--db", mergedDB]).stdout.contains(" 3 "))  // shards

    // Merged again (a retried Job): found, not stored twice (it was: sweep 2, runs 5-8), and
    // printed as the first merge did (it printed nothing, and a retried report was not written)
    let again = try EndToEndTests.capsim(["merge"] + files + ["--db", mergedDB])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(Self.comparableTable(again.stdout) == Self.comparableTable(singleTable.stdout))
    #expect(
      again.stderr.contains("these parts are already in \(mergedDB) as sweep 1; not stored again"), "\(again.stderr)")
    #expect(try EndToEndTests.capsim(["runs", "--db", mergedDB]).stdout.split(separator: "\n").count < 8)
    // and --series, which a sweep's table does not have, is refused rather than dropped
    let series = try EndToEndTests.capsim(["merge"] + files + ["--series", "hour", "--db", Self.database()])
    #expect(series.status == 64 && series.stderr.contains("--series is for merged runs"), "\(series.stderr)")
  }

  /// A report folder that cannot be written is refused before the merged sweep is recorded:
  /// a retry would otherwise record it twice.
  @Test func aMergeRefusesAnUnwritableReportBeforeRecording() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = try Self.shards(2, in: folder)
    let aFile = folder.appendingPathComponent("not-a-folder").path
    try Data("x".utf8).write(to: URL(fileURLWithPath: aFile))
    let db = Self.database()
    let merged = try EndToEndTests.capsim(["merge"] + files + ["--report", aFile, "--db", db])
    #expect(merged.status == 64, "\(merged.stderr)")
    #expect(merged.stderr.contains("is a file, not a folder"), "\(merged.stderr)")
    #expect(!merged.stdout.contains("recorded as sweep"))
    let sweeps = try EndToEndTests.capsim(["sweeps", "--db", db])
    #expect(!sweeps.stdout.contains("platform-small"), "\(sweeps.stdout)")
  }

  /// `--out parts/part-0.json` as the README shows it, with no parts folder yet.
  @Test func aPartFileMakesItsFolder() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("parts/part-0.json").path
    let shard = try Self.sweep(["--shard", "0/2", "--out", file, "--quiet"], db: Self.database())
    #expect(shard.status == 0, "\(shard.stderr)")
    #expect(FileManager.default.fileExists(atPath: file))
  }

  @Test func aShardedRunMergesToTheSameRun() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = ["run", Self.small, "--replications", "3", "--set", "demand.A.growth=1.5"]
    let files = (0..<2).map { folder.appendingPathComponent("part-\($0).json").path }
    for (i, file) in files.enumerated() {
      let shard = try EndToEndTests.capsim(run + ["--shard", "\(i)/2", "--out", file, "--db", Self.database()])
      #expect(shard.status == 0, "\(shard.stderr)")
    }
    let (singleDB, mergedDB) = (Self.database(), Self.database())
    let single = try EndToEndTests.capsim(run + ["--format", "json", "--db", singleDB])
    let merged = try EndToEndTests.capsim(["merge"] + files + ["--format", "json", "--db", mergedDB])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(try Self.comparable(merged.stdout) == Self.comparable(single.stdout))
    #expect(try Self.recorded(1, db: mergedDB) == Self.recorded(1, db: singleDB))
    // Merged again (a retried Job): not stored twice, and the same outputs and status
    let again = try EndToEndTests.capsim(["merge"] + files + ["--format", "json", "--db", mergedDB])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try Self.comparable(again.stdout) == Self.comparable(merged.stdout))
    #expect(again.stderr.contains("already in \(mergedDB) as run 1; not stored again"), "\(again.stderr)")
    #expect(try EndToEndTests.capsim(["show", "2", "--db", mergedDB]).status == 4)

    // The table differs in its second line only: "simulated N requests ... in S s".
    let table = try EndToEndTests.capsim(["merge"] + files + ["--db", Self.database()]).stdout
    let singleTable = try EndToEndTests.capsim(run + ["--db", Self.database()]).stdout
    func withoutWallClock(_ t: String) -> [Substring] {
      var lines = t.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines[1].hasPrefix("simulated "))
      lines.remove(at: 1)
      return lines
    }
    #expect(withoutWallClock(table) == withoutWallClock(singleTable))
  }

  @Test func partsThatDoNotBelongTogetherAreRefused() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-parts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    func part(_ i: Int, seed: Int = 3) throws -> String {
      let file = folder.appendingPathComponent("part-\(i)-seed-\(seed).json").path
      let r = try EndToEndTests.capsim([
        "sweep", Self.small, "--vary", "demand.A.growth=1,2", "--replications", "1", "--seed", String(seed),
        "--shard", "\(i)/3", "--out", file, "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      return file
    }
    let (a, b, c) = (try part(0), try part(1), try part(2, seed: 4))
    let missing = try EndToEndTests.capsim(["merge", a, b, "--db", Self.database()])
    #expect(missing.status == 1 && missing.stderr.contains("shard 2 of 3 missing"), "\(missing.stderr)")
    let twice = try EndToEndTests.capsim(["merge", a, b, b, "--db", Self.database()])
    #expect(twice.status == 1 && twice.stderr.contains("shard 1 is given twice"), "\(twice.stderr)")
    let other = try EndToEndTests.capsim(["merge", a, b, c, "--db", Self.database()])
    #expect(other.status == 1 && other.stderr.contains("seed is 3 in \(a) but 4 in \(c)"), "\(other.stderr)")
    let notAPart = try EndToEndTests.capsim(["merge", Self.small, "--db", Self.database()])
    #expect(notAPart.status == 1 && notAPart.stderr.contains("is not a capsim part file"), "\(notAPart.stderr)")
    let gone = try EndToEndTests.capsim(["merge", a + ".gone", "--db", Self.database()])
    #expect(gone.status == 1 && gone.stderr.contains("cannot read part file \(a).gone: no such file"), "\(gone.stderr)")
    try FileManager.default.createSymbolicLink(atPath: a + ".loop", withDestinationPath: a + ".loop")
    let loop = try EndToEndTests.capsim(["merge", a + ".loop", "--db", Self.database()])
    #expect(
      loop.status == 1 && loop.stderr.contains("cannot read part file \(a).loop: the symbolic link loops"),
      "\(loop.stderr)")
  }

  /// Ctrl-C marks every run of the sweep that is not complete, and the sweep with them.
  @Test func anInterruptedSweepMarksItsRuns() throws {
    let db = Self.database()
    let process = try RecordingTests.start([
      "sweep", "scenarios/platform-normal-week.yaml", "--vary", "territories.DE.app.instances=3,4", "--replications",
      "1",
      "--db", db,
    ])
    #expect(try RecordingTests.waitFor("running", db: db))
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let runs = try EndToEndTests.capsim(["runs", "--db", db]).stdout
    #expect(!runs.contains("running"))
    #expect(runs.components(separatedBy: "interrupted").count - 1 == 2, "\(runs)")
    #expect(try EndToEndTests.capsim(["sweeps", "--db", db]).stdout.contains("interrupted"))
  }

  @Test func aNetworkScenarioIsAUsageError() throws {
    let r = try EndToEndTests.capsim([
      "sweep", EndToEndTests.fixture("small.yaml"), "--vary", "stations.server.servers=1,2", "--db", Self.database(),
    ])
    #expect(r.status == 64 && r.stderr.contains("sweep takes platform scenarios"), "\(r.stderr)")
  }

  /// A merge reloads the scenario: if its file changed since the shards ran, it refuses.
  @Test func aMergeRefusesAScenarioThatChanged() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-changed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["platform-small.yaml", "platform-topology.yaml"] {
      try FileManager.default.copyItem(
        atPath: EndToEndTests.fixture(name), toPath: folder.appendingPathComponent(name).path)
    }
    let scenario = folder.appendingPathComponent("platform-small.yaml")
    let part = folder.appendingPathComponent("part.json").path
    let shard = try EndToEndTests.capsim([
      "sweep", scenario.path, "--vary", "demand.A.growth=1,2", "--replications", "1", "--shard", "0/1", "--out", part,
    ])
    #expect(shard.status == 0, "\(shard.stderr)")
    let text = try String(contentsOf: scenario, encoding: .utf8)
    try (text + "# edited after the shards ran\n").write(to: scenario, atomically: true, encoding: .utf8)
    let merged = try EndToEndTests.capsim(["merge", part, "--db", Self.database()])
    #expect(merged.status == 1)
    #expect(
      merged.stderr.contains("scenario sha256") && merged.stderr.contains("the file changed since the shards ran"),
      "\(merged.stderr)")
  }

  @Test func theReportIsWritten() throws {
    let folder = EndToEndTests.scratch.appendingPathComponent(
      "capsim-sweep-report-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let r = try Self.sweep(["--report", folder.path, "--quiet"], db: Self.database())
    #expect(r.status == 0, "\(r.stderr)")
    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(html.contains("capsim sweep: platform-small"))
    #expect(html.components(separatedBy: "<svg").count > 4)
  }
}
