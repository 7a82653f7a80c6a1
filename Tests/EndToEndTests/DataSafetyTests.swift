import Foundation
import ResultsStore
import Testing

/// The results database under faults, through the binary.
///
/// A killed process, six writers at once, a full disk, a file that is not a database: each
/// time, what was recorded before stays intact and nothing claims a state it is not in.
@Suite struct DataSafetyTests {
  /// `capsim show N --format json` minus what a later open may rightly change: nothing.
  static func shown(_ id: Int, db: String) throws -> String {
    let r = try EndToEndTests.capsim(["show", "\(id)", "--db", db, "--format", "json"])
    #expect(r.status == 0, "show \(id): \(r.stderr)")
    return r.stdout
  }

  /// The runs of `capsim runs`, id to status.
  static func statuses(db: String) throws -> [Int: String] {
    let r = try EndToEndTests.capsim(["runs", "--db", db])
    #expect(r.status == 0, "\(r.stderr)")
    var out: [Int: String] = [:]
    for line in r.stdout.split(separator: "\n") {
      let cells = line.split(separator: " ", omittingEmptySubsequences: true)
      // run, date, time, status, ...
      if cells.count > 3, let id = Int(cells[0]) { out[id] = String(cells[3]) }
    }
    return out
  }

  @Test func killNineMidRunLeavesEveryEarlierRunIntactAndTheKilledOneMarked() throws {
    // Given two complete runs
    let db = RecordingTests.database()
    let small = EndToEndTests.fixture("platform-small.yaml")
    for seed in [1, 2] {
      let r = try EndToEndTests.capsim([
        "run", small, "--db", db, "--quiet", "--seed", "\(seed)", "--replications", "1",
      ])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let before = try [1, 2].map { try Self.shown($0, db: db) }

    // When a third, longer run is killed with SIGKILL while it is running
    let process = try RecordingTests.start([
      "run", "scenarios/platform-normal-week.yaml", "--db", db, "--replications", "1",
    ])
    #expect(try RecordingTests.waitFor("running", db: db))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)

    // Then the next open marks it interrupted, and the earlier runs read back byte for byte
    #expect(try Self.statuses(db: db) == [1: "complete", 2: "complete", 3: "interrupted"])
    #expect(try [1, 2].map { try Self.shown($0, db: db) } == before)
    let killed = try EndToEndTests.capsim(["show", "3", "--db", db])
    #expect(killed.stdout.contains("interrupted") && killed.stdout.contains("ended before the run did"))
    #expect(try ResultsStore(path: db).integrityCheck() == ["ok"])
  }

  /// SIGTERM while the results are being stored (here: waiting for another connection's lock)
  /// waits for the store: the run is complete, its results printed, and the exit is 143. It
  /// once marked the run interrupted, said so, and printed nothing, while the store went on.
  @Test(.enabled(if: PlanTests.sqlite3 != nil, "needs the sqlite3 shell to hold a lock"), .timeLimit(.minutes(3)))
  func aSignalDuringTheStoreWaitsForIt() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The signal must come once the simulation is over and the store waits: on a loaded
    // machine the run may still be simulating when it comes, which tests nothing; then again.
    var outcome: (status: Int32, stdout: String, stderr: String, db: String)?
    for attempt in 1...3 where outcome == nil {
      let db = dir.appendingPathComponent("signal-\(attempt).sqlite").path
      let output = RecordingTests.StartedOutput(in: dir, suffix: "-\(attempt)")
      // A day of the normal week: a second or two of simulation, time to take the lock first.
      let run = try RecordingTests.start(
        [
          "run", "scenarios/platform-normal-week.yaml", "--set", "calendar.end=2026-03-03", "--db", db,
          "--replications", "1", "--series", "none",
        ], environment: ["CAPSIM_BUSY_TIMEOUT": "60"], output: output)
      #expect(try RecordingTests.waitFor("running", db: db))

      // Given another connection holding the write lock
      let lock = try SQLiteShellLock(db)
      // When SIGTERM comes after the simulation, while the store waits for the lock (the
      // process has stopped using the CPU)
      let waiting = Self.waitUntilIdle(run.processIdentifier, seconds: 60)
      kill(run.processIdentifier, SIGTERM)
      Thread.sleep(forTimeInterval: 1)
      try lock.release()
      run.waitUntilExit()
      let (out, err) = try output.read()
      guard waiting, err.contains("finishing the store in progress first") else { continue }
      outcome = (run.terminationStatus, out, err, db)
    }
    let o = try #require(outcome, "each run was still simulating when SIGTERM came")

    // Then the run is recorded complete, its results printed, and the exit is SIGTERM's
    #expect(o.status == 143, "\(o.stderr)")
    #expect(o.stderr.contains("recorded as run 1 in"), "\(o.stderr)")
    #expect(o.stderr.contains("terminated (SIGTERM) came while the results were being stored: they are kept"))
    #expect(!o.stderr.contains("marked interrupted"), "\(o.stderr)")
    #expect(o.stdout.contains("verdict"), "\(o.stdout)")
    #expect(try Self.statuses(db: o.db) == [1: "complete"])
  }

