import Foundation
import Gate
import PlatformModel
import Testing

/// The gate's goals on the small model: at most 1% false alarms over reseeded identical runs,
/// and at least 95% detection of a 10% capacity regression (10% more CPU per request), each
/// trial with its own baseline (10 replications) and candidate (5, up to 40) seeds, as
/// `scripts/gate-error-rates.sh` measures through the binary over 200 trials.
@Suite(.serialized) struct ErrorRateTests {
  static let trials = 100

  /// Checks trial i's candidate against its own baseline: every row of the model with the
  /// standard tolerance (5%, at least 1 ms or 0.1 points), and a p95 target the model meets.
  static func outcomes(
    cpuFactor: Double, trials: Int = trials, targets: Targets? = nil, maxReplications: Int = 40, alpha: Double = 0.01
  ) -> [CheckResult] {
    let results = Results(count: trials)
    // Trials side by side, one thread each: their replications are too short to share.
    DispatchQueue.concurrentPerform(iterations: trials) { i in
      let seed = UInt64(1_000 + 2 * i)
      let base = PlatformRun(scenario: SmallPlatform.scenario(seed: seed)).run(replications: 0..<10)
      let baseline = Baseline(scenario: "small", replications: 10, verdicts: base.verdicts())
      let candidate = SmallPlatform.scenario(seed: seed + 1, cpuFactor: cpuFactor)
      results.set(
        i,
        Check(
          scenario: candidate, targets: targets, baseline: baseline,
          settings: CheckSettings(replications: 5, maxReplications: maxReplications, alpha: alpha)
        ).run())
    }
    return results.values
  }

  final class Results: @unchecked Sendable {
    private var slots: [CheckResult?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: CheckResult) { lock.withLock { slots[i] = r } }
    var values: [CheckResult] { lock.withLock { slots.map { $0! } } }
  }

  static func summary(_ results: [CheckResult]) -> String {
    let n = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
    let replications = results.map { $0.result.replications.count }.reduce(0, +)
    return "\(n[.fail] ?? 0) failed, \(n[.undecided] ?? 0) undecided, \(n[.pass] ?? 0) passed of \(results.count);"
      + " \(Double(replications) / Double(results.count)) replications on average"
  }

  @Test func falseAlarmsOverReseededIdenticalRuns() {
    let results = Self.outcomes(cpuFactor: 1)
    let alarms = results.filter { $0.outcome == .fail }.count
    print("gate, identical runs: \(Self.summary(results))")
    #expect(alarms <= 1, "\(Self.summary(results))")
    // Identical runs should end decided, not spend the budget.
    #expect(results.filter { $0.outcome == .undecided }.count <= Self.trials / 20, "\(Self.summary(results))")
  }

  @Test func detectsATenPercentCapacityRegression() {
    let results = Self.outcomes(cpuFactor: 1.1)
    let detected = results.filter { $0.outcome == .fail }.count
    print("gate, 10% more CPU per request: \(Self.summary(results))")
    #expect(Double(detected) >= 0.95 * Double(Self.trials), "\(Self.summary(results))")
    // What failed is latency against the baseline, not an error rate or availability.
    for r in results where r.outcome == .fail {
      #expect(r.rows.filter { $0.decision == .fail }.allSatisfy { $0.verdict.objective == .p95 || $0.verdict.objective == .p99 })
    }
  }

  /// With no tolerance at all, identical runs sit right on the boundary of a regression: the
  /// alarms are then what the level allows, and no more (here a generous 10%, so that a count
  /// can show it; the union bounds make the real rate lower).
  @Test func atTheBoundaryFalseAlarmsStayWithinAlpha() {
    let none = Tolerance(relative: 0, minimumChange: 0)
    let all: [Objective] = [.p95, .p99, .errorRate, .availability]
    let targets = Targets(objectives: Dictionary(uniqueKeysWithValues: all.map { ($0, ObjectiveTargets(tolerance: none)) }))
    let results = Self.outcomes(cpuFactor: 1, trials: 50, targets: targets, maxReplications: 20, alpha: 0.1)
    let alarms = results.filter { $0.outcome == .fail }.count
    print("gate, identical runs, no tolerance, alpha 10%: \(Self.summary(results))")
    #expect(alarms <= 10, "\(Self.summary(results))")
  }
}
