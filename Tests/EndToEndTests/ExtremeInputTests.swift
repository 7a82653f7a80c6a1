import Foundation
import Testing

/// Inputs found by fuzzing that once crashed or stalled `capsim`: each is now a located error
/// with status 1, never a signal, and answered at once.
@Suite struct ExtremeInputTests {
  static let topology = """
    name: t
    stations:
      app: {servers: 1, service: {distribution: exponential, mean: 10ms}}

    """

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var files: [String: String]
    /// Where the error must point: "file:line:column: error: key.path".
    var location: String
    var testDescription: String { name }
  }

  static let cases = [
    Case(
      name: "a season lead of 10^20 days",
      files: [
        "topo.yaml": topology,
        "s.yaml": """
          name: crash-huge-season-lead
          topology: topo.yaml
          calendar:
            timezone: Europe/Berlin
            start: 2026-09-14
            end: 2026-09-15
            seasons:
              oktoberfest: {rule: oktoberfest, lead: 100000000000000000000d, multiplier: 5}
          arrivals:
            - {to: app, rate: 1/s, calendar: true}
          run: {replications: 1}
          """,
      ],
      location: "s.yaml:8:44: error: calendar.seasons.oktoberfest.lead"),
    Case(
      name: "a service mean of 10^19 s through an override",
      files: [
        "topo.yaml": topology,
        "s.yaml": """
          name: crash-huge-service-mean
          topology: topo.yaml
          overrides:
            stations.app.service.mean: 10000000000000000000s
          arrivals:
            - {to: app, rate: 1000/s}
          run: {length: 1min, replications: 1}
          """,
      ],
      location: "s.yaml:4:30: error: overrides.\"stations.app.service.mean\""),
    Case(
      name: "a deterministic service of 10^19 s in the topology",
      files: [
        "topo.yaml": """
          name: t
          stations:
            app: {servers: 1, service: {distribution: deterministic, value: 10000000000000000000s}}
          """,
        "s.yaml": """
          name: crash-huge-service-value
          topology: topo.yaml
          arrivals:
            - {to: app, rate: 1000/s}
          run: {length: 1min, replications: 1}
          """,
      ],
      location: "topo.yaml:3:67: error: stations.app.service.value"),
    Case(
      name: "a Spargel opening on 9999-12-31",
      files: [
        "topo.yaml": topology,
        "s.yaml": """
          name: crash-spargel-opening-9999
          topology: topo.yaml
          calendar:
            timezone: Europe/Berlin
            start: 2026-01-01
            end: 2026-01-02
            seasons:
              spargel: {rule: spargel, opening: 9999-12-31, multiplier: 3}
          arrivals:
            - {to: app, rate: 1/s, calendar: true}
          run: {replications: 1}
          """,
      ],
      location: "s.yaml:8:39: error: calendar.seasons.spargel.opening"),
    Case(
      name: "a calendar ending in 9999",
      files: [
        "topo.yaml": topology,
        "s.yaml": """
          name: calendar-to-9999
          topology: topo.yaml
          calendar:
            timezone: Europe/Berlin
            start: 2026-01-01
            end: 9999-12-31
            seasons:
              spargel: {rule: spargel, multiplier: 3}
              oktoberfest: {rule: oktoberfest, multiplier: 5}
              christmas: {rule: christmas-catering, multiplier: 5}
          arrivals:
            - {to: app, rate: 1/s, calendar: true}
          run: {replications: 1}
          """,
      ],
      location: "s.yaml:6:8: error: calendar.end"),
    weibull("0.001"),
    weibull("0.005"),
  ]

  /// A Weibull service of this shape (scale 1ms): its Gamma function overflowed in GSL, whose
  /// handler aborted the process (status 134) in validate and run.
  static func weibull(_ shape: String) -> Case {
    Case(
      name: "a Weibull shape of \(shape)",
      files: [
        "topo.yaml": """
          name: t
          stations:
            app: {servers: 1, service: {distribution: weibull, shape: \(shape), scale: 1ms}}
          """,
        "s.yaml": """
          topology: topo.yaml
          arrivals:
            - {name: requests, to: app, rate: 36/s}
          run: {length: 10min}
          """,
      ],
      location: "topo.yaml:3:30: error: stations.app.service")
  }

  static func folder(_ files: [String: String]) throws -> URL {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-extreme-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return dir
  }

  @Test(arguments: cases) func rejectedWithALocatedError(_ c: Case) throws {
    let dir = try Self.folder(c.files)
    defer { try? FileManager.default.removeItem(at: dir) }
    let scenario = dir.appendingPathComponent("s.yaml").path
    let location = dir.path + "/" + c.location
    let validate = try EndToEndTests.capsim(["validate", scenario])
    #expect(!validate.signaled && validate.status == 1, "\(validate.stderr)")
    #expect(validate.stdout.contains(location), "\(validate.stdout)")
    let run = try EndToEndTests.capsim(["run", scenario, "--quiet", "--db", dir.appendingPathComponent("r.sqlite").path])
    #expect(!run.signaled && run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains(location), "\(run.stderr)")
  }

  /// Cycles that take no time would run forever at one instant: one user who neither thinks
  /// nor waits, and users lost at a full station who return at once. Each replication stops
  /// once its clock has not moved for 8 million events, with status 1 and why, in about a
  /// second (the bound of 20 s leaves room for a slow machine and still catches a hang).
  @Test func aCycleThatTakesNoTimeStopsWithWhy() throws {
    let dir = try Self.folder([
      "zero.yaml": "name: t\nstations:\n  a: {servers: 1, service: {distribution: deterministic, value: 0s}}\n",
      "full.yaml": "name: t\nstations:\n  a: {servers: 1, capacity: 2, service: {distribution: exponential, mean: 10ms}}\n",
      "s-zero.yaml": """
        name: zero
        topology: zero.yaml
        arrivals:
          - {name: users, to: a, users: 1, think: {distribution: deterministic, value: 0s}}
        run: {length: 1s, replications: 1}
        """,
      "s-full.yaml": """
        name: full
        topology: full.yaml
        arrivals:
          - {name: users, to: a, users: 5, think: {distribution: deterministic, value: 0s}}
        run: {length: 1ms, replications: 1}
        """,
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    for scenario in ["s-zero.yaml", "s-full.yaml"] {
      let started = Date()
      let r = try EndToEndTests.capsim([
        "run", dir.appendingPathComponent(scenario).path, "--quiet", "--db", dir.appendingPathComponent("r.sqlite").path,
      ])
      #expect(!r.signaled && r.status == 1, "\(r.stderr)")
      #expect(r.stderr.contains("replication 1 made no progress: more than 8 million events at simulated time 0s"), "\(r.stderr)")
      #expect(Date().timeIntervalSince(started) < 20)
    }
  }

  /// Theory names an unstable station by its name, not by its index in the network.
  @Test func analyzeNamesAnUnstableStation() throws {
    let r = try EndToEndTests.capsim([
      "analyze", "scenarios/jackson-tandem.yaml", "--set", "arrivals[0].rate=100/s", "--theory-only",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect((r.stdout + r.stderr).contains("station 'lb' is unstable (utilization 10.0)"), "\(r.stdout)\(r.stderr)")
    #expect(!(r.stdout + r.stderr).contains("station 0 is unstable"))
  }

  /// A topology's errors come at once and each is true: the route into a class is said with
  /// the others, at its `next`; a lock listed twice does not make its release "not held"; a
  /// class named as a dispatcher's target is called a class.
  @Test func everyErrorAtOnceAndEachTrue() throws {
    let dir = try Self.folder([
      "st.yaml": """
        stations:
          cpu: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: tx}
          wal: {servers: 1, discipline: batch, service: {distribution: exponential, mean: 1ms}}
        locks:
          o: {capacity: 2}
        dispatchers:
          lb: {policy: random, targets: [tx]}
        classes:
          tx: {sequence: [{station: wal}, {station: cpu, acquire: [o, o]}, {station: cpu, release: o}]}

        """,
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim(["validate", dir.appendingPathComponent("st.yaml").path])
    #expect(r.status == 1)
    #expect(r.stdout.contains("st.yaml:2:76: error: stations.cpu.next: 'tx' is a class"), "\(r.stdout)")
    #expect(r.stdout.contains("lock 'o' is listed twice"), "\(r.stdout)")
    #expect(!r.stdout.contains("is not held"), "\(r.stdout)")
    #expect(r.stdout.contains("'tx' is a class (a sequence of visits); targets must be stations"), "\(r.stdout)")
  }

  /// A topology read alone is checked for stations customers could never leave, as a scenario
  /// using it is (it said "ok" alone, "can never leave" in a scenario).
  @Test func aTopologyAloneIsCheckedForStationsNoOneLeaves() throws {
    let dir = try Self.folder([
      "loop.yaml": "stations:\n  a: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: b}\n  b: {servers: 1, service: {distribution: exponential, mean: 1ms}, next: a}\n"
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim(["validate", dir.appendingPathComponent("loop.yaml").path])
    #expect(r.status == 1 && r.stdout.contains("customers that reach station 'a' can never leave"), "\(r.stdout)")
  }

  /// A lock that passes fewer trips than arrive is warned about before the run, and a run
  /// stopped by its line names the lock (it named an infinite-server station and advised
  /// adding servers).
  @Test func aLockThatCannotKeepUpIsNamed() throws {
    let dir = try Self.folder([
      "lq.yaml": """
        stations:
          d: {servers: infinite, service: {distribution: deterministic, value: 1s}}
        locks:
          m: {capacity: 1}
        classes:
          k: {sequence: [{station: d, acquire: m}]}

        """,
      "lqs.yaml": "topology: lq.yaml\narrivals: [{to: k, rate: 2000/s}]\nrun: {length: 2000s, drain: false, replications: 1}\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let scenario = dir.appendingPathComponent("lqs.yaml").path
    let validate = try EndToEndTests.capsim(["validate", scenario])
    #expect(validate.stdout.contains("warning: locks.m: lock 'm' (capacity 1) is offered 2000/s of class 'k' holding it 1000 ms"), "\(validate.stdout)")
    let run = try EndToEndTests.capsim(["run", scenario, "--quiet"])
    #expect(run.status == 1 && run.stderr.contains("waited for lock 'm' (capacity 1; class 'k' holds it at least 1000 ms a trip, so at most 1 trips/s pass)"), "\(run.stderr)")
  }

  /// A station overloaded behind a connection pool: the lock keeps 3 there, so the warning
  /// and the run's growth note are the lock's, and taken/s counts grants (about the 250/s db
  /// passes), not the 300/s that ask.
  @Test func anOverloadBehindALockIsTheLocks() throws {
    let dir = try Self.folder([
      "pool.yaml": """
        stations: {app: {servers: 8, service: {distribution: exponential, mean: 5ms}}, db: {servers: 2, service: {distribution: exponential, mean: 4ms}}}
        locks: {conn: {capacity: 3}}
        classes: {req: {sequence: [{station: app}, {station: db, acquire: conn}, {station: app, service: {distribution: exponential, mean: 1ms}}, {station: db, release: conn}]}}

        """,
      "pools.yaml": "topology: pool.yaml\narrivals: [{name: a, to: req, rate: 300/s}]\nrun: {warmup: 2s, length: 20s, replications: 2, seed: 3}\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let scenario = dir.appendingPathComponent("pools.yaml").path
    let validate = try EndToEndTests.capsim(["validate", scenario])
    #expect(validate.stdout.contains("at most 250/s get through") && !validate.stdout.contains("warning: stations.db"), "\(validate.stdout)")
    let run = try EndToEndTests.capsim(["run", scenario, "--quiet"])
    #expect(run.stdout.contains("lock conn: its waiting line grew from"), "\(run.stdout)")
    let row = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("conn ") }, "\(run.stdout)")
    let taken = try #require(Double(row.split(separator: " ", omittingEmptySubsequences: true)[2]), "\(row)")
    #expect(taken > 235 && taken < 255, "\(row)")
  }

  /// An overload warning counts a load factor: 4 servers slowed 2x serve 2 servers' worth, so
  /// 400/s of 10 ms grows by 200/s (it said "about 0/s", then the run grew by 200/s).
  @Test func overloadCountsTheLoadFactor() throws {
    let dir = try Self.folder([
      "ld.yaml": "stations:\n  db: {servers: 4, service: {distribution: exponential, mean: 10ms}, loadFactor: [{concurrency: 1, factor: 1}, {concurrency: 4, factor: 2}]}\n",
      "lds.yaml": "topology: ld.yaml\narrivals: [{to: db, rate: 400/s}]\nrun: {length: 20s, drain: false, replications: 2}\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim(["validate", dir.appendingPathComponent("lds.yaml").path])
    #expect(
      r.stdout.contains("needing 4 servers but has 4, worth 2 under full load (its loadFactor): utilization 2 >= 1")
        && r.stdout.contains("(about 200/s)"), "\(r.stdout)")
  }

  /// An overloaded run stopped at its window's end: the unfinished count is per replication, as
  /// every other row and the JSON (it was the replications' sum, 3x the queue it sat beside).
  @Test func unfinishedIsPerReplication() throws {
    let dir = try Self.folder([
      "ov.yaml": "stations:\n  s: {servers: 1, service: {distribution: exponential, mean: 1ms}}\n",
      "ovs.yaml": "topology: ov.yaml\narrivals: [{to: s, rate: 1100/s}]\nrun: {length: 20s, drain: false, replications: 3}\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let scenario = dir.appendingPathComponent("ovs.yaml").path
    let json = try EndToEndTests.capsim(["run", scenario, "--format", "json", "--quiet"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let mean = try #require(((object["end_to_end"] as? [String: Any])?["unfinished"] as? [String: Any])?["mean"] as? Double)
    #expect(mean > 500, "\(mean)")
    let text = try EndToEndTests.capsim(["run", scenario, "--quiet"])
    let row = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("unfinished at drain limit") })
    let shown = try #require(Double(row.split(separator: " ").last!.replacingOccurrences(of: ",", with: "")))
    #expect(abs(shown - mean) < 1, "\(row) against \(mean)")
  }

  /// Did-you-mean suggestions and source snippets cost work in proportion to the file, however
  /// long a name or however many the unknown keys: a 1 MB name and 5,000 unknown keys are
  /// answered in well under a second each here (once 2 minutes and 7 s); the bound of 10 s
  /// leaves room for a slow machine and still catches the quadratic cases.
  @Test func hugeNamesAndThousandsOfUnknownKeysAreAnsweredAtOnce() throws {
    let long = String(repeating: "x", count: 1_000_000)
    let keys = (0..<5_000).map { "  extra\($0): {servers: 1, service: {distribution: exponential, mean: 10ms}, bogus\($0): 1}" }
    let dir = try Self.folder([
      "long.yaml": "name: t\nstations:\n  app: {servers: 1, service: {distribution: \(long), mean: 10ms}}\n",
      "keys.yaml": "name: t\nstations:\n" + keys.joined(separator: "\n") + "\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    for (file, errors) in [("long.yaml", 1), ("keys.yaml", 5_000)] {
      let started = Date()
      let r = try EndToEndTests.capsim(["validate", dir.appendingPathComponent(file).path])
      let seconds = Date().timeIntervalSince(started)
      #expect(!r.signaled && r.status == 1)
      #expect(r.stdout.contains("\(file): \(errors) error"), "\(r.stdout.suffix(300))")
      #expect(seconds < 10, "\(file) took \(seconds) s")
    }
  }
}
