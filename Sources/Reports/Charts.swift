import RunRecords

/// The charts of a territory, each built from a run's series; nil where the run recorded
/// nothing to draw.
enum Charts {
  /// A chart in its figure, with the title above it.
  static func figure(_ chart: SVGChart) -> String {
    "<figure class=\"chart\"><figcaption>\(HTML.escape(chart.title))</figcaption>\n\(chart.svg())\n</figure>\n"
  }

  static func figure(_ chart: SVGBarChart) -> String {
    "<figure class=\"chart\"><figcaption>\(HTML.escape(chart.title))</figcaption>\n\(chart.svg())\n</figure>\n"
  }

  /// A point per window of `rows`, in its middle: `value`, or a gap where it has none (no
  /// requests, a node that was down), so that the line breaks instead of bridging it.
  ///
  /// In the middle, so that a window lines up with the bands of what happened in it: the
  /// hour a replica was down is a gap inside its band, not an hour early.
  static func line(_ rows: [SeriesPoint], _ value: (SeriesPoint) -> Double?) -> [ChartPoint] {
    rows.map { p in value(p).map { ChartPoint(x: middle(p), y: $0) } ?? .gap(at: middle(p)) }
  }

  static func middle(_ p: SeriesPoint) -> Double { (p.windowStart + p.windowEnd) / 2 }

  /// Whether `points` has anything to draw.
  static func hasData(_ points: [ChartPoint]) -> Bool { points.contains { !$0.isGap } }

  /// A circle and label at the largest point of `points`.
  static func peakNote(
    _ points: [ChartPoint], rows: [SeriesPoint], _ text: (Double) -> String
  ) -> [SVGChart.Annotation] {
    guard let top = points.filter({ !$0.isGap }).max(by: { $0.y < $1.y }), top.y > 0 else { return [] }
    let when = rows.first { middle($0) == top.x }.flatMap { LocalTime($0.localStart) }
    let label = when.map { ", \($0.dayLabel) \($0.clockLabel)" } ?? ""
    return [.init(x: top.x, y: top.y, text: "peak \(text(top.y))" + label)]
  }

  /// The p95 target as a step line through the territory's windows: each window gets the
  /// target of its period (normal load or a season), and only where one applies.
  static func latencyThresholds(_ index: RunIndex, _ territory: String) -> [SVGChart.Threshold] {
    var pieces: [SVGChart.Threshold.Piece] = []
    for p in index.points(territory) {
      guard let target = index.latencyTarget(territory, period: p.period) else { continue }
      let label = (p.period == "normal" ? "" : p.period + " ") + "p95 target " + Format.milliseconds(target)
      pieces.append(.init(from: p.windowStart, to: p.windowEnd, value: target * 1_000, label: label))
    }
    guard !pieces.isEmpty else { return [] }
    var labels: [String] = []
    for p in pieces where !labels.contains(p.label) { labels.append(p.label) }
    let name = labels.count == 1 ? labels[0] : "p95 target of the period"
    return [SVGChart.Threshold(name: name, color: SVG.targetColor, pieces: pieces)]
  }

  /// Seasons shaded, and the territory's faults, capacity changes and deployments marked: on
  /// every chart of the territory, so that an effect lines up with its cause.
  static func backdrop(_ chart: SVGChart, _ index: RunIndex, _ territory: String) -> SVGChart {
    var chart = chart
    chart.bands = index.seasons(territory)
    chart.marks = index.marks(territory)
    return chart
  }

  /// Arrivals per second against what the instances running could serve at 100 % app CPU.
  static func demand(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let rows = index.points(territory)
    let demand = line(rows, RunIndex.arrivalRate)
    guard hasData(demand) else { return nil }
    var series = [SVGChart.Series(name: "arrivals/s", color: SVG.color(0), points: demand)]
    if let mu = index.requestsPerInstanceSecond(territory) {
      let capacity = line(index.instanceRows(territory)) { $0.instances.map { $0 * mu } }
      series.append(
        .init(
          name: "capacity at 100 % app CPU (instances × \(Format.short(mu)) req/s)", color: SVG.color(1),
          points: capacity, dashed: true))
    }
    let chart = SVGChart(
      title: "Demand and capacity — \(index.title(territory))", unit: "requests/s", time: axis, series: series,
      annotations: peakNote(demand, rows: rows) { Format.short($0) + " req/s" })
    return backdrop(chart, index, territory)
  }

