import Demand
import Foundation
import QueueingModel
import Testing

@Suite struct CivilDateTests {
  @Test func roundTripsAndWeekdays() {
    for days in stride(from: -800_000, through: 800_000, by: 997) {
      #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
    }
    #expect(CivilDate(1970, 1, 1).daysSinceEpoch == 0)
    #expect(CivilDate(2026, 11, 21).weekday == 6)  // a Saturday
    #expect(CivilDate(2000, 2, 29).isValid)
    #expect(!CivilDate(2100, 2, 29).isValid)
    #expect(CivilDate(2026, 12, 31).adding(days: 1) == CivilDate(2027, 1, 1))
  }
}

@Suite struct SeasonRuleTests {
  /// Hand-checked against the published dates.
  @Test(arguments: [
    (2025, CivilDate(2025, 9, 20), CivilDate(2025, 10, 5)),
    (2026, CivilDate(2026, 9, 19), CivilDate(2026, 10, 4)),
    (2027, CivilDate(2027, 9, 18), CivilDate(2027, 10, 3)),
    (2028, CivilDate(2028, 9, 16), CivilDate(2028, 10, 3)),
  ])
  func oktoberfestDates(year: Int, start: CivilDate, end: CivilDate) {
    let dates = SeasonRules.oktoberfest(year)
    #expect(dates.lowerBound == start)
    #expect(dates.upperBound == end)
    #expect(dates.lowerBound.weekday == 6)  // always opens on a Saturday
  }

  @Test func spargelEndsOnJohannistag() {
    #expect(SeasonRules.spargel(2026).upperBound == CivilDate(2026, 6, 24))
    #expect(SeasonRules.spargel(2026, opening: CivilDate(2026, 4, 2)).lowerBound == CivilDate(2026, 4, 2))
    #expect(SeasonRules.christmasCatering(2026).upperBound == CivilDate(2026, 12, 23))
  }

  @Test func seasonRampsUpHoldsAndRampsDown() {
    let s = Season(
      name: "christmas", dates: CivilDate(2026, 12, 1)...CivilDate(2026, 12, 10), multiplier: 5,
      rampUpDays: 4, rampDownDays: 2, leadDays: -1)
    let start = Double(CivilDate(2026, 11, 30).daysSinceEpoch)  // one day of lead
    #expect(s.factor(atDay: start - 5) == 1)
    #expect(abs(s.factor(atDay: start - 2) - 3) < 1e-12)  // halfway up: 1 + 4 x 0.5
    #expect(s.factor(atDay: start + 0.5) == 5)
    let end = Double(CivilDate(2026, 12, 10).daysSinceEpoch)  // exclusive end after the lead
    #expect(s.factor(atDay: end - 0.01) == 5)
    #expect(abs(s.factor(atDay: end + 1) - 3) < 1e-12)
    #expect(s.factor(atDay: end + 2) == 1)
  }
}

@Suite struct DemandCalendarTests {
  static let berlin = TimeZone(identifier: "Europe/Berlin")!

  /// Office hours stay at the same wall-clock time across the spring-forward night.
  @Test func daylightSavingKeepsOfficeHoursAtLocalTime() {
    let start = DemandCalendar.instant(CivilDate(2026, 3, 28), in: Self.berlin)
    let calendar = DemandCalendar(timeZone: Self.berlin, start: start)
    // 2026-03-30 08:00 CEST is 06:00 UTC; two days earlier midnight CET was 23:00 UTC.
    let eight = DemandCalendar.instant(CivilDate(2026, 3, 30), hour: 8, in: Self.berlin)
    #expect(eight.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 6 * 3_600)
    let t = eight.timeIntervalSince(start)
    #expect(t == (48 - 1 + 8) * 3_600)  // the night of the 29th lost an hour
    let (date, hour) = calendar.localTime(at: t)
    #expect(date == CivilDate(2026, 3, 30) && abs(hour - 8) < 1e-9)
    #expect(calendar.multiplier(at: t) == DayProfile.officeHours.weight(atHour: 8))
  }

  /// A wall-clock time that does not exist (02:30 on the spring-forward night) is read after
  /// the jump, as `instant` says: 03:30 CEST, 01:30 UTC; it once gave 01:30 CET, before it.
  @Test func aTimeInTheSpringForwardGapIsReadAfterTheJump() {
    let gap = DemandCalendar.instant(CivilDate(2026, 3, 29), hour: 2.5, in: Self.berlin)
    let midnight = DemandCalendar.instant(CivilDate(2026, 3, 29), in: Self.berlin)
    #expect(gap.timeIntervalSince(midnight) == 2.5 * 3_600)  // 23:00 UTC to 01:30 UTC
    let calendar = DemandCalendar(timeZone: Self.berlin, start: midnight)
    let (date, hour) = calendar.localTime(at: gap.timeIntervalSince(midnight))
    #expect(date == CivilDate(2026, 3, 29) && abs(hour - 3.5) < 1e-9)
    // Sydney springs forward at 02:00 too, on 4 October 2026, from +10 to +11.
    let sydney = TimeZone(identifier: "Australia/Sydney")!
    let before = DemandCalendar.instant(CivilDate(2026, 10, 4), hour: 1.5, in: sydney)
    #expect(DemandCalendar.instant(CivilDate(2026, 10, 4), hour: 2.5, in: sydney).timeIntervalSince(before) == 3_600)
  }

