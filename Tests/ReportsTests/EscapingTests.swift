import Foundation
import Reports
import RunRecords
import Testing

/// Names that break pages, tables and documents when they are pasted in as they are.
@Suite struct EscapingTests {
  /// A script, both quotes, a table's cell separator and a newline.
  static let hostile = "<script>alert(1)</script> \"q' |p\nn"

  /// The fixture week with the hostile name in every place a name can stand: territory, node,
  /// request class, period, scenario name and path, `--set` settings, events, host.
  static func hostileRun(_ suffix: String = "") -> RunData {
    let name = hostile + suffix
    var data = Fixtures.week {
      $0.name = name
      $0.classes = [name, "order"]
      $0.replicas = ["DE": [name], "CH": []]
      $0.settings = [name + "=1"]
      $0.faults = true
    }
    func rename(_ s: String) -> String { s == "DE" || s == "christmas" ? name : s }
    for i in data.series.indices {
      data.series[i].territory = rename(data.series[i].territory)
      data.series[i].period = rename(data.series[i].period)
    }
    for i in data.verdicts.indices {
      data.verdicts[i].territory = rename(data.verdicts[i].territory)
      data.verdicts[i].period = rename(data.verdicts[i].period)
    }
    for i in data.costs.indices { data.costs[i].territory = rename(data.costs[i].territory) }
    for i in data.events.indices {
      data.events[i].territory = rename(data.events[i].territory)
      data.events[i].label += " " + name
    }
    data.run.scenarioPath = "scenarios/\(name).yaml"
    data.run.scenarioText = RunRecord.scenarioText([
      .init(path: data.run.scenarioPath, text: "name: x\noverrides: {\"\(name)\": 1}\n"),
      .init(path: name, text: "name: \(name)\n"),
    ])
    data.run.hostName = name
    data.run.message = name
    return data
  }

  @Test func htmlShowsThemAsText() {
    let data = Self.hostileRun()
    for html in [Report.html(data), Report.comparisonHTML(baseline: Self.hostileRun(" base"), whatIf: data)] {
      #expect(!html.lowercased().contains("<script"))
      #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&#39; |p\nn"))
      // Only the page's own markup has quotes in tags: none closes an attribute early.
      #expect(!html.contains("\"q'"))
    }
  }

  @Test func markdownTablesKeepTheirShape() {
    let data = Self.hostileRun()
    for md in [Report.markdown(data), Report.comparisonMarkdown(baseline: Self.hostileRun(" base"), whatIf: data)] {
      #expect(!md.contains("<script"))
      #expect(md.contains("&lt;script&gt;"))
      // Every row of a table has as many cell separators as its header.
      var separators: Int? = nil
      for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
        guard line.hasPrefix("|") else {
          separators = nil
          continue
        }
        let unescaped = zip(line, " " + line).filter { $0 == "|" && $1 != "\\" }.count
        if separators == nil { separators = unescaped }
        #expect(unescaped == separators, "\(line)")
        #expect(line.hasSuffix("|"), "\(line)")
      }
      // The newline is a space: nothing of a name starts a line of its own.
      #expect(!md.contains("\nn"))
    }
  }

  @Test func jsonIsValidAndRoundTrips() throws {
    let data = Self.hostileRun()
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(try Report.summaryJSON(data).utf8)) as? [String: Any])
    let run = try #require(summary["run"] as? [String: Any])
    #expect(run["scenario_name"] as? String == Self.hostile)
    #expect(run["settings"] as? [String] == [Self.hostile + "=1"])
    let events = try #require(summary["events"] as? [[String: Any]])
    #expect(events.contains { $0["territory"] as? String == Self.hostile })
    let peaks = try #require(summary["peak_p95"] as? [String: Any])
    #expect(peaks[Self.hostile] != nil)

    let comparison = try Report.comparisonSummaryJSON(baseline: Self.hostileRun(" base"), whatIf: data)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(comparison.utf8)) as? [String: Any])
    let changes = try #require(object["scenario_changes"] as? [[String: Any]])
    #expect(changes.contains { ($0["lines"] as? [String] ?? []).contains("+ " + Self.hostile + "=1") })
  }
}
