import Foundation
import QueueingTheory

/// One load level of a closed-loop benchmark: what was measured with `clients` connections, the
/// mean of the repeated runs at that level.
package struct MeasuredLevel: Hashable, Sendable {
  package var clients: Int
  /// Transactions per second.
  package var throughput: Double
  /// Seconds.
  package var meanLatency: Double
  package var p95: Double?
  /// CPU seconds per transaction of the server's processes and of the load generator, when the
  /// run recorded them (the utilization law: U = X D, so D = CPU seconds / transactions).
  package var serverDemand: Double?
  package var clientDemand: Double?
  package var cores: Int?
  /// The runs it is the mean of.
  package var runs: Int
  /// How far the runs of the level lie from their mean: the largest relative deviation of one
  /// run's throughput (mean latency), nil for one run. What the measurement itself can tell.
  package var throughputSpread: Double?
  package var meanSpread: Double?
  /// The app's own rate and latency (k6 levels with Prometheus exports beside them).
  package var server: ServerMetrics?

  package init(
    clients: Int, throughput: Double, meanLatency: Double, p95: Double?, serverDemand: Double?, clientDemand: Double?,
    cores: Int?, runs: Int, server: ServerMetrics? = nil
  ) {
    self.clients = clients
    self.throughput = throughput
    self.meanLatency = meanLatency
    self.p95 = p95
    self.serverDemand = serverDemand
    self.clientDemand = clientDemand
    self.cores = cores
    self.runs = runs
    self.server = server
  }

  /// Seconds of the mean latency outside the server (network, proxies, the load generator):
  /// the measured mean less the server's, where the server's is known.
  package var outsideServer: Double? { server?.meanLatency.map { meanLatency - $0 } }

  /// The levels of a set of summaries: runs with the same client count averaged.
  package static func levels(_ reports: [PgbenchReport]) -> [MeasuredLevel] { average(reports.map(\.level)) }

  /// Levels with the same client count averaged (a value only where every run has it).
  package static func average(_ runs: [MeasuredLevel]) -> [MeasuredLevel] {
    Dictionary(grouping: runs, by: \.clients).keys.sorted().map { clients in
      let same = runs.filter { $0.clients == clients }
      func mean(_ f: (MeasuredLevel) -> Double?) -> Double? {
        let xs = same.compactMap(f)
        return xs.count == same.count ? xs.reduce(0, +) / Double(xs.count) : nil
      }
      let server = ServerMetrics(
        requestRate: mean(\.server?.requestRate), meanLatency: mean(\.server?.meanLatency), p50: mean(\.server?.p50),
        p95: mean(\.server?.p95), p99: mean(\.server?.p99))
      // Relative to the level's mean; a level of one run (or of levels already averaged) says none.
      func spread(_ f: (MeasuredLevel) -> Double, around m: Double) -> Double? {
        guard same.count > 1, same.allSatisfy({ $0.runs == 1 }), m > 0 else { return nil }
        return same.map { abs(f($0) - m) / m }.max()
      }
      var level = MeasuredLevel(
        clients: clients, throughput: mean(\.throughput)!, meanLatency: mean(\.meanLatency)!, p95: mean(\.p95),
        serverDemand: mean(\.serverDemand), clientDemand: mean(\.clientDemand), cores: same.compactMap(\.cores).max(),
        runs: same.map(\.runs).reduce(0, +), server: server == ServerMetrics() ? nil : server)
      level.throughputSpread = spread(\.throughput, around: level.throughput)
      level.meanSpread = spread(\.meanLatency, around: level.meanLatency)
      return level
    }
  }
}

extension PgbenchReport {
  /// The machine's busy cores over the run, from a Prometheus export beside a summary that
  /// has no CPU seconds (node_exporter: `sum(rate(node_cpu_seconds_total{mode!="idle"}[1m]))`),
  /// times the run's measured time (transactions / tps): the server's CPU seconds with the
  /// client's and the kernel's in them, since the export cannot tell them apart.
  ///
  /// - Throws: ``MeasurementError`` at the export when the summary already has its CPU seconds
  ///   (two sources for one run) or the export averages no busy core.
  package mutating func take(cpu: PrometheusRange, file: String) throws(MeasurementError) {
    guard serverCPUSeconds == nil else {
      throw MeasurementError(
        file: file, "\(self.file) already has its CPU seconds (the 'cpu seconds:' line): one source of CPU per run")
    }
    serverCPUSeconds = try cpu.busyCores(file: file, of: "this machine") * Double(transactions) / tps
  }

