import Foundation

/// What `capsim calibrate` found, as plain values: per workload the measured and predicted load
/// levels, the YAML to paste and the ablation; per open-loop workload the knee.
package struct CalibrationData: Sendable {
  package struct Level: Sendable {
    package var clients: Int
    package var runs: Int
    /// Used to fit (else held out and predicted).
    package var fitted: Bool
    /// Transactions per second.
    package var measuredThroughput: Double
    package var modelThroughput: Double
    /// Seconds.
    package var measuredMean: Double
    package var modelMean: Double
    package var measuredP95: Double?
    package var modelP95: Double?
    /// The app's own view of the level (k6 levels with Prometheus exports).
    package var server: Server?
    /// The largest relative deviation of one run from the level's mean (throughput, mean
    /// latency); nil for a level of one run.
    package var throughputSpread: Double?
    package var meanSpread: Double?

    package init(
      clients: Int, runs: Int, fitted: Bool, measuredThroughput: Double, modelThroughput: Double, measuredMean: Double,
      modelMean: Double, measuredP95: Double?, modelP95: Double?, server: Server? = nil,
      throughputSpread: Double? = nil, meanSpread: Double? = nil
    ) {
      self.clients = clients
      self.runs = runs
      self.fitted = fitted
      self.measuredThroughput = measuredThroughput
      self.modelThroughput = modelThroughput
      self.measuredMean = measuredMean
      self.modelMean = modelMean
      self.measuredP95 = measuredP95
      self.modelP95 = modelP95
      self.server = server
      self.throughputSpread = throughputSpread
      self.meanSpread = meanSpread
    }

    var throughputError: Double { modelThroughput / measuredThroughput - 1 }
    var meanError: Double { modelMean / measuredMean - 1 }
    var p95Error: Double? {
      guard let m = measuredP95, let p = modelP95, m > 0 else { return nil }
      return p / m - 1
    }
  }

  /// A level as the server measured it, from the app's Prometheus exports: requests per second
  /// and seconds; `outside` is the measured mean less the server's (network, proxies, client).
  package struct Server: Sendable {
    package var requestRate: Double?
    package var mean: Double?
    package var p50: Double?
    package var p95: Double?
    package var p99: Double?
    package var outside: Double?

    package init(requestRate: Double?, mean: Double?, p50: Double?, p95: Double?, p99: Double?, outside: Double?) {
      self.requestRate = requestRate
      self.mean = mean
      self.p50 = p50
      self.p95 = p95
      self.p99 = p99
      self.outside = outside
    }
  }

  /// The largest absolute held-out errors of a model variant (nil where not measured).
  package struct Errors: Sendable {
    package var throughput: Double
    package var mean: Double
    package var p95: Double?

    package init(throughput: Double, mean: Double, p95: Double?) {
      self.throughput = throughput
      self.mean = mean
      self.p95 = p95
    }
  }

  package struct Workload: Sendable {
    package var name: String
    /// How the demand was found (`demand from CPU seconds (utilization law), ...`).
    package var method: String
    package var levels: [Level]
    /// The topology fragment to paste.
    package var yaml: String
    /// Held-out errors with and without each model feature; empty unless asked for.
    package var ablation: [(features: String, errors: Errors?)]
    /// From `pg_stat_statements` snapshots: the statements of one run, with the `queries:` to
    /// paste into a platform topology.
    package var statements: Statements?
    /// From `pg_stat_wal` snapshots: the WAL of each run that has them.
    package var wal: [WAL]

    package init(
      name: String, method: String, levels: [Level], yaml: String, ablation: [(features: String, errors: Errors?)] = [],
      statements: Statements? = nil, wal: [WAL] = []
    ) {
      self.name = name
      self.method = method
      self.levels = levels
      self.yaml = yaml
      self.ablation = ablation
      self.statements = statements
      self.wal = wal
    }

    /// The largest absolute errors over the held-out levels.
    package var heldOut: Errors? { Self.largest(levels.filter { !$0.fitted }) }

    /// A model that misses a level it was fitted on by more than this (throughput or mean), and
    /// by more than the level's own runs differ, cannot carry it.
    static let fitTolerance = 0.05

    /// Why the held-out predictions deserve less trust, when the fit itself misses.
    package var fitWarning: String? {
      let missed = levels.filter { l in
        l.fitted
          && (abs(l.throughputError) > max(Self.fitTolerance, l.throughputSpread ?? 0)
            || abs(l.meanError) > max(Self.fitTolerance, l.meanSpread ?? 0))
      }
      guard let e = Self.largest(missed) else { return nil }
      return "the model misses levels it was fitted on by more than their runs differ (throughput by up to "
        + "\(Report.percent(e.throughput)), mean latency by \(Report.percent(e.mean))): it cannot carry them, so "
        + "expect errors of that order in its predictions too"
    }

    /// The largest spreads of the held-out levels' runs (throughput, mean), where every such
    /// level has several runs.
    package var heldOutSpread: (throughput: Double, mean: Double)? {
      let held = levels.filter { !$0.fitted }
      let x = held.compactMap(\.throughputSpread), m = held.compactMap(\.meanSpread)
      guard !held.isEmpty, x.count == held.count, m.count == held.count else { return nil }
      return (x.max()!, m.max()!)
    }

    static func largest(_ rows: [Level]) -> Errors? {
      guard !rows.isEmpty else { return nil }
      let p95s = rows.compactMap(\.p95Error).map(abs)
      return Errors(
        throughput: rows.map { abs($0.throughputError) }.max()!, mean: rows.map { abs($0.meanError) }.max()!,
        p95: p95s.count == rows.count ? p95s.max() : nil)
    }
  }

  package struct OpenLoop: Sendable {
    package var workload: String
    package var connections: Int
    package var levels: [(rate: Double, achieved: Double, lag: Double?)]
    package var measuredKnee: Double?
    /// Every rate was sustained: the knee is at least `measuredKnee`.
    package var lowerBound: Bool
    package var modelKnee: Double?

    package init(
      workload: String, connections: Int, levels: [(rate: Double, achieved: Double, lag: Double?)],
      measuredKnee: Double?,
      lowerBound: Bool, modelKnee: Double?
    ) {
      self.workload = workload
      self.connections = connections
      self.levels = levels
      self.measuredKnee = measuredKnee
      self.lowerBound = lowerBound
      self.modelKnee = modelKnee
    }

    var error: Double? {
      guard let m = measuredKnee, let p = modelKnee, !lowerBound, m > 0 else { return nil }
      return p / m - 1
    }
  }

  package var source: String
  package var workloads: [Workload]
  package var openLoops: [OpenLoop]

  package init(source: String, workloads: [Workload], openLoops: [OpenLoop]) {
    self.source = source
    self.workloads = workloads
    self.openLoops = openLoops
  }
}

