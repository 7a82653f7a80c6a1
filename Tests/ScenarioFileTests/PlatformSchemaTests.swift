import Demand
import Foundation
import PlatformModel
import QueueingModel
import ScenarioFile
import Testing

/// The platform schema: topologies (territories, PostgreSQL nodes, request classes) and the
/// scenarios that run on them, as files on disk.
@Suite struct PlatformSchemaTests {
  static let topology = """
    name: shop
    queries:
      search: {time: {distribution: exponential, mean: 4ms}}
      write: {time: {distribution: exponential, mean: 6ms}, write: true}
    requests:
      list: {cpu: {distribution: exponential, mean: 10ms}, queries: [search, search]}
      update: {cpu: {distribution: exponential, mean: 20ms}, queries: [search, write]}
      ping: {cpu: {distribution: deterministic, value: 1ms}}
    databases:
      de-primary: {cores: 8, maxConnections: 200, price: 1.10}
      de-replica-1: {replicaOf: de-primary, cores: 4, shipping: 2ms, apply: {distribution: exponential, mean: 1ms}}
      ch-replica-1: {replicaOf: ch-primary, cores: 4}
      ch-primary: {cores: 4, maxConnections: 100, price: 1.25, currency: CHF}
    territories:
      DE:
        timezone: Europe/Berlin
        loadBalancer: {policy: random, overhead: {distribution: deterministic, value: 0.5ms}, retries: 1}
        app: {instances: 6, workers: 16, cores: 4, connections: 10, timeout: 5s, price: 0.19}
        database: {primary: de-primary, maxLag: 500ms, readYourWrites: 2s}
      CH:
        timezone: Europe/Zurich
        currency: CHF
        app: {instances: 2, workers: 8, connections: 10}
        database: {primary: ch-primary, reads: primary}

    """

  static let scenario = """
    name: test-week
    topology: t.yaml
    calendar:
      timezone: Europe/Berlin
      start: 2026-12-07
      end: 2026-12-14
      seasons:
        christmas: {rule: christmas-catering, multiplier: 5, rampUp: 7d, ramp: smooth}
        oktoberfest: {rule: oktoberfest, lead: 7d, multiplier: 5}
    demand:
      DE:
        users: 800
        think: {distribution: exponential, mean: 30s}
        mix: {update: 0.15, list: 0.85}
      CH:
        rate: 40/s
        growth: 1.2
        mix: {list: 1}
        seasons: [christmas]
        week: [1, 1, 1, 1, 1, 0, 0]
    faults:
      - {kind: crashes, territory: DE, mtbf: 30d, mttr: 10min}
      - {kind: replica-down, node: de-replica-1, at: 2026-12-08T09:00, for: 4h}
      - {kind: primary-failover, node: ch-primary, at: 2026-12-08T10:00, detection: 30s, promotion: 20s}
      - {kind: territory-outage, territory: CH, at: 2026-12-09T11:00, for: 1h, failoverTo: DE, after: 2min}
      - {kind: deployment, territory: DE, at: 2026-12-10T12:00}
    capacity:
      - {territory: DE, at: 2026-12-07T06:00, instances: 10}
    slo:
      p95: 250ms
      p99: 1s
      errorRate: 1%
      availability: 0.995
    run: {replications: 3, seed: 7, series: 30min, warmup: 1h}

    """

  /// Writes the topology and scenario (and any other files) into a fresh folder.
  static func folder(topology: String = topology, scenario: String = scenario, _ others: [String: String] = [:]) throws
    -> String
  {
    try ScenarioSchemaTests.folder(others.merging(["t.yaml": topology, "s.yaml": scenario]) { a, _ in a })
  }

  static func load(_ dir: String, _ file: String = "s.yaml", settings: [String] = []) throws -> PlatformScenario {
    do {
      let (scenario, warnings) = try ScenarioFile.loadPlatform(path: dir + "/" + file, settings: settings)
      #expect(warnings.isEmpty, "\(warnings)")
      return scenario
    } catch {
      Issue.record("unexpected errors:\n\(error)")
      throw error
    }
  }

