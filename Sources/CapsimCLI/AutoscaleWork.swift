import ArgumentParser
import AutoscaleRules
import AutoscaleSearch
import Autoscaling
import Foundation
import PlatformModel
import Reports
import ResultsStore
import RunRecords
import ScenarioFile
import TextReports

/// The files and records of `capsim autoscale`: manifests written, read back and verified;
/// the derivation as rows for the database, the report and JSON.
enum AutoscaleWork {
  static func record(
    _ s: PlatformScenario, path: String, settings: AutoscaleSettings, whatIfs: [String], territories: [Int]
  ) -> AutoscaleRecord {
    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    let files = recordedFiles(s, path: path)
    let scenarioText = RunRecord.scenarioText(files.map { .init(path: $0, text: text($0)) })
    return AutoscaleRecord(
      capsimVersion: capsimVersion, scenarioName: s.name, scenarioPath: path,
      scenarioHash: ContentHash.sha256(scenarioText), settings: whatIfs,
      territories: territories.map { s.platform.territories[$0].name }, seed: s.seed,
      replications: settings.replications, maxReplications: settings.maxReplications, heldOut: settings.heldOut,
      peakShare: settings.peakShare, maxReversalsPerHour: settings.maxReversalsPerHour, startedAt: Date(),
      processID: getpid(), hostName: ResultsStore.currentHostName)
  }

  /// `12.5`, `40`.
  static func decimal(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }

  static func ruleName(_ c: RuleCandidate, search: AutoscaleSearch, territory t: Int) -> String {
    switch c.metric {
    case .cpu: "cpu \(c.target)%, \(c.behavior.rawValue) behavior"
    case .requests:
      "\(decimal(search.perPodRate(t, target: c.target))) requests/s a pod (cpu \(c.target)%), \(c.behavior.rawValue) behavior"
    }
  }

  /// The files `capsim autoscale` writes into a territory's folder: only these are replaced or
  /// removed there, whatever else the folder holds.
  static let fileNames = ["hpa.yaml", "requests.yaml", "scaledobject.yaml"]
  /// Where a manifest whose rule broke on the held-out seeds goes instead (`hpa.failed.yaml`),
  /// so that it never replaces one in use.
  static func failedName(_ file: String) -> String { file.replacingOccurrences(of: ".yaml", with: ".failed.yaml") }
  /// Every name a derivation writes or removes.
  static var allNames: [String] { fileNames + fileNames.map(failedName) }
  /// How every manifest capsim autoscale writes begins; a file without it is not capsim's.
  static let headerStart = "# Derived by capsim autoscale "

