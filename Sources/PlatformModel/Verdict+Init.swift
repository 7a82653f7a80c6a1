import SimStatistics

extension Verdict {
  /// A verdict made elsewhere than in `PlatformResult.verdicts()`: a test's, say.
  package init(
    measured: Estimate, territory: String, period: String, requestClass: String?, objective: Objective,
    target: Double? = nil, outcome: Outcome = .info, note: String? = nil
  ) {
    self.territory = territory
    self.period = period
    self.requestClass = requestClass
    self.objective = objective
    self.target = target
    self.measured = measured
    self.outcome = outcome
    self.note = note
  }
}
