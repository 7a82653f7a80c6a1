import Foundation
import RunRecords

extension Report {
  /// Writes `index.html` and `report.md` of a capacity plan into `folder` (created if needed).
  package static func writePlan(_ data: PlanData, to folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data(planHTML(data).utf8).write(to: url.appendingPathComponent("index.html"), options: .atomic)
    try Data(planMarkdown(data).utf8).write(to: url.appendingPathComponent("report.md"), options: .atomic)
  }

  /// The front page of `capsim plan --vary --report FOLDER`: the grid and the cheapest point per
  /// territory and period as the command printed them (`summary`), and a link to each point's
  /// page (`point-N/`), which the folder otherwise held alone.
  package static func writeVariedPlan(
    summary: String, points: [(label: String, folder: String, plan: Int64?)], scenario: String, to folder: String
  ) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let title = "capsim plan --vary: \(scenario)"
    var body = "<header><h1>\(HTML.escape(title))</h1></header>\n<section>\n<h2 id=\"points\">Points</h2>\n<ul>\n"
    for p in points {
      body += "<li><a href=\"\(HTML.escape(p.folder))/index.html\">\(HTML.escape(p.label))</a>"
      body += p.plan.map { " <span class=\"muted\">(plan \($0))</span>" } ?? ""
      body += "</li>\n"
    }
    body += "</ul>\n</section>\n<section>\n<h2 id=\"grid\">The grid and the cheapest point</h2>\n"
    // The command's own columns: scrolled sideways on a narrow window rather than cut off.
    body += "<pre style=\"overflow-x: auto; background: var(--panel); padding: 10px; font-size: 12px\">"
    body += "\(HTML.escape(summary))</pre>\n</section>\n"
    try Data(HTML.page(title: title, body: body).utf8).write(
      to: url.appendingPathComponent("index.html"), options: .atomic)
    var md = "# \(title)\n\n## Points\n\n"
    for p in points {
      md += "- [\(p.label)](\(p.folder)/report.md)" + (p.plan.map { " (plan \($0))" } ?? "") + "\n"
    }
    md += "\n## The grid and the cheapest point\n\n```text\n\(summary)```\n"
    try Data(md.utf8).write(to: url.appendingPathComponent("report.md"), options: .atomic)
  }

  static func planTitle(_ plan: PlanRecord) -> String { "capsim plan: \(plan.scenarioName)" }

  /// A plan as one self-contained page: the answers, then per territory and period the cost
  /// against instances over the counts tried with the answer marked, and why, then every
  /// candidate.
  package static func planHTML(_ data: PlanData) -> String {
    let title = planTitle(data.plan)
    var body = "<style>.plan-block { display: flex; flex-wrap: wrap; gap: 4px 28px; align-items: flex-start; }"
    body += " .plan-block figure.chart { flex: 0 1 560px; max-width: 100%; margin: 8px 0 14px; }"
    body += " .plan-block dl.meta { flex: 1 1 300px; margin-top: 12px; }"
    body +=
      " svg text.answer-label { font-weight: 600; font-size: 11.5px; fill: #1d2330; paint-order: stroke; stroke: #fff; stroke-width: 3px; }"
    body += "</style>\n"
    body += planHeader(data, title: title)
    body += "<nav><a href=\"#answers\">Answers</a>"
    for (i, p) in data.periods.enumerated() {
      body += "<a href=\"#period-\(i)\">\(HTML.escape(p.territory)) · \(HTML.escape(p.period))</a>"
    }
    body += "<a href=\"#candidates\">Candidates</a></nav>\n"
    body += planAnswers(data)
    for (i, p) in data.periods.enumerated() {
      body +=
        "<section>\n<h2 id=\"period-\(i)\">Territory \(HTML.escape(p.territory)) · \(HTML.escape(p.period))</h2>\n"
      body += planPeriod(p)
      body += "</section>\n"
    }
    body += planCandidates(data)
    return HTML.page(title: title, body: body)
  }

  static func planHeader(_ data: PlanData, title: String) -> String {
    let p = data.plan
    var facts = [
      "territor\(p.territories.count == 1 ? "y" : "ies") \(p.territories.joined(separator: ", "))",
      "\(p.replications) replications a candidate (up to \(p.maxReplications))",
      "seed \(p.seed) for every candidate (common random numbers)",
    ]
    if let id = p.id { facts.insert("plan #\(id)", at: 0) }
    if p.status != .complete { facts.append(p.status.rawValue) }
    var out = "<header>\n<h1>\(HTML.escape(title))</h1>\n<p class=\"lead\">"
    out += facts.map(HTML.escape).joined(separator: " · ") + "</p>\n<dl class=\"meta\">\n"
    out +=
      "<dt>scenario</dt><dd><code>\(HTML.escape(p.scenarioPath))</code> (SHA-256 \(HTML.escape(String(p.scenarioHash.prefix(12)))))</dd>\n"
    out +=
      "<dt>topology</dt><dd><code>\(HTML.escape(p.topologyPath))</code> (SHA-256 \(HTML.escape(String(p.topologyHash.prefix(12)))))</dd>\n"
    if !p.settings.isEmpty {
      out +=
        "<dt>what-if</dt><dd>" + p.settings.map { "<code>--set \(HTML.escape($0))</code>" }.joined(separator: " ")
        + "</dd>\n"
    }
    let requests = data.candidates.reduce(0) { $0 + $1.requests }
    var searched = "\(data.candidates.count) candidate\(data.candidates.count == 1 ? "" : "s") simulated, "
    searched += "\(Format.grouped(Double(requests))) requests"
    if let wall = p.wallSeconds { searched += ", in \(Format.duration(wall))" }
    if let spared = p.sparedByTheory {
      searched += "; theory ruled out \(spared) count\(spared == 1 ? "" : "s") without simulating"
    }
    out += "<dt>search</dt><dd>\(HTML.escape(searched))</dd>\n"
    out +=
      "<dt>started</dt><dd>\(HTML.escape(Format.instant(p.startedAt))), capsim \(HTML.escape(p.capsimVersion))</dd>\n"
    if let m = p.message { out += "<dt>note</dt><dd>\(HTML.escape(m))</dd>\n" }
    out += "</dl>\n<p class=\"muted\">For each territory and period: the fewest app instances whose verdicts all pass "
    out +=
      "(every objective met at the worse end of its 95% interval). Costs are per 30 days (720 h) in the territory's "
    out += "currency; database nodes are shown apart, since the plan does not change them.</p>\n</header>\n"
    return out
  }

  /// "p95 latency 309 ms ± 1.97 ms < 330 ms" (the class named when it is one).
  /// - Parameter marksWorst: for an answer's binding objective: a worst window over the
  ///   target is marked as `capsim run` marks it.
  static func planVerdict(_ v: VerdictRecord, marksWorst: Bool = false) -> String {
    let what = v.objective + (v.requestClass == "all" ? "" : " (\(v.requestClass))")
    var target = VerdictText.target(v)
    switch v.outcome {
    case "fail" where v.target != nil:
      // A mean that misses is on the other side of its target.
      target = (v.higherIsBetter ? "< " : "> ") + target.dropFirst(2)
    case "marginal": target += " (marginal)"
    default: break
    }
    // As `capsim run` marks it: met over the period, over the target in its worst window.
    var worst = ""
    if marksWorst, v.outcome != "fail", let value = v.worstValue, let t = v.target, v.higherIsBetter ? value < t : value > t {
      worst = " (!) worst window " + VerdictText.worst(v)
    }
    return "\(what) \(VerdictText.measured(v)) \(target)\(worst)"
  }

  /// The same, kept whole where a cell wraps: between the objective, the value, the interval
  /// and the target, never inside one.
  static func planVerdictHTML(_ v: VerdictRecord, marksWorst: Bool = false) -> String {
    let text = planVerdict(v, marksWorst: marksWorst)
    let what = v.objective + (v.requestClass == "all" ? "" : " (\(v.requestClass))")
    var rest = String(text.dropFirst(what.count + 1))
    var parts = [HTML.name(what)]
    // "309 ms ± 1.97 ms < 330 ms": split before the "±" and before the comparison.
    for mark in [" ± ", " < ", " > ", " ≥ "] {
      guard let r = rest.range(of: mark) else { continue }
      parts.append(HTML.name(String(rest[..<r.lowerBound])))
      rest = String(mark.dropFirst()) + rest[r.upperBound...]
    }
    parts.append(HTML.name(rest))
    return parts.joined(separator: " ")
  }

  /// A period's status at a count as a badge: meets (green), marginal, fails (red).
  static func planBadge(_ status: String) -> String {
    let style = ["meets": "pass", "marginal": "marginal", "fails": "fail"][status] ?? "info"
    return "<span class=\"badge \(style)\">\(HTML.escape(status))</span>"
  }

  static func planAnswers(_ data: PlanData) -> String {
    let rows = data.periods.map { p -> [String] in
      [
        HTML.name(p.territory), HTML.name(p.period),
        p.instances.map { "<strong>\($0)</strong>" } ?? HTML.name("none ≤ \(p.cap)"),
        p.instanceCost.map { HTML.escape(Format.money($0, p.currency)) } ?? "–",
        p.binding.map { planVerdictHTML($0, marksWorst: true) } ?? "–", p.bindingTier.map(HTML.name) ?? "–",
        HTML.escape(Format.money(p.databaseCost, p.currency)),
      ]
    }
    return "<section>\n<h2 id=\"answers\">Answers</h2>\n"
      + "<p class=\"muted\">Costs are per 30 days; the database nodes cost the same at any instance count. Each "
      + "period below has its peak demand, why not one fewer and what one more buys.</p>\n"
      + HTML.table(
        ["territory", "period", "instances", "instances cost", "binding objective", "tier", "database nodes"],
        rows, numeric: [2, 3, 6], rowClasses: data.periods.map { $0.instances == nil ? "fail" : nil })
      + "</section>\n"
  }

  /// Why one fewer will not do, in words: the verdicts missed there, or theory's reason.
  static func planFewer(_ p: PlanPeriodRecord) -> String {
    var parts: [String] = []
    if let at = p.fewerInstances {
      let missed = p.fewer.map { v in
        planVerdict(v) + (v.worstWindowLocal.map { ", worst window \(LocalTime.readable($0))" } ?? "")
      }
      parts.append("at \(at): " + (missed.isEmpty ? "no verdict missed (noise)" : missed.joined(separator: "; ")))
    }
    if let reason = p.fewerReason { parts.append(reason) }
    return parts.isEmpty ? "–" : parts.joined(separator: "; ")
  }

  static func planMore(_ p: PlanPeriodRecord) -> String? {
    guard let n = p.instances else { return nil }
    var out = "at \(n + 1):"
    if let now = p.p95, let then = p.moreP95 {
      out += " p95 of all classes \(Format.milliseconds(now)) → \(Format.milliseconds(then)),"
    }
    guard let cost = p.moreCost else { return n >= p.cap ? "nothing: \(n) is the cap" : nil }
    return out + " +\(Format.money(cost, p.currency)) per 30 days"
  }

  static func planPeriod(_ p: PlanPeriodRecord) -> String {
    let title = "\(p.territory) \(p.period): cost per 30 days against instances"
    var out = "<div class=\"plan-block\">\n"
    if p.tried.isEmpty && p.instances == nil {
      out += "<p class=\"muted\">No count was simulated for this period.</p>\n"
    } else {
      out += "<figure class=\"chart\"><figcaption>\(HTML.escape(title))</figcaption>\n"
      out += SVGPlanChart(title: title, period: p).svg() + "\n</figure>\n"
    }
    var facts: [(String, String)] = []
    if let n = p.instances {
      var answer =
        "\(n) instance\(n == 1 ? "" : "s"), \(p.instanceCost.map { Format.money($0, p.currency) } ?? "–") per 30 days"
      if let u = p.appUtilization { answer += " (app CPU \(Format.percent(u)) at the busiest window)" }
      facts.append(("answer", "<strong>\(HTML.escape(answer))</strong>"))
    } else {
      facts.append(("answer", planBadge("fails") + " " + HTML.escape("no count up to \(p.cap) meets every objective")))
    }
    facts.append(
      ("peak demand", HTML.escape("\(Format.short(p.peakRate)) requests/s at \(LocalTime.readable(p.peakLocal))")))
    facts.append(
      (
        "theory",
        HTML.escape(
          p.stableInstances > p.cap
            ? "stable from \(p.stableInstances) (app CPU below 100 % at the peak), past the cap: no count within it was searched"
            : "stable from \(p.stableInstances) (app CPU below 100 % at the peak); the search started at \(p.theoryStart)"
        )
      ))
    facts.append(("cap", HTML.escape("\(p.cap): \(p.capReason)")))
    if let b = p.binding {
      facts.append(("binding", HTML.escape(planVerdict(b, marksWorst: true)) + (p.bindingTier.map { ", tier " + HTML.name($0) } ?? "")))
    }
    facts.append((p.instances == nil ? "at the cap" : "why not one fewer", HTML.escape(planFewer(p))))
    if let more = planMore(p) { facts.append(("one more buys", HTML.escape(more))) }
    facts.append(
      (
        "database nodes",
        HTML.escape("\(Format.money(p.databaseCost, p.currency)) per 30 days, apart: the plan does not change them")
      ))
    let tried = p.tried.map { "\($0.instances) \($0.status)" }.joined(separator: ", ")
    facts.append(("tried", tried.isEmpty ? "–" : HTML.escape(tried)))
    out +=
      "<dl class=\"meta\">\n" + facts.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>\n" }.joined() + "</dl>\n"
    return out + "</div>\n"
  }

  /// Every candidate in the order simulated: its counts, what it cost to simulate, and how each
  /// period of the territories it simulated did.
  static func planCandidates(_ data: PlanData) -> String {
    let territories = data.plan.territories
    let rows = data.candidates.map { c -> [String] in
      let counts = territories.map { t -> String in
        let n = c.instances[t].map(String.init) ?? "–"
        let simulated = c.simulated.contains(t)
        return HTML.name("\(t) \(n)") + (simulated ? "" : " <span class=\"muted\">(known)</span>")
      }
      let statuses = c.statuses.map { s in
        HTML.name("\(s.territory) \(s.period)") + " " + planBadge(s.status)
      }
      return [
        String(c.candidate + 1), counts.joined(separator: ", "), String(c.replications),
        Format.grouped(Double(c.requests)), HTML.name(Format.duration(c.wallSeconds)), statuses.joined(separator: " "),
      ]
    }
    var out = "<section>\n<h2 id=\"candidates\">Candidates</h2>\n"
    out += "<p class=\"muted\">In the order simulated, each with the same seed. A territory marked known was not "
    out +=
      "simulated in that candidate: how it does at that count was known already (its count there need not be its answer). A period meets when every verdict passes, is marginal when "
    out += "an interval still reaches past its target after the most replications, and fails when a mean misses.</p>\n"
    out += HTML.table(
      ["#", "instances", "replications", "requests", "wall time", "periods"], rows, numeric: [0, 2, 3, 4])
    return out + "</section>\n"
  }

  /// The plan in short, for a pull request.
  package static func planMarkdown(_ data: PlanData) -> String {
    let p = data.plan
    var out = "# \(Markdown.escape(planTitle(p)))\n\n"
    var facts = [
      Markdown.escape(p.scenarioPath), "territories " + Markdown.escape(p.territories.joined(separator: ", ")),
      "\(p.replications) replications a candidate (up to \(p.maxReplications))", "seed \(p.seed)",
      Markdown.escape(p.status.rawValue), "capsim \(Markdown.escape(p.capsimVersion))",
    ]
    if let id = p.id { facts.insert("plan #\(id)", at: 0) }
    out += facts.joined(separator: " · ") + "\n\n"
    if !p.settings.isEmpty {
      out += "Settings (--set): " + p.settings.map(Markdown.escape).joined(separator: ", ") + "\n\n"
    }
    if let m = p.message { out += "**Message:** " + Markdown.escape(m) + "\n\n" }
    out += "## Answers\n\n"
    out += Markdown.table(
      [
        "Territory", "Period", "Peak demand", "Instances", "Per 30 days", "Binding objective", "Tier",
        "Database nodes per 30 days",
      ],
      data.periods.map { r in
        [
          Markdown.escape(r.territory), Markdown.escape(r.period),
          "\(Format.short(r.peakRate)) /s at " + Markdown.escape(LocalTime.readable(r.peakLocal)),
          r.instances.map { "**\($0)**" } ?? "❌ **none** up to \(r.cap)",
          r.instanceCost.map { Format.money($0, Markdown.escape(r.currency)) } ?? "–",
          r.binding.map { Markdown.escape(planVerdict($0, marksWorst: true)) } ?? "–", r.bindingTier.map(Markdown.escape) ?? "–",
          Format.money(r.databaseCost, Markdown.escape(r.currency)),
        ]
      })
    out += "\n## Why not one fewer\n\n"
    for r in data.periods {
      out += "- \(Markdown.escape(r.territory)) \(Markdown.escape(r.period)): \(Markdown.escape(planFewer(r)))\n"
    }
    let more = data.periods.compactMap { r in
      planMore(r).map { "- \(Markdown.escape(r.territory)) \(Markdown.escape(r.period)): \(Markdown.escape($0))\n" }
    }
    if !more.isEmpty { out += "\n## What one more buys\n\n" + more.joined() }
    let requests = data.candidates.reduce(0) { $0 + $1.requests }
    out += "\n\(data.candidates.count) candidate\(data.candidates.count == 1 ? "" : "s") simulated, "
    out += "\(Format.grouped(Double(requests))) requests"
    if let wall = p.wallSeconds { out += ", in \(Format.duration(wall))" }
    if let spared = p.sparedByTheory {
      out += "; theory ruled out \(spared) count\(spared == 1 ? "" : "s") without simulating"
    }
    return out + ".\n"
  }
}