  /// A sweep whose points cannot be stored (another connection holds the write lock past the
  /// busy timeout) names no run for them: its JSON gave every point its run id, runs that hold
  /// no results, and its table said "recorded as sweep N".
  @Test(.enabled(if: PlanTests.sqlite3 != nil, "needs the sqlite3 shell to hold a lock"), .timeLimit(.minutes(2)))
  func aSweepPointNotStoredNamesNoRun() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("sweep.sqlite").path
    let output = RecordingTests.StartedOutput(in: dir, suffix: "-sweep")
    let sweep = try RecordingTests.start(
      [
        "sweep", "scenarios/platform-normal-week.yaml", "--set", "calendar.end=2026-03-04", "--vary",
        "territories.CH.app.instances=1,2", "--replications", "1", "--jobs", "1", "--format", "json", "--db", db,
      ], environment: ["CAPSIM_BUSY_TIMEOUT": "1"], output: output)
    #expect(try RecordingTests.waitFor("running", db: db))
    let lock = try SQLiteShellLock(db)
    sweep.waitUntilExit()
    try lock.release()
    let (out, err) = try output.read()
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(err)")
    let points = try #require(json["points"] as? [[String: Any]])
    let statuses = try Self.statuses(db: db)
    // Each point names its run only where the run holds its results.
    for point in points {
      if let id = point["run_id"] as? Int {
        #expect(statuses[id] == "complete", "\(point) \(statuses)")
      } else {
        #expect(point["run_id"] is NSNull, "\(point)")
      }
    }
    // The last point, simulated seconds after the lock was taken, cannot have been stored.
    #expect(points.last?["run_id"] is NSNull, "\(points)")
    #expect(sweep.terminationStatus == 5, "\(err)")
  }

  /// A reading command reads while another connection holds the write lock (it waited for it,
  /// and failed with 5 after the busy timeout); a writing one waits for another capsim's open
  /// lock no longer than the busy timeout (it waited for ever), and says whose lock it was.
  @Test(.enabled(if: PlanTests.sqlite3 != nil, "needs the sqlite3 shell to hold a lock"), .timeLimit(.minutes(2)))
  func readersDoNotWaitForWritersAndNoLockIsWaitedForEver() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("l.sqlite").path
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", db, "--quiet", "--replications", "1"]).status == 0)

    // Given another connection holding the write lock
    let lock = try SQLiteShellLock(db, exclusive: true)
    // Then runs, show and report read at once
    let environment = ["CAPSIM_BUSY_TIMEOUT": "1"]
    let runs = try EndToEndTests.capsim(["runs", "--db", db], environment: environment)
    #expect(runs.status == 0 && runs.stdout.contains("complete"), "\(runs.stderr)")
    let show = try EndToEndTests.capsim(["show", "latest", "--db", db], environment: environment)
    #expect(show.status == 0, "\(show.stderr)")
    try lock.release()

    // And a run waits for another capsim's open lock only the busy timeout
    let descriptor = open(db + ".lock", O_RDWR)
    #expect(descriptor >= 0 && flock(descriptor, LOCK_EX) == 0)
    defer { close(descriptor) }
    let started = Date()
    let blocked = try EndToEndTests.capsim(["run", small, "--db", db, "--quiet"], environment: environment)
    #expect(blocked.status == 5 && Date().timeIntervalSince(started) < 30, "\(blocked.stderr)")
    #expect(blocked.stderr.contains("another capsim held \(db).lock for more than 1 s"), "\(blocked.stderr)")
  }

  /// A damaged copy (cut short) is refused by every command, and nothing is left beside it:
  /// the `-wal`, `-shm` and lock file the open made stayed.
  @Test func aDamagedCopyIsRefusedAndLeftAsItWas() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("whole.sqlite").path
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", db, "--quiet", "--replications", "1"]).status == 0)
    let whole = try Data(contentsOf: URL(fileURLWithPath: db))
    let cut = dir.appendingPathComponent("cut.sqlite").path
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
    for command in [["runs"], ["show", "latest"], ["run", small, "--quiet"]] {
      let r = try EndToEndTests.capsim(command + ["--db", cut])
      #expect(r.status == 5 && r.stderr.contains("the file is damaged"), "\(command): \(r.stderr)")
    }
    let beside = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("cut.sqlite") }
    #expect(beside == ["cut.sqlite"], "\(beside)")
  }

  /// Saved runs that differ only in their settings (a sweep's points: one scenario, seed and
  /// start) are each imported; a file already imported is named, not stored twice.
  @Test func importTellsSweepPointsApart() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = dir.appendingPathComponent("source.sqlite").path
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", source, "--quiet", "--replications", "1"]).status == 0)
    var data = try #require(try ResultsStore(path: source).data(1))
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    var files: [String] = []
    for (k, setting) in ["demand.A.growth=1", "demand.A.growth=2"].enumerated() {
      data.run.settings = [setting]
      let file = dir.appendingPathComponent("db.sqlite.run\(k + 1).json").path
      try encoder.encode(data).write(to: URL(fileURLWithPath: file))
      files.append(file)
    }
    // Another run of the same point started within the same second: its own wall time.
    data.run.wallSeconds = (data.run.wallSeconds ?? 1) + 0.25
    let other = dir.appendingPathComponent("db.sqlite.run3.json").path
    try encoder.encode(data).write(to: URL(fileURLWithPath: other))
    let target = dir.appendingPathComponent("target.sqlite").path
    let first = try EndToEndTests.capsim(["import"] + files + ["--db", target])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("stored as run 1") && first.stdout.contains("stored as run 2"), "\(first.stdout)")
    let again = try EndToEndTests.capsim(["import", files[1], "--db", target])
    #expect(again.stdout.contains("already in \(target) as run 2"), "\(again.stdout)")
    let third = try EndToEndTests.capsim(["import", other, "--db", target])
    #expect(third.stdout.contains("stored as run 3"), "\(third.stdout)")
  }

  /// Waits until process `pid` has used no CPU for half a second (it waits on a lock); false
  /// if it ended or `seconds` passed first.
  static func waitUntilIdle(_ pid: Int32, seconds: Double) -> Bool {
    func ticks() -> Int? {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
      return user + system
    }
    let deadline = Date().addingTimeInterval(seconds)
    var last = ticks()
    var quiet = 0
    while Date() < deadline, let now = ticks() {
      quiet = now == last ? quiet + 1 : 0
      if quiet >= 5 { return true }
      last = now
      Thread.sleep(forTimeInterval: 0.1)
    }
    return false
  }

  @Test func sixConcurrentRunsIntoOneDatabaseAllLand() throws {
    // Given six processes started at once on a new file, each on one thread
    let db = RecordingTests.database()
    let small = EndToEndTests.fixture("platform-small.yaml")
    let processes = try (1...6).map { seed in
      try RecordingTests.start(["run", small, "--db", db, "--quiet", "--threads", "1", "--seed", "\(seed)"])
    }
    for p in processes { p.waitUntilExit() }

    // Then all succeed, with six distinct complete runs whose data load
    #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: 6))
    #expect(try Self.statuses(db: db) == Dictionary(uniqueKeysWithValues: (1...6).map { ($0, "complete") }))
    let store = try ResultsStore(path: db)
    let seeds = try (1...6).map { id in
      let data = try #require(try store.data(Int64(id)))
      #expect(!data.series.isEmpty && !data.verdicts.isEmpty && !data.costs.isEmpty, "run \(id)")
      return data.run.seed
    }
    #expect(Set(seeds) == Set(1...6))
    #expect(try store.integrityCheck() == ["ok"])
  }

  struct NotADatabase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var testDescription: String { name }
  }

  static let notDatabases = [
    NotADatabase(name: "a text file", bytes: Array("run 1: 44 M requests, all good\n".utf8)),
    NotADatabase(name: "random bytes", bytes: randomBytes(4096)),
  ]

  /// Repeatable bytes from a 64-bit LCG (Knuth's MMIX constants), top byte of each state.
  static func randomBytes(_ count: Int) -> [UInt8] {
    var state: UInt64 = 42
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(state >> 56)
    }
  }

  @Test(arguments: notDatabases)
  func aFileThatIsNotSQLiteIsRefusedByNameAndLeftUntouched(_ file: NotADatabase) throws {
    // Given a folder holding only a file that is not a SQLite database
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-notdb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("results.sqlite").path
    try Data(file.bytes).write(to: URL(fileURLWithPath: path))

    // When every command that opens the database is given it
    for arguments in [
      ["run", EndToEndTests.fixture("small.yaml"), "--quiet"], ["runs"], ["show", "1"], ["diff", "1", "2"],
      ["report", "latest"],
    ] {
      let r = try EndToEndTests.capsim(arguments + ["--db", path])

      // Then each refuses it by name, with status 5, before running anything
      #expect(r.status == 5, "\(arguments[0]): \(r.stderr)")
      #expect(r.stderr.contains("'\(path)' is not a capsim results database (not a SQLite file)"), "\(arguments[0])")
      #expect(r.stdout.isEmpty, "\(arguments[0]) printed \(r.stdout)")
    }

    // And the file is as it was, with nothing created beside it (no lock, WAL or journal)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(file.bytes))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["results.sqlite"])
  }

  // MARK: A full disk

  /// Whether this process may mount a tmpfs (root, or CAP_SYS_ADMIN): tried once on a scratch
  /// folder.
  static let canMountTmpfs: Bool = {
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-mount-\(UUID().uuidString)")
    guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else {
      return false
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    guard (try? tool("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.path])) == 0 else { return false }
    _ = try? tool("umount", [folder.path])
    return true
  }()

  /// Runs a system tool quietly and returns its exit status.
  @discardableResult
  static func tool(_ name: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Calls `body` with a new folder that is a tmpfs of `size` (`8m`), unmounted and removed after.
  static func onTmpfs(size: String, _ body: (URL) throws -> Void) throws {
    let mountPoint = EndToEndTests.scratch.appendingPathComponent("capsim-tmpfs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
    #expect(try tool("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint.path]) == 0)
    defer {
      _ = try? tool("umount", [mountPoint.path])
      try? FileManager.default.removeItem(at: mountPoint)
    }
    try body(mountPoint)
  }

  /// Writes zeros to `path` until the file system is full.
  static func fill(_ path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let file = FileHandle(forWritingAtPath: path) else { return }
    defer { try? file.close() }
    let chunk = Data(count: 4096)
    while (try? file.write(contentsOf: chunk)) != nil {}
  }

  @Test(
    .enabled(if: canMountTmpfs, "needs to mount a tmpfs to fill up (root, or CAP_SYS_ADMIN)"))
  func aFullDiskFailsClearlyAndLosesNoResult() throws {
    // Given a database on an 8 MB tmpfs with one complete run
    try Self.onTmpfs(size: "8m") { mountPoint in try aFullDisk(mountPoint) }
  }

  private func aFullDisk(_ mountPoint: URL) throws {
    let db = mountPoint.appendingPathComponent("capsim.sqlite").path
    let small = EndToEndTests.fixture("platform-small.yaml")
    #expect(try EndToEndTests.capsim(["run", small, "--db", db, "--quiet", "--replications", "1"]).status == 0)
    let first = try Self.shown(1, db: db)

    // When the disk fills up while a second run is simulating
    let output = EndToEndTests.scratch.appendingPathComponent("capsim-full-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: output) }
    let files = RecordingTests.StartedOutput(in: output)
    let stdout = files.stdout
    // Three days of a normal week: a few seconds, time enough to fill the disk meanwhile.
    let process = try RecordingTests.start(
      [
        "run", "scenarios/platform-normal-week.yaml", "--set", "calendar.end=2026-03-05", "--db", db,
        "--replications", "1", "--format", "json",
      ], output: files)
    #expect(try RecordingTests.waitFor("running", db: db))
    let filler = mountPoint.appendingPathComponent("filler").path
    Self.fill(filler)
    process.waitUntilExit()

    // Then it exits with status 5 and an error that names the database and the reason
    let err = try files.read().stderr
    #expect(process.terminationStatus == 5, "\(err)")
    #expect(err.contains("cannot record run 2 in results database \(db): the disk is full"), "\(err)")

    // And the results are not lost: printed on stdout, and saved in the file the error names
    let printed = try JSONSerialization.jsonObject(with: Data(contentsOf: stdout)) as? [String: Any]
    #expect((printed?["verdicts"] as? [Any])?.isEmpty == false)
    let savedPath = try #require(err.firstMatch(of: /saved in (\S+\.json)/).map { String($0.1) }, "\(err)")
    defer { try? FileManager.default.removeItem(atPath: savedPath) }
    let saved =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: savedPath))) as? [String: Any]
    #expect((saved?["series"] as? [Any])?.isEmpty == false)
    #expect((saved?["verdicts"] as? [Any])?.count == (printed?["verdicts"] as? [Any])?.count)
    #expect((saved?["run"] as? [String: Any])?["id"] as? Int == 2)
    let savedVerdicts = (saved?["verdicts"] as? [Any])?.count

    // And no half-written file was left beside the database
    let beside = Set(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path))
    #expect(
      beside.isSubset(of: ["capsim.sqlite", "capsim.sqlite-wal", "capsim.sqlite-shm", "capsim.sqlite.lock", "filler"]))

    // And while the disk is still full the runs can be read, the first one intact
    #expect(try Self.shown(1, db: db) == first)
    #expect(try Self.statuses(db: db)[1] == "complete")

    // And once there is room again, the second run is not left running
    try FileManager.default.removeItem(atPath: filler)
    let statuses = try Self.statuses(db: db)
    #expect(statuses[1] == "complete")
    #expect(statuses[2] == "failed" || statuses[2] == "interrupted", "run 2 is \(statuses[2] ?? "missing")")
    #expect(try Self.shown(1, db: db) == first)
    #expect(try ResultsStore(path: db).integrityCheck() == ["ok"])

    // And `capsim import` stores the saved results as a complete run, once
    let imported = try EndToEndTests.capsim(["import", savedPath, "--db", db])
    #expect(imported.status == 0 && imported.stdout.contains("stored as run 3 in \(db)"), "\(imported.stderr)")
    let reread = try JSONSerialization.jsonObject(with: Data(Self.shown(3, db: db).utf8)) as? [String: Any]
    #expect((reread?["verdicts"] as? [Any])?.count == savedVerdicts)
    #expect(try Self.statuses(db: db)[3] == "complete")
    let again = try EndToEndTests.capsim(["import", savedPath, "--db", db])
    #expect(again.status == 0 && again.stdout.contains("already in \(db) as run 3"), "\(again.stdout)")
  }

  /// A database closed cleanly (no `-wal`) on a full disk: a reader's open has no room for the
  /// `-shm` it makes, so every reading command failed with "an input/output error" and left a
  /// 3-byte `-shm` and an empty `-wal` behind. It is read as it is now, and nothing is made.
  @Test(
    .enabled(if: canMountTmpfs, "needs to mount a tmpfs to fill up (root, or CAP_SYS_ADMIN)"))
  func aClosedDatabaseOnAFullDiskIsRead() throws {
    try Self.onTmpfs(size: "2m") { mountPoint in try aClosedDatabaseOnAFullDisk(mountPoint) }
  }

  private func aClosedDatabaseOnAFullDisk(_ mountPoint: URL) throws {
    let db = mountPoint.appendingPathComponent("capsim.sqlite").path
    #expect(try EndToEndTests.capsim(["run", "scenarios/mm4-peak.yaml", "--db", db, "--quiet"]).status == 0)
    let first = try Self.shown(1, db: db)
    // As the last connection leaves it: a reader's open leaves an empty -wal and a -shm
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    Self.fill(mountPoint.appendingPathComponent("filler").path)
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path))
    #expect(try Self.shown(1, db: db) == first)
    #expect(try Self.statuses(db: db) == [1: "complete"])
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path)) == before)
  }

  /// A run as a user who may not write the database file (mode 444, folder writable) failed,
  /// as it should, but SQLite had made a `-wal` and `-shm` with the file's read-only mode,
  /// and those refused every later run once the file was writable again. Now nothing is made,
  /// and a read-only `-shm` left by an earlier capsim is named.
  @Test(
    .enabled(
      if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
      "needs root and setpriv(1) to run capsim as another user"))
  func aReadOnlyDatabaseGetsNothingBesideIt() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(chmod(dir.path, 0o777) == 0)
    let db = dir.appendingPathComponent("ro.sqlite").path
    #expect(try EndToEndTests.capsim(["run", "scenarios/mm4-peak.yaml", "--db", db, "--quiet"]).status == 0)
    #expect(chmod(db, 0o444) == 0)
    #expect(chmod(db + ".lock", 0o666) == 0)
    let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    let refused = try EndToEndTests.capsim(["run", "scenarios/mm4-peak.yaml", "--db", db, "--quiet"], through: nobody)
    #expect(refused.status == 5, "\(refused.stderr)")
    #expect(
      refused.stderr.contains("\(db) is read-only here: it can be read (runs, show, report), not recorded in"),
      "\(refused.stderr)")
    let beside = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(!beside.contains("ro.sqlite-wal") && !beside.contains("ro.sqlite-shm"), "\(beside)")
    // Writable again, the file takes runs; a read-only -shm left beside it is named
    #expect(chmod(db, 0o666) == 0)
    #expect(
      try EndToEndTests.capsim(["run", "scenarios/mm4-peak.yaml", "--db", db, "--quiet"], through: nobody).status == 0)
    _ = FileManager.default.createFile(
      atPath: db + "-shm", contents: Data(count: 32_768), attributes: [.posixPermissions: 0o444])
    defer { try? FileManager.default.removeItem(atPath: db + "-shm") }
    let named = try EndToEndTests.capsim(["run", "scenarios/mm4-peak.yaml", "--db", db, "--quiet"], through: nobody)
    #expect(named.status == 5 && named.stderr.contains("\(db)-shm is read-only here"), "\(named.stderr)")
  }

  /// A file that is not a saved record is refused by name, and nothing is stored.
  @Test func importRefusesWhatIsNotASavedRecord() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("i.sqlite").path
    let notes = dir.appendingPathComponent("notes.json").path
    try Data(#"{"syncs": []}"#.utf8).write(to: URL(fileURLWithPath: notes))
    let r = try EndToEndTests.capsim(["import", notes, "--db", db])
    #expect(r.status == 1 && r.stderr.contains("\(notes) is not a saved capsim record"), "\(r.stderr)")
    let broken = dir.appendingPathComponent("broken.json").path
    try Data(#"{"run": {"seed": 1}, "series": []}"#.utf8).write(to: URL(fileURLWithPath: broken))
    let b = try EndToEndTests.capsim(["import", broken, "--db", db])
    #expect(b.status == 1 && b.stderr.contains("\(broken) is not a saved capsim record: no '"), "\(b.stderr)")
    #expect(!FileManager.default.fileExists(atPath: db))
  }
}
