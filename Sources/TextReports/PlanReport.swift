import Demand
import Foundation
import Planning
import PlatformModel
import RunRecords
import SimKernel

/// A capacity plan as text (for people) and JSON (for programs), drawn from what is recorded
/// of it (`PlanData`): `capsim plan` and `capsim plans ID` print the same.
package struct PlanReport {
  var data: PlanData

  package init(data: PlanData) {
    self.data = data
  }

  var plan: PlanRecord { data.plan }

  /// A recorded local label as the table shows it: "2026-12-07T10:30" as "Mon 2026-12-07
  /// 10:30", "+5400s" (no calendar) as "+1.5h".
  package static func readable(_ label: String) -> String {
    let parts = label.split(separator: "T")
    if parts.count == 2, case let ymd = parts[0].split(separator: "-").compactMap({ Int($0) }), ymd.count == 3 {
      let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
      let date = CivilDate(ymd[0], ymd[1], ymd[2])
      return "\(days[date.weekday - 1]) \(date.description) \(parts[1])"
    }
    if label.hasPrefix("+"), label.hasSuffix("s"), let seconds = Double(label.dropFirst().dropLast()) {
      return "+" + Format.duration(seconds)
    }
    return label
  }

  /// "DE 4 x 10 + CH 3 x 10 = 70 connections to 'de-primary', more than its maxConnections 60
  /// (...)": answers that cannot be applied together, and the two ways out.
  package static func overrunText(_ o: Platform.ConnectionOverrun, platform: Platform) -> String {
    let sum = o.terms.map { "\(platform.territories[$0.territory].name) \($0.instances) x \($0.connections)" }
      .joined(separator: " + ")
    return
      "the counts together open \(sum) = \(o.total) connections to '\(platform.databases[o.node].name)', more than "
      + "its maxConnections \(o.limit) (each territory was capped with the others at their configured counts; "
      + "capsim validate refuses these counts together): raise maxConnections to \(o.total) or give an instance "
      + "fewer connections"
  }

  static func value(_ v: VerdictRecord, _ x: Double) -> String {
    v.objective == Objective.errorRate.rawValue || v.objective == Objective.availability.rawValue
      ? Format.percent(x) : Format.duration(x)
  }

  /// "p95 latency (report) 612ms > 450ms": a verdict in a few words.
  package static func describe(_ v: VerdictRecord) -> String {
    let what = v.objective + (v.requestClass == "all" ? "" : " (\(v.requestClass))")
    // The sign says where the mean lies; a marginal verdict's mean meets the target, its interval
    // reaches past it.
    let meets = v.target.map { v.higherIsBetter ? v.mean >= $0 : v.mean <= $0 } ?? true
    // As the verdicts print it: "< 200ms" met, "<=" only where the mean is the target itself.
    let relation =
      v.higherIsBetter ? (meets ? ">=" : "<") : (meets ? (v.target == v.mean ? "<=" : "<") : ">")
    let interval = v.halfWidth.map { " +- " + value(v, $0) } ?? ""
    let marginal = v.outcome == "marginal" ? " (marginal)" : ""
    return "\(what) \(value(v, v.mean))\(interval) \(relation) \(v.target.map { value(v, $0) } ?? "-")\(marginal)"
  }

  /// Missed verdicts, the furthest past its target first (by the ratio of measured to target),
  /// so that a shortened list never leaves out the worst.
  static func worstFirst(_ verdicts: [VerdictRecord]) -> [VerdictRecord] {
    func miss(_ v: VerdictRecord) -> Double {
      guard let target = v.target, target > 0, v.mean > 0 else { return 0 }
      return v.higherIsBetter ? target / v.mean : v.mean / target
    }
    return verdicts.enumerated().sorted { a, b in
      miss(a.element) != miss(b.element) ? miss(a.element) > miss(b.element) : a.offset < b.offset
    }.map(\.element)
  }

  package func table() -> String {
    var out =
      "Capacity plan: \(plan.scenarioName), \(plan.replications) replications a candidate (up to \(plan.maxReplications)), seed \(plan.seed)\n\n"
    var table = TextTable(columns: [
      "territory", "period", "peak demand", "bound", "instances", "app CPU", "instances / 30 days", "binding objective",
      "tier",
    ])
    for p in data.periods {
      table.add([
        p.territory, p.period, Format.number(p.peakRate) + "/s", ">= \(p.stableInstances)",
        p.instances.map(String.init) ?? "none <= \(p.cap)", p.appUtilization.map { Format.percent($0) } ?? "-",
        p.instanceCost.map { "\(Format.count($0)) \(p.currency)" } ?? "-", p.binding.map(Self.describe) ?? "-",
        p.bindingTier ?? "-",
      ])
    }
    out += table.render() + "\n"
    // As `capsim run` marks them: met over the period, over the target in its worst window.
    for p in data.periods {
      guard let v = p.binding, let worst = v.worstValue, let target = v.target,
        v.higherIsBetter ? worst < target : worst > target
      else { continue }
      out +=
        "(!) \(p.territory) \(p.period): \(v.objective)\(v.requestClass == "all" ? "" : " (\(v.requestClass))") is met over the period, but its worst window"
        + (v.worstWindowLocal.map { " (\(Self.readable($0)))" } ?? "")
        + " is at \(Self.value(v, worst)): the period's verdict judges its requests together; --emit capacity sizes every hour by its own windows\n"
    }
    // Enough for the load is not enough for availability: one pod's crash or rollout is then
    // an outage (capsim autoscale keeps at least 2 for this reason).
    let single = data.periods.filter { $0.instances == 1 && $0.peakRate > 0 }
    if !single.isEmpty {
      out +=
        "note: \(single.map { "\($0.territory) \($0.period)" }.joined(separator: ", ")): 1 instance meets the objectives with no spare: a crash or a rolling deployment there is an outage; plan with 2 for redundancy, as capsim autoscale's minReplicas does\n"
    }
    for p in data.periods where !(p.peakRate > 0) {
      out +=
        "note: \(p.territory) \(p.period) has no demand at its peak (0/s): \(p.instances ?? 1) instance is the least a pool has, not a need measured\n"
    }

    if plan.status == .complete, let note = plan.message { out += "note: \(note)\n" }
    out += "\nWhy not one fewer\n"
    for p in data.periods {
      let head = "  \(p.territory) \(p.period)"
      func worst(_ v: VerdictRecord, _ words: String) -> String {
        v.worstWindowLocal.map { ", \(words)\(Self.readable($0))" } ?? ""
      }
      guard let n = p.instances else {
        out += "\(head): no count up to \(p.cap) (\(p.capReason)) meets every objective"
        if let at = p.fewerInstances, let v = Self.worstFirst(p.fewer).first {
          out += "; at \(at): \(Self.describe(v))" + worst(v, "worst ")
        }
        if let reason = p.fewerReason { out += "; \(reason)" }
        out += "\n"
        continue
      }
      if p.fewerInstances != nil {
        let missed = Self.worstFirst(p.fewer)
        let reasons = missed.prefix(3).map { Self.describe($0) + worst($0, "worst window ") }
        let more = missed.count > 3 ? "; and \(missed.count - 3) more (the JSON and the report list them)" : ""
        out +=
          "\(head) at \(n - 1): "
          + (reasons.isEmpty ? "no verdict missed (noise)" : reasons.joined(separator: "; ") + more) + "\n"
      } else if let reason = p.fewerReason {
        out += (n == 1 ? "\(head): " : "\(head) at \(n - 1): ") + reason + "\n"
      }
    }

    // Sections of the answer: a period with no count (none met the objectives) has neither.
    var onemore = ""
    for p in data.periods {
      guard let n = p.instances, let now = p.p95, let then = p.moreP95, let cost = p.moreCost else { continue }
      onemore +=
        "\(head(p)) at \(n + 1): p95 of all classes \(Format.duration(now)) -> \(Format.duration(then)), +\(Format.count(cost)) \(p.currency) / 30 days\n"
    }
    if !onemore.isEmpty { out += "\nWhat one more buys\n" + onemore }

    var costs = TextTable(columns: ["territory", "period", "instances", "database nodes", "total", "currency"])
    var costRows = 0
    for p in data.periods {
      guard let apps = p.instanceCost else { continue }
      costRows += 1
      costs.add([
        p.territory, p.period, Format.count(apps), Format.count(p.databaseCost), Format.count(apps + p.databaseCost),
        p.currency,
      ])
    }
    if costRows > 0 {
      out += "\nCost per 30 days at the plan (instances at each period's count, database nodes apart)\n"
      out += costs.render() + "\n"
    } else {
      out += "\nNo cost at the plan: no period has an instance count that meets its objectives.\n"
    }

    let requests = data.candidates.reduce(0) { $0 + $1.requests }
    let replications = data.candidates.reduce(0) { $0 + $1.replications }
    let spared = plan.sparedByTheory ?? 0
    out +=
      "\n\(data.candidates.count) candidate\(data.candidates.count == 1 ? "" : "s") simulated (\(replications) replications, \(Format.count(Double(requests))) requests) in \(Format.duration(plan.wallSeconds ?? .nan)); "
    out +=
      "theory ruled out \(spared) instance count\(spared == 1 ? "" : "s") below the stable bound without simulating them.\n"
    return out
  }

  func head(_ p: PlanPeriodRecord) -> String { "  \(p.territory) \(p.period)" }

  package func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(document()), as: UTF8.self)
  }

  struct Document: Encodable {
    @Nullable var plan_id: Int64?
    var scenario: String
    var seed: UInt64
    var replications: Int
    var max_replications: Int
    var periods: [Period]
    var candidates: [CandidateJSON]
    var spared_by_theory: Int
    var wall_seconds: Double
    /// What the answers cannot do (overrun a shared database node together); null when nothing.
    @Nullable var note: String?
  }

  struct Period: Encodable {
    var territory: String
    var period: String
    var peak_rate_per_s: Double
    var peak_local: String
    var stable_instances: Int
    var theory_start: Int
    @Nullable var instances: Int?
    var cap: Int
    var cap_reason: String
    var currency: String
    @Nullable var instance_cost_per_30_days: Double?
    var database_cost_per_30_days: Double
    @Nullable var app_utilization: Double?
    @Nullable var binding: VerdictJSON?
    @Nullable var binding_tier: String?
    @Nullable var fewer_instances: Int?
    var fewer: [VerdictJSON]
    @Nullable var fewer_reason: String?
    @Nullable var p95_s: Double?
    @Nullable var more_p95_s: Double?
    @Nullable var more_cost_per_30_days: Double?
    var tried: [Tried]
  }

  struct Tried: Encodable {
    var instances: Int
    var status: String
    var instance_cost_per_30_days: Double
  }

  struct CandidateJSON: Encodable {
    var instances: [String: Int]
    var simulated: [String]
    var replications: Int
    var requests: Int
    var wall_seconds: Double
    var status: [String: String]
  }

  func document() -> Document {
    let periods = data.periods.map { p in
      Period(
        territory: p.territory, period: p.period, peak_rate_per_s: p.peakRate, peak_local: Self.readable(p.peakLocal),
        stable_instances: p.stableInstances, theory_start: p.theoryStart, instances: p.instances, cap: p.cap,
        cap_reason: p.capReason, currency: p.currency, instance_cost_per_30_days: p.instanceCost,
        database_cost_per_30_days: p.databaseCost, app_utilization: p.appUtilization,
        binding: p.binding.map(VerdictJSON.init),
        binding_tier: p.bindingTier, fewer_instances: p.fewerInstances, fewer: p.fewer.map(VerdictJSON.init),
        fewer_reason: p.fewerReason, p95_s: p.p95, more_p95_s: p.moreP95, more_cost_per_30_days: p.moreCost,
        tried: p.tried.map {
          Tried(instances: $0.instances, status: $0.status, instance_cost_per_30_days: $0.instanceCost)
        })
    }
    let candidates = data.candidates.map { c in
      CandidateJSON(
        instances: c.instances, simulated: c.simulated, replications: c.replications, requests: c.requests,
        wall_seconds: c.wallSeconds,
        status: Dictionary(
          c.statuses.map { ("\($0.territory)/\($0.period)", $0.status) }, uniquingKeysWith: { a, _ in a }))
    }
    return Document(
      plan_id: plan.id, scenario: plan.scenarioName, seed: plan.seed, replications: plan.replications,
      max_replications: plan.maxReplications, periods: periods, candidates: candidates,
      spared_by_theory: plan.sparedByTheory ?? 0, wall_seconds: plan.wallSeconds ?? 0,
      note: plan.status == .complete ? plan.message : nil)
  }
}

extension CapacityPlan {
  /// The schedule as `capacity:` entries a scenario takes, local date-times in the calendar's
  /// time zone (durations from the start without a calendar).
  package func capacityYAML(_ schedule: CapacitySchedule, scenarioPath: String) -> String {
    let territoryName = { (t: Int) in self.scenario.platform.territories[t].name }
    var out = "# Capacity schedule from capsim plan \(scenarioPath) (\(scenario.name), seed \(scenario.seed), "
    out += "\(settings.replications) replications a candidate).\n"
    out += "# Each hour gets the instances its period's same hour of the week needed at most; a rise is\n"
    out += "# scheduled the pool's start-up earlier, so the instances are ready on the hour.\n"
    out += "capacity:\n"
    for change in schedule.changes {
      let t = change.territory
      // In the zone the scenario reads `capacity: at:` in: the file's calendar's, which a
      // territory of another zone does not share.
      let calendar = scenario.fileCalendar ?? scenario.demand[t].calendar
      let at = calendar.map { $0.isoLabel(at: change.at) } ?? "\(Int(rounding: change.at) ?? 0)s"
      out += "  - {territory: \(territoryName(t)), at: \(at), instances: \(change.instances)}\n"
    }
    return out
  }
}
