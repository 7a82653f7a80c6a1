import QueueingModel
import SimRandom
import Suggestions

/// What a topology file describes: stations and dispatchers, with routing resolved to indices.
package struct Topology {
  package var file: String
  package var name: String
  package var description: String?
  package var stations: [Station]
  package var dispatchers: [Dispatcher]
  package var sequences: [VisitSequence] = []
  package var locks: [Lock] = []
  /// Where each station, dispatcher, class and lock was written, for problems found after reading.
  var stationNodes: [ConfigNode]
  var dispatcherNodes: [ConfigNode]
  var sequenceNodes: [ConfigNode] = []
  var lockNodes: [ConfigNode] = []
  /// Stations written with `discipline: batch`, read or not (a step's service there is an
  /// error even when the station has errors of its own).
  var batchStations: Set<String> = []
  /// Names a route, dispatcher or source can send customers to.
  var destinations: [String: Destination]
  /// A station written with `copies: N` expands to N stations `name[1]` ... `name[N]`.
  var groups: [String: [Int]]

  /// One copy of a group by name (`web[2]`): nil when the name is no copy's; `.some(nil)` when
  /// the group has no such copy (reported at `node`).
  func copy(_ name: String, at node: ConfigNode) -> Int?? {
    guard let open = name.firstIndex(of: "["), name.hasSuffix("]"), let members = groups[String(name[..<open])] else {
      return nil
    }
    if let n = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), members.indices.contains(n - 1) {
      return .some(members[n - 1])
    }
    let group = name[..<open]
    node.error("'\(group)' has \(members.count) copies, \(group)[1] to \(group)[\(members.count)]: there is no '\(name)'")
    return .some(nil)
  }

  /// The destination a name refers to, reporting an error at `node` when there is none.
  func destination(_ name: String, at node: ConfigNode, allowGroups: Bool = false) -> Destination? {
    if name == "exit" { return .exit }
    if let d = destinations[name] { return d }
    if let copy = copy(name, at: node) { return copy.map { .station($0) } }
    if groups[name] != nil {
      node.error("'\(name)' is a group of copies; send customers to a dispatcher over it instead")
      return nil
    }
    var message = "no station, dispatcher or class named '\(name)'"
    let known = Array(destinations.keys) + Array(groups.keys) + ["exit"]
    if let near = Suggestions.closest(to: name, among: known) { message += " (did you mean '\(near)'?)" }
    node.error(message)
    return nil
  }
}

