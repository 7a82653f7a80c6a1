import Foundation
import Reports
import RunRecords
import Testing

/// Occurrences of `needle` in `text`.
private func count(_ needle: String, in text: String) -> Int {
  text.components(separatedBy: needle).count - 1
}

/// A fresh folder under the temporary directory.
private func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-reports-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

private let chartTitles = [
  "Demand and capacity", "Latency", "p95 latency by request class", "Instances", "Utilization by tier",
  "Replica lag", "Errors by cause",
]

@Suite struct HTMLReportTests {
  let data = Fixtures.week()

  @Test func hasEverySectionAndChart() {
    // Given a week of two territories, When rendered
    let html = Report.html(data)

    // Then every territory has every chart, and the run has its tables
    for t in ["DE", "CH"] {
      for title in chartTitles { #expect(html.contains("<figcaption>\(title) — \(t)</figcaption>"), "\(title) \(t)") }
    }
    for section in [
      "At a glance", "SLO verdicts", "Capacity by territory and season", "Cost over the run, and per 30 days", "Run",
    ] {
      #expect(html.contains(">\(section)</h2>"), "\(section)")
    }
    #expect(html.contains("Cost over the run by calendar month (EUR)"))
    #expect(html.contains("Cost over the run by calendar month (CHF)"))
    #expect(html.contains("Per 30 days") && html.contains("Per calendar month"))
    #expect(html.contains("<title>capsim report: freshfoodz-winter</title>"))
  }

  /// The counts line showed a solid red "FAIL" pill beside a count of 0 on every page, which
  /// reads as a failure at a glance; a count of 0 is greyed now.
  @Test func aCountOfNoFailuresIsNotRed() {
    var passing = data
    passing.verdicts = passing.verdicts.filter { $0.outcome.lowercased() != "fail" }
    let html = Report.html(passing)
    #expect(html.contains("<span class=\"badge none\">FAIL</span> 0"))
    #expect(!html.contains("<span class=\"badge fail\">FAIL</span> 0"))
    // A count above 0 keeps its colour
    #expect(
      Report.html(data).contains("<span class=\"badge fail\">FAIL</span> ")
        == data.verdicts.contains { $0.outcome.lowercased() == "fail" })
  }

  /// report.md gave the run rate per 30 days but not per calendar month, which the page and
  /// `capsim show` give (and the README promised of "the run's report").
  @Test func theMarkdownGivesTheRunRatePerCalendarMonth() throws {
    let lines = Report.markdown(data).split(separator: "\n").map(String.init)
    let at = try #require(lines.firstIndex { $0.hasPrefix("| Month |") })
    #expect(lines[at].contains("| Per 30 days | Per calendar month |"), "\(lines[at])")
    // The first month's row: its last cell is the month's run rate, not a dash
    #expect(data.costs.first?.perCalendarMonth != nil)
    let cells = lines[at + 2].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(cells.count == 7 && cells.last != "–" && cells.last?.isEmpty == false, "\(lines[at + 2])")
  }

  @Test func drawsOneSVGPerChart() {
    let html = Report.html(data)
    let figures = count("<figure class=\"chart\">", in: html)
    // 7 charts per territory, and cost bars per currency.
    #expect(figures == 2 * chartTitles.count + 2)
    #expect(count("<svg", in: html) == figures)
    #expect(count("</svg>", in: html) == figures)
  }

  @Test func needsNothingFromTheNetwork() {
    let html = Report.html(data)
    for forbidden in ["http://", "https://", "<script", "<img", "<link", "@import", "url(", "@font-face"] {
      #expect(!html.contains(forbidden), "found \(forbidden)")
    }
  }

  @Test func showsTargetsSeasonsAndReadableDates() {
    let html = Report.html(data)
    #expect(html.contains("p95 target 200 ms"))
    #expect(html.contains("christmas p95 target 450 ms"))
    #expect(html.contains("class=\"band-label\""))
    #expect(html.contains(">christmas</text>"))
    // Daily ticks on a week, local labels; the run starts on Monday 30 November.
    #expect(html.contains(">Mon 30 Nov</text>"))
    #expect(html.contains(">Tue 01 Dec</text>"))
    #expect(html.contains("local time (Europe/Berlin)"))
  }

