import Foundation
import SimStatistics
import Testing

@Suite struct MeanDifferenceTests {
  /// Values 1, 2, 3 against 1.5: t = 0.5 / (1 / sqrt 3) on 2 degrees; P(T > t) = 0.5 -
  /// t / (2 sqrt(t^2 + 2)) = 0.238884 (closed form for 2 degrees; scipy's ttest_1samp agrees).
  @Test func oneSampleByHand() throws {
    let d = try #require(MeanDifference(Estimate([1, 2, 3]), minus: 1.5))
    #expect(abs(d.value - 0.5) < 1e-12)
    #expect(d.degrees == 2)
    #expect(abs(d.pAbove - 0.238_883_516) < 1e-8)
    #expect(abs(d.pAbove + d.pBelow - 1) < 1e-12)
  }

  /// Welch's test of 1...5 against 2, 4, 6: t = -0.738549 on 3.532847 degrees, one-sided
  /// p = 0.253107 (scipy.stats.ttest_ind, equal_var=False).
  @Test func welchByHand() throws {
    let d = try #require(MeanDifference(Estimate([1, 2, 3, 4, 5]), minus: 1, times: Estimate([2, 4, 6])))
    #expect(abs(d.value / d.standardError + 0.738_548_946) < 1e-8)
    #expect(abs(d.degrees - 3.532_846_715) < 1e-8)
    #expect(abs(d.pBelow - 0.253_107_086) < 1e-8)
    #expect(abs(d.pAbove - 0.746_892_914) < 1e-8)
  }

  /// A multiple and a shift enter value, standard error and degrees as written.
  @Test func scaledAndShifted() throws {
    let a = Estimate([10, 11, 12, 13])
    let b = Estimate([9, 10, 11])
    let d = try #require(MeanDifference(a, minus: 1.1, times: b, minus: 0.2))
    #expect(abs(d.value - (11.5 - 1.1 * 10 - 0.2)) < 1e-12)
    let va = a.standardDeviation! * a.standardDeviation! / 4
    let vb = 1.21 * b.standardDeviation! * b.standardDeviation! / 3
    #expect(abs(d.standardError - (va + vb).squareRoot()) < 1e-12)
    #expect(abs(d.degrees - (va + vb) * (va + vb) / (va * va / 3 + vb * vb / 2)) < 1e-9)
  }

  /// Without spread the difference is taken as exact, and exactly 0 as at most 0 (a target
  /// reached is met: availability 100% against 100% passes instead of staying undecided at
  /// every look); with one replication there is no test.
  @Test func noSpreadAndTooFewReplications() throws {
    let flat = try #require(MeanDifference(Estimate([2, 2, 2]), minus: 1))
    #expect(flat.pAbove == 0 && flat.pBelow == 1)
    let on = try #require(MeanDifference(Estimate([1, 1]), minus: 1))
    #expect(on.pAbove == 1 && on.pBelow == 0)
    #expect(MeanDifference(Estimate([2]), minus: 1) == nil)
    #expect(MeanDifference(Estimate([2, 3]), minus: 1, times: Estimate([1])) == nil)
  }

  /// At a true difference of 0 the one-sided test rejects at its level: 2,000 seeded normal
  /// samples of 5 against 8, 5% level, within 4 standard errors of 5%.
  @Test func welchHoldsItsLevel() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(state >> 11) + 0.5) / 9_007_199_254_740_992
    }
    func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
    let trials = 2_000
    var rejected = 0
    for _ in 0..<trials {
      let a = Estimate((0..<5).map { _ in normal() })
      let b = Estimate((0..<8).map { _ in 3 * normal() })
      if MeanDifference(a, minus: 1, times: b)!.pAbove <= 0.05 { rejected += 1 }
    }
    let rate = Double(rejected) / Double(trials)
    #expect(abs(rate - 0.05) < 4 * (0.05 * 0.95 / Double(trials)).squareRoot(), "\(rate)")
  }

  @Test func anEstimateFromItsSummary() throws {
    let e = Estimate([1, 2, 3, 4, 5])
    let s = Estimate(mean: e.mean, standardDeviation: e.standardDeviation, count: e.count)
    #expect(s.mean == e.mean && s.count == 5)
    #expect(abs(s.halfWidth! - e.halfWidth!) < 1e-12)
    #expect(Estimate(mean: 1, standardDeviation: nil, count: 1).halfWidth == nil)
  }
}
