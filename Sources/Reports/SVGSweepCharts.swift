import Foundation

/// One measured value of a sweep point, as its charts draw it: already in the chart's unit.
struct SweepCell {
  var mean: Double
  var halfWidth: Double?
  /// pass, marginal, fail or info.
  var outcome: String
  /// The value as the cell shows it ("231 ms").
  var label: String
}

/// Colours of the outcomes, strong enough for cells and points.
enum SweepColors {
  static func fill(_ outcome: String) -> String {
    switch outcome {
    case "pass": "#a8dbb4"
    case "marginal": "#ffd97a"
    case "fail": "#f29c97"
    default: "#e3e6ec"
    }
  }

  static func mark(_ outcome: String) -> String {
    switch outcome {
    case "pass": "#1e7b34"
    case "marginal": "#b7791f"
    case "fail": "#b3261e"
    default: "#7f7f7f"
    }
  }

  static let boundary = "#1d2330"
}

/// A sweep over one axis: the mean at each value with its confidence interval, each point
/// coloured by its verdict, and the target as a dashed line with the failing side shaded. A
/// sweep that varies the target itself (an `slo.` key) draws each point's own target, a step
/// around the point.
struct SVGSweepLine {
  var title: String
  /// Value axis title with its unit.
  var unit: String
  var axisTitle: String
  var values: [String]
  /// One per value; nil where the point measured nothing.
  var cells: [SweepCell?]
  /// Per value, in the chart's unit; nil without a target.
  var targets: [Double?]
  var targetLabel: String
  var higherIsBetter: Bool
  var width = 560.0
  var plotHeight = 220.0

  private let left = 64.0
  private let right = 18.0
  private let bottom = 50.0

