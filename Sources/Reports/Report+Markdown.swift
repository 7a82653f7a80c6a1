import RunRecords

extension Report {
  /// A compact report for a pull request: header, verdict counts and table, faults and changes,
  /// key peaks, costs.
  ///
  /// Per-class verdicts that pass are counted, not listed, to keep the table short; the HTML
  /// report has them all.
  package static func markdown(_ data: RunData) -> String {
    let index = RunIndex(data)
    var out = "# \(Markdown.escape(title(data.run)))\n\n"
    out += Markdown.runLine(data.run) + "\n\n"
    if let hybrid = hybridLine(data) { out += "**Hybrid run:** " + hybrid + "\n\n" }
    out += "**Verdicts:** " + Markdown.counts(data.verdicts) + "\n\n"
    if let stations = NetworkStations(data.networkSummary) { out += "## Stations\n\n" + stations.markdown() + "\n" }
    out += "## SLO verdicts\n\n" + Markdown.verdictTable(data.verdicts) + "\n"
    let summaries = AutoscalerSummary.summaries(data)
    out += "## Faults and changes\n\n" + Markdown.events(data.events, autoscaled: !summaries.isEmpty) + "\n"
    if !summaries.isEmpty {
      out += "## Autoscalers\n\n"
      out += Markdown.table(
        ["Territory"] + AutoscalerSummary.columns,
        summaries.map { s in [Markdown.escape(s.territory), Markdown.escape(s.autoscaler)] + s.cells.dropFirst() })
      out += "\nPer replication; the HTML report has the pods sync by sync and why.\n\n"
    }
    // A queueing-network run without series has no territory to give peaks of.
    if !index.territories.isEmpty {
      out += "## Key peaks\n\n"
      out +=
        Markdown.table(
          [
            index.isNetwork ? "Network" : "Territory", "Peak p95", "Peak demand", "Max instances (window mean)",
            "Peak app CPU", index.isNetwork ? "Peak station utilization" : "Peak DB utilization",
            "Max replica lag",
          ],
          index.territories.map { t in
            let f = index.figures(t)
            return [
              Markdown.escape(t), Markdown.peak(f.p95, Format.milliseconds),
              Markdown.peak(f.demand) { Format.short($0) + " req/s" }, Markdown.peak(f.instances, Format.short),
              Markdown.peak(f.appCPU) { Format.percent($0) },
              Markdown.peak(f.databaseUtilization) { Format.percent($0) },
              Markdown.peak(f.replicaLag, Format.duration),
            ]
          }) + "\n"
    }
    if !data.locks.isEmpty {
      out +=
        "## Row locks\n\n" + Markdown.table(lockColumns, data.locks.map { lockCells($0).map(Markdown.escape) }) + "\n"
    }
    out += "## Cost over the run, and per 30 days\n\n" + Markdown.costs(data.costs)
    return out
  }
}

extension Report {
  /// How a hybrid run advanced its windows (nil for a run request by request throughout).
  static func hybridLine(_ data: RunData) -> String? {
    let modes = data.series.filter { $0.tier == "all" && $0.requestClass == "all" }.compactMap(\.mode)
    guard !modes.isEmpty else { return nil }
    let count = { (m: String) in modes.filter { $0 == m }.count }
    return "of \(modes.count) territory windows, \(count("fluid")) computed by the queueing model, "
      + "\(count("mixed")) partly and \(count("request")) request by request; the computed numbers come "
      + "from the model, not from simulated requests"
  }
}

