import Foundation
import Reports
import Testing

enum CalibrationReportFixtures {
  /// A workload fitted on 1, 2 and 4 clients and held out at 8 to 64, with an ablation, and an
  /// open-loop run that saturates; `name` may be hostile.
  static func data(name: String = "crm") -> CalibrationData {
    let clients = [1, 2, 4, 8, 16, 32, 64]
    let levels = clients.enumerated().map { i, n in
      let x = min(Double(n), 6) * 1_000
      return CalibrationData.Level(
        clients: n, runs: 3, fitted: i < 3, measuredThroughput: x, modelThroughput: x * (i < 3 ? 1 : 1.04),
        measuredMean: Double(n) / x, modelMean: Double(n) / x * (i < 3 ? 1 : 0.95), measuredP95: 2.5 * Double(n) / x,
        modelP95: 2.4 * Double(n) / x)
    }
    let workload = CalibrationData.Workload(
      name: name, method: "demand from CPU seconds (utilization law), load factor from throughput", levels: levels,
      yaml: "stations:\n  cpu: {servers: 2}\n",
      ablation: [
        ("MVA only", .init(throughput: 0.31, mean: 0.4, p95: 0.5)),
        ("load factor", .init(throughput: 0.04, mean: 0.05, p95: 0.09)),
      ])
    let open = CalibrationData.OpenLoop(
      workload: "\(name)-rate", connections: 8,
      levels: [(1_000, 1_000, 0.0001), (4_000, 3_990, 0.0002), (8_000, 5_900, 0.2)], measuredKnee: 5_900,
      lowerBound: false, modelKnee: 6_100)
    return CalibrationData(source: "calibration/postgres/\(name)", workloads: [workload], openLoops: [open])
  }
}

@Suite struct CalibrationReportTests {
  @Test func theTextHasTheFitTableTheHeldOutErrorsAndTheKnee() {
    let text = Report.calibrationText(CalibrationReportFixtures.data())
    #expect(text.contains("held out") && text.contains("+4.0%") && text.contains("-5.0%"), "\(text)")
    #expect(text.contains("held-out levels, largest error: throughput 4.0%, mean latency 5.0%, p95 4.0%"), "\(text)")
    #expect(text.contains("knee measured: 5900/s, model: 6100/s (+3.4%)"), "\(text)")
    #expect(text.contains("MVA only") && text.contains("31.0%"), "\(text)")
  }

