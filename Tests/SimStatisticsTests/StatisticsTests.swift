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
  /// Percentiles are within the stated precision of the exact empirical quantile: a bucket,
  /// 2^-10 relative (fine) and 2^-6 (coarse). Values spread evenly, as here, are interpolated
  /// far closer than that: within a thousandth of a bucket.
  @Test(arguments: [(LatencyHistogram.Precision.fine, 0x1p-10), (.coarse, 0x1p-6)])
  func quantilesWithinStatedPrecision(_ precision: LatencyHistogram.Precision, _ relative: Double) throws {
    var h = LatencyHistogram(precision: precision)
    for i in 1...100_000 { h.record(Double(i) * 0.001) }  // 1 ms ... 100 s
    for q in [0.01, 0.5, 0.95, 0.99] {
      let exact = (q * 100_000).rounded(.up) * 0.001  // nearest rank
      let value = h.quantile(q)
      let got = try #require(value)
      #expect(abs(got - exact) <= exact * relative, "q\(q): \(got) vs \(exact)")
      #expect(abs(got - exact) <= exact * relative / 1_000 + 0.001, "q\(q) interpolated: \(got) vs \(exact)")
    }
    #expect(h.count == 100_000)
  }

  /// Two samples whose 95th percentiles fall in one coarse bucket still give different
  /// quantiles, ordered as the exact ones are: a bucket's midpoint would make them equal, and
  /// replications would claim a confidence interval of +-0.
  @Test func quantilesInOneBucketStillDiffer() throws {
    var a = LatencyHistogram(precision: .coarse)
    var b = LatencyHistogram(precision: .coarse)
    for i in 0..<1_000 {
      a.record(0.100 + Double(i) * 1e-6)  // 100.000 ... 100.999 ms
      b.record(0.100 + Double(i) * 1.2e-6)  // 100.000 ... 101.199 ms
    }
    let qa = a.quantile(0.95)
    let qb = b.quantile(0.95)
    let pa = try #require(qa)
    let pb = try #require(qb)
    // Both exact quantiles (100.949 and 101.139 ms) lie in the coarse bucket [100.59, 101.56) ms.
    #expect(pa < pb)
    #expect(abs(pa - 0.100949) < 0.1 * 0x1p-6 && abs(pb - 0.101139) < 0.1 * 0x1p-6, "\(pa) \(pb)")
  }

  @Test func emptyHistogramHasNoQuantile() {
    let h = LatencyHistogram()
    #expect(h.quantile(0.5) == nil)
  }

  @Test func extremesAreKeptExactly() throws {
    var h = LatencyHistogram()
    h.record(0)
    h.record(3e7)  // about a year, beyond the top octave boundary is clamped to the largest
    let low = h.quantile(0.01)
    let high = h.quantile(1)
    #expect(try #require(low) == 0)
    #expect(abs(try #require(high) - 3e7) <= 3e7 * 0x1p-11)
  }

  /// A bucket past 2^32 values carries instead of wrapping (checked through merge, which adds
  /// counts the same way without recording four billion values).
  @Test func countsPastTwoToTheThirtyTwoStayExact() throws {
    var a = LatencyHistogram()
    a.record(1)
    var big = LatencyHistogram()
    big.record(2)
    for _ in 0..<32 { a.merge(a.copyForTesting()) }  // 2^32 values at 1 s
    a.merge(big)
    #expect(a.count == (1 << 32) + 1)
    // Wrapped counts would leave the 1 s bucket empty and put the median at 2 s.
    let median = a.quantile(0.5)
    let top = a.quantile(1)
    #expect(abs(try #require(median) - 1) < 1e-3)
    #expect(abs(try #require(top) - 2) < 2e-3)
  }

  @Test func mergeAddsCounts() throws {
    var a = LatencyHistogram()
    var b = LatencyHistogram()
    for i in 1...50 { a.record(Double(i)) }
    for i in 51...100 { b.record(Double(i)) }
    a.merge(b)
    #expect(a.count == 100)
    let median = a.quantile(0.5)
    #expect(abs(try #require(median) - 50) <= 50 * 0x1p-11)
  }
}
