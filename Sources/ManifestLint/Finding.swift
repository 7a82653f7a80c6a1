/// One thing the linter found, where it is written.
package struct Finding: Hashable, Sendable {
  package enum Severity: String, Hashable, Sendable {
    case error, warning, note
  }

  package var rule: Rule
  package var severity: Severity
  package var file: String
  /// 1-based, in Unicode scalars as every capsim diagnostic.
  package var line: Int
  package var column: Int
  package var keyPath: String
  package var message: String
}

/// The traps the linter knows, each with the public issue it comes from.
package enum Rule: String, CaseIterable, Hashable, Sendable {
  case invalid = "invalid-manifest"
  case noAutoscaler = "no-autoscaler"
  case minAboveMax = "min-above-max"
  case targetOutOfRange = "target-out-of-range"
  case cronOpenWithoutStart = "cron-open-without-start"
  case cronInGap = "cron-in-spring-forward-gap"
  case cooldownOnlyToZero = "cooldown-only-to-zero"
  case cpuIsNotActivity = "cpu-trigger-not-activity"
  case completedRequestsCannotWake = "completed-requests-cannot-wake"
  case deploymentReplicas = "deployment-replicas"
  case connectionLimit = "max-replicas-over-connections"
  case cronEndsBeforePeak = "cron-ends-before-peak"
  case cronOutsideRange = "cron-replicas-outside-range"
  case cronForAnotherSpan = "cron-derived-for-another-span"
  case rampOutrunsPool = "ramp-outruns-pool"

  /// One line, for a rule list.
  package var summary: String {
    switch self {
    case .invalid: "The manifest is not one capsim can read or simulate"
    case .noAutoscaler: "A file with no HorizontalPodAutoscaler or ScaledObject"
    case .minAboveMax: "The minimum replica count is above the maximum"
    case .targetOutOfRange: "A CPU utilization target outside 1-100% of the request"
    case .cronOpenWithoutStart: "A cron window KEDA keeps open though no start opened it"
    case .cronInGap: "A cron start or end in the spring-forward gap, which the cron library skips"
    case .cooldownOnlyToZero: "cooldownPeriod set as if it governed scaling down to N > 0"
    case .cpuIsNotActivity: "A cpu trigger beside other triggers with minReplicaCount 0: cpu keeps nothing awake"
    case .completedRequestsCannotWake:
      "With minReplicaCount 0, only triggers over requests the app completed: at 0 pods none complete, so nothing wakes the pool"
    case .deploymentReplicas: "A Deployment with replicas: under an autoscaler"
    case .connectionLimit: "maxReplicas pods would open more database connections than the database takes"
    case .cronEndsBeforePeak: "A cron window that closes while the day's peak demand goes on"
    case .cronOutsideRange: "A cron window's desiredReplicas above maxReplicaCount, or not above minReplicaCount"
    case .cronForAnotherSpan: "Cron windows capsim autoscale derived for another span than the one linted"
    case .rampOutrunsPool:
      "Scale-up limits, a scale-down window, a cron end, a target or maxReplicas that let a demand ramp outrun the pool"
    }
  }

  /// Why it matters and where it is known from.
  package var help: String {
    switch self {
    case .invalid:
      "capsim reads HorizontalPodAutoscaler autoscaling/v2 and ScaledObject keda.sh/v1alpha1 strictly: an unknown field, a wrong type, an impossible value or a feature capsim does not simulate."
    case .noAutoscaler:
      "A file given to lint that holds no HorizontalPodAutoscaler or ScaledObject (empty, or only a Deployment) was checked for nothing: most likely the wrong file, or the autoscaler is in another one."
    case .minAboveMax:
      "The API server refuses an HPA whose minReplicas exceeds maxReplicas; KEDA refuses such a ScaledObject."
    case .targetOutOfRange:
      "averageUtilization is a percentage of the pods' CPU request: below 1 is refused, above 100 runs pods past their request and leaves no headroom for a ramp."
    case .cronOpenWithoutStart:
      "KEDA's cron scaler is active exactly when the next end comes before the next start. A weekday start with a daily end therefore keeps the window open from Friday's end over the weekend (kedacore/keda#4677)."
    case .cronInGap:
      "robfig/cron v3, under KEDA's cron scaler, skips a firing whose wall time does not exist on the day the clocks spring forward (robfig/cron#541): with a start skipped there the window is open from the day before until that day's end (the next end comes before the next start), with an end skipped there it stays shut that day (the next start comes first)."
    case .cooldownOnlyToZero:
      "KEDA's cooldownPeriod governs only scaling to 0 (from any count, with minReplicaCount 0). With minReplicaCount 1 or more it governs nothing: scaling from N down to minReplicaCount (after a cron window ends, say) follows the HPA's scale-down stabilization window, 300 s unless advanced.horizontalPodAutoscalerConfig.behavior.scaleDown sets it (kedacore/keda#6844, #5688)."
    case .cpuIsNotActivity:
      "KEDA counts only External metrics as activity (pkg/scaling/scale_handler.go skips Resource metrics; only a ScaledObject whose triggers are all cpu or memory is always active). With minReplicaCount 0, once the other triggers have been inactive for cooldownPeriod the pool goes to 0 however busy its pods are, and cpu never wakes it."
    case .completedRequestsCannotWake:
      "A series the app exports (capsim_requests_total, capsim_requests_per_second; on a cluster, the app's own request counter) counts requests the pods completed: with no pod there is nothing to count, the trigger reads 0, stays inactive, and KEDA never scales the pool up from 0. A counter at the ingress (capsim_ingress_requests_total; nginx_ingress_controller_requests on a cluster) counts the requests that arrive, failed ones included, and wakes it; so does a cron window. Else keep minReplicaCount: 1."
    case .deploymentReplicas:
      "kubectl apply of a Deployment that still sets spec.replicas resets an autoscaled pool to that count on every apply (kubernetes/kubernetes#25238); leave replicas out once an autoscaler owns the Deployment."
    case .connectionLimit:
      "Each pod opens the pool's connections to its database nodes; at maxReplicas the total must stay within max_connections (less what other pools sharing the nodes hold), or new pods fail to connect exactly when the load is highest. Needs --scenario."
    case .cronEndsBeforePeak:
      "A cron window is a floor for the hours it covers; closing it while the day's demand is still near its peak leaves the peak to the reactive path (metrics delay, scale-up limits, pod start-up), and the floor was paid for hours that needed it less. Needs --scenario."
    case .cronOutsideRange:
      "KEDA feeds a cron window's desiredReplicas to the HPA it manages as a metric, and the HPA keeps its answer within minReplicaCount..maxReplicaCount: a window above the maximum holds only the maximum, one at or below the minimum changes nothing."
    case .cronForAnotherSpan:
      "capsim autoscale names days of the month in its cron windows (the Mondays of December 2026 are 7,14,21,28) and says in the header which span it derived them for. KEDA fires them every year, and in another year those days are other weekdays: linted over a span that misses the derived one, or that reaches more than 14 hours into its dates in another year (the default span, a year from today, does for a derivation of this calendar year), they are flagged; derive them again for that span."
    case .rampOutrunsPool:
      "The scenario's demand (a season's morning ramp goes to 5x) is replayed through the manifest's own controller as a fluid, without noise: pods report the cpu the demand gives them, the controller decides every 15 s with its stabilization windows, scale-up policies, readiness rules and cron windows, and a new pod serves after scheduling, start-up and readiness delay. Flagged when the demand stays above what the ready pods serve at full cpu for a minute or more: a real ramp, with noise, fares worse. At the field that held the pool back: maxReplicas; a cron window's end or the scale-down stabilization window when the pool let go, just before, the pods the ramp needed; a scale-up policy or window; else the target. Needs --scenario."
    }
  }
}