/// Reads topology files (what exists: stations, servers, routing, dispatchers).
enum TopologyFile {
  static func read(_ root: ConfigNode, file: String, overrides: Overrides) -> Topology? {
    guard let top = root.mapping(Self.top) else { return nil }
    let f = Fields(top, path: "", overrides: overrides)
    let name = f["name"]?.name() ?? FileNames.defaultName(file)
    let description = f["description"]?.string()

    // Pass 1: names, so that routes may refer to entries written later.
    let stationEntries = entries(f, "stations", required: true)
    let dispatcherEntries = entries(f, "dispatchers", required: false)
    let classEntries = entries(f, "classes", required: false)
    var topology = Topology(
      file: file, name: name, description: description, stations: [], dispatchers: [],
      stationNodes: [], dispatcherNodes: [], destinations: [:], groups: [:])
    var stationFields: [(name: String, fields: Fields?, node: ConfigNode)] = []
    for (key, keyNode, node) in stationEntries {
      let path = ConfigKeyPath.appending(key: key, to: "stations")
      guard checkName(key, keyNode, topology) else { continue }
      let fields = Fields.section(node, station, path: path, overrides)
      let copies = fields?["copies"]?.int()
      if let copies {
        var members: [Int] = []
        for i in 1...copies {
          members.append(stationFields.count)
          stationFields.append(("\(key)[\(i)]", fields, keyNode))
        }
        topology.groups[key] = members
      } else {
        topology.destinations[key] = .station(stationFields.count)
        stationFields.append((key, fields, keyNode))
      }
    }
    var dispatcherFields: [(name: String, fields: Fields?, node: ConfigNode)] = []
    for (key, keyNode, node) in dispatcherEntries {
      let path = ConfigKeyPath.appending(key: key, to: "dispatchers")
      guard checkName(key, keyNode, topology) else { continue }
      topology.destinations[key] = .dispatcher(dispatcherFields.count)
      let fields = Fields.section(node, dispatcher, path: path, overrides)
      dispatcherFields.append((key, fields, keyNode))
    }
    var classFields: [(name: String, fields: Fields?, node: ConfigNode)] = []
    for (key, keyNode, node) in classEntries {
      let path = ConfigKeyPath.appending(key: key, to: "classes")
      guard checkName(key, keyNode, topology) else { continue }
      topology.destinations[key] = .sequence(classFields.count)
      classFields.append((key, Fields.section(node, requestClass, path: path, overrides), keyNode))
    }
    let (lockNames, locksRead) = readLocks(f, into: &topology)

    // Pass 2: the entries themselves. A group's copies share one description, read once.
    var readGroups: [String: Station] = [:]
    var ok = locksRead
    for (name, fields, node) in stationFields {
      let groupKey = name.firstIndex(of: "[").map { String(name[..<$0]) }
      if let groupKey, var station = readGroups[groupKey] {
        station.name = name
        topology.stations.append(station)
        topology.stationNodes.append(node)
        continue
      }
      if fields?["discipline"]?.scalarText == Discipline.batch.rawValue { topology.batchStations.insert(name) }
      guard let fields, var station = readStation(name, fields, topology) else {
        ok = false
        continue
      }
      if let groupKey {
        readGroups[groupKey] = station
        station.name = name
      }
      topology.stations.append(station)
      topology.stationNodes.append(node)
    }
    for (name, fields, node) in dispatcherFields {
      guard let fields, let dispatcher = readDispatcher(name, fields, topology) else {
        ok = false
        continue
      }
      topology.dispatchers.append(dispatcher)
      topology.dispatcherNodes.append(node)
    }
    // Where each class read takes its locks, step by step, for the lock-order check.
    var acquireNodes: [[ConfigNode]] = []
    for (name, fields, node) in classFields {
      guard let fields, let (sequence, stepNodes) = readClass(name, fields, topology, lockNames: lockNames) else {
        ok = false
        continue
      }
      topology.sequences.append(sequence)
      topology.sequenceNodes.append(node)
      acquireNodes.append(stepNodes)
    }
    // Checked here, with the file's other errors, over the classes that could be read.
    if let cycle = Network.lockOrderCycle(topology.sequences, lockCount: topology.locks.count), let closing = cycle.steps.last {
      acquireNodes[closing.sequence][closing.step].error(cycle.message(topology.sequences, topology.locks, atClosingStep: true))
      ok = false
    }
    return ok ? topology : nil
  }

  /// Entries of an open mapping plus entries that overrides add to it: name, where the name is
  /// written (for problems with the entry as a whole), and the value.
  private static func entries(_ f: Fields, _ key: String, required: Bool) -> [(String, ConfigNode, ConfigNode)] {
    let (node, entries) = f.entries(key, required: required)
    if required, node != nil, entries.isEmpty { node?.error("a topology needs at least one station") }
    return entries.map { ($0.key, $0.keyNode, $0.value) }
  }

  private static func checkName(_ name: String, _ node: ConfigNode, _ topology: Topology) -> Bool {
    if name == "exit" {
      node.error("'exit' is reserved: it means leaving the network")
      return false
    }
    if name.contains("[") || name.contains("]") {
      node.error("names cannot contain brackets: they are used for copies (web[1], web[2], ...)")
      return false
    }
    if topology.destinations[name] != nil || topology.groups[name] != nil {
      node.error("'\(name)' is already the name of another station, dispatcher or class")
      return false
    }
    return true
  }

