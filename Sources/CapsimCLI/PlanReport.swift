import Foundation
import Planning
import PlatformModel
import RunRecords
import SimKernel

/// A capacity plan as text (for people) and JSON (for programs).
struct PlanReport {
  var plan: CapacityPlan

  /// Hours in the 30 days a monthly run rate is quoted for.
  static let monthHours = 720.0

  var scenario: PlatformScenario { plan.scenario }

  func territoryName(_ t: Int) -> String { scenario.platform.territories[t].name }
  func periodName(_ p: Int) -> String { scenario.periodNames[p] }

  /// Instance cost per 30 days at `instances`, in the territory's currency.
  func instanceCost(_ t: Int, _ instances: Int) -> Double {
    Double(instances) * scenario.platform.territories[t].app.pricePerHour * Self.monthHours
  }

  /// Database nodes of a territory's cluster, per 30 days (they do not change with the plan).
  func databaseCost(_ t: Int) -> (cost: Double, currency: String) {
    let platform = scenario.platform
    let primary = platform.territories[t].primary
    let nodes = [primary] + platform.replicas(of: primary)
    let cost = nodes.reduce(0) { $0 + platform.databases[$1].pricePerHour * Self.monthHours }
    return (cost, platform.databases[primary].currency)
  }

  func windowLabel(_ t: Int, _ start: Double?) -> String {
    guard let start else { return "" }
    return scenario.demand[t].calendar.map { $0.label(at: start) } ?? "+" + Format.duration(start)
  }

  func value(_ v: Verdict) -> String {
    switch v.objective {
    case .errorRate, .availability: return Format.percent(v.measured.mean)
    default: return Format.duration(v.measured.mean)
    }
  }

  func target(_ v: Verdict) -> String {
    guard let target = v.target else { return "-" }
    switch v.objective {
    case .errorRate, .availability: return Format.percent(target)
    default: return Format.duration(target)
    }
  }

  /// "p95 latency (report) 612ms > 450ms": a verdict in a few words.
  func describe(_ v: Verdict) -> String {
    let what = v.objective.rawValue + (v.requestClass.map { " (\($0))" } ?? "")
    let relation = v.objective.higherIsBetter ? (v.outcome == .pass ? ">=" : "<") : (v.outcome == .pass ? "<=" : ">")
    let interval = v.measured.halfWidth.map { h in " +- " + (v.objective == .errorRate || v.objective == .availability ? Format.percent(h) : Format.duration(h)) } ?? ""
    return "\(what) \(value(v))\(interval) \(relation) \(target(v))"
  }

  /// The tier that binds at the busiest window of the period: the app or a database node.
  func tier(_ p: PeriodPlan, _ c: Candidate?) -> String {
    guard let busiest = c?.busiest[p.territory][p.period] else { return "-" }
    if let v = c?.tightest(territory: territoryName(p.territory), period: periodName(p.period)), v.objective == .databaseP95 {
      return scenario.platform.databases[busiest.node].name
    }
    return busiest.nodeUtilization > busiest.appUtilization
      ? scenario.platform.databases[busiest.node].name : "app"
  }

