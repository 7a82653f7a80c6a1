import Foundation
import Reports
import RunRecords
import Testing

extension ComparisonTests {
  /// The baseline's scenario file, as `Fixtures.week()` records it.
  static let baseText = """
    # The winter week.
    name: freshfoodz-winter
    topology: freshfoodz.yaml
    run: {replications: 10, seed: 20261130}
    """

  /// A what-if of the fixture week: 1.2x users in DE (an override in its file), a lost replica
  /// (from the fixture's events) and a `--set`, read with its base file.
  static func faultyWhatIf() -> RunData {
    var data = Fixtures.week {
      $0.name = "freshfoodz-winter-replica-lost"
      $0.faults = true
      $0.settings = ["demand.CH.growth=1.1"]
    }
    let whatIf = """
      name: freshfoodz-winter-replica-lost
      base: freshfoodz-winter.yaml
      overrides:
        demand.DE.growth: 1.2   # a fifth more users
        faults:
          - {kind: replica-down, node: pg-replica-1, at: 2026-12-01T08:00, for: 6h}
      """
    data.run.scenarioPath = "Examples/freshfoodz-winter-replica-lost.yaml"
    data.run.scenarioText = RunRecord.scenarioText([
      .init(path: data.run.scenarioPath, text: whatIf), .init(path: "Examples/freshfoodz-winter.yaml", text: baseText),
    ])
    data.run.scenarioHash = String(repeating: "ef", count: 32)
    return data
  }

  static func baselineWithText() -> RunData {
    var data = Fixtures.week()
    data.run.scenarioPath = "Examples/freshfoodz-winter.yaml"
    data.run.scenarioText = baseText
    return data
  }
}

@Suite struct WhatChangedTests {
  let baseline = ComparisonTests.baselineWithText()
  let whatIf = ComparisonTests.faultyWhatIf()

  @Test func htmlListsTheDifferencesBetweenTheScenarios() throws {
    let html = Report.comparisonHTML(baseline: baseline, whatIf: whatIf)
    let section = html.components(separatedBy: "<h2 id=\"changes\">")[1].components(separatedBy: "</section>")[0]
    // The --set of the what-if, its overrides (not its comments), its file, and the hashes
    #expect(section.contains("Settings on the command line (--set)"))
    #expect(section.contains("<code>+ demand.CH.growth=1.1</code>"))
    #expect(section.contains("<code>+ demand.DE.growth: 1.2</code>"))
    #expect(section.contains("<code>+ faults: [{kind: replica-down, node: pg-replica-1, at: 2026-12-01T08:00, for: 6h}]</code>"))
    #expect(!section.contains("a fifth more users"))
    #expect(section.contains("Only the what-if reads Examples/freshfoodz-winter-replica-lost.yaml"))
    #expect(section.contains("Scenario text SHA-256 abababababab → efefefefefef"))
    // and what both share, once
    #expect(section.contains("The same in both runs: <code>Examples/freshfoodz-winter.yaml</code>"))
    // The runs table no longer says "–" for both runs' settings.
    #expect(html.contains("<td>--set</td><td><span class=\"nm\">none</span></td>"))
  }

  @Test func markdownAndJSONListThemToo() throws {
    let md = Report.comparisonMarkdown(baseline: baseline, whatIf: whatIf)
    #expect(md.contains("## What changed"))
    #expect(md.contains("  - + demand.DE.growth: 1.2\n"))
    #expect(md.contains("  - + demand.CH.growth=1.1\n"))
    let json = try Report.comparisonSummaryJSON(baseline: baseline, whatIf: whatIf)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let changes = try #require(object["scenario_changes"] as? [[String: Any]])
    let lines = changes.flatMap { $0["lines"] as? [String] ?? [] }
    #expect(lines.contains("+ demand.DE.growth: 1.2"))
  }

  @Test func sameScenariosSayNothingChanged() {
    let html = Report.comparisonHTML(baseline: baseline, whatIf: baseline)
    #expect(html.contains("The two runs have the same scenario files, topology, settings and seed."))
  }

