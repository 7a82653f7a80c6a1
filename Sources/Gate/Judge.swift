import PlatformModel
import SimStatistics

/// Decisions at one look: which rows clearly fail, which clearly pass, which need more
/// replications.
///
/// A false alarm is a fail where the truth meets the target (or is within the tolerance of the
/// baseline). Every test that could raise one, over every row, is one family: Holm's step-down
/// procedure rejects at `alpha` for the whole family, whatever the dependence between rows.
/// A pass only has to be right for its own row (a regression is missed only when its own row
/// passes), so each all-clear is tested alone at `beta`.
package enum Judge {
  /// The rows of `verdicts` that `targets` covers (every row without targets), each with its
  /// target and baseline row, undecided. `isPeak`: whether a row takes the peak targets (the
  /// scenario's rule: a season that raises demand).
  package static func rows(
    _ verdicts: [Verdict], targets: Targets?, baseline: Baseline?,
    isPeak: (Verdict) -> Bool = { $0.period != "normal" }
  ) -> [Row] {
    verdicts.compactMap { v in
      let key = RowKey(v)
      let rule: Rule
      if let targets {
        guard let covered = targets.rule(for: key, isPeak: isPeak(v)) else { return nil }
        rule = covered
      } else {
        rule = Rule(target: nil, tolerance: .standard, waiver: nil)
      }
      return Row(verdict: v, rule: rule, baseline: baseline?.rows[key])
    }
  }

  /// Decides every row at family-wise false-alarm level `alpha` and per-test miss level `beta`.
  package static func decide(_ rows: [Row], alpha: Double, beta: Double) -> [Row] {
    enum Side { case target, baseline }
    var alarms: [(row: Int, side: Side, p: Double)] = []
    for (i, r) in rows.enumerated() where r.waiver == nil {
      if let t = r.targetTest { alarms.append((i, .target, t.pAbove)) }
      if let t = r.baselineTest { alarms.append((i, .baseline, t.pAbove)) }
    }
    // Holm: the k-th smallest p-value (from 0) is compared with alpha / (m - k) until one is not
    // below it.
    alarms.sort { $0.p < $1.p }
    var failed: Set<[Int]> = []
    for (k, a) in alarms.enumerated() {
      guard a.p <= alpha / Double(alarms.count - k) else { break }
      failed.insert([a.row, a.side == .target ? 0 : 1])
    }
    var out = rows
    for i in out.indices {
      guard out[i].waiver == nil else {
        out[i].decision = .waived
        continue
      }
      func side(_ test: MeanDifference?, present: Bool, _ index: Int) -> Decision? {
        guard present else { return nil }
        if failed.contains([i, index]) { return .fail }
        if let test, test.pBelow <= beta { return .pass }
        return .undecided
      }
      out[i].againstTarget = side(out[i].targetTest, present: out[i].verdict.target != nil, 0)
      out[i].againstBaseline = side(out[i].baselineTest, present: out[i].baseline != nil, 1)
      let sides = [out[i].againstTarget, out[i].againstBaseline].compactMap { $0 }
      out[i].decision =
        sides.isEmpty ? .info : sides.contains(.fail) ? .fail : sides.allSatisfy { $0 == .pass } ? .pass : .undecided
    }
    return out
  }

  /// A check's outcome from its rows: fail if any fails, else undecided if any is, else info
  /// if none was judged (no rows, or none with a target or a baseline row: nothing passed),
  /// else pass.
  package static func outcome(_ rows: [Row]) -> Decision {
    if rows.contains(where: { $0.decision == .fail }) { return .fail }
    if rows.contains(where: { $0.decision == .undecided }) { return .undecided }
    if rows.allSatisfy({ $0.decision == .info }) { return .info }
    return .pass
  }
}
