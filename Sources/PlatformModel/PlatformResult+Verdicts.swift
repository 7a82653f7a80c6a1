import SimStatistics

/// Replications of a platform scenario, and what they say about its service level objectives.
package struct PlatformResult: Sendable {
  package var scenario: PlatformScenario
  package var replications: [PlatformReplication]
  package var wallSeconds: Double

  package var periods: [String] { replications.first?.periods ?? ["normal"] }
}

/// A measured quantity judged against its target.
package enum Objective: String, Sendable, Codable, CaseIterable {
  case p95 = "p95 latency"
  case p99 = "p99 latency"
  case errorRate = "error rate"
  case databaseP95 = "database p95"
  case availability

  /// Whether a larger value is better (availability) or worse (the rest).
  package var higherIsBetter: Bool { self == .availability }
}

package struct Verdict: Sendable, Codable {
  package enum Outcome: String, Sendable, Codable {
    /// The whole confidence interval meets the target.
    case pass
    /// The mean meets the target, but the interval reaches beyond it (or there is none: one
    /// replication): more replications needed.
    case marginal
    /// The mean misses the target.
    case fail
    /// Measured, without a target.
    case info
    /// Measured against its target, but the class is waived: not judged (see `note`).
    case waived
  }

  package var territory: String
  package var period: String
  /// Nil for all classes together.
  package var requestClass: String?
  package var objective: Objective
  package var target: Double?
  package var measured: Estimate
  package var outcome: Outcome
  /// The series window (start in simulated seconds) with the worst mean over replications, and
  /// that mean.
  package var worstWindow: Double?
  package var worstValue: Double?
  /// Why a waived verdict is not judged.
  package var note: String?
}

extension PlatformResult {
  /// Verdicts per territory and period: every objective for all classes together, then p95 and
  /// error rate per request class. Periods without requests are left out.
  package func verdicts() -> [Verdict] {
    let objectives = scenario.objectives
    var out: [Verdict] = []
    let classes = scenario.platform.requestClasses.map(\.name)
    for (t, territory) in scenario.platform.territories.enumerated() {
      for (p, period) in periods.enumerated() {
        let results = replications.map { $0.territories[t].periods[p] }
        guard results.contains(where: { $0.counts.arrivals > 0 }) else { continue }
        let peak = scenario.isPeak(period: p, territory: t)
        // A class's share of the territory's requests: its worst window needs the 100 requests
        // of its own (a report's p95 of 5 requests at night is noise, not a worst hour).
        let mix = scenario.demand[t].mix
        let mixTotal = mix.reduce(0, +)
        func add(
          _ objective: Objective, _ target: Double?, requestClass: Int? = nil, _ value: (PeriodResult) -> Double?,
          window: ((WindowResult) -> Double?)? = nil
        ) {
          let values = results.compactMap(value)
          guard !values.isEmpty else { return }
          let estimate = Estimate(values)
          var verdict = Verdict(
            territory: territory.name, period: period, requestClass: requestClass.map { classes[$0] },
            objective: objective, target: target, measured: estimate,
            outcome: Self.outcome(estimate, target: target, higherIsBetter: objective.higherIsBetter))
          if let c = requestClass, let waiver = objectives.classes[classes[c]]?.waiver {
            verdict.outcome = .waived
            verdict.note = waiver
          }
          if let window {
            let share = requestClass.map { c in mixTotal > 0 && mix.indices.contains(c) ? mix[c] / mixTotal : 1 } ?? 1
            let worst = worstWindow(
              territory: t, period: p, higherIsBetter: objective.higherIsBetter, share: share, window)
            verdict.worstWindow = worst?.start
            verdict.worstValue = worst?.value
          }
          out.append(verdict)
        }
        add(.p95, objectives.p95(of: nil, peak: peak), { $0.latency.p95 }, window: { $0.latency.p95 })
        add(.p99, objectives.p99(of: nil, peak: peak), { $0.latency.p99 }, window: { $0.latency.p99 })
        // Error rate of all classes: of the judged ones, a waived class being out of judgement.
        let judged = classes.indices.filter { objectives.classes[classes[$0]]?.waiver == nil }
        add(
          .errorRate, objectives.errorRate,
          { r in
            var n = RequestCounts()
            for c in judged { n.add(r.classes[c]) }
            return n.completed + n.failed > 0 ? n.errorRate : nil
          },
          window: { w in
            let n = w.judgedCounts ?? w.counts
            return n.completed + n.failed > 0 ? n.errorRate : nil
          })
        add(.databaseP95, objectives.databaseP95, { $0.database.p95 }, window: { $0.databaseP95 })
        add(
          .availability, objectives.availability, { $0.availability },
          window: { $0.minutes > 0 ? Double($0.goodMinutes) / Double($0.minutes) : nil })
        for c in classes.indices {
          add(
            .p95, objectives.p95(of: classes[c], peak: peak), requestClass: c, { $0.classLatency[c].p95 },
            window: { $0.classP95[c] })
          if let p99 = objectives.p99(of: classes[c], peak: peak),
            objectives.classes[classes[c]]?.p99 != nil
              || objectives.classes[classes[c]]?.peakP99 != nil
          {
            add(.p99, p99, requestClass: c, { $0.classLatency[c].p99 })
          }
          add(
            .errorRate, objectives.errorRate(of: classes[c]), requestClass: c,
            { r in
              let n = r.classes[c]
              return n.completed + n.failed > 0 ? n.errorRate : nil
            })
        }
      }
    }
    return out
  }

