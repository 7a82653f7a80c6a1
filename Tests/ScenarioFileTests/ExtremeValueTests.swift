import Foundation
import PlatformModel
import QueueingModel
import Testing

import ScenarioFile

/// Durations, rates, dates and plain numbers from the extremes, through every key of the shipped
/// files that takes one: each mutant is read or refused with errors located in its files, and
/// one that is read runs a short replication. Nothing may trap on the way (a trap ends the
/// test process, so it fails the suite by itself).
@Suite struct ExtremeValueTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  enum Kind: String, CaseIterable {
    case duration, rate, date, number
  }

  /// Zero, the smallest subnormal, the largest finite value, infinity and NaN in each form a
  /// file can write them, the bounds the readers take (100 years, one per nanosecond) and one
  /// past them, and the first and last years a date can name.
  static let extremes: [Kind: [String]] = [
    .duration: ["0s", "5e-324s", "1e308s", "1e400s", "infs", "nans", "3155760000s", "3155760001s", "1e-300ns"],
    .rate: ["0/s", "5e-324/s", "1e308/s", "inf/s", "nan/s", "1000000000/s", "1e-300/s"],
    .date: ["0001-01-01", "9999-12-31", "0000-01-01", "10000-01-01", "2026-02-29", "2026-03-29T02:30"],
    .number: ["0", "-1", "5e-324", "1e308", ".inf", ".nan", "9223372036854775807", "9223372036854775808"],
  ]

  struct Scalar {
    var file: String
    var line: Int
    var column: Int
    var text: String
    var keyPath: String
    var kind: Kind
  }

  static func kind(of text: String) -> Kind? {
    if (try? Quantity.duration(text).get()) != nil { return .duration }
    if (try? Quantity.rate(text).get()) != nil { return .rate }
    if text.range(of: #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$"#, options: .regularExpression) != nil { return .date }
    if Double(text) != nil { return .number }
    return nil
  }

  /// Every plain scalar of a file that reads as one of the kinds, with where it is written.
  static func scalars(in file: String, text: String) -> [Scalar] {
    let lines = text.components(separatedBy: "\n")
    var found: [Scalar] = []
    func walk(_ node: ConfigNode) {
      if node.isMapping {
        for entry in node.openMapping() ?? [] { walk(entry.value) }
      } else if node.isSequence {
        for item in node.sequence() ?? [] { walk(item) }
      } else if let text = node.scalarText, let kind = kind(of: text), lines.indices.contains(node.line - 1) {
        // Only scalars written plainly where the node says (not quoted, not through an alias).
        let line = Array(lines[node.line - 1].unicodeScalars)
        let at = node.column - 1
        guard at + text.unicodeScalars.count <= line.count,
          String(String.UnicodeScalarView(line[at..<(at + text.unicodeScalars.count)])) == text
        else { return }
        found.append(Scalar(file: file, line: node.line, column: node.column, text: text, keyPath: node.keyPath, kind: kind))
      }
    }
    if let root = YAMLDocument(text: text, file: file, log: DiagnosticLog()).root { walk(root) }
    // An anchor's value read through its aliases is one place.
    var seen = Set<String>()
    return found.filter { seen.insert("\($0.line):\($0.column)").inserted }
  }

  static func replacing(_ s: Scalar, with value: String, in text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    var line = Array(lines[s.line - 1].unicodeScalars)
    line.replaceSubrange((s.column - 1)..<(s.column - 1 + s.text.unicodeScalars.count), with: value.unicodeScalars)
    lines[s.line - 1] = String(String.UnicodeScalarView(line))
    return lines.joined(separator: "\n")
  }

  @Test func extremeValuesThroughEveryKeyAreReadOrRefusedWithALocation() throws {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("capsim-extremes-\(UUID().uuidString)")
    defer { try? fm.removeItem(at: work) }
    // A copy of the shipped folders, so that relative topology paths and bases resolve.
    var originals: [String: String] = [:]
    for folder in ["scenarios", "topologies"] {
      try fm.createDirectory(at: work.appendingPathComponent(folder), withIntermediateDirectories: true)
      for name in try fm.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path)
      where name.hasSuffix(".yaml") {
        let relative = "\(folder)/\(name)"
        let text = try String(contentsOf: Self.root.appendingPathComponent(relative), encoding: .utf8)
        originals[relative] = text
        try text.write(to: work.appendingPathComponent(relative), atomically: true, encoding: .utf8)
      }
    }
    // The autoscaler manifests that scenarios name (read, not mutated).
    try fm.copyItem(at: Self.root.appendingPathComponent("k8s"), to: work.appendingPathComponent("k8s"))
    // A topology is also read through the first scenario that uses it.
    func users(of topology: String) -> String? {
      originals.keys.sorted().first { $0.hasPrefix("scenarios/") && originals[$0]!.contains("../\(topology)\n") }
    }

    var mutants = 0, read = 0, ran = 0, refused = 0
    var keysByKind: [Kind: Set<String>] = [:]
    for relative in originals.keys.sorted() {
      let path = work.appendingPathComponent(relative).path
      let text = originals[relative]!
      for scalar in Self.scalars(in: path, text: text) {
        keysByKind[scalar.kind, default: []].insert("\(relative) \(scalar.keyPath)")
        for value in Self.extremes[scalar.kind]! {
          mutants += 1
          try Self.replacing(scalar, with: value, in: text).write(toFile: path, atomically: true, encoding: .utf8)
          defer { try? text.write(toFile: path, atomically: true, encoding: .utf8) }
          let what = "\(relative):\(scalar.line):\(scalar.column) \(scalar.keyPath): '\(scalar.text)' -> '\(value)'"
          var checked = [path]
          if relative.hasPrefix("topologies/"), let scenario = users(of: relative) {
            checked.append(work.appendingPathComponent(scenario).path)
          }
          for file in checked {
            let log = ScenarioFile.validate(path: file)
            for d in log.diagnostics where d.severity == .error {
              #expect(d.line >= 1 && d.column >= 1 && fm.fileExists(atPath: d.file), "\(what): \(d)")
            }
            if log.hasErrors {
              refused += 1
              continue
            }
            read += 1
            if Self.runShortly(file) { ran += 1 }
          }
        }
      }
    }
    print(
      "extremes: \(mutants) mutants of \(keysByKind.values.map(\.count).reduce(0, +)) scalars "
        + Kind.allCases.map { "\(keysByKind[$0]?.count ?? 0) \($0)s" }.joined(separator: ", ")
        + "; \(refused) refused, \(read) read, \(ran) run")
    // Every kind is exercised, most values are refused, and some mutants still run.
    for kind in Kind.allCases { #expect((keysByKind[kind]?.count ?? 0) >= 5, "\(kind)") }
    #expect(refused > mutants / 3 && ran > 100)
  }

  /// Simulates a scenario that was read for a short while: one replication over at most a
  /// minute, and no longer than about 20,000 arrivals at its busiest.
  static func runShortly(_ path: String) -> Bool {
    if ScenarioFile.isPlatformScenario(path: path) {
      guard var s = try? ScenarioFile.loadPlatform(path: path).0 else { return false }
      let run = PlatformRun(scenario: s)
      let rate = run.groups.map { run.workload($0) }.reduce(0, +) * 5
      s.horizon = min(s.horizon, 60, 20_000 / max(rate, 1e-9))
      s.replications = 1
      _ = PlatformRun(scenario: s).run()
      return true
    }
    guard var s = try? ScenarioFile.load(path: path).0 else { return false }
    let rate = s.network.sources.map { source -> Double in
      switch source.kind {
      case .poisson(let rate): return rate
      case .varying(let schedule): return schedule.rates.max() ?? 0
      case .closed(let users, let think): return Double(users) / max(think.mean, 1e-9)
      case .paced(_, let rate): return rate
      }
    }.reduce(0, +)
    // The drain as long as the window: overloaded stations run (and keep receiving arrivals
    // while the measured customers drain), so a default drain of 1 s at 1e9/s would not be short.
    let horizon = min(s.window.horizon, 60, 20_000 / max(rate, 1e-9))
    s.window = RunWindow(warmup: 0, horizon: horizon, drainLimit: horizon, seriesInterval: nil)
    _ = Experiment(network: s.network, window: s.window, replications: 1, seed: s.seed).run()
    return true
  }
}
