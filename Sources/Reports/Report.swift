import Foundation
import RunRecords

/// Reports of recorded runs: a self-contained HTML page for people, Markdown for a pull request,
/// and a JSON summary for programs.
///
/// Everything is a pure function of `RunData`; only `write` touches the file system. The HTML
/// needs nothing beyond itself (inline CSS and SVG, no scripts, fonts or images), so it can be
/// mailed, archived with a run, or opened offline.
package enum Report {
  /// Writes index.html, report.md and summary.json into `folder` (created if needed).
  package static func write(_ data: RunData, to folder: String) throws {
    try save(
      ["index.html": html(data), "report.md": markdown(data), "summary.json": summaryJSON(data)], in: folder)
  }

  /// A comparison of a what-if against a baseline: the same three files.
  package static func writeComparison(baseline: RunData, whatIf: RunData, to folder: String) throws {
    try save(
      [
        "index.html": comparisonHTML(baseline: baseline, whatIf: whatIf),
        "report.md": comparisonMarkdown(baseline: baseline, whatIf: whatIf),
        "summary.json": comparisonSummaryJSON(baseline: baseline, whatIf: whatIf),
      ], in: folder)
  }

  private static func save(_ files: [String: String], in folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, text) in files.sorted(by: { $0.key < $1.key }) {
      try Data(text.utf8).write(to: url.appendingPathComponent(name), options: .atomic)
    }
  }

  /// The page title of a run's report.
  static func title(_ run: RunRecord) -> String { "capsim report: \(run.scenarioName)" }

  /// The page title of a comparison.
  static func comparisonTitle(baseline: RunRecord, whatIf: RunRecord) -> String {
    "capsim what-if: \(whatIf.scenarioName) against \(baseline.scenarioName)"
  }
}
