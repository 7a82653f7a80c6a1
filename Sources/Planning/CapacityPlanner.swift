import Foundation
import PlatformModel

/// Finds, per territory and period, the fewest app instances that meet every objective.
///
/// Theory first: the offered load at each period's peak bounds the count from below (app CPU
/// below 100%) and an M/M/c estimate gives a starting point. Then simulation: each round
/// simulates one candidate, a count per planned territory, all periods at once; a period is
/// met at a count when every verdict passes (the whole interval meets its target). A count
/// that meets a period bounds it from above, one that fails bounds it from below, and the
/// next count splits the widest open interval (or grows by half while nothing meets yet).
/// Marginal verdicts get more replications before they are judged. Every candidate uses the
/// scenario's seed, so candidates differ by capacity only (common random numbers).
///
/// Territories are searched side by side: their counts go into the same candidates. That is
/// exact for territories that share no database (simulated independently); for a shared
/// primary, a territory's verdicts also depend on the other's count in the same candidate.
package struct CapacityPlanner {
  package var scenario: PlatformScenario
  package var settings: PlanSettings
  /// Told about each candidate as it is simulated: what is being tried.
  package var progress: ((String) -> Void)?
  /// Told how far the simulation in progress (a candidate's replications) has got.
  package var runProgress: (@Sendable (PlatformProgress) -> Void)?
  /// Given each candidate once simulated, with its 0-based number, so that it can be kept
  /// before the plan ends (an interrupted plan keeps what it simulated).
  package var onCandidate: ((Int, Candidate) -> Void)?

  package init(scenario: PlatformScenario, settings: PlanSettings, progress: ((String) -> Void)? = nil) {
    self.scenario = scenario
    self.settings = settings
    self.progress = progress
  }

  /// The (territory, period) pairs the plan answers, in the order of its periods.
  package func periodKeys() -> [(territory: Int, period: Int)] {
    let loads = scenario.offeredLoads()
    return settings.territories.flatMap { t in loads.filter { $0.territory == t }.map { (t, $0.period) } }
  }

  package func plan() -> CapacityPlan {
    let started = Date()
    let platform = scenario.platform
    let names = scenario.periodNames
    let loads = scenario.offeredLoads()
    let planned = settings.territories
    var counts = platform.territories.map(\.app.instances)

    // Per planned (territory, period): the bounds, and the open interval (lo fails, hi meets).
    struct Open {
      var load: OfferedLoad
      var bound: InstanceBound
      var lo: Int
      var hi: Int?
      var never = false
    }
    var open: [Int: [Open]] = [:]
    var caps: [Int: (Int, String)] = [:]
    for t in planned {
      caps[t] = cap(territory: t)
      for load in loads where load.territory == t {
        let target = scenario.objectives.p95(of: nil, peak: scenario.isPeak(period: load.period, territory: t))
        let bound = load.instanceBound(platform: platform, p95Target: target ?? .infinity, cap: caps[t]!.0)
        open[t, default: []].append(Open(load: load, bound: bound, lo: bound.stable - 1, hi: nil))
      }
    }

    var candidates: [Candidate] = []
    // Per territory, the candidate simulated at each of its counts.
    var byCount: [Int: [Int: Int]] = [:]
    func remember(_ c: Candidate) {
      candidates.append(c)
      onCandidate?(candidates.count - 1, c)
      for t in c.simulated where byCount[t]?[c.instances[t]] == nil {
        byCount[t, default: [:]][c.instances[t]] = candidates.count - 1
      }
    }

    // Intervals from every candidate so far: lo is the most instances that did not meet the
    // period (or the stable bound less one), hi the fewest above lo that did. Taking all of
    // them each time keeps the answer consistent when noise makes a larger count miss.
    func update() {
      for t in planned {
        let name = platform.territories[t].name
        for i in open[t]?.indices ?? (0..<0) {
          let period = names[open[t]![i].load.period]
          var lo = open[t]![i].bound.stable - 1
          var meeting: [Int] = []
          for (n, c) in byCount[t] ?? [:] {
            if candidates[c].status(territory: name, period: period) == .meets {
              meeting.append(n)
            } else {
              lo = max(lo, n)
            }
          }
          open[t]![i].lo = lo
          open[t]![i].hi = meeting.filter { $0 > lo }.min()
          open[t]![i].never = open[t]![i].hi == nil && lo >= caps[t]!.0
        }
      }
    }

    // The search: one candidate a round until every interval is closed; then one instance
    // more than each answer, for what it would buy (one fewer is known already: a candidate
    // that missed, or below the stable bound). Noise can make that one miss; then the search
    // goes on from there.
    search: while true {
      update()
      var probes: [Int: Int] = [:]
      for t in planned {
        let periods = open[t] ?? []
        let capValue = caps[t]!.0
        let unsettled = periods.filter { !$0.never && ($0.hi == nil || $0.hi! - $0.lo > 1) }
        guard !unsettled.isEmpty else { continue }
        var probe: Int
        let rising = unsettled.filter { $0.hi == nil }
        if !rising.isEmpty {
          let lo = rising.map(\.lo).max()!
          // The theory's starting point first; after a miss, half as many again.
          probe = byCount[t] == nil ? rising.map(\.bound.start).max()! : lo + max(1, (lo + 1) / 2)
          probe = min(max(probe, lo + 1), capValue)
        } else {
          let widest = unsettled.max { ($0.hi! - $0.lo) < ($1.hi! - $1.lo) }!
          probe = (widest.lo + widest.hi!) / 2
        }
        guard byCount[t]?[probe] == nil else { continue }  // cannot happen after update(); no loop
        probes[t] = probe
      }
      if !probes.isEmpty {
        for (t, n) in probes { counts[t] = n }
        remember(evaluate(counts, simulating: Set(probes.keys)))
        continue
      }

      var extra: [Int: [Int]] = [:]
      for t in planned {
        for o in open[t] ?? [] {
          if let hi = o.hi, hi + 1 <= caps[t]!.0, byCount[t]?[hi + 1] == nil, !(extra[t]?.contains(hi + 1) ?? false) {
            extra[t, default: []].append(hi + 1)
          }
        }
      }
      if extra.values.allSatisfy(\.isEmpty) { break search }
      while extra.values.contains(where: { !$0.isEmpty }) {
        let now = planned.filter { !(extra[$0]?.isEmpty ?? true) }
        for t in now { counts[t] = extra[t]!.removeFirst() }
        remember(evaluate(counts, simulating: Set(now)))
      }
    }
    update()

    var periods: [PeriodPlan] = []
    for t in planned {
      for o in open[t] ?? [] {
        let name = platform.territories[t].name
        let period = names[o.load.period]
        var plan = PeriodPlan(
          territory: t, period: o.load.period, load: o.load, bound: o.bound, instances: o.never ? nil : o.hi,
          cap: caps[t]!.0, capReason: caps[t]!.1, tried: [])
        plan.tried = (byCount[t] ?? [:]).keys.sorted().map { n in
          (n, candidates[byCount[t]![n]!].status(territory: name, period: period))
        }
        if let hi = plan.instances {
          plan.chosen = byCount[t]?[hi].map { candidates[$0] }
          plan.fewer = byCount[t]?[hi - 1].map { candidates[$0] }
          plan.more = byCount[t]?[hi + 1].map { candidates[$0] }
        } else {
          plan.fewer = byCount[t]?[caps[t]!.0].map { candidates[$0] }
        }
        periods.append(plan)
      }
    }
    return CapacityPlan(
      scenario: scenario, settings: settings, periods: periods, candidates: candidates,
      wallSeconds: Date().timeIntervalSince(started))
  }

  /// The most instances a territory may have: its share of the tightest connection limit in
  /// its database cluster (other territories at their configured counts), or `maxInstances`.
  /// Territories sharing a cluster are capped one at a time, so their answers together can
  /// still overrun it: `CapacityPlan.connectionOverruns` says where.
  package func cap(territory t: Int) -> (Int, String) {
    let platform = scenario.platform
    let connections = platform.territories[t].app.connections
    guard let room = platform.connectionRoom(territory: t, instances: platform.territories.map(\.app.instances)),
      room.instances < settings.maxInstances
    else { return (settings.maxInstances, "the plan's maximum (--max-instances)") }
    let node = platform.databases[room.node]
    return (
      room.instances, "\(node.name)'s maxConnections \(node.maxConnections) at \(connections) connections an instance"
    )
  }

  /// The scenario with these instance counts, fixed for the whole run: scheduled capacity of
  /// the planned territories is dropped, since the plan replaces it.
  package func configured(_ counts: [Int]) -> PlatformScenario {
    var s = scenario
    for t in s.platform.territories.indices { s.platform.territories[t].app.instances = counts[t] }
    s.capacity.removeAll { settings.territories.contains($0.territory) }
    return s
  }

  /// Simulates a candidate, adding replications while a period of a territory it is for is
  /// marginal. Only the groups of `simulating` (territories whose count is being tried) run:
  /// the others' answers are known.
  func evaluate(_ counts: [Int], simulating: Set<Int>) -> Candidate {
    let s = configured(counts)
    let run = PlatformRun(scenario: s, driver: settings.driver)
    let groups = run.groups.filter { !simulating.isDisjoint(with: $0) }
    let simulated = groups.flatMap { $0 }.filter { settings.territories.contains($0) }.sorted()
    let label = simulated.map { "\(s.platform.territories[$0].name) \(counts[$0])" }.joined(separator: ", ")
    progress?("simulating \(label) with \(settings.replications) replications")
    var result = run.run(
      replications: 0..<settings.replications, threads: settings.threads, only: simulating, progress: runProgress)
    var wall = result.wallSeconds
    var verdicts = result.verdicts()
    func marginal() -> Bool {
      verdicts.contains { v in
        v.outcome == .marginal && simulated.contains { s.platform.territories[$0].name == v.territory }
          && !verdicts.contains { $0.territory == v.territory && $0.period == v.period && $0.outcome == .fail }
      }
    }
    while marginal() && result.replications.count < settings.maxReplications {
      let have = result.replications.count
      let more = min(have, settings.maxReplications - have)
      progress?("\(label): a verdict is marginal, \(more) more replications")
      let extra = run.run(
        replications: have..<(have + more), threads: settings.threads, only: simulating, progress: runProgress)
      result.replications += extra.replications
      wall += extra.wallSeconds
      verdicts = result.verdicts()
    }
    return Candidate(
      instances: counts, simulated: simulated, replications: result.replications.count, verdicts: verdicts,
      windows: Self.windows(result), busiest: Self.busiest(result), wallSeconds: wall,
      requests: result.replications.reduce(0) { $0 + $1.requests })
  }

  static func windows(_ result: PlatformResult) -> [[Candidate.WindowSummary]] {
    guard let first = result.replications.first else { return [] }
    return first.territories.indices.map { t in
      first.territories[t].windows.indices.map { w in
        let all = result.replications.compactMap { r in
          r.territories[t].windows.indices.contains(w) ? r.territories[t].windows[w] : nil
        }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        let classes = first.territories[t].windows[w].classP95.indices
        return Candidate.WindowSummary(
          start: first.territories[t].windows[w].start, period: first.territories[t].windows[w].period,
          requests: mean(all.map { Double($0.counts.arrivals) }) ?? 0, p95: mean(all.compactMap(\.latency.p95)),
          errorRate: mean(all.compactMap { $0.counts.completed + $0.counts.failed > 0 ? $0.counts.errorRate : nil }),
          classP95: classes.map { c in mean(all.compactMap { $0.classP95.indices.contains(c) ? $0.classP95[c] : nil })
          },
          databaseP95: mean(all.compactMap(\.databaseP95)))
      }
    }
  }

  static func busiest(_ result: PlatformResult) -> [[Candidate.Busiest?]] {
    guard let first = result.replications.first else { return [] }
    let platform = result.scenario.platform
    let periods = first.periods.count
    return first.territories.indices.map { t in
      let primary = platform.territories[t].primary
      let cluster = [primary] + platform.replicas(of: primary)
      return (0..<periods).map { p in
        var best: Candidate.Busiest? = nil
        for w in first.territories[t].windows.indices where first.territories[t].windows[w].period == p {
          let app =
            result.replications.map {
              $0.territories[t].windows.indices.contains(w) ? $0.territories[t].windows[w].cpuUtilization : 0
            }
            .reduce(0, +) / Double(result.replications.count)
          guard app > (best?.appUtilization ?? -1) else { continue }
          var node = (cluster[0], 0.0)
          for n in cluster {
            let u =
              result.replications.map {
                $0.nodes[n].windowUtilization.indices.contains(w) ? $0.nodes[n].windowUtilization[w] : 0
              }
              .reduce(0, +) / Double(result.replications.count)
            if u > node.1 { node = (n, u) }
          }
          best = Candidate.Busiest(appUtilization: app, node: node.0, nodeUtilization: node.1)
        }
        return best
      }
    }
  }
}