  private static func readStation(_ name: String, _ f: Fields, _ topology: Topology) -> Station? {
    var servers: Station.Servers? = nil
    if let node = f.required("servers") {
      if node.isScalar("infinite") {
        servers = .infinite
      } else if let c = node.int() {
        servers = .finite(c)
      }
    }
    let service = f.required("service").flatMap {
      DistributionReader.read($0, path: f.path(of: "service"), overrides: f.overrides)
    }
    let capacity = f["capacity"]?.int()
    let timeout = f["timeout"]?.duration()
    if let capacity, case .finite(let c)? = servers, capacity < c {
      f["capacity"]?.error(
        "capacity (\(capacity)) counts waiting plus in service, so it cannot be below servers (\(c))")
      return nil
    }
    if timeout != nil, servers == .infinite {
      // An error, as under processor sharing: a key that can never act is not quietly kept.
      f["timeout"]?.error("an infinite-server station never makes anyone wait, so a timeout never fires")
      return nil
    }
    let routing = readRoutes(f, topology)
    let discipline = f["discipline"].map { $0.oneOf().flatMap(Discipline.init) } ?? .fifo
    if discipline == .processorSharing, timeout != nil {
      f["timeout"]?.error(
        "under processor sharing every customer is in service at once: nobody waits, so a timeout never fires")
      return nil
    }
    var loadFactor: LoadFactor? = nil
    if f["loadFactor"] != nil {
      loadFactor = readLoadFactor(f)
      if loadFactor == nil { return nil }
    }
    if discipline == .fifo, case .finite(let c)? = servers, let loadFactor, let node = f["loadFactor"] {
      warnOfPointsPast(
        c, loadFactor, at: node,
        why: "under fifo at most \(c) (servers) are in service at once, so concurrencies past \(c) are never reached; "
          + "under processor-sharing every customer present is in service")
    }
    if discipline == .batch {
      if servers == .infinite {
        f["servers"]?.error("a batch station needs a whole number of servers (flushers): infinite servers never batch")
        return nil
      }
      if let node = f["loadFactor"] {
        node.error("a batch station serves a whole batch in one service time: a load factor does not apply")
        return nil
      }
    }
    guard let servers, let service, let routing, let discipline else { return nil }
    return Station(
      name: name, servers: servers, service: service, capacity: capacity, timeout: timeout, routing: routing,
      discipline: discipline, loadFactor: loadFactor)
  }

  /// Warns of the points of `loadFactor` past the first at or above `limit`, the most ever in
  /// service: they shape no factor (interpolation reaches no further). `why` says whose limit.
  static func warnOfPointsPast(_ limit: Int, _ loadFactor: LoadFactor, at node: ConfigNode, why: String) {
    guard let first = loadFactor.concurrency.firstIndex(where: { $0 >= limit }),
      first + 1 < loadFactor.concurrency.count
    else { return }
    let many = loadFactor.concurrency.count - first > 2
    let inert = loadFactor.concurrency[(first + 1)...].map(String.init).joined(separator: ", ")
    node.warning("the point\(many ? "s" : "") at concurrency \(inert) never appl\(many ? "y" : "ies"): " + why)
  }

  /// `loadFactor: [{concurrency: 1, factor: 1}, {concurrency: 8, factor: 1.5}]`, concurrencies
  /// strictly increasing (a station's, or a platform's app pool's).
  static func readLoadFactor(_ station: Fields) -> LoadFactor? {
    guard let items = station.items("loadFactor") else { return nil }
    guard (1...10_000).contains(items.count) else {
      station["loadFactor"]?.error(
        items.isEmpty
          ? "a load factor needs at least one point, such as [{concurrency: 1, factor: 1}]; leave the key out for none"
          : "a load factor has at most 10,000 points, found \(items.count)")
      return nil
    }
    var concurrency: [Int] = []
    var factor: [Double] = []
    var ok = true
    for (i, item) in items.enumerated() {
      let path = ConfigKeyPath.appending(index: i, to: station.path(of: "loadFactor"))
      guard let m = Fields.section(item, loadPoint, path: path, station.overrides),
        let n = m.required("concurrency")?.int(), let f = m.required("factor")?.double()
      else {
        ok = false
        continue
      }
      if let previous = concurrency.last, n <= previous {
        m["concurrency"]?.error("concurrencies must increase from point to point: \(n) follows \(previous)")
        ok = false
      }
      concurrency.append(n)
      factor.append(f)
    }
    guard ok, !concurrency.isEmpty else { return nil }
    return LoadFactor(concurrency: concurrency, factor: factor)
  }

