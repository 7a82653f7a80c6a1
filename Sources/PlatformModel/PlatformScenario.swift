import Demand
import Foundation
import SimRandom

/// A platform run: the platform (overrides applied), demand per territory over a local
/// calendar, faults, scheduled capacity, service level objectives and the run settings.
package struct PlatformScenario: Sendable {
  package var name: String
  package var platform: Platform
  /// One per territory, in the platform's territory order.
  package var demand: [TerritoryDemand]
  package var faults: [Fault]
  package var capacity: [CapacityChange]
  /// At most one per territory; a territory with one has no `capacity` changes.
  package var autoscalers: [PoolAutoscaler] = []
  package var metricsPipeline = MetricsPipeline()
  package var objectives: ServiceObjectives
  /// Simulated seconds from the calendar's start instant.
  package var horizon: Double
  /// Requests arriving before this are not measured.
  package var warmup: Double
  /// Length of a series window (an hour unless told otherwise).
  package var seriesInterval: Double
  package var replications: Int
  package var seed: UInt64
  /// Whether requests in flight at the horizon may finish (up to the longest app timeout) and
  /// count; false stops the run at the horizon, as `pgbench -T` does.
  package var drains = true
  /// Request by request throughout, or hybrid (analytic where the load is steady, see the
  /// Hybrid module).
  package var mode: RunMode = .request
  /// The files it was read from: scenario files (a what-if first, then its base) and the
  /// topology. Empty when built in code.
  package var scenarioFiles: [String] = []
  /// The Kubernetes files its autoscalers were read from (`autoscaler:` and `--autoscaler`).
  package var manifestFiles: [String] = []
  package var topologyFile = ""
  /// The scenario file's `calendar:`, whose time zone its date-times (faults, `capacity:`) are
  /// read in; a territory's demand calendar has the territory's zone. Nil when built in code.
  package var fileCalendar: DemandCalendar? = nil

  package init(
    name: String, platform: Platform, demand: [TerritoryDemand], faults: [Fault] = [],
    capacity: [CapacityChange] = [], objectives: ServiceObjectives = ServiceObjectives(), horizon: Double,
    warmup: Double = 0, seriesInterval: Double = 3_600, replications: Int = 5, seed: UInt64 = 1
  ) {
    self.name = name
    self.platform = platform
    self.demand = demand
    self.faults = faults
    self.capacity = capacity
    self.objectives = objectives
    self.horizon = horizon
    self.warmup = warmup
    self.seriesInterval = seriesInterval
    self.replications = replications
    self.seed = seed
  }
}

/// How a platform run advances time.
package enum RunMode: String, Sendable, CaseIterable {
  /// Every request simulated.
  case request
  /// Steady stretches computed by a queueing model, the rest simulated (the Hybrid module).
  case hybrid
}

/// How much a territory asks of the platform over time.
package struct TerritoryDemand: Sendable {
  package enum Base: Sendable {
    /// Concurrent users at a multiplier of 1, each thinking between requests.
    case users(Int, think: Distribution)
    /// Requests per second at a multiplier of 1 (Poisson).
    case rate(Double)
  }

  package var base: Base
  /// What-if growth: multiplies users or rate.
  package var growth: Double
  /// Weight of each request class, in `Platform.requestClasses` order (need not sum to 1).
  package var mix: [Double]
  /// Day, week and seasons in the territory's local time; the multiplier scales `base`.
  /// Nil: constant demand at the base level.
  package var calendar: DemandCalendar?

  package init(base: Base, growth: Double = 1, mix: [Double], calendar: DemandCalendar? = nil) {
    self.base = base
    self.growth = growth
    self.mix = mix
    self.calendar = calendar
  }
}

