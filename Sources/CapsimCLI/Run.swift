import ArgumentParser
import Foundation
import Hybrid
import Planning
import PlatformModel
import QueueingModel
import RunRecords
import ScenarioFile
import Sharding
import SimKernel
import TextReports

/// `capsim run`: simulate a scenario and report what it measured.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a scenario and print throughput, utilization, waits and percentiles.",
    discussion: """
      Runs independent replications of the scenario (in parallel; results do not depend on the \
      thread count) and reports, per station and end to end, the mean over replications with a \
      95% Student-t confidence interval (shown as +-). Customers that arrive during the \
      scenario's warm-up are not measured.

      A platform scenario (one with demand: per territory, or a what-if with base:) is \
      simulated request by request through its calendar. The report shows service per \
      territory and period, capacity and cost, database nodes and a series, and ends with the \
      SLO verdicts: pass, marginal or FAIL per territory, season and request class, with the \
      worst window.

      The same scenario and seed always give the same numbers. Exit status: 0 on success, \
      1 when the scenario has errors (printed as file:line:column: error: key.path: message), \
      3 when --fail-on-slo finds a failed objective, 5 when the results database cannot be \
      used (if it fails only at the end, the results are printed anyway and saved beside it), \
      130 or 143 when interrupted.

      With --quiet, stderr carries errors only: no progress, warnings or "recorded as run N".
      """)

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @OptionGroup var experiment: ExperimentOptions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Flag(help: "Nothing on stderr but errors: no progress, warnings or notes.")
  var quiet = false

  @Flag(
    help: ArgumentHelp(
      "Exit with status 3 when a service level objective fails (platform scenarios).",
      discussion:
        "A verdict fails when the mean over replications misses its target; a marginal one (the confidence interval reaches past the target) does not fail the run."
    ))
  var failOnSLO = false

  @OptionGroup var database: DatabaseOptions

  @Option(help: "Series table of a platform scenario: hour, day, week or none (default: day up to 31 days, else week).")
  var series: PlatformReport.SeriesGrouping?

  @Option(
    help: ArgumentHelp(
      "How a platform scenario advances: request or hybrid (default: the scenario's run.mode).",
      discussion:
        "hybrid computes steady stretches with a queueing model and simulates the rest request by request; each series window records which."
    ))
  var mode: RunMode?

  @OptionGroup var sharding: ShardOptions

  @Option(
    name: .customLong("autoscaler"),
    help: ArgumentHelp(
      "Kubernetes YAML with HPAs or KEDA ScaledObjects for the scenario's pools (repeatable; platform scenarios).",
      valueName: "path"),
    completion: .file(extensions: ["yaml", "yml"]))
  var autoscalers: [String] = []

  func validate() throws {
    // --mode is recorded as run.mode: both would record a run its own --sets cannot repeat.
    try refuseBoth([("--mode", mode != nil, "run.mode")], experiment.settings)
    if sharding.shard != nil && !autoscalers.isEmpty {
      throw ValidationError(
        "--shard reads the scenario alone: name the manifests in its autoscaler: key instead of --autoscaler")
    }
    if sharding.shard != nil && failOnSLO {
      throw ValidationError("a shard judges nothing: give --fail-on-slo to 'capsim merge', which folds the parts")
    }
  }

  func run() throws {
    if ScenarioFile.isPlatformScenario(path: scenario) { return try runPlatform() }
    // Options only a platform scenario has a use for are refused, not ignored.
    let platformOnly = [
      ("--shard", sharding.shard != nil), ("--autoscaler", !autoscalers.isEmpty),
      ("--fail-on-slo (it has no service level objectives)", failOnSLO), ("--series", series != nil),
      ("--mode", mode != nil),
    ].filter(\.1).map(\.0)
    if let first = platformOnly.first {
      _ = try loadScenario(scenario, settings: experiment.settings)  // a broken file is reported as such
      throw ValidationError("\(first) takes a platform scenario; '\(scenario)' is a queueing-network scenario")
    }
    let (loaded, warnings) = try loadScenario(scenario, settings: experiment.settings)
    let s = experiment.apply(to: loaded)
    if !quiet { printWarnings(warnings) }
    let record = Recording.runRecord(
      kind: "network", name: s.name, scenarioFiles: [s.file], topologyFile: s.topology.file,
      settings: experiment.settings,
      seed: s.seed, replications: s.replications, horizon: s.window.horizon,
      seriesInterval: s.window.seriesInterval ?? 0,
      timeZone: s.calendar?.timeZone.identifier ?? "")
    let recording = try Recording(store: database.open(), run: record)
    let progress = Progress(total: s.replications, label: s.name, enabled: !quiet)
    let result = Experiment(network: s.network, window: s.window, replications: s.replications, seed: s.seed)
      .run(threads: experiment.workerThreads) { progress.update($0) }
    progress.finish()
    if let why = result.earlyStop(in: s.network) {
      // Figures of a run cut short would pass for a steady state: none are printed or kept.
      recording.markFailed(why)
      throw fail("\(scenario): \(why)", status: ExitStatus.failure)
    }
    let report = RunReport(scenario: s, result: result)
    let summary = NetworkSummary(table: report.table(), json: try report.json(runID: recording.id))
    let notRecorded = recording.complete(
      wallSeconds: result.wallSeconds, requests: result.replicationResults.map(\.endToEnd.arrivals).reduce(0, +),
      quiet: quiet
    ) {
      var data = RunData.network(result, scenario: s, run: $0)
      data.networkSummary = summary
      return data
    }
    switch format {
    case .json: print(try report.json(runID: notRecorded == nil ? recording.id : nil))
    case .table: print(summary.table)
    }
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
  }
}

