import Foundation
import Hybrid
import PlatformModel
import ScenarioFile
import Testing

/// A shipped scenario, shortened so that its request-level run takes seconds.
struct ShortScenario: CustomTestStringConvertible, Sendable {
  var name: String
  var file: String
  var settings: [String]
  var testDescription: String { name }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func load() throws -> PlatformScenario {
    let path = Self.root.appendingPathComponent("scenarios/\(file)").path
    return try ScenarioFile.loadPlatform(path: path, settings: settings).0
  }
}

/// The hybrid mode against the request-level run of the same scenario and seed: the accuracy
/// goal of the mode (every verdict equal; p95 per window and cost within 5%; utilization within
/// 2 points).
///
/// Tolerances: the request-level p95 of a window is itself an estimate; over the windows
/// compared (at least 20,000 completions over the replications) its standard error is under 1%
/// (binomial count at the 95th percentile, lognormal-like tails), so a 5% band leaves the
/// model's error at least 4 points. Utilization and cost are time averages with negligible
/// noise at these counts.
@Suite struct HybridAccuracyTests {
  static let cases: [ShortScenario] = [
    ShortScenario(
      name: "Christmas, Monday and Tuesday", file: "platform-christmas-2026.yaml",
      settings: ["calendar.end=2026-12-09", "run.replications=2"]),
    ShortScenario(
      name: "normal week, Friday to Sunday", file: "platform-normal-week.yaml",
      settings: ["calendar.start=2026-03-06", "run.replications=2"]),
    // A fault: the hours around it run request by request.
    ShortScenario(
      name: "Oktoberfest Tuesday, a replica lost 08:00-14:00", file: "platform-oktoberfest-replica-lost.yaml",
      settings: ["calendar.start=2026-09-15", "calendar.end=2026-09-16", "run.replications=2"]),
    // Queries wait on 2-core replicas (20-45% busy): the model's database p95 was 40-70% high
    // there (its verdict marginal, request level's a pass), so those hours run request by request.
    ShortScenario(
      name: "Christmas Monday, 2-core DE replicas", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.end=2026-12-08", "run.replications=2", "databases.de-replica-1.cores=2",
        "databases.de-replica-2.cores=2",
      ]),
    // CPU phases wait at few-core instances (the same 24 DE cores as 2-core instances, 60-70%
    // busy; the working day, where they wait): pooling the instances as the balancer's model put computed hours' p95 3-6% low.
    ShortScenario(
      name: "Christmas Monday, six 2-core DE instances", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.start=2026-12-07T08:00", "calendar.end=2026-12-07T17:00", "run.replications=2",
        "territories.DE.app.cores=2", "territories.DE.app.instances=6",
      ]),
    // The same with the shipped 4-core instances 75-81% busy, below the 85% switch: 5-8% low.
    ShortScenario(
      name: "Christmas Monday, DE demand x1.2", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.start=2026-12-07T08:00", "calendar.end=2026-12-07T17:00", "run.replications=2",
        "demand.DE.growth=1.2",
      ]),
    // One database connection an instance: the pool waits for connections, which the model
    // pooled over the instances (p95 222 ms computed, 267 ms simulated: a FAIL read as a pass).
    ShortScenario(
      name: "Christmas Tuesday, one connection an instance", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.start=2026-12-08T08:00", "calendar.end=2026-12-08T14:00", "run.replications=2",
        "territories.DE.app.connections=1", "slo.peakP95=250ms",
      ]),
  ]

  /// The scenario run request by request and hybrid, same seed, two threads.
  static func bothModes(_ scenario: PlatformScenario) -> (request: PlatformResult, hybrid: PlatformResult) {
    var h = scenario
    h.mode = .hybrid
    return (
      PlatformRun(scenario: scenario).run(threads: 2), PlatformRun(scenario: h, driver: HybridDriver()).run(threads: 2)
    )
  }

  /// Every verdict of `hybrid` is the request-level run's.
  static func expectSameVerdicts(_ request: PlatformResult, _ hybrid: PlatformResult) {
    let key = { (v: Verdict) in "\(v.territory) \(v.period) \(v.requestClass ?? "all") \(v.objective)" }
    let expected = Dictionary(uniqueKeysWithValues: request.verdicts().map { (key($0), $0.outcome) })
    for v in hybrid.verdicts() {
      #expect(
        expected[key(v)] == v.outcome, "\(key(v)): \(v.outcome), request level \(String(describing: expected[key(v)]))")
    }
  }

  @Test(arguments: cases)
  func hybridAgreesWithRequestLevel(_ c: ShortScenario) throws {
    // Given a scenario run request by request and hybrid, same seed
    let scenario = try c.load()
    let (request, hybrid) = Self.bothModes(scenario)
    // Then most of it was computed, and the verdicts are the same
    let windows = hybrid.replications.flatMap { $0.territories.flatMap(\.windows) }
    let fluid = windows.filter { $0.mode == .fluid }.count
    #expect(fluid * 2 >= windows.count, "\(fluid) of \(windows.count) windows computed")
    Self.expectSameVerdicts(request, hybrid)
    // And p95 per busy window, utilization and cost are close: within issue 11's accuracy goal
    // (utilization 2 points, p95 and cost 5%), which is the tolerance, not one derived from noise
    for t in scenario.platform.territories.indices {
      let a = request.replications.map { $0.territories[t] }
      let b = hybrid.replications.map { $0.territories[t] }
      for w in a[0].windows.indices {
        let completions = a.reduce(0) { $0 + $1.windows[w].counts.completed }
        let cpuA = a.reduce(0) { $0 + $1.windows[w].cpuUtilization } / Double(a.count)
        let cpuB = b.reduce(0) { $0 + $1.windows[w].cpuUtilization } / Double(b.count)
        #expect(abs(cpuA - cpuB) <= 0.02, "territory \(t) window \(w): CPU \(cpuB) vs \(cpuA)")
        let workersA = a.reduce(0) { $0 + $1.windows[w].workerUtilization } / Double(a.count)
        let workersB = b.reduce(0) { $0 + $1.windows[w].workerUtilization } / Double(b.count)
        #expect(abs(workersA - workersB) <= 0.02, "territory \(t) window \(w): workers \(workersB) vs \(workersA)")
        guard completions >= 20_000 else { continue }
        let p95A = a.compactMap { $0.windows[w].latency.p95 }.reduce(0, +) / Double(a.count)
        let p95B = b.compactMap { $0.windows[w].latency.p95 }.reduce(0, +) / Double(b.count)
        #expect(
          abs(p95B - p95A) <= 0.05 * p95A,
          "territory \(t) window \(w) (\(b[0].windows[w].mode.map(\.rawValue) ?? "-")): p95 \(p95B) vs \(p95A)")
      }
      let costA = a.reduce(0) { $0 + $1.cost.instanceCost }
      let costB = b.reduce(0) { $0 + $1.cost.instanceCost }
      #expect(abs(costB - costA) <= 0.05 * costA, "territory \(t): cost \(costB) vs \(costA)")
    }
  }

  /// One 4-core CH instance 54-65% busy (growth 5): its busy hours' p95 within 5% of request
  /// level's. With the CPU phases' waits drawn apart (their sum's tail too light) 7 of 15 were
  /// 6-10% low. (Verdicts are not compared: with two replications the hybrid interval, from 512
  /// samples an hour, is wider, and the all-classes p95 can read marginal where request level
  /// reads pass.)
  @Test func aSingleInstancesP95IsKept() throws {
    let scenario = try ShortScenario(
      name: "normal Monday, one CH instance, CH x5", file: "platform-normal-week.yaml",
      settings: [
        "calendar.end=2026-03-03", "run.replications=2", "territories.CH.app.instances=1", "demand.CH.growth=5",
      ]
    ).load()
    let (request, hybrid) = Self.bothModes(scenario)
    let ch = try #require(scenario.platform.territories.firstIndex { $0.name == "CH" })
    let a = request.replications.map { $0.territories[ch] }
    let b = hybrid.replications.map { $0.territories[ch] }
    var compared = 0
    for w in a[0].windows.indices where a.reduce(0, { $0 + $1.windows[w].counts.completed }) >= 20_000 {
      let p95A = a.compactMap { $0.windows[w].latency.p95 }.reduce(0, +) / Double(a.count)
      let p95B = b.compactMap { $0.windows[w].latency.p95 }.reduce(0, +) / Double(b.count)
      #expect(
        abs(p95B - p95A) <= 0.05 * p95A,
        "window \(w) (\(b[0].windows[w].mode.map(\.rawValue) ?? "-")): p95 \(p95B) vs \(p95A)")
      compared += 1
    }
    #expect(compared >= 10)
  }

  /// What-ifs where requests fail at an instance (a full work queue, no connection in time, the
  /// app's timeout) or the warm-up ends inside an hour: the model has none of the first two, its
  /// timeouts mark no minute bad, and a computed hour is measured whole. Those hours run
  /// request by request, so the verdicts (error rate, availability) are request level's. Before,
  /// the error rates came out at 0.02% against 2.46% and 0.06% against 14.3%, availability
  /// 100% against 33%, and a warm-up ending at 09:30 counted 32% more requests.
  static let failing: [ShortScenario] = [
    ShortScenario(
      name: "a full work queue", file: "platform-normal-week.yaml",
      settings: [
        "calendar.end=2026-03-03", "run.replications=2", "territories.DE.app.workers=4",
        "territories.DE.app.queueLimit=0", "demand.DE.growth=3.8",
      ]),
    ShortScenario(
      name: "one connection, 5 ms to get it", file: "platform-normal-week.yaml",
      settings: [
        "calendar.end=2026-03-03", "run.replications=2", "territories.DE.app.connections=1",
        "territories.DE.app.connectionTimeout=5ms", "demand.DE.growth=3",
      ]),
    ShortScenario(
      name: "a 150 ms timeout", file: "platform-normal-week.yaml",
      settings: ["calendar.end=2026-03-03", "run.replications=2", "territories.DE.app.timeout=150ms"]),
    ShortScenario(
      name: "a warm-up ending at 09:30", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.start=2026-12-07T09:00", "calendar.end=2026-12-07T11:00", "run.warmup=30min",
        "run.replications=2",
      ]),
  ]

  @Test(arguments: failing)
  func failuresAndTheWarmupRunRequestByRequest(_ c: ShortScenario) throws {
    let scenario = try c.load()
    let (request, hybrid) = Self.bothModes(scenario)
    Self.expectSameVerdicts(request, hybrid)
    for t in scenario.platform.territories.indices {
      let a = request.replications.reduce(0) { $0 + $1.territories[t].periods.reduce(0) { $0 + $1.counts.arrivals } }
      let b = hybrid.replications.reduce(0) { $0 + $1.territories[t].periods.reduce(0) { $0 + $1.counts.arrivals } }
      #expect(abs(Double(b) / Double(a) - 1) < 0.01, "territory \(t): \(b) requests measured, request level \(a)")
    }
  }

  /// A territory whose app has a load factor runs request by request throughout (the tier model
  /// serves at one speed), and so gives the request-level numbers. A tenth of the users keeps
  /// the two runs short: the rule does not depend on the load.
  @Test func aLoadFactorKeepsItsTerritoryRequestByRequest() throws {
    var s = try ShortScenario(
      name: "Christmas Monday, DE's CPU slowing", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.end=2026-12-08", "run.replications=1", "demand.DE.users=80", "demand.CH.users=25",
        "territories.DE.app.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 4, factor: 1.4}]",
      ]
    ).load()
    let request = PlatformRun(scenario: s).run(threads: 1)
    s.mode = .hybrid
    let hybrid = PlatformRun(scenario: s, driver: HybridDriver()).run(threads: 1)
    let de = hybrid.replications[0].territories[0]
    #expect(de.windows.allSatisfy { $0.mode != .fluid }, "\(de.windows.compactMap(\.mode))")
    #expect(
      de.periods.map(\.counts.completed) == request.replications[0].territories[0].periods.map(\.counts.completed))
  }

  /// A load factor on a CH replica keeps CH request by request, not DE, which never uses the
  /// node (it made every territory run request by request).
  @Test func aNodesLoadFactorKeepsOnlyItsTerritoryRequestByRequest() throws {
    var s = try ShortScenario(
      name: "Christmas Monday, a CH replica slowing", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.end=2026-12-08", "run.replications=1", "demand.DE.users=80", "demand.CH.users=25",
        "databases.ch-replica-1.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 8, factor: 1.4}]",
      ]
    ).load()
    s.mode = .hybrid
    let hybrid = PlatformRun(scenario: s, driver: HybridDriver()).run(threads: 1)
    let names = s.platform.territories.map(\.name)
    let de = hybrid.replications[0].territories[try #require(names.firstIndex(of: "DE"))]
    let ch = hybrid.replications[0].territories[try #require(names.firstIndex(of: "CH"))]
    #expect(ch.windows.allSatisfy { $0.mode != .fluid }, "\(ch.windows.compactMap(\.mode))")
    #expect(de.windows.contains { $0.mode == .fluid }, "\(de.windows.compactMap(\.mode))")
  }

  /// A capacity change inside an hour that overloads the pool: the rest of the hour is assessed
  /// again and runs request by request (it was computed from the hour's first instance count,
  /// reached an overloaded regime and stopped the process: "Double value cannot be converted to
  /// Int"), and the hour's requests are the request-level run's.
  @Test func aChangeInsideAnHourIsAssessedAgain() throws {
    var s = try ShortScenario(
      name: "Christmas Tuesday morning, DE down to 2 instances at 10:20", file: "platform-christmas-2026.yaml",
      settings: [
        "calendar.start=2026-12-08T08:00", "calendar.end=2026-12-08T13:00", "run.replications=1",
        "capacity=[{territory: DE, at: 2026-12-08T10:20, instances: 2}]",
      ]
    ).load()
    let request = PlatformRun(scenario: s).run(threads: 1)
    s.mode = .hybrid
    let hybrid = PlatformRun(scenario: s, driver: HybridDriver()).run(threads: 1)
    let de = hybrid.replications[0].territories[0]
    let after = de.windows.filter { $0.start >= 3 * 3_600 }
    #expect(!after.isEmpty && after.allSatisfy { $0.mode == .request }, "\(de.windows.compactMap(\.mode))")
    #expect(de.windows.first { $0.start == 2 * 3_600 }?.mode == .mixed, "\(de.windows.compactMap(\.mode))")
    let failed = { (r: PlatformResult) in r.replications[0].territories[0].periods.reduce(0) { $0 + $1.counts.failed } }
    #expect(failed(request) > 0 && failed(hybrid) > 0, "overloaded: \(failed(request)) and \(failed(hybrid)) failed")
  }

  /// Same seed, same numbers, on one thread or two.
  @Test func hybridIsDeterministic() throws {
    var s = try ShortScenario(
      name: "Christmas Monday", file: "platform-christmas-2026.yaml",
      settings: ["calendar.end=2026-12-08", "run.replications=2"]
    ).load()
    s.mode = .hybrid
    let one = PlatformRun(scenario: s, driver: HybridDriver()).run(threads: 1)
    let two = PlatformRun(scenario: s, driver: HybridDriver()).run(threads: 2)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let a = try encoder.encode(one.replications)
    let b = try encoder.encode(two.replications)
    #expect(a == b)
  }
}
