import Foundation
import Reports
import RunRecords
import Testing

/// The SVG of the chart with this caption ("Latency — DE"), from `<figure>` to `</figure>`.
func figure(_ caption: String, in html: String) -> String? {
  guard let start = html.range(of: "<figcaption>\(caption)</figcaption>") else { return nil }
  guard let end = html.range(of: "</figure>", range: start.upperBound..<html.endIndex) else { return nil }
  return String(html[start.lowerBound..<end.lowerBound])
}

/// The `d` attributes of the elements in `svg` whose markup starts with `prefix`.
func paths(_ prefix: String, in svg: String) -> [String] {
  svg.components(separatedBy: prefix).dropFirst().map { element in
    String(element.components(separatedBy: " d=\"")[1].prefix { $0 != "\"" })
  }
}

/// Pieces of a path: how many times it is lifted and put down again ("M").
func moves(_ d: String) -> Int { d.filter { $0 == "M" }.count }

@Suite struct TargetLineTests {
  @Test func aRunThatIsAllSeasonDrawsOnlyTheSeasonTarget() throws {
    // Given a week of DE that is all Oktoberfest
    let data = Fixtures.week {
      $0.territories = ["DE"]
      $0.period = "oktoberfest"
    }

    // When rendered
    let latency = try #require(figure("Latency — DE", in: Report.html(data)))

    // Then its latency chart has the season's 450 ms target and not the normal 200 ms one
    #expect(latency.contains("oktoberfest p95 target 450 ms"))
    #expect(!latency.contains("p95 target 200 ms"))
    #expect(paths("<path class=\"target\"", in: latency).count == 1)
  }

  @Test func aNormalWeekDrawsOnlyTheNormalTarget() throws {
    let data = Fixtures.week {
      $0.territories = ["CH"]
      $0.period = "normal"
    }
    let html = Report.html(data)
    for caption in ["Latency — CH", "p95 latency by request class — CH"] {
      let chart = try #require(figure(caption, in: html))
      #expect(chart.contains("p95 target 200 ms"), "\(caption)")
      #expect(!chart.contains("450 ms"), "\(caption)")
    }
  }

  @Test func aClassWithItsOwnObjectiveGetsItsOwnLine() throws {
    // Given a run whose search class has its own p95 target, 1 s, in every period
    var data = Fixtures.week()
    for i in data.verdicts.indices
    where data.verdicts[i].requestClass == "search" && data.verdicts[i].objective == "p95 latency" {
      data.verdicts[i].target = 1
    }

    // When the class chart is drawn
    let chart = try #require(figure("p95 latency by request class — DE", in: Report.html(data)))

    // Then it has the territory's step line and the class's own, and the latency chart only the first
    #expect(chart.contains(">search target 1 s</text>"), "\(chart.suffix(3_000))")
    #expect(paths("<path class=\"target\"", in: chart).count == 2)
    let latency = try #require(figure("Latency — DE", in: Report.html(data)))
    #expect(!latency.contains("search target"))
  }

  @Test func theTargetStepsWhereTheSeasonStarts() throws {
    // Given the week, normal until Thursday and christmas from Friday
    let html = Report.html(Fixtures.week())

    // When the latency chart's target is drawn
    let latency = try #require(figure("Latency — DE", in: html))
    let d = try #require(paths("<path class=\"target\"", in: latency).first)

    // Then it is one line: across at 200 ms, up where christmas starts, across at 450 ms
    #expect(moves(d) == 1, "\(d)")
    #expect(d.filter { $0 == "V" }.count == 1, "\(d)")
    #expect(d.filter { $0 == "H" }.count == 2, "\(d)")
    #expect(latency.contains(">p95 target 200 ms</text>"))
    #expect(latency.contains(">christmas p95 target 450 ms</text>"))
  }
}

