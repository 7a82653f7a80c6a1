import Foundation
import QueueingModel
import QueueingTheory
import SimRandom
import SimStatistics
import Testing

/// Processor sharing and load-dependent service against theory, and overloaded open stations.
///
/// Tolerances come from the simulation's own spread: the mean over R independent replications
/// may miss the exact value by at most t(0.9995, R - 1) standard errors (4.78 for R = 10), which
/// a correct engine exceeds with probability 0.001 per check (a two-sided Student-t bound), plus
/// the bias of starting empty, which the warm-up keeps far below it.
@Suite struct SharingTests {
  static let replications = 10
  /// t quantile 0.9995 with 9 degrees of freedom.
  static let t = 4.781

  static func run(_ network: Network, warmup: Double = 200, horizon: Double) -> ExperimentResult {
    Experiment(
      network: network, window: RunWindow(warmup: warmup, horizon: horizon), replications: replications, seed: 77
    )
    .run(threads: ProcessInfo.processInfo.activeProcessorCount)
  }

  static func expectWithinNoise(
    _ e: Estimate, _ exact: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let standardError = (e.standardDeviation ?? .infinity) / Double(e.count).squareRoot()
    #expect(
      abs(e.mean - exact) <= t * standardError, "\(what): simulated \(e.mean) +- \(t * standardError), exact \(exact)",
      sourceLocation: sourceLocation)
  }

  static func open(_ station: Station, rate: Double) -> Network {
    Network(stations: [station], sources: [Source(name: "in", kind: .poisson(rate: rate), to: .station(0))])
  }

  @Test func processorSharingHasTheMM1Mean() throws {
    // Given M/M/1-PS at rho = 0.7: the number present is the FIFO queue's, W = S / (1 - rho)
    let station = Station(
      name: "cpu", servers: .finite(1), service: try .exponential(mean: 0.1), discipline: .processorSharing)
    let result = Self.run(Self.open(station, rate: 7), horizon: 20_000)
    Self.expectWithinNoise(result.station(0, \.meanResponse), 0.1 / 0.3, "W")
    Self.expectWithinNoise(result.station(0, \.meanInStation), 0.7 / 0.3, "L")
    // and nobody waits: all present are in service (Lq was L less one busy server)
    #expect(result.station(0, \.meanWait).mean == 0)
    #expect(result.station(0, \.meanQueueLength).mean == 0)
  }

  @Test func processorSharingIsInsensitiveToTheServiceDistribution() throws {
    // Given M/G/1-PS with lognormal service (cv 3) at rho = 0.6: W = S / (1 - rho) = 0.125 s,
    // where FIFO (Pollaczek-Khinchine) would give 0.05 + 0.6 * 0.05 * (1 + 9) / (2 * 0.4) = 0.425 s
    let station = Station(
      name: "cpu", servers: .finite(1), service: try .lognormal(mean: 0.05, cv: 3), discipline: .processorSharing)
    let network = Self.open(station, rate: 12)
    let answer = try network.theory().get()
    #expect(answer.method.contains("M/G/1-PS"))
    let theory = try #require(answer.predictions.first { $0.metric == .meanResponse && $0.scope == .endToEnd })
    #expect(abs(theory.value - 0.125) < 1e-12)
    let result = Self.run(network, horizon: 20_000)
    Self.expectWithinNoise(result.endToEnd(\.meanResponse), 0.125, "W")
  }

  @Test func sharedCoresHaveTheMMcMeans() throws {
    // Given 4 cores shared by all present, deterministic service (insensitive): M/M/4 means
    let station = Station(
      name: "cpu", servers: .finite(4), service: try .deterministic(0.02), discipline: .processorSharing)
    let mmc = try MMc(arrivalRate: 170, serviceRate: 50, servers: 4)
    let result = Self.run(Self.open(station, rate: 170), horizon: 2_000)
    Self.expectWithinNoise(result.station(0, \.meanInStation), mmc.meanNumberInSystem, "L")
    Self.expectWithinNoise(result.station(0, \.meanBusyServers), 170 * 0.02, "busy cores")
  }

  static let thrashing = LoadFactor(concurrency: [1, 2, 8], factor: [1, 1.1, 2])

  @Test func openLoadDependentStationMatchesTheBirthDeathQueue() throws {
    // Given 2 cores shared, slowing to half speed at 8 present: saturates at 2 / 2 = 1 server's worth
    let station = Station(
      name: "db", servers: .finite(2), service: try .lognormal(mean: 0.01, cv: 1.5), discipline: .processorSharing,
      loadFactor: Self.thrashing)
    let network = Self.open(station, rate: 70)
    let answer = try network.theory().get()
    #expect(answer.method.contains("load-dependent"))
    let exact = try #require(answer.predictions.first { $0.metric == .meanInStation })
    let result = Self.run(network, horizon: 4_000)
    Self.expectWithinNoise(result.station(0, \.meanInStation), exact.value, "L")
  }

  @Test func closedNetworkWithLoadDependentStationsMatchesMVA() throws {
    // Given 30 users (think 0.2 s) on a FIFO app tier of 3 exponential servers slowed by
    // concurrency, then a thrashing processor-sharing database with lognormal queries
    let app = Station(
      name: "app", servers: .finite(3), service: try .exponential(mean: 0.01),
      routing: [Route(to: .station(1), probability: 1)],
      loadFactor: LoadFactor(concurrency: [1, 3], factor: [1, 1.4]))
    let db = Station(
      name: "db", servers: .finite(2), service: try .lognormal(mean: 0.006, cv: 2), discipline: .processorSharing,
      loadFactor: Self.thrashing)
    let network = Network(
      stations: [app, db],
      sources: [Source(name: "users", kind: .closed(users: 30, think: try .exponential(mean: 0.2)), to: .station(0))])
    let answer = try network.theory().get()
    #expect(answer.method.contains("load-dependent"))
    func exact(_ m: TheoryPrediction.Metric, _ scope: TheoryPrediction.Scope) throws -> Double {
      try #require(answer.predictions.first { $0.metric == m && $0.scope == scope }).value
    }
    let result = Self.run(network, warmup: 20, horizon: 1_000)
    Self.expectWithinNoise(result.endToEnd(\.throughput), try exact(.throughput, .endToEnd), "X")
    Self.expectWithinNoise(result.endToEnd(\.meanResponse), try exact(.meanResponse, .endToEnd), "R")
    Self.expectWithinNoise(result.station(1, \.meanInStation), try exact(.meanInStation, .station(1)), "Q db")
  }

  @Test func sameSeedSameResultsOnAnyThreadCount() throws {
    let station = Station(
      name: "db", servers: .finite(2), service: try .exponential(mean: 0.01), discipline: .processorSharing,
      loadFactor: Self.thrashing)
    let experiment = Experiment(
      network: Self.open(station, rate: 60), window: RunWindow(warmup: 0, horizon: 100), replications: 4, seed: 3)
    let one = experiment.run(threads: 1).replicationResults.map(\.endToEnd.meanResponse)
    let four = experiment.run(threads: 4).replicationResults.map(\.endToEnd.meanResponse)
    #expect(one == four)
  }

  // MARK: Overload and the end of a run

  @Test func anOverloadedOpenStationRunsAndItsQueueGrows() throws {
    // Given an M/M/1 offered 12/s of work it serves at 10/s: a warning, not an error
    let station = Station(name: "server", servers: .finite(1), service: try .exponential(mean: 0.1))
    let network = Self.open(station, rate: 12)
    let problems = network.problems()
    #expect(!problems.contains { $0.isError })
    #expect(problems.contains { $0.message.contains("grows without bound") })
    // When it runs 60 s and stops there (no drain)
    let window = RunWindow(warmup: 0, horizon: 60, drainLimit: 0)
    var sim = NetworkSimulator(network: network, window: window, seed: 1, replication: 0)
    let result = sim.run()
    // Then the run ended at 60 s and the queue grew by about (12 - 10) x 60 = 120, with a
    // standard deviation near sqrt((12 + 10) x 60) = 36: (0, 260) holds at 3.3 sd
    #expect(result.simulatedTime == 60)
    let grown = result.stations[0].presentAtWindowEnd - result.stations[0].presentAtWindowStart
    #expect(grown > 0 && grown < 260, "grew by \(grown)")
    #expect(result.endToEnd.unfinished == result.stations[0].presentAtWindowEnd)
    // and the same seed gives the same run
    var again = NetworkSimulator(network: network, window: window, seed: 1, replication: 0)
    #expect(again.run().endToEnd.completed == result.endToEnd.completed)
    #expect(result.stoppedEarly == nil)
  }

  /// An overloaded station's queue would grow until the process were killed: past the customer
  /// limit (lowered here from its 2 million) the replication stops, and says where and why.
  @Test func anOverloadedStationStopsAtTheCustomerLimit() throws {
    // Given an M/M/1 at 10/s offered 1,000/s for a minute
    let station = Station(name: "server", servers: .finite(1), service: try .exponential(mean: 0.1))
    let network = Self.open(station, rate: 1000)
    var sim = NetworkSimulator(network: network, window: RunWindow(warmup: 0, horizon: 60), seed: 1, replication: 0)
    sim.customerLimit = 1000
    // When it runs
    let result = sim.run()
    // Then it stopped after about a second, one customer past the limit, all at the server
    let stop = try #require(result.stoppedEarly)
    #expect(stop.customers == 1001 && stop.limit == 1000 && stop.station == 0 && stop.atStation == 1001)
    #expect(result.simulatedTime > 0.5 && result.simulatedTime < 2)
    let why = network.explain(stop, replication: 0, at: result.simulatedTime)
    #expect(why.contains("1001 customers in the network, past the 1000 capsim holds in memory"), "\(why)")
    #expect(why.contains("station 'server' held 1001, offered 1000/s against a capacity of 10/s"), "\(why)")
  }
}

