import Demand
import Foundation
import PlatformModel
import SimRandom
import Suggestions

/// Reads platform scenario files: the topology they run on, a local calendar, demand per
/// territory, faults, scheduled capacity, service level objectives and run settings.
///
///     topology: ../topologies/freshfoodz.yaml
///     calendar: {timezone: Europe/Berlin, start: 2026-12-07, end: 2026-12-14, seasons: {...}}
///     demand:
///       DE: {users: 800, think: {distribution: exponential, mean: 30s}, mix: {list: 0.45, ...}}
///     faults:
///       - {kind: replica-down, node: de-replica-1, at: 2026-12-08T09:00, for: 4h}
///     capacity:
///       - {territory: DE, at: 2026-12-07T06:00, instances: 10}
///     overrides:
///       territories.DE.app.instances: 8
///
/// The scenario's own keys are read through the same overrides as its topology, so a what-if
/// (`base: other.yaml` plus `overrides:`) or `--set` can change `demand.DE.growth` or replace
/// the whole `faults:` list as easily as a topology key.
enum PlatformScenarioFile {
  /// Reads a scenario, or a what-if of one, with `--set` settings (which win over every file's
  /// `overrides:`).
  ///
  /// - Parameter autoscalers: Kubernetes YAML files from the command line (`--autoscaler`),
  ///   read with those of the scenario's `autoscaler:`.
  static func read(
    _ root: ConfigNode, file: String, commandLine: ConfigNode? = nil, autoscalers: [String] = []
  ) -> PlatformScenario? {
    read(root, file: file, overrides: Overrides(commandLine), chain: [file], name: nil, autoscalers: autoscalers)
  }

  /// - Parameters:
  ///   - chain: the files read so far, what-if first, to catch a scenario that is its own base.
  ///   - name: the what-if's name, which the base scenario takes.
  private static func read(
    _ root: ConfigNode, file: String, overrides: Overrides, chain: [String], name: String?, autoscalers: [String]
  ) -> PlatformScenario? {
    let isWhatIf = root.isMapping && (root.openMapping() ?? []).contains { $0.key == "base" }
    guard let mapping = root.mapping(isWhatIf ? whatIf : top) else { return nil }
    // A what-if's overrides are added before its base's, so they win.
    overrides.add(mapping["overrides"])
    let f = Fields(mapping, path: "", overrides: overrides)
    let ownName = f["name"]?.name()
    _ = f["description"]?.string()
    let name = name ?? ownName ?? FileNames.defaultName(file)
    guard isWhatIf else { return readScenario(f, file: file, name: name, autoscalers: autoscalers) }

    guard let node = mapping.required("base"), let relative = node.string() else { return nil }
    let path = ScenarioFile.resolve(relative, from: file)
    if chain.contains(path) {
      let names = (chain + [path]).map(FileNames.baseName)
      node.error("a scenario cannot be its own base (\(names.joined(separator: " -> ")))")
      return nil
    }
    guard ScenarioFile.namedFile(relative, what: "base scenario", at: node) != nil,
      let baseRoot = YAMLDocument(path: path, log: node.log).root,
      !FileKind.isOther(baseRoot, than: [.platformScenario, .whatIf], namedAt: node, what: "a platform scenario")
    else { return nil }
    var scenario = read(
      baseRoot, file: path, overrides: overrides, chain: chain + [path], name: name, autoscalers: autoscalers)
    scenario?.scenarioFiles.insert(file, at: 0)
    return scenario
  }

  /// Where local times come from: the calendar (if the scenario has one) and its seasons.
  struct CalendarContext {
    /// The `calendar:` section, when given (even if broken).
    var node: ConfigNode?
    var result: CalendarFile.Result?
    var seasonNames: [String]
    /// Simulated seconds in the run, when known.
    var horizon: Double?
  }

