import Foundation
import QueueingModel
import SimRandom

/// The FreshFoodz platform as capsim plans it: territories, each a shard with its own load
/// balancer and app instance pool, on PostgreSQL primaries with read replicas.
///
/// Indices tie the parts together (`Territory.primary` is an index into `databases`,
/// `RequestClass.queries` into `queryKinds`), so the simulator's state is plain arrays.
package struct Platform: Sendable {
  package var name: String
  package var territories: [Territory]
  package var databases: [DatabaseNode]
  package var queryKinds: [QueryKind]
  package var requestClasses: [RequestClass]

  package init(
    name: String, territories: [Territory], databases: [DatabaseNode], queryKinds: [QueryKind],
    requestClasses: [RequestClass]
  ) {
    self.name = name
    self.territories = territories
    self.databases = databases
    self.queryKinds = queryKinds
    self.requestClasses = requestClasses
  }

  /// The replicas of primary `node`, in file order.
  package func replicas(of node: Int) -> [Int] {
    databases.indices.filter { databases[$0].replicaOf == node }
  }
}

/// A territory's shard: its users, load balancer, app pool and the primary it writes to.
package struct Territory: Sendable {
  package var name: String
  package var timeZone: TimeZone
  /// ISO currency code of its prices (EUR, CHF).
  package var currency: String
  package var loadBalancer: LoadBalancer
  package var app: AppPool
  /// Index of its primary in `Platform.databases`; its replicas are those with `replicaOf` it.
  package var primary: Int
  package var reads: ReadRouting

  package init(
    name: String, timeZone: TimeZone, currency: String, loadBalancer: LoadBalancer, app: AppPool,
    primary: Int, reads: ReadRouting
  ) {
    self.name = name
    self.timeZone = timeZone
    self.currency = currency
    self.loadBalancer = loadBalancer
    self.app = app
    self.primary = primary
    self.reads = reads
  }
}

package struct LoadBalancer: Sendable {
  package enum Policy: String, Sendable, CaseIterable {
    case roundRobin = "round-robin"
    case leastConnections = "least-connections"
    case powerOfTwo = "power-of-two"
    case random
  }

  package var policy: Policy
  /// Time the balancer adds to every request (a pure delay: it never queues).
  package var overhead: Distribution?
  /// A crashed instance leaves the rotation at the next health check after the crash.
  package var healthCheckInterval: Double
  /// How often a request that reached a crashed instance is sent to another one before it
  /// fails (0: it fails at once).
  package var retries: Int

  package init(policy: Policy, overhead: Distribution? = nil, healthCheckInterval: Double = 10, retries: Int = 0) {
    self.policy = policy
    self.overhead = overhead
    self.healthCheckInterval = healthCheckInterval
    self.retries = retries
  }
}

/// A territory's app instances, all alike.
package struct AppPool: Sendable {
  /// Instances running when the run starts.
  package var instances: Int
  /// Requests an instance works on at once (threads); more wait in its queue.
  package var workers: Int
  /// CPU cores per instance: CPU phases of requests in progress share them first come, first
  /// served.
  package var cores: Int
  /// Requests waiting for a worker beyond which the instance answers 503.
  package var queueLimit: Int
  /// A request slower than this, end to end, is an error (timeout).
  package var timeout: Double
  /// Database connections per instance; a request holds one for all its queries.
  package var connections: Int
  /// Longest wait for a connection before the request fails (no connection).
  package var connectionTimeout: Double
  /// From start (or restart) to taking traffic.
  package var startup: Double
  /// Price per instance-hour in the territory's currency.
  package var pricePerHour: Double
  /// The Kubernetes Deployment running the pool, which an autoscaler names in `scaleTargetRef`.
  package var deployment: String? = nil
  /// How its pods start and stop when an autoscaler runs it.
  package var pods = PodSettings()
  /// CPU bursts slow with the bursts in service on an instance (its busy cores): each
  /// progresses at 1 / factor(n) of a core while n are in service, as a station's `loadFactor`
  /// under `fifo` does in the queueing-network language. Nil: every burst at full speed.
  package var loadFactor: LoadFactor? = nil

  package init(
    instances: Int, workers: Int, cores: Int, queueLimit: Int, timeout: Double, connections: Int,
    connectionTimeout: Double, startup: Double, pricePerHour: Double
  ) {
    self.instances = instances
    self.workers = workers
    self.cores = cores
    self.queueLimit = queueLimit
    self.timeout = timeout
    self.connections = connections
    self.connectionTimeout = connectionTimeout
    self.startup = startup
    self.pricePerHour = pricePerHour
  }
}