  /// Writes `hpa.yaml` and `scaledobject.yaml` (and `requests.yaml`) into the territory's
  /// staging folder, reads each back through the strict reader (it must give the rule that was
  /// searched), verifies what was read on held-out seeds and writes the files again with the
  /// verification in their header. `<folder>/<territory>` is untouched until `publish`.
  static func write(
    _ d: PoolDerivation, search: AutoscaleSearch, record: AutoscaleRecord, staging: AutoscaleStaging,
    prometheusServer: String, say: (String) -> Void
  ) throws -> (manifests: [AutoscaleManifest], verifications: [(String, Verification)]) {
    let s = search.scenario
    let t = d.territory
    let name = s.platform.territories[t].name
    let deployment = search.deploymentName(t)
    let directory = try staging.folder(for: name)
    let settings = search.settings
    let searched =
      "0-\(settings.replications - 1)"
      + (settings.maxReplications > settings.replications
        ? " (0-\(settings.maxReplications - 1) near the boundary)" : "")
    let heldOut = search.heldOutReplications
    var header = [
      "Derived by capsim autoscale \(capsimVersion) for territory \(name) (Deployment \(deployment))",
      "from \(record.scenarioPath), scenario SHA-256 \(record.scenarioHash), seed \(record.seed)",
      // The SHA is of the files alone: --set what-ifs change the scenario without changing it.
      "what-ifs: "
        + (record.settings.isEmpty ? "none" : record.settings.map { "--set \($0)" }.joined(separator: " ")),
      "search: replications \(searched), common random numbers; verification: replications \(heldOut.lowerBound)-\(heldOut.upperBound - 1)",
      "judged on: \(d.spans.map(\.label).joined(separator: ", "))",
      "a rule holds when no verdict fails, at least \(Format.percent(settings.peakShare)) of peak windows meet their p95 and error targets, and it reverses at most \(settings.maxReversalsPerHour) times per pool-hour",
    ]
    header.append("apply one of this folder's files: each scales Deployment \(deployment) alone")
    if !d.found { header.append("WARNING: no candidate held; this is the one that came nearest") }

    let chosen = d.chosen
    let missedNext = d.tried.filter { $0.behavior == chosen.behavior && $0.target > chosen.target && !$0.holds }
      .min { $0.target < $1.target }
    // A failed verdict or peak window is a miss, too many reversals a flap (the shortfalls that
    // keep a rule from holding); a rule with none came within 3% of a target, too close to call.
    let next = missedNext.map { c in
      let s = c.score
      if !s.failed.isEmpty || s.peakShare < settings.peakShare { return "; \(c.target)% missed" }
      if s.reversalsPerHour > settings.maxReversalsPerHour { return "; \(c.target)% reversed too often" }
      return "; \(c.target)% came too close to a target to count as held"
    }
    // Every target that held at the same pod-hours: the pool never left its floor, and this
    // demand did not tell the targets apart.
    let held = d.tried.filter { $0.behavior == chosen.behavior && $0.holds }
    let untested =
      chosen.holds && held.count > 1
      && held.allSatisfy { abs($0.score.podHours - chosen.score.podHours) < 1e-9 && $0.score.scalingEvents == 0 }
    let share =
      "\(Format.percent(chosen.score.peakShare)) of \(chosen.score.peakWindows) peak windows met over \(chosen.score.replications) replications"
    let hours = String(format: "%.1f", chosen.score.podHours)
    let targetWhy =
      (untested
        ? "every target tried held at \(hours) pod-hours without scaling (the pool stayed at minReplicas): this demand does not test the target; the lowest is kept: "
        : chosen.holds
          ? "the cheapest that held (\(hours) pod-hours; ties go to fewer scaling events, then the lower target): "
          : "came nearest: ")
      + share + (next ?? "")
    let b = d.bounds
    var why: [String: String] = [
      "spec.minReplicas":
        "the quietest hour needs \(b.quietestNeed) (planner); at least 2 so one pod's loss is not an outage",
      "spec.maxReplicas":
        "1.5x the busiest hour's need of \(b.peakNeed) (at least 2 more), within \(b.cap) (\(b.capReason))",
      "spec.metrics[0].resource.target.averageUtilization": targetWhy,
      "spec.minReplicaCount": "the quietest hour needs \(b.quietestNeed) (planner); at least 2",
      "spec.maxReplicaCount": "1.5x the busiest hour's need of \(b.peakNeed) (at least 2 more), within \(b.cap)",
      "spec.triggers[0].metadata.value": targetWhy,
    ]
    if chosen.behavior == .calm {
      let calm = "calm: down one pod a minute after 10 minutes, so a day's dips do not flap the pool"
      why["spec.behavior.scaleDown.stabilizationWindowSeconds"] = calm
      why["spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds"] = calm
    }
    let pods = s.platform.territories[t].app
    for (i, w) in d.cronWindows.enumerated() {
      let path = "spec.triggers[\(i + 1)].metadata"
      why["\(path).start"] =
        "\(Int(w.lead.rounded())) s before the first busy hour: the ramp's HPA syncs and \(Int((pods.pods.scheduling + pods.startup + pods.pods.readinessDelay).rounded())) s to Ready"
      why["\(path).end"] = "the end of the last hour that needs more than minReplicas"
      why["\(path).desiredReplicas"] =
        "the planner's need on \(w.days.count) day\(w.days.count == 1 ? "" : "s"): \(w.days.first ?? "")\(w.days.count > 1 ? " to \(w.days.last!)" : "")"
    }

    // Cron windows name days of month, which fall on other weekdays in another year.
    var cronSpan: [String] = []
    if !d.cronWindows.isEmpty, let calendar = s.demand[t].calendar {
      // As the scenario's calendar gives it: a day, or a day and time when it is not midnight.
      func local(_ at: Double) -> String {
        let (date, hour) = calendar.localTime(at: at)
        let minutes = Int((hour * 60).rounded())
        return minutes == 0 ? "\(date)" : "\(date)T" + String(format: "%02d:%02d", minutes / 60, minutes % 60)
      }
      cronSpan.append(
        "cron windows derived for \(local(0)) to \(local(s.horizon)) (\(calendar.timeZone.identifier)); KEDA fires them every year: re-derive for another year, weekdays move"
      )
    }

    func texts(_ extra: [String]) -> [(file: String, text: String, rule: PoolAutoscaler.Controller)] {
      let lines = header + extra
      var out = [
        (
          "hpa.yaml",
          ManifestText(header: lines, why: why).hpa(name: deployment, deployment: deployment, spec: d.hpa),
          PoolAutoscaler.Controller.hpa(d.hpa)
        )
      ]
      if let r = d.requests, let c = d.requestsCandidate {
        var requestsWhy = why
        let rate = search.perPodRate(t, target: c.target)
        requestsWhy["spec.triggers[0].metadata.threshold"] =
          "\(decimal(rate)) requests/s keep a pod's cores at \(c.target)%: the cheapest rate that held, \(Format.percent(c.score.peakShare)) of \(c.score.peakWindows) peak windows met"
        requestsWhy["spec.triggers[0].metadata.query"] =
          "the pool's completed requests per second (serverAddress from --prometheus-server)"
        out.append(
          (
            "requests.yaml",
            ManifestText(header: lines, why: requestsWhy).scaledObject(
              name: deployment, deployment: deployment, spec: r, prometheusServer: prometheusServer),
            .scaledObject(r)
          ))
      }
      if let so = d.scaledObject {
        out.append(
          (
            "scaledobject.yaml",
            ManifestText(header: header + cronSpan + extra, why: why).scaledObject(
              name: deployment, deployment: deployment, spec: so),
            .scaledObject(so)
          ))
      }
      return out
    }

    // Write, read back, verify what was read.
    var verifications: [(String, Verification)] = []
    var notes: [String] = []
    var broke: Set<String> = []
    for (file, text, rule) in texts([]) {
      let path = directory.appendingPathComponent(file).path
      let read = try writeAndRead(text, to: path, deployment: deployment, staging: staging)
      guard read == rule else {
        throw fail(
          "\(path): the manifest read back is not the rule that was searched (\(read) against \(rule))",
          status: ExitStatus.failure)
      }
      let label = file == "hpa.yaml" ? "derived HPA" : file == "requests.yaml" ? "derived requests/s" : "HPA + cron"
      let pool = PoolAutoscaler(territory: t, title: "\(label) \(deployment)", deployment: deployment, controller: read)
      say("\(name): verifying \(file) as read back")
      for v in search.verify(.autoscaler(pool), derivation: d) {
        verifications.append(("\(label): \(v.variant.rawValue)", v))
        if v.variant == .heldOut && !v.holds { broke.insert(file) }
        notes.append(
          "\(file) on \(v.variant.rawValue): \(v.holds ? "holds" : "BREAKS") (\(Format.percent(v.score.peakShare)) of \(v.score.peakWindows) peak windows met"
            + (v.broke.isEmpty ? ")" : "; broke: \(v.broke.joined(separator: ", ")))")
        )
      }
    }
    var manifests: [AutoscaleManifest] = []
    for (file, _, _) in texts([]) {
      let text = texts(
        [
          "verification on held-out seeds, as read back from this file (the variants are reported, not gated: capsim autoscale's exit status follows the held-out seeds as they are):"
        ] + notes.filter { $0.hasPrefix(file) }
      )
      .first { $0.file == file }!.text
      let written = broke.contains(file) ? failedName(file) : file
      if written != file { try staging.remove(directory.appendingPathComponent(file).path) }
      let path = directory.appendingPathComponent(written).path
      _ = try writeAndRead(text, to: path, deployment: deployment, staging: staging)
      manifests.append(AutoscaleManifest(territory: name, file: "\(name)/\(written)", text: text))
    }
    return (manifests, verifications)
  }

