/// A date on the proleptic Gregorian calendar, without time or zone: what a season's rule
/// speaks of ("24 June", "the first Sunday of October").
package struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  package var year: Int
  package var month: Int
  package var day: Int

  package init(_ year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days since 1970-01-01 (Hinnant's days_from_civil, exact for every Gregorian date).
  package var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The date `days` days after 1970-01-01 (Hinnant's civil_from_days).
  package init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// ISO weekday: 1 = Monday ... 7 = Sunday.
  package var weekday: Int {
    let d = daysSinceEpoch
    return ((d % 7 + 7) % 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday
  }

  package func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

  /// The first day of the month after this date's.
  package var nextMonth: CivilDate { month == 12 ? CivilDate(year + 1, 1, 1) : CivilDate(year, month + 1, 1) }

  /// Whether the date exists (no 30 February).
  package var isValid: Bool {
    (1...12).contains(month) && day >= 1 && CivilDate(daysSinceEpoch: daysSinceEpoch) == self
  }

  /// `yyyy-mm-dd` with every field in range, or nil: 2026-13-01 and 2026-02-30 are no dates
  /// (a Calendar would roll them over to the next month).
  package init?(iso text: some StringProtocol) {
    let fields = text.split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
      fields.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]), year >= 1
    else { return nil }
    self.init(year, month, day)
    guard isValid else { return nil }
  }

  package static func < (a: CivilDate, b: CivilDate) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }

  package var description: String {
    let m = month < 10 ? "0\(month)" : "\(month)"
    let d = day < 10 ? "0\(day)" : "\(day)"
    let y = String(year)
    return (year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - y.count) : "") + "\(y)-\(m)-\(d)"
  }
}