/// Markdown pieces shared by the run and comparison reports.
enum Markdown {
  /// Text that renders as itself in a GitHub table cell: Markdown punctuation and HTML escaped.
  static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "\\", "`", "*", "_", "[", "]", "|", "#", "~": out += "\\\(c)"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "\n", "\r": out += " "
      default: out.append(c)
      }
    }
    return out
  }

  static func table(_ headers: [String], _ rows: [[String]]) -> String {
    var out = "| " + headers.joined(separator: " | ") + " |\n"
    out += "|" + headers.map { _ in " --- |" }.joined() + "\n"
    for r in rows { out += "| " + r.joined(separator: " | ") + " |\n" }
    return out
  }

  /// "`scenario.yaml` · 7 days, hourly windows · Europe/Berlin · 10 replications · seed 42 · complete".
  static func runLine(_ run: RunRecord) -> String {
    var facts = [
      escape(run.scenarioPath),
      "\(Format.span(seconds: run.horizon)) simulated"
        + (run.seriesInterval > 0 ? ", \(Format.window(seconds: run.seriesInterval)) windows" : ", no series"),
      "\(run.replications) replication\(run.replications == 1 ? "" : "s")", "seed \(run.seed)",
      escape(run.status.rawValue), "capsim \(escape(run.capsimVersion))",
    ]
    if !run.timeZone.isEmpty { facts.insert(escape(run.timeZone), at: 2) }
    var out = facts.filter { !$0.isEmpty }.joined(separator: " · ")
    if !run.settings.isEmpty { out += "\n\nSettings (--set): " + run.settings.map(escape).joined(separator: ", ") }
    if let m = run.message { out += "\n\n**Message:** " + escape(m) }
    return out
  }

  /// "12 pass · 2 marginal · **1 FAIL**".
  static func counts(_ verdicts: [VerdictRecord]) -> String {
    VerdictText.counts(verdicts).filter { $0.count > 0 || ["pass", "marginal", "fail"].contains($0.outcome) }
      .map { $0.outcome == "fail" ? ($0.count > 0 ? "**\($0.count) FAIL**" : "0 FAIL") : "\($0.count) \($0.outcome)" }
      .joined(separator: " · ")
  }

  static func outcome(_ o: String) -> String {
    switch o.lowercased() {
    case "fail": "❌ **FAIL**"
    case "marginal": "⚠️ marginal"
    case "pass": "✅ pass"
    default: escape(o)
    }
  }

  /// Verdicts for all classes together, and per-class verdicts that do not pass.
  static func verdictTable(_ verdicts: [VerdictRecord]) -> String {
    guard !verdicts.isEmpty else { return "No verdicts recorded.\n" }
    let shown = verdicts.filter { $0.requestClass == "all" || VerdictText.rank($0.outcome) > 0 }
    var out = table(
      ["Territory", "Period", "Class", "Objective", "Measured", "Target", "Outcome", "Worst window"],
      shown.map { v in
        [
          escape(v.territory), escape(v.period), escape(v.requestClass), escape(v.objective),
          VerdictText.measured(v), VerdictText.target(v), outcome(v.outcome), escape(VerdictText.worst(v)),
        ]
      })
    out += hiddenNote(verdicts.filter { $0.requestClass != "all" && VerdictText.rank($0.outcome) == 0 })
    // A waived class says why, once.
    var waivers: [String] = []
    for v in verdicts where v.outcome.lowercased() == "waived" {
      let line = "- \(escape(v.territory)) \(escape(v.requestClass)): waived, \(escape(v.note ?? "no reason given"))"
      if !waivers.contains(line) { waivers.append(line) }
    }
    if !waivers.isEmpty { out += "\n" + waivers.joined(separator: "\n") + "\n" }
    return out
  }

  /// "14 per-class verdicts are not listed: 12 pass, 2 info." (nothing when none are hidden),
  /// so that the counts above a table add up with its rows.
  static func hiddenNote(_ hidden: [VerdictRecord]) -> String {
    guard !hidden.isEmpty else { return "" }
    let counts = VerdictText.counts(hidden).filter { $0.count > 0 }.map { "\($0.count) \(escape($0.outcome))" }
    let verdicts = hidden.count == 1 ? "verdict is" : "verdicts are"
    return "\n\(hidden.count) per-class \(verdicts) not listed: \(counts.joined(separator: ", ")).\n"
  }

  /// Faults, capacity changes and deployments, with local times.
  static func events(_ events: [EventRecord], autoscaled: Bool = false) -> String {
    guard !events.isEmpty else {
      return "No faults, capacity changes or deployments in this run"
        + (autoscaled ? " (the autoscalers' scalings are under Autoscalers).\n" : ".\n")
    }
    return table(
      ["Territory", "Kind", "Subject", "From", "To", "Duration", "What"],
      events.map { e in
        let when = EventText(e)
        return [
          escape(e.territory), escape(e.kind), escape(e.subject), escape(when.from), escape(when.to),
          escape(when.length), escape(e.label),
        ]
      })
  }

  static func peak(_ p: RunIndex.Peak?, _ format: (Double) -> String) -> String {
    guard let p else { return "–" }
    let source = p.source.isEmpty ? "" : escape(p.source) + ", "
    return format(p.value) + " (" + source + escape(p.local) + ")"
  }

  static func costs(_ costs: [CostRecord]) -> String {
    guard !costs.isEmpty else { return "No costs recorded.\n" }
    var out = table(
      ["Month", "Territory", "Instances", "Database", "Total", "Per 30 days", "Per calendar month"],
      costs.sorted { ($0.month, $0.territory) < ($1.month, $1.territory) }.map { c in
        [
          escape(Charts.monthLabel(c.month)), escape(c.territory), Format.money(c.instanceCost, escape(c.currency)),
          Format.money(c.databaseCost, escape(c.currency)),
          "**" + Format.money(c.instanceCost + c.databaseCost, escape(c.currency)) + "**",
          c.per30Days.map { Format.money($0, escape(c.currency)) } ?? "–",
          c.perCalendarMonth.map { Format.money($0, escape(c.currency)) } ?? "–",
        ]
      })
    out += "\n**Total over the run:** "
    out += Report.costTotals(costs).map { Format.money($0.totals.instance + $0.totals.database, escape($0.currency)) }
      .joined(separator: " · ")
    let rates = Report.costTotals(costs).filter { $0.totals.hours > 0 }.map {
      Format.money(
        ($0.totals.instance + $0.totals.database) / $0.totals.hours * CostRecord.thirtyDays, escape($0.currency))
    }
    if !rates.isEmpty { out += "\n\n**Per 30 days at the run's pace:** " + rates.joined(separator: " · ") }
    return out + "\n"
  }
}
