import Foundation
import RunRecords

/// `capsim autoscale`: the comparison per territory as terminal text, Markdown and one HTML page.
extension Report {
  package static func writeAutoscale(_ data: AutoscaleData, to folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data(autoscaleHTML(data).utf8).write(to: url.appendingPathComponent("index.html"), options: .atomic)
    try Data(autoscaleMarkdown(data).utf8).write(to: url.appendingPathComponent("report.md"), options: .atomic)
  }

  /// A recorded date as every listing shows it: "2026-12-07 10:30:00", in the local time zone
  /// (`runs` and `plans` too; `autoscales` showed ISO 8601 in UTC).
  package static func listedTime(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return f.string(from: date)
  }

  /// The rules (`derived HPA`, `HPA + cron`) of a territory that broke on the held-out seeds as
  /// they are: what the exit status follows.
  static func brokeOnHeldOutSeeds(_ rows: [AutoscaleRow], territory: String) -> [String] {
    let suffix = ": held-out seeds"
    return rows.filter {
      $0.territory == territory && $0.section == .verification && $0.name.hasSuffix(suffix) && !$0.holds
    }
    .map { String($0.name.dropLast(suffix.count)) }
  }

  /// `capsim autoscales`: the recorded derivations, newest first.
  package static func autoscalesList(_ all: [AutoscaleData]) -> String {
    let rows = all.map { d -> [String] in
      let r = d.record
      return [
        "\(r.id ?? 0)", Self.listedTime(r.startedAt), r.scenarioPath + (r.settings.isEmpty ? "" : " (what-if)"),
        r.territories.joined(separator: ","),
        r.status.rawValue, r.wallSeconds.map(Format.duration) ?? "-",
        "\(d.pools.filter { $0.found && brokeOnHeldOutSeeds(d.rows, territory: $0.territory).isEmpty }.count)/\(d.pools.count)",
      ]
    }
    // The whole derivation's time: search and verification (the table's "Search:" is the search alone).
    return TextColumns.render(
      header: ["id", "started", "scenario", "territories", "status", "total time", "rules held"], rows: rows)
  }