  private static func readScenario(_ f: Fields, file: String, name: String, autoscalers paths: [String])
    -> PlatformScenario?
  {
    let overrides = f.overrides

    // The topology, relative to the file that names it (an override may name another one).
    var topology: PlatformFile.Result? = nil
    var topologyName: String? = nil
    var topologyPath = ""
    if let node = f.required("topology"), let relative = node.string() {
      if let path = ScenarioFile.namedFile(relative, what: "topology file", at: node),
        let root = YAMLDocument(path: path, log: node.log).root,
        !FileKind.isOther(root, than: [.platformTopology], namedAt: node, what: "a platform topology")
      {
        topology = PlatformFile.read(root, file: path, overrides: overrides)
        topologyName = relative
        topologyPath = path
      }
    }

    var calendar = CalendarContext(node: f["calendar"], result: nil, seasonNames: [], horizon: nil)
    var overlaps: [CalendarFile.Overlap] = []
    if let node = calendar.node {
      (calendar.result, calendar.seasonNames, overlaps) = CalendarFile.read(
        node, path: "calendar", overrides: overrides, reportsOverlaps: false)
    }
    let run = readRun(f, calendar: calendar)
    calendar.horizon = run?.horizon ?? calendar.result?.duration
    let demand = readDemand(f, topology, calendar)
    // Overlapping seasons contradict each other only where both apply (a southern territory's
    // summer beside the others' Christmas does not).
    for overlap in overlaps {
      let both = demand.map { demand in
        demand.indices.filter { t in
          let names = Set(demand[t].calendar?.seasons.map(\.name) ?? [])
          return names.contains(overlap.first) && names.contains(overlap.second)
        }
      }
      // (Unknown when the demand has errors of its own, which refuse the file already.)
      if let t = both?.first, let topology { overlap.report(in: topology.territories[t]) }
    }
    let faults = readFaults(f, topology, calendar)
    let capacity = readCapacity(f, topology, calendar)
    let objectives = readObjectives(
      f, classes: topology?.platform?.requestClasses ?? [], classNames: topology?.requestClasses)

    let autoscalers = readAutoscalers(f, extraPaths: paths, topology, capacity: capacity.changes)

    // In the same pass as everything else, on whatever counts are valid.
    if let topology {
      PlatformFile.checkConnections(topology, scheduled: capacity.changes, autoscaled: autoscalers.bounds)
    }
    if let topologyName {
      let scenario = FileNames.baseName(file)
      overrides.reportUnused(matchingNothingIn: "topology \(topologyName) or scenario \(scenario)")
    }
    guard !f.node.log.hasErrors, let platform = topology?.platform, let demand, let faults, capacity.ok,
      let objectives, let run, let pools = autoscalers.autoscalers
    else { return nil }
    var scenario = PlatformScenario(
      name: name, platform: platform, demand: demand, faults: faults, capacity: capacity.changes,
      objectives: objectives,
      horizon: run.horizon, warmup: run.warmup, seriesInterval: run.series, replications: run.replications,
      seed: run.seed)
    scenario.drains = run.drains
    scenario.autoscalers = pools
    scenario.mode = run.mode
    scenario.scenarioFiles = [file]
    scenario.manifestFiles = autoscalers.paths
    scenario.topologyFile = topologyPath
    scenario.fileCalendar = calendar.result?.calendar
    return scenario
  }

  // MARK: Run settings

  struct RunSettings {
    var horizon: Double
    var warmup: Double
    var series: Double
    var replications: Int
    var seed: UInt64
    var drains: Bool
    var mode: RunMode
  }

  /// `run:`, optional with a calendar (which sets the length); without one, `length` is
  /// required and demand is constant.
  private static func readRun(_ top: Fields, calendar: CalendarContext) -> RunSettings? {
    let f = top.section("run")
    if top["run"] != nil && f == nil { return nil }
    let replications = f?["replications"].map { $0.int() } ?? 5
    let seed = f?["seed"].map { $0.seed() } ?? 1
    let series = f?["series"].map { $0.duration() } ?? 3_600
    let warmup = f?["warmup"].map { $0.duration() } ?? 0
    let mode = f?["mode"].map { $0.oneOf().flatMap(RunMode.init) } ?? .request
    var horizon: Double? = nil
    if calendar.node != nil {
      f?["length"]?.error("the calendar sets the length (from its start to its end): change calendar.end instead")
      horizon = calendar.result?.duration
    } else if let f {
      // The measured window, as in a network scenario: the run is the warm-up, then the length.
      horizon = f.required("length")?.duration().map { $0 + (warmup ?? 0) }
    } else {
      top.node.error("a scenario needs 'calendar:' (demand over local time) or 'run: {length: ...}' (constant demand)")
    }
    guard let replications, let seed, let series, let warmup, let mode, let horizon else { return nil }
    // Reported where the series or the length was set (the calendar sets the length when given).
    let at = f?["series"] ?? (calendar.node != nil ? calendar.node : f?["length"]) ?? top.node
    guard at.checkIntervalCount(horizon: horizon, series: series, hint: "a longer run.series") else { return nil }
    if warmup >= horizon {
      f?["warmup"]?.error(
        "the warm-up (\(ConfigNode.format(warmup))s) must end before the calendar does (\(ConfigNode.format(horizon))s)"
      )
      return nil
    }
    var drains = true
    if let node = f?["drain"] {
      guard let flag = node.bool() else { return nil }
      drains = flag
    }
    return RunSettings(
      horizon: horizon, warmup: warmup, series: series, replications: replications, seed: seed, drains: drains,
      mode: mode)
  }

