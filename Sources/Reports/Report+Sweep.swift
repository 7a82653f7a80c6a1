import Foundation
import RunRecords

extension Report {
  /// Writes `index.html` of a sweep into `folder` (created if needed).
  package static func writeSweep(_ sweep: SweepRecord, points: [SweepPoint], runs: [RunData?], to folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data(sweepHTML(sweep, points: points, runs: runs).utf8).write(
      to: url.appendingPathComponent("index.html"), options: .atomic)
  }

  /// A sweep as one self-contained page: per territory and period, a line (one axis) or a
  /// heatmap (two axes; more axes: one per value of the others) per objective with its SLO
  /// boundary, then every point's verdicts at a glance.
  ///
  /// - Parameter runs: per point, its recorded run (nil, or not complete: left out).
  package static func sweepHTML(_ sweep: SweepRecord, points: [SweepPoint], runs: [RunData?]) -> String {
    // Every verdict of each complete point; the charts draw those of all classes together.
    let every: [[VerdictRecord]] = points.indices.map { p in
      guard p < runs.count, let run = runs[p], run.run.status == .complete else { return [] }
      return run.verdicts
    }
    let verdicts = every.map { $0.filter { $0.requestClass == "all" } }
    var blocks: [(territory: String, period: String)] = []
    for v in verdicts.joined() where !blocks.contains(where: { $0 == (v.territory, v.period) }) {
      blocks.append((v.territory, v.period))
    }
    let title = "capsim sweep: \(sweep.scenarioName)"
    var body = "<style>.sweep-charts { display: flex; flex-wrap: wrap; gap: 4px 24px; }"
    body += " .sweep-charts figure.chart { flex: 0 1 560px; max-width: 100%; margin: 8px 0 14px; }</style>\n"
    body += sweepHeader(sweep, title: title, complete: verdicts.filter { !$0.isEmpty }.count)
    body += "<nav>"
    for (i, b) in blocks.enumerated() { body += "<a href=\"#block-\(i)\">\(HTML.escape(b.territory)) · \(HTML.escape(b.period))</a>" }
    body += "<a href=\"#points\">Points</a></nav>\n"
    for (i, b) in blocks.enumerated() {
      body += "<section>\n<h2 id=\"block-\(i)\">Territory \(HTML.escape(b.territory)) · \(HTML.escape(b.period))</h2>\n"
      body += sweepCharts(sweep, points: points, verdicts: verdicts, territory: b.territory, period: b.period)
      body += "</section>\n"
    }
    body += sweepPointTable(sweep, points: points, verdicts: every, blocks: blocks)
    return HTML.page(title: title, body: body)
  }

  static func sweepHeader(_ sweep: SweepRecord, title: String, complete: Int) -> String {
    var out = "<header>\n<h1>\(HTML.escape(title))</h1>\n<p class=\"lead\">"
    var facts = [
      "\(sweep.points) point\(sweep.points == 1 ? "" : "s") × \(sweep.replications) replication\(sweep.replications == 1 ? "" : "s")",
      sweep.seedText,
    ]
    if sweep.shards > 1 { facts.append("merged from \(sweep.shards) shards") }
    if complete < sweep.points { facts.append("\(complete) of \(sweep.points) points complete") }
    if let id = sweep.id { facts.insert("sweep #\(id)", at: 0) }
    out += facts.map(HTML.escape).joined(separator: " · ") + "</p>\n<dl class=\"meta\">\n"
    for axis in sweep.axes {
      out += "<dt><code>\(HTML.escape(axis.key))</code></dt><dd>\(axis.values.map(HTML.escape).joined(separator: ", "))</dd>\n"
    }
    if !sweep.settings.isEmpty {
      out += "<dt>under</dt><dd>" + sweep.settings.map { "<code>--set \(HTML.escape($0))</code>" }.joined(separator: " ") + "</dd>\n"
    }
    out += "<dt>scenario</dt><dd><code>\(HTML.escape(sweep.scenarioPath))</code> (SHA-256 \(HTML.escape(String(sweep.scenarioHash.prefix(12)))))</dd>\n"
    return out + "</dl>\n<p class=\"muted\">Each chart shows the mean over replications of one objective (all request classes); a point's colour is its verdict. The SLO target is the dashed line (one axis) or the black boundary between cells that meet it and cells that miss it (two axes).</p>\n</header>\n"
  }

  /// A value of an objective in the unit its chart uses, with the unit's name.
  static func sweepScale(_ objective: String) -> (unit: String, scale: (Double) -> Double, label: (Double) -> String) {
    switch objective {
    case "error rate": ("error rate (%)", { $0 * 100 }, { Format.percent($0, decimals: 2) })
    case "availability": ("bad minutes (%)", { (1 - $0) * 100 }, { Format.percent($0, decimals: 3) })
    default: ("\(objective) (ms)", { $0 * 1_000 }, { Format.milliseconds($0) })
    }
  }