  /// `next: db`, or a list `[{to: db, p: 0.7}, {to: exit, p: 0.3}]`; absent means exit.
  private static func readRoutes(_ station: Fields, _ topology: Topology) -> [Route]? {
    guard let node = station["next"] else { return [] }
    // A class is where a trip begins: said here, with the file's other errors, at the name.
    func routed(_ name: String, at node: ConfigNode) -> Destination? {
      let d = topology.destination(name, at: node)
      if case .sequence? = d {
        node.error(
          "'\(name)' is a class: a class's sequence is where a trip begins, so only arrivals send customers to one; route to a station, a dispatcher or exit")
        return nil
      }
      return d
    }
    if !node.isSequence {
      guard let name = node.string(), let d = routed(name, at: node) else { return nil }
      return [Route(to: d, probability: 1)]
    }
    guard let items = station.items("next") else { return nil }
    var routes: [Route] = []
    var ok = true
    // Where each destination was first named, and its probabilities so far.
    var named: [String: (index: Int, p: Double)] = [:]
    for (i, item) in items.enumerated() {
      let path = ConfigKeyPath.appending(index: i, to: station.path(of: "next"))
      guard let m = Fields.section(item, route, path: path, station.overrides) else {
        ok = false
        continue
      }
      let toNode = m.required("to")
      let to = toNode.flatMap { n in n.string().flatMap { routed($0, at: n) } }
      let p = m.required("p")?.double()
      if let to, let p {
        routes.append(Route(to: to, probability: p))
        // Legal (the probabilities add up) but more likely a slip for another station.
        if let toNode, let name = toNode.string() {
          if let first = named[name] {
            toNode.warning(
              "a second route to '\(name)' (next[\(first.index)] has one): their p add up to \(((first.p + p) * 1e12).rounded() / 1e12)"
            )
          }
          named[name] = (named[name]?.index ?? i, (named[name]?.p ?? 0) + p)
        }
      } else {
        ok = false
      }
    }
    guard ok else { return nil }
    let total = routes.reduce(0) { $0 + $1.probability }
    guard abs(total - 1) <= 1e-9 else {
      node.error("routing probabilities must sum to 1, found \(total)")
      return nil
    }
    return routes
  }

  private static func readDispatcher(_ name: String, _ f: Fields, _ topology: Topology) -> Dispatcher? {
    let policy = f.required("policy")?.oneOf().flatMap(DispatchPolicy.init)
    var targets: [Int]? = nil
    if let node = f.required("targets") {
      targets = readTargets(node, node.isSequence ? f.items("targets") ?? [] : [node], topology)
    }
    var weights: [Double]? = nil
    if let node = f["weights"] {
      if policy != .weighted {
        node.error("weights apply only to the weighted policy")
      } else if let items = f.items("weights") {
        let values = items.map { $0.double() }
        if values.allSatisfy({ $0 != nil }) { weights = values.map { $0! } }
        if let targets, let w = weights, w.count != targets.count {
          node.error("\(w.count) weights for \(targets.count) targets: give one weight per target")
          weights = nil
        }
      }
    } else if policy == .weighted {
      f.node.error("the weighted policy needs 'weights', one per target")
    }
    guard let policy, let targets, policy != .weighted || weights != nil else { return nil }
    return Dispatcher(name: name, policy: policy, targets: targets, weights: weights)
  }

  /// A list of station names, where a group name stands for all its copies; or one group name.
  private static func readTargets(_ node: ConfigNode, _ items: [ConfigNode], _ topology: Topology) -> [Int]? {
    var out: [Int] = []
    var ok = true
    for item in items {
      guard let name = item.string() else {
        ok = false
        continue
      }
      if let members = topology.groups[name] {
        out += members
      } else if case .station(let s)? = topology.destinations[name] {
        out.append(s)
      } else if let copy = topology.copy(name, at: item) {
        if let s = copy { out.append(s) } else { ok = false }
      } else if let other = topology.destinations[name] {
        let kind = if case .sequence = other { "a class (a sequence of visits)" } else { "a dispatcher" }
        item.error("'\(name)' is \(kind); targets must be stations")
        ok = false
      } else {
        _ = topology.destination(name, at: item)
        ok = false
      }
    }
    if ok && out.isEmpty {
      node.error("a dispatcher needs at least one target")
      return nil
    }
    if Set(out).count != out.count {
      node.error("a station is listed more than once among the targets")
      return nil
    }
    return ok ? out : nil
  }
}

extension TopologyFile {
  /// `locks: {branch-row: {capacity: 1}}`: the lock names, by index, and whether every lock
  /// could be read. A lock whose entry has errors is still named, so that the steps that take
  /// it are not also told it does not exist.
  static func readLocks(_ f: Fields, into topology: inout Topology) -> (names: [String: Int], ok: Bool) {
    var names: [String: Int] = [:]
    var ok = true
    for (key, keyNode, node) in f.entries("locks").entries {
      let path = ConfigKeyPath.appending(key: key, to: "locks")
      let capacity = Fields.section(node, lock, path: path, f.overrides).flatMap { $0.required("capacity")?.int() }
      if capacity == nil { ok = false }
      names[key] = topology.locks.count
      topology.locks.append(Lock(name: key, capacity: capacity ?? 1))
      topology.lockNodes.append(keyNode)
    }
    return (names, ok)
  }

