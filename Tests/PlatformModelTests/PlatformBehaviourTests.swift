import Demand
import Foundation
import PlatformModel
import QueueingModel
import SimRandom
import Testing

/// Behaviour without a closed form, checked against expectations worked out by hand.
@Suite struct PlatformBehaviourTests {
  /// Reads (class 0) go to replicas; updates (class 1) write to the primary.
  static func readWriteScenario(
    replayTime: Double, faults: [Fault] = [], horizon: Double = 600, series: Double = 3_600, replications: Int = 1
  ) -> PlatformScenario {
    Build.scenario(
      territories: [
        Build.territory(
          "DE", instances: 2, workers: 50, policy: .roundRobin,
          reads: ReadRouting(policy: .roundRobin, maxLag: 1, readYourWrites: 0))
      ],
      databases: [
        DatabaseNode(name: "primary", cores: 8, maxConnections: 5_000),
        DatabaseNode(
          name: "replica", cores: 8, maxConnections: 5_000, replicaOf: 0, apply: Build.deterministic(replayTime)),
      ],
      kinds: [
        QueryKind(name: "read", isWrite: false, service: Build.exponential(0.002)),
        QueryKind(name: "write", isWrite: true, service: Build.exponential(0.002)),
      ],
      classes: [
        RequestClass(name: "read", cpu: Build.exponential(0.002), queries: [0]),
        RequestClass(name: "update", cpu: Build.exponential(0.002), queries: [1]),
      ],
      demand: [TerritoryDemand(base: .rate(60), mix: [0.5, 0.5])], faults: faults, horizon: horizon, series: series,
      replications: replications)
  }

  /// Writes arrive at 30/s. A replica that replays one in 50 ms (20/s) falls behind by a third of
  /// a second every second, so after about 3 s its lag passes the 1 s bound and every read goes
  /// to the primary: the replica serves only the reads of the first few seconds (about 30/s x 3 s,
  /// well under 300 of the ~18,000 reads). A replica replaying in 10 ms keeps up and serves them
  /// all.
  @Test func readsFallBackToThePrimaryWhenLagExceedsTheBound() {
    let slow = PlatformRun(scenario: Self.readWriteScenario(replayTime: 0.05)).run().replications[0]
    #expect(slow.nodes[1].maxLag! > 100)
    #expect(slow.nodes[1].reads > 0 && slow.nodes[1].reads < 300)
    #expect(slow.nodes[0].reads > 17_000)
    let fast = PlatformRun(scenario: Self.readWriteScenario(replayTime: 0.01)).run().replications[0]
    #expect(fast.nodes[1].maxLag! < 1)
    #expect(fast.nodes[0].reads == 0)
    #expect(fast.nodes[1].reads > 17_000)
    #expect(slow.territories[0].periods[0].counts.failed == 0)
  }

  /// A replica's replay is one more process on its cores: on a node with a load factor it slows
  /// as the node's queries do. Replaying in 25 ms keeps up with 30 writes/s; at a factor of 2
  /// (50 ms) it falls behind, and the reads go to the primary as in the test above.
  @Test func aReplicasLoadFactorSlowsItsReplay() {
    var scenario = Self.readWriteScenario(replayTime: 0.025)
    let keepsUp = PlatformRun(scenario: scenario).run().replications[0]
    #expect(keepsUp.nodes[1].maxLag! < 1 && keepsUp.nodes[0].reads == 0)
    scenario.platform.databases[1].loadFactor = LoadFactor(concurrency: [1], factor: [2])
    let behind = PlatformRun(scenario: scenario).run().replications[0]
    #expect(behind.nodes[1].maxLag! > 100 && behind.nodes[0].reads > 17_000)
  }

