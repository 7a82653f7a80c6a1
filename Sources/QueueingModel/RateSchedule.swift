/// An arrival rate that changes over time: breakpoints with rates, held (step) or interpolated
/// (linear) between them, over `[0, period)`, optionally repeating.
///
/// Arrivals follow a non-homogeneous Poisson process with this rate, generated exactly by
/// inversion: with Lambda(t) the cumulative rate, the next arrival after a previous one at
/// cumulative value y is the t with Lambda(t) = y + E, E ~ Exp(1) (Cinlar 1975, the time-change
/// theorem). Lambda is piecewise linear (step) or piecewise quadratic (linear), so each inversion is
/// closed form and no candidate is thrown away, unlike thinning.
package struct RateSchedule: Sendable, Hashable {
  package enum Interpolation: String, Sendable, Hashable, CaseIterable {
    /// The rate of a breakpoint holds until the next one.
    case step
    /// The rate changes linearly between breakpoints; the last rate holds until the period ends.
    case linear
  }

  /// Breakpoint times in seconds; the first is 0, strictly increasing, all before `period`.
  package let times: [Double]
  /// Rate (per second) at each breakpoint, all >= 0.
  package let rates: [Double]
  package let period: Double
  package let interpolation: Interpolation
  /// Whether the schedule starts over after `period`; otherwise the rate is 0 from then on.
  package let repeats: Bool
  /// Cumulative rate at each breakpoint and, last, at `period`.
  let cumulative: [Double]

  /// - Throws: `RateScheduleError` when breakpoints are not increasing, a rate is negative, etc.
  package init(
    times: [Double], rates: [Double], period: Double, interpolation: Interpolation = .step,
    repeats: Bool = false
  ) throws(RateScheduleError) {
    guard !times.isEmpty, times.count == rates.count else { throw .empty }
    guard times[0] == 0 else { throw .firstBreakpointNotZero(times[0]) }
    for i in 1..<times.count where !(times[i] > times[i - 1]) { throw .notIncreasing(index: i) }
    for (i, r) in rates.enumerated() where !(r.isFinite && r >= 0) { throw .negativeRate(index: i, r) }
    guard period.isFinite, period > times[times.count - 1] else { throw .periodTooShort(period) }
    self.times = times
    self.rates = rates
    self.period = period
    self.interpolation = interpolation
    self.repeats = repeats
    var cumulative = [0.0]
    for i in times.indices {
      let end = i + 1 < times.count ? times[i + 1] : period
      let (r0, r1) = Self.rates(rates, i, interpolation)
      cumulative.append(cumulative[i] + (r0 + r1) / 2 * (end - times[i]))
    }
    self.cumulative = cumulative
  }

  /// A constant rate (convenient for tests).
  package static func constant(_ rate: Double, for period: Double) throws(RateScheduleError) -> Self {
    try RateSchedule(times: [0], rates: [rate], period: period)
  }

  /// Rate at the start and end of segment i.
  private static func rates(_ rates: [Double], _ i: Int, _ interpolation: Interpolation) -> (Double, Double) {
    switch interpolation {
    case .step: return (rates[i], rates[i])
    case .linear: return (rates[i], i + 1 < rates.count ? rates[i + 1] : rates[i])
    }
  }

  /// The rate at time `t` (seconds).
  package func rate(at t: Double) -> Double {
    var local = t
    if repeats { local = t.truncatingRemainder(dividingBy: period) }
    guard local >= 0, local < period else { return 0 }
    var i = times.count - 1
    while times[i] > local { i -= 1 }
    let (r0, r1) = Self.rates(rates, i, interpolation)
    let end = i + 1 < times.count ? times[i + 1] : period
    return r0 + (r1 - r0) * (local - times[i]) / (end - times[i])
  }

  /// Expected number of arrivals in [a, b).
  package func expectedArrivals(from a: Double, to b: Double) -> Double {
    cumulativeRate(at: b) - cumulativeRate(at: a)
  }

  /// Lambda(t): expected arrivals in [0, t).
  package func cumulativeRate(at t: Double) -> Double {
    guard t > 0 else { return 0 }
    var cycles = 0.0
    var local = t
    if repeats {
      cycles = (t / period).rounded(.down)
      local = t - cycles * period
    } else if t >= period {
      return cumulative[times.count]
    }
    var i = times.count - 1
    while times[i] > local { i -= 1 }
    let (r0, r1) = Self.rates(rates, i, interpolation)
    let end = i + 1 < times.count ? times[i + 1] : period
    let x = local - times[i]
    let slope = (r1 - r0) / (end - times[i])
    return cycles * cumulative[times.count] + cumulative[i] + r0 * x + slope * x * x / 2
  }

  /// Walks forward from `cursor` to the time at which the cumulative rate reaches `target`;
  /// nil when it never does (the schedule ended).
  func advance(_ cursor: inout Cursor, to target: Double) -> Double? {
    let total = cumulative[times.count]
    while true {
      let base = Double(cursor.cycle) * total
      let i = cursor.segment
      let segmentEnd = i + 1 < times.count ? times[i + 1] : period
      if target <= base + cumulative[i + 1] {
        let (r0, r1) = Self.rates(rates, i, interpolation)
        let d = target - base - cumulative[i]
        let width = segmentEnd - times[i]
        let slope = (r1 - r0) / width
        // Solve r0 x + slope x^2 / 2 = d; this form avoids cancellation when slope is small.
        let root = (r0 * r0 + 2 * slope * d).squareRoot()
        let x = r0 + root > 0 ? min(2 * d / (r0 + root), width) : 0
        return Double(cursor.cycle) * period + times[i] + x
      }
      cursor.segment += 1
      if cursor.segment == times.count {
        guard repeats, total > 0 else { return nil }
        cursor.segment = 0
        cursor.cycle += 1
      }
    }
  }

  /// Position of the last arrival in the schedule.
  struct Cursor: Sendable {
    var cycle = 0
    var segment = 0
  }
}

/// A rate schedule that cannot describe arrivals.
package enum RateScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
  case empty
  case firstBreakpointNotZero(Double)
  case notIncreasing(index: Int)
  case negativeRate(index: Int, Double)
  case periodTooShort(Double)

  package var description: String {
    switch self {
    case .empty: return "a rate schedule needs at least one breakpoint with a rate"
    case .firstBreakpointNotZero(let t): return "the first breakpoint must be at 0s, found \(t)s"
    case .notIncreasing(let i): return "breakpoint \(i) is not later than the one before it"
    case .negativeRate(let i, let r): return "rate \(i) must be a finite number >= 0, found \(r)"
    case .periodTooShort(let p): return "the schedule's end (\(p)s) must come after its last breakpoint"
    }
  }
}
