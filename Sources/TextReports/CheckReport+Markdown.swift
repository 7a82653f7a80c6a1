import Foundation
import Gate

extension CheckReport {
  /// A summary for a pull-request comment: the outcome and counts first, then a table per
  /// scenario of the rows that did not pass (failed, undecided, waived with their reasons,
  /// not judged), and the passed rows folded away. The counts are those of the rows below.
  package func markdown() -> String {
    var md = "### capsim check: \(Self.outcomeCell(outcome))\n\n"
    md += "\(Self.summary(rows)) (\(rows.count) rows"
    md += parts.count == 1 ? ")" : " in \(parts.count) scenarios)"
    md += ". A row fails when it is clearly past its target or clearly worse than the baseline beyond its tolerance;"
    md += " false alarms at most \(Self.percent(alpha)) over every row and look.\n"
    if let t = targetsFile { md += "\nTargets: `\(Self.code(t))`." }
    if let b = baselineSource { md += (targetsFile == nil ? "\n" : " ") + "Baseline: `\(Self.code(b))`." }
    if targetsFile != nil || baselineSource != nil { md += "\n" }
    for p in parts {
      md += "\n#### \(Self.cell(p.provenance.name)): \(Self.outcomeCell(p.check.outcome))\n\n"
      md += "\(Self.summary(p.check.rows)) after \(p.replications) replications"
      md += " (looks at \(p.check.looks.map { String($0.replications) }.joined(separator: ", "))"
      md += p.check.stop == .decided ? ").\n" : "; \(stopReason(p.check))).\n"
      for w in p.warnings { md += "\n- warning: \(Self.cell(w))" }
      if !p.warnings.isEmpty { md += "\n" }
      let order: [Decision] = [.fail, .undecided, .waived, .info]
      let shown = p.check.rows.filter { $0.decision != .pass }.sorted {
        order.firstIndex(of: $0.decision)! < order.firstIndex(of: $1.decision)!
      }
      if !shown.isEmpty { md += "\n" + table(shown, reasons: true) }
      let passed = p.check.rows.filter { $0.decision == .pass }
      if !passed.isEmpty {
        md +=
          "\n<details><summary>\(passed.count) passed</summary>\n\n" + table(passed, reasons: false) + "\n</details>\n"
      }
    }
    return md
  }

  package func table(_ rows: [Row], reasons: Bool) -> String {
    var md = "| check | territory | period | class | objective | measured | target | baseline | change |"
    md += reasons ? " why |\n" : "\n"
    md += "|---|---|---|---|---|---:|---:|---:|---:|" + (reasons ? "---|\n" : "\n")
    for r in rows {
      let v = r.verdict
      var cells = [
        r.decision == .fail ? "**FAIL**" : r.decision.rawValue, v.territory, v.period, v.requestClass ?? "all",
        v.objective.rawValue, Self.estimate(v.objective, v.measured), Self.target(v), Self.baselineCell(r),
        Self.changeCell(r),
      ]
      if reasons { cells.append(r.waiver.map { "waived: \($0)" } ?? Self.message(r)) }
      md += "| " + cells.map(Self.cell).joined(separator: " | ") + " |\n"
    }
    return md
  }

  /// Text safe in a table cell: pipes escaped, line breaks as spaces, no raw HTML.
  static func cell(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "|": out += "\\|"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\n", "\r", "\r\n": out += " "
      default: out.append(c)
      }
    }
    return out
  }

  /// Text inside backticks.
  static func code(_ s: String) -> String { s.replacingOccurrences(of: "`", with: "'") }
}
