import RunRecords

extension Report {
  /// A what-if against its baseline as one HTML page: what changed between their scenarios,
  /// both runs, verdicts side by side with deltas (coloured only where they exceed the runs'
  /// intervals), demand, p95, instances, utilization and errors of both runs per territory with
  /// both runs' events marked, the events, and the cost difference.
  package static func comparisonHTML(baseline: RunData, whatIf: RunData) -> String {
    let b = RunIndex(baseline)
    let w = RunIndex(whatIf)
    let axis = b.timeAxis(alsoOf: whatIf)
    let pairs = Comparison.pairs(baseline.verdicts, whatIf.verdicts)
    var body = "<header>\n<h1>\(HTML.escape(comparisonTitle(baseline: baseline.run, whatIf: whatIf.run)))</h1>\n"
    body += "<p class=\"lead\">Baseline <strong>\(HTML.name(baseline.run.scenarioName))</strong> against what-if "
    body += "<strong>\(HTML.name(whatIf.run.scenarioName))</strong></p>\n</header>\n"
    body += "<nav><a href=\"#changes\">What changed</a><a href=\"#runs\">Runs</a><a href=\"#verdicts\">SLO verdicts</a>"
    let territories = b.territories + w.territories.filter { !b.territories.contains($0) }
    for (i, t) in territories.enumerated() {
      body += "<a href=\"#territory-\(i)\">Territory \(HTML.escape(t))</a>"
    }
    body += "<a href=\"#events\">Faults and changes</a><a href=\"#costs\">Cost difference</a></nav>\n"
    body += "<section>\n<h2 id=\"changes\">What changed</h2>\n"
    body += changeList(ScenarioChanges(baseline: baseline.run, whatIf: whatIf.run)) + "</section>\n"
    body += "<section>\n<h2 id=\"runs\">Runs</h2>\n" + runsTable(baseline.run, whatIf.run) + "</section>\n"

    body += "<section>\n<h2 id=\"verdicts\">SLO verdicts</h2>\n<p class=\"counts\">Baseline: "
    for (o, n) in VerdictText.counts(baseline.verdicts) where n > 0 || o != "info" {
      body += HTML.outcomeCount(o, n)
    }
    body += "<br>What-if: "
    for (o, n) in VerdictText.counts(whatIf.verdicts) where n > 0 || o != "info" {
      body += HTML.outcomeCount(o, n)
    }
    let worse = pairs.filter(\.isWorse).count
    let better = pairs.filter(\.isBetter).count
    // A row only one run has (runs of different periods share none) is changed, neither worse
    // nor better: "0 worse, 0 better" read as nothing changed.
    let oneSided = pairs.filter { $0.isChanged && !$0.isWorse && !$0.isBetter }.count
    body += "<br>Outcomes changed: \(worse) worse, \(better) better"
    body += oneSided > 0 ? ", \(oneSided) in one run only.</p>\n" : ".</p>\n"
    body += comparisonVerdictTable(pairs) + "</section>\n"

    for (i, t) in territories.enumerated() {
      body += "<section>\n<h2 id=\"territory-\(i)\">Territory \(HTML.escape(t))</h2>\n"
      for chart in overlays(b, w, t, axis) { body += Charts.figure(chart) }
      body += "</section>\n"
    }
    body += "<section>\n<h2 id=\"events\">Faults and changes</h2>\n"
    body += comparisonEventTable(Comparison.events(baseline.events, whatIf.events)) + "</section>\n"
    body += "<section>\n<h2 id=\"costs\">Cost difference</h2>\n" + costDifference(baseline.costs, whatIf.costs)
    body += "</section>\n"
    return HTML.page(title: comparisonTitle(baseline: baseline.run, whatIf: whatIf.run), body: body)
  }

  /// What differs between the two scenarios, as a list; what stayed the same in one line.
  static func changeList(_ changes: ScenarioChanges) -> String {
    var out = ""
    if changes.changes.isEmpty {
      out += "<p>The two runs have the same scenario files, topology, settings and seed.</p>\n"
    } else {
      out += "<ul class=\"changes\">\n"
      for c in changes.changes {
        out += "<li>\(HTML.escape(c.summary))"
        if !c.lines.isEmpty {
          out +=
            "<br>"
            + c.lines.map { "<code>\(HTML.escape($0.sign.rawValue + " " + $0.text))</code>" }
            .joined(separator: "<br>")
        }
        out += "</li>\n"
      }
      out += "</ul>\n"
    }
    if !changes.unchanged.isEmpty {
      out += "<p class=\"muted\">The same in both runs: "
      out += changes.unchanged.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ") + "</p>\n"
    }
    return out
  }

