import Foundation
import RunRecords

/// `capsim diff A B`: a what-if's run against a baseline's, verdict by verdict, then cost.
package struct RunComparison {
  var baseline: RunData
  var whatIf: RunData

  package init(baseline: RunData, whatIf: RunData) {
    self.baseline = baseline
    self.whatIf = whatIf
  }

  package func text() -> String {
    let (a, b) = (baseline, whatIf)
    var out =
      "baseline run \(a.run.id ?? 0) (\(a.run.scenarioName)) against what-if run \(b.run.id ?? 0) (\(b.run.scenarioName))"
    if a.run.topologyHash != b.run.topologyHash { out += "\ntopologies differ" }
    if a.run.settings != b.run.settings { out += "\nsettings: \(a.run.settings) -> \(b.run.settings)" }
    func key(_ v: VerdictRecord) -> String { "\(v.territory)|\(v.period)|\(v.requestClass)|\(v.objective)" }
    func value(_ objective: String, _ x: Double) -> String { RunDescription.value(objective, x) }
    let before = Dictionary(a.verdicts.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
    var table = TextTable(columns: ["territory", "period", "class", "objective", "baseline", "what-if", "change", ""])
    var changed = 0
    for v in b.verdicts {
      let old = before[key(v)]
      let delta = old.map { v.mean - $0.mean }
      let outcomeChanged = old.map { $0.outcome != v.outcome } ?? true
      if outcomeChanged { changed += 1 }
      table.add([
        v.territory, v.period, v.requestClass, v.objective,
        old.map { value($0.objective, $0.mean) + " " + $0.outcome } ?? "-",
        value(v.objective, v.mean) + " " + v.outcome,
        delta.map { ($0 >= 0 ? "+" : "-") + value(v.objective, abs($0)) } ?? "new",
        outcomeChanged ? "<- changed" : "",
      ])
    }
    // Verdicts only the baseline has (a period or class the what-if never reached).
    let after = Set(b.verdicts.map(key))
    for v in a.verdicts where !after.contains(key(v)) {
      changed += 1
      table.add([
        v.territory, v.period, v.requestClass, v.objective, value(v.objective, v.mean) + " " + v.outcome, "-",
        "gone", "<- changed",
      ])
    }
    if a.verdicts.isEmpty && b.verdicts.isEmpty && a.costs.isEmpty && b.costs.isEmpty {
      // Network scenarios have neither: their results are the stations'.
      return out
        + "\n\nneither run has SLO verdicts or costs (network runs): compare capsim show \(a.run.id ?? 0) and capsim show \(b.run.id ?? 0)"
    }
    out += "\n\nSLO verdicts (\(changed) changed outcome\(changed == 1 ? "" : "s"))\n" + table.render()
    var costs = TextTable(columns: ["territory", "currency", "baseline", "what-if", "change"])
    let territories = Array(Set(a.costs.map(\.territory) + b.costs.map(\.territory))).sorted()
    for t in territories {
      let x = a.costs.filter { $0.territory == t }
      let y = b.costs.filter { $0.territory == t }
      let currency = (x.first ?? y.first)?.currency ?? ""
      let sx = x.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      let sy = y.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      costs.add([t, currency, String(format: "%.2f", sx), String(format: "%.2f", sy), String(format: "%+.2f", sy - sx)])
    }
    if !territories.isEmpty { out += "\n\ncost over the run\n" + costs.render() }
    return out
  }
}
