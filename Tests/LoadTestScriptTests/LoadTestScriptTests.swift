import Demand
import Foundation
import PlatformModel
import SimRandom
import Testing
import _TestSupport

import LoadTestScript

/// Small platform scenarios built in code.
enum Build {
  static let utc = TimeZone(identifier: "UTC")!
  static let berlin = TimeZone(identifier: "Europe/Berlin")!
  static let hour = 3_600.0
  static let day = 86_400.0

  static func scenario(
    territory: String = "DE", classes: [String] = ["list", "report"], demand: TerritoryDemand, horizon: Double,
    name: String = "test"
  ) -> PlatformScenario {
    let exp = try! Distribution.exponential(mean: 0.01)
    let app = AppPool(
      instances: 2, workers: 8, cores: 4, queueLimit: 100, timeout: 5, connections: 10, connectionTimeout: 1,
      startup: 60, pricePerHour: 0.2)
    return PlatformScenario(
      name: name,
      platform: Platform(
        name: "test",
        territories: [
          Territory(
            name: territory, timeZone: demand.calendar?.timeZone ?? utc, currency: "EUR",
            loadBalancer: LoadBalancer(policy: .random), app: app, primary: 0, reads: ReadRouting(policy: .primary))
        ],
        databases: [DatabaseNode(name: "primary", cores: 8, maxConnections: 100)],
        queryKinds: [QueryKind(name: "read", isWrite: false, service: exp)],
        requestClasses: classes.map { RequestClass(name: $0, cpu: exp, queries: [0]) }),
      demand: [demand], horizon: horizon)
  }

  /// Flat days and weeks in UTC from 2026-12-01, with a 5x season from 2026-12-02 (no ramps):
  /// demand steps from 1x to 5x at midnight.
  static func stepCalendar() -> DemandCalendar {
    DemandCalendar(
      timeZone: utc, start: DemandCalendar.instant(CivilDate(2026, 12, 1), in: utc),
      day: DayProfile(points: [(0, 1)]), week: WeekProfile(weights: Array(repeating: 1, count: 7)),
      seasons: [Season(name: "peak", dates: CivilDate(2026, 12, 2)...CivilDate(2026, 12, 9), multiplier: 5)])
  }

  /// Office hours in Berlin from Monday 2026-11-16, Christmas catering at 5x from 20 November
  /// reached over 7 days (smooth): normal load, the ramp and the season in one week.
  /// 16 November on, Christmas from the 20th at 5x after a smooth ramp.
  static func officeCalendar(rampUpDays: Double = 7) -> DemandCalendar {
    DemandCalendar(
      timeZone: berlin, start: DemandCalendar.instant(CivilDate(2026, 11, 16), in: berlin),
      seasons: [
        Season(
          name: "christmas", dates: CivilDate(2026, 11, 20)...CivilDate(2026, 12, 23), multiplier: 5,
          rampUpDays: rampUpDays,
          ramp: .smooth)
      ])
  }
}

/// A k6 stage: `milliseconds` long, ending at `target`.
func stage(_ milliseconds: Int, _ target: Int) -> Ramp.Stage { Ramp.Stage(milliseconds: milliseconds, target: target) }

@Suite struct RampTests {
  @Test func consecutiveStagesWithTheSameTargetMerge() {
    let ramp = Ramp(times: [0, 1_000, 2_000, 3_000, 4_000], targets: [5, 5, 5, 9, 9])
    #expect(ramp == Ramp(start: 5, stages: [stage(2_000, 5), stage(1_000, 9), stage(1_000, 9)]))
  }

  @Test func stagesOnOneStraightLineMerge() {
    // 0 -> 10 -> 20 -> 30 is one ramp; then the slope changes.
    let ramp = Ramp(times: [0, 1_000, 2_000, 3_000, 5_000], targets: [0, 10, 20, 30, 31])
    #expect(ramp.stages == [stage(3_000, 30), stage(2_000, 31)])
    let area: Double = 30 / 2 * 3 + 61 / 2 * 2
    #expect(ramp.area == area)
  }