  /// Times off the minute carry their seconds, and none rounds into "24:00" of its day: a
  /// failover ending at 10:02:30 read 10:03, and 23:59:40 read "24:00".
  @Test func localLabelsKeepTheirSeconds() {
    let midnight = DemandCalendar.instant(CivilDate(2026, 12, 9), in: Self.berlin)
    let calendar = DemandCalendar(timeZone: Self.berlin, start: midnight)
    #expect(calendar.isoLabel(at: 10 * 3_600 + 150) == "2026-12-09T10:02:30")
    #expect(calendar.isoLabel(at: 10 * 3_600) == "2026-12-09T10:00")
    #expect(calendar.isoLabel(at: 86_400 - 20) == "2026-12-09T23:59:40")
    #expect(calendar.isoLabel(at: 86_400 - 0.0001) == "2026-12-10T00:00")
    #expect(calendar.label(at: 10 * 3_600 + 150) == "Wed 2026-12-09 10:02:30")
  }

  /// The autumn change gives a 25-hour local day: 25 hours of simulated time from one local
  /// midnight to the next.
  @Test func autumnDayHasTwentyFiveHours() {
    let sunday = DemandCalendar.instant(CivilDate(2026, 10, 25), in: Self.berlin)
    let monday = DemandCalendar.instant(CivilDate(2026, 10, 26), in: Self.berlin)
    #expect(monday.timeIntervalSince(sunday) == 25 * 3_600)
  }

  @Test func weekendsAreQuietAndSeasonsMultiply() {
    let start = DemandCalendar.instant(CivilDate(2026, 11, 30), in: Self.berlin)  // a Monday
    let christmas = Season(name: "christmas", dates: SeasonRules.christmasCatering(2026), multiplier: 5)
    let calendar = DemandCalendar(timeZone: Self.berlin, start: start, seasons: [christmas])
    let mondayPeak = calendar.multiplier(at: 10.5 * 3_600)
    #expect(abs(mondayPeak - 5) < 1e-12)  // weight 1 at 10:30, 5x in the season
    let saturdayPeak = calendar.multiplier(at: (5 * 24 + 10.5) * 3_600)
    #expect(abs(saturdayPeak - 0.5) < 1e-12)
    let january = DemandCalendar(
      timeZone: Self.berlin, start: DemandCalendar.instant(CivilDate(2027, 1, 4), in: Self.berlin), seasons: [christmas]
    )
    #expect(abs(january.multiplier(at: 10.5 * 3_600) - 1) < 1e-12)
  }

  /// A season below 1 lowers demand (it was once read as no season at all: the strongest of it
  /// and 1), over its ramp too; where it meets a peak's ramp the stronger applies.
  @Test func aQuietSeasonLowersDemand() {
    let start = DemandCalendar.instant(CivilDate(2026, 7, 27), in: Self.berlin)  // a Monday
    let summer = Season(
      name: "summer", dates: CivilDate(2026, 8, 3)...CivilDate(2026, 8, 14), multiplier: 0.5, rampUpDays: 4)
    let fair = Season(
      name: "fair", dates: CivilDate(2026, 8, 17)...CivilDate(2026, 8, 21), multiplier: 3, rampUpDays: 4)
    let calendar = DemandCalendar(timeZone: Self.berlin, start: start, seasons: [summer, fair])
    // At 10:30 on working days (weight 1), `d` days after Monday 27 July.
    func at(_ d: Double) -> Double { calendar.multiplier(at: (d * 24 + 10.5) * 3_600) }
    #expect(abs(at(0) - 1) < 1e-12)  // out of reach
    #expect(abs(at(3) - 0.9453125) < 1e-12)  // Thursday: 0.109375 up the ramp, 1 - 0.5 x 0.109375
    #expect(abs(at(7) - 0.5) < 1e-12)
    // Thursday 13 August: the fair's ramp (1 + 2 x 0.109375) meets the quiet season at full strength.
    #expect(abs(at(17) - 1.21875) < 1e-12)
    #expect(abs(at(25) - 3) < 1e-12)
  }

  /// The schedule the simulator samples carries the calendar's expected arrivals: a week of
  /// base 100/s against a fine numerical integral of the multiplier.
  @Test func rateScheduleKeepsExpectedArrivals() throws {
    let start = DemandCalendar.instant(CivilDate(2026, 3, 26), in: Self.berlin)  // spans the DST night
    let calendar = DemandCalendar(timeZone: Self.berlin, start: start)
    let week = 7 * 86_400.0
    let schedule = try calendar.rateSchedule(baseRate: 100, duration: week)
    var integral = 0.0
    let step = 10.0
    for i in 0..<Int(week / step) { integral += 100 * calendar.multiplier(at: (Double(i) + 0.5) * step) * step }
    let expected = schedule.expectedArrivals(from: 0, to: week)
    #expect(abs(expected - integral) / integral < 1e-3, "schedule \(expected) vs integral \(integral)")
  }
}
