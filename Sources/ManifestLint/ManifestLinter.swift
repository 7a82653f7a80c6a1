import Autoscaling
import Foundation
import ScenarioFile

/// Lints Kubernetes autoscaler manifests as a platform engineer keeps them: the files are read
/// strictly (as `capsim run --autoscaler` reads them), then each document is walked for the
/// traps of `Rule`, each found at the line and column of the field that sets it.
package struct ManifestLinter {
  /// Cron windows are walked over `[from, to)` (seconds since 1970).
  package var from: Double
  package var to: Double
  /// The app pools of a scenario, for the rules that need one (`--scenario`).
  package var pools: [Pool]

  /// What the linter knows of an app pool of a scenario, as plain values.
  package struct Pool: Sendable {
    /// The Deployment its autoscaler scales.
    package var deployment: String
    package var territory: String
    /// Database connections each pod opens, and the most pods the database nodes take.
    package var connectionsPerPod: Int
    package var podLimit: Int
    /// Why `podLimit` is what it is (`de-primary: max_connections 200, 10 per pod`).
    package var podLimitReason: String
    /// The offered request rate, every few minutes (seconds since 1970, requests/s).
    package var demand: [(time: Double, rate: Double)]
    /// How its pods serve, for the ramp rule; nil skips it.
    package var serving: Serving?

    package init(
      deployment: String, territory: String, connectionsPerPod: Int, podLimit: Int, podLimitReason: String,
      demand: [(time: Double, rate: Double)], serving: Serving? = nil
    ) {
      self.deployment = deployment
      self.territory = territory
      self.connectionsPerPod = connectionsPerPod
      self.podLimit = podLimit
      self.podLimitReason = podLimitReason
      self.demand = demand
      self.serving = serving
    }
  }

  package init(from: Double, to: Double, pools: [Pool] = []) {
    self.from = from
    self.to = to
    self.pools = pools
  }

  func pool(_ spec: Document) -> Pool? {
    guard let name = spec["scaleTargetRef"]?["name"]?.scalarText else { return nil }
    return pools.first { $0.deployment == name }
  }

  /// maxReplicas against the database's connections.
  func connections(_ maxNode: Document?, maximum: Int, spec: Document, key: String) -> [Finding] {
    guard let pool = pool(spec), maximum > pool.podLimit else { return [] }
    return [
      Self.finding(
        .connectionLimit, .error, at: (maxNode ?? spec).node,
        "\(key) \(maximum) x \(pool.connectionsPerPod) connections is more than the database takes: at most \(pool.podLimit) pods of \(pool.territory)'s pool (\(pool.podLimitReason))"
      )
    ]
  }

  /// Every finding in `paths`, sorted by file, line and column.
  package func lint(paths: [String]) -> [Finding] {
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: paths, log: log)
    var findings: [Finding] = []
    var deployments: [(name: String, namespace: String?, replicas: ConfigNode)] = []
    for path in paths {
      guard let data = FileManager.default.contents(atPath: path), let text = String(validating: data, as: UTF8.self)
      else { continue }  // the strict read above reported it
      var autoscalers = 0
      var crons = 0
      defer {
        if crons > 0, let f = derivedSpan(text, path: path) { findings.append(f) }
        // Nothing to lint is not a clean bill: an empty file, or one with only a Deployment,
        // was most likely the wrong one. Not where the strict read already failed the file.
        if autoscalers == 0 && !log.diagnostics.contains(where: { $0.file == path && $0.severity == .error }) {
          findings.append(
            Finding(
              rule: .noAutoscaler, severity: .error, file: path, line: 1, column: 1, keyPath: "",
              message: "\(path) holds no HorizontalPodAutoscaler or ScaledObject: nothing in it was linted"))
        }
      }
      for document in KubernetesManifest.documents(in: text) {
        let scratch = DiagnosticLog()
        guard let root = YAMLDocument(text: document, file: path, log: scratch).root, !scratch.hasErrors else {
          continue
        }
        let top = Document(root)
        // A list (`kubectl get hpa -o yaml`) is linted object by object.
        let objects =
          KubernetesManifest.listKinds.contains(top["kind"]?.scalarText ?? "") ? top["items"]?.items ?? [] : [top]
        for doc in objects {
          switch doc["kind"]?.scalarText {
          case "HorizontalPodAutoscaler":
            autoscalers += 1
            findings += hpa(doc) + ramp(doc, manifest)
          case "ScaledObject":
            autoscalers += 1
            crons += (doc["spec"]?["triggers"]?.items ?? []).filter { $0["type"]?.scalarText == "cron" }.count
            findings += scaledObject(doc) + ramp(doc, manifest)
          case "Deployment":
            if let name = doc["metadata"]?["name"]?.scalarText, let replicas = doc["spec"]?["replicas"] {
              deployments.append((name, doc["metadata"]?["namespace"]?.scalarText, replicas.node))
            }
          default: break
          }
        }
      }
    }
    // By namespace and name: `kubectl get -A` lists objects of one name in several namespaces.
    for (name, namespace, replicas) in deployments {
      guard
        let scaler = manifest.autoscalers.first(where: {
          $0.deployment == name && KubernetesManifest.sameNamespace($0.namespace, namespace)
        })
      else { continue }
      let owner = " (\(scaler.title) at \(scaler.file):\(scaler.line))"
      findings.append(
        Self.finding(
          .deploymentReplicas, .warning, at: replicas,
          "Deployment '\(name)' sets replicas: \(replicas.scalarText ?? "?") but an autoscaler owns it\(owner): every kubectl apply resets the pool to that count (kubernetes/kubernetes#25238); leave replicas out"
        ))
    }
    // The strict reader's own diagnostics, but not where a rule above says the same, and not
    // the kinds it skips (Deployments are read here). Where the reader refuses a value that a
    // rule only warns about (averageUtilization past Kubernetes' int32), the error wins: the
    // manifest is invalid, and capsim run --autoscaler refuses it.
    let placed = Set(findings.map { "\($0.file):\($0.line):\($0.column)" })
    let placedErrors = Set(findings.filter { $0.severity == .error }.map { "\($0.file):\($0.line):\($0.column)" })
    var superseded: Set<String> = []
    for d in log.diagnostics where !placedErrors.contains("\(d.file):\(d.line):\(d.column)") {
      let at = "\(d.file):\(d.line):\(d.column)"
      if placed.contains(at) {
        guard d.severity == .error else { continue }
        superseded.insert(at)
      }
      // A repository's Services and ConfigMaps are no news; an autoscaler of a kind capsim
      // does not read (a ScaledJob, a VPA) is: it scales something nothing here checks.
      if d.severity == .warning && d.message.hasPrefix("kind ") && d.message.contains(" ignored"),
        !Self.unreadAutoscalers.contains(where: { d.message.hasPrefix("kind \($0) ignored") })
      {
        continue
      }
      findings.append(
        Finding(
          rule: .invalid, severity: d.severity == .error ? .error : .warning, file: d.file, line: d.line,
          column: d.column, keyPath: d.keyPath, message: d.message))
    }
    findings.removeAll { $0.rule != .invalid && superseded.contains("\($0.file):\($0.line):\($0.column)") }
    return findings.sorted {
      ($0.file, $0.line, $0.column, $0.rule.rawValue) < ($1.file, $1.line, $1.column, $1.rule.rawValue)
    }
  }

  /// Kinds that scale workloads but that capsim neither reads nor simulates.
  static let unreadAutoscalers = ["ScaledJob", "VerticalPodAutoscaler", "MultidimPodAutoscaler"]

  // MARK: Rules

  /// `# cron windows derived for 2026-12-07 to 2026-12-14 (Europe/Berlin)`, as capsim
  /// autoscale writes it: a finding when the span linted does not overlap it (another year's
  /// weekdays fall on other days of the month).
  func derivedSpan(_ text: String, path: String) -> Finding? {
    let prefix = "# cron windows derived for "
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { return nil }
    let words = lines[index].dropFirst(prefix.count).split(separator: " ")
    guard words.count >= 3, words[1] == "to", var start = Self.day(words[0]), var end = Self.day(words[2]) else {
      return nil
    }
    if words[2].count > 10 { end += 86_400 }  // a day and time: that day is in the span
    // The header's days are local to its zone, `(Europe/Berlin)`: the span linted is compared
    // in it (as UTC days, a run from local midnight began the day before).
    let zone =
      words.dropFirst(3).first.flatMap { word in
        let w = word.trimmingCharacters(in: CharacterSet(charactersIn: ";,"))
        return w.hasPrefix("(") && w.hasSuffix(")") ? TimeZone(identifier: String(w.dropFirst().dropLast())) : nil
      } ?? TimeZone(identifier: "UTC")!
    func utc(_ localMidnight: Double) -> Double {
      localMidnight - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: localMidnight)))
    }
    (start, end) = (utc(start), utc(end))
    // The windows name months and days, so they fire on the derived days of every year: in
    // another year on other weekdays. Flagged when the span linted meets one of those other
    // years' copies (a span overlapping the derivation's by a day was silent about the rest).
    var gregorian = Calendar(identifier: .gregorian)
    gregorian.timeZone = TimeZone(identifier: "UTC")!
    func shifted(_ t: Double, _ years: Int) -> Double {
      gregorian.date(byAdding: .year, value: years, to: Date(timeIntervalSince1970: t))?.timeIntervalSince1970 ?? t
    }
    let yearSeconds = 365.2425 * 86_400
    let earliest = Int(((from - end) / yearSeconds).rounded(.down)) - 1
    let latest = Int(((to - start) / yearSeconds).rounded(.up)) + 1
    let apart = to <= start || from >= end
    guard
      apart
        || (earliest...max(earliest, latest)).contains(where: { k in
          // By more than 14 hours: the span linted may be UTC days and the header's local ones,
          // which then meet by up to a zone's offset without a day in common.
          k != 0 && min(to, shifted(end, k)) - max(from, shifted(start, k)) > 14 * 3_600
        })
    else { return nil }
    func date(_ t: Double) -> String {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = zone
      let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: t))
      return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
    return Finding(
      rule: .cronForAnotherSpan, severity: .warning, file: path, line: index + 1, column: 3, keyPath: "",
      message:
        "the cron windows were derived for \(words[0]) to \(words[2]) but are linted for \(date(from)) to \(date(to)): KEDA fires them every year, and their days of the month fall on other weekdays then; derive them again for that span"
    )
  }

  /// The UTC midnight of `2026-12-07` (or of the day of `2026-12-07T05:00`), seconds since 1970.
  static func day(_ text: some StringProtocol) -> Double? {
    let parts = text.prefix(10).split(separator: "-")
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m),
      (1...31).contains(d)
    else { return nil }
    // Days from civil (H. Hinnant's algorithm).
    let year = m <= 2 ? y - 1 : y
    let era = (year >= 0 ? year : year - 399) / 400
    let yoe = year - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Double(era * 146_097 + doe - 719_468) * 86_400
  }

  func hpa(_ doc: Document) -> [Finding] {
    var out: [Finding] = []
    guard let spec = doc["spec"] else { return out }
    let minimum = spec["minReplicas"].map { Int($0.scalarText ?? "") } ?? 1
    if let maxNode = spec["maxReplicas"], let maximum = Int(maxNode.scalarText ?? ""), let minimum, minimum > maximum {
      out.append(
        Self.finding(
          .minAboveMax, .error, at: maxNode.node, "maxReplicas (\(maximum)) is below minReplicas (\(minimum))"))
    }
    if let maxNode = spec["maxReplicas"], let maximum = Int(maxNode.scalarText ?? "") {
      out += connections(maxNode, maximum: maximum, spec: spec, key: "maxReplicas")
    }
    for metric in spec["metrics"]?.items ?? [] {
      for kind in ["resource", "containerResource"] {
        guard let resource = metric[kind], resource["name"]?.scalarText == "cpu",
          let value = resource["target"]?["averageUtilization"]
        else { continue }
        out += Self.utilization(value, what: "averageUtilization")
      }
    }
    return out
  }

  func scaledObject(_ doc: Document) -> [Finding] {
    var out: [Finding] = []
    guard let spec = doc["spec"] else { return out }
    let minNode = spec["minReplicaCount"]
    let minimum = minNode.map { Int($0.scalarText ?? "") } ?? 0
    let maxNode = spec["maxReplicaCount"]
    let maximum = maxNode.map { Int($0.scalarText ?? "") } ?? 100
    if let minimum, let maximum, minimum > maximum {
      out.append(
        Self.finding(
          .minAboveMax, .error, at: (maxNode ?? minNode ?? spec).node,
          "maxReplicaCount (\(maximum)) is below minReplicaCount (\(minimum))"))
    }
    if let maximum { out += connections(maxNode, maximum: maximum, spec: spec, key: "maxReplicaCount") }
    for trigger in spec["triggers"]?.items ?? [] {
      let meta = trigger["metadata"]
      switch trigger["type"]?.scalarText {
      case "cpu":
        let type = trigger["metricType"]?.scalarText ?? meta?["type"]?.scalarText
        if type == "Utilization", let value = meta?["value"] { out += Self.utilization(value, what: "value") }
      case "cron":
        guard let meta,
          case .success(let cron) = CronTrigger.make(
            timezone: meta["timezone"]?.scalarText, start: meta["start"]?.scalarText, end: meta["end"]?.scalarText,
            desiredReplicas: Int(meta["desiredReplicas"]?.scalarText ?? ""))
        else { continue }
        out += cronTraps(cron, meta: meta)
        if let node = meta["desiredReplicas"] {
          if let maximum, cron.desiredReplicas > maximum {
            out.append(
              Self.finding(
                .cronOutsideRange, .warning, at: node.node,
                "desiredReplicas (\(cron.desiredReplicas)) is above maxReplicaCount (\(maximum)): the HPA KEDA manages keeps at most \(maximum) replicas, so the window holds \(maximum)"
              ))
          } else if let minimum, cron.desiredReplicas <= minimum {
            out.append(
              Self.finding(
                .cronOutsideRange, .note, at: node.node,
                "desiredReplicas (\(cron.desiredReplicas)) is not above minReplicaCount (\(minimum)): the window changes nothing"
              ))
          }
        }
        if let pool = pool(spec) { out += peakAfterEnd(cron, meta: meta, pool: pool) }
      default: break
      }
    }
    let scaleDownWindow = spec["advanced"]?["horizontalPodAutoscalerConfig"]?["behavior"]?["scaleDown"]?[
      "stabilizationWindowSeconds"]
    // With a floor, cooldown governs nothing (the way down is the HPA's scale-down window);
    // without one it takes the pool from any count to 0 (`scaleToZeroOrIdle`).
    // `idleReplicaCount: 0` takes the pool to 0 after the cooldown whatever the floor (KEDA's
    // idle state), so there it governs.
    let idles = spec["idleReplicaCount"]?.scalarText.flatMap { Int($0) } == 0
    if let cooldown = spec["cooldownPeriod"], (minimum ?? 0) >= 1, !idles {
      let governs = "with minReplicaCount \(minimum ?? 0) the pool never scales to 0, so it governs nothing here"
      let window =
        scaleDownWindow?.scalarText.map {
          "\($0) s, as advanced.horizontalPodAutoscalerConfig.behavior.scaleDown sets it"
        }
        ?? "300 s unless advanced.horizontalPodAutoscalerConfig.behavior.scaleDown sets it"
      out.append(
        Self.finding(
          .cooldownOnlyToZero, .warning, at: cooldown.node,
          "cooldownPeriod (\(cooldown.scalarText ?? "?") s) governs only scaling to 0: \(governs). Scaling down to the floor follows the HPA's scale-down stabilization window, \(window) (kedacore/keda#6844)"
        ))
    }
    if minimum == 0 {
      let triggers = spec["triggers"]?.items ?? []
      let cpu = triggers.filter { $0["type"]?.scalarText == "cpu" }
      if let first = cpu.first, cpu.count < triggers.count {
        let cooldown = spec["cooldownPeriod"]?.scalarText ?? "300"
        out.append(
          Self.finding(
            .cpuIsNotActivity, .warning, at: (first["type"] ?? first).node,
            "with minReplicaCount 0 this cpu trigger keeps nothing awake: KEDA counts only the other triggers as activity, so cooldownPeriod (\(cooldown) s) after they go inactive the pool goes to 0 however busy its pods are (kedacore/keda scale_handler.go); set minReplicaCount: 1 for a floor"
          ))
      }
      // The triggers that can wake a pool from 0 (not cpu) all read what the app completed.
      let waking = triggers.filter { $0["type"]?.scalarText != "cpu" }
      let completed = waking.filter { t in
        guard t["type"]?.scalarText == "prometheus", let query = t["metadata"]?["query"]?.scalarText,
          case .success(let series) = PrometheusQuery.parse(query)
        else { return false }
        return series.metric == .requestsTotal || series.metric == .requestsPerSecond
      }
      if let first = completed.first, completed.count == waking.count {
        out.append(
          Self.finding(
            .completedRequestsCannotWake, .warning, at: (first["metadata"]?["query"] ?? first).node,
            "with minReplicaCount 0 the pool is woken only by requests it completed, and at 0 pods none complete: the trigger reads 0 and the pool stays at 0 while every request fails; count what reaches the ingress, rate(capsim_ingress_requests_total[2m]) (nginx_ingress_controller_requests on a cluster), add a cron window, or set minReplicaCount: 1"
          ))
      }
    }
    return out
  }

  func cronTraps(_ cron: CronTrigger, meta: Document) -> [Finding] {
    var out: [Finding] = []
    // Equal as text is refused by KEDA (and by capsim's reader); equal in effect is not, and
    // "next end not after next start" then holds at every instant.
    if cron.start.firesWith(cron.end), let endNode = meta["end"] {
      out.append(
        Self.finding(
          .cronOpenWithoutStart, .warning, at: endNode.node,
          "end '\(cron.end.text)' fires at the same instants as start '\(cron.start.text)': KEDA refuses only an end written the same as the start, and with both firing together the window is open all the time (next end not after next start)"
        ))
      return out
    }
    let skipped = cron.skippedFirings(from: from, to: to)
    for firing in skipped {
      guard let node = meta[firing.field] else { continue }
      let c = firing.local
      let wall = String(format: "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute)
      let effect =
        firing.field == "start"
        ? "the next end comes before the next start, and KEDA keeps the window open from the end before it to that day's end"
        : "the next start comes before the next end, and KEDA keeps the window shut that day"
      out.append(
        Self.finding(
          .cronInGap, .warning, at: node.node,
          "\(firing.field) '\(firing.field == "start" ? cron.start.text : cron.end.text)' matches \(wall), which does not exist in \(cron.timezone) (the clocks spring forward): robfig/cron under KEDA skips it, so \(effect) (robfig/cron#541)"
        ))
    }
    // Stretches a skipped start explains are that finding, not another.
    let gaps = skipped.filter { $0.field == "start" }.map(\.transition)
    let open = cron.openWithoutStart(from: from, to: to).filter { stretch in
      !gaps.contains { stretch.from < $0 && $0 < stretch.to }
    }
    if let first = open.first, let endNode = meta["end"] {
      let more =
        open.count > 1
        ? ", and \(open.count - 1) more such stretch\(open.count == 2 ? "" : "es") in the period linted" : ""
      out.append(
        Self.finding(
          .cronOpenWithoutStart, .warning, at: endNode.node,
          "end '\(cron.end.text)' fires again before start '\(cron.start.text)' does: KEDA keeps the window open without a start from \(Self.span(first.from, first.to, cron.clock))\(more) (next end before next start; kedacore/keda#4677). Give end the start's days"
        ))
    }
    return out
  }

  /// Days on which the window closes while demand is still at 90% or more of that local day's
  /// peak.
  func peakAfterEnd(_ cron: CronTrigger, meta: Document, pool: Pool) -> [Finding] {
    guard let endNode = meta["end"] else { return [] }
    // Samples by local day, in the cron's zone.
    var days: [String: [(time: Double, rate: Double)]] = [:]
    var order: [String] = []
    for s in pool.demand where s.time >= from && s.time < to {
      let c = cron.clock.civil(Int64(s.time))
      let key = String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
      if days[key] == nil { order.append(key) }
      days[key, default: []].append(s)
    }
    let open = cron.openStretches(from: from, to: to)
    var first: (day: String, closes: Double, until: Double, share: Double)?
    var count = 0
    for key in order {
      let samples = days[key]!
      guard let peak = samples.map(\.rate).max(), peak > 0 else { continue }
      // Where the window closes that day: an active sample followed by an inactive one.
      for i in samples.indices.dropLast()
      where open.containsTime(samples[i].time) && !open.containsTime(samples[i + 1].time) {
        let after = samples[(i + 1)...].prefix { $0.rate >= 0.9 * peak }
        guard let last = after.last else { continue }
        count += 1
        if first == nil { first = (key, samples[i + 1].time, last.time, samples[i + 1].rate / peak) }
      }
    }
    guard let first else { return [] }
    let more = count > 1 ? "; \(count - 1) more such day\(count == 2 ? "" : "s") in the period linted" : ""
    return [
      Self.finding(
        .cronEndsBeforePeak, .warning, at: endNode.node,
        "on \(first.day) the window closes at \(Self.clock(first.closes, cron)) while \(pool.territory)'s demand is at \(Int((first.share * 100).rounded()))% of the day's peak, and stays above 90% until \(Self.clock(first.until, cron))\(more): the peak is left to the reactive path"
      )
    ]
  }

  /// Where the pool's demand outruns what the autoscaler gives it, in a fluid replay through
  /// the manifest's own controller (`RampReplay`).
  func ramp(_ doc: Document, _ manifest: KubernetesManifest) -> [Finding] {
    guard let spec = doc["spec"], let pool = pool(spec), let serving = pool.serving, !pool.demand.isEmpty,
      let scaler = manifest.autoscalers.first(where: { $0.file == doc.node.file && $0.deployment == pool.deployment })
    else { return [] }
    let hpa = doc["kind"]?.scalarText == "HorizontalPodAutoscaler"
    let replay = RampReplay(serving: serving, demand: pool.demand)
    let found: [RampReplay.Stretch]
    switch replay.stretches(scaler.kind, from: from, to: to) {
    case .failure(let e):
      return [
        Self.finding(
          .rampOutrunsPool, .note, at: spec.node,
          "the ramp rule replays cpu, cron and request-rate metrics only, not the \(e.metric): simulate this autoscaler to see it follow \(pool.territory)'s ramps (capsim run --autoscaler)"
        )
      ]
    case .success(let stretches): found = stretches
    }
    guard let first = found.first else { return [] }
    // At the field that held the pool back: maxReplicas, the scale-up rules, else the target.
    let behavior = hpa ? spec["behavior"] : spec["advanced"]?["horizontalPodAutoscalerConfig"]?["behavior"]
    let scaleUp = behavior?["scaleUp"]
    let maximum = hpa ? spec["maxReplicas"] : spec["maxReplicaCount"]
    let target =
      hpa
      ? spec["metrics"]?.items.lazy.compactMap { $0["resource"]?["target"]?["averageUtilization"] }.first
      : spec["triggers"]?.items.lazy.filter { $0["type"]?.scalarText == "cpu" }.compactMap { $0["metadata"]?["value"] }
        .first
    let node: Document
    let why: String
    let shrunk = first.shrunk
    if case .clampedToMax(let max)? = first.held?.reason {
      node = maximum ?? spec
      why = "\(hpa ? "maxReplicas" : "maxReplicaCount") \(max) held it"
    } else if let shrunk, shrunk.from >= first.needed {
      // The pool let go, in a dip just before, the pods the ramp needed: the scale-down window,
      // or a cron window's end.
      let scaleDown = behavior?["scaleDown"]
      let cronEnd = Self.cronEnd(closingBefore: shrunk.time, scaler.kind, spec)
      let window = scaleDown?["stabilizationWindowSeconds"]
      node = cronEnd?.node ?? window ?? scaleDown ?? target ?? spec
      let lead =
        "the pool had scaled down from \(shrunk.from) to \(shrunk.to) at \(Self.clock(shrunk.time, serving.clock)), \(Int(((first.from - shrunk.time) / 60).rounded())) min before"
      if let cronEnd {
        why =
          "\(lead), after its cron window closed at \(Self.clock(cronEnd.time, serving.clock)): the ramp met the smaller pool"
      } else {
        why =
          "\(lead): a scale-down stabilization window of \(window?.scalarText.map { "\($0) s" } ?? "300 s (the default)") let a dip take the pods the ramp then needed"
      }
    } else if case .withinTolerance? = first.held?.reason {
      // cpu usage stops at the pod's cores: utilization cannot pass cores / request.
      let saturated = Int((serving.cores * 100_000 / Double(serving.cpuRequest)).rounded())
      node = target ?? spec
      why =
        "at full cpu a pod shows \(saturated)% of its cpu request, within the controller's tolerance of the target, so it does not scale up however far the demand outruns the pool"
    } else if let held = first.held {
      node = Self.field(scaleUp, holding: held.reason) ?? target ?? spec
      why = "the controller was held back at \(Self.clock(held.time, serving.clock)) (\(held.reason))"
    } else if !hpa, let triggers = spec["triggers"],
      case let kinds = triggers.items.compactMap({ $0["type"]?.scalarText }), !kinds.isEmpty,
      kinds.allSatisfy({ $0 == "cron" })
    {
      // Seen in review: a cron-only ScaledObject was told its target left too little headroom.
      node = triggers
      why =
        "its triggers are cron windows only: outside them nothing follows the demand, so no pods are asked for the ramp"
    } else {
      node = target ?? scaleUp ?? spec
      why =
        "the pods asked for were still on their way to Ready (\(Int(serving.podReady.rounded())) s)"
        + (target == nil ? "" : ": the target leaves too little headroom for the ramp")
    }
    let minutes = found.reduce(0) { $0 + $1.to - $1.from } / 60
    let more =
      found.count > 1
      ? "; \(found.count - 1) more such stretch\(found.count == 2 ? "" : "es") in the period linted, \(Int(minutes.rounded())) min in all"
      : ""
    let rate = { (r: Double) in r >= 100 ? "\(Int(r.rounded()))" : String(format: "%.1f", r) }
    let zone = serving.clock.zone.identifier
    return [
      Self.finding(
        .rampOutrunsPool, .warning, at: node.node,
        "on \(Self.local(first.from, serving.clock)) (\(zone)) \(pool.territory)'s demand outruns the pool for \(Int(((first.to - first.from) / 60).rounded())) min: at \(Self.clock(first.worst, serving.clock)) \(rate(first.rate)) requests/s (\(rate(first.rateBefore)) an hour before) need \(first.needed) pods at full cpu and \(first.ready) \(first.ready == 1 ? "is" : "are") ready; \(why)\(more)"
      )
    ]
  }

  /// The `end` of a ScaledObject's cron trigger whose window closed in the 15 minutes before
  /// `time`, and when it closed.
  static func cronEnd(closingBefore time: Double, _ kind: KubernetesManifest.Autoscaler.Kind, _ spec: Document)
    -> (node: Document, time: Double)?
  {
    guard case .scaledObject(let so) = kind else { return nil }
    let documents = spec["triggers"]?.items ?? []
    for (i, trigger) in so.triggers.enumerated() where i < documents.count {
      guard case .cron(let cron) = trigger.kind, let end = documents[i]["metadata"]?["end"] else { continue }
      // Cron firings are on whole minutes.
      var t = (time / 60).rounded(.down) * 60
      while t >= time - 900 {
        if cron.isActive(at: t - 30) && !cron.isActive(at: t + 30) { return (end, t) }
        t -= 60
      }
    }
    return nil
  }

  /// The field of `behavior.scaleUp` that set the limit: the policy, the stabilization window.
  static func field(_ scaleUp: Document?, holding reason: Reason) -> Document? {
    guard let scaleUp else { return nil }
    switch reason {
    case .rateLimited(.policy(_, let p, _)):
      let policies = scaleUp["policies"]
      return policies?.items.first {
        $0["type"]?.scalarText == p.type.rawValue && Int($0["value"]?.scalarText ?? "") == p.value
          && Int($0["periodSeconds"]?.scalarText ?? "") == p.periodSeconds
      } ?? policies ?? scaleUp
    case .stabilized: return scaleUp["stabilizationWindowSeconds"] ?? scaleUp
    default: return scaleUp
    }
  }

  static func clock(_ t: Double, _ cron: CronTrigger) -> String { clock(t, cron.clock) }

  static func clock(_ t: Double, _ zone: ZonedClock) -> String {
    let c = zone.civil(Int64(t))
    return String(format: "%02d:%02d", c.hour, c.minute)
  }

  static func utilization(_ node: Document, what: String) -> [Finding] {
    guard let text = node.scalarText, let value = Int(text), !(1...100).contains(value) else { return [] }
    let why =
      value < 1
      ? "a target below 1% is refused"
      : "above 100% the pods run past their CPU request before the autoscaler adds any, leaving no headroom for a ramp"
    return [
      finding(
        .targetOutOfRange, value < 1 ? .error : .warning, at: node.node, "\(what) \(value)% is outside 1-100%: \(why)")
    ]
  }

  static func local(_ t: Double, _ cron: CronTrigger) -> String { local(t, cron.clock) }

  static func local(_ t: Double, _ zone: ZonedClock) -> String {
    let c = zone.civil(Int64(t))
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    return String(format: "%@ %04d-%02d-%02d %02d:%02d", days[c.weekday], c.year, c.month, c.day, c.hour, c.minute)
  }

  /// "A to B" in local time; both with their UTC offsets when the clocks went back between
  /// them and the two read alike otherwise (02:15 CEST to 02:15 CET).
  static func span(_ from: Double, _ to: Double, _ zone: ZonedClock) -> String {
    let (a, b) = (local(from, zone), local(to, zone))
    guard a == b else { return "\(a) to \(b)" }
    func offset(_ t: Double) -> String {
      let o = zone.offset(at: Int64(t))
      return String(format: " (UTC%@%02d:%02d)", o < 0 ? "-" : "+", abs(o) / 3600, abs(o) % 3600 / 60)
    }
    return "\(a)\(offset(from)) to \(b)\(offset(to))"
  }

  static func finding(_ rule: Rule, _ severity: Finding.Severity, at node: ConfigNode, _ message: String) -> Finding {
    Finding(
      rule: rule, severity: severity, file: node.file, line: node.line, column: node.column, keyPath: node.keyPath,
      message: message)
  }
}

/// A document walked without complaint: mistakes were reported by the strict read, so a
/// missing or odd field here just ends the walk.
struct Document {
  var node: ConfigNode

  init(_ node: ConfigNode) { self.node = node }

  subscript(_ key: String) -> Document? {
    guard node.isMapping, let entries = node.openMapping() else { return nil }
    return entries.first { $0.key == key }.map { Document($0.value) }
  }

  var items: [Document] {
    guard node.isSequence, let items = node.sequence() else { return [] }
    return items.map(Document.init)
  }

  var scalarText: String? { node.isMapping || node.isSequence ? nil : node.scalarText }
}
