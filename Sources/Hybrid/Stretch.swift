import Foundation
import PlatformModel
import SimRandom

/// The computed part of one step (within one hour and one window): pieces of constant demand,
/// each with the model's regime, turned into recorded requests when the step ends.
///
/// Latencies are drawn by stratified sampling: up to `strata` requests per class stand for all
/// of the step's requests of that class, each with an equal share of them. Sample `j` takes
/// the no-wait latency at quantile `(j + u0) / strata` of the class's pool (so the body and the
/// tail of the distribution are represented in their exact proportions), a piece of the step
/// in proportion to its requests, and a wait at each tier it visits drawn from that piece's
/// regime (`Tier.wait`). `u0` and the waits come from the replication's stream, so the result
/// varies between replications as a simulation's does, and is the same for any thread count.
struct Stretch {
  struct Piece {
    var regime: Regime
    var seconds: Double
    /// Pieces with the same id share a regime: consecutive ones are merged.
    var id: Int
  }

  var pieces: [Piece] = []
  var seconds: Double { pieces.reduce(0) { $0 + $1.seconds } }

  static let strata = 512
  static let queryStrata = 256

  mutating func add(_ regime: Regime, id: Int, seconds: Double) {
    guard seconds > 0 else { return }
    if let last = pieces.indices.last, pieces[last].id == id {
      pieces[last].seconds += seconds
    } else {
      pieces.append(Piece(regime: regime, seconds: seconds, id: id))
    }
  }

