import PlatformModel
import SimStatistics

/// An earlier run of a scenario to compare with: per row, the mean, standard deviation and
/// number of replications, and what the run was (to warn when it differs from the candidate).
package struct Baseline: Sendable {
  /// The scenario's name.
  package var scenario: String
  /// SHA-256 of the scenario and topology texts, when known.
  package var scenarioHash: String?
  package var topologyHash: String?
  package var settings: [String]
  package var seed: UInt64?
  package var replications: Int
  package var capsimVersion: String?
  package var rows: [RowKey: Estimate]

  package init(
    scenario: String, scenarioHash: String? = nil, topologyHash: String? = nil, settings: [String] = [],
    seed: UInt64? = nil, replications: Int, capsimVersion: String? = nil, rows: [RowKey: Estimate]
  ) {
    self.scenario = scenario
    self.scenarioHash = scenarioHash
    self.topologyHash = topologyHash
    self.settings = settings
    self.seed = seed
    self.replications = replications
    self.capsimVersion = capsimVersion
    self.rows = rows
  }

  /// A baseline of a run's verdicts, as `check --write-baseline` keeps it.
  package init(scenario: String, replications: Int, verdicts: [Verdict]) {
    var rows: [RowKey: Estimate] = [:]
    for v in verdicts where v.measured.mean.isFinite { rows[RowKey(v)] = v.measured }
    self.init(scenario: scenario, replications: replications, rows: rows)
  }
}
