import PlatformModel

/// A derived rule re-simulated on seeds the search did not use, as it is and under stress.
package struct Verification: Sendable {
  package enum Variant: String, Sendable, CaseIterable, Codable {
    case heldOut = "held-out seeds"
    case demand = "demand +20%"
    case slowDatabase = "database 25% slower"
    case crash = "an instance crash at the peak"
  }

  package var variant: Variant
  package var score: StrategyScore
  package var holds: Bool
  /// What broke it (failed verdicts, peak windows, reversals); empty when it holds.
  package var broke: [String]
}

extension AutoscaleSearch {
  /// Replications the verification uses: after every one the search may have used.
  package var heldOutReplications: Range<Int> { settings.maxReplications..<(settings.maxReplications + settings.heldOut) }

  /// Simulates `sizing` (a rule as read back from its manifest) on the held-out replications of
  /// the derivation's spans: as it is, with 20% more demand, with every query 25% slower, and
  /// with one instance crashing at each span's busiest moment.
  package func verify(_ sizing: Sizing, derivation d: PoolDerivation) -> [Verification] {
    let t = d.territory
    var judge = Judge(search: self, territory: t, base: base(t), spans: d.spans)
    let name = scenario.platform.territories[t].name
    let rates = base(t).offeredRates(territory: t)
    let peaks = d.spans.compactMap { span in
      rates.filter { $0.time >= span.from && $0.time < span.from + span.length }.max { $0.rate < $1.rate }?.time
    }
    return Verification.Variant.allCases.map { variant in
      progress?("\(name): verifying on \(variant.rawValue)")
      let score = judge.score(sizing, replications: heldOutReplications) { s in
        var s = s
        switch variant {
        case .heldOut: break
        case .demand: s.demand[t].growth *= 1.2
        case .slowDatabase:
          for q in s.platform.queryKinds.indices { s.platform.queryKinds[q].service = s.platform.queryKinds[q].service.scaled(by: 1.25) }
        case .crash: s.faults += peaks.map { .instanceCrash(territory: t, at: $0) }
        }
        return s
      }
      let broke = settings.shortfalls(score)
      return Verification(variant: variant, score: score, holds: broke.isEmpty, broke: broke)
    }
  }
}
