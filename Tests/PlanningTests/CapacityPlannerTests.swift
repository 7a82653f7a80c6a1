import Foundation
import Planning
import PlatformModel
import SimRandom
import Testing

@Suite struct CapacityPlannerTests {
  /// One territory, 40 requests/s of exponential 100 ms CPU on one-core instances with random
  /// balancing, no queries: each instance an M/M/1 queue fed 40/n per second, whose p95 is
  /// ln(20) / (10 - 40/n) seconds. A 1 s target needs 40/n <= 7, so 6 instances in theory;
  /// the stable bound is 5 (4 busy cores).
  static func scenario(target: Double = 1) -> PlatformScenario {
    let platform = Platform(
      name: "p",
      territories: [
        Territory(
          name: "DE", timeZone: TimeZone(identifier: "Europe/Berlin")!, currency: "EUR",
          loadBalancer: LoadBalancer(policy: .random, healthCheckInterval: 10, retries: 0),
          app: AppPool(
            instances: 1, workers: 1_000, cores: 1, queueLimit: 100_000, timeout: 1e9, connections: 1,
            connectionTimeout: 1e9, startup: 60, pricePerHour: 0.25),
          primary: 0, reads: ReadRouting(policy: .primary))
      ],
      databases: [DatabaseNode(name: "db", cores: 1, maxConnections: 100)],
      queryKinds: [],
      requestClasses: [RequestClass(name: "api", cpu: try! .exponential(mean: 0.1), queries: [])])
    var s = PlatformScenario(
      name: "s", platform: platform, demand: [TerritoryDemand(base: .rate(40), mix: [1])], horizon: 1_200, warmup: 100,
      replications: 3, seed: 7)
    s.objectives.p95 = target
    return s
  }

  static let settings = PlanSettings(
    replications: 3, maxReplications: 12, threads: 2, territories: [0], maxInstances: 14)

  @Test func theSearchFindsWhatEveryCountSimulatedWouldGive() throws {
    let plan = CapacityPlanner(scenario: Self.scenario(), settings: Self.settings).plan()
    let normal = try #require(plan.periods.first)
    #expect(normal.bound.stable == 5)
    let answer = try #require(normal.instances)

    // Brute force: every count from 1 to the cap, the same settings and seed; the answer is the
    // fewest that meets above the most that does not.
    let planner = CapacityPlanner(scenario: Self.scenario(), settings: Self.settings)
    var lo = 0
    var meeting: [Int] = []
    for n in 1...14 {
      let s = planner.configured([n])
      let verdicts = PlatformRun(scenario: s).run(replications: 0..<3, threads: 2).verdicts()
      let fails = verdicts.contains { $0.outcome == .fail || $0.outcome == .marginal }
      if fails { lo = n } else { meeting.append(n) }
    }
    let brute = try #require(meeting.filter { $0 > lo }.min())
    // Marginal verdicts get more replications in the plan, so the plan may settle one lower
    // than a brute force that counts every marginal as a miss; never higher.
    #expect(answer == brute || answer == brute - 1, "plan \(answer), brute force \(brute)")
    #expect((6...7).contains(answer), "theory says 6 for an M/M/1 per instance; got \(answer)")
    // It simulated fewer candidates than the brute force's 14, and none below the stable bound.
    #expect(plan.candidates.count < 14)
    #expect(plan.candidates.allSatisfy { $0.instances[0] >= 5 })
    #expect(normal.fewer != nil && normal.chosen != nil && normal.more != nil)
  }

  @Test func anUnreachableTargetSaysNeverAndWhy() throws {
    // A 150 ms p95 is below the p95 of the CPU time alone (300 ms): no count meets it.
    let plan = CapacityPlanner(scenario: Self.scenario(target: 0.15), settings: Self.settings).plan()
    let normal = try #require(plan.periods.first)
    #expect(normal.instances == nil)
    #expect(normal.cap == 14)
    let unmet = try #require(normal.fewer).unmet(territory: "DE", period: "normal")
    #expect(unmet.first?.objective == .p95)
  }

  @Test func aStableBoundPastTheCapIsKeptAndNothingIsSimulated() throws {
    // Given a cap of 4 below the stable bound of 5
    var settings = Self.settings
    settings.maxInstances = 4
    let plan = CapacityPlanner(scenario: Self.scenario(), settings: settings).plan()
    // Then theory's bound stands, and no count within the cap is simulated or answers
    let normal = try #require(plan.periods.first)
    #expect(normal.bound.stable == 5)
    #expect(normal.instances == nil && normal.cap == 4)
    #expect(plan.candidates.isEmpty)
    #expect(plan.sparedByTheory == 4)
  }

  @Test func theConnectionLimitCapsTheCount() {
    var s = Self.scenario()
    s.platform.databases[0].maxConnections = 30
    s.platform.territories[0].app.connections = 5
    let planner = CapacityPlanner(scenario: s, settings: Self.settings)
    let plan = planner.plan()
    #expect(plan.periods.first?.cap == 6)
    #expect(plan.periods.first?.capReason.contains("maxConnections 30") == true)
  }

  @Test func answersThatOverrunASharedClusterTogetherAreSaid() throws {
    // Given two territories of the same load on one database node, 5 connections an instance:
    // each is capped at (45 - the other's configured 5) / 5 = 8, and each needs 6 or 7
    var s = Self.scenario()
    s.platform.territories[0].app.connections = 5
    var ch = s.platform.territories[0]
    ch.name = "CH"
    s.platform.territories.append(ch)
    s.demand.append(s.demand[0])
    s.platform.databases[0].maxConnections = 45
    var settings = Self.settings
    settings.territories = [0, 1]
    let plan = CapacityPlanner(scenario: s, settings: settings).plan()
    let answers = plan.periods.compactMap(\.instances)
    #expect(plan.periods.map(\.cap) == [8, 8])
    #expect(answers.count == 2 && answers.allSatisfy { (6...7).contains($0) }, "\(answers)")
    // Then the answers together, 60 or more connections, overrun the node, and the plan says so
    let overrun = try #require(plan.connectionOverruns.first)
    #expect(plan.connectionOverruns.count == 1)
    #expect(overrun.total == answers.reduce(0, +) * 5 && overrun.limit == 45)

    // Given room for both, nothing is said
    s.platform.databases[0].maxConnections = 100
    #expect(CapacityPlanner(scenario: s, settings: settings).plan().connectionOverruns.isEmpty)
  }
}