  /// This run as a level of one run: CPU seconds per transaction as demands.
  package var level: MeasuredLevel {
    MeasuredLevel(
      clients: clients, throughput: tps, meanLatency: latencyMean, p95: latencyP95,
      serverDemand: serverCPUSeconds.map { $0 / Double(max(transactions, 1)) },
      clientDemand: clientCPUSeconds.map { $0 / Double(max(transactions, 1)) }, cores: cores, runs: 1)
  }
}

/// A closed-loop model of a database benchmark, fitted to measured load levels.
///
/// The model (one transaction per cycle, every client a closed-loop user):
///
///     client --(think Z)--> cpu (processor sharing over `cores`, demand D, slowed by f(j)) --> wait (delay W) --+
///        ^                                                                                                  |
///        +--------------------------------------------------------------------------------------------------+
///
/// - **Demand** D per transaction on the machine's cores, server and load generator together
///   (pgbench shares the CPUs with PostgreSQL): by the utilization law from the CPU seconds the
///   runs recorded, D = CPU seconds / transactions; without them, D = R(1) - W is taken from
///   the one-client run.
/// - **Load factor** f(j) at each fitted level j (3 or more): the factor at which exact MVA of
///   the model reproduces the measured throughput at j, solved level by level, so the fitted
///   levels are met exactly. Beyond the last fitted level f stays constant. (The CPU seconds per
///   transaction at each level, D(j) / D(1), would give it by the utilization law alone, but on
///   a shared machine they miss the time the CPUs serve others; the throughput does not.)
/// - **Wait** W: the latency of one client that is not CPU (network round trips, I/O, commit
///   flushes), W = R(1) - D_server(1); **think** Z: the time per cycle outside the latency,
///   Z = 1 / X(1) - R(1) - D_client(1). Demands that do not fit in the one-client cycle are cut
///   to it (D_server <= R(1), D_client <= 1 / X(1) - R(1)), so that level is met exactly.
///
/// A level's latency is the server's share of the cpu residence (under processor sharing
/// residence is proportional to demand) plus W; throughput is X(n) from load-dependent exact MVA
/// (``ClosedNetwork``).
///
/// - **Lock** (optional, ``HeldLock``): a row lock held for H per transaction (TPC-B's branch
///   row, from its UPDATE until the commit is durable), taken out of W and modelled as
///   `capacity` servers of demand H, so throughput saturates at capacity / H. That is the lock
///   as a server: exact when what happens under the lock is a fixed delay (the commit flush)
///   and nothing else queues there, an approximation otherwise.
package struct ClosedLoopFit: Sendable {
  package var cores: Int
  /// CPU seconds per transaction at one client: server and client parts.
  package var serverDemand: Double
  package var clientDemand: Double
  package var wait: Double
  package var think: Double
  /// Fitted concurrency levels and their factors, f(first) = 1.
  package var factorLevels: [Int]
  package var factors: [Double]
  /// Whether the one-client demand came from CPU seconds (utilization law) or from latency.
  package var fromUtilization: Bool
  package var lock: HeldLock?
  /// Fitted levels whose throughput does not determine their factor (within 1% of it, the
  /// factor could be anything from half to twice the one kept): the previous level's factor,
  /// or the nearest that meets the level, is used.
  package var undetermined: [Int] = []

  /// Where a factor is looked for.
  static let factorRange = 1e-6...1e6

  package var demand: Double { serverDemand + clientDemand }

  /// The factor at concurrency j, linear between fitted levels, constant outside.
  package func factor(at j: Int) -> Double {
    guard j > factorLevels[0] else { return factors[0] }
    guard j < factorLevels[factorLevels.count - 1] else { return factors[factors.count - 1] }
    var i = 1
    while factorLevels[i] < j { i += 1 }
    let (x0, x1) = (Double(factorLevels[i - 1]), Double(factorLevels[i]))
    return factors[i - 1] + (factors[i] - factors[i - 1]) * (Double(j) - x0) / (x1 - x0)
  }

  /// alpha(j) = min(j, c) / f(j) for j = 1...J, J where both stop changing.
  func rates(limit: Int) -> [Double] {
    let last = min(max(cores, factorLevels[factorLevels.count - 1]), limit)
    return (1...max(last, 1)).map { Double(min($0, cores)) / factor(at: $0) }
  }

  /// Throughput (per second), mean latency (seconds) and the cpu's mean residence at n clients.
  package func predict(clients n: Int) throws(QueueingTheoryError) -> (throughput: Double, latency: Double) {
    var stations = [ClosedNetwork.Station(demand: demand, kind: .loadDependent(rates: rates(limit: n + 1)))]
    let outside = wait - (lock?.held ?? 0)
    if outside > 0 { stations.append(.init(demand: outside, kind: .delay)) }
    if let lock { stations.append(.init(demand: lock.held, kind: .queueing(servers: lock.capacity))) }
    let solution = try ClosedNetwork(population: n, thinkTime: think, stations: stations).solution
    let cpu = solution.stations[0].residenceTime
    let rest = solution.stations.dropFirst().reduce(0) { $0 + $1.residenceTime }
    return (solution.throughput, cpu * serverDemand / demand + rest)
  }

  /// Fits the model to `levels` (3 or more, the lowest client counts of a benchmark).
  ///
  /// - Parameters:
  ///   - cores: the machine's cores when the summaries do not say.
  ///   - lock: a lock held per transaction, or nil; its held time is cut to the wait W.
  ///   - loadDependence: fit a load factor (else the factor is 1 at every level: plain MVA).
  /// - Throws: ``CalibrationError`` when the levels cannot carry a fit.
  package init(
    levels: [MeasuredLevel], cores defaultCores: Int, lock: HeldLock? = nil, loadDependence: Bool = true
  ) throws(CalibrationError) {
    let levels = levels.sorted { $0.clients < $1.clients }
    guard levels.count >= 3 else { throw .tooFewLevels(levels.map(\.clients)) }
    guard let first = levels.first, first.clients == 1 else { throw .needsOneClient(levels.map(\.clients)) }
    cores = first.cores ?? defaultCores
    fromUtilization = levels.allSatisfy { $0.serverDemand != nil }
    let r1 = first.meanLatency
    let x1 = first.throughput
    if fromUtilization {
      serverDemand = first.serverDemand!
      clientDemand = first.clientDemand ?? 0
    } else {
      // One client: nothing queues, so the latency is the server's demand plus the wait; the
      // CPU part cannot be told from the wait without CPU seconds, so all of it is demand.
      serverDemand = r1
      clientDemand = 0
      // A lock's held time is not CPU (a commit flush): it comes out of the latency, leaving at
      // least half of it as demand.
      if let lock { serverDemand = max(r1 - lock.held, r1 / 2) }
    }
    // Measured CPU can exceed what one cycle has room for (background work, client CPU inside
    // pgbench's latency): then it is cut so that one client's cycle, 1 / X(1), is met exactly.
    serverDemand = min(serverDemand, r1)
    clientDemand = min(clientDemand, max(0, 1 / x1 - r1))
    wait = r1 - serverDemand
    think = max(0, 1 / x1 - r1 - clientDemand)
    let wait = self.wait
    self.lock = wait > 0 ? lock.map { HeldLock(capacity: $0.capacity, held: min($0.held, wait)) } : nil
    factorLevels = levels.map(\.clients)
    factors = [1]
    guard loadDependence else {
      factors = Array(repeating: 1, count: levels.count)
      return
    }
    // Level by level, the factor at which MVA gives the measured throughput (bisection on log f:
    // throughput falls as f grows).
    for level in levels.dropFirst() {
      // A lock lets at most capacity / held through whatever the load factor: a level beyond
      // that (by more than the 1% a level is met within) is the lock's error, not the factor's.
      if let held = self.lock, let given = lock, level.throughput > 1.01 * Double(held.capacity) / held.held {
        throw .lockBelowLevel(clients: level.clients, throughput: level.throughput, lock: held, given: given.held)
      }
      let fitted = levels.map(\.clients).prefix(factors.count + 1)
      func throughput(factor: Double) -> Double {
        factors.append(factor)
        factorLevels = Array(fitted)
        defer { factors.removeLast() }
        return (try? predict(clients: level.clients).throughput) ?? 0
      }
      func factor(meeting target: Double) -> Double {
        var low = log(Self.factorRange.lowerBound)
        var high = log(Self.factorRange.upperBound)
        for _ in 0..<80 {
          let mid = (low + high) / 2
          if throughput(factor: exp(mid)) > target { low = mid } else { high = mid }
        }
        return exp((low + high) / 2)
      }
      var chosen = factor(meeting: level.throughput)
      // The search ends at its edge when no factor meets the level (faster than the one-client
      // wait allows, or slower than any finite factor gives); the model's predictions would then
      // be the edge's, not the measurement's. (At an edge where the throughput no longer depends
      // on the factor, a lock's capacity, the level may be met: that is a fit.)
      guard abs(throughput(factor: chosen) / level.throughput - 1) < 0.01 else {
        throw .levelOutOfReach(clients: level.clients, throughput: level.throughput)
      }
      // A level whose throughput hardly depends on the factor (the cores mostly idle: clients
      // that think, a long wait) does not determine it: a 1% error in a measurement would move
      // the factor anywhere in the search range. When the factors meeting the level within 1%
      // span more than a doubling, the one nearest the previous level's is kept.
      let fast = factor(meeting: level.throughput * 1.01)
      let slow = factor(meeting: level.throughput * 0.99)
      if slow / fast > 2 {
        chosen = min(max(factors[factors.count - 1], fast), slow)
        undetermined.append(level.clients)
      }
      factors.append(chosen)
      factorLevels = Array(fitted)
    }
    factorLevels = levels.map(\.clients)
  }
}

