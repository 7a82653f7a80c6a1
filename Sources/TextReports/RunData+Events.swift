import Foundation
import PlatformModel
import RunRecords

extension RunData {
  /// The faults, capacity changes and deployments of a platform run, one record per territory
  /// they touch, in the scenario's order.
  ///
  /// Times come from the scenario, clipped to the run. A deployment ends when its last batch was
  /// back in rotation, as the replications ran it (their mean). Random crashes have no times:
  /// they are listed with their settings, and show in the instance series.
  static func events(_ result: PlatformResult) -> [EventRecord] {
    let s = result.scenario
    let platform = s.platform
    let horizon = s.horizon
    func name(_ t: Int) -> String { platform.territories[t].name }
    func local(_ t: Int, _ time: Double) -> String {
      s.demand[t].calendar?.uniqueLabel(at: time) ?? "+\(Int(time))s"
    }
    func record(_ t: Int, _ kind: String, _ subject: String, from: Double?, to: Double?, _ label: String)
      -> EventRecord
    {
      let start = from.map { min($0, horizon) }
      let end = to.map { min($0, horizon) }
      return EventRecord(
        territory: name(t), kind: kind, subject: subject, start: start, end: end,
        localStart: start.map { local(t, $0) }, localEnd: end.map { local(t, $0) }, label: label)
    }
    /// Territories whose reads or writes go to node `n`.
    func users(of n: Int) -> [Int] {
      let primary = platform.databases[n].replicaOf ?? n
      return platform.territories.indices.filter { platform.territories[$0].primary == primary }
    }

    var out: [EventRecord] = []
    for (index, fault) in s.faults.enumerated() {
      switch fault {
      case .instanceCrashes(let t, let mtbf, let mttr):
        out.append(
          record(
            t, "crashes", name(t), from: nil, to: nil,
            "random instance crashes: MTBF \(span(mtbf)), MTTR \(span(mttr)) plus start-up"))
      case .replicaDown(let n, let at, let duration):
        let node = platform.databases[n].name
        for t in users(of: n) {
          out.append(record(t, "replica-down", node, from: at, to: at + duration, "\(node) down"))
        }
      case .primaryFailover(let n, let at, let detection, let promotion):
        let node = platform.databases[n].name
        // With every replica down when the promotion comes, none is promoted: the old primary
        // comes back instead (`promote(replacing:)`).
        let promotedAt = at + detection + promotion
        let replicas = platform.databases.indices.filter { platform.databases[$0].replicaOf == n }
        let noneUp = replicas.allSatisfy { r in
          s.faults.contains {
            if case .replicaDown(r, let from, let duration) = $0 { from <= promotedAt && promotedAt < from + duration }
            else { false }
          }
        }
        let what = noneUp ? "no healthy replica to promote, \(node) back" : "replica promoted"
        for t in users(of: n) {
          out.append(
            record(
              t, "primary-failover", node, from: at, to: promotedAt,
              "\(node) lost, \(what) after \(span(detection + promotion))"))
        }
      case .territoryOutage(let t, let at, let duration, let target, let delay):
        // Service returns when the instances restarted at the outage's end are ready.
        let back = at + duration + platform.territories[t].app.startup
        let failover = target.map { ", traffic to \(name($0)) after \(span(delay))" } ?? ""
        out.append(
          record(
            t, "territory-outage", name(t), from: at, to: back,
            "\(name(t)) down for \(span(duration)) plus its start-up" + failover))
        if let target, delay < duration {
          out.append(
            record(target, "failover", name(t), from: at + delay, to: back, "serves \(name(t))'s traffic"))
        }
      case .instanceCrash(let t, let at):
        let restart = platform.territories[t].loadBalancer.healthCheckInterval + platform.territories[t].app.startup
        out.append(
          record(t, "instance-crash", name(t), from: at, to: at + restart, "one instance crashes and restarts"))
      case .deployment(let t, let at, let batch):
        let spans = result.replications.compactMap { r in r.territories[t].deployments.first { $0.fault == index } }
        let ends = spans.map { $0.end ?? horizon }
        // A deployment that started while another was running was skipped: an instant.
        let end = ends.isEmpty ? at : ends.reduce(0, +) / Double(ends.count)
        var label = "rolling deployment, \(batch) at a time"
        if spans.isEmpty { label += " (skipped: another was running)" }
        if spans.contains(where: { $0.end == nil }) { label += " (not finished by the end)" }
        out.append(record(t, "deployment", name(t), from: at, to: end, label))
      }
    }
    for change in s.capacity {
      let t = change.territory
      out.append(
        record(
          t, "capacity", name(t), from: change.at, to: change.at,
          "\(change.instances) instance\(change.instances == 1 ? "" : "s")"))
    }
    return out
  }

  /// "30d" for whole days of two or more, else as `Format.duration` writes it ("10min").
  private static func span(_ seconds: Double) -> String {
    seconds >= 2 * 86_400 ? Format.number(seconds / 86_400) + "d" : Format.duration(seconds)
  }
}
