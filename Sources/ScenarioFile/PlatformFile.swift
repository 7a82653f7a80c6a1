import Foundation
import PlatformModel
import SimRandom
import Suggestions

/// Reads platform topology files: query kinds, request classes, PostgreSQL nodes and
/// territories (time zone, currency, load balancer, app pool, database routing).
///
///     queries:
///       search: {time: {distribution: lognormal, mean: 4ms, cv: 1.5}}
///       write:  {time: {distribution: lognormal, mean: 6ms, cv: 1}, write: true}
///     requests:
///       list: {cpu: {distribution: lognormal, mean: 12ms, cv: 1}, queries: [search, search]}
///     databases:
///       de-primary:   {cores: 8, maxConnections: 200, price: 1.10}
///       de-replica-1: {replicaOf: de-primary, cores: 8, shipping: 2ms, apply: {...}}
///     territories:
///       DE:
///         timezone: Europe/Berlin
///         loadBalancer: {policy: least-connections, healthCheck: 10s, retries: 1}
///         app: {instances: 6, workers: 16, connections: 10, timeout: 5s}
///         database: {primary: de-primary, reads: round-robin, maxLag: 1s}
///
/// Every key is read through the scenario's overrides, and overrides may add entries to the
/// four named mappings (a new replica under `databases.`).
enum PlatformFile {
  /// PostgreSQL's own default for `max_connections`.
  static let defaultMaxConnections = 100

  /// A database node's place in replication, as far as the file says.
  enum Role: Equatable {
    case primary
    case replica(of: Int)
    /// Its `replicaOf` is broken: checks that depend on it are skipped.
    case unknown
  }

  /// What a topology file gave: the platform when it is free of errors, and in any case the
  /// names (and where they are written), so that a scenario can check its references and
  /// report all its own problems in the same pass.
  struct Result {
    var file: String
    var platform: Platform?
    var territories: [String]
    var requestClasses: [String]
    var databases: [String]
    var roles: [Role]
    /// Where each node's name is written, and its `maxConnections` value when given.
    var databaseNodes: [ConfigNode]
    var maxConnectionsNodes: [ConfigNode?]
    /// Each node's `maxConnections` (PostgreSQL's default when not given); nil when the file's
    /// value, or the node itself, is broken.
    var maxConnections: [Int?]
    /// What the connection limit needs of each territory, as far as it was read.
    var pools: [Pool]
  }

  /// A territory's pool as the connection limit sees it; nil where the file's value is broken.
  struct Pool {
    var name: String
    var instances: Int?
    var connections: Int?
    /// Index of its primary among the database nodes.
    var primary: Int?
  }