extension Run {
  func runPlatform() throws {
    sharding.warnUnused(format: format, database: database, quiet: quiet)
    if let shard = sharding.shard { return try runShard(shard) }
    let (loaded, warnings) = try loadPlatformScenario(
      scenario, settings: experiment.settings, autoscalers: autoscalers)
    var s = experiment.apply(to: loaded)
    if let mode { s.mode = mode }
    if !quiet {
      printWarnings(warnings)
      // Theory before simulating: a demand off by a factor shows now, not after a long run.
      for overload in s.overloads() { printToStandardError("warning: \(overload)") }
    }
    let record = Recording.runRecord(
      kind: "platform", name: s.name, scenarioFiles: recordedFiles(s, path: scenario),
      // --mode is kept as the setting it stands for, so that the run says how it ran and can
      // be repeated with --set.
      topologyFile: s.topologyFile, settings: experiment.settings + (mode.map { ["run.mode=\($0.rawValue)"] } ?? []),
      seed: s.seed, replications: s.replications,
      horizon: s.horizon, seriesInterval: s.seriesInterval,
      timeZone: s.runCalendar?.timeZone.identifier ?? "")
    let recording = try Recording(store: database.open(), run: record)
    let progress = Progress(total: s.replications, label: s.name, enabled: !quiet)
    let calendar = s.runCalendar
    let horizon = s.horizon
    // Hybrid runs count the requests they simulate, not those the computed hours stand for.
    let unit = s.mode == .hybrid ? "requests simulated/s" : "requests/s"
    let result = platformRun(s).run(threads: experiment.workerThreads) { now in
      progress.update(now.share) { elapsed in
        let date = calendar.map { "at " + String($0.label(at: min(now.clock, horizon)).prefix(14)) } ?? ""
        let rate = elapsed > 0 ? Format.count(Double(now.requests) / elapsed) : "-"
        return "\(date), \(rate) \(unit)"
      }
    }
    progress.finish()
    try Self.finish(
      result, recording: recording, series: series, format: format, quiet: quiet, failOnSLO: failOnSLO,
      scenario: scenario)
  }

  /// Records the results of a platform run, prints them and judges them: what `capsim run`
  /// does after simulating, and `capsim merge` after folding the run's shards.
  static func finish(
    _ result: PlatformResult, recording: Recording, series: PlatformReport.SeriesGrouping?, format: OutputFormat,
    quiet: Bool, failOnSLO: Bool, scenario: String
  ) throws {
    let report = PlatformReport(result: result, series: series ?? defaultSeries(result))
    let notRecorded = recording.complete(
      wallSeconds: result.wallSeconds, requests: result.replications.map(\.requests).reduce(0, +), quiet: quiet
    ) { RunData.platform(result, verdicts: report.verdicts, run: $0) }
    try output(
      report, runID: notRecorded == nil ? recording.id : nil, format: format, failOnSLO: failOnSLO, scenario: scenario,
      notRecorded: notRecorded)
  }

  /// Windows grouped by day up to a month, by week beyond.
  static func defaultSeries(_ result: PlatformResult) -> PlatformReport.SeriesGrouping {
    result.scenario.horizon <= 31 * 86_400 ? .day : .week
  }

