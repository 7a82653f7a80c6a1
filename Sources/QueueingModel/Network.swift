import SimRandom

/// A queueing network: what exists (stations, dispatchers) and what arrives (sources).
///
/// A value: build it, `validate()` it, then hand it to `NetworkSimulator` or `Experiment`.
/// Stations, dispatchers and sources refer to each other by index (`Destination`); the file layer
/// resolves names.
package struct Network: Sendable, Hashable {
  package var stations: [Station]
  package var dispatchers: [Dispatcher]
  package var sources: [Source]

  package init(stations: [Station], dispatchers: [Dispatcher] = [], sources: [Source]) {
    self.stations = stations
    self.dispatchers = dispatchers
    self.sources = sources
  }
}

/// Where a customer goes next.
package enum Destination: Hashable, Sendable {
  case station(Int)
  case dispatcher(Int)
  /// Leaves the network (a closed-population customer goes back to thinking).
  case exit
}

/// A service station: c identical servers (or infinitely many) in front of one FIFO queue.
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

  package init(
    name: String, servers: Servers, service: Distribution, capacity: Int? = nil,
    timeout: Double? = nil, routing: [Route] = []
  ) {
    self.name = name
    self.servers = servers
    self.service = service
    self.capacity = capacity
    self.timeout = timeout
    self.routing = routing
  }
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