  /// A request class: `sequence: [{station: cpu, service: ..., acquire: row}, ...]`.
  /// - Returns: the sequence, and where each step takes its locks (its `acquire`, else the step).
  static func readClass(_ name: String, _ f: Fields, _ topology: Topology, lockNames: [String: Int]) -> (
    VisitSequence, [ConfigNode]
  )? {
    _ = f["description"]?.string()
    guard let items = f.items("sequence", required: true) else { return nil }
    if items.isEmpty, let node = f["sequence"] { node.error("a sequence needs at least one step") }
    var steps: [VisitSequence.Step] = []
    var acquireNodes: [ConfigNode] = []
    var ok = !items.isEmpty
    var held: Set<Int> = []
    for (i, item) in items.enumerated() {
      let path = ConfigKeyPath.appending(index: i, to: f.path(of: "sequence"))
      guard let m = Fields.section(item, step, path: path, f.overrides) else {
        ok = false
        continue
      }
      let stationNode = m.required("station")
      let station = stationNode.flatMap { stepStation($0, topology) }
      let service = m["service"].flatMap {
        DistributionReader.read($0, path: m.path(of: "service"), overrides: f.overrides)
      }
      if m["service"] != nil, service == nil { ok = false }
      // By name: after a station that could not be read, `topology.stations` is shorter than
      // the indices of the names.
      let read = station == nil ? nil : topology.stations.first { $0.name == stationNode?.scalarText }
      if station != nil, let name = stationNode?.scalarText, service != nil,
        read?.discipline == .batch || topology.batchStations.contains(name)
      {
        m["service"]?.error(
          "station '\(name)' serves batches, each in its own service time: leave the step's service out")
        ok = false
      }
      let acquire = lockList(m, "acquire", lockNames)
      let release = lockList(m, "release", lockNames)
      if let acquire {
        for l in acquire where held.contains(l) {
          m["acquire"]?.error(
            "lock '\(topology.locks[l].name)' is already held at this step (taken at an earlier one): it would wait for itself"
          )
          ok = false
        }
        held.formUnion(acquire)
      }
      if let release {
        for l in release where !held.contains(l) {
          m["release"]?.error(
            "lock '\(topology.locks[l].name)' is not held at this step: take it with 'acquire' at this step or an earlier one"
          )
          ok = false
        }
        held.subtract(release)
      }
      guard let station, let acquire, let release else {
        ok = false
        continue
      }
      steps.append(VisitSequence.Step(station: station, service: service, acquire: acquire, release: release))
      acquireNodes.append(m["acquire"] ?? item)
    }
    return ok ? (VisitSequence(name: name, steps: steps), acquireNodes) : nil
  }

  /// A step's station: a station or one copy (`web[2]`) by name (not a dispatcher, group or class).
  private static func stepStation(_ node: ConfigNode, _ topology: Topology) -> Int? {
    guard let name = node.string() else { return nil }
    if case .station(let s)? = topology.destinations[name] { return s }
    if let copy = topology.copy(name, at: node) { return copy }
    if let members = topology.groups[name] {
      node.error(
        "'\(name)' is a group of \(members.count) copies: a step visits one station, so name a copy (\(name)[1] to \(name)[\(members.count)])"
      )
    } else if topology.destinations[name] != nil {
      node.error("'\(name)' is not a station: a step visits one station")
    } else {
      var message = "no station named '\(name)'"
      let known = topology.destinations.compactMap { if case .station = $0.value { $0.key } else { nil } }
      if let near = Suggestions.closest(to: name, among: known) { message += " (did you mean '\(near)'?)" }
      node.error(message)
    }
    return nil
  }

  /// `acquire: row` or `acquire: [row, table]`: lock indices, or nil (reported).
  private static func lockList(_ m: Fields, _ key: String, _ lockNames: [String: Int]) -> [Int]? {
    guard let node = m[key] else { return [] }
    let items = node.isSequence ? (m.items(key) ?? []) : [node]
    var out: [Int] = []
    var ok = true
    for item in items {
      guard let name = item.string() else {
        ok = false
        continue
      }
      guard let l = lockNames[name] else {
        var message = "no lock named '\(name)'"
        if let near = Suggestions.closest(to: name, among: Array(lockNames.keys)) {
          message += " (did you mean '\(near)'?)"
        } else if lockNames.isEmpty {
          message += ": declare it under 'locks:'"
        }
        item.error(message)
        ok = false
        continue
      }
      if out.contains(l) {
        // The error fails the file; the lock still counts as taken, so that a later release
        // of it is not reported as a second, false error.
        item.error("lock '\(name)' is listed twice")
        continue
      }
      out.append(l)
    }
    return ok ? out : nil
  }
}
