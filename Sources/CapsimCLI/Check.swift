import ArgumentParser
import Foundation
import Gate
import PlatformModel
import ScenarioFile
import TextReports

/// `capsim check`: the CI gate.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Gate a change: platform scenarios against targets and a baseline, beyond the noise.",
    discussion: """
      Simulates each platform scenario and judges every row (objective x territory x period x \
      request class) against the targets file and the baseline. A row fails when it clearly \
      misses its target, or is clearly worse than the baseline by more than its tolerance; it \
      passes when it clearly meets both; otherwise it is undecided and the replications are \
      doubled (continuing the same random streams) until every row is decided, a row fails, or \
      the budget (--max-replications, --max-seconds) is spent. --replications sets the first \
      look (default: the scenario's, at least 5).

      "Clearly" is a test over the replications: Student t against a target, Welch t against \
      the baseline. False alarms are at most --alpha over every row and look together (Holm \
      within a look, split evenly over the looks and scenarios); a row that truly misses passes \
      with chance at most --beta.

      The baseline is a JSON file this command wrote (--write-baseline, or --json: the same \
      document), or a recorded run (--baseline-run). Writes JUnit XML (--junit), a Markdown \
      summary for a pull request (--markdown) and JSON (--json, or --format json on stdout).

      Exit status: 0 every row passed, 1 a target or regression failed, nothing was judged \
      (no row has a target or a baseline row), or a file has errors, 2 could not decide within the budget, 4 no such run, 5 the database is \
      unusable, 64 usage (an output file that cannot be written is refused before anything is \
      simulated), 130 or 143 interrupted (no output file written).

      Examples:
        capsim check scenarios/platform-normal-week.yaml --replications 20 --write-baseline normal-week-baseline.json
        capsim check scenarios/platform-normal-week.yaml --targets ci/targets.yaml --baseline ci/baseline.json \\
          --junit check.xml --markdown check.md
      """)

  @Argument(help: "Platform scenario files (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenarios: [String]

  @Option(help: "Targets file (YAML): objectives, what they cover, per-class overrides, waivers.")
  var targets: String?

  @Option(help: "Baseline: a JSON document of an earlier check (--write-baseline or --json).")
  var baseline: String?

  @Option(help: "Baseline: a recorded run id (or latest), for a single scenario.")
  var baselineRun: String?

  @OptionGroup var database: DatabaseOptions

  @OptionGroup var experiment: ExperimentOptions

  @Option(
    parsing: .unconditional, help: "Replications a check may grow to while rows are undecided (default: 8x the first).")
  var maxReplications: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Wall-clock budget in seconds for the whole check: no look is started that would end after it.",
      discussion: "Every scenario's first look runs all the same: without it there is nothing to report."))
  var maxSeconds: Double?

  @Option(parsing: .unconditional, help: "Chance of a false alarm over the whole check (every row, look and scenario).")
  var alpha = 0.01

  @Option(parsing: .unconditional, help: "Chance that a row whose truth misses its target or tolerance passes.")
  var beta = 0.05

  @Option(help: "Write JUnit XML here: one test case per objective x territory x period x class.")
  var junit: String?

  @Option(help: "Write a Markdown summary here, for a pull-request comment.")
  var markdown: String?

  @Option(help: "Write the JSON document here (it can serve as a later check's --baseline).")
  var json: String?

  @Option(help: "Write the JSON document here as a baseline; with neither --targets nor a baseline, only measures.")
  var writeBaseline: String?

  @Option(help: "Output format on stdout: table or json.")
  var format: OutputFormat = .table

  @Flag(help: "Nothing on stderr but errors: no progress, no warnings (the outputs keep them).")
  var quiet = false

  func validate() throws {
    if targets == nil && baseline == nil && baselineRun == nil && writeBaseline == nil {
      throw ValidationError(
        "nothing to check against: give --targets FILE, --baseline FILE or --baseline-run RUN (or --write-baseline FILE to measure one)"
      )
    }
    if baseline != nil && baselineRun != nil { throw ValidationError("give --baseline or --baseline-run, not both") }
    if baselineRun != nil && scenarios.count > 1 {
      throw ValidationError("--baseline-run compares one scenario; a baseline JSON file (--baseline) can hold several")
    }
    if let r = experiment.replications, r < 2 {
      throw ValidationError("--replications must be at least 2 (an interval needs two)")
    }
    if let m = maxReplications, m < (experiment.replications ?? 2) {
      throw ValidationError("--max-replications must be at least --replications (and 2)")
    }
    if let error = RunLimits.check("--max-replications", maxReplications) { throw ValidationError(error) }
    if let s = maxSeconds, !(s > 0 && s.isFinite) {
      throw ValidationError(
        "--max-seconds must be a positive number of seconds, found \(s) (leave it out for no limit)")
    }
    for (name, value) in [("--alpha", alpha), ("--beta", beta)] where !(value > 0 && value < 0.5) {
      throw ValidationError("\(name) must be above 0 and below 0.5, found \(value)")
    }
    // Before anything is simulated: an output that cannot be written would otherwise end a
    // passing check with status 1, which CI reads as a regression.
    let outputs = [
      ("--junit", junit), ("--markdown", markdown), ("--json", json), ("--write-baseline", writeBaseline),
    ]
    for (flag, file) in outputs {
      if let file, let problem = outputProblem(file) { throw ValidationError("\(flag) \(file): \(problem)") }
    }
    if let twice = sameOutputTwice(outputs.map { (flag: $0.0, path: $0.1) }) { throw ValidationError(twice) }
    // The baseline judged against, overwritten by the numbers judged: a failed check would
    // leave a regressed baseline that the next check passes against.
    for (flag, file) in outputs {
      if let file, let baseline, sameFile(file, baseline) {
        throw ValidationError(
          "\(flag) \(file) is the --baseline the check judges against: write the new numbers to another file")
      }
    }
  }

  /// Whether two paths name one file (the same path, or one file by two names).
  private func sameFile(_ a: String, _ b: String) -> Bool {
    let ua = URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath()
    let ub = URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath()
    return ua.path == ub.path
  }

  func run() throws {
    var loaded: [(path: String, scenario: PlatformScenario)] = []
    for path in scenarios {
      try requirePlatformScenario(
        path,
        otherwise: "'\(path)' is not a platform scenario (one with demand: per territory); check gates platform runs")
      let (s, warnings) = try loadPlatformScenario(path, settings: experiment.settings)
      if !quiet { printWarnings(warnings) }
      loaded.append((path, experiment.apply(to: s)))
    }
    let all = loaded.map(\.scenario)
    // Baselines, reports and JUnit keep scenarios by name: two of one name would be confused.
    for (i, a) in loaded.enumerated() {
      if let b = loaded[..<i].first(where: { $0.scenario.name == a.scenario.name }) {
        throw fail(
          "\(b.path) and \(a.path) are both scenario '\(a.scenario.name)': a check keeps scenarios by name; give them distinct names (name: in the file), or check one",
          status: ExitStatus.usage)
      }
    }
    let targetSet = try targets.map { file in
      try loadOrExit(file) { () throws(DiagnosticError) in
        try ScenarioFile.loadTargets(
          path: file, territories: unique(all.flatMap { $0.platform.territories.map(\.name) }),
          periods: unique(all.flatMap(\.periodNames)),
          classes: unique(all.flatMap { $0.platform.requestClasses.map(\.name) }))
      }
    }
    if let targetSet, !quiet { printWarnings(targetSet.1) }
    let baselines = try loadBaselines()
    // Every scenario's baseline before anything is simulated: a missing one stops the check.
    let bases = try loaded.map {
      try baseline(for: $0.scenario, path: $0.path, in: baselines, hasTargets: targetSet != nil)
    }
    // A check records nothing as it goes: an interruption says that no output was written.
    let watch = InterruptWatch(notice: "check stopped before its end: no verdict and no output file written") { _ in }
    defer { watch.stop() }
    // One budget for the whole check: each scenario gets what the ones before it left.
    let clock = ContinuousClock()
    let started = clock.now
    let parts = zip(loaded, bases).map { scenario, base in
      let spent = Check.seconds(clock.now - started)
      return check(
        scenario.scenario, path: scenario.path, targets: targetSet?.0, baseline: base.0, warnings: base.1,
        of: all.count, budget: maxSeconds.map { max(0, $0 - spent) })
    }
    var report = CheckReport(
      parts: parts, targetsFile: targets, baselineSource: baselines?.source, alpha: alpha, beta: beta)
    report.writesBaseline = writeBaseline != nil
    let document = try report.json()
    // The output and its files are one step that a signal waits for: cut short, the notice
    // would say no file was written beside one that was.
    try InterruptWatch.storing(final: true) {
      // The verdicts first, so that a file that still cannot be written leaves them on stdout.
      switch format {
      case .json: print(document)
      case .table: print(report.table())
      }
      for (file, text) in [(junit, report.junit()), (markdown, report.markdown())] {
        if let file { try write(text, to: file) }
      }
      for file in [json, writeBaseline].compactMap({ $0 }) { try write(document, to: file) }
      if let writeBaseline, !quiet { printToStandardError("wrote the baseline \(writeBaseline)") }
    }
    // A gate that judged nothing has not passed: targets that match no row (another territory
    // or period, a target left empty) or a baseline without the scenario's rows would
    // otherwise turn every pipeline green.
    // (Writing a baseline, judging nothing is measuring.)
    let unjudged = report.unjudged.map { "'\($0)'" }
    if !unjudged.isEmpty {
      throw fail(
        "nothing was judged in \(unjudged.joined(separator: ", ")): no row has a target or a baseline row (see the warnings); the check did not pass",
        status: ExitStatus.failure)
    }
    switch report.outcome {
    case .fail: throw ExitStatus.failure
    case .undecided: throw ExitStatus.undecided
    default: break
    }
  }

  /// The scenario's baseline, and warnings about it; no baseline at all is an error unless
  /// targets remain to judge by.
  func baseline(for s: PlatformScenario, path: String, in baselines: CheckBaselines?, hasTargets: Bool) throws -> (
    Baseline?, [String]
  ) {
    guard let baselines else { return (nil, []) }
    var notes: [String] = []
    let hash = CheckReport.Provenance(path: path, scenario: s, settings: experiment.settings).scenarioHash
    var found = baselines.baseline(for: s.name, scenarioHash: hash)
    // A recorded run is named for one scenario: a run of a what-if (its own name) is that
    // scenario's baseline all the same, as a file of another text is.
    if found == nil, baselineRun != nil, baselines.baselines.count == 1, let only = baselines.baselines.first {
      found = only
      notes.append(
        "\(baselines.source) is a run of scenario '\(only.scenario)', not '\(s.name)': compared all the same")
    }
    guard let base = found else {
      let message =
        "\(baselines.source) has no scenario '\(s.name)' (it has \(baselines.names.joined(separator: ", ")))"
      guard hasTargets else { throw fail(message + "; write one with --write-baseline", status: ExitStatus.failure) }
      return (nil, [message + ": judged against the targets only"])
    }
    // Its rows have no spread, so no look could ever decide one against it: refuse it rather
    // than spend every look the budget allows and end undecided.
    guard base.replications >= 2 else {
      throw fail(
        "\(baselines.source): scenario '\(s.name)' has \(base.replications) replication; a baseline needs 2 or more "
          + "(a change is judged against their spread): record one with --replications 2 or more",
        status: ExitStatus.failure)
    }
    // Its noise is a floor no number of the candidate's replications lowers: with few, small
    // changes stay undecided until the budget is spent.
    if base.replications < 5 {
      notes.append(
        "\(baselines.source): scenario '\(base.scenario)' has \(base.replications) replications; a change smaller than their spread stays undecided however many the check runs (record a baseline of 10 or more)"
      )
    }
    return (base, notes)
  }

  /// One scenario's check, with its share of the false-alarm level.
  func check(
    _ s: PlatformScenario, path: String, targets: Targets?, baseline base: Baseline?, warnings: [String], of count: Int,
    budget: Double?
  ) -> CheckReport.Part {
    let provenance = CheckReport.Provenance(path: path, scenario: s, settings: experiment.settings)
    var warnings = warnings + (base.map { CheckReport.differences($0, provenance) } ?? [])
    if s.mode == .hybrid {
      warnings.append("run.mode is hybrid: the gate simulates request by request all the same")
    }
    let first = min(experiment.replications ?? max(5, s.replications), maxReplications ?? .max)
    let settings = CheckSettings(
      replications: first, maxReplications: maxReplications ?? 8 * first, maxSeconds: budget,
      alpha: alpha / Double(count), beta: beta, threads: experiment.workerThreads)
    let name = s.name
    let chatty = !quiet
    // A look of the year takes minutes: its simulation shows its progress, as a plan's candidate's.
    let line = CandidateProgress(enabled: chatty, command: "check \(name)", unit: "of the look's requests")
    let result = Check(scenario: s, targets: targets, baseline: base, settings: settings).run(
      progress: { look in
        line.end()
        if chatty { printToStandardError("check \(name): " + CheckReport.describe(look)) }
      },
      starting: { line.begin("replications \($0.lowerBound + 1) to \($0.upperBound)") },
      runProgress: { line.update($0) })
    line.end()
    if let base { warnings += CheckReport.missing(base, result) }
    // A waiver that waives nothing is a slip (a period this run does not have, a misread
    // objective): say so, since it would silently stop waiving what it was meant to.
    for (i, waiver) in (targets?.waivers ?? []).enumerated()
    where !result.rows.contains(where: { waiver.covers($0.key) }) {
      warnings.append(
        "waiver \(i + 1) (\"\(waiver.reason)\") matches no row of this run: check its objectives, territories, periods and classes"
      )
    }
    // So is an objective whose territories, periods and classes meet no row of the run (a
    // season it does not have): it would gate nothing without a word.
    for objective in Objective.allCases where targets?.objectives[objective] != nil {
      if !result.rows.contains(where: { $0.key.objective == objective }) {
        warnings.append(
          "the targets' \(objective.rawValue) objective matches no row of this run: check its territories, periods and classes"
        )
      }
    }
    if result.outcome == .info && (targets != nil || base != nil) {
      warnings.append("nothing was judged: no row has a target or a baseline row")
    }
    if !quiet { for w in warnings { printToStandardError("warning: \(w)") } }
    return CheckReport.Part(provenance: provenance, check: result, baseline: base, warnings: warnings)
  }

  func unique(_ names: [String]) -> [String] {
    var seen: Set<String> = []
    return names.filter { seen.insert($0).inserted }
  }

  func write(_ text: String, to file: String) throws {
    do {
      try writeFile(Data((text.hasSuffix("\n") ? text : text + "\n").utf8), to: file)
    } catch {
      throw fail("cannot write \(file): \(fileReason(error))", status: ExitStatus.failure)
    }
  }

  /// The baselines of --baseline or --baseline-run, by scenario name.
  func loadBaselines() throws -> CheckBaselines? {
    if let file = baseline { return try CheckBaselines.read(file) }
    if let run = baselineRun {
      let data = try database.reading { try loadRun(run, in: $0) }
      return try CheckBaselines.recorded(data, source: "run \(data.run.id ?? 0)")
    }
    return nil
  }
}

extension CheckReport.Provenance {
  /// The hashes are the ones the results database records for the same run.
  init(path: String, scenario s: PlatformScenario, settings: [String]) {
    let record = Recording.runRecord(
      kind: "platform", name: s.name, scenarioFiles: recordedFiles(s, path: path),
      topologyFile: s.topologyFile, settings: settings, seed: s.seed, replications: s.replications,
      horizon: s.horizon, seriesInterval: s.seriesInterval, timeZone: "")
    self.init(
      path: path, name: s.name, scenarioHash: record.scenarioHash, topologyHash: record.topologyHash,
      settings: settings, seed: s.seed)
  }
}
