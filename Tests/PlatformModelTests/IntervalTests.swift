import Foundation
import PlatformModel
import SimRandom
import Testing

/// Confidence intervals that say what the replications say.
@Suite struct IntervalTests {
  /// A territory whose p95 barely moves between replications: lognormal CPU times (mean 100 ms,
  /// 10% coefficient of variation), no queueing to speak of (16 instances of 8 workers at 6
  /// requests/s), 15,000 requests measured a replication, so p95 varies by about 0.2% while a
  /// coarse histogram bucket is 1.6% wide. Its spread is known: latency is the CPU time, and a
  /// sample quantile of n values has standard deviation sqrt(p (1 - p) / n) / f(x_p) (Serfling
  /// 1980, 2.3.3), here 0.20 ms. Under 50 seeds of 5 replications the half-width a verdict
  /// reports for p95, averaged over seeds, must be within a factor of 1.5 of t(0.975, 4) x that
  /// spread / sqrt(5), and of the same taken from the standard deviation of the 50 means. (The
  /// factor leaves room for the 50-seed estimate, about +-10%, and the interpolation inside a
  /// bucket.) With bucket midpoints the check fails: replications jump between buckets or share
  /// one, and the reported half-width was 2.3 times the known one, with some seeds at +-0.
  @Test func p95HalfWidthMatchesTheSpreadOverSeeds() throws {
    var means: [Double] = []
    var halfWidths: [Double] = []
    var zero = 0
    for seed in 1...50 {
      let scenario = Build.scenario(
        territories: [Build.territory("DE", instances: 16, workers: 8, policy: .random)],
        databases: [DatabaseNode(name: "db", cores: 1, maxConnections: 10_000)], kinds: [],
        classes: [RequestClass(name: "api", cpu: try Distribution.lognormal(mean: 0.1, cv: 0.1), queries: [])],
        demand: [TerritoryDemand(base: .rate(6), mix: [1])], horizon: 2_520, warmup: 20, replications: 5,
        seed: UInt64(seed))
      let verdicts = PlatformRun(scenario: scenario).run(threads: 2).verdicts()
      let p95 = try #require(verdicts.first { $0.objective == .p95 && $0.requestClass == nil })
      means.append(p95.measured.mean)
      let h = try #require(p95.measured.halfWidth)
      halfWidths.append(h)
      if h == 0 { zero += 1 }
    }
    let average = means.reduce(0, +) / Double(means.count)
    let sd = (means.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(means.count - 1)).squareRoot()
    let expected = 2.7764451 * sd  // t(0.975, 4) x the standard deviation of a 5-replication mean
    let reported = halfWidths.reduce(0, +) / Double(halfWidths.count)
    // The known spread of one replication's p95, from the lognormal's quantile and density.
    let sigma = (log(1 + 0.1 * 0.1)).squareRoot()
    let p95 = exp(log(0.1) - sigma * sigma / 2 + 1.6448536 * sigma)
    let density = exp(-1.6448536 * 1.6448536 / 2) / (2 * Double.pi).squareRoot() / (p95 * sigma)
    let known = 2.7764451 * (0.95 * 0.05 / 15_000).squareRoot() / density / 5.0.squareRoot()
    print(
      "p95 \(average * 1000) ms (exact \(p95 * 1000)): half-width reported \(reported * 1000) ms on average, "
        + "known \(known * 1000) ms, from the spread over seeds \(expected * 1000) ms, \(zero) of 50 at +-0")
    #expect(reported / known > 1 / 1.5 && reported / known < 1.5, "reported \(reported), known \(known)")
    #expect(reported / expected > 1 / 1.5 && reported / expected < 1.5, "reported \(reported), over seeds \(expected)")
    #expect(zero == 0)
  }
}

/// Objectives of single request classes, and waivers.
@Suite struct ClassObjectiveTests {
  /// Two classes: a fast API call (10 ms) and a slow report (300 ms) on an idle territory.
  static func scenario(_ objectives: ServiceObjectives) -> PlatformScenario {
    var s = Build.scenario(
      territories: [Build.territory("DE", instances: 4, workers: 8, policy: .random)],
      databases: [DatabaseNode(name: "db", cores: 1, maxConnections: 10_000)], kinds: [],
      classes: [
        RequestClass(name: "api", cpu: Build.deterministic(0.010), queries: []),
        RequestClass(name: "report", cpu: Build.deterministic(0.300), queries: []),
      ],
      demand: [TerritoryDemand(base: .rate(5), mix: [0.9, 0.1])], horizon: 600, replications: 3)
    s.objectives = objectives
    return s
  }

  static func verdict(_ verdicts: [Verdict], _ objective: Objective, _ requestClass: String?) -> Verdict? {
    verdicts.first { $0.objective == objective && $0.requestClass == requestClass }
  }

  @Test func aClassTargetReplacesThePlatformsForThatClassOnly() throws {
    // The platform's 200 ms fails the report class; its own 1 s passes it, and the API class
    // keeps 200 ms.
    let plain = PlatformRun(scenario: Self.scenario(ServiceObjectives())).run().verdicts()
    #expect(Self.verdict(plain, .p95, "report")?.outcome == .fail)
    var objectives = ServiceObjectives()
    objectives.classes["report"] = ClassObjectives(p95: 1, peakP95: 2, p99: 1.5)
    let own = PlatformRun(scenario: Self.scenario(objectives)).run().verdicts()
    let report = try #require(Self.verdict(own, .p95, "report"))
    #expect(report.outcome == .pass && report.target == 1)
    #expect(Self.verdict(own, .p95, "api")?.target == 0.2)
    #expect(Self.verdict(own, .p99, "report")?.target == 1.5)
    #expect(Self.verdict(own, .p99, "api") == nil)
  }

  @Test func aWaivedClassIsMeasuredButNotJudged() throws {
    var objectives = ServiceObjectives()
    objectives.classes["report"] = ClassObjectives(waiver: "reports run in the background from Q2")
    let verdicts = PlatformRun(scenario: Self.scenario(objectives)).run().verdicts()
    let report = try #require(Self.verdict(verdicts, .p95, "report"))
    #expect(report.outcome == .waived && report.note == "reports run in the background from Q2")
    #expect(report.measured.mean > 0.29)
    #expect(!verdicts.contains { $0.outcome == .fail })
  }

  /// The error-rate verdict of all classes leaves a waived class out, and so does its worst
  /// window: here every report times out (300 ms of CPU, a 200 ms timeout) and no API call
  /// does; the worst window read 10% (the reports' share) beside a verdict of 0%.
  @Test func aWaivedClassIsLeftOutOfTheWorstWindowToo() throws {
    var objectives = ServiceObjectives()
    objectives.classes["report"] = ClassObjectives(waiver: "reports run in the background from Q2")
    var scenario = Self.scenario(objectives)
    scenario.platform.territories[0].app.timeout = 0.2
    let result = PlatformRun(scenario: scenario).run()
    #expect(result.replications[0].territories[0].periods[0].classes[1].failed > 100)
    let errors = try #require(Self.verdict(result.verdicts(), .errorRate, nil))
    #expect(errors.measured.mean == 0)
    #expect(errors.worstValue == 0, "\(String(describing: errors.worstValue))")
  }
}
