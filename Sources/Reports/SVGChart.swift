/// A time-series line chart as inline SVG: series, time and value axes, legend, target lines,
/// shaded periods (seasons) and annotated points.
///
/// Series longer than `Downsampling.maximumPoints` are drawn through each bucket's maximum with a
/// min–max band, so a one-hour spike in a year stays visible at its full height.
struct SVGChart {
  struct Series {
    var name: String
    var color: String
    var points: [ChartPoint]
    var dashed = false
  }

  /// A horizontal line at a target value, labelled at its right end.
  struct Threshold {
    var name: String
    var value: Double
    var color: String
  }

  /// A shaded stretch of time, such as a season.
  struct Band {
    var from: Double
    var to: Double
    var label: String
  }

  /// A marked point with a short text, such as the peak.
  struct Annotation {
    var x: Double
    var y: Double
    var text: String
  }

  var title: String
  /// The value axis title with its unit ("p95 latency (ms)").
  var unit: String
  var time: TimeAxis
  var series: [Series]
  var thresholds: [Threshold] = []
  var bands: [Band] = []
  var annotations: [Annotation] = []
  /// A fixed top of the value axis (100 for percentages of a whole); nil fits the data.
  var fixedUpper: Double? = nil
  var width = 1160.0
  var plotHeight = 230.0

  private let left = 70.0
  private let right = 18.0
  private let bottom = 44.0