/// Where a territory's reads go.
package struct ReadRouting: Sendable {
  package enum Policy: String, Sendable, CaseIterable {
    case roundRobin = "round-robin"
    case leastBusy = "least-busy"
    case random
    /// Every read goes to the primary (no replicas used).
    case primary
  }

  package var policy: Policy
  /// A replica lagging more than this is skipped; with none left, reads go to the primary.
  package var maxLag: Double
  /// Reads within this time after the same user's (or request's) write go to the primary.
  package var readYourWrites: Double

  package init(policy: Policy, maxLag: Double = 1, readYourWrites: Double = 0) {
    self.policy = policy
    self.maxLag = maxLag
    self.readYourWrites = readYourWrites
  }
}

/// A PostgreSQL server: a primary, or a replica of one.
package struct DatabaseNode: Sendable {
  package var name: String
  package var cores: Int
  package var maxConnections: Int
  /// The primary this node replicates, or nil for a primary.
  package var replicaOf: Int?
  /// Replication to this replica: the commit reaches it after `shipping`; it then replays
  /// writes one at a time (PostgreSQL replays WAL in a single process), each taking `apply`
  /// stretched by (1 + the share of its cores busy with queries).
  package var shipping: Double
  package var apply: Distribution?
  /// Price per node-hour, in `currency`.
  package var pricePerHour: Double
  package var currency: String
  /// Queries slow with the queries in service on the node (its busy cores): each progresses at
  /// 1 / factor(n) of a core while n are in service, as a station's `loadFactor` under `fifo`.
  package var loadFactor: LoadFactor? = nil

  package init(
    name: String, cores: Int, maxConnections: Int, replicaOf: Int? = nil, shipping: Double = 0,
    apply: Distribution? = nil, pricePerHour: Double = 0, currency: String = "EUR"
  ) {
    self.name = name
    self.cores = cores
    self.maxConnections = maxConnections
    self.replicaOf = replicaOf
    self.shipping = shipping
    self.apply = apply
    self.pricePerHour = pricePerHour
    self.currency = currency
  }
}

/// A kind of database statement: a command (write, primary only) or a query (read).
package struct QueryKind: Sendable {
  package var name: String
  package var isWrite: Bool
  /// Service time on one core.
  package var service: Distribution

  package init(name: String, isWrite: Bool, service: Distribution) {
    self.name = name
    self.isWrite = isWrite
    self.service = service
  }
}

/// A kind of API request: CPU time on the app instance (half before its queries, half after)
/// and its statements, run in order on one connection.
package struct RequestClass: Sendable {
  package var name: String
  package var cpu: Distribution
  /// Indices into `Platform.queryKinds`.
  package var queries: [Int]
  /// The class's own objectives, as the topology sets them; a scenario may change them.
  package var objectives: ClassObjectives?
  /// The row lock it takes before one of its queries and holds until its last query ends.
  package var lock: RowLock?

  package init(
    name: String, cpu: Distribution, queries: [Int], objectives: ClassObjectives? = nil, lock: RowLock? = nil
  ) {
    self.name = name
    self.cpu = cpu
    self.queries = queries
    self.objectives = objectives
    self.lock = lock
  }
}