  /// Writes the text and reads it back as a user's file is read.
  static func writeAndRead(_ text: String, to path: String, deployment: String, staging: AutoscaleStaging) throws
    -> PoolAutoscaler.Controller
  {
    try staging.write(text, to: path)
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [path], log: log)
    guard !log.hasErrors, let read = manifest.autoscaler(for: deployment) else {
      throw fail("\(path) as written does not read back:\n\(log.rendered())", status: ExitStatus.failure)
    }
    switch read.kind {
    case .hpa(let spec): return .hpa(spec)
    case .scaledObject(let spec): return .scaledObject(spec)
    }
  }

  static func pool(_ d: PoolDerivation, search: AutoscaleSearch) -> AutoscalePool {
    let b = d.bounds
    return AutoscalePool(
      territory: search.scenario.platform.territories[d.territory].name, minReplicas: b.minReplicas,
      maxReplicas: b.maxReplicas, quietestNeed: b.quietestNeed, peakNeed: b.peakNeed, staticPeak: b.staticPeak,
      cap: b.cap, capReason: b.capReason, chosen: ruleName(d.chosen, search: search, territory: d.territory),
      found: d.found,
      judgedOn: d.spans.map(\.label), cronWindows: d.cronWindows.count, forecastError: d.forecastError,
      wallSeconds: d.wallSeconds, simulatedRequests: d.simulatedRequests)
  }

  static func rows(_ d: PoolDerivation, verifications: [(String, Verification)], search: AutoscaleSearch)
    -> [AutoscaleRow]
  {
    let name = search.scenario.platform.territories[d.territory].name
    func row(_ section: AutoscaleRow.Section, _ label: String, _ s: StrategyScore, holds: Bool) -> AutoscaleRow {
      AutoscaleRow(
        territory: name, section: section, name: label, replications: s.replications, podHours: s.podHours,
        cost: s.cost, currency: s.currency, costPer30Days: s.costPer30Days, violationMinutes: s.violationMinutes,
        worstP95: s.worstP95, scalingEvents: s.scalingEvents, reversalsPerHour: s.reversalsPerHour,
        peakWindows: s.peakWindows, peakWindowsMet: s.peakWindowsMet, holds: holds, failed: s.failed)
    }
    let judge = { (s: StrategyScore) in
      s.failed.isEmpty && s.peakShare >= search.settings.peakShare
        && s.reversalsPerHour <= search.settings.maxReversalsPerHour
    }
    return d.strategies.map { row(.strategy, $0.kind.rawValue, $0.score, holds: judge($0.score)) }
      + d.tried.map { row(.candidate, ruleName($0, search: search, territory: d.territory), $0.score, holds: $0.holds) }
      + verifications.map {
        // What broke it, not only the failed verdicts: a share of peak windows or reversals can too.
        var r = row(.verification, $0.0, $0.1.score, holds: $0.1.holds)
        r.failed = $0.1.broke
        return r
      }
  }

  /// The comparison on stdout as a table or JSON, and with `report` its page and Markdown.
  static func output(
    _ data: AutoscaleData, format: OutputFormat, report: String?, recorded: Bool = false, say: (String) -> Void
  ) throws {
    switch format {
    case .table: print(Report.autoscaleTable(data, recorded: recorded), terminator: "")
    case .json: print(try Report.autoscaleJSON(data))
    }
    guard let folder = report else { return }
    do {
      try Report.writeAutoscale(data, to: folder)
    } catch {
      throw fail("cannot write the report into \(folder): \(error.localizedDescription)", status: ExitStatus.failure)
    }
    say("wrote \(folder)/index.html, report.md")
  }
}