/// `capsim calibrate`: the fit as terminal text, Markdown and one HTML page with the measured
/// and predicted curves.
extension Report {
  package static func writeCalibration(_ data: CalibrationData, to folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data(calibrationHTML(data).utf8).write(to: url.appendingPathComponent("index.html"), options: .atomic)
    try Data(calibrationMarkdown(data).utf8).write(to: url.appendingPathComponent("report.md"), options: .atomic)
  }

  static let fitColumns = [
    "clients", "runs", "used", "X meas", "±", "X model", "err", "mean ms", "±", "model", "err", "p95 ms", "model",
    "err",
  ]

  static func fitCells(_ l: CalibrationData.Level) -> [String] {
    func ms(_ s: Double?) -> String { s.map { String(format: "%.3f", $0 * 1_000) } ?? "-" }
    func pct(_ e: Double?) -> String { e.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }
    return [
      "\(l.clients)", "\(l.runs)", l.fitted ? "fit" : "held out", String(format: "%.1f", l.measuredThroughput),
      percent(l.throughputSpread), String(format: "%.1f", l.modelThroughput), pct(l.throughputError),
      ms(l.measuredMean), percent(l.meanSpread), ms(l.modelMean), pct(l.meanError), ms(l.measuredP95), ms(l.modelP95),
      pct(l.p95Error),
    ]
  }

