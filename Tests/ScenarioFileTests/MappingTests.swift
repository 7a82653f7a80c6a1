import Testing

import ScenarioFile

@Suite struct MappingTests {
  @Test func validTopologyHasNoDiagnostics() {
    expectDiagnostics(
      """
      name: shop
      seed: 42
      trace: false
      stations:
        web:
          servers: 4
          service: {distribution: exponential, mean: 200ms}
          policy: round-robin
        db:
          servers: infinite
          service:
            distribution: deterministic
            mean: 1.5s
          weight: 0.5
      arrivals:
        - station: web
          rate: 30/s
      """, [], read: readSampleTopology)
  }

  @Test func unknownKeyGetsSuggestion() {
    expectDiagnostics(
      """
      stations:
        3️⃣web:
          servers: 2
          1️⃣sevrice: {distribution: exponential, mean: 1s}
          2️⃣maxInstances: 3
      """,
      [
        ExpectedDiagnostic("1️⃣", "stations.web.sevrice", "unknown key 'sevrice' (did you mean 'service'?)"),
        ExpectedDiagnostic("2️⃣", "stations.web.maxInstances", "unknown key 'maxInstances' (did you mean 'max_instances'?)"),
        ExpectedDiagnostic("3️⃣", "stations.web", "missing required key 'service'"),
      ], read: readSampleTopology)
  }

  @Test func unknownKeyWithoutSuggestionListsAllowedKeys() {
    expectDiagnostics(
      "1️⃣colour: red\nstations: {}\n",
      [ExpectedDiagnostic("1️⃣", "colour", "unknown key 'colour' (allowed keys: name, seed, trace, stations, arrivals)")],
      read: readSampleTopology)
  }

  @Test func everyProblemInOneFileIsReported() {
    expectDiagnostics(
      """
      name: 1️⃣12
      seed: 2️⃣-1
      trace: 3️⃣yes
      stations:
        web:
          servers: 4️⃣1.5
          service: {distribution: 5️⃣expo, mean: 6️⃣200}
          policy: 7️⃣roundrobin
          weight: 8️⃣"0.5"
      arrivals:
        - station: web
          rate: 9️⃣30
      """,
      [
        ExpectedDiagnostic("1️⃣", "name", "expected a string, found the number 12 (quote it"),
        ExpectedDiagnostic("2️⃣", "seed", "must be at least 0, found -1"),
        ExpectedDiagnostic("3️⃣", "trace", "expected true or false, found 'yes'"),
        ExpectedDiagnostic("4️⃣", "stations.web.servers", "expected a whole number, found the number 1.5"),
        ExpectedDiagnostic("5️⃣", "stations.web.service.distribution", "unknown value 'expo'"),
        ExpectedDiagnostic("6️⃣", "stations.web.service.mean", "expected a duration with a unit (e.g. 200ms, 1.5s), found '200'"),
        ExpectedDiagnostic("7️⃣", "stations.web.policy", "unknown value 'roundrobin' (did you mean 'round-robin'?)"),
        ExpectedDiagnostic("8️⃣", "stations.web.weight", "expected a number, found the string '0.5' (remove the quotes)"),
        ExpectedDiagnostic("9️⃣", "arrivals[0].rate", "expected a rate such as 30/s or 1800/min, found '30'"),
      ], read: readSampleTopology)
  }