/// A derivation in progress in the results database, as a plan is kept (`PlanRecording`).
final class AutoscaleRecording: @unchecked Sendable {
  let store: ResultsStore
  let id: Int64
  private var watch: InterruptWatch?

  /// `staging`: discarded on an interrupt, so nothing of the derivation is written.
  init(store: ResultsStore, record: AutoscaleRecord, staging: AutoscaleStaging) throws {
    self.store = store
    (id, watch) = try InterruptWatch.begin(
      { try store.beginAutoscale(record) },
      cannotBegin: {
        "cannot record the derivation in results database \(store.path): \(ResultsStore.reason($0)); nothing derived"
      },
      notice: { "derivation \($0) marked interrupted in \(store.path); no manifest written" }
    ) { [store] id, reason in
      staging.discard()
      try? store.endAutoscale(id, status: .interrupted, message: reason)
    }
  }

  /// Ends the record without a derivation (no pod count meets the objectives): `reason` is why.
  func end(failed reason: String) {
    defer { watch?.stop() }
    InterruptWatch.storing(final: true) { try? store.endAutoscale(id, status: .failed, message: reason) }
  }

  /// Stores the derivation; if that fails, saves it beside the database and returns why.
  func complete(_ data: inout AutoscaleData, quiet: Bool) -> String? {
    data.record.id = id
    // As it is recorded (`capsim autoscales ID` shows the same): complete, or failed to store.
    data.record.status = .complete
    defer { watch?.stop() }
    let stored = data
    let notRecorded = InterruptWatch.storing(final: true) { write(stored, quiet: quiet) }
    if notRecorded != nil { data.record.status = .failed }
    return notRecorded
  }

