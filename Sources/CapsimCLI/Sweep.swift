import ArgumentParser
import Foundation
import Planning
import PlatformModel
import ResultsStore
import ScenarioFile
import Sharding
import TextReports

/// `capsim sweep`: a grid of what-ifs over one scenario, every point a recorded run.
struct Sweep: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a platform scenario at every point of a grid of --vary settings.",
    discussion: """
      Each --vary KEY=VALUES is an axis: any key path --set takes, with a list (1,2,4), an \
      integer range (2..10), a stepped range in exact decimals (0.5..2.0/0.25), or a mix \
      (1,2,4..8/2); a unit may follow the numbers of a range (100ms..300ms/50ms). The points \
      are every combination, the first axis changing slowest. All points run on all cores \
      (--jobs), every point with the same seed (common random numbers), and the results are \
      the same for any --jobs.

      Every point is recorded as a run, under one sweep id (capsim sweeps, capsim runs). The \
      output is a table per territory and period (points x objectives: mean and verdict), or \
      JSON; --report FOLDER writes an HTML page with a heatmap (two axes) or a line (one axis) \
      per objective, the SLO target drawn.

      With --shard I/N only slice I of the (point, replication) items is simulated and written \
      as a part file; 'capsim merge' folds the N parts into the same table, JSON and recorded \
      runs as one machine would have produced.

      Exit status: 0 when the sweep ran (whatever its verdicts), 1 when the scenario has errors \
      at some point, 5 when the results database cannot be used, 64 for a bad --vary.

      Examples:
        capsim sweep scenarios/platform-oktoberfest-2026.yaml --vary territories.DE.app.instances=4..8
        capsim sweep scenarios/platform-normal-week.yaml --vary demand.DE.growth=1..2/0.25 \\
          --vary territories.DE.app.instances=2,3,4 --report reports/growth-sweep
        capsim sweep scenarios/platform-normal-week.yaml --vary demand.DE.growth=1,1.5 --shard 0/4 --out part-0.json
      """)

  @Argument(help: "The platform scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @Option(
    name: .customLong("vary"),
    help: ArgumentHelp("An axis: KEY=VALUES, such as demand.DE.growth=1..2/0.25 (repeatable).", valueName: "key=values")
  )
  var axes: [String] = []

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A what-if under every point: KEY=VALUE, as for capsim run (repeatable).", valueName: "key=value"))
  var settings: [String] = []

  @Option(
    help: ArgumentHelp(
      "How every point advances: request or hybrid (default: the scenario's run.mode).",
      discussion: "The same as --set run.mode=MODE, and recorded as that."))
  var mode: RunMode?

  @Option(
    parsing: .unconditional,
    help: "Random seed, 0 to 18446744073709551615 (overrides the scenario's run.seed); every point uses it.")
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Replications per point (overrides the scenario's run.replications).")
  var replications: Int?

  @Option(
    parsing: .unconditional, help: "Simulations at once (default: one per core). Results are the same for any value.")
  var jobs: Int?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Also write the sweep's HTML report into this folder.")
  var report: String?

  @Flag(help: "Nothing on stderr but errors.")
  var quiet = false

  @OptionGroup var database: DatabaseOptions

  @OptionGroup var sharding: ShardOptions

  func validate() throws {
    if axes.isEmpty {
      throw ValidationError("give at least one --vary KEY=VALUES, such as --vary demand.DE.growth=1,1.5,2")
    }
    let grid = try Self.grid(axes)
    // Before anything is simulated: a report that cannot be written would end the work in vain.
    if let report, let problem = outputProblem(report, folder: true) {
      throw ValidationError("--report \(report): \(problem)")
    }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as demand.DE.growth=1.3; got '\(s)'")
    }
    for s in settings {
      let key = String(s[..<s.firstIndex(of: "=")!]).trimmingCharacters(in: .whitespaces)
      if grid.axes.contains(where: { $0.key == key }) {
        throw ValidationError("\(key) is both --set and --vary; drop the --set")
      }
    }
    if mode != nil
      && (settings + axes).contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("run.mode") })
    {
      throw ValidationError("--mode and run.mode given both; give one")
    }
    if let error = RunLimits.check("--replications", replications) { throw ValidationError(error) }
    let options = [("--seed", seed != nil, "run.seed"), ("--replications", replications != nil, "run.replications")]
    try refuseBoth(options, settings)
    try refuseBoth(options, axes, verb: "--vary")
    if grid.axes.contains(where: { $0.key == "run.replications" }) {
      throw ValidationError(
        "--vary run.replications: every point of a sweep runs the same replications; give them with --replications")
    }
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if sharding.shard != nil && report != nil {
      throw ValidationError("a shard writes a part file, not a report: give --report to 'capsim merge'")
    }
  }

  static func grid(_ specs: [String]) throws -> Grid {
    do {
      return try Grid(parsing: specs)
    } catch {
      throw ValidationError("--vary \(error.description)")
    }
  }

  func run() throws {
    try requirePlatformScenario(
      scenario,
      otherwise:
        "'\(scenario)' is not a platform scenario (one with demand: per territory, or base:); sweep takes platform scenarios"
    )
    let work = try SweepWork.load(
      command: "sweep", path: scenario, settings: settings + (mode.map { ["run.mode=\($0.rawValue)"] } ?? []),
      grid: try Self.grid(axes), seed: seed,
      replications: replications, quiet: quiet)
    let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    let started = Date()
    sharding.warnUnused(format: format, database: database, quiet: quiet)
    if let shard = sharding.shard {
      let items = shard.items(points: work.points, replications: work.replications)
      let progress = Progress(total: items.count, label: "\(work.name) sweep shard \(shard)", enabled: !quiet)
      let results = work.simulate(items, jobs: jobs, progress: progress)
      progress.finish()
      let part = Part(
        work: work.fields, points: work.points, replications: work.replications, shard: shard, items: items,
        results: results, wallSeconds: Date().timeIntervalSince(started), host: ResultsStore.currentHostName)
      return try sharding.write(part, name: work.name, command: "sweep", quiet: quiet)
    }
    let recording = try SweepRecording(store: database.open(), work: work, shards: 1, startedAt: started)
    let gatherer = SweepGatherer(work: work, recording: recording)
    let items = Shard.whole.items(points: work.points, replications: work.replications)
    let progress = Progress(total: items.count, label: "\(work.name) sweep", enabled: !quiet)
    work.simulate(items, jobs: jobs, progress: progress) { i, item in gatherer.add(items[i], item) }
    progress.finish()
    try Self.finish(
      gatherer, wallSeconds: Date().timeIntervalSince(started), format: format, report: report, database: database,
      quiet: quiet)
  }

  /// Records the sweep's wall time, prints its table or JSON, writes its report: what
  /// `capsim sweep` does after simulating, and `capsim merge` after folding the shards.
  static func finish(
    _ gatherer: SweepGatherer, wallSeconds: Double, format: OutputFormat, report folder: String?,
    database: DatabaseOptions, quiet: Bool
  ) throws {
    guard let recording = gatherer.recording else { preconditionFailure("a sweep being stored has a recording") }
    // The sweep's end, its output and its page are one step that a signal waits for.
    let problems = try InterruptWatch.storing(final: true) { () throws -> [String] in
      let problems = recording.finish(wallSeconds: wallSeconds, quiet: quiet)
      let report = SweepReport(
        work: gatherer.work.sweep, points: gatherer.points, sweepID: recording.sweepID, wallSeconds: wallSeconds)
      switch format {
      case .json: print(try report.json())
      case .table: print(report.table(), terminator: "")
      }
      if problems.isEmpty, let folder {
        try Sweeps.writeReport(recording.sweepID, store: recording.store, to: folder, quiet: quiet)
      }
      return problems
    }
    if !problems.isEmpty {
      for p in problems.dropLast() { printToStandardError("capsim: error: \(p)") }
      throw fail(problems.last!, status: ExitStatus.databaseUnusable)
    }
  }
}