  /// The two runs' facts side by side, the differing ones in bold.
  static func runsTable(_ b: RunRecord, _ w: RunRecord) -> String {
    let facts: [(String, (RunRecord) -> String)] = [
      ("Run", { $0.id.map { "#\($0)" } ?? "–" }), ("Scenario", \.scenarioName), ("Scenario file", \.scenarioPath),
      ("Scenario SHA-256", { ScenarioChanges.short($0.scenarioHash) }), ("Topology file", \.topologyPath),
      ("Topology SHA-256", { ScenarioChanges.short($0.topologyHash) }),
      ("--set", { $0.settings.isEmpty ? "none" : $0.settings.joined(separator: "  ") }),
      ("Seed", { String($0.seed) }), ("Replications", { String($0.replications) }),
      ("Horizon", { Format.span(seconds: $0.horizon) }), ("Status", { $0.status.rawValue }),
      ("Started (UTC)", { Format.instant($0.startedAt) }), ("capsim", \.capsimVersion),
    ]
    let rows = facts.map { name, value -> [String] in
      let (x, y) = (value(b), value(w))
      let mark = x != y && name != "Run" && name != "Started (UTC)"
      // Settings can be long (a fault list): one per line, each free to wrap, so that the
      // row that says what differs is read whole at any width.
      let cell: (RunRecord, String) -> String =
        name == "--set"
        ? { run, text in
          run.settings.isEmpty
            ? HTML.name(text)
            : run.settings.map { "<code class=\"wrap\">\(HTML.escape($0))</code>" }.joined(separator: "<br>")
        } : { _, text in HTML.name(text) }
      return [HTML.escape(name), cell(b, x), mark ? "<strong>\(cell(w, y))</strong>" : cell(w, y)]
    }
    return HTML.table(["", "Baseline", "What-if"], rows)
  }

  static func comparisonVerdictTable(_ pairs: [Comparison.Pair]) -> String {
    guard !pairs.isEmpty else { return "<p class=\"muted\">No verdicts recorded.</p>\n" }
    let rows = pairs.map { p -> [String] in
      let delta = p.delta.map { "<span class=\"\(p.deltaClass)\">\(HTML.escape(p.unit.delta($0)))</span>" }
      let change = p.isWorse ? "▼ worse" : p.isBetter ? "▲ better" : p.isChanged ? "changed" : ""
      return [
        HTML.name(p.key.territory), HTML.name(p.key.period), HTML.name(p.key.requestClass),
        HTML.escape(p.key.objective), HTML.escape(VerdictText.target(p.any)),
        p.baseline.map { HTML.measured(VerdictText.measured($0)) } ?? "–",
        p.whatIf.map { HTML.measured(VerdictText.measured($0)) } ?? "–", delta ?? "–",
        "<span class=\"nm\">" + (p.baseline.map { HTML.outcomeBadge($0.outcome) } ?? "–") + " → "
          + (p.whatIf.map { HTML.outcomeBadge($0.outcome) } ?? "–") + "</span>"
          + (change.isEmpty ? "" : "<br><strong>\(change)</strong>"),
      ]
    }
    let classes = pairs.map { p -> String? in p.isWorse ? "worse" : p.isBetter ? "better" : nil }
    return HTML.table(
      ["Territory", "Period", "Class", "Objective", "Target", "Baseline", "What-if", "Δ", "Outcome"], rows,
      numeric: [4, 5, 6, 7], wrapping: [5, 6], rowClasses: classes,
      caption: "Δ is coloured only where it is larger than the two runs' 95 % intervals together; grey otherwise")
  }

  /// Demand, p95, instances, utilization and errors of both runs, one chart each, with the
  /// seasons and the events of both runs marked.
  static func overlays(_ b: RunIndex, _ w: RunIndex, _ t: String, _ axis: TimeAxis) -> [SVGChart] {
    func pair(
      _ name: String = "", colors: (String, String) = (SVG.color(0), SVG.color(1)), _ make: (RunIndex) -> [ChartPoint]
    ) -> [SVGChart.Series] {
      let prefix = name.isEmpty ? "" : name + ", "
      return [
        .init(name: prefix + "baseline", color: colors.0, points: make(b)),
        .init(name: prefix + "what-if", color: colors.1, points: make(w), dashed: true),
      ].filter { Charts.hasData($0.points) }
    }
    func chart(_ title: String, _ unit: String, _ series: [SVGChart.Series]) -> SVGChart? {
      guard !series.isEmpty else { return nil }
      var c = SVGChart(title: "\(title) — \(t), baseline and what-if", unit: unit, time: axis, series: series)
      c.bands = b.seasons(t)
      c.marks = Self.comparisonMarks(b, w, t)
      return c
    }
    var out: [SVGChart?] = []
    out.append(chart("Demand", "arrivals/s", pair { Charts.line($0.points(t), RunIndex.arrivalRate) }))
    var p95 = chart(
      "p95 latency", "p95 latency (ms)", pair { Charts.line($0.points(t)) { $0.latencyP95.map { $0 * 1_000 } } })
    p95?.thresholds = Charts.latencyThresholds(b, t)
    out.append(p95)
    var instances = chart("Instances", "app instances", pair { Charts.line($0.instanceRows(t)) { $0.instances } })
    instances?.notes = Self.crashNotes(b, w, t)
    out.append(instances)
    // App CPU, and the busiest database node of each window: one line per run each.
    let utilization =
      pair("app CPU") { Charts.line($0.appRows(t)) { $0.utilization.map { $0 * 100 } } }
      + pair("busiest DB node", colors: (SVG.color(2), SVG.color(4))) { Self.busiestNode($0, t) }
    var u = chart("Utilization", "utilization (%)", utilization)
    u?.fixedUpper = Charts.percentTop(utilization)
    out.append(u)
    var errors = chart(
      "Errors", "failed requests (% of arrivals)",
      pair { Charts.line($0.points(t)) { RunIndex.errorFraction($0, nil).map { $0 * 100 } } })
    errors?.thresholds = Charts.errorThresholds(b, t)
    out.append(errors)
    return out.compactMap { $0 }
  }

