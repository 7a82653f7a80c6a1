import Foundation
import Testing

/// `capsim calibrate` on shipped measurements spoiled as a reviewer spoiled them: each spoiled
/// input is an error naming its file (and line), and nothing is fitted.
@Suite struct CalibrateInputTests {
  /// A scratch copy of shipped workload folders (`postgres/crm`, ...) under a fresh folder,
  /// each as `WORKLOAD/` (the last part of its name); the summaries only unless `all`.
  static func copy(_ folders: [String], all: Bool = false) throws -> URL {
    let scratch = EndToEndTests.scratch.appendingPathComponent("capsim-cal-\(UUID().uuidString)")
    for folder in folders {
      let from = EndToEndTests.root.appendingPathComponent("calibration/\(folder)")
      let to = scratch.appendingPathComponent((folder as NSString).lastPathComponent)
      try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
      for name in try FileManager.default.contentsOfDirectory(atPath: from.path) where all || name.hasSuffix(".txt") {
        try FileManager.default.copyItem(at: from.appendingPathComponent(name), to: to.appendingPathComponent(name))
      }
    }
    return scratch
  }

  /// Runs calibrate on `arguments` and checks it failed (status 1, nothing on stdout) with
  /// `message` on stderr.
  static func refused(_ arguments: [String], _ message: String, status: Int32 = 1) throws {
    let out = try EndToEndTests.capsim(["calibrate"] + arguments)
    #expect(out.status == status && out.stdout.isEmpty, "\(out.status) \(out.stdout)\(out.stderr)")
    #expect(out.stderr.contains(message), "\(out.stderr)")
  }

