import Foundation

/// Pieces shared by the charts: colours, value axes, legends, coordinates.
enum SVG {
  /// Okabe–Ito colours, told apart with the common colour-vision deficiencies.
  static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#000000"]
  static let targetColor = "#C0392B"

  static func color(_ i: Int) -> String { palette[i % palette.count] }

  /// A coordinate with one decimal: enough for a pixel, short enough for 600-point lines.
  static func n(_ x: Double) -> String { String(format: "%.1f", x) }

  /// A chart's opening tag, sized in pixels, labelled for screen readers (and with a tooltip
  /// title unless `tooltip` is false).
  static func open(width: Double, height: Double, title: String, tooltip: Bool = true) -> String {
    "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" "
      + "role=\"img\" aria-label=\"\(HTML.escape(title))\">"
      + (tooltip ? "<title>\(HTML.escape(title))</title>" : "")
  }

  /// A value axis from 0 (or below, for negative data) to a round number above `maximum`, with
  /// ticks at 1, 2, 2.5 or 5 × 10ⁿ.
  struct ValueAxis {
    var lower: Double
    var upper: Double
    var step: Double

    /// - Parameter wholeSteps: ticks on whole numbers only, for counts (pods).
    init(
      minimum: Double, maximum: Double, fixedUpper: Double? = nil, targetTicks: Double = 5, wholeSteps: Bool = false
    ) {
      let lo = Swift.min(0, minimum.isFinite ? minimum : 0)
      var hi = fixedUpper ?? (maximum.isFinite ? maximum : 1)
      if hi <= lo { hi = lo + 1 }
      let raw = (hi - lo) / targetTicks
      let magnitude = pow(10, floor(log10(raw)))
      var steps = [1, 2, 2.5, 5, 10].map { $0 * magnitude }
      if wholeSteps { steps = steps.filter { $0 >= 1 && $0 == $0.rounded() } }
      let step = steps.first { $0 >= raw } ?? Swift.max(10 * magnitude, wholeSteps ? 1 : 0)
      self.step = step
      lower = floor(lo / step) * step
      upper = fixedUpper ?? ceil(hi / step - 1e-9) * step
    }

    var values: [Double] {
      var out: [Double] = []
      var v = lower
      while v <= upper + step * 1e-6 {
        out.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
      }
      return out
    }

    /// Tick labels with as many decimals as the step needs.
    func label(_ v: Double) -> String {
      var decimals = 0
      var s = step
      while decimals < 6 && abs(s - s.rounded()) > 1e-9 {
        s *= 10
        decimals += 1
      }
      return Format.grouped(v, decimals: decimals)
    }
  }

  /// About how wide `text` is in the report's sans-serif at `fontSize` px: for laying out labels
  /// (SVG text has no layout of its own).
  static func textWidth(_ text: String, fontSize: Double = 11) -> Double {
    Double(text.count) * fontSize * 0.57
  }

  /// One legend entry: a line or a box, its colour, its name.
  struct LegendItem {
    enum Mark { case line, dashed, box, none }
    var name: String
    var color: String
    var mark: Mark
  }

  /// Legend entries laid out in rows across `width`, starting at (`x`, `y`).
  ///
  /// - Returns: the SVG and the height it takes.
  static func legend(_ items: [LegendItem], x: Double, y: Double, width: Double) -> (svg: String, height: Double) {
    guard !items.isEmpty else { return ("", 0) }
    var out = ""
    var cx = x
    var cy = y + 10
    for item in items {
      let labelWidth = textWidth(item.name)
      let w = (item.mark == .none ? 0 : 24) + labelWidth + 18
      if cx > x && cx + w > x + width {
        cx = x
        cy += 17
      }
      switch item.mark {
      case .line, .dashed:
        let dash = item.mark == .dashed ? " stroke-dasharray=\"6 4\"" : ""
        out += "<line x1=\"\(n(cx))\" y1=\"\(n(cy - 4))\" x2=\"\(n(cx + 18))\" y2=\"\(n(cy - 4))\" "
        out += "stroke=\"\(item.color)\" stroke-width=\"2.5\"\(dash)/>"
      case .box:
        out += "<rect x=\"\(n(cx))\" y=\"\(n(cy - 10))\" width=\"18\" height=\"11\" fill=\"\(item.color)\"/>"
      case .none:
        break
      }
      let tx = item.mark == .none ? cx : cx + 24
      let cls = item.mark == .none ? " class=\"note\"" : ""
      out += "<text x=\"\(n(tx))\" y=\"\(n(cy))\"\(cls)>\(HTML.escape(item.name))</text>"
      cx += w
    }
    return (out, cy - y + 8)
  }
}
