import Gate
import PlatformModel
import SimStatistics
import Testing

/// The decision rules on verdicts made by hand: no simulation.
@Suite struct JudgeTests {
  static func verdict(
    _ values: [Double], objective: Objective = .p95, territory: String = "DE", period: String = "normal",
    requestClass: String? = nil
  ) -> Verdict {
    Verdict(
      measured: Estimate(values), territory: territory, period: period, requestClass: requestClass, objective: objective
    )
  }

  /// Ten values around `mean` with a spread of about 1% of it.
  static func around(_ mean: Double, spread: Double = 0.01) -> [Double] {
    [-1.5, -1.1, -0.7, -0.3, -0.1, 0.1, 0.3, 0.7, 1.1, 1.5].map { mean * (1 + spread * $0) }
  }

  static func targets(_ objective: Objective = .p95, target: Double?, peak: Double? = nil, waivers: [Waiver] = [])
    -> Targets
  {
    Targets(
      objectives: [objective: ObjectiveTargets(target: target, peak: peak, tolerance: .standard)], waivers: waivers)
  }

  static func baseline(_ rows: [(Verdict)]) -> Baseline {
    Baseline(scenario: "s", replications: 10, verdicts: rows)
  }

  static func decide(_ verdicts: [Verdict], targets: Targets? = nil, baseline: Baseline? = nil) -> [Row] {
    Judge.decide(Judge.rows(verdicts, targets: targets, baseline: baseline), alpha: 0.01, beta: 0.05)
  }

  /// A row takes the peak target where the scenario says its period raises demand: a quiet
  /// season keeps the normal one (the gate took the peak target for any period but "normal").
  @Test func aQuietSeasonTakesTheNormalTarget() throws {
    let summer = Self.verdict(Self.around(0.3), period: "summer")
    let targets = Self.targets(target: 0.2, peak: 0.45)
    #expect(Judge.rows([summer], targets: targets, baseline: nil).first?.verdict.target == 0.45)
    let quiet = Judge.rows([summer], targets: targets, baseline: nil) { _ in false }
    #expect(quiet.first?.verdict.target == 0.2)
  }

  @Test func clearlyPastTheTargetFails() throws {
    let rows = Self.decide([Self.verdict(Self.around(0.220))], targets: Self.targets(target: 0.200))
    #expect(rows.map(\.decision) == [.fail])
    #expect(rows[0].againstTarget == .fail)
    #expect(rows[0].verdict.target == 0.200)
    #expect(rows[0].verdict.outcome == .fail)  // as capsim run would judge it
  }

  @Test func clearlyWithinTheTargetPasses() throws {
    let rows = Self.decide([Self.verdict(Self.around(0.180))], targets: Self.targets(target: 0.200))
    #expect(rows.map(\.decision) == [.pass])
    #expect(Judge.outcome(rows) == .pass)
  }

  /// A mean 0.5% below the target with a 1% spread over ten replications: neither side is clear.
  @Test func tooCloseToTheTargetIsUndecided() {
    let rows = Self.decide([Self.verdict(Self.around(0.199))], targets: Self.targets(target: 0.200))
    #expect(rows.map(\.decision) == [.undecided])
    #expect(Judge.outcome(rows) == .undecided)
  }

  /// The peak target applies outside the normal period.
  @Test func seasonsTakeThePeakTarget() {
    let v = [Self.verdict(Self.around(0.300)), Self.verdict(Self.around(0.300), period: "christmas")]
    let rows = Self.decide(v, targets: Self.targets(target: 0.200, peak: 0.450))
    #expect(rows.map(\.decision) == [.fail, .pass])
  }

  /// Availability is better when higher: 99.95% meets 99.9%, 99.5% misses it.
  @Test func availabilityIsBetterHigher() {
    let v = [
      Self.verdict(Self.around(0.9995, spread: 0.00001), objective: .availability),
      Self.verdict(Self.around(0.995, spread: 0.00001), objective: .availability, territory: "CH"),
    ]
    let rows = Self.decide(v, targets: Self.targets(.availability, target: 0.999))
    #expect(rows.map(\.decision) == [.pass, .fail])
  }

  @Test func aClearRegressionFailsAndNoChangePasses() {
    let base = Self.baseline([Self.verdict(Self.around(0.100)), Self.verdict(Self.around(0.100), territory: "CH")])
    let now = [Self.verdict(Self.around(0.120)), Self.verdict(Self.around(0.100), territory: "CH")]
    let rows = Self.decide(now, baseline: base)
    #expect(rows.map(\.decision) == [.fail, .pass])
    #expect(rows.map(\.againstBaseline) == [.fail, .pass])
    #expect(abs(rows[0].change! - 0.2) < 1e-12)
    #expect(abs(rows[0].allowance! - 0.005) < 1e-12)  // 5% of 100 ms
  }

  /// 3% worse is within the 5% tolerance: no regression, however sure.
  @Test func changesWithinTheToleranceAreNoRegression() {
    let base = Self.baseline([Self.verdict(Self.around(0.100, spread: 0.001))])
    let rows = Self.decide([Self.verdict(Self.around(0.103, spread: 0.001))], baseline: base)
    #expect(rows.map(\.decision) == [.pass])
  }

