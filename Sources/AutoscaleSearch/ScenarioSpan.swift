import Foundation
import PlatformModel

/// A stretch of a scenario that a search judges rules on: a week around a period's peak.
package struct ScenarioSpan: Sendable, Hashable {
  /// Simulated seconds of the whole scenario.
  package var from: Double
  package var length: Double
  /// `christmas`, or `whole run`.
  package var label: String
}

extension PlatformScenario {
  /// The scenario from `from` (simulated seconds) for `length`: calendars start later, faults
  /// and capacity changes move with them (those before the start are dropped; the last
  /// capacity change before it becomes the starting count), the warm-up stays.
  func cut(from: Double, length: Double) -> PlatformScenario {
    guard from > 0 || length < horizon else { return self }
    var s = self
    for t in s.demand.indices {
      if let start = s.demand[t].calendar?.start { s.demand[t].calendar?.start = start.addingTimeInterval(from) }
    }
    let end = from + length
    s.faults = faults.compactMap { f in
      switch f {
      case .instanceCrashes: return f
      case .replicaDown(let n, let at, let d):
        return at >= from && at < end ? .replicaDown(node: n, at: at - from, duration: d) : nil
      case .primaryFailover(let n, let at, let d, let p):
        return at >= from && at < end ? .primaryFailover(node: n, at: at - from, detection: d, promotion: p) : nil
      case .territoryOutage(let t, let at, let d, let to, let delay):
        return at >= from && at < end
          ? .territoryOutage(territory: t, at: at - from, duration: d, failoverTo: to, failoverDelay: delay) : nil
      case .deployment(let t, let at, let b):
        return at >= from && at < end ? .deployment(territory: t, at: at - from, batch: b) : nil
      case .instanceCrash(let t, let at):
        return at >= from && at < end ? .instanceCrash(territory: t, at: at - from) : nil
      }
    }
    s.capacity = []
    for t in platform.territories.indices {
      let mine = capacity.filter { $0.territory == t }
      if let before = mine.last(where: { $0.at <= from }) { s.platform.territories[t].app.instances = before.instances }
      s.capacity += mine.filter { $0.at > from && $0.at < end }.map {
        CapacityChange(territory: t, at: $0.at - from, instances: $0.instances)
      }
    }
    s.horizon = length
    s.warmup = min(warmup, length / 2)
    return s
  }
}
