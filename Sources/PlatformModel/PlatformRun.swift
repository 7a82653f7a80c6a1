import Dispatch
import Foundation
import QueueingModel

/// Independent replications of a platform scenario, run in parallel.
///
/// Territories that share nothing (no database node, no failover between them) are simulated
/// separately, so they too run in parallel. Each (replication, group) pair uses streams derived
/// from the seed, the replication and the territory's names, and results are gathered by index,
/// so the outcome is the same for any thread count.
package struct PlatformRun: Sendable {
  package var scenario: PlatformScenario
  /// Runs each (replication, group) in place of `PlatformSimulator.run` (a hybrid run); nil:
  /// request by request.
  package var driver: (any ReplicationDriver)?

  package init(scenario: PlatformScenario, driver: (any ReplicationDriver)? = nil) {
    self.scenario = scenario
    self.driver = driver
  }

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

  /// Requests per second a group asks for at a multiplier of 1: a rough measure of its work.
  package func workload(_ group: [Int]) -> Double {
    group.map { t in
      let d = scenario.demand[t]
      switch d.base {
      case .users(let n, let think): return Double(n) * d.growth / max(think.mean, 1e-9)
      case .rate(let rate): return rate * d.growth
      }
    }.reduce(0, +)
  }

  /// Runs every replication on up to `threads` threads; `progress` hears how far the run has
  /// got, now and then, from any thread.
  package func run(threads: Int = 1, progress: (@Sendable (PlatformProgress) -> Void)? = nil) -> PlatformResult {
    run(replications: 0..<scenario.replications, threads: threads, progress: progress)
  }

  /// Runs the replications with these indices: a later range continues an earlier one with
  /// the same random streams, so `0..<5` then `5..<10` gives the replications of `0..<10`.
  ///
  /// With `only`, just the groups holding those territories are simulated; the others' results
  /// are empty (no requests, so no verdicts).
  package func run(
    replications range: Range<Int>, threads: Int = 1, only: Set<Int>? = nil,
    progress: (@Sendable (PlatformProgress) -> Void)? = nil
  ) -> PlatformResult {
    let groups = self.groups.filter { group in only.map { !$0.isDisjoint(with: group) } ?? true }
    guard !groups.isEmpty else {
      fatalError("nothing to simulate: no group holds territories \(only.map { Array($0) } ?? [])")
    }
    let scenario = self.scenario
    let driver = self.driver
    // The biggest groups first, so that no thread is left with a big one at the end; results
    // are stored by job, so the order of work does not change them.
    let bySize = groups.indices.sorted { workload(groups[$0]) > workload(groups[$1]) }
    let jobs = bySize.flatMap { g in range.map { r in (r, g) } }
    // Progress counts requests asked for, not simulated time (see `WorkCurve`).
    let curves = progress == nil ? [] : groups.map { WorkCurve(scenario: scenario, territories: $0) }
    let slots = ResultSlots<PlatformReplication>(
      count: jobs.count, weights: curves.isEmpty ? nil : jobs.map { curves[$0.1].total })
    let started = DispatchTime.now()
    let workers = max(1, min(threads, jobs.count))
    let board = ProgressBoard(jobs: jobs.count, horizon: scenario.horizon)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let j = slots.take() {
        let (r, g) = jobs[j]
        var simulator = PlatformSimulator(scenario: scenario, territories: groups[g], replication: r)
        let report: ((Double, Int) -> Void)? = progress.map { progress in
          { share, requests in
            let clock = share * scenario.horizon
            let done = slots.progress(curves[g].share(at: clock), of: j)
            progress(board.note(job: j, clock: clock, requests: requests, share: done))
          }
        }
        let result =
          if let driver {
            driver.run(&simulator, replication: r, progress: report)
          } else {
            simulator.run(progress: report)
          }
        let done = slots.store(result, at: j)
        // A hybrid result counts the requests its model computed too; the progress so far
        // counted those simulated, and requests/s would leap at the end of each job.
        progress?(board.note(job: j, clock: nil, requests: driver == nil ? result.requests : nil, share: done))
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    // Put each replication together from its groups: a territory's result comes from the group
    // that simulated it, a node's from the group that used it.
    let parts = slots.values()
    var replications: [PlatformReplication] = []
    for r in range {
      let mine = groups.indices.map { g in parts[jobs.firstIndex { $0 == (r, g) }!] }
      var merged = mine[0]
      for (g, group) in groups.enumerated() {
        for t in group { merged.territories[t] = mine[g].territories[t] }
        for n in scenario.platform.databases.indices
        where Self.home(of: n, scenario.platform).map(group.contains) == true {
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

  /// The database nodes territory `t` is billed for: those it is the home of (a cluster shared
  /// by territories is billed to one).
  package static func nodes(billedTo t: Int, _ platform: Platform) -> [Int] {
    platform.databases.indices.filter { home(of: $0, platform) == t }
  }
}

/// How far a platform run has got.
package struct PlatformProgress: Sendable {
  /// The share of the work done (0...1): requests the demand asks for, jobs weighted by theirs.
  package var share: Double
  /// Requests simulated so far, all jobs.
  package var requests: Int
  /// Simulated seconds reached by the job furthest behind, 0 for one not started (the horizon
  /// once all have finished).
  package var clock: Double
}

/// Requests simulated and clocks per job so far, put together for progress.
private final class ProgressBoard: @unchecked Sendable {
  private var counts: [Int]
  /// 0 until a job starts (furthest behind: the date must not go back when one starts), nil
  /// once finished.
  private var clocks: [Double?]
  private let horizon: Double
  private let lock = NSLock()

  init(jobs: Int, horizon: Double) {
    counts = Array(repeating: 0, count: jobs)
    clocks = Array(repeating: 0, count: jobs)
    self.horizon = horizon
  }

  /// `clock` nil: the job has finished; `requests` nil: as last noted.
  func note(job: Int, clock: Double?, requests: Int?, share: Double) -> PlatformProgress {
    lock.withLock {
      if let requests { counts[job] = requests }
      clocks[job] = clock
      return PlatformProgress(
        share: share, requests: counts.reduce(0, +), clock: clocks.compactMap { $0 }.min() ?? horizon)
    }
  }
}

/// Advances one replication of a group of territories in its own way (the hybrid mode), with
/// the simulator's stepping and recording API (`PlatformSimulator+Stepping.swift`).
package protocol ReplicationDriver: Sendable {
  /// Runs `simulator` (prepared, not started) to the end and returns its result; `progress`
  /// as for `PlatformSimulator.run`.
  func run(_ simulator: inout PlatformSimulator, replication: Int, progress: ((Double, Int) -> Void)?)
    -> PlatformReplication
}
