import Demand

extension PlatformScenario {
  /// "normal", then the seasons of every territory by name: the periods results are kept by.
  package var periodNames: [String] {
    var names = ["normal"]
    for d in demand {
      for s in d.calendar?.seasons ?? [] where !names.contains(s.name) { names.append(s.name) }
    }
    return names
  }

  /// Whole hours of the run, plus one for a partial last hour.
  package var hourCount: Int { Int((horizon / 3_600).rounded(.up)) + 1 }

  /// The period (index into `periodNames`) of each hour of the run in a territory, judged at
  /// the middle of the hour.
  package func periodOfHours(territory t: Int) -> [Int] {
    let names = periodNames
    guard let calendar = demand[t].calendar else { return Array(repeating: 0, count: hourCount) }
    return (0..<hourCount).map { h in Self.period(at: Double(h) * 3_600 + 1_800, calendar: calendar, names: names) }
  }

  /// A moment belongs to the season furthest up its ramp, from the ramp's first step: a quiet
  /// season (a multiplier of 1 or below) as much as a peak. (Half way up, as it was, counted
  /// the ramp's first half as normal: a 5x season's 3x hours sized normal load and its plan.)
  package static func period(at t: Double, calendar: DemandCalendar, names: [String]) -> Int {
    let (date, hour) = calendar.localTime(at: t)
    let day = Double(date.daysSinceEpoch) + hour / 24
    var best = 0
    var strongest = 0.0
    for s in calendar.seasons {
      guard let strength = s.strength(atDay: day), strength > 0 else { continue }
      if strength >= strongest, let i = names.firstIndex(of: s.name) {
        strongest = strength
        best = i
      }
    }
    return best
  }
}

extension PlatformScenario {
  /// Whether period `p` of territory `t` is judged by the peak targets: a season that raises
  /// demand there. Normal load and a quiet season (a multiplier of 1 or below) keep the
  /// normal ones, which the platform's SLOs set for normal load and below.
  package func isPeak(period p: Int, territory t: Int) -> Bool {
    p != 0 && periodNames.indices.contains(p) && isPeak(periodNamed: periodNames[p], territory: t)
  }

  /// As `isPeak(period:territory:)`, by the period's name ("normal" is none).
  package func isPeak(periodNamed name: String, territory t: Int) -> Bool {
    guard demand.indices.contains(t) else { return false }
    return demand[t].calendar?.seasons.contains { $0.name == name && $0.multiplier > 1 } ?? false
  }
}

extension PlatformScenario {
  /// The instances territory `t` starts with, ready: a capacity entry at the run's first
  /// moment sets them, as the topology's count does (as a change, its rise would serve only a
  /// start-up into the run, and a schedule that asks for them from the start means them there).
  package func startingInstances(_ t: Int) -> Int {
    capacity.last { $0.territory == t && $0.at <= 0 }?.instances ?? platform.territories[t].app.instances
  }
}

extension PlatformScenario {
  /// The calendar the run's own times are told in: the file's (`calendar.timezone`, where its
  /// faults' and capacity's times are read), else the first territory's. The first territory's
  /// labelled a run whose territories keep other zones in theirs.
  package var runCalendar: DemandCalendar? { fileCalendar ?? demand.first?.calendar }
}