  func svg() -> String {
    let plotWidth = width - left - right
    var items = [SVG.LegendItem(name: "mean, 95% interval", color: SVG.color(0), mark: .line)]
    let known = targets.compactMap { $0 }
    if !known.isEmpty { items.append(.init(name: targetLabel, color: SVG.targetColor, mark: .dashed)) }
    let legend = SVG.legend(items, x: left, y: 6, width: plotWidth)
    let top = 16 + legend.height
    let height = top + plotHeight + bottom
    let present = cells.compactMap { $0 }
    // Every objective is a latency or a share: an interval reaching below 0 is cut at 0.
    var lo = max(0, present.map { $0.mean - ($0.halfWidth ?? 0) }.min() ?? 0)
    var hi = present.map { $0.mean + ($0.halfWidth ?? 0) }.max() ?? 1
    if let low = known.min(), let high = known.max() {
      lo = min(lo, low)
      hi = max(hi, high)
    }
    let axis = SVG.ValueAxis(minimum: lo, maximum: hi * 1.06)
    let xs = SweepAxisPositions(values)
    func px(_ i: Int) -> Double { left + xs.position(i) * plotWidth }
    func py(_ y: Double) -> Double {
      top + plotHeight - (min(max(y, axis.lower), axis.upper) - axis.lower) / (axis.upper - axis.lower) * plotHeight
    }
    let n = SVG.n
    var out = SVG.open(width: width, height: height, title: title)
    out += legend.svg
    // Where each target holds: the whole width for one target, else from midway to the point
    // before to midway to the point after.
    let spans: [(x0: Double, x1: Double, target: Double)] =
      Set(known).count == 1
      ? [(left, left + plotWidth, known[0])]
      : targets.indices.compactMap { i in
        targets[i].map { t in
          (i == 0 ? left : (px(i - 1) + px(i)) / 2, i == targets.count - 1 ? left + plotWidth : (px(i) + px(i + 1)) / 2, t)
        }
      }
    for span in spans {
      // The side of the target where the objective is missed.
      let y0 = higherIsBetter ? py(span.target) : top
      let y1 = higherIsBetter ? top + plotHeight : py(span.target)
      out += "<rect x=\"\(n(span.x0))\" y=\"\(n(y0))\" width=\"\(n(span.x1 - span.x0))\" height=\"\(n(max(0, y1 - y0)))\" fill=\"#fde3e1\" fill-opacity=\"0.6\"/>"
    }
    for v in axis.values {
      let y = py(v)
      out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y))\"/>"
      out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(axis.label(v))</text>"
    }
    let baseY = top + plotHeight
    let every = max(1, Int((Double(values.count) * 7 * Double(values.map(\.count).max() ?? 1) / plotWidth).rounded(.up)))
    for i in values.indices {
      out += "<line class=\"axis\" x1=\"\(n(px(i)))\" y1=\"\(n(baseY))\" x2=\"\(n(px(i)))\" y2=\"\(n(baseY + 5))\"/>"
      if i % every == 0 {
        out += "<text x=\"\(n(px(i)))\" y=\"\(n(baseY + 17))\" text-anchor=\"middle\">\(HTML.escape(values[i]))</text>"
      }
    }
    out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(baseY))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(baseY))\"/>"
    out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(baseY))\"/>"
    out += "<text class=\"axis-title\" x=\"\(n(left + plotWidth / 2))\" y=\"\(n(baseY + 38))\" text-anchor=\"middle\">\(HTML.escape(axisTitle))</text>"
    out += "<text class=\"axis-title\" transform=\"translate(14 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(unit))</text>"
    for span in spans {
      let y = py(span.target)
      out += "<line x1=\"\(n(span.x0))\" y1=\"\(n(y))\" x2=\"\(n(span.x1))\" y2=\"\(n(y))\" stroke=\"\(SVG.targetColor)\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"/>"
    }
    let line = cells.indices.compactMap { i in cells[i].map { "\(n(px(i))),\(n(py($0.mean)))" } }
    out += "<polyline fill=\"none\" stroke=\"\(SVG.color(0))\" stroke-width=\"1.8\" points=\"\(line.joined(separator: " "))\"/>"
    for (i, cell) in cells.enumerated() {
      guard let cell else { continue }
      let x = px(i)
      if let h = cell.halfWidth, h > 0 {
        out += "<line x1=\"\(n(x))\" y1=\"\(n(py(cell.mean - h)))\" x2=\"\(n(x))\" y2=\"\(n(py(cell.mean + h)))\" stroke=\"\(SVG.color(0))\" stroke-width=\"1.2\"/>"
        for y in [py(cell.mean - h), py(cell.mean + h)] {
          out += "<line x1=\"\(n(x - 4))\" y1=\"\(n(y))\" x2=\"\(n(x + 4))\" y2=\"\(n(y))\" stroke=\"\(SVG.color(0))\" stroke-width=\"1.2\"/>"
        }
      }
      out += "<circle cx=\"\(n(x))\" cy=\"\(n(py(cell.mean)))\" r=\"4.5\" fill=\"\(SweepColors.mark(cell.outcome))\" stroke=\"#fff\" stroke-width=\"1\">"
      out += "<title>\(HTML.escape("\(values[i]): \(cell.label) (\(cell.outcome))"))</title></circle>"
    }
    return out + "</svg>"
  }
}

/// Where the values of an axis sit, 0...1: in proportion when every value is a number with
/// the same unit, else evenly spaced.
struct SweepAxisPositions {
  private var positions: [Double]

  init(_ values: [String]) {
    let numbers = values.map(Self.number)
    let units = Set(numbers.map { $0?.unit })
    if numbers.allSatisfy({ $0 != nil }), units.count == 1, let lo = numbers.map({ $0!.value }).min(),
      let hi = numbers.map({ $0!.value }).max(), hi > lo
    {
      positions = numbers.map { 0.05 + 0.9 * ($0!.value - lo) / (hi - lo) }
    } else {
      positions = values.indices.map { (Double($0) + 0.5) / Double(max(values.count, 1)) }
    }
  }

  func position(_ i: Int) -> Double { positions[i] }

  /// "1.25" -> 1.25, "100ms" -> (100, "ms").
  static func number(_ text: String) -> (value: Double, unit: String)? {
    let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
    guard let value = Double(digits) else { return nil }
    return (value, String(text.dropFirst(digits.count)))
  }
}

/// A sweep over two axes: a cell per point, coloured by its verdict and showing its mean, with
/// the SLO boundary drawn between cells that meet the target and cells that miss it.
struct SVGSweepHeatmap {
  var title: String
  var rowTitle: String
  var rows: [String]
  var columnTitle: String
  var columns: [String]
  /// `cells[row][column]`, nil where the point measured nothing.
  var cells: [[SweepCell?]]
  var boundaryLabel: String?
  var maximumWidth = 560.0

