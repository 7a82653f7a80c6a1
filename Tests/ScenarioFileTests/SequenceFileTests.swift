import Foundation
import QueueingModel
import ScenarioFile
import Testing

/// `classes:` (visit sequences), `locks:` and batch stations as files: what reaches the network,
/// and each mistake reported at its file, line, column and key path.
@Suite struct SequenceFileTests {
  static let topology = """
    stations:
      cpu:
        servers: 2
        discipline: processor-sharing
        service: {distribution: exponential, mean: 1ms}
      disk:
        servers: 1
        service: {distribution: exponential, mean: 2ms}
      wal:
        servers: 1
        discipline: batch
        service: {distribution: deterministic, value: 4ms}
    locks:
      branch: {capacity: 1}
    classes:
      tpcb:
        sequence:
          - {station: cpu, service: {distribution: exponential, mean: 0.3ms}}
          - {station: disk, acquire: branch}
          - {station: cpu, release: branch}
          - {station: wal}
    """

  static func load(_ topology: String, to: String = "tpcb") throws -> Scenario {
    let scenario = """
      topology: topology.yaml
      arrivals:
        - {to: \(to), users: 8, think: {distribution: exponential, mean: 10ms}}
      run: {length: 10s}
      """
    let dir = try ScenarioSchemaTests.folder(["topology.yaml": topology, "s.yaml": scenario])
    return try ScenarioFile.load(path: dir + "/s.yaml").0
  }

  static func diagnostics(_ topology: String, to: String = "tpcb") throws -> [Diagnostic] {
    try #require(throws: DiagnosticError.self) { try load(topology, to: to) }.diagnostics
  }

  @Test func aClassWithLocksAndABatchStationBuildsItsNetwork() throws {
    let s = try Self.load(Self.topology)
    #expect(s.network.sources[0].destination == .sequence(0))
    #expect(s.network.locks == [Lock(name: "branch", capacity: 1)])
    #expect(s.network.stations[2].discipline == .batch)
    let steps = s.network.sequences[0].steps
    #expect(steps.map(\.station) == [0, 1, 0, 2])
    #expect(steps[0].service?.mean == 0.0003 && steps[1].service == nil)
    #expect(steps[1].acquire == [0] && steps[2].release == [0])
    #expect(s.network.sequences[0].heldAtStep == [[], [0], [0], []])
    // The demand per station is what MVA sees: cpu 0.3 ms + 1 ms, disk 2 ms, wal 4 ms.
    let d = s.network.demands(ofSequence: 0)
    #expect(abs(d.demand[0] - 0.0013) < 1e-15 && d.demand[1] == 0.002 && d.demand[2] == 0.004)
    #expect(d.visits == [2, 1, 1])
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var what: String
    var replace: String
    var with: String
    var keyPath: String
    var message: String
    var line: Int? = nil
    var testDescription: String { what }
  }

  static let cases: [Case] = [
    Case(
      what: "unknown step key", replace: "{station: wal}", with: "{station: wal, hold: branch}",
      keyPath: "classes.tpcb.sequence[3].hold", message: "unknown key 'hold'", line: 21),
    Case(
      what: "step at a missing station", replace: "{station: wal}", with: "{station: wall}",
      keyPath: "classes.tpcb.sequence[3].station", message: "did you mean 'wal'"),
    Case(
      what: "step at a class", replace: "{station: wal}", with: "{station: tpcb}",
      keyPath: "classes.tpcb.sequence[3].station", message: "is not a station"),
    Case(
      what: "unknown lock", replace: "acquire: branch", with: "acquire: brnach",
      keyPath: "classes.tpcb.sequence[1].acquire", message: "did you mean 'branch'"),
    Case(
      what: "lock taken twice", replace: "{station: cpu, release: branch}", with: "{station: cpu, acquire: branch}",
      keyPath: "classes.tpcb.sequence[2].acquire", message: "already held"),
    Case(
      what: "zero capacity", replace: "{capacity: 1}", with: "{capacity: 0}",
      keyPath: "locks.branch.capacity", message: "1"),
    Case(
      what: "service at a batch step", replace: "{station: wal}",
      with: "{station: wal, service: {distribution: deterministic, value: 1ms}}",
      keyPath: "classes.tpcb.sequence[3].service", message: "serves batches"),
    Case(
      what: "empty sequence",
      replace:
        "    sequence:\n      - {station: cpu, service: {distribution: exponential, mean: 0.3ms}}\n      - {station: disk, acquire: branch}\n      - {station: cpu, release: branch}\n      - {station: wal}",
      with: "    sequence: []", keyPath: "classes.tpcb.sequence", message: "at least one step"),
    Case(
      what: "batch with infinite servers", replace: "    servers: 1\n    discipline: batch",
      with: "    servers: infinite\n    discipline: batch",
      keyPath: "stations.wal.servers", message: "whole number of servers"),
    Case(
      what: "class named like a station", replace: "  tpcb:\n", with: "  disk:\n",
      keyPath: "classes.disk", message: "already the name"),
  ]