  @Test func oneOfListsAllowedValues() {
    let (_, log) = loadMarked("stations: {web: {servers: 1, service: {distribution: zipf, mean: 1s}}}", read: readSampleTopology)
    #expect(
      log.diagnostics.map(\.message) == [
        "unknown value 'zipf'; expected one of: exponential, deterministic, lognormal"
      ])
  }

  @Test func duplicateKeysAreReportedAlongsideOtherErrors() {
    expectDiagnostics(
      """
      stations:
        web:
          servers: 2
          service: {distribution: exponential, mean: 1s}
          1️⃣servers: 3
        2️⃣web: {servers: 1}
      3️⃣stations: {}
      arrivals: [{station: web, 4️⃣station: db, rate: 5️⃣fast}]
      """,
      [
        ExpectedDiagnostic("1️⃣", "stations.web.servers", "duplicate key 'servers' (first defined at line 3, column 5)"),
        ExpectedDiagnostic("2️⃣", "stations.web", "duplicate key 'web' (first defined at line 2, column 3)"),
        ExpectedDiagnostic("3️⃣", "stations", "duplicate key 'stations' (first defined at line 1, column 1)"),
        ExpectedDiagnostic("4️⃣", "arrivals[0].station", "duplicate key 'station'"),
        ExpectedDiagnostic("5️⃣", "arrivals[0].rate", "expected a rate such as 30/s or 1800/min, found 'fast'"),
      ], read: readSampleTopology)
  }

  @Test func keyRepeatedThreeTimesAndQuotedDuplicates() {
    expectDiagnostics(
      """
      a: 1
      1️⃣a: 2
      2️⃣'a': 3
      3️⃣"b": 4
      4️⃣b: 5
      """,
      [
        ExpectedDiagnostic("1️⃣", "a", "duplicate key 'a' (first defined at line 1, column 1)"),
        ExpectedDiagnostic("2️⃣", "a", "duplicate key 'a'"),
        ExpectedDiagnostic("4️⃣", "b", "duplicate key 'b' (first defined at line 4, column 1)"),
      ]
    ) { root in
      let entries = root.openMapping() ?? []
      #expect(entries.map(\.key) == ["a", "b"])
      #expect(entries.first?.value.int() == 1)
    }
  }

  @Test func requiredAndNullValues() {
    expectDiagnostics(
      """
      stations:
        web:
          servers:1️⃣
          service: {distribution: exponential, mean: 1s}
          policy: 3️⃣~
        2️⃣db:
          service: {distribution: exponential, mean: 1s}
      """,
      [
        ExpectedDiagnostic("1️⃣", "stations.web.servers", "missing value for required key 'servers'"),
        ExpectedDiagnostic("3️⃣", "stations.web.policy", "'policy' has no value: give one, or leave the key out"),
        ExpectedDiagnostic("2️⃣", "stations.db", "missing required key 'servers'"),
      ], read: readSampleTopology)
  }

  /// An optional key written without its value (`timeout:`, `timeout: ~`) is an error, not
  /// the default: a forgotten value would run with one nobody chose.
  @Test func optionalNullIsAnErrorButContained() {
    let (_, log) = loadMarked("policy: ~\nweight:\n") { root in
      let mapping = root.mapping(allowedKeys: ["policy", "weight", "other"])
      #expect(mapping?["policy"] == nil)
      #expect(mapping?["weight"] == nil)
      #expect(mapping?.contains("policy") == true)
      #expect(mapping?.contains("other") == false)
      #expect(mapping?.keys == ["policy", "weight"])
    }
    #expect(
      log.diagnostics.map(\.message) == [
        "'policy' has no value: give one, or leave the key out for its default",
        "'weight' has no value: give one, or leave the key out for its default",
      ])
  }

  @Test func wrongCollectionTypes() {
    expectDiagnostics(
      """
      stations: 1️⃣[web, db]
      arrivals: 2️⃣{station: web}
      """,
      [
        ExpectedDiagnostic("1️⃣", "stations", "expected a mapping, found a list"),
        ExpectedDiagnostic("2️⃣", "arrivals", "expected a list, found a mapping"),
      ], read: readSampleTopology)
  }

  @Test func topLevelScalarAndNullRoot() {
    expectDiagnostics("1️⃣just text", [ExpectedDiagnostic("1️⃣", "", "expected a mapping, found 'just text'")], read: readSampleTopology)
    expectDiagnostics("1️⃣~", [ExpectedDiagnostic("1️⃣", "", "expected a mapping, found null")], read: readSampleTopology)
  }

  @Test func oddKeys() {
    expectDiagnostics(
      """
      ? 1️⃣[a, b]
      : 1
      ?2️⃣
      : 2
      "": 3
      """,
      [
        ExpectedDiagnostic("1️⃣", "", "a key must be a name, found a list"),
        ExpectedDiagnostic("2️⃣", "", "empty key"),
      ]
    ) { root in
      #expect(root.openMapping()?.map(\.key) == [""])
    }
  }

  @Test func keyPathsQuoteAwkwardKeys() {
    expectDiagnostics(
      """
      stations:
        "a.b":
          servers: 1️⃣lots
          service: {distribution: exponential, mean: 1s}
        web server:
          servers: 2️⃣0
          service: {distribution: exponential, mean: 1s}
        "x[1]":
          3️⃣bogus: 1
          servers: 1
          service: {distribution: exponential, mean: 1s}
      """,
      [
        ExpectedDiagnostic("1️⃣", "stations.\"a.b\".servers", "expected a whole number, found 'lots'"),
        ExpectedDiagnostic("2️⃣", "stations.\"web server\".servers", "must be between 1 and 10000, found 0"),
        ExpectedDiagnostic("3️⃣", "stations.\"x[1]\".bogus", "unknown key 'bogus'"),
      ], read: readSampleTopology)
  }

  @Test func sequenceItemsHaveIndexedKeyPaths() {
    expectDiagnostics(
      """
      stations: {}
      arrivals:
        - {station: web, rate: 1/s}
        - station: db
          rate: 1️⃣0/s
        - 2️⃣web
      """,
      [
        ExpectedDiagnostic("1️⃣", "arrivals[1].rate", "must be greater than zero, found '0/s'"),
        ExpectedDiagnostic("2️⃣", "arrivals[2]", "expected a mapping, found 'web'"),
      ], read: readSampleTopology)
  }

  @Test func mergeKeysAreSupported() {
    expectDiagnostics(
      """
      defaults: &defaults
        servers: 2
        service: {distribution: exponential, mean: 1️⃣fast}
        policy: fifo
      web:
        <<: *defaults
        policy: least-loaded
      db:
        <<: [*defaults, {servers: lots, weight: 0.5}]
        servers: 3
      cache:
        <<: 3️⃣oops
        servers: 1
        service: {distribution: exponential, mean: 1s}
      """,
      [
        ExpectedDiagnostic("1️⃣", "defaults.service.mean", "expected a duration with a unit"),
        ExpectedDiagnostic("1️⃣", "web.service.mean", "expected a duration with a unit"),
        ExpectedDiagnostic("1️⃣", "db.service.mean", "expected a duration with a unit"),
        ExpectedDiagnostic("3️⃣", "cache.<<", "expected a mapping or a list of mappings after '<<'"),
      ]
    ) { root in
      for station in root.openMapping() ?? [] {
        readSampleStation(station.value)
      }
      let web = root.openMapping()?.first { $0.key == "web" }?.value.mapping(allowedKeys: [
        "servers", "service", "policy",
      ])
      #expect(web?.keys == ["servers", "service", "policy"])
      #expect(web?["policy"]?.string() == "least-loaded")
      let db = root.openMapping()?.first { $0.key == "db" }?.value.openMapping()
      // Merged entries sit where '<<' is written; the explicit 'servers' overrides 'lots'.
      #expect(db?.map(\.key) == ["service", "policy", "weight", "servers"])
      #expect(db?.last?.value.int() == 3)
    }
  }

  @Test func aliasesResolve() {
    let (_, log) = loadMarked("mean: &m 250ms\nother: *m\n") { root in
      let mapping = root.mapping(allowedKeys: ["mean", "other"])
      #expect(mapping?["other"]?.duration() == 0.25)
      #expect(mapping?["other"]?.keyPath == "other")
    }
    #expect(log.diagnostics.isEmpty)
  }

  @Test func billionLaughsMergeIsBounded() {
    var yaml = "l0: &l0 {a: 1, b: 2}\n"
    for level in 1...12 {
      let refs = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
      yaml += "l\(level): &l\(level) {<<: [\(refs)], k\(level): 1}\n"
    }
    yaml += "top:\n  <<: *l12\n"
    let (_, log) = loadMarked(yaml) { root in
      for entry in root.openMapping() ?? [] { _ = entry.value.openMapping() }
    }
    #expect(log.diagnostics.contains { $0.message.contains("expand to too many entries") })
  }
}
