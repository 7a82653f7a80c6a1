import Demand
import Foundation
import QueueingModel
import SimRandom

/// A scenario ready to run: the network (topology plus demand, overrides applied), the
/// measurement window, replications and seed.
package struct Scenario {
  package var file: String
  package var name: String
  package var description: String?
  package var topology: Topology
  package var network: Network
  package var window: RunWindow
  package var replications: Int
  package var seed: UInt64
  /// The local calendar that shapes demand, if the scenario has one (for labelling intervals).
  package var calendar: DemandCalendar?
}

/// Reads scenario files (demand, run length, seed, replications, what-if overrides), which name
/// the topology they run on.
package enum ScenarioFile {
  /// Loads and checks a scenario and its topology.
  ///
  /// - Returns: the scenario and any warnings.
  /// - Throws: every error found (with warnings), each naming file, line, column and key path.
  /// - Parameter settings: `KEY=VALUE` what-ifs from the command line, applied like the
  ///   scenario's `overrides:` and before them; reported as file `--set`, one line each.
  package static func load(path: String, settings: [String] = []) throws(DiagnosticError) -> (Scenario, [Diagnostic]) {
    let log = DiagnosticLog()
    let document = YAMLDocument(path: path, log: log)
    let commandLine = settingsDocument(settings, log: log)
    guard let root = document.root else {
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    // A topology given where a scenario belongs: said once, not as the scenario's missing keys.
    if let kind = FileKind(of: root), kind == .topology || kind == .platformTopology {
      let scenario = kind == .topology ? "a scenario" : "a platform scenario"
      let adds = kind == .topology ? "'arrivals' and 'run'" : "'demand'"
      root.error(
        "this is \(kind.article) ('\(kind.definingKey):'), not a scenario: runs take \(scenario), which names its topology "
          + "('topology: \(FileNames.baseName(path))') and adds \(adds)")
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    // A misspelt key that makes a kind (`bse:`): said at the key, not as a queueing scenario's
    // missing keys.
    if FileKind(of: root) == nil, FileKind.reportNearMisses(in: root) {
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    let scenario = read(root, file: path, commandLine: commandLine)
    if scenario == nil, !log.hasErrors {
      // A reader that gave up without saying why: an error, never a trap.
      root.error(
        "the scenario could not be read, and no key was named as the cause (a capsim defect: please report it)")
    }
    try log.throwIfErrors()
    guard let scenario else { throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources) }
    return (scenario, log.sortedDiagnostics)
  }

  /// Checks any capsim file, scenario or topology (of a queueing network or of the platform),
  /// and returns everything it found.
  ///
  /// - Parameter settings: `KEY=VALUE` what-ifs from the command line, read as `load` reads
  ///   them; in a topology alone they address its own keys, and one that matches none is an
  ///   error there too.
  package static func validate(path: String, settings: [String] = []) -> DiagnosticLog {
    let log = DiagnosticLog()
    guard let root = YAMLDocument(path: path, log: log).root else { return log }
    guard root.node.mapping != nil else {
      root.error(
        "expected a scenario (a mapping with 'topology:') or a topology (a mapping with 'stations:' or 'territories:')")
      return log
    }
    let commandLine = settingsDocument(settings, log: log)
    switch FileKind(of: root) {
    case .platformScenario?, .whatIf?: _ = PlatformScenarioFile.read(root, file: path, commandLine: commandLine)
    case .platformTopology?: validatePlatformTopology(root, file: path, commandLine: commandLine)
    case .scenario?: _ = read(root, file: path, commandLine: commandLine)
    case .topology?:
      let overrides = Overrides(commandLine)
      defer { overrides.reportUnused(topologyFile: FileNames.baseName(path)) }
      if let topology = TopologyFile.read(root, file: path, overrides: overrides) {
        report(
          Network(
            stations: topology.stations, dispatchers: topology.dispatchers, sources: [], sequences: topology.sequences,
            locks: topology.locks
          ).problems(),
          topology: topology, arrivals: [])
      }
    case nil:
      if !FileKind.reportNearMisses(in: root) {
        root.error("expected a scenario (with 'topology:') or a topology (with 'stations:' or 'territories:')")
      }
    }
    return log
  }

  /// `KEY=VALUE` settings as a YAML mapping, one line each, so that values parse like the file's.
  static func settingsDocument(_ settings: [String], log: DiagnosticLog) -> ConfigNode? {
    guard !settings.isEmpty else { return nil }
    let lines = settings.map { setting -> String in
      let (key, value) =
        setting.firstIndex(of: "=").map { (String(setting[..<$0]), String(setting[setting.index(after: $0)...])) }
        ?? (setting, "")
      let quoted = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      return "\"\(quoted)\": \(value)"
    }
    return YAMLDocument(text: lines.joined(separator: "\n") + "\n", file: "--set", log: log).root
  }

  /// Reads a scenario; its own keys and its topology's are read through the same overrides
  /// (`--set run.replications=20`, `--set 'arrivals[0].rate=50/s'`).
  static func read(_ root: ConfigNode, file: String, commandLine: ConfigNode? = nil) -> Scenario? {
    guard let mapping = root.mapping(Self.top) else { return nil }
    let overrides = Overrides(commandLine)
    overrides.add(mapping["overrides"])
    let top = Fields(mapping, path: "", overrides: overrides)
    let name = top["name"]?.name() ?? FileNames.defaultName(file)
    let description = top["description"]?.string()

    // The topology, relative to the file that names it, read through the overrides.
    var topology: Topology? = nil
    var topologyName: String? = nil
    if let node = top.required("topology"), let relative = node.string() {
      if let path = namedFile(relative, what: "topology file", at: node),
        let root = YAMLDocument(path: path, log: node.log).root,
        !FileKind.isOther(root, than: [.topology], namedAt: node, what: "a queueing-network topology")
      {
        topology = TopologyFile.read(root, file: path, overrides: overrides)
        topologyName = relative
      }
    }
    let calendarNode = top["calendar"]
    let calendar = calendarNode.flatMap { CalendarFile.read($0, path: "calendar", overrides: overrides).calendar }
    let calendarGiven = calendarNode != nil
    let run = readRun(top, calendarGiven: calendarGiven, calendarLength: calendar?.duration)
    var sources: [Source] = []
    var arrivalNodes: [ConfigNode] = []
    var ok = topology != nil
    if let topology {
      arrivalNodes = top.items("arrivals", required: true) ?? []
      if let node = top["arrivals"], node.isSequence, arrivalNodes.isEmpty {
        node.error("a scenario needs at least one arrival source")
      }
      // Where each name was first given: a source's name also names its random streams, so two
      // sources of one name would draw the same numbers.
      var named: [String: (index: Int, node: ConfigNode)] = [:]
      for (i, node) in arrivalNodes.enumerated() {
        // A rate schedule is built only for a run that can happen: a century's calendar with a
        // broken run would take seconds to lay out for nothing.
        let usable = run == nil ? nil : calendar
        let path = ConfigKeyPath.appending(index: i, to: "arrivals")
        if let (source, nameNode) = readNamedSource(
          node, index: i, topology, calendar: usable, calendarGiven: calendarGiven, path: path, overrides: overrides)
        {
          if let first = named[source.name] {
            // An alias (`- *a`) repeats the first source's nodes, positions included.
            let alias = nameNode.line == first.node.line && nameNode.column == first.node.column
            nameNode.error(
              "a second arrival source named '\(source.name)' (arrivals[\(first.index)], line \(first.node.line), has it"
                + (alias ? "; arrivals[\(i)] repeats it through an alias" : "")
                + "): each source needs a name of its own, which also names its random numbers")
            ok = false
          } else {
            named[source.name] = (i, nameNode)
          }
          sources.append(source)
        } else {
          ok = false
        }
      }
    }
    // A calendar whose profiles shape no source: its span is the run's, its 5x season nothing.
    if let calendarNode, ["day", "week", "seasons"].contains(where: { calendarNode.node[$0] != nil }),
      !arrivalNodes.isEmpty,
      !arrivalNodes.indices.contains(where: { i in
        // As read: `--set arrivals[0].calendar=false` turns a source off the calendar too.
        let path = ConfigKeyPath.appending(key: "calendar", to: ConfigKeyPath.appending(index: i, to: "arrivals"))
        return (overrides.value(at: path)?.node.bool ?? arrivalNodes[i].node["calendar"]?.bool) == true
      })
    {
      calendarNode.warning(
        "no arrival source follows the calendar ('calendar: true'): its day, week and seasons shape nothing, and every rate stays as written"
      )
    }
    if let topologyName {
      overrides.reportUnused(matchingNothingIn: "topology \(topologyName) or scenario \(FileNames.baseName(file))")
    }
    guard ok, let topology, let run else { return nil }
    let network = Network(
      stations: topology.stations, dispatchers: topology.dispatchers, sources: sources, sequences: topology.sequences,
      locks: topology.locks)
    let problems = network.problems()
    report(problems, topology: topology, arrivals: arrivalNodes)
    guard !problems.contains(where: \.isError) else { return nil }
    // A schedule that ends inside the window without repeating leaves the rest without
    // arrivals, measured and averaged in (a calendar run past its end is an error for this).
    for (i, source) in sources.enumerated() where i < arrivalNodes.count {
      guard case .varying(let schedule) = source.kind, !schedule.repeats,
        schedule.period < run.window.warmup + run.window.horizon
      else { continue }
      arrivalNodes[i].warning(
        "the schedule of '\(source.name)' ends at \(spanText(schedule.period)) without 'repeat: true', before the run's end at \(spanText(run.window.warmup + run.window.horizon)): no arrivals from then on, and those hours are measured all the same"
      )
    }
    return Scenario(
      file: file, name: name, description: description, topology: topology, network: network,
      window: run.window, replications: run.replications, seed: run.seed, calendar: calendar?.calendar)
  }

  static func resolve(_ path: String, from file: String) -> String {
    if path.hasPrefix("/") { return path }
    let directory = (file as NSString).deletingLastPathComponent
    let joined = directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    // "scenarios/../topologies/x.yaml" reads better as "topologies/x.yaml" in messages.
    var parts: [String] = []
    for part in joined.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
      if part == "..", let last = parts.last, last != "..", !last.isEmpty {
        parts.removeLast()
      } else if part != "." {
        parts.append(part)
      }
    }
    let resolved = parts.joined(separator: "/")
    return resolved.isEmpty ? "." : resolved  // "." from a file in the working directory
  }

  /// The path of a file that a key names (`topology:`, `base:`, `autoscaler:`), resolved
  /// against the file that names it; nil after an error at the key's value when there is no such
  /// file or it is a directory, so that the error points at the line that gave the path.
  static func namedFile(_ relative: String, what: String, at node: ConfigNode) -> String? {
    let path = resolve(relative, from: node.file)
    var isDirectory: ObjCBool = false
    guard !relative.isEmpty else {
      node.error("\(what) is empty: give the path of a YAML file")
      return nil
    }
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      node.error("\(what) '\(relative)' not found (looked for \(path))")
      return nil
    }
    guard !isDirectory.boolValue else {
      let looked = path == relative ? "" : " (\(path))"
      node.error("\(what) '\(relative)' is a directory\(looked), expected a YAML file")
      return nil
    }
    return path
  }

  /// Network problems, reported where the station, dispatcher or source was written.
  static func report(_ problems: [NetworkProblem], topology: Topology, arrivals: [ConfigNode]) {
    // The copies that have each problem, as said of their group.
    var copiesWith: [String: Set<Int>] = [:]
    for p in problems {
      if case .station(let s) = p.subject, let grouped = groupMessage(p, topology: topology) {
        copiesWith[(p.isError ? "error: " : "") + grouped.message, default: []].insert(s)
      }
    }
    for p in problems {
      let node: ConfigNode?
      switch p.subject {
      case .station(let s): node = topology.stationNodes.indices.contains(s) ? topology.stationNodes[s] : nil
      case .dispatcher(let d): node = topology.dispatcherNodes.indices.contains(d) ? topology.dispatcherNodes[d] : nil
      case .source(let i): node = arrivals.indices.contains(i) ? arrivals[i] : nil
      case .sequence(let k): node = topology.sequenceNodes.indices.contains(k) ? topology.sequenceNodes[k] : nil
      case .lock(let l): node = topology.lockNodes.indices.contains(l) ? topology.lockNodes[l] : nil
      }
      guard let node else { continue }
      // Copies share their definition: a problem every copy has is said once for the group
      // ("each copy of 'app'"); one that only some copies have (a weighted dispatcher's
      // heaviest target) names the copy.
      var message = p.message
      if let grouped = groupMessage(p, topology: topology), let members = topology.groups[grouped.group],
        members.allSatisfy({ copiesWith[(p.isError ? "error: " : "") + grouped.message, default: []].contains($0) })
      {
        message = grouped.message
      }
      if p.isError { node.error(message) } else { node.warning(message) }
    }
  }

  /// A copy's problem as said of its group, with the group's name; nil for other problems.
  private static func groupMessage(_ p: NetworkProblem, topology: Topology) -> (group: String, message: String)? {
    guard case .station(let s) = p.subject, topology.stations.indices.contains(s) else { return nil }
    let name = topology.stations[s].name
    guard let open = name.lastIndex(of: "["), topology.groups[String(name[..<open])] != nil else { return nil }
    let group = String(name[..<open])
    return (group, p.message.replacingOccurrences(of: "station '\(name)'", with: "each copy of station '\(group)'"))
  }

  struct RunSettings {
    var window: RunWindow
    var replications: Int
    var seed: UInt64
  }

  /// `run:`; with a calendar, `length` defaults to the calendar's span and the section may be
  /// left out.
  static func readRun(_ top: Fields, calendarGiven: Bool, calendarLength: Double? = nil) -> RunSettings? {
    guard let m = top.section("run", required: !calendarGiven) else {
      guard top["run"] == nil else { return nil }
      return calendarLength.map {
        RunSettings(window: RunWindow(warmup: 0, horizon: $0, seriesInterval: 3_600), replications: 10, seed: 1)
      }
    }
    let node = m.node
    let warmup = m["warmup"]?.duration() ?? 0
    var length = calendarLength != nil ? m["length"]?.duration() : m.required("length")?.duration()
    // The calendar is the whole run, warm-up first (as in a platform scenario): past its end
    // nothing arrives, and hours of it would be measured as idle.
    if let span = calendarLength {
      let lengthNode = m["length"]
      if lengthNode == nil, warmup >= span, let node = m["warmup"] {
        node.error(
          "run.warmup (\(spanText(warmup))) leaves nothing of the calendar's \(spanText(span)) to measure: a shorter warm-up, or a longer calendar"
        )
        return nil
      }
      if lengthNode == nil { length = span - warmup }
      if let given = length, let lengthNode, warmup + given > span * (1 + 1e-9) {
        lengthNode.error(
          "run.warmup + run.length is \(spanText(warmup + given)), past the calendar's \(spanText(span)): nothing arrives after its end, and those hours would be measured as idle (leave run.length out to measure the calendar after the warm-up)"
        )
        return nil
      }
    }
    let replications = m["replications"]?.int() ?? 10
    let seed = m["seed"]?.seed() ?? 1
    let drain = m["drain"].flatMap(readDrain)
    // A calendar run is about change over time: hourly intervals unless told otherwise.
    let series = m["series"]?.duration() ?? (calendarLength != nil ? 3_600 : nil)
    guard let length else { return nil }
    if let series, let node = m["series"] ?? m["length"] ?? Optional(node),
      !node.checkIntervalCount(horizon: length, series: series, hint: "a longer interval")
    {
      return nil
    }
    return RunSettings(
      window: RunWindow(warmup: warmup, horizon: length, drainLimit: drain, seriesInterval: series),
      replications: replications, seed: seed)
  }

  /// `30h`, `90min`, `45s`: a span for messages, in the largest unit that says it exactly.
  static func spanText(_ seconds: Double) -> String {
    if seconds >= 3_600, seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600))h" }
    if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))min" }
    return String(format: "%gs", seconds)
  }

  /// `drain: 10min` (longest run after the window), `drain: false` or `0s` (stop at the window's
  /// end, as `pgbench -T` does), `drain: true` (the default, `length`).
  static func readDrain(_ node: ConfigNode) -> Double? {
    if case .bool? = node.scalarValue { return node.bool() == false ? 0 : nil }
    return node.duration()
  }

  /// A source and where its name is written (the source's own node when it has no name).
  static func readNamedSource(
    _ node: ConfigNode, index: Int, _ topology: Topology, calendar: CalendarFile.Result? = nil,
    calendarGiven: Bool = false, path: String = "", overrides: Overrides = Overrides()
  ) -> (source: Source, nameNode: ConfigNode)? {
    guard let m = Fields.section(node, arrival, path: path, overrides) else { return nil }
    let followsCalendar = m["calendar"]?.bool() ?? false
    if followsCalendar && !calendarGiven {
      m["calendar"]?.error("this source follows the calendar, but the scenario has no 'calendar:' section")
    }
    if followsCalendar, let connections = m["connections"] {
      connections.error("paced connections follow a constant rate; 'calendar: true' shapes Poisson arrivals only")
    }
    if followsCalendar && m["rate"] == nil {
      m["calendar"]?.error("'calendar: true' shapes a 'rate'; this source has none")
    }
    let name = m["name"]?.name() ?? "arrivals[\(index)]"
    let destination = m.required("to").flatMap { n in n.string().flatMap { topology.destination($0, at: n) } }
    let kinds = m.given(oneOf: arrival.exactlyOne[0])
    guard kinds.count == 1 else {
      node.error(
        kinds.isEmpty
          ? "an arrival source needs one of 'rate' (Poisson), 'schedule' (time-varying Poisson) or 'users' (closed population)"
          : "an arrival source takes only one of \(kinds.map { "'\($0)'" }.joined(separator: ", "))")
      return nil
    }
    if kinds[0] != "users", let think = m["think"] {
      think.error("'think' applies only to a closed population ('users')")
    }
    if kinds[0] != "rate", let connections = m["connections"] {
      connections.error("'connections' applies only to a 'rate' (open loop per connection, as pgbench --rate)")
      return nil
    }
    var kind: Source.Kind? = nil
    switch kinds[0] {
    case "rate":
      let rate = m["rate"]!.rate()
      if followsCalendar {
        guard let rate, let calendar else { return nil }
        do {
          kind = .varying(try calendar.calendar.rateSchedule(baseRate: rate, duration: calendar.duration))
        } catch {
          node.error("the calendar gives no usable arrival rate: \(error)")
        }
      } else if let node = m["connections"] {
        guard let connections = node.int(), let rate else { return nil }
        kind = .paced(connections: connections, rate: rate)
      } else {
        kind = rate.map { .poisson(rate: $0) }
      }
    case "schedule":
      kind = m.section("schedule").flatMap(readSchedule).map { .varying($0) }
    default:
      let users = m["users"]!.int()
      let think = m.required("think").flatMap {
        DistributionReader.read($0, path: m.path(of: "think"), overrides: overrides)
      }
      if let users, let think { kind = .closed(users: users, think: think) }
    }
    if destination == .exit { m["to"]?.error("arrivals must go to a station or dispatcher, not exit") }
    guard let kind, let destination, destination != .exit else { return nil }
    return (Source(name: name, kind: kind, to: destination), m["name"] ?? node)
  }

  static func readSchedule(_ m: Fields) -> RateSchedule? {
    let node = m.node
    let interpolation = m["interpolation"]?.oneOf().flatMap(RateSchedule.Interpolation.init) ?? .step
    let repeats = m["repeat"]?.bool() ?? false
    let end = m.required("end")?.duration()
    var times: [Double] = []
    var rates: [Double] = []
    var ok = true
    for (i, point) in (m.items("points", required: true) ?? []).enumerated() {
      let path = ConfigKeyPath.appending(index: i, to: m.path(of: "points"))
      guard let pm = Fields.section(point, schedulePoint, path: path, m.overrides) else {
        ok = false
        continue
      }
      let at = pm.required("at")?.duration()
      let rate = pm.required("rate")?.rate()
      if let at, let rate {
        times.append(at)
        rates.append(rate)
      } else {
        ok = false
      }
    }
    guard ok, let end else { return nil }
    do {
      return try RateSchedule(times: times, rates: rates, period: end, interpolation: interpolation, repeats: repeats)
    } catch {
      (m["points"] ?? node).error(error.description)
      return nil
    }
  }
}
