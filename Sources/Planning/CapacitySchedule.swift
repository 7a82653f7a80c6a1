import Demand
import Foundation
import PlatformModel

/// Instances hour by hour: the plan as a `capacity:` schedule, for the run's dates.
package struct CapacitySchedule: Sendable {
  /// Per planned territory: the instances each hour-of-week needs in each period (index
  /// `(weekday - 1) * 24 + hour`, local time), nil where the run has no such hour.
  package var needs: [Int: [[Int?]]]
  /// The schedule's changes, in time order per territory: at `at` (simulated seconds, moved
  /// earlier by the pool's start-up when it grows, so that the instances are ready on the
  /// hour), the territory runs `instances`.
  package var changes: [CapacityChange]
}

/// A target a schedule's window is checked against.
private enum Goal: Hashable {
  case p95, errorRate, databaseP95
  case classP95(Int)
}

extension CapacityPlanner {
  /// Windows with fewer requests than this (mean over replications) do not decide a count:
  /// the p95 of a handful of night requests is noise.
  package static let scheduleMinimumRequests = 100.0

  /// Simulates every count between the fewest the quietest window allows (app CPU below 100%)
  /// and the most any period needs (those the plan has not simulated yet), then reads off each
  /// window the fewest
  /// instances from which on every count meets the window's targets: its mean p95 over
  /// replications within the period's p95 target, each class's within its own (a class with
  /// at least `scheduleMinimumRequests` in the window), the database p95 within its target and
  /// the error rate within the error target.
  /// A period's p95 is met when every one of its windows' is (at most 5% of each window's
  /// requests are slower, so at most 5% of all), so the schedule keeps the plan's verdicts
  /// where the windows' means hold.
  package func schedule(_ plan: inout CapacityPlan) -> CapacitySchedule {
    let started = Date()
    // The plan's time and tries include the schedule's candidates.
    defer { plan.wallSeconds += Date().timeIntervalSince(started) }
    let platform = scenario.platform
    let planned = settings.territories
    // Fill the range of counts.
    var todo: [Int: [Int]] = [:]
    for t in planned {
      let periods = plan.periods.filter { $0.territory == t }
      guard let load = periods.first?.load, let some = plan.candidates.first(where: { $0.simulated.contains(t) })
      else { continue }
      let cores = Double(max(platform.territories[t].app.cores, 1))
      let windows = some.windows[t]
      let quietest = windows.indices.filter { windows[$0].requests > 0 }.map { w -> Int in
        let end = windows.indices.contains(w + 1) ? windows[w + 1].start : scenario.horizon
        let rate = windows[w].requests / max(end - windows[w].start, 1)
        return Int(rate * load.cpuPerRequest / cores) + 1
      }.min()
      let low = quietest ?? periods.map(\.bound.stable).min() ?? 1
      let high = periods.map { $0.instances ?? $0.cap }.max() ?? low
      let known = Set(plan.candidates.filter { $0.simulated.contains(t) }.map { $0.instances[t] })
      todo[t] = (low...max(low, high)).filter { !known.contains($0) }
    }
    var counts = plan.candidates.last?.instances ?? platform.territories.map(\.app.instances)
    while todo.values.contains(where: { !$0.isEmpty }) {
      let now = planned.filter { !(todo[$0]?.isEmpty ?? true) }
      for t in now { counts[t] = todo[t]!.removeFirst() }
      plan.candidates.append(evaluate(counts, simulating: Set(now)))
      // Counts simulated for the schedule are tried like the search's: the plan shows them.
      let added = plan.candidates[plan.candidates.count - 1]
      for i in plan.periods.indices where now.contains(plan.periods[i].territory) {
        let t = plan.periods[i].territory
        let n = counts[t]
        let status = added.status(
          territory: plan.territoryName(plan.periods[i]), period: plan.periodName(plan.periods[i]))
        plan.periods[i].tried.append((n, status))
        plan.periods[i].tried.sort { $0.instances < $1.instances }
        // One fewer than the answer (or the cap, without one) was theory's to explain until now.
        if plan.periods[i].fewer == nil, n == (plan.periods[i].instances.map { $0 - 1 } ?? plan.periods[i].cap) {
          plan.periods[i].fewer = added
        }
      }
    }

    var needs: [Int: [[Int?]]] = [:]
    var changes: [CapacityChange] = []
    let periodCount = scenario.periodNames.count
    for t in planned {
      // Candidates by count, one each.
      var byCount: [Int: Candidate] = [:]
      for c in plan.candidates where c.simulated.contains(t) && byCount[c.instances[t]] == nil {
        byCount[c.instances[t]] = c
      }
      let ordered = byCount.keys.sorted()
      guard let fewest = ordered.first, let windows = byCount[fewest]?.windows[t] else { continue }
      let objectives = scenario.objectives
      let classes = platform.requestClasses.map(\.name)
      let mix = scenario.demand[t].mix
      let share = mix.reduce(0, +)
      // Each objective of a window: whether it is met, and whether more instances can meet it
      // (the database p95 is the nodes' to meet: where the most instances tried miss it too,
      // it asks for none).
      func met(_ w: Candidate.WindowSummary) -> [Goal: (met: Bool, byInstances: Bool)] {
        guard w.requests >= Self.scheduleMinimumRequests else { return [:] }
        let peak = scenario.isPeak(period: w.period, territory: t)
        let target = objectives.p95(of: nil, peak: peak) ?? .infinity
        var out: [Goal: (met: Bool, byInstances: Bool)] = [
          .p95: ((w.p95 ?? 0) <= target, true), .errorRate: ((w.errorRate ?? 0) <= objectives.errorRate, true),
          .databaseP95: ((w.databaseP95 ?? 0) <= objectives.databaseP95, false),
        ]
        // Each judged class by its own target (the plan's verdicts judge them), where the
        // window holds enough of its requests for a p95.
        for (c, p95) in w.classP95.enumerated() where c < classes.count && c < mix.count {
          guard let p95, share > 0, w.requests * mix[c] / share >= Self.scheduleMinimumRequests,
            objectives.classes[classes[c]]?.waiver == nil
          else { continue }
          out[.classP95(c)] = (p95 <= objectives.p95(of: classes[c], peak: peak) ?? .infinity, true)
        }
        return out
      }
      // Per window: the fewest count from which every larger simulated count meets it, by the
      // objectives the instances can meet.
      var needed: [Int] = []
      for w in windows.indices {
        let byCountMet = ordered.map { byCount[$0]?.windows[t][safe: w].map(met) }
        let most = byCountMet.last ?? nil
        var n = ordered.last!
        for i in ordered.indices.reversed() {
          guard let objectivesMet = byCountMet[i] else { break }
          let meets = objectivesMet.allSatisfy { k, o in
            o.met || (!o.byInstances && most?[k].map { !$0.met } ?? false)
          }
          guard meets else { break }
          n = ordered[i]
        }
        needed.append(n)
      }
      // Per period and hour of the week, the most any such window needed.
      var table = Array(repeating: [Int?](repeating: nil, count: 168), count: periodCount)
      let calendar = scenario.demand[t].calendar
      func hourOfWeek(_ time: Double) -> Int {
        guard let calendar else { return Int(time / 3_600) % 168 }
        let (date, hour) = calendar.localTime(at: time)
        return (date.weekday - 1) * 24 + min(23, Int(hour))
      }
      for w in windows.indices {
        let h = hourOfWeek(windows[w].start)
        table[windows[w].period][h] = max(table[windows[w].period][h] ?? 0, needed[w])
      }
      needs[t] = table
      // The run's hours, each at its period's hour-of-week need; a change where it moves.
      let startup = platform.territories[t].app.startup
      var current: Int? = nil
      for w in windows.indices {
        let p = windows[w].period
        let n = table[p][hourOfWeek(windows[w].start)] ?? table[p].compactMap { $0 }.max() ?? fewest
        guard n != current else { continue }
        let grows = current.map { n > $0 } ?? false
        // On a whole minute, as a scenario writes times: a rise rounds down, so it is early. The
        // first holds from the run's start (warm-up included), where the pool starts with it ready.
        let at = current == nil ? 0 : max(0, ((windows[w].start - (grows ? startup : 0)) / 60).rounded(.down) * 60)
        changes.append(CapacityChange(territory: t, at: at, instances: n))
        current = n
      }
    }
    return CapacitySchedule(needs: needs, changes: changes)
  }
}

extension Array {
  fileprivate subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
