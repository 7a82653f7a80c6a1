import Foundation
import QueueingModel

/// Demand over simulated time in one territory's local time: day profile x week profile x the
/// strongest season. Simulated time runs in real seconds from `start`, so a local day with a
/// daylight-saving change has 23 or 25 hours and office hours stay at the same wall-clock time.
package struct DemandCalendar: Sendable {
  package var timeZone: TimeZone
  /// The instant at which simulated time is 0.
  package var start: Date
  package var day: DayProfile
  package var week: WeekProfile
  package var seasons: [Season] { didSet { seasonIndex = SeasonIndex(seasons) } }
  /// The seasons ordered for lookup: a century's calendar has hundreds of them.
  private var seasonIndex: SeasonIndex

  package init(
    timeZone: TimeZone, start: Date, day: DayProfile = .officeHours, week: WeekProfile = .workingWeek,
    seasons: [Season] = []
  ) {
    self.timeZone = timeZone
    self.start = start
    self.day = day
    self.week = week
    self.seasons = seasons
    self.seasonIndex = SeasonIndex(seasons)
  }

  /// The instant of a local civil date and time in `timeZone` (the earlier one when the
  /// wall-clock time repeats, the later reading when it does not exist).
  package static func instant(_ date: CivilDate, hour: Double = 0, in timeZone: TimeZone) -> Date {
    let local = Double(date.daysSinceEpoch) * 86_400 + hour * 3_600
    // Try the offset in force a day before and after: one of them is right unless the time
    // falls in a gap, in which case the later offset gives the time after the jump.
    let guess = Date(timeIntervalSince1970: local)
    let offsets = [guess.addingTimeInterval(-86_400), guess.addingTimeInterval(86_400)].map {
      Double(timeZone.secondsFromGMT(for: $0))
    }
    for offset in offsets {
      let candidate = Date(timeIntervalSince1970: local - offset)
      if Double(timeZone.secondsFromGMT(for: candidate)) == offset { return candidate }
    }
    // In a gap: read with the offset before the jump (the smaller one), the wall clock lands
    // after it (02:30 on a spring-forward night in Berlin is 03:30). The offset at the guess
    // itself, the one after the jump, gave the hour before it (01:30).
    return Date(timeIntervalSince1970: local - offsets.min()!)
  }

  /// Whether a local civil date and time in `timeZone` is one the clocks skip (a
  /// spring-forward gap) or show twice (the hour after a fall-back), for a warning: `instant`
  /// takes the later reading and the earlier one.
  package static func ambiguity(_ date: CivilDate, hour: Double, in timeZone: TimeZone) -> Ambiguity? {
    let local = Double(date.daysSinceEpoch) * 86_400 + hour * 3_600
    let guess = Date(timeIntervalSince1970: local)
    var readings: Set<Double> = []
    for around in [-86_400.0, 86_400] {
      let offset = Double(timeZone.secondsFromGMT(for: guess.addingTimeInterval(around)))
      let candidate = local - offset
      if Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate))) == offset {
        readings.insert(candidate)
      }
    }
    switch readings.count {
    case 0: return .skipped
    case 1: return nil
    default: return .repeated
    }
  }

  package enum Ambiguity: Sendable {
    /// The clocks jump over it: read as the time as far after the jump.
    case skipped
    /// The clocks show it twice: read as the first.
    case repeated
  }

  /// Local date and hour of the day at simulated second `t`.
  package func localTime(at t: Double) -> (date: CivilDate, hour: Double) {
    let instant = start.addingTimeInterval(t)
    let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
    let days = (local / 86_400).rounded(.down)
    return (CivilDate(daysSinceEpoch: Int(days)), (local - days * 86_400) / 3_600)
  }

  /// "Mon 2026-12-07 10:00": the local weekday, date and time at simulated second `t`
  /// ("10:02:30" off the minute).
  package func label(at t: Double) -> String {
    let (date, time) = clockTime(at: t)
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return "\(days[date.weekday - 1]) \(date.description) \(time)"
  }

  /// "2026-12-07T10:00": the local date and time at simulated second `t`, for machines
  /// ("T10:02:30" off the minute).
  package func isoLabel(at t: Double) -> String {
    let (date, time) = clockTime(at: t)
    return "\(date.description)T\(time)"
  }

  /// The local date and "HH:MM", or "HH:MM:SS" off the minute, to the second: rounded to the
  /// millisecond, then down, so that a float's 09:59:59.9999 reads 10:00 and 23:59:40 stays
  /// on its day (rounded to the minute, a fault ending then read "24:00", a failover ending at
  /// 10:02:30 "10:03").
  func clockTime(at t: Double) -> (date: CivilDate, time: String) {
    var (date, hour) = localTime(at: t)
    var seconds = Int((hour * 3_600_000).rounded()) / 1_000
    if seconds >= 86_400 {
      date = CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)
      seconds -= 86_400
    }
    let time =
      seconds % 60 == 0
      ? String(format: "%02d:%02d", seconds / 3_600, seconds / 60 % 60)
      : String(format: "%02d:%02d:%02d", seconds / 3_600, seconds / 60 % 60, seconds % 60)
    return (date, time)
  }

  /// `isoLabel`, with the UTC offset in the hour the clocks go back, which comes twice
  /// ("2026-10-25T02:00+02:00", then "2026-10-25T02:00+01:00").
  package func uniqueLabel(at t: Double) -> String {
    let label = isoLabel(at: t)
    guard isoLabel(at: t - 3_600) == label || isoLabel(at: t + 3_600) == label else { return label }
    let offset = timeZone.secondsFromGMT(for: start.addingTimeInterval(t)) / 60
    return label + String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
  }

  /// The demand multiplier at simulated second `t` (1 = the busiest moment of a normal working
  /// Monday).
  package func multiplier(at t: Double) -> Double {
    let (date, hour) = localTime(at: t)
    let dayIndex = Double(date.daysSinceEpoch) + hour / 24
    let season = seasonIndex.strongestFactor(atDay: dayIndex)
    return day.weight(atHour: hour) * week.weight(weekday: date.weekday) * season
  }

  /// The multiplier over [from, to): the mean of the 5-minute steps demand is read in, each at
  /// its middle (no later than `until`), weighted by their overlap. At the window's start
  /// alone, a morning hour would read as its night.
  package func meanMultiplier(from: Double, to: Double, until: Double = .infinity) -> Double {
    guard to > from else { return 1 }
    let step = 300.0
    var sum = 0.0
    var k = (from / step).rounded(.down)
    while k * step < to {
      let overlap = min(to, (k + 1) * step) - max(from, k * step)
      sum += overlap * multiplier(at: min(k * step + step / 2, until))
      k += 1
    }
    return sum / (to - from)
  }

  /// Arrival rates `baseRate x multiplier` for `duration` seconds, as a schedule the simulator
  /// samples exactly: piecewise linear through the multiplier at every `resolution` seconds.
  /// With the default 5 minutes the profile's day integral is kept to better than 0.1%.
  package func rateSchedule(baseRate: Double, duration: Double, resolution: Double = 300) throws -> RateSchedule {
    let steps = max(1, Int((duration / resolution).rounded(.up)))
    var times: [Double] = []
    var rates: [Double] = []
    times.reserveCapacity(steps + 1)
    rates.reserveCapacity(steps + 1)
    for i in 0..<steps {
      let t = Double(i) * resolution
      times.append(t)
      rates.append(baseRate * multiplier(at: t))
    }
    return try RateSchedule(times: times, rates: rates, period: duration, interpolation: .linear)
  }
}

