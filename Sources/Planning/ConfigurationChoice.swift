import PlatformModel

/// The cheapest configuration per territory and period among plans of one scenario at several
/// points (`capsim plan --vary`: workers, connections, cores, any key `--set` takes). Each
/// plan found the fewest instances at its point; this compares what those answers cost.
///
/// A point that changes a node's or an instance's `cores` but does not set its `price` is priced
/// at the base topology's price per core: without that, more cores would look free and always
/// win.
package struct ConfigurationChoice: Sendable {
  package struct Pick: Sendable {
    package var territory: String
    package var period: String
    /// The cheapest point with an answer; nil when no point has one.
    package var point: Int?
    package var instances: Int?
    /// Per 30 days at the chosen point, in the territory's currency.
    package var instanceCost: Double?
    package var databaseCost: Double?
    package var currency: String
  }

  /// Per planned territory and period, in the first plan's order.
  package var picks: [Pick]
  /// Per point, per pick: the total per 30 days of that point's answer (nil without one).
  package var totals: [[Double?]]

  /// `pricesSet[i]`: the territories and database nodes whose price point `i` sets itself.
  package init(base: PlatformScenario, plans: [CapacityPlan], pricesSet: [Set<String>]) {
    var picks: [Pick] = []
    var totals = Array(repeating: [Double?](), count: plans.count)
    guard let first = plans.first else {
      self.picks = []
      self.totals = []
      return
    }
    for p in first.periods {
      let territory = first.territoryName(p)
      let period = first.periodName(p)
      var pick = Pick(territory: territory, period: period, currency: base.platform.territories[p.territory].currency)
      var best: (total: Double, instances: Int)?
      for (i, plan) in plans.enumerated() {
        let match = plan.periods.first { plan.territoryName($0) == territory && plan.periodName($0) == period }
        guard let match, let n = match.instances else {
          totals[i].append(nil)
          continue
        }
        let set = i < pricesSet.count ? pricesSet[i] : []
        let apps = Self.instanceCost(plan, base: base, territory: match.territory, instances: n, pricesSet: set)
        let database = Self.databaseCost(plan, base: base, territory: match.territory, pricesSet: set)
        totals[i].append(apps + database)
        // Cheapest; on a tie fewer instances, then the earlier point.
        if best.map({ apps + database < $0.total || (apps + database == $0.total && n < $0.instances) }) ?? true {
          best = (apps + database, n)
          pick.point = i
          pick.instances = n
          pick.instanceCost = apps
          pick.databaseCost = database
        }
      }
      picks.append(pick)
    }
    self.picks = picks
    self.totals = totals
  }

  /// `point` with its prices as the choice counts them: an app pool or database node whose
  /// cores the point changes, without setting its price, at the base's price per core. Planned
  /// with these, a point's own plan (its record, page and JSON) costs what the choice says.
  package static func priced(_ point: PlatformScenario, base: PlatformScenario, pricesSet: Set<String>)
    -> PlatformScenario
  {
    var point = point
    for t in point.platform.territories.indices {
      let name = point.platform.territories[t].name
      guard let baseApp = base.platform.territories.first(where: { $0.name == name })?.app else { continue }
      let app = point.platform.territories[t].app
      point.platform.territories[t].app.pricePerHour = price(
        app.pricePerHour, cores: app.cores, set: pricesSet.contains(name), basePrice: baseApp.pricePerHour,
        baseCores: baseApp.cores)
    }
    for n in point.platform.databases.indices {
      let node = point.platform.databases[n]
      guard let baseNode = base.platform.databases.first(where: { $0.name == node.name }) else { continue }
      point.platform.databases[n].pricePerHour = price(
        node.pricePerHour, cores: node.cores, set: pricesSet.contains(node.name), basePrice: baseNode.pricePerHour,
        baseCores: baseNode.cores)
    }
    return point
  }

  /// A price per hour at a point: its own when the point sets it or keeps the base's cores,
  /// else the base's price per core times the point's cores.
  package static func price(_ price: Double, cores: Int, set: Bool, basePrice: Double, baseCores: Int) -> Double {
    guard !set, baseCores > 0, cores != baseCores else { return price }
    return basePrice * Double(cores) / Double(baseCores)
  }

  static func instanceCost(
    _ plan: CapacityPlan, base: PlatformScenario, territory t: Int, instances: Int, pricesSet: Set<String>
  ) -> Double {
    let app = plan.scenario.platform.territories[t].app
    let name = plan.scenario.platform.territories[t].name
    guard let baseApp = base.platform.territories.first(where: { $0.name == name })?.app else {
      return plan.instanceCost(territory: t, instances: instances)
    }
    let perHour = price(
      app.pricePerHour, cores: app.cores, set: pricesSet.contains(name), basePrice: baseApp.pricePerHour,
      baseCores: baseApp.cores)
    return Double(instances) * perHour * CapacityPlan.monthHours
  }

  static func databaseCost(_ plan: CapacityPlan, base: PlatformScenario, territory t: Int, pricesSet: Set<String>)
    -> Double
  {
    let platform = plan.scenario.platform
    return PlatformRun.nodes(billedTo: t, platform).reduce(0) {
      sum, n in
      let node = platform.databases[n]
      guard let baseNode = base.platform.databases.first(where: { $0.name == node.name }) else {
        return sum + node.pricePerHour * CapacityPlan.monthHours
      }
      let perHour = price(
        node.pricePerHour, cores: node.cores, set: pricesSet.contains(node.name), basePrice: baseNode.pricePerHour,
        baseCores: baseNode.cores)
      return sum + perHour * CapacityPlan.monthHours
    }
  }
}
