import PlatformModel

extension PlatformFile {
  /// A platform topology: query kinds, request classes, PostgreSQL nodes, territories.
  static let top = Section(
    name: "platformTopology",
    summary: "A platform: territories with load balancers and app pools on PostgreSQL primaries and replicas.",
    keys: [
      .optional("name", .string, "Name of the platform; default: the file name."),
      .optional("description", .string, "Free text."),
      .optional(
        "queries", .names(of: .section(query), what: "query kinds"),
        "Query kinds by name: service time on one database core, and whether they write."),
      .required(
        "requests", .names(of: .section(request), what: "request classes"),
        "Request classes by name: app CPU time and queries in order; at least one."),
      .required(
        "databases", .names(of: .section(database), what: "database nodes"),
        "PostgreSQL nodes by name; a replica names its primary (in any order); at least one."),
      .required(
        "territories", .names(of: .section(territory), what: "territories"),
        "Territories (shards) by name, such as DE and CH; at least one."),
    ])

  static let query = Section(
    name: "query", summary: "A kind of query.",
    keys: [
      .required("time", .distribution, "Service time on one database core."),
      .optional("write", .bool, "true for a command (goes to the primary and is replicated); default false."),
    ])

  static let request = Section(
    name: "request", summary: "A request class: app CPU (half before, half after the queries) and queries in order.",
    keys: [
      .required("cpu", .distribution, "App CPU time of one request."),
      .optional("queries", .list(of: .string), "Query kinds in order, by name; none: CPU only."),
      .optional(
        "slo", .section(classObjectives),
        "This class's own objectives, instead of the scenario's (a scenario's slo.classes may change them)."),
      .optional(
        "lock", .section(lock),
        "A row lock taken on the territory's primary before one of its queries, held until its last query ends (the commit)."),
    ])

  /// A request class's row lock (`RowLock`).
  static let lock = Section(
    name: "requestLock",
    summary: "A row lock: one of rows, each held by one request at a time, taken before query at and held until the commit.",
    keys: [
      .required("name", .string, "The lock's name: classes naming the same lock share its rows (and give the same rows)."),
      .optional(
        "rows", .wholeNumber(1...1_000_000),
        "Rows it stands for, each a lock of its own; a request takes one uniformly at random; default 1 (one hot row)."),
      .optional(
        "at", .wholeNumber(0...100_000),
        "The query (0-based index into queries) before which it is taken, on the primary even for a read; default 0."),
    ])

  /// A request class's own targets; each key left out keeps the scenario's.
  static let classObjectives = Section(
    name: "classObjectives", summary: "A request class's own objectives; keys left out keep the scenario's.",
    keys: classObjectiveKeys)

  static let classObjectiveKeys: [Section.Key] = [
    .optional("p95", .duration(positive: true), "p95 latency target of this class at normal load."),
    .optional("peakP95", .duration(positive: true), "p95 latency target of this class in a season."),
    .optional("p99", .duration(positive: true), "p99 latency target of this class at normal load."),
    .optional("peakP99", .duration(positive: true), "p99 latency target of this class in a season."),
    .optional("errorRate", .share, "Most failed / ended requests of this class (2% or 0.02)."),
  ]

  /// Three capital letters.
  static let currency = ValueKind.text(pattern: "^[A-Z]{3}$", what: "three-letter currency code")

  static let database = Section(
    name: "database", summary: "A PostgreSQL node: a primary, or a replica of one.",
    keys: [
      .optional("replicaOf", .string, "The primary this node replicates; absent: a primary."),
      .required("cores", .wholeNumber(1...100_000), "Cores, each serving one query at a time."),
      .optional(
        "maxConnections", .wholeNumber(1...1_000_000), "PostgreSQL's max_connections; default 100 (its default)."),
      .optional("price", .number(0...1e9), "Price per node-hour in its currency; default 0."),
      .optional("currency", currency, "ISO 4217 code of the price; default the currency of the territory whose cluster it is in."),
      .optional("shipping", .duration(positive: false), "Replicas: time for a commit to reach it; default 0."),
      .optional("apply", .distribution, "Replicas: time to replay one write; default none."),
      .optional(
        "loadFactor", .list(of: .section(TopologyFile.loadPoint), count: 1...10_000),
        "Queries slow with the queries in service (its busy cores): [{concurrency: 1, factor: 1}, {concurrency: 8, factor: 1.4}], linear between points, constant outside."
      ),
    ])