  @Test func aJumpIsNotMergedWithTheStagesAround() {
    // A zero-length stage is a jump; the flat stage after it stays separate.
    let ramp = Ramp(times: [0, 1_000, 1_000, 2_000], targets: [1, 1, 7, 7])
    #expect(ramp.stages == [stage(1_000, 1), stage(0, 7), stage(1_000, 7)])
    #expect(ramp.area == 1 + 7)
    #expect(ramp.peak == 7)
    #expect(ramp.milliseconds == 2_000)
  }
}

@Suite struct StageTests {
  let hour = Build.hour

  func stepScenario(rate: Double = 100) -> PlatformScenario {
    Build.scenario(
      classes: ["list"], demand: TerritoryDemand(base: .rate(rate), mix: [1], calendar: Build.stepCalendar()),
      horizon: 2 * Build.day)
  }

  @Test func aStepFromOneToFiveTimesIsAFlatStageARampOfOneStepAndAFlatStage() throws {
    // Given 100 requests/s that become 500/s at midnight, sampled every hour
    let plan = try LoadTestPlan(scenario: stepScenario(), territory: 0, step: hour)
    // Then k6 holds 100/s for 23 h, ramps to 500/s within the last hour before midnight (the
    // step is the resolution) and holds 500/s for the day
    let c = try #require(plan.classes.first)
    guard case .open(let unit) = plan.arrivals else { Issue.record("open demand expected"); return }
    #expect(unit == 1)
    #expect(c.ramp.start == 100)
    #expect(c.ramp.stages == [stage(23 * 3_600_000, 100), stage(3_600_000, 500), stage(24 * 3_600_000, 500)])
    #expect(plan.testDuration == 2 * Build.day)
  }

  @Test func compressionShortensStagesAndKeepsTheRates() throws {
    // Given the same two days replayed in two hours (24x)
    let plain = try LoadTestPlan(scenario: stepScenario(), territory: 0, step: hour)
    let plan = try LoadTestPlan(scenario: stepScenario(), territory: 0, step: hour, compression: 24)
    let c = try #require(plan.classes.first)
    // Then every stage is 24 times shorter, the targets (requests per second) are the same
    #expect(c.ramp.start == 100)
    #expect(c.ramp.stages == [stage(3_450_000, 100), stage(150_000, 500), stage(3_600_000, 500)])
    #expect(plan.testDuration == 2 * hour)
    // and the test issues 24 times fewer requests
    let expected = try #require(plain.expectedRequests) / 24
    #expect(abs(try #require(plan.expectedRequests) - expected) < 1e-6 * expected)
  }