  static func read(_ root: ConfigNode, file: String, overrides: Overrides) -> Result? {
    guard let top = root.mapping(Self.top) else { return nil }
    let f = Fields(top, path: "", overrides: overrides)
    let name = f["name"]?.name() ?? FileNames.defaultName(file)
    _ = f["description"]?.string()
    var ok = true

    // Query kinds first: request classes refer to them by name.
    let queries = f.entries("queries").entries
    var queryKinds: [QueryKind] = []
    for (key, _, node) in queries {
      let path = ConfigKeyPath.appending(key: key, to: "queries")
      if let kind = readQueryKind(key, node, path: path, overrides) { queryKinds.append(kind) } else { ok = false }
    }
    let queryNames = queries.map(\.key)

    let requests = f.entries("requests", required: true)
    if let node = requests.node, requests.entries.isEmpty { node.error("a platform needs at least one request class") }
    var requestClasses: [RequestClass] = []
    var lockRows: [String: (rows: Int, requestClass: String)] = [:]
    for (key, keyNode, node) in requests.entries {
      let path = ConfigKeyPath.appending(key: key, to: "requests")
      // Results name every class together "all": a class of that name would be taken for them.
      if key == "all" {
        keyNode.error("'all' names every request class together in the results: give this class another name")
        ok = false
        continue
      }
      if let c = readRequestClass(key, node, path: path, overrides, queryNames: queryNames, lockRows: &lockRows) {
        requestClasses.append(c)
      } else {
        ok = false
      }
    }

    let databases = f.entries("databases", required: true)
    if let node = databases.node, databases.entries.isEmpty {
      node.error("a platform needs at least one database node")
    }
    let nodes = readDatabases(databases.entries, overrides)
    ok = ok && nodes.ok

    let territories = f.entries("territories", required: true)
    if let node = territories.node, territories.entries.isEmpty {
      node.error("a platform needs at least one territory")
    }
    var readTerritories: [Territory] = []
    var pools: [Pool] = []
    for (key, _, node) in territories.entries {
      let path = ConfigKeyPath.appending(key: key, to: "territories")
      let (territory, pool) = readTerritory(key, node, path: path, overrides, databases: nodes)
      pools.append(pool)
      if let territory {
        readTerritories.append(territory)
      } else {
        ok = false
      }
    }

    var result = Result(
      file: file, platform: nil, territories: territories.entries.map(\.key),
      requestClasses: requests.entries.map(\.key), databases: nodes.names, roles: nodes.roles,
      databaseNodes: nodes.keyNodes, maxConnectionsNodes: nodes.maxConnectionsNodes,
      maxConnections: nodes.maxConnections, pools: pools)
    if ok && !requestClasses.isEmpty && !nodes.nodes.isEmpty && !readTerritories.isEmpty {
      var platform = Platform(
        name: name, territories: readTerritories, databases: nodes.nodes, queryKinds: queryKinds,
        requestClasses: requestClasses)
      // A node outside every territory's cluster serves nothing and is billed to no one: most
      // likely a primary named wrong.
      let used = Set(platform.territories.flatMap { [$0.primary] + platform.replicas(of: $0.primary) })
      for i in nodes.nodes.indices where !used.contains(i) && nodes.keyNodes.indices.contains(i) {
        nodes.keyNodes[i].warning(
          "no territory uses database node '\(nodes.names[i])' (it is not a territory's primary or its replica): it serves nothing and is in no cost"
        )
      }
      // Costs add a territory's app and its nodes' prices as they are: no exchange rates.
      var currencies = true
      for i in nodes.nodes.indices where nodes.keyNodes.indices.contains(i) {
        guard let t = PlatformRun.home(of: i, platform) else { continue }
        let territory = platform.territories[t]
        if !nodes.currencyGiven[i] { platform.databases[i].currency = territory.currency }
        let node = platform.databases[i]
        if node.currency != territory.currency {
          currencies = false
          nodes.keyNodes[i].error(
            "database node '\(node.name)' is priced in \(node.currency) and territory \(territory.name), whose cluster it is in, in \(territory.currency): capsim adds their costs without converting; give them one currency"
          )
        }
      }
      // A cluster two territories share is billed to one of them (its home): their currencies
      // must agree too, or the other's costs would be added in the wrong one.
      for (t, territory) in platform.territories.enumerated() where currencies {
        for i in [territory.primary] + platform.replicas(of: territory.primary) where nodes.keyNodes.indices.contains(i)
        {
          let node = platform.databases[i]
          guard node.currency != territory.currency, let home = PlatformRun.home(of: i, platform), home != t else {
            continue
          }
          currencies = false
          nodes.keyNodes[i].error(
            "database node '\(node.name)' is in the cluster of territories \(platform.territories[home].name) (\(node.currency)) and \(territory.name) (\(territory.currency)): capsim bills a shared cluster to one territory and adds costs without converting; give the territories one currency or each its own cluster"
          )
          break
        }
      }
      result.platform = currencies ? platform : nil
      // Two pools scaling the same Deployment cannot both follow one autoscaler.
      var deployments: [String: String] = [:]
      for (t, (key, node, _)) in zip(platform.territories, territories.entries) {
        guard let d = t.app.deployment else { continue }
        if let other = deployments[d] {
          node.error(
            "territory \(key)'s app pool scales deployment '\(d)', as territory \(other)'s does: each pool needs its own"
          )
          result.platform = nil
        }
        deployments[d] = key
      }
    }
    return result
  }

  /// `no <what> named 'x' (did you mean 'y'?)`, reported at `node`; nil for an unknown name.
  static func index(of name: String, in names: [String], what: String, at node: ConfigNode) -> Int? {
    if let i = names.firstIndex(of: name) { return i }
    node.error("no \(what) named '\(name)'\(Suggestions.hint(for: name, among: names))")
    return nil
  }

  // MARK: Queries and requests

  private static func readQueryKind(_ name: String, _ node: ConfigNode, path: String, _ overrides: Overrides)
    -> QueryKind?
  {
    guard let f = Fields.section(node, query, path: path, overrides) else { return nil }
    let time = f.required("time").flatMap {
      DistributionReader.read($0, path: f.path(of: "time"), overrides: overrides)
    }
    let isWrite = f["write"].map { $0.bool() } ?? false
    guard let time, let isWrite else { return nil }
    return QueryKind(name: name, isWrite: isWrite, service: time)
  }