/// Paced connections (pgbench --rate): open loop per connection, a late transaction delays its
/// connection's next.
@Suite struct PacedConnectionTests {
  static func network(rate: Double, connections: Int) throws -> Network {
    Network(
      stations: [Station(name: "db", servers: .finite(2), service: try .exponential(mean: 0.01))],
      sources: [Source(name: "pgbench", kind: .paced(connections: connections, rate: rate), to: .station(0))])
  }

  static func run(_ network: Network) -> ExperimentResult {
    Experiment(network: network, window: RunWindow(warmup: 20, horizon: 500, drainLimit: 0), replications: 10, seed: 5)
      .run(threads: ProcessInfo.processInfo.activeProcessorCount)
  }

  @Test func belowTheKneeEveryScheduledTransactionRuns() throws {
    // Given 100/s on 8 connections against 200/s of capacity: throughput is the rate, within the
    // Poisson count's noise (sd sqrt(100 x 500) / 500 = 0.45/s per replication; 4.78 standard
    // errors of 10 replications is 0.68/s)
    let result = Self.run(try Self.network(rate: 100, connections: 8))
    let x = result.endToEnd(\.throughput)
    #expect(abs(x.mean - 100) < 0.7, "\(x.mean)")
    #expect(theory(try Self.network(rate: 100, connections: 8)) != nil)
  }

