import SimStatistics
import Testing

@Suite struct EstimateTests {
  /// Hand-checked: values 1...5, mean 3, s = sqrt(2.5), t(0.975, 4) = 2.7764451.
  @Test func studentTIntervalByHand() throws {
    let e = Estimate([1, 2, 3, 4, 5])
    #expect(e.mean == 3)
    let h = try #require(e.halfWidth)
    #expect(abs(h - 2.7764451 * 2.5.squareRoot() / 5.0.squareRoot()) < 1e-6)
  }

  @Test func oneReplicationClaimsNoPrecision() {
    #expect(Estimate([4]).halfWidth == nil)
    #expect(Estimate([.nan, 2]).count == 1)
  }
}

@Suite struct LatencyHistogramTests {
  /// Percentiles are within the stated precision: 0.1% relative above 1 ms.
  @Test func quantilesWithinStatedPrecision() throws {
    var h = LatencyHistogram()
    for i in 1...100_000 { h.record(Double(i) * 0.001) }  // 1 ms ... 100 s
    for q in [0.5, 0.95, 0.99] {
      let exact = q * 100
      let got = try #require(h.quantile(q))
      #expect(abs(got - exact) <= exact * 0.001 + 0.001, "q\(q): \(got) vs \(exact)")
    }
    #expect(h.count == 100_000)
  }

  @Test func emptyHistogramHasNoQuantile() {
    #expect(LatencyHistogram().quantile(0.5) == nil)
  }

  @Test func valuesBeyondTheInitialRangeAreKept() throws {
    var h = LatencyHistogram()
    h.record(3e7)  // about a year
    #expect(h.count == 1)
    let q = try #require(h.quantile(1))
    #expect(abs(q - 3e7) <= 3e7 * 0.001)
  }
}
