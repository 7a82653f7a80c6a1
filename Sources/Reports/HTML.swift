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

  /// A coloured outcome label: pass, marginal, FAIL, info.
  static func outcomeBadge(_ outcome: String) -> String {
    let o = outcome.lowercased()
    let known = ["pass", "marginal", "fail", "info"].contains(o)
    let label = o == "fail" ? "FAIL" : outcome
    return "<span class=\"badge \(known ? o : "info")\">\(escape(label))</span>"
  }

  /// A table whose cells are already HTML (callers escape text with `escape`).
  ///
  /// - Parameters:
  ///   - numeric: header indices whose column is right-aligned.
  ///   - rowClasses: optional CSS class per row (same count as `rows`).
  static func table(
    _ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], rowClasses: [String?]? = nil,
    caption: String? = nil
  ) -> String {
    var out = "<table>\n"
    if let caption { out += "<caption>\(escape(caption))</caption>\n" }
    out += "<thead><tr>"
    for (i, h) in headers.enumerated() {
      out += numeric.contains(i) ? "<th class=\"num\">\(escape(h))</th>" : "<th>\(escape(h))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for (r, row) in rows.enumerated() {
      if let cls = rowClasses?[r] { out += "<tr class=\"\(cls)\">" } else { out += "<tr>" }
      for (i, cell) in row.enumerated() {
        out += numeric.contains(i) ? "<td class=\"num\">\(cell)</td>" : "<td>\(cell)</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody>\n</table>\n"
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
    table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
    caption { text-align: left; color: var(--muted); padding: 2px 0 6px; white-space: nowrap; }
    th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: var(--panel); font-weight: 600; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.fail td { background: var(--fail-bg); }
    tr.marginal td { background: var(--marginal-bg); }
    tr.worse td { background: var(--fail-bg); }
    tr.better td { background: var(--pass-bg); }
    .badge { display: inline-block; min-width: 62px; text-align: center; padding: 1px 8px; border-radius: 10px;
      font-weight: 600; font-size: 12px; }
    .badge.pass { color: var(--pass); background: var(--pass-bg); }
    .badge.marginal { color: var(--marginal); background: var(--marginal-bg); }
    .badge.fail { color: #fff; background: var(--fail); }
    .badge.info { color: var(--muted); background: var(--panel); }
    .counts .badge { margin-right: 6px; }
    .delta-worse { color: var(--fail); }
    .delta-better { color: var(--pass); }
    .delta-none { color: var(--muted); }
    .muted { color: var(--muted); }
    figure.chart { margin: 14px 0 22px; }
    figure.chart figcaption { font-weight: 600; margin-bottom: 2px; }
    figure.chart svg { display: block; width: 100%; height: auto; background: #fff; }
    svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #3a4150; }
    svg .grid { stroke: #e6e9ef; stroke-width: 1; }
    svg .axis { stroke: #8b93a3; stroke-width: 1; }
    svg .band { fill: #fbf3dc; }
    svg text.band-label { fill: #8a6d1f; font-size: 10.5px; paint-order: stroke; stroke: #fbf3dc; stroke-width: 3px; }
    svg text.axis-title { fill: var(--muted); }
    svg text.note { fill: var(--muted); font-size: 10.5px; }
    details pre { background: var(--panel); padding: 10px; overflow-x: auto; font-size: 12px; }
    @media print { body { max-width: none; } nav { display: none; } figure.chart { break-inside: avoid; } }
    """
}
