import Foundation

/// A 5-field cron schedule (minute hour day-of-month month day-of-week) as KEDA's cron scaler
/// parses it: robfig/cron v3 with `Minute | Hour | Dom | Month | Dow` (parser.go), so no
/// seconds field, no descriptors such as `@daily` and day-of-week 0-6 (Sunday is 0).
package struct CronSchedule: Hashable, Sendable {
  /// Bit i set when value i matches; bit 63 marks a field written as `*` or `?`.
  var minute: UInt64
  var hour: UInt64
  var dayOfMonth: UInt64
  var month: UInt64
  var dayOfWeek: UInt64
  /// As written.
  package let text: String

  static let star: UInt64 = 1 << 63

  /// Whether `other` fires at the same instants, however it is spaced or spelled (`0 7 * * *`
  /// and `0  7 * * *`, `0 07 * * *`): KEDA refuses a start equal to its end only as text.
  package func firesWith(_ other: CronSchedule) -> Bool {
    // A day-of-month or day-of-week written as `*` changes how the two combine (robfig's
    // dayMatches), so the star marks are compared too.
    minute == other.minute && hour == other.hour && dayOfMonth == other.dayOfMonth && month == other.month
      && dayOfWeek == other.dayOfWeek
  }

  package struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
  }

  private struct Field {
    var name: String
    var bounds: ClosedRange<Int>
    var names: [String: Int] = [:]
  }

  private static let fields = [
    Field(name: "minute", bounds: 0...59),
    Field(name: "hour", bounds: 0...23),
    Field(name: "day of month", bounds: 1...31),
    Field(
      name: "month", bounds: 1...12,
      names: [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11,
        "dec": 12,
      ]),
    Field(
      name: "day of week", bounds: 0...6, names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]),
  ]

  /// Parses `text` as robfig/cron's parser with the standard 5 fields does (`getField`,
  /// `getRange`): lists `a,b`, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (a to the
  /// field's end), names for months and weekdays.
  package static func parse(_ text: String) -> Result<CronSchedule, ParseError> {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix("@") {
      return .failure(
        ParseError(message: "descriptors such as '\(trimmed)' are not accepted by KEDA's cron parser; write 5 fields"))
    }
    if trimmed.hasPrefix("TZ=") || trimmed.hasPrefix("CRON_TZ=") {
      return .failure(
        ParseError(message: "a time zone prefix in the schedule is not supported; use the trigger's timezone"))
    }
    let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard parts.count == 5 else {
      return .failure(
        ParseError(
          message: "expected exactly 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)"))
    }
    var bits: [UInt64] = []
    for (part, field) in zip(parts, fields) {
      switch parseField(part, field) {
      case .success(let b): bits.append(b)
      case .failure(let e): return .failure(e)
      }
    }
    return .success(
      CronSchedule(
        minute: bits[0], hour: bits[1], dayOfMonth: bits[2], month: bits[3], dayOfWeek: bits[4], text: trimmed))
  }

  private static func parseField(_ text: String, _ field: Field) -> Result<UInt64, ParseError> {
    var bits: UInt64 = 0
    for expression in text.split(separator: ",", omittingEmptySubsequences: false) {
      let rangeAndStep = expression.split(separator: "/", omittingEmptySubsequences: false)
      let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false)
      let single = lowAndHigh.count == 1
      var start: Int
      var end: Int
      var extra: UInt64 = 0
      func fail(_ message: String) -> Result<UInt64, ParseError> {
        .failure(ParseError(message: "\(field.name) '\(expression)': \(message)"))
      }
      if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
        start = field.bounds.lowerBound
        end = field.bounds.upperBound
        extra = star
      } else {
        guard let low = value(String(lowAndHigh[0]), field) else {
          return fail("'\(lowAndHigh[0])' is not a number or name")
        }
        start = low
        switch lowAndHigh.count {
        case 1: end = low
        case 2:
          guard let high = value(String(lowAndHigh[1]), field) else {
            return fail("'\(lowAndHigh[1])' is not a number or name")
          }
          end = high
        default: return fail("too many hyphens")
        }
      }
      var step = 1
      switch rangeAndStep.count {
      case 1: break
      case 2:
        guard let s = Int(rangeAndStep[1]), s >= 0 else { return fail("the step must be a positive number") }
        step = s
        if single { end = field.bounds.upperBound }  // `a/n` means a to the end
        if step > 1 { extra = 0 }
      default: return fail("too many slashes")
      }
      if start < field.bounds.lowerBound { return fail("below the start of the range (\(field.bounds.lowerBound))") }
      if end > field.bounds.upperBound { return fail("beyond the end of the range (\(field.bounds.upperBound))") }
      if start > end { return fail("the beginning of the range is after its end") }
      if step == 0 { return fail("the step must be a positive number") }
      var v = start
      while v <= end {
        bits |= 1 << UInt64(v)
        v += step
      }
      bits |= extra
    }
    return .success(bits)
  }

  /// A non-negative integer or one of the field's names (any case).
  private static func value(_ text: String, _ field: Field) -> Int? {
    if let named = field.names[text.lowercased()] { return named }
    guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return nil }
    return Int(text)
  }

  /// robfig's `dayMatches`: when either day field is `*`, both must match; else either.
  func dayMatches(day: Int, weekday: Int) -> Bool {
    let dom = dayOfMonth & (1 << UInt64(day)) != 0
    let dow = dayOfWeek & (1 << UInt64(weekday)) != 0
    if dayOfMonth & Self.star != 0 || dayOfWeek & Self.star != 0 { return dom && dow }
    return dom || dow
  }

  /// The first firing strictly after `time` (seconds since 1970) in `zone`.
  ///
  /// Found as robfig/cron v3's `SpecSchedule.Next` (spec.go) finds it: start at the next whole
  /// second, then walk month, day, hour, minute, adding to the absolute time. Adding an hour across the
  /// spring-forward gap lands past it, so a firing inside the gap (02:30 on 29 March 2026 in
  /// Europe/Berlin) is skipped that day; in the repeated hour of the autumn change a daily
  /// 02:30 fires twice. Nil when no firing exists within five years.
  package func next(after time: Double, in zone: ZonedClock) -> Double? {
    var t = Int64(time.rounded(.down)) + 1
    var added = false
    let yearLimit = zone.civil(t).year + 5
    wrap: while true {
      var c = zone.civil(t)
      if c.year > yearLimit { return nil }
      while month & (1 << UInt64(c.month)) == 0 {
        if !added {
          added = true
          t = zone.date(year: c.year, month: c.month, day: 1, hour: 0, minute: 0, second: 0)
        }
        t = zone.addingDate(t, months: 1)
        c = zone.civil(t)
        if c.month == 1 { continue wrap }
      }
      while !dayMatches(day: c.day, weekday: c.weekday) {
        if !added {
          added = true
          t = zone.date(year: c.year, month: c.month, day: c.day, hour: 0, minute: 0, second: 0)
        }
        t = zone.addingDate(t, days: 1)
        c = zone.civil(t)
        // midnight may not exist after a transition: snap back to the day's start
        if c.hour != 0 {
          t += c.hour > 12 ? Int64(24 - c.hour) * 3600 : -Int64(c.hour) * 3600
          c = zone.civil(t)
        }
        if c.day == 1 { continue wrap }
      }
      while hour & (1 << UInt64(c.hour)) == 0 {
        if !added {
          added = true
          t = zone.date(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: 0, second: 0)
        }
        t += 3600
        c = zone.civil(t)
        if c.hour == 0 { continue wrap }
      }
      while minute & (1 << UInt64(c.minute)) == 0 {
        if !added {
          added = true
          t -= t.modulo(60)
        }
        t += 60
        c = zone.civil(t)
        if c.minute == 0 { continue wrap }
      }
      // second 0 only (the 5-field parser fixes seconds at 0)
      while c.second != 0 {
        if !added {
          added = true
        }
        t += 1
        c = zone.civil(t)
        if c.second == 0 { continue wrap }
      }
      return Double(t)
    }
  }
}

extension Int64 {
  /// Remainder with the sign of the divisor.
  func modulo(_ n: Int64) -> Int64 {
    let r = self % n
    return r < 0 ? r + n : r
  }
}