  @Test func compressionTooStrongForTheStepIsRefused() throws {
    // A 5-minute step replayed 600x faster would last half a second of the test.
    #expect(throws: LoadTestError.self) {
      try LoadTestPlan(scenario: stepScenario(), territory: 0, step: 300, compression: 600)
    }
    // Without a step, the default grows to keep a stage at a second.
    let plan = try LoadTestPlan(scenario: stepScenario(), territory: 0, compression: 600)
    #expect(plan.step == 600)
  }

  /// A compression so strong that the test would be over at once says so in a short number,
  /// not the 300 digits of 1e308 written out.
  @Test func aTooStrongCompressionIsWrittenShort() {
    #expect(throws: LoadTestError("the test would last under a second (172800 s compressed 1e+308 times)")) {
      try LoadTestPlan(scenario: stepScenario(), territory: 0, compression: 1e308)
    }
  }

  @Test func aWindowOutsideTheRunIsRefused() {
    #expect(throws: LoadTestError.self) {
      try LoadTestPlan(scenario: stepScenario(), territory: 0, window: Build.day..<(3 * Build.day))
    }
  }

  @Test func smallRatesGetACoarserTimeUnit() throws {
    // 0.5 requests/s: whole requests per second would round a quarter of the class away.
    let plan = try LoadTestPlan(scenario: stepScenario(rate: 0.5), territory: 0, step: hour)
    guard case .open(let unit) = plan.arrivals else { Issue.record("open demand expected"); return }
    #expect(unit == 60)
    #expect(plan.classes[0].ramp.start == 30)
    #expect(plan.classes[0].ramp.peak == 150)
  }

  @Test func closedDemandRampsUsersAndOpenDemandRampsArrivals() throws {
    let think = try Distribution.exponential(mean: 20)
    let closed = try LoadTestPlan(
      scenario: Build.scenario(
        demand: TerritoryDemand(base: .users(800, think: think), mix: [0.75, 0.25], calendar: Build.stepCalendar()),
        horizon: 2 * Build.day), territory: 0, step: hour)
    // Closed: VUs are the users, split by the mix.
    #expect(closed.classes.map(\.ramp.start) == [600, 200])
    #expect(closed.classes.map(\.ramp.peak) == [3_000, 1_000])
    let closedScript = closed.k6Script(scenarioFile: "test.yaml", version: "0.0.0")
    #expect(closedScript.contains("executor: 'ramping-vus'"))
    #expect(closedScript.contains("-20 * Math.log(1 - Math.random())"))
    #expect(closedScript.contains("gracefulRampDown: '5s'"))
    #expect(!closedScript.contains("ramping-arrival-rate"))
    // A VU started again after a ramp down stopped it thinks first, as one started the first
    // time: k6 keeps its iteration count, so that could not tell them apart.
    #expect(closedScript.contains("if (Date.now() - lastIterationEnd > 1000) sleep(think());"))
    #expect(closedScript.contains("lastIterationEnd = Date.now();") && !closedScript.contains("iterationInScenario"))

    let open = try LoadTestPlan(
      scenario: Build.scenario(
        demand: TerritoryDemand(base: .rate(400), mix: [0.75, 0.25], calendar: Build.stepCalendar()),
        horizon: 2 * Build.day), territory: 0, step: hour)
    // Open: iterations per second; VUs by Little's law at the peak of 1500/s and 500/s.
    #expect(open.classes.map(\.ramp.peak) == [1_500, 500])
    #expect(open.classes.map(\.p95Target) == [0.2, 0.2])  // the window has normal load
    #expect(open.classes.map(\.preAllocatedVUs) == [300, 100])  // rate x 200 ms
    #expect(open.classes.map(\.maxVUs) == [7_500, 2_500])  // rate x 5 s timeout
    let openScript = open.k6Script(scenarioFile: "test.yaml", version: "0.0.0")
    #expect(openScript.contains("executor: 'ramping-arrival-rate'"))
    #expect(openScript.contains("timeUnit: '1s'"))
    #expect(openScript.contains("preAllocatedVUs: 300,"))
    #expect(!openScript.contains("sleep(think())"))
  }

  /// One user split 75/25 is one VU of the first class and none of the second: k6 refuses a
  /// ramping-vus scenario without a VU, so that class is left out and the header says so.
  @Test func aClassWithNoVUAtAnyTimeIsLeftOutAndSaid() throws {
    let think = try Distribution.exponential(mean: 20)
    let plan = try LoadTestPlan(
      scenario: Build.scenario(
        demand: TerritoryDemand(base: .users(1, think: think), mix: [0.75, 0.25]), horizon: hour), territory: 0)
    #expect(plan.classes.map(\.ramp.peak) == [1])
    #expect(plan.undriven.count == 1)
    let script = plan.k6Script(scenarioFile: "test.yaml", version: "0.0.0")
    #expect(!script.contains("startVUs: 0,\n      gracefulRampDown"), "\(script)")
    #expect(
      script.contains("// Left out:    \(plan.undriven[0]): their share of the users rounds to no VU"), "\(script)")
    let nobody = #expect(throws: LoadTestError.self) {
      try LoadTestPlan(
        scenario: Build.scenario(
          demand: TerritoryDemand(base: .users(0, think: think), mix: [0.75, 0.25]), horizon: hour), territory: 0)
    }
    #expect(nobody?.description.contains("no users") == true)
  }

  @Test func classesWithoutWeightAreLeftOut() throws {
    let plan = try LoadTestPlan(
      scenario: Build.scenario(
        classes: ["list", "detail", "report"], demand: TerritoryDemand(base: .rate(100), mix: [1, 0, 1]),
        horizon: hour), territory: 0)
    #expect(plan.classes.map(\.name) == ["list", "report"])
    #expect(plan.classes.map(\.share) == [0.5, 0.5])
  }
}

@Suite struct TotalsTests {
  /// Requests (or user-seconds) the scenario asks for over `window`, by the trapezoid rule
  /// every 10 s: the reference the stages are checked against.
  static func demandIntegral(_ scenario: PlatformScenario, _ window: Range<Double>) -> Double {
    let d = scenario.demand[0]
    let base: Double
    switch d.base {
    case .users(let n, _): base = Double(n)
    case .rate(let r): base = r
    }
    let level = { (t: Double) in base * d.growth * (d.calendar?.multiplier(at: t) ?? 1) }
    var sum = 0.0
    var t = window.lowerBound
    while t < window.upperBound {
      let next = min(t + 10, window.upperBound)
      sum += (level(t) + level(next)) / 2 * (next - t)
      t = next
    }
    return sum
  }