  func svg() -> String {
    let drawn = series.map { s in (s, Downsampling.buckets(s.points)) }
    let bucketSize = drawn.map { $0.1.map(\.count).max() ?? 1 }.max() ?? 1
    let plotWidth = width - left - right

    var legendItems = drawn.map { s, _ in SVG.LegendItem(name: s.name, color: s.color, mark: s.dashed ? .dashed : .line)
    }
    legendItems += thresholds.map { SVG.LegendItem(name: "\($0.name)", color: $0.color, mark: .dashed) }
    if bucketSize > 1 {
      let hours = Double(bucketSize) * stepSeconds / 3_600
      legendItems.append(
        .init(name: "line: max per \(Format.short(hours)) h, band: min–max", color: "", mark: .none))
    }
    let legend = SVG.legend(legendItems, x: left, y: 6, width: plotWidth)
    let top = 14 + legend.height
    let height = top + plotHeight + bottom

    var maximum = -Double.infinity
    var minimum = Double.infinity
    for (_, buckets) in drawn {
      for b in buckets {
        maximum = max(maximum, b.max)
        minimum = min(minimum, b.min)
      }
    }
    for t in thresholds { maximum = max(maximum, t.value) }
    if !maximum.isFinite { maximum = 1 }
    let axis = SVG.ValueAxis(minimum: minimum, maximum: maximum * 1.04, fixedUpper: fixedUpper)
    let timeAxis = time.thinned(width: plotWidth)

    func px(_ x: Double) -> Double { left + (x - timeAxis.lower) / (timeAxis.upper - timeAxis.lower) * plotWidth }
    func py(_ y: Double) -> Double {
      top + plotHeight - (min(max(y, axis.lower), axis.upper) - axis.lower) / (axis.upper - axis.lower) * plotHeight
    }
    let n = SVG.n

    var out = "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" "
    out += "role=\"img\" aria-label=\"\(HTML.escape(title))\">"
    out += "<title>\(HTML.escape(title))</title>"
    out += legend.svg

    // Seasons first, so that everything else is drawn over them.
    for b in bands {
      let x0 = px(b.from)
      let x1 = px(b.to)
      out += "<rect class=\"band\" x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(max(1, x1 - x0)))\" "
      out += "height=\"\(n(plotHeight))\"/>"
    }

    // Value axis: grid lines and labels.
    for v in axis.values {
      let y = py(v)
      out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\"/>"
      out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(axis.label(v))</text>"
    }
    let midY = top + plotHeight / 2
    out += "<text class=\"axis-title\" transform=\"translate(14 \(n(midY))) rotate(-90)\" text-anchor=\"middle\">"
    out += "\(HTML.escape(unit))</text>"

    // Time axis: minor ticks, then labelled ticks with a grid line.
    let baseY = top + plotHeight
    for x in timeAxis.minorTicks {
      out += "<line class=\"axis\" x1=\"\(n(px(x)))\" y1=\"\(n(baseY))\" x2=\"\(n(px(x)))\" y2=\"\(n(baseY + 3))\"/>"
    }
    for t in timeAxis.ticks {
      let x = px(t.x)
      out += "<line class=\"grid\" x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(baseY))\"/>"
      out += "<line class=\"axis\" x1=\"\(n(x))\" y1=\"\(n(baseY))\" x2=\"\(n(x))\" y2=\"\(n(baseY + 7))\"/>"
      if x + Double(t.label.count) * 6 < width {
        out += "<text x=\"\(n(x + 3))\" y=\"\(n(baseY + 17))\">\(HTML.escape(t.label))</text>"
      }
    }
    out +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(baseY))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(baseY))\"/>"
    out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(baseY))\"/>"
    out += "<text class=\"axis-title\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(baseY + 36))\" "
    out += "text-anchor=\"middle\">\(HTML.escape(timeAxis.title))</text>"

    // Season names over the grid lines.
    for b in bands {
      out += "<text class=\"band-label\" x=\"\(n(px(b.from) + 3))\" y=\"\(n(top + 12))\">\(HTML.escape(b.label))</text>"
    }

    // Series: a band where buckets hold several points, then the line.
    for (s, buckets) in drawn where !buckets.isEmpty {
      if buckets.contains(where: { $0.count > 1 }) {
        let upper = buckets.map { "\(n(px($0.x))),\(n(py($0.max)))" }
        let lower = buckets.reversed().map { "\(n(px($0.x))),\(n(py($0.min)))" }
        out += "<polygon fill=\"\(s.color)\" fill-opacity=\"0.16\" stroke=\"none\" "
        out += "points=\"\((upper + lower).joined(separator: " "))\"/>"
      }
      let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
      out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\" stroke-linejoin=\"round\"\(dash) "
      out += "points=\"\(buckets.map { "\(n(px($0.x))),\(n(py($0.max)))" }.joined(separator: " "))\"/>"
    }

    // Targets over the data, labelled above their right end; labels of close targets stack
    // upwards instead of overprinting.
    var lastLabelY = Double.infinity
    for t in thresholds.sorted(by: { $0.value < $1.value }) {
      let y = py(t.value)
      let labelY = max(top + 10, min(y - 4, lastLabelY - 13))
      lastLabelY = labelY
      out += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\" "
      out += "stroke=\"\(t.color)\" stroke-width=\"1.4\" stroke-dasharray=\"7 4\"/>"
      out += "<text x=\"\(n(left + plotWidth - 4))\" y=\"\(n(labelY))\" text-anchor=\"end\" "
      out += "style=\"fill:\(t.color);paint-order:stroke;stroke:#fff;stroke-width:3px\">\(HTML.escape(t.name))</text>"
    }

    for a in annotations {
      let x = px(a.x)
      let y = py(a.y)
      let anchor = x > left + plotWidth * 0.75 ? "end" : "start"
      let dx = anchor == "end" ? -7.0 : 7.0
      out += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"none\" stroke=\"#1d2330\" stroke-width=\"1.4\"/>"
      out += "<text x=\"\(n(x + dx))\" y=\"\(n(max(top + 10, y - 6)))\" text-anchor=\"\(anchor)\" "
      out += "style=\"paint-order:stroke;stroke:#fff;stroke-width:3px\">\(HTML.escape(a.text))</text>"
    }
    return out + "</svg>"
  }

  /// The typical distance between points, for the downsampling note.
  private var stepSeconds: Double {
    guard let s = series.first(where: { $0.points.count > 1 }) else { return 3_600 }
    return (s.points.last!.x - s.points.first!.x) / Double(s.points.count - 1)
  }
}
