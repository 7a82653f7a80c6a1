import Foundation
import PlatformModel
import Testing

/// Row locks held across a request's queries (`RowLock`).
@Suite struct RowLockTests {
  /// One territory whose app and database never queue (10,000 workers, cores and connections;
  /// 1,000 database cores), open Poisson arrivals at `rate`, and one class: a read, then two
  /// writes under a lock taken before the first write. Every time is deterministic, so the
  /// lock is held exactly `2 x write` per request. CPU phases on free cores are pure delays,
  /// so requests reach the lock as the Poisson stream they arrived as (shifted by 1 ms + 2 ms).
  static func lockScenario(
    rate: Double, write: Double, rows: Int, faults: [Fault] = [], horizon: Double = 6_100, warmup: Double = 100,
    replications: Int = 10, connections: Int = 10_000, timeout: Double = 1e9
  ) -> PlatformScenario {
    Build.scenario(
      territories: [
        Build.territory(
          "DE", instances: 1, workers: 10_000, cores: 10_000, connections: connections, timeout: timeout)
      ],
      databases: [DatabaseNode(name: "db", cores: 1_000, maxConnections: 100_000)],
      kinds: [
        QueryKind(name: "read", isWrite: false, service: Build.deterministic(0.002)),
        QueryKind(name: "write", isWrite: true, service: Build.deterministic(write)),
      ],
      classes: [
        RequestClass(
          name: "update", cpu: Build.deterministic(0.002), queries: [0, 1, 1],
          lock: RowLock(name: "customer-row", rows: rows, at: 1))
      ],
      demand: [TerritoryDemand(base: .rate(rate), mix: [1])], faults: faults, horizon: horizon, warmup: warmup,
      replications: replications)
  }

  /// M/D/1 (Pollaczek-Khinchine with deterministic service): mean wait in line.
  static func mD1Wait(rate: Double, hold: Double) -> Double {
    let rho = rate * hold
    return rate * hold * hold / (2 * (1 - rho))
  }

  static let rate = 87.5
  static let write = 0.004
  static let hold = 2 * write  // 8 ms: utilization 0.7

  /// One row is an M/D/1 queue: arrivals Poisson at 87.5/s, each holding it 8 ms (rho 0.7).
  ///
  /// Tolerance: the exact value must lie in the 99.9% Student-t interval of the 10 replication
  /// means (`PlatformTheoryTests.within`), so a correct model fails about once in a thousand
  /// runs per check. The interval comes out under 1% of the mean wait here (9.32 ms +- 0.07 ms
  /// against 9.33 ms exact, seed 1); a lock held 3% longer moves the wait by 14% and is
  /// rejected.
  @Test func oneRowIsAnMD1Queue() throws {
    let result = PlatformRun(scenario: Self.lockScenario(rate: Self.rate, write: Self.write, rows: 1)).run(threads: 2)
    let locks = result.replications.map { $0.territories[0].locks[0] }
    #expect(locks.allSatisfy { $0.name == "customer-row" && $0.rows == 1 })
    #expect(result.replications.allSatisfy { $0.territories[0].periods[0].counts.failed == 0 })
    // Every request that took the row gave it back, at its commit: held exactly two writes.
    #expect(locks.allSatisfy { $0.grants == $0.releases && $0.grants > 500_000 })
    #expect(locks.allSatisfy { abs($0.meanHeld! - Self.hold) < 1e-9 }, "\(locks.map(\.meanHeld))")

    let exact = Self.mD1Wait(rate: Self.rate, hold: Self.hold)  // 9.33 ms
    let wait = PlatformTheoryTests.within(locks.map { $0.meanWait! }, exact)
    #expect(wait.0, "mean wait for the row: \(wait.1)")
    // Poisson arrivals see time averages: the share that waits is the row's utilization, rho.
    let rho = Self.rate * Self.hold
    let waited = PlatformTheoryTests.within(locks.map { $0.waitedShare! }, rho)
    #expect(waited.0, "share that waited: \(waited.1)")
    let busiest = PlatformTheoryTests.within(locks.map(\.busiestRow), rho)
    #expect(busiest.0, "busiest row: \(busiest.1)")
    // The check has power: a lock held 3% longer is rejected.
    let longer = Self.mD1Wait(rate: Self.rate, hold: Self.hold * 1.03)
    #expect(!PlatformTheoryTests.within(locks.map { $0.meanWait! }, longer).0)
    // The wait for the lock shows in the latency: no-wait latency 1 + 2 + 8 + 1 ms, plus it.
    let latency = PlatformTheoryTests.within(result.replications.map { $0.territories[0].periods[0].latency.mean! }, 0.012 + exact)
    #expect(latency.0, "latency: \(latency.1)")
  }