  /// The stated tolerance: the stages' total is within 1% of the scenario's, per class and in
  /// all (linear between 5-minute samples, whole VUs or iterations per time unit).
  static let tolerance = 0.01

  @Test(arguments: [40.0, 4_000], [1.0, 24, 168])
  func openStagesIssueTheScenariosRequests(rate: Double, compression: Double) throws {
    // Given requests/s over a week of office hours that ramps into Christmas (1x to 5x)
    let scenario = Build.scenario(
      demand: TerritoryDemand(base: .rate(rate), growth: 1.5, mix: [0.95, 0.05], calendar: Build.officeCalendar()),
      horizon: 7 * Build.day)
    let plan = try LoadTestPlan(scenario: scenario, territory: 0, compression: compression)
    guard case .open(let unit) = plan.arrivals else { Issue.record("open demand expected"); return }
    // Then the iterations k6 schedules, times the compression, are the scenario's requests
    let expected = Self.demandIntegral(scenario, 0..<scenario.horizon)
    let scheduled = try #require(plan.expectedRequests) * compression
    #expect(abs(scheduled - expected) <= Self.tolerance * expected, "\(scheduled) vs \(expected)")
    for c in plan.classes {
      let classExpected = expected * c.share
      let classScheduled = c.ramp.area / Double(unit) * compression
      #expect(
        abs(classScheduled - classExpected) <= Self.tolerance * classExpected,
        "\(c.name): \(classScheduled) vs \(classExpected)")
    }
  }

  @Test func closedStagesHoldTheScenariosUsers() throws {
    // Given 800 users over the same week, in a window from Wednesday to Saturday
    let think = try Distribution.exponential(mean: 20)
    let scenario = Build.scenario(
      demand: TerritoryDemand(base: .users(800, think: think), mix: [0.45, 0.55], calendar: Build.officeCalendar()),
      horizon: 7 * Build.day)
    let window = (2 * Build.day)..<(5 * Build.day)
    let plan = try LoadTestPlan(scenario: scenario, territory: 0, window: window, compression: 12)
    // Then the VU-seconds of the stages, times the compression, are the scenario's
    // user-seconds: with the same think and response times, the same requests
    let expected = Self.demandIntegral(scenario, window)
    let scheduled = plan.classes.reduce(0) { $0 + $1.ramp.area } * 12
    #expect(abs(scheduled - expected) <= Self.tolerance * expected, "\(scheduled) vs \(expected)")
    #expect(abs(try #require(plan.expectedRequests) * 12 - expected / 20) <= Self.tolerance * expected / 20)
  }
}

/// A sample's users or rate is shared among the classes in whole numbers that add up to it.
@Suite struct ApportionTests {
  @Test func theClassesAddUpToTheWhole() {
    // 10 at 37.5/37.5/25%: each rounding on its own gave 4 + 4 + 3 = 11
    #expect(LoadTestPlan.apportion(10, shares: [0.375, 0.375, 0.25]) == [4, 4, 2])
    #expect(LoadTestPlan.apportion(10, shares: [1.0 / 3, 1.0 / 3, 1.0 / 3]) == [4, 3, 3])
    #expect(LoadTestPlan.apportion(0, shares: [0.5, 0.5]) == [0, 0])
    for total in [1, 7, 99, 1_001] {
      #expect(LoadTestPlan.apportion(total, shares: [0.123, 0.456, 0.421]).reduce(0, +) == total)
    }
  }
}

@Suite struct ThresholdTests {
  func plan(window: Range<Double>) throws -> LoadTestPlan {
    let scenario = Build.scenario(
      demand: TerritoryDemand(base: .rate(40), mix: [1, 1], calendar: Build.officeCalendar(rampUpDays: 2)),
      horizon: 14 * Build.day)
    return try LoadTestPlan(scenario: scenario, territory: 0, window: window)
  }

