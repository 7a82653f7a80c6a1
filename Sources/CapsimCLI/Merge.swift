import ArgumentParser
import Foundation
import Planning
import PlatformModel
import ResultsStore
import ScenarioFile
import Sharding
import TextReports

/// `capsim merge`: folds the part files of a sharded `run` or `sweep` into its results.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fold the part files of 'capsim run|sweep --shard I/N' into the results one machine would produce.",
    discussion: """
      Checks that the parts belong together (same command, scenario and topology contents, \
      settings, axes, seed, replications and capsim version) and that each of the N shards is \
      there once, then reloads the scenario from its path (run merge from the folder the \
      shards ran in; its files must not have changed) and produces what the unsharded command \
      would have: the same table or JSON, and the same recorded run (or sweep of runs), byte \
      for byte except the wall-clock fields (wall_seconds, started_at, ended_at), the host \
      and process of the record, a sweep's shards and the merged_from digest of the parts. \
      Parts merged into the database before are not stored again: their outputs and exit \
      status are printed as the first merge's, with the stored id.

      Exit status: 0 merged, 1 the parts do not belong together or the scenario changed, 3 \
      --fail-on-slo found a failed objective (run), 5 the results database cannot be used.

      Examples:
        capsim merge parts/*.json
        capsim merge sweep-part-0.json sweep-part-1.json sweep-part-2.json --format json --report reports/sweep
      """)

  @Argument(help: "The part files, one per shard, in any order.", completion: .file(extensions: ["json"]))
  var parts: [String]

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Series table of a merged run: hour, day, week or none (as for capsim run).")
  var series: PlatformReport.SeriesGrouping?

  @Flag(help: "Exit with status 3 when a service level objective of a merged run fails.")
  var failOnSLO = false

  @Option(help: "Also write a merged sweep's HTML report into this folder.")
  var report: String?

  @Flag(help: "Nothing on stderr but errors.")
  var quiet = false

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    if parts.isEmpty { throw ValidationError("give the part files, such as parts/*.json") }
  }

  func run() throws {
    let folded = try fold()
    let field = Dictionary(folded.work.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    func decoded<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
      guard let text = field[name], let value = try? JSONDecoder().decode(type, from: Data(text.utf8)) else {
        throw fail("the parts have no readable '\(name)'", status: ExitStatus.failure)
      }
      return value
    }
    guard let command = field["command"], command == "run" || command == "sweep", let path = field["scenario"],
      let seed = field["seed"].flatMap(UInt64.init), let replications = field["replications"].flatMap(Int.init)
    else {
      throw fail(
        "the parts do not say what they are part of (command, scenario, seed, replications)", status: ExitStatus.failure
      )
    }
    // Each axis is [key, values...]; a part edited into something else fails the comparison below.
    let axes = try decoded("axes", as: [[String]].self).compactMap { a in
      a.first.map { Grid.Axis(key: $0, values: Array(a.dropFirst())) }
    }
    if command == "run" && report != nil {
      throw ValidationError("--report is for merged sweeps; report a merged run with 'capsim report latest'")
    }
    if command == "sweep" && series != nil {
      throw ValidationError("--series is for merged runs; a sweep's table has a row per point")
    }
    if command == "sweep" && failOnSLO {
      throw ValidationError("--fail-on-slo is for merged runs; a sweep's points are meant to differ")
    }
    // Before the sweep is recorded: a retry after a failed report would record it twice.
    if let report, let problem = outputProblem(report, folder: true) {
      throw ValidationError("--report \(report): \(problem)")
    }
    // The parts name the scenario as the shards were given it: relative to where they ran.
    if !FileManager.default.fileExists(atPath: path) {
      let here = FileManager.default.currentDirectoryPath
      throw fail(
        path.hasPrefix("/")
          ? "the parts were made from \(path), which is not there any more"
          : "the parts name the scenario as '\(path)', relative to the folder the shards ran in, and it is not found from \(here): run capsim merge in that folder",
        status: ExitStatus.failure)
    }
    // The parts keep point 0's seed. Where the files say otherwise, the shards were given
    // --seed, which sets every point (a sweep refuses it beside a --vary of run.seed); else each
    // point keeps its own, as varied. Every point runs the parts' replications.
    let pointSettings = try decoded("settings", as: [String].self)
    var work = try SweepWork.load(
      command: command, path: path, settings: pointSettings, grid: Grid(axes: axes), seed: nil,
      replications: replications, quiet: quiet)
    if work.seed != seed {
      work = try SweepWork.load(
        command: command, path: path, settings: pointSettings, grid: Grid(axes: axes), seed: seed,
        replications: replications, quiet: true)
    }
    // The files as they are now must be the files the shards read.
    for (here, there) in zip(work.fields, folded.work) where here != there {
      throw fail(
        "the parts were made with \(there.name) \(there.value), but here \(here.name) is \(here.value)\(here.name.hasSuffix("sha256") ? " (the file changed since the shards ran)" : "")",
        status: ExitStatus.failure)
    }

    // Parts merged before (a retried Job, a second look) are not stored again; their outputs
    // and exit status are those of the first merge, so a retried gate judges as the first did.
    let store = try database.open()
    let table: ResultsStore.MergedTable = command == "run" ? .run : .sweep
    if let (id, complete) = try store.mergedRecord(in: table, digest: folded.digest) {
      if !quiet {
        printToStandardError(
          "capsim merge: these parts are already in \(store.path) as \(command) \(id)\(complete ? "" : " (another capsim is storing it now)"); not stored again"
        )
      }
      if command == "run" {
        let result = PlatformResult(
          work.scenarios[0], replications: folded.results[0].map(\.replication), wallSeconds: folded.wallSeconds)
        return try Run.output(
          PlatformReport(result: result, series: series ?? Run.defaultSeries(result)), runID: id, format: format,
          failOnSLO: failOnSLO, scenario: path)
      }
      let points = complete ? try store.sweep(id)?.1.map(\.runID) ?? [] : []
      let gatherer = SweepGatherer(work: work, recording: nil, storedRuns: points)
      for (p, replications) in folded.results.enumerated() {
        for (r, item) in replications.enumerated() { gatherer.add(WorkItem(point: p, replication: r), item) }
      }
      let sweep = SweepReport(
        work: work.sweep, points: gatherer.points, sweepID: id, wallSeconds: folded.wallSeconds)
      switch format {
      case .json: print(try sweep.json())
      case .table: print(sweep.table(), terminator: "")
      }
      guard let report else { return }
      guard complete else {
        throw fail(
          "--report \(report): sweep \(id) is still being stored by another capsim; write it with 'capsim sweeps \(id) --report \(report)' once it is",
          status: ExitStatus.failure)
      }
      return try Sweeps.writeReport(id, store: store, to: report, quiet: quiet)
    }
    if command == "run" {
      let items = folded.results[0]
      let result = PlatformResult(
        work.scenarios[0], replications: items.map(\.replication), wallSeconds: folded.wallSeconds)
      let recording = try Recording(store: store, run: work.records[0])
      try? store.noteMerged(in: .run, id: recording.id, digest: folded.digest)
      return try Run.finish(
        result, recording: recording, series: series, format: format, quiet: quiet, failOnSLO: failOnSLO, scenario: path
      )
    }
    let recording = try SweepRecording(store: store, work: work, shards: folded.shardCount, startedAt: Date())
    try? store.noteMerged(in: .sweep, id: recording.sweepID, digest: folded.digest)
    let gatherer = SweepGatherer(work: work, recording: recording)
    for (p, replications) in folded.results.enumerated() {
      for (r, item) in replications.enumerated() { gatherer.add(WorkItem(point: p, replication: r), item) }
    }
    try Sweep.finish(
      gatherer, wallSeconds: folded.wallSeconds, format: format, report: report, database: database, quiet: quiet)
  }

  /// Reads the parts and folds them; a part that cannot be read, or parts that do not belong
  /// together, are an error (status 1) naming the files.
  /// `digest`: of the parts' checksums, whatever their order or names (what a merge is noted by).
  func fold() throws -> (
    work: [Part<SimulatedItem>.Field], results: [[SimulatedItem]], wallSeconds: Double, shardCount: Int,
    digest: String
  ) {
    var read: [(file: String, part: Part<SimulatedItem>)] = []
    do {
      for file in parts {
        guard let data = FileManager.default.contents(atPath: file) else {
          var isFolder: ObjCBool = false
          let why =
            !FileManager.default.fileExists(atPath: file, isDirectory: &isFolder)
            ? missingFileReason(file) : isFolder.boolValue ? "a folder, not a file" : "it cannot be read"
          throw fail("cannot read part file \(file): \(why)", status: ExitStatus.failure)
        }
        read.append((file, try Part<SimulatedItem>.decode(data, file: file)))
      }
      let folded = try Part<SimulatedItem>.fold(read)
      let digest = ContentHash.sha256(read.map { $0.part.checksum ?? "" }.sorted().joined(separator: ","))
      return (folded.work, folded.results, folded.wallSeconds, read[0].part.shard.count, digest)
    } catch let error as ShardingError {
      throw fail(error.description, status: ExitStatus.failure)
    }
  }
}