  static func sweepCharts(
    _ sweep: SweepRecord, points: [SweepPoint], verdicts: [[VerdictRecord]], territory: String, period: String
  ) -> String {
    var objectives: [String] = []
    for v in verdicts.joined() where v.territory == territory && v.period == period && !objectives.contains(v.objective) {
      objectives.append(v.objective)
    }
    func verdict(_ p: Int, _ objective: String) -> VerdictRecord? {
      verdicts[p].first { $0.territory == territory && $0.period == period && $0.objective == objective }
    }
    var out = ""
    for objective in objectives {
      let (unit, scale, label) = sweepScale(objective)
      let targets = points.indices.map { verdict($0, objective)?.target }
      // One target, or (a sweep over an `slo.` key) one per point.
      let known = targets.compactMap { $0 }
      let target = Set(known).count == 1 ? known.first : nil
      let varies = Set(known).count > 1
      // Availability is drawn as its complement, so that lower is better on every chart.
      let higherIsBetter = objective == "availability" ? false : (points.indices.lazy.compactMap { verdict($0, objective)?.higherIsBetter }.first ?? false)
      func cell(_ p: Int) -> SweepCell? {
        guard let v = verdict(p, objective), v.mean.isFinite else { return nil }
        return SweepCell(mean: scale(v.mean), halfWidth: v.halfWidth.map { $0 * abs(scale(1) - scale(0)) }, outcome: v.outcome, label: label(v.mean))
      }
      // The line is drawn in the chart's unit: availability as the share of bad minutes.
      let badMinutes = { (a: Double) in Format.percent(1 - a, decimals: 3) }
      // From the lowest value to the highest as the chart draws them (availability upside down).
      let range = { (f: (Double) -> String, upsideDown: Bool) -> String in
        let (a, b) = (known.min() ?? 0, known.max() ?? 0)
        return upsideDown ? "\(f(b))–\(f(a))" : "\(f(a))–\(f(b))"
      }
      let targetText =
        varies
        ? (objective == "availability"
          ? "each point's target: at most \(range(badMinutes, true)) bad minutes" : "each point's target (\(range(label, false)))")
        : target.map { objective == "availability" ? "target: at most \(badMinutes($0)) bad minutes" : "target \(label($0))" } ?? ""
      let heading =
        "\(objective)" + (varies ? " — target by point, \(range(label, false))" : target.map { " — target \(label($0))" } ?? " — no target")
      switch sweep.axes.count {
      case 1:
        let chart = SVGSweepLine(
          title: heading, unit: unit, axisTitle: sweep.axes[0].key, values: sweep.axes[0].values,
          cells: points.indices.map(cell), targets: targets.map { $0.map(scale) }, targetLabel: targetText,
          higherIsBetter: higherIsBetter)
        out += sweepFigure(heading, chart.svg())
      default:
        // The first two axes; with more, one heatmap per combination of the others' values.
        let rows = sweep.axes[0].values.count
        let columns = sweep.axes[1].values.count
        let others = points.count / max(rows * columns, 1)
        for o in 0..<min(others, 12) {
          // Points are in nested-loop order: point = (row * columns + column) * others + o.
          let grid = (0..<rows).map { r in (0..<columns).map { c in cell((r * columns + c) * others + o) } }
          let suffix = sweep.axes.count > 2
            ? " at " + sweep.axes.indices.dropFirst(2).map { a in "\(sweep.axes[a].key)=\(points[o].values[a])" }.joined(separator: ", ")
            : ""
          let chart = SVGSweepHeatmap(
            title: heading + suffix, rowTitle: sweep.axes[0].key, rows: sweep.axes[0].values,
            columnTitle: sweep.axes[1].key, columns: sweep.axes[1].values, cells: grid,
            boundaryLabel: varies ? "SLO boundary (each point's own target)" : target.map { "SLO boundary (target \(label($0)))" })
          out += sweepFigure(heading + suffix, chart.svg())
        }
        if others > 12 { out += "<p class=\"muted\">12 of \(others) combinations of the other axes are drawn; the table below has every point.</p>\n" }
      }
    }
    return "<div class=\"sweep-charts\">\n" + out + "</div>\n"
  }

  static func sweepFigure(_ title: String, _ svg: String) -> String {
    "<figure class=\"chart\"><figcaption>\(HTML.escape(title))</figcaption>\n\(svg)\n</figure>\n"
  }

  /// Every point: its values, its run, and the worst verdict per territory and period.
  static func sweepPointTable(
    _ sweep: SweepRecord, points: [SweepPoint], verdicts: [[VerdictRecord]], blocks: [(territory: String, period: String)]
  ) -> String {
    let headers = ["point"] + sweep.axes.map(\.key) + ["run", "status"] + blocks.map { "\($0.territory) \($0.period)" }
    let rows = points.enumerated().map { p, point -> [String] in
      let worst = blocks.map { b -> String in
        let mine = verdicts[p].filter { $0.territory == b.territory && $0.period == b.period }.map(\.outcome)
        if mine.isEmpty { return "–" }
        return HTML.outcomeBadge(mine.contains("fail") ? "fail" : mine.contains("marginal") ? "marginal" : "pass")
      }
      return [String(point.point)] + point.values.map(HTML.escape) + ["#\(point.runID)", HTML.escape(point.status.rawValue)] + worst
    }
    return "<section>\n<h2 id=\"points\">Points</h2>\n<p class=\"muted\">The worst verdict per territory and period, over every objective and request class; <code>capsim show RUN</code> has every verdict of a point.</p>\n"
      + HTML.table(headers, rows, numeric: [0]) + "</section>\n"
  }
}
