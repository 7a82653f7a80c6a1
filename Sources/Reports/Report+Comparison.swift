import RunRecords

/// A what-if set against its baseline: verdicts matched by territory, period, class and objective.
enum Comparison {
  struct Pair {
    var key: VerdictText.Key
    var baseline: VerdictRecord?
    var whatIf: VerdictRecord?

    var isChanged: Bool { baseline?.outcome.lowercased() != whatIf?.outcome.lowercased() }
    /// The what-if's outcome is worse than the baseline's (a missing verdict counts as neither).
    var isWorse: Bool {
      guard let b = baseline, let w = whatIf else { return false }
      return VerdictText.rank(w.outcome) > VerdictText.rank(b.outcome)
    }
    var isBetter: Bool {
      guard let b = baseline, let w = whatIf else { return false }
      return VerdictText.rank(w.outcome) < VerdictText.rank(b.outcome)
    }
    var unit: VerdictText.Unit { .init(objective: key.objective) }
    var any: VerdictRecord { (baseline ?? whatIf)! }

    /// What-if minus baseline.
    var delta: Double? {
      guard let b = baseline, let w = whatIf else { return nil }
      return w.mean - b.mean
    }

    /// Whether the what-if moved the measure in the bad direction.
    var deltaIsWorse: Bool {
      guard let d = delta else { return false }
      return any.higherIsBetter ? d < 0 : d > 0
    }
  }

  /// Baseline order, then verdicts only the what-if has.
  static func pairs(_ baseline: [VerdictRecord], _ whatIf: [VerdictRecord]) -> [Pair] {
    var byKey: [VerdictText.Key: VerdictRecord] = [:]
    for v in whatIf where byKey[.init(v)] == nil { byKey[.init(v)] = v }
    var seen = Set<VerdictText.Key>()
    var out: [Pair] = []
    for v in baseline where seen.insert(.init(v)).inserted {
      out.append(Pair(key: .init(v), baseline: v, whatIf: byKey[.init(v)]))
    }
    for v in whatIf where seen.insert(.init(v)).inserted {
      out.append(Pair(key: .init(v), baseline: nil, whatIf: v))
    }
    return out
  }

  /// Cost per month and territory in both runs, matched by month, territory and currency.
  struct CostRow {
    var month, territory, currency: String
    var baseline: Double
    var whatIf: Double
  }

  static func costRows(_ baseline: [CostRecord], _ whatIf: [CostRecord]) -> [CostRow] {
    struct Key: Hashable, Comparable {
      var month, territory, currency: String
      static func < (a: Key, b: Key) -> Bool { (a.month, a.territory, a.currency) < (b.month, b.territory, b.currency) }
    }
    var rows: [Key: (Double, Double)] = [:]
    for c in baseline {
      rows[Key(month: c.month, territory: c.territory, currency: c.currency), default: (0, 0)].0 +=
        c.instanceCost + c.databaseCost
    }
    for c in whatIf {
      rows[Key(month: c.month, territory: c.territory, currency: c.currency), default: (0, 0)].1 +=
        c.instanceCost + c.databaseCost
    }
    return rows.keys.sorted().map {
      CostRow(
        month: $0.month, territory: $0.territory, currency: $0.currency, baseline: rows[$0]!.0, whatIf: rows[$0]!.1)
    }
  }

  /// "+12.3 %" of the baseline, or "–" without one.
  static func relative(_ baseline: Double, _ whatIf: Double) -> String {
    guard baseline != 0 else { return "–" }
    let r = (whatIf - baseline) / abs(baseline)
    return (r > 0 ? "+" : r < 0 ? "−" : "±") + Format.percent(abs(r))
  }

  static func signed(_ d: Double, decimals: Int = 2) -> String {
    (d > 0 ? "+" : d < 0 ? "−" : "±") + Format.grouped(abs(d), decimals: decimals)
  }
}

