import Foundation
import Reports
import RunRecords
import Testing

/// Labels on a chart never print over one another: an event's label (`mark-label`) and a
/// target's (`text-anchor="end"`, right-aligned at the end of its line).
@Suite struct LabelOverlapTests {
  /// A label's box: its horizontal span at about 6 px a character (10.5-11 px type), its baseline.
  struct Box {
    var x0: Double
    var x1: Double
    var y: Double
    var text: String

    func overlaps(_ other: Box) -> Bool { x0 < other.x1 && other.x0 < x1 && abs(y - other.y) < 11 }
  }

  static func attribute(_ name: String, _ element: String) -> Double? {
    guard let r = element.range(of: " \(name)=\"") else { return nil }
    return Double(element[r.upperBound...].prefix { $0 != "\"" })
  }

  /// The event labels and the target labels of one chart's SVG.
  static func labels(_ svg: String) -> (events: [Box], targets: [Box]) {
    var events: [Box] = []
    var targets: [Box] = []
    for piece in svg.components(separatedBy: "<text").dropFirst() {
      guard let close = piece.firstIndex(of: ">"), let end = piece.range(of: "</text>") else { continue }
      let element = String(piece[..<close])
      let text = String(piece[piece.index(after: close)..<end.lowerBound])
      guard let x = attribute("x", element), let y = attribute("y", element) else { continue }
      let width = Double(text.count) * 6
      if element.contains("class=\"mark-label") {
        events.append(Box(x0: x, x1: x + width, y: y, text: text))
      } else if element.contains("text-anchor=\"end\"") && element.contains("style=\"fill:") {
        targets.append(Box(x0: x - width, x1: x, y: y, text: text))
      }
    }
    return (events, targets)
  }

  /// A week whose last day brings a deployment near the end, its label pulled back under the
  /// target labels at the right end of the charts, and a latency axis the target nearly tops.
  static func crowded() -> RunData {
    var data = Fixtures.week {
      $0.faults = true
      $0.spikeHour = 160
      $0.spikeP95 = 0.46
    }
    let end = 7 * 86_400.0
    data.events.append(
      EventRecord(
        territory: "DE", kind: "deployment", subject: "DE", start: end - 1_800, end: end,
        localStart: "2026-12-06T23:30", localEnd: "2026-12-07T00:00", label: "rolling deployment of app v2.4"))
    return data
  }

  @Test func noTargetLabelSitsOnAnEventLabel() throws {
    let pages = [
      ("run", Report.html(Self.crowded())),
      ("comparison", Report.comparisonHTML(baseline: Fixtures.week(), whatIf: Self.crowded())),
    ]
    var checked = 0
    for (page, html) in pages {
      for svg in html.components(separatedBy: "<svg").dropFirst() {
        let (events, targets) = Self.labels(svg)
        checked += events.isEmpty || targets.isEmpty ? 0 : 1
        for t in targets {
          for e in events { #expect(!t.overlaps(e), "\(page): target '\(t.text)' over event '\(e.text)'") }
        }
      }
    }
    #expect(checked > 0)
  }
}
