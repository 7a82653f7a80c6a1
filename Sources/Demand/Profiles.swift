/// Demand over a local day: weights at hours, linear in between, wrapping at midnight.
///
/// The default is a B2B office day (FreshFoodz field sales and kitchens): little at night,
/// a ramp from 07:00, a morning peak around 10:30, a lunch dip, an early-afternoon peak and a
/// tail to 19:00. Weight 1 is the busiest moment of a normal working day.
package struct DayProfile: Sendable, Hashable {
  /// (hour in [0, 24), weight >= 0), hours strictly increasing.
  package var points: [(hour: Double, weight: Double)]

  package init(points: [(hour: Double, weight: Double)]) { self.points = points }

  package static func == (a: DayProfile, b: DayProfile) -> Bool {
    a.points.map(\.hour) == b.points.map(\.hour) && a.points.map(\.weight) == b.points.map(\.weight)
  }

  package func hash(into h: inout Hasher) {
    for p in points {
      h.combine(p.hour)
      h.combine(p.weight)
    }
  }

  package static let officeHours = DayProfile(points: [
    (0, 0.02), (6, 0.02), (7, 0.3), (9, 0.9), (10.5, 1.0), (12, 0.75), (14, 0.95), (16, 0.7),
    (18, 0.35), (19, 0.1), (21, 0.03),
  ])

  /// The weight at `hour` in [0, 24).
  package func weight(atHour hour: Double) -> Double {
    guard let first = points.first, let last = points.last else { return 1 }
    if hour < first.hour || hour >= last.hour {
      // Between the last point and the first one of the next day.
      let span = first.hour + 24 - last.hour
      let x = hour >= last.hour ? hour - last.hour : hour + 24 - last.hour
      return last.weight + (first.weight - last.weight) * x / span
    }
    var i = points.count - 2
    while points[i].hour > hour { i -= 1 }
    let a = points[i]
    let b = points[i + 1]
    return a.weight + (b.weight - a.weight) * (hour - a.hour) / (b.hour - a.hour)
  }
}

/// Demand per weekday, Monday first; B2B by default (weekends nearly quiet).
package struct WeekProfile: Sendable, Hashable {
  /// Seven weights, Monday ... Sunday.
  package var weights: [Double]

  package init(weights: [Double]) { self.weights = weights }

  package static let workingWeek = WeekProfile(weights: [1, 1, 1, 1, 1, 0.1, 0.05])

  /// The weight of ISO weekday 1 (Monday) ... 7 (Sunday).
  package func weight(weekday: Int) -> Double { weights[weekday - 1] }
}
