import SimKernel
import Suggestions

/// Parses durations (`200ms`) into seconds and rates (`30/s`) into events per second.
///
/// Strict on purpose: a unit is required, no space between number and unit, no NaN or
/// infinity, no negatives. Bounded too, so that nothing read can overflow later: durations
/// up to `SimClock.longestSpan` (100 years), rates up to one per nanosecond and, unless zero,
/// down to one per 100 years.
package enum Quantity {
  /// Why a quantity was rejected, as a message ready for a diagnostic.
  package struct Failure: Error, Equatable, Sendable {
    package var message: String
    package init(message: String) { self.message = message }
  }

  /// Duration units and their length in seconds.
  package static let durationUnits: [(unit: String, seconds: Double)] = [
    ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3),
    ("s", 1), ("min", 60), ("h", 3_600), ("d", 86_400),
  ]
  /// Units allowed after the `/` of a rate.
  package static let rateUnits: [(unit: String, seconds: Double)] = [
    ("ms", 1e-3), ("s", 1), ("min", 60), ("h", 3_600), ("d", 86_400),
  ]

  /// The longest duration, in seconds: the span the simulated clock keeps to a microsecond.
  package static let longestDuration = SimClock.longestSpan
  /// The shortest duration other than zero, in seconds: a nanosecond, the finest unit a duration
  /// has (as `fastestRate`). A shorter one (a run of 1e-16 s) is zero to any simulation; service
  /// times below a microsecond (an in-memory lookup) are meaningful, so the floor is not higher.
  package static let shortestDuration = 1e-9
  /// The fastest rate, per second: one per nanosecond, the finest unit a duration has.
  package static let fastestRate = 1e9
  /// The slowest rate other than zero, per second: one per `longestDuration`.
  package static let slowestRate = 1 / longestDuration

  static let durationExpectation = "a duration with a unit (e.g. 200ms, 1.5s)"
  static let rateExpectation = "a rate such as 30/s or 1800/min"

  /// Common spellings mapped to the unit we accept, for "did you mean".
  static let unitAliases: [String: String] = [
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "mins": "min", "minute": "min", "minutes": "min",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d",
    "msec": "ms", "msecs": "ms", "millis": "ms", "millisecond": "ms", "milliseconds": "ms",
    "usec": "us", "usecs": "us", "micros": "us", "microsecond": "us", "microseconds": "us",
    "nsec": "ns", "nsecs": "ns", "nanos": "ns", "nanosecond": "ns", "nanoseconds": "ns",
  ]

  /// Seconds in a duration such as `200ms`, `1.5s`, `2min`, `1h`, `250us`, `1d`, `1e3ms`.
  package static func duration(_ text: String) -> Result<Double, Failure> {
    let fail = { (message: String) in Result<Double, Failure>.failure(Failure(message: message)) }
    guard let (number, rest) = splitNumber(Substring(text)), let value = Double(number) else {
      return fail("expected \(durationExpectation), found '\(text)'")
    }
    if rest.isEmpty { return fail("expected \(durationExpectation), found '\(text)'") }
    let units = durationUnits.map(\.unit)
    if rest.first == " " {
      let unit = rest.drop { $0 == " " }
      if units.contains(String(unit)) {
        return fail(
          "expected \(durationExpectation), found '\(text)' (no space between number and unit: write \(number)\(unit))")
      }
      return fail("expected \(durationExpectation), found '\(text)'")
    }
    guard let factor = durationUnits.first(where: { $0.unit == rest })?.seconds else {
      return fail(unknownUnit(String(rest), in: text, units: units, expectation: durationExpectation))
    }
    let seconds = value * factor
    guard seconds >= 0 else { return fail("a duration cannot be negative, found '\(text)'") }
    guard seconds <= longestDuration else {
      return fail("duration '\(text)' is longer than 100 years, the longest the simulated clock keeps to a microsecond")
    }
    return .success(seconds + 0)  // turns -0 into 0
  }

  /// Events per second in a rate such as `30/s`, `1800/min`, `5/h`, `0.5/ms`, `120/d`.
  package static func rate(_ text: String) -> Result<Double, Failure> {
    let fail = { (message: String) in Result<Double, Failure>.failure(Failure(message: message)) }
    let generic = "expected \(rateExpectation), found '\(text)'"
    guard let slash = text.firstIndex(of: "/") else { return fail(generic) }
    let numberPart = text[..<slash]
    let unitPart = text[text.index(after: slash)...]
    let trimmedNumber = numberPart.reversed().drop { $0 == " " }.reversed()
    let trimmedUnit = unitPart.drop { $0 == " " }
    let units = rateUnits.map(\.unit)
    guard let (number, rest) = splitNumber(Substring(String(trimmedNumber))), rest.isEmpty,
      let value = Double(number)
    else { return fail(generic) }
    if trimmedNumber.count != numberPart.count || trimmedUnit.count != unitPart.count {
      if units.contains(String(trimmedUnit)) {
        return fail("\(generic) (no spaces allowed: write \(number)/\(trimmedUnit))")
      }
      return fail(generic)
    }
    guard let seconds = rateUnits.first(where: { $0.unit == unitPart })?.seconds else {
      return fail(unknownUnit(String(unitPart), in: text, units: units, expectation: rateExpectation))
    }
    let perSecond = value / seconds
    guard perSecond >= 0 else { return fail("a rate cannot be negative, found '\(text)'") }
    guard perSecond <= fastestRate else {
      return fail("rate '\(text)' is faster than one per nanosecond (1000000000/s), the finest time a file can give")
    }
    guard perSecond == 0 || perSecond >= slowestRate else {
      return fail("rate '\(text)' is slower than one per 100 years: write 0/s for none")
    }
    return .success(perSecond + 0)
  }

  /// Message for a unit we don't know, with a suggestion when one is close.
  static func unknownUnit(_ unit: String, in text: String, units: [String], expectation: String) -> String {
    guard !unit.isEmpty, unit.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else {
      return "expected \(expectation), found '\(text)'"
    }
    if unit == "m" || unit == "M" {
      return "ambiguous time unit '\(unit)' in '\(text)' (write 'min' for minutes or 'ms' for milliseconds)"
    }
    let listed = units.filter { $0 != "µs" && $0 != "μs" }
    let alias = unitAliases[unit.lowercased()].flatMap { units.contains($0) ? $0 : nil }
    if let suggestion = alias ?? Suggestions.closest(to: unit, among: listed) {
      return "unknown time unit '\(unit)' in '\(text)' (did you mean '\(suggestion)'?)"
    }
    return "unknown time unit '\(unit)' in '\(text)' (use one of \(listed.joined(separator: ", ")))"
  }

  /// Splits a leading decimal number (sign, digits, fraction, exponent) from the rest.
  static func splitNumber(_ s: Substring) -> (number: Substring, rest: Substring)? {
    let u = Array(s.utf8)
    var i = 0
    if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
    var digits = 0
    while i < u.count, isDigit(u[i]) {
      i += 1
      digits += 1
    }
    if i < u.count, u[i] == UInt8(ascii: ".") {
      i += 1
      while i < u.count, isDigit(u[i]) {
        i += 1
        digits += 1
      }
    }
    guard digits > 0 else { return nil }
    if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
      var j = i + 1
      if j < u.count, u[j] == UInt8(ascii: "+") || u[j] == UInt8(ascii: "-") { j += 1 }
      var expDigits = 0
      while j < u.count, isDigit(u[j]) {
        j += 1
        expDigits += 1
      }
      if expDigits > 0 { i = j }
    }
    let split = s.utf8.index(s.utf8.startIndex, offsetBy: i)
    return (s[..<split], s[split...])
  }

  private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