  private func write(_ data: AutoscaleData, quiet: Bool) -> String? {
    do {
      try store.completeAutoscale(id, data: data)
      if !quiet { printToStandardError("recorded as derivation \(id) in \(store.path)") }
      return nil
    } catch {
      let reason = ResultsStore.reason(error)
      let saved = saveBeside(data, database: store.path, name: "autoscale\(id)")
      try? store.endAutoscale(
        id, status: .failed,
        message: "storing the derivation failed: \(reason)" + (saved.map { "; saved in \($0)" } ?? ""))
      return "cannot record derivation \(id) in results database \(store.path): \(reason)"
        + (saved.map {
          "; it is printed on stdout and saved in \($0) ('capsim import \($0)' stores it once the database can take it)"
        } ?? "; it is printed on stdout")
    }
  }
}

/// Where a derivation's manifests wait until it is complete: one hidden folder per territory
/// beside its own (`OUT/.DE.capsim-PID`, on the same file system, so moving a file into place
/// is a rename). An interrupt (`discard`) removes them and refuses any later write, so
/// `OUT/<territory>` holds either the last complete derivation's files or this one's.
final class AutoscaleStaging: @unchecked Sendable {
  let out: URL
  private let lock = NSLock()
  private var folders: [String: URL] = [:]
  private var discarded = false

  init(out: String) {
    self.out = URL(fileURLWithPath: out, isDirectory: true)
  }

  private func locked<T>(_ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    if discarded { throw ExitStatus.interrupted }
    return try body()
  }

  /// The folder under OUT a territory's manifests go to: its name, with a '/' as '-' and a
  /// leading '.' as '-', so that no name (`../x`, `.`) puts them outside OUT or hides them.
  static func folderName(_ territory: String) -> String {
    var name = territory.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "\0", with: "-")
    if name.hasPrefix(".") { name = "-" + name.dropFirst() }
    return name
  }

  /// The territory's staging folder, made empty.
  func folder(for name: String) throws -> URL {
    let territory = Self.folderName(name)
    return try locked {
      let folder = out.appendingPathComponent(".\(territory).capsim-\(getpid())", isDirectory: true)
      do {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw fail("cannot create \(folder.path): \(error.localizedDescription)", status: ExitStatus.failure)
      }
      folders[territory] = folder
      return folder
    }
  }

  func remove(_ path: String) throws {
    try locked { try? FileManager.default.removeItem(atPath: path) }
  }

  func write(_ text: String, to path: String) throws {
    try locked {
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      } catch {
        throw fail("cannot write \(path): \(error.localizedDescription)", status: ExitStatus.failure)
      }
    }
  }

  /// Moves each territory's files into `OUT/<territory>` and removes from there the files of
  /// `AutoscaleWork.fileNames` this derivation did not write. Per territory: the files written
  /// and removed.
  func publish() throws -> [(territory: String, written: [String], removed: [String])] {
    try locked {
      var out: [(String, [String], [String])] = []
      let fm = FileManager.default
      for (territory, folder) in folders.sorted(by: { $0.key < $1.key }) {
        let destination = self.out.appendingPathComponent(territory, isDirectory: true)
        func failed(_ reason: String) -> ExitCode {
          fail("cannot put the manifests into \(destination.path): \(reason)", status: ExitStatus.failure)
        }
        let files = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
          AutoscaleWork.allNames.contains($0)
        }.sorted()
        do {
          try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        } catch {
          throw failed(error.localizedDescription)
        }
        for file in files {
          // rename(2) replaces the old file in one step: a reader sees the old or the new.
          let target = destination.appendingPathComponent(file).path
          guard rename(folder.appendingPathComponent(file).path, target) == 0 else {
            throw failed("\(target): \(String(cString: strerror(errno)))")
          }
        }
        var removed: [String] = []
        // A manifest whose rule broke leaves the one in use (if any) where it is.
        for file in AutoscaleWork.allNames
        where !files.contains(file) && !files.contains(AutoscaleWork.failedName(file)) {
          let stale = destination.appendingPathComponent(file)
          guard fm.fileExists(atPath: stale.path) else { continue }
          do {
            try fm.removeItem(at: stale)
          } catch {
            throw failed("cannot remove \(stale.path): \(error.localizedDescription)")
          }
          removed.append(file)
        }
        try? fm.removeItem(at: folder)
        out.append((territory, files, removed))
      }
      folders = [:]
      return out
    }
  }

  /// Removes the staging folders and refuses what comes after (an interrupt, a failure).
  func discard() {
    lock.lock()
    defer { lock.unlock() }
    discarded = true
    for folder in folders.values { try? FileManager.default.removeItem(at: folder) }
    folders = [:]
  }
}
