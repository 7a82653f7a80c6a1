import RunRecords

extension Report {
  /// A territory's autoscaler: what it did (summary) and why (reasons), under its pods chart.
  static func autoscalerSection(_ data: RunData, territory: String) -> String {
    guard data.autoscalerSyncs.contains(where: { $0.territory == territory }) else { return "" }
    var out = "<h3>Autoscaler</h3>\n"
    if let s = AutoscalerSummary.summaries(data).first(where: { $0.territory == territory }) {
      var row = s.cells
      row[0] = HTML.escape(row[0])
      out += HTML.table(
        AutoscalerSummary.columns, [row], numeric: Set(1...7),
        caption:
          "Per replication. Ramp: from the first of a run of scale-ups (each within 5 minutes of the one before) to the first sync with as many pods Ready as the last asked for. Minutes over p95: series windows over the target."
      )
    }
    let reasons = AutoscalerSummary.reasons(data, territory: territory)
    let total = max(1, reasons.map(\.syncs).reduce(0, +))
    out += HTML.table(
      ["Reason", "Syncs", "Share"],
      reasons.map {
        [HTML.escape($0.reason), Format.grouped(Double($0.syncs)), Format.percent(Double($0.syncs) / Double(total))]
      },
      numeric: [1, 2], caption: "Why the replica count was what it was after each sync, over all replications")
    return out
  }
}

extension Charts {
  /// The pods of replication 1 sync by sync: the count asked for, Ready and existing pods,
  /// with each scaling marked.
  static func pods(_ index: RunIndex, _ territory: String, _ axis: TimeAxis) -> SVGChart? {
    let syncs = index.data.autoscalerSyncs.filter { $0.territory == territory && $0.replication == 0 }
    guard let first = syncs.first else { return nil }
    let lines: [(String, (AutoscalerSyncRecord) -> Int, Int)] = [
      ("desired (spec.replicas after the sync)", \.desiredReplicas, 0), ("Ready pods", \.readyPods, 2),
      ("pods (not terminating)", \.totalPods, 1),
    ]
    let series = lines.map { name, value, color in
      SVGChart.Series(
        name: name, color: SVG.color(color), points: syncs.map { ChartPoint(x: $0.time, y: Double(value($0))) })
    }
    var chart = backdrop(
      SVGChart(
        title: "Pods — \(territory)", unit: "pods", time: axis, series: series,
        // Short notes: the legend lays them out one by one, and a long one ran past the chart.
        notes: [
          "\(first.autoscaler), replication 1",
          "ticks along the top: scale-ups (blue), scale-downs (orange); their reason on hover",
          "the table below counts the reasons over all replications",
        ], wholeNumbers: true),
      index, territory)
    for sync in syncs where sync.desiredReplicas != sync.currentReplicas {
      let up = sync.desiredReplicas > sync.currentReplicas
      chart.marks.append(
        .init(
          from: sync.time, to: sync.time,
          label: "\(up ? "↑" : "↓") \(sync.currentReplicas) → \(sync.desiredReplicas): \(sync.reason)",
          style: up ? .scaleUp : .scaleDown))
    }
    return chart
  }
}
