import RunRecords

/// A what-if set against its baseline: verdicts matched by territory, period, class and objective.
enum Comparison {
  struct Pair {
    var key: VerdictText.Key
    var baseline: VerdictRecord?
    var whatIf: VerdictRecord?

    var isChanged: Bool { baseline?.outcome.lowercased() != whatIf?.outcome.lowercased() }
    /// The what-if's outcome is worse than the baseline's (a missing verdict counts as neither).
    var isWorse: Bool {
      guard let b = baseline, let w = whatIf else { return false }
      return VerdictText.rank(w.outcome) > VerdictText.rank(b.outcome)
    }
    var isBetter: Bool {
      guard let b = baseline, let w = whatIf else { return false }
      return VerdictText.rank(w.outcome) < VerdictText.rank(b.outcome)
    }
    /// Listed in a short table: every verdict for all classes, and per-class verdicts that
    /// fail or are marginal in either run.
    var isListed: Bool {
      key.requestClass == "all" || [baseline, whatIf].contains { $0.map { VerdictText.rank($0.outcome) > 0 } ?? false }
    }
    var unit: VerdictText.Unit { .init(objective: key.objective) }
    var any: VerdictRecord { (baseline ?? whatIf)! }

    /// What-if minus baseline.
    var delta: Double? {
      guard let b = baseline, let w = whatIf else { return nil }
      return w.mean - b.mean
    }

    /// Whether the what-if moved the measure in the bad direction.
    var deltaIsWorse: Bool {
      guard let d = delta else { return false }
      return any.higherIsBetter ? d < 0 : d > 0
    }

    /// Whether the change is larger than the two runs' 95 % intervals together.
    ///
    /// Their half-widths added: the intervals do not overlap. The change must also show in the
    /// table at all. Without intervals (one replication) no change is told apart from noise.
    var isSignificant: Bool {
      guard let d = delta, unit.shows(d), let hb = baseline?.halfWidth, let hw = whatIf?.halfWidth,
        hb.isFinite, hw.isFinite
      else { return false }
      return abs(d) > hb + hw
    }

    /// The CSS class of the delta: coloured only when significant.
    var deltaClass: String {
      guard isSignificant else { return "delta-none" }
      return deltaIsWorse ? "delta-worse" : "delta-better"
    }
  }

  /// Baseline order, then verdicts only the what-if has.
  static func pairs(_ baseline: [VerdictRecord], _ whatIf: [VerdictRecord]) -> [Pair] {
    var byKey: [VerdictText.Key: VerdictRecord] = [:]
    for v in whatIf where byKey[.init(v)] == nil { byKey[.init(v)] = v }
    var seen = Set<VerdictText.Key>()
    var out: [Pair] = []
    for v in baseline where seen.insert(.init(v)).inserted {
      out.append(Pair(key: .init(v), baseline: v, whatIf: byKey[.init(v)]))
    }
    for v in whatIf where seen.insert(.init(v)).inserted {
      out.append(Pair(key: .init(v), baseline: nil, whatIf: v))
    }
    return out
  }

  /// Cost per month and territory in both runs, matched by month, territory and currency.
  struct CostRow {
    var month, territory, currency: String
    var baseline: Double
    var whatIf: Double
  }

  static func costRows(_ baseline: [CostRecord], _ whatIf: [CostRecord]) -> [CostRow] {
    struct Key: Hashable, Comparable {
      var month, territory, currency: String
      static func < (a: Key, b: Key) -> Bool { (a.month, a.territory, a.currency) < (b.month, b.territory, b.currency) }
    }
    var rows: [Key: (Double, Double)] = [:]
    for c in baseline {
      rows[Key(month: c.month, territory: c.territory, currency: c.currency), default: (0, 0)].0 +=
        c.instanceCost + c.databaseCost
    }
    for c in whatIf {
      rows[Key(month: c.month, territory: c.territory, currency: c.currency), default: (0, 0)].1 +=
        c.instanceCost + c.databaseCost
    }
    return rows.keys.sorted().map {
      CostRow(
        month: $0.month, territory: $0.territory, currency: $0.currency, baseline: rows[$0]!.0, whatIf: rows[$0]!.1)
    }
  }

  /// An event of either run, and which runs had it.
  struct Event {
    var event: EventRecord
    /// "both", "baseline" or "what-if".
    var runs: String
  }

  /// The events of both runs: those they share once, then those of one run only.
  static func events(_ baseline: [EventRecord], _ whatIf: [EventRecord]) -> [Event] {
    baseline.map { Event(event: $0, runs: whatIf.contains($0) ? "both" : "baseline") }
      + whatIf.filter { !baseline.contains($0) }.map { Event(event: $0, runs: "what-if") }
  }

  /// "+12.3 %" of the baseline, or "–" without one.
  static func relative(_ baseline: Double, _ whatIf: Double) -> String {
    guard baseline != 0 else { return "–" }
    let r = (whatIf - baseline) / abs(baseline)
    let text = Format.percent(abs(r))
    return (text == "0.0 %" ? "±" : r > 0 ? "+" : "−") + text
  }

  static func signed(_ d: Double, decimals: Int = 2) -> String {
    let text = Format.grouped(abs(d), decimals: decimals)
    return (text.contains { $0.isNumber && $0 != "0" } ? (d > 0 ? "+" : "−") : "±") + text
  }
}