  // MARK: Demand

  /// One entry per territory of the topology, returned in the topology's order.
  private static func readDemand(_ top: Fields, _ topology: PlatformFile.Result?, _ calendar: CalendarContext)
    -> [TerritoryDemand]?
  {
    let (node, entries) = top.entries("demand", required: true)
    var byTerritory: [Int: TerritoryDemand] = [:]
    var ok = true
    for (key, keyNode, value) in entries {
      let path = ConfigKeyPath.appending(key: key, to: "demand")
      var territory: Int? = nil
      if let topology {
        territory = PlatformFile.index(of: key, in: topology.territories, what: "territory", at: keyNode)
        if territory == nil {
          ok = false
          continue
        }
      }
      let timeZone = territory.flatMap { topology?.platform?.territories[$0].timeZone }
      let demand = readTerritoryDemand(
        value, path: path, top.overrides, classes: topology?.requestClasses, calendar: calendar, timeZone: timeZone)
      if let demand, let territory { byTerritory[territory] = demand } else { ok = false }
    }
    guard let topology else { return nil }
    let missing = topology.territories.filter { name in !entries.contains { $0.key == name } }
    if let node, !missing.isEmpty {
      let list = missing.map { "'\($0)'" }.joined(separator: ", ")
      var at = node.diagnostic("no demand for territory \(list): every territory of the topology needs an entry")
      if let position = node.keyPosition { (at.line, at.column) = position }
      node.log.report(at)
      ok = false
    }
    guard ok else { return nil }
    let demand = topology.territories.indices.compactMap { byTerritory[$0] }
    guard demand.count == topology.territories.count else {
      // Only when the section could not be read at all (a duplicate `demand:` key whose first
      // value is empty): that error is reported already, and there is nothing to add.
      if !top.node.log.hasErrors { top.node.error("no demand for every territory of the topology") }
      return nil
    }
    return demand
  }

