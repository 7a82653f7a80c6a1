/// pgbench's `--progress` lines (on stderr), one per interval:
///
///     progress: 5.0 s, 12345.6 tps, lat 0.321 ms stddev 0.123, 0 failed, lag 0.012 ms, 0 skipped, 0 retried, 0 retries
///
/// (`src/bin/pgbench/pgbench.c`, `printProgressReport`: `failed` since PostgreSQL 15, `lag` with
/// `--rate`, `skipped` with `--rate` and `--latency-limit`, `retried` and `retries` with
/// `--max-tries` other than 1). With `--progress-timestamp` the time is the Unix time of the
/// interval's end (`timestamps`). Other lines are skipped, so the whole stderr of a run can be
/// given.
package struct PgbenchProgress: Hashable, Sendable {
  package struct Interval: Hashable, Sendable {
    /// At the interval's end: seconds since the start, or the Unix time with `timestamps`.
    package var time: Double
    package var tps: Double
    /// Seconds.
    package var latencyMean: Double
    package var latencyStandardDeviation: Double?
    package var failed: Int?
    package var scheduleLag: Double?
    package var skipped: Int?
    /// The line it was read from, for an error about it.
    package var line = 0
  }

  package var intervals: [Interval] = []
  /// `--progress-timestamp`: the intervals' times are Unix times.
  package var timestamps = false

  /// - Throws: ``MeasurementError`` at a `progress:` line whose fields are not pgbench's, and at
  ///   one whose kind of time (since the start or Unix) is not the first line's.
  package init(file: String, text: String) throws(MeasurementError) {
    let lines = NumberedLines(file: file, text: text)
    for (n, line) in lines where line.hasPrefix("progress: ") {
      var interval = Interval(time: .nan, tps: .nan, latencyMean: .nan, line: n)
      for field in line.dropFirst("progress: ".count).split(separator: ",") {
        let words = field.split(separator: " ")
        func value(_ i: Int) -> Double? { words.count > i ? number(words[i]) : nil }
        func count() -> Int? { words.first.flatMap { Int($0) } }
        switch (words.first, words.dropFirst().first) {
        case (_, "s"?): interval.time = value(0) ?? .nan
        case (_, "tps"?): interval.tps = value(0) ?? .nan
        case ("lat"?, _):
          interval.latencyMean = (value(1) ?? .nan) / 1_000
          // A variance rounded below zero prints "stddev -nan": no deviation, not an error.
          if words.count >= 5, words[3] == "stddev" { interval.latencyStandardDeviation = value(4).map { $0 / 1_000 } }
        case (_, "failed"?): interval.failed = count()
        case (_, "skipped"?): interval.skipped = count()
        case ("lag"?, _): interval.scheduleLag = value(1).map { $0 / 1_000 }
        default: continue  // "retried", "retries": not needed here
        }
      }
      guard interval.time.isFinite, interval.tps.isFinite, interval.latencyMean.isFinite else {
        throw lines.error(n, "expected 'progress: <s> s, <tps> tps, lat <ms> ms ...', found '\(line)'")
      }
      // A run of 30 years has no report that late: a time past that is a Unix time.
      let unix = interval.time >= 1e9
      if intervals.isEmpty {
        timestamps = unix
      } else if unix != timestamps {
        throw lines.error(
          n, "a \(unix ? "Unix time" : "time since the start") where the first progress line has a \(timestamps ? "Unix time" : "time since the start"): lines of two runs")
      }
      intervals.append(interval)
    }
    guard !intervals.isEmpty else { throw MeasurementError(file: file, "no 'progress:' lines (run pgbench with --progress)") }
  }
}
