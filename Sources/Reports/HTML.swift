/// HTML building blocks: escaping, tables and badges.
///
/// Every string that comes from a run (scenario name, territory, class, node, path, setting) goes
/// through `escape` before it reaches the page; a scenario called `<script>` is shown, not run.
enum HTML {
  /// Text made safe for element content and quoted attribute values.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  /// A name from a run (territory, node, class, period, scenario), escaped and kept on one line:
  /// a table cell may wrap between words, never inside `de-replica-2`.
  static func name(_ text: String) -> String {
    "<span class=\"nm\">\(escape(text))</span>"
  }

  /// A value with its confidence interval ("161 ms ± 4 ms"), escaped: it may wrap before the
  /// "±", not inside a number and its unit.
  static func measured(_ text: String) -> String {
    guard let r = text.range(of: " ± ") else { return name(text) }
    return name(String(text[..<r.lowerBound])) + " " + name("± " + text[r.upperBound...])
  }

  /// A coloured outcome label: pass, marginal, FAIL, info.
  static func outcomeBadge(_ outcome: String) -> String {
    let o = outcome.lowercased()
    let known = ["pass", "marginal", "fail", "info"].contains(o)
    let label = o == "fail" ? "FAIL" : outcome
    return "<span class=\"badge \(known ? o : "info")\">\(escape(label))</span>"
  }

  /// An outcome's label with its count, for the counts line: a count of 0 is greyed, as a red
  /// "FAIL 0" read as a failure at a glance.
  static func outcomeCount(_ outcome: String, _ count: Int) -> String {
    count > 0
      ? outcomeBadge(outcome) + " \(count) "
      : "<span class=\"badge none\">\(escape(outcome.lowercased() == "fail" ? "FAIL" : outcome))</span> 0 "
  }

