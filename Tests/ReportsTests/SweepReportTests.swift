import Foundation
import Reports
import RunRecords
import Testing

/// A sweep of `axes` whose p95 grows with the first axis and shrinks with the second, against
/// a 200 ms target: the points below and left of the boundary pass.
enum SweepFixtures {
  static func sweep(_ axes: [SweepRecord.Axis]) -> (SweepRecord, [SweepPoint], [RunData?]) {
    let count = axes.reduce(1) { $0 * $1.values.count }
    let record = SweepRecord(
      id: 7, capsimVersion: "0.9.0", scenarioName: "small <sweep>", scenarioPath: "scenarios/small.yaml",
      scenarioHash: "0123456789abcdef", settings: ["slo.p95=200ms"], axes: axes, seed: 3, replications: 2,
      points: count, shards: 3, startedAt: Date(timeIntervalSince1970: 1_796_000_000))
    var points: [SweepPoint] = []
    var runs: [RunData?] = []
    for p in 0..<count {
      var rest = p
      var values = Array(repeating: "", count: axes.count)
      var index = Array(repeating: 0, count: axes.count)
      for a in axes.indices.reversed() {
        index[a] = rest % axes[a].values.count
        values[a] = axes[a].values[index[a]]
        rest /= axes[a].values.count
      }
      points.append(SweepPoint(point: p, values: values, runID: Int64(10 + p), status: .complete))
      let p95 = 0.1 + 0.06 * Double(index[0]) - 0.03 * Double(index.count > 1 ? index[1] : 0)
      let outcome = p95 > 0.2 ? "fail" : p95 + 0.012 > 0.2 ? "marginal" : "pass"
      var run = RunRecord(
        id: Int64(10 + p), capsimVersion: "0.9.0", kind: "platform", scenarioName: "small", scenarioPath: "s.yaml",
        scenarioText: "", scenarioHash: "", topologyPath: "", topologyText: "", topologyHash: "", settings: [],
        seed: 3, replications: 2, horizon: 7_200, seriesInterval: 1_800, timeZone: "", startedAt: Date(),
        processID: 1, hostName: "h")
      run.status = .complete
      let verdicts = [
        VerdictRecord(
          territory: "A", period: "normal", requestClass: "all", objective: "p95 latency", target: 0.2,
          higherIsBetter: false, mean: p95, halfWidth: 0.012, outcome: outcome, worstWindowLocal: nil, worstValue: nil),
        VerdictRecord(
          territory: "A", period: "normal", requestClass: "all", objective: "availability", target: 0.999,
          higherIsBetter: true, mean: 0.9995, halfWidth: 0.0002, outcome: "pass", worstWindowLocal: nil, worstValue: nil),
        VerdictRecord(
          territory: "A", period: "normal", requestClass: "view", objective: "p95 latency", target: 0.2,
          higherIsBetter: false, mean: p95, halfWidth: nil, outcome: outcome, worstWindowLocal: nil, worstValue: nil),
      ]
      runs.append(RunData(run: run, verdicts: verdicts))
    }
    return (record, points, runs)
  }

  static let instances = SweepRecord.Axis(key: "territories.A.app.instances", values: ["1", "2", "3", "4"])
  static let growth = SweepRecord.Axis(key: "demand.A.growth", values: ["1", "1.5", "2"])
}

@Suite struct SweepReportTests {
  func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

  @Test func oneAxisDrawsALinePerObjectiveWithItsTarget() {
    let (sweep, points, runs) = SweepFixtures.sweep([SweepFixtures.instances])
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    // Two objectives of all classes, one chart each; the class verdict is in no chart.
    #expect(count("<svg", in: html) == 2)
    #expect(count("<polyline", in: html) == 2)
    #expect(html.contains("p95 latency — target 200 ms"))
    #expect(html.contains("stroke-dasharray=\"7 4\""))  // the target line
    #expect(count("<circle", in: html) == 2 * 4)
    #expect(html.contains("territories.A.app.instances"))
  }

  @Test func twoAxesDrawAHeatmapWithItsBoundary() {
    let (sweep, points, runs) = SweepFixtures.sweep([SweepFixtures.instances, SweepFixtures.growth])
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    #expect(count("<svg", in: html) == 2)
    // 12 cells per heatmap, and a boundary where p95 crosses 200 ms (none for availability).
    #expect(count("<rect", in: html) >= 2 * 12)
    #expect(count("<path d=\"M", in: html) == 1)
    #expect(html.contains("SLO boundary (target 200 ms)"))
  }

