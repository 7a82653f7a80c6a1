import Autoscaling
import Foundation

/// What a pool needs on one local day, hour by hour.
package struct DayNeed: Hashable, Sendable {
  package var year: Int
  package var month: Int
  package var day: Int
  /// Instances per local hour 0-23 (23 or 25 entries are not used: a day of the clock change
  /// still has hours 0-23 on the wall, one of them missing or doubled). Nil: no need known.
  package var hours: [Int?]

  package init(year: Int, month: Int, day: Int, hours: [Int?]) {
    self.year = year
    self.month = month
    self.day = day
    self.hours = hours
  }
}

/// A KEDA cron trigger's schedule: `desiredReplicas` from `start` to `end`, on the days it
/// names.
package struct CronWindow: Hashable, Sendable {
  package var start: String
  package var end: String
  package var desiredReplicas: Int
  /// The days it covers, as `yyyy-mm-dd`, for the manifest's comments.
  package var days: [String]
  /// Seconds it opens before the first hour it is for.
  package var lead: Double
}

/// Cron pre-scaling from hour-by-hour needs: per day, one window from the first hour that
/// needs more than the floor to the end of the last, opened `lead` earlier so the pods are
/// Ready on the hour, and days with the same window grouped by month into one trigger.
///
/// Days are named by day of month (`7-11,14-18`) with day of week `*`: robfig/cron matches a
/// day when day of month OR day of week does once both are restricted, so weekdays of a
/// season cannot be said as "7-23 and Monday-Friday". Start and end always name the same days,
/// so "next end before next start" closes every window on its own day and nothing stays open
/// over a weekend (kedacore/keda#4677). Times are wall times in `clock`'s zone computed from
/// instants, so a lead never lands in the spring-forward gap. A year's dates repeat every
/// year: derive again for the next season.
package enum CronWindows {
  /// `days` in date order.
  package static func derive(
    days: [DayNeed], floor: Int, clock: ZonedClock, lead: (_ desired: Int) -> Double
  ) -> [CronWindow] {
    struct Shape: Hashable {
      var startMonth, startHour, startMinute, endMonth, endHour, endMinute, desired: Int
    }
    // Per day its window as instants, then windows that touch or overlap merged: two in one
    // trigger that overlap would read "next start before next end" and shut each other.
    var windows: [(start: Int64, end: Int64, desired: Int, lead: Double, days: [String])] = []
    for d in days {
      let busy = d.hours.indices.filter { (d.hours[$0] ?? 0) > floor }
      guard let first = busy.first, let last = busy.last else { continue }
      let desired = busy.compactMap { d.hours[$0] }.max()!
      let seconds = lead(desired)
      let opening = clock.date(year: d.year, month: d.month, day: d.day, hour: first, minute: 0, second: 0)
      let closing = clock.date(year: d.year, month: d.month, day: d.day, hour: last + 1, minute: 0, second: 0)
      var startAt = opening - Int64(seconds.rounded(.up))
      startAt -= startAt.modulo(60)
      let name = String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
      if let previous = windows.last, startAt <= previous.end {
        windows[windows.count - 1].end = max(previous.end, closing)
        windows[windows.count - 1].desired = max(previous.desired, desired)
        windows[windows.count - 1].lead = max(previous.lead, seconds)
        windows[windows.count - 1].days.append(name)
      } else {
        windows.append((startAt, closing, desired, seconds, [name]))
      }
    }
    var groups: [Shape: (starts: [Int], ends: [Int], days: [String], lead: Double)] = [:]
    var order: [Shape] = []
    for w in windows {
      let s = clock.civil(w.start)
      let e = clock.civil(w.end)
      let shape = Shape(
        startMonth: s.month, startHour: s.hour, startMinute: s.minute, endMonth: e.month, endHour: e.hour,
        endMinute: e.minute, desired: w.desired)
      if groups[shape] == nil {
        groups[shape] = ([], [], [], w.lead)
        order.append(shape)
      }
      groups[shape]!.starts.append(s.day)
      groups[shape]!.ends.append(e.day)
      groups[shape]!.days += w.days
      groups[shape]!.lead = max(groups[shape]!.lead, w.lead)
    }
    return order.map { shape in
      let g = groups[shape]!
      return CronWindow(
        start: "\(shape.startMinute) \(shape.startHour) \(Self.list(g.starts)) \(shape.startMonth) *",
        end: "\(shape.endMinute) \(shape.endHour) \(Self.list(g.ends)) \(shape.endMonth) *",
        desiredReplicas: shape.desired, days: g.days, lead: g.lead)
    }
  }

  /// Days as a cron list with ranges: `7-11,14,16-18`.
  static func list(_ days: [Int]) -> String {
    let sorted = Array(Set(days)).sorted()
    var parts: [String] = []
    var i = 0
    while i < sorted.count {
      var j = i
      while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
      parts.append(j > i ? "\(sorted[i])-\(sorted[j])" : "\(sorted[i])")
      i = j + 1
    }
    return parts.joined(separator: ",")
  }
}

extension Int64 {
  fileprivate func modulo(_ n: Int64) -> Int64 {
    let r = self % n
    return r < 0 ? r + n : r
  }
}
