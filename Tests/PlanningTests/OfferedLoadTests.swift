import Foundation
import Planning
import PlatformModel
import QueueingModel
import SimRandom
import Testing

@Suite struct OfferedLoadTests {
  /// One territory, 10 requests/s of 100 ms CPU on 2-core instances, a 20 ms read on one
  /// replica and a 10 ms write on the primary in every request.
  static func scenario(rate: Double = 10) -> PlatformScenario {
    let platform = Platform(
      name: "p",
      territories: [
        Territory(
          name: "DE", timeZone: TimeZone(identifier: "Europe/Berlin")!, currency: "EUR",
          loadBalancer: LoadBalancer(policy: .random, healthCheckInterval: 10, retries: 0),
          app: AppPool(
            instances: 1, workers: 8, cores: 2, queueLimit: 1_000, timeout: 30, connections: 10,
            connectionTimeout: 5, startup: 60, pricePerHour: 0.5),
          primary: 0, reads: ReadRouting(policy: .roundRobin))
      ],
      databases: [
        DatabaseNode(name: "primary", cores: 4, maxConnections: 100),
        DatabaseNode(name: "replica", cores: 4, maxConnections: 100, replicaOf: 0),
      ],
      queryKinds: [
        QueryKind(name: "read", isWrite: false, service: try! .exponential(mean: 0.020)),
        QueryKind(name: "write", isWrite: true, service: try! .exponential(mean: 0.010)),
      ],
      requestClasses: [RequestClass(name: "api", cpu: try! .exponential(mean: 0.100), queries: [0, 1])])
    return PlatformScenario(
      name: "s", platform: platform, demand: [TerritoryDemand(base: .rate(rate), mix: [1])], horizon: 3_600,
      replications: 3)
  }

  /// 10/s ask 1 busy core of the instance's 2: no warning. 250/s ask 25 of 2 (the app) and 5
  /// of the replica's 4; the primary's 2.5 of 4 fit. A capacity schedule's most instances count.
  @Test func overloadsAreTheTiersAskedMoreThanTheyHave() throws {
    #expect(Self.scenario().overloads().isEmpty)
    let heavy = Self.scenario(rate: 250).overloads()
    #expect(heavy.map(\.tier) == ["app", "replica"])
    #expect(abs(heavy[0].asked - 25) < 1e-9 && heavy[0].cores == 2 && !heavy[0].closed)
    #expect(heavy[0].description.contains("(is a number of users or a rate off by a factor?)"))
    #expect(abs(heavy[1].asked - 5) < 1e-9 && heavy[1].cores == 4)
    #expect(!heavy[1].description.contains("off by a factor"))
    var scheduled = Self.scenario(rate: 25)
    #expect(scheduled.overloads().map(\.tier) == ["app"])  // 2.5 busy cores of 2
    scheduled.capacity = [CapacityChange(territory: 0, at: 600, instances: 2)]
    #expect(scheduled.overloads().isEmpty)
  }

  /// Two territories at 15/s ask 1.5 busy cores each of their instance's 2; while DE is out and
  /// its traffic fails over to CH, CH is asked 3 (it was not warned about: faults were left out).
  @Test func aFailoverThatOverloadsItsTargetIsWarnedAbout() throws {
    var s = Self.scenario(rate: 15)
    var ch = s.platform.territories[0]
    ch.name = "CH"
    s.platform.territories.append(ch)
    s.demand.append(s.demand[0])
    #expect(s.overloads().isEmpty)
    s.faults = [.territoryOutage(territory: 0, at: 600, duration: 600, failoverTo: 1, failoverDelay: 60)]
    let failover = s.overloads()
    #expect(failover.map(\.territory) == ["CH"] && failover.map(\.tier) == ["app"])
    #expect(abs(failover[0].asked - 3) < 1e-9 && failover[0].cores == 2, "\(failover[0].asked)")
    #expect(failover[0].description.hasPrefix("CH taking DE's traffic: at its busiest"), "\(failover[0])")
  }

