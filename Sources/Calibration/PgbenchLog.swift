/// pgbench's `--log` per-transaction lines (`src/bin/pgbench/pgbench.c`, `doLog`, PostgreSQL 12-17):
///
///     client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
///
/// with `time` the latency in microseconds, or `skipped` (`--rate` with `--latency-limit`), or,
/// since 15, `failed` (`serialization` or `deadlock` with `--failures-detailed`);
/// `schedule_lag` with `--rate`, `retries` (since 15) with `--max-tries` other than 1. Only what
/// a summary needs is kept: the latencies, sorted.
package struct PgbenchLog: Hashable, Sendable {
  /// Latencies of completed transactions, seconds, ascending.
  package var latencies: [Double] = []
  package var failed = 0
  package var skipped = 0

  /// - Throws: ``MeasurementError`` at the first line that is not a transaction, and at the
  ///   first line of an aggregated log (`--aggregate-interval`: sums per interval, from which no
  ///   percentile can come).
  package init(file: String, text: String) throws(MeasurementError) {
    let lines = NumberedLines(file: file, text: text)
    for (n, line) in lines where !line.isEmpty {
      let fields = line.split(separator: " ")
      guard fields.count >= 6, let client = Int(fields[0]), Int(fields[1]) != nil else {
        throw lines.error(n, "expected 'client_id transaction_no time script_no time_epoch time_us', found '\(line)'")
      }
      // A client id is small; an aggregated line starts with an epoch time stamp.
      guard client < 1_000_000_000 else {
        throw lines.error(n, "an aggregated log (--aggregate-interval) has no per-transaction latencies: log without --aggregate-interval")
      }
      func column(_ i: Int) -> Int { fields[..<i].map(\.count).reduce(i + 1, +) }
      guard fields.count <= 8 else {
        throw lines.error(
          n, column: column(8), "\(fields.count) fields: a transaction has 6 to 8 (client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries])")
      }
      for i in [3, 4, 5] + Array(6..<fields.count) where Int(fields[i]).map({ $0 >= 0 }) != true {
        let names = ["script_no", "time_epoch", "time_us", "schedule_lag or retries", "retries"]
        throw lines.error(n, column: column(i), "\(names[i - 3]): expected a whole number, found '\(fields[i])'")
      }
      switch fields[2] {
      case "failed", "serialization", "deadlock": failed += 1
      case "skipped": skipped += 1
      default:
        guard let us = number(fields[2]), us >= 0 else {
          throw lines.error(
            n, column: column(2), "latency: expected microseconds, 'failed', 'serialization', 'deadlock' or 'skipped', found '\(fields[2])'")
        }
        latencies.append(us / 1e6)
      }
    }
    latencies.sort()
  }

  /// The empirical p-quantile (nearest rank), or nil with no transaction.
  package func quantile(_ p: Double) -> Double? { nearestRank(latencies, p) }
}

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
