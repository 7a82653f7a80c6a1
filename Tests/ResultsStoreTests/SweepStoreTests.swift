import Foundation
import ResultsStore
import RunRecords
import Testing

@Suite struct SweepStoreTests {
  func withDatabase(_ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-sweeps-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory.appendingPathComponent("capsim.sqlite").path)
  }

  func run(_ settings: [String]) -> RunRecord {
    RunRecord(
      capsimVersion: "0.9.0", kind: "platform", scenarioName: "small", scenarioPath: "scenarios/small.yaml",
      scenarioText: "name: small\n", scenarioHash: ContentHash.sha256("name: small\n"), topologyPath: "t.yaml",
      topologyText: "", topologyHash: ContentHash.sha256(""), settings: settings, seed: .max, replications: 2,
      horizon: 7_200, seriesInterval: 1_800, timeZone: "Europe/Berlin",
      startedAt: Date(timeIntervalSince1970: 1_796_000_000),
      processID: getpid(), hostName: ResultsStore.currentHostName)
  }

  @Test func aSweepIsItsRunsInPointOrder() throws {
    try withDatabase { path in
      // Given a sweep of 2 x 2 points begun in a store that already has a run
      let store = try ResultsStore(path: path)
      let lone = try store.begin(run([]))
      let axes = [SweepRecord.Axis(key: "a", values: ["1", "2"]), SweepRecord.Axis(key: "b", values: ["x", "y"])]
      let values = [["1", "x"], ["1", "y"], ["2", "x"], ["2", "y"]]
      let sweep = SweepRecord(
        capsimVersion: "0.9.0", scenarioName: "small", scenarioPath: "scenarios/small.yaml", scenarioHash: "abc",
        settings: ["slo.p95=1s"], axes: axes, seed: .max, replications: 2, points: 4, shards: 3,
        startedAt: Date(timeIntervalSince1970: 1_796_000_000))
      let (id, runs) = try store.beginSweep(
        sweep, runs: values.map { run(["slo.p95=1s", "a=\($0[0])", "b=\($0[1])"]) }, values: values)

      // Then its runs follow the points and the run before them, all running
      #expect(runs == [lone + 1, lone + 2, lone + 3, lone + 4])
      #expect(try store.sweeps().first?.status == .running)
      #expect(try store.run(runs[3])?.settings == ["slo.p95=1s", "a=2", "b=y"])
      let membership = try store.sweepMembership()
      #expect(membership[lone] == nil)
      #expect(membership[runs[2]]?.sweep == id && membership[runs[2]]?.point == 2)

      // When every run completes and the sweep ends
      for r in runs { try store.complete(r, data: RunData(run: run([]))) }
      try store.endSweep(id, wallSeconds: 12.5)

      // Then it reads back as written, complete
      let (read, points) = try #require(try store.sweep(id))
      var expected = sweep
      expected.id = id
      expected.wallSeconds = 12.5
      #expect(read == expected)
      #expect(points.map(\.values) == values)
      #expect(points.map(\.runID) == runs)
      #expect(points.allSatisfy { $0.status == .complete })
      #expect(try store.sweeps().first?.status == .complete)
      #expect(try store.latestCompleteSweepID() == id)
      #expect(try store.sweep(id + 1) == nil)
      // A newer sweep with a point not complete is not `latest`.
      let newer = try store.beginSweep(sweep, runs: values.map { _ in run([]) }, values: values)
      #expect(try store.latestCompleteSweepID() == id && newer.sweep > id)
    }
  }

  @Test func aSweepWithAnInterruptedRunIsInterrupted() throws {
    try withDatabase { path in
      let store = try ResultsStore(path: path)
      let sweep = SweepRecord(
        capsimVersion: "0.9.0", scenarioName: "s", scenarioPath: "s.yaml", scenarioHash: "h", settings: [],
        axes: [.init(key: "a", values: ["1", "2"])], seed: 1, replications: 1, points: 2, shards: 1, startedAt: Date())
      let (_, runs) = try store.beginSweep(sweep, runs: [run(["a=1"]), run(["a=2"])], values: [["1"], ["2"]])
      try store.complete(runs[0], data: RunData(run: run([])))
      try store.end(runs[1], status: .interrupted, message: "Ctrl-C")
      let summary = try #require(try store.sweeps().first)
      #expect(summary.runs == [.complete: 1, .interrupted: 1])
      #expect(summary.status == .interrupted)
    }
  }

  /// A point whose store failed (a full disk) is saved, then imported as a new run: the sweep
  /// kept its failed run and never completed. The imported copy takes the point's place; a
  /// run of other settings, or a point that completed, is left as it is.
  @Test func anImportedPointTakesItsPlaceInTheSweep() throws {
    try withDatabase { path in
      let store = try ResultsStore(path: path)
      let sweep = SweepRecord(
        capsimVersion: "0.9.0", scenarioName: "s", scenarioPath: "s.yaml", scenarioHash: "h", settings: [],
        axes: [.init(key: "a", values: ["1", "2"])], seed: .max, replications: 1, points: 2, shards: 1,
        startedAt: Date())
      let (id, runs) = try store.beginSweep(sweep, runs: [run(["a=1"]), run(["a=2"])], values: [["1"], ["2"]])
      try store.complete(runs[0], data: RunData(run: run([])))
      try store.end(runs[1], status: .failed, message: "the disk is full; saved in x.json")
      #expect(try store.latestCompleteSweepID() == nil)
      // Another run's import does not take the place, nor does a copy of the complete point
      let other = try store.begin(run(["a=3"]))
      try store.complete(other, data: RunData(run: run(["a=3"])))
      #expect(try store.adoptSweepPoint(of: runs[1], by: other) == nil)
      let copy = try store.begin(run(["a=1"]))
      try store.complete(copy, data: RunData(run: run(["a=1"])))
      #expect(try store.adoptSweepPoint(of: runs[0], by: copy) == nil)
      // The saved point's import does
      let imported = try store.begin(run(["a=2"]))
      try store.complete(imported, data: RunData(run: run(["a=2"])))
      let adopted = try store.adoptSweepPoint(of: runs[1], by: imported)
      #expect(adopted?.sweep == id && adopted?.point == 1)
      #expect(try store.sweep(id)?.1.map(\.runID) == [runs[0], imported])
      #expect(try store.latestCompleteSweepID() == id)
    }
  }

  /// The migration comes after the shipped ones, and a database of the previous schema opens.
  @Test func aDatabaseWithoutSweepsIsMigrated() throws {
    try withDatabase { path in
      let identifiers = ResultsStore.migrationIdentifiers
      let sweeps = try #require(identifiers.firstIndex(of: "sweeps: grids of runs"))
      #expect(identifiers.firstIndex { $0.hasPrefix("v3") }.map { $0 < sweeps } == true)
      let before = identifiers[sweeps - 1]
      let old = try ResultsStore(path: path, migratedUpTo: before)
      let id = try old.begin(run([]))
      let store = try ResultsStore(path: path)
      #expect(try store.appliedMigrations() == identifiers)
      #expect(try store.run(id) != nil)
      #expect(try store.sweeps().isEmpty)
      #expect(try store.sweepMembership().isEmpty)
    }
  }
}
