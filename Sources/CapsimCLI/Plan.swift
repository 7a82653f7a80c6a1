import ArgumentParser
import Foundation
import Planning
import PlatformModel
import RunRecords
import ScenarioFile

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

      Every plan is recorded in the results database with every candidate it simulated \
      (capsim plans lists them); --report FOLDER writes its HTML page and Markdown summary.

      Exit status: 0 when every period has a count, 1 for invalid files, 3 when some period \
      has none up to the cap, 5 when the results database cannot be used (the plan is \
      printed all the same when only storing it fails).

      Examples:
        capsim plan scenarios/platform-oktoberfest-2026.yaml --territory DE --set demand.DE.growth=1.3
        capsim plan scenarios/platform-christmas-2026.yaml --format json
        capsim plan scenarios/platform-oktoberfest-2026.yaml --territory DE --report reports/oktoberfest-plan
      """)

  @Argument(help: "The platform scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @Option(help: "A territory to plan (repeatable; default: all).")
  var territory: [String] = []

  @Option(help: "Replications of each candidate to begin with (default: the scenario's, at least 3).")
  var replications: Int?

  @Option(help: "Replications a candidate may grow to while a verdict is marginal (default: 4x the first).")
  var maxReplications: Int?

  @Option(help: "The most instances tried when the connection limit does not bound the count.")
  var maxInstances = 200

  @Option(help: "Random seed (overrides the scenario's run.seed).")
  var seed: UInt64?

  @Option(help: "Worker threads (default: one per core). Results are the same for any value.")
  var threads: Int?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("A what-if: KEY=VALUE, as for capsim run (repeatable).", valueName: "key=value"))
  var settings: [String] = []

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
      discussion: "Simulates every count between the fewest and the most the periods need, then gives each hour the instances its period's same hour of the week needed."))
  var emit: Emit?

  @Option(help: "Where --emit writes (default: standard output, after the plan).")
  var out: String?

  enum Emit: String, ExpressibleByArgument, CaseIterable {
    case capacity
  }

  func validate() throws {
    if let replications, replications < 2 { throw ValidationError("--replications must be at least 2 (an interval needs two)") }
    if let maxReplications, maxReplications < 2 { throw ValidationError("--max-replications must be at least 2") }
    if maxInstances < 1 { throw ValidationError("--max-instances must be at least 1") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as demand.DE.growth=1.3; got '\(s)'")
    }
  }

  func run() throws {
    guard ScenarioFile.isPlatformScenario(path: scenario) else {
      throw ValidationError("'\(scenario)' is not a platform scenario (one with demand: per territory); plan sizes app pools of the platform")
    }
    var (s, warnings) = try loadPlatformScenario(scenario, settings: settings)
    if !quiet { printWarnings(warnings) }
    if let seed { s.seed = seed }
    // A plan sizes fixed pools: the instance counts it tries would be overruled by an autoscaler.
    if !s.autoscalers.isEmpty {
      if !quiet {
        printToStandardError(
          "plan: sizing fixed pools, so the scenario's autoscalers (\(s.autoscalers.map(\.title).joined(separator: ", "))) are left out")
      }
      s.autoscalers = []
    }
    let names = s.platform.territories.map(\.name)
    var planned: [Int] = []
    for name in territory {
      guard let t = names.firstIndex(of: name) else {
        throw ValidationError(
          "no territory '\(name)' in \(scenario) (it has \(names.joined(separator: ", ")))\(Suggestions.hint(for: name, among: names))")
      }
      if !planned.contains(t) { planned.append(t) }
    }
    if planned.isEmpty { planned = Array(names.indices) }
    let first = replications ?? max(3, s.replications)
    let settings = PlanSettings(
      replications: first, maxReplications: maxReplications ?? 4 * first,
      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, territories: planned, maxInstances: maxInstances)
    let record = PlanData.record(s, path: scenario, settings: settings, whatIfs: self.settings, startedAt: Date())
    let recording = try PlanRecording(store: database.open(), plan: record)
    let chatty = !quiet && format == .table
    let planner = CapacityPlanner(scenario: s, settings: settings) { message in
      if chatty { printToStandardError("plan: \(message)") }
    }
    var plan = planner.plan()
    let schedule = emit == .capacity ? planner.schedule(&plan) : nil
    var data = PlanData.plan(plan, record: record)
    let notRecorded = recording.complete(&data, quiet: quiet)
    let report = PlanReport(data: data)
    switch format {
    case .table: print(report.table(), terminator: "")
    case .json: print(try report.json())
    }
    if let schedule {
      let yaml = plan.capacityYAML(schedule, scenarioPath: scenario)
      if let out {
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: out))
        if chatty { printToStandardError("plan: capacity schedule written to \(out)") }
      } else {
        print("\n" + yaml, terminator: "")
      }
    }
    if let folder = self.report { try Plans.writeReport(data, to: folder, quiet: quiet) }
    // A plan that could not be recorded outranks a period without an answer, as for a run.
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
    if plan.periods.contains(where: { $0.instances == nil }) { throw ExitStatus.objectiveFailed }
  }
}