  @Test(arguments: cases) func aMistakeIsReportedWhereItIs(_ c: Case) throws {
    let topology = Self.topology.replacingOccurrences(of: c.replace, with: c.with)
    #expect(topology != Self.topology, "the case's text must be in the fixture")
    let found = try Self.diagnostics(topology, to: c.what.hasPrefix("class named") ? "disk" : "tpcb")
    let hit = found.first { $0.keyPath == c.keyPath }
    #expect(hit != nil, "\(found.map { "\($0.keyPath): \($0.message)" })")
    if let hit {
      #expect(hit.file.hasSuffix("topology.yaml"))
      #expect(hit.message.contains(c.message), "\(hit.message)")
      if let line = c.line { #expect(hit.line == line) }
    }
  }

  /// The batch check finds the step's station by name, not by an index that a station before it
  /// (here cpu, which cannot be read) has shifted: wal's index was once read past the end of the
  /// stations read (a crash).
  @Test func aServiceAtABatchStepIsFoundAfterAStationThatCannotBeRead() throws {
    let topology = Self.topology.replacingOccurrences(of: "    servers: 2\n", with: "    servers: 150%\n")
      .replacingOccurrences(
        of: "{station: wal}", with: "{station: wal, service: {distribution: deterministic, value: 1ms}}")
    let found = try Self.diagnostics(topology)
    #expect(
      found.map(\.keyPath) == ["stations.cpu.servers", "classes.tpcb.sequence[3].service"],
      "\(found.map { "\($0.keyPath): \($0.message)" })")
    #expect(found.last?.message.contains("station 'wal' serves batches") == true)
  }

  /// A lock whose entry has an error is still declared: the steps that take it are not also
  /// told there is no such lock.
  @Test func aLockWithAnErrorIsReportedOnce() throws {
    let topology = Self.topology.replacingOccurrences(of: "{capacity: 1}", with: "{capacity: 0}")
    let found = try Self.diagnostics(topology)
    #expect(found.map(\.keyPath) == ["locks.branch.capacity"], "\(found.map { "\($0.keyPath): \($0.message)" })")
  }

  @Test func aReleaseOfALockNotHeldNamesIt() throws {
    let topology = Self.topology.replacingOccurrences(of: "{station: disk, acquire: branch}", with: "{station: disk}")
    let found = try Self.diagnostics(topology)
    #expect(found.map(\.keyPath) == ["classes.tpcb.sequence[2].release"])
    #expect(found[0].message.contains("not held"))
  }

  @Test func locksTakenInOppositeOrdersAreADeadlock() throws {
    let topology =
      Self.topology + """

          other:
            sequence:
              - {station: cpu, acquire: [teller, branch]}
              - {station: disk}
        """
    let withTeller = topology.replacingOccurrences(
      of: "  branch: {capacity: 1}", with: "  branch: {capacity: 1}\n  teller: {capacity: 1}"
    )
    .replacingOccurrences(
      of: "{station: cpu, release: branch}", with: "{station: cpu, acquire: teller, release: branch}")
    let found = try Self.diagnostics(withTeller)
    #expect(found.contains { $0.message.contains("deadlock") }, "\(found.map(\.message))")
  }

