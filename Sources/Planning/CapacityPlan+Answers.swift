import PlatformModel

/// What a plan's answer for a period costs and what binds it: computed once here, so that the
/// table, the JSON, the results database and the report all say the same.
extension CapacityPlan {
  /// Hours in the 30 days a monthly run rate is quoted for.
  package static let monthHours = 720.0

  package func territoryName(_ p: PeriodPlan) -> String { scenario.platform.territories[p.territory].name }
  package func periodName(_ p: PeriodPlan) -> String { scenario.periodNames[p.period] }

  /// Instance cost per 30 days at `instances`, in the territory's currency.
  package func instanceCost(territory t: Int, instances: Int) -> Double {
    Double(instances) * scenario.platform.territories[t].app.pricePerHour * Self.monthHours
  }

  /// The database nodes of a territory's cluster per 30 days, in their currency (the plan does
  /// not change them).
  package func databaseCost(territory t: Int) -> (cost: Double, currency: String) {
    let platform = scenario.platform
    let primary = platform.territories[t].primary
    // As `capsim run` bills them: a shared cluster to one territory (each was charged it whole).
    let nodes = PlatformRun.nodes(billedTo: t, platform)
    let cost = nodes.reduce(0) { $0 + platform.databases[$1].pricePerHour * Self.monthHours }
    return (cost, platform.databases[primary].currency)
  }

  /// The objective that binds at the answer: the passing verdict with the least room.
  package func binding(_ p: PeriodPlan) -> Verdict? {
    p.chosen?.tightest(territory: territoryName(p), period: periodName(p))
  }

  /// The tier that binds at the answer's busiest window: "app", or the database node that is
  /// busier than the app's CPU (or whose queries bind); nil without an answer.
  package func tier(_ p: PeriodPlan) -> String? {
    guard let busiest = p.chosen?.busiest[p.territory][p.period] else { return nil }
    let node = scenario.platform.databases[busiest.node].name
    if binding(p)?.objective == .databaseP95 { return node }
    return busiest.nodeUtilization > busiest.appUtilization ? node : "app"
  }

  /// The p95 verdict of all classes of a candidate in the period.
  package func p95(_ p: PeriodPlan, of c: Candidate?) -> Verdict? {
    let (territory, period) = (territoryName(p), periodName(p))
    return c?.verdicts.first {
      $0.territory == territory && $0.period == period && $0.objective == .p95 && $0.requestClass == nil
    }
  }

  /// The app CPU utilization at the period's peak with `instances`, as theory has it (offered
  /// busy cores over the instances' cores).
  package func peakCPU(_ p: PeriodPlan, instances: Int) -> Double {
    p.load.peakRate * p.load.cpuPerRequest / Double(instances * scenario.platform.territories[p.territory].app.cores)
  }
}