  @Test func moreAxesDrawAHeatmapPerValueOfTheOthers() {
    let third = SweepRecord.Axis(key: "slo.p95", values: ["150ms", "250ms"])
    let (sweep, points, runs) = SweepFixtures.sweep([SweepFixtures.instances, SweepFixtures.growth, third])
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    #expect(count("<svg", in: html) == 2 * 2)
    #expect(html.contains("at slo.p95=250ms"))
  }

  @Test func isSelfContainedAndEscaped() {
    let (sweep, points, runs) = SweepFixtures.sweep([SweepFixtures.instances])
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    #expect(!html.contains("<script"))
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(html.contains("small &lt;sweep&gt;"))
    #expect(!html.contains("small <sweep>"))
  }

  /// A sweep over a target draws each point's own target, not the first point's for all.
  @Test func aSweptTargetIsDrawnPerPoint() {
    let (sweep, points, fixed) = SweepFixtures.sweep([SweepFixtures.instances])
    var runs = fixed
    for p in runs.indices {
      runs[p]!.verdicts = runs[p]!.verdicts.map { v in
        var v = v
        if v.objective == "p95 latency" { v.target = 0.1 + 0.05 * Double(p) }
        return v
      }
    }
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    #expect(html.contains("p95 latency — target by point, 100 ms–250 ms"))
    #expect(!html.contains("p95 latency — target 100 ms"))
    // A dashed step per point, and one line for availability's single target.
    #expect(count("stroke-dasharray=\"7 4\"", in: html) == 4 + 1)
  }

  /// The points table's verdict is the worst of every class, as the sweep's own table has it.
  @Test func thePointsTableCountsEveryClass() {
    let (sweep, points, fixed) = SweepFixtures.sweep([SweepFixtures.instances])
    var runs = fixed
    runs[0]!.verdicts[2].outcome = "fail"  // the view class misses at point 0; all classes pass
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    let table = html.components(separatedBy: "id=\"points\"")[1]
    let first = table.components(separatedBy: "<tr>")[2]
    #expect(first.contains("fail") && !first.contains(">pass<"), "\(first)")
  }

  @Test func pointsWithoutACompleteRunAreLeftOut() {
    var (sweep, points, runs) = SweepFixtures.sweep([SweepFixtures.instances])
    runs[3] = nil
    points[3].status = .interrupted
    let html = Report.sweepHTML(sweep, points: points, runs: runs)
    #expect(html.contains("3 of 4 points complete"))
    #expect(count("<circle", in: html) == 2 * 3)
  }
}

@Suite struct SweepBrowserTests {
  /// The sweep page renders in Chromium at a desktop and a narrow width (set
  /// CAPSIM_REPORT_SAMPLES to keep the screenshots).
  @Test(
    .enabled(if: Chromium.isAvailable, "no chromium on PATH: run scripts/install-chromium.sh to render sweep reports"),
    .timeLimit(.minutes(5)))
  func rendersAtTwoWidths() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-sweep-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, axes) in [("line", [SweepFixtures.instances]), ("heatmap", [SweepFixtures.instances, SweepFixtures.growth])] {
      let (sweep, points, runs) = SweepFixtures.sweep(axes)
      let out = folder.appendingPathComponent(name)
      try Report.writeSweep(sweep, points: points, runs: runs, to: out.path)
      let page = out.appendingPathComponent("index.html")
      let dom = try Chromium.run(["--dump-dom"], url: page, in: out)
      #expect(dom.status == 0, "stderr: \(dom.stderr.suffix(2_000))")
      #expect(dom.stdout.contains("capsim sweep: small &lt;sweep&gt;"))
      #expect(Chromium.consoleErrors(dom.stderr).isEmpty)
      for width in [1400, 900] {
        let png = out.appendingPathComponent("sweep-\(width).png")
        let shot = try Chromium.run(["--screenshot=\(png.path)", "--window-size=\(width),1600"], url: page, in: out)
        #expect(shot.status == 0)
        #expect(try Data(contentsOf: png).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let keep = ProcessInfo.processInfo.environment["CAPSIM_REPORT_SAMPLES"] {
          let target = URL(fileURLWithPath: keep).appendingPathComponent("sweep-\(name)-\(width).png")
          try? FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
          try? FileManager.default.removeItem(at: target)
          try FileManager.default.copyItem(at: png, to: target)
        }
      }
    }
  }
}
