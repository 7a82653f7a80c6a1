/// A named stretch of the year in which demand is a multiple of normal, reached by ramps.
///
/// Full strength from the first to the last day of `dates` shifted by `leadDays` (a supplier's
/// orders come before the event: a lead of -7 moves the window a week earlier). Demand rises from
/// 1x over `rampUpDays` before the window and falls back over `rampDownDays` after it, linearly
/// or along a half cosine (`smooth`). A multiplier below 1 is a quiet season (summer holidays):
/// demand falls to it the same way. Where seasons overlap the strongest applies.
package struct Season: Sendable, Hashable {
  package enum Ramp: String, Sendable, Hashable, CaseIterable {
    case linear, smooth
  }

  package var name: String
  package var dates: ClosedRange<CivilDate>
  package var multiplier: Double
  package var rampUpDays: Double
  package var rampDownDays: Double
  package var ramp: Ramp
  package var leadDays: Int

  package init(
    name: String, dates: ClosedRange<CivilDate>, multiplier: Double, rampUpDays: Double = 0,
    rampDownDays: Double = 0, ramp: Ramp = .linear, leadDays: Int = 0
  ) {
    self.name = name
    self.dates = dates
    self.multiplier = multiplier
    self.rampUpDays = rampUpDays
    self.rampDownDays = rampDownDays
    self.ramp = ramp
    self.leadDays = leadDays
  }

  /// Full-strength window in local days since the epoch: [start, end), end exclusive.
  package var window: (start: Double, end: Double) {
    (Double(dates.lowerBound.daysSinceEpoch + leadDays), Double(dates.upperBound.daysSinceEpoch + leadDays + 1))
  }

  /// The demand factor (1 outside, `multiplier` inside) at `day`, local days since the epoch
  /// with the fraction of the day.
  package func factor(atDay day: Double) -> Double {
    guard let strength = strength(atDay: day) else { return 1 }
    return 1 + (multiplier - 1) * strength
  }

  /// How far the season is up its ramps at `day`: 1 in its window, between 0 and 1 on a ramp,
  /// nil out of reach. A quiet season (a multiplier below 1) ramps down as a peak ramps up.
  package func strength(atDay day: Double) -> Double? {
    let (start, end) = window
    if day >= start && day < end { return 1 }
    if day < start && day >= start - rampUpDays { return shaped(1 - (start - day) / rampUpDays) }
    if day >= end && day < end + rampDownDays { return shaped(1 - (day - end) / rampDownDays) }
    return nil
  }

  private func shaped(_ x: Double) -> Double {
    switch ramp {
    case .linear: return x
    case .smooth: return (1 - cos(Double.pi * x)) / 2
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