  /// Prints a run's results and throws the status they call for: a recorded run's, or one
  /// stored before (a merge of parts merged already), named by `runID`.
  static func output(
    _ report: PlatformReport, runID: Int64?, format: OutputFormat, failOnSLO: Bool, scenario: String,
    notRecorded: String? = nil
  ) throws {
    switch format {
    case .json: print(try report.json(runID: runID))
    case .table: print(report.table())
    }
    // A run that could not be recorded outranks a failed objective: its status says so.
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
    let failed = report.verdicts.filter { $0.outcome == .fail }
    if failOnSLO && !failed.isEmpty {
      // Named on stderr, which a CI log keeps when stdout goes to a file.
      let names = failed.prefix(5).map {
        "\($0.territory) \($0.period) \($0.requestClass ?? "all") \($0.objective.rawValue)"
      }
      let more = failed.count > 5 ? " and \(failed.count - 5) more" : ""
      throw fail(
        "\(scenario): service level objectives failed (--fail-on-slo): \(names.joined(separator: ", "))\(more)",
        status: ExitStatus.objectiveFailed)
    }
    // A gate that judged nothing (no request measured) has not passed.
    if failOnSLO && !report.verdicts.contains(where: { [.pass, .marginal].contains($0.outcome) }) {
      throw fail(
        "\(scenario): no service level objective was judged: no request was measured (--fail-on-slo)",
        status: ExitStatus.objectiveFailed)
    }
  }
}

/// A run of `scenario` in its mode: the hybrid driver for `run.mode: hybrid`.
func platformRun(_ scenario: PlatformScenario) -> PlatformRun {
  PlatformRun(scenario: scenario, driver: scenario.mode == .hybrid ? HybridDriver() : nil)
}

extension RunMode: ExpressibleByArgument {}

/// Throws `message` as a usage error unless `path` is a platform scenario. A file that cannot be
/// read or parsed prints its diagnostics and exits with status 1, as a broken scenario does,
/// instead of being called a file of another kind.
func requirePlatformScenario(_ path: String, otherwise message: @autoclosure () -> String) throws {
  let isPlatform = try loadOrExit(path) { () throws(DiagnosticError) in
    try ScenarioFile.isPlatformScenarioOrThrow(path: path)
  }
  guard isPlatform else { throw ValidationError(message()) }
}

/// Loads a platform scenario, or prints its diagnostics and exits with status 1. `varied`:
/// settings of a `--vary` point, after `settings` (`--set`); their errors name `--vary`.
func loadPlatformScenario(
  _ path: String, settings: [String] = [], varied: [String] = [], autoscalers: [String] = []
) throws -> (PlatformScenario, [Diagnostic]) {
  try loadOrExit(path) { () throws(DiagnosticError) in
    do throws(DiagnosticError) {
      return try ScenarioFile.loadPlatform(path: path, settings: settings + varied, autoscalers: autoscalers)
    } catch {
      throw varied.isEmpty ? error : error.splitting("--set", after: settings.count, into: "--vary")
    }
  }
}

/// Seed, replications and threads: the options every simulating command takes.
struct ExperimentOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Random seed, 0 to 18446744073709551615 (overrides the scenario's run.seed).")
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Independent replications (overrides the scenario's run.replications).")
  var replications: Int?

  @Option(parsing: .unconditional, help: "Worker threads (default: one per core). Results are the same for any value.")
  var threads: Int?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A what-if: KEY=VALUE with a key path of the topology or of the scenario (arrivals[0].rate=50/s, demand.DE.growth=1.5), like the scenario's overrides (repeatable).",
      discussion:
        "For example --set stations.db.servers=4, --set territories.DE.app.instances=4 or --set demand.DE.growth=1.5",
      valueName: "key=value"))
  var settings: [String] = []

  func validate() throws {
    if let error = RunLimits.check("--replications", replications) { throw ValidationError(error) }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as stations.db.servers=4; got '\(s)'")
    }
    try refuseBoth(
      [("--seed", seed != nil, "run.seed"), ("--replications", replications != nil, "run.replications")], settings)
  }

  func apply(to scenario: Scenario) -> Scenario {
    var s = scenario
    if let seed { s.seed = seed }
    if let replications { s.replications = replications }
    return s
  }

  func apply(to scenario: PlatformScenario) -> PlatformScenario {
    var s = scenario
    if let seed { s.seed = seed }
    if let replications { s.replications = replications }
    return s
  }

  var workerThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// Refuses an option given beside a --set or --vary of the scenario key it overrides: one of