  private static func readTerritoryDemand(
    _ node: ConfigNode, path: String, _ overrides: Overrides, classes: [String]?, calendar: CalendarContext,
    timeZone: TimeZone?
  ) -> TerritoryDemand? {
    guard let f = Fields.section(node, demand, path: path, overrides) else { return nil }
    var ok = true

    // The base level: a closed population of users, or open arrivals at a rate. An override
    // of one replaces the file's other (and the file's think time goes with its users).
    let kinds = f.given(oneOf: demand.exactlyOne[0])
    let thinkNode = kinds.first.map(f.isOverridden) == true && !f.isOverridden("think") ? nil : f["think"]
    var base: TerritoryDemand.Base? = nil
    if kinds.count != 1 {
      node.error(
        kinds.isEmpty
          ? "a territory's demand needs 'users' (concurrent users, with 'think') or 'rate' (requests per second)"
          : "a territory's demand takes 'users' or 'rate', not both")
      ok = false
    } else if kinds[0] == "users" {
      let users = f["users"]!.int()
      let think = (thinkNode ?? f.required("think")).flatMap {
        DistributionReader.read($0, path: f.path(of: "think"), overrides: overrides)
      }
      if let users, let think { base = .users(users, think: think) }
    } else {
      base = f["rate"]!.rate().map { .rate($0) }
    }
    if !kinds.contains("users"), let think = thinkNode {
      think.error("'think' is the time a user waits between requests: it goes with 'users'")
      ok = false
    }
    let growth = f["growth"].map { $0.double() } ?? 1
    let (mix, mixOK) = readMix(f, node: node, classes: classes)

    // Seasons, day and week refine the scenario's calendar for this territory.
    var selected: [String]? = nil
    var day: DayProfile? = nil
    var week: WeekProfile? = nil
    for key in ["seasons", "day", "week"] where calendar.node == nil {
      if let n = f[key] {
        n.error("'\(key)' refines the scenario's calendar, but the scenario has no 'calendar:' section")
        ok = false
      }
    }
    if calendar.node != nil {
      if f["seasons"] != nil {
        let items = f.items("seasons")
        let names = (items ?? []).map { item in
          item.string().flatMap { PlatformFile.index(of: $0, in: calendar.seasonNames, what: "season", at: item) }
            .map { calendar.seasonNames[$0] }
        }
        if items == nil || names.contains(where: { $0 == nil }) { ok = false } else { selected = names.map { $0! } }
        for (k, item) in (items ?? []).enumerated() where k < names.count {
          if let name = names[k], names[..<k].contains(name) { item.warning("season '\(name)' is listed twice") }
        }
      }
      if let n = f["day"] {
        day = CalendarFile.readDay(n, path: f.path(of: "day"), overrides: overrides)
        if day == nil { ok = false }
      }
      if let n = f["week"] {
        week = CalendarFile.readWeek(n, path: f.path(of: "week"), overrides: overrides)
        if week == nil { ok = false }
      }
    }

    guard ok, mixOK, let base, let growth, let mix else { return nil }
    // No demand at all: the territory has nothing measured and nothing judged, and would drop
    // out of the verdicts without a word.
    let level: Double =
      switch base {
      case .users(let users, _): Double(users)
      case .rate(let rate): rate
      }
    // Users are whole: 250 users at growth 0.001 are none (logged on as rounded).
    let isUsers = if case .users = base { true } else { false }
    if level * growth == 0 || (isUsers && level * growth < 0.5) {
      let place = growth == 0 || level > 0 ? f["growth"] : f[kinds[0]]
      let why =
        level * growth == 0 ? (growth == 0 ? "growth 0" : "\(kinds[0]) 0") : "\(level) users x \(growth) round to 0"
      (place ?? node).warning("no demand (\(why)): nothing of this territory is measured or judged")
    }
    // Beyond what the file's own values may say: a rate or a crowd no run could simulate.
    if !isUsers && level * growth > Quantity.fastestRate {
      (f["growth"] ?? node).error(
        "rate x growth is \(level * growth)/s, above the 1e9/s a run can simulate (is a rate or growth off by a factor?)"
      )
      return nil
    }
    if isUsers && level * growth > Self.mostUsers {
      (f["growth"] ?? node).error(
        "users x growth is \(level * growth), above the \(Int(Self.mostUsers)) users a run can hold (is a count or growth off by a factor?)"
      )
      return nil
    }
    var demandCalendar: DemandCalendar? = nil
    if let c = calendar.result?.calendar, let timeZone {
      demandCalendar = DemandCalendar(
        timeZone: timeZone, start: c.start, day: day ?? c.day, week: week ?? c.week,
        seasons: c.seasons.filter { selected?.contains($0.name) ?? true })
    }
    return TerritoryDemand(base: base, growth: growth, mix: mix, calendar: demandCalendar)
  }

  /// How far the shares of a mix may miss 1 and still be taken as meant to sum to 1 (three
  /// classes at 0.333 each): they are then scaled to sum to exactly 1.
  static let mixTolerance = 0.001

