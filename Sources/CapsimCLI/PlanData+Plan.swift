import Foundation
import Planning
import PlatformModel
import ResultsStore
import RunRecords
import TextReports

/// What is recorded of a plan: the `CapacityPlan` turned into `RunRecords` values. The table,
/// the JSON and the report are all drawn from these, so they say what the database keeps.
extension PlanData {
  /// The finished plan's periods and candidates, under `record` (completed, with the plan's
  /// wall time and what theory spared).
  static func plan(_ plan: CapacityPlan, record: PlanRecord) -> PlanData {
    let s = plan.scenario
    func local(_ t: Int, _ time: Double) -> String { s.demand[t].calendar?.isoLabel(at: time) ?? "+\(Int(time))s" }
    func verdict(_ v: Verdict, _ t: Int) -> VerdictRecord {
      VerdictRecord(
        territory: v.territory, period: v.period, requestClass: v.requestClass ?? "all",
        objective: v.objective.rawValue,
        target: v.target, higherIsBetter: v.objective.higherIsBetter, mean: v.measured.mean,
        halfWidth: v.measured.halfWidth, outcome: v.outcome.rawValue,
        worstWindowLocal: v.worstWindow.map { local(t, $0) },
        worstValue: v.worstValue, note: v.note)
    }
    let periods = plan.periods.map { p -> PlanPeriodRecord in
      let t = p.territory
      let (name, period) = (plan.territoryName(p), plan.periodName(p))
      var r = PlanPeriodRecord(
        territory: name, period: period, peakRate: p.load.peakRate, peakLocal: local(t, p.load.peakTime),
        stableInstances: p.bound.stable, theoryStart: p.bound.start, instances: p.instances, cap: p.cap,
        capReason: p.capReason, currency: s.platform.territories[t].currency,
        instanceCost: p.instances.map { plan.instanceCost(territory: t, instances: $0) },
        databaseCost: plan.databaseCost(territory: t).cost)
      r.appUtilization = p.chosen?.busiest[t][p.period]?.appUtilization
      r.binding = plan.binding(p).map { verdict($0, t) }
      r.bindingTier = plan.tier(p)
      if let fewer = p.fewer {
        r.fewerInstances = p.instances.map { $0 - 1 } ?? p.cap
        r.fewer = fewer.unmet(territory: name, period: period).map { verdict($0, t) }
      }
      if let n = p.instances {
        if p.fewer == nil {
          r.fewerReason =
            n == 1
            ? "one instance is the least there is"
            : "app CPU would be \(Format.percent(plan.peakCPU(p, instances: n - 1))) busy at the peak "
              + "(\(PlanReport.readable(r.peakLocal))): theory rules it out"
        }
        r.p95 = plan.p95(p, of: p.chosen)?.measured.mean
        r.moreP95 = plan.p95(p, of: p.more)?.measured.mean
        if n < p.cap {
          r.moreCost = plan.instanceCost(territory: t, instances: n + 1) - plan.instanceCost(territory: t, instances: n)
        }
      } else if p.bound.stable > p.cap || !p.bound.saturatedNodes.isEmpty || !p.bound.saturatedLocks.isEmpty {
        let unstable =
          p.bound.stable > p.cap && p.cap >= 1 && p.fewer == nil
          ? [
            "at \(p.cap): app CPU would be \(Format.percent(plan.peakCPU(p, instances: p.cap))) busy at the peak "
              + "(\(PlanReport.readable(r.peakLocal))): theory rules out every count up to the cap (stable from \(p.bound.stable))"
          ] : []
        r.fewerReason =
          (unstable
          + p.bound.saturatedNodes.map {
            "\(s.platform.databases[$0.node].name) is \(Format.percent($0.utilization)) busy at the peak whatever the instances"
          }
          + p.bound.saturatedLocks.map {
            "lock \($0.name)'s rows are each held at least \(Format.percent($0.utilization)) of the time at the peak whatever the instances"
          }).joined(separator: "; ")
      }
      r.tried = p.tried.map {
        PlanPeriodRecord.Tried(
          instances: $0.instances, status: $0.status.rawValue,
          instanceCost: plan.instanceCost(territory: t, instances: $0.instances))
      }
      return r
    }
    let keys = plan.periods.map { (territory: $0.territory, period: $0.period) }
    let candidates = plan.candidates.enumerated().map { i, c in
      candidate(c, number: i, scenario: s, territories: plan.settings.territories, periods: keys)
    }
    var finished = record
    finished.status = .complete
    finished.endedAt = record.endedAt ?? Date()
    finished.wallSeconds = plan.wallSeconds
    finished.sparedByTheory = plan.sparedByTheory
    return PlanData(plan: finished, periods: periods, candidates: candidates)
  }

  /// The record of one candidate: its counts and, per period of the territories it simulated,
  /// whether it met it. `periods` are the plan's (territory, period) pairs.
  static func candidate(
    _ c: Candidate, number: Int, scenario s: PlatformScenario, territories: [Int],
    periods: [(territory: Int, period: Int)]
  ) -> PlanCandidateRecord {
    let territoryName = { (t: Int) in s.platform.territories[t].name }
    // A territory the candidate did not simulate has no verdicts in it: it is not judged.
    let judged = periods.filter { c.simulated.contains($0.territory) }
    return PlanCandidateRecord(
      candidate: number,
      instances: Dictionary(uniqueKeysWithValues: territories.map { (territoryName($0), c.instances[$0]) }),
      simulated: c.simulated.map(territoryName), replications: c.replications, requests: c.requests,
      wallSeconds: c.wallSeconds,
      statuses: judged.map { p in
        let (name, period) = (territoryName(p.territory), s.periodNames[p.period])
        return .init(territory: name, period: period, status: c.status(territory: name, period: period).rawValue)
      })
  }

  /// The record of a plan about to start, with the hashes of the files it reads.
  static func record(
    _ scenario: PlatformScenario, path: String, settings: PlanSettings, whatIfs: [String], startedAt: Date
  ) -> PlanRecord {
    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    // As a run records it: a what-if with its base, each file under a marker line.
    let files = recordedFiles(scenario, path: path)
    let scenarioText = RunRecord.scenarioText(files.map { .init(path: $0, text: text($0)) })
    return PlanRecord(
      capsimVersion: capsimVersion, scenarioName: scenario.name, scenarioPath: path,
      scenarioHash: ContentHash.sha256(scenarioText), topologyPath: scenario.topologyFile,
      topologyHash: ContentHash.sha256(text(scenario.topologyFile)), settings: whatIfs,
      territories: settings.territories.map { scenario.platform.territories[$0].name }, seed: scenario.seed,
      replications: settings.replications, maxReplications: settings.maxReplications,
      maxInstances: settings.maxInstances, startedAt: startedAt, processID: getpid(),
      hostName: ResultsStore.currentHostName)
  }
}