/// A named lock on a database node, as a request class takes it: one of `rows` row locks
/// (chosen uniformly at random per request), each held by one transaction at a time, like
/// TPC-B's branch rows or a hot customer row.
///
/// A request takes it before its query `at`, which then runs on the territory's primary even
/// when it is a read (a row lock is `SELECT ... FOR UPDATE` or a write, and a hot standby takes
/// neither), and holds it through its later queries until the last one ends (the commit).
/// While it waits it keeps its connection, as a PostgreSQL backend does. Classes that name the
/// same lock share its rows, and give the same `rows` (the reader checks).
package struct RowLock: Sendable, Hashable {
  package var name: String
  package var rows: Int
  /// Index into the class's queries.
  package var at: Int

  package init(name: String, rows: Int = 1, at: Int = 0) {
    precondition(rows >= 1 && at >= 0, "lock \(name): rows \(rows), at \(at)")
    self.name = name
    self.rows = rows
    self.at = at
  }
}

extension Platform {
  /// The locks the request classes name, in the order they are first named, with their rows
  /// (the first class's, should two disagree).
  package var locks: [(name: String, rows: Int)] {
    var out: [(name: String, rows: Int)] = []
    for c in requestClasses {
      guard let lock = c.lock, !out.contains(where: { $0.name == lock.name }) else { continue }
      out.append((lock.name, lock.rows))
    }
    return out
  }
}

extension Platform {
  /// A database node that more connections could reach than it allows.
  package struct ConnectionOverrun: Sendable, Hashable {
    package var node: Int
    /// Territories using the node's cluster, with their instances and connections per instance.
    package var terms: [(territory: Int, instances: Int, connections: Int)]
    package var total: Int { terms.reduce(0) { $0 + $1.instances * $1.connections } }
    package var limit: Int

    package static func == (a: Self, b: Self) -> Bool {
      a.node == b.node && a.limit == b.limit && a.terms.map(\.territory) == b.terms.map(\.territory)
        && a.terms.map(\.instances) == b.terms.map(\.instances)
        && a.terms.map(\.connections) == b.terms.map(\.connections)
    }
    package func hash(into h: inout Hasher) { h.combine(node); h.combine(total) }
  }

  /// The most instances territory `t` may run: the tightest node of its database cluster, the
  /// node's `maxConnections` less what the other territories on the cluster hold at
  /// `instances` (one count per territory), over `t`'s connections an instance.
  /// - Returns: the count, the node that sets it and what the others hold there; nil for a
  ///   cluster with no nodes (none in a valid platform).
  package func connectionRoom(territory t: Int, instances: [Int]) -> (instances: Int, node: Int, others: Int)? {
    let primary = territories[t].primary
    let perInstance = max(territories[t].app.connections, 1)
    let others = territories.indices.filter { $0 != t && territories[$0].primary == primary }
      .reduce(0) { $0 + instances[$1] * territories[$1].app.connections }
    var best: (instances: Int, node: Int, others: Int)?
    for n in [primary] + replicas(of: primary) {
      let room = max(0, databases[n].maxConnections - others) / perInstance
      if best == nil || room < best!.instances { best = (room, n, others) }
    }
    return best
  }

  /// Nodes whose `maxConnections` is below what the app pools could open with these instance
  /// counts (one per territory): every instance opens up to its pool's connections to each
  /// node of its primary's cluster, the primary and every replica.
  package func connectionOverruns(instances: [Int]) -> [ConnectionOverrun] {
    databases.indices.compactMap { n in
      let primary = databases[n].replicaOf ?? n
      let users = territories.indices.filter { territories[$0].primary == primary }
      guard !users.isEmpty else { return nil }
      let overrun = ConnectionOverrun(
        node: n, terms: users.map { ($0, instances[$0], territories[$0].app.connections) },
        limit: databases[n].maxConnections)
      return overrun.total > overrun.limit ? overrun : nil
    }
  }
}