  /// The primary fails at 100 s; detection (30 s) plus promotion (20 s) later the replica takes
  /// over. Writes fail exactly in [100 s, 150 s): in 10 s windows, errors appear in windows 10-14
  /// only, all caused by a node being down, all in the writing class; reads keep being served
  /// by the replica meanwhile.
  @Test func writesFailDuringTheFailoverWindowOnly() {
    let scenario = Self.readWriteScenario(
      replayTime: 0.001, faults: [.primaryFailover(node: 0, at: 100, detection: 30, promotion: 20)], horizon: 300,
      series: 10)
    let run = PlatformRun(scenario: scenario).run().replications[0]
    let windows = run.territories[0].windows
    #expect(windows.count == 30)
    for (k, w) in windows.enumerated() {
      if (10..<15).contains(k) {
        // About 300 writes in 10 s: all of them fail.
        #expect(w.counts.errors[ErrorCause.nodeDown.rawValue] > 200, "window \(k)")
      } else {
        #expect(w.counts.failed == 0, "window \(k): \(w.counts.errors)")
      }
    }
    let period = run.territories[0].periods[0]
    #expect(period.classes[0].failed == 0)
    #expect(period.classes[1].failed == period.counts.failed)
    // After promotion the former replica takes the writes.
    #expect(run.nodes[1].writes > 0)
  }

  /// The replica is down from 100 s to 250 s, in 50 s windows. Windows 2-4 (100-250 s) it is
  /// down throughout: no lag, not the age of the writes piling up meanwhile. Before, it keeps up
  /// (lag under a second); in window 5, back, it replays the 150 s it missed, which shows as
  /// lag there and nowhere else. The run's largest lag is that backlog, not more.
  @Test func aReplicaThatIsDownHasNoLag() {
    let scenario = Self.readWriteScenario(
      replayTime: 0.001, faults: [.replicaDown(node: 1, at: 100, duration: 150)], horizon: 400, series: 50)
    let replica = PlatformRun(scenario: scenario).run().replications[0].nodes[1]
    let lag = replica.windowMaxLag
    #expect(lag.count == 8)
    #expect(lag[0]! < 1 && lag[1]! < 1, "\(lag)")
    #expect(lag[2] == nil && lag[3] == nil && lag[4] == nil, "\(lag)")
    #expect(lag[5]! > 100 && lag[5]! <= 151, "\(lag)")
    #expect(lag[6]! < 1 && lag[7]! < 1, "\(lag)")
    #expect(replica.maxLag! <= 151)
    // The mean is over the time it was up, as the largest is: never above it. (It counted the
    // age of the writes piling up while down, and a replica down all run long had a mean lag
    // of half the run beside a largest lag of 0.)
    #expect(replica.meanLag! <= replica.maxLag!)
    let down = Self.readWriteScenario(
      replayTime: 0.001, faults: [.replicaDown(node: 1, at: 0, duration: 1_000)], horizon: 400, series: 50)
    let never = PlatformRun(scenario: down).run().replications[0].nodes[1]
    #expect(never.maxLag == nil && never.meanLag == nil, "\(never)")
  }

  /// Every season's hours are a period of their own, a quiet one (below 1) and one at 1 as
  /// much as a peak; before, only seasons above 1 were, so a quiet season's verdicts went to
  /// "normal". A moment belongs to the season furthest up its ramp, from the ramp's first step
  /// (once half way up, as it was, a 5x season's 3x hours were normal load).
  @Test func quietSeasonsArePeriodsOfTheirOwn() {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let start = DemandCalendar.instant(CivilDate(2026, 7, 27), in: berlin)  // a Monday
    let seasons = [
      Season(name: "summer", dates: CivilDate(2026, 8, 3)...CivilDate(2026, 8, 14), multiplier: 0.5, rampUpDays: 4),
      Season(name: "fair", dates: CivilDate(2026, 8, 17)...CivilDate(2026, 8, 21), multiplier: 3, rampUpDays: 4),
      Season(name: "stocktaking", dates: CivilDate(2026, 8, 24)...CivilDate(2026, 8, 24), multiplier: 1),
    ]
    let calendar = DemandCalendar(timeZone: berlin, start: start, seasons: seasons)
    let names = ["normal", "summer", "fair", "stocktaking"]
    func period(_ d: Double) -> String {
      names[PlatformScenario.period(at: (d * 24 + 10.5) * 3_600, calendar: calendar, names: names)]
    }
    #expect(period(2) == "normal")  // before the quiet ramp
    #expect(period(3) == "summer")  // 0.11 up the quiet ramp
    #expect(period(5) == "summer")  // 0.61 up
    #expect(period(17) == "summer")  // the fair's ramp is 0.11 up
    #expect(period(20) == "fair")  // 0.86 up, the quiet season past
    #expect(period(28) == "stocktaking")
    #expect(period(29) == "normal")
  }

