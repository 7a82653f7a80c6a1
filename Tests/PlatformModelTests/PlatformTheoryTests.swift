import PlatformModel
import QueueingModel
import QueueingTheory
import SimStatistics
import Testing

/// The platform model against queueing theory where the model reduces to a textbook system.
///
/// Tolerances come from the simulation's own variance: the exact value must lie within the
/// 99.9% Student-t confidence interval of the replication means, widened by the histogram's
/// stated precision (a coarse bucket, 1.6% relative) for percentiles. With 10 replications a correct
/// model fails this about once in a thousand runs per check; a model that is off by more than a
/// few interval half-widths (about 1% here) fails it almost surely.
@Suite struct PlatformTheoryTests {
  static func within(_ values: [Double], _ exact: Double, precision: Double = 0) -> (Bool, String) {
    let e = Estimate(values, confidence: 0.999)
    let h = (e.halfWidth ?? 0) + precision * exact
    return (abs(e.mean - exact) <= h, "simulated \(e.mean) +/- \(h), exact \(exact)")
  }

  /// One territory, no database, random balancing over 3 instances of 2 workers with exponential
  /// CPU time: each instance is an M/M/2 queue fed at a third of the Poisson rate.
  @Test func randomBalancingWithoutDatabaseIsMMc() throws {
    let meanCPU = 0.1
    let rate = 48.0  // 16/s per instance: utilization 0.8
    let scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 3, workers: 2, policy: .random)],
      databases: [DatabaseNode(name: "db", cores: 1, maxConnections: 10_000)], kinds: [],
      classes: [RequestClass(name: "api", cpu: Build.exponential(meanCPU), queries: [])],
      demand: [TerritoryDemand(base: .rate(rate), mix: [1])], horizon: 12_000, warmup: 500, replications: 10)
    let result = PlatformRun(scenario: scenario).run(threads: 2)
    let queue = try MMc(arrivalRate: rate / 3, serviceRate: 1 / meanCPU, servers: 2)
    let periods = result.replications.map { $0.territories[0].periods[0] }
    #expect(periods.allSatisfy { $0.counts.failed == 0 })
    let mean = Self.within(periods.map { $0.latency.mean! }, queue.meanResponse)
    #expect(mean.0, "\(mean.1)")
    let p95 = Self.within(periods.map { $0.latency.p95! }, try queue.responseTimePercentile(0.95), precision: 0x1p-6)
    #expect(p95.0, "\(p95.1)")
    // The check has power: M/M/2 at a 3% higher load is rejected.
    let heavier = try MMc(arrivalRate: rate / 3 * 1.03, serviceRate: 1 / meanCPU, servers: 2)
    #expect(!Self.within(periods.map { $0.latency.mean! }, heavier.meanResponse).0)
    // The load balancer's random split is exact: throughput is the arrival rate.
    let throughput = Self.within(periods.map { Double($0.counts.completed) / 11_500 }, rate)
    #expect(throughput.0, "\(throughput.1)")
  }

  /// Mean response of two cores whose work slows to 1 / `bothBusy` with both busy, under
  /// Poisson arrivals and exponential service: the load-dependent birth-death queue with rates
  /// alpha = [1, 2 / bothBusy].
  static func twoSharedCores(rate: Double, service: Double, bothBusy: Double) throws -> Double {
    try LoadDependentQueue(arrivalRate: rate, serviceTime: service, rates: [1, 2 / bothBusy]).meanResponse
  }

  /// The simulated mean responses of the first period against two cores slowing to 1.5 with
  /// both busy; the check has power: without the factor (M/M/2) or with 1.45 it is rejected.
  static func checkTwoSharedCores(_ result: PlatformResult, rate: Double, service: Double, plus: Double = 0) throws {
    let periods = result.replications.map { $0.territories[0].periods[0] }
    #expect(periods.allSatisfy { $0.counts.failed == 0 })
    let means = periods.map { $0.latency.mean! }
    let mean = within(means, try twoSharedCores(rate: rate, service: service, bothBusy: 1.5) + plus)
    #expect(mean.0, "\(mean.1)")
    #expect(!within(means, try twoSharedCores(rate: rate, service: service, bothBusy: 1) + plus).0)
    #expect(!within(means, try twoSharedCores(rate: rate, service: service, bothBusy: 1.45) + plus).0)
  }

  /// One instance of 2 cores whose CPU slows with its busy cores (`loadFactor`: 1 alone, 1.5
  /// with both busy), no database, exponential CPU, Poisson arrivals.
  @Test func aLoadFactorIsTheLoadDependentBirthDeathQueue() throws {
    let meanCPU = 0.1
    let rate = 10.0  // capacity 2 / (0.1 x 1.5) = 13.3/s: utilization 0.75
    var territory = Build.territory("DE", instances: 1, workers: 64, cores: 2)
    territory.app.loadFactor = LoadFactor(concurrency: [1, 2], factor: [1, 1.5])
    let scenario = Build.scenario(
      territories: [territory], databases: [DatabaseNode(name: "db", cores: 1, maxConnections: 10_000)], kinds: [],
      classes: [RequestClass(name: "api", cpu: Build.exponential(meanCPU), queries: [])],
      demand: [TerritoryDemand(base: .rate(rate), mix: [1])], horizon: 12_000, warmup: 500, replications: 10)
    try Self.checkTwoSharedCores(PlatformRun(scenario: scenario).run(threads: 2), rate: rate, service: meanCPU)
  }

  /// The same on a database node: one 2-core primary whose queries slow to 1.5 times with both
  /// cores busy, reached through an app that never waits (64 workers and cores, 1 us of CPU).
  @Test func aNodesLoadFactorIsTheLoadDependentBirthDeathQueue() throws {
    let meanQuery = 0.02
    let rate = 50.0  // capacity 2 / (0.02 x 1.5) = 66.7/s: utilization 0.75
    var primary = DatabaseNode(name: "db", cores: 2, maxConnections: 10_000)
    primary.loadFactor = LoadFactor(concurrency: [1, 2], factor: [1, 1.5])
    let scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 1, workers: 64, cores: 64)], databases: [primary],
      kinds: [QueryKind(name: "q", isWrite: true, service: Build.exponential(meanQuery))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(1e-6), queries: [0])],
      demand: [TerritoryDemand(base: .rate(rate), mix: [1])], horizon: 12_000, warmup: 500, replications: 10)
    // The response is the node's plus the two CPU phases (2 us in all).
    try Self.checkTwoSharedCores(PlatformRun(scenario: scenario).run(threads: 2), rate: rate, service: meanQuery, plus: 2e-6)
  }

  /// A closed system bound by its database: N users thinking, an app that never queues (a delay
  /// station), one primary with 4 cores and exponential queries. Exact MVA with a load-dependent
  /// station for the 4 cores gives throughput and response time.
  @Test func databaseBoundClosedSystemMatchesMVA() throws {
    let users = 120
    let think = 0.5
    let cpu = 0.01
    let query = 0.02
    let scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 1, workers: 10_000, policy: .roundRobin)],
      databases: [DatabaseNode(name: "db", cores: 4, maxConnections: 10_000)],
      kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(query))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(cpu), queries: [0])],
      demand: [TerritoryDemand(base: .users(users, think: Build.exponential(think)), mix: [1])],
      horizon: 3_200, warmup: 200, replications: 10)
    let result = PlatformRun(scenario: scenario).run(threads: 2)
    let mva = try ClosedNetwork(
      population: users, thinkTime: think,
      stations: [.init(demand: cpu, kind: .delay), .init(demand: query, kind: .queueing(servers: 4))]
    ).solution
    let periods = result.replications.map { $0.territories[0].periods[0] }
    let throughput = Self.within(periods.map { Double($0.counts.arrivals) / 3_000 }, mva.throughput)
    #expect(throughput.0, "throughput: \(throughput.1)")
    let response = Self.within(periods.map { $0.latency.mean! }, mva.responseTime)
    #expect(response.0, "response time: \(response.1)")
    let utilization = Self.within(result.replications.map { $0.nodes[0].utilization }, mva.stations[1].utilization!)
    #expect(utilization.0, "database utilization: \(utilization.1)")
    // The check has power: the same system with 3% slower queries is rejected.
    let slower = try ClosedNetwork(
      population: users, thinkTime: think,
      stations: [.init(demand: cpu, kind: .delay), .init(demand: query * 1.03, kind: .queueing(servers: 4))]
    ).solution
    #expect(!Self.within(periods.map { $0.latency.mean! }, slower.responseTime).0)
  }
}
