import Foundation

/// Where a cron trigger does something its author likely did not mean, found by walking its
/// firings as KEDA's cron scaler sees them (`isActive`).
extension CronTrigger {
  /// A stretch in which KEDA counts the window open though no start opened it: after an end,
  /// the next firing is another end, so "next end before next start" holds in between. A
  /// weekday start (`30 6 * * 1-5`) with a daily end (`10 22 * * *`) is open from Friday's
  /// end to Sunday's, one stretch of 48 hours (kedacore/keda#4677).
  package struct OpenWithoutStart: Hashable, Sendable {
    /// The end after which the window is open again, and the end that closes it.
    package var from: Double
    package var to: Double
  }

  /// The stretches in `[from, to)` open without a start.
  package func openWithoutStart(from: Double, to: Double) -> [OpenWithoutStart] {
    var found: [OpenWithoutStart] = []
    var t = from
    var lastEnd: Double?
    var steps = 0
    // A window that fires every minute has 525,600 firings a year; the walk stays linear.
    while t < to, steps < 2_000_000 {
      steps += 1
      guard let nextEnd = end.next(after: t, in: clock) else { break }
      let nextStart = start.next(after: t, in: clock)
      if let nextStart, nextStart <= nextEnd {
        lastEnd = nil
        t = nextStart
        continue
      }
      if nextEnd >= to { break }
      if let previous = lastEnd {
        // Saturday's end does not close what Friday's left open: one stretch to Sunday's end.
        if found.last?.to == previous {
          found[found.count - 1].to = nextEnd
        } else {
          found.append(OpenWithoutStart(from: previous, to: nextEnd))
        }
      }
      lastEnd = nextEnd
      t = nextEnd
    }
    return found
  }

  /// A firing the spring-forward gap swallows: the schedule matches a wall time that does not
  /// exist that day, and robfig/cron v3 (under KEDA) skips it (robfig/cron#541). With "next
  /// end before next start", a skipped start leaves the window open from the end before it to
  /// that day's end; a skipped end keeps it shut that day (the next start comes first).
  package struct SkippedFiring: Hashable, Sendable {
    /// `start` or `end`.
    package var field: String
    /// The local wall time that does not exist, and the instant the clocks jump.
    package var local: ZonedClock.Civil
    package var transition: Double
  }

  /// The firings of `start` and `end` that fall in a spring-forward gap in `[from, to)`.
  package func skippedFirings(from: Double, to: Double) -> [SkippedFiring] {
    var out: [SkippedFiring] = []
    var t = Date(timeIntervalSince1970: from)
    while let transition = clock.zone.nextDaylightSavingTimeTransition(after: t), transition.timeIntervalSince1970 < to
    {
      t = transition
      let instant = Int64(transition.timeIntervalSince1970)
      let before = clock.offset(at: instant - 1)
      let after = clock.offset(at: instant)
      guard after > before else { continue }
      // The wall clock runs [instant + before, instant + after) nowhere: walk it by the minute.
      let wallStart = instant + before
      var minute: Int64 = 0
      var seen: Set<String> = []
      while minute < (after - before) / 60 {
        let wall = wallStart + minute * 60
        let c = ZonedClock.utcCivil(wall)
        for (field, schedule) in [("start", start), ("end", end)] where !seen.contains(field) {
          if schedule.matches(c) {
            seen.insert(field)
            out.append(SkippedFiring(field: field, local: c, transition: Double(instant)))
          }
        }
        minute += 1
      }
    }
    return out
  }
}

extension CronSchedule {
  /// Whether the schedule fires at wall time `c` (its second ignored).
  package func matches(_ c: ZonedClock.Civil) -> Bool {
    month & (1 << UInt64(c.month)) != 0 && dayMatches(day: c.day, weekday: c.weekday)
      && hour & (1 << UInt64(c.hour)) != 0 && minute & (1 << UInt64(c.minute)) != 0
  }
}

extension ZonedClock {
  /// The civil fields of `wall` read as UTC: a wall time that need not exist in any zone.
  static func utcCivil(_ wall: Int64) -> Civil {
    ZonedClock(TimeZone(identifier: "UTC")!).civil(wall)
  }
}
