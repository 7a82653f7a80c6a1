import Planning
import PlatformModel
import Testing

@Suite struct ConfigurationChoiceTests {
  /// Cores without a price of their own cost the base's price per core; a price the point sets
  /// is taken as it is.
  @Test func coresArePricedPerCoreUnlessThePointSetsThePrice() {
    #expect(ConfigurationChoice.price(0.25, cores: 2, set: false, basePrice: 0.25, baseCores: 1) == 0.5)
    #expect(ConfigurationChoice.price(0.3, cores: 2, set: true, basePrice: 0.25, baseCores: 1) == 0.3)
    #expect(ConfigurationChoice.price(0.3, cores: 1, set: false, basePrice: 0.25, baseCores: 1) == 0.3)
  }

  /// The planner's M/M/1-per-instance model (CapacityPlannerTests: 6 or 7 one-core instances at
  /// 0.25 an hour) against two-core instances: at the base's price per core (0.5) the same
  /// cores cost the same, and at a price set to 0.3 the two-core point is the cheapest. The
  /// choice is the point with the least total, its cost recomputed here from its instances.
  @Test func theCheapestPointWinsWithItsCostPerThirtyDays() throws {
    let base = CapacityPlannerTests.scenario()
    var doubled = base
    doubled.platform.territories[0].app.cores = 2
    var cheaper = doubled
    cheaper.platform.territories[0].app.pricePerHour = 0.3
    let plans = [base, doubled, cheaper].map {
      CapacityPlanner(scenario: $0, settings: CapacityPlannerTests.settings).plan()
    }
    let choice = ConfigurationChoice(base: base, plans: plans, pricesSet: [[], [], ["DE"]])
    let pick = try #require(choice.picks.first)
    #expect(choice.picks.count == 1 && pick.territory == "DE" && pick.period == "normal")
    let counts = try plans.map { try #require($0.periods.first?.instances) }
    let perHour = [0.25, 0.5, 0.3]
    let database = 0.0  // the node has no price
    for i in 0..<3 {
      let expected = Double(counts[i]) * perHour[i] * 720 + database
      #expect(abs((choice.totals[i][0] ?? -1) - expected) < 1e-9, "point \(i): \(counts[i]) instances")
    }
    let cheapest = (0..<3).min { (choice.totals[$0][0]!, counts[$0], $0) < (choice.totals[$1][0]!, counts[$1], $1) }!
    #expect(pick.point == cheapest && pick.instances == counts[cheapest])
    // Two cores at 0.3 beat one at 0.25 once the count halves: 4 busy cores need 3 two-core instances.
    #expect(pick.point == 2, "counts \(counts)")
  }

  /// Two territories on one database cluster: the plan bills it to one, as `capsim run` does
  /// (each territory was charged the whole cluster, the plan's total twice the run's).
  @Test func aSharedClusterIsBilledToOneTerritory() throws {
    var s = CapacityPlannerTests.scenario()
    s.platform.databases[0].pricePerHour = 1
    var other = s.platform.territories[0]
    other.name = "AT"
    s.platform.territories.append(other)
    s.demand.append(s.demand[0])
    let plan = CapacityPlanner(scenario: s, settings: CapacityPlannerTests.settings).plan()
    #expect(plan.databaseCost(territory: 0).cost == 720 && plan.databaseCost(territory: 1).cost == 0)
  }

  /// `plan --vary cores=2,8` chose by the base's price per core, but each point's own plan (its
  /// record, page and JSON) was priced at the file's price: two costs for one point. A point
  /// is planned at the prices the choice counts, so its plan's cost is the choice's.
  @Test func aPointIsPlannedAtThePricesTheChoiceCounts() throws {
    let base = CapacityPlannerTests.scenario()
    var doubled = base
    doubled.platform.territories[0].app.cores = 2
    let priced = ConfigurationChoice.priced(doubled, base: base, pricesSet: [])
    #expect(priced.platform.territories[0].app.pricePerHour == 0.5)
    // A price the point sets is its own; the base is unchanged
    var set = doubled
    set.platform.territories[0].app.pricePerHour = 0.3
    #expect(
      ConfigurationChoice.priced(set, base: base, pricesSet: ["DE"]).platform.territories[0].app.pricePerHour == 0.3)
    #expect(
      ConfigurationChoice.priced(base, base: base, pricesSet: []).platform.territories[0].app.pricePerHour == 0.25)
    let plan = CapacityPlanner(scenario: priced, settings: CapacityPlannerTests.settings).plan()
    let n = try #require(plan.periods.first?.instances)
    let choice = ConfigurationChoice(base: base, plans: [plan], pricesSet: [[]])
    #expect(abs(plan.instanceCost(territory: 0, instances: n) - (choice.picks.first?.instanceCost ?? -1)) < 1e-9)
  }
}
