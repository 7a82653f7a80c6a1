import Foundation
import QueueingTheory
import Testing

import Calibration

/// The round-trip model: what it reads off the scripts, its solvers against exact MVA, and the
/// fit recovering a model it was generated from.
@Suite struct RoundTripFitTests {
  /// The crm mix: 80% one-statement reads, 20% BEGIN, UPDATE of an account, INSERT, END.
  @Test func readsTheShapeOfTwoScripts() throws {
    let (file, text) = try CalibrationTests.fixture("crm-rate300.txt")
    let r = try PgbenchReport(file: file, text: text)
    #expect(r.scale == 1)
    #expect(r.scripts.map(\.weight) == [8, 2])
    let shape = try #require(TransactionShape(r))
    #expect(abs(shape.roundTrips - (0.8 * 1 + 0.2 * 4)) < 1e-12)
    #expect(!shape.readOnly)
    // The account row, taken at the second round trip and held to END, the fourth.
    #expect(shape.locks == [RowLock(rows: 100_000, heldRoundTrips: 2.5, share: 0.2)])
  }

  @Test func aReadOnlyScriptHasNoLocks() throws {
    let (file, text) = try CalibrationTests.fixture("select-only-c4.txt")
    let shape = try #require(TransactionShape(try PgbenchReport(file: file, text: text)))
    #expect(shape.roundTrips == 1 && shape.readOnly && shape.locks.isEmpty)
  }

