extension PgbenchLog {
  /// The completed transactions of several logs (a run's threads, `pgbench_log.PID` and
  /// `pgbench_log.PID.N`): their count and nearest-rank percentiles.
  package static func percentiles(_ logs: [PgbenchLog]) -> (count: Int, p50: Double, p95: Double, p99: Double)? {
    let all = logs.flatMap(\.latencies).sorted()
    guard let p50 = nearestRank(all, 0.50), let p95 = nearestRank(all, 0.95), let p99 = nearestRank(all, 0.99) else {
      return nil
    }
    return (all.count, p50, p95, p99)
  }
}

extension PgbenchReport {
  /// Takes the latency percentiles of this run from its `--log` files (`files`, for the message)
  /// where the summary has none (the summary's own, written by the measurement script from the
  /// same logs, win).
  ///
  /// - Throws: ``MeasurementError`` at the summary when the logs' completed transactions are not
  ///   the summary's: logs of a sampled run (`--sampling-rate`) or of another run.
  package mutating func take(_ logs: [PgbenchLog], files: [String]) throws(MeasurementError) {
    guard let p = PgbenchLog.percentiles(logs) else { return }
    guard p.count == transactions else {
      throw MeasurementError(
        file: file,
        "its --log files (\(files.joined(separator: ", "))) hold \(p.count) completed transactions, the summary \(transactions): logs of a sampled run (--sampling-rate) or of another run")
    }
    if latencyP95 == nil {
      latencyP50 = p.p50
      latencyP95 = p.p95
      latencyP99 = p.p99
    }
  }
}
