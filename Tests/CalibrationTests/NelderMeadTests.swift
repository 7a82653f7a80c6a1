import Testing

import Calibration

/// The bounded simplex search the round-trip fit uses (GSL's `nmsimplex2` in the unit box).
@Suite struct NelderMeadTests {
  /// Rosenbrock's valley, whose floor bends: the minimum (1, 1) from the usual start.
  @Test func findsTheFloorOfRosenbrocksValley() {
    let found = NelderMead.minimize(
      { p in 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]) + (1 - p[0]) * (1 - p[0]) },
      from: [-1.2, 1], low: [-2, -2], high: [2, 2], iterations: 2_000, tolerance: 1e-10)
    #expect(abs(found.point[0] - 1) < 1e-4 && abs(found.point[1] - 1) < 1e-4, "\(found.point)")
    #expect(found.value < 1e-8)
  }

  /// A minimum outside the box gives the nearest corner, and its value there.
  @Test func staysInTheBox() {
    let found = NelderMead.minimize(
      { p in (p[0] - 3) * (p[0] - 3) + (p[1] + 1) * (p[1] + 1) }, from: [1, 1], low: [0, 0], high: [2, 2])
    #expect(abs(found.point[0] - 2) < 1e-6 && abs(found.point[1]) < 1e-6, "\(found.point)")
    #expect(abs(found.value - 2) < 1e-6)
  }

  /// Where the function has no value (a model with no solution there), the search moves away
  /// rather than stopping: the first step lands there.
  @Test func walksAwayFromPointsWithoutAValue() {
    let found = NelderMead.minimize(
      { p in p[0] > 0.8 ? .infinity : (p[0] - 0.6) * (p[0] - 0.6) }, from: [0.75], low: [0], high: [1])
    #expect(abs(found.point[0] - 0.6) < 1e-4, "\(found.point)")
    #expect(found.value.isFinite)
  }

  /// Nowhere a value: the start comes back, without one.
  @Test func saysSoWhenNothingHasAValue() {
    let found = NelderMead.minimize({ _ in .nan }, from: [0.3, 4], low: [0, 0], high: [1, 10])
    #expect(abs(found.point[0] - 0.3) < 1e-12 && abs(found.point[1] - 4) < 1e-12, "\(found.point)")
    #expect(!found.value.isFinite)
  }
}