extension Report {
  /// A what-if against its baseline as one HTML page: both runs, verdicts side by side with
  /// deltas and changed outcomes highlighted, overlaid demand, p95 and instances per territory,
  /// and the cost difference.
  package static func comparisonHTML(baseline: RunData, whatIf: RunData) -> String {
    let b = RunIndex(baseline)
    let w = RunIndex(whatIf)
    let axis = b.timeAxis(alsoOf: whatIf)
    let pairs = Comparison.pairs(baseline.verdicts, whatIf.verdicts)
    var body = "<header>\n<h1>\(HTML.escape(comparisonTitle(baseline: baseline.run, whatIf: whatIf.run)))</h1>\n"
    body += "<p class=\"lead\">Baseline <strong>\(HTML.escape(baseline.run.scenarioName))</strong> against what-if "
    body += "<strong>\(HTML.escape(whatIf.run.scenarioName))</strong>"
    if !whatIf.run.settings.isEmpty {
      body += " (" + whatIf.run.settings.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " ") + ")"
    }
    body += "</p>\n</header>\n"
    body += "<nav><a href=\"#runs\">Runs</a><a href=\"#verdicts\">SLO verdicts</a>"
    let territories = b.territories + w.territories.filter { !b.territories.contains($0) }
    for (i, t) in territories.enumerated() {
      body += "<a href=\"#territory-\(i)\">Territory \(HTML.escape(t))</a>"
    }
    body += "<a href=\"#costs\">Cost difference</a></nav>\n"
    body += "<section>\n<h2 id=\"runs\">Runs</h2>\n" + runsTable(baseline.run, whatIf.run) + "</section>\n"

    body += "<section>\n<h2 id=\"verdicts\">SLO verdicts</h2>\n<p class=\"counts\">Baseline: "
    for (o, n) in VerdictText.counts(baseline.verdicts) where n > 0 || o != "info" {
      body += HTML.outcomeBadge(o) + " \(n) "
    }
    body += "<br>What-if: "
    for (o, n) in VerdictText.counts(whatIf.verdicts) where n > 0 || o != "info" {
      body += HTML.outcomeBadge(o) + " \(n) "
    }
    let worse = pairs.filter(\.isWorse).count
    let better = pairs.filter(\.isBetter).count
    body += "<br>Outcomes changed: \(worse) worse, \(better) better.</p>\n"
    body += comparisonVerdictTable(pairs) + "</section>\n"