  static func errors(_ dir: String, _ file: String = "s.yaml", settings: [String] = []) throws -> [Diagnostic] {
    try #require(throws: DiagnosticError.self) {
      try ScenarioFile.loadPlatform(path: dir + "/" + file, settings: settings)
    }
    .diagnostics
  }

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

  // MARK: A valid pair

  @Test func aValidScenarioLoadsIntoTheModel() throws {
    let s = try Self.load(try Self.folder())
    let p = s.platform
    #expect(s.name == "test-week" && p.name == "shop")

    // Given: query kinds, request classes by name; then: indices in file order.
    #expect(p.queryKinds.map(\.name) == ["search", "write"])
    #expect(p.queryKinds.map(\.isWrite) == [false, true])
    #expect(Self.close(p.queryKinds[0].service.mean, 0.004))
    #expect(p.requestClasses.map(\.name) == ["list", "update", "ping"])
    #expect(p.requestClasses.map(\.queries) == [[0, 0], [0, 1], []])
    #expect(Self.close(p.requestClasses[2].cpu.mean, 0.001))

    // A replica may name a primary written after it.
    #expect(p.databases.map(\.name) == ["de-primary", "de-replica-1", "ch-replica-1", "ch-primary"])
    #expect(p.databases.map(\.replicaOf) == [nil, 0, 3, nil])
    #expect(p.replicas(of: 3) == [2])
    #expect(p.databases.map(\.maxConnections) == [200, 100, 100, 100])
    // A node without a currency takes its territory's: ch-replica-1 is CH's, in CHF.
    #expect(p.databases.map(\.currency) == ["EUR", "EUR", "CHF", "CHF"])
    #expect(p.databases[0].pricePerHour == 1.10 && p.databases[3].pricePerHour == 1.25)
    #expect(Self.close(p.databases[1].shipping, 0.002) && p.databases[2].shipping == 0)
    #expect(Self.close(p.databases[1].apply?.mean ?? 0, 0.001) && p.databases[2].apply == nil)

    let de = p.territories[0]
    let ch = p.territories[1]
    #expect(p.territories.map(\.name) == ["DE", "CH"])
    #expect(de.timeZone.identifier == "Europe/Berlin" && ch.timeZone.identifier == "Europe/Zurich")
    #expect(de.currency == "EUR" && ch.currency == "CHF")
    #expect(de.loadBalancer.policy == .random && de.loadBalancer.retries == 1)
    #expect(Self.close(de.loadBalancer.overhead?.mean ?? 0, 0.0005))
    #expect(de.loadBalancer.healthCheckInterval == 10)
    #expect(
      ch.loadBalancer.policy == .leastConnections && ch.loadBalancer.overhead == nil && ch.loadBalancer.retries == 0)
    #expect(de.app.instances == 6 && de.app.workers == 16 && de.app.cores == 4 && de.app.connections == 10)
    #expect(de.app.timeout == 5 && de.app.pricePerHour == 0.19)
    // Defaults: cores = workers, queue 100, timeouts 30 s, start-up 60 s, free.
    #expect(ch.app.cores == 8 && ch.app.queueLimit == 100 && ch.app.timeout == 30)
    #expect(ch.app.connectionTimeout == 30 && ch.app.startup == 60 && ch.app.pricePerHour == 0)
    #expect(de.primary == 0 && ch.primary == 3)
    #expect(de.reads.policy == .roundRobin && de.reads.maxLag == 0.5 && de.reads.readYourWrites == 2)
    #expect(ch.reads.policy == .primary && ch.reads.maxLag == 1 && ch.reads.readYourWrites == 0)
  }

  @Test func theScenarioSetsCalendarDemandFaultsAndObjectives() throws {
    let s = try Self.load(try Self.folder())
    // Midnight of 7 December in Berlin (UTC+1) is 23:00 UTC the day before; a week later, no
    // daylight-saving change in between.
    let start = try #require(ISO8601DateFormatter().date(from: "2026-12-06T23:00:00Z"))
    #expect(s.horizon == 7 * 86_400)
    #expect(s.warmup == 3_600 && s.seriesInterval == 1_800 && s.replications == 3 && s.seed == 7)

    let de = s.demand[0]
    let ch = s.demand[1]
    guard case .users(let users, let think) = de.base, case .rate(let rate) = ch.base else {
      Issue.record("expected users for DE and a rate for CH: \(s.demand.map(\.base))")
      return
    }
    #expect(users == 800 && think.mean == 30 && rate == 40)
    #expect(de.growth == 1 && ch.growth == 1.2)
    // Mix weights in the topology's class order; classes left out weigh 0.
    #expect(de.mix == [0.85, 0.15, 0] && ch.mix == [1, 0, 0])
    // Each territory's calendar: its own time zone, the scenario's start instant.
    #expect(de.calendar?.start == start && ch.calendar?.start == start)
    #expect(de.calendar?.timeZone.identifier == "Europe/Berlin" && ch.calendar?.timeZone.identifier == "Europe/Zurich")
    #expect(Set(de.calendar?.seasons.map(\.name) ?? []) == ["christmas", "oktoberfest"])
    #expect(Set(ch.calendar?.seasons.map(\.name) ?? []) == ["christmas"])
    #expect(de.calendar?.week == .workingWeek && ch.calendar?.week.weights == [1, 1, 1, 1, 1, 0, 0])
    #expect(de.calendar?.day == .officeHours)

    // Local times become seconds from the start: 8 December 09:00 is 1 day 9 hours in.
    #expect(
      s.faults.map { "\($0)" } == [
        "instanceCrashes(territory: 0, mtbf: 2592000.0, mttr: 600.0)",
        "replicaDown(node: 1, at: 118800.0, duration: 14400.0)",
        "primaryFailover(node: 3, at: 122400.0, detection: 30.0, promotion: 20.0)",
        "territoryOutage(territory: 1, at: 212400.0, duration: 3600.0, failoverTo: Optional(0), failoverDelay: 120.0)",
        "deployment(territory: 0, at: 302400.0, batch: 1)",
      ])
    #expect(s.capacity.map { [Double($0.territory), $0.at, Double($0.instances)] } == [[0, 21_600, 10]])

    var objectives = ServiceObjectives()
    objectives.p95 = 0.25
    objectives.p99 = 1
    objectives.errorRate = 0.01
    objectives.availability = 0.995
    #expect(s.objectives == objectives)
  }

  /// Seasons that overlap contradict each other only in a territory that takes both: CH's
  /// own December season beside DE's Christmas is fine (a southern territory's summer was
  /// refused as overlapping the northern ones' Christmas), and one territory taking both is
  /// named in the error.
  @Test func overlappingSeasonsAreRefusedOnlyWhereBothApply() throws {
    let separate = Self.scenario
      .replacingOccurrences(
        of: "    oktoberfest: {rule: oktoberfest, lead: 7d, multiplier: 5}\n",
        with:
          "    oktoberfest: {rule: oktoberfest, lead: 7d, multiplier: 5}\n    summer: {from: 2026-12-01, to: 2027-01-31, multiplier: 0.6}\n"
      )
      .replacingOccurrences(of: "seasons: [christmas]", with: "seasons: [summer]")
      .replacingOccurrences(of: "    users: 800\n", with: "    users: 800\n    seasons: [christmas, oktoberfest]\n")
    let s = try Self.load(try Self.folder(scenario: separate))
    #expect(s.demand[1].calendar?.seasons.map(\.name).allSatisfy { $0 == "summer" } == true)
    let both = separate.replacingOccurrences(of: "seasons: [summer]", with: "seasons: [summer, christmas]")
    let errors = try Self.errors(try Self.folder(scenario: both))
    #expect(
      errors.map(\.message) == [
        "season 'summer' overlaps 'christmas' (2026-12-01) and both apply to territory CH: give one of them other dates or leave one out of demand.CH.seasons"
      ], "\(errors)")
  }

  /// An opening in a year the run does not cover is said, the year before the run's included
  /// (its seasons are laid out a year either side, and that year passed without a word).
  @Test func anOpeningOutsideTheRunsYearsIsSaid() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (year, said) in [(2025, true), (2026, false), (2027, true)] {
      let (_, warnings) = try ScenarioFile.loadPlatform(
        path: dir + "/s.yaml", settings: ["calendar.seasons.christmas.opening=\(year)-11-20"])
      #expect(
        warnings.contains { $0.message.contains("its year, \(year), is not used") } == said, "\(year): \(warnings)")
    }
  }

  /// A season by dates in no year of the run adds nothing: said (a 2026 Spargel copied into a
  /// 2027 scenario was dropped without a word, and the plan sized the season as normal load);
  /// `opening` beside dates is refused (it was ignored).
  @Test func aSeasonByDatesOutsideTheRunIsSaid() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (from, to, said) in [
      ("2025-11-20", "2025-12-23", true), ("2026-11-20", "2026-12-23", false), ("2025-12-20", "2026-01-06", false),
    ] {
      let (_, warnings) = try ScenarioFile.loadPlatform(
        path: dir + "/s.yaml", settings: ["calendar.seasons.christmas={from: \(from), to: \(to), multiplier: 5}"])
      #expect(warnings.contains { $0.message.contains("it adds nothing to this run") } == said, "\(from): \(warnings)")
    }
    let errors = try Self.errors(
      dir,
      settings: ["calendar.seasons.christmas={from: 2026-11-20, to: 2026-12-23, opening: 2026-11-01, multiplier: 5}"])
    #expect(errors.contains { $0.message.hasPrefix("'opening' moves a season by rule") }, "\(errors)")
  }

  /// A week of zeros asks for nothing: said, as `users: 0` is.
  @Test func aWeekOfZerosIsSaid() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (_, warnings) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml", settings: ["demand.CH.week=[0,0,0,0,0,0,0]"])
    #expect(warnings.contains { $0.message.hasPrefix("every day of the week weighs 0") }, "\(warnings)")
  }

  /// A target of 1 is all of it (an error rate of 100% never fails): said, as one who meant 1%
  /// may have written it; a mix's 1 is not.
  @Test func aTargetOfOneIsQuestioned() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (scenario, warnings) = try ScenarioFile.loadPlatform(path: dir + "/s.yaml", settings: ["slo.errorRate=1"])
    #expect(scenario.objectives.errorRate == 1)
    #expect(warnings.map(\.message) == ["1 is read as 100% (the whole); write 1% for one percent"], "\(warnings)")
  }

  /// Faults that do other than they seem say so: a rolling deployment whose batch is the whole
  /// pool (an outage, not a rolling restart), and a replica-down after a failover of its
  /// primary (the replica may be the primary by then: its writes fail).
  @Test func faultsThatDoOtherThanTheySeemAreWarnedAbout() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (_, warnings) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml",
      settings: [
        "faults=[{kind: deployment, territory: CH, at: 2026-12-10T12:00, batch: 2}, {kind: primary-failover, node: de-primary, at: 2026-12-08T10:00, detection: 30s, promotion: 20s}, {kind: replica-down, node: de-replica-1, at: 2026-12-08T11:00, for: 1h}]"
      ])
    let texts = warnings.map(\.message)
    #expect(
      texts.contains { $0.contains("a batch of 2 restarts all 2 of the pool's instances at once") }, "\(texts)")
    #expect(
      texts.contains {
        $0.contains("faults[1] fails 'de-primary' over before this: if 'de-replica-1' is the replica promoted")
      }, "\(texts)")
    let (_, none) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml",
      settings: [
        "faults=[{kind: deployment, territory: CH, at: 2026-12-10T12:00, batch: 1}, {kind: replica-down, node: de-replica-1, at: 2026-12-08T09:00, for: 1h}, {kind: primary-failover, node: de-primary, at: 2026-12-08T10:00, detection: 30s, promotion: 20s}]"
      ])
    #expect(none.isEmpty, "\(none)")
    // Failed over onto a territory down itself then: said (every request failed, silently).
    let (_, chained) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml",
      settings: [
        "faults=[{kind: territory-outage, territory: DE, at: 2026-12-08T09:00, for: 1h}, {kind: territory-outage, territory: CH, at: 2026-12-08T09:10, for: 30min, failoverTo: DE, after: 2min}]"
      ])
    #expect(
      chained.map(\.message).contains {
        $0.hasPrefix("this outage fails over to DE while DE is down itself (faults[0])")
      },
      "\(chained)")
  }

  /// Without a calendar, demand is constant, the run needs a length, and fault times are
  /// durations from the start.
  /// `--set 'territories.DE.app={instances: 3, workers: 16}'` replaced the whole pool: its price,
  /// cores and timeouts fell back to their defaults without a word (the cost read 0.00). The
  /// replacement stands, and is said, naming the keys left behind; a key set alone says nothing.
  @Test func anOverrideOfAWholeMappingSaysWhatItDrops() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (scenario, warnings) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml", settings: ["territories.DE.app={instances: 3, workers: 16, connections: 10}"])
    #expect(
      scenario.platform.territories[0].app.instances == 3 && scenario.platform.territories[0].app.pricePerHour == 0)
    #expect(
      warnings.map(\.description) == [
        "--set:1:23: warning: \"territories.DE.app\": replaces the file's whole mapping, so its 'cores', 'timeout', 'price' are not kept (to change some keys only, set each: territories.DE.app.instances=...)"
      ], "\(warnings)")
    // Keys below the mapping count too: DE kept, its app's price dropped (without a word)
    let (_, nested) = try ScenarioFile.loadPlatform(
      path: dir + "/s.yaml",
      settings: [
        "territories={DE: {timezone: Europe/Berlin, app: {instances: 4, workers: 16, connections: 10}, database: {primary: de-primary}}, CH: {timezone: Europe/Zurich, currency: CHF, app: {instances: 2, workers: 8, connections: 10}, database: {primary: ch-primary, reads: primary}}}"
      ])
    #expect(
      nested.map(\.message) == [
        "replaces the file's whole mapping, so its 'DE.loadBalancer', 'DE.app.cores', 'DE.app.timeout', 'DE.app.price', 'DE.database.maxLag', 'DE.database.readYourWrites' are not kept (to change some keys only, set each: territories.DE=...)"
      ], "\(nested)")
    let (_, none) = try ScenarioFile.loadPlatform(path: dir + "/s.yaml", settings: ["territories.DE.app.instances=3"])
    #expect(none.isEmpty, "\(none)")
    // Both at once, in either order, was the inner key alone without a word: an error
    for settings in [
      ["territories.DE.app.instances=4", "territories.DE.app={instances: 5, workers: 16, connections: 10}"],
      ["territories.DE.app={instances: 5, workers: 16, connections: 10}", "territories.DE.app.instances=4"],
    ] {
      let errors = try Self.errors(dir, settings: settings)
      #expect(
        errors.map(\.message).contains(
          "'territories.DE.app.instances' is inside 'territories.DE.app', which is also set (--set number 1): one would replace the other; give the key inside the mapping, or only the key"
        ), "\(errors)")
    }
  }

  /// A season of dates with only 'from' (or only 'to') was accepted and then dropped: the run
  /// went on at normal load. It is an error at the season, in a file and from --set.
  @Test func aSeasonWithOneDateIsAnError() throws {
    let dir = try Self.folder(
      scenario: Self.scenario.replacingOccurrences(
        of: "oktoberfest: {rule: oktoberfest, lead: 7d, multiplier: 5}",
        with: "easter: {from: 2026-12-08, multiplier: 2}"))
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(
      try Self.errors(dir).map(\.description) == [
        "\(dir)/s.yaml:9:13: error: calendar.seasons.easter: a season by dates needs 'from' and 'to': 'from' without 'to'"
      ])
    let set = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: set) }
    let errors = try Self.errors(set, settings: ["calendar.seasons.easter={to: 2026-12-09, multiplier: 2}"])
    #expect(
      errors.map(\.description) == [
        "--set:1:28: error: \"calendar.seasons.easter\": a season by dates needs 'from' and 'to': 'to' without 'from'"
      ], "\(errors)")
  }

  /// A season listed twice does no harm, but says so: never a silently accepted slip.
  @Test func aSeasonListedTwiceIsAWarning() throws {
    let dir = try Self.folder(
      scenario: Self.scenario.replacingOccurrences(of: "seasons: [christmas]", with: "seasons: [christmas, christmas]"))
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (scenario, warnings) = try ScenarioFile.loadPlatform(path: dir + "/s.yaml")
    #expect(
      warnings.map(\.description) == [
        "\(dir)/s.yaml:19:26: warning: demand.CH.seasons[1]: season 'christmas' is listed twice"
      ])
    // The same seasons as listed once (a rule's season in each year it reaches).
    let onceDir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: onceDir) }
    let once = try Self.load(onceDir)
    #expect(scenario.demand[1].calendar?.seasons.map(\.name) == once.demand[1].calendar?.seasons.map(\.name))
  }

  /// A local time the clocks skip (02:30 on a spring-forward night) or show twice (on a
  /// fall-back night) is read, and says how.
  @Test func timesAroundAClockChangeAreReadWithAWarning() throws {
    func warnings(start: String, end: String, at: String) throws -> [String] {
      var text = Self.scenario.replacingOccurrences(of: "start: 2026-12-07", with: "start: \(start)")
        .replacingOccurrences(of: "end: 2026-12-14", with: "end: \(end)")
      let faults = try #require(text.range(of: "faults:"))
      let slo = try #require(text.range(of: "slo:"))
      text.replaceSubrange(
        faults.lowerBound..<slo.lowerBound,
        with: "faults:\n  - {kind: replica-down, node: de-replica-1, at: \(at), for: 1h}\n")
      let dir = try Self.folder(scenario: text)
      defer { try? FileManager.default.removeItem(atPath: dir) }
      return try ScenarioFile.loadPlatform(path: dir + "/s.yaml").1.map(\.message)
    }
    let skipped = try warnings(start: "2026-03-28", end: "2026-03-31", at: "2026-03-29T02:30")
    #expect(
      skipped.contains(
        "2026-03-29T02:30 does not exist in Europe/Berlin (the clocks jump over it that night): read as Sun 2026-03-29 03:30"
      ),
      "\(skipped)")
    let twice = try warnings(start: "2026-10-24", end: "2026-10-27", at: "2026-10-25T02:30")
    #expect(twice.contains { $0.hasPrefix("2026-10-25T02:30 happens twice in Europe/Berlin") }, "\(twice)")
    let plain = try warnings(start: "2026-10-24", end: "2026-10-27", at: "2026-10-25T04:30")
    #expect(!plain.contains { $0.contains("Europe/Berlin (the clocks") }, "\(plain)")
  }

  @Test func withoutACalendarTheRunNeedsALengthAndTimesAreDurations() throws {
    let scenario = """
      topology: t.yaml
      demand:
        DE: {rate: 10/s, mix: {list: 1}}
        CH: {users: 20, think: {distribution: exponential, mean: 5s}, mix: {ping: 100%}}
      faults:
        - {kind: replica-down, node: de-replica-1, at: 10min, for: 5min}
      run: {length: 1h}

      """
    let s = try Self.load(try Self.folder(scenario: scenario))
    #expect(s.horizon == 3_600 && s.replications == 5 && s.seed == 1 && s.seriesInterval == 3_600 && s.warmup == 0)
    #expect(s.demand.allSatisfy { $0.calendar == nil })
    #expect(s.faults.map { "\($0)" } == ["replicaDown(node: 1, at: 600.0, duration: 300.0)"])
    #expect(s.objectives == ServiceObjectives())

    let dated = scenario.replacingOccurrences(of: "at: 10min", with: "at: 2026-12-08T10:00")
      .replacingOccurrences(of: "run: {length: 1h}", with: "")
    let errors = try Self.errors(try Self.folder(scenario: dated))
    #expect(errors.map(\.keyPath) == ["", "faults[0].at"])
    #expect(
      errors[0].message.contains("needs 'calendar:'") && errors[1].message.contains("needs the scenario's 'calendar:'"))
  }

  /// An app pool's `loadFactor` is read as a station's is, and a bad one is an error at its
  /// point.
  @Test func anAppPoolTakesALoadFactor() throws {
    let good = try Self.load(
      try Self.folder(),
      settings: ["territories.DE.app.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 4, factor: 1.3}]"])
    #expect(good.platform.territories[0].app.loadFactor == LoadFactor(concurrency: [1, 4], factor: [1, 1.3]))
    #expect(good.platform.territories[1].app.loadFactor == nil)
    let errors = try Self.errors(
      try Self.folder(),
      settings: ["territories.DE.app.loadFactor=[{concurrency: 4, factor: 1.3}, {concurrency: 2, factor: 1}]"])
    #expect(errors.count == 1 && errors[0].keyPath.hasSuffix("loadFactor\"[1].concurrency"), "\(errors)")
    #expect(errors.first?.message.contains("concurrencies must increase") == true, "\(errors)")
  }

  /// An instance has at most `cores` bursts in service and a node `cores` queries: load-factor
  /// points past the first at or above that never apply, and are said to, as a station's are.
  @Test func loadFactorPointsPastTheCoresAreWarnedAbout() throws {
    let (_, warnings) = try ScenarioFile.loadPlatform(
      path: try Self.folder() + "/s.yaml",
      settings: [
        "territories.DE.app.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 4, factor: 1.3}, {concurrency: 8, factor: 2}]",
        "databases.de-primary.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 8, factor: 1.2}, {concurrency: 16, factor: 2}, {concurrency: 32, factor: 3}]",
        "territories.CH.app.loadFactor=[{concurrency: 1, factor: 1}, {concurrency: 8, factor: 1.5}]",
      ])
    let messages = warnings.map(\.message)
    #expect(warnings.count == 2, "\(messages)")
    #expect(
      messages.contains(
        "the point at concurrency 8 never applies: an instance runs at most 4 CPU bursts at once (its cores), so concurrencies past 4 are never reached"
      ),
      "\(messages)")
    #expect(
      messages.contains {
        $0.hasPrefix("the points at concurrency 16, 32 never apply: a node runs at most 8 queries at once")
      },
      "\(messages)")
  }

  /// `run.length` is the measured window, after the warm-up, as in a network scenario; `drain`
  /// says whether requests in flight at the end may finish.
  @Test func lengthIsTheMeasuredWindowAfterTheWarmup() throws {
    let scenario = """
      topology: t.yaml
      demand:
        DE: {rate: 10/s, mix: {list: 1}}
        CH: {rate: 1/s, mix: {ping: 1}}
      run: {length: 1h, warmup: 10min, drain: false}

      """
    let s = try Self.load(try Self.folder(scenario: scenario))
    // Given 10 min of warm-up and 1 h measured, the run is 70 min and stops at its end
    #expect(s.warmup == 600 && s.horizon == 4_200)
    #expect(!s.drains)
    let draining = try Self.load(
      try Self.folder(scenario: scenario.replacingOccurrences(of: ", drain: false", with: "")))
    #expect(draining.drains)
    let typo = try Self.errors(
      try Self.folder(scenario: scenario.replacingOccurrences(of: "drain: false", with: "drain: 5s")))
    #expect(typo.map(\.keyPath) == ["run.drain"])
  }

  // MARK: Every problem, where it was written

  /// Edits to the valid pair; `1️⃣`... in the replacement text mark where each diagnostic must be.
  struct ErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var topology: [(String, String)] = []
    var scenario: [(String, String)] = []
    /// file ("t.yaml" or "s.yaml"), marker, key path, part of the message.
    var expected: [(String, String, String, String)]
    var testDescription: String { name }
  }

  static let errorCases: [ErrorCase] = [
    // Names the results give their own rows: a class, node or season so named was taken for them.
    ErrorCase(
      name: "a request class named all",
      topology: [("  ping: {cpu:", "  1️⃣all: {cpu:")],
      expected: [("t.yaml", "1️⃣", "requests.all", "'all' names every request class together in the results")]),
    ErrorCase(
      name: "a database node named app",
      topology: [("  ch-replica-1: {replicaOf: ch-primary, cores: 4}", "  1️⃣app: {replicaOf: ch-primary, cores: 4}")],
      expected: [("t.yaml", "1️⃣", "databases.app", "'app' names a tier of the results (all, app, database)")]),
    ErrorCase(
      name: "a season named normal",
      scenario: [("    oktoberfest: {rule:", "    1️⃣normal: {rule:")],
      expected: [("s.yaml", "1️⃣", "calendar.seasons.normal", "'normal' is the time outside every season")]),
    ErrorCase(
      name: "replica of an unknown node",
      topology: [("{replicaOf: de-primary, cores: 4, shipping", "{replicaOf: 1️⃣de-primry, cores: 4, shipping")],
      expected: [
        (
          "t.yaml", "1️⃣", "databases.de-replica-1.replicaOf",
          "no database node named 'de-primry' (did you mean 'de-primary'?)"
        )
      ]),
    ErrorCase(
      name: "replica of a replica",
      topology: [("ch-replica-1: {replicaOf: ch-primary", "ch-replica-1: {replicaOf: 1️⃣de-replica-1")],
      expected: [
        ("t.yaml", "1️⃣", "databases.ch-replica-1.replicaOf", "'de-replica-1' is itself a replica (of 'de-primary')")
      ]),
    ErrorCase(
      name: "node that replicates itself",
      topology: [("ch-replica-1: {replicaOf: ch-primary", "ch-replica-1: {replicaOf: 1️⃣ch-replica-1")],
      expected: [("t.yaml", "1️⃣", "databases.ch-replica-1.replicaOf", "a node cannot replicate itself")]),
    ErrorCase(
      name: "replication settings on a primary",
      topology: [("ch-primary: {cores: 4,", "ch-primary: {cores: 4, shipping: 1️⃣1ms,")],
      expected: [("t.yaml", "1️⃣", "databases.ch-primary.shipping", "'shipping' applies only to a replica")]),
    ErrorCase(
      name: "zero instances",
      topology: [("app: {instances: 6,", "app: {instances: 1️⃣0,")],
      expected: [("t.yaml", "1️⃣", "territories.DE.app.instances", "must be between 1 and 100000, found 0")]),
    ErrorCase(
      name: "zero workers",
      topology: [("workers: 8,", "workers: 1️⃣0,")],
      expected: [("t.yaml", "1️⃣", "territories.CH.app.workers", "must be between 1 and 100000, found 0")]),
    ErrorCase(
      name: "zero connections",
      topology: [("connections: 10, timeout", "connections: 1️⃣0, timeout")],
      expected: [("t.yaml", "1️⃣", "territories.DE.app.connections", "must be between 1 and 100000, found 0")]),
    ErrorCase(
      name: "pool larger than maxConnections, with the instances capacity: schedules",
      topology: [("de-primary: {cores: 8, maxConnections: 200", "de-primary: {cores: 8, maxConnections: 1️⃣60")],
      expected: [
        (
          "t.yaml", "1️⃣", "databases.de-primary.maxConnections",
          "territory DE can open 10 x 10 = 100 connections to 'de-primary', more than its maxConnections 60 "
            + "(counting the 10 instances for DE that capacity: schedules)"
        )
      ]),
    ErrorCase(
      name: "replica without maxConnections gets PostgreSQL's default",
      topology: [("  de-replica-1: {", "  1️⃣de-replica-1: {")],
      scenario: [("instances: 10}", "instances: 11}")],
      expected: [
        (
          "t.yaml", "1️⃣", "databases.de-replica-1",
          "territory DE can open 11 x 10 = 110 connections to 'de-replica-1', more than its maxConnections 100 "
            + "(PostgreSQL's default; counting the 11 instances for DE that capacity: schedules)"
        )
      ]),
    ErrorCase(
      name: "territory whose primary is a replica",
      topology: [("database: {primary: de-primary,", "database: {primary: 1️⃣de-replica-1,")],
      expected: [
        (
          "t.yaml", "1️⃣", "territories.DE.database.primary",
          "'de-replica-1' is a replica: a territory's primary must be a primary (did you mean 'de-primary'?)"
        )
      ]),
    ErrorCase(
      name: "unknown query kind in a request class",
      topology: [("queries: [search, search]", "queries: [search, 1️⃣serch]")],
      expected: [("t.yaml", "1️⃣", "requests.list.queries[1]", "no query kind named 'serch' (did you mean 'search'?)")]),
    ErrorCase(
      name: "a lock: unknown key, rows below 1",
      topology: [
        (
          "update: {cpu: {distribution: exponential, mean: 20ms}, queries: [search, write]}",
          "update: {cpu: {distribution: exponential, mean: 20ms}, queries: [search, write], lock: {name: row, 1️⃣row: 5}}"
        ),
        (
          "list: {cpu: {distribution: exponential, mean: 10ms}, queries: [search, search]}",
          "list: {cpu: {distribution: exponential, mean: 10ms}, queries: [search, search], lock: {name: row, rows: 2️⃣0}}"
        ),
      ],
      expected: [
        ("t.yaml", "1️⃣", "requests.update.lock.row", "unknown key 'row' (did you mean 'rows'?)"),
        ("t.yaml", "2️⃣", "requests.list.lock.rows", "must be between 1 and 1000000, found 0"),
      ]),
    ErrorCase(
      name: "a lock before a query the class does not have, on a class without queries, without a name",
      topology: [
        (
          "update: {cpu: {distribution: exponential, mean: 20ms}, queries: [search, write]}",
          "update: {cpu: {distribution: exponential, mean: 20ms}, queries: [search, write], lock: {name: row, at: 1️⃣2}}"
        ),
        (
          "ping: {cpu: {distribution: deterministic, value: 1ms}}",
          "ping: {cpu: {distribution: deterministic, value: 1ms}, lock: 2️⃣{name: row}}"
        ),
        ("queries: [search, search]}", "queries: [search, search], 3️⃣lock: {rows: 3}}"),
      ],
      expected: [
        (
          "t.yaml", "1️⃣", "requests.update.lock.at",
          "the lock is taken before query 2 (counting from 0), but the class has 2 queries"
        ),
        ("t.yaml", "2️⃣", "requests.ping.lock", "a lock is held across the class's queries, and it has none"),
        ("t.yaml", "3️⃣", "requests.list.lock", "missing required key 'name'"),
      ]),
    ErrorCase(
      name: "classes naming one lock with different rows",
      topology: [
        ("queries: [search, search]}", "queries: [search, search], lock: {name: row, rows: 5}}"),
        ("queries: [search, write]}", "queries: [search, write], lock: {name: row, rows: 1️⃣6, at: 1}}"),
        (
          "ping: {cpu: {distribution: deterministic, value: 1ms}}",
          "ping: {cpu: {distribution: deterministic, value: 1ms}}\n  other: {cpu: {distribution: deterministic, value: 1ms}, queries: [write], lock: 2️⃣{name: row}}"
        ),
      ],
      expected: [
        (
          "t.yaml", "1️⃣", "requests.update.lock.rows",
          "lock 'row' has 5 rows in class 'list', 6 here: classes naming one lock share its rows"
        ),
        ("t.yaml", "2️⃣", "requests.other.lock", "lock 'row' has 5 rows in class 'list', 1 here"),
      ]),
    ErrorCase(
      name: "unknown key in an app pool",
      topology: [("timeout: 5s, price: 0.19", "timeout: 5s, 1️⃣prize: 0.19")],
      expected: [("t.yaml", "1️⃣", "territories.DE.app.prize", "unknown key 'prize' (did you mean 'price'?)")]),
    ErrorCase(
      name: "unknown time zone and currency",
      topology: [("timezone: Europe/Zurich\n    currency: CHF", "timezone: 1️⃣Europe/Zürich\n    currency: 2️⃣chf")],
      expected: [
        ("t.yaml", "1️⃣", "territories.CH.timezone", "unknown time zone 'Europe/Zürich' (did you mean 'Europe/Zurich'?)"),
        ("t.yaml", "2️⃣", "territories.CH.currency", "expected a three-letter currency code"),
      ]),
    ErrorCase(
      name: "a fixed offset is no territory's clock",
      topology: [("timezone: Europe/Berlin", "timezone: 1️⃣UTC+1")],
      expected: [("t.yaml", "1️⃣", "territories.DE.timezone", "unknown time zone 'UTC+1'")]),
    ErrorCase(
      name: "unknown load balancer policy",
      topology: [("{policy: random,", "{policy: 1️⃣randm,")],
      expected: [
        ("t.yaml", "1️⃣", "territories.DE.loadBalancer.policy", "unknown value 'randm' (did you mean 'random'?)")
      ]),
    ErrorCase(
      name: "demand for an unknown territory, none for a known one",
      scenario: [("demand:", "2️⃣demand:"), ("  CH:\n    rate", "  1️⃣CHE:\n    rate")],
      expected: [
        ("s.yaml", "1️⃣", "demand.CHE", "no territory named 'CHE' (did you mean 'CH'?)"),
        ("s.yaml", "2️⃣", "demand", "no demand for territory 'CH'"),
      ]),
    ErrorCase(
      name: "users without think time",
      scenario: [
        ("  DE:\n    users: 800\n    think: {distribution: exponential, mean: 30s}\n", "  1️⃣DE:\n    users: 800\n")
      ],
      expected: [("s.yaml", "1️⃣", "demand.DE", "missing required key 'think'")]),
    ErrorCase(
      name: "both users and a rate",
      scenario: [("    rate: 40/s\n", "    1️⃣rate: 40/s\n    users: 3\n")],
      expected: [("s.yaml", "1️⃣", "demand.CH", "takes 'users' or 'rate', not both")]),
    ErrorCase(
      name: "unknown request class in a mix",
      scenario: [("mix: {update: 0.15", "mix: {1️⃣updat: 0.15")],
      expected: [("s.yaml", "1️⃣", "demand.DE.mix.updat", "no request class named 'updat' (did you mean 'update'?)")]),
    ErrorCase(
      name: "a mix without a positive weight",
      scenario: [("mix: {list: 1}", "mix: 1️⃣{list: 0}")],
      expected: [("s.yaml", "1️⃣", "demand.CH.mix", "at least one request class needs a weight above 0")]),
    ErrorCase(
      name: "unknown season",
      scenario: [("seasons: [christmas]", "seasons: [1️⃣christmass]")],
      expected: [("s.yaml", "1️⃣", "demand.CH.seasons[0]", "no season named 'christmass' (did you mean 'christmas'?)")]),
    ErrorCase(
      name: "fault at the calendar's end (excluded)",
      scenario: [("at: 2026-12-08T09:00", "at: 1️⃣2026-12-14T00:00")],
      expected: [
        (
          "s.yaml", "1️⃣", "faults[1].at",
          "2026-12-14T00:00 is outside the calendar (2026-12-07 00:00 to 2026-12-14 00:00, Europe/Berlin time, end excluded)"
        )
      ]),
    ErrorCase(
      name: "capacity before the calendar's start",
      scenario: [("at: 2026-12-07T06:00", "at: 1️⃣2026-12-06T23:30")],
      expected: [("s.yaml", "1️⃣", "capacity[0].at", "2026-12-06T23:30 is outside the calendar")]),
    ErrorCase(
      name: "two faults on one replica at once",
      scenario: [
        (
          "  - {kind: primary-failover",
          "  - 1️⃣{kind: replica-down, node: de-replica-1, at: 2026-12-08T12:00, for: 1h}\n  - {kind: primary-failover"
        )
      ],
      expected: [
        (
          "s.yaml", "1️⃣", "faults[2]",
          "this fault overlaps faults[1] on the same database node: write one fault that covers both"
        )
      ]),
    ErrorCase(
      name: "two crash processes for one territory",
      scenario: [
        (
          "  - {kind: replica-down",
          "  - 1️⃣{kind: crashes, territory: DE, mtbf: 3000d, mttr: 1min}\n  - {kind: replica-down"
        )
      ],
      expected: [
        (
          "s.yaml", "1️⃣", "faults[1]",
          "another 'crashes' fault (faults[0]) already sets this territory's MTBF and MTTR: keep one"
        )
      ]),
    ErrorCase(
      name: "a failover after the outage's end",
      scenario: [("failoverTo: DE, after: 2min", "failoverTo: DE, after: 1️⃣1h")],
      expected: [
        (
          "s.yaml", "1️⃣", "faults[3].after",
          "the failover would come when the outage is over (after 1h, for 1h): nothing would fail over"
        )
      ]),
    ErrorCase(
      name: "two capacity entries for one territory at one moment",
      scenario: [
        (
          "  - {territory: DE, at: 2026-12-07T06:00, instances: 10}",
          "  - {territory: DE, at: 2026-12-07T06:00, instances: 10}\n  - 1️⃣{territory: DE, at: 2026-12-07T06:00, instances: 4}"
        )
      ],
      expected: [
        (
          "s.yaml", "1️⃣", "capacity[1]",
          "another capacity entry sets this territory at the same moment (to 10 instances)"
        )
      ]),
    ErrorCase(
      name: "replica-down of a primary",
      scenario: [("node: de-replica-1, at", "node: 1️⃣de-primary, at")],
      expected: [("s.yaml", "1️⃣", "faults[1].node", "'de-primary' is a primary: 'replica-down' takes a replica")]),
    ErrorCase(
      name: "failover of a replica",
      scenario: [("node: ch-primary, at", "node: 1️⃣ch-replica-1, at")],
      expected: [
        (
          "s.yaml", "1️⃣", "faults[2].node",
          "'ch-replica-1' is a replica (of 'ch-primary'): a failover starts at a primary"
        )
      ]),
    ErrorCase(
      name: "failover to itself and to nowhere",
      scenario: [
        ("failoverTo: DE", "failoverTo: 1️⃣CH"),
        ("{kind: deployment, territory: DE,", "{kind: territory-outage, territory: DE, for: 1h, failoverTo: 2️⃣FR,"),
      ],
      expected: [
        ("s.yaml", "1️⃣", "faults[3].failoverTo", "a territory cannot fail over to itself"),
        ("s.yaml", "2️⃣", "faults[4].failoverTo", "no territory named 'FR'"),
      ]),
    ErrorCase(
      name: "fault kinds and their keys",
      scenario: [
        ("{kind: crashes,", "{kind: 1️⃣crash,"),
        ("{kind: deployment, territory: DE, at: 2026-12-10T12:00}", "3️⃣{kind: deployment, territory: DE, 2️⃣for: 1h}"),
      ],
      expected: [
        ("s.yaml", "1️⃣", "faults[0].kind", "unknown value 'crash'"),
        ("s.yaml", "2️⃣", "faults[4].for", "unknown key 'for' (allowed keys: kind, territory, at, batch)"),
        ("s.yaml", "3️⃣", "faults[4]", "missing required key 'at'"),
      ]),
    ErrorCase(
      name: "objectives: shares and durations",
      scenario: [("errorRate: 1%", "errorRate: 1️⃣2"), ("p99: 1s", "p99: 2️⃣1")],
      expected: [
        ("s.yaml", "1️⃣", "slo.errorRate", "found 2 (write 2% for a percentage)"),
        ("s.yaml", "2️⃣", "slo.p99", "expected a duration with a unit"),
      ]),
    ErrorCase(
      name: "a share in plain decimal digits only",
      scenario: [("errorRate: 1%", "errorRate: 1️⃣0x10%")],
      expected: [
        (
          "s.yaml", "1️⃣", "slo.errorRate",
          "expected a percentage such as 2% or a fraction between 0 and 1, found '0x10%'"
        )
      ]),
    ErrorCase(
      name: "an opening on 29 February",
      scenario: [
        ("christmas: {rule: christmas-catering,", "christmas: {rule: christmas-catering, opening: 1️⃣2028-02-29,")
      ],
      expected: [("s.yaml", "1️⃣", "calendar.seasons.christmas.opening", "29 February is not in every year")]),
    ErrorCase(
      name: "a calendar sets the run's length",
      scenario: [("run: {replications: 3,", "run: {length: 1️⃣1h, replications: 3,")],
      expected: [("s.yaml", "1️⃣", "run.length", "the calendar sets the length")]),
  ]

  @Test(arguments: errorCases) func eachProblemIsReportedWhereItIsWritten(_ c: ErrorCase) throws {
    func edited(_ text: String, _ edits: [(String, String)]) throws -> MarkedText {
      var out = text
      for (old, new) in edits {
        #expect(out.contains(old), "fixture has no '\(old)'")
        out = out.replacingOccurrences(of: old, with: new)
      }
      return MarkedText(out)
    }
    let topology = try edited(Self.topology, c.topology)
    let scenario = try edited(Self.scenario, c.scenario)
    let dir = try Self.folder(topology: topology.text, scenario: scenario.text)
    var got = try Self.errors(dir)
    for (file, marker, keyPath, message) in c.expected {
      let position = try #require((file == "t.yaml" ? topology : scenario).markers[marker])
      let hit = got.firstIndex {
        $0.file == dir + "/" + file && $0.line == position.line && $0.column == position.column && $0.keyPath == keyPath
          && $0.message.contains(message)
      }
      if let hit {
        got.remove(at: hit)
      } else {
        Issue.record("missing \(file):\(position.line):\(position.column): \(keyPath): …\(message)…; got:\n\(got)")
      }
    }
    #expect(got.isEmpty, "unexpected: \(got)")
  }

  /// Reading a topology alone, the pools count at `app.instances`.
  @Test func aTopologyAloneIsCheckedWithItsOwnInstanceCounts() throws {
    let marked = MarkedText(
      Self.topology.replacingOccurrences(of: "maxConnections: 200", with: "maxConnections: 1️⃣60")
        .replacingOccurrences(of: "{primary: ch-primary, reads: primary}", with: "{primary: de-primary}")
        .replacingOccurrences(of: "    currency: CHF\n", with: ""))
    let dir = try Self.folder(topology: marked.text)
    let log = ScenarioFile.validate(path: dir + "/t.yaml")
    let position = try #require(marked.markers["1️⃣"])
    // (CH on de-primary, in DE's currency, leaves ch-primary and its replica unused: warnings,
    // left out here.)
    #expect(
      log.diagnostics.filter { $0.severity == .error }.map(\.description) == [
        "\(dir)/t.yaml:\(position.line):\(position.column): error: databases.de-primary.maxConnections: territories DE, CH "
          + "can open 6 x 10 + 2 x 10 = 80 connections to 'de-primary', more than its maxConnections 60"
      ])
    #expect(!ScenarioFile.validate(path: try Self.folder() + "/t.yaml").hasErrors)
  }

  /// Costs add prices without exchange rates, autoscalers find pools by deployment, and a node
  /// no territory uses is billed to no one: each is said where it is written.
  @Test func currenciesDeploymentsAndUnusedNodesAreChecked() throws {
    let marked = MarkedText(
      Self.topology.replacingOccurrences(
        of: "ch-primary: {cores: 4, maxConnections: 100, price: 1.25, currency: CHF}",
        with: "1️⃣ch-primary: {cores: 4, maxConnections: 100, price: 1.25, currency: EUR}"
      )
      .replacingOccurrences(of: "price: 0.19}", with: "price: 0.19, deployment: crm}")
      .replacingOccurrences(of: "  CH:\n", with: "  2️⃣CH:\n")
      .replacingOccurrences(
        of: "app: {instances: 2, workers: 8, connections: 10}",
        with: "app: {instances: 2, workers: 8, connections: 10, deployment: crm}"))
    let dir = try Self.folder(topology: marked.text)
    let log = ScenarioFile.validate(path: dir + "/t.yaml")
    let (currency, deployment) = (try #require(marked.markers["1️⃣"]), try #require(marked.markers["2️⃣"]))
    let errors = log.diagnostics.filter { $0.severity == .error }.map(\.description)
    #expect(
      errors.contains(
        "\(dir)/t.yaml:\(currency.line):\(currency.column): error: databases.ch-primary: database node 'ch-primary' is priced in EUR and territory CH, whose cluster it is in, in CHF: capsim adds their costs without converting; give them one currency"
      ), "\(errors)")
    #expect(
      errors.contains(
        "\(dir)/t.yaml:\(deployment.line):\(deployment.column): error: territories.CH: territory CH's app pool scales deployment 'crm', as territory DE's does: each pool needs its own"
      ), "\(errors)")
  }

  /// Territories of two currencies on one cluster: it is billed to one of them, so their
  /// currencies must agree (CH on de-primary ran, its database cost 0 CHF, DE paying for both).
  @Test func aSharedClusterNeedsOneCurrency() throws {
    let marked = MarkedText(
      Self.topology.replacingOccurrences(of: "  de-primary: {cores: 8", with: "  1️⃣de-primary: {cores: 8")
        .replacingOccurrences(
          of: "database: {primary: ch-primary, reads: primary}", with: "database: {primary: de-primary, reads: primary}"
        ))
    let dir = try Self.folder(topology: marked.text)
    let log = ScenarioFile.validate(path: dir + "/t.yaml")
    let position = try #require(marked.markers["1️⃣"])
    let errors = log.diagnostics.filter { $0.severity == .error }.map(\.description)
    #expect(
      errors == [
        "\(dir)/t.yaml:\(position.line):\(position.column): error: databases.de-primary: database node 'de-primary' is in the cluster of territories DE (EUR) and CH (CHF): capsim bills a shared cluster to one territory and adds costs without converting; give the territories one currency or each its own cluster"
      ], "\(errors)")
  }

  /// A database node outside every territory's cluster is a warning at its name.
  @Test func aNodeNoTerritoryUsesIsAWarning() throws {
    let marked = MarkedText(
      Self.topology.replacingOccurrences(
        of: "  ch-primary: {cores: 4", with: "  1️⃣spare: {cores: 2}\n  ch-primary: {cores: 4"))
    let dir = try Self.folder(topology: marked.text)
    let log = ScenarioFile.validate(path: dir + "/t.yaml")
    let position = try #require(marked.markers["1️⃣"])
    #expect(!log.hasErrors)
    #expect(
      log.diagnostics.map(\.description) == [
        "\(dir)/t.yaml:\(position.line):\(position.column): warning: databases.spare: no territory uses database node 'spare' (it is not a territory's primary or its replica): it serves nothing and is in no cost"
      ])
  }

  // MARK: All problems at once

  /// The connection limit is checked in the same pass as everything else: a typo elsewhere in
  /// the topology, an unknown key in the scenario and a pool over `maxConnections` are
  /// reported together.
  @Test func aPoolOverTheLimitIsReportedWithEveryOtherProblem() throws {
    let topology = MarkedText(
      Self.topology.replacingOccurrences(of: "maxConnections: 200", with: "maxConnections: 1️⃣50")
        .replacingOccurrences(of: "timeout: 5s, price: 0.19", with: "timeout: 5s, 2️⃣prize: 0.19")
        .replacingOccurrences(
          of: "{primary: ch-primary, reads: primary}", with: "{primary: ch-primary, reads: 3️⃣primery}"))
    let scenario = MarkedText(Self.scenario.replacingOccurrences(of: "  p99: 1s", with: "  4️⃣p99s: 1s"))
    let dir = try Self.folder(topology: topology.text, scenario: scenario.text)
    let got = try Self.errors(dir).map {
      "\($0.file.hasSuffix("t.yaml") ? "t" : "s"):\($0.line):\($0.column) \($0.keyPath)"
    }
    func at(_ text: MarkedText, _ file: String, _ marker: String, _ keyPath: String) -> String {
      "\(file):\(text.markers[marker]!.line):\(text.markers[marker]!.column) \(keyPath)"
    }
    #expect(
      got.sorted()
        == [
          at(topology, "t", "1️⃣", "databases.de-primary.maxConnections"),
          at(topology, "t", "2️⃣", "territories.DE.app.prize"),
          at(topology, "t", "3️⃣", "territories.CH.database.reads"),
          at(scenario, "s", "4️⃣", "slo.p99s"),
        ].sorted())
    // Read alone, the topology reports the limit too, at the instances it gives.
    let alone = ScenarioFile.validate(path: dir + "/t.yaml").diagnostics
    #expect(
      alone.map(\.keyPath).sorted() == [
        "databases.de-primary.maxConnections", "territories.CH.database.reads", "territories.DE.app.prize",
      ])
    #expect(alone.contains { $0.message.contains("can open 6 x 10 = 60 connections to 'de-primary'") })
  }

  /// Where a count the limit needs is itself broken, the limit is not guessed at.
  struct BrokenCount: CustomTestStringConvertible, Sendable {
    var name: String
    var topology: (String, String)
    var testDescription: String { name }
  }

  static let brokenCounts = [
    BrokenCount(name: "instances", topology: ("app: {instances: 6,", "app: {instances: six,")),
    BrokenCount(name: "connections", topology: ("connections: 10, timeout", "connections: 0, timeout")),
    BrokenCount(name: "maxConnections", topology: ("maxConnections: 20, price", "maxConnections: 1.5, price")),
    BrokenCount(
      name: "the replica's primary", topology: ("{replicaOf: de-primary, cores: 4", "{replicaOf: nowhere, cores: 4")),
  ]

  @Test(arguments: brokenCounts) func theLimitIsSkippedWhereItsCountsAreBroken(_ c: BrokenCount) throws {
    // Given: limits of 20 on both nodes that DE's 10 x 10 connections exceed, and a broken count.
    let topology = Self.topology.replacingOccurrences(
      of: "{cores: 8, maxConnections: 200", with: "{cores: 8, maxConnections: 20"
    )
    .replacingOccurrences(
      of: "{replicaOf: de-primary, cores: 4, shipping",
      with: "{replicaOf: de-primary, cores: 4, maxConnections: 20, shipping"
    )
    .replacingOccurrences(of: c.topology.0, with: c.topology.1)
    #expect(topology.contains(c.topology.1))
    let errors = try Self.errors(try Self.folder(topology: topology))
    // Then: the broken count is reported; the nodes it concerns are not judged on a guess.
    #expect(!errors.isEmpty)
    let judged = errors.filter { $0.message.contains("more than its maxConnections") }.map(\.keyPath)
    #expect(!judged.contains("databases.de-primary.maxConnections") || c.name == "the replica's primary", "\(errors)")
    #expect(!judged.contains("databases.de-replica-1.maxConnections") || c.name == "maxConnections", "\(errors)")
  }

  // MARK: Mix

  struct MixCase: CustomTestStringConvertible, Sendable {
    var mix: String
    /// The mix read, in class order (list, update, ping), or the error.
    var shares: [Double]?
    var error: String?
    var testDescription: String { "mix: \(mix)" }
  }

  static let mixCases = [
    MixCase(mix: "{update: 0.15, list: 0.85}", shares: [0.85, 0.15, 0]),
    MixCase(mix: "{list: 45%, update: 55%}", shares: [0.45, 0.55, 0]),
    MixCase(mix: "{list: 0.333, update: 0.333, ping: 0.333}", shares: [1.0 / 3, 1.0 / 3, 1.0 / 3]),
    // 1.001 is as near as 0.999 (its binary sum is 1.0010000000000001)
    MixCase(mix: "{list: 33.4%, update: 33.3%, ping: 33.4%}", shares: [0.334 / 1.001, 0.333 / 1.001, 0.334 / 1.001]),
    MixCase(
      mix: "{list: 0.6, update: 0.5, ping: 0.25}",
      error: "the shares sum to 1.35 (list 0.6 + update 0.5 + ping 0.25); they must sum to 1"),
    MixCase(
      mix: "{list: 0.5, update: 0.4}", error: "the shares sum to 0.9 (list 0.5 + update 0.4); they must sum to 1"),
    MixCase(mix: "{list: 2, update: 1}", error: "expected a percentage such as 2% or a fraction between 0 and 1"),
  ]

  /// A mix gives each class's share of the requests: the shares must sum to 1 (within 0.001,
  /// then scaled to exactly 1), and a mix that does not is an error with the sum, even in a
  /// file that `capsim validate` would otherwise pass.
  @Test(arguments: mixCases) func theSharesOfAMixSumToOne(_ c: MixCase) throws {
    let marked = MarkedText(
      Self.scenario.replacingOccurrences(of: "mix: {update: 0.15, list: 0.85}", with: "mix: 1️⃣\(c.mix)"))
    let dir = try Self.folder(scenario: marked.text)
    if let shares = c.shares {
      let mix = try Self.load(dir).demand[0].mix
      #expect(zip(mix, shares).allSatisfy { abs($0 - $1) < 1e-12 } && abs(mix.reduce(0, +) - 1) < 1e-12, "\(mix)")
    } else {
      let errors = try Self.errors(dir)
      let position = try #require(marked.markers["1️⃣"])
      #expect(errors.count >= 1)
      #expect(
        errors.contains { $0.keyPath.hasPrefix("demand.DE.mix") && $0.message.contains(c.error!) }
          && errors.allSatisfy { $0.keyPath.hasPrefix("demand.DE.mix") },
        "\(errors)")
      if c.shares == nil, c.error!.hasPrefix("the shares") {
        #expect(errors.first?.line == position.line && errors.first?.column == position.column)
      }
    }
  }

  // MARK: --set

  struct SetCase: CustomTestStringConvertible, Sendable {
    var settings: [String]
    var check: @Sendable (PlatformScenario) -> Bool
    var testDescription: String { settings.joined(separator: " ") }
  }

  static let setCases: [SetCase] = [
    SetCase(settings: ["demand.DE.users=1200"]) {
      if case .users(1200, _) = $0.demand[0].base { true } else { false }
    },
    SetCase(settings: ["demand.CH.rate=50/s"]) { if case .rate(50) = $0.demand[1].base { true } else { false } },
    // An override of one kind of demand replaces the file's other (and its think time).
    SetCase(settings: ["demand.DE.rate=30/min"]) { if case .rate(0.5) = $0.demand[0].base { true } else { false } },
    SetCase(settings: ["demand.CH.users=30", "demand.CH.think={distribution: exponential, mean: 10s}"]) {
      if case .users(30, let think) = $0.demand[1].base { think.mean == 10 } else { false }
    },
    SetCase(settings: ["demand.DE.think.mean=10s"]) {
      if case .users(_, let think) = $0.demand[0].base { think.mean == 10 } else { false }
    },
    SetCase(settings: ["demand.DE.growth=2"]) { $0.demand[0].growth == 2 },
    SetCase(settings: ["demand.DE.mix={list: 0.5, ping: 50%}"]) { $0.demand[0].mix == [0.5, 0, 0.5] },
    SetCase(settings: ["demand.CH.seasons[0]=oktoberfest"]) {
      $0.demand[1].calendar?.seasons.allSatisfy { $0.name == "oktoberfest" } == true
    },
    SetCase(settings: ["demand.CH.week[5]=0.5"]) { $0.demand[1].calendar?.week.weights[5] == 0.5 },
    SetCase(settings: ["calendar.end=2026-12-11"]) { $0.horizon == 4 * 86_400 },
    SetCase(settings: ["calendar.seasons.christmas.multiplier=3"]) {
      $0.demand[0].calendar?.seasons.first { $0.name == "christmas" }?.multiplier == 3
    },
    SetCase(settings: ["slo.p95=150ms", "slo.errorRate=1%", "slo.badMinute=0.1"]) {
      $0.objectives.p95 == 0.15 && $0.objectives.errorRate == 0.01 && $0.objectives.badMinuteErrorRate == 0.1
    },
    SetCase(settings: ["run.replications=9", "run.seed=5", "run.series=2h", "run.warmup=30min"]) {
      $0.replications == 9 && $0.seed == 5 && $0.seriesInterval == 7_200 && $0.warmup == 1_800
    },
    SetCase(settings: ["faults[0].mtbf=10d"]) { "\($0.faults[0])".contains("mtbf: 864000.0") },
    SetCase(settings: ["faults[1].at=2026-12-09T09:00"]) { "\($0.faults[1])".contains("at: 205200.0") },
    SetCase(settings: ["faults[4].batch=2"]) { "\($0.faults[4])".contains("batch: 2") },
    SetCase(settings: ["capacity[0].instances=9"]) { $0.capacity[0].instances == 9 },
    // A section the file leaves out is made by the keys set in it.
    SetCase(settings: ["territories.CH.loadBalancer.policy=random"]) {
      $0.platform.territories[1].loadBalancer.policy == .random
    },
    SetCase(settings: ["name=renamed"]) { $0.name == "renamed" },
  ]

  /// `--set` reaches every key of a scenario (see also `SchemaAgreementTests.setReachesEveryKey`,
  /// which sets every key of fixtures that write them all).
  @Test(arguments: setCases) func setReachesTheScenariosOwnKeys(_ c: SetCase) throws {
    let s = try Self.load(try Self.folder(), settings: c.settings)
    #expect(c.check(s))
  }

  // MARK: What-ifs

  /// Overrides reach any key of the topology and of the scenario, add replicas and replace lists.
  @Test func overridesChangeTopologyAndScenarioKeys() throws {
    let scenario =
      Self.scenario + """
        overrides:
          territories.DE.app.instances: 8
          territories.CH.loadBalancer: {policy: power-of-two}
          territories.DE.loadBalancer.policy: round-robin
          databases.de-replica-1.cores: 6
          databases.de-replica-2: {replicaOf: de-primary, cores: 2}
          queries.search.time.mean: 5ms
          calendar.seasons.christmas.multiplier: 6
          demand.DE.growth: 1.5
          demand.CH.rate: 50/s
          demand.CH.mix.list: 0.5
          demand.CH.mix.ping: 50%
          run.replications: 9
          faults:
            - {kind: replica-down, node: de-replica-2, at: 2026-12-08T08:00, for: 6h}

        """
    let s = try Self.load(try Self.folder(scenario: scenario))
    let p = s.platform
    #expect(p.territories[0].app.instances == 8)
    #expect(p.territories[0].loadBalancer.policy == .roundRobin && p.territories[1].loadBalancer.policy == .powerOfTwo)
    #expect(p.databases.map(\.name) == ["de-primary", "de-replica-1", "ch-replica-1", "ch-primary", "de-replica-2"])
    #expect(p.databases[1].cores == 6 && p.databases[4].cores == 2 && p.databases[4].replicaOf == 0)
    #expect(p.replicas(of: 0) == [1, 4])
    #expect(Self.close(p.queryKinds[0].service.mean, 0.005))
    #expect(s.demand[0].calendar?.seasons.first { $0.name == "christmas" }?.multiplier == 6)
    #expect(s.demand[0].growth == 1.5 && s.demand[1].mix == [0.5, 0, 0.5])
    guard case .rate(let rate) = s.demand[1].base else {
      Issue.record("expected a rate")
      return
    }
    #expect(rate == 50 && s.replications == 9)
    #expect(s.faults.map { "\($0)" } == ["replicaDown(node: 4, at: 115200.0, duration: 21600.0)"])
  }

  @Test func commandLineSettingsWinOverTheScenario() throws {
    let dir = try Self.folder(scenario: Self.scenario + "overrides: {demand.DE.growth: 1.5}\n")
    let s = try Self.load(dir, settings: ["demand.DE.growth=3", "territories.DE.app.instances=9", "run.seed=42"])
    #expect(s.demand[0].growth == 3 && s.platform.territories[0].app.instances == 9 && s.seed == 42)

    let errors = try Self.errors(dir, settings: ["territories.DE.app.instancs=9", "run.replications=0"])
    #expect(
      errors.map(\.description) == [
        "--set:1:1: error: \"territories.DE.app.instancs\": override 'territories.DE.app.instancs' matches nothing in "
          + "topology t.yaml or scenario s.yaml (did you mean 'territories.DE.app.instances'?)",
        "--set:2:21: error: \"run.replications\": must be between 1 and 100000, found 0",
      ])
  }

  /// A key below a section the file leaves out says how to give the section (there is nothing
  /// below it to reach, and no near key to suggest).
  @Test func aKeyBelowAnAbsentSectionSaysToGiveItWhole() throws {
    let dir = try Self.folder(scenario: Self.scenario)
    let errors = try Self.errors(dir, settings: ["slo.classes.report.p95=1.5s"])
    #expect(
      errors.first?.message.hasSuffix(
        "(the file has no entries under 'slo.classes' for it to reach: give the section whole, as slo.classes={report: {p95: 1.5s}})"
      )
        == true, "\(errors)")
  }

  /// A what-if names its base; its overrides win over the base's own, `--set` over both.
  @Test func aWhatIfAppliesItsOverridesToItsBase() throws {
    let whatIf = """
      name: bigger
      base: s.yaml
      overrides:
        demand.DE.growth: 2
        territories.CH.app.instances: 4
        faults: []

      """
    let dir = try Self.folder(
      scenario: Self.scenario + "overrides: {demand.DE.growth: 1.5, demand.CH.growth: 1.1}\n", ["w.yaml": whatIf])
    let s = try Self.load(dir, "w.yaml")
    #expect(s.name == "bigger")
    #expect(s.demand[0].growth == 2 && s.demand[1].growth == 1.1)
    #expect(s.platform.territories[1].app.instances == 4 && s.faults.isEmpty)
    #expect(try Self.load(dir, "w.yaml", settings: ["demand.DE.growth=4"]).demand[0].growth == 4)

    let typo = whatIf.replacingOccurrences(of: "faults: []", with: "demand.DE.growht: 3")
    let errors = try Self.errors(try Self.folder(["w.yaml": typo]), "w.yaml")
    #expect(errors.count == 1)
    #expect(errors.first?.file.hasSuffix("/w.yaml") == true && errors.first?.line == 6 && errors.first?.column == 3)
    #expect(
      errors.first?.message.contains(
        "matches nothing in topology t.yaml or scenario s.yaml (did you mean 'demand.DE.growth'?)") == true)
  }

  /// An unknown key under a section the file has names the keys known there; it was told to
  /// give the section whole "since the file has no entries under 'run'", which it had.
  @Test func anUnknownKeyUnderAGivenSectionNamesTheKnownOnes() throws {
    let dir = try Self.folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let errors = try Self.errors(dir, settings: ["run.stopAtEnd=true"])
    let message = try #require(errors.first?.message)
    #expect(!message.contains("give the section whole"), "\(message)")
    #expect(
      message.contains("(known there: ") && message.contains("replications") && message.contains("seed"), "\(message)")
  }

  /// A mix broken by a what-if's share is reported where that share is written: the base's
  /// mix line shows the old values.
  @Test func aMixBrokenByAnOverrideIsLocatedAtTheOverride() throws {
    let whatIf = "name: bigger\nbase: s.yaml\noverrides:\n  demand.DE.mix.list: 0.9\n"
    let dir = try Self.folder(["w.yaml": whatIf])
    let errors = try Self.errors(dir, "w.yaml")
    #expect(errors.count == 1)
    #expect(errors.first?.file.hasSuffix("/w.yaml") == true && errors.first?.line == 4, "\(errors)")
    #expect(errors.first?.message.contains("the shares sum to 1.05 (update 0.15 + list 0.9)") == true, "\(errors)")

    let set = try Self.errors(dir, settings: ["demand.DE.mix.update=0.5"])
    #expect(set.contains { $0.file == "--set" && $0.message.contains("the shares sum to 1.35") }, "\(set)")
  }

  @Test func aWhatIfTakesOnlyOverridesAndCannotBeItsOwnBase() throws {
    let dir = try Self.folder([
      "w.yaml": "base: s.yaml\ndemand: {}\n",
      "a.yaml": "base: b.yaml\n",
      "b.yaml": "base: a.yaml\n",
      "m.yaml": "base: missing.yaml\n",
    ])
    let extra = try Self.errors(dir, "w.yaml")
    #expect(extra.map { "\($0.line):\($0.column) \($0.keyPath)" } == ["2:1 demand"])
    #expect(extra.first?.message.contains("unknown key 'demand'") == true)
    let cycle = try Self.errors(dir, "a.yaml")
    #expect(cycle.map(\.message) == ["a scenario cannot be its own base (a.yaml -> b.yaml -> a.yaml)"])
    #expect(try Self.errors(dir, "m.yaml").first?.message.contains("base scenario 'missing.yaml' not found") == true)
  }

  // MARK: Telling files apart

  /// Found by fuzzing: `demand:` written twice, the first time empty, once trapped on a
  /// territory without demand; now the duplicate and the empty value are the errors.
  @Test func aDuplicateEmptyDemandKeyIsAnErrorNotACrash() throws {
    let scenario = Self.scenario.replacingOccurrences(of: "demand:\n", with: "demand:\ndemand:\n")
    let dir = try Self.folder(scenario: scenario)
    let errors = try Self.errors(dir)
    #expect(errors.contains { $0.message.contains("duplicate key 'demand'") }, "\(errors)")
    #expect(errors.allSatisfy { $0.line >= 1 && $0.column >= 1 })
  }

  @Test func platformScenariosAreRecognised() throws {
    let dir = try Self.folder([
      "w.yaml": "base: s.yaml\n",
      "old.yaml": ScenarioSchemaTests.scenario(),
      "broken.yaml": "demand: [\n",
    ])
    #expect(ScenarioFile.isPlatformScenario(path: dir + "/s.yaml"))
    #expect(ScenarioFile.isPlatformScenario(path: dir + "/w.yaml"))
    #expect(!ScenarioFile.isPlatformScenario(path: dir + "/t.yaml"))
    #expect(!ScenarioFile.isPlatformScenario(path: dir + "/old.yaml"))
    #expect(!ScenarioFile.isPlatformScenario(path: dir + "/broken.yaml"))
    #expect(!ScenarioFile.isPlatformScenario(path: dir + "/missing.yaml"))
  }

  @Test func validateChecksPlatformFilesFully() throws {
    let dir = try Self.folder(scenario: Self.scenario.replacingOccurrences(of: "growth: 1.2", with: "growth: lots"))
    #expect(!ScenarioFile.validate(path: dir + "/t.yaml").hasErrors)
    let log = ScenarioFile.validate(path: dir + "/s.yaml")
    #expect(log.diagnostics.map(\.keyPath) == ["demand.CH.growth"])
  }

  // MARK: Shipped files

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func shippedPlatformFilesAreValid() throws {
    var files: [String] = []
    for folder in ["topologies", "scenarios"] {
      let names = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(folder).path)
      files += names.filter { ($0.hasPrefix("freshfoodz") || $0.hasPrefix("platform-")) && $0.hasSuffix(".yaml") }
        .sorted().map { Self.root.appendingPathComponent(folder).appendingPathComponent($0).path }
    }
    #expect(files.count == 11)
    for file in files {
      let log = ScenarioFile.validate(path: file)
      #expect(log.diagnostics.isEmpty, "\(file):\n\(log.rendered())")
    }
    // The flagship: a week, both territories at Christmas strength, CH without Oktoberfest.
    let (christmas, _) = try ScenarioFile.loadPlatform(path: Self.root.path + "/scenarios/platform-christmas-2026.yaml")
    #expect(christmas.horizon == 7 * 86_400 && christmas.platform.territories.map(\.name) == ["DE", "CH"])
    #expect(christmas.demand[1].calendar?.seasons.contains { $0.name == "oktoberfest" } == false)
    let (lost, _) = try ScenarioFile.loadPlatform(
      path: Self.root.path + "/scenarios/platform-oktoberfest-replica-lost.yaml")
    #expect(lost.name == "platform-oktoberfest-replica-lost")
    #expect(lost.faults.map { "\($0)" } == ["replicaDown(node: 1, at: 115200.0, duration: 21600.0)"])
    let (bigger, _) = try ScenarioFile.loadPlatform(path: Self.root.path + "/scenarios/platform-users-x1.5.yaml")
    #expect(bigger.demand.map(\.growth) == [1.5, 1.5])
    // The autoscaled weeks: each pool matched to its Deployment's autoscaler.
    let (hpa, _) = try ScenarioFile.loadPlatform(path: Self.root.path + "/scenarios/platform-christmas-2026-hpa.yaml")
    #expect(hpa.autoscalers.map(\.title) == ["HorizontalPodAutoscaler crm-de", "HorizontalPodAutoscaler crm-ch"])
    #expect(hpa.autoscalers.map(\.territory) == [0, 1] && hpa.autoscalers.map(\.maxReplicas) == [20, 12])
    let (keda, _) = try ScenarioFile.loadPlatform(path: Self.root.path + "/scenarios/platform-christmas-2026-keda.yaml")
    #expect(keda.autoscalers.map(\.title) == ["ScaledObject crm-de", "ScaledObject crm-ch"])
  }
}