/// them would be dropped without a word. `keyed` are KEY=VALUE(S) arguments.
func refuseBoth(_ options: [(flag: String, given: Bool, key: String)], _ keyed: [String], verb: String = "--set") throws
{
  for o in options where o.given {
    for k in keyed where k.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) == o.key {
      throw ValidationError("\(o.flag) and \(verb) \(o.key) given both; give one")
    }
  }
}

/// Loads a scenario, or prints its diagnostics and exits with status 1.
func loadScenario(_ path: String, settings: [String] = []) throws -> (Scenario, [Diagnostic]) {
  try loadOrExit(path) { () throws(DiagnosticError) in try ScenarioFile.load(path: path, settings: settings) }
}

/// Runs a loader; on errors prints them (file:line:column) and exits with status 1.
func loadOrExit<T>(_ path: String, _ load: () throws(DiagnosticError) -> T) throws -> T {
  do {
    return try load()
  } catch {
    printToStandardError(error.rendered())
    let errors = error.diagnostics.filter { $0.severity == .error }.count
    printToStandardError("\(path): \(errors) error\(errors == 1 ? "" : "s"), not run")
    throw ExitStatus.failure
  }
}

func printWarnings(_ warnings: [Diagnostic]) {
  for w in warnings where w.severity == .warning { printToStandardError(w.description) }
}

func printToStandardError(_ text: String) {
  InterruptWatch.yieldIfExiting()
  FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// How far a run has got, on stderr: share done, elapsed time and the time left at the pace so
/// far. On a terminal the line is redrawn in place a few times a second; elsewhere (a CI log) a
/// plain line is written once a minute, so that a long run shows it is alive and a short one
/// writes nothing.
package final class Progress: @unchecked Sendable {
  private let total: Int
  private let label: String
  private let enabled: Bool
  private let terminal: Bool
  private let interval: TimeInterval
  private let clock: () -> Date
  private let write: (String) -> Void
  private let lock = NSLock()
  private let start: Date
  private var lastDrawn: Date

  private let columns: () -> Int?

  convenience init(total: Int, label: String, enabled: Bool) {
    self.init(
      total: total, label: label, enabled: enabled, terminal: isatty(2) != 0, clock: Date.init,
      write: { FileHandle.standardError.write(Data($0.utf8)) },
      columns: {
        var size = winsize()
        return ioctl(2, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
      })
  }

  /// - Parameters:
  ///   - terminal: whether to redraw one line in place (else a line a minute).
  ///   - clock: the time now; `write` takes the text for stderr.
  package init(
    total: Int, label: String, enabled: Bool, terminal: Bool, clock: @escaping () -> Date,
    write: @escaping (String) -> Void, columns: @escaping () -> Int? = { nil }
  ) {
    self.columns = columns
    self.total = total
    self.label = label
    self.enabled = enabled
    self.terminal = terminal
    interval = terminal ? 0.25 : 60
    self.clock = clock
    self.write = write
    start = clock()
    lastDrawn = terminal ? .distantPast : start
  }

  package func update(_ share: Double) { update(share, detail: nil) }

  /// `detail` is added after the share (a platform run's simulated date and speed).
  package func update(_ share: Double, detail: ((TimeInterval) -> String)?) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = clock()
    guard now.timeIntervalSince(lastDrawn) >= interval || (terminal && share >= 1) else { return }
    lastDrawn = now
    let elapsed = now.timeIntervalSince(start)
    // The pace of the first percent, or of the first seconds, says little about the rest.
    let eta = share >= 1 ? 0 : share >= 0.01 && elapsed >= 2 ? elapsed / share * (1 - share) : nil
    let percent = Int(rounding: share * 100, .down) ?? 0
    let what = detail.map { $0(elapsed) } ?? "of \(total) replications"
    var text =
      "\(label): \(percent)% \(what), \(Int(rounding: elapsed, .down) ?? 0)s elapsed, "
      + (eta.flatMap { Int(rounding: $0) }.map { "about \($0)s left" } ?? "time left not known yet")
    // A line wider than the terminal wraps, and the redraw clears only its last row: each
    // update would leave the rest behind.
    if terminal, let width = columns(), text.count >= width { text = String(text.prefix(max(width - 2, 0))) + "…" }
    write(terminal ? "\r\u{1B}[K" + text : text + "\n")
  }

  package func finish() {
    guard enabled, terminal else { return }
    write("\r\u{1B}[K")
  }
}