  static let serverHeading =
    "server side (Prometheus), per level; outside: k6's mean less the server's (network, ingress, load generator)"
  static let serverColumns = [
    "clients", "X server", "X k6", "mean ms", "p50 ms", "p95 ms", "p99 ms", "k6 mean ms", "outside ms",
  ]

  /// The levels with a server side, as rows of ``serverColumns``.
  static func serverRows(_ w: CalibrationData.Workload) -> [[String]] {
    func ms(_ s: Double?) -> String { s.map { String(format: "%.3f", $0 * 1_000) } ?? "-" }
    return w.levels.compactMap { l in
      l.server.map { s in
        [
          "\(l.clients)", s.requestRate.map { String(format: "%.1f", $0) } ?? "-",
          String(format: "%.1f", l.measuredThroughput),
          ms(s.mean), ms(s.p50), ms(s.p95), ms(s.p99), ms(l.measuredMean), ms(s.outside),
        ]
      }
    }
  }

  static func percent(_ e: Double?) -> String { e.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

  /// The held-out levels' largest errors, with how far their runs differ from their means.
  static func heldOutLine(_ w: CalibrationData.Workload) -> String? {
    guard let e = w.heldOut else { return nil }
    var line =
      "held-out levels, largest error: throughput \(percent(e.throughput)), mean latency \(percent(e.mean)), p95 \(percent(e.p95))"
    if let s = w.heldOutSpread {
      line += "; their runs differ from their means by up to \(percent(s.throughput)) and \(percent(s.mean)) (±)"
    }
    return line
  }

  static let ablationColumns = ["features", "throughput", "mean latency", "p95"]

  static func ablationRows(_ w: CalibrationData.Workload) -> [[String]] {
    w.ablation.map { [$0.features, percent($0.errors?.throughput), percent($0.errors?.mean), percent($0.errors?.p95)] }
  }

  static func kneeLines(_ o: CalibrationData.OpenLoop) -> [String] {
    var out = o.levels.map { l in
      String(
        format: "rate %8.1f/s  achieved %8.1f/s  schedule lag %@", l.rate, l.achieved,
        l.lag.map { String(format: "%.3f ms", $0 * 1_000) } ?? "-")
    }
    var knee =
      "knee measured: \(o.measuredKnee.map { (o.lowerBound ? ">= " : "") + String(format: "%.0f/s", $0) } ?? "none"), "
    knee += "model: \(o.modelKnee.map { String(format: "%.0f/s", $0) } ?? "no closed-loop fit of this workload")"
    if let e = o.error { knee += String(format: " (%+.1f%%)", e * 100) }
    out.append(knee)
    return out
  }

  package static func calibrationText(_ data: CalibrationData) -> String {
    var out = ""
    for w in data.workloads {
      out += "\(w.name): \(w.method)\n"
      if !w.levels.isEmpty {
        out += TextColumns.render(header: fitColumns, rows: w.levels.map(fitCells), left: [2]) + "\n"
        if let line = heldOutLine(w) { out += line + "\n" }
        if let warning = w.fitWarning { out += "warning: \(warning)\n" }
        let server = serverRows(w)
        if !server.isEmpty {
          out += "\n" + serverHeading + "\n" + TextColumns.render(header: serverColumns, rows: server, left: []) + "\n"
        }
        out += "\n" + w.yaml + "\n"
      }
      out += statementsText(w)
    }
    for o in data.openLoops {
      out += "\(o.workload): open loop on \(o.connections) connections\n"
      out += kneeLines(o).map { "  " + $0 + "\n" }.joined() + "\n"
    }
    for w in data.workloads where !w.ablation.isEmpty {
      out += "\(w.name): largest held-out error by the features in the model\n"
      out += TextColumns.render(header: ablationColumns, rows: ablationRows(w), left: [0]) + "\n\n"
    }
    return out
  }

  package static func calibrationMarkdown(_ data: CalibrationData) -> String {
    var out = "# Calibration\n\nMeasurements: \(Markdown.escape(data.source))\n\n"
    for w in data.workloads {
      out += "## \(Markdown.escape(w.name))\n\n\(Markdown.escape(w.method)).\n\n"
      if !w.levels.isEmpty {
        out += Markdown.table(fitColumns, w.levels.map { fitCells($0).map(Markdown.escape) }) + "\n"
      }
      if let line = heldOutLine(w) { out += Markdown.escape(line) + ".\n\n" }
      if let warning = w.fitWarning { out += "**Warning:** \(Markdown.escape(warning)).\n\n" }
      let server = serverRows(w)
      if !server.isEmpty {
        out +=
          Markdown.escape(serverHeading) + ":\n\n"
          + Markdown.table(serverColumns, server.map { $0.map(Markdown.escape) }) + "\n"
      }
      if !w.ablation.isEmpty {
        out += "Largest held-out error by the features in the model:\n\n"
        out += Markdown.table(ablationColumns, ablationRows(w).map { $0.map(Markdown.escape) }) + "\n"
      }
      if !w.levels.isEmpty { out += "```yaml\n\(w.yaml)```\n\n" }
      if let st = w.statements {
        out += statementsHeading(w.name, st) + ":\n\n"
        out += Markdown.table(statementColumns, statementRows(st).map { $0.map(Markdown.escape) }) + "\n"
        out += "```yaml\n\(st.yaml)```\n\n"
      }
      if !w.wal.isEmpty { out += "```text\n" + w.wal.map { walLine($0) }.joined(separator: "\n") + "\n```\n\n" }
    }
    for o in data.openLoops {
      out += "## \(Markdown.escape(o.workload)): open loop on \(o.connections) connections\n\n```text\n"
      out += kneeLines(o).joined(separator: "\n") + "\n```\n\n"
    }
    return out
  }

  package static func calibrationHTML(_ data: CalibrationData) -> String {
    let title = "capsim calibrate"
    var body = "<header>\n<h1>\(HTML.escape(title))</h1>\n<p class=\"lead\">"
    body += HTML.escape(
      "\(fittedCount(data)) workload\(fittedCount(data) == 1 ? "" : "s") fitted, \(data.openLoops.count) open-loop")
    body += "</p>\n<dl class=\"meta\">\n<dt>measurements</dt><dd><code>\(HTML.escape(data.source))</code></dd>\n</dl>\n"
    body +=
      "<p class=\"muted\">Filled points were used to fit the model, open ones are held out and predicted; the line is "
    body += "the model at every measured level.</p>\n</header>\n"
    for w in data.workloads {
      body += "<section>\n<h2>\(HTML.escape(w.name))</h2>\n<p>\(HTML.escape(w.method))</p>\n"
      if !w.levels.isEmpty { body += fitHTML(w) }
      body += snapshotsHTML(w)
      body += "</section>\n"
    }
    for o in data.openLoops {
      body += "<section>\n<h2>\(HTML.escape(o.workload)): open loop on \(o.connections) connections</h2>\n"
      body +=
        "<div class=\"charts\">\n<figure class=\"chart\"><figcaption>Achieved rate by target rate</figcaption>"
        + SVGFitChart(
          title: "Achieved by target rate", unit: "transactions/s", x: o.levels.map(\.rate),
          fitted: o.levels.map { _ in true }, logarithmic: false,
          series: [
            .init(name: "achieved", color: SVG.color(0), values: o.levels.map(\.achieved), isModel: false),
            .init(name: "target", color: SVG.color(3), values: o.levels.map(\.rate), isModel: true),
          ]
            + (o.modelKnee.map { knee in
              [.init(name: "model knee", color: SVG.color(1), values: o.levels.map { _ in knee }, isModel: true)]
            } ?? [])
        ).svg() + "</figure>\n"
      body += "</div>\n<pre class=\"manifest\">\(HTML.escape(kneeLines(o).joined(separator: "\n")))</pre>\n</section>\n"
    }
    // Charts are 520 units wide with 11-unit text: columns of at least 520 px and charts of at
    // most 660 px keep the text at 11 to 14 px, a lone chart keeping its column (auto-fill).
    let style = """
      <style>
      pre.manifest { white-space: pre-wrap; }
      .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(520px, 100%), 1fr)); gap: 8px 24px; }
      .charts figure.chart { margin: 6px 0 12px; }
      .charts figure.chart svg { max-width: 660px; }
      </style>

      """
    return HTML.page(title: title, body: style + body)
  }
}

/// Measured points (filled where fitted, open where held out) and model lines against a
/// numeric x axis (clients, on a log scale by default).
struct SVGFitChart {
  struct Series {
    var name: String
    var color: String
    var values: [Double]
    /// Drawn as a line; a measurement is drawn as points.
    var isModel: Bool
  }

