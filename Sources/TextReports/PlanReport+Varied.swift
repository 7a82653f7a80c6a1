import Foundation
import Planning
import RunRecords

/// `capsim plan --vary`: the plan at every point side by side, then the cheapest point per
/// territory and period. Each point's own plan (why not fewer, what one more buys, candidates)
/// is recorded and shown by `capsim plans ID`.
package struct VariedPlanReport {
  var points: [[String]]
  var plans: [PlanData]
  var choice: ConfigurationChoice

  package init(points: [[String]], plans: [PlanData], choice: ConfigurationChoice) {
    self.points = points
    self.plans = plans
    self.choice = choice
  }

  package func table() -> String {
    guard let first = plans.first else { return "" }
    var out =
      "Capacity plan over \(points.count) point\(points.count == 1 ? "" : "s"): \(first.plan.scenarioName), \(first.plan.replications) replications a candidate (up to \(first.plan.maxReplications)), seed \(first.plan.seed)\n\n"
    out += "Instances and total cost per 30 days (instances and database nodes) at each point\n"
    var table = TextTable(columns: ["point", "plan"] + choice.picks.map { "\($0.territory) \($0.period)" })
    for (i, point) in points.enumerated() {
      let cells = choice.picks.indices.map { k -> String in
        let pick = choice.picks[k]
        let answer = plans[i].periods.first { $0.territory == pick.territory && $0.period == pick.period }
        guard let n = answer?.instances, let total = choice.totals[i][k] else { return "none" }
        return "\(n): \(Format.count(total)) \(pick.currency)" + (pick.point == i ? " *" : "")
      }
      table.add(["\(i + 1) " + point.joined(separator: " "), plans[i].plan.id.map { String($0) } ?? "-"] + cells)
    }
    out += table.render() + "\n"

    out += "\nCheapest configuration per territory and period (* above)\n"
    var cheapest = TextTable(columns: [
      "territory", "period", "settings", "instances", "instances / 30 days", "database nodes", "total", "currency",
    ])
    for pick in choice.picks {
      guard let p = pick.point, let n = pick.instances, let apps = pick.instanceCost, let db = pick.databaseCost else {
        cheapest.add([pick.territory, pick.period, "no point meets every objective", "-", "-", "-", "-", pick.currency])
        continue
      }
      cheapest.add([
        pick.territory, pick.period, points[p].joined(separator: " "), String(n), Format.count(apps), Format.count(db),
        Format.count(apps + db), pick.currency,
      ])
    }
    out += cheapest.render() + "\n"
    let candidates = plans.reduce(0) { $0 + $1.candidates.count }
    let requests = plans.reduce(0) { $0 + $1.candidates.reduce(0) { $0 + $1.requests } }
    let wall = plans.reduce(0.0) { $0 + ($1.plan.wallSeconds ?? 0) }
    out +=
      "\n\(candidates) candidate\(candidates == 1 ? "" : "s") simulated over \(points.count) points (\(Format.count(Double(requests))) requests) in \(Format.duration(wall)). "
    out +=
      "A point that changes cores without setting the price is priced at the base's price per core. Each point's plan: capsim plans ID.\n"
    return out
  }

  package func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(document()), as: UTF8.self)
  }

  struct Document: Encodable {
    var points: [Point]
    var cheapest: [Cheapest]
  }

  struct Point: Encodable {
    var point: Int
    var settings: [String]
    var plan: PlanReport.Document
  }

  struct Cheapest: Encodable {
    var territory: String
    var period: String
    @Nullable var point: Int?
    var settings: [String]
    @Nullable var instances: Int?
    @Nullable var instance_cost_per_30_days: Double?
    @Nullable var database_cost_per_30_days: Double?
    var currency: String
  }

  func document() -> Document {
    Document(
      points: points.indices.map {
        Point(point: $0 + 1, settings: points[$0], plan: PlanReport(data: plans[$0]).document())
      },
      cheapest: choice.picks.map {
        Cheapest(
          territory: $0.territory, period: $0.period, point: $0.point.map { $0 + 1 },
          settings: $0.point.map { points[$0] } ?? [], instances: $0.instances,
          instance_cost_per_30_days: $0.instanceCost,
          database_cost_per_30_days: $0.databaseCost, currency: $0.currency)
      })
  }
}