/// Something that goes wrong (or is done to the platform) during a run. Times are simulated
/// seconds from the start.
package enum Fault: Sendable {
  /// Every app instance of the territory crashes after exponential up-times (mean `mtbf`) and
  /// is back after exponential repairs (mean `mttr`) plus its start-up time.
  case instanceCrashes(territory: Int, mtbf: Double, mttr: Double)
  /// A replica is unreachable from `at` for `duration`.
  case replicaDown(node: Int, at: Double, duration: Double)
  /// The primary fails at `at`; after `detection` + `promotion` its first healthy replica is
  /// the new primary. Writes (and reads sent to the primary) fail meanwhile.
  case primaryFailover(node: Int, at: Double, detection: Double, promotion: Double)
  /// All of a territory's instances are down from `at` for `duration`. With `failoverTo`, its
  /// requests go to that territory's instances from `at + failoverDelay` until it is back.
  case territoryOutage(territory: Int, at: Double, duration: Double, failoverTo: Int?, failoverDelay: Double)
  /// A rolling deployment from `at`: `batch` instances at a time leave the rotation, drain,
  /// restart (start-up time) and rejoin before the next batch goes.
  case deployment(territory: Int, at: Double, batch: Int)
  /// One serving instance of the territory crashes at `at` with the requests on it; the
  /// balancer notices at its next health check, and the instance restarts then (a pod's
  /// container restarted by its kubelet), taking traffic after its start-up time.
  case instanceCrash(territory: Int, at: Double)
}

/// A scheduled change of a territory's instance count (what a cron scaler does). New instances
/// take traffic after their start-up time; removed ones drain first.
package struct CapacityChange: Sendable {
  package var territory: Int
  package var at: Double
  package var instances: Int

  package init(territory: Int, at: Double, instances: Int) {
    self.territory = territory
    self.at = at
    self.instances = instances
  }
}

/// Targets a run is judged against. Defaults are the platform's: p95 < 200 ms at normal load
/// and < 450 ms in a season, errors < 2%, database p95 < 50 ms, availability 99.9%.
package struct ServiceObjectives: Sendable, Hashable {
  package var p95: Double = 0.200
  package var peakP95: Double = 0.450
  /// No platform default: reported without a verdict unless set.
  package var p99: Double? = nil
  package var peakP99: Double? = nil
  package var errorRate: Double = 0.02
  package var databaseP95: Double = 0.050
  package var availability: Double = 0.999
  /// A minute counts as available when at most this share of its requests failed.
  package var badMinuteErrorRate: Double = 0.05
  /// Targets of single request classes, by class name, in place of the ones above.
  package var classes: [String: ClassObjectives] = [:]

  package init() {}

  /// The p95 target of a class (nil: all classes) in normal load or in a season.
  package func p95(of requestClass: String?, peak: Bool) -> Double? {
    let own = requestClass.flatMap { classes[$0] }
    return peak ? own?.peakP95 ?? peakP95 : own?.p95 ?? p95
  }

  /// The p99 target of a class (nil: all classes), if any.
  package func p99(of requestClass: String?, peak: Bool) -> Double? {
    let own = requestClass.flatMap { classes[$0] }
    return peak ? own?.peakP99 ?? peakP99 : own?.p99 ?? p99
  }

  /// The error-rate target of a class (nil: all classes).
  package func errorRate(of requestClass: String?) -> Double {
    requestClass.flatMap { classes[$0]?.errorRate } ?? errorRate
  }
}

/// One request class's own objectives: each target left nil is the platform's; a waiver keeps
/// the class out of judgement (its verdicts are reported, marked waived, with the reason).
package struct ClassObjectives: Sendable, Hashable {
  package var p95: Double?
  package var peakP95: Double?
  package var p99: Double?
  package var peakP99: Double?
  package var errorRate: Double?
  /// Why the class is not judged, shown with each of its verdicts; nil when it is.
  package var waiver: String?

  package init(
    p95: Double? = nil, peakP95: Double? = nil, p99: Double? = nil, peakP99: Double? = nil, errorRate: Double? = nil,
    waiver: String? = nil
  ) {
    self.p95 = p95
    self.peakP95 = peakP95
    self.p99 = p99
    self.peakP99 = peakP99
    self.errorRate = errorRate
    self.waiver = waiver
  }
}