  /// Records the stretch's requests, queries, busy time and replication lag in `simulator`, and
  /// forgets them. Requests are counted (not busy time) only when `measured` (after the
  /// warm-up). `carry` keeps each (territory, class) count's fraction for the next stretch, so
  /// that counts add up over the run.
  mutating func flush(
    into simulator: inout PlatformSimulator, model: FluidModel, uniform: inout Sampler,
    carry: inout [[Double]], measured: Bool, periods: [Int]
  ) {
    defer { pieces.removeAll(keepingCapacity: true) }
    guard !pieces.isEmpty else { return }
    let platform = model.scenario.platform
    let last = pieces[pieces.count - 1].regime
    var nodeReads = Array(repeating: 0.0, count: platform.databases.count)
    var nodeWrites = Array(repeating: 0.0, count: platform.databases.count)
    for (g, t) in model.territories.enumerated() {
      let period = periods[g]
      let timeout = platform.territories[t].app.timeout
      var weights = pieces.map { $0.regime.lambda[t] * $0.seconds }
      let total = weights.reduce(0, +)
      for k in weights.indices.dropFirst() { weights[k] += weights[k - 1] }
      var kindCounts = Array(repeating: 0, count: model.kindCount)
      var kindForced = Array(repeating: 0, count: model.kindCount)
      // The tiers of each piece as plain values: reading them through `Regime` per sample
      // retained its arrays every time.
      let views = pieces.map { View($0.regime, t) }
      let stride = views.map(\.replicaCount).max() ?? 0
      var replicaTiers: [Tier] = []
      for piece in pieces {
        let tiers = piece.regime.replicas[t].map { piece.regime.nodes[$0] }
        replicaTiers += tiers + Array(repeating: Tier(), count: stride - tiers.count)
      }
      for c in 0..<model.classCount {
        let expected = total * model.mix[t][c] + carry[t][c]
        let count = Int(expected.rounded(.down))
        carry[t][c] = expected - Double(count)
        guard count > 0 else { continue }
        if measured { simulator.recordComputed(territory: t, requestClass: c, period: period, arrivals: count) }
        for (q, k) in model.queries[c].enumerated() {
          kindCounts[k] += count
          if model.isWrite[k] {
            nodeWrites[last.primary[t]] += Double(count)
          } else if model.readAfterWrite[c][q] {
            kindForced[k] += count
            nodeReads[last.primary[t]] += Double(count)
          } else {
            let share = last.readsToPrimary[t]
            nodeReads[last.primary[t]] += Double(count) * share
            for n in last.replicas[t] { nodeReads[n] += Double(count) * (1 - share) / Double(last.replicas[t].count) }
          }
        }
        guard measured else { continue }
        let pool = model.pools[t][c]
        let forced = zip(model.queries[c], model.readAfterWrite[c]).map { model.isWrite[$0] || $1 }
        let phases = model.phases[c]
        let m = min(count, Self.strata)
        let u0 = uniform.next()
        // The piece: golden-ratio points spread the strata over the pieces evenly.
        var position = uniform.next()
        var failed = 0
        for j in 0..<m {
          position += 0.618_033_988_749_894_9
          if position >= 1 { position -= 1 }
          let share = (j + 1) * count / m - j * count / m
          guard share > 0 else { continue }
          let base = pool[min(pool.count - 1, Int((Double(j) + u0) * Double(pool.count) / Double(m)))]
          var p = 0
          while p < weights.count - 1 && weights[p] <= position * total { p += 1 }
          let v = views[p]
          var latency = base + v.worker.wait(uniform.next())
          // One wait for all CPU phases: they follow each other within milliseconds, and the
          // cores' queue changes over its busy periods (independent draws: p95 6-10% low).
          if phases > 0 { latency += Double(phases) * v.cpu.wait(uniform.next()) }
          if !forced.isEmpty { latency += v.connection.wait(uniform.next()) }
          for toPrimary in forced {
            let u = uniform.next()
            let k = v.replica(u, forced: toPrimary)
            latency += (k < 0 ? v.primary : replicaTiers[p * stride + k]).wait(uniform.next())
          }
          if latency > timeout {
            failed += share
          } else {
            simulator.recordComputed(territory: t, requestClass: c, period: period, latency: latency, count: share)
          }
        }
        if failed > 0 {
          simulator.recordComputed(territory: t, requestClass: c, period: period, failed: .timeout, count: failed)
        }
      }
      if measured {
        for k in 0..<model.kindCount where kindCounts[k] > 0 {
          let pool = model.kindPools[t][k]
          let count = kindCounts[k]
          let forced = Double(kindForced[k]) / Double(count)
          let m = min(count, Self.queryStrata)
          let u0 = uniform.next()
          let write = model.isWrite[k]
          for j in 0..<m {
            let share = (j + 1) * count / m - j * count / m
            guard share > 0 else { continue }
            let service = pool[min(pool.count - 1, Int((Double(j) + u0) * Double(pool.count) / Double(m)))]
            let p = min(pieces.count - 1, Int(uniform.next() * Double(pieces.count)))
            let v = views[p]
            let toPrimary = write || uniform.next() < forced
            let r = v.replica(uniform.next(), forced: toPrimary)
            let latency = service + (r < 0 ? v.primary : replicaTiers[p * stride + r]).wait(uniform.next())
            simulator.recordComputedQueries(territory: t, period: period, latency: latency, count: share)
          }
        }
      }
      if measured {
        // Requests that wait for a connection (one each, held across the request's queries),
        // as the simulator counts them: the `conn. waits` column.
        let querying = (0..<model.classCount).reduce(0.0) { $0 + (model.queries[$1].isEmpty ? 0 : model.mix[t][$1]) }
        let waits =
          pieces.reduce(0.0) { $0 + $1.regime.lambda[t] * $1.seconds * $1.regime.connections[t].waitProbability }
          * querying + carry[t][model.classCount]
        let count = Int(waits.rounded(.down))
        carry[t][model.classCount] = waits - Double(count)
        simulator.recordComputed(territory: t, connectionWaits: count)
      }
      simulator.recordComputedBusy(
        territory: t, workerSeconds: pieces.reduce(0) { $0 + $1.regime.workerBusy[t] * $1.seconds },
        coreSeconds: pieces.reduce(0) { $0 + $1.regime.coreBusy[t] * $1.seconds })
    }
    let seconds = self.seconds
    for n in platform.databases.indices where nodeReads[n] + nodeWrites[n] > 0 || Self.uses(model, n) {
      let busy = pieces.reduce(0) { $0 + $1.regime.nodeBusy[n] * $1.seconds }
      var maxLag = 0.0
      var lagArea = 0.0
      let node = platform.databases[n]
      if let primary = node.replicaOf, node.apply != nil || node.shipping > 0, nodeWrites[primary] > 0 {
        // Replay is a single server (M/G/1) fed by the primary's writes; a write's lag is the
        // shipping delay plus its time in that queue. The largest of w exponential sojourns is
        // about (ln w + Euler's gamma) / (mu - lambda); the lag's integral is w E[T^2] / 2.
        let writes = nodeWrites[primary]
        let service = (node.apply?.mean ?? 0) * (1 + last.nodes[n].utilization)
        let rate = writes / seconds
        if service > 0, rate * service < 1 {
          let gap = 1 / service - rate
          maxLag = node.shipping + (log(writes) + 0.577_215_664_9) / gap
          lagArea = writes * (node.shipping * node.shipping + 2 * node.shipping / gap + 2 / (gap * gap)) / 2
        } else if service == 0 {
          maxLag = node.shipping
          lagArea = writes * node.shipping * node.shipping / 2
        }
      }
      simulator.recordComputedNode(
        n, reads: measuredCount(nodeReads[n]), writes: measuredCount(nodeWrites[n]), busySeconds: busy,
        maxLag: maxLag, lagSeconds: lagArea)
    }
  }

  private func measuredCount(_ x: Double) -> Int { Int(x.rounded()) }

  /// Whether node `n` serves a territory of the model's group.
  private static func uses(_ model: FluidModel, _ n: Int) -> Bool {
    let platform = model.scenario.platform
    let home = platform.databases[n].replicaOf ?? n
    return model.territories.contains { platform.territories[$0].primary == home }
  }

  /// A piece's tiers for one territory, as plain values.
  struct View {
    var worker: Tier
    var cpu: Tier
    var connection: Tier
    var primary: Tier
    var readsToPrimary: Double
    var replicaCount: Int

    init(_ r: Regime, _ t: Int) {
      worker = r.workers[t]
      cpu = r.cpu[t]
      connection = r.connections[t]
      primary = r.nodes[r.primary[t]]
      readsToPrimary = r.readsToPrimary[t]
      replicaCount = r.replicas[t].count
    }

    /// Where a query goes: -1 for the primary (when forced: a write, a read after a write; or
    /// with the share of reads that go there), else the index of a replica chosen evenly by `u`.
    @inline(__always)
    func replica(_ u: Double, forced: Bool) -> Int {
      if forced || replicaCount == 0 || u < readsToPrimary { return -1 }
      let v = (u - readsToPrimary) / (1 - readsToPrimary)
      return min(replicaCount - 1, Int(v * Double(replicaCount)))
    }
  }
}