  /// Independent mistakes come in one pass: a route into a class, a service at a batch step
  /// and locks taken in opposite orders; the deadlock is said at the step that closes the
  /// cycle, naming the step that takes the locks the other way.
  @Test func aDeadlockIsFoundBesideOtherErrors() throws {
    let topology = """
      stations:
        cpu: {servers: 2, discipline: processor-sharing, service: {distribution: exponential, mean: 1ms}}
        wal: {servers: 1, discipline: batch, service: {distribution: deterministic, value: 1ms}}
        disk: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: t1}
      locks: {a: {capacity: 1}, b: {capacity: 1}}
      classes:
        t1: {sequence: [{station: wal, service: {distribution: exponential, mean: 1ms}}]}
        t2: {sequence: [{station: cpu, acquire: [a, b]}]}
        t3: {sequence: [{station: cpu, acquire: b}, {station: disk, acquire: a}]}
      """
    let found = try Self.diagnostics(topology, to: "t2")
    #expect(
      found.map(\.keyPath) == [
        "stations.disk.next", "classes.t1.sequence[0].service", "classes.t3.sequence[1].acquire",
      ],
      "\(found.map { "\($0.keyPath): \($0.message)" })")
    #expect(
      found.last?.message
        == "locks 'a' -> 'b' -> 'a' are taken in opposite orders (class 't2' (step 1) takes 'b' while holding 'a'; this step takes 'a' while holding 'b'): customers could deadlock"
    )
    // A load factor on the batch station (an error of its own) does not hide the step's service.
    let withLoadFactor = topology.replacingOccurrences(
      of: "discipline: batch,", with: "discipline: batch, loadFactor: [{concurrency: 1, factor: 1}],")
    let both = try Self.diagnostics(withLoadFactor, to: "t2")
    #expect(
      both.map(\.keyPath).contains("stations.wal.loadFactor")
        && both.map(\.keyPath).contains("classes.t1.sequence[0].service"),
      "\(both.map { "\($0.keyPath): \($0.message)" })")
  }

  /// A step may visit one copy of a group (`web[2]`, as runs name it); the group's own name
  /// is said to be a group, with how to name a copy.
  @Test func aStepVisitsACopyByItsName() throws {
    let topology = """
      stations:
        web: {copies: 3, servers: 1, service: {distribution: exponential, mean: 1ms}}
      classes:
        c: {sequence: [{station: "web[2]"}]}
      """
    let s = try Self.load(topology, to: "c")
    #expect(s.network.sequences[0].steps.map(\.station) == [1])
    let group = try Self.diagnostics(topology.replacingOccurrences(of: "\"web[2]\"", with: "web"), to: "c")
    #expect(
      group.map(\.message) == [
        "'web' is a group of 3 copies: a step visits one station, so name a copy (web[1] to web[3])"
      ])
    let past = try Self.diagnostics(topology.replacingOccurrences(of: "web[2]", with: "web[4]"), to: "c")
    #expect(past.map(\.message) == ["'web' has 3 copies, web[1] to web[3]: there is no 'web[4]'"])
  }

  /// What nothing uses is said, as a station no one reaches is: a class no source sends to,
  /// and a lock only such classes take.
  @Test func aClassAndALockNothingUsesAreWarnedAbout() throws {
    let scenario = """
      topology: topology.yaml
      arrivals:
        - {to: cpu, rate: 10/s}
      run: {length: 10s}
      """
    let dir = try ScenarioSchemaTests.folder(["topology.yaml": Self.topology, "s.yaml": scenario])
    let (_, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    let messages = warnings.map(\.message)
    #expect(messages.contains("class 'tpcb' receives no customers: no source sends to it"), "\(messages)")
    #expect(messages.contains("lock 'branch' is taken by no class a source sends to"), "\(messages)")
    // Sent to, neither is said.
    let (_, used) = try ScenarioFile.load(
      path: try ScenarioSchemaTests.folder([
        "topology.yaml": Self.topology, "s.yaml": scenario.replacingOccurrences(of: "to: cpu", with: "to: tpcb"),
      ]) + "/s.yaml")
    #expect(!used.contains { $0.message.contains("receives no customers") || $0.message.contains("taken by no class") })
  }

  /// A calendar whose day, week and seasons shape no source (none has `calendar: true`), and a
  /// normal distribution whose cut at 0 moves its mean: both said, as neither changes a file's
  /// meaning without a word.
  @Test func anUnusedCalendarAndACutNormalAreWarnedAbout() throws {
    let topology = """
      stations:
        s: {servers: 1, service: {distribution: normal, mean: 10ms, sd: 30ms}}
      """
    let scenario = """
      topology: topology.yaml
      calendar:
        timezone: Europe/Berlin
        start: 2026-12-07
        end: 2026-12-08
        seasons:
          christmas: {rule: christmas-catering, multiplier: 5}
      arrivals:
        - {name: requests, to: s, rate: 10/s}
      run: {replications: 2}
      """
    let dir = try ScenarioSchemaTests.folder(["topology.yaml": topology, "s.yaml": scenario])
    let (_, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(
      warnings.contains { $0.keyPath == "calendar" && $0.message.hasPrefix("no arrival source follows the calendar") },
      "\(warnings)")
    #expect(
      warnings.contains {
        $0.keyPath == "stations.s.service" && $0.message.contains("its mean is 28ms, not 10ms")
      }, "\(warnings)")
    // The same with the source's calendar turned off by --set, which the check did not read
    let following = scenario.replacingOccurrences(of: "rate: 10/s}", with: "rate: 10/s, calendar: true}")
    let dir2 = try ScenarioSchemaTests.folder(["topology.yaml": topology, "s.yaml": following])
    let (_, follows) = try ScenarioFile.load(path: dir2 + "/s.yaml")
    #expect(!follows.contains { $0.message.hasPrefix("no arrival source follows the calendar") }, "\(follows)")
    let (_, off) = try ScenarioFile.load(path: dir2 + "/s.yaml", settings: ["arrivals[0].calendar=false"])
    #expect(off.contains { $0.message.hasPrefix("no arrival source follows the calendar") }, "\(off)")
  }

  /// A station a class visits that a route reaches too is followed along its routes: once a
  /// class had marked it, the stations after it read as receiving no customers.
  @Test func aStationAClassVisitsIsStillFollowedAlongItsRoutes() throws {
    let topology = """
      stations:
        front: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: cpu}
        cpu: {servers: 2, service: {distribution: exponential, mean: 1ms}, next: back}
        back: {servers: 1, service: {distribution: exponential, mean: 1ms}}
      classes:
        job:
          sequence:
            - {station: cpu}
      """
    let scenario = """
      topology: topology.yaml
      arrivals:
        - {name: web, to: front, rate: 10/s}
        - {name: jobs, to: job, rate: 1/s}
      run: {length: 10s}
      """
    let dir = try ScenarioSchemaTests.folder(["topology.yaml": topology, "s.yaml": scenario])
    let (_, warnings) = try ScenarioFile.load(path: dir + "/s.yaml")
    #expect(!warnings.contains { $0.message.contains("receives no customers") }, "\(warnings)")
  }

  /// A name with nothing in it names nothing: refused at its key (a scenario and a source were
  /// accepted as "").
  @Test func anEmptyNameIsRefused() throws {
    let scenario = """
      name: ""
      topology: topology.yaml
      arrivals:
        - {name: " ", to: tpcb, rate: 10/s}
      run: {length: 10s}
      """
    let dir = try ScenarioSchemaTests.folder(["topology.yaml": Self.topology, "s.yaml": scenario])
    let errors = try #require(throws: DiagnosticError.self) { try ScenarioFile.load(path: dir + "/s.yaml") }
      .diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.keyPath) == ["name", "arrivals[0].name"], "\(errors)")
    #expect(errors.allSatisfy { $0.message == "a name cannot be empty" })
  }
}