  package static func outcome(_ e: Estimate, target: Double?, higherIsBetter: Bool) -> Verdict.Outcome {
    guard let target else { return .info }
    // One replication has no interval: its mean meeting the target is not "the whole interval
    // meets it", so it is marginal.
    let h = e.halfWidth ?? .infinity
    if higherIsBetter {
      if e.mean < target { return .fail }
      return e.mean - h >= target ? .pass : .marginal
    }
    if e.mean > target { return .fail }
    return e.mean + h <= target ? .pass : .marginal
  }

  /// Windows with fewer requests than this (mean over replications) are not candidates for the
  /// worst window: a night hour's p95 of a dozen requests says little.
  package static let worstWindowMinimumRequests = 100.0

  /// The window of `period` whose value, averaged over replications, is worst.
  /// - Parameter share: the part of the window's requests the value is of (a class's mix share).
  func worstWindow(
    territory t: Int, period p: Int, higherIsBetter: Bool, share: Double = 1, _ value: (WindowResult) -> Double?
  ) -> (start: Double, value: Double)? {
    guard let first = replications.first else { return nil }
    var worst: (start: Double, value: Double)? = nil
    for w in first.territories[t].windows.indices where first.territories[t].windows[w].period == p {
      let requests = replications.map { r in
        r.territories[t].windows.indices.contains(w) ? Double(r.territories[t].windows[w].counts.arrivals) : 0
      }
      guard requests.reduce(0, +) / Double(requests.count) * share >= Self.worstWindowMinimumRequests else { continue }
      let values = replications.compactMap { r in
        r.territories[t].windows.indices.contains(w) ? value(r.territories[t].windows[w]) : nil
      }
      guard !values.isEmpty else { continue }
      let mean = values.reduce(0, +) / Double(values.count)
      if let current = worst, higherIsBetter ? mean >= current.value : mean <= current.value { continue }
      worst = (first.territories[t].windows[w].start, mean)
    }
    return worst
  }

  /// Database node-hours and their price over the run, per node.
  package func databaseCost() -> [(node: String, hours: Double, cost: Double, currency: String)] {
    let hours = scenario.horizon / 3_600
    return scenario.platform.databases.map { ($0.name, hours, hours * $0.pricePerHour, $0.currency) }
  }
}