  @Test func demandsPerTierFollowTheMixAndTheRouting() throws {
    let load = try #require(Self.scenario().offeredLoads().first)
    #expect(load.peakRate == 10)
    #expect(abs(load.cpuPerRequest - 0.1) < 1e-12)
    #expect(abs(load.nodeSecondsPerRequest[0] - 0.010) < 1e-12)  // writes on the primary
    #expect(abs(load.nodeSecondsPerRequest[1] - 0.020) < 1e-12)  // reads on the replica
  }

  /// 10/s x 100 ms = 1 busy core: one 2-core instance is stable; M/M/2 at rho 0.5 has a p95 of
  /// about 0.35 s, so a 200 ms target needs more cores; 1 s does not.
  @Test func boundsByHand() throws {
    let scenario = Self.scenario()
    let load = try #require(scenario.offeredLoads().first)
    let tight = load.instanceBound(platform: scenario.platform, p95Target: 0.2, cap: 100)
    #expect(tight.stable == 1)
    #expect(tight.start > 1)
    let loose = load.instanceBound(platform: scenario.platform, p95Target: 1, cap: 100)
    #expect(loose.start == 1)
    #expect(tight.saturatedNodes.isEmpty)
    // At 250 requests/s the primary's 4 cores are 62% busy with writes, the replica's 125%.
    let heavy = Self.scenario(rate: 250)
    let saturated = try #require(heavy.offeredLoads().first).instanceBound(
      platform: heavy.platform, p95Target: 0.2, cap: 100)
    #expect(saturated.saturatedNodes.map(\.node) == [1])
    #expect(saturated.stable == 13)  // 25 busy cores / 2 per instance, plus one
  }

  /// With a load factor the cores do less at full load: 30/s x 100 ms is 3 busy cores, 2
  /// instances of 2 are stable; at 1.5 times as slow with both cores busy, 4.5, so 3.
  @Test func aLoadFactorRaisesTheStableBound() throws {
    var s = Self.scenario(rate: 30)
    #expect(
      try #require(s.offeredLoads().first).instanceBound(platform: s.platform, p95Target: 1, cap: 100).stable == 2)
    s.platform.territories[0].app.loadFactor = LoadFactor(concurrency: [1, 2], factor: [1, 1.5])
    #expect(
      try #require(s.offeredLoads().first).instanceBound(platform: s.platform, p95Target: 1, cap: 100).stable == 3)
  }

  /// A class that takes a lock before its read: that read runs on the primary, and the lock is
  /// held through the read and the write, 30 ms a request at least. At 10/s over 1 row that is
  /// 30% busy; at 40/s, 120%: saturated whatever the instances. Over 2 rows, 60%.
  @Test func aLockSendsItsQueryToThePrimaryAndBoundsTheRate() throws {
    func scenario(rate: Double, rows: Int) -> PlatformScenario {
      var s = Self.scenario(rate: rate)
      s.platform.requestClasses[0].lock = RowLock(name: "hot-customer", rows: rows, at: 0)
      return s
    }
    let calm = scenario(rate: 10, rows: 1)
    let load = try #require(calm.offeredLoads().first)
    #expect(abs(load.nodeSecondsPerRequest[0] - 0.030) < 1e-12 && load.nodeSecondsPerRequest[1] == 0)
    #expect(load.lockHolds.map(\.name) == ["hot-customer"] && load.lockHolds.map(\.rows) == [1])
    #expect(abs(load.lockHolds[0].secondsPerRequest - 0.030) < 1e-12)
    #expect(load.instanceBound(platform: calm.platform, p95Target: 1, cap: 100).saturatedLocks.isEmpty)
    let busy = scenario(rate: 40, rows: 1)
    let bound = try #require(busy.offeredLoads().first).instanceBound(platform: busy.platform, p95Target: 1, cap: 100)
    #expect(bound.saturatedLocks.map(\.name) == ["hot-customer"])
    #expect(abs(bound.saturatedLocks[0].utilization - 1.2) < 1e-12)
    let spread = scenario(rate: 40, rows: 2)
    #expect(
      try #require(spread.offeredLoads().first).instanceBound(platform: spread.platform, p95Target: 1, cap: 100)
        .saturatedLocks.isEmpty)
  }
}