  /// The utilization of the territory's busiest database node in each window, in percent.
  static func busiestNode(_ index: RunIndex, _ t: String) -> [ChartPoint] {
    var top: [Double: Double] = [:]
    for node in index.nodes(t) {
      for p in index.points(t, tier: node) {
        if let u = p.utilization { top[p.windowStart] = max(top[p.windowStart] ?? 0, u * 100) }
      }
    }
    return Charts.line(index.points(t)) { top[$0.windowStart] }
  }

  /// Random crash settings of either run (they have no times to mark); one that only one run
  /// had says which.
  static func crashNotes(_ b: RunIndex, _ w: RunIndex, _ t: String) -> [String] {
    func crashes(_ index: RunIndex) -> [String] {
      index.data.events.filter { $0.territory == t && $0.start == nil }.map(\.label)
    }
    let base = crashes(b)
    let what = crashes(w)
    return base.map { what.contains($0) ? $0 : $0 + " (baseline)" }
      + what.filter { !base.contains($0) }.map { $0 + " (what-if)" }
  }

  /// Events of both runs; one that only one run had says which.
  static func comparisonMarks(_ b: RunIndex, _ w: RunIndex, _ t: String) -> [SVGChart.Mark] {
    let base = b.marks(t)
    let what = w.marks(t)
    func same(_ x: SVGChart.Mark, _ y: SVGChart.Mark) -> Bool {
      x.from == y.from && x.to == y.to && x.label == y.label
    }
    var out = base.map { m in
      what.contains { same($0, m) }
        ? m : SVGChart.Mark(from: m.from, to: m.to, label: m.label + " (baseline)", style: m.style)
    }
    for m in what where !base.contains(where: { same($0, m) }) {
      out.append(SVGChart.Mark(from: m.from, to: m.to, label: m.label + " (what-if)", style: m.style))
    }
    return out
  }

  static func comparisonEventTable(_ events: [Comparison.Event]) -> String {
    guard !events.isEmpty else {
      return "<p class=\"muted\">No faults, capacity changes or deployments in either run.</p>\n"
    }
    let rows = events.map { c -> [String] in
      let e = c.event
      let when = EventText(e)
      return [
        HTML.name(c.runs), HTML.name(e.territory), HTML.name(e.kind), HTML.name(e.subject), HTML.escape(when.from),
        HTML.escape(when.to), HTML.name(when.length), HTML.escape(e.label),
      ]
    }
    return HTML.table(
      ["Run", "Territory", "Kind", "Subject", "From", "To", "Duration", "What"], rows, numeric: [6],
      rowClasses: events.map { "event-" + RunIndex.style(of: $0.event).rawValue })
  }

  static func costDifference(_ baseline: [CostRecord], _ whatIf: [CostRecord]) -> String {
    let rows = Comparison.costRows(baseline, whatIf)
    guard !rows.isEmpty else { return "<p class=\"muted\">No costs recorded.</p>\n" }
    var out = HTML.table(
      ["Month", "Territory", "Currency", "Baseline", "What-if", "Difference", "Change"],
      rows.map { r in
        [
          HTML.name(Charts.monthLabel(r.month)), HTML.name(r.territory), HTML.name(r.currency),
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
          HTML.name(c), Format.grouped(x, decimals: 2), Format.grouped(y, decimals: 2),
          "<strong>\(Comparison.signed(y - x))</strong>", Comparison.relative(x, y),
        ]
      }, numeric: [1, 2, 3, 4], caption: "Totals over the run, per currency")
    return out
  }