  @Test func aWindowInTheSeasonIsJudgedByTheSeasonTarget() throws {
    // 23-27 November: Christmas catering at full strength
    let p = try plan(window: (7 * Build.day)..<(11 * Build.day))
    #expect(p.seasons == ["christmas"] && !p.hasNormalLoad)
    let script = p.k6Script(scenarioFile: "s.yaml", version: "0")
    #expect(script.contains("'http_req_duration{class:list}': ['p(95)<450'],"))
    #expect(script.contains("'http_req_duration{class:report}': ['p(95)<450'],"))
    #expect(script.contains("the window is all in a season (christmas)"))
    #expect(script.contains("http_req_failed: ['rate<0.02'],"))
  }

  @Test func aWindowWithNormalLoadIsJudgedByTheStrictestTarget() throws {
    // 16-20 November: normal load until the 2-day ramp starts on the 18th (a ramp is its season's)
    let p = try plan(window: 0..<(4 * Build.day))
    #expect(p.hasNormalLoad && p.seasons == ["christmas"])
    let script = p.k6Script(scenarioFile: "s.yaml", version: "0")
    #expect(script.contains("['p(95)<200']"))
    #expect(script.contains("so each class's strictest target of the two applies"))
  }

  @Test func eachClassIsJudgedByItsOwnTargetAndAWaivedClassNotAtAll() throws {
    // Given report with its own targets (as run judges it) and list waived
    var scenario = Build.scenario(
      demand: TerritoryDemand(base: .rate(40), mix: [1, 1], calendar: Build.officeCalendar(rampUpDays: 2)),
      horizon: 14 * Build.day)
    scenario.objectives.classes = [
      "report": ClassObjectives(p95: 1, peakP95: 2, errorRate: 0.05), "list": ClassObjectives(waiver: "batch"),
    ]
    // When the window is all in the season, then both normal load and the season
    let season = try LoadTestPlan(scenario: scenario, territory: 0, window: (7 * Build.day)..<(11 * Build.day))
      .k6Script(scenarioFile: "s.yaml", version: "0")
    #expect(season.contains("'http_req_duration{class:report}': ['p(95)<2000'],"))
    #expect(!season.contains("{class:list}"))
    #expect(season.contains("// list: no thresholds, the scenario waives it (batch), as capsim run does."))
    // The totals are of the judged classes, as capsim run judges them: their requests are
    // tagged, and the waived class's are not (a total of all failed k6 where run passed).
    #expect(!season.contains("http_req_failed: ") && !season.contains("http_req_duration: "))
    #expect(season.contains("'http_req_failed{judged:yes}': ['rate<0.02'],"))
    #expect(season.contains("'http_req_failed{class:report}': ['rate<0.05'],"))
    #expect(season.contains("tags: { class: 'report', judged: 'yes' }"))
    #expect(season.contains("tags: { class: 'list' }"))

    let both = try LoadTestPlan(scenario: scenario, territory: 0, window: 0..<(4 * Build.day))
      .k6Script(scenarioFile: "s.yaml", version: "0")
    #expect(both.contains("'http_req_duration{class:report}': ['p(95)<1000'],"))
    #expect(both.contains("// report: p95 1000 ms, normal load's (1000 ms normal, 2000 ms in a season)."))
  }

  /// The scenario's p99 is judged over all classes together, as capsim run judges it; a class
  /// with a p99 of its own gets it on its own line (each class had the scenario's p99 once,
  /// which failed the test where run passed).
  @Test func theScenariosP99IsOfAllClassesTogether() throws {
    var scenario = Build.scenario(
      demand: TerritoryDemand(base: .rate(40), mix: [1, 1], calendar: Build.officeCalendar(rampUpDays: 2)),
      horizon: 14 * Build.day)
    scenario.objectives.peakP99 = 1
    scenario.objectives.classes = ["report": ClassObjectives(peakP99: 3)]
    let season = try LoadTestPlan(scenario: scenario, territory: 0, window: (7 * Build.day)..<(11 * Build.day))
      .k6Script(scenarioFile: "s.yaml", version: "0")
    #expect(season.contains("    http_req_duration: ['p(99)<1000'],"), "\(season)")
    #expect(season.contains("'http_req_duration{class:list}': ['p(95)<450'],"))
    #expect(season.contains("'http_req_duration{class:report}': ['p(95)<450', 'p(99)<3000'],"))
  }

