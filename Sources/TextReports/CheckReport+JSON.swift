import Foundation
import Gate
import PlatformModel
import RunRecords

extension CheckReport {
  /// The JSON document: also what a later check reads as its baseline.
  package func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(CheckJSON(self)), as: UTF8.self)
  }
}

/// The document of `capsim check --format json` (and of --json, --write-baseline).
package struct CheckJSON: Encodable {
  /// A row: the verdict as `capsim run --format json` prints it, then what the check adds.
  package struct RowJSON: Encodable {
    package var verdict: VerdictJSON
    @Nullable package var standard_deviation: Double?
    package var replications: Int
    package var check: String
    @Nullable package var against_target: String?
    @Nullable package var against_baseline: String?
    @Nullable package var baseline: BaselineValue?
    @Nullable package var change: Double?
    @Nullable package var allowance: Double?
    @Nullable package var waiver: String?
    package var message: String

    package enum Keys: String, CodingKey {
      case standard_deviation, replications, check, against_target, against_baseline, baseline, change, allowance
      case waiver, message
    }

    /// One flat object: the verdict's keys and the check's side by side.
    package func encode(to encoder: any Encoder) throws {
      try verdict.encode(to: encoder)
      var c = encoder.container(keyedBy: Keys.self)
      try c.encode(_standard_deviation, forKey: .standard_deviation)
      try c.encode(replications, forKey: .replications)
      try c.encode(check, forKey: .check)
      try c.encode(_against_target, forKey: .against_target)
      try c.encode(_against_baseline, forKey: .against_baseline)
      try c.encode(_baseline, forKey: .baseline)
      try c.encode(_change, forKey: .change)
      try c.encode(_allowance, forKey: .allowance)
      try c.encode(_waiver, forKey: .waiver)
      try c.encode(message, forKey: .message)
    }
  }

  package struct BaselineValue: Encodable {
    package var mean: Double
    @Nullable package var half_width: Double?
    @Nullable package var standard_deviation: Double?
    package var replications: Int
  }

  package struct LookJSON: Encodable {
    package var replications: Int
    package var failed: Int
    package var undecided: Int
    package var passed: Int
    package var wall_seconds: Double
  }

  package struct BaselineInfo: Encodable {
    @Nullable package var scenario_hash: String?
    @Nullable package var topology_hash: String?
    package var settings: [String]
    @Nullable package var seed: UInt64?
    package var replications: Int
    @Nullable package var capsim: String?
  }

  package struct ScenarioJSON: Encodable {
    package var scenario: String
    package var file: String
    package var scenario_hash: String
    package var topology_hash: String
    package var settings: [String]
    package var seed: UInt64
    package var replications: Int
    package var max_replications: Int
    @Nullable package var max_seconds: Double?
    package var looks: [LookJSON]
    package var stop: String
    package var check: String
    package var counts: [String: Int]
    @Nullable package var baseline: BaselineInfo?
    package var warnings: [String]
    package var verdicts: [RowJSON]
    package var wall_seconds: Double
  }

  package var capsim: String
  package var check: String
  package var exit_status: Int32
  package var alpha: Double
  package var beta: Double
  @Nullable package var targets: String?
  @Nullable package var baseline: String?
  package var counts: [String: Int]
  package var scenarios: [ScenarioJSON]

  package static func counts(_ rows: [Row]) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: CheckReport.counts(rows).map { ($0.key.rawValue, $0.value) })
  }

  package init(_ report: CheckReport) {
    capsim = capsimVersion
    check = report.outcome.rawValue
    exit_status = report.exitStatus
    alpha = report.alpha
    beta = report.beta
    targets = report.targetsFile
    baseline = report.baselineSource
    counts = Self.counts(report.rows)
    scenarios = report.parts.map { p in
      let s = p.scenario
      let c = p.check
      let rows = c.rows.map { r -> RowJSON in
        let v = r.verdict
        let verdict = VerdictJSON(RunData.records([v], scenario: s)[0])
        return RowJSON(
          verdict: verdict, standard_deviation: v.measured.standardDeviation, replications: v.measured.count,
          check: r.decision.rawValue, against_target: r.againstTarget?.rawValue,
          against_baseline: r.againstBaseline?.rawValue,
          baseline: r.baseline.map {
            BaselineValue(
              mean: $0.mean, half_width: $0.halfWidth, standard_deviation: $0.standardDeviation, replications: $0.count)
          }, change: r.change, allowance: r.allowance, waiver: r.waiver, message: CheckReport.message(r))
      }
      return ScenarioJSON(
        scenario: p.provenance.name, file: p.provenance.path, scenario_hash: p.provenance.scenarioHash,
        topology_hash: p.provenance.topologyHash, settings: p.provenance.settings, seed: p.provenance.seed,
        replications: p.replications, max_replications: c.settings.maxReplications, max_seconds: c.settings.maxSeconds,
        looks: c.looks.map {
          LookJSON(
            replications: $0.replications, failed: $0.counts[.fail] ?? 0, undecided: $0.counts[.undecided] ?? 0,
            passed: $0.counts[.pass] ?? 0, wall_seconds: $0.wallSeconds)
        }, stop: c.stop.rawValue, check: c.outcome.rawValue, counts: Self.counts(c.rows),
        baseline: p.baseline.map {
          BaselineInfo(
            scenario_hash: $0.scenarioHash, topology_hash: $0.topologyHash, settings: $0.settings, seed: $0.seed,
            replications: $0.replications, capsim: $0.capsimVersion)
        }, warnings: p.warnings, verdicts: rows, wall_seconds: c.result.wallSeconds)
    }
  }
}