@Suite struct GapTests {
  @Test func windowsWithoutRequestsBreakTheLine() throws {
    // Given CH without requests on weekend nights
    let html = Report.html(Fixtures.week { $0.quietWeekendNights = true })

    // When its latency is drawn
    let latency = try #require(figure("Latency — CH", in: html))
    let lines = paths("<path class=\"series\"", in: latency)

    // Then p50, p95 and p99 each break at Saturday's and Sunday's nights (the last runs to the
    // end): three pieces, and DE, busy every hour, one
    #expect(lines.count == 3)
    for d in lines { #expect(moves(d) == 3, "\(d.prefix(200))") }
    let de = paths("<path class=\"series\"", in: try #require(figure("Latency — DE", in: html)))
    for d in de { #expect(moves(d) == 1) }
    // And the errors chart (no arrivals, no error rate) breaks there too
    let errors = paths("<path class=\"series\"", in: try #require(figure("Errors by cause — CH", in: html)))
    #expect(moves(errors[0]) == 3)
  }

  @Test func downsamplingKeepsGapsOfABucketOrMore() {
    // Given a year of hours that starts every week with two days without observations
    let points = (0..<8_760).map { (h: Int) -> ChartPoint in
      let x = Double(h) * 3_600
      return h % 168 < 48 ? .gap(at: x) : ChartPoint(x: x, y: Double(h % 24))
    }

    // When cut to 600 buckets (15 hours each)
    let segments = Downsampling.segments(points)

    // Then each of the 52 weeks' data stands apart (48 hours always hold a whole bucket), and
    // no bucket is a gap
    #expect(segments.count == 52)
    #expect(segments.joined().count <= Downsampling.maximumPoints)
    #expect(segments.joined().allSatisfy { $0.max.isFinite && $0.min.isFinite })
  }

  @Test func aGapShorterThanABucketIsDrawnOver() {
    // One hour missing in a year: under two pixels on a report-wide chart.
    let points = (0..<8_760).map { (h: Int) -> ChartPoint in
      let x = Double(h) * 3_600
      return h == 4_000 ? .gap(at: x) : ChartPoint(x: x, y: 1)
    }
    #expect(Downsampling.segments(points).count == 1)
    // A week of hours keeps every gap.
    #expect(Downsampling.segments(Array(points[3_950..<4_118])).count == 2)
  }
}

@Suite struct EventTests {
  let data = Fixtures.week {
    $0.faults = true
    $0.quietWeekendNights = true
  }

  @Test func everyChartOfTheTerritoryMarksItsFaultsAndChanges() throws {
    let html = Report.html(data)
    let titles = [
      "Demand and capacity", "Latency", "p95 latency by request class", "Instances", "Utilization by tier",
      "Replica lag", "Errors by cause",
    ]
    for title in titles {
      // DE: the replica outage (a fault), the deployment and the scale-up (changes), labelled
      let de = try #require(figure("\(title) — DE", in: html), "\(title)")
      #expect(de.components(separatedBy: "<rect class=\"mark fault\"").count - 1 == 1, "\(title)")
      #expect(de.components(separatedBy: "<rect class=\"mark change\"").count - 1 == 2, "\(title)")
      #expect(de.contains(">pg-replica-1 down</text>"), "\(title)")
      #expect(de.contains(">12 instances</text>"), "\(title)")
      // CH: random crashes have no time to mark
      let ch = try #require(figure("\(title) — CH", in: html), "\(title)")
      #expect(!ch.contains("class=\"mark "), "\(title)")
    }
    // The crash settings stand under the instances chart of CH.
    #expect(try #require(figure("Instances — CH", in: html)).contains("random instance crashes: MTBF 30d"))
  }

  @Test func aReplicaThatIsDownHasABandNotALag() throws {
    let lag = try #require(figure("Replica lag — DE", in: Report.html(data)))
    let lines = paths("<path class=\"series\"", in: lag)
    // pg-replica-1 stops before its outage and starts again after it; pg-replica-2 runs on.
    #expect(lines.map(moves) == [2, 1])
    #expect(lag.contains("<rect class=\"mark fault\""))
  }

  @Test func aCatchUpAfterAnOutageGoesOverTheTopWithItsValue() throws {
    // Given the replica six hours behind in the hour it is back, and milliseconds otherwise
    let lag = try #require(figure("Replica lag — DE", in: Report.html(data)))

    // Then the axis stays in milliseconds, and the catch-up is written over its top
    #expect(lag.contains(">max lag per window (ms)<"))
    #expect(lag.contains(">↑ 6 h</text>"))
    #expect(lag.components(separatedBy: "class=\"clipped\"").count - 1 == 1)
    // and without an outage nothing is cut
    let quiet = try #require(figure("Replica lag — DE", in: Report.html(Fixtures.week())))
    #expect(!quiet.contains("class=\"clipped\""))
  }

  @Test func theTableListsEveryEventWithLocalTimes() {
    let html = Report.html(data)
    let section = html.components(separatedBy: "<h2 id=\"events\">")[1].components(separatedBy: "</section>")[0]
    #expect(section.components(separatedBy: "<tr class=\"event-").count - 1 == 4)
    #expect(section.contains("Tue 01 Dec 2026 08:00"))
    #expect(section.contains("Tue 01 Dec 2026 14:00"))
    #expect(section.contains(">6 h<"))
    #expect(section.contains("random times"))
    #expect(section.contains("instant"))

    let md = Report.markdown(data)
    #expect(md.contains("## Faults and changes"))
    #expect(md.contains("| DE | replica-down | pg-replica-1 | Tue 01 Dec 2026 08:00 | Tue 01 Dec 2026 14:00 | 6 h |"))

    let quiet = Report.html(Fixtures.week())
    #expect(quiet.contains("No faults, capacity changes or deployments in this run."))
  }

  @Test func theSummaryHasTheEvents() throws {
    let json = try Report.summaryJSON(data)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let events = try #require(object["events"] as? [[String: Any]])
    #expect(events.count == 4)
    #expect(events[0]["kind"] as? String == "replica-down")
    #expect(events[0]["start_s"] as? Double == Double(32 * 3_600))
    #expect(events[2]["start_s"] is NSNull)  // a random crash has no time: null, not missing
  }
}
