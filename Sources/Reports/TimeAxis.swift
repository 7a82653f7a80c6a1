/// The time axis of a chart: simulated seconds on the line, local dates on the labels.
///
/// Ticks sit where a local day, week or month begins, found from the windows' local labels
/// rather than by arithmetic on seconds, so days of 23 or 25 hours (DST) come out right. The
/// tick unit follows the span: half hours up to 3 hours, hours up to 12, 6 hours up to 2 days,
/// days up to 16, weeks (Mondays) up to 120, months beyond. An axis whose labels are all clock
/// times names the day in its title.
struct TimeAxis {
  struct Tick {
    var x: Double
    var label: String
  }

  var lower: Double
  var upper: Double
  var ticks: [Tick]
  /// Unlabelled ticks between the labelled ones (days on a weekly axis).
  var minorTicks: [Double]
  var title: String

  /// - Parameters:
  ///   - windows: (start seconds, end seconds, local label), any order, duplicates allowed.
  ///   - timeZone: shown in the axis title ("" without a calendar).
  init(windows: [(start: Double, end: Double, local: String)], timeZone: String) {
    var byStart: [Double: (end: Double, local: String)] = [:]
    for w in windows where byStart[w.start] == nil { byStart[w.start] = (w.end, w.local) }
    let starts = byStart.keys.sorted()
    lower = starts.first ?? 0
    upper = max(starts.map { byStart[$0]!.end }.max() ?? 1, lower + 1)
    ticks = []
    minorTicks = []
    let locals = starts.map { LocalTime(byStart[$0]!.local) }
    guard !starts.isEmpty, locals.allSatisfy({ $0 != nil }) else {
      title = "time since start"
      ticks = Self.elapsedTicks(lower, upper)
      return
    }
    title = timeZone.isEmpty ? "local time" : "local time (\(timeZone))"
    let span = upper - lower
    let times = locals.map { $0! }

    // A key that changes exactly where a tick belongs, and whether the first window starts on one.
    let key: (LocalTime) -> Int
    let label: (LocalTime) -> String
    let onBoundary: (LocalTime) -> Bool
    var minorKey: ((LocalTime) -> Int)? = nil
    if span <= 3 * 3_600 {
      key = { ($0.dayNumber * 24 + $0.hour) * 2 + $0.minute / 30 }
      label = { $0.hour == 0 && $0.minute < 30 ? $0.dayLabel : $0.clockLabel }
      onBoundary = { $0.minute % 30 == 0 }
    } else if span <= 12 * 3_600 {
      key = { $0.dayNumber * 24 + $0.hour }
      label = { $0.hour == 0 ? $0.dayLabel : $0.clockLabel }
      onBoundary = { $0.minute == 0 }
    } else if span <= 2 * 86_400 {
      key = { $0.dayNumber * 4 + $0.hour / 6 }
      label = { $0.hour < 6 ? $0.dayLabel : $0.clockLabel }
      onBoundary = { $0.hour % 6 == 0 && $0.minute == 0 }
    } else if span <= 16 * 86_400 {
      key = { $0.dayNumber }
      label = { $0.dayLabel }
      onBoundary = { $0.hour == 0 && $0.minute == 0 }
    } else if span <= 120 * 86_400 {
      key = { ($0.dayNumber - $0.weekday) }
      label = { $0.shortDayLabel }
      onBoundary = { $0.weekday == 0 && $0.hour == 0 && $0.minute == 0 }
      minorKey = { $0.dayNumber }
    } else {
      key = { $0.year * 12 + $0.month }
      label = { $0.monthLabel }
      onBoundary = { $0.day == 1 && $0.hour == 0 && $0.minute == 0 }
    }
    var dated = false
    for (i, t) in times.enumerated() {
      let isFirst = i == 0
      if isFirst ? onBoundary(t) : key(t) != key(times[i - 1]) {
        ticks.append(Tick(x: starts[i], label: label(t)))
        if ticks.last!.label == t.dayLabel { dated = true }
      } else if let minorKey, !isFirst, minorKey(t) != minorKey(times[i - 1]) {
        minorTicks.append(starts[i])
      }
    }
    // Clock labels alone (a run within a day) say nothing of the day: the title does.
    if !dated && span <= 2 * 86_400 { title += ", \(times[0].dayLabel) \(times[0].year)" }
  }

  /// Keeps every n-th labelled tick so that labels do not overlap in `width` pixels.
  func thinned(width: Double, labelWidth: Double = 78) -> TimeAxis {
    let room = max(1, Int(width / labelWidth))
    guard ticks.count > room else { return self }
    let stride = (ticks.count + room - 1) / room
    var copy = self
    copy.minorTicks += ticks.enumerated().filter { $0.offset % stride != 0 }.map(\.element.x)
    copy.ticks = ticks.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    return copy
  }

  /// Without local labels: hours or days since the start, at a round step.
  private static func elapsedTicks(_ lower: Double, _ upper: Double) -> [Tick] {
    let span = upper - lower
    let hour = 3_600.0
    let day = 86_400.0
    let steps: [(Double, String)] = [
      (hour, "h"), (3 * hour, "h"), (6 * hour, "h"), (12 * hour, "h"), (day, "day"), (2 * day, "day"),
      (7 * day, "day"), (14 * day, "day"), (28 * day, "day"), (56 * day, "day"), (91 * day, "day"),
    ]
    let step = steps.first { span / $0.0 <= 14 } ?? (182 * day, "day")
    var ticks: [Tick] = []
    var x = 0.0
    while x <= span + 1e-9 {
      let label = step.1 == "h" ? "\(Format.short(x / hour)) h" : "day \(Int(x / day))"
      ticks.append(Tick(x: lower + x, label: label))
      x += step.0
    }
    return ticks
  }
}
