/// Open-loop runs of a workload (pgbench `--rate` on a fixed number of connections): the
/// highest rate the system sustains, measured and predicted by a closed-loop fit.
package struct OpenLoopKnee: Sendable {
  package var workload: String
  package var connections: Int
  /// Per target rate, the mean over repeats of the achieved tps and the schedule lag (seconds).
  package var levels: [(rate: Double, achieved: Double, lag: Double?)]
  /// Requests per second; nil when no run was sustained and none saturated.
  package var measured: Double?
  /// Every rate tried was sustained: the knee is at least `measured`.
  package var measuredIsLowerBound: Bool
  /// The fit's throughput with every connection busy; nil without a fit.
  package var predicted: Double?

  /// A run is sustained when it achieved its target within this share.
  package static let sustained = 0.95

  /// - Parameters:
  ///   - runs: open-loop summaries (each with a target rate) of one workload.
  ///   - fit: the closed-loop fit of the same transactions, if any (its model's throughput with
  ///     every connection busy is the predicted knee).
  ///
  /// The measured knee: once a target rate is beyond what the connections sustain, pgbench's
  /// achieved rate is the system's capacity on them, so the knee is the highest achieved rate of
  /// all runs; when every rate was sustained, it is at least the highest target (a lower bound).
  package init(workload: String, runs: [PgbenchReport], fit: FitTable?) {
    self.workload = workload
    connections = runs.map(\.clients).max() ?? 0
    let rates = Set(runs.compactMap(\.targetRate)).sorted()
    levels = rates.map { rate in
      let same = runs.filter { $0.targetRate == rate }
      let lags = same.compactMap(\.scheduleLag)
      return (
        rate, same.map(\.tps).reduce(0, +) / Double(same.count), lags.isEmpty ? nil : lags.reduce(0, +) / Double(lags.count)
      )
    }
    let saturated = levels.contains { $0.achieved < Self.sustained * $0.rate }
    if saturated {
      measured = levels.map(\.achieved).max()
      measuredIsLowerBound = false
    } else {
      measured = levels.last?.rate
      measuredIsLowerBound = true
    }
    predicted = fit?.throughput(clients: connections)
  }

  /// predicted / measured - 1, when both are known and the measured one is not a lower bound.
  package var error: Double? {
    guard let measured, let predicted, !measuredIsLowerBound, measured > 0 else { return nil }
    return predicted / measured - 1
  }
}
