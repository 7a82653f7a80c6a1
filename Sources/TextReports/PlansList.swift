import Foundation
import RunRecords

/// `capsim plans`: the recorded capacity plans, newest first, as a table.
package struct PlansList {
  var plans: [PlanSummary]

  package init(plans: [PlanSummary]) { self.plans = plans }

  package func table() -> String {
    var table = TextTable(columns: [
      "plan", "started", "status", "scenario", "territories", "answered", "candidates", "requests", "wall",
    ])
    for summary in plans {
      let p = summary.plan
      table.add([
        String(p.id!), Format.timestamp(p.startedAt), p.status.rawValue, p.scenarioName,
        p.territories.joined(separator: ", "),
        p.status == .complete ? "\(summary.answered) of \(summary.periods)" : "-",
        String(summary.candidates), Format.count(Double(summary.requests)),
        p.wallSeconds.map { Format.duration($0) } ?? "-",
      ])
    }
    return table.render()
  }
}

/// `capsim plans PLAN`: what was planned, then the plan as `capsim plan` printed it.
package struct PlanDescription {
  var data: PlanData

  package init(data: PlanData) { self.data = data }

  /// Ends with a newline, as `PlanReport.table()` does.
  package func text() -> String {
    let p = data.plan
    var out =
      "plan \(p.id ?? 0): \(p.scenarioName), territories \(p.territories.joined(separator: ", ")), \(p.status.rawValue)\n"
    out +=
      "scenario \(p.scenarioPath) sha256 \(p.scenarioHash.prefix(12)), topology \(p.topologyPath) sha256 \(p.topologyHash.prefix(12))\n"
    out += "capsim \(p.capsimVersion), max instances \(p.maxInstances), started \(Format.timestamp(p.startedAt))"
    out += (p.endedAt.map { ", ended \(Format.timestamp($0))" } ?? "") + "\n"
    if !p.settings.isEmpty { out += "--set " + p.settings.joined(separator: " --set ") + "\n" }
    if let m = p.message { out += "note: \(m)\n" }
    guard p.status == .complete else { return out + unfinished() }
    return out + "\n" + PlanReport(data: data).table()
  }

  /// A plan that did not finish has no answer, but keeps the candidates it simulated.
  private func unfinished() -> String {
    guard !data.candidates.isEmpty else { return "\nno candidate was recorded before the plan ended\n" }
    var table = TextTable(columns: ["candidate", "instances", "replications", "requests", "wall", "periods"])
    for c in data.candidates.sorted(by: { $0.candidate < $1.candidate }) {
      table.add([
        String(c.candidate + 1),
        c.instances.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
        String(c.replications), Format.count(Double(c.requests)), Format.duration(c.wallSeconds),
        c.statuses.map { "\($0.territory) \($0.period) \($0.status)" }.joined(separator: ", "),
      ])
    }
    return "\nno answer: the plan ended before its search did. The candidates it simulated:\n" + table.render() + "\n"
  }
}
