import Foundation
import RunRecords
import Testing

import Reports

/// The autoscaler summary of `run`, `show` and the report, on syncs written by hand.
@Suite struct AutoscalerSummaryTests {
  /// (time, current, desired, ready, total) of replication 0 of DE; 15 s apart.
  static let table: [(Double, Int, Int, Int, Int)] = [
    (0, 2, 3, 2, 2),  // up: a ramp starts
    (15, 3, 3, 2, 3),
    (30, 3, 5, 2, 3),  // up within 5 min: the same ramp, now to 5
    (45, 5, 5, 3, 5),
    (60, 5, 5, 5, 5),  // 5 Ready: the ramp took 60 s
    (75, 5, 4, 5, 5),  // down: a reversal
    (90, 4, 6, 4, 4),  // up: a reversal, and a new ramp
    (105, 6, 6, 6, 6),  // 6 Ready: 15 s
  ]

  static func data(p95: Double) -> RunData {
    var data = Fixtures.week {
      $0.territories = ["DE"]; $0.days = 1; $0.period = "christmas"
    }
    data.autoscalerSyncs = table.map { t, current, desired, ready, total in
      AutoscalerSyncRecord(
        replication: 0, territory: "DE", autoscaler: "HorizontalPodAutoscaler crm-de", time: t, localTime: nil,
        metrics: "resource cpu 90% of 75% -> \(desired)", recommendation: desired, stabilized: desired,
        currentReplicas: current, desiredReplicas: desired, readyPods: ready, totalPods: total,
        reason: desired > current
          ? "scaled up (resource cpu above target)"
          : desired < current ? "stabilized: highest of the last 300 s is \(desired)" : "within tolerance")
    }
    for i in data.series.indices where data.series[i].tier == "all" && data.series[i].requestClass == "all" {
      data.series[i].latencyP95 = data.series[i].windowStart < 7_200 ? p95 : 0.1
    }
    data.targets["peakP95"] = 0.45
    return data
  }

  @Test func scalingsReversalsRampsAndPodHoursAreCountedAsWorkedOut() throws {
    let s = try #require(AutoscalerSummary.summaries(Self.data(p95: 0.5)).first)
    #expect(s.territory == "DE" && s.autoscaler == "HorizontalPodAutoscaler crm-de" && s.replications == 1)
    #expect(s.scaleUps == 3 && s.scaleDowns == 1)
    // 2 reversals in the 105 s from the first sync to the last.
    #expect(abs(s.reversalsPerHour - 2 / (105.0 / 3_600)) < 1e-9)
    #expect(s.longestRamp == 60 && s.meanRamp == 37.5)
    // (2 + 3 + 3 + 5 + 5 + 5 + 4) pods x 15 s; the last sync has no interval after it.
    #expect(abs(s.podHours - 27 * 15 / 3_600.0) < 1e-12)
    // The first two hourly windows are over the 450 ms christmas target.
    #expect(s.sloViolationMinutes == 120)
    #expect(try #require(AutoscalerSummary.summaries(Self.data(p95: 0.2)).first).sloViolationMinutes == 0)
  }

  @Test func reasonsCountTogetherWithoutTheirNumbers() {
    let reasons = AutoscalerSummary.reasons(Self.data(p95: 0.2), territory: "DE")
    #expect(
      reasons.map(\.reason) == [
        "within tolerance", "scaled up (resource cpu above target)", "stabilized: highest of the last 300 s",
      ])
    #expect(reasons.map(\.syncs) == [4, 3, 1])
  }

  @Test func theTableHasARowPerTerritory() {
    let text = AutoscalerSummary.table(AutoscalerSummary.summaries(Self.data(p95: 0.5)))
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(
      lines[1].contains("HorizontalPodAutoscaler crm-de") && lines[1].contains("1 min") && lines[1].contains("120"))
  }

  /// report.md, "the same in short", has the summary too, and does not say a run that scaled
  /// had no changes without pointing to it.
  @Test func theMarkdownReportSummarizesTheAutoscalers() {
    let md = Report.markdown(Self.data(p95: 0.5))
    #expect(md.contains("## Autoscalers") && md.contains("| DE | HorizontalPodAutoscaler crm-de | 3 | 1 |"), "\(md)")
    #expect(md.contains("No faults, capacity changes or deployments in this run (the autoscalers' scalings are under Autoscalers)"))
    #expect(!Report.markdown(Fixtures.week()).contains("## Autoscalers"))
  }

  @Test func theReportDrawsThePodsAndTablesTheReasons() {
    let html = Report.html(Self.data(p95: 0.5))
    #expect(html.contains("Pods — DE") && html.contains("Ready pods"))
    // Each scaling a tick with its counts and reason as the tooltip, no label over the lines.
    #expect(html.contains("<line class=\"tick scale-up\"") && html.contains("↑ "))
    #expect(!html.contains("mark-label change\">↑"))
    #expect(html.contains("Longest ramp") && html.contains("within tolerance"))
  }

  @Test func aDayOfSyncsIsBinnedInMinutesOnWholePodTicks() throws {
    // Given a day of syncs 15 s apart, 2 to 13 pods: 5,760 syncs, drawn 10 to a bucket
    var data = Self.data(p95: 0.2)
    data.autoscalerSyncs = (0..<5_760).map { i in
      let pods = 2 + (i / 480) % 12
      return AutoscalerSyncRecord(
        replication: 0, territory: "DE", autoscaler: "HorizontalPodAutoscaler crm-de", time: Double(i) * 15,
        localTime: nil, metrics: "", recommendation: pods, stabilized: pods, currentReplicas: pods,
        desiredReplicas: pods, readyPods: pods, totalPods: pods, reason: "within tolerance")
    }
    let svg = try #require(figure("Pods — DE", in: Report.html(data)))
    // Then the bucket is said in minutes, every value tick is a whole number of pods, and the
    // caption says what the table below has
    #expect(svg.contains("line: max per 2.5 min, band: min–max"), "\(svg.prefix(3_000))")
    let ticks = svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().map { $0.prefix { $0 != "<" } }
    #expect(!ticks.isEmpty)
    for t in ticks { #expect(Int(t) != nil, "tick \(t)") }
    #expect(svg.contains("their reason on hover") && svg.contains("the table below counts the reasons over all replications"))
  }
}