  /// Shares by request class name, in the topology's class order; classes left out get none.
  /// The shares must sum to 1: a mix that does not is an error with the sum, never silently
  /// scaled (`list: 0.6, detail: 0.5` is more likely a typo than weights).
  private static func readMix(_ f: Fields, node: ConfigNode, classes: [String]?) -> (mix: [Double]?, ok: Bool) {
    let (mixNode, entries) = f.entries("mix", required: true)
    var mix = classes.map { [Double](repeating: 0, count: $0.count) }
    var ok = (mixNode?.isMapping ?? false) || !entries.isEmpty
    var terms: [(name: String, share: Double)] = []
    for (name, keyNode, value) in entries {
      let share = fraction(value)
      if let share { terms.append((name, share)) } else { ok = false }
      if let classes {
        guard let c = PlatformFile.index(of: name, in: classes, what: "request class", at: keyNode) else {
          ok = false
          continue
        }
        mix?[c] = share ?? 0
      }
    }
    guard ok else { return (nil, false) }
    // A share a what-if or --set changed is where the error is: the mix's own line shows the
    // base file's old values.
    let base = mixNode ?? node
    let at = entries.first { $0.value.file != base.file }?.value ?? base
    let sum = terms.reduce(0) { $0 + $1.share }
    if sum == 0 {
      at.error("at least one request class needs a weight above 0")
      return (nil, false)
    }
    // The tolerance's own rounding aside: 1.001 is within it as 0.999 is (binary sums of
    // 0.334 + 0.333 + 0.334 come to 1.0010000000000001).
    if abs(sum - 1) > mixTolerance * (1 + 1e-9) {
      let shown = terms.map { "\($0.name) \(ConfigNode.format(($0.share * 1e6).rounded() / 1e6))" }
      let more = shown.count > 6 ? " + ..." : ""
      at.error(
        "the shares sum to \(ConfigNode.format((sum * 1e6).rounded() / 1e6)) (\(shown.prefix(6).joined(separator: " + "))\(more)); "
          + "they must sum to 1 (write each class's share of the requests, such as 0.45 or 45%)")
      return (nil, false)
    }
    return (mix.map { $0.map { $0 / sum } }, true)
  }

  // MARK: Times

  /// A local date-time (`2026-12-08T10:00`) in the calendar's time zone, as simulated seconds
  /// from the calendar's start; it must fall in [start, end). Without a calendar, a duration
  /// from the start (`2h`) within the run's length.
  static func time(_ node: ConfigNode, _ calendar: CalendarContext) -> Double? {
    guard calendar.node != nil else {
      if let text = node.scalarText, CalendarFile.civilDate(String(text.prefix { $0 != "T" })) != nil {
        node.error(
          "a date and time needs the scenario's 'calendar:'; without one, give the time from the start (e.g. 2h)")
        return nil
      }
      guard let t = node.duration() else { return nil }
      if let horizon = calendar.horizon, t >= horizon {
        node.error("\(node.scalarText ?? "") is not before the end of the run (\(ConfigNode.format(horizon))s)")
        return nil
      }
      return t
    }
    guard let local = CalendarFile.localDateTime(node), let result = calendar.result else { return nil }
    let c = result.calendar
    let t = DemandCalendar.instant(local.date, hour: local.hour, in: c.timeZone).timeIntervalSince(c.start)
    switch DemandCalendar.ambiguity(local.date, hour: local.hour, in: c.timeZone) {
    case .skipped?:
      node.warning(
        "\(node.scalarText ?? "") does not exist in \(c.timeZone.identifier) (the clocks jump over it that night): read as \(c.label(at: t))"
      )
    case .repeated?:
      node.warning(
        "\(node.scalarText ?? "") happens twice in \(c.timeZone.identifier) (the clocks go back that night): read as the first, \(c.label(at: t)) before the change"
      )
    case nil:
      break
    }
    guard t >= 0 && t < result.duration else {
      func describe(_ t: Double) -> String {
        let (date, hour) = c.localTime(at: t)
        let minutes = Int((hour * 60).rounded())
        return "\(date) \(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
      }
      node.error(
        "\(node.scalarText ?? "") is outside the calendar (\(describe(0)) to \(describe(result.duration)), "
          + "\(c.timeZone.identifier) time, end excluded)")
      return nil
    }
    return t
  }

  /// The most users logged on at once that a run holds (a few bytes each, in memory).
  static let mostUsers = 100_000_000.0

  // MARK: Faults

