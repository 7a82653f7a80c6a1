import Foundation

extension PgbenchReport {
  /// What the summaries of one workload must agree on, each as the text that names it in an
  /// error (nil: the file does not carry it). A file cut short, or measured apart, differs from
  /// the others in one of them, and pooled with them it would change the model without a word.
  static let agreements: [(what: String, value: @Sendable (PgbenchReport) -> String?)] = [
    ("transaction type", { $0.transactionType }),
    ("scaling factor", { $0.scale.map(String.init) }),
    ("'cpu seconds:' line (or NAME.cpu.json)", { $0.serverCPUSeconds == nil ? nil : "it" }),
    ("'latency percentiles:' line (or --log files)", { $0.latencyP95 == nil ? nil : "it" }),
    ("statements", { r in r.statements.isEmpty ? nil : r.statements.map(\.text).joined(separator: "\n") }),
  ]

  /// What must agree among the summaries that say it (a summary without its CPU line says no
  /// cores, and is named for that line).
  static let agreementsWhereSaid: [(what: String, value: @Sendable (PgbenchReport) -> String?)] = [
    ("machine cores", { $0.cores.map(String.init) })
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

  /// The summaries of one workload that differ from the others in what they carry or what they
  /// measured (transaction, scale, machine), each an error naming the file and a file it
  /// differs from, once a file. The most common value is the workload's (on a tie, the first
  /// file's in path order); files without it are the odd ones. Also a rate-limited run without
  /// its target rate, which would be taken as a closed-loop level.
  package static func disagreements(_ all: [PgbenchReport]) -> [MeasurementError] {
    let all = all.sorted { $0.file < $1.file }
    var errors: [MeasurementError] = []
    var named: Set<String> = []
    // pgbench prints a schedule lag under --rate only.
    for report in all where report.scheduleLag != nil && report.targetRate == nil {
      named.insert(report.file)
      errors.append(
        MeasurementError(
          file: report.file,
          "a rate-limited pgbench run (its 'rate limit schedule lag' line) without the 'target rate: R/s' line the measurement script appends: add the --rate it ran at"
        ))
    }
    let checks = agreements.map { ($0.what, $0.value, false) } + agreementsWhereSaid.map { ($0.what, $0.value, true) }
    for (what, value, whereSaid) in checks {
      let reports = whereSaid ? all.filter { value($0) != nil } : all
      let values = reports.map(value)
      let counts = Dictionary(values.map { ($0 ?? "", 1) }, uniquingKeysWith: +)
      guard counts.count > 1, let first = values.first else { continue }
      let common = counts.max { a, b in (a.value, a.key == (first ?? "") ? 1 : 0) < (b.value, b.key == (first ?? "") ? 1 : 0) }!.key
      let example = reports[values.firstIndex { ($0 ?? "") == common }!].file
      for (report, v) in zip(reports, values) where (v ?? "") != common && named.insert(report.file).inserted {
        let others = counts[common]!
        let message =
          switch (v, common.isEmpty) {
          case (nil, _):
            "has no \(what), which the workload's other \(others) summar\(others == 1 ? "y has" : "ies have") (\(example)): cut short, or measured apart?"
          case (_, true):
            "has \(what), which the workload's other \(others) summar\(others == 1 ? "y lacks" : "ies lack") (\(example)): measured apart?"
          case (let v?, false):
            "\(what): \(difference(what, v, common).0), where the workload's other \(others) summar\(others == 1 ? "y says" : "ies say") \(difference(what, v, common).1) (\(example)): \(what == "statements" ? "cut short, or measured apart?" : "measured apart?")"
          }
        errors.append(MeasurementError(file: report.file, message))
      }
    }
    return errors
  }
}