  static let territory = Section(
    name: "territory", summary: "A territory: its time zone and currency, load balancer, app pool and database routing.",
    keys: [
      .required("timezone", CalendarFile.timeZone, "IANA time zone such as Europe/Berlin (office hours are local)."),
      .optional("currency", currency, "ISO 4217 code of its prices; default EUR."),
      .optional(
        "loadBalancer", .section(loadBalancer),
        "Load balancer; default least-connections, no overhead, health checks every 10s, no retries."),
      .required("app", .section(app), "The pool of app instances."),
      .required("database", .section(routing), "Where its queries go."),
    ])

  static let loadBalancer = Section(
    name: "loadBalancer", summary: "A territory's load balancer.",
    keys: [
      .optional(
        "policy", .oneOf(LoadBalancer.Policy.allCases.map(\.rawValue)),
        "How an instance is picked; default least-connections."),
      .optional("overhead", .distribution, "Delay added to each response; default none."),
      .optional(
        "healthCheck", .duration(positive: true), "Interval of health checks (a crashed instance stays until then); default 10s."
      ),
      .optional("retries", .wholeNumber(0...100), "Retries on the next instance after a failure; default 0."),
    ])

  static let app = Section(
    name: "app", summary: "A territory's pool of app instances.",
    keys: [
      .required("instances", .wholeNumber(1...100_000), "Instances at the start (capacity: may schedule more)."),
      .required("workers", .wholeNumber(1...100_000), "Worker threads per instance."),
      .optional("cores", .wholeNumber(1...100_000), "CPU cores per instance; default = workers."),
      .optional(
        "queueLimit", .wholeNumber(0...10_000_000), "Requests waiting per instance before it answers 503; default 100."),
      .optional("timeout", .duration(positive: true), "Longest wait and longest response; default 30s."),
      .required(
        "connections", .wholeNumber(1...100_000), "Database connections per instance (instances x connections <= maxConnections)."
      ),
      .optional("connectionTimeout", .duration(positive: false), "Longest wait for a connection; default 30s."),
      .optional("startup", .duration(positive: false), "Time before a new instance takes traffic; default 60s."),
      .optional("price", .number(0...1e9), "Price per instance-hour in the territory's currency; default 0."),
      .optional(
        "deployment", deploymentName,
        "The Kubernetes Deployment of the pool, which an autoscaler's scaleTargetRef.name names (crm-de)."),
      .optional("pods", .section(pods), "How the pool's pods start and stop under an autoscaler; every key optional."),
      .optional(
        "loadFactor", .list(of: .section(TopologyFile.loadPoint), count: 1...10_000),
        "CPU slows with the bursts in service on an instance (its busy cores): [{concurrency: 1, factor: 1}, {concurrency: 4, factor: 1.3}], linear between points, constant outside; what capsim calibrate fits from k6 and Prometheus."
      ),
    ])

  /// A DNS-1123 label, as Kubernetes names Deployments.
  static let deploymentName = ValueKind.text(
    pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", what: "Kubernetes name (lower-case letters, digits and '-')")

  static let pods = Section(
    name: "pods", summary: "Pods of an autoscaled pool: Pending, starting (the pool's startup), un-Ready, Ready; draining when removed.",
    keys: [
      .optional("scheduling", .duration(positive: false), "From creation to bound to a node (Pending); default 2s."),
      .optional(
        "readinessDelay", .duration(positive: false),
        "From containers started to Ready (the readiness probe's initialDelaySeconds plus a period); default 30s."),
      .optional(
        "terminationGracePeriod", .duration(positive: false),
        "A removed pod drains this long at most, then is killed with its requests; default 30s."),
      .optional(
        "cpuRequest", .text(pattern: "^[1-9][0-9]*m$", what: "cpu quantity in millicores such as 1500m"),
        "The pod's cpu request, the base of cpu utilization; default the pool's cores x 1000m."),
    ])

  static let routing = Section(
    name: "routing", summary: "Where a territory's queries go.",
    keys: [
      .required("primary", .string, "The territory's primary node (writes go there); must be a primary."),
      .optional(
        "reads", .oneOf(ReadRouting.Policy.allCases.map(\.rawValue)),
        "How reads pick a replica; primary: all reads to the primary; default round-robin."),
      .optional("maxLag", .duration(positive: false), "Replicas lagging more are skipped; default 1s."),
      .optional("readYourWrites", .duration(positive: false), "A user's reads go to the primary this long after a write; default 0."),
    ])
}