  private static func readFaults(_ top: Fields, _ topology: PlatformFile.Result?, _ calendar: CalendarContext)
    -> [Fault]?
  {
    guard top["faults"] != nil else { return [] }
    guard let items = top.items("faults") else { return nil }
    let faults = items.enumerated().map { i, item in
      readFault(item, path: ConfigKeyPath.appending(index: i, to: "faults"), top.overrides, topology, calendar)
    }
    // A node (or territory) is down or up, not down twice: the first fault's end would bring it
    // back while the second still holds, and the second would be lost without a word.
    var ok = true
    for (i, a) in faults.enumerated() {
      guard let a, let (subject, start, end) = Self.outage(a) else { continue }
      for (j, b) in faults.enumerated().prefix(i) {
        guard let b, let (other, bStart, bEnd) = Self.outage(b), other == subject, start < bEnd, bStart < end else {
          continue
        }
        items[i].error(
          "this fault overlaps \(ConfigKeyPath.appending(index: j, to: "faults")) on the same \(subject.hasPrefix("node") ? "database node" : "territory"): write one fault that covers both"
        )
        ok = false
        break
      }
    }
    for (i, a) in faults.enumerated() {
      switch a {
      case .instanceCrashes(let t, _, _)?:
        // One crash process per territory: a second one's MTBF and MTTR replaced the first's.
        guard
          let j = faults.prefix(i).firstIndex(where: {
            if case .instanceCrashes(t, _, _)? = $0 { true } else { false }
          })
        else { continue }
        items[i].error(
          "another 'crashes' fault (\(ConfigKeyPath.appending(index: j, to: "faults"))) already sets this territory's MTBF and MTTR: keep one (for crashes 1 in h1 and 1 in h2, write one with mtbf h1*h2/(h1+h2))"
        )
        ok = false
      case .replicaDown(let n, let at, _)?:
        // A failover before it may have promoted this very replica: it would take the primary down.
        guard case .replica(let p)? = topology?.roles[n],
          let j = faults.firstIndex(where: {
            if case .primaryFailover(p, let failedAt, _, _)? = $0 { failedAt <= at } else { false }
          })
        else { continue }
        let names = topology!.databases
        items[i].warning(
          "\(ConfigKeyPath.appending(index: j, to: "faults")) fails '\(names[p])' over before this: if '\(names[n])' is the replica promoted, this takes down the territory's primary (its writes fail)"
        )
      case .territoryOutage(_, let at, let duration, let to?, let after)?:
        // Failed over onto a territory that is down itself then: every request of it fails.
        guard
          let j = faults.firstIndex(where: {
            if case .territoryOutage(to, let otherAt, let otherDuration, _, _)? = $0 {
              otherAt < at + duration && at + after < otherAt + otherDuration
            } else {
              false
            }
          })
        else { continue }
        let names = topology?.territories ?? []
        let target = names.indices.contains(to) ? names[to] : "its target"
        items[i].warning(
          "this outage fails over to \(target) while \(target) is down itself (\(ConfigKeyPath.appending(index: j, to: "faults"))): the traffic failed over fails there, and is not passed on"
        )
      default:
        continue
      }
    }
    return !ok || faults.contains { $0 == nil } ? nil : faults.map { $0! }
  }

  /// What a fault takes down ("node 3", "territory 1") and from when to when; nil for faults that
  /// take nothing down for a stated time.
  private static func outage(_ f: Fault) -> (String, Double, Double)? {
    switch f {
    case .replicaDown(let node, let at, let duration): ("node \(node)", at, at + duration)
    case .territoryOutage(let t, let at, let duration, _, _): ("territory \(t)", at, at + duration)
    default: nil
    }
  }

