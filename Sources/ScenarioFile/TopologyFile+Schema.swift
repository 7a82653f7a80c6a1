import QueueingModel

extension TopologyFile {
  /// A queueing-network topology: what exists.
  static let top = Section(
    name: "topology", summary: "A queueing network: stations and dispatchers.",
    keys: [
      .optional("name", .string, "Name of the topology; default: the file name."),
      .optional("description", .string, "Free text."),
      .required(
        "stations", .names(of: .section(station), what: "stations"),
        "Stations by name. Names are unique across stations and dispatchers; 'exit' is reserved; no brackets."),
      .optional(
        "dispatchers", .names(of: .section(dispatcher), what: "dispatchers"),
        "Dispatchers by name: each routes a customer to one station, in zero time."),
      .optional(
        "classes", .names(of: .section(requestClass), what: "classes"),
        "Request classes by name, each a fixed sequence of visits; arrivals may go to a class. Names are unique across stations, dispatchers and classes."
      ),
      .optional(
        "locks", .names(of: .section(lock), what: "locks"),
        "Locks by name (a row lock, a connection pool, a mutex): taken at one step of a class's sequence, given back after a later one."
      ),
    ])

  static let requestClass = Section(
    name: "class", summary: "A request class: a fixed sequence of visits (short CPU bursts between I/O), then exit.",
    keys: [
      .optional("description", .string, "Free text."),
      .required(
        "sequence", .list(of: .section(step), count: 1...100_000),
        "The visits in order: [{station: cpu, service: ...}, {station: disk, ...}, {station: cpu, ...}]. A station's own routing is not followed inside a sequence."
      ),
    ])

  static let step = Section(
    name: "step", summary: "One visit of a sequence, with the locks taken before it and given back after it.",
    keys: [
      .required("station", .string, "The station visited (a station, not a dispatcher or group)."),
      .optional("service", .distribution, "Service time of this visit; default: the station's."),
      .optional(
        "acquire", .anyOf([.string, .list(of: .string)]),
        "Locks taken, in this order, before the visit; a customer waits first-come-first-served while a lock is fully held."
      ),
      .optional(
        "release", .anyOf([.string, .list(of: .string)]),
        "Locks given back after the visit; any still held after the last step are given back then."),
    ])

  static let lock = Section(
    name: "lock", summary: "A lock: at most capacity customers hold it at once.",
    keys: [
      .required("capacity", .wholeNumber(1...1_000_000), "Holders at once: 1 for a row lock or a mutex, n for a pool of n connections.")
    ])

  static let station = Section(
    name: "station", summary: "A station: servers, a first-come-first-served queue, and where customers go next.",
    keys: [
      .required(
        "servers", .anyOf([.wholeNumber(1...1_000_000), .oneOf(["infinite"])]),
        "Servers (workers): a whole number >= 1, or 'infinite' (a delay station: nobody waits)."),
      .required("service", .distribution, "Service time of one visit."),
      .optional(
        "capacity", .wholeNumber(1...Int(Int32.max)),
        "Most customers present, waiting plus in service (>= servers); an arrival to a full station is lost."),
      .optional(
        "timeout", .duration(positive: true), "Longest wait in the queue; a customer still waiting then leaves, timed out."
      ),
      .optional(
        "next", .anyOf([.string, .list(of: .section(route))]),
        "Where customers go after service: a station, dispatcher or 'exit', or a list [{to: NAME, p: 0.7}, ...] summing to 1. Default: exit."
      ),
      .optional(
        "copies", .wholeNumber(1...100_000),
        "N identical stations NAME[1] ... NAME[N]; a dispatcher's targets may name the group."),
      .optional(
        "discipline", .oneOf(Discipline.allCases.map(\.rawValue)),
        "fifo (default): servers and one first-come-first-served queue; processor-sharing: every customer present is served, each at min(1, servers / present) of a server; batch (group commit): a free server takes everyone waiting and serves them together in one service time."
      ),
      .optional(
        "loadFactor", .list(of: .section(loadPoint), count: 1...10_000),
        "Service slows with concurrency (customers in service): [{concurrency: 1, factor: 1}, {concurrency: 16, factor: 1.8}], linear between points, constant outside."
      ),
    ])

  static let loadPoint = Section(
    name: "loadPoint", summary: "One point of a load factor: service takes factor times as long at this concurrency.",
    keys: [
      .required("concurrency", .wholeNumber(1...1_000_000), "Customers in service; increasing from point to point."),
      .required("factor", .number(1e-6...1e6), "Multiplies every service time in progress at this concurrency."),
    ])

  static let route = Section(
    name: "route", summary: "One branch of a station's routing.",
    keys: [
      .required("to", .string, "A station, a dispatcher or 'exit'."),
      .required("p", .number(0...1), "Probability of this branch; the branches sum to 1."),
    ])

  static let dispatcher = Section(
    name: "dispatcher", summary: "Routes each customer to one of its target stations, in zero time.",
    keys: [
      .required(
        "policy", .oneOf(DispatchPolicy.allCases.map(\.rawValue)),
        "round-robin, random, join-shortest-queue (fewest present), power-of-two (of two random targets), or weighted."
      ),
      .required(
        "targets", .anyOf([.string, .list(of: .string)]),
        "Station names, or group names that stand for all their copies."),
      .optional(
        "weights", .list(of: .number(1e-12...1e12)),
        "With the weighted policy: one positive weight per target; chosen with probability weight / sum."),
    ])
}
