import Calibration
import Foundation
import Gate
import PlatformModel
import RunRecords
import SimStatistics
import TextReports

/// Baselines for `capsim check`, by scenario name: from the JSON document of an earlier check,
/// or from a recorded run.
struct CheckBaselines {
  /// Where they came from, for messages: the file, or "run 12".
  var source: String
  var baselines: [Baseline]

  var names: [String] { baselines.map(\.scenario) }

  /// The baseline of the scenario named `scenario`: of those of that name, the one of the same
  /// text (`scenarioHash`) where there is one, else the first.
  func baseline(for scenario: String, scenarioHash: String? = nil) -> Baseline? {
    let named = baselines.filter { $0.scenario == scenario }
    return named.first { scenarioHash != nil && $0.scenarioHash == scenarioHash } ?? named.first
  }

  /// The parts of check's JSON document a baseline needs.
  struct Document: Decodable {
    struct Scenario: Decodable {
      var scenario: String
      var scenario_hash: String?
      var topology_hash: String?
      var settings: [String]?
      var seed: UInt64?
      var replications: Int
      var verdicts: [Row]
    }
    struct Row: Decodable {
      struct Value: Decodable {
        var mean: Double?
      }
      var territory: String
      var period: String
      var request_class: String?
      var objective: String
      var measured: Value
      var standard_deviation: Double?
      var replications: Int
    }
    var capsim: String?
    var scenarios: [Scenario]
  }

  static func read(_ file: String) throws -> CheckBaselines {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
      throw fail("baseline: \(fileReason(error))", status: ExitStatus.failure)
    }
    let document: Document
    do {
      document = try JSONDecoder().decode(Document.self, from: data)
    } catch {
      throw fail(
        "\(file) is not a baseline (the JSON document of capsim check): \(describe(error, in: data))",
        status: ExitStatus.failure)
    }
    var baselines: [Baseline] = []
    for s in document.scenarios {
      var rows: [RowKey: Estimate] = [:]
      for r in s.verdicts {
        guard let objective = Objective(rawValue: r.objective) else {
          let known = Objective.allCases.map(\.rawValue).joined(separator: ", ")
          throw fail(
            "\(file): scenario \(s.scenario): unknown objective '\(r.objective)' (known: \(known))",
            status: ExitStatus.failure)
        }
        guard let mean = r.measured.mean else { continue }
        // Latencies are not negative, rates and availability are shares: anything else was
        // not measured, and a gate against it would pass or fail for no reason.
        let share = objective == .errorRate || objective == .availability
        let row = "\(r.territory) \(r.period) \(r.request_class ?? "all") \(r.objective)"
        // As for the spread below: a latency beyond a billion seconds was never measured.
        if !mean.isFinite || mean < 0 || mean > (share ? 1 : 1e9) {
          throw fail(
            "\(file): scenario \(s.scenario), \(row): measured mean \(mean) is not a \(share ? "share between 0 and 1" : "latency (seconds, 0 to 1e9)"); was the file edited?",
            status: ExitStatus.failure)
        }
        // A spread beyond any latency (a billion seconds) or share (1) is no measurement: its
        // interval overflowed and the gate's output could not be written.
        if let sd = r.standard_deviation, !sd.isFinite || sd < 0 || sd > (share ? 1 : 1e9) {
          throw fail(
            "\(file): scenario \(s.scenario), \(row): standard deviation \(sd) is negative, not a number or beyond any \(share ? "share (1)" : "latency (1e9 s)"); was the file edited?",
            status: ExitStatus.failure)
        }
        if r.replications < 1 {
          throw fail(
            "\(file): scenario \(s.scenario), \(row): \(r.replications) replications; a measured row has 1 or more",
            status: ExitStatus.failure)
        }
        let key = RowKey(territory: r.territory, period: r.period, requestClass: r.request_class, objective: objective)
        rows[key] = Estimate(mean: mean, standardDeviation: r.standard_deviation, count: r.replications)
      }
      baselines.append(
        Baseline(
          scenario: s.scenario, scenarioHash: s.scenario_hash, topologyHash: s.topology_hash,
          settings: s.settings ?? [],
          seed: s.seed, replications: s.replications, capsimVersion: document.capsim, rows: rows))
    }
    return CheckBaselines(source: file, baselines: baselines)
  }

  /// "an" before a vowel ("an interrupted run"), else "a".
  static func article(_ word: String) -> String { "aeiou".contains(word.first ?? "x") ? "an" : "a" }

  /// A recorded run keeps each verdict's mean and 95% half-width: the standard deviation is
  /// recovered as half-width x sqrt(n) / t(0.975, n - 1), n the run's replications.
  static func recorded(_ data: RunData, source: String) throws -> CheckBaselines {
    let r = data.run
    guard r.kind == "platform", r.status == .complete else {
      throw fail(
        "\(source) is \(Self.article(r.status.rawValue)) \(r.status.rawValue) \(r.kind) run; a baseline is a complete platform run",
        status: ExitStatus.noSuchRun)
    }
    var rows: [RowKey: Estimate] = [:]
    for v in data.verdicts {
      guard let objective = Objective(rawValue: v.objective), v.mean.isFinite else { continue }
      let n = r.replications
      let sd = v.halfWidth.flatMap { h in
        n >= 2 ? h * Double(n).squareRoot() / Estimate.tQuantile(0.975, degrees: n - 1) : nil
      }
      let key = RowKey(
        territory: v.territory, period: v.period, requestClass: v.requestClass == "all" ? nil : v.requestClass,
        objective: objective)
      rows[key] = Estimate(mean: v.mean, standardDeviation: sd, count: n)
    }
    let baseline = Baseline(
      scenario: r.scenarioName, scenarioHash: r.scenarioHash, topologyHash: r.topologyHash, settings: r.settings,
      seed: r.seed, replications: r.replications, capsimVersion: r.capsimVersion, rows: rows)
    return CheckBaselines(source: source, baselines: [baseline])
  }

  /// As `describe(_:)`, telling apart the two errors the decoder words alike ("not valid
  /// JSON", no path): a syntax error, with its line and column, and a valid document with a
  /// number its field cannot hold (1.5 or 1e-320 where a count is).
  static func describe(_ error: Error, in data: Data) -> String {
    guard case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty else {
      return describe(error)
    }
    do {
      _ = try JSONSerialization.jsonObject(with: data)
    } catch {
      let syntax = jsonSyntaxError(error, in: data)
      guard let line = syntax.line else { return "not valid JSON (\(syntax.reason))" }
      return "not valid JSON at line \(line), column \(syntax.column) (\(syntax.reason))"
    }
    return "a number does not fit its field (a fraction or an out-of-range number where a whole number is expected)"
  }

  /// A decoding error in a few words, with the key path where it happened.
  static func describe(_ error: Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
      return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
    }
    switch error {
    case DecodingError.keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
    case DecodingError.typeMismatch(let type, let context):
      // In JSON's words, not Swift's ("Dictionary<String, Any>").
      let expected =
        switch type {
        case is [String: Any].Type: "an object"
        case is [Any].Type: "a list"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "a number"
        }
      let found = context.debugDescription.range(of: #"found (.*) instead"#, options: .regularExpression).map {
        ", " + context.debugDescription[$0].dropLast(" instead".count)
      }
      return "expected \(expected)\(found ?? "")" + path(context)
    case DecodingError.valueNotFound(_, let context):
      return context.debugDescription + path(context)
    case DecodingError.dataCorrupted(let context): return "not valid JSON" + path(context)
    default: return "\(error)"
    }
  }
}