  /// A run of a few hours within a day has hourly ticks, and its day in the axis title.
  @Test func aShortRunHasClockTicksAndItsDay() {
    let html = Report.html(
      Fixtures.week {
        $0.hours = 4
        $0.firstHour = 8
      })
    for hour in ["09:00", "10:00", "11:00"] { #expect(html.contains(">\(hour)</text>"), "\(hour)") }
    #expect(html.contains("local time (Europe/Berlin), Mon 30 Nov 2026"))
    #expect(html.contains("Key peaks (hourly window means over replications; replica lag: the largest in a window)"))
  }

  @Test func colorsVerdictsAndShowsHalfWidths() {
    let html = Report.html(data)
    #expect(count("<span class=\"badge fail\">FAIL</span>", in: html) >= 2)  // glance + table
    #expect(html.contains("<tr class=\"fail\">"))
    #expect(html.contains("<tr class=\"marginal\">"))
    #expect(html.contains("520 ms ± 20 ms"))
    #expect(html.contains("&lt; 450 ms"))
    #expect(html.contains("≥ 99.900 %"))
  }

  @Test func escapesHostileNames() {
    // Given names from a hostile scenario file
    let hostile = "<script>alert(1)</script>"
    var data = Fixtures.week {
      $0.name = hostile
      $0.classes = ["\"><img src=x onerror=alert(2)>"]
      $0.replicas = ["DE": ["pg&<replica>"], "CH": []]
      $0.settings = ["territories.DE.name=<b>x</b>"]
    }
    data.run.scenarioPath = "/tmp/<svg onload=alert(3)>.yaml"
    data.run.scenarioText = "</pre><script>alert(4)</script>"
    for i in data.series.indices where data.series[i].territory == "CH" { data.series[i].territory = "<i>CH</i>" }

    // When rendered
    let html = Report.html(data)
    let markdown = Report.markdown(data)

    // Then they show as text
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("<svg onload"))
    #expect(!html.contains("<b>x</b>"))
    #expect(!html.contains("<i>CH</i>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("pg&amp;&lt;replica&gt;"))
    #expect(html.contains("&lt;i&gt;CH&lt;/i&gt;"))
    #expect(!markdown.contains("<script"))
    #expect(!markdown.contains("<img"))
  }

  @Test func keepsEmptyRunsReadable() {
    let empty = RunData(run: Fixtures.week().run)
    let html = Report.html(empty)
    #expect(html.contains("No verdicts recorded."))
    #expect(html.contains("No costs recorded."))
    #expect(count("<svg", in: html) == 0)
    #expect(Report.markdown(empty).contains("No verdicts recorded."))
  }
}

@Suite struct DownsamplingTests {
  /// A year of hourly points around 100 with one spike of 5,000.
  static let year: [ChartPoint] = (0..<8_760).map { h in
    ChartPoint(x: Double(h) * 3_600, y: h == 5_003 ? 5_000 : 100 + Double(h % 24))
  }

  @Test func keepsTheMaximumOfASpikeInAYear() {
    let buckets = Downsampling.buckets(Self.year)

    #expect(buckets.count <= Downsampling.maximumPoints)
    #expect(buckets.map(\.count).reduce(0, +) == 8_760)
    #expect(buckets.map(\.max).max() == 5_000)
    #expect(buckets.map(\.min).min() == 100)
    let spike = try! #require(buckets.first { $0.max == 5_000 })
    #expect(spike.xFrom <= 5_003 * 3_600 && 5_003 * 3_600 <= spike.xTo)
    // The mean of its bucket would have hidden it.
    #expect(spike.mean < 500)
  }

  @Test func leavesShortSeriesAlone() {
    let week = Array(Self.year.prefix(168))
    let buckets = Downsampling.buckets(week)
    #expect(buckets.count == 168)
    #expect(buckets.map(\.max) == week.map(\.y))
    #expect(buckets.allSatisfy { $0.count == 1 && $0.min == $0.max })
  }

