import Foundation
import Gate
import PlatformModel
import SimStatistics

/// What `capsim check` found, for people (table, Markdown), CI servers (JUnit XML) and
/// programs (JSON).
package struct CheckReport {
  /// What a scenario's run was: enough to tell whether a baseline ran the same.
  package struct Provenance {
    var path: String
    var name: String
    package var scenarioHash: String
    var topologyHash: String
    var settings: [String]
    var seed: UInt64

    package init(
      path: String, name: String, scenarioHash: String, topologyHash: String, settings: [String], seed: UInt64
    ) {
      self.path = path
      self.name = name
      self.scenarioHash = scenarioHash
      self.topologyHash = topologyHash
      self.settings = settings
      self.seed = seed
    }
  }

  /// One scenario's check.
  package struct Part {
    var provenance: Provenance
    var check: CheckResult
    var baseline: Baseline?
    var warnings: [String]

    package init(provenance: Provenance, check: CheckResult, baseline: Baseline?, warnings: [String]) {
      self.provenance = provenance
      self.check = check
      self.baseline = baseline
      self.warnings = warnings
    }

    var scenario: PlatformScenario { check.result.scenario }
    var replications: Int { check.result.replications.count }
  }

  var parts: [Part]
  var targetsFile: String?
  var baselineSource: String?
  /// Whether the check writes a baseline: then judging nothing is measuring, not failing.
  package var writesBaseline = false
  var alpha: Double
  var beta: Double

  package init(parts: [Part], targetsFile: String? = nil, baselineSource: String? = nil, alpha: Double, beta: Double) {
    self.parts = parts
    self.targetsFile = targetsFile
    self.baselineSource = baselineSource
    self.alpha = alpha
    self.beta = beta
  }

  /// Fail if a scenario failed, else undecided if one is, else info if one was not judged at
  /// all, else pass.
  package var outcome: Decision {
    let outcomes = parts.map(\.check.outcome)
    return outcomes.contains(.fail)
      ? .fail : outcomes.contains(.undecided) ? .undecided : outcomes.contains(.info) ? .info : .pass
  }

  /// The scenarios of which no row was judged: nothing passed there. A failure of the check
  /// (see `exitStatus`) unless it writes a baseline or has nothing to judge against.
  package var unjudged: [String] {
    guard (targetsFile != nil || baselineSource != nil) && !writesBaseline else { return [] }
    return parts.filter { $0.check.outcome == .info }.map(\.provenance.name)
  }

  /// capsim check's exit status: 1 for a fail, and for nothing judged against targets or a
  /// baseline (it did not pass); 2 undecided; 0 otherwise (a baseline measured alone).
  var exitStatus: Int32 {
    switch outcome {
    case .fail: 1
    case .undecided: 2
    case .info: unjudged.isEmpty ? 0 : 1
    default: 0
    }
  }

  var rows: [Row] { parts.flatMap(\.check.rows) }

  /// Rows per decision, every decision present.
  static func counts(_ rows: [Row]) -> [Decision: Int] {
    var out = Dictionary(uniqueKeysWithValues: Decision.allCases.map { ($0, 0) })
    for r in rows { out[r.decision, default: 0] += 1 }
    return out
  }

  /// "12 passed, 1 failed, 2 undecided, 3 waived, 0 info": every decision, in one order.
  static func summary(_ rows: [Row]) -> String {
    let c = counts(rows)
    return
      "\(c[.fail]!) failed, \(c[.undecided]!) undecided, \(c[.pass]!) passed, \(c[.waived]!) waived, \(c[.info]!) info (not judged)"
  }

  // MARK: Words

  package static func describe(_ look: Look) -> String {
    let c = look.counts
    return
      "\(look.replications) replications: \(c[.fail] ?? 0) failed, \(c[.undecided] ?? 0) undecided, \(c[.pass] ?? 0) passed"
      + " (\(Format.duration(look.wallSeconds)))"
  }

  /// How the baseline's run differs from the candidate's, beyond the code under test.
  package static func differences(_ b: Baseline, _ p: Provenance) -> [String] {
    var out: [String] = []
    if let h = b.scenarioHash, h != p.scenarioHash {
      out.append(
        "the scenario's text changed since the baseline (sha256 \(h.prefix(12)) -> \(p.scenarioHash.prefix(12)))")
    }
    if let h = b.topologyHash, h != p.topologyHash {
      out.append(
        "the topology's text changed since the baseline (sha256 \(h.prefix(12)) -> \(p.topologyHash.prefix(12)))")
    }
    if b.settings != p.settings {
      func described(_ settings: [String]) -> String {
        settings.isEmpty ? "without --set" : "with --set " + settings.joined(separator: " --set ")
      }
      out.append("the baseline ran \(described(b.settings)), this check \(described(p.settings))")
    }
    if let v = b.capsimVersion, v != capsimVersion {
      out.append("the baseline was made by capsim \(v), this is \(capsimVersion)")
    }
    return out
  }

  /// Baseline rows the candidate no longer measures.
  package static func missing(_ b: Baseline, _ c: CheckResult) -> [String] {
    let measured = Set(c.result.verdicts().map(RowKey.init))
    return b.rows.keys.filter { !measured.contains($0) }.sorted { label($0) < label($1) }.map {
      "\(label($0)): in the baseline, not measured in this run"
    }
  }

  static func label(_ k: RowKey) -> String {
    "\(k.territory) \(k.period) \(k.requestClass ?? "all classes") \(k.objective.rawValue)"
  }

  static func value(_ objective: Objective, _ x: Double) -> String {
    switch objective {
    case .p95, .p99, .databaseP95: Format.duration(x)
    case .errorRate: Format.percent(x)
    case .availability: String(format: "%.3f%%", x * 100)
    }
  }

  /// "212ms +- 4.1ms".
  static func estimate(_ objective: Objective, _ e: Estimate) -> String {
    Format.estimate(e) { value(objective, $0) }
  }

  /// The target as given, not rounded as a measured value is: a target of 158.75 ms shown as
  /// 159ms made a measured 158.9ms look on the right side of it.
  static func target(_ v: Verdict) -> String {
    guard let t = v.target else { return "-" }
    let given =
      switch v.objective {
      case .p95, .p99, .databaseP95: Format.duration(t, significant: 6)
      case .errorRate: percent(t, decimals: 2)
      case .availability: percent(t, decimals: 3)
      }
    // A verdict passes at its target, which only a target of 0 shows: "< 0.00%" cannot be met.
    return (v.objective.higherIsBetter ? ">= " : t == 0 ? "<= " : "< ") + given
  }

  /// A share in percent with `decimals` decimals, or as many as it takes (up to six
  /// significant digits) when that would round it.
  static func percent(_ x: Double, decimals: Int) -> String {
    let scaled = x * 100 * pow(10, Double(decimals))
    let fixed = abs(scaled - scaled.rounded()) < 1e-6
    return String(format: fixed ? "%.\(decimals)f%%" : "%.6g%%", x * 100)
  }

  /// What a row's decision rests on, in a sentence: the measured value, the target, the
  /// baseline and the tolerance.
  static func message(_ r: Row) -> String {
    let v = r.verdict
    let o = v.objective
    var parts = ["\(o.rawValue) \(estimate(o, v.measured)) over \(v.measured.count) replications"]
    if v.target != nil {
      let bound = Self.target(v)
      switch r.againstTarget {
      case .fail?: parts.append("misses the target \(bound)")
      case .pass?: parts.append("meets the target \(bound)")
      case .undecided?:
        // The interval shown is the run's own; the gate asks for more, since it looks again
        // as replications come in and tests every row (Holm over rows, a union bound over looks).
        let distance = r.targetTest.flatMap { t in
          t.standardError > 0
            ? String(
              format:
                " (%.1f standard errors from it, fewer than the gate's sequential test needs over all its rows and looks; more replications decide it)",
              abs(t.value) / t.standardError) : nil
        }
        parts.append("too close to the target \(bound) to tell\(distance ?? "")")
      default: parts.append("target \(bound)")
      }
    }
    if let b = r.baseline {
      let against = "\(changeCell(r)) against the baseline's \(estimate(o, b)) (\(b.count) replications)"
      let allowed = value(o, r.allowance ?? 0)
      let tolerance =
        r.allowance == r.tolerance.minimumChange
        ? "minimum change that counts (\(allowed))" : "\(percent(r.tolerance.relative)) tolerance (\(allowed))"
      switch r.againstBaseline {
      case .fail?: parts.append("\(against): worse by more than the \(tolerance), a regression")
      case .pass?: parts.append("\(against): within the \(tolerance)")
      case .undecided?: parts.append("\(against): too close to the \(tolerance) to tell")
      default: parts.append(against)
      }
    }
    if let w = r.waiver { parts.append("waived: \(w)") }
    if r.decision == .info { parts.append("no target and no baseline row: not judged") }
    return parts.joined(separator: "; ")
  }

  static func baselineCell(_ r: Row) -> String {
    guard let b = r.baseline else { return "-" }
    return estimate(r.verdict.objective, b)
  }

  /// Latencies change by a share of the baseline (+4.2%), error rates and availability by
  /// percentage points (+0.013 points): a share of a tiny error rate says little.
  static func changeCell(_ r: Row) -> String {
    guard let b = r.baseline, r.verdict.measured.mean.isFinite else { return "-" }
    switch r.verdict.objective {
    case .errorRate, .availability:
      let points = (r.verdict.measured.mean - b.mean) * 100
      return String(format: "%+.3f points", abs(points) < 0.0005 ? 0 : points)
    case .p95, .p99, .databaseP95:
      return r.change.map { String(format: "%+.1f%%", $0 * 100) } ?? "-"
    }
  }

  /// 5%, 12.5%.
  package static func percent(_ x: Double) -> String { String(format: "%g%%", (x * 1e4).rounded() / 100) }

  static func decisionCell(_ d: Decision) -> String { d == .fail ? "FAIL" : d.rawValue }

  /// Failed and undecided rows whose reason the table's text gives.
  static let reasonsShown = 10

  /// A check's or a scenario's outcome in words: as a row's, but "nothing judged" for info.
  static func outcomeCell(_ d: Decision) -> String { d == .info ? "nothing judged" : decisionCell(d) }

  // MARK: Table

  package func table() -> String {
    var out: [String] = []
    for p in parts {
      var table = TextTable(columns: [
        "territory", "period", "class", "objective", "measured", "target", "baseline", "change", "check",
      ])
      for r in p.check.rows {
        let v = r.verdict
        table.add([
          v.territory, v.period, v.requestClass ?? "all", v.objective.rawValue, Self.estimate(v.objective, v.measured),
          Self.target(v), Self.baselineCell(r), Self.changeCell(r), Self.decisionCell(r.decision),
        ])
      }
      var text = "\(p.provenance.name): \(Self.outcomeCell(p.check.outcome)) after \(p.replications) replications"
      text += " (looks at \(p.check.looks.map { String($0.replications) }.joined(separator: ", "))"
      text += p.check.stop == .decided ? ")" : "; \(stopReason(p.check))" + ")"
      text += "\n" + table.render() + "\n" + Self.summary(p.check.rows)
      // Why, where a CI log shows it: against the target or the baseline, and the tolerance.
      let open = p.check.rows.filter { $0.decision == .fail || $0.decision == .undecided }
      for r in open.prefix(Self.reasonsShown) {
        text += "\n\(r.decision == .fail ? "failed" : "undecided"): \(Self.label(r.key)): \(Self.message(r))"
      }
      if open.count > Self.reasonsShown {
        text += "\nand \(open.count - Self.reasonsShown) more (--json, --junit and --markdown give every row's reason)"
      }
      let waived = p.check.rows.filter { $0.waiver != nil }
      for r in waived { text += "\nwaived: \(Self.label(r.key)): \(r.waiver!)" }
      for w in p.warnings { text += "\nwarning: \(w)" }
      out.append(text)
    }
    out.append(
      "capsim check: \(Self.outcomeCell(outcome)): \(Self.summary(rows)); false alarms at most \(Self.percent(alpha)) over every row and look"
    )
    return out.joined(separator: "\n\n")
  }

  func stopReason(_ c: CheckResult) -> String {
    switch c.stop {
    case .decided: "decided"
    case .replications: "the budget of \(c.settings.maxReplications) replications is spent"
    case .seconds:
      // Each scenario has what the ones before it left of --max-seconds.
      (c.settings.maxSeconds ?? 0) > 0
        ? "the next look would pass the \(Format.duration(c.settings.maxSeconds ?? 0)) left of the --max-seconds budget"
        : "the scenarios before it spent the --max-seconds budget"
    }
  }
}
