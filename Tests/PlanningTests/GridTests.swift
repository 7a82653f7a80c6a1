import Planning
import Testing

@Suite struct GridTests {
  func values(_ spec: String) throws -> [String] { try Grid(parsing: [spec]).axes[0].values }

  @Test func listsAreTakenAsWritten() throws {
    #expect(try values("territories.DE.app.instances=1,2,4") == ["1", "2", "4"])
    #expect(try values("demand.DE.rate= 5/s , 10/s") == ["5/s", "10/s"])
    #expect(try values("territories.DE.loadBalancer.policy=random,round-robin") == ["random", "round-robin"])
    // A name with a space, as --set takes it (refused as "a key path without spaces").
    #expect(
      try Grid(parsing: ["territories.Sydney AU.app.instances=1,2"]).settings(at: 1) == [
        "territories.Sydney AU.app.instances=2"
      ])
  }

  @Test func integerRangesIncludeBothEnds() throws {
    #expect(try values("k=2..10") == (2...10).map(String.init))
    #expect(try values("k=-2..1") == ["-2", "-1", "0", "1"])
    #expect(try values("k=3..3") == ["3"])
    #expect(try values("k=2..10/4") == ["2", "6", "10"])
  }

  /// Decimal steps are exact: no 0.30000000000000004, whatever the step.
  @Test func steppedRangesAreExactDecimals() throws {
    #expect(try values("k=0.5..2.0/0.25") == ["0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"])
    #expect(try values("k=0.1..0.3/0.1") == ["0.1", "0.2", "0.3"])
    #expect(try values("k=0..1/0.1") == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"])
    #expect(try values("k=1..2/0.4") == ["1", "1.4", "1.8"])  // the end need not be on a step
    #expect(try values("k=-0.5..0.5/0.25") == ["-0.5", "-0.25", "0", "0.25", "0.5"])
    #expect(try values("k=0.001..0.003/0.001") == ["0.001", "0.002", "0.003"])
  }

  @Test func unitsFollowTheNumbers() throws {
    #expect(try values("slo.p95=100ms..300ms/50ms") == ["100ms", "150ms", "200ms", "250ms", "300ms"])
    #expect(try values("slo.errorRate=1%..2%/0.5%") == ["1%", "1.5%", "2%"])
  }

  @Test func listsAndRangesMix() throws {
    #expect(try values("k=1,2,4..8/2,16") == ["1", "2", "4", "6", "8", "16"])
  }

  @Test func pointsAreEveryCombinationFirstAxisSlowest() throws {
    let grid = try Grid(parsing: ["a=1,2", "b=x,y,z"])
    #expect(grid.count == 6)
    #expect(
      (0..<6).map { grid.values(at: $0) } == [
        ["1", "x"], ["1", "y"], ["1", "z"], ["2", "x"], ["2", "y"], ["2", "z"],
      ])
    #expect(grid.settings(at: 4) == ["a=2", "b=y"])
    #expect(Grid(axes: []).count == 1)
    #expect(Grid(axes: []).settings(at: 0).isEmpty)
  }

  @Test(arguments: [
    ("territories.DE.app.instances", GridError.missingEquals("territories.DE.app.instances")),
    ("=1,2", .badKey("=1,2")),
    ("k=1,,2", .emptyValue("k=1,,2")),
    ("k=", .emptyValue("k=")),
    ("k=1,2,1", .repeatedValue("k=1,2,1", "1")),
    ("k=1,1.0", .repeatedValue("k=1,1.0", "1.0")),
    ("k=0.5..1/0.25,0.750", .repeatedValue("k=0.5..1/0.25,0.750", "0.750")),
    ("k=5ms,5.00ms", .repeatedValue("k=5ms,5.00ms", "5.00ms")),
    ("k=1..2..3", .badRange("k=1..2..3", "1..2..3")),
    ("k=a..3", .badNumber("k=a..3", "a")),
    ("k=1..3/x", .badNumber("k=1..3/x", "x")),
    ("k=0.5..2", .decimalRangeWithoutStep("k=0.5..2", "0.5..2")),
    ("k=1ms..3s/1ms", .unitsDiffer("k=1ms..3s/1ms", "1ms..3s/1ms")),
    ("k=1..3/0", .stepNotPositive("k=1..3/0", "1..3/0")),
    ("k=1..3/-1", .stepNotPositive("k=1..3/-1", "1..3/-1")),
    ("k=5..2", .emptyRange("k=5..2", "5..2")),
    ("k=1..1000000", .tooManyValues("k=1..1000000")),
  ])
  func badSpecificationsNameTheirPart(_ spec: String, _ error: GridError) {
    #expect(throws: error) { try Grid(parsing: [spec]) }
    #expect(error.description.contains(spec) || spec.isEmpty)
  }

  @Test func aKeyIsVariedOnce() {
    #expect(throws: GridError.duplicateKey("a")) { try Grid(parsing: ["a=1", "b=2", "a=3"]) }
  }

  @Test func hugeGridsAreRefused() {
    #expect(throws: GridError.tooManyPoints([1000, 1000])) { try Grid(parsing: ["a=1..1000", "b=1..1000"]) }
  }
}