  /// End-to-end p50, p95 and p99 with the p95 targets.
  static func latency(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let rows = index.points(territory)
    let quantiles: [(String, KeyPath<SeriesPoint, Double?>, String)] = [
      ("p50", \.latencyP50, SVG.color(5)), ("p95", \.latencyP95, SVG.color(0)), ("p99", \.latencyP99, SVG.color(1)),
    ]
    let series = quantiles.map { name, key, color in
      SVGChart.Series(name: name, color: color, points: line(rows) { $0[keyPath: key].map { $0 * 1_000 } })
    }.filter { hasData($0.points) }
    guard !series.isEmpty else { return nil }
    // The peak named on the chart is the one the tables name.
    let p95 = line(rows.filter(RunIndex.hasPeakWeight)) { $0.latencyP95.map { $0 * 1_000 } }
    let chart = SVGChart(
      title: "Latency — \(index.title(territory))", unit: "latency (ms)", time: axis, series: series,
      thresholds: latencyThresholds(index, territory),
      annotations: peakNote(p95, rows: rows) { "p95 " + Format.short($0) + " ms" })
    return backdrop(chart, index, territory)
  }

  /// p95 of each request class.
  static func classLatency(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let series = index.classes(territory).enumerated().map { i, c in
      SVGChart.Series(
        name: c, color: SVG.color(i),
        points: line(index.points(territory, requestClass: c)) { $0.latencyP95.map { $0 * 1_000 } })
    }.filter { hasData($0.points) }
    guard !series.isEmpty else { return nil }
    // A class with its own objective gets its own step line, in its colour.
    var thresholds = latencyThresholds(index, territory)
    for (i, c) in index.classes(territory).enumerated() {
      var pieces: [SVGChart.Threshold.Piece] = []
      for p in index.points(territory) {
        guard let target = index.ownLatencyTarget(territory, requestClass: c, period: p.period) else { continue }
        pieces.append(
          .init(
            from: p.windowStart, to: p.windowEnd, value: target * 1_000, label: "\(c) target " + Format.duration(target)
          ))
      }
      if !pieces.isEmpty {
        thresholds.append(SVGChart.Threshold(name: "\(c) p95 target", color: SVG.color(i), pieces: pieces))
      }
    }
    let chart = SVGChart(
      title: "p95 latency by request class — \(index.title(territory))", unit: "p95 latency (ms)", time: axis,
      series: series,
      thresholds: thresholds)
    return backdrop(chart, index, territory)
  }

  static func instances(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let rows = index.instanceRows(territory)
    let points = line(rows) { $0.instances }
    guard hasData(points) else { return nil }
    // Random crashes have no times to mark: their settings go under the legend. The line counts
    // instances paid for, crashed ones included, so crashes show as errors (node down), not here.
    let crashes = index.data.events.filter { $0.territory == territory && $0.start == nil }.map(\.label)
    let chart = SVGChart(
      title: "Instances — \(index.title(territory))", unit: "app instances", time: axis,
      series: [.init(name: "instances (mean over replications)", color: SVG.color(2), points: points)],
      annotations: peakNote(points, rows: rows) { Format.short($0) }, notes: crashes)
    return backdrop(chart, index, territory)
  }

  /// App CPU and each database node, in percent.
  static func utilization(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    var series: [SVGChart.Series] = []
    let app = line(index.appRows(territory)) { $0.utilization.map { $0 * 100 } }
    if hasData(app) { series.append(.init(name: "app CPU", color: SVG.color(0), points: app)) }
    for (i, node) in index.nodes(territory).enumerated() {
      let points = line(index.points(territory, tier: node)) { $0.utilization.map { $0 * 100 } }
      if hasData(points) { series.append(.init(name: node, color: SVG.color(i + 1), points: points)) }
    }
    guard !series.isEmpty else { return nil }
    let chart = SVGChart(
      title: "Utilization by tier — \(index.title(territory))", unit: "utilization (%)", time: axis, series: series,
      fixedUpper: percentTop(series))
    return backdrop(chart, index, territory)
  }