  /// One fault; its `kind:` decides which keys it takes.
  private static func readFault(
    _ item: ConfigNode, path: String, _ overrides: Overrides, _ topology: PlatformFile.Result?,
    _ calendar: CalendarContext
  ) -> Fault? {
    guard let entries = item.openMapping() else { return nil }
    let kindPath = ConfigKeyPath.appending(key: fault.tag, to: path)
    guard let kindNode = overrides.value(at: kindPath) ?? entries.first(where: { $0.key == fault.tag })?.value else {
      item.error("missing required key 'kind' (one of: \(fault.values.joined(separator: ", ")))")
      return nil
    }
    guard let kind = kindNode.expecting(fault.tagKey.kind).oneOf(),
      let m = Fields.section(item, fault.section(for: kind)!, path: path, overrides)
    else {
      return nil
    }
    func territory(_ n: ConfigNode) -> Int? {
      guard let name = n.string(), let topology else { return nil }
      return PlatformFile.index(of: name, in: topology.territories, what: "territory", at: n)
    }
    func node(replica: Bool) -> Int? {
      guard let n = m.required("node"), let name = n.string(), let topology,
        let i = PlatformFile.index(of: name, in: topology.databases, what: "database node", at: n)
      else { return nil }
      switch (topology.roles[i], replica) {
      case (.replica, true): return i
      case (.primary, false):
        // A broken `replicaOf` elsewhere may be meant for this primary: don't guess.
        guard topology.roles.contains(.replica(of: i)) || topology.roles.contains(.unknown) else {
          n.error("'\(name)' has no replica to promote")
          return nil
        }
        return i
      case (.replica(let p), false):
        n.error("'\(name)' is a replica (of '\(topology.databases[p])'): a failover starts at a primary")
      case (.primary, true):
        n.error("'\(name)' is a primary: 'replica-down' takes a replica (use 'primary-failover' for a primary)")
      case (.unknown, _): break
      }
      return nil
    }
    let at = kind == "crashes" ? nil : m.required("at").flatMap { time($0, calendar) }
    switch kind {
    case "crashes":
      let t = m.required("territory").flatMap(territory)
      let mtbf = m.required("mtbf")?.duration()
      let mttr = m.required("mttr")?.duration()
      guard let t, let mtbf, let mttr else { return nil }
      return .instanceCrashes(territory: t, mtbf: mtbf, mttr: mttr)
    case "instance-crash":
      let t = m.required("territory").flatMap(territory)
      guard let t, let at else { return nil }
      return .instanceCrash(territory: t, at: at)
    case "replica-down":
      let n = node(replica: true)
      let duration = m.required("for")?.duration()
      guard let n, let at, let duration else { return nil }
      return .replicaDown(node: n, at: at, duration: duration)
    case "primary-failover":
      let n = node(replica: false)
      let detection = m.required("detection")?.duration()
      let promotion = m.required("promotion")?.duration()
      guard let n, let at, let detection, let promotion else { return nil }
      return .primaryFailover(node: n, at: at, detection: detection, promotion: promotion)
    case "territory-outage":
      let t = m.required("territory").flatMap(territory)
      let duration = m.required("for")?.duration()
      let to = m["failoverTo"].flatMap(territory)
      let after = m["after"].map { $0.duration() } ?? 0
      if let t, let to, t == to {
        m["failoverTo"]?.error("a territory cannot fail over to itself: name another territory")
        return nil
      }
      guard let t, let at, let duration, m["failoverTo"] == nil || to != nil, let after else { return nil }
      if to == nil, let n = m["after"] {
        n.warning("'after' has no effect without 'failoverTo': the territory's traffic fails over nowhere")
      }
      if to != nil && after >= duration {
        m["after"]?.error(
          "the failover would come when the outage is over (after \(m["after"]?.scalarText ?? ""), for \(m["for"]?.scalarText ?? "")): nothing would fail over; make 'after' shorter than 'for'"
        )
        return nil
      }
      return .territoryOutage(territory: t, at: at, duration: duration, failoverTo: to, failoverDelay: after)
    default:
      let t = m.required("territory").flatMap(territory)
      let batch = m["batch"].map { $0.int() } ?? 1
      guard let t, let at, let batch else { return nil }
      if let instances = topology?.pools[t].instances, batch >= instances {
        (m["batch"] ?? item).warning(
          "a batch of \(batch) restarts all \(instances) of the pool's instances at once: the territory is down for a start-up (a rolling deployment keeps some serving: a batch below \(instances))"
        )
      }
      return .deployment(territory: t, at: at, batch: batch)
    }
  }

  // MARK: Capacity and objectives

  /// The valid changes, and whether all were valid (the connection limit counts the valid ones
  /// even when others are broken).
  private static func readCapacity(_ top: Fields, _ topology: PlatformFile.Result?, _ calendar: CalendarContext)
    -> (changes: [CapacityChange], ok: Bool)
  {
    guard top["capacity"] != nil else { return ([], true) }
    guard let items = top.items("capacity") else { return ([], false) }
    var changes: [CapacityChange] = []
    var ok = true
    for (i, item) in items.enumerated() {
      let path = ConfigKeyPath.appending(index: i, to: "capacity")
      guard let m = Fields.section(item, capacityChange, path: path, top.overrides) else {
        ok = false
        continue
      }
      var territory: Int? = nil
      if let n = m.required("territory"), let name = n.string(), let topology {
        territory = PlatformFile.index(of: name, in: topology.territories, what: "territory", at: n)
      }
      let at = m.required("at").flatMap { time($0, calendar) }
      let instances = m.required("instances")?.int()
      if let territory, let at, let instances {
        if let same = changes.first(where: { $0.territory == territory && $0.at == at }) {
          item.error(
            "another capacity entry sets this territory at the same moment (to \(same.instances) instances): which holds would be a guess; keep one"
          )
          ok = false
        }
        changes.append(CapacityChange(territory: territory, at: at, instances: instances))
      } else {
        ok = false
      }
    }
    return (changes, ok)
  }

