import Autoscaling

/// How long a pool takes to go from one count to another under an HPA's scale-up limits.
package enum RampLead {
  /// HPA syncs needed to go from `from` to `to` replicas when every sync proposes `to`:
  /// without `behavior` each sync may at most reach max(2x, 4) (horizontal.go
  /// `calculateScaleUpLimit`); with it, the most permissive (selectPolicy Max) or least
  /// permissive (Min) of the scale-up policies over their periods, one sync at a time
  /// (`calculateScaleUpLimitWithScalingRules`), and none at all when scale-up is Disabled.
  /// Nil when the pool can never get there.
  package static func syncs(from: Int, to: Int, behavior: Behavior?, syncPeriod: Double = 15) -> Int? {
    guard to > from else { return 0 }
    var current = max(from, 0)
    guard let behavior else {
      var n = 0
      while current < to {
        current = min(to, max(2 * current, 4))
        n += 1
      }
      return n
    }
    let rules = behavior.scaleUp.over(.defaultScaleUp)
    if rules.selectPolicy == .disabled { return nil }
    let policies = rules.policies ?? []
    guard !policies.isEmpty else { return nil }
    // Each scale event is remembered for its policy's period: the limit is the count at the
    // period's start plus what the policy allows, minus nothing (scale-ups only here).
    var history: [(time: Double, replicas: Int)] = [(0, current)]
    var n = 0
    var now = 0.0
    while current < to {
      n += 1
      now += syncPeriod
      var limits: [Int] = []
      for p in policies {
        let since = now - Double(p.periodSeconds)
        // The count at the period's start: the last event at or before it, else the first.
        let base = history.last { $0.time <= since }?.replicas ?? history[0].replicas
        switch p.type {
        case .pods: limits.append(base + p.value)
        case .percent: limits.append(Int(((1 + Double(p.value) / 100) * Double(base)).rounded(.up)))
        }
      }
      let limit = rules.selectPolicy == .min ? limits.min()! : limits.max()!
      let next = min(to, max(current, limit))
      if n > 10_000 { return nil }
      // At the limit until an earlier scale-up leaves the policy's period.
      guard next > current else { continue }
      current = next
      history.append((now, current))
    }
    return n
  }

  /// Seconds a cron window must open before the hour it is for: the scale-up syncs, KEDA's
  /// polling interval when the pool starts from 0 (its activity loop wakes it; from 1 or more
  /// the HPA reads the cron metric from KEDA's metrics server at each sync), and a new pod's
  /// way to Ready.
  package static func seconds(
    from: Int, to: Int, behavior: Behavior?, syncPeriod: Double = 15, pollingInterval: Double, podReady: Double
  ) -> Double? {
    syncs(from: from, to: to, behavior: behavior, syncPeriod: syncPeriod).map {
      Double($0) * syncPeriod + (from == 0 ? pollingInterval : 0) + podReady
    }
  }
}