  /// With 1,000 rows each row sees a thousandth of the requests: an M/D/1 queue at rho 0.0007,
  /// whose wait (2.8 us) is 0.03% of the one row's. Tolerance as above.
  @Test func manyRowsMakeTheWaitVanish() throws {
    let rows = 1_000
    let result = PlatformRun(scenario: Self.lockScenario(rate: Self.rate, write: Self.write, rows: rows)).run(threads: 2)
    let locks = result.replications.map { $0.territories[0].locks[0] }
    let waits = locks.map { $0.meanWait! }
    let one = Self.mD1Wait(rate: Self.rate, hold: Self.hold)
    #expect(waits.allSatisfy { $0 < one / 100 }, "\(waits)")
    let perRow = Self.mD1Wait(rate: Self.rate / Double(rows), hold: Self.hold)
    let wait = PlatformTheoryTests.within(waits, perRow)
    #expect(wait.0, "mean wait: \(wait.1)")
    let waited = PlatformTheoryTests.within(locks.map { $0.waitedShare! }, Self.rate * Self.hold / Double(rows))
    #expect(waited.0, "share that waited: \(waited.1)")
    // Rows are drawn at random: a few waits happen, and the busiest row is far from the lone row's 0.7.
    #expect(locks.allSatisfy { $0.waited > 0 && $0.busiestRow < 0.01 }, "\(locks.map(\.busiestRow))")
  }

  /// Without a lock the same requests never wait: the lock, not the database, makes the queue.
  @Test func aClassWithoutALockReportsNone() {
    var scenario = Self.lockScenario(rate: Self.rate, write: Self.write, rows: 1, horizon: 200, replications: 1)
    scenario.platform.requestClasses[0].lock = nil
    let run = PlatformRun(scenario: scenario).run().replications[0]
    #expect(run.territories[0].locks.isEmpty)
    #expect(abs(run.territories[0].periods[0].latency.mean! - 0.012) < 1e-9)
  }

  /// A waiting request keeps its connection (a PostgreSQL backend waits for the row inside its
  /// transaction): with one connection, the request holding the row holds the connection too,
  /// so no other request gets as far as the lock, and nobody ever waits for the row; the
  /// queue moves to the connection pool instead. (Were the connection given back while
  /// waiting, the next request would do its read and queue for the row.)
  @Test func waitersKeepTheirConnection() {
    let scenario = Self.lockScenario(
      rate: Self.rate, write: Self.write, rows: 1, horizon: 600, replications: 1, connections: 1)
    let run = PlatformRun(scenario: scenario).run().replications[0]
    let lock = run.territories[0].locks[0]
    #expect(run.territories[0].connectionWaits > 10_000)
    #expect(lock.grants > 40_000 && lock.grants == lock.releases)
    #expect(lock.waited == 0 && lock.waitSeconds == 0)
  }

  /// Crashes, a failover (the primary, and with it its rows, is lost), connection timeouts
  /// and response timeouts: every measured request ends once, and every row taken is given back
  /// (by the commit or the failure), so no request waits forever behind a lost holder.
  @Test func locksAreGivenBackThroughFaults() {
    var scenario = Self.lockScenario(
      rate: 120, write: Self.write, rows: 2,
      faults: [
        .instanceCrashes(territory: 0, mtbf: 60, mttr: 10),
        .primaryFailover(node: 0, at: 200, detection: 5, promotion: 5),
      ], horizon: 500, warmup: 0, replications: 3, connections: 1, timeout: 0.5)
    scenario.platform.databases.append(DatabaseNode(name: "replica", cores: 1_000, maxConnections: 100_000, replicaOf: 0))
    scenario.platform.territories[0].app.instances = 3
    scenario.platform.territories[0].app.connectionTimeout = 0.02
    let result = PlatformRun(scenario: scenario).run(threads: 2)
    for replication in result.replications {
      let counts = replication.territories[0].periods[0].counts
      #expect(counts.arrivals == counts.completed + counts.failed)
      #expect(counts.errors[ErrorCause.nodeDown.rawValue] > 0)
      #expect(counts.errors[ErrorCause.noConnection.rawValue] > 0)
      let lock = replication.territories[0].locks[0]
      #expect(lock.grants == lock.releases, "\(lock)")
      // Work went on after the failover: the promoted replica's rows were taken.
      #expect(replication.nodes[1].writes > 0)
    }
  }

  /// Same seed, same lock results and latencies, whatever the number of threads.
  @Test func lockResultsDependOnSeedNotThreads() throws {
    var scenario = Self.lockScenario(
      rate: 100, write: Self.write, rows: 3, faults: [.instanceCrashes(territory: 0, mtbf: 100, mttr: 10)],
      horizon: 400, warmup: 50, replications: 4)
    // A second territory on its own primary, simulated in parallel, with another class on the same lock name.
    scenario.platform.databases.append(DatabaseNode(name: "ch", cores: 4, maxConnections: 1_000))
    scenario.platform.territories.append(
      Build.territory("CH", instances: 2, workers: 20, primary: 1, connections: 10))
    scenario.platform.requestClasses.append(
      RequestClass(
        name: "book", cpu: Build.exponential(0.002), queries: [1, 0],
        lock: RowLock(name: "customer-row", rows: 3, at: 0)))
    scenario.platform.queryKinds[1].service = Build.exponential(Self.write)
    scenario.demand[0].mix = [1, 1]
    scenario.demand.append(TerritoryDemand(base: .rate(150), mix: [1, 2]))
    let one = PlatformRun(scenario: scenario).run(threads: 1)
    let three = PlatformRun(scenario: scenario).run(threads: 3)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    #expect(try encoder.encode(one.replications) == encoder.encode(three.replications))
    #expect(one.replications.allSatisfy { $0.territories.allSatisfy { $0.locks.count == 1 && $0.locks[0].waited > 0 } })
    var other = scenario
    other.seed = 2
    let two = PlatformRun(scenario: other).run(threads: 2)
    #expect(two.replications.map { $0.territories[1].locks } != one.replications.map { $0.territories[1].locks })
  }
}