/// Seasons sorted by the first day they raise demand, with the latest day reached so far, so
/// that a lookup visits only the seasons that can matter: O(log n) plus the seasons in reach.
private struct SeasonIndex: Sendable {
  private let seasons: [Season]
  /// Days (local, since the epoch) over which each season raises demand: [from, to).
  private let from: [Double]
  private let to: [Double]
  /// `maxTo[i]` is the largest `to` among the first i + 1 seasons.
  private let maxTo: [Double]

  init(_ unordered: [Season]) {
    let reach = unordered.map { s -> (Season, Double, Double) in
      let w = s.window
      return (s, w.start - s.rampUpDays, w.end + s.rampDownDays)
    }.sorted { $0.1 < $1.1 }
    seasons = reach.map(\.0)
    from = reach.map(\.1)
    to = reach.map(\.2)
    var running = -Double.infinity
    maxTo = to.map {
      running = max(running, $0); return running
    }
  }

  /// The strongest factor among the seasons in reach at `day` (1 when none is): a quiet season
  /// lowers demand unless a stronger one overlaps it.
  func strongestFactor(atDay day: Double) -> Double {
    var low = 0
    var high = from.count  // the first season starting after `day`
    while low < high {
      let mid = (low + high) / 2
      if from[mid] <= day { low = mid + 1 } else { high = mid }
    }
    var factor: Double?
    var i = high - 1
    while i >= 0 && maxTo[i] > day {
      if to[i] > day, let strength = seasons[i].strength(atDay: day) {
        let f = 1 + (seasons[i].multiplier - 1) * strength
        factor = max(factor ?? f, f)
      }
      i -= 1
    }
    return factor ?? 1
  }
}
