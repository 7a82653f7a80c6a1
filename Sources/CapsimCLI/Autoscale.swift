import ArgumentParser
import AutoscaleSearch
import Foundation
import Hybrid
import PlatformModel
import Reports
import ResultsStore
import RunRecords
import ScenarioFile
import Suggestions

/// `capsim autoscale`: HPA and KEDA rules searched by simulation, verified, written out.
struct Autoscale: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Derive HPA and KEDA autoscaling rules by simulation, verify them, and write the manifests.",
    discussion: """
      For each territory's app pool: the planner's hour-by-hour minimum is the oracle (the \
      lowest cost as a rule, not always: a fixed count can cost less than the hours' needs); \
      where no count up to the cap meets some period's objectives, or the cap is below 2, \
      nothing is derived (exit 3) and capsim says which objectives the most pods missed; minReplicas comes from the quietest hour's need (at least 2), \
      maxReplicas from 1.5x the busiest hour's need (at least 2 more) within the database's connection limit. \
      The search simulates HPAs on cpu utilization (targets 40-80% in steps of 10 and 85%, then 5), \
      with and without a calm scale-down behavior, with common random numbers and more \
      replications near the boundary, and keeps the cheapest in pod-hours that holds: no \
      verdict fails, at least 99% of peak windows meet their p95 and error targets, at most one \
      reversal of direction per pool-hour. The winner also goes into a KEDA ScaledObject with \
      cron windows from the planner's needs (opened a ramp's lead early, in the territory's \
      time zone), and into a predictive one whose windows come from a Holt-Winters forecast of \
      the four weeks before each day.

      The manifests are written to OUT/<territory>/hpa.yaml and scaledobject.yaml, read back \
      through the same reader as a user's files, and re-simulated on held-out seeds: as they \
      are, with 20% more demand, with every query 25% slower, and with an instance crash at \
      the peak. The comparison (static peak provisioning, the stock HPA at 80%, the derived \
      HPA, HPA + cron, predictive and the oracle, each with pod-hours, cost per 30 days, \
      SLO-violation minutes, worst window p95, scaling events and reversals) is printed, \
      recorded in the results database and, with --report, written as a page.

      Scenarios longer than two weeks are judged on a week around each period's peak.

      The files of each territory are written into a staging folder beside OUT/<territory> and \
      moved into place only when every territory is derived and verified; hpa.yaml, \
      scaledobject.yaml or requests.yaml left there by an earlier derivation and not written by \
      this one are removed. A file of those names that capsim did not write (no header of \
      capsim autoscale) is refused before anything runs. An interrupted derivation writes nothing.

      Exit status: 0 when every territory has a rule that held and held on the held-out seeds as \
      they are, 3 when not, 1 for invalid files, 5 when the results database cannot be used, 130 \
      (143) when interrupted. The variants (more demand, a slower database, a crash) are \
      reported, not gated.

      Examples:
        capsim autoscale scenarios/platform-christmas-2026.yaml
        capsim autoscale scenarios/platform-oktoberfest-2026.yaml --territory DE --report reports/oktoberfest-autoscale
        capsim autoscale scenarios/platform-year-2026.yaml --out autoscalers --format json
      """)

  @Argument(help: "The platform scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @Option(help: "A territory to derive rules for (repeatable; default: all).")
  var territory: [String] = []

  @Option(help: "Where the manifests go: one folder per territory.")
  var out = "autoscalers"

  @Option(parsing: .unconditional, help: "Replications of each candidate.")
  var replications = 2

  @Option(parsing: .unconditional, help: "Replications a candidate near the boundary may grow to.")
  var maxReplications = 4

  @Option(parsing: .unconditional, help: "Held-out replications for the verification.")
  var heldOut = 2

  @Option(parsing: .unconditional, help: "The share of peak windows (percent) that must meet every window objective.")
  var peakShare = 99.0

  @Option(parsing: .unconditional, help: "Direction reversals per pool-hour a rule may make.")
  var maxReversals = 1.0

  @Option(
    help: ArgumentHelp(
      "How fixed and scheduled pools are simulated (the planner's, static provisioning): hybrid or request.",
      discussion: "Autoscaled pools are simulated request by request either way."))
  var mode: RunMode = .hybrid

  @Option(
    help: ArgumentHelp(
      "What the searched rules scale on: cpu (an HPA), requests (requests/s per pod via a KEDA prometheus trigger) or both.",
      discussion:
        "The cpu rules are always searched (the HPA and the cron floors build on them), so requests and both search the same: cpu and requests/s, the latter written as requests.yaml."
    ))
  var metric: MetricChoice = .cpu

  @Option(help: "The Prometheus server a requests/s rule queries (its serverAddress).")
  var prometheusServer = "http://prometheus.monitoring.svc:9090"

  enum MetricChoice: String, ExpressibleByArgument, CaseIterable {
    case cpu, requests, both
  }

  @Option(parsing: .unconditional, help: "Random seed, 0 to 18446744073709551615 (overrides the scenario's run.seed).")
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Worker threads (default: one per core). Results are the same for any value.")
  var threads: Int?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("A what-if: KEY=VALUE, as for capsim run (repeatable).", valueName: "key=value"))
  var settings: [String] = []

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Also write the comparison as a page (index.html, report.md) into this folder.")
  var report: String?

  @Flag(help: "Nothing on stderr but errors.")
  var quiet = false

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    // As capsim plan refuses it: an interval needs two replications.
    if replications < 2 { throw ValidationError("--replications must be at least 2 (an interval needs two)") }
    if maxReplications < replications { throw ValidationError("--max-replications must be at least --replications") }
    if heldOut < 1 { throw ValidationError("--held-out must be at least 1") }
    for (flag, value) in [
      ("--replications", replications), ("--max-replications", maxReplications), ("--held-out", heldOut),
    ] {
      if let error = RunLimits.check(flag, value) { throw ValidationError(error) }
    }
    if !(peakShare > 0 && peakShare <= 100) { throw ValidationError("--peak-share is a percentage in (0, 100]") }
    if !(maxReversals >= 0) { throw ValidationError("--max-reversals must be 0 or more") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    try refuseBoth([("--seed", seed != nil, "run.seed")], settings)
    // Before anything is simulated: a report that cannot be written would end the work in vain.
    if let report, let problem = outputProblem(report, folder: true) {
      throw ValidationError("--report \(report): \(problem)")
    }
    if let problem = outputProblem(out, folder: true) { throw ValidationError("--out \(out): \(problem)") }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as demand.DE.growth=1.3; got '\(s)'")
    }
  }

  /// A file of capsim's names in `OUT/<territory>` that capsim did not write (no header of
  /// `capsim autoscale`) would be replaced or removed: refused before anything is simulated.
  func refuseFilesCapsimDidNotWrite(territories: [String]) throws {
    for territory in territories {
      for file in AutoscaleWork.allNames {
        let path = URL(fileURLWithPath: out).appendingPathComponent(AutoscaleStaging.folderName(territory))
          .appendingPathComponent(file).path
        guard FileManager.default.fileExists(atPath: path) else { continue }
        let head =
          (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
          .flatMap { handle in
            defer { try? handle.close() }; return try? handle.read(upToCount: 64)
          }
          .map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard !head.hasPrefix(AutoscaleWork.headerStart) else { continue }
        throw ValidationError(
          "\(path) was not written by capsim autoscale (it does not start with '\(AutoscaleWork.headerStart)'), and this derivation would replace or remove it: move it, or give --out another folder"
        )
      }
    }
  }

  func run() throws {
    try requirePlatformScenario(
      scenario,
      otherwise:
        "'\(scenario)' is not a platform scenario (one with demand: per territory); autoscale derives rules for its app pools"
    )
    var (s, warnings) = try loadPlatformScenario(scenario, settings: settings)
    if !quiet { printWarnings(warnings) }
    if let seed { s.seed = seed }
    let names = s.platform.territories.map(\.name)
    var chosen: [Int] = []
    for name in territory {
      guard let t = names.firstIndex(of: name) else {
        throw ValidationError(
          "no territory '\(name)' in \(scenario) (it has \(names.joined(separator: ", ")))\(Suggestions.hint(for: name, among: names))"
        )
      }
      if !chosen.contains(t) { chosen.append(t) }
    }
    if chosen.isEmpty { chosen = Array(names.indices) }
    try refuseFilesCapsimDidNotWrite(territories: chosen.map { names[$0] })
    let chatty = !quiet && format == .table
    // Each strategy's and candidate's simulation shows its progress, as a plan's do (a rule on
    // the Christmas week takes minutes); the line ends before the next message.
    let candidate = CandidateProgress(enabled: !quiet, command: "autoscale")
    func say(_ message: String) {
      candidate.end()
      if chatty { printToStandardError("autoscale: \(message)") }
    }
    for t in chosen where s.platform.territories[t].app.deployment == nil && !quiet {
      let name = AutoscaleSearch.defaultDeployment(names[t])
      printToStandardError(
        "autoscale: warning: territory \(names[t])'s app pool names no deployment; the manifests scale '\(name)' (give the pool 'deployment: \(name)' to run them with capsim run --autoscaler)"
      )
    }
    if !s.autoscalers.isEmpty {
      say(
        "the scenario's own autoscalers (\(s.autoscalers.map(\.title).joined(separator: ", "))) are replaced by the derived ones"
      )
    }
    let (history, historyHours) = demandHistory(s)
    if history == nil { say("no demand history before the run's start: the predictive rule is left out") }
    let searchSettings = AutoscaleSettings(
      replications: replications, maxReplications: maxReplications, heldOut: heldOut,
      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, peakShare: peakShare / 100,
      maxReversalsPerHour: maxReversals, driver: mode == .hybrid ? HybridDriver() : nil, history: history,
      historyHours: historyHours)
    var configured = searchSettings
    configured.searchesRequests = metric != .cpu
    var search = AutoscaleSearch(scenario: s, settings: configured) { message in
      say(message)
      candidate.begin(message)
    }
    search.runProgress = { candidate.update($0) }

    let record = AutoscaleWork.record(
      s, path: scenario, settings: searchSettings, whatIfs: settings, territories: chosen)
    // The manifests wait in staging folders until every territory is derived and verified.
    let staging = AutoscaleStaging(out: out)
    let recording = try AutoscaleRecording(store: database.open(), record: record, staging: staging)
    let started = Date()
    var data = AutoscaleData(record: record, pools: [], rows: [], manifests: [])
    var allHold = true
    do {
      for t in chosen {
        let derivation: PoolDerivation
        do {
          derivation = try search.derive(territory: t)
          candidate.end()
        } catch {
          candidate.end()
          // Nothing to write for any territory: the manifests are all or none.
          staging.discard()
          recording.end(failed: "\(error)")
          printToStandardError("autoscale: \(error)")
          throw ExitStatus.objectiveFailed
        }
        // The oracle is the lower bound only if it meets the targets itself; sized in hybrid
        // mode, a ramp's hour can come out short.
        if !quiet, let oracle = derivation.strategies.first(where: { $0.kind == .oracle })?.score,
          oracle.violationMinutes > 0 || !oracle.failed.isEmpty
        {
          printToStandardError(
            "autoscale: warning: \(s.platform.territories[t].name): the oracle (the planner's schedule\(mode == .hybrid ? ", sized in hybrid mode" : "")) misses its targets itself (\(Int(oracle.violationMinutes.rounded())) SLO-violation minutes per replication\(oracle.failed.isEmpty ? "" : "; failed: \(oracle.failed.joined(separator: ", "))")): it is no lower bound here\(mode == .hybrid ? "; --mode request sizes it request by request" : "")"
          )
        }
        let written = try AutoscaleWork.write(
          derivation, search: search, record: record, staging: staging, prometheusServer: prometheusServer, say: say)
        data.pools.append(AutoscaleWork.pool(derivation, search: search))
        data.rows += AutoscaleWork.rows(derivation, verifications: written.verifications, search: search)
        data.manifests += written.manifests
        candidate.end()
        // The variants (more demand, a slower database, a crash) are reported, not gated.
        allHold =
          allHold && derivation.found && written.verifications.allSatisfy { $0.1.variant != .heldOut || $0.1.holds }
      }
    } catch {
      candidate.end()
      staging.discard()
      throw error
    }
    // Moving the manifests into place, recording the derivation and writing its report are one
    // step that a signal waits for: cut between them, the manifests in use would be replaced
    // while the record said that none were written.
    let notRecorded = try InterruptWatch.storing(final: true) { () throws -> String? in
      do {
        for (territory, files, removed) in try staging.publish() where !quiet {
          let folder = URL(fileURLWithPath: out).appendingPathComponent(territory).path
          printToStandardError(
            "autoscale: wrote \(files.map { "\(folder)/\($0)" }.joined(separator: ", "))"
              + (removed.isEmpty
                ? ""
                : "; removed \(removed.map { "\(folder)/\($0)" }.joined(separator: ", ")) (from an earlier derivation, not written by this one)")
          )
          for file in AutoscaleWork.fileNames where files.contains(AutoscaleWork.failedName(file)) {
            printToStandardError(
              "autoscale: \(territory): the rule of \(file) broke on the held-out seeds: written as \(folder)/\(AutoscaleWork.failedName(file)), and \(folder)/\(file) is left as it was"
            )
          }
        }
      } catch {
        staging.discard()
        throw error
      }
      data.record.wallSeconds = Date().timeIntervalSince(started)
      data.record.endedAt = Date()
      let notRecorded = recording.complete(&data, quiet: quiet)
      try AutoscaleWork.output(data, format: format, report: report, say: say)
      return notRecorded
    }
    if let notRecorded { throw fail(notRecorded, status: ExitStatus.databaseUnusable) }
    if !allHold { throw ExitStatus.objectiveFailed }
  }

  /// Hourly offered rates per territory from four weeks before the run's start: the scenario
  /// read again with its calendar starting that much earlier (the demand model's own history).
  func demandHistory(_ s: PlatformScenario) -> ([Int: [Double]]?, Int) {
    guard let calendar = s.demand.first?.calendar else { return (nil, 0) }
    let (date, _) = calendar.localTime(at: 0)
    let earlier = date.adding(days: -28)
    // The run's own start, from the file or from --set, gives way to the history's (two
    // calendar.start settings are a duplicate key).
    let others = settings.filter {
      $0.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) != "calendar.start"
    }
    guard
      let (h, _) = try? ScenarioFile.loadPlatform(
        path: scenario, settings: others + ["calendar.start=\(earlier.description)"], autoscalers: []),
      let hCalendar = h.demand.first?.calendar
    else { return (nil, 0) }
    let hours = Int((calendar.start.timeIntervalSince(hCalendar.start) / 3_600).rounded())
    var out: [Int: [Double]] = [:]
    for t in h.demand.indices { out[t] = h.offeredRates(territory: t, resolution: 3_600).map(\.rate) }
    return (out, hours)
  }
}