  func table() -> String {
    var out = "Capacity plan: \(scenario.name), \(plan.settings.replications) replications a candidate (up to \(plan.settings.maxReplications)), seed \(scenario.seed)\n\n"
    var table = TextTable(columns: [
      "territory", "period", "peak demand", "bound", "instances", "app CPU", "instances / 30 days", "binding objective", "tier",
    ])
    for p in plan.periods {
      let t = p.territory
      let currency = scenario.platform.territories[t].currency
      let theory = ">= \(p.bound.stable)"
      let busiest = p.chosen?.busiest[t][p.period]
      let binding = p.chosen?.tightest(territory: territoryName(t), period: periodName(p.period)).map(describe) ?? "-"
      table.add([
        territoryName(t), periodName(p.period), Format.number(p.load.peakRate) + "/s", theory,
        p.instances.map(String.init) ?? "none <= \(p.cap)", busiest.map { Format.percent($0.appUtilization) } ?? "-",
        p.instances.map { "\(Format.count(instanceCost(t, $0))) \(currency)" } ?? "-", binding, tier(p, p.chosen),
      ])
    }
    out += table.render() + "\n"

    out += "\nWhy not one fewer\n"
    for p in plan.periods {
      let t = p.territory
      let head = "  \(territoryName(t)) \(periodName(p.period))"
      guard let n = p.instances else {
        out += "\(head): no count up to \(p.cap) (\(p.capReason)) meets every objective"
        if let c = p.fewer, let v = c.unmet(territory: territoryName(t), period: periodName(p.period)).first {
          out += "; at \(p.cap): \(describe(v))" + (v.worstWindow.map { ", worst \(windowLabel(t, $0))" } ?? "")
        }
        for s in p.bound.saturatedNodes {
          out += "; \(scenario.platform.databases[s.node].name) is \(Format.percent(s.utilization)) busy at the peak whatever the instances"
        }
        out += "\n"
        continue
      }
      if let c = p.fewer {
        let unmet = c.unmet(territory: territoryName(t), period: periodName(p.period))
        let reasons = unmet.prefix(3).map { v in describe(v) + (v.worstWindow.map { ", worst window \(windowLabel(t, $0))" } ?? "") }
        out += "\(head) at \(n - 1): " + (reasons.isEmpty ? "no verdict missed (noise)" : reasons.joined(separator: "; ")) + "\n"
      } else if n == 1 {
        out += "\(head): one instance is the least there is\n"
      } else {
        let cpu = p.load.peakRate * p.load.cpuPerRequest / Double((n - 1) * scenario.platform.territories[t].app.cores)
        out += "\(head) at \(n - 1): app CPU would be \(Format.percent(cpu)) busy at the peak (\(windowLabel(t, p.load.peakTime))): theory rules it out\n"
      }
    }

    out += "\nWhat one more buys\n"
    for p in plan.periods {
      let t = p.territory
      guard let n = p.instances, let chosen = p.chosen, let more = p.more,
        let now = chosen.verdicts.first(where: { $0.territory == territoryName(t) && $0.period == periodName(p.period) && $0.objective == .p95 && $0.requestClass == nil }),
        let then = more.verdicts.first(where: { $0.territory == territoryName(t) && $0.period == periodName(p.period) && $0.objective == .p95 && $0.requestClass == nil })
      else { continue }
      let currency = scenario.platform.territories[t].currency
      out += "  \(territoryName(t)) \(periodName(p.period)) at \(n + 1): p95 \(Format.duration(now.measured.mean)) -> \(Format.duration(then.measured.mean)), +\(Format.count(instanceCost(t, n + 1) - instanceCost(t, n))) \(currency) / 30 days\n"
    }

    out += "\nCost per 30 days at the plan (instances at each period's count, database nodes apart)\n"
    var costs = TextTable(columns: ["territory", "period", "instances", "database nodes", "total", "currency"])
    for p in plan.periods {
      guard let n = p.instances else { continue }
      let t = p.territory
      let db = databaseCost(t)
      let apps = instanceCost(t, n)
      costs.add([
        territoryName(t), periodName(p.period), Format.count(apps), Format.count(db.cost), Format.count(apps + db.cost),
        scenario.platform.territories[t].currency,
      ])
    }
    out += costs.render() + "\n"

    let requests = plan.candidates.reduce(0) { $0 + $1.requests }
    let replications = plan.candidates.reduce(0) { $0 + $1.replications }
    out += "\n\(plan.candidates.count) candidates simulated (\(replications) replications, \(Format.count(Double(requests))) requests) in \(Format.duration(plan.wallSeconds)); "
    out += "theory ruled out \(plan.sparedByTheory) instance count\(plan.sparedByTheory == 1 ? "" : "s") below the stable bound without simulating them.\n"
    return out
  }

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(document()), as: UTF8.self)
  }

  struct Document: Encodable {
    var scenario: String
    var seed: UInt64
    var replications: Int
    var max_replications: Int
    var periods: [Period]
    var candidates: [CandidateJSON]
    var spared_by_theory: Int
    var wall_seconds: Double
  }

  struct Period: Encodable {
    var territory: String
    var period: String
    var peak_rate_per_s: Double
    var peak_local: String
    var stable_instances: Int
    var theory_start: Int
    var instances: Int?
    var cap: Int
    var cap_reason: String
    var currency: String
    var instance_cost_per_30_days: Double?
    var database_cost_per_30_days: Double
    var binding: VerdictJSON?
    var binding_tier: String?
    var fewer: [VerdictJSON]
    var more_p95_s: Double?
    var tried: [Tried]
  }

  struct Tried: Encodable {
    var instances: Int
    var status: String
  }

  struct CandidateJSON: Encodable {
    var instances: [String: Int]
    var replications: Int
    var requests: Int
    var wall_seconds: Double
    var status: [String: String]
  }

  /// The verdict in capsim's one JSON layout.
  func verdictJSON(_ v: Verdict, _ t: Int) -> VerdictJSON {
    VerdictJSON(RunData.records([v], scenario: scenario)[0])
  }

  func document() -> Document {
    let periods = plan.periods.map { p -> Period in
      let t = p.territory
      let name = territoryName(t)
      let period = periodName(p.period)
      return Period(
        territory: name, period: period, peak_rate_per_s: p.load.peakRate, peak_local: windowLabel(t, p.load.peakTime),
        stable_instances: p.bound.stable, theory_start: p.bound.start, instances: p.instances, cap: p.cap,
        cap_reason: p.capReason, currency: scenario.platform.territories[t].currency,
        instance_cost_per_30_days: p.instances.map { instanceCost(t, $0) }, database_cost_per_30_days: databaseCost(t).cost,
        binding: p.chosen?.tightest(territory: name, period: period).map { verdictJSON($0, t) },
        binding_tier: p.chosen == nil ? nil : tier(p, p.chosen),
        fewer: p.fewer?.unmet(territory: name, period: period).map { verdictJSON($0, t) } ?? [],
        more_p95_s: p.more?.verdicts.first { $0.territory == name && $0.period == period && $0.objective == .p95 && $0.requestClass == nil }?.measured.mean,
        tried: p.tried.map { Tried(instances: $0.instances, status: $0.status.rawValue) })
    }
    let candidates = plan.candidates.map { c in
      var status: [String: String] = [:]
      for p in plan.periods { status["\(territoryName(p.territory))/\(periodName(p.period))"] = c.status(territory: territoryName(p.territory), period: periodName(p.period)).rawValue }
      return CandidateJSON(
        instances: Dictionary(uniqueKeysWithValues: plan.settings.territories.map { (territoryName($0), c.instances[$0]) }),
        replications: c.replications, requests: c.requests, wall_seconds: c.wallSeconds, status: status)
    }
    return Document(
      scenario: scenario.name, seed: scenario.seed, replications: plan.settings.replications,
      max_replications: plan.settings.maxReplications, periods: periods, candidates: candidates,
      spared_by_theory: plan.sparedByTheory, wall_seconds: plan.wallSeconds)
  }

  /// The schedule as `capacity:` entries a scenario takes, local date-times in the calendar's
  /// time zone (durations from the start without a calendar).
  func capacityYAML(_ schedule: CapacitySchedule, scenarioPath: String) -> String {
    var out = "# Capacity schedule from capsim plan \(scenarioPath) (\(scenario.name), seed \(scenario.seed), "
    out += "\(plan.settings.replications) replications a candidate).\n"
    out += "# Each hour gets the instances its period's same hour of the week needed at most; a rise is\n"
    out += "# scheduled the pool's start-up earlier, so the instances are ready on the hour.\n"
    out += "capacity:\n"
    for change in schedule.changes {
      let t = change.territory
      let at = scenario.demand[t].calendar.map { $0.isoLabel(at: change.at) } ?? "\(Int(rounding: change.at) ?? 0)s"
      out += "  - {territory: \(territoryName(t)), at: \(at), instances: \(change.instances)}\n"
    }
    return out
  }
}
