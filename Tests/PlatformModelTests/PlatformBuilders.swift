import Foundation
import PlatformModel
import SimRandom

/// Small platforms for tests, built in code.
enum Build {
  static func exponential(_ mean: Double) -> Distribution { try! .exponential(mean: mean) }
  static func deterministic(_ value: Double) -> Distribution { try! .deterministic(value) }

  static func territory(
    _ name: String, instances: Int, workers: Int, cores: Int? = nil, policy: LoadBalancer.Policy = .random,
    primary: Int = 0, reads: ReadRouting = ReadRouting(policy: .primary), connections: Int = 1_000,
    queueLimit: Int = 1_000_000, timeout: Double = 1e9, connectionTimeout: Double = 1e9, healthCheck: Double = 10,
    retries: Int = 0, startup: Double = 60
  ) -> Territory {
    Territory(
      name: name, timeZone: TimeZone(identifier: "Europe/Berlin")!, currency: "EUR",
      loadBalancer: LoadBalancer(policy: policy, healthCheckInterval: healthCheck, retries: retries),
      app: AppPool(
        instances: instances, workers: workers, cores: cores ?? workers, queueLimit: queueLimit, timeout: timeout,
        connections: connections, connectionTimeout: connectionTimeout, startup: startup, pricePerHour: 0.2),
      primary: primary, reads: reads)
  }

  static func scenario(
    territories: [Territory], databases: [DatabaseNode], kinds: [QueryKind], classes: [RequestClass],
    demand: [TerritoryDemand], faults: [Fault] = [], capacity: [CapacityChange] = [], horizon: Double,
    warmup: Double = 0, series: Double = 3_600, replications: Int, seed: UInt64 = 1
  ) -> PlatformScenario {
    PlatformScenario(
      name: "test",
      platform: Platform(
        name: "test", territories: territories, databases: databases, queryKinds: kinds, requestClasses: classes),
      demand: demand, faults: faults, capacity: capacity, horizon: horizon, warmup: warmup, seriesInterval: series,
      replications: replications, seed: seed)
  }
}