  func svg() -> String {
    // The row axis is named in the corner above its labels: turned sideways, a long key path
    // would run past a short grid.
    let rowLabelWidth = Double(max(rows.map(\.count).max() ?? 1, rowTitle.count)) * 6.6 + 12
    let left = 8 + rowLabelWidth
    let columnLabelHeight = 18.0
    let top = 30 + columnLabelHeight
    let cellWidth = max(34, min(96, (maximumWidth - left - 10) / Double(max(columns.count, 1))))
    let cellHeight = 30.0
    let gridWidth = cellWidth * Double(columns.count)
    let gridHeight = cellHeight * Double(rows.count)
    let legendY = top + gridHeight + 14
    var items = ["pass", "marginal", "fail"].map { SVG.LegendItem(name: $0 == "fail" ? "FAIL" : $0, color: SweepColors.fill($0), mark: .box) }
    if let boundaryLabel { items.append(.init(name: boundaryLabel, color: SweepColors.boundary, mark: .line)) }
    let width = max(left + gridWidth + 12, min(maximumWidth, left + 420))
    let legend = SVG.legend(items, x: 8, y: legendY, width: width - 16)
    let height = legendY + legend.height + 6
    let n = SVG.n
    let showText = cellWidth >= 40

    var out = SVG.open(width: width, height: height, title: title)
    out += "<text class=\"axis-title\" x=\"\(n(left + gridWidth / 2))\" y=\"14\" text-anchor=\"middle\">\(HTML.escape(columnTitle)) →</text>"
    out += "<text class=\"axis-title\" x=\"\(n(left - 6))\" y=\"\(n(top - 6))\" text-anchor=\"end\">\(HTML.escape(rowTitle)) ↓</text>"
    for (c, label) in columns.enumerated() {
      let x = left + (Double(c) + 0.5) * cellWidth
      out += "<text x=\"\(n(x))\" y=\"\(n(top - 6))\" text-anchor=\"middle\">\(HTML.escape(label))</text>"
    }
    for (r, label) in rows.enumerated() {
      let y = top + (Double(r) + 0.5) * cellHeight + 4
      out += "<text x=\"\(n(left - 6))\" y=\"\(n(y))\" text-anchor=\"end\">\(HTML.escape(label))</text>"
    }
    for r in rows.indices {
      for c in columns.indices {
        let x = left + Double(c) * cellWidth
        let y = top + Double(r) * cellHeight
        let cell = cells[r][c]
        out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\" "
        out += "fill=\"\(SweepColors.fill(cell?.outcome ?? "none"))\" stroke=\"#fff\" stroke-width=\"1\">"
        out += "<title>\(HTML.escape("\(rowTitle) \(rows[r]), \(columnTitle) \(columns[c]): \(cell.map { "\($0.label) (\($0.outcome))" } ?? "not measured")"))</title></rect>"
        if showText, let cell {
          out += "<text x=\"\(n(x + cellWidth / 2))\" y=\"\(n(y + cellHeight / 2 + 4))\" text-anchor=\"middle\">\(HTML.escape(cell.label))</text>"
        }
      }
    }
    // The boundary: edges between a cell that meets its target (pass or marginal) and a
    // neighbour that misses it.
    func meets(_ r: Int, _ c: Int) -> Bool? { cells[r][c].map { $0.outcome != "fail" } }
    var edges = ""
    for r in rows.indices {
      for c in columns.indices {
        guard let here = meets(r, c) else { continue }
        if c + 1 < columns.count, let right = meets(r, c + 1), right != here {
          let x = left + Double(c + 1) * cellWidth
          edges += "M\(n(x)) \(n(top + Double(r) * cellHeight))v\(n(cellHeight))"
        }
        if r + 1 < rows.count, let below = meets(r + 1, c), below != here {
          let y = top + Double(r + 1) * cellHeight
          edges += "M\(n(left + Double(c) * cellWidth)) \(n(y))h\(n(cellWidth))"
        }
      }
    }
    if !edges.isEmpty {
      out += "<path d=\"\(edges)\" fill=\"none\" stroke=\"\(SweepColors.boundary)\" stroke-width=\"3\" stroke-linecap=\"square\"/>"
    }
    out += legend.svg
    return out + "</svg>"
  }
}