  /// CPU time and the statements in order; a class without queries is CPU only.
  ///
  /// - Parameter lockRows: the rows of each lock named so far, and the class that named it
  ///   first: classes naming one lock share its rows, so they must agree on how many.
  private static func readRequestClass(
    _ name: String, _ node: ConfigNode, path: String, _ overrides: Overrides, queryNames: [String],
    lockRows: inout [String: (rows: Int, requestClass: String)]
  ) -> RequestClass? {
    guard let f = Fields.section(node, request, path: path, overrides) else { return nil }
    let cpu = f.required("cpu").flatMap { DistributionReader.read($0, path: f.path(of: "cpu"), overrides: overrides) }
    var queries: [Int]? = []
    if f["queries"] != nil {
      let items = f.items("queries")
      let resolved = (items ?? []).map { item in
        item.string().flatMap { index(of: $0, in: queryNames, what: "query kind", at: item) }
      }
      queries = items != nil && resolved.allSatisfy({ $0 != nil }) ? resolved.map { $0! } : nil
    }
    var objectives: ClassObjectives? = nil
    if f["slo"] != nil {
      guard let section = f.section("slo"), let read = readClassObjectives(section, into: ClassObjectives())
      else { return nil }
      objectives = read
    }
    var lock: RowLock? = nil
    if f["lock"] != nil || overrides.hasEntries(below: f.path(of: "lock")) {
      guard let section = f.section("lock"),
        let read = readLock(section, queries: queries?.count, lockRows: &lockRows, requestClass: name)
      else { return nil }
      lock = read
    }
    guard let cpu, let queries else { return nil }
    return RequestClass(name: name, cpu: cpu, queries: queries, objectives: objectives, lock: lock)
  }

  /// `lock: {name, rows, at}`: `at` must name one of the class's `queries` (when they could be
  /// read), and `rows` must be what other classes naming the lock say.
  private static func readLock(
    _ f: Fields, queries: Int?, lockRows: inout [String: (rows: Int, requestClass: String)], requestClass: String
  ) -> RowLock? {
    let name = f.required("name")?.string()
    let rows = f["rows"].map { $0.int() } ?? 1
    let at = f["at"].map { $0.int() } ?? 0
    guard let name, let rows, let at else { return nil }
    if let queries, at >= queries {
      let place = f["at"] ?? f.node
      place.error(
        queries == 0
          ? "a lock is held across the class's queries, and it has none"
          : "the lock is taken before query \(at) (counting from 0), but the class has \(queries) quer\(queries == 1 ? "y" : "ies")"
      )
      return nil
    }
    if let earlier = lockRows[name], earlier.rows != rows {
      (f["rows"] ?? f.node).error(
        "lock '\(name)' has \(earlier.rows) row\(earlier.rows == 1 ? "" : "s") in class '\(earlier.requestClass)', "
          + "\(rows) here: classes naming one lock share its rows")
      return nil
    }
    if lockRows[name] == nil { lockRows[name] = (rows, requestClass) }
    guard queries != nil else { return nil }
    return RowLock(name: name, rows: rows, at: at)
  }

  /// Reads a class's targets over `objectives` (each key left out keeps its value), and with
  /// `excluded` allowed, its waiver.
  static func readClassObjectives(_ f: Fields, into objectives: ClassObjectives) -> ClassObjectives? {
    var o = objectives
    var ok = true
    let durations: [(String, WritableKeyPath<ClassObjectives, Double?>)] = [
      ("p95", \.p95), ("peakP95", \.peakP95), ("p99", \.p99), ("peakP99", \.peakP99),
    ]
    for (key, path) in durations {
      guard let n = f[key] else { continue }
      if let v = n.duration() { o[keyPath: path] = v } else { ok = false }
    }
    if let n = f["errorRate"] {
      if let v = PlatformScenarioFile.fraction(n, objective: true) { o.errorRate = v } else { ok = false }
    }
    // A topology gives targets; only a scenario may waive a class.
    if f.declares("excluded"), let n = f["excluded"] {
      if let reason = n.string(), !reason.trimmingCharacters(in: .whitespaces).isEmpty {
        o.waiver = reason
      } else {
        if n.string() != nil { n.error("say why the class is excluded: its reason is shown with every verdict") }
        ok = false
      }
    }
    return ok ? o : nil
  }

