/// Demand for the coming hours from the hours before: the predictive rule's input, turned into
/// cron floors like any other need.
package enum DemandForecast {
  /// The mean of each phase of the season (hour of week for `season` 168) over the history,
  /// scaled by how the last season's level compares with the history's: a profile that keeps
  /// the shape and follows growth. `history.count` must be at least one season.
  package static func seasonalProfile(_ history: [Double], season: Int, horizon: Int) -> [Double] {
    precondition(season > 0 && history.count >= season, "a profile needs a season of history")
    let seasons = history.count / season
    let used = Array(history.suffix(seasons * season))
    var phase = Array(repeating: 0.0, count: season)
    for (i, x) in used.enumerated() { phase[i % season] += x / Double(seasons) }
    let mean = phase.reduce(0, +) / Double(season)
    let last = used.suffix(season).reduce(0, +) / Double(season)
    let scale = mean > 0 ? last / mean : 1
    // The history ends at a phase of 0 mod season once trimmed to whole seasons from the end.
    return (0..<horizon).map { phase[$0 % season] * scale }
  }

  /// Holt-Winters with additive trend and an additive or multiplicative season (Holt 1957,
  /// Winters 1960), its smoothing constants chosen on a grid by the one-step-ahead squared
  /// error over the history. A multiplicative season keeps the day's shape when the level
  /// moves (a season's 5x scales nights and noons alike).
  package struct HoltWinters: Sendable {
    package var alpha: Double
    package var beta: Double
    package var gamma: Double
    package var season: Int
    package var multiplicative = false
    var level = 0.0
    var trend = 0.0
    var seasonal: [Double] = []
    /// One-step-ahead squared error summed over the fitted history (after the first season).
    package private(set) var error = 0.0

    /// Fits the constants from {0.05, 0.1, 0.2, 0.4, 0.7} each; needs two seasons of history
    /// (the first to start the seasonal terms, the second to start the trend).
    package static func fit(_ history: [Double], season: Int, multiplicative: Bool = false) -> HoltWinters {
      precondition(season > 0 && history.count >= 2 * season, "Holt-Winters needs two seasons of history")
      let grid = [0.05, 0.1, 0.2, 0.4, 0.7]
      var best: HoltWinters?
      for a in grid {
        for b in grid {
          for g in grid {
            var model = HoltWinters(alpha: a, beta: b, gamma: g, season: season)
            model.multiplicative = multiplicative
            model.run(history)
            if best == nil || model.error < best!.error { best = model }
          }
        }
      }
      return best!
    }

    package init(alpha: Double, beta: Double, gamma: Double, season: Int) {
      self.alpha = alpha
      self.beta = beta
      self.gamma = gamma
      self.season = season
    }

    /// Starts from the first two seasons (level: the first's mean; trend: the mean change per
    /// step between them; season: the first's deviations), then smooths the rest.
    mutating func run(_ x: [Double]) {
      let m = season
      let first = x[0..<m].reduce(0, +) / Double(m)
      let second = x[m..<(2 * m)].reduce(0, +) / Double(m)
      level = first
      trend = (second - first) / Double(m)
      // A ratio needs a level: nothing divides by one within a rounding error of 0.
      func ratio(_ a: Double, _ b: Double) -> Double { abs(b) > 1e-12 ? a / b : 1 }
      seasonal = (0..<m).map { multiplicative ? ratio(x[$0], first) : x[$0] - first }
      error = 0
      // Steps 0..<m started the terms; smoothing runs from m on, as phases keep their index.
      for t in m..<x.count {
        let s = seasonal[t % m]
        let predicted = multiplicative ? (level + trend) * s : level + trend + s
        error += (x[t] - predicted) * (x[t] - predicted)
        let previous = level
        if multiplicative {
          level = s > 1e-12 ? alpha * x[t] / s + (1 - alpha) * (level + trend) : level + trend
          trend = beta * (level - previous) + (1 - beta) * trend
          seasonal[t % m] = gamma * ratio(x[t], level) + (1 - gamma) * s
        } else {
          level = alpha * (x[t] - s) + (1 - alpha) * (level + trend)
          trend = beta * (level - previous) + (1 - beta) * trend
          seasonal[t % m] = gamma * (x[t] - level) + (1 - gamma) * s
        }
      }
      steps = x.count
    }

    var steps = 0

    /// The next `horizon` values after the history, never below 0 (demand).
    package func forecast(_ horizon: Int) -> [Double] {
      (1...max(horizon, 1)).prefix(horizon).map { h in
        let s = seasonal[(steps + h - 1) % season]
        return max(0, multiplicative ? (level + Double(h) * trend) * s : level + Double(h) * trend + s)
      }
    }
  }
}
