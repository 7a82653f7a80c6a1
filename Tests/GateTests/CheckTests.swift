import Gate
import PlatformModel
import SimStatistics
import Testing

/// The sequential check on the small model: looks, budgets, common random numbers.
@Suite struct CheckTests {
  static func p95(_ r: PlatformResult) -> Estimate {
    r.verdicts().first { $0.objective == .p95 && $0.requestClass == nil }!.measured
  }

  static func targets(p95 target: Double) -> Targets {
    Targets(objectives: [.p95: ObjectiveTargets(target: target, classes: [nil], tolerance: .standard)])
  }

  /// Each look keeps the replications before it: the check's 12 replications are those of one
  /// run of 12.
  @Test func looksContinueOneRangeOfReplications() throws {
    let s = SmallPlatform.scenario(seed: 3)
    let whole = PlatformRun(scenario: s).run(replications: 0..<12, threads: 2)
    let exact = Self.p95(whole).mean
    let check = Check(
      scenario: s, targets: Self.targets(p95: exact), baseline: nil,
      settings: CheckSettings(replications: 3, maxReplications: 12, threads: 2))
    let result = check.run()
    #expect(result.looks.map(\.replications) == [3, 6, 12])
    #expect(Self.p95(result.result).mean == exact)
  }

  /// 1.5% of margin (the replications' spread is about 1.6%) is too little to tell with 3
  /// replications and enough with more.
  @Test func undecidedRowsGetMoreReplicationsUntilDecided() throws {
    let s = SmallPlatform.scenario(seed: 5)
    let mean = Self.p95(PlatformRun(scenario: s).run(replications: 0..<48, threads: 2)).mean
    var seen: [Int] = []
    let result = Check(
      scenario: s, targets: Self.targets(p95: mean * 1.015), baseline: nil,
      settings: CheckSettings(replications: 3, maxReplications: 48, threads: 2)
    ).run { seen.append($0.replications) }
    #expect(result.looks.first?.counts[.undecided] == 1)
    #expect(result.outcome == .pass)
    #expect(result.stop == .decided)
    #expect(result.looks.count >= 2)
    #expect(seen == result.looks.map(\.replications))
  }

  /// A target at exactly the mean of the budget's replications can never be decided: the
  /// check spends the budget and says so.
  @Test func aSpentBudgetLeavesTheRowUndecided() throws {
    let s = SmallPlatform.scenario(seed: 9)
    let mean = Self.p95(PlatformRun(scenario: s).run(replications: 0..<8, threads: 2)).mean
    let result = Check(
      scenario: s, targets: Self.targets(p95: mean), baseline: nil,
      settings: CheckSettings(replications: 4, maxReplications: 8, threads: 2)
    ).run()
    #expect(result.outcome == .undecided)
    #expect(result.stop == .replications)
    #expect(result.looks.map(\.replications) == [4, 8])
  }

  /// A wall-clock budget too small for a second look stops after the first.
  @Test func theWallClockBudgetStopsBeforeALookThatWouldPassIt() throws {
    let s = SmallPlatform.scenario(seed: 9)
    let mean = Self.p95(PlatformRun(scenario: s).run(replications: 0..<4, threads: 2)).mean
    let result = Check(
      scenario: s, targets: Self.targets(p95: mean), baseline: nil,
      settings: CheckSettings(replications: 4, maxReplications: 64, maxSeconds: 1e-6, threads: 2)
    ).run()
    #expect(result.outcome == .undecided)
    #expect(result.stop == .seconds)
    #expect(result.looks.count == 1)
  }

  /// A budget the scenarios before it spent (zero or less) leaves a scenario its first look
  /// alone: without one there is nothing to report.
  @Test func aSpentBudgetLeavesTheFirstLookAlone() throws {
    let s = SmallPlatform.scenario(seed: 9)
    let mean = Self.p95(PlatformRun(scenario: s).run(replications: 0..<4, threads: 2)).mean
    for spent in [0.0, -30] {
      let result = Check(
        scenario: s, targets: Self.targets(p95: mean), baseline: nil,
        settings: CheckSettings(replications: 4, maxReplications: 64, maxSeconds: spent, threads: 2)
      ).run()
      #expect(result.stop == .seconds)
      #expect(result.looks.map(\.replications) == [4])
    }
  }

  /// A p99 objective covers every class, though the scenario sets no class p99.
  @Test func p99IsMeasuredPerClassWhenTheTargetsAskForIt() throws {
    let targets = Targets(objectives: [.p99: ObjectiveTargets(target: 10, tolerance: .standard)])
    let result = Check(
      scenario: SmallPlatform.scenario(seed: 1), targets: targets, baseline: nil,
      settings: CheckSettings(replications: 3, maxReplications: 3, threads: 2)
    ).run()
    #expect(result.rows.map(\.verdict.requestClass) == [nil, "api", "export"])
    #expect(result.rows.allSatisfy { $0.verdict.target == 10 && $0.decision == .pass })
  }
}