  @Test func changedValuesAndOtherFilesAreCompared() {
    // Given two different scenario files with overrides in flow style, one changed
    var b = baseline
    var w = baseline
    b.run.scenarioText =
      "name: a\noverrides: {territories.DE.app.instances: 4, demand.DE.growth: 1.5}\nrun: {seed: 1}\n"
    w.run.scenarioPath = "Examples/other.yaml"
    w.run.scenarioText = "name: a\noverrides: {territories.DE.app.instances: 6}\nrun: {seed: 2}\n"
    w.run.topologyText = b.run.topologyText + "extra: true\n"

    // When compared
    let md = Report.comparisonMarkdown(baseline: b, whatIf: w)

    // Then each override's change, the other lines of the files and the topology are listed
    #expect(md.contains("  - → territories.DE.app.instances: 4 → 6\n"))
    #expect(md.contains("  - − demand.DE.growth: 1.5\n"))
    #expect(md.contains("- Scenario file Examples/freshfoodz-winter.yaml → Examples/other.yaml differs\n"))
    #expect(md.contains("  - − run: {seed: 1}\n  - + run: {seed: 2}\n"))
    #expect(md.contains("  - + extra: true\n"))
  }
}

extension WhatChangedTests {
  /// Overrides are read as YAML: a nested block value, with comments and quotes, is compared
  /// as one entry and shown on one line in flow style.
  @Test func nestedOverridesAreComparedAsYAML() {
    var b = baseline
    var w = baseline
    b.run.scenarioText = "name: a\noverrides:\n  capacity:\n    DE:   # the larger territory\n      app: 4\n  \"demand.CH.growth\": '1.1'\n"
    w.run.scenarioText = "name: a\noverrides:\n  capacity: {DE: {app: 6}}\n  demand.CH.growth: 1.1\n"
    let md = Report.comparisonMarkdown(baseline: b, whatIf: w)
    #expect(md.contains("  - → capacity: {DE: {app: 4}} → {DE: {app: 6}}\n"), "\(md)")
    // The same value quoted or not is no change.
    #expect(!md.contains("demand.CH.growth"), "\(md)")
  }
}

@Suite struct DeltaTests {
  /// The fixture's what-if with CH's christmas p95 at `p95` ± 20 ms, and DE's normal error
  /// rate a hair above the baseline's.
  static func whatIf(p95: Double) -> RunData {
    var data = Fixtures.week { $0.name = "what-if" }
    for i in data.verdicts.indices {
      let v = data.verdicts[i]
      if v.territory == "CH" && v.period == "christmas" && v.requestClass == "all" && v.objective == "p95 latency" {
        data.verdicts[i].mean = p95
        data.verdicts[i].outcome = p95 < 0.45 ? "pass" : "fail"
      }
      if v.territory == "DE" && v.period == "normal" && v.requestClass == "all" && v.objective == "error rate" {
        data.verdicts[i].mean += 1e-6
        data.verdicts[i].halfWidth = 0
      }
    }
    return data
  }

  /// The delta cell of one verdict row of the comparison table.
  static func delta(_ html: String, _ territory: String, _ period: String, _ objective: String) -> String {
    let row = html.components(separatedBy: "<tr").first {
      $0.contains(
        ">\(territory)</span></td><td><span class=\"nm\">\(period)</span></td><td><span class=\"nm\">all</span></td><td>\(objective)</td>"
      )
    }
    return row.map { String($0.components(separatedBy: "<span class=\"delta-")[1].prefix(40)) } ?? "no row"
  }

  @Test func aChangeWithinTheIntervalsIsGrey() {
    // 520 ± 20 ms against 550 ± 20 ms: the intervals overlap
    let html = Report.comparisonHTML(baseline: Fixtures.week(), whatIf: Self.whatIf(p95: 0.55))
    #expect(Self.delta(html, "CH", "christmas", "p95 latency").hasPrefix("none\">+30"))
  }

  @Test func aChangeBeyondTheIntervalsIsColoured() {
    let worse = Report.comparisonHTML(baseline: Fixtures.week(), whatIf: Self.whatIf(p95: 0.6))
    #expect(Self.delta(worse, "CH", "christmas", "p95 latency").hasPrefix("worse\">+80"))
    let better = Report.comparisonHTML(baseline: Fixtures.week(), whatIf: Self.whatIf(p95: 0.4))
    #expect(Self.delta(better, "CH", "christmas", "p95 latency").hasPrefix("better\">−120"))
  }

