import Testing

import ScenarioFile

@Suite struct QuantityTests {
  @Test(
    arguments: [
      ("200ms", 0.2), ("1.5s", 1.5), ("2min", 120), ("1h", 3600), ("250us", 0.00025), ("250µs", 0.00025),
      ("1d", 86400), ("1e3ms", 1), ("0s", 0), ("+2s", 2), (".5s", 0.5), ("10ns", 1e-8), ("-0s", 0),
      ("36525d", 3_155_760_000), ("5e-324s", 5e-324),
    ] as [(String, Double)])
  func durations(_ text: String, _ seconds: Double) throws {
    let value = try Quantity.duration(text).get()
    #expect(abs(value - seconds) <= 1e-12 * max(1, seconds), "\(text) -> \(value)")
  }

  @Test(arguments: [
    ("200", "expected a duration with a unit (e.g. 200ms, 1.5s), found '200'"),
    ("0", "expected a duration with a unit (e.g. 200ms, 1.5s), found '0'"),
    (
      "200 ms",
      "expected a duration with a unit (e.g. 200ms, 1.5s), found '200 ms' (no space between number and unit: write 200ms)"
    ),
    ("2sec", "unknown time unit 'sec' in '2sec' (did you mean 's'?)"),
    ("3hours", "unknown time unit 'hours' in '3hours' (did you mean 'h'?)"),
    ("5m", "ambiguous time unit 'm' in '5m' (write 'min' for minutes or 'ms' for milliseconds)"),
    ("5S", "unknown time unit 'S' in '5S' (did you mean 's'?)"),
    ("5parsecs", "unknown time unit 'parsecs' in '5parsecs' (use one of ns, us, ms, s, min, h, d)"),
    ("-5s", "a duration cannot be negative, found '-5s'"),
    ("1e400s", "duration '1e400s' is longer than 100 years, the longest the simulated clock keeps to a microsecond"),
    ("36526d", "duration '36526d' is longer than 100 years, the longest the simulated clock keeps to a microsecond"),
    ("ms", "expected a duration with a unit (e.g. 200ms, 1.5s), found 'ms'"),
    ("nans", "expected a duration with a unit (e.g. 200ms, 1.5s), found 'nans'"),
    ("1.2.3s", "expected a duration with a unit (e.g. 200ms, 1.5s), found '1.2.3s'"),
    ("", "expected a duration with a unit (e.g. 200ms, 1.5s), found ''"),
    ("30/s", "expected a duration with a unit (e.g. 200ms, 1.5s), found '30/s'"),
  ])
  func badDurations(_ text: String, _ message: String) {
    #expect(Quantity.duration(text) == .failure(Quantity.Failure(message: message)))
  }

  @Test(
    arguments: [
      ("30/s", 30), ("1800/min", 30), ("5/h", 5.0 / 3600), ("0.5/ms", 500), ("120/d", 120.0 / 86400), ("0/s", 0),
      ("1e3/min", 1000.0 / 60),
    ] as [(String, Double)])
  func rates(_ text: String, _ perSecond: Double) throws {
    let value = try Quantity.rate(text).get()
    #expect(abs(value - perSecond) <= 1e-12 * max(1, perSecond), "\(text) -> \(value)")
  }

  @Test(arguments: [
    ("30", "expected a rate such as 30/s or 1800/min, found '30'"),
    ("30 / s", "expected a rate such as 30/s or 1800/min, found '30 / s' (no spaces allowed: write 30/s)"),
    ("30/sec", "unknown time unit 'sec' in '30/sec' (did you mean 's'?)"),
    ("30/us", "unknown time unit 'us' in '30/us' (did you mean 'ms'?)"),
    ("30rps", "expected a rate such as 30/s or 1800/min, found '30rps'"),
    ("/s", "expected a rate such as 30/s or 1800/min, found '/s'"),
    ("30/", "expected a rate such as 30/s or 1800/min, found '30/'"),
    ("-1/s", "a rate cannot be negative, found '-1/s'"),
    ("1e400/s", "rate '1e400/s' is faster than one per nanosecond (1000000000/s), the finest time a file can give"),
    ("2/ns", "unknown time unit 'ns' in '2/ns' (did you mean 'ms'?)"),
    ("1.1e9/s", "rate '1.1e9/s' is faster than one per nanosecond (1000000000/s), the finest time a file can give"),
    ("1e-300/s", "rate '1e-300/s' is slower than one per 100 years: write 0/s for none"),
    ("30/1s", "expected a rate such as 30/s or 1800/min, found '30/1s'"),
  ])
  func badRates(_ text: String, _ message: String) {
    #expect(Quantity.rate(text) == .failure(Quantity.Failure(message: message)))
  }

  @Test func readersReportAtTheValue() {
    expectDiagnostics(
      """
      a: 1️⃣200
      b: 2️⃣"2sec"
      c: "250ms"
      d: 3️⃣[1s]
      e: 4️⃣0s
      f: 5️⃣1800
      g: 1800/min
      h:6️⃣
      """,
      [
        ExpectedDiagnostic("1️⃣", "a", "expected a duration with a unit (e.g. 200ms, 1.5s), found '200'"),
        ExpectedDiagnostic("2️⃣", "b", "unknown time unit 'sec' in '2sec' (did you mean 's'?)"),
        ExpectedDiagnostic("3️⃣", "d", "expected a duration with a unit (e.g. 200ms, 1.5s), found a list"),
        ExpectedDiagnostic("4️⃣", "e", "must be greater than zero, found '0s'"),
        ExpectedDiagnostic("5️⃣", "f", "expected a rate such as 30/s or 1800/min, found '1800'"),
        ExpectedDiagnostic("6️⃣", "h", "expected a rate such as 30/s or 1800/min, found an empty value"),
      ]
    ) { root in
      let entries = root.openMapping() ?? []
      #expect(entries[2].value.duration() == 0.25)
      #expect(entries[6].value.rate() == 30)
      for entry in entries.prefix(5) { _ = entry.value.duration(positive: true) }
      for entry in entries.dropFirst(5) { _ = entry.value.rate() }
    }
  }
}
