extension PlatformResult {
  /// Replications simulated apart (slices of one run on several machines) put back together
  /// in replication order: the same result as one `PlatformRun.run` of them all.
  package init(_ scenario: PlatformScenario, replications: [PlatformReplication], wallSeconds: Double) {
    self.init(scenario: scenario, replications: replications, wallSeconds: wallSeconds)
  }
}