  // MARK: Databases

  struct Databases {
    var names: [String] = []
    var keyNodes: [ConfigNode] = []
    var roles: [Role] = []
    var maxConnectionsNodes: [ConfigNode?] = []
    var maxConnections: [Int?] = []
    /// Whether each node says its currency; one that does not takes its territory's.
    var currencyGiven: [Bool] = []
    var nodes: [DatabaseNode] = []
    var ok = true
  }

  /// Nodes in file order. A replica may name a primary written after it, so `replicaOf` is
  /// resolved once every node has been read.
  private static func readDatabases(_ entries: [ConfigNode.Entry], _ overrides: Overrides) -> Databases {
    var out = Databases()
    out.names = entries.map(\.key)
    out.keyNodes = entries.map(\.keyNode)
    // What each node's `replicaOf` says: absent (nil), or the name and where it is written
    // (a nil name when it isn't text).
    var replicaOf: [(name: String?, node: ConfigNode)?] = []
    var read: [DatabaseNode?] = []
    for (key, keyNode, node) in entries {
      let path = ConfigKeyPath.appending(key: key, to: "databases")
      // The series name a node's tier by the node; these name other tiers there.
      if ["all", "app", "database"].contains(key) {
        keyNode.error(
          "'\(key)' names a tier of the results (all, app, database): give this database node another name")
        out.ok = false
      }
      guard let f = Fields.section(node, database, path: path, overrides) else {
        replicaOf.append(nil)
        out.currencyGiven.append(false)
        read.append(nil)
        out.maxConnectionsNodes.append(nil)
        out.maxConnections.append(nil)
        continue
      }
      let replica = f["replicaOf"].map { (name: $0.string(), node: $0) }
      replicaOf.append(replica)
      out.maxConnectionsNodes.append(f["maxConnections"])
      let cores = f.required("cores")?.int()
      let maxConnections = f["maxConnections"].map { $0.int() } ?? defaultMaxConnections
      out.maxConnections.append(maxConnections)
      let price = f["price"].map { $0.double() } ?? 0
      out.currencyGiven.append(f["currency"] != nil)
      let currency = f["currency"].map(readCurrency) ?? "EUR"
      let shipping = f["shipping"].map { $0.duration() } ?? 0
      let apply = f["apply"].map { DistributionReader.read($0, path: f.path(of: "apply"), overrides: overrides) }
      // Replication settings on a primary would be silently ignored: say so instead.
      if replica == nil {
        for key in ["shipping", "apply"] {
          f[key]?.error("'\(key)' applies only to a replica (a node with 'replicaOf')")
        }
      }
      let loadFactor = f["loadFactor"].map { _ in TopologyFile.readLoadFactor(f) }
      let replicaNamed = replica == nil || replica?.name != nil
      guard let cores, let maxConnections, let price, let currency, let shipping, apply != .some(nil), replicaNamed,
        loadFactor != .some(nil)
      else {
        read.append(nil)
        continue
      }
      var node = DatabaseNode(
        name: key, cores: cores, maxConnections: maxConnections, shipping: shipping, apply: apply ?? nil,
        pricePerHour: price, currency: currency)
      node.loadFactor = loadFactor ?? nil
      if let factor = loadFactor ?? nil, let at = f["loadFactor"] {
        TopologyFile.warnOfPointsPast(
          cores, factor, at: at,
          why:
            "a node runs at most \(cores) queries at once (its cores), so concurrencies past \(cores) are never reached"
        )
      }
      read.append(node)
    }

    for i in entries.indices {
      guard let replica = replicaOf[i] else {
        out.roles.append(.primary)
        continue
      }
      guard let name = replica.name, let j = index(of: name, in: out.names, what: "database node", at: replica.node)
      else {
        out.roles.append(.unknown)
        continue
      }
      if j == i {
        replica.node.error("a node cannot replicate itself: name its primary")
        out.roles.append(.unknown)
      } else if let further = replicaOf[j] {
        let primary = further.name.map { " (of '\($0)')" } ?? ""
        replica.node.error(
          "'\(name)' is itself a replica\(primary): a replica names a primary (cascading replication is not modelled)")
        out.roles.append(.unknown)
      } else {
        out.roles.append(.replica(of: j))
        read[i]?.replicaOf = j
      }
    }
    out.ok = read.allSatisfy { $0 != nil } && !out.roles.contains(.unknown)
    out.nodes = read.compactMap { $0 }
    return out
  }

