import PlatformModel
import SimStatistics

/// Where a row, or a whole check, stands.
package enum Decision: String, Sendable, Codable, CaseIterable {
  /// Clearly meets its target and is clearly no worse than its baseline beyond the tolerance.
  case pass
  /// Clearly misses its target, or is clearly worse than its baseline beyond the tolerance.
  case fail
  /// Neither yet: more replications would tell.
  case undecided
  /// Measured, not judged (a waiver's reason says why).
  case waived
  /// Measured, with nothing to judge it against.
  case info
}

/// One row of a check: the candidate's verdict tested against its target and its baseline.
///
/// Tests run on the "badness" of the value, lower being better: the value itself, or the
/// unavailable share (1 - availability) for availability.
package struct Row: Sendable {
  /// The candidate's verdict, with the rule's target and judged as `capsim run` judges.
  package var verdict: Verdict
  package var baseline: Estimate?
  package var tolerance: Tolerance
  package var waiver: String?
  /// Badness minus the target's badness; nil without a target, or with fewer than two
  /// replications.
  package var targetTest: MeanDifference?
  /// Candidate badness minus the baseline's plus its allowance; nil without a baseline row or
  /// without a spread on either side.
  package var baselineTest: MeanDifference?
  /// Nil when there is no target (no baseline row).
  package var againstTarget: Decision?
  package var againstBaseline: Decision?
  package var decision: Decision = .info

  package var key: RowKey { RowKey(verdict) }

  /// How much worse than the baseline's mean the row may get, in the objective's unit.
  package var allowance: Double? {
    baseline.map { max(tolerance.relative * Self.badness($0.mean, verdict.objective), tolerance.minimumChange) }
  }

  /// The candidate's mean against the baseline's, relative (+0.1: 10% higher); nil when the
  /// baseline's is 0.
  package var change: Double? {
    guard let b = baseline?.mean, b != 0, verdict.measured.mean.isFinite else { return nil }
    return (verdict.measured.mean - b) / b
  }

  static func badness(_ x: Double, _ objective: Objective) -> Double { objective.higherIsBetter ? 1 - x : x }

  static func badness(_ e: Estimate, _ objective: Objective) -> Estimate {
    guard objective.higherIsBetter else { return e }
    var flipped = e
    flipped.mean = 1 - e.mean
    return flipped
  }
}

extension Row {
  /// The row of a verdict under `rule`, tested against its target and `baseline`.
  init(verdict v: Verdict, rule: Rule, baseline: Estimate?) {
    var verdict = v
    verdict.target = rule.target
    // Judged as `capsim run` judges, against the rule's target.
    verdict.outcome = PlatformResult.outcome(v.measured, target: rule.target, higherIsBetter: v.objective.higherIsBetter)
    var waiver = rule.waiver
    // A class the scenario excludes stays excluded, with the scenario's reason.
    if v.outcome == .waived, waiver == nil { waiver = v.note }
    if waiver != nil {
      verdict.outcome = .waived
      verdict.note = waiver
    }
    self.init(verdict: verdict, baseline: baseline, tolerance: rule.tolerance, waiver: waiver)
    let objective = v.objective
    let candidate = Self.badness(v.measured, objective)
    if let target = rule.target {
      targetTest = MeanDifference(candidate, minus: Self.badness(target, objective))
    }
    if let baseline {
      let b = Self.badness(baseline, objective)
      // The allowance is relative to the baseline's mean, itself uncertain: the test is on
      // candidate - (1 + tolerance) x baseline unless the minimum change is larger.
      baselineTest =
        tolerance.relative * b.mean >= tolerance.minimumChange
        ? MeanDifference(candidate, minus: 1 + tolerance.relative, times: b)
        : MeanDifference(candidate, minus: 1, times: b, minus: tolerance.minimumChange)
    }
  }
}
