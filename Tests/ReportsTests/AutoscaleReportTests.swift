import Foundation
import Reports
import RunRecords
import Testing

enum AutoscaleReportFixtures {
  static func row(
    _ territory: String, _ section: AutoscaleRow.Section, _ name: String, podHours: Double, holds: Bool = true
  )
    -> AutoscaleRow
  {
    AutoscaleRow(
      territory: territory, section: section, name: name, replications: 2, podHours: podHours, cost: podHours * 0.19,
      currency: "EUR", costPer30Days: podHours * 0.19 * 720 / 168, violationMinutes: holds ? 0 : 120,
      worstP95: holds ? 0.31 : 0.62, scalingEvents: 14, reversalsPerHour: 0.2, peakWindows: 180,
      peakWindowsMet: holds ? 180 : 170, holds: holds, failed: holds ? [] : ["p95 latency in christmas"])
  }

  /// DE with every section; `territory` may be hostile.
  static func data(territory: String = "DE") -> AutoscaleData {
    var record = AutoscaleRecord(
      capsimVersion: "0.9.0", scenarioName: "platform-christmas-2026",
      scenarioPath: "scenarios/platform-christmas-2026.yaml",
      scenarioHash: "0123456789abcdef", settings: ["demand.DE.growth=1.2"], territories: [territory], seed: 1,
      replications: 2, maxReplications: 4, heldOut: 2, peakShare: 0.99, maxReversalsPerHour: 1,
      startedAt: Date(timeIntervalSince1970: 1_796_000_000), processID: 1, hostName: "h")
    record.id = 3
    record.status = .complete
    record.wallSeconds = 612
    let pool = AutoscalePool(
      territory: territory, minReplicas: 2, maxReplicas: 12, quietestNeed: 1, peakNeed: 8, staticPeak: 8, cap: 20,
      capReason: "de-primary's maxConnections 200 at 10 connections an instance", chosen: "cpu 70%, calm behavior",
      found: true, judgedOn: ["whole run"], cronWindows: 2, forecastError: 0.04, wallSeconds: 612,
      simulatedRequests: 123_456_789)
    var rows = [
      row(territory, .strategy, "static peak", podHours: 1_344),
      row(territory, .strategy, "stock HPA", podHours: 700, holds: false),
      row(territory, .strategy, "derived HPA", podHours: 760), row(territory, .strategy, "HPA + cron", podHours: 800),
      row(territory, .strategy, "predictive", podHours: 790), row(territory, .strategy, "oracle", podHours: 640),
    ]
    for target in [40, 50, 60, 70, 80] {
      rows.append(
        row(
          territory, .candidate, "\(target * 2 / 10) requests/s a pod (cpu \(target)%), standard behavior",
          podHours: Double(1_000 - target * 4), holds: target < 80))
    }
    rows.append(
      row(territory, .verification, "derived HPA: an instance crash at the peak", podHours: 770, holds: false))
    let manifest = AutoscaleManifest(
      territory: territory, file: "\(territory)/hpa.yaml",
      text:
        "# Derived by capsim autoscale 0.9.0 for territory \(territory) (Deployment crm-de) from scenarios/platform-christmas-2026.yaml, scenario SHA-256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\napiVersion: autoscaling/v2\n"
    )
    return AutoscaleData(record: record, pools: [pool], rows: rows, manifests: [manifest])
  }
}

@Suite struct AutoscaleReportTests {
  @Test func theTableComparesEachStrategyWithStaticAndTheOracle() {
    let text = Report.autoscaleTable(AutoscaleReportFixtures.data())
    // static 1,344 and oracle 640 pod-hours: the derived HPA's 760 is 0.57x and 1.19x.
    #expect(text.contains("derived HPA") && text.contains("0.57x") && text.contains("1.19x"), "\(text)")
    #expect(text.contains("* 8 requests/s a pod (cpu 40%)"))
    #expect(text.contains("breaks") && text.contains("p95 latency in christmas"))
    #expect(text.contains("wrote DE/hpa.yaml"))
  }

  /// `capsim autoscales ID` shows a derivation again and writes no manifest: it said "wrote
  /// DE/hpa.yaml" all the same.
  @Test func aDerivationShownAgainSaysItsManifestsWereTheDerivations() {
    let text = Report.autoscaleTable(AutoscaleReportFixtures.data(), recorded: true)
    #expect(!text.contains("\nwrote ") && text.contains("the derivation wrote DE/hpa.yaml"), "\(text)")
  }

  /// The search's own time and the whole derivation's are labelled apart: the per-territory
  /// "Search:" is the search alone, the header and the list the total with its parts.
  @Test func theSearchTimeAndTheTotalAreLabelledApart() {
    var data = AutoscaleReportFixtures.data()
    data.pools[0].wallSeconds = 480
    let text = Report.autoscaleTable(data)
    #expect(text.contains("in 8 min (the search alone, before the verification)"), "\(text)")
    #expect(text.contains("Time: total 10.2 min: search 8 min, verification and writing 2.20 min."), "\(text)")
    let html = Report.autoscaleHTML(data)
    #expect(html.contains("<dt>time</dt><dd>total 10.2 min: search 8 min"), "\(html)")
    #expect(!html.contains("<dt>search</dt>"))
    #expect(Report.autoscaleMarkdown(data).contains("Time: total 10.2 min: search 8 min"))
    let list = Report.autoscalesList([data])
    #expect(list.contains("total time") && !list.contains(" search "), "\(list)")
  }

  /// A variant that broke without a failed verdict says what broke, not "-"; the table says
  /// the variants are reported, not gated.
  @Test func aBrokenVariantSaysWhatBroke() {
    var data = AutoscaleReportFixtures.data()
    let i = data.rows.firstIndex { $0.section == .verification }!
    data.rows[i].failed = ["peak windows met 94.4% (170 of 180), below 99%"]
    let text = Report.autoscaleTable(data)
    #expect(text.contains("what broke") && text.contains("peak windows met 94.4% (170 of 180), below 99%"), "\(text)")
    #expect(text.contains("reported, not gated"))
    data.rows[i].failed = []  // as recorded before what broke was kept
    #expect(Report.autoscaleTable(data).contains("peak windows met or reversals per hour"))
  }

  /// An interrupted derivation: what was run and how it ended, as `capsim plans` shows a plan.
  @Test func anIncompleteDerivationSaysWhatRanAndHowItEnded() {
    var data = AutoscaleReportFixtures.data()
    data.record.status = .interrupted
    data.record.message = "interrupted (Ctrl-C)"
    data.pools = []
    data.rows = []
    data.manifests = []
    let text = Report.autoscaleIncomplete(data)
    #expect(text.hasPrefix("derivation 3: platform-christmas-2026, territories DE, interrupted\n"), "\(text)")
    #expect(text.contains("scenarios/platform-christmas-2026.yaml") && text.contains("--set demand.DE.growth=1.2"))
    #expect(text.contains("note: interrupted (Ctrl-C)") && text.contains("writes no manifests"), "\(text)")
  }

  @Test func namesAreEscapedInHTMLAndMarkdown() {
    let data = AutoscaleReportFixtures.data(territory: "<script>x|y</script>")
    let html = Report.autoscaleHTML(data)
    #expect(!html.contains("<script>x"))
    #expect(html.contains("&lt;script&gt;x|y&lt;/script&gt;"))
    let md = Report.autoscaleMarkdown(data)
    #expect(!md.contains("<script>"))
    #expect(!md.contains("x|y"), "a | in a cell would split the Markdown table")
  }
}