  /// `slo:`; every key may be left out (the platform's objectives apply). Request classes start
  /// with the objectives their topology gives them; `slo.classes.<name>` changes them.
  private static func readObjectives(_ top: Fields, classes: [RequestClass], classNames: [String]?)
    -> ServiceObjectives?
  {
    var objectives = ServiceObjectives()
    for c in classes { if let own = c.objectives { objectives.classes[c.name] = own } }
    // Without the section, overrides (`--set slo.p95=150ms`) may still set single keys.
    guard let f = top.section("slo") else { return top["slo"] == nil ? objectives : nil }
    let lookup = { (key: String) in f[key] }
    var ok = true
    let durations: [(String, WritableKeyPath<ServiceObjectives, Double>)] = [
      ("p95", \.p95), ("peakP95", \.peakP95), ("database", \.databaseP95),
    ]
    let optionalDurations: [(String, WritableKeyPath<ServiceObjectives, Double?>)] = [
      ("p99", \.p99), ("peakP99", \.peakP99),
    ]
    let fractions: [(String, WritableKeyPath<ServiceObjectives, Double>)] = [
      ("errorRate", \.errorRate), ("availability", \.availability), ("badMinute", \.badMinuteErrorRate),
    ]
    for (key, path) in durations {
      guard let n = lookup(key) else { continue }
      if let v = n.duration() { objectives[keyPath: path] = v } else { ok = false }
    }
    for (key, path) in optionalDurations {
      guard let n = lookup(key) else { continue }
      if let v = n.duration() { objectives[keyPath: path] = v } else { ok = false }
    }

    for (key, path) in fractions {
      guard let n = lookup(key) else { continue }
      if let v = fraction(n, objective: true) { objectives[keyPath: path] = v } else { ok = false }
    }
    // slo.classes.<name>: {p95: 1s, excluded: "why"}, each class one the topology has.
    for (name, keyNode, node) in f.entries("classes").entries {
      let path = ConfigKeyPath.appending(key: name, to: f.path(of: "classes"))
      if let known = classNames, !known.contains(name) {
        keyNode.error("no request class named '\(name)'\(Suggestions.hint(for: name, among: known))")
        ok = false
        continue
      }
      guard let classFields = Fields.section(node, classObjectives, path: path, top.overrides),
        let read = PlatformFile.readClassObjectives(classFields, into: objectives.classes[name] ?? ClassObjectives())
      else {
        ok = false
        continue
      }
      objectives.classes[name] = read
    }
    return ok ? objectives : nil
  }

  /// A share written as a percentage (`2%`, `99.9%`) or a fraction (`0.02`).
  /// `objective`: a target, where 1 (all of it) is more likely a percentage written bare.
  static func fraction(_ node: ConfigNode, objective: Bool = false) -> Double? {
    _ = node.declared("a share") { if case .share = $0 { true } else { false } }
    // Read as a plain number below, not as what the schema declares.
    let node = node.expecting(nil)
    let expected = "a percentage such as 2% or a fraction between 0 and 1"
    if let text = node.scalarText, text.hasSuffix("%"), node.scalarValue == .string(quoted: false) {
      // Plain decimal digits, as the schema's pattern: Double() also reads 0x10, 1e1 and +2.
      let digits = text.dropLast()
      guard digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), digits.filter({ $0 == "." }).count <= 1,
        digits.contains(where: \.isNumber), let percent = Double(digits), (0...100).contains(percent)
      else {
        node.error("expected \(expected), found '\(ConfigNode.abbreviated(text))'")
        return nil
      }
      // Shifted in decimal, so that 99.9% is the double nearest 0.999, as 0.999 is (99.9 / 100
      // in binary is 0.9990000000000001).
      return Double("\(text.dropLast())e-2") ?? percent / 100
    }
    guard let value = node.double() else { return nil }
    guard (0...1).contains(value) else {
      let text = node.scalarText ?? ""
      let hint = value > 1 && value <= 100 ? " (write \(text)% for a percentage)" : ""
      node.error("expected \(expected), found \(text)\(hint)")
      return nil
    }
    // 1 is all of it (100%), which 2 would not be: one who meant 1% is told.
    if objective && value == 1 { node.warning("1 is read as 100% (the whole); write 1% for one percent") }
    return value
  }
}
