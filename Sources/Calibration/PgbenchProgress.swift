/// pgbench's `--progress` lines (on stderr), one per interval:
///
///     progress: 5.0 s, 12345.6 tps, lat 0.321 ms stddev 0.123, 0 failed, lag 0.012 ms
///
/// (`failed` since PostgreSQL 15, `lag` with `--rate`). Other lines are skipped, so the whole
/// stderr of a run can be given.
package struct PgbenchProgress: Hashable, Sendable {
  package struct Interval: Hashable, Sendable {
    /// Seconds since the start, at the interval's end.
    package var time: Double
    package var tps: Double
    /// Seconds.
    package var latencyMean: Double
    package var latencyStandardDeviation: Double?
    package var failed: Int?
    package var scheduleLag: Double?
  }

  package var intervals: [Interval] = []

  /// - Throws: ``MeasurementError`` at a `progress:` line whose fields are not pgbench's.
  package init(file: String, text: String) throws(MeasurementError) {
    let lines = NumberedLines(file: file, text: text)
    for (n, line) in lines where line.hasPrefix("progress: ") {
      var interval = Interval(time: .nan, tps: .nan, latencyMean: .nan)
      for field in line.dropFirst("progress: ".count).split(separator: ",") {
        let words = field.split(separator: " ")
        func value(_ i: Int) -> Double? { words.count > i ? number(words[i]) : nil }
        switch (words.first, words.dropFirst().first) {
        case (_, "s"?): interval.time = value(0) ?? .nan
        case (_, "tps"?): interval.tps = value(0) ?? .nan
        case ("lat"?, _):
          interval.latencyMean = (value(1) ?? .nan) / 1_000
          if words.count >= 5, words[3] == "stddev" { interval.latencyStandardDeviation = value(4).map { $0 / 1_000 } }
        case (_, "failed"?): interval.failed = value(0).map(Int.init)
        case ("lag"?, _): interval.scheduleLag = value(1).map { $0 / 1_000 }
        default: continue  // "skipped", "retried": not needed here
        }
      }
      guard interval.time.isFinite, interval.tps.isFinite, interval.latencyMean.isFinite else {
        throw lines.error(n, "expected 'progress: <s> s, <tps> tps, lat <ms> ms ...', found '\(line)'")
      }
      intervals.append(interval)
    }
    guard !intervals.isEmpty else { throw MeasurementError(file: file, "no 'progress:' lines (run pgbench with --progress)") }
  }
}