    for (i, t) in territories.enumerated() {
      body += "<section>\n<h2 id=\"territory-\(i)\">Territory \(HTML.escape(t))</h2>\n"
      for chart in overlays(b, w, t, axis) { body += Charts.figure(chart) }
      body += "</section>\n"
    }
    body += "<section>\n<h2 id=\"costs\">Cost difference</h2>\n" + costDifference(baseline.costs, whatIf.costs)
    body += "</section>\n"
    return HTML.page(title: comparisonTitle(baseline: baseline.run, whatIf: whatIf.run), body: body)
  }

  /// The two runs' facts side by side, the differing ones in bold.
  static func runsTable(_ b: RunRecord, _ w: RunRecord) -> String {
    let facts: [(String, (RunRecord) -> String)] = [
      ("Run", { $0.id.map { "#\($0)" } ?? "–" }), ("Scenario", \.scenarioName), ("Scenario file", \.scenarioPath),
      ("Scenario SHA-256", { String($0.scenarioHash.prefix(16)) }), ("Topology file", \.topologyPath),
      ("Settings", { $0.settings.isEmpty ? "–" : $0.settings.joined(separator: "  ") }),
      ("Seed", { String($0.seed) }), ("Replications", { String($0.replications) }),
      ("Horizon", { Format.span(seconds: $0.horizon) }), ("Status", { $0.status.rawValue }),
      ("Started (UTC)", { Format.instant($0.startedAt) }), ("capsim", \.capsimVersion),
    ]
    let rows = facts.map { name, value -> [String] in
      let (x, y) = (value(b), value(w))
      let mark = x != y && name != "Run" && name != "Started (UTC)"
      return [HTML.escape(name), HTML.escape(x), mark ? "<strong>\(HTML.escape(y))</strong>" : HTML.escape(y)]
    }
    return HTML.table(["", "Baseline", "What-if"], rows)
  }

  static func comparisonVerdictTable(_ pairs: [Comparison.Pair]) -> String {
    guard !pairs.isEmpty else { return "<p class=\"muted\">No verdicts recorded.</p>\n" }
    let rows = pairs.map { p -> [String] in
      let delta = p.delta.map { d in
        let cls = d == 0 ? "delta-none" : p.deltaIsWorse ? "delta-worse" : "delta-better"
        return "<span class=\"\(cls)\">\(HTML.escape(p.unit.delta(d)))</span>"
      }
      let change = p.isWorse ? " ▼ worse" : p.isBetter ? " ▲ better" : p.isChanged ? " changed" : ""
      return [
        HTML.escape(p.key.territory), HTML.escape(p.key.period), HTML.escape(p.key.requestClass),
        HTML.escape(p.key.objective), HTML.escape(VerdictText.target(p.any)),
        p.baseline.map { HTML.escape(VerdictText.measured($0)) } ?? "–",
        p.whatIf.map { HTML.escape(VerdictText.measured($0)) } ?? "–", delta ?? "–",
        p.baseline.map { HTML.outcomeBadge($0.outcome) } ?? "–",
        (p.whatIf.map { HTML.outcomeBadge($0.outcome) } ?? "–") + (change.isEmpty ? "" : "<strong>\(change)</strong>"),
      ]
    }
    let classes = pairs.map { p -> String? in p.isWorse ? "worse" : p.isBetter ? "better" : nil }
    return HTML.table(
      [
        "Territory", "Period", "Class", "Objective", "Target", "Baseline", "What-if", "Δ", "Baseline outcome",
        "What-if outcome",
      ], rows, numeric: [4, 5, 6, 7], rowClasses: classes)
  }

  /// Demand, p95 and instances of both runs in one chart each.
  static func overlays(_ b: RunIndex, _ w: RunIndex, _ t: String, _ axis: TimeAxis) -> [SVGChart] {
    let base = SVG.color(0)
    let what = SVG.color(1)
    func pair(_ make: (RunIndex) -> [ChartPoint]) -> [SVGChart.Series] {
      [
        .init(name: "baseline", color: base, points: make(b)),
        .init(name: "what-if", color: what, points: make(w), dashed: true),
      ].filter { !$0.points.isEmpty }
    }
    var out: [SVGChart] = []
    let demand = pair { Charts.line($0.points(t), RunIndex.arrivalRate) }
    if !demand.isEmpty {
      out.append(
        SVGChart(
          title: "Demand — \(t), baseline and what-if", unit: "arrivals/s", time: axis, series: demand,
          bands: b.seasons(t)))
    }
    let p95 = pair { Charts.line($0.points(t)) { $0.latencyP95.map { $0 * 1_000 } } }
    if !p95.isEmpty {
      out.append(
        SVGChart(
          title: "p95 latency — \(t), baseline and what-if", unit: "p95 latency (ms)", time: axis, series: p95,
          thresholds: Charts.latencyThresholds(b, t), bands: b.seasons(t)))
    }
    let instances = pair { Charts.line($0.instanceRows(t)) { $0.instances } }
    if !instances.isEmpty {
      out.append(
        SVGChart(
          title: "Instances — \(t), baseline and what-if", unit: "app instances", time: axis, series: instances,
          bands: b.seasons(t)))
    }
    return out
  }

  static func costDifference(_ baseline: [CostRecord], _ whatIf: [CostRecord]) -> String {
    let rows = Comparison.costRows(baseline, whatIf)
    guard !rows.isEmpty else { return "<p class=\"muted\">No costs recorded.</p>\n" }
    var out = HTML.table(
      ["Month", "Territory", "Currency", "Baseline", "What-if", "Difference", "Change"],
      rows.map { r in
        [
          HTML.escape(Charts.monthLabel(r.month)), HTML.escape(r.territory), HTML.escape(r.currency),
          Format.grouped(r.baseline, decimals: 2), Format.grouped(r.whatIf, decimals: 2),
          "<strong>\(Comparison.signed(r.whatIf - r.baseline))</strong>", Comparison.relative(r.baseline, r.whatIf),
        ]
      }, numeric: [3, 4, 5, 6])
    var totals: [String: (Double, Double)] = [:]
    for r in rows {
      totals[r.currency, default: (0, 0)].0 += r.baseline
      totals[r.currency, default: (0, 0)].1 += r.whatIf
    }
    out += HTML.table(
      ["Currency", "Baseline", "What-if", "Difference", "Change"],
      totals.keys.sorted().map { c in
        let (x, y) = totals[c]!
        return [
          HTML.escape(c), Format.grouped(x, decimals: 2), Format.grouped(y, decimals: 2),
          "<strong>\(Comparison.signed(y - x))</strong>", Comparison.relative(x, y),
        ]
      }, numeric: [1, 2, 3, 4], caption: "Totals over the run, per currency")
    return out
  }

  /// A what-if against its baseline for a pull request: both runs, changed outcomes, the verdicts
  /// with deltas, and the cost difference.
  package static func comparisonMarkdown(baseline: RunData, whatIf: RunData) -> String {
    let pairs = Comparison.pairs(baseline.verdicts, whatIf.verdicts)
    var out = "# \(Markdown.escape(comparisonTitle(baseline: baseline.run, whatIf: whatIf.run)))\n\n"
    out += "**Baseline:** " + Markdown.runLine(baseline.run) + "\n\n"
    out += "**What-if:** " + Markdown.runLine(whatIf.run) + "\n\n"
    out += "**Verdicts:** baseline " + Markdown.counts(baseline.verdicts) + "; what-if "
    out += Markdown.counts(whatIf.verdicts) + "\n\n"
    let changed = pairs.filter(\.isChanged)
    out += "## Changed outcomes\n\n"
    out += changed.isEmpty ? "No verdict changed its outcome.\n\n" : verdictPairs(changed) + "\n"
    let shown = pairs.filter { $0.key.requestClass == "all" }
    out +=
      "## SLO verdicts (all classes)\n\n" + (shown.isEmpty ? "No verdicts recorded.\n" : verdictPairs(shown)) + "\n"
    out += "## Cost difference\n\n"
    let rows = Comparison.costRows(baseline.costs, whatIf.costs)
    if rows.isEmpty {
      out += "No costs recorded.\n"
    } else {
      out += Markdown.table(
        ["Month", "Territory", "Baseline", "What-if", "Difference", "Change"],
        rows.map { r in
          [
            Markdown.escape(Charts.monthLabel(r.month)), Markdown.escape(r.territory),
            Format.money(r.baseline, Markdown.escape(r.currency)), Format.money(r.whatIf, Markdown.escape(r.currency)),
            "**" + Markdown.escape(r.currency) + " " + Comparison.signed(r.whatIf - r.baseline) + "**",
            Comparison.relative(r.baseline, r.whatIf),
          ]
        })
    }
    return out
  }

  private static func verdictPairs(_ pairs: [Comparison.Pair]) -> String {
    Markdown.table(
      ["Territory", "Period", "Class", "Objective", "Target", "Baseline", "What-if", "Δ", "Outcome"],
      pairs.map { p in
        let outcome =
          (p.baseline.map { Markdown.outcome($0.outcome) } ?? "–") + " → "
          + (p.whatIf.map { Markdown.outcome($0.outcome) } ?? "–")
        return [
          Markdown.escape(p.key.territory), Markdown.escape(p.key.period), Markdown.escape(p.key.requestClass),
          Markdown.escape(p.key.objective), VerdictText.target(p.any),
          p.baseline.map(VerdictText.measured) ?? "–", p.whatIf.map(VerdictText.measured) ?? "–",
          p.delta.map(p.unit.delta) ?? "–", outcome,
        ]
      })
  }
}
