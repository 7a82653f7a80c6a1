import Suggestions
import Yams

extension ConfigNode {
  /// Text from a plain or quoted scalar. Numbers, booleans and null are rejected (quote them
  /// to use them as text).
  package func string() -> String? {
    _ = declared("a string") {
      switch $0 {
      case .string, .text: return true
      default: return false
      }
    }
    guard let value = checkedScalar(expected: "a string") else { return nil }
    switch value {
    case .string: return scalarText
    case .bool, .integer, .float, .nonFinite:
      error("expected a string, found \(kindDescription) (quote it to use it as text: \"\(scalarText ?? "")\")")
    default: reportMismatch(expected: "a string")
    }
    return nil
  }

  /// A name (of a scenario, a topology, a source): a string with something in it. An empty one
  /// named runs and random streams with nothing.
  package func name() -> String? {
    guard let text = string() else { return nil }
    guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else {
      error("a name cannot be empty")
      return nil
    }
    return text
  }

  /// A whole number, optionally within `range` (by default the schema's). Rejects `1.5`, `1e3`
  /// and quoted numbers.
  package func int(in range: ClosedRange<Int>? = nil) -> Int? {
    var range = range
    if case .wholeNumber(let declared)? = declared(
      "a whole number", { if case .wholeNumber = $0 { true } else { false } })
    {
      precondition(range == nil || range == declared, "\(keyPath): read in \(range!), declared \(declared)")
      range = declared
    }
    guard let text = wholeNumberText() else { return nil }
    guard let number = ScalarValue.intValue(text) else {
      error("the number \(text) is too large")
      return nil
    }
    if let range, !range.contains(number) {
      error("\(Self.describe(range)), found \(text)")
      return nil
    }
    return number
  }

  /// A random seed, 0 to 2^64 - 1 (decimal, `0x` or `0o`). Rejects `1.5`, `-1` and quoted numbers.
  package func seed() -> UInt64? {
    _ = declared("a seed", { if case .seed = $0 { true } else { false } })
    guard let text = wholeNumberText() else { return nil }
    guard let number = ScalarValue.integerValue(text, as: UInt64.self) else {
      error("a seed is a whole number from 0 to \(UInt64.max), found \(text)")
      return nil
    }
    return number
  }

  /// The text of a whole-number literal, or nil with the mismatch reported (a quoted number,
  /// `1.5`, a word).
  private func wholeNumberText() -> String? {
    guard let value = checkedScalar(expected: "a whole number") else { return nil }
    switch value {
    case .integer(let text):
      return text
    case .string(quoted: true) where ScalarValue.plain(scalarText ?? "") != .string(quoted: false):
      error("expected a whole number, found \(kindDescription) (remove the quotes)")
    default:
      reportMismatch(expected: "a whole number")
    }
    return nil
  }

  /// A finite number, optionally within `range` (by default the schema's). Rejects `.inf`,
  /// `.nan` and quoted numbers.
  package func double(in range: ClosedRange<Double>? = nil) -> Double? {
    var range = range
    if case .number(let declared)? = declared("a number", { if case .number = $0 { true } else { false } }) {
      precondition(range == nil || range == declared, "\(keyPath): read in \(range!), declared \(declared)")
      range = declared
    }
    guard let value = checkedScalar(expected: "a number") else { return nil }
    let number: Double
    switch value {
    case .integer(let text):
      guard let parsed = ScalarValue.intValue(text).map(Double.init) ?? Double(text) else {
        reportMismatch(expected: "a number")
        return nil
      }
      number = parsed
    case .float(let parsed):
      guard parsed.isFinite else {
        error("the number \(scalarText ?? "") is too large")
        return nil
      }
      number = parsed
    case .nonFinite:
      error("expected a finite number, found \(kindDescription)")
      return nil
    case .string(quoted: true) where ScalarValue.plain(scalarText ?? "") != .string(quoted: false):
      error("expected a number, found \(kindDescription) (remove the quotes)")
      return nil
    default:
      reportMismatch(expected: "a number")
      return nil
    }
    if let range, !range.contains(number) {
      error("\(Self.describe(range)), found \(scalarText ?? "")")
      return nil
    }
    return number
  }

  /// `true` or `false` (also `True`/`TRUE`/`False`/`FALSE`); YAML 1.1 `yes`/`no`/`on`/`off` are rejected.
  package func bool() -> Bool? {
    _ = declared("true or false") { if case .bool = $0 { true } else { false } }
    guard let value = checkedScalar(expected: "true or false") else { return nil }
    switch value {
    case .bool(let flag): return flag
    case .string(quoted: false)
    where ["yes", "no", "on", "off", "y", "n"].contains(scalarText?.lowercased() ?? ""):
      error("expected true or false, found \(kindDescription) (yes/no/on/off are not booleans here)")
    default: reportMismatch(expected: "true or false")
    }
    return nil
  }

