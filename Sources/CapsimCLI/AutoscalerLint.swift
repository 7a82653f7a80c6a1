import ArgumentParser
import Autoscaling
import Demand
import Foundation
import ManifestLint
import Planning
import PlatformModel
import ScenarioFile
import TextReports

/// `capsim autoscaler lint`: the traps in autoscaler manifests a user already has.
struct LintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Find the traps in HPA and KEDA manifests, at the line that sets them.",
    discussion: """
      Reads the manifests strictly (as capsim run --autoscaler does) and flags what users trip \
      over: a cron window KEDA keeps open over the weekend (a weekday start with a daily end), \
      a cron start or end in the spring-forward gap, cooldownPeriod set as if it governed \
      scaling down to N > 0, a Deployment with replicas: under an autoscaler, min above max, \
      a CPU target outside 1-100%. With --scenario, also maxReplicas against the database's \
      connections, cron windows that close while the day's peak goes on, and scale-up limits, \
      targets or maxReplicas that let the scenario's demand ramps outrun the pool (its demand \
      replayed through the manifest's own controller), for the pools whose deployment: the \
      manifests scale. Cron windows are walked from --from to --to in \
      their own time zone (default: the scenario's run, else a year from today). Rules and \
      their sources: capsim autoscaler lint --rules.

      Exit status: 0 when nothing is found (notes aside), 1 when a finding is an error or a \
      warning.

      Examples:
        capsim autoscaler lint k8s/hpa.yaml
        capsim autoscaler lint k8s/keda-christmas.yaml --scenario scenarios/platform-christmas-2026.yaml
        capsim autoscaler lint k8s/keda-christmas.yaml --from 2026-01-01 --to 2027-01-01 --format sarif > lint.sarif
      """)

  @Argument(help: "Kubernetes YAML files (several documents each).", completion: .file(extensions: ["yaml", "yml"]))
  var manifests: [String] = []

  @Option(
    help: ArgumentHelp(
      "Walk cron windows from this day (UTC; default: the --scenario's first day, else today).", valueName: "yyyy-mm-dd"
    ))
  var from: String?

  @Option(
    help: ArgumentHelp(
      "... to this day, excluded (default: the --scenario's end, else a year after --from).", valueName: "yyyy-mm-dd"))
  var to: String?

  @Option(
    help: ArgumentHelp(
      "A platform scenario whose pools the manifests scale: adds the connection and peak rules.", valueName: "file"),
    completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String?

  @Option(help: "Output format: text or sarif (SARIF 2.1.0, for code scanning).")
  var format: LintFormat = .text

  @Flag(help: "List the rules and what each is about, then stop.")
  var rules = false

  enum LintFormat: String, ExpressibleByArgument, CaseIterable {
    case text, sarif
  }

  func validate() throws {
    if !rules && manifests.isEmpty { throw ValidationError("give the manifests to lint, such as k8s/hpa.yaml") }
    let (start, end) = try period()
    if from != nil && to != nil && end <= start { throw ValidationError("--to must come after --from") }
    if end - start > 10 * 366 * 86_400 { throw ValidationError("lint at most ten years of cron windows at once") }
  }

  func period(run: (Double, Double)? = nil) throws -> (Double, Double) {
    func day(_ text: String, _ flag: String) throws -> Double {
      guard let date = CivilDate(iso: text) else {
        throw ValidationError("\(flag) takes a day such as 2026-03-29, got '\(text)'")
      }
      return Double(date.daysSinceEpoch) * 86_400
    }
    let today = (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
    let start = try from.map { try day($0, "--from") } ?? run?.0 ?? today
    // A year on: to the same day of the next year (365 days missed a leap year's last day).
    var utc = Calendar(identifier: .gregorian)
    utc.timeZone = TimeZone(identifier: "UTC")!
    let yearOn =
      utc.date(byAdding: .year, value: 1, to: Date(timeIntervalSince1970: start))?.timeIntervalSince1970
      ?? start + 365 * 86_400
    let end = try to.map { try day($0, "--to") } ?? (from == nil ? run?.1 : nil) ?? yearOn
    return (start, end)
  }

  /// The scenario's pools that name a Deployment, and the span of its run.
  func pools() throws -> (pools: [ManifestLinter.Pool], run: (Double, Double)?) {
    guard let scenario else { return ([], nil) }
    try requirePlatformScenario(
      scenario, otherwise: "'\(scenario)' is not a platform scenario: --scenario takes one with app pools")
    let (s, warnings) = try loadPlatformScenario(scenario)
    printWarnings(warnings)
    let platform = s.platform
    var pools: [ManifestLinter.Pool] = []
    var run: (Double, Double)?
    let loads = s.offeredLoads()
    for (t, territory) in platform.territories.enumerated() {
      guard let deployment = territory.app.deployment else { continue }
      let perPod = max(territory.app.connections, 1)
      // The tightest node of the cluster: its max_connections less what the other pools on it hold.
      var limit = Int.max
      var reason = ""
      if let room = platform.connectionRoom(territory: t, instances: platform.territories.map(\.app.instances)) {
        let node = platform.databases[room.node]
        limit = room.instances
        reason =
          "\(node.name): max_connections \(node.maxConnections)"
          + (room.others > 0 ? ", \(room.others) held by other pools" : "") + ", \(perPod) per pod"
      }
      var demand: [(time: Double, rate: Double)] = []
      if let calendar = s.demand[t].calendar {
        let start = calendar.start.timeIntervalSince1970
        demand = s.offeredRates(territory: t).map { (start + $0.time, $0.rate) }
        run = (start, start + s.horizon)
      }
      let app = territory.app
      let serving = loads.first { $0.territory == t }.map {
        ManifestLinter.Serving(
          cpuPerRequest: $0.cpuPerRequest, cores: Double(app.cores),
          cpuRequest: app.pods.cpuRequest ?? Int64(app.cores) * 1_000,
          podReady: app.pods.scheduling + app.startup + app.pods.readinessDelay, clock: ZonedClock(territory.timeZone))
      }
      pools.append(
        ManifestLinter.Pool(
          deployment: deployment, territory: territory.name, connectionsPerPod: perPod, podLimit: limit,
          podLimitReason: reason, demand: demand, serving: serving))
    }
    if pools.isEmpty {
      throw ValidationError(
        "no app pool of '\(scenario)' names a deployment: (the topology's app.deployment), so no manifest can scale one"
      )
    }
    return (pools, run)
  }

  func run() throws {
    if rules {
      print(LintReport.rules(), terminator: "")
      return
    }
    let (pools, run) = try pools()
    let (start, end) = try period(run: run)
    guard end > start else { throw ValidationError("--to must come after --from") }
    let findings = ManifestLinter(from: start, to: end, pools: pools).lint(paths: manifests)
    let report = LintReport(findings: findings, files: manifests)
    switch format {
    case .text: print(report.text(), terminator: "")
    case .sarif: print(try report.sarif())
    }
    if findings.contains(where: { $0.severity != .note }) { throw ExitStatus.failure }
  }
}
