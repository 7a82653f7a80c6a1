import RunRecords

extension Report {
  /// The report of one run as a single self-contained HTML page.
  ///
  /// The faults, capacity changes and deployments first; then per territory: demand against
  /// capacity, latency with its targets, an autoscaler's pods sync by sync, p95 per class, instances, utilization per tier, replica
  /// lag, errors by cause, each with the territory's seasons and events marked; then the SLO
  /// verdicts, capacity per territory and season, and cost per month.
  package static func html(_ data: RunData) -> String {
    let index = RunIndex(data)
    let axis = index.timeAxis()
    var body = header(data.run)
    let stations = NetworkStations(data.networkSummary)
    body += "<nav><a href=\"#glance\">At a glance</a>"
    if stations != nil { body += "<a href=\"#stations\">Stations</a>" }
    body += "<a href=\"#events\">Faults and changes</a>"
    for (i, t) in index.territories.enumerated() {
      body += "<a href=\"#territory-\(i)\">\(HTML.escape(index.isNetwork ? "Series" : "Territory " + t))</a>"
    }
    body += "<a href=\"#verdicts\">SLO verdicts</a><a href=\"#capacity\">Capacity</a><a href=\"#costs\">Costs</a>"
    body += "<a href=\"#run\">Run</a></nav>\n"
    body += glance(index)
    if let stations {
      body += "<section>\n<h2 id=\"stations\">Stations</h2>\n" + stations.html() + "</section>\n"
    }
    body +=
      "<section>\n<h2 id=\"events\">Faults and changes</h2>\n"
      + eventTable(data.events, autoscaled: !data.autoscalerSyncs.isEmpty) + "</section>\n"
    // In the order an architect reads them (demand, latency and an autoscaler's pods one above
    // the other, on the same time axis); a missing chart is left out, or noted where its
    // absence says something.
    let charts: [(make: (RunIndex, String, TimeAxis) -> SVGChart?, missing: String?)] = [
      (Charts.demand, nil), (Charts.latency, nil), (Charts.pods, nil), (Charts.classLatency, nil),
      (Charts.instances, nil),
      (Charts.utilization, nil), (Charts.replicaLag, "No replica lag recorded."), (Charts.errors, nil),
    ]
    for (i, t) in index.territories.enumerated() {
      body +=
        "<section>\n<h2 id=\"territory-\(i)\">\(HTML.escape(index.isNetwork ? "Series of \(index.title(t))" : "Territory " + t))</h2>\n"
      guard !index.points(t).isEmpty else {
        body += "<p class=\"muted\">No series recorded.</p>\n</section>\n"
        continue
      }
      for chart in charts {
        if let c = chart.make(index, t, axis) {
          body += Charts.figure(c)
        } else if let missing = chart.missing {
          body += "<p class=\"muted\">\(missing)</p>\n"
        }
      }
      body += autoscalerSection(data, territory: t)
      body += "</section>\n"
    }
    body += "<section>\n<h2 id=\"verdicts\">SLO verdicts</h2>\n" + verdictTable(data.verdicts) + "</section>\n"
    body += "<section>\n<h2 id=\"capacity\">Capacity by territory and season</h2>\n" + capacityTable(index)
    body += "</section>\n"
    if !data.locks.isEmpty {
      body += "<section>\n<h2 id=\"locks\">Row locks</h2>\n" + lockTable(data.locks) + "</section>\n"
    }
    body +=
      "<section>\n<h2 id=\"costs\">Cost over the run, and per 30 days</h2>\n" + costSection(data.costs) + "</section>\n"
    body += runDetails(data.run)
    return HTML.page(title: title(data.run), body: body)
  }

  // MARK: Sections

  static let lockColumns = [
    "territory", "lock", "rows", "requests", "waited", "mean wait", "mean held", "busiest row",
  ]

  /// One row per territory and lock, as `capsim run` prints them: means over replications.
  static func lockCells(_ l: LockRecord) -> [String] {
    [
      l.territory, l.lock, "\(l.rows)", Format.grouped(l.requests), l.waitedShare.map(share) ?? "-",
      l.waitMean.map(Format.milliseconds) ?? "-", l.heldMean.map(Format.milliseconds) ?? "-", share(l.busiestRow),
    ]
  }

  /// A share as a percentage, with a second decimal below 1% (a cold lock's shares are small).
  static func share(_ x: Double) -> String {
    Format.percent(x, decimals: x < 0.01 ? 2 : 1)
  }