  var title: String
  var unit: String
  var x: [Double]
  var fitted: [Bool]
  var logarithmic = true
  var series: [Series]
  var width = 520.0
  var plotHeight = 220.0

  private let left = 64.0
  private let right = 18.0
  private let bottom = 44.0

  func svg() -> String {
    let plotWidth = width - left - right
    let items = series.map { SVG.LegendItem(name: $0.name, color: $0.color, mark: $0.isModel ? .line : .box) }
    let legend = SVG.legend(items, x: left, y: 6, width: plotWidth)
    let top = 16 + legend.height
    let height = top + plotHeight + bottom
    let all = series.flatMap(\.values).filter(\.isFinite)
    let axis = SVG.ValueAxis(minimum: 0, maximum: (all.max() ?? 1) * 1.06)
    func fx(_ v: Double) -> Double { logarithmic ? log2(max(v, 1e-9)) : v }
    let lo = x.map(fx).min() ?? 0
    let hi = x.map(fx).max() ?? 1
    func px(_ v: Double) -> Double { left + (hi > lo ? 0.04 + 0.92 * (fx(v) - lo) / (hi - lo) : 0.5) * plotWidth }
    func py(_ y: Double) -> Double {
      top + plotHeight - (min(max(y, axis.lower), axis.upper) - axis.lower) / (axis.upper - axis.lower) * plotHeight
    }
    let n = SVG.n
    var out = SVG.open(width: width, height: height, title: title)
    out += legend.svg
    for tick in axis.values {
      out +=
        "<line x1=\"\(n(left))\" x2=\"\(n(left + plotWidth))\" y1=\"\(n(py(tick)))\" y2=\"\(n(py(tick)))\" stroke=\"#e3e6ec\"/>"
      out +=
        "<text x=\"\(n(left - 6))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">\(HTML.escape(axis.label(tick)))</text>"
    }
    for v in x {
      out +=
        "<text x=\"\(n(px(v)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(HTML.escape(Self.label(v)))</text>"
    }
    out +=
      "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">\(HTML.escape(logarithmic ? "clients (log scale)" : "target rate, transactions/s"))</text>"
    out +=
      "<text x=\"14\" y=\"\(n(top + plotHeight / 2))\" transform=\"rotate(-90 14 \(n(top + plotHeight / 2)))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">\(HTML.escape(unit))</text>"
    for s in series {
      let points = zip(x, s.values).filter { $0.1.isFinite }
      if s.isModel {
        let path = points.map { "\(n(px($0.0))),\(n(py($0.1)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
      } else {
        for (i, (v, y)) in zip(x, s.values).enumerated() where y.isFinite {
          let fill = fitted[i] ? s.color : "#fff"
          out +=
            "<circle cx=\"\(n(px(v)))\" cy=\"\(n(py(y)))\" r=\"4\" fill=\"\(fill)\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
        }
      }
    }
    return out + "</svg>"
  }

  static func label(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%.1f", v)
  }
}

extension Report {
  /// A workload's fit on the page: its charts, table, held-out errors, ablation and topology.
  static func fitHTML(_ w: CalibrationData.Workload) -> String {
    var body = ""
    let fitted = w.levels.map(\.fitted)
    let x = w.levels.map { Double($0.clients) }
    body += "<div class=\"charts\">\n"
    body +=
      "<figure class=\"chart\"><figcaption>Throughput by clients</figcaption>"
      + SVGFitChart(
        title: "Throughput by clients", unit: "transactions/s", x: x, fitted: fitted,
        series: [
          .init(name: "measured", color: SVG.color(0), values: w.levels.map(\.measuredThroughput), isModel: false),
          .init(name: "model", color: SVG.color(0), values: w.levels.map(\.modelThroughput), isModel: true),
        ]
      ).svg() + "</figure>\n"
    var latency: [SVGFitChart.Series] = [
      .init(
        name: "mean measured", color: SVG.color(1), values: w.levels.map { $0.measuredMean * 1_000 }, isModel: false),
      .init(name: "mean model", color: SVG.color(1), values: w.levels.map { $0.modelMean * 1_000 }, isModel: true),
    ]
    if w.levels.allSatisfy({ $0.measuredP95 != nil && $0.modelP95 != nil }) {
      latency += [
        .init(
          name: "p95 measured", color: SVG.color(2), values: w.levels.map { $0.measuredP95! * 1_000 }, isModel: false),
        .init(name: "p95 model", color: SVG.color(2), values: w.levels.map { $0.modelP95! * 1_000 }, isModel: true),
      ]
    }
    body +=
      "<figure class=\"chart\"><figcaption>Latency by clients</figcaption>"
      + SVGFitChart(title: "Latency by clients", unit: "ms", x: x, fitted: fitted, series: latency).svg()
      + "</figure>\n</div>\n"
    body += HTML.table(
      fitColumns,
      w.levels.map { l in fitCells(l).enumerated().map { i, text in i == 2 ? HTML.name(text) : HTML.escape(text) } },
      numeric: Set([0, 1] + Array(3..<fitColumns.count)))
    if let line = heldOutLine(w) { body += "<p>\(HTML.escape(line)).</p>\n" }
    if let warning = w.fitWarning { body += "<p class=\"warning\">Warning: \(HTML.escape(warning)).</p>\n" }
    let server = serverRows(w)
    if !server.isEmpty {
      body += "<h3>Server side</h3>\n<p class=\"muted\">\(HTML.escape(serverHeading)).</p>\n"
      body += HTML.table(serverColumns, server.map { $0.map(HTML.escape) }, numeric: Set(serverColumns.indices))
    }
    if !w.ablation.isEmpty {
      body += "<h3>Ablation</h3>\n<p class=\"muted\">Largest held-out error by the features in the model.</p>\n"
      body += HTML.table(
        ablationColumns,
        ablationRows(w).map { r in r.enumerated().map { i, text in i == 0 ? HTML.name(text) : HTML.escape(text) } },
        numeric: [1, 2, 3])
    }
    body +=
      "<details><summary>The topology to paste</summary>\n<pre class=\"manifest\">\(HTML.escape(w.yaml))</pre></details>\n"
    return body
  }

  /// A workload's pg_stat_statements and pg_stat_wal findings on the page.
  static func snapshotsHTML(_ w: CalibrationData.Workload) -> String {
    var body = ""
    if let st = w.statements {
      body += "<h3>\(HTML.escape(statementsHeading(w.name, st)))</h3>\n"
      body += HTML.table(statementColumns, statementRows(st).map { $0.map(HTML.escape) }, numeric: [1, 2, 3])
      body +=
        "<details><summary>The queries to paste into a platform topology</summary>\n<pre class=\"manifest\">\(HTML.escape(st.yaml))</pre></details>\n"
    }
    // A paragraph per run, not preformatted text: a WAL line is longer than a narrow page.
    for line in w.wal.map(walLine) { body += "<p>" + HTML.escape(line) + "</p>\n" }
    return body
  }
}

extension Report {
  /// Workloads with a fit (the others show their snapshots only).
  static func fittedCount(_ data: CalibrationData) -> Int { data.workloads.filter { !$0.levels.isEmpty }.count }
}
