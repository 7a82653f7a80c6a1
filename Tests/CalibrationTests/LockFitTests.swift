import Calibration
import Foundation
import QueueingModel
import SimRandom
import Testing

/// The fit with a lock, on synthetic measurements of a known model: TPC-B-like transactions
/// whose branch row lock (capacity 1) is held from the UPDATE through a 1 ms commit flush,
/// simulated at 1 to 32 clients as pgbench would measure them.
@Suite struct LockFitTests {
  static let clients = [1, 2, 4, 8, 16, 32]

  /// The known model: client and server CPU bursts on 2 shared cores, a disk read, then the
  /// branch UPDATE under the lock, the flush (a fixed 1 ms delay) and the lock's release.
  static func network(clients: Int) throws -> Network {
    let cpu = Station(
      name: "cpu", servers: .finite(2), service: try .exponential(mean: 0.00004), discipline: .processorSharing)
    let disk = Station(name: "disk", servers: .finite(1), service: try .exponential(mean: 0.0001))
    let flush = Station(name: "flush", servers: .infinite, service: try .deterministic(0.001))
    let steps: [VisitSequence.Step] = [
      .init(station: 0, service: try .deterministic(0.00002)), .init(station: 0), .init(station: 1), .init(station: 0),
      .init(station: 0, acquire: [0]), .init(station: 2, release: [0]),
      .init(station: 0, service: try .deterministic(0.00002)),
    ]
    return Network(
      stations: [cpu, disk, flush],
      sources: [Source(name: "pgbench", kind: .closed(users: clients, think: try .deterministic(0)), to: .sequence(0))],
      sequences: [VisitSequence(name: "tpcb", steps: steps)], locks: [Lock(name: "branch", capacity: 1)])
  }

  /// Each level as pgbench and the CPU counters would report it, and the lock's held time at
  /// one client (pgbench -r: the statement latencies from the branch UPDATE to END).
  static func measure() throws -> (levels: [MeasuredLevel], held: Double) {
    var levels: [MeasuredLevel] = []
    var held = 0.0
    for n in clients {
      let result = Experiment(
        network: try network(clients: n), window: RunWindow(warmup: 2, horizon: 20), replications: 3, seed: 5
      )
      .run(threads: ProcessInfo.processInfo.activeProcessorCount)
      let x = result.endToEnd(\.throughput).mean
      levels.append(
        MeasuredLevel(
          clients: n, throughput: x, meanLatency: result.endToEnd(\.meanResponse).mean,
          p95: result.endToEnd(\.responseP95).mean,
          serverDemand: result.station(0, \.meanBusyServers).mean / x, clientDemand: nil, cores: 2, runs: 3))
      if n == 1 { held = result.lock(0, \.meanHeld).mean / x }
    }
    return (levels, held)
  }

  @Test func theLockPredictsTheSaturationThatTheLoadFactorMisses() throws {
    let (levels, held) = try Self.measure()
    // Given a fit on 1, 2 and 4 clients, with and without the lock
    let variants = try FitTable.ablation(
      workload: "tpcb", levels: levels, fitted: [1, 2, 4], cores: 2, lock: HeldLock(capacity: 1, held: held))
    let text = variants.map { "\($0.features): \(String(describing: $0.table?.heldOutErrors))" }.joined(separator: "\n")
    let errors = Dictionary(uniqueKeysWithValues: variants.compactMap { v in v.table?.heldOutErrors.map { (v.features, $0) } })
    #expect(errors.count == variants.count, "\(text)")
    // Then with the lock the held-out levels (8 to 32 clients, the lock always held) are met
    // within the goals: throughput 10%, mean latency 15%
    let locked = try #require(errors["load factor + lock"])
    #expect(locked.throughput < 0.10 && locked.latency < 0.15, "\(text)")
    let lockOnly = try #require(errors["lock"])
    #expect(lockOnly.throughput < 0.10 && lockOnly.latency < 0.15, "\(text)")
    // and plain MVA, which sees only the cores and the disk, misses by far more
    let plain = try #require(errors["MVA only"])
    #expect(plain.throughput > 2 * locked.throughput && plain.throughput > 0.10, "\(text)")
  }
}