  /// A summary cut off after its first script no longer says the CPU seconds: with the others
  /// it would switch crm to the load-factor model without a word.
  @Test func aSummaryCutShortIsRefused() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("crm/c4-r1.txt")
    try Data(try Data(contentsOf: file).prefix(900)).write(to: file)
    try Self.refused(
      [dir.appendingPathComponent("crm").path],
      "\(file.path):23:1: error: the file ends after 1 script of 'multiple scripts'")
  }

  /// The same file twice, the same folder twice, or a copy of a run under another name would
  /// count as independent repeats (±0.0%).
  @Test func aRunCountsOnce() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm")
    let file = crm.appendingPathComponent("c1-r1.txt").path
    try Self.refused([file, file], "\(file): named twice (also as \(file))", status: 64)
    try Self.refused([crm.path, crm.path + "/"], "named twice (also as \(crm.path))", status: 64)
    try Self.refused([dir.path, crm.path], "\(file): error: named twice: it is \(dir.path)/crm/c1-r1.txt again")
    try FileManager.default.copyItem(
      atPath: crm.appendingPathComponent("c4-r1.txt").path, toPath: crm.appendingPathComponent("c4-r4.txt").path)
    try Self.refused([crm.path], "\(crm.path)/c4-r4.txt: error: the same bytes as \(crm.path)/c4-r1.txt")
  }

  /// A folder named like a summary says it is a folder (it gave Foundation's "error 256").
  @Test func aFolderNamedLikeASummaryIsSaidToBeOne() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm")
    try FileManager.default.createDirectory(
      at: crm.appendingPathComponent("c3-r1.txt"), withIntermediateDirectories: true)
    try Self.refused([crm.path], "\(crm.path)/c3-r1.txt: error: is a folder, not a measurement file")
  }

  /// A folder named as a file read beside a summary (`NAME.cpu.json`) is said to be one: it was
  /// taken for no file, and the fit went on without the CPU export.
  @Test func aFolderNamedLikeAnExportIsSaidToBeOne() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm")
    try FileManager.default.createDirectory(
      at: crm.appendingPathComponent("c1-r1.cpu.json"), withIntermediateDirectories: true)
    try Self.refused([crm.path], "\(crm.path)/c1-r1.cpu.json: error: is a folder, not a measurement file")
  }

  /// An export with no summary beside it (`c3-r1.cpu.json` without `c3-r1.txt`) is not read,
  /// and said not to be, where it was passed over in silence.
  @Test func anExportWithoutItsSummaryIsSaidNotToBeRead() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm").path
    try Data("{}".utf8).write(to: URL(fileURLWithPath: crm + "/c3-r1.cpu.json"))
    let out = try EndToEndTests.capsim(["calibrate", crm])
    #expect(out.status == 0, "\(out.stderr)")
    #expect(
      out.stderr.contains(
        "capsim: warning: \(crm)/c3-r1.cpu.json: not read: no summary \(crm)/c3-r1.txt or \(crm)/c3-r1.json beside it"),
      "\(out.stderr)")
  }

  /// A summary that is a symbolic link looping back to itself is said to loop (it gave
  /// Foundation's "error 256").
  @Test func aSummaryLinkThatLoopsIsSaidToLoop() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm").path
    try FileManager.default.createSymbolicLink(atPath: crm + "/c3-r1.txt", withDestinationPath: crm + "/c3-r2.txt")
    try FileManager.default.createSymbolicLink(atPath: crm + "/c3-r2.txt", withDestinationPath: crm + "/c3-r1.txt")
    try Self.refused([crm], "\(crm)/c3-r1.txt: error: the symbolic link loops (too many levels of symbolic links)")
  }

  /// A folder named as `.` (or `tpcb/.`) is the workload of its real name: `.` was the
  /// workload's title and `--write` made a hidden `..yaml`.
  @Test func aFolderNamedAsDotIsItsRealName() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try EndToEndTests.capsim([
      "calibrate", dir.appendingPathComponent("crm/.").path, "--write", dir.path + "/w",
    ])
    #expect(out.status == 0, "\(out.stderr)")
    #expect(out.stdout.contains("crm: ") && !out.stdout.contains(".: "), "\(out.stdout)")
    #expect(FileManager.default.fileExists(atPath: dir.path + "/w/crm.yaml"))
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/w/..yaml"))
  }

  /// Two measurements' tpcb folders (scale 10 and 50) are not one workload.
  @Test func twoMeasurementsAreNotPooled() throws {
    try Self.refused(
      ["calibration/postgres/tpcb", "calibration/postgres-j2/tpcb"],
      "calibration/postgres-j2/tpcb/c1-r1.txt: error: scaling factor: 50, where the workload's other 21 summaries say 10"
    )
  }

  /// A snapshot that is not UTF-8 is named, not its partner; so is a summary, at its line.
  @Test func aFileOfAnotherEncodingIsNamedAtItsLine() throws {
    let dir = try Self.copy(["postgres-j2/crm"], all: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm")
    let after = crm.appendingPathComponent("c1-r1.statements-after.csv")
    let lines = try String(contentsOf: after, encoding: .utf8).split(separator: "\n").count
    let handle = try FileHandle(forWritingTo: after)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data([0xFF, 0xFE, 0x20, 0x78, 0x0A]))
    try handle.close()
    let out = try EndToEndTests.capsim(["calibrate", crm.path])
    #expect(
      out.status == 1 && out.stderr.contains("\(after.path):\(lines + 1):1: error: not UTF-8 text"), "\(out.stderr)")
    #expect(!out.stderr.contains("statements-before.csv"), "\(out.stderr)")
    let summary = crm.appendingPathComponent("c2-r1.txt")
    var data = try Data(contentsOf: summary)
    data[data.firstRange(of: Data("load average".utf8))!.lowerBound] = 0xE9
    try data.write(to: summary)
    let bad = try EndToEndTests.capsim(["calibrate", crm.path])
    #expect(bad.status == 1 && bad.stderr.contains("\(summary.path):"), "\(bad.stderr)")
    #expect(bad.stderr.contains(":1: error: not UTF-8 text"), "\(bad.stderr)")
  }

  /// Values no run has, as the reviewer wrote them, are refused at their place: more CPU
  /// seconds than 2 cores give in 20 s, more WAL syncs than the commits can make, and an
  /// after-snapshot with only its header.
  @Test func valuesNoRunHasAreRefusedAtTheirPlace() throws {
    let dir = try Self.copy(["postgres/select-only"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let summary = dir.appendingPathComponent("select-only/c4-r1.txt")
    let text = try String(contentsOf: summary, encoding: .utf8)
    try text.replacingOccurrences(of: "server = 25.88", with: "server = 2588").write(
      to: summary, atomically: true, encoding: .utf8)
    try Self.refused(
      [summary.deletingLastPathComponent().path],
      "\(summary.path):19:23: error: cpu seconds: server + client = 2596.64 s, more than 2 cores can give in 20 s")

    let snapshots = try Self.copy(["postgres-j2/crm"], all: true)
    defer { try? FileManager.default.removeItem(at: snapshots) }
    let crm = snapshots.appendingPathComponent("crm")
    let wal = crm.appendingPathComponent("c1-r1.wal-after.csv")
    try String(contentsOf: wal, encoding: .utf8).replacingOccurrences(of: ",288295,", with: ",2882950000,")
      .write(to: wal, atomically: true, encoding: .utf8)
    let statements = crm.appendingPathComponent("c1-r2.statements-after.csv")
    let header = try String(contentsOf: statements, encoding: .utf8).prefix { $0 != "\n" }
    try (header + "\n").write(to: statements, atomically: true, encoding: .utf8)
    let out = try EndToEndTests.capsim(["calibrate", crm.path])
    #expect(out.status == 1 && out.stdout.isEmpty, "\(out.status) \(out.stdout)")
    #expect(out.stderr.contains("\(wal.path):2:40: error: wal_sync: 2882672454 syncs since"), "\(out.stderr)")
    #expect(out.stderr.contains("269232.507 per commit"), "\(out.stderr)")
    #expect(out.stderr.contains("\(statements.path): error: no statements, where "), "\(out.stderr)")
  }

  /// Values past any real run's range were a crash (a Double too large for an Int in the
  /// message): now each is an error at its place, and a byte-order mark before a CSV header is
  /// no part of its first name.
  @Test func hugeValuesAreErrorsAndABOMIsRead() throws {
    let dir = try Self.copy(["postgres/select-only"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let summary = dir.appendingPathComponent("select-only/c2-r1.txt")
    try String(contentsOf: summary, encoding: .utf8).replacingOccurrences(of: "tps = 25416.372753", with: "tps = 1e300")
      .write(to: summary, atomically: true, encoding: .utf8)
    let tps = try EndToEndTests.capsim(["calibrate", summary.deletingLastPathComponent().path])
    #expect(tps.status == 1 && !tps.signaled, "\(tps.stderr)")
    #expect(tps.stderr.contains("but tps x duration is 2e+301 (tps 1e+300, 20.0 s)"), "\(tps.stderr)")

    let snapshots = try Self.copy(["postgres-j2/crm"], all: true)
    defer { try? FileManager.default.removeItem(at: snapshots) }
    let crm = snapshots.appendingPathComponent("crm")
    let wal = crm.appendingPathComponent("c1-r1.wal-after.csv")
    let text = try String(contentsOf: wal, encoding: .utf8)
    try text.replacingOccurrences(of: ",288295,", with: ",99999999999999999999999,").write(
      to: wal, atomically: true, encoding: .utf8)
    let statements = crm.appendingPathComponent("c1-r2.statements-after.csv")
    try ("\u{FEFF}" + String(contentsOf: statements, encoding: .utf8)).write(
      to: statements, atomically: true, encoding: .utf8)
    let out = try EndToEndTests.capsim(["calibrate", crm.path])
    #expect(out.status == 1 && !out.signaled, "\(out.stderr)")
    #expect(
      out.stderr.contains("\(wal.path):2:40: error: wal_sync: 99999999999999999999999 is beyond a bigint"),
      "\(out.stderr)")
    #expect(!out.stderr.contains(statements.path), "the BOM is read: \(out.stderr)")
    // Without the huge counter, the snapshots with the BOM calibrate
    try text.write(to: wal, atomically: true, encoding: .utf8)
    let fitted = try EndToEndTests.capsim(["calibrate", crm.path])
    #expect(fitted.status == 0, "\(fitted.stderr)")
  }

  /// A summary that begins with a byte-order mark (Windows tools write one) was "not a pgbench
  /// summary: no transaction type" where pgbench printed no banner line before it; UTF-16 was
  /// "a byte of another encoding" at line 1 without saying which.
  @Test func aByteOrderMarkIsReadAndUTF16IsNamed() throws {
    let plain = try Self.copy(["postgres/select-only"])
    let marked = try Self.copy(["postgres/select-only"])
    defer {
      try? FileManager.default.removeItem(at: plain)
      try? FileManager.default.removeItem(at: marked)
    }
    let folder = marked.appendingPathComponent("select-only")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let file = folder.appendingPathComponent(name)
      // The banner ("pgbench (15.18 ...)") is what pgbench before 12 left out.
      let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      try ("\u{FEFF}" + lines.drop { $0.hasPrefix("pgbench (") }.joined(separator: "\n")).write(
        to: file, atomically: true, encoding: .utf8)
    }
    let expected = try EndToEndTests.capsim(["calibrate", plain.appendingPathComponent("select-only").path])
    let out = try EndToEndTests.capsim(["calibrate", folder.path])
    #expect(out.status == 0 && expected.status == 0, "\(out.stderr)")
    #expect(
      out.stdout.replacingOccurrences(of: marked.path, with: "")
        == expected.stdout.replacingOccurrences(of: plain.path, with: ""))

    // UTF-16 as Windows PowerShell writes it (with its mark), and without the mark
    let file = folder.appendingPathComponent("c1-r1.txt")
    let text = String(try String(contentsOf: file, encoding: .utf8).drop { $0 == "\u{FEFF}" })
    try (Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!).write(to: file)
    try Self.refused([folder.path], "\(file.path):1:1: error: not UTF-8 text: UTF-16")
    try text.data(using: .utf16LittleEndian)!.write(to: file)
    try Self.refused(
      [folder.path], "\(file.path):1:2: error: not text: a NUL byte (UTF-16 without its byte-order mark?)")
  }

  /// A run under --rate without the script's target rate line is named, not a level short.
  @Test func aRateRunWithoutItsTargetRateIsNamed() throws {
    let dir = try Self.copy(["postgres/crm-rate"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("crm-rate/rate20000-r1.txt")
    let text = try String(contentsOf: file, encoding: .utf8)
    try text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("target rate") }
      .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    try Self.refused([dir.appendingPathComponent("crm-rate").path], "\(file.path): error: a rate-limited pgbench run")
  }

  /// --lock for a workload that was not measured is a usage error naming the ones there are.
  @Test func aLockForNoWorkloadIsAUsageError() throws {
    try Self.refused(
      ["calibration/postgres/crm", "--lock", "nope:1.0"],
      "--lock nope:1.0: no workload 'nope' among the measurements (the workloads are crm)",
      status: 64)
  }

  /// A lock of capacity 1 held 0.41 ms (cut to the 0.314 ms one-client wait) lets 3,183/s
  /// through, below tpcb's 3,353.5/s at 4 clients: the error says so, and the summaries' scale
  /// (10 branch rows) as the capacity, which fits.
  @Test func aLockBelowAMeasuredLevelNamesItsBoundAndTheScale() throws {
    try Self.refused(
      ["calibration/postgres/tpcb", "--lock", "tpcb:0.41"],
      "capsim: error: tpcb: the lock (capacity 1, held 0.314 ms, the 0.41 ms given cut to the one-client wait) lets at most 3183.6/s through (capacity / held), below the 3353.5/s measured at 4 clients: its capacity is the rows the transactions spread over (pgbench's branches: the scaling factor); the summaries' scaling factor is 10: --lock tpcb:0.41:10"
    )
    let out = try EndToEndTests.capsim(["calibrate", "calibration/postgres/tpcb", "--lock", "tpcb:0.41:10"])
    #expect(out.status == 0 && out.stdout.contains("lock: capacity 10"), "\(out.stderr)")
  }

  /// Without a one-client run the load-factor model names every level measured, not only the
  /// three it was to be fitted on; the round-trip model's YAML says "1 round trip".
  @Test func noOneClientRunNamesEveryLevel() throws {
    let dir = try Self.copy(["postgres/select-only"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = dir.appendingPathComponent("select-only")
    let yaml = try EndToEndTests.capsim(["calibrate", folder.path])
    #expect(yaml.stdout.contains("; 1 round trip per transaction"), "\(yaml.stdout)")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("c1-") {
      try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
    try Self.refused(
      [folder.path, "--lock", "select-only:0.01"],
      "capsim: error: select-only: the fit starts from a one-client run (no contention); it was fitted on clients 2, 4, 8, and the levels measured are clients 2, 4, 8, 16, 32, 64"
    )
  }

  /// Open-loop runs of one measurement (1 pgbench thread, 20 s) beside the closed loop of
  /// another (2 threads at 8 clients, 10 s) are warned about, naming both files; the knee is
  /// still predicted.
  @Test func openLoopRunsMeasuredApartAreWarnedAbout() throws {
    let apart = try EndToEndTests.capsim(["calibrate", "calibration/postgres/crm-rate", "calibration/postgres-j2/crm"])
    #expect(apart.status == 0, "\(apart.stderr)")
    #expect(
      apart.stderr.contains(
        "capsim: warning: crm-rate: measured apart from the closed-loop runs? calibration/postgres/crm-rate/rate13300-r1.txt has 20 s runs against 10 s and 1 pgbench thread on 8 connections against 2 at 8 clients in calibration/postgres-j2/crm/c8-r1.txt"
      ), "\(apart.stderr)")
    let together = try EndToEndTests.capsim(["calibrate", "calibration/postgres/crm-rate", "calibration/postgres/crm"])
    #expect(together.status == 0 && !together.stderr.contains("measured apart"), "\(together.stderr)")
  }

  /// A folder's name with a line break stays inside the written YAML's comments.
  @Test func aFoldersNameCannotBreakTheYAML() throws {
    let dir = try Self.copy(["postgres/select-only"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let odd = dir.appendingPathComponent("select\nstations: {}")
    try FileManager.default.moveItem(at: dir.appendingPathComponent("select-only"), to: odd)
    let written = dir.appendingPathComponent("out")
    let out = try EndToEndTests.capsim(["calibrate", odd.path, "--write", written.path])
    #expect(out.status == 0, "\(out.stderr)")
    let yaml = try String(contentsOf: written.appendingPathComponent("select\nstations: {}.yaml"), encoding: .utf8)
    #expect(yaml.contains(#"# workload select\nstations: {}: round-trip model"#), "\(yaml)")
    #expect(!yaml.split(separator: "\n").contains { $0.hasPrefix("stations: {}") }, "\(yaml)")
  }

  /// `--write` says where the written topology parts from the round-trip model (a topology
  /// cannot say all of it), with the throughput `capsim analyze` gives for the written file.
  @Test func theWrittenTopologysDistanceFromTheModelIsStated() throws {
    let dir = try Self.copy(["postgres/select-only", "postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let written = dir.appendingPathComponent("out")
    let out = try EndToEndTests.capsim(["calibrate", dir.path, "--write", written.path])
    #expect(out.status == 0, "\(out.stderr)")
    // crm at 1 client; select-only at 2, where the unrounded factors said 24,358/s and analyze
    // of the file gives 24,356.5/s
    for (workload, users) in [("crm", 1), ("select-only", 2)] {
      let note = try #require(
        out.stderr.split(separator: "\n").first { $0.contains("\(workload).yaml approximates the round-trip model") })
      let scenario = written.appendingPathComponent("\(workload)-\(users).yaml")
      try """
      name: \(workload)-\(users)
      topology: \(workload).yaml
      arrivals: [{name: pgbench, to: cpu, users: \(users), think: {distribution: deterministic, value: 0s}}]
      run: {warmup: 1s, length: 2s, replications: 2, seed: 1}
      """.write(to: scenario, atomically: true, encoding: .utf8)
      let analyzed = try EndToEndTests.capsim(["analyze", scenario.path, "--theory-only", "--format", "json"])
      let document = try #require(try JSONSerialization.jsonObject(with: Data(analyzed.stdout.utf8)) as? [String: Any])
      let throughput = try #require(
        (document["predictions"] as? [[String: Any]])?.first { $0["metric"] as? String == "throughput" }?["theory"]
          as? Double)
      let digits = String(Int(throughput.rounded()))
      let grouped = digits.count > 3 ? digits.dropLast(3) + "," + digits.suffix(3) : Substring(digits)
      #expect(
        note.contains("\(users) client\(users == 1 ? "" : "s") \(grouped)/s (model "),
        "\(note) / analyze: \(throughput)")
    }
  }

  /// Summaries with Windows line ends give the same fit as the shipped ones.
  @Test func windowsLineEndsAreRead() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let crm = dir.appendingPathComponent("crm")
    let unix = try EndToEndTests.capsim(["calibrate", crm.path, "--format", "json"])
    for name in try FileManager.default.contentsOfDirectory(atPath: crm.path) {
      let file = crm.appendingPathComponent(name)
      try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        .write(to: file, atomically: true, encoding: .utf8)
    }
    let windows = try EndToEndTests.capsim(["calibrate", crm.path, "--format", "json"])
    #expect(unix.status == 0 && windows.status == 0 && windows.stdout == unix.stdout, "\(windows.stderr)")
  }

  /// Files a folder holds but calibrate does not read (deeper than its workload folders, or
  /// *.TXT) are named in a note rather than passed by or pooled.
  @Test func filesNotReadAreNamed() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let old = dir.appendingPathComponent("old/crm")
    try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
    try FileManager.default.moveItem(
      at: dir.appendingPathComponent("crm/c64-r1.txt"), to: old.appendingPathComponent("c64-r1.txt"))
    try FileManager.default.moveItem(
      at: dir.appendingPathComponent("crm/c64-r2.txt"), to: dir.appendingPathComponent("crm/c64-r2.TXT"))
    let out = try EndToEndTests.capsim(["calibrate", dir.path])
    #expect(out.status == 0, "\(out.stderr)")
    #expect(
      out.stderr.contains("capsim: note: not read: \(dir.path)/old/crm/c64-r1.txt, \(dir.path)/crm/c64-r2.TXT"),
      "\(out.stderr)")
    // The 64-client level is c64-r3 alone
    #expect(
      out.stdout.split(separator: "\n").contains { $0.split(separator: " ").prefix(2) == ["64", "1"] }, "\(out.stdout)")
    // A whole measurement one folder too high: its workload folders are named, not each file
    let high = try EndToEndTests.capsim(["calibrate", "calibration"])
    #expect(
      high.status == 1
        && high.stderr.contains("calibration/postgres/crm/ (21 files), calibration/postgres/crm-rate/ ("),
      "\(high.stderr)")
  }
}
