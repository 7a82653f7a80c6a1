import Dispatch
import Foundation

/// Independent replications of a platform scenario, run in parallel.
///
/// Territories that share nothing (no database node, no failover between them) are simulated
/// separately, so they too run in parallel. Each (replication, group) pair uses streams derived
/// from the seed, the replication and the territory's names, and results are gathered by index,
/// so the outcome is the same for any thread count.
package struct PlatformRun: Sendable {
  package var scenario: PlatformScenario

  package init(scenario: PlatformScenario) { self.scenario = scenario }

  /// Territories that must be simulated together: linked by a shared primary or by the
  /// failover of a territory outage.
  package var groups: [[Int]] {
    let count = scenario.platform.territories.count
    var parent = Array(0..<count)
    func root(_ x: Int) -> Int {
      var x = x
      while parent[x] != x { x = parent[x] }
      return x
    }
    func join(_ a: Int, _ b: Int) { parent[root(a)] = root(b) }
    let territories = scenario.platform.territories
    for a in 0..<count {
      for b in (a + 1)..<max(a + 1, count) where territories[a].primary == territories[b].primary { join(a, b) }
    }
    for fault in scenario.faults {
      if case .territoryOutage(let t, _, _, let target?, _) = fault { join(t, target) }
    }
    var byRoot: [Int: [Int]] = [:]
    for t in 0..<count { byRoot[root(t), default: []].append(t) }
    return byRoot.values.sorted { $0[0] < $1[0] }
  }

  /// Runs every replication on up to `threads` threads; `progress` gets the share of the work
  /// done (0...1), from any thread.
  package func run(threads: Int = 1, progress: (@Sendable (Double) -> Void)? = nil) -> PlatformResult {
    let groups = self.groups
    let jobs = (0..<scenario.replications).flatMap { r in groups.indices.map { (r, $0) } }
    let slots = Slots(count: jobs.count)
    let started = DispatchTime.now()
    let workers = max(1, min(threads, jobs.count))
    let scenario = self.scenario
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for j in stride(from: worker, to: jobs.count, by: workers) {
        let (r, g) = jobs[j]
        var simulator = PlatformSimulator(scenario: scenario, territories: groups[g], replication: r)
        let result =
          if let progress {
            simulator.run { share in progress(slots.progress(share, of: j)) }
          } else {
            simulator.run()
          }
        let done = slots.store(result, at: j)
        progress?(done)
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    // Put each replication together from its groups: a territory's result comes from the group
    // that simulated it, a node's from the group that used it.
    let parts = slots.values()
    var replications: [PlatformReplication] = []
    for r in 0..<scenario.replications {
      let mine = groups.indices.map { parts[r * groups.count + $0] }
      var merged = mine[0]
      for (g, group) in groups.enumerated() {
        for t in group { merged.territories[t] = mine[g].territories[t] }
        for n in scenario.platform.databases.indices where Self.home(of: n, scenario.platform).map(group.contains) == true {
          merged.nodes[n] = mine[g].nodes[n]
        }
      }
      merged.events = mine.reduce(0) { $0 + $1.events }
      merged.requests = mine.reduce(0) { $0 + $1.requests }
      replications.append(merged)
    }
    return PlatformResult(scenario: scenario, replications: replications, wallSeconds: seconds)
  }

  /// The first territory using node `n` (directly or through its primary).
  package static func home(of n: Int, _ platform: Platform) -> Int? {
    let primary = platform.databases[n].replicaOf ?? n
    return platform.territories.firstIndex { $0.primary == primary }
  }
}

/// Slots filled by worker threads, each exactly once, read after all have finished.
private final class Slots: @unchecked Sendable {
  private var slots: [PlatformReplication?]
  private var shares: [Double]
  private let lock = NSLock()

  init(count: Int) {
    slots = Array(repeating: nil, count: count)
    shares = Array(repeating: 0, count: count)
  }

  func store(_ result: PlatformReplication, at index: Int) -> Double {
    lock.withLock {
      slots[index] = result
      shares[index] = 1
      return shares.reduce(0, +) / Double(shares.count)
    }
  }

  func progress(_ share: Double, of index: Int) -> Double {
    lock.withLock {
      shares[index] = share
      return shares.reduce(0, +) / Double(shares.count)
    }
  }

  func values() -> [PlatformReplication] { lock.withLock { slots.map { $0! } } }
}
