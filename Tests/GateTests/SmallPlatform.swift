import Foundation
import PlatformModel
import SimRandom

/// The small model the gate's error rates are measured on: one territory, one app instance
/// with 2 cores, no database queries, open Poisson demand at 60% CPU utilization (an M/M/2-like
/// queue, about 43,000 requests a replication). Two classes: api (90%) and export (10%).
enum SmallPlatform {
  /// - Parameter cpuFactor: CPU per request relative to the model's (1.1: a 10% capacity
  ///   regression).
  static func scenario(seed: UInt64, cpuFactor: Double = 1, replications: Int = 5) -> PlatformScenario {
    let api = try! Distribution.exponential(mean: 0.045 * cpuFactor)
    let export = try! Distribution.exponential(mean: 0.090 * cpuFactor)
    let platform = Platform(
      name: "small",
      territories: [
        Territory(
          name: "DE", timeZone: TimeZone(identifier: "Europe/Berlin")!, currency: "EUR",
          loadBalancer: LoadBalancer(policy: .random, healthCheckInterval: 10, retries: 0),
          app: AppPool(
            instances: 1, workers: 64, cores: 2, queueLimit: 100_000, timeout: 1e6, connections: 10,
            connectionTimeout: 1e6, startup: 60, pricePerHour: 0.2),
          primary: 0, reads: ReadRouting(policy: .primary))
      ],
      databases: [DatabaseNode(name: "primary", cores: 4, maxConnections: 100)],
      queryKinds: [],
      requestClasses: [
        RequestClass(name: "api", cpu: api, queries: []), RequestClass(name: "export", cpu: export, queries: []),
      ])
    // Mean CPU 0.9 x 45 ms + 0.1 x 90 ms = 49.5 ms; 16.16/s on 2 cores is 40% busy.
    return PlatformScenario(
      name: "small", platform: platform, demand: [TerritoryDemand(base: .rate(16.16), mix: [0.9, 0.1])],
      horizon: 1_800, seriesInterval: 600, replications: replications, seed: seed)
  }
}
