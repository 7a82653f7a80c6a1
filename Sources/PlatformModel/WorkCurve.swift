/// How a group's simulation work spreads over its horizon, for progress: the requests its
/// demand asks for, summed in 5-minute steps. Simulated time alone is a poor measure of a
/// season's progress: a night or a quiet January passes in a moment, a Christmas peak takes
/// five times a normal day, so a time left reckoned from the share of time done swings with
/// the calendar.
struct WorkCurve: Sendable {
  /// Requests asked for before the end of each step (the first entry 0).
  private let cumulative: [Double]
  private let step: Double
  private let horizon: Double

  /// Requests the group asks for over the whole horizon (a job's weight among the others).
  var total: Double { cumulative.last ?? 0 }

  init(scenario: PlatformScenario, territories: [Int], step: Double = 300) {
    self.step = step
    horizon = scenario.horizon
    let steps = max(1, Int((scenario.horizon / step).rounded(.up)))
    var sums = [0.0]
    sums.reserveCapacity(steps + 1)
    var sum = 0.0
    for k in 0..<steps {
      let from = Double(k) * step
      let width = min(step, scenario.horizon - from)
      let middle = min(from + width / 2, scenario.horizon)
      for t in territories {
        let demand = scenario.demand[t]
        let rate: Double
        switch demand.base {
        case .users(let count, let think): rate = Double(count) / max(think.mean, 1e-9)
        case .rate(let r): rate = r
        }
        sum += rate * demand.growth * (demand.calendar?.multiplier(at: middle) ?? 1) * width
      }
      sums.append(sum)
    }
    cumulative = sums
  }

  /// The share of the work done when the simulation clock reads `time` (0...1; by time where
  /// the demand asks for nothing at all).
  func share(at time: Double) -> Double {
    let steps = cumulative.count - 1
    guard time > 0 else { return 0 }
    let position = time / step
    guard time < horizon, position < Double(steps) else { return 1 }
    guard total > 0 else { return time / horizon }
    let k = Int(position)
    let from = Double(k) * step
    let within = min(1, (time - from) / min(step, horizon - from))
    return (cumulative[k] + within * (cumulative[k + 1] - cumulative[k])) / total
  }
}
