import Foundation
import Testing

/// Ctrl-C at an exact system call, sent by strace (`-e inject=SYSCALL:signal=INT:when=N`): the
/// window between moving one file and recording the command's end is a few milliseconds, which
/// no sleep before a kill hits. Whatever the moment, what the command says, what it records and
/// which files exist must agree.
@Suite struct SignalAtASystemCallTests {
  /// strace, if it is installed and may trace here (containers can forbid ptrace).
  static let strace: String? = {
    guard let path = ["/usr/bin/strace", "/bin/strace"].first(where: FileManager.default.isExecutableFile) else {
      return nil
    }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: path)
    probe.arguments = ["-f", "-qq", "-o", "/dev/null", "/bin/true"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return nil }
    probe.waitUntilExit()
    return probe.terminationStatus == 0 ? path : nil
  }()

  /// capsim under strace: SIGINT at the `when`-th `rename`, or only a trace of them (nil).
  static func capsim(_ arguments: [String], interruptAtRename when: Int?, trace: String? = nil) throws
    -> EndToEndTests.Output
  {
    var options = ["-f", "-qq", "-e", "trace=rename", "-o", trace ?? "/dev/null"]
    if let when { options += ["-e", "inject=rename:signal=INT:when=\(when)"] }
    return try EndToEndTests.capsim(arguments, through: [try #require(strace)] + options)
  }

  /// Ctrl-C as the first derived manifest is moved over the one in use: the derivation is then
  /// recorded complete with its manifests, and says so. It once replaced both manifests while
  /// saying "no manifest written" and marking the derivation interrupted.
  @Test(
    .enabled(if: strace != nil, "needs strace (scripts/install-strace.sh) and ptrace allowed"), .timeLimit(.minutes(3)))
  func aSignalAsTheManifestsMoveKeepsThemAndTheRecordTogether() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("capsim.sqlite").path
    let out = dir.appendingPathComponent("autoscalers").path
    let derive = [
      "autoscale", "scenarios/platform-normal-week.yaml", "--territory", "CH", "--set", "calendar.end=2026-03-02T12:00",
      "--replications", "2", "--max-replications", "2", "--held-out", "2", "--threads", "1", "--out", out, "--db", db,
      "--quiet",
    ]
    let manifest = "\(out)/CH/hpa.yaml"
    // Given manifests in use, and the rename that moves the next derivation's HPA over them
    let trace = dir.appendingPathComponent("renames.txt").path
    let first = try Self.capsim(derive, interruptAtRename: nil, trace: trace)
    #expect(first.status == 0, "\(first.stderr)")
    let renames = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").filter {
      $0.contains("rename(")
    }
    let move = try #require(renames.firstIndex { $0.contains(", \"\(manifest)\"") }) + 1
    let inUse = (try String(contentsOfFile: manifest, encoding: .utf8)) + "# in use\n"
    try inUse.write(toFile: manifest, atomically: true, encoding: .utf8)

    // When Ctrl-C comes at that rename
    let r = try Self.capsim(derive, interruptAtRename: move)

    // Then the moves finish, the derivation is complete, and the exit is Ctrl-C's
    #expect(r.status == 130, "\(r.stderr)")
    #expect(r.stderr.contains("came while the results were being stored: they are kept"), "\(r.stderr)")
    #expect(!r.stderr.contains("no manifest written"), "\(r.stderr)")
    #expect(try String(contentsOfFile: manifest, encoding: .utf8) != inUse)
    let list = try EndToEndTests.capsim(["autoscales", "--db", db])
    #expect(list.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.contains("complete") }, "\(list.stdout)")

    // And Ctrl-C before the moves (as the staged copy is written) leaves the manifest in use
    try inUse.write(toFile: manifest, atomically: true, encoding: .utf8)
    let early = try Self.capsim(derive, interruptAtRename: 1)
    #expect(early.status == 130, "\(early.stderr)")
    #expect(
      early.stderr.contains("marked interrupted") && early.stderr.contains("no manifest written"), "\(early.stderr)")
    #expect(try String(contentsOfFile: manifest, encoding: .utf8) == inUse)
  }

  /// Ctrl-C as check writes its files: all are written and the exit is 130. It once said "no
  /// output file written" beside the files it had written, or exited 0.
  @Test(
    .enabled(if: strace != nil, "needs strace (scripts/install-strace.sh) and ptrace allowed"), .timeLimit(.minutes(3)))
  func aSignalAsCheckWritesItsFilesSaysWhatIsThere() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = ["c.json", "c.xml", "c.md"].map { dir.appendingPathComponent($0).path }
    let r = try Self.capsim(
      [
        "check", "scenarios/platform-normal-week.yaml", "--targets", "ci/targets.yaml", "--threads", "1", "--set",
        "calendar.end=2026-03-02T12:00", "--replications", "2", "--max-replications", "2", "--json", files[0],
        "--junit", files[1], "--markdown", files[2], "--db", dir.appendingPathComponent("capsim.sqlite").path,
        "--quiet",
      ], interruptAtRename: 1)
    #expect(r.status == 130, "\(r.stderr)")
    #expect(!r.stderr.contains("no output file written"), "\(r.stderr)")
    #expect(r.stderr.contains("they are kept"), "\(r.stderr)")
    for file in files { #expect(FileManager.default.fileExists(atPath: file), "\(file)") }
  }

  /// Ctrl-C as calibrate writes its topologies: the set is written whole and the exit is 130.
  /// It once ended at the signal with part of the set and a temporary file left in the folder.
  @Test(
    .enabled(if: strace != nil, "needs strace (scripts/install-strace.sh) and ptrace allowed"), .timeLimit(.minutes(3)))
  func aSignalAsCalibrateWritesLeavesTheWholeSet() throws {
    let dir = try PlanTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("fitted").path
    let r = try Self.capsim(["calibrate", "calibration/postgres", "--write", out], interruptAtRename: 2)
    #expect(r.status == 130, "\(r.stderr)")
    #expect(r.stderr.contains("they are kept"), "\(r.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(files == ["crm.yaml", "select-only.yaml", "tpcb.yaml"], "\(files)")
  }
}
