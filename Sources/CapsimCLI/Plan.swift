import ArgumentParser
import Foundation
import Hybrid
import Planning
import PlatformModel
import Reports
import RunRecords
import ScenarioFile
import Suggestions
import TextReports

/// `capsim plan`: the fewest instances per territory and period that meet every objective.
struct Plan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Find the fewest app instances per territory and period that meet every service level objective.",
    discussion: """
      For each territory and each period of a platform scenario (normal load and every season), \
      finds the fewest app instances whose verdicts all pass: every objective met at the upper \
      end of its 95% confidence interval. Queueing theory bounds the search (app CPU below 100% \
      at the period's peak; an M/M/c estimate is where it starts), simulation with common random \
      numbers confirms, and a marginal verdict gets more replications before it is judged. The \
      plan says why one instance fewer fails (which objective, which window) and what one more \
      would buy, with the cost per 30 days. The database's connection limit caps the count.

      Scheduled capacity of the planned territories is replaced by the count being tried; \
      faults stay, so a plan holds through them.

      --vary KEY=VALUES plans at every point of a grid (workers, connections, cores, any key \
      --set takes; '*' in a node name sets every match) and picks, per territory and period, \
      the cheapest point: instances and database nodes per 30 days, a changed core count \
      priced at the base's price per core unless the point sets the price too.

      Every plan is recorded in the results database with every candidate it simulated \
      (capsim plans lists them); --report FOLDER writes its HTML page and Markdown summary.

      Exit status: 0 when every period has a count, 1 for invalid files, 3 when some period \
      has none up to the cap or the counts together open more connections than a database \
      node shared by territories takes, 5 when the results database cannot be used (the plan is \
      printed all the same when only storing it fails).

      Examples:
        capsim plan scenarios/platform-oktoberfest-2026.yaml --territory DE --set demand.DE.growth=1.3
        capsim plan scenarios/platform-christmas-2026.yaml --format json
        capsim plan scenarios/platform-oktoberfest-2026.yaml --territory DE --report reports/oktoberfest-plan
        capsim plan scenarios/platform-normal-week.yaml --territory DE --vary territories.DE.app.cores=2,4,8
      """)

  @Argument(help: "The platform scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @Option(help: "A territory to plan (repeatable; default: all).")
  var territory: [String] = []

  @Option(
    parsing: .unconditional, help: "Replications of each candidate to begin with (default: the scenario's, at least 3)."
  )
  var replications: Int?

  @Option(
    parsing: .unconditional,
    help: "Replications a candidate may grow to while a verdict is marginal (default: 4x the first).")
  var maxReplications: Int?

  @Option(parsing: .unconditional, help: "The most instances tried when the connection limit does not bound the count.")
  var maxInstances = 200

  @Option(parsing: .unconditional, help: "Random seed, 0 to 18446744073709551615 (overrides the scenario's run.seed).")
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Worker threads (default: one per core). Results are the same for any value.")
  var threads: Int?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("A what-if: KEY=VALUE, as for capsim run (repeatable).", valueName: "key=value"))
  var settings: [String] = []

  @Option(
    name: .customLong("vary"),
    help: ArgumentHelp(
      "Also vary a key: KEY=VALUES, as for capsim sweep (repeatable); the cheapest point per territory and period wins.",
      discussion:
        "Workers, connections, cores, or any key --set takes; '*' in a node or territory name sets every match (databases.de-replica-*.cores=4,8). Not the planned territories' app.instances: that is what the plan finds.",
      valueName: "key=values"))
  var vary: [String] = []

  @Option(
    help: ArgumentHelp(
      "How candidates are simulated: request or hybrid (default: the scenario's run.mode).",
      discussion:
        "hybrid computes steady stretches with a queueing model and simulates the rest request by request (see capsim run --mode)."
    ))
  var mode: RunMode?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Also write the plan's report (index.html, report.md) into this folder.")
  var report: String?

  @Flag(help: "Nothing on stderr but errors.")
  var quiet = false

  @OptionGroup var database: DatabaseOptions

  @Option(
    help: ArgumentHelp(
      "Also write the plan as a schedule: 'capacity' writes the capacity: entries a scenario takes, hour by hour.",
      discussion:
        "Simulates every count between the fewest and the most the periods need, then gives each hour the instances its period's same hour of the week needed."
    ))
  var emit: Emit?

  @Option(help: "Where --emit writes (default: standard output, after the plan).")
  var out: String?

  enum Emit: String, ExpressibleByArgument, CaseIterable {
    case capacity
  }

  /// Keeps each candidate in the database as soon as it is simulated.
  private func keeping(in recording: PlanRecording, _ planner: CapacityPlanner) -> (Int, Candidate) -> Void {
    let (scenario, territories, periods) = (planner.scenario, planner.settings.territories, planner.periodKeys())
    return { [quiet] number, candidate in
      recording.keep(
        PlanData.candidate(candidate, number: number, scenario: scenario, territories: territories, periods: periods),
        quiet: quiet)
    }
  }

  func validate() throws {
    if let replications, replications < 2 {
      throw ValidationError("--replications must be at least 2 (an interval needs two)")
    }
    if let maxReplications, maxReplications < 2 { throw ValidationError("--max-replications must be at least 2") }
    for (flag, value) in [("--replications", replications), ("--max-replications", maxReplications)] {
      if let error = RunLimits.check(flag, value) { throw ValidationError(error) }
    }
    if maxInstances < 1 { throw ValidationError("--max-instances must be at least 1") }
    // Before the plan is simulated, as check does with its outputs.
    if let report, let problem = outputProblem(report, folder: true) {
      throw ValidationError("--report \(report): \(problem)")
    }
    let options = [
      ("--seed", seed != nil, "run.seed"), ("--replications", replications != nil, "run.replications"),
      ("--mode", mode != nil, "run.mode"),
    ]
    try refuseBoth(options, settings)
    try refuseBoth(options, vary, verb: "--vary")
    if let replications, let maxReplications, maxReplications < replications {
      throw ValidationError("--max-replications (\(maxReplications)) must be at least --replications (\(replications))")
    }
    if emit != nil && out == nil && format == .json {
      throw ValidationError("--emit with --format json needs --out FILE: standard output holds the JSON alone")
    }
    if out != nil && emit == nil {
      throw ValidationError("--out is where --emit writes: give --emit capacity, or drop --out")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as demand.DE.growth=1.3; got '\(s)'")
    }
    // A planned territory's count is what the plan finds: a --set of it would be ignored.
    for s in settings {
      let key = (s.split(separator: "=", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
      if let name = Self.instancesTerritory(key), territory.isEmpty || territory.contains(name) {
        throw ValidationError(
          "--set \(key): the plan finds \(name)'s instances; drop it, or plan other territories with --territory")
      }
    }
    guard !vary.isEmpty else { return }
    let grid = try Sweep.grid(vary)
    for axis in grid.axes {
      if Self.instancesTerritory(axis.key) != nil {
        throw ValidationError(
          "--vary \(axis.key): the plan finds the instances; vary workers, connections, cores or other keys")
      }
      for s in settings
      where s.split(separator: "=", maxSplits: 1).first.map({ $0.trimmingCharacters(in: .whitespaces) }) == axis.key {
        throw ValidationError("\(axis.key) is both --set and --vary; drop the --set")
      }
    }
    if emit != nil {
      throw ValidationError("--emit capacity takes one configuration: drop --vary, or --set the point you chose")
    }
  }

  /// The territory of a `territories.X.app.instances` key, which the plan itself finds.
  static func instancesTerritory(_ key: String) -> String? {
    let parts = key.split(separator: ".")
    guard parts.count == 4, parts[0] == "territories", parts[2] == "app", parts[3] == "instances" else { return nil }
    return String(parts[1])
  }

  func run() throws {
    try requirePlatformScenario(
      scenario,
      otherwise:
        "'\(scenario)' is not a platform scenario (one with demand: per territory); plan sizes app pools of the platform"
    )
    var (s, warnings) = try loadPlatformScenario(scenario, settings: settings)
    if !quiet { printWarnings(warnings) }
    if let seed { s.seed = seed }
    if let mode { s.mode = mode }
    // A plan sizes fixed pools: the instance counts it tries would be overruled by an autoscaler.
    if !s.autoscalers.isEmpty {
      if !quiet {
        printToStandardError(
          "plan: sizing fixed pools, so the scenario's autoscalers (\(s.autoscalers.map(\.title).joined(separator: ", "))) are left out"
        )
      }
      s.autoscalers = []
    }
    let names = s.platform.territories.map(\.name)
    var planned: [Int] = []
    for name in territory {
      guard let t = names.firstIndex(of: name) else {
        throw ValidationError(
          "no territory '\(name)' in \(scenario) (it has \(names.joined(separator: ", ")))\(Suggestions.hint(for: name, among: names))"
        )
      }
      if !planned.contains(t) { planned.append(t) }
    }
    if planned.isEmpty { planned = Array(names.indices) }
    let first = replications ?? max(3, s.replications)
    var settings = PlanSettings(
      replications: first, maxReplications: maxReplications ?? 4 * first,
      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, territories: planned, maxInstances: maxInstances
    )
    settings.driver = s.mode == .hybrid ? HybridDriver() : nil
    if !vary.isEmpty { return try planVaried(base: s, settings: settings) }

    let whatIfs = self.settings + (mode.map { ["run.mode=\($0.rawValue)"] } ?? [])
    let record = PlanData.record(s, path: scenario, settings: settings, whatIfs: whatIfs, startedAt: Date())
    let recording = try PlanRecording(store: database.open(), plan: record)
    let chatty = !quiet && format == .table
    // Each candidate's simulation shows its progress, as a run's does (one Oktoberfest
    // candidate takes minutes); the line ends before the next message.
    let candidate = CandidateProgress(enabled: !quiet, command: "plan")
    var planner = CapacityPlanner(scenario: s, settings: settings) { message in
      candidate.end()
      if chatty { printToStandardError("plan: \(message)") }
      candidate.begin(message)
    }
    planner.runProgress = { candidate.update($0) }
    planner.onCandidate = keeping(in: recording, planner)
    var plan = planner.plan()
    candidate.end()
    // A period without an answer has no count to schedule: a schedule would fill its hours with
    // the cap and read as sized.
    let unanswered = plan.periods.filter { $0.instances == nil }
    // Answers that together open more connections than a shared node takes cannot be applied
    // as they are (validate refuses them): said whatever --quiet, and no schedule.
    let overruns = plan.connectionOverruns
    for overrun in overruns {
      printToStandardError("plan: warning: \(PlanReport.overrunText(overrun, platform: s.platform))")
    }
    let schedule = emit == .capacity && unanswered.isEmpty && overruns.isEmpty ? planner.schedule(&plan) : nil
    if emit == .capacity && !unanswered.isEmpty {
      printToStandardError(
        "plan: no capacity schedule: no count up to the cap meets the objectives in \(unanswered.count) period\(unanswered.count == 1 ? "" : "s"); resolve the plan first"
      )
    } else if emit == .capacity && !overruns.isEmpty {
      printToStandardError(
        "plan: no capacity schedule: the answers together overrun a database's maxConnections (above)")
    }
    if schedule != nil && s.mode == .hybrid && !quiet {
      // Seen in review: a hybrid-sized morning ramp came out an hour short, and the schedule
      // missed a p95 target when run request by request.
      printToStandardError(
        "plan: warning: the schedule was sized in hybrid mode; run it as a what-if with --mode request before relying on it (a ramp's hours can come out short)"
      )
    }
    var data = PlanData.plan(plan, record: record)
    if !overruns.isEmpty {
      data.plan.message = overruns.map { PlanReport.overrunText($0, platform: s.platform) }.joined(separator: "; ")
    }
    // The record, the output and the files it writes are one step that a signal waits for.
    let notRecorded = try InterruptWatch.storing(final: true) { () throws -> String? in
      let notRecorded = recording.complete(&data, quiet: quiet)
      let report = PlanReport(data: data)
      switch format {
      case .table: print(report.table(), terminator: "")
      case .json: print(try report.json())
      }
      if let schedule {
        let yaml = plan.capacityYAML(schedule, scenarioPath: scenario)
        if let out {
          try writeFile(Data(yaml.utf8), to: out)
          if chatty { printToStandardError("plan: capacity schedule written to \(out)") }
        } else {
          print("\n" + yaml, terminator: "")
        }
      }
      if let folder = self.report { try Plans.writeReport(data, to: folder, quiet: quiet) }
      return notRecorded
    }
    // A plan that could not be recorded outranks a period without an answer, as for a run.
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
    if plan.periods.contains(where: { $0.instances == nil }) || !overruns.isEmpty { throw ExitStatus.objectiveFailed }
  }

  /// `--vary`: a plan at every point of the grid, each recorded, then the cheapest point per
  /// territory and period.
  func planVaried(base: PlatformScenario, settings planSettings: PlanSettings) throws {
    let grid = try Sweep.grid(vary)
    let chatty = !quiet && format == .table
    let store = try database.open()
    var plans: [CapacityPlan] = []
    var documents: [PlanData] = []
    var points: [[String]] = []
    var pricesSet: [Set<String>] = []
    var notRecorded: String?
    for i in 0..<grid.count {
      let point = grid.settings(at: i)
      let expanded = try point.flatMap { try Self.expand($0, in: base.platform) }
      var (s, _) = try loadPlatformScenario(scenario, settings: self.settings, varied: expanded)
      if let seed { s.seed = seed }
      // As the base: fixed pools (the autoscalers left out, said once), in the mode asked for.
      if let mode { s.mode = mode }
      s.autoscalers = []
      s = ConfigurationChoice.priced(s, base: base, pricesSet: Self.pricesSet(by: expanded))
      if chatty { printToStandardError("plan: point \(i + 1) of \(grid.count): \(point.joined(separator: " "))") }
      let whatIfs = self.settings + expanded + (mode.map { ["run.mode=\($0.rawValue)"] } ?? [])
      let record = PlanData.record(s, path: scenario, settings: planSettings, whatIfs: whatIfs, startedAt: Date())
      let recording = try PlanRecording(store: store, plan: record)
      var planner = CapacityPlanner(scenario: s, settings: planSettings) { message in
        if chatty { printToStandardError("plan:   \(message)") }
      }
      planner.onCandidate = keeping(in: recording, planner)
      let plan = planner.plan()
      var data = PlanData.plan(plan, record: record)
      // A point's record and its page together; a signal then acts on the rest.
      try InterruptWatch.storing(final: false) {
        if let failed = recording.complete(&data, quiet: quiet) { notRecorded = notRecorded ?? failed }
        if let folder = self.report { try Plans.writeReport(data, to: "\(folder)/point-\(i + 1)", quiet: quiet) }
      }
      plans.append(plan)
      documents.append(data)
      points.append(point)
      pricesSet.append(Self.pricesSet(by: expanded))
    }
    let choice = ConfigurationChoice(base: base, plans: plans, pricesSet: pricesSet)
    let report = VariedPlanReport(points: points, plans: documents, choice: choice)
    switch format {
    case .table: print(report.table(), terminator: "")
    case .json: print(try report.json())
    }
    if let folder = self.report {
      let pages = points.enumerated().map { i, point in
        (label: "\(i + 1): " + point.joined(separator: " "), folder: "point-\(i + 1)", plan: documents[i].plan.id)
      }
      try InterruptWatch.storing(final: false) {
        do {
          try Report.writeVariedPlan(summary: report.table(), points: pages, scenario: base.name, to: folder)
        } catch {
          throw fail("cannot write the plan report into \(folder): \(fileReason(error))", status: ExitStatus.failure)
        }
        if !quiet { printToStandardError("wrote \(folder)/index.html, report.md") }
      }
    }
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
    if choice.picks.contains(where: { $0.point == nil }) { throw ExitStatus.objectiveFailed }
  }

  /// A setting whose key has `*` in a database or territory name, once per matching name
  /// (`databases.de-replica-*.cores=4` sets both DE replicas).
  static func expand(_ setting: String, in platform: Platform) throws -> [String] {
    guard let equals = setting.firstIndex(of: "="), setting[..<equals].contains("*") else { return [setting] }
    let key = setting[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let value = setting[setting.index(after: equals)...]
    guard key.count > 2, key[1].contains("*"), !key[2...].contains(where: { $0.contains("*") }),
      key[0] == "databases" || key[0] == "territories"
    else {
      throw ValidationError(
        "--vary \(setting[..<equals]): '*' may stand only in the name after databases. or territories., such as databases.de-replica-*.cores"
      )
    }
    let names = key[0] == "databases" ? platform.databases.map(\.name) : platform.territories.map(\.name)
    let matching = names.filter { Self.matches($0, pattern: key[1]) }
    guard !matching.isEmpty else {
      throw ValidationError(
        "--vary \(setting[..<equals]): no \(key[0] == "databases" ? "database node" : "territory") matches '\(key[1])' (there are \(names.joined(separator: ", ")))"
      )
    }
    return matching.map { ([key[0], $0] + key[2...]).joined(separator: ".") + "=" + value }
  }

  /// The territories (`territories.X.app.price`) and database nodes (`databases.N.price`) whose
  /// price a point's settings set.
  static func pricesSet(by settings: [String]) -> Set<String> {
    var names: Set<String> = []
    for s in settings {
      let key = s.split(separator: "=", maxSplits: 1).first.map(String.init) ?? s
      let parts = key.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }
      if parts.count == 4, parts[0] == "territories", parts[2] == "app", parts[3] == "price" { names.insert(parts[1]) }
      if parts.count == 3, parts[0] == "databases", parts[2] == "price" { names.insert(parts[1]) }
    }
    return names
  }

  /// Shell-style `*` (any run of characters, none included).
  static func matches(_ name: String, pattern: String) -> Bool {
    let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    guard parts.count > 1 else { return name == pattern }
    var rest = Substring(name)
    guard rest.hasPrefix(parts[0]) else { return false }
    rest = rest.dropFirst(parts[0].count)
    for part in parts.dropFirst().dropLast() where !part.isEmpty {
      guard let r = rest.range(of: part) else { return false }
      rest = rest[r.upperBound...]
    }
    let last = parts[parts.count - 1]
    return rest.count >= last.count && rest.hasSuffix(last)
  }
}
