import Foundation
import QueueingModel
import QueueingTheory
import SimRandom
import SimStatistics
import Testing

/// Visit sequences, locks held across visits, and batch (group commit) stations against theory.
///
/// Tolerances as in `SharingTests`: the mean over R = 10 replications may miss the exact value
/// by t(0.9995, 9) = 4.78 standard errors (estimated from the replications' spread), which a
/// correct engine exceeds with probability 0.001 per check; the warm-up keeps the bias of
/// starting empty far below that.
@Suite struct SequenceTests {
  static func run(_ network: Network, warmup: Double = 20, horizon: Double) -> ExperimentResult {
    Experiment(network: network, window: RunWindow(warmup: warmup, horizon: horizon), replications: 10, seed: 13)
      .run(threads: ProcessInfo.processInfo.activeProcessorCount)
  }

  static func within(_ e: Estimate, _ exact: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation)
  {
    SharingTests.expectWithinNoise(e, exact, what, sourceLocation: sourceLocation)
  }

  static func exact(_ answer: TheoryAnswer, _ m: TheoryPrediction.Metric, _ scope: TheoryPrediction.Scope) throws
    -> Double
  {
    try #require(answer.predictions.first { $0.metric == m && $0.scope == scope }).value
  }

  static func step(_ station: Int, _ service: Distribution? = nil, acquire: [Int] = [], release: [Int] = [])
    -> VisitSequence.Step
  {
    VisitSequence.Step(station: station, service: service, acquire: acquire, release: release)
  }

  // MARK: Sequences against MVA

  /// A transaction of three CPU bursts (deterministic, lognormal cv 2, exponential) on 2 shared
  /// cores and two I/Os on an exponential disk: MVA sees cpu 3 ms and disk 4 ms per trip.
  static func transaction() throws -> (stations: [Station], sequence: VisitSequence) {
    // The station's own mean (0.4 ms) times 3 visits is not 3 ms: a step served with the
    // station's service instead of its own would show.
    let cpu = Station(
      name: "cpu", servers: .finite(2), service: try .exponential(mean: 0.0004), discipline: .processorSharing)
    let disk = Station(name: "disk", servers: .finite(1), service: try .exponential(mean: 0.002))
    let sequence = VisitSequence(
      name: "tx",
      steps: [
        step(0, try .deterministic(0.0005)), step(1), step(0, try .lognormal(mean: 0.002, cv: 2)), step(1),
        step(0, try .exponential(mean: 0.0005)),
      ])
    return ([cpu, disk], sequence)
  }

  @Test func aClosedSequenceMatchesMVAOnItsDemandPerStation() throws {
    // Given 20 users thinking 20 ms on the transaction
    let (stations, sequence) = try Self.transaction()
    let network = Network(
      stations: stations,
      sources: [Source(name: "users", kind: .closed(users: 20, think: try .exponential(mean: 0.02)), to: .sequence(0))],
      sequences: [sequence])
    // Then theory solves it by the demand per station (cpu 3 ms, disk 4 ms)
    let answer = try network.theory().get()
    #expect(answer.method.contains("mean value analysis") && answer.method.contains("'tx'"))
    let reference = try ClosedNetwork(
      population: 20, thinkTime: 0.02,
      stations: [.init(demand: 0.003, kind: .queueing(servers: 2)), .init(demand: 0.004, kind: .queueing(servers: 1))]
    ).solution
    #expect(abs(try Self.exact(answer, .throughput, .endToEnd) - reference.throughput) < 1e-9)
    // and the simulation agrees within its noise, end to end and per station (per visit)
    let result = Self.run(network, horizon: 300)
    Self.within(result.endToEnd(\.throughput), try Self.exact(answer, .throughput, .endToEnd), "X")
    Self.within(result.endToEnd(\.meanResponse), try Self.exact(answer, .meanResponse, .endToEnd), "R")
    Self.within(result.station(0, \.meanInStation), try Self.exact(answer, .meanInStation, .station(0)), "L cpu")
    Self.within(
      result.station(1, \.meanResponse), try Self.exact(answer, .meanResponse, .station(1)), "W disk per visit")
    Self.within(result.station(1, \.throughput), try Self.exact(answer, .throughput, .station(1)), "disk visits/s")
  }