  @Test func aChangeTooSmallToShowIsNeitherSignedNorRed() {
    let html = Report.comparisonHTML(baseline: Fixtures.week(), whatIf: Self.whatIf(p95: 0.52))
    #expect(Self.delta(html, "DE", "normal", "error rate").hasPrefix("none\">±0.00 %<"))
    #expect(!Report.comparisonMarkdown(baseline: Fixtures.week(), whatIf: Self.whatIf(p95: 0.52)).contains("+0.00 %"))
  }
}

@Suite struct ComparisonMarkdownCountTests {
  /// Rows of the Markdown table under `heading`.
  static func rows(_ md: String, under heading: String) -> [String] {
    let section = md.components(separatedBy: heading)[1].components(separatedBy: "\n## ")[0]
    return section.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Territory") }
  }

  @Test func theCountsAddUpWithTheRows() throws {
    // Given runs where a per-class verdict fails in both (like the report class), one fails only
    // in the what-if, and the rest pass
    var baseline = Fixtures.week()
    var whatIf = Fixtures.week { $0.name = "what-if" }
    func fail(_ data: inout RunData, _ territory: String, _ requestClass: String) {
      let i = data.verdicts.firstIndex {
        $0.territory == territory && $0.period == "christmas" && $0.requestClass == requestClass
      }!
      data.verdicts[i].outcome = "fail"
      data.verdicts[i].mean = 0.6
    }
    fail(&baseline, "DE", "order")
    fail(&whatIf, "DE", "order")
    fail(&whatIf, "DE", "search")

    // When the comparison is written for a pull request
    let md = Report.comparisonMarkdown(baseline: baseline, whatIf: whatIf)
    let rows = Self.rows(md, under: "## SLO verdicts\n")

    // Then each FAIL that the counts announce is a row
    let baseFails = baseline.verdicts.filter { $0.outcome == "fail" }.count
    let whatIfFails = whatIf.verdicts.filter { $0.outcome == "fail" }.count
    #expect(md.contains("**Verdicts:** baseline 29 pass · 1 marginal · **\(baseFails) FAIL**"))
    #expect(rows.filter { $0.contains("| ❌ **FAIL** →") }.count == baseFails)
    #expect(rows.filter { $0.hasSuffix("→ ❌ **FAIL** |") }.count == whatIfFails)
    #expect(rows.filter { $0.contains("| ⚠️ marginal →") }.count == 1)
    // and the passing ones not listed are counted, so that the passes add up too
    let listedPasses = rows.filter { $0.contains("| ✅ pass →") }.count
    let note = try #require(md.components(separatedBy: "per-class verdicts are not listed").dropFirst().first)
    let hidden = try #require(Int(note.components(separatedBy: "baseline ")[1].prefix { $0.isNumber }))
    #expect(listedPasses + hidden == baseline.verdicts.filter { $0.outcome == "pass" }.count)
  }
}

@Suite struct ScenarioFilesTests {
  @Test func whatIfAndBaseReadBackAsTheyWereRecorded() {
    let files: [RunRecord.ScenarioFile] = [
      .init(path: "scenarios/what-if.yaml", text: "base: base.yaml\noverrides: {a: 1}\n"),
      .init(path: "scenarios/base.yaml", text: "name: base\n\n# a comment\nrun: {seed: 1}"),
    ]
    var run = Fixtures.week().run
    run.scenarioPath = files[0].path
    run.scenarioText = RunRecord.scenarioText(files)
    #expect(run.scenarioFiles == files)
  }

  @Test func aSingleFileStartingLikeAMarkerStaysOneFile() {
    var run = Fixtures.week().run
    run.scenarioPath = "scenarios/x.yaml"
    run.scenarioText = "# --- FreshFoodz, Christmas\nname: x\n"
    #expect(run.scenarioFiles == [.init(path: "scenarios/x.yaml", text: run.scenarioText)])
    #expect(RunRecord.scenarioText([.init(path: "a.yaml", text: "name: a\n")]) == "name: a\n")
  }
}