  /// A rolling deployment one instance at a time on two instances with a 60 s start-up takes
  /// two start-ups and the drains: it ends a little after 120 s and is recorded as it ran.
  @Test func deploymentsAreRecordedAsTheyRan() {
    let scenario = Self.readWriteScenario(
      replayTime: 0.001, faults: [.deployment(territory: 0, at: 100, batch: 1)], horizon: 400, series: 50)
    let spans = PlatformRun(scenario: scenario).run().replications[0].territories[0].deployments
    #expect(spans.count == 1)
    let span = try! #require(spans.first)
    #expect(span.fault == 0 && span.start == 100)
    let end = try! #require(span.end)
    #expect(end > 100 + 2 * 60 && end < 100 + 2 * 60 + 5, "ended at \(end)")
  }

  /// Progress is the share of the work, not of simulated time: over a working day, whose
  /// night asks for a fraction of its afternoon, the share reported follows the requests
  /// simulated so far. The share is what the demand asks for; the requests are a Poisson count
  /// of about 1.5 million, whose spread at any point is below 0.1% of the total, and the 5-minute
  /// steps of the demand are the simulator's own. So 1 point of room is wide. The share of time
  /// done misses by more than 10 points (at 10:00 a third of the day is past and a fifth of the
  /// work).
  @Test func progressFollowsTheWorkNotTheClock() throws {
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    var scenario = Self.readWriteScenario(replayTime: 0.001, horizon: 86_400)
    scenario.demand[0].calendar = DemandCalendar(
      timeZone: berlin, start: DemandCalendar.instant(CivilDate(2026, 7, 27), in: berlin), seasons: [])
    let reports = Reports()
    let result = PlatformRun(scenario: scenario).run(threads: 1) { reports.add($0) }
    let total = Double(result.replications[0].requests)
    let seen = reports.all
    #expect(seen.count > 20)
    var furthest = 0.0
    for report in seen {
      let simulated = Double(report.requests) / total
      #expect(
        abs(report.share - simulated) < 0.01, "at \(report.clock) s: \(report.share) of the work against \(simulated)")
      furthest = max(furthest, abs(report.clock / 86_400 - simulated))
    }
    #expect(furthest > 0.1, "the clock alone would have done as well: \(furthest)")
    #expect(seen.last?.share == 1)
  }

  private final class Reports: @unchecked Sendable {
    private var reports: [PlatformProgress] = []
    private let lock = NSLock()
    func add(_ report: PlatformProgress) { lock.withLock { reports.append(report) } }
    var all: [PlatformProgress] { lock.withLock { reports } }
  }

  /// Same seed, same result, whatever the number of threads; another seed differs.
  @Test func resultsDependOnSeedNotThreads() throws {
    let scenario = Self.readWriteScenario(
      replayTime: 0.02, faults: [.replicaDown(node: 1, at: 50, duration: 60)], horizon: 300, series: 60,
      replications: 4)
    let one = PlatformRun(scenario: scenario).run(threads: 1)
    let four = PlatformRun(scenario: scenario).run(threads: 4)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let a = try encoder.encode(one.replications)
    let b = try encoder.encode(four.replications)
    #expect(a == b)
    var other = scenario
    other.seed = 2
    let c = try encoder.encode(PlatformRun(scenario: other).run(threads: 2).replications)
    #expect(a != c)
  }

  /// Every measured request ends exactly once: completed or failed by one cause, through
  /// crashes, a replica loss, a rolling deployment and a scale-down.
  @Test func everyRequestEndsOnceThroughFaults() {
    var scenario = Self.readWriteScenario(
      replayTime: 0.02,
      faults: [
        .instanceCrashes(territory: 0, mtbf: 120, mttr: 30), .replicaDown(node: 1, at: 200, duration: 100),
        .deployment(territory: 0, at: 400, batch: 1),
      ], horizon: 900, series: 60, replications: 3)
    scenario.capacity = [
      CapacityChange(territory: 0, at: 600, instances: 3), CapacityChange(territory: 0, at: 750, instances: 1),
    ]
    let result = PlatformRun(scenario: scenario).run(threads: 2)
    for replication in result.replications {
      let counts = replication.territories[0].periods[0].counts
      #expect(counts.arrivals == counts.completed + counts.failed)
      #expect(counts.errors[ErrorCause.nodeDown.rawValue] > 0)
      let windows = replication.territories[0].windows
      #expect(windows.map(\.counts.arrivals).reduce(0, +) == counts.arrivals)
    }
  }

  /// An instance repaired before the load balancer's next health check is still starting when
  /// the check comes, and leaves the rotation then: a quick repair costs at most the requests
  /// of one check interval per crash, as a slow one does. (The check was dropped as meant for
  /// the instance's earlier life, so a 1 s repair kept a starting instance in rotation for its
  /// 60 s start-up, taking every request least-connections sent it: far more errors than a
  /// 2-minute repair.) Same crash times in both runs (one stream, scaled draws).
  @Test func aQuickRepairCostsNoMoreThanASlowOne() {
    func errors(mttr: Double) -> Int {
      let scenario = Build.scenario(
        territories: [Build.territory("DE", instances: 3, workers: 50, policy: .leastConnections)],
        databases: [DatabaseNode(name: "de", cores: 8, maxConnections: 5_000)],
        kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(0.002))],
        classes: [RequestClass(name: "api", cpu: Build.exponential(0.005), queries: [0])],
        demand: [TerritoryDemand(base: .rate(30), mix: [1])],
        faults: [.instanceCrashes(territory: 0, mtbf: 600, mttr: mttr)], horizon: 7_200, series: 7_200,
        replications: 2)
      let result = PlatformRun(scenario: scenario).run(threads: 2)
      return result.replications.reduce(0) {
        $0 + $1.territories[0].periods[0].counts.errors[ErrorCause.nodeDown.rawValue]
      }
    }
    let quick = errors(mttr: 1)
    let slow = errors(mttr: 120)
    #expect(slow > 0)
    #expect(Double(quick) < 1.5 * Double(slow), "1 s repairs: \(quick) errors; 120 s repairs: \(slow)")
  }

  /// An instance is paid for from the moment it is asked for, starting up included: two added at
  /// 100 s of a 400 s run cost 2 x 300 s whatever their start-up. (The level was noted before the
  /// change and only set at the next note, so each lost min(start-up, time to the next).)
  @Test(arguments: [0.0, 30.0, 90.0])
  func addedInstancesArePaidForFromTheirStart(startup: Double) {
    var scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 2, workers: 8, startup: startup)],
      databases: [DatabaseNode(name: "de", cores: 8, maxConnections: 5_000)],
      kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(0.003))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(0.01), queries: [0])],
      demand: [TerritoryDemand(base: .rate(20), mix: [1])], horizon: 400, series: 400, replications: 1)
    scenario.capacity = [CapacityChange(territory: 0, at: 100, instances: 4)]
    let run = PlatformRun(scenario: scenario).run().replications[0]
    let hours = run.territories[0].cost.instanceHours
    #expect(abs(hours - (2 * 400 + 2 * 300) / 3_600.0) < 1e-12, "\(hours) h")
    // and the most at once is 4 (the cost table's "most" was the largest window mean: 3.5)
    #expect(run.territories[0].cost.mostInstances == 4)
    // and the window's ready instances count them from when they are ready
    let ready = run.territories[0].windows[0].readyInstances
    #expect(abs(ready - (2 * 400 + 2 * (300 - startup)) / 400) < 1e-9, "\(ready)")
  }

  /// A capacity entry at the run's first moment is the count the pool starts with, ready: with
  /// one instance in the topology and 4 asked for from 0, a load that needs 3 is served from
  /// the start (the entry was a rise from 1, so the three others served only after their
  /// start-up, and the schedule `plan --emit capacity` writes failed its first minutes).
  @Test func aCapacityEntryAtTheStartIsTheStartingCount() {
    var scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 1, workers: 8, cores: 1, queueLimit: 50, startup: 120)],
      databases: [DatabaseNode(name: "de", cores: 8, maxConnections: 5_000)],
      kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(0.001))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(0.02), queries: [0])],
      demand: [TerritoryDemand(base: .rate(120), mix: [1])], horizon: 600, series: 600, replications: 1)
    scenario.capacity = [CapacityChange(territory: 0, at: 0, instances: 4)]
    let run = PlatformRun(scenario: scenario).run().replications[0]
    let counts = run.territories[0].periods[0].counts
    #expect(counts.failed == 0, "\(counts.failed) of \(counts.arrivals) failed")
    #expect(abs(run.territories[0].windows[0].readyInstances - 4) < 1e-9)
    #expect(abs(run.territories[0].cost.instanceHours - 4 * 600 / 3_600.0) < 1e-12)
  }

  /// 20 requests/s on two instances for 400 s in windows of 100 s, the first `warmup` seconds
  /// a warm-up.
  static func warmingUp(_ warmup: Double) -> PlatformScenario {
    var scenario = Build.scenario(
      territories: [Build.territory("DE", instances: 2, workers: 8)],
      databases: [DatabaseNode(name: "de", cores: 8, maxConnections: 5_000)],
      kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(0.003))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(0.01), queries: [0])],
      demand: [TerritoryDemand(base: .rate(20), mix: [1])], horizon: 400, series: 100, replications: 1)
    scenario.warmup = warmup
    return scenario
  }

  /// A warm-up that ends inside a series window (150 s into windows of 100 s) split it: the
  /// window [100, 200) counted 50 s of requests and was divided by 100 s ("req/s 16.7" where the
  /// rate is 20). The warm-up's end is a window boundary now, and the windows after it stay on
  /// their grid.
  @Test func aWarmUpEndingInsideAWindowEndsThatWindow() throws {
    let run = PlatformRun(scenario: Self.warmingUp(150)).run().replications[0]
    let windows = run.territories[0].windows
    #expect(windows.map(\.start) == [150, 200, 300])
    #expect(windows.map(\.end) == [200, 300, 400])
    // 20 requests/s: about 1,000 in the first 50 s, 2,000 in each full window (Poisson: 5 sd)
    let first = Double(windows[0].counts.arrivals)
    #expect(abs(first - 1_000) < 5 * 1_000.squareRoot(), "\(first)")
  }

  /// Every minute of availability is its window's: the minute that ends as a window does went
  /// to the next window (its tick came after the window's), and the run's last minute to none
  /// (windows of 240 s read 3, 4 and 4 minutes of 4 here).
  @Test func eachWindowCountsItsOwnMinutes() {
    var scenario = Self.warmingUp(0)
    scenario.horizon = 720
    scenario.seriesInterval = 240
    let run = PlatformRun(scenario: scenario).run().replications[0]
    #expect(run.territories[0].windows.map(\.minutes) == [4, 4, 4])
    #expect(run.territories[0].periods.map(\.minutes).reduce(0, +) == 12)
  }

  /// A warm-up counts in no figure: its series windows are not kept, and the database node's
  /// queries, busy time and rates cover the measured run as the requests do (they covered the
  /// whole run beside requests counted only after the warm-up: twice as many queries here).
  @Test func aWarmUpCountsInNoFigure() {
    let run = PlatformRun(scenario: Self.warmingUp(200)).run().replications[0]
    #expect(run.territories[0].windows.map(\.start) == [200, 300])
    let measured = run.territories[0].periods.map(\.queries).reduce(0, +)
    let node = run.nodes[0]
    // Requests in flight at the warm-up's end: their queries ran on the node, measured or not.
    #expect(measured > 3_000 && abs(node.queries - measured) <= 5, "\(node.queries) against \(measured)")
    #expect(node.seconds == 200 && node.windowUtilization.count == 2)
    // Busy time over the measured 200 s: about 20/s x 3 ms on 8 cores.
    #expect(abs(node.utilization - 20 * 0.003 / 8) < 0.002, "\(node.utilization)")
  }

  /// A territory outage fails the territory's requests until failover sends them to the other
  /// territory, after `failoverDelay`.
  @Test func territoryOutageFailsOverAfterTheDelay() {
    func territory(_ name: String, primary: Int) -> Territory {
      Build.territory(name, instances: 3, workers: 20, policy: .leastConnections, primary: primary, startup: 30)
    }
    let scenario = Build.scenario(
      territories: [territory("DE", primary: 0), territory("CH", primary: 1)],
      databases: [
        DatabaseNode(name: "de", cores: 8, maxConnections: 5_000),
        DatabaseNode(name: "ch", cores: 8, maxConnections: 5_000),
      ],
      kinds: [QueryKind(name: "q", isWrite: false, service: Build.exponential(0.003))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(0.01), queries: [0])],
      demand: [TerritoryDemand(base: .rate(50), mix: [1]), TerritoryDemand(base: .rate(20), mix: [1])],
      faults: [.territoryOutage(territory: 1, at: 100, duration: 100, failoverTo: 0, failoverDelay: 20)],
      horizon: 400, series: 10, replications: 1)
    #expect(PlatformRun(scenario: scenario).groups == [[0, 1]])
    let run = PlatformRun(scenario: scenario).run().replications[0]
    let ch = run.territories[1].windows
    // 100-120 s: CH fails (about 400 requests); 120-200 s failed over to DE; from 200 s its
    // instances restart (30 s) while DE still serves it; then CH serves itself.
    #expect(ch[10].counts.failed > 150 && ch[11].counts.failed > 150)
    for k in 12..<40 { #expect(ch[k].counts.failed == 0, "window \(k)") }
    #expect(ch[15].readyInstances == 0 && ch[25].readyInstances == 3)
    #expect(run.territories[0].windows[15].counts.failed == 0)
  }

  /// Territories on a shared primary run in one simulation (and both are served by it);
  /// territories that share nothing run apart.
  @Test func territoriesSharingAPrimaryRunTogether() {
    let shared = Build.scenario(
      territories: [
        Build.territory("DE", instances: 2, workers: 8, primary: 0),
        Build.territory("CH", instances: 1, workers: 8, primary: 0),
        Build.territory("AT", instances: 1, workers: 8, primary: 1),
      ],
      databases: [
        DatabaseNode(name: "shared", cores: 8, maxConnections: 5_000),
        DatabaseNode(name: "at", cores: 2, maxConnections: 5_000),
      ],
      kinds: [QueryKind(name: "q", isWrite: true, service: Build.exponential(0.002))],
      classes: [RequestClass(name: "api", cpu: Build.exponential(0.005), queries: [0])],
      demand: [
        TerritoryDemand(base: .rate(30), mix: [1]), TerritoryDemand(base: .rate(10), mix: [1]),
        TerritoryDemand(base: .rate(5), mix: [1]),
      ],
      horizon: 600, replications: 1)
    let run = PlatformRun(scenario: shared)
    #expect(run.groups == [[0, 1], [2]])
    let r = run.run().replications[0]
    #expect(
      r.nodes[0].writes == r.territories[0].periods[0].counts.completed + r.territories[1].periods[0].counts.completed)
    #expect(r.nodes[1].writes == r.territories[2].periods[0].counts.completed)
  }
}