  @Test func anOpenSequenceMatchesTheProductForm() throws {
    // Given Poisson 150/s into the transaction: cpu offered 0.45 servers of 2, disk 0.6 of 1
    let (stations, sequence) = try Self.transaction()
    let network = Network(
      stations: stations, sources: [Source(name: "in", kind: .poisson(rate: 150), to: .sequence(0))],
      sequences: [sequence])
    let answer = try network.theory().get()
    #expect(answer.method.contains("visit sequences"))
    // Then the disk holds M/M/1's 0.6 / 0.4 = 1.5, and end to end is sum L / lambda
    let mmc = try MMc(arrivalRate: 150, serviceRate: 1 / 0.003, servers: 2)
    #expect(abs(try Self.exact(answer, .meanInStation, .station(1)) - 1.5) < 1e-12)
    #expect(abs(try Self.exact(answer, .meanResponse, .endToEnd) - (1.5 + mmc.meanNumberInSystem) / 150) < 1e-12)
    let result = Self.run(network, horizon: 2_000)
    Self.within(result.endToEnd(\.meanResponse), try Self.exact(answer, .meanResponse, .endToEnd), "R")
    Self.within(result.station(1, \.meanInStation), 1.5, "L disk")
    Self.within(result.station(0, \.meanBusyServers), 0.45, "busy cores")
  }

  @Test func aFIFOStationVisitedWithItsOwnServiceChangedHasNoProductForm() throws {
    let (stations, _) = try Self.transaction()
    let sequence = VisitSequence(name: "tx", steps: [Self.step(1, try .exponential(mean: 0.005))])
    let network = Network(
      stations: stations, sources: [Source(name: "in", kind: .poisson(rate: 10), to: .sequence(0))],
      sequences: [sequence])
    guard case .failure(let why) = network.theory() else {
      Issue.record("theory claimed an exact answer")
      return
    }
    #expect(why.reason.contains("FIFO station 'disk'"))
  }

  // MARK: Locks

  /// Delay stations a (2 ms) and b (3 ms), exponential; lock 0 taken before a, given back after b.
  static func locked(capacity: Int, source: Source.Kind, lock: Bool = true) throws -> Network {
    let a = Station(name: "a", servers: .infinite, service: try .exponential(mean: 0.002))
    let b = Station(name: "b", servers: .infinite, service: try .exponential(mean: 0.003))
    let cpu = Station(name: "cpu", servers: .infinite, service: try .exponential(mean: 0.0005))
    let steps = [Self.step(2), Self.step(0, acquire: lock ? [0] : []), Self.step(1, release: lock ? [0] : [])]
    return Network(
      stations: [a, b, cpu], sources: [Source(name: "in", kind: source, to: .sequence(0))],
      sequences: [VisitSequence(name: "tx", steps: steps)], locks: [Lock(name: "row", capacity: capacity)])
  }

  @Test func aRowLockAroundTheSequenceIsOneServerOfTheSummedService() throws {
    // Given Poisson 100/s and a lock of capacity 1 held over a (2 ms) and b (3 ms), which have
    // infinite servers: the lock is an M/G/1 queue whose service is their sum, E[S] = 5 ms,
    // E[S^2] = Var + E^2 = (4 + 9 + 25) e-6 s^2, rho = 0.5 (Pollaczek-Khinchine)
    let network = try Self.locked(capacity: 1, source: .poisson(rate: 100))
    #expect(network.problems().isEmpty)
    guard case .failure(let why) = network.theory() else {
      Issue.record("locks have no product form; theory must say so")
      return
    }
    // but a bound: held at least 2 + 3 ms per trip, so at most 200 trips/s
    #expect(why.reason.contains("held at least 5.0 ms per trip of class 'tx', so at most 200.0"), "\(why)")
    let mg1 = try MG1(arrivalRate: 100, serviceMean: 0.005, serviceSecondMoment: 38e-6)
    let result = Self.run(network, horizon: 2_000)
    // Then the wait for the lock is M/G/1's (3.8 ms), the lock is held half the time, and the
    // trip takes wait + 0.5 ms + 5 ms
    Self.within(result.lock(0, \.meanWait), mg1.meanWait, "lock wait")
    Self.within(result.lock(0, \.meanHeld), 0.5, "lock held")
    Self.within(result.lock(0, \.waitProbability), 0.5, "lock wait probability")
    Self.within(result.endToEnd(\.meanResponse), mg1.meanResponse + 0.0005, "R")
    Self.within(result.endToEnd(\.meanWait), mg1.meanWait, "trip wait")
  }