  /// A what-if against its baseline for a pull request: what changed, both runs, changed
  /// outcomes, the verdicts with deltas, the events and the cost difference.
  ///
  /// The verdict table lists every verdict for all classes and every per-class verdict that
  /// fails or is marginal in either run; the rest are counted under it, so that the counts at
  /// the top add up with the rows.
  package static func comparisonMarkdown(baseline: RunData, whatIf: RunData) -> String {
    let pairs = Comparison.pairs(baseline.verdicts, whatIf.verdicts)
    var out = "# \(Markdown.escape(comparisonTitle(baseline: baseline.run, whatIf: whatIf.run)))\n\n"
    out += "**Baseline:** " + Markdown.runLine(baseline.run) + "\n\n"
    out += "**What-if:** " + Markdown.runLine(whatIf.run) + "\n\n"
    out += "## What changed\n\n" + Markdown.changes(ScenarioChanges(baseline: baseline.run, whatIf: whatIf.run)) + "\n"
    out += "**Verdicts:** baseline " + Markdown.counts(baseline.verdicts) + "; what-if "
    out += Markdown.counts(whatIf.verdicts) + "\n\n"
    let changed = pairs.filter(\.isChanged)
    out += "## Changed outcomes\n\n"
    out += changed.isEmpty ? "No verdict changed its outcome.\n\n" : verdictPairs(changed) + "\n"
    let listed = pairs.filter(\.isListed)
    out += "## SLO verdicts\n\n" + (listed.isEmpty ? "No verdicts recorded.\n" : verdictPairs(listed))
    out += hiddenPairsNote(pairs.filter { !$0.isListed }) + "\n"
    out += "## Faults and changes\n\n" + Markdown.comparisonEvents(Comparison.events(baseline.events, whatIf.events))
    out += "\n## Cost difference\n\n"
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

  /// The per-class verdicts left out of the table, counted per run and outcome.
  private static func hiddenPairsNote(_ hidden: [Comparison.Pair]) -> String {
    guard !hidden.isEmpty else { return "" }
    func counts(_ verdicts: [VerdictRecord]) -> String {
      let c = VerdictText.counts(verdicts).filter { $0.count > 0 }.map { "\($0.count) \(Markdown.escape($0.outcome))" }
      return c.isEmpty ? "none" : c.joined(separator: ", ")
    }
    let verdicts = hidden.count == 1 ? "verdict is" : "verdicts are"
    return "\n\(hidden.count) per-class \(verdicts) not listed, passing (or info only) in both runs: baseline "
      + counts(hidden.compactMap(\.baseline)) + "; what-if " + counts(hidden.compactMap(\.whatIf)) + ".\n"
  }

  /// Δ is in bold where it is larger than the two runs' intervals together.
  private static func verdictPairs(_ pairs: [Comparison.Pair]) -> String {
    Markdown.table(
      ["Territory", "Period", "Class", "Objective", "Target", "Baseline", "What-if", "Δ", "Outcome"],
      pairs.map { p in
        let outcome =
          (p.baseline.map { Markdown.outcome($0.outcome) } ?? "–") + " → "
          + (p.whatIf.map { Markdown.outcome($0.outcome) } ?? "–")
        let delta = p.delta.map { p.isSignificant ? "**\(p.unit.delta($0))**" : p.unit.delta($0) }
        return [
          Markdown.escape(p.key.territory), Markdown.escape(p.key.period), Markdown.escape(p.key.requestClass),
          Markdown.escape(p.key.objective), VerdictText.target(p.any),
          p.baseline.map(VerdictText.measured) ?? "–", p.whatIf.map(VerdictText.measured) ?? "–", delta ?? "–",
          outcome,
        ]
      })
  }
}

extension Markdown {
  /// What changed between the scenarios, as a list.
  static func changes(_ changes: ScenarioChanges) -> String {
    var out = ""
    if changes.changes.isEmpty {
      out += "The two runs have the same scenario files, topology, settings and seed.\n"
    }
    for c in changes.changes {
      out += "- " + escape(c.summary) + "\n"
      for line in c.lines { out += "  - " + escape(line.sign.rawValue + " " + line.text) + "\n" }
    }
    if !changes.unchanged.isEmpty {
      out += "\nThe same in both runs: " + changes.unchanged.map(escape).joined(separator: ", ") + ".\n"
    }
    return out
  }

  static func comparisonEvents(_ events: [Comparison.Event]) -> String {
    guard !events.isEmpty else { return "No faults, capacity changes or deployments in either run.\n" }
    return table(
      ["Run", "Territory", "Kind", "Subject", "From", "To", "Duration", "What"],
      events.map { c in
        let e = c.event
        let when = EventText(e)
        return [
          escape(c.runs), escape(e.territory), escape(e.kind), escape(e.subject), escape(when.from), escape(when.to),
          escape(when.length), escape(e.label),
        ]
      })
  }
}
