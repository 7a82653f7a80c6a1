import Foundation

/// Wall-clock arithmetic in one IANA time zone, with Go's `time` semantics where robfig/cron
/// depends on them: `date(...)` normalizes out-of-range fields and resolves a wall time that
/// does not exist or exists twice as Go's `time.Date` does.
package struct ZonedClock: Hashable, Sendable {
  package let zone: TimeZone

  package init(_ zone: TimeZone) { self.zone = zone }

  package init?(identifier: String) {
    guard let zone = TimeZone(identifier: identifier) else { return nil }
    self.zone = zone
  }

  /// Whether Go's `time.LoadLocation`, which KEDA's cron scaler calls, loads `name`: "UTC", or
  /// a zone file of the IANA database (links such as `Etc/GMT-1` and `GMT` included). Go also
  /// takes "Local" (the operator pod's zone, not this machine's), refused here. Foundation
  /// reads `UTC+1` or `GMT+1` as a fixed offset; Go finds no such file and KEDA refuses the
  /// trigger.
  package static func isIANAName(_ name: String) -> Bool {
    if name == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(name) { return true }
    // As Go's loadTzinfoFromDirOrZip: no ".." and no absolute path, then a TZif file.
    guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
      let file = FileHandle(forReadingAtPath: "/usr/share/zoneinfo/" + name)
    else { return false }
    defer { try? file.close() }
    return (try? file.read(upToCount: 4)) == Data("TZif".utf8)
  }

  package struct Civil: Hashable, Sendable {
    package var year, month, day, hour, minute, second: Int
    /// 0 is Sunday.
    package var weekday: Int
  }

  /// UTC offset in seconds at the instant `t` (seconds since 1970).
  package func offset(at t: Int64) -> Int64 {
    Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
  }

  /// The wall clock at `t`.
  package func civil(_ t: Int64) -> Civil {
    let local = t + offset(at: t)
    let days = local.floorDivided(by: 86_400)
    let seconds = Int(local - days * 86_400)
    let (y, m, d) = Self.civilFromDays(days)
    let weekday = Int((days + 4).modulo(7))  // 1970-01-01 was a Thursday
    return Civil(
      year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60, weekday: weekday
    )
  }

  /// Go's `time.Date(year, month, day, hour, minute, second, 0, loc)`: fields may overflow
  /// (day 32 is the next month's first); a wall time in a gap or overlap takes the offset
  /// in force at (wall time - offset guessed from the wall time read as UTC), as Go does.
  package func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
    let m0 = month - 1
    let y = year + m0.floorDivided(by: 12)
    let m = m0.modulo(12) + 1
    let days = Self.daysFromCivil(y, m, 1) + Int64(day - 1)
    let wall = days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    var guess = offset(at: wall)
    if guess != 0 {
      let corrected = offset(at: wall - guess)
      if corrected != guess { guess = corrected }
    }
    return wall - guess
  }

  /// Go's `t.AddDate(0, months, days)`: the same wall clock that many months/days later.
  package func addingDate(_ t: Int64, months: Int = 0, days: Int = 0) -> Int64 {
    let c = civil(t)
    return date(
      year: c.year, month: c.month + months, day: c.day + days, hour: c.hour, minute: c.minute, second: c.second)
  }

  // Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian).
  static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = y.floorDivided(by: 400)
    let yoe = y - era * 400
    let mp = Int64((month + 9) % 12)
    let doy = (153 * mp + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = z.floorDivided(by: 146_097)
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = Int(doy - (153 * mp + 2) / 5 + 1)
    let m = Int(mp < 10 ? mp + 3 : mp - 9)
    let y = Int(yoe + era * 400) + (m <= 2 ? 1 : 0)
    return (y, m, d)
  }
}

extension Int64 {
  func floorDivided(by n: Int64) -> Int64 {
    let q = self / n
    return (self % n != 0 && (self < 0) != (n < 0)) ? q - 1 : q
  }
}

extension Int {
  func floorDivided(by n: Int) -> Int {
    let q = self / n
    return (self % n != 0 && (self < 0) != (n < 0)) ? q - 1 : q
  }

  func modulo(_ n: Int) -> Int {
    let r = self % n
    return r < 0 ? r + n : r
  }
}