  /// Seconds from a duration with a unit: `200ms`, `1.5s`, `2min`, `1h`, `250us`, `1d`, `1e3ms`.
  /// A bare number (even `0`), a space before the unit or a negative value is an error;
  /// `positive: true` (by default what the schema says) also rejects zero and anything shorter
  /// than a nanosecond (`Quantity.shortestDuration`), which would be zero to the simulation.
  package func duration(positive: Bool? = nil) -> Double? {
    var positive = positive
    if case .duration(let declared)? = declared("a duration", { if case .duration = $0 { true } else { false } }) {
      precondition(positive == nil || positive == declared, "\(keyPath): read with positive \(positive!)")
      positive = declared
    }
    let seconds = quantity(Quantity.duration, expected: Quantity.durationExpectation, positive: positive ?? false)
    if let seconds, positive == true, seconds < Quantity.shortestDuration {
      error(
        "must be at least 1ns, the finest unit a duration has (a shorter time is zero to the simulation), found '\(scalarText ?? "")'")
      return nil
    }
    return seconds
  }

  /// Events per second from a rate: `30/s`, `1800/min`, `5/h`, `0.5/ms`, `120/d`.
  /// A bare number is an error; `positive: true` (by default what the schema says) also
  /// rejects zero.
  package func rate(positive: Bool? = nil) -> Double? {
    var positive = positive
    if case .rate(let declared)? = declared("a rate", { if case .rate = $0 { true } else { false } }) {
      precondition(positive == nil || positive == declared, "\(keyPath): read with positive \(positive!)")
      positive = declared
    }
    return quantity(Quantity.rate, expected: Quantity.rateExpectation, positive: positive ?? false)
  }

  /// One of `allowed` (by default the schema's values, case-sensitive); otherwise lists them
  /// and suggests the closest.
  package func oneOf(_ allowed: [String]? = nil) -> String? {
    var allowed = allowed
    if case .oneOf(let declared)? = declared("one of a list of words", { if case .oneOf = $0 { true } else { false } })
    {
      precondition(
        allowed == nil || allowed == declared, "\(keyPath): read as one of \(allowed!), declared \(declared)")
      allowed = declared
    }
    guard let allowed else { preconditionFailure("\(keyPath): oneOf() needs its values or a schema") }
    let list = allowed.joined(separator: ", ")
    guard let value = checkedScalar(expected: "one of: \(list)") else { return nil }
    guard value != .null, let text = scalarText else {
      reportMismatch(expected: "one of: \(list)")
      return nil
    }
    guard allowed.contains(text) else {
      let hint = Suggestions.hint(for: text, among: allowed)
      error("unknown value '\(Self.abbreviated(text))'\(hint); expected one of: \(list)")
      return nil
    }
    return text
  }

  // MARK: Helpers

  /// The scalar's meaning, or nil after reporting a collection or an unsupported tag.
  func checkedScalar(expected: String) -> ScalarValue? {
    guard let value = scalarValue else {
      reportMismatch(expected: expected)
      return nil
    }
    if case .unsupportedTag(let tag) = value {
      error("unsupported YAML tag '\(tag)' (expected \(expected))")
      return nil
    }
    return value
  }

  private func quantity(
    _ parse: (String) -> Result<Double, Quantity.Failure>, expected: String, positive: Bool
  ) -> Double? {
    guard let value = checkedScalar(expected: expected) else { return nil }
    guard value != .null, let text = scalarText else {
      reportMismatch(expected: expected)
      return nil
    }
    switch parse(text) {
    case .failure(let failure):
      error(failure.message)
      return nil
    case .success(let number):
      if positive && number == 0 {
        error("must be greater than zero, found '\(text)'")
        return nil
      }
      return number
    }
  }

  static func describe<T: Comparable>(_ range: ClosedRange<T>) -> String {
    let low = format(range.lowerBound)
    let high = format(range.upperBound)
    if isUnbounded(range.upperBound) { return "must be at least \(low)" }
    if isUnbounded(range.lowerBound) { return "must be at most \(high)" }
    return "must be between \(low) and \(high)"
  }

  private static func isUnbounded<T>(_ bound: T) -> Bool {
    switch bound {
    case let int as Int: return int == .max || int == .min
    case let double as Double: return double.isInfinite || abs(double) == .greatestFiniteMagnitude
    default: return false
    }
  }

  /// `2` rather than `2.0` for whole doubles.
  static func format<T>(_ value: T) -> String {
    if let double = value as? Double, double == double.rounded(), abs(double) < 1e15 {
      return String(Int(double))
    }
    return "\(value)"
  }
}
