/// A verdict as every JSON output of capsim writes it: `capsim run --format json`, `capsim show
/// --format json`, `summary.json`, `capsim check` and `capsim plan`. The fields are documented in
/// the README ("JSON output"); a field without a value is `null`, never missing.
package struct VerdictJSON: Encodable, Sendable, Hashable {
  package struct Measured: Encodable, Sendable, Hashable {
    /// Null when nothing was observed (JSON has no NaN).
    @Nullable package var mean: Double?
    /// Null with a single replication.
    @Nullable package var half_width: Double?
  }

  package var territory: String
  package var period: String
  /// Null for all classes together.
  @Nullable package var request_class: String?
  package var objective: String
  @Nullable package var target: Double?
  package var higher_is_better: Bool
  package var measured: Measured
  /// pass, marginal, fail, info or waived.
  package var verdict: String
  /// Why a waived verdict is not judged.
  @Nullable package var note: String?
  /// The series window with the worst mean over replications: local start, and that mean.
  @Nullable package var worst_window_start: String?
  @Nullable package var worst_window_value: Double?

  package init(_ v: VerdictRecord) {
    territory = v.territory
    period = v.period
    request_class = v.requestClass == "all" ? nil : v.requestClass
    objective = v.objective
    target = v.target
    higher_is_better = v.higherIsBetter
    measured = Measured(
      mean: v.mean.isFinite ? v.mean : nil, half_width: v.halfWidth.flatMap { $0.isFinite ? $0 : nil })
    verdict = v.outcome
    note = v.note
    worst_window_start = v.worstWindowLocal
    worst_window_value = v.worstValue.flatMap { $0.isFinite ? $0 : nil }
  }
}