  @Test func dropsNonFiniteValues() {
    let points = [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: .nan), ChartPoint(x: 2, y: .infinity)]
    #expect(Downsampling.buckets(points).map(\.max) == [1])
  }

  @Test func reportOfAYearDrawsAtMostSixHundredPointsPerLine() throws {
    // Given a year of DE with one hour at 5 s p95
    let data = Fixtures.run(
      .init(start: (2026, 1, 5), days: 364, territories: ["DE"], classes: ["order"], spikeHour: 4_000))

    // When rendered
    let html = Report.html(data)

    // Then every line is downsampled, the spike is the annotated peak, and months label the axis
    let lines = html.components(separatedBy: "<path class=\"series\"").dropFirst()
    #expect(!lines.isEmpty)
    for line in lines {
      let path = line.components(separatedBy: " d=\"")[1].prefix { $0 != "\"" }
      #expect(path.split(whereSeparator: { $0 == "M" || $0 == "L" }).count <= Downsampling.maximumPoints)
    }
    #expect(html.contains("peak p95 5,000 ms"))
    #expect(html.contains("line: max per"))
    #expect(html.contains(">Feb 2026</text>"))
    #expect(html.contains(">Dec 2026</text>"))
    #expect(html.utf8.count < 3_000_000)
  }
}

@Suite struct MarkdownAndSummaryTests {
  let data = Fixtures.week()

  @Test func markdownHasTheVerdictTable() {
    let md = Report.markdown(data)
    #expect(md.hasPrefix("# capsim report: freshfoodz\\_winter") || md.hasPrefix("# capsim report: freshfoodz-winter"))
    #expect(md.contains("| Territory | Period | Class | Objective | Measured | Target | Outcome | Worst window |"))
    #expect(md.contains("| CH | christmas | all | p95 latency | 520 ms ± 20 ms | < 450 ms | ❌ **FAIL** |"))
    #expect(md.contains("**1 FAIL**"))
    #expect(md.contains("12 per-class verdicts are not listed: 12 pass."))
    #expect(md.contains("## Key peaks"))
    #expect(md.contains("## Cost over the run, and per 30 days"))
    #expect(md.contains("**Per 30 days at the run's pace:**"))
    #expect(md.contains("EUR "))
    #expect(md.contains("CHF "))
  }

  @Test func summaryParsesAndCounts() throws {
    let json = try Report.summaryJSON(data)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])

    let verdicts = try #require(object["verdicts"] as? [String: Any])
    let byOutcome = try #require(verdicts["by_outcome"] as? [String: Int])
    #expect(verdicts["total"] as? Int == data.verdicts.count)
    #expect(byOutcome["fail"] == 1)
    #expect(byOutcome["marginal"] == 1)
    #expect(byOutcome["pass"] == data.verdicts.count - 2)

    let failed = try #require(object["failed_verdicts"] as? [[String: Any]])
    #expect(failed.count == 1)
    #expect(failed.first?["territory"] as? String == "CH")
    #expect(failed.first?["objective"] as? String == "p95 latency")

    let peaks = try #require(object["peak_p95"] as? [String: [String: Any]])
    #expect(Set(peaks.keys) == ["DE", "CH"])
    let deMax = data.series.filter { $0.territory == "DE" && $0.tier == "all" && $0.requestClass == "all" }
      .compactMap(\.latencyP95).max()
    // JSONSerialization may read the last digit differently.
    #expect(abs((peaks["DE"]?["p95_s"] as? Double ?? 0) - (deMax ?? 1)) < 1e-12)

    let costs = try #require(object["cost_totals"] as? [String: [String: Double]])
    let eur = data.costs.filter { $0.currency == "EUR" }.reduce(0) { $0 + $1.instanceCost + $1.databaseCost }
    #expect(abs((costs["EUR"]?["total"] ?? 0) - eur) < 1e-6)
    #expect(costs["CHF"] != nil)
    // The run rate: the week's total at its pace for 30 days (720 h over the week's 168 h).
    #expect(abs((costs["EUR"]?["per_30_days"] ?? 0) - (eur / 168 * 720)) < 0.01)

    let run = try #require(object["run"] as? [String: Any])
    #expect(run["scenario_name"] as? String == "freshfoodz-winter")
    #expect(run["seed"] as? Int == 20_261_130)
  }

  @Test func writesTheThreeFiles() throws {
    let root = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = root.appendingPathComponent("nested/report")
    try Report.write(data, to: folder.path)
    for name in ["index.html", "report.md", "summary.json"] {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(!text.isEmpty, "\(name)")
    }
  }
}