/// A lock every transaction holds for a while: `capacity` holders at once (1 for TPC-B's branch
/// row at scale 1, the scale for pgbench's branches), `held` seconds per transaction at one
/// client (from pgbench -r: the statement latencies from the lock's UPDATE to END).
package struct HeldLock: Hashable, Sendable {
  package var capacity: Int
  package var held: Double

  package init(capacity: Int, held: Double) {
    self.capacity = capacity
    self.held = held
  }
}

/// Why measurements cannot be calibrated.
package enum CalibrationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Fewer than three load levels to fit.
  case tooFewLevels([Int])
  /// The fit needs a one-client level (no contention).
  case needsOneClient([Int])
  /// No summaries were given, or none of this workload.
  case noMeasurements(String)
  /// The round-trip model needs the CPU seconds of every fitted level.
  case needsCPUSeconds([Int])
  /// No parameters met the levels (the search found no finite prediction).
  case noFit([Int])
  /// No load factor lets the load-factor model meet a fitted level's throughput.
  case levelOutOfReach(clients: Int, throughput: Double)
  /// A lock's bound, capacity / held (the held time as cut to the one-client wait, `given` as
  /// asked), is below a fitted level's throughput.
  case lockBelowLevel(clients: Int, throughput: Double, lock: HeldLock, given: Double)

  package var description: String {
    switch self {
    case .tooFewLevels(let levels):
      "load dependence needs 3 or more load levels to fit, found \(levels.count) (clients \(levels.map(String.init).joined(separator: ", ")))"
    case .needsOneClient(let levels):
      "the fit starts from a one-client run (no contention); the levels are clients \(levels.map(String.init).joined(separator: ", "))"
    case .noMeasurements(let what): "no measurements: \(what)"
    case .needsCPUSeconds(let levels):
      "the round-trip model needs the CPU seconds of every fitted level (clients \(levels.map(String.init).joined(separator: ", ")))"
    case .noFit(let levels):
      "no model parameters reproduce the levels at clients \(levels.map(String.init).joined(separator: ", "))"
    case .levelOutOfReach(let clients, let throughput):
      "the load-factor model cannot meet \(String(format: "%.1f", throughput))/s at \(clients) clients with any load factor (the one-client run's demand and wait do not carry it); fit on other levels (--fit)"
    case .lockBelowLevel(let clients, let throughput, let lock, let given):
      "the lock (capacity \(lock.capacity), held \(String(format: "%.3g", lock.held * 1_000)) ms"
        + (lock.held < given
          ? ", the \(String(format: "%.3g", given * 1_000)) ms given cut to the one-client wait" : "")
        + ") lets at most \(String(format: "%.1f", Double(lock.capacity) / lock.held))/s through (capacity / held), below the \(String(format: "%.1f", throughput))/s measured at \(clients) clients: its capacity is the rows the transactions spread over (pgbench's branches: the scaling factor)"
    }
  }
}

extension ClosedLoopFit {
  /// The model of a topology's stations as given, not fitted: a processor-sharing cpu of
  /// `cores` with its load factors, a delay, no think time.
  init(cores: Int, demand: Double, wait: Double, factorLevels: [Int], factors: [Double]) {
    self.cores = cores
    serverDemand = demand
    clientDemand = 0
    self.wait = wait
    think = 0
    self.factorLevels = factorLevels
    self.factors = factors
    fromUtilization = true
    lock = nil
  }
}