  /// k6 levels with the app's Prometheus exports: a table of the server's side after the fit
  /// table, in text and Markdown; none without them.
  @Test func theServerSideIsAColumnTableOfItsLevels() throws {
    var data = CalibrationReportFixtures.data()
    #expect(!Report.calibrationText(data).contains("server side"))
    data.workloads[0].levels[1].server = .init(
      requestRate: 2_100, mean: 0.0007, p50: 0.0005, p95: 0.0019, p99: nil, outside: 0.0003)
    let text = Report.calibrationText(data)
    #expect(text.contains("server side (Prometheus), per level; outside: k6's mean less the server's"), "\(text)")
    let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("clients  X server") })
    #expect(header.hasSuffix("outside ms"), "\(text)")
    let row = try #require(text.split(separator: "\n").first { $0.contains("2100.0") })
    #expect(
      row.split(separator: " ") == ["2", "2100.0", "2000.0", "0.700", "0.500", "1.900", "-", "1.000", "0.300"],
      "\(text)")
    #expect(Report.calibrationMarkdown(data).contains("| 2 | 2100.0 | 2000.0 | 0.700 |"))
    #expect(Report.calibrationHTML(data).contains("<h3>Server side</h3>"))
    #expect(!Report.calibrationHTML(CalibrationReportFixtures.data()).contains("<h3>Server side</h3>"))
  }

  /// A fit that meets its own levels within 5%, or within how far their runs differ, says
  /// nothing more; one that misses them by more warns, in text, Markdown and on the page, with
  /// the largest misses.
  @Test func aFitThatMissesItsOwnLevelsWarns() {
    var data = CalibrationReportFixtures.data()
    data.workloads[0].levels[0].modelThroughput *= 1.04
    data.workloads[0].levels[1].modelThroughput *= 0.92
    data.workloads[0].levels[1].throughputSpread = 0.09
    #expect(data.workloads[0].fitWarning == nil)
    #expect(!Report.calibrationText(data).contains("warning"))
    data.workloads[0].levels[1].throughputSpread = 0.03
    data.workloads[0].levels[2].modelMean *= 1.07
    let warning =
      "the model misses levels it was fitted on by more than their runs differ (throughput by up to 8.0%, mean latency by 7.0%)"
    #expect(Report.calibrationText(data).contains("warning: " + warning), "\(Report.calibrationText(data))")
    #expect(Report.calibrationMarkdown(data).contains("**Warning:** " + warning))
    #expect(Report.calibrationHTML(data).contains("<p class=\"warning\">Warning: " + warning))
    // The held-out line is the held-out levels' alone; their runs' spread joins it when every
    // held-out level has one.
    #expect(
      Report.calibrationText(data).contains(
        "held-out levels, largest error: throughput 4.0%, mean latency 5.0%, p95 4.0%\n"))
    for i in 3..<7 {
      data.workloads[0].levels[i].throughputSpread = 0.01 * Double(i)
      data.workloads[0].levels[i].meanSpread = 0.02
    }
    #expect(
      Report.calibrationText(data).contains(
        "p95 4.0%; their runs differ from their means by up to 6.0% and 2.0% (±)"))
    let header = Report.calibrationText(data).split(separator: "\n").first { $0.hasPrefix("clients") }
    #expect(
      header?.split(separator: " ").prefix(6) == ["clients", "runs", "used", "X", "meas", "±"], "\(header ?? "")")
  }

  @Test func thePageDrawsMeasuredPointsAndModelLines() {
    let html = Report.calibrationHTML(CalibrationReportFixtures.data())
    // Two charts for the workload (throughput, latency) and one for the open loop
    #expect(html.components(separatedBy: "<svg").count - 1 == 3)
    // 7 levels: 3 fitted (filled), 4 held out (open), for throughput, mean and p95
    #expect(html.components(separatedBy: "fill=\"#fff\" stroke").count - 1 == 3 * 4)
    #expect(html.contains("<polyline"))
  }

  @Test func namesAreEscapedInHTMLAndMarkdown() {
    let data = CalibrationReportFixtures.data(name: "<script>x|y</script>")
    let html = Report.calibrationHTML(data)
    #expect(!html.contains("<script>x") && html.contains("&lt;script&gt;x|y&lt;/script&gt;"))
    let md = Report.calibrationMarkdown(data)
    #expect(!md.contains("<script>"))
  }

  /// The charts' text as the browser draws it: 11 units of a 520-unit chart, scaled to the
  /// chart's width on the page, stays 11 to 14 px alone (the open loop) or side by side (a fit).
  @Test(
    .enabled(
      if: Chromium.isAvailable,
      "no chromium, chromium-browser or google-chrome on PATH: run scripts/install-chromium.sh to render reports"),
    .timeLimit(.minutes(5)),
    arguments: [1_400, 900])
  func chartTextStaysReadableAtWidth(_ width: Int) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-calib-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Report.writeCalibration(CalibrationReportFixtures.data(), to: folder.path)
    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    let probe = folder.appendingPathComponent("probe.html")
    let script = """
      <script>
      const sizes = [...document.querySelectorAll('.charts svg')].map(s =>
        (11 * s.getBoundingClientRect().width / s.viewBox.baseVal.width).toFixed(1));
      document.title = 'probe ' + sizes.join(' ') + ' end';
      </script>
      """
    try html.replacingOccurrences(of: "</body>", with: script + "</body>").write(
      to: probe, atomically: true, encoding: .utf8)
    let dom = try Chromium.run(["--dump-dom", "--window-size=\(width),3000"], url: probe, in: folder)
    let title =
      dom.stdout.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first ?? ""
    let sizes = title.split(separator: " ").dropFirst().dropLast().compactMap { Double($0) }
    #expect(sizes.count >= 3, "\(width): \(title)")
    for size in sizes { #expect((10.9...14.1).contains(size), "\(width): text of \(size) px in \(title)") }
  }
}
