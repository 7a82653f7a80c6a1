import Foundation
import Testing

/// The Slurm recipe for real: a single-node Slurm on this machine (munged, slurmctld and slurmd
/// started by `scripts/slurm-single-node.sh` in a temporary folder), a sharded sweep submitted
/// as a job array with `distributed/slurm/sweep.sbatch`, merged by `distributed/slurm/merge.sbatch`,
/// and compared with the same sweep on one machine.
///
/// Cancelled (skipped), saying why, where Slurm cannot be installed or started: not root, no
/// apt-get, no network for the packages, daemons that will not run in this container.
@Suite struct SlurmTests {
  struct Command {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs a program with extra environment; kills it after `timeout` seconds.
  static func run(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 300) throws -> Command {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = EndToEndTests.root
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    let folder = EndToEndTests.scratch
    let out = folder.appendingPathComponent("capsim-slurm-\(UUID().uuidString).out")
    let err = folder.appendingPathComponent("capsim-slurm-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: err)
    }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    if process.isRunning {
      process.terminate()
      let grace = Date().addingTimeInterval(5)
      while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.1) }
      if process.isRunning { return Command(status: -1, stdout: "", stderr: "\(arguments[0]) did not end within \(Int(timeout)) s") }
    }
    return Command(
      status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }

  @Test(.timeLimit(.minutes(10)))
  func aShardedSweepOnSlurmMergesToTheSingleMachineResult() throws {
    // A short folder: munge's socket path must fit in a Unix socket address.
    let folder = URL(fileURLWithPath: "/tmp/capsim-slurm-\(UUID().uuidString.prefix(8))")
    let script = EndToEndTests.root.appendingPathComponent("scripts/slurm-single-node.sh").path
    let port = String(Int.random(in: 20_000..<29_000))
    let started = Date()
    let start = try Self.run([script, "start", folder.path], environment: ["CAPSIM_SLURM_PORT": port], timeout: 400)
    defer {
      let stopping = Date()
      _ = try? Self.run([script, "stop", folder.path], timeout: 60)
      try? FileManager.default.removeItem(at: folder)
      print("slurm: daemons stopped in \(String(format: "%.1f", Date().timeIntervalSince(stopping))) s")
    }
    if start.status != 0 {
      let why = start.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(start.status)"
      try Test.cancel("Slurm cannot be started here (scripts/slurm-single-node.sh start): \(why)")
    }
    let startSeconds = Date().timeIntervalSince(started)

    // Given a sweep of 4 points x 2 replications, sharded 3 ways as an array job
    let slurm = ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path]
    let parts = folder.appendingPathComponent("parts")
    let sweep = [
      SweepTests.small, "--vary", "territories.A.app.instances=1,2", "--vary", "demand.A.growth=1,1.5",
      "--replications", "2",
    ]
    let submitted = Date()
    let batch = try Self.run(
      [
        "sbatch", "--array=0-2", "--wait", "--cpus-per-task=1", "--chdir=\(EndToEndTests.root.path)",
        "--output=\(folder.path)/sweep-%A_%a.out", "--export=ALL,CAPSIM=\(EndToEndTests.binary.path),CAPSIM_PARTS=\(parts.path)",
        "distributed/slurm/sweep.sbatch",
      ] + sweep, environment: slurm)
    let arraySeconds = Date().timeIntervalSince(submitted)
    let logs = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".out") }
      .compactMap { try? String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8) }.joined(separator: "\n")
    #expect(batch.status == 0, "sbatch: \(batch.stdout) \(batch.stderr)\ntask logs:\n\(logs)")
    let files = (0..<3).map { parts.appendingPathComponent("part-\($0).json").path }
    for file in files { #expect(FileManager.default.fileExists(atPath: file), "no \(file); task logs:\n\(logs)") }

    // When the parts are merged by the recipe's follow-up job, and the same sweep runs here
    let mergedDB = folder.appendingPathComponent("merged.sqlite").path
    let singleDB = folder.appendingPathComponent("single.sqlite").path
    let mergeLog = folder.appendingPathComponent("merge.out")
    let merging = Date()
    let merge = try Self.run(
      [
        "sbatch", "--wait", "--chdir=\(EndToEndTests.root.path)", "--output=\(mergeLog.path)",
        "--export=ALL,CAPSIM=\(EndToEndTests.binary.path),CAPSIM_PARTS=\(parts.path)",
        "distributed/slurm/merge.sbatch", "--format", "json", "--db", mergedDB, "--quiet",
      ], environment: slurm)
    let mergeSeconds = Date().timeIntervalSince(merging)
    let merged = (try? String(contentsOf: mergeLog, encoding: .utf8)) ?? ""
    #expect(merge.status == 0, "sbatch: \(merge.stdout) \(merge.stderr)\nmerge log:\n\(merged)")
    let single = try EndToEndTests.capsim(["sweep"] + sweep + ["--format", "json", "--db", singleDB, "--quiet"])
    #expect(single.status == 0, "\(single.stderr)")

    // Then the JSON is the same but for the wall clock, and so is every recorded run
    #expect(try SweepTests.comparable(merged) == SweepTests.comparable(single.stdout))
    for run in 1...4 {
      #expect(try SweepTests.recorded(run, db: mergedDB) == SweepTests.recorded(run, db: singleDB), "run \(run)")
    }
    print(
      "slurm: daemons up in \(String(format: "%.1f", startSeconds)) s, array of 3 shards done in \(String(format: "%.1f", arraySeconds)) s, merge job in \(String(format: "%.1f", mergeSeconds)) s, test \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
    )
  }
}
