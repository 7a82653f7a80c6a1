import Foundation
import RunRecords

/// One territory and period of a capacity plan: cost per 30 days against instances.
///
/// Each simulated count is a point on the cost line, coloured by how the period did there
/// (meets, marginal, fails); the answer is ringed and labelled; counts left of the stable bound
/// (app CPU at 100% or more at the peak) that were not simulated are shaded; the cap, when in view, is
/// a line of its own. Cost grows by the same amount per instance, so what the chart shows is
/// where along that line the objectives start to hold.
struct SVGPlanChart {
  var title: String
  var period: PlanPeriodRecord
  var width = 560.0
  var plotHeight = 200.0

  private let left = 74.0
  private let right = 18.0
  private let bottom = 50.0

  static func color(_ status: String) -> String {
    switch status {
    case "meets": SweepColors.mark("pass")
    case "marginal": SweepColors.mark("marginal")
    case "fails": SweepColors.mark("fail")
    default: SweepColors.mark("none")
    }
  }

  /// The instance counts in view: from a little below the stable bound (or the fewest tried)
  /// to one above the most tried (or the answer), never past the cap.
  var range: ClosedRange<Int> {
    let p = period
    let tried = p.tried.map(\.instances)
    // A bound past the cap is shown at the cap's right.
    let stable = min(p.stableInstances, p.cap + 1)
    let low = max(0, min(stable, tried.min() ?? stable) - 2)
    var high = max(tried.max() ?? stable, p.instances ?? 0, stable) + 1
    if p.instances == nil { high = max(high, p.cap) }
    high = min(high, max(p.cap, low + 1))
    return low...max(high, low + 1)
  }

  /// Cost per instance per 30 days, from the counts tried (all on one line).
  var pricePerInstance: Double? {
    if let n = period.instances, n > 0, let c = period.instanceCost { return c / Double(n) }
    return period.tried.first { $0.instances > 0 && $0.instanceCost.isFinite }.map {
      $0.instanceCost / Double($0.instances)
    }
  }