  @Test func aboveTheKneeLateTransactionsDelayTheirConnections() throws {
    // Given 400/s offered to 200/s of capacity on 8 connections: the connections stay busy, so
    // throughput is the closed loop's with no think time, X(8) of two servers = 200/s at most,
    // and the response (from the scheduled start) grows with the lag: far above the 10 ms service
    let result = Self.run(try Self.network(rate: 400, connections: 8))
    let x = result.endToEnd(\.throughput).mean
    #expect(x > 190 && x <= 200.5, "\(x)")
    #expect(result.endToEnd(\.meanResponse).mean > 1, "lag counted: \(result.endToEnd(\.meanResponse).mean)")
    // and the lag is waiting (for the connection): in the mean wait too, not only the ~30 ms
    // queue of 8 in flight at 2 servers
    #expect(result.endToEnd(\.meanWait).mean > 1, "\(result.endToEnd(\.meanWait).mean)")
    // and the in-flight count never exceeds the connections
    #expect(result.replicationResults.allSatisfy { $0.stations[0].presentAtWindowEnd <= 8 })
  }

  /// One connection on one server is a FIFO queue whose customers arrive as scheduled: an M/M/1
  /// queue, overloaded at 150/s against 100/s. Every transaction scheduled in the window
  /// arrived then, started or not: about 150 x 60 = 9,000 of them (Poisson, sd 95; 4 sd is 380),
  /// those the run did not finish unfinished. (Those not started when the window ended were
  /// lost: 5,930 arrivals; with a 20 s warm-up the schedule never reached the window, and
  /// nothing was measured.) The same queue fed by a Poisson source counts as many.
  @Test(arguments: [0.0, 20.0])
  func transactionsScheduledInTheWindowAllCount(warmup: Double) throws {
    func run(_ kind: Source.Kind) -> ReplicationResult {
      let network = Network(
        stations: [Station(name: "db", servers: .finite(1), service: try! .exponential(mean: 0.01))],
        sources: [Source(name: "pgbench", kind: kind, to: .station(0))])
      return Experiment(network: network, window: RunWindow(warmup: warmup, horizon: 60), replications: 1, seed: 3)
        .run(threads: 1).replicationResults[0]
    }
    for kind in [Source.Kind.paced(connections: 1, rate: 150), .poisson(rate: 150)] {
      let flow = run(kind).endToEnd
      #expect(abs(Double(flow.arrivals) - 9_000) < 380, "\(kind): \(flow.arrivals) arrivals")
      #expect(flow.arrivals == flow.completed + flow.lost + flow.timedOut + flow.unfinished, "\(kind)")
      #expect(flow.completed > 5_000, "\(kind): \(flow.completed) completed")
    }
  }

  func theory(_ network: Network) -> String? {
    if case .failure(let why) = network.theory() { return why.reason }
    return nil
  }
}
