import Foundation

extension PgbenchReport {
  /// What the summaries of one workload must agree on, each as the text that names it in an
  /// error (nil: the file does not carry it). A file cut short, or measured apart, differs from
  /// the others in one of them, and pooled with them it would change the model without a word.
  static let agreements: [(what: String, value: @Sendable (PgbenchReport) -> String?)] = [
    ("'cpu seconds:' line (or NAME.cpu.json)", { $0.serverCPUSeconds == nil ? nil : "it" }),
    ("'latency percentiles:' line (or --log files)", { $0.latencyP95 == nil ? nil : "it" }),
    ("statements", { r in r.statements.isEmpty ? nil : r.statements.map(\.text).joined(separator: "\n") }),
  ]

  /// How a file's value differs from the workload's, as an error says it: a statement list
  /// (texts a line each) by its length or its first statement that differs.
  static func difference(_ what: String, _ value: String, _ common: String) -> (String, String) {
    guard what == "statements" else { return (value, common) }
    let (mine, theirs) = (value.split(separator: "\n"), common.split(separator: "\n"))
    guard mine.count == theirs.count, let i = mine.indices.first(where: { mine[$0] != theirs[$0] }) else {
      return ("\(mine.count)", "\(theirs.count)")
    }
    return ("number \(i + 1) is '\(mine[i])'", "'\(theirs[i])'")
  }

  /// The summaries of one workload that differ from the others in what they carry, each an
  /// error naming the file and a file it differs from. The most common value is the workload's
  /// (on a tie, the first file's in path order); files without it are the odd ones.
  package static func disagreements(_ reports: [PgbenchReport]) -> [MeasurementError] {
    let reports = reports.sorted { $0.file < $1.file }
    var errors: [MeasurementError] = []
    for (what, value) in agreements {
      let values = reports.map(value)
      let counts = Dictionary(values.map { ($0 ?? "", 1) }, uniquingKeysWith: +)
      guard counts.count > 1, let first = values.first else { continue }
      let common = counts.max { a, b in (a.value, a.key == (first ?? "") ? 1 : 0) < (b.value, b.key == (first ?? "") ? 1 : 0) }!.key
      let example = reports[values.firstIndex { ($0 ?? "") == common }!].file
      for (report, v) in zip(reports, values) where (v ?? "") != common {
        let others = counts[common]!
        let message =
          switch (v, common.isEmpty) {
          case (nil, _):
            "has no \(what), which the workload's other \(others) summar\(others == 1 ? "y has" : "ies have") (\(example)): cut short, or measured apart?"
          case (_, true):
            "has \(what), which the workload's other \(others) summar\(others == 1 ? "y lacks" : "ies lack") (\(example)): measured apart?"
          case (let v?, false):
            "\(what): \(difference(what, v, common).0), where the workload's other \(others) summar\(others == 1 ? "y says" : "ies say") \(difference(what, v, common).1) (\(example)): cut short, or measured apart?"
          }
        errors.append(MeasurementError(file: report.file, message))
      }
    }
    return errors
  }
}