  func svg() -> String {
    let p = period
    let n = SVG.n
    let plotWidth = width - left - right
    var items = [
      SVG.LegendItem(name: "meets every objective", color: Self.color("meets"), mark: .box),
      SVG.LegendItem(name: "marginal", color: Self.color("marginal"), mark: .box),
      SVG.LegendItem(name: "fails", color: Self.color("fails"), mark: .box),
    ]
    items.append(.init(name: "stable bound: fewer keep the app CPU at 100 %", color: SVG.targetColor, mark: .dashed))
    let legend = SVG.legend(items, x: left, y: 6, width: plotWidth)
    let top = 16 + legend.height
    let height = top + plotHeight + bottom
    let range = self.range
    let price = pricePerInstance ?? 0
    let axis = SVG.ValueAxis(minimum: 0, maximum: max(price * Double(range.upperBound) * 1.08, 1))
    let span = Double(range.upperBound - range.lowerBound)
    func px(_ x: Double) -> Double { left + (x - Double(range.lowerBound) + 0.5) / (span + 1) * plotWidth }
    func py(_ y: Double) -> Double {
      top + plotHeight - (min(max(y, axis.lower), axis.upper) - axis.lower) / (axis.upper - axis.lower) * plotHeight
    }
    let baseY = top + plotHeight

    var out = SVG.open(width: width, height: height, title: title)
    out += legend.svg
    // Ruled out by theory: left of the stable bound, up to the fewest count simulated anyway.
    let bound = min(px(Double(p.stableInstances) - 0.5), left + plotWidth)
    let simulatedBelow = p.tried.map(\.instances).filter { $0 < p.stableInstances }.min()
    let ruledOut = min(bound, simulatedBelow.map { px(Double($0) - 0.5) } ?? bound)
    if ruledOut > left {
      out +=
        "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(ruledOut - left))\" height=\"\(n(plotHeight))\" fill=\"#eef0f4\"/>"
      if ruledOut - left > SVG.textWidth("ruled out by theory", fontSize: 10.5) + 12 {
        out += "<text class=\"note\" x=\"\(n(left + 6))\" y=\"\(n(top + 14))\">ruled out by theory</text>"
      }
    }
    for v in axis.values {
      let y = py(v)
      out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\"/>"
      out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(axis.label(v))</text>"
    }
    let every = max(1, Int((span + 1) * 26 / plotWidth) + 1)
    for i in range {
      out +=
        "<line class=\"axis\" x1=\"\(n(px(Double(i))))\" y1=\"\(n(baseY))\" x2=\"\(n(px(Double(i))))\" y2=\"\(n(baseY + 5))\"/>"
      if (i - range.lowerBound) % every == 0 || i == p.instances {
        out += "<text x=\"\(n(px(Double(i))))\" y=\"\(n(baseY + 17))\" text-anchor=\"middle\">\(i)</text>"
      }
    }
    out +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(baseY))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(baseY))\"/>"
    out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(baseY))\"/>"
    out +=
      "<text class=\"axis-title\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(baseY + 38))\" text-anchor=\"middle\">app instances</text>"
    out +=
      "<text class=\"axis-title\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">"
    out += "\(HTML.escape(p.currency)) per 30 days</text>"
    // The stable bound, and the cap when it is in view.
    out +=
      "<line x1=\"\(n(bound))\" y1=\"\(n(top))\" x2=\"\(n(bound))\" y2=\"\(n(baseY))\" stroke=\"\(SVG.targetColor)\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"/>"
    if range.contains(p.cap) {
      let x = px(Double(p.cap) + 0.5)
      out +=
        "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(baseY))\" stroke=\"\(SweepColors.boundary)\" stroke-width=\"1.6\"/>"
      // At the foot of the line: the points sit high near the cap, where the cost is.
      out += "<text class=\"note\" x=\"\(n(x - 4))\" y=\"\(n(baseY - 6))\" text-anchor=\"end\">cap \(p.cap)</text>"
    }
    // The cost of every count, tried or not: the line the points sit on.
    if price > 0 {
      let x0 = Double(range.lowerBound)
      let x1 = Double(range.upperBound)
      out += "<line x1=\"\(n(px(x0)))\" y1=\"\(n(py(price * x0)))\" x2=\"\(n(px(x1)))\" y2=\"\(n(py(price * x1)))\" "
      out += "stroke=\"#b6bcc8\" stroke-width=\"1.2\"/>"
    }
    for t in p.tried where range.contains(t.instances) {
      let (x, y) = (px(Double(t.instances)), py(t.instanceCost))
      let tip = "\(t.instances) instance\(t.instances == 1 ? "" : "s"): \(Format.money(t.instanceCost, p.currency)) per 30 days, \(t.status)"
      out +=
        "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"5\" fill=\"\(Self.color(t.status))\" stroke=\"#fff\" stroke-width=\"1\">"
      out += "<title>\(HTML.escape(tip))</title></circle>"
    }
    if let chosen = p.instances, let cost = p.instanceCost, range.contains(chosen) {
      let (x, y) = (px(Double(chosen)), py(cost))
      out +=
        "<circle class=\"answer\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"9\" fill=\"none\" stroke=\"\(SweepColors.boundary)\" stroke-width=\"2\"/>"
      let label = "answer: \(chosen) · \(Format.money(cost, p.currency))"
      // Left of the point when it would run off the right edge.
      let fits = x + 14 + SVG.textWidth(label, fontSize: 11.5) < left + plotWidth
      out += "<text class=\"answer-label\" x=\"\(n(fits ? x + 14 : x - 14))\" y=\"\(n(y - 10))\" "
      out += "text-anchor=\"\(fits ? "start" : "end")\">\(HTML.escape(label))</text>"
    }
    return out + "</svg>"
  }
}
