/// Stacked bars by category as inline SVG: used for cost per month.
struct SVGBarChart {
  struct Segment {
    var name: String
    var color: String
  }

  var title: String
  /// The value axis title with its unit ("EUR").
  var unit: String
  var categories: [String]
  var segments: [Segment]
  /// `values[category][segment]`, stacked bottom-up in segment order.
  var values: [[Double]]
  var width = 1000.0
  var plotHeight = 200.0

  private let left = 80.0
  private let right = 18.0
  private let bottom = 30.0

  func svg() -> String {
    let plotWidth = width - left - right
    let legend = SVG.legend(
      segments.map { .init(name: $0.name, color: $0.color, mark: .box) }, x: left, y: 6, width: plotWidth)
    let top = 22 + legend.height
    let height = top + plotHeight + bottom
    let totals = values.map { $0.reduce(0, +) }
    let axis = SVG.ValueAxis(minimum: 0, maximum: (totals.max() ?? 1) * 1.08)
    func py(_ y: Double) -> Double { top + plotHeight - (y - axis.lower) / (axis.upper - axis.lower) * plotHeight }
    let n = SVG.n

    var out = SVG.open(width: width, height: height, title: title)
    out += legend.svg
    for v in axis.values {
      let y = py(v)
      out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\"/>"
      out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(axis.label(v))</text>"
    }
    out += "<text class=\"axis-title\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" "
    out += "text-anchor=\"middle\">\(HTML.escape(unit))</text>"

    let slot = plotWidth / Double(max(1, categories.count))
    let barWidth = min(90, slot * 0.6)
    for (c, category) in categories.enumerated() {
      let x = left + slot * (Double(c) + 0.5) - barWidth / 2
      var base = 0.0
      for (s, segment) in segments.enumerated() {
        let v = c < values.count && s < values[c].count ? values[c][s] : 0
        guard v > 0 else { continue }
        let y0 = py(base)
        let y1 = py(base + v)
        out += "<rect x=\"\(n(x))\" y=\"\(n(y1))\" width=\"\(n(barWidth))\" height=\"\(n(y0 - y1))\" "
        out += "fill=\"\(segment.color)\"><title>\(HTML.escape("\(category) \(segment.name): "))"
        out += "\(Format.grouped(v, decimals: 2))</title></rect>"
        base += v
      }
      out += "<text x=\"\(n(x + barWidth / 2))\" y=\"\(n(py(base) - 5))\" text-anchor=\"middle\">"
      out += "\(Format.grouped(base, decimals: 0))</text>"
      out += "<text x=\"\(n(x + barWidth / 2))\" y=\"\(n(top + plotHeight + 18))\" text-anchor=\"middle\">"
      out += "\(HTML.escape(category))</text>"
    }
    out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(left + plotWidth))\" "
    out += "y2=\"\(n(top + plotHeight))\"/>"
    return out + "</svg>"
  }
}
