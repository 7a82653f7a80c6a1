import Foundation

/// One `capsim sweep` (or the merge of its shards): a grid of what-ifs over one scenario, each
/// point a recorded run.
///
/// Its status is its runs' (see `SweepSummary`): a sweep has no life of its own.
package struct SweepRecord: Codable, Sendable, Hashable {
  /// A key path and the values it takes, as given to `--vary`.
  package struct Axis: Codable, Sendable, Hashable {
    package var key: String
    package var values: [String]

    package init(key: String, values: [String]) {
      self.key = key
      self.values = values
    }
  }

  /// Assigned by the store.
  package var id: Int64?
  package var capsimVersion: String
  package var scenarioName: String
  package var scenarioPath: String
  package var scenarioHash: String
  /// `--set` what-ifs under every point, in order.
  package var settings: [String]
  package var axes: [Axis]
  package var seed: UInt64
  package var replications: Int
  package var points: Int
  /// 1 when one machine simulated it, N when it was merged from N shards.
  package var shards: Int
  package var startedAt: Date
  /// Wall-clock seconds of the whole sweep (of a merge: the shards' added up); nil until it ends.
  package var wallSeconds: Double?

  package init(
    id: Int64? = nil, capsimVersion: String, scenarioName: String, scenarioPath: String, scenarioHash: String,
    settings: [String], axes: [Axis], seed: UInt64, replications: Int, points: Int, shards: Int, startedAt: Date,
    wallSeconds: Double? = nil
  ) {
    self.id = id
    self.capsimVersion = capsimVersion
    self.scenarioName = scenarioName
    self.scenarioPath = scenarioPath
    self.scenarioHash = scenarioHash
    self.settings = settings
    self.axes = axes
    self.seed = seed
    self.replications = replications
    self.points = points
    self.shards = shards
    self.startedAt = startedAt
    self.wallSeconds = wallSeconds
  }

  /// The seed as the sweep's pages and lists say it: one for every point, or each point's own.
  package var seedText: String {
    axes.contains { $0.key == "run.seed" } ? "the seed of each point's run.seed" : "seed \(seed) at every point (common random numbers)"
  }
}

/// One point of a sweep: its axis values and the run that simulated it.
package struct SweepPoint: Codable, Sendable, Hashable {
  /// 0-based, in grid order (the first axis changes slowest).
  package var point: Int
  /// One value per axis, in the axes' order.
  package var values: [String]
  package var runID: Int64
  package var status: RunStatus

  package init(point: Int, values: [String], runID: Int64, status: RunStatus) {
    self.point = point
    self.values = values
    self.runID = runID
    self.status = status
  }
}

/// A sweep with how far its runs got, for listings.
package struct SweepSummary: Sendable, Hashable {
  package var sweep: SweepRecord
  /// Runs per status.
  package var runs: [RunStatus: Int]

  package init(sweep: SweepRecord, runs: [RunStatus: Int]) {
    self.sweep = sweep
    self.runs = runs
  }

  /// `running` while any run is, else `complete` when all are, else the worst of the rest.
  package var status: RunStatus {
    if runs[.running, default: 0] > 0 { return .running }
    if runs[.complete, default: 0] == sweep.points { return .complete }
    return runs[.failed, default: 0] > 0 ? .failed : .interrupted
  }
}