  /// Replication lag of each replica, in ms below a second and in s above.
  static func replicaLag(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    // Each node keeps the colour it has on the utilization chart.
    let raw = index.nodes(territory).enumerated().map { i, node in
      (node, SVG.color(i + 1), line(index.points(territory, tier: node)) { $0.replicaLag })
    }.filter { hasData($0.2) }
    guard !raw.isEmpty else { return nil }
    // A replica back from an outage replays what it missed: for a window or two it is hours
    // behind, a thousand times its usual lag. Such a rare spike goes over the top of the axis
    // with its value written there, so that the usual lag stays readable.
    let values = raw.flatMap(\.2).filter { !$0.isGap }.map(\.y).sorted()
    let usual = values[min(values.count - 1, Int(Double(values.count) * 0.95))]
    let clip = values.last! > 10 * usual && usual > 0 ? usual * 2 : nil
    let inMilliseconds = (clip ?? values.last!) < 1
    let scale = inMilliseconds ? 1_000.0 : 1
    let series = raw.map { node, color, points in
      SVGChart.Series(name: node, color: color, points: points.map { .init(x: $0.x, y: $0.y * scale) })
    }
    // A replica that was down has no lag in those windows (a gap); the band says it was down.
    var chart = SVGChart(
      title: "Replica lag — \(index.title(territory))",
      unit: inMilliseconds ? "max lag per window (ms)" : "max lag per window (s)", time: axis,
      series: series)
    if let clip {
      chart.clipAbove = clip * scale
      chart.clippedText = { Format.duration($0 / scale) }
      chart.notes = ["↑: over the top of the axis, with its value (a replica catching up)"]
    }
    return backdrop(chart, index, territory)
  }

  /// Failed requests by cause as a share of arrivals, with their total and the target.
  static func errors(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let rows = index.points(territory)
    var series: [SVGChart.Series] = []
    let total = line(rows) { RunIndex.errorFraction($0, nil).map { $0 * 100 } }
    guard hasData(total) else { return nil }
    series.append(.init(name: "all causes", color: "#1d2330", points: total))
    for (i, cause) in RunIndex.ErrorCause.allCases.enumerated() {
      let points = line(rows) { RunIndex.errorFraction($0, cause).map { $0 * 100 } }
      if points.contains(where: { $0.y > 0 }) {
        series.append(.init(name: cause.name, color: SVG.color([1, 4, 3, 6][i]), points: points))
      }
    }
    let chart = SVGChart(
      title: "Errors by cause — \(index.title(territory))", unit: "failed requests (% of arrivals)", time: axis,
      series: series,
      thresholds: errorThresholds(index, territory))
    return backdrop(chart, index, territory)
  }

  /// The error-rate target: the same in every period.
  static func errorThresholds(_ index: RunIndex, _ territory: String) -> [SVGChart.Threshold] {
    index.errorRateTarget(territory).map {
      [SVGChart.Threshold(name: "target \(Format.percent($0))", value: $0 * 100, color: SVG.targetColor)]
    } ?? []
  }

  /// 100 for percentages of a whole that stay within it; nil lets the axis fit the data.
  static func percentTop(_ series: [SVGChart.Series]) -> Double? {
    let top = series.flatMap(\.points).filter { !$0.isGap }.map(\.y).max() ?? 0
    return top <= 100 ? 100 : nil
  }

  /// Cost per month in one currency, stacked by territory and by instances against database.
  static func costs(_ costs: [CostRecord], currency: String) -> SVGBarChart? {
    let rows = costs.filter { $0.currency == currency }
    guard !rows.isEmpty else { return nil }
    var months: [String] = []
    var territories: [String] = []
    for r in rows {
      if !months.contains(r.month) { months.append(r.month) }
      if !territories.contains(r.territory) { territories.append(r.territory) }
    }
    months.sort()
    var segments: [SVGBarChart.Segment] = []
    for (i, t) in territories.enumerated() {
      segments.append(.init(name: "\(t) instances", color: SVG.color(2 * i)))
      segments.append(.init(name: "\(t) database", color: SVG.color(2 * i + 1)))
    }
    let values = months.map { m in
      territories.flatMap { t -> [Double] in
        let r = rows.filter { $0.month == m && $0.territory == t }
        return [r.reduce(0) { $0 + $1.instanceCost }, r.reduce(0) { $0 + $1.databaseCost }]
      }
    }
    return SVGBarChart(
      title: "Cost over the run by calendar month (\(currency))", unit: currency, categories: months.map(monthLabel),
      segments: segments,
      values: values)
  }

  /// "2026-12" as "Dec 2026".
  static func monthLabel(_ month: String) -> String {
    LocalTime(month + "-01")?.monthLabel ?? month
  }
}
