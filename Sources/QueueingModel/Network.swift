import SimRandom

/// A queueing network: what exists (stations, dispatchers, locks), the fixed paths some
/// customers take (sequences), and what arrives (sources).
///
/// A value: build it, `validate()` it, then hand it to `NetworkSimulator` or `Experiment`.
/// Stations, dispatchers and sources refer to each other by index (`Destination`); the file layer
/// resolves names.
package struct Network: Sendable, Hashable {
  package var stations: [Station]
  package var dispatchers: [Dispatcher]
  package var sources: [Source]
  package var sequences: [VisitSequence]
  package var locks: [Lock]

  package init(
    stations: [Station], dispatchers: [Dispatcher] = [], sources: [Source], sequences: [VisitSequence] = [],
    locks: [Lock] = []
  ) {
    self.stations = stations
    self.dispatchers = dispatchers
    self.sources = sources
    self.sequences = sequences
    self.locks = locks
  }
}

/// Where a customer goes next.
package enum Destination: Hashable, Sendable {
  case station(Int)
  case dispatcher(Int)
  /// The first step of a visit sequence (sources only: a sequence is where a trip begins).
  case sequence(Int)
  /// Leaves the network (a closed-population customer goes back to thinking).
  case exit
}

/// A service station: c identical servers (or infinitely many) in front of one FIFO queue, or
/// c cores shared by every customer present (processor sharing), or c servers that each serve
/// everyone waiting at once (batch); the first two may slow down with concurrency (`loadFactor`).
package struct Station: Sendable, Hashable {
  package enum Servers: Hashable, Sendable {
    case finite(Int)
    /// A delay station: every customer is served at once.
    case infinite
  }

  package var name: String
  package var servers: Servers
  package var service: Distribution
  /// Most customers present (waiting plus in service); an arrival finding it full is lost.
  package var capacity: Int?
  /// Longest wait in queue; a customer still waiting then leaves and counts as timed out.
  package var timeout: Double?
  /// Where customers go after service: probabilities summing to 1 (an independent draw per
  /// departure). Empty means exit.
  package var routing: [Route]
  package var discipline: Discipline
  /// Service times stretched by concurrency; nil: the same at any load.
  package var loadFactor: LoadFactor?

  package init(
    name: String, servers: Servers, service: Distribution, capacity: Int? = nil,
    timeout: Double? = nil, routing: [Route] = [], discipline: Discipline = .fifo, loadFactor: LoadFactor? = nil
  ) {
    self.name = name
    self.servers = servers
    self.service = service
    self.capacity = capacity
    self.timeout = timeout
    self.routing = routing
    self.discipline = discipline
    self.loadFactor = loadFactor
  }

  /// Whether customers in service progress on a shared clock (processor sharing, or a service
  /// rate that changes with concurrency) rather than each on its own drawn service time.
  var isShared: Bool { discipline == .processorSharing || loadFactor != nil }
}

/// How a station serves the customers present.
package enum Discipline: String, CaseIterable, Hashable, Sendable {
  /// c servers, one first-come-first-served queue.
  case fifo
  /// Every customer present is in service; with j present each gets min(1, c / j) of a server
  /// (time-sliced cores, in the limit of a small quantum).
  case processorSharing = "processor-sharing"
  /// Group commit: a free server takes every customer waiting and serves them together in one
  /// service time (one fsync for all waiting transactions); one arriving at an idle server is
  /// served alone at once.
  case batch
}

/// How much longer service takes at a concurrency: a factor that multiplies every service time
/// in progress while that many customers are in service (all present under processor sharing,
/// busy servers under FIFO). Linear between the points, constant before the first and after
/// the last.
///
/// A customer's drawn service time is its work at factor 1; with factor f it progresses at
/// 1 / f of its share of a server. So a factor of 2 at 16 concurrent requests makes each of them
/// take twice as long as alone, as a database thrashing on locks or caches does.
package struct LoadFactor: Hashable, Sendable {
  /// Strictly increasing concurrencies, >= 1.
  package var concurrency: [Int]
  /// Positive factors, one per concurrency.
  package var factor: [Double]

  package init(concurrency: [Int], factor: [Double]) {
    precondition(
      concurrency.count == factor.count && !concurrency.isEmpty,
      "a load factor needs one factor per concurrency, got \(concurrency) and \(factor)")
    self.concurrency = concurrency
    self.factor = factor
  }

  /// The factor at `n` customers in service (n >= 1), interpolated.
  package func factor(at n: Int) -> Double {
    guard n > concurrency[0] else { return factor[0] }
    guard n < concurrency[concurrency.count - 1] else { return factor[factor.count - 1] }
    var i = 1
    while concurrency[i] < n { i += 1 }
    let (x0, x1) = (Double(concurrency[i - 1]), Double(concurrency[i]))
    return factor[i - 1] + (factor[i] - factor[i - 1]) * (Double(n) - x0) / (x1 - x0)
  }

  /// The concurrency from which the factor no longer changes.
  package var constantFrom: Int { concurrency[concurrency.count - 1] }
}

/// One branch of probabilistic routing.
package struct Route: Hashable, Sendable {
  package var destination: Destination
  package var probability: Double

  package init(to destination: Destination, probability: Double) {
    self.destination = destination
    self.probability = probability
  }
}

/// A zero-time router that sends each customer to one of several stations.
package struct Dispatcher: Sendable, Hashable {
  package var name: String
  package var policy: DispatchPolicy
  /// Station indices.
  package var targets: [Int]
  /// Relative weights, one per target, for `.weighted`.
  package var weights: [Double]?

  package init(name: String, policy: DispatchPolicy, targets: [Int], weights: [Double]? = nil) {
    self.name = name
    self.policy = policy
    self.targets = targets
    self.weights = weights
  }
}

/// How a dispatcher picks a station (definitions as in the reference cases).
package enum DispatchPolicy: String, CaseIterable, Hashable, Sendable {
  /// Cyclic over the targets in their fixed order.
  case roundRobin = "round-robin"
  /// Uniformly at random, independent of state.
  case random
  /// Fewest present (waiting plus in service), ties broken uniformly at random.
  case joinShortestQueue = "join-shortest-queue"
  /// Two distinct targets sampled uniformly; the one with fewer present, ties at random.
  case powerOfTwo = "power-of-two"
  /// At random with probability proportional to the target's weight.
  case weighted
}

/// Where customers come from.
package struct Source: Sendable, Hashable {
  package enum Kind: Sendable, Hashable {
    /// Poisson arrivals at a constant rate (per second).
    case poisson(rate: Double)
    /// Non-homogeneous Poisson arrivals following a rate schedule, generated exactly by inversion
    /// of the cumulative rate.
    case varying(RateSchedule)
    /// A closed population: `users` customers that think, then enter the network at the
    /// destination; each begins thinking at time 0.
    case closed(users: Int, think: Distribution)
    /// Open loop over a fixed set of connections, as `pgbench --rate` and k6's arrival-rate
    /// executors drive a system: each connection has its own Poisson schedule at rate / connections,
    /// and a transaction that is late (its connection still busy with the previous one) starts
    /// when that one ends, delaying the connection. A trip's response counts from its scheduled
    /// time, so it includes that lag, as pgbench's latency does.
    case paced(connections: Int, rate: Double)
  }

  package var name: String
  package var kind: Kind
  package var destination: Destination

  package init(name: String, kind: Kind, to destination: Destination) {
    self.name = name
    self.kind = kind
    self.destination = destination
  }
}