  /// An ISO 4217 code such as EUR or CHF.
  static func readCurrency(_ node: ConfigNode) -> String? {
    guard let text = node.string() else { return nil }
    guard text.count == 3, text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
      node.error("expected a three-letter currency code such as EUR or CHF, found '\(ConfigNode.abbreviated(text))'")
      return nil
    }
    return text
  }

  // MARK: Territories

  /// The territory (nil after errors) and, in any case, what the connection limit needs of it.
  private static func readTerritory(
    _ name: String, _ node: ConfigNode, path: String, _ overrides: Overrides, databases: Databases
  ) -> (Territory?, Pool) {
    var pool = Pool(name: name)
    guard let f = Fields.section(node, territory, path: path, overrides) else { return (nil, pool) }
    let timeZone = f.required("timezone").flatMap(readTimeZone)
    let currency = f["currency"].map(readCurrency) ?? "EUR"
    let loadBalancer = readLoadBalancer(f)
    var app: AppPool? = nil
    if let section = f.section("app", required: true) {
      (app, pool.instances, pool.connections) = readApp(section)
    }
    var primary: Int? = nil
    var reads: ReadRouting? = nil
    if let db = f.section("database", required: true) {
      primary = db.required("primary").flatMap { readPrimary($0, databases) }
      pool.primary = primary
      let policy = db["reads"].map { $0.oneOf().flatMap(ReadRouting.Policy.init) } ?? .roundRobin
      let maxLag = db["maxLag"].map { $0.duration() } ?? 1
      let readYourWrites = db["readYourWrites"].map { $0.duration() } ?? 0
      // Keys that cannot act are said (a warning: `--set ...reads=primary` on a topology that
      // gives them is a fair what-if, and --set cannot take a key away).
      if policy == .primary {
        for key in ["maxLag", "readYourWrites"] {
          db[key]?.warning("'\(key)' has no effect: with 'reads: primary' every read goes to the primary")
        }
      }
      if let policy, let maxLag, let readYourWrites {
        reads = ReadRouting(policy: policy, maxLag: maxLag, readYourWrites: readYourWrites)
      }
    }
    guard let timeZone, let currency, let loadBalancer, let app, let primary, let reads else { return (nil, pool) }
    let territory = Territory(
      name: name, timeZone: timeZone, currency: currency, loadBalancer: loadBalancer, app: app, primary: primary,
      reads: reads)
    return (territory, pool)
  }

  /// An IANA name such as Europe/Berlin (a territory's office hours are local).
  static func readTimeZone(_ node: ConfigNode) -> TimeZone? {
    guard let name = node.string() else { return nil }
    // Foundation also takes fixed offsets (`UTC+1`, `GMT+01:30`): no daylight saving, so not a
    // territory's clock; the IANA names only, as the manifests' readers take.
    if TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC", let zone = TimeZone(identifier: name) {
      return zone
    }
    let hint =
      Suggestions.closest(to: name, among: TimeZone.knownTimeZoneIdentifiers)
      .map { " (did you mean '\($0)'?)" } ?? " (an IANA name such as Europe/Berlin)"
    node.error("unknown time zone '\(ConfigNode.abbreviated(name))'\(hint)")
    return nil
  }

  /// `loadBalancer:` may be left out: least connections (what NGINX and cloud balancers
  /// offer for uneven request costs), no overhead, health checks every 10 s, no retries.
  private static func readLoadBalancer(_ territory: Fields) -> LoadBalancer? {
    guard territory["loadBalancer"] != nil || territory.overrides.hasEntries(below: territory.path(of: "loadBalancer"))
    else { return LoadBalancer(policy: .leastConnections) }
    guard let f = territory.section("loadBalancer") else { return nil }
    let policy = f["policy"].map { $0.oneOf().flatMap(LoadBalancer.Policy.init) } ?? .leastConnections
    let overhead = f["overhead"].map {
      DistributionReader.read($0, path: f.path(of: "overhead"), overrides: f.overrides)
    }
    let healthCheck = f["healthCheck"].map { $0.duration() } ?? 10
    let retries = f["retries"].map { $0.int() } ?? 0
    guard let policy, overhead != .some(nil), let healthCheck, let retries else { return nil }
    return LoadBalancer(policy: policy, overhead: overhead ?? nil, healthCheckInterval: healthCheck, retries: retries)
  }

  /// The pool (nil after errors), and its instance and connection counts when they are valid.
  private static func readApp(_ f: Fields) -> (AppPool?, instances: Int?, connections: Int?) {
    let instances = f.required("instances")?.int()
    let workers = f.required("workers")?.int()
    let cores = f["cores"].map { $0.int() } ?? workers
    let queueLimit = f["queueLimit"].map { $0.int() } ?? 100
    let timeout = f["timeout"].map { $0.duration() } ?? 30
    let connections = f.required("connections")?.int()
    let connectionTimeout = f["connectionTimeout"].map { $0.duration() } ?? 30
    let startup = f["startup"].map { $0.duration() } ?? 60
    let price = f["price"].map { $0.double() } ?? 0
    let deployment = f["deployment"].map(readDeploymentName)
    let pods = readPods(f)
    let loadFactor = f["loadFactor"].map { _ in TopologyFile.readLoadFactor(f) }
    guard let instances, let workers, let cores, let queueLimit, let timeout, let connections, let connectionTimeout,
      let startup, let price, deployment != .some(nil), let pods, loadFactor != .some(nil)
    else { return (nil, instances, connections) }
    var pool = AppPool(
      instances: instances, workers: workers, cores: cores, queueLimit: queueLimit, timeout: timeout,
      connections: connections, connectionTimeout: connectionTimeout, startup: startup, pricePerHour: price)
    pool.deployment = deployment ?? nil
    pool.pods = pods
    pool.loadFactor = loadFactor ?? nil
    if let factor = loadFactor ?? nil, let at = f["loadFactor"] {
      TopologyFile.warnOfPointsPast(
        cores, factor, at: at,
        why:
          "an instance runs at most \(cores) CPU bursts at once (its cores), so concurrencies past \(cores) are never reached"
      )
    }
    return (pool, instances, connections)
  }

  /// A Deployment's name: a DNS-1123 label (lower-case letters, digits, '-'; at most 63).
  static func readDeploymentName(_ node: ConfigNode) -> String? {
    guard let name = node.string() else { return nil }
    let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    guard allowed, !name.isEmpty, name.count <= 63, name.first != "-", name.last != "-" else {
      node.error(
        "expected a Kubernetes Deployment name (lower-case letters, digits and '-', at most 63), found '\(ConfigNode.abbreviated(name))'"
      )
      return nil
    }
    return name
  }

  /// `pods:`, every key optional (the defaults of `PodSettings`).
  private static func readPods(_ app: Fields) -> PodSettings? {
    var settings = PodSettings()
    guard app["pods"] != nil || app.overrides.hasEntries(below: app.path(of: "pods")) else { return settings }
    guard let f = app.section("pods") else { return nil }
    var ok = true
    let durations: [(String, WritableKeyPath<PodSettings, Double>)] = [
      ("scheduling", \.scheduling), ("readinessDelay", \.readinessDelay),
      ("terminationGracePeriod", \.terminationGracePeriod),
    ]
    for (key, path) in durations {
      guard let node = f[key] else { continue }
      if let value = node.duration() { settings[keyPath: path] = value } else { ok = false }
    }
    if let node = f["cpuRequest"], let cores = node.scalarText.flatMap(Double.init), cores.isFinite, cores > 0 {
      // A number of cores, as Kubernetes also takes it: say the millicores rather than "quote
      // it" (when they are a number a pod could ask for: 1e20 cores is no hint).
      let milli = (cores * 1_000).rounded()
      let hint = milli < 1e15 ? " (\(node.scalarText!) cores is \(Int64(milli))m)" : ""
      node.error("expected a cpu quantity in millicores such as 1500m, found \(node.scalarText!)\(hint)")
      ok = false
    } else if let node = f["cpuRequest"] {
      let text = node.string()
      if let text, text.hasSuffix("m"), let milli = Int64(text.dropLast()), milli > 0 {
        settings.cpuRequest = milli
      } else {
        if let text {
          node.error("expected a cpu quantity in millicores such as 1500m, found '\(ConfigNode.abbreviated(text))'")
        }
        ok = false
      }
    }
    return ok ? settings : nil
  }

  /// The node a territory writes to: it must exist and be a primary.
  private static func readPrimary(_ node: ConfigNode, _ databases: Databases) -> Int? {
    guard let name = node.string(), let i = index(of: name, in: databases.names, what: "database node", at: node) else {
      return nil
    }
    switch databases.roles[i] {
    case .primary: return i
    case .replica(let p):
      node.error(
        "'\(name)' is a replica: a territory's primary must be a primary (did you mean '\(databases.names[p])'?)")
      return nil
    case .unknown: return nil
    }
  }

  // MARK: Connection limits

  /// PostgreSQL refuses connections beyond `max_connections`, so every node a territory's
  /// pools can reach (its primary, and the primary's replicas: reads go there, and failover
  /// promotes one) must take the pools of all territories that reach it, each at its largest
  /// instance count, at once.
  ///
  /// Runs in the same pass as every other check, on what was read even when other parts of
  /// the files are broken: a node is skipped only when its own `maxConnections` or role, or
  /// the instance or connection count of a territory that uses it, is broken. A territory
  /// whose primary is broken is left out; counts only add up, so what is reported holds
  /// whatever that territory's primary turns out to be.
  ///
  /// - Parameters:
  ///   - scheduled: instance counts that a scenario's `capacity:` schedules (valid ones only);
  ///     a territory runs at most the largest of these and its `app.instances`.
  ///   - autoscaled: pools run by an autoscaler: they may run up to its maxReplicas pods.
  static func checkConnections(
    _ result: Result, scheduled: [CapacityChange] = [], autoscaled: [AutoscaledBound] = []
  ) {
    for n in result.databases.indices {
      guard let limit = result.maxConnections[n] else { continue }
      let primary: Int
      switch result.roles[n] {
      case .primary: primary = n
      case .replica(let p): primary = p
      case .unknown: continue
      }
      let users = result.pools.indices.filter { result.pools[$0].primary == primary }
      guard !users.isEmpty else { continue }
      var terms: [(t: Int, instances: Int, connections: Int, isScheduled: Bool)] = []
      var scaledText: [String] = []
      for t in users {
        guard let own = result.pools[t].instances, let connections = result.pools[t].connections else { break }
        var most = scheduled.filter { $0.territory == t }.map(\.instances).reduce(own, max)
        if let scaler = autoscaled.first(where: { $0.territory == t }) {
          most = scaler.maxReplicas
          scaledText.append("maxReplicas \(scaler.maxReplicas) of \(scaler.title) for \(result.pools[t].name)")
        }
        terms.append((t, most, connections, most > own && !autoscaled.contains { $0.territory == t }))
      }
      guard terms.count == users.count else { continue }
      let total = terms.reduce(0) { $0 + $1.instances * $1.connections }
      guard total > limit else { continue }
      let names = users.map { result.pools[$0].name }.joined(separator: ", ")
      let sum = terms.map { "\($0.instances) x \($0.connections)" }.joined(separator: " + ")
      let scheduledText = terms.filter(\.isScheduled).map { "\($0.instances) instances for \(result.pools[$0.t].name)" }
      var message =
        "\(users.count == 1 ? "territory" : "territories") \(names) can open \(sum) = \(total) connections to "
        + "'\(result.databases[n])', more than its maxConnections \(limit)"
      var notes: [String] = []
      if result.maxConnectionsNodes[n] == nil { notes.append("PostgreSQL's default") }
      if !scheduledText.isEmpty {
        notes.append("counting the \(scheduledText.joined(separator: ", ")) that capacity: schedules")
      }
      if !scaledText.isEmpty { notes.append("counting \(scaledText.joined(separator: ", "))") }
      if !notes.isEmpty { message += " (\(notes.joined(separator: "; ")))" }
      // Where an autoscaler's maxReplicas takes the pools past the limit that their own
      // instances keep to, the error is at that maxReplicas: the change that broke it.
      let fixed = terms.reduce(0) { sum, term in
        sum + (result.pools[term.t].instances ?? 0) * term.connections
      }
      let culprit =
        fixed <= limit ? autoscaled.first { scaler in users.contains(scaler.territory) && scaler.node != nil } : nil
      (culprit?.node ?? result.maxConnectionsNodes[n] ?? result.databaseNodes[n]).error(message)
    }
  }
}

/// An autoscaled pool's largest size, for the connection check: its territory, the
/// autoscaler's maxReplicas (its node, where written) and its title.
package typealias AutoscaledBound = (territory: Int, maxReplicas: Int, title: String, node: ConfigNode?)
