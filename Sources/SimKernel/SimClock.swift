/// What the clock can represent faithfully, and the one way to turn a time into a whole count.
public enum SimClock {
  /// The longest span simulated time may cover, in seconds: 100 years.
  ///
  /// The clock is a `Double`, whose spacing grows with its value: up to 2^52 µs (about 142
  /// years) consecutive values are at most a microsecond apart, beyond that service times of a
  /// few microseconds start to round away. Readers refuse longer durations and runs instead of
  /// simulating them wrongly, and every time that reaches the kernel is therefore finite and
  /// within the range of `Int` in any unit down to a nanosecond.
  public static let longestSpan: SimTime = 100 * 365.25 * 86_400
}

extension Int {
  /// `value` rounded by `rule`, or nil when the result is NaN, infinite or does not fit an `Int`
  /// (where `Int(_:)` traps).
  ///
  /// Every conversion of a time, a date offset or a count computed from user input to an
  /// integer goes through here: days of a season's lead, hours of a run, digits to print.
  @inlinable
  public init?(rounding value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
    guard let whole = Int(exactly: value.rounded(rule)) else { return nil }
    self = whole
  }
}
