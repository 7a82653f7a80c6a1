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
  struct RowJSON: Encodable {
    var verdict: VerdictJSON
    @Nullable var standard_deviation: Double?
    var replications: Int
    var check: String
    @Nullable var against_target: String?
    @Nullable var against_baseline: String?
    @Nullable var baseline: BaselineValue?
    @Nullable var change: Double?
    @Nullable var allowance: Double?
    @Nullable var waiver: String?
    var message: String

    enum Keys: String, CodingKey {
      case standard_deviation, replications, check, against_target, against_baseline, baseline, change, allowance
      case waiver, message
    }

    /// One flat object: the verdict's keys and the check's side by side.
    func encode(to encoder: any Encoder) throws {
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

  struct BaselineValue: Encodable {
    var mean: Double
    @Nullable var half_width: Double?
    @Nullable var standard_deviation: Double?
    var replications: Int
  }

  struct LookJSON: Encodable {
    var replications: Int
    var failed: Int
    var undecided: Int
    var passed: Int
    var wall_seconds: Double
  }

  struct BaselineInfo: Encodable {
    @Nullable var scenario_hash: String?
    @Nullable var topology_hash: String?
    var settings: [String]
    @Nullable var seed: UInt64?
    var replications: Int
    @Nullable var capsim: String?
  }

  struct ScenarioJSON: Encodable {
    var scenario: String
    var file: String
    var scenario_hash: String
    var topology_hash: String
    var settings: [String]
    var seed: UInt64
    var replications: Int
    var max_replications: Int
    @Nullable var max_seconds: Double?
    var looks: [LookJSON]
    var stop: String
    var check: String
    var counts: [String: Int]
    @Nullable var baseline: BaselineInfo?
    var warnings: [String]
    package var verdicts: [RowJSON]
    var wall_seconds: Double
  }

  var capsim: String
  var check: String
  var exit_status: Int32
  var alpha: Double
  var beta: Double
  @Nullable var targets: String?
  @Nullable var baseline: String?
  var counts: [String: Int]
  var scenarios: [ScenarioJSON]

  static func counts(_ rows: [Row]) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: CheckReport.counts(rows).map { ($0.key.rawValue, $0.value) })
  }

  init(_ report: CheckReport) {
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
        replications: p.replications, max_replications: c.settings.maxReplications,
        max_seconds: c.settings.maxSeconds.map { ($0 * 1_000).rounded() / 1_000 },
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
