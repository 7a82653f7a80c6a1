import Foundation
import QueueingModel
import ScenarioFile
import Testing
import _TestSupport

/// capsim's schema on top of the YAML reader: topologies and scenarios, as files on disk.
@Suite struct ScenarioSchemaTests {
  /// Writes files into a fresh folder and returns its path.
  static func folder(_ files: [String: String]) throws -> String {
    let dir = Scratch.folder.appendingPathComponent("capsim-\(UUID().uuidString)")
    for (name, text) in files {
      let url = dir.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return dir.path
  }

  static let topology = """
    stations:
      web:
        servers: 4
        service: {distribution: exponential, mean: 100ms}
        next: db
      db:
        servers: 2
        service: {distribution: lognormal, mean: 5ms, cv: 1.5}
    """

  static func scenario(_ extra: String = "", arrivals: String = "  - {to: web, rate: 20/s}") -> String {
    """
    topology: topology.yaml
    arrivals:
    \(arrivals)
    run: {length: 10min, replications: 3, seed: 5}
    \(extra)
    """
  }

  @Test func aValidScenarioBuildsItsNetwork() throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario()])
    let (s, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(warnings.isEmpty)
    #expect(s.network.stations.map(\.name) == ["web", "db"])
    #expect(s.network.stations[0].routing == [Route(to: .station(1), probability: 1)])
    #expect(s.network.sources[0].kind == .poisson(rate: 20))
    #expect(s.window.horizon == 600)
    #expect(s.replications == 3 && s.seed == 5)
    #expect(abs(s.network.stations[1].service.mean - 0.005) < 1e-15)
  }

  /// `discipline` and `loadFactor` reach the station; a load factor's concurrencies must increase,
  /// and a processor-sharing station takes no timeout.
  @Test func sharedStationsAndLoadFactors() throws {
    let shared = Self.topology.replacingOccurrences(
      of: "    servers: 2\n",
      with: """
            servers: 2
            discipline: processor-sharing
            loadFactor: [{concurrency: 1, factor: 1}, {concurrency: 8, factor: 2.5}]

        """)
    let dir = try Self.folder(["topology.yaml": shared, "s.yaml": Self.scenario()])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.network.stations[1].discipline == .processorSharing)
    #expect(s.network.stations[1].loadFactor == LoadFactor(concurrency: [1, 8], factor: [1, 2.5]))
    #expect(s.network.stations[1].loadFactor?.factor(at: 4) == 1 + 1.5 * 3 / 7)
    #expect(s.network.stations[0].discipline == .fifo && s.network.stations[0].loadFactor == nil)

    let backwards = shared.replacingOccurrences(of: "concurrency: 8", with: "concurrency: 1")
    let e1 = try #require(throws: DiagnosticError.self) {
      try ScenarioFile.load(path: try Self.folder(["topology.yaml": backwards, "s.yaml": Self.scenario()]) + "/s.yaml")
    }
    #expect(e1.diagnostics.map(\.keyPath) == ["stations.db.loadFactor[1].concurrency"])
    #expect(e1.diagnostics[0].message.contains("must increase"))

    let timed = shared.replacingOccurrences(of: "    discipline:", with: "    timeout: 1s\n    discipline:")
    let e2 = try #require(throws: DiagnosticError.self) {
      try ScenarioFile.load(path: try Self.folder(["topology.yaml": timed, "s.yaml": Self.scenario()]) + "/s.yaml")
    }
    #expect(e2.diagnostics.map(\.keyPath) == ["stations.db.timeout"])

    // An empty load factor is an error at the key, not a crash later (it passed validate, then
    // `run` trapped on a nil it was never told about)
    let empty = shared.replacingOccurrences(
      of: "[{concurrency: 1, factor: 1}, {concurrency: 8, factor: 2.5}]", with: "[]")
    let e4 = try #require(throws: DiagnosticError.self) {
      try ScenarioFile.load(path: try Self.folder(["topology.yaml": empty, "s.yaml": Self.scenario()]) + "/s.yaml")
    }
    #expect(e4.diagnostics.map(\.keyPath) == ["stations.db.loadFactor"])
    #expect(e4.diagnostics[0].message.contains("at least one point"))

    let unknown = shared.replacingOccurrences(of: "processor-sharing", with: "round-robin")
    let e3 = try #require(throws: DiagnosticError.self) {
      try ScenarioFile.load(path: try Self.folder(["topology.yaml": unknown, "s.yaml": Self.scenario()]) + "/s.yaml")
    }
    #expect(e3.diagnostics.map(\.keyPath) == ["stations.db.discipline"])
  }

  /// The typo'd key is reported with file, line, column, key path and a suggestion.
  @Test func typoInTopologyKeyNamesFileLineColumnAndKeyPath() throws {
    let topology = Self.topology.replacingOccurrences(of: "    servers: 2", with: "    sevrers: 2")
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario()])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    let typo = try #require(error.diagnostics.first { $0.keyPath == "stations.db.sevrers" })
    #expect(typo.file.hasSuffix("topology.yaml"))
    #expect(typo.line == 7 && typo.column == 5)
    #expect(typo.message.contains("did you mean 'servers'"))
    // and the missing required key is reported too: all problems at once
    #expect(error.diagnostics.contains { $0.message.contains("missing required key 'servers'") })
  }

  /// A uniform whose bounds are the wrong way round is said in the file's keys and units.
  @Test func aUniformTheWrongWayRoundNamesItsKeys() throws {
    let topology = Self.topology.replacingOccurrences(
      of: "{distribution: lognormal, mean: 5ms, cv: 1.5}", with: "{distribution: uniform, min: 20ms, max: 10ms}")
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario()])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    let bounds = try #require(error.diagnostics.first { $0.keyPath == "stations.db.service.max" }, "\(error)")
    #expect(bounds.message == "max (10ms) must exceed min (20ms)", "\(bounds.message)")
  }

  @Test func everyProblemInOneFileIsReported() throws {
    let topology = """
      stations:
        web:
          servers: 0
          service: {distribution: exponentail, mean: 100ms}
          next: dbb
        db:
          servers: 2
          capacity: 1
          service: {distribution: exponential, mean: 5}
      """
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario()])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    let messages = error.diagnostics.map { "\($0.keyPath): \($0.message)" }
    #expect(messages.contains { $0.hasPrefix("stations.web.servers:") })
    #expect(messages.contains { $0.hasPrefix("stations.web.service.distribution:") && $0.contains("exponential") })
    #expect(messages.contains { $0.hasPrefix("stations.web.next:") && $0.contains("did you mean 'db'") })
    #expect(messages.contains { $0.hasPrefix("stations.db.service.mean:") && $0.contains("unit") })
    #expect(messages.contains { $0.hasPrefix("stations.db.capacity:") && $0.contains("below servers") })
  }

  @Test func routingThatNeverLeavesIsRejected() throws {
    let topology = """
      stations:
        a:
          servers: 1
          service: {distribution: exponential, mean: 10ms}
          next: b
        b:
          servers: 1
          service: {distribution: exponential, mean: 10ms}
          next: a
      """
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario(arrivals: "  - {to: a, rate: 1/s}")])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(error.diagnostics.contains { $0.message.contains("can never leave") && $0.line == 2 })
  }

  /// An overloaded open station runs (its queue grows, see `SharingTests`), with a warning that
  /// gives the numbers.
  @Test func unstableStationIsWarnedAboutWithItsNumbers() throws {
    let dir = try Self.folder([
      "topology.yaml": Self.topology, "s.yaml": Self.scenario(arrivals: "  - {to: web, rate: 50/s}"),
    ])
    let (_, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    let d = try #require(warnings.first { $0.message.contains("grows without bound") })
    #expect(d.severity == .warning)
    #expect(d.message.contains("utilization 1.25") && d.message.contains("about 10/s"))
    #expect(d.file.hasSuffix("topology.yaml"))
  }

  /// A weighted dispatcher loads its copies unevenly: the overload is said of the copy that
  /// has it, with its own numbers, not of every copy; a problem every copy has is said once,
  /// for the group. Exactly at capacity the queue has no rate to grow at, and says so.
  @Test func anOverloadOnlySomeCopiesHaveNamesTheCopy() throws {
    let topology = """
      stations: {s: {copies: 3, servers: 1, service: {distribution: exponential, mean: 20ms}}}
      dispatchers: {lb: {policy: weighted, targets: s, weights: [1, 2, 3]}}
      """
    func warnings(_ rate: String, _ policy: String = "weighted, targets: s, weights: [1, 2, 3]") throws -> [String] {
      let dir = try Self.folder([
        "topology.yaml": topology.replacingOccurrences(of: "weighted, targets: s, weights: [1, 2, 3]", with: policy),
        "s.yaml": "topology: topology.yaml\narrivals: [{name: a, to: lb, rate: \(rate)}]\nrun: {length: 1min}\n",
      ])
      return try ScenarioFile.load(path: dir + "/s.yaml").1.map(\.message)
    }
    // Given 120/s split 1:2:3, s[3] gets 60/s of 20 ms work: 1.2 servers.
    let uneven = try warnings("120/s")
    #expect(uneven.count == 1, "\(uneven)")
    #expect(
      uneven.first?.hasPrefix("station 's[3]' is offered 60/s of work needing 1.2 servers but has 1") == true,
      "\(uneven)")
    #expect(uneven.first?.contains("about 10/s") == true, "\(uneven)")
    // At 100/s s[3] is exactly at capacity: no "1 servers", no growth "about 0/s".
    let boundary = try #require(try warnings("100/s").first)
    #expect(boundary.contains("needing 1 server and has 1: utilization 1, exactly at capacity"), "\(boundary)")
    #expect(!boundary.contains("about 0/s"), "\(boundary)")
    // An even split overloads every copy alike: said once, for the group.
    let even = try warnings("180/s", "random, targets: s")
    #expect(even.count == 1 && even[0].hasPrefix("each copy of station 's' is offered 60/s"), "\(even)")
  }

  /// Overload behind a lock: the lock keeps at most its capacity at the station, so the line
  /// grows at the lock, and the warning is the lock's, naming the station that limits it.
  @Test func anOverloadBehindALockIsTheLocksLine() throws {
    let topology = """
      stations:
        app: {servers: 8, service: {distribution: exponential, mean: 5ms}}
        db: {servers: 2, service: {distribution: exponential, mean: 4ms}}
      locks: {conn: {capacity: 3}}
      classes:
        req:
          sequence:
            - {station: app}
            - {station: db, acquire: conn}
            - {station: app, service: {distribution: exponential, mean: 1ms}}
            - {station: db, release: conn}
      """
    let dir = try Self.folder([
      "topology.yaml": topology,
      "s.yaml": "topology: topology.yaml\narrivals: [{name: a, to: req, rate: 300/s}]\nrun: {length: 1min}\n",
    ])
    let messages = try ScenarioFile.load(path: dir + "/s.yaml").1.map(\.message)
    // db is offered 300/s x 8 ms = 2.4 servers of work and does 2: 250 trips/s pass, 50/s wait on.
    #expect(!messages.contains { $0.hasPrefix("station 'db'") }, "\(messages)")
    let lock = try #require(messages.first { $0.hasPrefix("lock 'conn'") }, "\(messages)")
    #expect(lock.contains("station 'db', visited only while holding it"), "\(lock)")
    #expect(lock.contains("at most 250/s get through") && lock.contains("about 50/s"), "\(lock)")
  }

  /// Under fifo at most `servers` are in service: load-factor points past the first at or
  /// above that never apply, and are said to.
  @Test func loadFactorPointsPastTheServersUnderFifoAreWarnedAbout() throws {
    let topology = """
      stations:
        s:
          servers: 1
          service: {distribution: exponential, mean: 10ms}
          loadFactor: [{concurrency: 1, factor: 1}, {concurrency: 16, factor: 1.8}]
      """
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario(arrivals: "  - {to: s, rate: 10/s}")])
    let warnings = try ScenarioFile.load(path: dir + "/s.yaml").1
    let d = try #require(warnings.first { $0.keyPath == "stations.s.loadFactor" }, "\(warnings.map(\.message))")
    #expect(
      d.message.hasPrefix("the point at concurrency 16 never applies: under fifo at most 1 (servers)"), "\(d.message)")
    // Under processor sharing all present are in service: the point applies.
    let shared = topology.replacingOccurrences(
      of: "    servers: 1\n", with: "    servers: 1\n    discipline: processor-sharing\n")
    let sharedDir = try Self.folder([
      "topology.yaml": shared, "s.yaml": Self.scenario(arrivals: "  - {to: s, rate: 10/s}"),
    ])
    #expect(try ScenarioFile.load(path: sharedDir + "/s.yaml").1.isEmpty)
  }

  /// A topology given where a scenario belongs is said to be one, not reported as a scenario
  /// missing its keys.
  @Test func aTopologyLoadedAsAScenarioIsSaidToBeOne() throws {
    let dir = try Self.folder(["topology.yaml": Self.topology])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/topology.yaml") }
    #expect(
      error.diagnostics.map(\.message) == [
        "this is a queueing-network topology ('stations:'), not a scenario: runs take a scenario, which names its topology ('topology: topology.yaml') and adds 'arrivals' and 'run'"
      ])
  }

  @Test func probabilitiesMustSumToOne() throws {
    let topology = Self.topology.replacingOccurrences(
      of: "    next: db", with: "    next: [{to: db, p: 0.5}, {to: exit, p: 0.4}]")
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario()])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(error.diagnostics.contains { $0.keyPath == "stations.web.next" && $0.message.contains("sum to 1") })
  }

  /// Two routes to one station are legal (their probabilities add up) but likely a slip for
  /// another station: a warning at the second one's `to`, and the routing as written.
  @Test func aSecondRouteToTheSameStationIsWarnedAbout() throws {
    let topology = Self.topology.replacingOccurrences(
      of: "    next: db", with: "    next: [{to: db, p: 0.1}, {to: exit, p: 0.7}, {to: db, p: 0.2}]")
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario()])
    let (s, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(warnings.map(\.message) == ["a second route to 'db' (next[0] has one): their p add up to 0.3"])
    #expect(warnings.first?.keyPath == "stations.web.next[2].to")
    #expect(s.network.stations[0].routing.map(\.probability) == [0.1, 0.7, 0.2])
  }

  /// What-ifs change the topology without copying it; errors in them point at the scenario.
  @Test func overridesReplaceAddAndReportAtTheScenario() throws {
    let good = Self.scenario(
      """
      overrides:
        stations.db.servers: 3
        stations.db.service.cv: 0.5
        stations.web.capacity: 50
      """)
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": good])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.network.stations[1].servers == .finite(3))
    #expect(s.network.stations[0].capacity == 50)
    #expect(abs(s.network.stations[1].service.squaredCV - 0.25) < 1e-12)

    let bad = Self.scenario(
      """
      overrides:
        stations.db.srvers: 3
        stations.web.servers: many
      """)
    let dir2 = try Self.folder(["topology.yaml": Self.topology, "s.yaml": bad])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir2 + "/s.yaml") }
    let unused = try #require(error.diagnostics.first { $0.message.contains("matches nothing") })
    #expect(unused.file.hasSuffix("s.yaml") && unused.line == 6)
    #expect(unused.message.contains("did you mean 'stations.db.servers'"))
    let wrongType = try #require(error.diagnostics.first { $0.message.contains("whole number") })
    #expect(wrongType.file.hasSuffix("s.yaml") && wrongType.line == 7)
  }

  struct SetCase: CustomTestStringConvertible, Sendable {
    var settings: [String]
    var check: @Sendable (Scenario) -> Bool
    var testDescription: String { settings.joined(separator: " ") }
  }

  static let setCases: [SetCase] = [
    SetCase(settings: ["run.replications=20", "run.seed=9"]) { $0.replications == 20 && $0.seed == 9 },
    // Any seed `--seed` takes, up to 2^64 - 1, in hexadecimal too.
    SetCase(settings: ["run.seed=18446744073709551615"]) { $0.seed == .max },
    SetCase(settings: ["run.seed=0x8000000000000000"]) { $0.seed == 1 << 63 },
    SetCase(settings: ["run.length=1h", "run.warmup=5min"]) { $0.window.horizon == 3_600 && $0.window.warmup == 300 },
    SetCase(settings: ["arrivals[0].rate=30/s"]) { $0.network.sources[0].kind == .poisson(rate: 30) },
    // Another kind of source replaces the file's rate.
    SetCase(settings: ["arrivals[0].users=5", "arrivals[0].think={distribution: exponential, mean: 1s}"]) {
      if case .closed(5, _) = $0.network.sources[0].kind { true } else { false }
    },
    SetCase(settings: ["arrivals[0].to=db"]) { $0.network.sources[0].destination == .station(1) },
    SetCase(settings: ["name=renamed", "description=a what-if"]) {
      $0.name == "renamed" && $0.description == "a what-if"
    },
    SetCase(settings: ["stations.web.next=exit"]) {
      $0.network.stations[0].routing == [Route(to: .exit, probability: 1)]
    },
  ]

  /// `--set` reaches the scenario's own keys as well as its topology's.
  @Test(arguments: setCases) func setReachesTheScenariosOwnKeys(_ c: SetCase) throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario()])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml", settings: c.settings)
    #expect(c.check(s))
  }

  /// A seed below 0 or past 2^64 - 1 is a located error, in a queueing scenario and a platform
  /// one alike.
  @Test(arguments: ["-1", "18446744073709551616"]) func aSeedOutOfRangeIsRefused(_ seed: String) throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario()])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let network = try #require(throws: DiagnosticError.self) {
      try ScenarioFile.load(path: dir + "/s.yaml", settings: ["run.seed=\(seed)"])
    }
    #expect(
      network.diagnostics.map(\.message) == ["a seed is a whole number from 0 to 18446744073709551615, found \(seed)"])
    let platform = try PlatformSchemaTests.folder()
    defer { try? FileManager.default.removeItem(atPath: platform) }
    let errors = try PlatformSchemaTests.errors(platform, settings: ["run.seed=\(seed)"])
    #expect(errors.map(\.message) == ["a seed is a whole number from 0 to 18446744073709551615, found \(seed)"])
  }

  @Test func copiesExpandAndDispatchersTakeGroups() throws {
    let topology = """
      stations:
        app:
          copies: 3
          servers: 2
          service: {distribution: erlang, phases: 2, mean: 50ms}
      dispatchers:
        lb:
          policy: weighted
          targets: [app]
          weights: [1, 2, 3]
      """
    let dir = try Self.folder([
      "topology.yaml": topology, "s.yaml": Self.scenario(arrivals: "  - {to: lb, rate: 10/s}"),
    ])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.network.stations.map(\.name) == ["app[1]", "app[2]", "app[3]"])
    #expect(s.network.dispatchers[0].targets == [0, 1, 2])
    #expect(s.network.dispatchers[0].weights == [1, 2, 3])
  }

  /// One copy (`app[2]`) is a station wherever a station's name goes: a route, an arrival, a
  /// dispatcher's target; a copy the group does not have is an error naming the ones it has.
  @Test func aCopyIsNamedLikeAStation() throws {
    let topology = """
      stations:
        front: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: "app[3]"}
        app: {copies: 3, servers: 2, service: {distribution: exponential, mean: 50ms}}
      dispatchers:
        lb: {policy: random, targets: ["app[1]", "app[2]"]}
      """
    let arrivals = "  - {to: front, rate: 5/s}\n  - {to: lb, rate: 5/s}\n  - {to: \"app[3]\", rate: 1/s}"
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": Self.scenario(arrivals: arrivals)])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.network.stations.map(\.name) == ["front", "app[1]", "app[2]", "app[3]"])
    #expect(s.network.stations[0].routing == [Route(to: .station(3), probability: 1)])
    #expect(s.network.dispatchers[0].targets == [1, 2])

    let wrong = topology.replacingOccurrences(of: "next: \"app[3]\"", with: "next: \"app[4]\"")
    let bad = try Self.folder(["topology.yaml": wrong, "s.yaml": Self.scenario(arrivals: arrivals)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: bad + "/s.yaml") }
    #expect(error.diagnostics.map(\.message) == ["'app' has 3 copies, app[1] to app[3]: there is no 'app[4]'"])
  }

  @Test func arrivalSourcesTakeExactlyOneKind() throws {
    let dir = try Self.folder([
      "topology.yaml": Self.topology,
      "s.yaml": Self.scenario(arrivals: "  - {to: web, rate: 1/s, users: 10}"),
    ])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(error.diagnostics.contains { $0.keyPath == "arrivals[0]" && $0.message.contains("only one of") })
  }

  @Test func scheduleBreakpointsMustIncrease() throws {
    let arrivals = """
        - to: web
          schedule:
            end: 1h
            points: [{at: 0s, rate: 1/s}, {at: 30min, rate: 2/s}, {at: 20min, rate: 1/s}]
      """
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario(arrivals: arrivals)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(
      error.diagnostics.contains { $0.keyPath == "arrivals[0].schedule.points" && $0.message.contains("not later") })
  }

  /// A schedule that ends inside the measured window without repeating is said: its last hours
  /// have no arrivals and are averaged in all the same. With `repeat: true` nothing is said.
  @Test func aScheduleEndingInsideTheWindowIsSaid() throws {
    let arrivals = """
        - to: web
          schedule:
            end: 5min
            points: [{at: 0s, rate: 1/s}, {at: 2min, rate: 2/s}]
      """
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario(arrivals: arrivals)])
    let (_, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(
      warnings.contains { $0.keyPath == "arrivals[0]" && $0.message.contains("ends at 5min without 'repeat: true'") },
      "\(warnings)")
    let (_, repeating) = try ScenarioFile.load(path: dir + "/s.yaml", settings: ["arrivals[0].schedule.repeat=true"])
    #expect(!repeating.contains { $0.message.contains("without 'repeat: true'") }, "\(repeating)")
  }

  @Test func missingTopologyFileIsAnError() throws {
    let dir = try Self.folder(["s.yaml": Self.scenario()])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(error.diagnostics.contains { $0.keyPath == "topology" && $0.message.contains("not found") })
  }

  @Test func validateTellsTopologiesFromScenarios() throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "odd.yaml": "name: x\n"])
    #expect(!ScenarioFile.validate(path: dir + "/topology.yaml").hasErrors)
    #expect(ScenarioFile.validate(path: dir + "/odd.yaml").hasErrors)
  }

  // MARK: Calendars

  static func calendarScenario(_ calendar: String, arrival: String = "  - {to: web, rate: 10/s, calendar: true}")
    -> String
  {
    """
    topology: topology.yaml
    calendar:
    \(calendar)
    arrivals:
    \(arrival)
    """
  }

  /// A calendar turns a rate into a schedule over the calendar's span, in local time.
  @Test func calendarShapesTheRateAndSetsTheLength() throws {
    let calendar = """
        timezone: Europe/Zurich
        start: 2026-12-07
        end: 2026-12-09T00:00
        seasons:
          christmas: {rule: christmas-catering, multiplier: 5}
      """
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.calendarScenario(calendar)])
    let (s, _) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.window.horizon == 2 * 86_400)
    guard case .varying(let schedule) = s.network.sources[0].kind else {
      Issue.record("expected a time-varying source")
      return
    }
    // 10:30 on Monday 7 December: weight 1, 5x in season, 10/s base.
    #expect(abs(schedule.rate(at: 10.5 * 3_600) - 50) < 1e-9)
    #expect(schedule.rate(at: 3 * 3_600) < 2)  // night
  }

  /// The calendar is the whole run, its warm-up first (as a platform scenario's): the length
  /// left out is what remains after the warm-up, and a warm-up and length past the calendar's
  /// end is an error (it measured idle hours after it); a season's lead is whole days.
  @Test func theCalendarHoldsTheWarmUpAndALeadIsWholeDays() throws {
    let calendar = """
        timezone: Europe/Zurich
        start: 2026-12-07
        end: 2026-12-08T00:00
      """
    func scenario(_ run: String, seasons: String = "") -> String {
      Self.calendarScenario(calendar + seasons) + "\nrun: {\(run)}\n"
    }
    let dir = try Self.folder([
      "topology.yaml": Self.topology, "a.yaml": scenario("warmup: 6h"), "b.yaml": scenario("warmup: 6h, length: 24h"),
      "c.yaml": scenario(
        "warmup: 1h", seasons: "\n  seasons:\n    fest: {rule: oktoberfest, lead: 12h, multiplier: 2}"),
    ])
    let (a, _) = try ScenarioFile.load(path: dir + "/a.yaml")
    #expect(a.window.warmup == 6 * 3_600 && a.window.horizon == 18 * 3_600)
    let b = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/b.yaml") }
    #expect(
      b.diagnostics.contains {
        $0.keyPath == "run.length" && $0.message.contains("30h, past the calendar's 24h")
      }, "\(b.diagnostics.map(\.message))")
    let c = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/c.yaml") }
    #expect(
      c.diagnostics.contains {
        $0.keyPath == "calendar.seasons.fest.lead" && $0.message.contains("whole days") && $0.message.contains("12h")
      }, "\(c.diagnostics.map(\.message))")
  }

  @Test func calendarMistakesAreReportedWhereWritten() throws {
    let calendar = """
        timezone: Europe/Berlinn
        start: 2026-13-01
        end: 2026-12-09
        week: [1, 1, 1]
        seasons:
          christmas: {rule: christmas-catering, multiplier: 5}
          advent: {from: 2026-12-01, to: 2026-12-24, multiplier: 3}
          odd: {rule: easter, multiplier: 2}
      """
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.calendarScenario(calendar)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    let byPath = Dictionary(grouping: error.diagnostics, by: \.keyPath)
    #expect(byPath["calendar.timezone"]?.first?.message.contains("unknown time zone") == true)
    #expect(byPath["calendar.start"]?.first?.message.contains("2026-12-07") == true)
    #expect(byPath["calendar.week"]?.first?.message.contains("seven weights") == true)
    #expect(byPath["calendar.seasons.odd.rule"]?.first?.message.contains("oktoberfest") == true)
    #expect(error.diagnostics.allSatisfy { $0.file.hasSuffix("s.yaml") })
  }

  /// An end before the start names both times as written (the days alone read the same), and
  /// a start the clocks skip is said to be read after the jump.
  @Test func calendarTimesAreNamedAsWritten() throws {
    let backwards = """
        timezone: Europe/Berlin
        start: 2026-12-07T10:00
        end: 2026-12-07T09:00
      """
    var dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.calendarScenario(backwards)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(
      error.diagnostics.contains {
        $0.message.contains("must end after it starts (2026-12-07T10:00 -> 2026-12-07T09:00)")
      },
      "\(error.diagnostics.map(\.message))")
    let skipped = """
        timezone: Europe/Berlin
        start: 2026-03-29T02:30
        end: 2026-03-29T05:00
      """
    dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.calendarScenario(skipped)])
    let (s, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.window.horizon == 1.5 * 3_600)
    #expect(
      warnings.contains {
        $0.keyPath == "calendar.start" && $0.message.contains("does not exist in Europe/Berlin")
          && $0.message.contains("starts at 03:30")
      }, "\(warnings.map(\.message))")
  }

  @Test func overlappingSeasonsContradictEachOther() throws {
    let calendar = """
        timezone: Europe/Berlin
        start: 2026-12-01
        end: 2026-12-03
        seasons:
          christmas: {rule: christmas-catering, multiplier: 5}
          advent: {from: 2026-12-01, to: 2026-12-24, multiplier: 3}
      """
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.calendarScenario(calendar)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(
      error.diagnostics.contains {
        $0.keyPath == "calendar.seasons.advent" && $0.message.contains("overlaps 'christmas'")
      })
  }

  @Test func followingAMissingCalendarIsAnError() throws {
    let dir = try Self.folder([
      "topology.yaml": Self.topology,
      "s.yaml": Self.scenario(arrivals: "  - {to: web, rate: 10/s, calendar: true}"),
    ])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(
      error.diagnostics.contains { $0.keyPath == "arrivals[0].calendar" && $0.message.contains("no 'calendar:'") })
  }

  /// A series with more intervals than an integer holds (100 years in microseconds) is an error, not a crash.
  @Test func absurdIntervalCountIsReportedNotCrashed() throws {
    let scenario = Self.scenario().replacingOccurrences(
      of: "run: {length: 10min, replications: 3, seed: 5}", with: "run: {length: 36500d, series: 1us}")
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": scenario])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(
      error.diagnostics.contains { $0.keyPath == "run.series" && $0.message.contains("more than 10^15 intervals") })
  }

  /// 30,000 copies behind a dispatcher: the traffic equations take memory and time in
  /// proportion to the routes (once a 30,000 x 30,000 matrix, 7 GB, which ended the process).
  @Test func thirtyThousandCopiesBehindADispatcherAreRead() throws {
    let topology = """
      stations: {s: {servers: 1, copies: 30000, service: {distribution: exponential, mean: 10ms}}}
      dispatchers: {server: {policy: round-robin, targets: [s]}}
      """
    let scenario =
      "topology: topology.yaml\narrivals: [{name: requests, to: server, rate: 36/s}]\nrun: {length: 1min}\n"
    let dir = try Self.folder(["topology.yaml": topology, "s.yaml": scenario])
    let (s, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(s.network.stations.count == 30000 && warnings.isEmpty)
    let rates = try #require(s.network.arrivalRates(peak: false))
    #expect(rates.allSatisfy { abs($0 - 36.0 / 30000) < 1e-15 })
  }

  /// Two sources of one name would share their random numbers: an error at the second name that
  /// says where the first is, also when the second is an alias of the first.
  @Test(arguments: [
    "  - {name: requests, to: web, rate: 10/s}\n  - {name: requests, to: web, rate: 10/s}",
    "  - &a {name: requests, to: web, rate: 10/s}\n  - *a",
  ])
  func twoSourcesOfOneNameAreAnError(_ arrivals: String) throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": Self.scenario(arrivals: arrivals)])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    #expect(error.diagnostics.count == 1, "\(error.diagnostics.map(\.message))")
    let d = try #require(error.diagnostics.first)
    #expect(d.file.hasSuffix("s.yaml") && d.keyPath == "arrivals[1].name")
    #expect(
      d.message.hasPrefix("a second arrival source named 'requests' (arrivals[0], line 3, has it"), "\(d.message)")
  }

  /// A positive duration below a nanosecond would be zero to the simulation: refused like zero.
  @Test(arguments: [("length", "0.0000001ns"), ("length", "0.5ns"), ("series", "0.0001us")])
  func aDurationBelowANanosecondIsRefused(_ key: String, _ value: String) throws {
    let run = key == "length" ? "run: {length: \(value)}" : "run: {length: 10min, \(key): \(value)}"
    let scenario = Self.scenario().replacingOccurrences(of: "run: {length: 10min, replications: 3, seed: 5}", with: run)
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": scenario])
    let error = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
    let d = try #require(error.diagnostics.first)
    #expect(d.keyPath == "run.\(key)" && d.line == 4, "\(d.keyPath):\(d.line)")
    #expect(d.message.contains("must be at least 1ns, the finest unit a duration has"), "\(d.message)")
  }

  @Test func aDurationOfOneNanosecondIsRead() throws {
    let scenario = Self.scenario().replacingOccurrences(of: "length: 10min", with: "length: 1ns")
    let dir = try Self.folder(["topology.yaml": Self.topology, "s.yaml": scenario])
    #expect(try ScenarioFile.load(path: dir + "/s.yaml").0.window.horizon == 1e-9)
  }

  /// Without a name, a scenario is called after its file, .yml as well as .yaml.
  @Test func unnamedScenarioTakesItsFileName() throws {
    let dir = try Self.folder(["topology.yaml": Self.topology, "peak-hour.yml": Self.scenario()])
    let (s, _) = try ScenarioFile.load(path: dir + "/peak-hour.yml")
    #expect(s.name == "peak-hour")
  }
}