/// Collects a sweep's simulated items; when a point has all its replications, records its run
/// and keeps what the table and JSON need (the replications themselves are let go).
final class SweepGatherer: @unchecked Sendable {
  let work: SweepWork
  /// Nil when the points are stored already (a merge of parts merged before): `storedRuns`
  /// then names each point's run.
  let recording: SweepRecording?
  private let storedRuns: [Int64]
  private let lock = NSLock()
  private var pending: [[SimulatedItem?]]
  private var results: [SweepPointResult?]

  init(work: SweepWork, recording: SweepRecording?, storedRuns: [Int64] = []) {
    self.work = work
    self.recording = recording
    self.storedRuns = storedRuns
    pending = Array(repeating: Array(repeating: nil, count: work.replications), count: work.points)
    results = Array(repeating: nil, count: work.points)
  }

  /// Takes one item's result, from any thread.
  func add(_ item: WorkItem, _ result: SimulatedItem) {
    let complete: [SimulatedItem]? = lock.withLock {
      pending[item.point][item.replication] = result
      let all = pending[item.point].compactMap { $0 }
      guard all.count == work.replications else { return nil }
      pending[item.point] = []
      return all
    }
    guard let complete else { return }
    let p = item.point
    let seconds = complete.map(\.seconds).reduce(0, +)
    let result = PlatformResult(work.scenarios[p], replications: complete.map(\.replication), wallSeconds: seconds)
    let report = PlatformReport(result: result, series: .none)
    // A point whose results could not be stored has no run to name (its id holds none).
    let runID =
      recording.map { $0.complete(point: p, result: result, verdicts: report.verdicts, seconds: seconds) }
      ?? (storedRuns.indices.contains(p) ? storedRuns[p] : nil)
    let summary = SweepPointResult(values: work.grid.values(at: p), runID: runID, report: report)
    lock.withLock { results[p] = summary }
  }

  /// Every point's result, in point order (all points must be in).
  var points: [SweepPointResult] { lock.withLock { results.map { $0! } } }
}