  @Test(arguments: [1, 2]) func contentionCapsThroughputAtCapacityOverHeldTime(_ capacity: Int) throws {
    // Given 40 users thinking 1 ms: without the lock they cycle in 1 + 0.5 + 2 + 3 ms (6,154/s)
    let think = try Distribution.exponential(mean: 0.001)
    let free = Self.run(
      try Self.locked(capacity: capacity, source: .closed(users: 40, think: think), lock: false), horizon: 20)
    let unlocked = 40 / 0.0065
    Self.within(free.endToEnd(\.throughput), unlocked, "X without the lock")
    // When the lock (held 5 ms) is taken
    let result = Self.run(try Self.locked(capacity: capacity, source: .closed(users: 40, think: think)), horizon: 100)
    // Then it is always held and throughput saturates at capacity / held time
    let limit = Double(capacity) / 0.005
    #expect(result.lock(0, \.meanHeld).mean > Double(capacity) * 0.999)
    Self.within(result.endToEnd(\.throughput), limit, "X at the lock's limit")
    #expect(result.endToEnd(\.throughput).mean < unlocked / 10)
  }

  /// A lock offered more than it passes: its grants in the window are its throughput (they
  /// counted the window's requests, granted in the drain too), and its line is seen to grow.
  @Test func anOverloadedLockCountsItsGrantsAndItsLineGrows() throws {
    // Given Poisson 300/s at a lock of capacity 1 held 5 ms a trip: at most 200 trips/s pass
    let network = try Self.locked(capacity: 1, source: .poisson(rate: 300))
    // When it runs 20 s and drains what arrived
    let result = Self.run(network, warmup: 2, horizon: 20)
    // Then it grants about 200/s in the window (a count's sd is about sqrt(4000 x 0.52), 1.1%
    // per replication: 3% holds at more than 8 standard errors of the mean of 10), not the 300/s
    // that ask
    let taken = result.replicationResults.map { Double($0.locks[0].granted) / 20 }
    let mean = taken.reduce(0, +) / Double(taken.count)
    #expect(abs(mean - 200) < 6, "\(taken)")
    // and in every replication its line grew by about 100/s over the window
    for r in result.replicationResults {
      #expect(r.locks[0].waitingAtWindowEnd - r.locks[0].waitingAtWindowStart > 1_000, "\(r.locks[0])")
    }
  }

  // MARK: Batch service (group commit)

  static func flusher(_ service: Distribution, rate: Double) -> Network {
    let wal = Station(name: "wal", servers: .finite(1), service: service, discipline: .batch)
    return Network(stations: [wal], sources: [Source(name: "commits", kind: .poisson(rate: rate), to: .station(0))])
  }

  struct BatchCase: CustomTestStringConvertible, Sendable {
    var service: Distribution
    var rate: Double
    var testDescription: String { "\(service.kind) at \(rate)/s" }
  }

  @Test(arguments: [
    BatchCase(service: try! .deterministic(0.005), rate: 100),
    BatchCase(service: try! .exponential(mean: 0.005), rate: 150),
    BatchCase(service: try! .uniform(low: 0.002, high: 0.008), rate: 1_000),
  ])
  func aBatchStationMatchesGatedBulkService(_ c: BatchCase) throws {
    let network = Self.flusher(c.service, rate: c.rate)
    #expect(network.problems().isEmpty)
    let answer = try network.theory().get()
    #expect(answer.method.contains("M/G^[inf]/1"))
    let result = Self.run(network, horizon: 1_000)
    Self.within(result.endToEnd(\.meanResponse), try Self.exact(answer, .meanResponse, .endToEnd), "W")
    Self.within(result.station(0, \.meanBusyServers), try Self.exact(answer, .meanBusyServers, .station(0)), "busy")
    Self.within(result.station(0, \.waitProbability), try Self.exact(answer, .waitProbability, .station(0)), "P(wait)")
    // Lq is the number waiting, not in a batch (it was L less the busy server): Little's law
    // with the same run's Wq, within 2% (edge effects of a 1,000 s window are far smaller).
    let lq = result.station(0, \.meanQueueLength).mean
    let littles = c.rate * result.station(0, \.meanWait).mean
    #expect(abs(lq - littles) <= 0.02 * littles, "Lq \(lq), lambda Wq \(littles)")
  }