@Suite struct ComparisonTests {
  let baseline = Fixtures.week()
  let whatIf = Fixtures.week {
    $0.name = "freshfoodz-winter-more-ch"
    $0.capacity = 1.5
    $0.settings = ["territories.CH.pools.app.maxInstances=40"]
  }

  /// Runs that share no period (a normal week against Christmas): every row read "changed" and
  /// the summary "0 worse, 0 better"; it counts the rows only one run has.
  @Test func rowsOfOneRunOnlyAreCountedAsChanged() {
    var other = whatIf
    for i in other.verdicts.indices { other.verdicts[i].period = "spargel-" + other.verdicts[i].period }
    let html = Report.comparisonHTML(baseline: baseline, whatIf: other)
    let rows =
      Set(baseline.verdicts.map { "\($0.territory) \($0.period) \($0.requestClass) \($0.objective)" }).count
      + Set(other.verdicts.map { "\($0.territory) \($0.period) \($0.requestClass) \($0.objective)" }).count
    #expect(html.contains("Outcomes changed: 0 worse, 0 better, \(rows) in one run only."), "\(rows)")
  }

  @Test func htmlShowsBothRuns() {
    let html = Report.comparisonHTML(baseline: baseline, whatIf: whatIf)
    #expect(html.contains("freshfoodz-winter-more-ch"))
    #expect(html.contains("<strong><span class=\"nm\">freshfoodz-winter</span></strong>"))
    #expect(html.contains("territories.CH.pools.app.maxInstances=40"))
    // CH christmas p95 went from FAIL to pass.
    #expect(html.contains("<tr class=\"better\">"))
    #expect(html.contains("▲ better"))
    #expect(html.contains("−130 ms"))
    #expect(html.contains("Outcomes changed: 0 worse, 1 better."))
    for t in ["DE", "CH"] {
      #expect(html.contains("<figcaption>p95 latency — \(t), baseline and what-if</figcaption>"))
      #expect(html.contains("<figcaption>Instances — \(t), baseline and what-if</figcaption>"))
    }
    #expect(count("<svg", in: html) == count("<figure class=\"chart\">", in: html))
    #expect(html.contains(">baseline</text>"))
    #expect(html.contains(">what-if</text>"))
    #expect(html.contains("Cost difference"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
  }

  @Test func aChangeOfMicrosecondsReadsInMicroseconds() {
    // Given a what-if whose DE database p95 is 0.9 µs lower than the baseline's
    var smaller = baseline
    for (i, v) in smaller.verdicts.enumerated() where v.territory == "DE" && v.objective == "database p95" {
      smaller.verdicts[i].mean -= 0.000_000_9
    }

    // When compared, Then the change reads in microseconds, not as "−0.000900 ms"
    let html = Report.comparisonHTML(baseline: baseline, whatIf: smaller)
    let micro = html.contains("−0.900 µs")
    let zeros = html.contains("0.0009")
    #expect(micro)
    #expect(!zeros)
  }

  @Test func markdownShowsChangesAndCosts() {
    let md = Report.comparisonMarkdown(baseline: baseline, whatIf: whatIf)
    #expect(md.contains("**Baseline:**"))
    #expect(md.contains("**What-if:**"))
    #expect(md.contains("## Changed outcomes"))
    #expect(md.contains("❌ **FAIL** → ✅ pass"))
    #expect(md.contains("## Cost difference"))
    #expect(md.contains("**CHF +"))
  }

  @Test func writesTheThreeFiles() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Report.writeComparison(baseline: baseline, whatIf: whatIf, to: folder.path)
    let json = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
    let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    let changed = try #require(object["changed_verdicts"] as? [[String: Any]])
    #expect(changed.count == 1)
    #expect(changed.first?["what_if_outcome"] as? String == "pass")
    #expect(object["baseline"] != nil && object["what_if"] != nil)
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.html").path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.md").path))
  }
}

