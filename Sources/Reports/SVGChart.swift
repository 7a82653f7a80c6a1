/// A time-series line chart as inline SVG: series, time and value axes, legend, target lines
/// that may step with the period, shaded periods (seasons), marked events (faults, capacity
/// changes, deployments) and annotated points.
///
/// Series longer than `Downsampling.maximumPoints` are drawn through each bucket's maximum with a
/// min–max band, so a one-hour spike in a year stays visible at its full height. A window with
/// no observation breaks the line.
struct SVGChart {
  struct Series {
    var name: String
    var color: String
    /// Sorted by x; a gap point (`ChartPoint.gap`) breaks the line.
    var points: [ChartPoint]
    var dashed = false
  }

  /// A target drawn as a dashed line where it applies: one value for the whole run, or a step
  /// line through pieces that follow the periods (200 ms at normal load, 450 ms in a season).
  struct Threshold {
    struct Piece {
      var from: Double
      var to: Double
      var value: Double
      /// Written above the right end of a stretch of equal pieces, where it fits.
      var label: String
    }

    var name: String
    var color: String
    /// Sorted by time.
    ///
    /// A target for the whole run has one piece, whose times are not used.
    var pieces: [Piece]
    var spansRun: Bool

    /// A target for the whole run.
    init(name: String, value: Double, color: String) {
      self.name = name
      self.color = color
      pieces = [Piece(from: 0, to: 0, value: value, label: name)]
      spansRun = true
    }

    /// A target that applies only in `pieces`.
    init(name: String, color: String, pieces: [Piece]) {
      self.name = name
      self.color = color
      self.pieces = pieces
      spansRun = false
    }
  }

  /// A shaded stretch of time, such as a season.
  struct Band {
    var from: Double
    var to: Double
    var label: String
  }

  /// Something that happened to the territory: a fault, a capacity change or a deployment,
  /// shaded over its span (a thin line for an instant) with a label.
  struct Mark {
    /// Faults and changes shade their span across the plot; scalings, dense over a week, are
    /// short ticks along its top with the label as a tooltip.
    enum Style: String { case fault, change, scaleUp = "scale-up", scaleDown = "scale-down" }
    var from: Double
    var to: Double
    var label: String
    var style: Style
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
  var marks: [Mark] = []
  var annotations: [Annotation] = []
  /// Extra lines under the legend, in muted text (a setting that has no place on the time axis).
  var notes: [String] = []
  /// A fixed top of the value axis (100 for percentages of a whole); nil fits the data.
  var fixedUpper: Double? = nil
  /// Value ticks on whole numbers only: the values are counts.
  var wholeNumbers = false
  /// Values above this are drawn at the top of the axis; nil: the axis fits every value.
  ///
  /// Each stretch over the top is labelled with its largest value: a rare spike (a replica
  /// catching up after an outage) then does not flatten everything else.
  var clipAbove: Double? = nil
  /// How a value over the top is written.
  var clippedText: (Double) -> String = { Format.grouped($0) }
  var width = 1000.0
  var plotHeight = 230.0

  private let left = 70.0
  private let right = 18.0
  private let bottom = 44.0
  /// Event labels stack in at most this many rows; the table lists every event anyway.
  private let markLabelRows = 3