  @Test func groupCommitAtLowLoadTakesAboutOneFlush() throws {
    // Given 1 commit/s against a 5 ms fsync: a commit rarely finds a flush in progress
    let result = Self.run(Self.flusher(try .deterministic(0.005), rate: 1), warmup: 0, horizon: 5_000)
    // Then its latency is the flush time within 1% (theory: 5 ms x (1 + P(busy) / 2) = 5.0125 ms)
    let w = result.endToEnd(\.meanResponse).mean
    #expect(w >= 0.005 && w < 0.00505, "W \(w)")
  }

  @Test func groupCommitAtHighLoadExceedsOneOverTheFlushTime() throws {
    // Given 2,000 commits/s against a 5 ms fsync: one at a time could do 200/s
    let network = Self.flusher(try .deterministic(0.005), rate: 2_000)
    let result = Self.run(network, horizon: 50)
    // Then all are served (about 10 per flush) and the queue does not grow
    Self.within(result.endToEnd(\.throughput), 2_000, "X")
    #expect(result.endToEnd(\.throughput).mean > 5 * 200)
    #expect(result.replicationResults.allSatisfy { $0.stations[0].presentAtWindowEnd < 40 })
    // and latency stays near 1.5 flushes (5 ms + nearly always half a flush in progress)
    Self.within(
      result.endToEnd(\.meanResponse), try Self.exact(try network.theory().get(), .meanResponse, .endToEnd), "W")
    #expect(result.endToEnd(\.meanResponse).mean < 0.0076)

    // And closed: 100 users thinking 10 ms get far more than 200 commits/s through it
    var closed = network
    closed.sources = [
      Source(name: "users", kind: .closed(users: 100, think: try .exponential(mean: 0.01)), to: .station(0))
    ]
    let x = Self.run(closed, horizon: 50).endToEnd(\.throughput).mean
    #expect(x > 1_000, "X \(x)")
  }

  @Test func aBatchStationUnderASequenceSharesFlushesAcrossSteps() throws {
    // Given a transaction: cpu burst, then commit through the flusher; 50 users, no think time
    let cpu = Station(
      name: "cpu", servers: .finite(2), service: try .exponential(mean: 0.001), discipline: .processorSharing)
    let wal = Station(name: "wal", servers: .finite(1), service: try .deterministic(0.004), discipline: .batch)
    let network = Network(
      stations: [cpu, wal],
      sources: [Source(name: "users", kind: .closed(users: 50, think: try .deterministic(0)), to: .sequence(0))],
      sequences: [VisitSequence(name: "tx", steps: [Self.step(0), Self.step(1)])])
    let result = Self.run(network, horizon: 20)
    // Then the CPU (2,000/s at most) is the limit, not one flush per 4 ms (250/s)
    let x = result.endToEnd(\.throughput).mean
    #expect(x > 1_500 && x <= 2_000 * 1.01, "X \(x)")
    // and by Little's law each trip takes N / X
    Self.within(result.endToEnd(\.meanResponse), 50 / x, "R")
  }

  // MARK: Validation

  @Test func locksTakenInOppositeOrdersAreRejected() throws {
    let a = Station(name: "a", servers: .finite(1), service: try .exponential(mean: 0.001))
    let network = Network(
      stations: [a], sources: [Source(name: "in", kind: .poisson(rate: 1), to: .sequence(0))],
      sequences: [
        VisitSequence(name: "x", steps: [Self.step(0, acquire: [0, 1])]),
        VisitSequence(name: "y", steps: [Self.step(0, acquire: [1]), Self.step(0, acquire: [0])]),
      ],
      locks: [Lock(name: "p", capacity: 1), Lock(name: "q", capacity: 1)])
    let problems = network.problems()
    #expect(problems.contains { $0.isError && $0.message.contains("deadlock") }, "\(problems)")
  }
}