  /// pgbench's TPC-B-like transaction at scale 10: 7 round trips; the teller row (100) from the
  /// fourth and the branch row (10) from the fifth, held to the seventh.
  @Test func readsTPCB() throws {
    let url = ShippedMeasurementTests.calibration.appendingPathComponent("postgres/tpcb/c1-r1.txt")
    let shape = try #require(TransactionShape(try PgbenchReport(file: url.path, text: String(contentsOf: url, encoding: .utf8))))
    #expect(shape.roundTrips == 7)
    #expect(
      shape.locks == [
        RowLock(rows: 1_000_000, heldRoundTrips: 5.5, share: 1), RowLock(rows: 100, heldRoundTrips: 3.5, share: 1),
        RowLock(rows: 10, heldRoundTrips: 2.5, share: 1),
      ])
  }

  /// The CPU and delay solver is exact MVA: the same throughput as `ClosedNetwork` with a
  /// load-dependent station of min(j, c) servers.
  @Test(arguments: [(1, 1), (5, 2), (40, 2), (12, 4)])
  func theSolverIsExactMVA(_ n: Int, _ c: Int) throws {
    let demand = 0.05
    let delay = 0.2
    let mine = RoundTripFit.mva(population: n, demand: demand, cores: c, delay: delay)
    let rates = (1...n).map { Double(min($0, c)) }
    let theirs = try ClosedNetwork(
      population: n, thinkTime: 0,
      stations: [.init(demand: demand, kind: .loadDependent(rates: rates)), .init(demand: delay, kind: .delay)]
    ).solution
    #expect(abs(mine.throughput / theirs.throughput - 1) < 1e-12, "\(mine.throughput) against \(theirs.throughput)")
  }

  /// The chance that a wake-up finds a core idle is the marginal with one customer fewer: with
  /// one core and two customers, the other customer is away (in the delay) a share Z / (D + Z)
  /// of the time; a lone customer always finds the core idle.
  @Test func theIdleChanceFollowsTheArrivalTheorem() {
    let (demand, delay) = (0.05, 0.2)
    #expect(RoundTripFit.mva(population: 1, demand: demand, cores: 1, delay: delay).idleChance == 1)
    let two = RoundTripFit.mva(population: 2, demand: demand, cores: 1, delay: delay)
    #expect(abs(two.idleChance - delay / (demand + delay)) < 1e-12)
    // With two cores, one other customer never fills them.
    #expect(abs(RoundTripFit.mva(population: 2, demand: demand, cores: 2, delay: delay).idleChance - 1) < 1e-12)
  }

  /// A lock of one row held by every transaction is a single FIFO server: its wait is the
  /// residence there minus the hold, by exact MVA.
  @Test(arguments: [1, 3, 20])
  func oneRowIsAQueue(_ n: Int) throws {
    let held = 0.01
    let rest = 0.03
    let (wait, busy) = RoundTripFit.lockWait(population: n, rows: 1, held: held, share: 1, rest: rest)
    let exact = try ClosedNetwork(
      population: n, thinkTime: rest, stations: [.init(demand: held, kind: .queueing(servers: 1))]
    ).solution
    #expect(abs(wait - (exact.stations[0].residenceTime - held)) < 1e-12)
    #expect(abs(busy - exact.throughput * held) < 1e-12)
  }

  /// An exponential's p95 is -ln(0.05) = 2.996 times its mean: Gamma shape 1.
  @Test func theTailShapeOfAnExponential() throws {
    let a = try #require(RoundTripFit.gammaShape(ratio: -log(0.05)))
    #expect(abs(a - 1) < 1e-6)
  }

  /// Levels made by a known model (CPU per round trip falling with the idle share, uncharged
  /// core time, a wake-up latency), fitted on three levels, with or without the one-client run:
  /// the fit finds a model that predicts the levels it did not see within 1%.
  @Test(arguments: [[1, 2, 4], [2, 4, 8]])
  func theFitRecoversItsOwnModel(_ fittedCounts: [Int]) throws {
    let shape = TransactionShape(roundTrips: 2, readOnly: true, locks: [])
    // Start from any fit, then set the parameters of the truth.
    let seed = (1...3).map { n in
      MeasuredLevel(
        clients: n, throughput: 4_000 * Double(n), meanLatency: 2.4e-4, p95: 5e-4, serverDemand: 1.5e-4,
        clientDemand: 5e-5, cores: 2, runs: 1)
    }
    var truth = try RoundTripFit(levels: seed, cores: 2, shape: shape)
    truth.uncharged = 6e-6
    truth.wakeLatency = 2e-5
    truth.busyWait = 5e-6
    truth.server = (3e-5, 4e-5)
    truth.client = (1e-5, 1e-5)
    truth.outside = [(1, 0)]
    let counts = [1, 2, 4, 8, 16, 32, 64]
    let levels = try counts.map { n in
      let p = try #require(truth.solve(clients: n))
      let idle = 1 - p.utilization
      let perRoundTrip = (server: 3e-5 + 4e-5 * idle, client: 1e-5 + 1e-5 * idle)
      return MeasuredLevel(
        clients: n, throughput: p.throughput, meanLatency: p.latency, p95: 3 * p.latency,
        serverDemand: 2 * perRoundTrip.server, clientDemand: 2 * perRoundTrip.client, cores: 2, runs: 1)
    }
    let table = try FitTable(workload: "w", levels: levels, fitted: Set(fittedCounts), cores: 2, shape: shape)
    // The load-factor model beside it starts from one client, so it is there only with that run.
    #expect((table.fit != nil) == fittedCounts.contains(1))
    #expect(table.rows.filter { !$0.isFitted }.count == counts.count - 3)
    for row in table.rows where !row.isFitted {
      #expect(abs(row.throughputError) < 0.01, "\(row.level.clients) clients: \(row.throughput) against \(row.level.throughput)")
      #expect(abs(row.latencyError) < 0.01, "\(row.level.clients) clients: \(row.latency) against \(row.level.meanLatency)")
    }
  }

  @Test func withoutCPUSecondsThereIsNoRoundTripFit() {
    let levels = (1...3).map { n in
      MeasuredLevel(
        clients: n, throughput: 1_000 * Double(n), meanLatency: 1e-3, p95: nil, serverDemand: nil, clientDemand: nil,
        cores: 2, runs: 1)
    }
    #expect(throws: CalibrationError.needsCPUSeconds([1, 2, 3])) {
      try RoundTripFit(levels: levels, cores: 2, shape: TransactionShape(roundTrips: 1, readOnly: true, locks: []))
    }
  }
}