  func svg() -> String {
    let drawn = series.map { s in (s, Downsampling.segments(s.points)) }
    let bucketSize = drawn.flatMap { $0.1.flatMap { $0 } }.map(\.count).max() ?? 1
    let plotWidth = width - left - right

    var legendItems = drawn.map { s, _ in
      SVG.LegendItem(name: s.name, color: s.color, mark: s.dashed ? .dashed : .line)
    }
    legendItems += thresholds.map { SVG.LegendItem(name: $0.name, color: $0.color, mark: .dashed) }
    if bucketSize > 1 {
      legendItems.append(
        .init(
          name: "line: max per \(Self.binLength(Double(bucketSize) * stepSeconds)), band: min–max", color: "",
          mark: .none))
    }
    legendItems += notes.map { SVG.LegendItem(name: $0, color: "", mark: .none) }
    let legend = SVG.legend(legendItems, x: left, y: 6, width: plotWidth)
    let top = 14 + legend.height
    let height = top + plotHeight + bottom

    var maximum = -Double.infinity
    var minimum = Double.infinity
    for b in drawn.flatMap({ $0.1.flatMap { $0 } }) {
      maximum = max(maximum, b.max)
      minimum = min(minimum, b.min)
    }
    for t in thresholds { maximum = max(maximum, t.pieces.map(\.value).max() ?? maximum) }
    if let clip = clipAbove { maximum = min(maximum, clip) }
    if !maximum.isFinite { maximum = 1 }
    let axis = SVG.ValueAxis(
      minimum: minimum, maximum: maximum * 1.04, fixedUpper: fixedUpper, wholeSteps: wholeNumbers)
    let timeAxis = time.thinned(width: plotWidth)

    func px(_ x: Double) -> Double { left + (x - timeAxis.lower) / (timeAxis.upper - timeAxis.lower) * plotWidth }
    func py(_ y: Double) -> Double {
      top + plotHeight - (min(max(y, axis.lower), axis.upper) - axis.lower) / (axis.upper - axis.lower) * plotHeight
    }
    let n = SVG.n

    var out = SVG.open(width: width, height: height, title: title, tooltip: false)
    out += "<title>\(HTML.escape(title))</title>"
    out += legend.svg

    // Seasons and events first, so that everything else is drawn over them.
    for b in bands {
      let x0 = px(b.from)
      let x1 = px(b.to)
      out += "<rect class=\"band\" x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(max(1, x1 - x0)))\" "
      out += "height=\"\(n(plotHeight))\"/>"
    }
    for m in marks where m.style == .scaleUp || m.style == .scaleDown {
      let x = px(m.from)
      out += "<line class=\"tick \(m.style.rawValue)\" x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" "
      out += "y2=\"\(n(top + 8))\"><title>\(HTML.escape(m.label))</title></line>"
    }
    for m in marks where m.style == .fault || m.style == .change {
      let x0 = px(m.from)
      let x1 = max(px(m.to), x0 + 2)
      out += "<rect class=\"mark \(m.style.rawValue)\" x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(x1 - x0))\" "
      out += "height=\"\(n(plotHeight))\"><title>\(HTML.escape(m.label))</title></rect>"
      out += "<line class=\"mark-edge \(m.style.rawValue)\" x1=\"\(n(x0))\" y1=\"\(n(top))\" x2=\"\(n(x0))\" "
      out += "y2=\"\(n(top + plotHeight))\"/>"
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

    // Series: a band where buckets hold several points, then the line, one piece per stretch
    // without gaps.
    for (s, segments) in drawn where !segments.isEmpty {
      for buckets in segments where buckets.contains(where: { $0.count > 1 }) {
        let upper = buckets.map { "\(n(px($0.x))),\(n(py($0.max)))" }
        let lower = buckets.reversed().map { "\(n(px($0.x))),\(n(py($0.min)))" }
        out += "<polygon fill=\"\(s.color)\" fill-opacity=\"0.16\" stroke=\"none\" "
        out += "points=\"\((upper + lower).joined(separator: " "))\"/>"
      }
      let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
      let path = segments.map { buckets in
        "M" + buckets.map { "\(n(px($0.x))),\(n(py($0.max)))" }.joined(separator: "L")
      }.joined()
      out += "<path class=\"series\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\" "
      out += "stroke-linejoin=\"round\"\(dash) d=\"\(path)\"/>"
      // A lone observation between gaps is a dot: a path of one point draws nothing.
      for buckets in segments where buckets.count == 1 {
        out += "<circle cx=\"\(n(px(buckets[0].x)))\" cy=\"\(n(py(buckets[0].max)))\" r=\"2\" fill=\"\(s.color)\"/>"
      }
    }

    // Labels over the data, each row of labels above the last: season names, then events.
    var labelRow = 0
    if !bands.isEmpty {
      for b in bands {
        out += "<text class=\"band-label\" x=\"\(n(px(b.from) + 3))\" y=\"\(n(top + 12))\">"
        out += "\(HTML.escape(b.label))</text>"
      }
      labelRow = 1
    }
    let events = markLabels(px: px, top: top + 12 * Double(labelRow), plotRight: left + plotWidth)
    out += events.svg

    out += targetLines(
      px: px, py: py, top: top, plotLeft: left, plotRight: left + plotWidth, bottom: top + plotHeight,
      around: events.boxes)

    if let clip = clipAbove { out += clippedLabels(drawn, above: clip, px: px, top: top) }

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

  /// Event labels in rows from `top` down: each goes into the first row where it does not run
  /// into the label before it; one that fits nowhere is left to the band's tooltip and the table.
  /// Also returns where each label went (its span and baseline), for the target labels.
  private func markLabels(
    px: (Double) -> Double, top: Double, plotRight: Double
  ) -> (svg: String, boxes: [(x0: Double, x1: Double, y: Double)]) {
    var rowEnds = Array(repeating: -Double.infinity, count: markLabelRows)
    var out = ""
    var boxes: [(x0: Double, x1: Double, y: Double)] = []
    for m in marks.sorted(by: { $0.from < $1.from }) where m.style == .fault || m.style == .change {
      let textWidth = SVG.textWidth(m.label, fontSize: 10.5)
      // Right of the event's start, pulled back left where it would run off the plot.
      let x = min(px(m.from) + 3, plotRight - textWidth)
      guard let row = rowEnds.firstIndex(where: { $0 + 6 < x }) else { continue }
      rowEnds[row] = x + textWidth
      boxes.append((x, x + textWidth, top + 12 * Double(row + 1)))
      out += "<text class=\"mark-label \(m.style.rawValue)\" x=\"\(SVG.n(x))\" "
      out += "y=\"\(SVG.n(top + 12 * Double(row + 1)))\">\(HTML.escape(m.label))</text>"
    }
    return (out, boxes)
  }

  /// Targets over the data: a dashed step line through their pieces, each stretch of one value
  /// labelled above its right end; labels that would overprint one another or an event's
  /// label (`around`) move up a row, or below the line where the plot's top is reached.
  private func targetLines(
    px: (Double) -> Double, py: (Double) -> Double, top: Double, plotLeft: Double, plotRight: Double,
    bottom: Double, around: [(x0: Double, x1: Double, y: Double)]
  ) -> String {
    let n = SVG.n
    var out = ""
    var placed = around
    for t in thresholds.sorted(by: { ($0.pieces.map(\.value).min() ?? 0) < ($1.pieces.map(\.value).min() ?? 0) }) {
      // Stretches of equal value, joined where they touch.
      var stretches: [(from: Double, to: Double, value: Double, label: String, joined: Bool)] = []
      for p in t.pieces {
        let from = t.spansRun ? plotLeft : px(p.from)
        let to = t.spansRun ? plotRight : px(p.to)
        if let last = stretches.last, abs(last.to - from) < 0.5 {
          if last.value == p.value {
            stretches[stretches.count - 1].to = to
            continue
          }
          stretches.append((from, to, p.value, p.label, true))
        } else {
          stretches.append((from, to, p.value, p.label, false))
        }
      }
      var d = ""
      for s in stretches {
        d += s.joined ? "V\(n(py(s.value)))" : "M\(n(s.from)),\(n(py(s.value)))"
        d += "H\(n(s.to))"
      }
      out += "<path class=\"target\" d=\"\(d)\" fill=\"none\" stroke=\"\(t.color)\" stroke-width=\"1.4\" "
      out += "stroke-dasharray=\"7 4\"/>"
      for s in stretches {
        let width = SVG.textWidth(s.label, fontSize: 11)
        guard s.to - s.from >= width || t.spansRun else { continue }
        let x1 = s.to - 4
        let x0 = x1 - width
        func overprints(_ y: Double) -> Bool { placed.contains { $0.x0 < x1 && x0 < $0.x1 && abs($0.y - y) < 12 } }
        var y = max(top + 10, py(s.value) - 4)
        while overprints(y) && y > top + 10 {
          y = max(top + 10, y - 13)
        }
        if overprints(y) {
          // No room above: under the line, down to the plot's foot.
          var below = py(s.value) + 14
          while overprints(below) && below + 13 < bottom { below += 13 }
          if !overprints(below) { y = below }
        }
        placed.append((x0, x1, y))
        out += "<text x=\"\(n(x1))\" y=\"\(n(y))\" text-anchor=\"end\" "
        out +=
          "style=\"fill:\(t.color);paint-order:stroke;stroke:#fff;stroke-width:3px\">\(HTML.escape(s.label))</text>"
      }
    }
    return out
  }

  /// "↑ 6 h" over each stretch of a series above the top of the axis, at its highest point.
  private func clippedLabels(
    _ drawn: [(Series, [[ChartBucket]])], above clip: Double, px: (Double) -> Double, top: Double
  ) -> String {
    var out = ""
    for (s, segments) in drawn {
      var best: ChartBucket? = nil
      func flush() {
        guard let b = best else { return }
        out += "<text class=\"clipped\" x=\"\(SVG.n(px(b.x) + 4))\" y=\"\(SVG.n(top + 10))\" "
        out += "style=\"fill:\(s.color)\">↑ \(HTML.escape(clippedText(b.max)))</text>"
        best = nil
      }
      for buckets in segments {
        for b in buckets {
          if b.max > clip {
            if best == nil || b.max > best!.max { best = b }
          } else {
            flush()
          }
        }
        flush()
      }
    }
    return out
  }

  /// A bucket's length in the unit people would say, to the second: "2.5 min", "6 h", "1 day".
  static func binLength(_ seconds: Double) -> String {
    let s = seconds.rounded()
    let (value, unit): (Double, String) =
      s < 120 ? (s, "s") : s < 7_200 ? (s / 60, "min") : s < 2 * 86_400 ? (s / 3_600, "h") : (s / 86_400, "days")
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text + " " + unit
  }

  /// The typical distance between points, for the downsampling note.
  private var stepSeconds: Double {
    guard let s = series.first(where: { $0.points.count > 1 }) else { return 3_600 }
    return (s.points.last!.x - s.points.first!.x) / Double(s.points.count - 1)
  }
}
