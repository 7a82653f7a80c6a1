import QueueingTheory
import Testing

@Suite struct ErlangTests {
  @Test func erlangBMatchesReference() throws {
    // Given the validation case erlang_b_c16_a12 (M/M/16/16, a = 12 Erlangs)
    // When / Then
    expectClose(
      try ErlangB.blocking(servers: 16, offeredLoad: 12), 0.060412592,
      relative: referenceTolerance)
  }

  @Test(arguments: [(1, 0.5), (2, 1.5), (5, 3.0), (10, 12.0), (30, 25.0)])
  func erlangBMatchesDirectFormula(servers: Int, load: Double) throws {
    // Given the ratio-of-sums definition, fine for small c
    var term = 1.0
    var sum = 1.0
    for k in 1...servers {
      term *= load / Double(k)
      sum += term
    }
    // Then the recursion agrees to rounding
    expectClose(
      try ErlangB.blocking(servers: servers, offeredLoad: load), term / sum,
      relative: 1e-13)
  }

  @Test(arguments: [1, 2, 4, 16, 100, 1_000])
  func erlangCIsAtLeastErlangB(servers: Int) throws {
    // Waiting instead of being lost can only make "all busy" more likely.
    for fraction in [0.01, 0.3, 0.7, 0.9, 0.999] {
      let load = fraction * Double(servers)
      let b = try ErlangB.blocking(servers: servers, offeredLoad: load)
      let c = try ErlangC.waitProbability(servers: servers, offeredLoad: load)
      #expect(c >= b, "c=\(servers) a=\(load): C=\(c) B=\(b)")
      #expect(c >= 0 && c < 1)  // c = 1000, a = 10: C ~ 1e-1500 underflows to 0
    }
  }

  @Test func erlangCOfOneServerIsTheLoad() throws {
    expectClose(try ErlangC.waitProbability(servers: 1, offeredLoad: 0.37), 0.37, relative: 1e-15)
  }

  @Test func largeServerCountsStayFinite() throws {
    // Given c = 10,000 where a^c / c! overflows any floating-point type
    let b = try ErlangB.blocking(servers: 10_000, offeredLoad: 10_000)
    let c = try ErlangC.waitProbability(servers: 10_000, offeredLoad: 9_900)
    // Then both are proper probabilities; B(c, c) ~ sqrt(2 / (pi c)) for large c
    #expect(b > 0 && b < 1 && c > 0 && c < 1)
    expectClose(b, (2 / (Double.pi * 10_000)).squareRoot(), relative: 0.01)
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try ErlangB.blocking(servers: 0, offeredLoad: 1)
    }
    #expect(throws: QueueingTheoryError.invalidOfferedLoad(-1)) {
      try ErlangB.blocking(servers: 2, offeredLoad: -1)
    }
    #expect(throws: QueueingTheoryError.self) {
      try ErlangB.blocking(servers: 2, offeredLoad: .nan)
    }
    #expect(throws: QueueingTheoryError.unstable(utilization: 1)) {
      try ErlangC.waitProbability(servers: 4, offeredLoad: 4)
    }
    #expect(throws: QueueingTheoryError.invalidOfferedLoad(0)) {
      try ErlangC.waitProbability(servers: 4, offeredLoad: 0)
    }
  }
}