  /// 5% worse, right at the tolerance: undecided.
  @Test func aChangeAtTheToleranceIsUndecided() {
    let base = Self.baseline([Self.verdict(Self.around(0.100))])
    let rows = Self.decide([Self.verdict(Self.around(0.105))], baseline: base)
    #expect(rows.map(\.decision) == [.undecided])
  }

  /// Error rates of 0 in every replication on both sides: the minimum change (0.1 points)
  /// decides, though nothing varies.
  @Test func noSpreadAtAllIsDecidedByTheMinimumChange() {
    let zero = Self.verdict(Array(repeating: 0, count: 5), objective: .errorRate)
    let rows = Self.decide([zero], baseline: Self.baseline([zero]))
    #expect(rows.map(\.decision) == [.pass])
    let worse = Self.verdict(Array(repeating: 0.01, count: 5), objective: .errorRate)
    #expect(Self.decide([worse], baseline: Self.baseline([zero])).map(\.decision) == [.fail])
  }

  /// A row with one replication on either side cannot be tested: undecided, never failed.
  @Test func oneReplicationIsUndecided() {
    let rows = Self.decide([Self.verdict([0.5])], targets: Self.targets(target: 0.2))
    #expect(rows.map(\.decision) == [.undecided])
  }

  @Test func waiversAreMeasuredButNotJudged() {
    let waiver = Waiver(territories: ["CH"], classes: ["report"], reason: "reports move to a worker (CRM-412)")
    let v = [
      Self.verdict(Self.around(0.9), territory: "CH", requestClass: "report"),
      Self.verdict(Self.around(0.9), territory: "DE", requestClass: "report"),
    ]
    let rows = Self.decide(v, targets: Self.targets(target: 0.2, waivers: [waiver]))
    #expect(rows.map(\.decision) == [.waived, .fail])
    #expect(rows[0].waiver == "reports move to a worker (CRM-412)")
    #expect(rows[0].verdict.outcome == .waived)
    #expect(rows[0].verdict.note == rows[0].waiver)
    #expect(Judge.outcome([rows[0]]) == .pass)
  }

  /// A class the scenario excludes stays excluded, with the scenario's reason.
  @Test func scenarioWaiversCarryOver() {
    var v = Self.verdict(Self.around(0.9), requestClass: "report")
    v.outcome = .waived
    v.note = "batch"
    let rows = Self.decide([v], targets: Self.targets(target: 0.2))
    #expect(rows.map(\.decision) == [.waived])
    #expect(rows[0].waiver == "batch")
  }

  @Test func coverageAndClassOverrides() {
    var o = ObjectiveTargets(target: 0.2, territories: ["DE"], classes: [nil, "report"], tolerance: .standard)
    o.byClass["report"] = ClassTargets(target: 1.0, tolerance: 0.2)
    let targets = Targets(objectives: [.p95: o])
    let v = [
      Self.verdict(Self.around(0.1)), Self.verdict(Self.around(0.6), requestClass: "report"),
      Self.verdict(Self.around(0.1), requestClass: "list"), Self.verdict(Self.around(0.1), territory: "CH"),
      Self.verdict(Self.around(0.01), objective: .errorRate),
    ]
    let rows = Self.decide(v, targets: targets)
    #expect(rows.map(\.key) == [RowKey(v[0]), RowKey(v[1])])  // list, CH and error rate are not covered
    #expect(rows.map(\.verdict.target) == [0.2, 1.0])
    #expect(rows[1].tolerance.relative == 0.2)
    // A class's own target holds in a season too unless it has a peak of its own.
    #expect(targets.rule(for: RowKey(v[1]), isPeak: true)?.target == 1.0)
    #expect(targets.rule(for: RowKey(v[0]), isPeak: true)?.target == 0.2)
  }

  /// Holm over all rows: one row whose p-value would fail it alone is not enough among many
  /// rows with nothing to report; the same row alone fails.
  @Test func manyRowsRaiseTheBar() throws {
    // `around` has a standard error of 0.3% of the mean; 0.00204 above 200 ms is t = 3.4 on 9
    // degrees: p about 0.004, below 0.01 but above 0.01 / 40.
    let values = Self.around(0.2).map { $0 + 0.00204 }
    let alone = Self.decide([Self.verdict(values)], targets: Self.targets(target: 0.2))
    let p = try #require(alone.first?.targetTest?.pAbove)
    #expect(p < 0.01 && p > 0.01 / 40, "p = \(p)")
    #expect(alone.map(\.decision) == [.fail])
    let quiet = (0..<39).map { Self.verdict(Self.around(0.1), territory: "T\($0)") }
    let many = Self.decide([Self.verdict(values)] + quiet, targets: Self.targets(target: 0.2))
    #expect(many[0].decision == .undecided)
    #expect(many.dropFirst().allSatisfy { $0.decision == .pass })
  }
}
