/// A local wall-clock label of a series window ("2026-12-07T10:00"), read without a time zone.
///
/// The labels already are local time, so dates are computed on the proleptic Gregorian calendar
/// alone; the weekday uses Hinnant's `days_from_civil`
/// (<http://howardhinnant.github.io/date_algorithms.html>, public domain).
struct LocalTime: Hashable, Comparable {
  var year: Int
  var month: Int
  var day: Int
  var hour: Int
  var minute: Int
  /// Seconds past the minute: times of faults and events off the minute ("10:02:30").
  var second = 0

  static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
  static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

  /// Reads "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (an offset, if present, is ignored); nil
  /// otherwise.
  init?(_ label: String) {
    let u = Array(label.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= u.count else { return nil }
      var n = 0
      for b in u[from..<(from + count)] {
        guard b >= 48 && b <= 57 else { return nil }
        n = n * 10 + Int(b - 48)
      }
      return n
    }
    guard u.count >= 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
      let y = number(0, 4), let m = number(5, 2), let d = number(8, 2), (1...12).contains(m), (1...31).contains(d)
    else { return nil }
    var h = 0
    var mi = 0
    if u.count >= 16, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "), let hh = number(11, 2),
      let mm = number(14, 2)
    {
      h = hh
      mi = mm
    }
    self.init(year: y, month: m, day: d, hour: h, minute: mi)
    if u.count >= 19, u[16] == UInt8(ascii: ":"), let ss = number(17, 2) { second = ss }
  }

  init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
  }

  /// Days since 1970-01-01.
  var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// 0 = Monday … 6 = Sunday.
  var weekday: Int {
    let d = dayNumber
    return ((d % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday (3).
  }

  var date: LocalTime { LocalTime(year: year, month: month, day: day) }

  /// "Mon 07 Dec".
  var dayLabel: String {
    "\(Self.weekdayNames[weekday]) \(Self.two(day)) \(Self.monthNames[month - 1])"
  }

  /// "07 Dec".
  var shortDayLabel: String { "\(Self.two(day)) \(Self.monthNames[month - 1])" }

  /// "Dec 2026".
  var monthLabel: String { "\(Self.monthNames[month - 1]) \(year)" }

  /// "10:00", or "10:02:30" off the minute.
  var clockLabel: String {
    "\(Self.two(hour)):\(Self.two(minute))" + (second == 0 ? "" : ":\(Self.two(second))")
  }

  /// "Mon 07 Dec 2026 10:00": a window in a table, where the year may matter.
  var fullLabel: String { "\(dayLabel) \(year) \(clockLabel)" }

  static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  static func < (a: LocalTime, b: LocalTime) -> Bool {
    (a.year, a.month, a.day, a.hour, a.minute, a.second) < (b.year, b.month, b.day, b.hour, b.minute, b.second)
  }

  /// A local label as people read it, or the label itself when it is not a date.
  static func readable(_ label: String) -> String {
    LocalTime(label)?.fullLabel ?? label
  }
}
