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
    // What differs between the two, as the report's "What changed" lists it.
    if a.run.scenarioHash != b.run.scenarioHash {
      out +=
        "\nscenario files differ\(a.run.scenarioPath == b.run.scenarioPath ? " (\(a.run.scenarioPath) changed between the runs)" : ": \(a.run.scenarioPath) -> \(b.run.scenarioPath)")"
    }
    if a.run.topologyHash != b.run.topologyHash { out += "\ntopologies differ" }
    if a.run.settings != b.run.settings { out += "\nsettings: \(a.run.settings) -> \(b.run.settings)" }
    if a.run.seed != b.run.seed { out += "\nseed: \(a.run.seed) -> \(b.run.seed)" }
    if a.run.replications != b.run.replications {
      out += "\nreplications: \(a.run.replications) -> \(b.run.replications)"
    }
    if a.run.capsimVersion != b.run.capsimVersion {
      out += "\ncapsim: \(a.run.capsimVersion) -> \(b.run.capsimVersion)"
    }
    func key(_ v: VerdictRecord) -> String { "\(v.territory)|\(v.period)|\(v.requestClass)|\(v.objective)" }
    func value(_ objective: String, _ x: Double) -> String { RunDescription.value(objective, x) }
    let before = Dictionary(a.verdicts.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
    var table = TextTable(columns: ["territory", "period", "class", "objective", "baseline", "what-if", "change", ""])
    var changed = 0
    var onlyWhatIf = 0
    var onlyBaseline = 0
    for v in b.verdicts {
      let old = before[key(v)]
      let delta = old.map { v.mean - $0.mean }
      let outcomeChanged = old.map { $0.outcome != v.outcome } ?? false
      if outcomeChanged { changed += 1 }
      if old == nil { onlyWhatIf += 1 }
      // As the HTML comparison greys it: a change no larger than the two 95% intervals
      // together is within the runs' noise.
      let noise = old.flatMap { o in o.halfWidth.flatMap { h in v.halfWidth.map { h + $0 } } }
      let within = delta.flatMap { d in noise.map { abs(d) <= $0 } } ?? false
      table.add([
        v.territory, v.period, v.requestClass, v.objective,
        old.map { value($0.objective, $0.mean) + " " + $0.outcome } ?? "-",
        value(v.objective, v.mean) + " " + v.outcome,
        // Equal as printed is the same: a change of 1e-7 read "-0.00% (noise)".
        old.map { o in
          value(o.objective, o.mean) == value(v.objective, v.mean)
            ? "same"
            : (v.mean > o.mean ? "+" : "-") + value(v.objective, abs(v.mean - o.mean)) + (within ? " (noise)" : "")
        } ?? "new",
        outcomeChanged ? "<- changed" : "",
      ])
    }
    // Verdicts only the baseline has (a period or class the what-if never reached).
    let after = Set(b.verdicts.map(key))
    for v in a.verdicts where !after.contains(key(v)) {
      onlyBaseline += 1
      table.add([
        v.territory, v.period, v.requestClass, v.objective, value(v.objective, v.mean) + " " + v.outcome, "-",
        "gone", "",
      ])
    }
    if a.verdicts.isEmpty && b.verdicts.isEmpty && a.costs.isEmpty && b.costs.isEmpty {
      // Network scenarios have neither: their results are the stations'.
      return out
        + "\n\nneither run has SLO verdicts or costs (network runs): compare capsim show \(a.run.id ?? 0) and capsim show \(b.run.id ?? 0)"
    }
    var counted = "\(changed) changed outcome\(changed == 1 ? "" : "s")"
    if onlyWhatIf > 0 { counted += ", \(onlyWhatIf) only in the what-if" }
    if onlyBaseline > 0 { counted += ", \(onlyBaseline) only in the baseline" }
    if a.run.scenarioName != b.run.scenarioName || a.run.horizon != b.run.horizon {
      counted += "; the runs are of different scenarios or spans, so rows only one has are not changes"
    }
    out +=
      "\n\nSLO verdicts (\(counted); change: what-if minus baseline, (noise) where no larger than the two 95% intervals together)\n"
      + table.render()
    out += nodesText()
    var costs = TextTable(columns: ["territory", "currency", "baseline", "what-if", "change"])
    let territories = Array(Set(a.costs.map(\.territory) + b.costs.map(\.territory))).sorted()
    for t in territories {
      let x = a.costs.filter { $0.territory == t }
      let y = b.costs.filter { $0.territory == t }
      let currency = (x.first ?? y.first)?.currency ?? ""
      let sx = x.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      let sy = y.map { $0.instanceCost + $0.databaseCost }.reduce(0, +)
      let (before, after) = (String(format: "%.2f", sx), String(format: "%.2f", sy))
      costs.add([t, currency, before, after, before == after ? "same" : String(format: "%+.2f", sy - sx)])
    }
    if !territories.isEmpty { out += "\n\ncost over the run\n" + costs.render() }
    return out
  }

  /// A platform run's series tiers that are not a database node: all it reads of the series.
  package static let platformTiers = ["all", "app", "database"]

  /// The database nodes side by side: a replica lost shows here, in the load of the others,
  /// when no verdict changes.
  func nodesText() -> String {
    func nodes(_ data: RunData) -> [String: [SeriesPoint]] {
      Dictionary(
        grouping: data.series.filter { !Self.platformTiers.contains($0.tier) && $0.requestClass == "all" }, by: \.tier)
    }
    let (x, y) = (nodes(baseline), nodes(whatIf))
    let names = Array(Set(x.keys).union(y.keys)).sorted()
    guard !names.isEmpty else { return "" }
    func busiest(_ points: [SeriesPoint]?) -> String {
      (points ?? []).compactMap(\.utilization).max().map { String(format: "%.1f%%", $0 * 100) } ?? "-"
    }
    func mean(_ points: [SeriesPoint]?) -> String {
      let values = (points ?? []).compactMap(\.utilization)
      return values.isEmpty ? "-" : String(format: "%.1f%%", values.reduce(0, +) / Double(values.count) * 100)
    }
    func lag(_ points: [SeriesPoint]?) -> String {
      (points ?? []).compactMap(\.replicaLag).max().map { Format.duration($0) } ?? "-"
    }
    var table = TextTable(columns: [
      "node", "busiest window", "what-if", "mean", "what-if", "largest lag", "what-if",
    ])
    for name in names {
      table.add([name, busiest(x[name]), busiest(y[name]), mean(x[name]), mean(y[name]), lag(x[name]), lag(y[name])])
    }
    return
      "\n\ndatabase nodes (share of the cores busy: the busiest series window and the mean over windows; baseline, then what-if)\n"
      + table.render()
  }
}