  /// The derivation as JSON, snake-case keys, as it is recorded.
  package static func autoscaleJSON(_ data: AutoscaleData) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(data), as: UTF8.self)
  }

  static let autoscaleColumns = [
    "strategy", "pod-hours", "vs static", "vs oracle", "cost / 30 d", "SLO-violation min", "worst p95",
    "peak windows met", "scaling events", "reversals / h",
  ]

  /// The cells of a strategy or candidate row, against static peak provisioning and the oracle.
  static func autoscaleCells(_ r: AutoscaleRow, rows: [AutoscaleRow]) -> [String] {
    let mine = rows.filter { $0.territory == r.territory && $0.section == .strategy }
    func relative(_ name: String) -> String {
      guard let base = mine.first(where: { $0.name == name }), base.podHours > 0 else { return "-" }
      return String(format: "%.2fx", r.podHours / base.podHours)
    }
    return [
      r.name, String(format: "%.1f", r.podHours), relative("static peak"), relative("oracle"),
      Format.money(r.costPer30Days, r.currency), String(format: "%.0f", r.violationMinutes),
      r.worstP95.map(Format.milliseconds) ?? "-",
      "\(Format.percent(r.peakShare, decimals: 1)) of \(r.peakWindows)", String(format: "%.1f", r.scalingEvents),
      String(format: "%.2f", r.reversalsPerHour),
    ]
  }

  /// A row's cells for HTML: the first (a rule's name) may wrap, the figures stay whole.
  static func cells(_ texts: [String]) -> [String] {
    texts.enumerated().map { i, text in i == 0 ? HTML.escape(text) : HTML.name(text) }
  }

  static func verificationCells(_ r: AutoscaleRow) -> [String] {
    [
      r.name, holdsText(r), "\(Format.percent(r.peakShare, decimals: 1)) of \(r.peakWindows)",
      String(format: "%.0f", r.violationMinutes), r.worstP95.map(Format.milliseconds) ?? "-",
      String(format: "%.1f", r.podHours), brokeText(r),
    ]
  }

  /// A verification row's verdict: a rule holds with a few peak windows missed (within the
  /// share allowed), which the row says rather than leave a worst p95 past the target
  /// unexplained beside "holds".
  static func holdsText(_ r: AutoscaleRow) -> String {
    guard r.holds else { return "breaks" }
    let missed = r.peakWindows - r.peakWindowsMet
    return missed > 0 ? "holds (\(missed) peak window\(missed == 1 ? "" : "s") missed, allowed)" : "holds"
  }

  /// What broke a verification row. Rows recorded before it was kept name only failed
  /// verdicts; one that broke without any says so rather than "-".
  static func brokeText(_ r: AutoscaleRow) -> String {
    if !r.failed.isEmpty { return r.failed.joined(separator: "; ") }
    return r.holds ? "-" : "peak windows met or reversals per hour"
  }

  static let verificationColumns = [
    "rule and variant", "verdict", "peak windows met", "SLO-violation min", "worst p95", "pod-hours", "what broke",
  ]

  /// Said under the verification, as the exit status (and the README) has it.
  static let variantsNote =
    "The variants (demand +20%, database 25% slower, an instance crash) are reported, not gated: the exit status follows the held-out seeds as they are."

  /// The total wall time of a derivation and what of it was not the search.
  static func timeText(_ data: AutoscaleData) -> String? {
    guard let total = data.record.wallSeconds else { return nil }
    let search = data.pools.map(\.wallSeconds).reduce(0, +)
    return
      "total \(Format.duration(total)): search \(Format.duration(search)), verification and writing \(Format.duration(max(0, total - search)))"
  }

  /// A derivation that did not complete: what was run and how it ended, as `capsim plans` shows
  /// a plan that did not.
  package static func autoscaleIncomplete(_ data: AutoscaleData) -> String {
    let r = data.record
    var out =
      "derivation \(r.id ?? 0): \(r.scenarioName), territories \(r.territories.joined(separator: ", ")), \(r.status.rawValue)\n"
    out += "scenario \(r.scenarioPath) sha256 \(r.scenarioHash.prefix(12)), seed \(r.seed)\n"
    out +=
      "capsim \(r.capsimVersion), replications \(r.replications) a candidate (up to \(r.maxReplications)), \(r.heldOut) held out, started \(listedTime(r.startedAt))"
    out += (r.endedAt.map { ", ended \(listedTime($0))" } ?? "") + "\n"
    if !r.settings.isEmpty { out += "--set " + r.settings.joined(separator: " --set ") + "\n" }
    if let m = r.message { out += "note: \(m)\n" }
    return out + "\nno comparison: the derivation did not complete"
      + (r.status == .interrupted ? ", and an interrupted one writes no manifests\n" : "\n")
  }

  /// What a pool's bounds and rule came from, in sentences.
  static func autoscaleFacts(_ p: AutoscalePool) -> [String] {
    var out = [
      "minReplicas \(p.minReplicas): the quietest hour needs \(p.quietestNeed) (planner), at least 2 so one pod's loss is not an outage.",
      "maxReplicas \(p.maxReplicas): the busiest hour's need of \(p.peakNeed) with room (1.5x, and at least 2 more), within \(p.cap) (\(p.capReason)).",
      "Static peak provisioning: \(p.staticPeak) instance\(p.staticPeak == 1 ? "" : "s"), the planner's answer for the busiest period (its requests as a whole meet the objectives"
        + (p.peakNeed > p.staticPeak ? "; its busiest single hour needs \(p.peakNeed))" : ")")
        + (p.staticPeak < p.minReplicas
          ? ", fewer than the rules' minReplicas \(p.minReplicas): it runs without a spare pod." : "."),
      p.found
        ? "Derived HPA: \(p.chosen), the cheapest candidate that held."
        : "Derived HPA: no candidate held; \(p.chosen) came nearest. Consider more capacity per pod or a lower target range.",
      "Judged on: \(p.judgedOn.joined(separator: ", ")).",
    ]
    if p.cronWindows > 0 { out.append("HPA + cron: \(p.cronWindows) cron windows from the planner's hourly needs.") }
    if let e = p.forecastError {
      out.append(
        "Predictive: cron floors from a day-ahead forecast of the demand (Holt-Winters, a weekly profile or last week, chosen on the day before) over the 4 weeks before; mean absolute error \(Format.percent(e)) of the mean rate."
      )
    }
    out.append(
      "Search: \(Format.grouped(Double(p.simulatedRequests))) requests simulated in \(Format.duration(p.wallSeconds)) (the search alone, before the verification)."
    )
    return out
  }

  /// The derivation as terminal text: per territory the facts, the comparison, the candidates
  /// and the verification. `recorded`: shown again from the database (`capsim autoscales ID`),
  /// which writes no manifest, so its files are said to be the derivation's.
  package static func autoscaleTable(_ data: AutoscaleData, recorded: Bool = false) -> String {
    // A one-day what-if would read as the scenario's whole span without its settings.
    var out =
      data.record.settings.isEmpty ? "" : "what-if: --set " + data.record.settings.joined(separator: " --set ") + "\n\n"
    for p in data.pools {
      out += "Territory \(p.territory)\n"
      for fact in autoscaleFacts(p) { out += "  \(fact)\n" }
      let rows = data.rows.filter { $0.territory == p.territory }
      out +=
        "\n"
        + TextColumns.render(
          header: autoscaleColumns,
          rows: rows.filter { $0.section == .strategy }.map { autoscaleCells($0, rows: data.rows) })
      out += "\n\nCandidates (common random numbers; * held)\n"
      out += TextColumns.render(
        header: autoscaleColumns,
        rows: rows.filter { $0.section == .candidate }.map { r in
          var cells = autoscaleCells(r, rows: data.rows)
          cells[0] = (r.holds ? "* " : "  ") + cells[0]
          return cells
        })
      let checks = rows.filter { $0.section == .verification }
      if !checks.isEmpty {
        out += "\n\nVerification on held-out seeds (the manifests as written, read back)\n"
        out += TextColumns.render(header: verificationColumns, rows: checks.map(verificationCells))
        out += "\n" + variantsNote
        let broken = brokeOnHeldOutSeeds(data.rows, territory: p.territory)
        if !broken.isEmpty {
          out +=
            "\n\(p.territory): the \(broken.joined(separator: " and ")) rule broke on the held-out seeds as they are (exit status 3); its manifest is written as .failed.yaml, beside the one in use."
        }
      }
      out += "\n\n"
    }
    if let time = timeText(data) { out += "Time: \(time).\n" }
    if recorded {
      if !data.manifests.isEmpty {
        out += "the derivation wrote " + data.manifests.map(\.file).joined(separator: ", ") + "\n"
      }
    } else {
      for m in data.manifests { out += "wrote \(m.file)\n" }
    }
    return out
  }

  package static func autoscaleMarkdown(_ data: AutoscaleData) -> String {
    let r = data.record
    var out = "# capsim autoscale: \(Markdown.escape(r.scenarioName))\n\n"
    out += "Scenario `\(r.scenarioPath)` (SHA-256 \(r.scenarioHash.prefix(12))), seed \(r.seed), "
    out += "\(r.replications) replications a candidate (up to \(r.maxReplications) near the boundary), "
    out += "verified on \(r.heldOut) held-out. A rule holds when no verdict fails, at least "
    out += "\(Format.percent(r.peakShare)) of peak windows meet p95 and error targets, and it reverses at most "
    out += "\(r.maxReversalsPerHour) times per pool-hour."
    if let time = timeText(data) { out += " Time: \(time)." }
    if !data.record.settings.isEmpty {
      out += " What-if: " + data.record.settings.map { "`--set \($0)`" }.joined(separator: " ") + "."
    }
    out += "\n\n"
    for p in data.pools {
      out += "## Territory \(Markdown.escape(p.territory))\n\n"
      for fact in autoscaleFacts(p) { out += "- \(Markdown.escape(fact))\n" }
      let rows = data.rows.filter { $0.territory == p.territory }
      out +=
        "\n"
        + Markdown.table(
          autoscaleColumns,
          rows.filter { $0.section == .strategy }.map { autoscaleCells($0, rows: data.rows).map(Markdown.escape) })
      out += "\n### Candidates\n\n"
      out += Markdown.table(
        ["holds"] + autoscaleColumns,
        rows.filter { $0.section == .candidate }.map {
          ([$0.holds ? "yes" : "no"] + autoscaleCells($0, rows: data.rows)).map(Markdown.escape)
        })
      let checks = rows.filter { $0.section == .verification }
      if !checks.isEmpty {
        out +=
          "\n### Verification on held-out seeds\n\n"
          + Markdown.table(verificationColumns, checks.map { verificationCells($0).map(Markdown.escape) })
          + "\n\(Markdown.escape(variantsNote))\n"
      }
      out += "\n### Manifests\n\n"
      for m in data.manifests where m.territory == p.territory { out += "- \(Markdown.escape(m.file))\n" }
      out += "\n"
    }
    return out
  }

  package static func autoscaleHTML(_ data: AutoscaleData) -> String {
    let r = data.record
    let title = "capsim autoscale: \(r.scenarioName)"
    // A manifest's comment lines are long: they wrap rather than widen the page.
    var body = "<style>pre.manifest { white-space: pre-wrap; overflow-wrap: anywhere; }</style>\n"
    body += "<header>\n<h1>\(HTML.escape(title))</h1>\n<p class=\"lead\">"
    var facts = [
      "territor\(r.territories.count == 1 ? "y" : "ies") \(r.territories.joined(separator: ", "))",
      "\(r.replications) replications a candidate (up to \(r.maxReplications))", "seed \(r.seed) for every candidate",
      "verified on \(r.heldOut) held-out replications",
    ]
    if let id = r.id { facts.insert("derivation #\(id)", at: 0) }
    body += facts.map(HTML.escape).joined(separator: " · ") + "</p>\n<dl class=\"meta\">\n"
    body +=
      "<dt>scenario</dt><dd><code>\(HTML.escape(r.scenarioPath))</code> (SHA-256 \(HTML.escape(String(r.scenarioHash.prefix(12)))))</dd>\n"
    if !r.settings.isEmpty {
      body +=
        "<dt>what-if</dt><dd>" + r.settings.map { "<code>--set \(HTML.escape($0))</code>" }.joined(separator: " ")
        + "</dd>\n"
    }
    if let time = timeText(data) { body += "<dt>time</dt><dd>\(HTML.escape(time))</dd>\n" }
    body +=
      "<dt>started</dt><dd>\(HTML.escape(Format.instant(r.startedAt))), capsim \(HTML.escape(r.capsimVersion))</dd>\n"
    body +=
      "</dl>\n<p class=\"muted\">A rule holds when no verdict fails, at least \(HTML.escape(Format.percent(r.peakShare))) "
    body += "of peak windows (at least half the busiest window's requests) meet their p95 and error targets over the "
    body +=
      "replications, and it reverses direction at most \(r.maxReversalsPerHour) times per pool-hour. Pod-hours and "
    body += "costs are per replication; the oracle is the planner's hour-by-hour minimum, known in hindsight. It is "
    body +=
      "judged like the rest: where it misses (shaded), the planner's rule per window (the mean p95 over replications "
    body +=
      "within its target) was looser than a rule's share of peak windows, so it bounds the cost from below but is "
    body += "not itself a rule that holds.</p>\n</header>\n"
    for p in data.pools {
      body += "<section>\n<h2>Territory \(HTML.escape(p.territory))</h2>\n<ul>\n"
      for fact in autoscaleFacts(p) { body += "<li>\(HTML.escape(fact))</li>\n" }
      body += "</ul>\n"
      let rows = data.rows.filter { $0.territory == p.territory }
      let strategies = rows.filter { $0.section == .strategy }
      let chart = SVGBarChart(
        title: "Pod-hours per replication by strategy (the oracle: each hour's fewest pods, known in advance)",
        unit: "pod-hours",
        categories: strategies.map(\.name), segments: [.init(name: "pod-hours", color: SVG.color(0))],
        values: strategies.map { [$0.podHours] })
      body += "<figure class=\"chart\">\(chart.svg())</figure>\n"
      body += "<h3>Strategies</h3>\n"
      body += "<p class=\"muted\">The manifests (below) were read back and verified on held-out seeds.</p>\n"
      body += HTML.table(
        autoscaleColumns, strategies.map { cells(autoscaleCells($0, rows: data.rows)) },
        numeric: Set(1..<autoscaleColumns.count), rowClasses: strategies.map { $0.holds ? nil : "fail" })
      let candidates = rows.filter { $0.section == .candidate }
      body += "<h3>Candidates</h3>\n"
      body += HTML.table(
        ["holds"] + autoscaleColumns,
        candidates.map { [$0.holds ? "yes" : "no"] + cells(autoscaleCells($0, rows: data.rows)) },
        numeric: Set(2...autoscaleColumns.count), rowClasses: candidates.map { $0.holds ? nil : "fail" })
      let checks = rows.filter { $0.section == .verification }
      if !checks.isEmpty {
        body += "<h3>Verification on held-out seeds</h3>\n"
        body += HTML.table(
          verificationColumns,
          checks.map { v in
            var c = cells(verificationCells(v))
            c[6] = HTML.escape(verificationCells(v)[6])
            return c
          }, numeric: [2, 3, 4, 5],
          rowClasses: checks.map { $0.holds ? nil : "fail" })
        body += "<p class=\"muted\">\(HTML.escape(variantsNote))</p>\n"
      }
      for m in data.manifests where m.territory == p.territory {
        body +=
          "<details><summary><code>\(HTML.escape(m.file))</code></summary>\n<pre class=\"manifest\">\(HTML.escape(m.text))</pre></details>\n"
      }
      body += "</section>\n"
    }
    return HTML.page(title: title, body: body)
  }
}