  /// A table whose cells are already HTML (callers escape text with `escape`).
  ///
  /// - Parameters:
  ///   - numeric: header indices whose column is right-aligned.
  ///   - rowClasses: optional CSS class per row (same count as `rows`).
  ///   - wrapping: numeric columns that may wrap (values with intervals, see `measured`);
  ///     other numbers stay on one line.
  static func table(
    _ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], wrapping: Set<Int> = [],
    rowClasses: [String?]? = nil, caption: String? = nil
  ) -> String {
    // In a box of its own that scrolls sideways rather than widen the page, should it not fit.
    var out = "<div class=\"table\"><table>\n"
    if let caption { out += "<caption>\(escape(caption))</caption>\n" }
    out += "<thead><tr>"
    for (i, h) in headers.enumerated() {
      out += numeric.contains(i) ? "<th class=\"num\">\(escape(h))</th>" : "<th>\(escape(h))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for (r, row) in rows.enumerated() {
      if let cls = rowClasses?[r] { out += "<tr class=\"\(cls)\">" } else { out += "<tr>" }
      for (i, cell) in row.enumerated() {
        let cls = numeric.contains(i) ? (wrapping.contains(i) ? "num wrap" : "num") : nil
        out += cls.map { "<td class=\"\($0)\">\(cell)</td>" } ?? "<td>\(cell)</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody>\n</table></div>\n"
  }

  /// A complete page with the report style sheet inlined, so the file needs nothing else.
  static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title>
    <style>
    \(style)
    </style>
    </head>
    <body>
    \(body)
    </body>
    </html>

    """
  }

  /// System fonts only (no downloads); SVG text and lines are styled here rather than per element
  /// to keep long charts small.
  static let style = """
    :root { --fg: #1d2330; --muted: #5b6476; --line: #d9dee7; --bg: #ffffff; --panel: #f6f8fb;
      --pass: #1e7b34; --pass-bg: #e3f4e7; --marginal: #8a5a00; --marginal-bg: #fff1cc;
      --fail: #b3261e; --fail-bg: #fde3e1; }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 1240px; padding: 24px 28px 64px; color: var(--fg); background: var(--bg);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
    h3 { font-size: 15px; margin: 22px 0 8px; }
    p.lead { color: var(--muted); margin: 0 0 16px; }
    nav { background: var(--panel); padding: 8px 12px; border-radius: 6px; margin: 12px 0 8px; }
    nav a { margin-right: 14px; color: #174ea6; text-decoration: none; }
    dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
    dl.meta dt { color: var(--muted); }
    dl.meta dd { margin: 0; overflow-wrap: anywhere; }
    code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    div.table { max-width: 100%; overflow-x: auto; margin: 8px 0 16px; }
    table { border-collapse: collapse; font-size: 13px; }
    caption { text-align: left; color: var(--muted); padding: 2px 0 6px; }
    th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: var(--panel); font-weight: 600; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    td.num { white-space: nowrap; }
    td.num.wrap { white-space: normal; }
    .nm { white-space: nowrap; }
    code.wrap { white-space: normal; overflow-wrap: anywhere; }
    tr.fail td { background: var(--fail-bg); }
    tr.marginal td { background: var(--marginal-bg); }
    tr.event-fault td:first-child { box-shadow: inset 3px 0 #d64541; }
    tr.event-change td:first-child { box-shadow: inset 3px 0 #2f6fb5; }
    tr.worse td { background: var(--fail-bg); }
    tr.better td { background: var(--pass-bg); }
    .badge { display: inline-block; min-width: 56px; text-align: center; padding: 1px 6px; border-radius: 10px;
      font-weight: 600; font-size: 12px; }
    .badge.pass { color: var(--pass); background: var(--pass-bg); }
    .badge.marginal { color: var(--marginal); background: var(--marginal-bg); }
    .badge.fail { color: #fff; background: var(--fail); }
    .badge.info { color: var(--muted); background: var(--panel); }
    .badge.none { color: var(--muted); background: none; box-shadow: inset 0 0 0 1px var(--line); }
    .counts .badge { margin-right: 6px; }
    .delta-worse { color: var(--fail); }
    .delta-better { color: var(--pass); }
    .delta-none { color: var(--muted); }
    .muted { color: var(--muted); }
    p.warning { color: var(--marginal); background: var(--marginal-bg); padding: 6px 10px; border-radius: 4px; }
    figure.chart { margin: 14px 0 22px; }
    figure.chart figcaption { font-weight: 600; margin-bottom: 2px; }
    figure.chart svg { display: block; width: 100%; height: auto; background: #fff; }
    svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #3a4150; }
    svg .grid { stroke: #e6e9ef; stroke-width: 1; }
    svg .axis { stroke: #8b93a3; stroke-width: 1; }
    svg .band { fill: #fbf3dc; }
    svg text.band-label { fill: #8a6d1f; font-size: 10.5px; paint-order: stroke; stroke: #fbf3dc; stroke-width: 3px; }
    svg .mark.fault { fill: #d64541; fill-opacity: 0.14; }
    svg .mark.change { fill: #2f6fb5; fill-opacity: 0.12; }
    svg .mark-edge.fault { stroke: #c0392b; stroke-width: 1.2; }
    svg .mark-edge.change { stroke: #2f6fb5; stroke-width: 1.2; }
    svg text.mark-label { font-size: 10.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
    svg text.mark-label.fault { fill: #a93226; }
    svg text.mark-label.change { fill: #22538a; }
    svg .tick.scale-up { stroke: #2f6fb5; stroke-width: 1.4; }
    svg .tick.scale-down { stroke: #d35400; stroke-width: 1.4; }
    ul.changes code { white-space: pre-wrap; overflow-wrap: anywhere; }
    ul.changes li { margin: 2px 0; }
    svg text.axis-title { fill: var(--muted); }
    svg text.note { fill: var(--muted); font-size: 10.5px; }
    svg text.clipped { font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
    details pre { background: var(--panel); padding: 10px; overflow-x: auto; font-size: 12px; }
    @media print { body { max-width: none; } nav { display: none; } figure.chart { break-inside: avoid; } }
    """
}