  @Test func aNormalWindowIsJudgedByTheNormalTarget() throws {
    // 1 December, the day before the step to 5x
    let scenario = Build.scenario(
      demand: TerritoryDemand(base: .rate(40), mix: [1, 1], calendar: Build.stepCalendar()), horizon: 2 * Build.day)
    let p = try LoadTestPlan(scenario: scenario, territory: 0, window: 0..<Build.day)
    #expect(p.hasNormalLoad && p.seasons.isEmpty)
    #expect(p.k6Script(scenarioFile: "s.yaml", version: "0").contains("['p(95)<200']"))
  }
}

@Suite struct EscapingTests {
  @Test func stringLiteralsEscapeQuotesBackslashesAndLineTerminators() {
    #expect(JavaScript.string("it's \"x\" \\ y") == #"'it\'s \"x\" \\ y'"#)
    #expect(JavaScript.string("a\nb\rc\u{2028}d\u{2029}e\u{0}") == #"'a\nb\rc\u2028d\u2029e\u0000'"#)
    #expect(JavaScript.comment("a\nb\u{2028}c") == #"a\nb\u2028c"#)
  }

  static let hostile = "it's \"a\" \\ b\nc\r\u{2028}\u{2029}</script> */ ${x} `y`"

  func hostilePlan(users: Bool) throws -> LoadTestPlan {
    let think = try Distribution.exponential(mean: 20)
    var scenario = Build.scenario(
      territory: "DE" + Self.hostile, classes: ["list" + Self.hostile, Self.hostile, "1-2", "1_2"],
      demand: TerritoryDemand(
        base: users ? .users(100, think: think) : .rate(50), mix: [1, 1, 1, 1], calendar: Build.stepCalendar()),
      horizon: 2 * Build.day, name: "scenario" + Self.hostile)
    // Comments name a waived class and its reason, and a class with its own targets.
    scenario.objectives.classes = [
      Self.hostile: ClassObjectives(waiver: Self.hostile), "1-2": ClassObjectives(p95: 1, peakP95: 2),
    ]
    return try LoadTestPlan(
      scenario: scenario, territory: 0, step: Build.hour, paths: [Self.hostile: "/api/" + Self.hostile])
  }

  /// A class named `__proto__` keeps its scenario: a quoted `'__proto__':` key set the options'
  /// prototype, and k6 saw one scenario fewer.
  @Test func aClassNamedProtoKeepsItsScenario() throws {
    let scenario = Build.scenario(
      territory: "DE", classes: ["__proto__", "view"],
      demand: TerritoryDemand(base: .rate(50), mix: [1, 1], calendar: Build.stepCalendar()), horizon: 2 * Build.day,
      name: "proto")
    let script = try LoadTestPlan(scenario: scenario, territory: 0, step: Build.hour).k6Script(
      scenarioFile: "proto.yaml", version: "0")
    #expect(script.contains("    ['__proto__']: {") && !script.contains("    '__proto__': {"), "\(script)")
  }

  @Test func hostileNamesGiveSafeTagsAndFunctionNames() throws {
    let plan = try hostilePlan(users: true)
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    for c in plan.classes {
      #expect(c.tag.unicodeScalars.allSatisfy(safe.contains), "\(c.tag)")
      #expect(!c.function.contains("-") && c.function.hasPrefix("request_"))
    }
    #expect(Set(plan.classes.map(\.tag)).count == 4)
    #expect(Set(plan.classes.map(\.function)).count == 4)
    let script = plan.k6Script(
      scenarioFile: "dir/" + Self.hostile + ".yaml", version: "0\n1", command: "capsim k6 " + Self.hostile)
    #expect(!script.contains("\u{2028}") && !script.contains("\u{2029}") && !script.contains("\r"))
  }

  @Test(.enabled(if: NodeJS.isAvailable, Comment(rawValue: NodeJS.missing)), arguments: [true, false])
  func hostileNamesStillGiveAScriptThatParses(users: Bool) throws {
    let plan = try hostilePlan(users: users)
    let script = plan.k6Script(
      scenarioFile: "dir/" + Self.hostile + ".yaml", version: "0\n1", command: "capsim k6 " + Self.hostile)
    let result = try NodeJS.check(script)
    #expect(result.status == 0, "node --check: \(result.output)")
  }
}