  static func lockTable(_ locks: [LockRecord]) -> String {
    "<p class=\"muted\">Requests per replication that took a row, the share that waited for it, the mean wait over all of them, the mean time a row was held (to the commit), and the busiest row's held share of the measured time.</p>\n"
      + HTML.table(
        lockColumns, locks.map { l in lockCells(l).enumerated().map { i, t in i < 2 ? HTML.name(t) : HTML.escape(t) } },
        numeric: Set(2..<lockColumns.count))
  }

  static func header(_ run: RunRecord) -> String {
    var out = "<header>\n<h1>\(HTML.escape(title(run)))</h1>\n<p class=\"lead\">"
    var facts = [
      "\(Format.span(seconds: run.horizon)) simulated"
        + (run.seriesInterval > 0 ? ", \(Format.window(seconds: run.seriesInterval)) windows" : ", no series"),
      "\(run.replications) replication\(run.replications == 1 ? "" : "s")", "seed \(run.seed)", run.status.rawValue,
    ]
    if !run.timeZone.isEmpty { facts.insert(run.timeZone, at: 1) }
    out += facts.map(HTML.escape).joined(separator: " · ")
    out += "</p>\n"
    if !run.settings.isEmpty {
      out += "<p>Settings (--set): " + run.settings.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " ")
      out += "</p>\n"
    }
    if let message = run.message { out += "<p><strong>Message:</strong> \(HTML.escape(message))</p>\n" }
    return out + "</header>\n"
  }

  /// Verdict counts, the failures, and the key peaks per territory.
  static func glance(_ index: RunIndex) -> String {
    var out = "<section>\n<h2 id=\"glance\">At a glance</h2>\n<p class=\"counts\">"
    for (outcome, count) in VerdictText.counts(index.data.verdicts) where count > 0 || outcome != "info" {
      out += HTML.outcomeCount(outcome, count)
    }
    out += "</p>\n"
    if let hybrid = hybridLine(index.data) { out += "<p><strong>Hybrid run:</strong> \(HTML.escape(hybrid))</p>\n" }
    let failed = index.data.verdicts.filter { $0.outcome.lowercased() == "fail" }
    if !failed.isEmpty {
      out += "<ul>\n"
      for v in failed.prefix(12) {
        out += "<li><strong>\(HTML.name(v.territory)) \(HTML.name(v.period))</strong>, "
        out += "\(HTML.name(v.requestClass == "all" ? "all classes" : v.requestClass)): \(HTML.escape(v.objective)) "
        out += "\(HTML.escape(VerdictText.measured(v))), target \(HTML.escape(VerdictText.target(v)))</li>\n"
      }
      if failed.count > 12 { out += "<li>… and \(failed.count - 12) more in the verdict table</li>\n" }
      out += "</ul>\n"
    }
    out += peaksTable(index)
    return out + "</section>\n"
  }

  static func peaksTable(_ index: RunIndex) -> String {
    let rows = index.territories.map { t -> [String] in
      let f = index.figures(t)
      return [
        HTML.name(index.title(t)),
        peakCell(f.p95) { Format.milliseconds($0) },
        peakCell(f.demand) { Format.short($0) + " req/s" },
        peakCell(f.instances) { Format.short($0) },
        peakCell(f.appCPU) { Format.percent($0) },
        peakCell(f.databaseUtilization) { Format.percent($0) },
        peakCell(f.replicaLag) { Format.duration($0) },
      ]
    }
    return HTML.table(
      [
        index.isNetwork ? "Network" : "Territory", "Peak p95", "Peak demand", "Max instances (window mean)",
        "Peak app CPU",
        index.isNetwork ? "Peak station utilization" : "Peak DB utilization", "Max replica lag",
      ], rows,
      caption:
        "Key peaks (\(windows(index.data.run.seriesInterval)) means over replications; replica lag: the largest in a window)"
    )
  }

  /// "hourly window", "30 min window": what a peak is the mean of.
  static func windows(_ seconds: Double) -> String {
    seconds > 0 ? "\(Format.window(seconds: seconds)) window" : "window"
  }

  /// "312 ms" with the window (and node) under it.
  static func peakCell(_ peak: RunIndex.Peak?, _ format: (Double) -> String) -> String {
    guard let peak else { return "–" }
    let source = peak.source.isEmpty ? "" : HTML.name(peak.source) + ", "
    return "\(HTML.name(format(peak.value)))<br><span class=\"muted\">\(source)\(HTML.escape(peak.local))</span>"
  }

  static func verdictTable(_ verdicts: [VerdictRecord]) -> String {
    guard !verdicts.isEmpty else { return "<p class=\"muted\">No verdicts recorded.</p>\n" }
    let rows = verdicts.map { v in
      [
        HTML.name(v.territory), HTML.name(v.period), HTML.name(v.requestClass), HTML.escape(v.objective),
        HTML.measured(VerdictText.measured(v)), HTML.escape(VerdictText.target(v)),
        HTML.outcomeBadge(v.outcome) + (v.note.map { "<br><span class=\"muted\">\(HTML.escape($0))</span>" } ?? ""),
        HTML.escape(VerdictText.worst(v)),
      ]
    }
    let classes = verdicts.map { v -> String? in
      let o = v.outcome.lowercased()
      return o == "fail" || o == "marginal" ? o : nil
    }
    return HTML.table(
      ["Territory", "Period", "Class", "Objective", "Measured (95 % CI)", "Target", "Outcome", "Worst window"],
      rows, numeric: [4, 5], wrapping: [4], rowClasses: classes)
  }

  static func capacityTable(_ index: RunIndex) -> String {
    var rows: [[String]] = []
    for t in index.territories {
      for period in index.periods(t) {
        let f = index.figures(t, period: period)
        guard f.hours > 0 else { continue }
        func value(_ p: RunIndex.Peak?, _ format: (Double) -> String) -> String {
          p.map { HTML.escape(format($0.value)) } ?? "–"
        }
        let db = f.databaseUtilization.map {
          HTML.escape(Format.percent($0.value)) + "<br><span class=\"muted\">\(HTML.name($0.source))</span>"
        }
        rows.append([
          HTML.name(t), HTML.name(period), Format.grouped(f.hours),
          value(f.demand) { Format.short($0) }, value(f.users) { Format.grouped($0) },
          f.meanInstances.map { Format.grouped($0, decimals: 1) } ?? "–", value(f.instances) { Format.short($0) },
          value(f.appCPU) { Format.percent($0) }, db ?? "–", value(f.p95) { Format.milliseconds($0) },
          value(f.replicaLag) { Format.duration($0) },
        ])
      }
    }
    guard !rows.isEmpty else { return "<p class=\"muted\">No series recorded.</p>\n" }
    return HTML.table(
      [
        "Territory", "Period", "Hours", "Peak demand (req/s)", "Peak users", "Mean instances",
        "Max instances (window mean)",
        "Peak app CPU", "Peak DB utilization", "Peak p95", "Max replica lag",
      ],
      rows, numeric: Set(2...10))
  }

  /// Per month and territory in its own currency, totals per currency, and bars per currency.
  static func costSection(_ costs: [CostRecord]) -> String {
    guard !costs.isEmpty else { return "<p class=\"muted\">No costs recorded.</p>\n" }
    let sorted = costs.sorted { ($0.month, $0.territory) < ($1.month, $1.territory) }
    let rows = sorted.map { c in
      [
        HTML.name(Charts.monthLabel(c.month)), HTML.name(c.territory), HTML.name(c.currency),
        c.spanHours.map { Format.grouped($0, decimals: 0) } ?? "–",
        Format.grouped(c.instanceHours, decimals: 1), Format.grouped(c.instanceCost, decimals: 2),
        Format.grouped(c.databaseNodeHours, decimals: 1), Format.grouped(c.databaseCost, decimals: 2),
        "<strong>\(Format.grouped(c.instanceCost + c.databaseCost, decimals: 2))</strong>",
        c.per30Days.map { Format.grouped($0, decimals: 2) } ?? "–",
        c.perCalendarMonth.map { Format.grouped($0, decimals: 2) } ?? "–",
      ]
    }
    var out = HTML.table(
      [
        "Month", "Territory", "Currency", "Hours run", "Instance-hours", "Instance cost", "DB node-hours", "DB cost",
        "Total", "Per 30 days", "Per calendar month",
      ],
      rows, numeric: Set(3...10),
      caption:
        "Total: what the run's hours in that month cost. Per 30 days and per calendar month: the run rate, that pace kept up for 30 days or for the whole month."
    )
    let totals = costTotals(costs)
    out += HTML.table(
      ["Currency", "Instance cost", "Database cost", "Total over the run", "Per 30 days"],
      totals.map { c, t in
        [
          HTML.name(c), Format.grouped(t.instance, decimals: 2), Format.grouped(t.database, decimals: 2),
          "<strong>\(Format.grouped(t.instance + t.database, decimals: 2))</strong>",
          t.hours > 0 ? Format.grouped((t.instance + t.database) / t.hours * CostRecord.thirtyDays, decimals: 2) : "–",
        ]
      }, numeric: [1, 2, 3, 4],
      caption: "Totals over the run, per currency (no conversion between currencies); per 30 days at the run's pace")
    for (currency, _) in totals {
      if let chart = Charts.costs(costs, currency: currency) { out += Charts.figure(chart) }
    }
    return out
  }

  /// Instance and database cost summed per currency, in order of currency name.
  /// Instance and database cost summed per currency, in order of currency name, with the run's
  /// hours (those of one territory: every territory of a currency runs the same hours; 0 when
  /// the run did not record them).
  static func costTotals(_ costs: [CostRecord]) -> [(
    currency: String, totals: (instance: Double, database: Double, hours: Double)
  )] {
    var sums: [String: (instance: Double, database: Double, hours: Double)] = [:]
    var hours: [String: [String: Double]] = [:]
    for c in costs {
      sums[c.currency, default: (0, 0, 0)].instance += c.instanceCost
      sums[c.currency, default: (0, 0, 0)].database += c.databaseCost
      hours[c.currency, default: [:]][c.territory, default: 0] += c.spanHours ?? 0
    }
    for currency in sums.keys { sums[currency]!.hours = hours[currency]?.values.max() ?? 0 }
    return sums.keys.sorted().map { ($0, sums[$0]!) }
  }

  /// Every fault, capacity change and deployment, by territory, with local times.
  static func eventTable(_ events: [EventRecord], autoscaled: Bool = false) -> String {
    guard !events.isEmpty else {
      return "<p class=\"muted\">No faults, capacity changes or deployments in this run"
        + (autoscaled ? " (the autoscalers' scalings are under each territory's Autoscaler).</p>\n" : ".</p>\n")
    }
    let rows = events.map { e -> [String] in
      let when = EventText(e)
      return [
        HTML.name(e.territory), HTML.name(e.kind), HTML.name(e.subject), HTML.escape(when.from), HTML.escape(when.to),
        HTML.name(when.length), HTML.escape(e.label),
      ]
    }
    let classes = events.map { "event-" + RunIndex.style(of: $0).rawValue }
    return HTML.table(
      ["Territory", "Kind", "Subject", "From", "To", "Duration", "What"], rows, numeric: [5], rowClasses: classes,
      caption: "Marked on every chart of the territory: faults in red, capacity changes and deployments in blue")
  }

  /// Where the run came from, and its scenario and topology files.
  static func runDetails(_ run: RunRecord) -> String {
    var facts: [(String, String)] = [
      ("Scenario", run.scenarioName), ("Scenario file", run.scenarioPath),
      ("Scenario SHA-256", run.scenarioHash), ("Topology file", run.topologyPath),
      ("Topology SHA-256", run.topologyHash), ("Kind", run.kind), ("Status", run.status.rawValue),
      ("Seed", String(run.seed)), ("Replications", String(run.replications)),
      ("Horizon", Format.span(seconds: run.horizon)), ("Series window", Format.window(seconds: run.seriesInterval)),
      ("Time zone", run.timeZone.isEmpty ? "–" : run.timeZone), ("Started (UTC)", Format.instant(run.startedAt)),
    ]
    if let id = run.id { facts.insert(("Run", "#\(id)"), at: 0) }
    if let e = run.endedAt { facts.append(("Ended (UTC)", Format.instant(e))) }
    if let w = run.wallSeconds { facts.append(("Wall time", Format.short(w) + " s")) }
    if let r = run.requests { facts.append(("Requests simulated", Format.grouped(Double(r)))) }
    facts += [("Host", run.hostName), ("capsim", run.capsimVersion)]
    facts.append(("Settings", run.settings.isEmpty ? "–" : run.settings.joined(separator: "  ")))
    var out = "<section>\n<h2 id=\"run\">Run</h2>\n<dl class=\"meta\">\n"
    for (k, v) in facts { out += "<dt>\(HTML.escape(k))</dt><dd>\(HTML.escape(v))</dd>\n" }
    out += "</dl>\n"
    for (name, text) in [("Scenario file", run.scenarioText), ("Topology file", run.topologyText)] where !text.isEmpty {
      out += "<details><summary>\(name)</summary><pre><code>\(HTML.escape(text))</code></pre></details>\n"
    }
    return out + "</section>\n"
  }
}