@Suite struct BrowserTests {
  /// Where the screenshots go: `$CAPSIM_REPORT_SCREENSHOTS` to look at them, else a folder that
  /// is removed afterwards.
  static let screenshots = ProcessInfo.processInfo.environment["CAPSIM_REPORT_SCREENSHOTS"]

  @Test(
    .enabled(
      if: Chromium.isAvailable,
      "no chromium, chromium-browser or google-chrome on PATH: run scripts/install-chromium.sh to render reports"),
    .timeLimit(.minutes(5)))
  func rendersInHeadlessChromium() throws {
    // Given a report on disk
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = Fixtures.week()
    try Report.write(data, to: folder.path)
    let page = folder.appendingPathComponent("index.html")

    // When Chromium loads it
    let dom = try Chromium.run(["--dump-dom"], url: page, in: folder)

    // Then it exits cleanly, the DOM has the title and every chart, and the console is quiet
    #expect(dom.status == 0, "stderr: \(dom.stderr.suffix(2_000))")
    #expect(dom.stdout.contains("capsim report: freshfoodz-winter"))
    #expect(count("<svg", in: dom.stdout) == 2 * chartTitles.count + 2)
    #expect(Chromium.consoleErrors(dom.stderr).isEmpty, "\(Chromium.consoleErrors(dom.stderr))")
  }

  /// The report (with faults and quiet nights), the comparison and a capacity plan (with
  /// hostile names), laid out at 1400 and 900 px:
  /// nothing wider than the window, no name broken over two lines, no table wider than its box;
  /// and a screenshot of each that paints.
  @Test(
    .enabled(
      if: Chromium.isAvailable,
      "no chromium, chromium-browser or google-chrome on PATH: run scripts/install-chromium.sh to render reports"),
    .timeLimit(.minutes(10)),
    arguments: [1_400, 900])
  func laysOutAtWidth(_ width: Int) throws {
    // Given every kind of report on disk
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let report = folder.appendingPathComponent("report")
    let comparison = folder.appendingPathComponent("comparison")
    let plan = folder.appendingPathComponent("plan")
    try Report.writePlan(PlanReportFixtures.data(PlanReportFixtures.hostile), to: plan.path)
    let autoscale = folder.appendingPathComponent("autoscale")
    try Report.writeAutoscale(AutoscaleReportFixtures.data(territory: "<b>DE</b>"), to: autoscale.path)
    let calibration = folder.appendingPathComponent("calibration")
    try Report.writeCalibration(CalibrationReportFixtures.data(name: "<b>crm</b>"), to: calibration.path)
    try Report.write(
      Fixtures.week {
        $0.faults = true; $0.quietWeekendNights = true
      }, to: report.path)
    try Report.writeComparison(
      baseline: ComparisonTests.baselineWithText(), whatIf: ComparisonTests.faultyWhatIf(), to: comparison.path)

    for (name, dir) in [
      ("report", report), ("comparison", comparison), ("plan", plan), ("autoscale", autoscale),
      ("calibration", calibration),
    ] {
      // When Chromium lays it out at this width, with a probe that measures it
      let page = dir.appendingPathComponent("index.html")
      let probe = dir.appendingPathComponent("probe.html")
      let html = try String(contentsOf: page, encoding: .utf8)
      try html.replacingOccurrences(of: "</body>", with: Self.probe + "</body>").write(
        to: probe, atomically: true, encoding: .utf8)
      let dom = try Chromium.run(["--dump-dom", "--window-size=\(width),3000"], url: probe, in: folder)
      #expect(dom.status == 0, "\(name) at \(width): \(dom.stderr.suffix(2_000))")
      let title =
        dom.stdout.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>")
        .first ?? ""

      // Then the page fits, names stay whole and tables fit their boxes
      #expect(title.hasPrefix("probe "), "\(name) at \(width): no probe result in the DOM")
      #expect(title.contains("page-overflow=0"), "\(name) at \(width): \(title)")
      #expect(title.contains("broken-names=0 "), "\(name) at \(width): \(title)")
      #expect(title.contains("wide-tables=0 "), "\(name) at \(width): \(title)")
      #expect(!title.contains("names=0;"), "\(name) at \(width): the probe found no names")

      // And it paints
      let png = URL(fileURLWithPath: Self.screenshots ?? folder.path).appendingPathComponent("\(name)-\(width).png")
      let shot = try Chromium.run(
        ["--screenshot=\(png.path)", "--window-size=\(width),6000", "--hide-scrollbars"], url: page, in: folder)
      #expect(shot.status == 0, "stderr: \(shot.stderr.suffix(2_000))")
      let bytes = try Data(contentsOf: png)
      #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
      #expect(bytes.count > 50_000)
    }
  }

