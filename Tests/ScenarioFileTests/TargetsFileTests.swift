import Foundation
import Gate
import PlatformModel
import ScenarioFile
import Testing
import _TestSupport

/// Targets files of `capsim check`: what they say, and every mistake where it is written.
@Suite struct TargetsFileTests {
  static let names = (
    territories: ["DE", "CH"], periods: ["normal", "spargel", "christmas"], classes: ["list", "detail", "report"]
  )

  static let valid = """
    name: ci
    tolerance: 10%
    objectives:
      p95:
        target: 200ms
        peak: 450ms
        classes: [all, list, report]
        tolerance: 5%
        minimumChange: 2ms
        byClass:
          report: {target: 1s, peak: 2s, tolerance: 20%}
      p99: {}
      errorRate: {target: 2%, territories: DE}
      database: {target: 50ms, periods: [normal]}
      availability: {target: 99.9%, minimumChange: 0.05%}
    waivers:
      - reason: "CH reports are batch jobs until the worker ships"
        territories: [CH]
        classes: report
        objectives: [p95]

    """

  static func file(_ text: String) throws -> String {
    let dir = Scratch.folder.appendingPathComponent("capsim-targets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("targets.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func load(_ text: String) throws -> Targets {
    try ScenarioFile.loadTargets(
      path: try file(text), territories: names.territories, periods: names.periods, classes: names.classes
    ).0
  }

  @Test func aValidFileSaysWhatItCovers() throws {
    let t = try Self.load(Self.valid)
    let p95 = try #require(t.objectives[.p95])
    #expect(p95.target == 0.2 && p95.peak == 0.45)
    #expect(p95.classes! == [nil, "list", "report"])
    #expect(p95.tolerance == Tolerance(relative: 0.05, minimumChange: 0.002))
    #expect(p95.byClass["report"]?.target == 1 && p95.byClass["report"]?.tolerance == 0.2)
    let p99 = try #require(t.objectives[.p99])
    #expect(p99.target == nil && p99.classes == nil)
    #expect(p99.tolerance == Tolerance(relative: 0.1, minimumChange: 0.001))  // the file's tolerance
    #expect(t.objectives[.errorRate]?.territories == ["DE"])
    #expect(t.objectives[.errorRate]?.target == 0.02)
    #expect(t.objectives[.databaseP95]?.periods == ["normal"])
    #expect(abs(t.objectives[.availability]!.target! - 0.999) < 1e-15)
    #expect(abs(t.objectives[.availability]!.tolerance.minimumChange - 0.0005) < 1e-15)
    #expect(t.waivers.count == 1)
    #expect(t.waivers[0].classes! == ["report"])
    #expect(t.waivers[0].objectives == [.p95])
    let report = RowKey(territory: "CH", period: "normal", requestClass: "report", objective: .p95)
    #expect(t.rule(for: report, isPeak: false)?.waiver == "CH reports are batch jobs until the worker ships")
    #expect(t.rule(for: report, isPeak: true)?.target == 2)
    let detail = RowKey(territory: "DE", period: "normal", requestClass: "detail", objective: .p95)
    #expect(t.rule(for: detail, isPeak: false) == nil)
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var edits: [(String, String)]
    var keyPath: String
    var message: String
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "an unknown objective", edits: [("  p99: {}", "  1️⃣p99x: {}")], keyPath: "objectives.p99x",
      message: "unknown key 'p99x' (did you mean 'p99'?)"),
    Case(
      name: "a latency without a unit", edits: [("target: 200ms", "target: 1️⃣200")], keyPath: "objectives.p95.target",
      message: "expected a duration with a unit"),
    Case(
      name: "a share past 100%", edits: [("target: 2%", "target: 1️⃣2")], keyPath: "objectives.errorRate.target",
      message: "(write 2% for a percentage)"),
    Case(
      name: "an unknown territory", edits: [("territories: DE}", "territories: 1️⃣DR}")],
      keyPath: "objectives.errorRate.territories", message: "no territory named 'DR' (did you mean 'DE'?)"),
    Case(
      name: "an unknown period", edits: [("periods: [normal]", "periods: [1️⃣christmass]")],
      keyPath: "objectives.database.periods[0]", message: "no period named 'christmass' (did you mean 'christmas'?)"),
    Case(
      name: "an unknown class", edits: [("classes: [all, list, report]", "classes: [all, 1️⃣lists, report]")],
      keyPath: "objectives.p95.classes[1]", message: "no request class named 'lists' (did you mean 'list'?)"),
    Case(
      name: "an empty class list", edits: [("    classes: report", "    classes: 1️⃣[]")],
      keyPath: "waivers[0].classes", message: "an empty list covers no request class"),
    Case(
      name: "a class override for a class not covered",
      edits: [("classes: [all, list, report]", "classes: [all, list]"), ("      report: {target", "      1️⃣report: {target")],
      keyPath: "objectives.p95.byClass.report", message: "class 'report' is not among this objective's classes"),
    Case(
      name: "classes of an objective measured for all classes only",
      edits: [("database: {target: 50ms,", "database: {target: 50ms, classes: 1️⃣[list],")],
      keyPath: "objectives.database.classes", message: "database p95 is measured for all classes together only"),
    Case(
      name: "a peak without a target", edits: [("    target: 200ms\n    peak: 450ms", "    1️⃣peak: 450ms")],
      keyPath: "objectives.p95.peak",
      message: "a peak target needs a target at normal load too"),
    Case(
      name: "a waiver without a reason",
      edits: [("  - reason: \"CH reports are batch jobs until the worker ships\"\n    territories", "  - 1️⃣territories")],
      keyPath: "waivers[0]", message: "missing required key 'reason'"),
    Case(
      name: "a waiver with an empty reason",
      edits: [("reason: \"CH reports are batch jobs until the worker ships\"", "reason: 1️⃣\" \"")],
      keyPath: "waivers[0].reason", message: "say why"),
    Case(
      name: "a typo in a key", edits: [("    tolerance: 5%", "    1️⃣tolerence: 5%")], keyPath: "objectives.p95.tolerence",
      message: "unknown key 'tolerence' (did you mean 'tolerance'?)"),
    Case(
      name: "an unknown objective in a waiver", edits: [("objectives: [p95]", "objectives: [1️⃣p59]")],
      keyPath: "waivers[0].objectives[0]", message: "unknown value 'p59' (did you mean 'p95'?)"),
  ]

  @Test(arguments: cases) func eachMistakeIsReportedWhereItIsWritten(_ c: Case) throws {
    var text = Self.valid
    for (old, new) in c.edits {
      #expect(text.contains(old), "fixture has no '\(old)'")
      text = text.replacingOccurrences(of: old, with: new)
    }
    let marked = MarkedText(text)
    let path = try Self.file(marked.text)
    do {
      _ = try ScenarioFile.loadTargets(
        path: path, territories: Self.names.territories, periods: Self.names.periods, classes: Self.names.classes)
      Issue.record("no error")
    } catch {
      let position = try #require(marked.markers["1️⃣"])
      let errors = error.diagnostics.filter { $0.severity == .error }
      #expect(errors.count == 1, "\(errors)")
      let e = try #require(errors.first)
      #expect(e.file == path)
      #expect(e.line == position.line && e.column == position.column, "\(e)")
      #expect(e.keyPath == c.keyPath, "\(e)")
      #expect(e.message.contains(c.message), "\(e)")
    }
  }

  /// Without names to check against, any names are taken.
  @Test func namesAreCheckedOnlyWhenGiven() throws {
    let path = try Self.file("objectives: {p95: {target: 1s, territories: [AT]}}\n")
    let (t, _) = try ScenarioFile.loadTargets(path: path)
    #expect(t.objectives[.p95]?.territories == ["AT"])
  }

  @Test func theShippedTargetsFileIsValid() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = root.appendingPathComponent("ci/targets.yaml").path
    let (t, warnings) = try ScenarioFile.loadTargets(
      path: path, territories: ["DE", "CH"], periods: ["normal", "spargel", "oktoberfest", "christmas"],
      classes: ["list", "detail", "update", "report"])
    #expect(warnings.isEmpty)
    #expect(!t.objectives.isEmpty)
  }
}