  /// Measures the laid-out page into its title: how far it is wider than the window, how many
  /// names (`.nm`) take more than one line, and how many tables are wider than their box.
  /// (The reports themselves have no script; only this copy does.)
  static let probe = """
    <script>
    const names = [...document.querySelectorAll('.nm')];
    const broken = names.filter(n => n.getClientRects().length > 1).map(n => n.textContent);
    const wide = [...document.querySelectorAll('div.table')].filter(d => d.scrollWidth > d.clientWidth + 1)
      .map(d => d.querySelector('tr').textContent.slice(0, 40));
    const overflow = Math.max(0, document.documentElement.scrollWidth - window.innerWidth);
    document.title = 'probe names=' + names.length + '; broken-names=' + broken.length + ' ' + broken.slice(0, 5).join('|')
      + ' wide-tables=' + wide.length + ' ' + wide.join('|') + ' page-overflow=' + overflow;
    </script>

    """
}

/// Writes the fixture reports to `$CAPSIM_REPORT_SAMPLES` for looking at them in a browser.
@Suite struct SampleReports {
  static let folder = ProcessInfo.processInfo.environment["CAPSIM_REPORT_SAMPLES"]

  @Test(.enabled(if: folder != nil, "set CAPSIM_REPORT_SAMPLES to a folder to write sample reports"))
  func writeSamples() throws {
    let folder = URL(fileURLWithPath: Self.folder!)
    let week = Fixtures.week()
    try Report.write(week, to: folder.appendingPathComponent("week").path)
    try Report.write(
      Fixtures.run(.init(start: (2026, 1, 5), days: 364, spikeHour: 4_000)),
      to: folder.appendingPathComponent("year").path)
    let whatIf = Fixtures.week {
      $0.name = "freshfoodz-winter-more-ch"
      $0.capacity = 1.5
      $0.settings = ["territories.CH.pools.app.maxInstances=40"]
    }
    try Report.writeComparison(baseline: week, whatIf: whatIf, to: folder.appendingPathComponent("comparison").path)
    let faults = Fixtures.week {
      $0.faults = true
      $0.quietWeekendNights = true
    }
    try Report.write(faults, to: folder.appendingPathComponent("faults").path)
    try Report.writeComparison(
      baseline: ComparisonTests.baselineWithText(), whatIf: ComparisonTests.faultyWhatIf(),
      to: folder.appendingPathComponent("faults-comparison").path)
    try Report.writePlan(PlanReportFixtures.data(), to: folder.appendingPathComponent("plan").path)
    try Report.writePlan(
      PlanReportFixtures.data(PlanReportFixtures.hostile), to: folder.appendingPathComponent("plan-hostile").path)
  }

  /// A quiet hour with a huge p95 (20 requests) is not the territory's peak.
  @Test func quietHoursAreNotLatencyPeaks() throws {
    var data = Fixtures.week()
    let k = try #require(
      data.series.firstIndex { $0.territory == "DE" && $0.tier == "all" && $0.requestClass == "all" })
    data.series[k].arrivals = 20
    data.series[k].latencyP95 = 9
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(try Report.summaryJSON(data).utf8)) as? [String: Any])
    let peaks = try #require(summary["peak_p95"] as? [String: [String: Any]])
    let de = try #require(peaks["DE"]?["p95_s"] as? Double)
    #expect(de < 9)
  }
}
