import Foundation
import GRDB
import ResultsStore
import RunRecords
import Testing

@Suite struct ResultsStoreTests {
  @Test func completedRunReadsBackEqual() throws {
    try withTemporaryDatabase { path in
      // Given a store with two runs, the older one completed
      let store = try ResultsStore(path: path)
      let first = sampleRun(name: "first", seed: .max - 1)
      let firstID = try store.begin(first)
      let secondID = try store.begin(sampleRun(name: "second"))
      let data = sampleData(for: first, points: 200)
      try store.complete(firstID, data: data)

      // When it is read back
      let read = try #require(try store.data(firstID))

      // Then every record equals what was stored
      var expected = first
      expected.id = firstID
      expected.status = .complete
      expected.endedAt = data.run.endedAt
      expected.wallSeconds = data.run.wallSeconds
      expected.requests = data.run.requests
      #expect(read.run == expected)
      #expect(read.series == data.series)
      #expect(read.verdicts == data.verdicts)
      #expect(read.costs == data.costs)
      #expect(read.targets == data.targets)
      #expect(read.events == data.events)
      #expect(read.locks == data.locks)
      #expect(try store.run(firstID) == expected)

      // And runs come newest first; the latest complete run is the only complete one
      #expect(try store.runs().map(\.id) == [secondID, firstID])
      #expect(try store.runs(limit: 1).map(\.scenarioName) == ["second"])
      #expect(try store.run(secondID)?.status == .running)
      #expect(try store.latestCompleteRunID() == firstID)
      try store.complete(secondID, data: sampleData(for: first, points: 3))
      #expect(try store.latestCompleteRunID() == secondID)

      #expect(try store.run(999) == nil)
      #expect(try store.data(999) == nil)
    }
  }

  @Test func notANumberReadsBackAsNaNOrNil() throws {
    try withTemporaryDatabase { path in
      // Given a completion whose results include NaN (SQLite stores NaN as NULL)
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "nan")
      let id = try store.begin(run)
      var data = sampleData(for: run, points: 1)
      data.verdicts[0].mean = .nan
      data.costs[0].instanceCost = .nan
      data.series[0].latencyP95 = .nan
      try store.complete(id, data: data)

      // Then non-optional fields read back NaN and optional ones nil
      let read = try #require(try store.data(id))
      #expect(read.verdicts[0].mean.isNaN)
      #expect(read.costs[0].instanceCost.isNaN)
      #expect(read.series[0].latencyP95 == nil)
    }
  }

  @Test func failedCompletionLeavesNothingAndTheRunRunning() throws {
    try withTemporaryDatabase { path in
      // Given a running run and data whose last verdict breaks the outcome CHECK constraint,
      // which is inserted after all the series points
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "half")
      let id = try store.begin(run)
      var data = sampleData(for: run, points: 500)
      data.verdicts[data.verdicts.count - 1].outcome = "excellent"

      // When it is completed, it throws
      #expect(throws: (any Error).self) { try store.complete(id, data: data) }

      // Then nothing of the completion is visible, the run is still running, the file sound
      let read = try #require(try store.data(id))
      #expect(read.run.status == .running)
      #expect(read.run.endedAt == nil)
      #expect(read.series.isEmpty)
      #expect(read.verdicts.isEmpty)
      #expect(read.costs.isEmpty)
      #expect(read.targets.isEmpty)
      #expect(try store.integrityCheck() == ["ok"])

      // And the run can still be completed with good data
      data.verdicts[data.verdicts.count - 1].outcome = "fail"
      try store.complete(id, data: data)
      #expect(try store.data(id)?.series.count == 500)
    }
  }

  @Test func endedRunsCannotBeCompletedOrEndedAgain() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "end")

      // A failed run keeps its message; a second end changes nothing; it cannot be completed
      let failed = try store.begin(run)
      try store.end(failed, status: .failed, message: "disk full")
      try store.end(failed, status: .interrupted, message: "SIGINT")
      let read = try #require(try store.run(failed))
      #expect(read.status == .failed)
      #expect(read.message == "disk full")
      #expect(read.endedAt != nil)
      #expect(throws: ResultsStoreError.runAlreadyEnded(failed, .failed)) {
        try store.complete(failed, data: sampleData(for: run, points: 1))
      }

      // A late signal after completion does not overwrite it
      let completed = try store.begin(run)
      try store.complete(completed, data: sampleData(for: run, points: 1))
      try store.end(completed, status: .interrupted, message: "SIGTERM")
      #expect(try store.run(completed)?.status == .complete)
      #expect(try store.run(completed)?.message == nil)

      #expect(throws: ResultsStoreError.runNotFound(42)) {
        try store.complete(42, data: sampleData(for: run, points: 1))
      }
    }
  }

  @Test func runsOfDeadProcessesAreInterruptedOnNextOpen() throws {
    try withTemporaryDatabase { path in
      // Given running runs of a process that has exited, of this process, and of the dead
      // pid on another host
      let deadPID = try exitedProcessID()
      let host = ResultsStore.currentHostName
      let store = try ResultsStore(path: path)
      let crashed = try store.begin(sampleRun(name: "crashed", processID: deadPID, hostName: host))
      let alive = try store.begin(sampleRun(name: "alive", processID: getpid(), hostName: host))
      let elsewhere = try store.begin(sampleRun(name: "elsewhere", processID: deadPID, hostName: "\(host)-other"))

      // When the database is opened again
      let reopened = try ResultsStore(path: path)

      // Then only the dead process's run on this host is interrupted
      let run = try #require(try reopened.run(crashed))
      #expect(run.status == .interrupted)
      #expect(run.endedAt != nil)
      #expect(run.message?.contains("\(deadPID)") == true)
      #expect(try reopened.run(alive)?.status == .running)
      #expect(try reopened.run(elsewhere)?.status == .running)
    }
  }

  @Test func twoConnectionsWriteAtOnce() throws {
    try withTemporaryDatabase { path in
      // Given two stores (two connections) on one file
      let stores = [try ResultsStore(path: path), try ResultsStore(path: path)]
      let runsPerWriter = 5
      let pointsPerRun = 3_000

      // When each writes complete runs from its own thread at the same time
      let failures = onThreads(2) { writer in
        for i in 0..<runsPerWriter {
          let run = sampleRun(name: "writer \(writer) run \(i)")
          let id = try stores[writer].begin(run)
          try stores[writer].complete(id, data: sampleData(for: run, points: pointsPerRun))
        }
      }

      // Then all runs landed whole and the file is sound
      #expect(failures == [])
      let store = try ResultsStore(path: path)
      let runs = try store.runs()
      #expect(runs.count == 2 * runsPerWriter)
      #expect(runs.allSatisfy { $0.status == .complete })
      for run in runs { #expect(try store.data(run.id!)?.series.count == pointsPerRun) }
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  @Test func anotherProcessWritesAtTheSameTime() throws {
    try withTemporaryDatabase { path in
      // Given a migrated database, and a Python process that writes complete runs into it
      let store = try ResultsStore(path: path)
      let child = Process()
      child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      child.arguments = ["python3", "-c", Self.pythonWriter, path, "5", "3000"]
      let stderr = Pipe()
      child.standardError = stderr
      try child.run()

      // When this process writes complete runs meanwhile
      var ours: [Int64] = []
      for i in 0..<5 {
        let run = sampleRun(name: "swift \(i)")
        let id = try store.begin(run)
        try store.complete(id, data: sampleData(for: run, points: 3_000))
        ours.append(id)
      }
      child.waitUntilExit()
      let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

      // Then both processes' runs are there, whole, and the file is sound
      #expect(child.terminationStatus == 0, "python3: \(errors)")
      let runs = try store.runs()
      #expect(runs.filter { $0.scenarioName.hasPrefix("python") }.count == 5)
      #expect(runs.filter { $0.scenarioName.hasPrefix("swift") }.count == 5)
      #expect(runs.allSatisfy { $0.status == .complete })
      for run in runs { #expect(try store.data(run.id!)?.series.count == 3_000) }
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  @Test func databaseOfTheFirstSchemaOpensAndKeepsItsRuns() throws {
    try withTemporaryDatabase { path in
      // Given a database that only the first migration made, with a run in it
      let first = try #require(ResultsStore.migrationIdentifiers.first)
      let old = try ResultsStore(path: path, migratedUpTo: first)
      #expect(try old.appliedMigrations() == [first])
      let run = sampleRun(name: "old", processID: getpid(), hostName: ResultsStore.currentHostName)
      let id = try old.begin(run)

      // When the current capsim opens it
      let store = try ResultsStore(path: path)

      // Then it is fully migrated, keeps the run, and can complete it with every kind of data
      #expect(try store.appliedMigrations() == ResultsStore.migrationIdentifiers)
      var expected = run
      expected.id = id
      #expect(try store.run(id) == expected)
      let data = sampleData(for: run, points: 10)
      try store.complete(id, data: data)
      #expect(try store.data(id)?.targets == data.targets)
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  /// The waiver migration rebuilds the verdict table: rows written before it read back whole,
  /// with no note, and a waived verdict with its note can be written after it.
  @Test func verdictsWrittenBeforeWaiversKeepAndWaiversLand() throws {
    try withTemporaryDatabase { path in
      // Given a database one migration short of waivers, with a verdict written as it would
      let identifiers = ResultsStore.migrationIdentifiers
      let waivers = try #require(identifiers.firstIndex { $0.hasPrefix("verdicts: waived") })
      let old = try ResultsStore(path: path, migratedUpTo: identifiers[waivers - 1])
      let run = sampleRun(name: "before waivers")
      let id = try old.begin(run)
      let queue = try DatabaseQueue(path: path)
      try queue.write { db in
        try db.execute(
          sql: """
            INSERT INTO verdict (run_id, territory, period, request_class, objective, target, higher_is_better,
              mean, half_width, outcome, worst_window_local, worst_value)
            VALUES (?, 'DE', 'normal', 'all', 'p95 latency', 0.2, 0, 0.15, 0.01, 'pass', NULL, NULL)
            """, arguments: [id])
      }
      try queue.close()

      // When the current capsim opens it and records a waived verdict
      let store = try ResultsStore(path: path)
      let kept = try #require(try store.data(id)?.verdicts.first)
      var data = sampleData(for: run, points: 1)
      data.verdicts = [
        VerdictRecord(
          territory: "DE", period: "normal", requestClass: "report", objective: "p95 latency", target: 0.2,
          higherIsBetter: false, mean: 0.6, halfWidth: 0.01, outcome: "waived", worstWindowLocal: nil, worstValue: nil,
          note: "reports move to a queue in Q2")
      ]
      let newID = try store.begin(sampleRun(name: "with a waiver"))
      try store.complete(newID, data: data)

      // Then the old verdict reads back with no note, and the waiver with its note
      #expect(kept.outcome == "pass" && kept.note == nil && kept.mean == 0.15)
      #expect(try store.data(newID)?.verdicts == data.verdicts)
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  @Test func databaseOfTheSecondSchemaKeepsItsCompleteRunsAndGetsEvents() throws {
    try withTemporaryDatabase { path in
      // Given a database that capsim left at v2 (no events), with a complete run in it
      let identifiers = ResultsStore.migrationIdentifiers
      let second = try #require(identifiers.first { $0.hasPrefix("v2") })
      let old = try ResultsStore(path: path, migratedUpTo: second)
      let run = sampleRun(name: "v2")
      let id = try old.begin(run)
      var data = sampleData(for: run, points: 12)
      data.events = []
      data.verdicts = []  // today's verdict rows have a note, which v2 did not (see the waiver test)
      data.costs = []  // and cost rows their hours
      data.locks = []  // nor row locks
      try old.complete(id, data: data)

      // When the current capsim opens it
      let store = try ResultsStore(path: path)

      // Then it is migrated to the end, the old run reads back whole with no events, and a new
      // run keeps its events
      #expect(try store.appliedMigrations() == identifiers)
      let read = try #require(try store.data(id))
      #expect(read.series == data.series)
      #expect(read.verdicts == data.verdicts)
      #expect(read.events.isEmpty)
      let newID = try store.begin(sampleRun(name: "v3"))
      let newData = sampleData(for: run, points: 2)
      try store.complete(newID, data: newData)
      #expect(try store.data(newID)?.events == newData.events)
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  @Test func aDatabaseFromBeforeRowLocksKeepsItsRunsAndGetsLocks() throws {
    try withTemporaryDatabase { path in
      // Given a database one migration short of row locks, with a complete run in it
      let identifiers = ResultsStore.migrationIdentifiers
      let locks = try #require(identifiers.firstIndex { $0.hasPrefix("row locks:") })
      let old = try ResultsStore(path: path, migratedUpTo: identifiers[locks - 1])
      let run = sampleRun(name: "before row locks")
      let id = try old.begin(run)
      var data = sampleData(for: run, points: 4)
      data.locks = []
      try old.complete(id, data: data)

      // When the current capsim opens it and records a run with locks
      let store = try ResultsStore(path: path)
      let withLocks = sampleData(for: run, points: 1)
      let newID = try store.begin(sampleRun(name: "with locks"))
      try store.complete(newID, data: withLocks)

      // Then the old run reads back with none, the new one with its locks, and deleting it deletes them
      #expect(try store.appliedMigrations() == identifiers)
      #expect(try store.data(id)?.locks == [])
      #expect(try store.data(newID)?.locks == withLocks.locks && withLocks.locks.count == 2)
      let queue = try DatabaseQueue(path: path)
      let left = try queue.write { db in
        try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [newID])  // GRDB enables foreign keys
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM row_lock") ?? -1
      }
      try queue.close()
      #expect(left == 0)
    }
  }

  @Test func aDatabaseFromBeforeAutoscalersKeepsItsRunsAndGetsSyncs() throws {
    try withTemporaryDatabase { path in
      // Given a database one migration short of autoscaler syncs, with a complete run in it
      let identifiers = ResultsStore.migrationIdentifiers
      let syncs = try #require(identifiers.firstIndex { $0.hasPrefix("autoscaler:") })
      let old = try ResultsStore(path: path, migratedUpTo: identifiers[syncs - 1])
      let run = sampleRun(name: "before autoscalers")
      let id = try old.begin(run)
      var data = sampleData(for: run, points: 4)
      data.locks = []  // a later table
      try old.complete(id, data: data)

      // When the current capsim opens it and records a run with syncs
      let store = try ResultsStore(path: path)
      var withSyncs = sampleData(for: run, points: 1)
      withSyncs.autoscalerSyncs = [
        AutoscalerSyncRecord(
          replication: 0, territory: "DE", autoscaler: "HorizontalPodAutoscaler crm-de", time: 7.5,
          localTime: "2026-12-07T00:00:07", metrics: "resource cpu 92% of 75% -> 3", recommendation: 3,
          stabilized: 3, currentReplicas: 2, desiredReplicas: 3, readyPods: 2, totalPods: 2,
          reason: "scaled up (resource cpu above target)"),
        AutoscalerSyncRecord(
          replication: 1, territory: "CH", autoscaler: "ScaledObject crm-ch", time: 22.5, localTime: nil,
          metrics: "", recommendation: nil, stabilized: nil, currentReplicas: 2, desiredReplicas: 2, readyPods: 2,
          totalPods: 3, reason: "missing metrics (resource cpu): no scale-down"),
      ]
      let newID = try store.begin(sampleRun(name: "with syncs"))
      try store.complete(newID, data: withSyncs)

      // Then the old run reads back whole with no syncs, and the new one with its syncs
      #expect(try store.appliedMigrations() == identifiers)
      let read = try #require(try store.data(id))
      #expect(read.series == data.series && read.autoscalerSyncs.isEmpty)
      #expect(try store.data(newID)?.autoscalerSyncs == withSyncs.autoscalerSyncs)
      // and deleting a run (as the README shows) deletes its syncs
      let queue = try DatabaseQueue(path: path)
      let left = try queue.write { db in
        try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [newID])  // GRDB enables foreign keys
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM autoscaler_sync") ?? -1
      }
      try queue.close()
      #expect(left == 0)
      #expect(try store.integrityCheck() == ["ok"])
    }
  }

  @Test func connectionsCreatingOneFileAtOnceAllSucceed() throws {
    // Both connections find an empty file and race to create the tables.
    for attempt in 0..<5 {
      try withTemporaryDatabase { path in
        let failures = onThreads(2) { _ in _ = try ResultsStore(path: path) }
        #expect(failures == [], "attempt \(attempt)")
        let store = try ResultsStore(path: path)
        #expect(try store.appliedMigrations() == ResultsStore.migrationIdentifiers)
      }
    }
  }
}

// MARK: - The file itself

@Suite struct DatabaseFileTests {
  /// A copy of the main file alone (without its `-wal`), taken while the store is still open,
  /// holds every completed run: each write is folded into the main file. Without that, the
  /// copy of a new database has not even the tables.
  @Test func theMainFileAloneHoldsWhatWasWritten() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "copied")
      let id = try store.begin(run)
      try store.complete(id, data: sampleData(for: run, points: 20))
      let copy = path + ".copy"
      try FileManager.default.copyItem(atPath: path, toPath: copy)
      let count = try DatabaseQueue(path: copy).read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM run WHERE status = 'complete'")
      }
      #expect(count == 1)
    }
  }

  /// A file moved (or deleted) while a run goes on is not completed as if it were still at its
  /// path: the store throws, and the caller saves the results elsewhere.
  /// A reader on an older snapshot keeps the newest commit out of the main file: the store
  /// says so (`capsim run` then warns that a copy of the file alone would miss the run).
  @Test func aReadersSnapshotKeepsTheNewestRunInTheWAL() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "read")
      try store.complete(try store.begin(run), data: sampleData(for: run, points: 2))
      #expect(store.mainFileHoldsEverything())
      let reader = try DatabaseQueue(path: path)
      try reader.inDatabase { db in
        try db.beginTransaction(.deferred)
        _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM run")
        try store.complete(try store.begin(run), data: sampleData(for: run, points: 2))
        #expect(!store.mainFileHoldsEverything())
        try db.commit()
      }
      #expect(store.mainFileHoldsEverything())
    }
  }

  /// `latest` was the complete run that began last: `capsim run A && capsim report latest`
  /// reported B when B began after A and ended before it.
  @Test func latestIsTheRunThatCompletedLast() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let (a, b) = (sampleRun(name: "a"), sampleRun(name: "b"))
      let first = try store.begin(a)
      let second = try store.begin(b)
      var data = sampleData(for: b, points: 2)
      data.run.endedAt = Date(timeIntervalSince1970: 1_796_000_000)
      try store.complete(second, data: data)
      data = sampleData(for: a, points: 2)
      data.run.endedAt = Date(timeIntervalSince1970: 1_796_000_060)
      try store.complete(first, data: data)
      #expect(try store.latestCompleteRunID() == first)
    }
  }

  /// `capsim show` read every series row of a run to print none of them (42 s and 2 GB for a
  /// year in 6-minute windows); it asks for none, and `diff` for the database nodes' only.
  @Test func seriesRowsAreReadAsAsked() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "series")
      let id = try store.begin(run)
      var data = sampleData(for: run, points: 6)
      data.series[1].tier = "DE-replica-1"
      data.series[1].requestClass = "all"
      data.series[2].requestClass = "all"
      try store.complete(id, data: data)
      #expect(try store.data(id)?.series.count == 6)
      #expect(try store.data(id, series: .none)?.series.isEmpty == true)
      #expect(try store.data(id, series: .none)?.verdicts == data.verdicts)
      let nodes = try store.data(id, series: .only(requestClass: "all", leavingOutTiers: ["all", "app", "database"]))
      #expect(nodes?.series == [data.series[1]])
    }
  }

  /// A record begun for an import that could not be stored is removed, not marked failed:
  /// each retry on a full disk left one more failed run in `capsim runs`.
  @Test func aDiscardedRecordLeavesNothing() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let id = try store.begin(sampleRun(name: "import"))
      try store.discard(.run, id)
      #expect(try store.runs().isEmpty)
      // A record that completed is not discarded
      let run = sampleRun(name: "kept")
      let kept = try store.begin(run)
      try store.complete(kept, data: sampleData(for: run, points: 1))
      try store.discard(.run, kept)
      #expect(try store.runs().map(\.id) == [kept])
    }
  }

  @Test func aFileMovedAwayIsNotCompletedAsIfInPlace() throws {
    try withTemporaryDatabase { path in
      let store = try ResultsStore(path: path)
      let run = sampleRun(name: "moved")
      let id = try store.begin(run)
      try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
      #expect(throws: ResultsStoreError.fileMoved(path: path)) {
        try store.complete(id, data: sampleData(for: run, points: 3))
      }
      // Another file now at the path is not the one opened either.
      _ = FileManager.default.createFile(atPath: path, contents: Data())
      #expect(throws: ResultsStoreError.fileMoved(path: path)) {
        try store.complete(id, data: sampleData(for: run, points: 3))
      }
    }
  }

  /// A database this process cannot write is read without writing anything: no lock file, no
  /// migration, no marking; one at an older schema is refused there, and read through a
  /// migrated copy by `init(readingOlder:)`.
  @Test func aDatabaseOpenedForReadingOnlyIsNotWritten() throws {
    try withTemporaryDatabase { path in
      let run = sampleRun(name: "archived")
      do {
        let store = try ResultsStore(path: path)
        let id = try store.begin(run)
        try store.complete(id, data: sampleData(for: run, points: 5))
      }
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      try FileManager.default.removeItem(atPath: path + ".lock")
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      let reader = try ResultsStore(readingOnly: path)
      #expect(try reader.runs().map(\.scenarioName) == ["archived"])
      #expect(throws: (any Error).self) { try reader.begin(run) }
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
      let files = try FileManager.default.contentsOfDirectory(atPath: folder)
      #expect(!files.contains("capsim.sqlite.lock"), "\(files)")
    }
    try withTemporaryDatabase { path in
      _ = try ResultsStore(path: path, migratedUpTo: ResultsStore.migrationIdentifiers[0])
      #expect(throws: ResultsStoreError.readOnlyAndOlder(path: path)) { try ResultsStore(readingOnly: path) }
      // Read through a migrated copy instead, leaving the file as the older capsim wrote it.
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      do {
        let older = try ResultsStore(readingOlder: path)
        #expect(try older.runs().isEmpty)
        #expect(try older.plans(limit: 5).isEmpty)
      }
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
      #expect(throws: ResultsStoreError.readOnlyAndOlder(path: path)) { try ResultsStore(readingOnly: path) }
    }
  }
}

/// A read-only file system (a CI artifact mounted read-only): SQLite cannot create the WAL's
/// shared memory there and says CANTOPEN, not READONLY_DIRECTORY as in a folder without write
/// permission. Needs a bind mount, so root and mount(8); without them it is skipped by name.
@Suite struct ReadOnlyFileSystemTests {
  static let canMount: Bool = {
    let probe = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-mount-probe-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: probe) }
    guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil,
      mount(["--bind", probe.path, probe.path])
    else { return false }
    _ = mount(["-u", probe.path])
    return true
  }()

  @discardableResult
  static func mount(_ arguments: [String]) -> Bool {
    let process = Process()
    let unmount = arguments.first == "-u"
    process.executableURL = URL(fileURLWithPath: unmount ? "/bin/umount" : "/bin/mount")
    process.arguments = unmount ? Array(arguments.dropFirst()) : arguments
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }

  @Test(.enabled(if: canMount, "needs root and mount(8) for a read-only bind mount"))
  func aDatabaseOnAReadOnlyFileSystemIsRead() throws {
    try withTemporaryDatabase { path in
      let run = sampleRun(name: "artifact")
      do {
        let store = try ResultsStore(path: path)
        let id = try store.begin(run)
        try store.complete(id, data: sampleData(for: run, points: 5))
      }
      try FileManager.default.removeItem(atPath: path + ".lock")
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
      let mounted = folder.appendingPathExtension("ro")
      try FileManager.default.createDirectory(at: mounted, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: mounted) }
      try #require(Self.mount(["--bind", folder.path, mounted.path]))
      defer { Self.mount(["-u", mounted.path]) }
      try #require(Self.mount(["-o", "remount,ro,bind", mounted.path]))
      let copy = mounted.appendingPathComponent("capsim.sqlite").path
      #expect(ResultsStore.isReadOnly(copy))
      let reader = try ResultsStore(readingOnly: copy)
      #expect(try reader.runs().map(\.scenarioName) == ["artifact"])
    }
  }
}

// MARK: - Files that are not capsim's

@Suite struct ForeignFileTests {
  @Test func aSQLiteDatabaseOfAnotherProgramIsRefusedAndLeftAsItWas() throws {
    try withTemporaryDatabase { path in
      // Given a SQLite file (rollback journal) that another program wrote
      try DatabaseQueue(path: path).write { db in
        try db.execute(sql: "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
        try db.execute(sql: "INSERT INTO customer VALUES (1, 'Hof')")
      }
      let before = try Data(contentsOf: URL(fileURLWithPath: path))

      // When capsim opens it, it is refused by name
      #expect(
        throws: ResultsStoreError.notACapsimDatabase(
          path: path, reason: "a SQLite database of another program, with tables customer")
      ) { try ResultsStore(path: path) }

      // Then its bytes are the same: no capsim table, not even switched to WAL mode
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
      #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
  }

  @Test func anEmptyFileBecomesADatabase() throws {
    try withTemporaryDatabase { path in
      // SQLite's convention: an empty file is an empty database
      _ = FileManager.default.createFile(atPath: path, contents: Data())
      let store = try ResultsStore(path: path)
      #expect(try store.appliedMigrations() == ResultsStore.migrationIdentifiers)
    }
  }

  @Test func aFileThatIsNotSQLiteIsRefusedBeforeAnythingIsCreated() throws {
    try withTemporaryDatabase { path in
      let text = Data("territory,requests\nDE,44000000\n".utf8)
      try text.write(to: URL(fileURLWithPath: path))
      #expect(throws: ResultsStoreError.notACapsimDatabase(path: path, reason: "not a SQLite file")) {
        try ResultsStore(path: path)
      }
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["capsim.sqlite"])
    }
  }

  /// A folder named as the database is refused as one, and nothing (a lock file) is left beside it.
  @Test func aFolderIsRefusedBeforeAnythingIsCreated() throws {
    try withTemporaryDatabase { path in
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
      #expect(throws: ResultsStoreError.notACapsimDatabase(path: path, reason: "a folder, not a file")) {
        try ResultsStore(path: path)
      }
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["capsim.sqlite"])
      #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty)
    }
  }

  /// A named pipe would block the first read; a device (`/dev/null`) would get a lock file
  /// and a journal beside it. Both are refused as not regular files.
  @Test func aNamedPipeIsRefusedWithoutBlocking() throws {
    try withTemporaryDatabase { path throws in
      #expect(mkfifo(path, 0o644) == 0)
      #expect(throws: ResultsStoreError.notACapsimDatabase(path: path, reason: "not a regular file")) {
        try ResultsStore(path: path)
      }
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["capsim.sqlite"])
    }
  }

  /// Another program's database is refused inside the lock that serializes opening; the lock
  /// file that took is removed again, so nothing is left beside the file.
  @Test func anotherProgramsDatabaseGetsNoLockFileBesideIt() throws {
    try withTemporaryDatabase { path in
      try DatabaseQueue(path: path).write { try $0.execute(sql: "CREATE TABLE t (x)") }
      #expect(throws: ResultsStoreError.self) { try ResultsStore(path: path) }
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["capsim.sqlite"])
    }
  }

  /// What a user reads when SQLite fails: the cause in words, then SQLite's code and message.
  @Test(arguments: [
    (ResultCode.SQLITE_FULL, "the disk is full; SQLite error 13: database or disk is full"),
    (.SQLITE_READONLY, "the file, its folder or its -wal or -shm file beside it is read-only; SQLite error 8: "),
    (.SQLITE_BUSY, "another connection held it for more than 10 s; SQLite error 5: "),
    (.SQLITE_NOTADB, "not a SQLite file; SQLite error 26: "),
  ])
  func reasonsNameTheCause(_ code: ResultCode, _ expected: String) {
    let error = DatabaseError(resultCode: code, message: code == .SQLITE_FULL ? "database or disk is full" : "m")
    #expect(ResultsStore.reason(error).hasPrefix(expected))
  }
}

// MARK: - Fixtures

/// Calls `body` with the path of a database file in a fresh temporary directory, removed after.
private func withTemporaryDatabase(_ body: (String) throws -> Void) throws {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-store-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  try body(directory.appendingPathComponent("capsim.sqlite").path)
}

/// Runs `body` for 0..<count, each on a thread of its own, all at once; returns their errors.
private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
  final class Failures: @unchecked Sendable {
    let lock = NSLock()
    var messages: [String] = []
  }
  let failures = Failures()
  let group = DispatchGroup()
  for i in 0..<count {
    group.enter()
    Thread {
      defer { group.leave() }
      do { try body(i) } catch { failures.lock.withLock { failures.messages.append("thread \(i): \(error)") } }
    }.start()
  }
  group.wait()
  return failures.lock.withLock { failures.messages }
}

/// The pid of a process that has run and been waited for: no process has it (until reused).
private func exitedProcessID() throws -> Int32 {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/true")
  try process.run()
  process.waitUntilExit()
  return process.processIdentifier
}

/// A running run; dates are whole milliseconds, the precision the store keeps.
private func sampleRun(
  name: String, seed: UInt64 = 42, processID: Int32 = getpid(), hostName: String = ResultsStore.currentHostName
) -> RunRecord {
  let scenario = "name: \(name)\nrun:\n  seed: \(seed)\n"
  return RunRecord(
    capsimVersion: "0.9.0", kind: "platform", scenarioName: name, scenarioPath: "scenarios/\(name).yaml",
    scenarioText: scenario, scenarioHash: ContentHash.sha256(scenario), topologyPath: "topologies/eu.yaml",
    topologyText: "territories: [DE, FR]\n", topologyHash: ContentHash.sha256("territories: [DE, FR]\n"),
    settings: ["territories.DE.pools.web.maxInstances=12", "run.replications=3"], seed: seed, replications: 3,
    horizon: 86_400, seriesInterval: 3_600, timeZone: "Europe/Berlin",
    startedAt: Date(timeIntervalSince1970: 1_796_000_000.125), processID: processID, hostName: hostName)
}

/// Complete data for `run`: `points` series points with every field set, some left nil, and a
/// few verdicts, costs and targets.
private func sampleData(for run: RunRecord, points: Int) -> RunData {
  var ended = run
  ended.endedAt = Date(timeIntervalSince1970: 1_796_000_093.5)
  ended.wallSeconds = 93.5
  ended.requests = 1_234_567
  let series = (0..<points).map { i in
    var p = SeriesPoint(
      territory: i % 2 == 0 ? "DE" : "FR", tier: i % 3 == 0 ? "all" : "app", requestClass: "checkout",
      windowStart: Double(i / 2) * 3_600, windowEnd: Double(i / 2 + 1) * 3_600, localStart: "2026-12-07T\(i % 24):00",
      period: i % 5 == 0 ? "christmas" : "normal")
    p.demandMultiplier = 1 + Double(i % 7) / 10
    p.arrivals = Double(1_000 + i)
    p.completions = Double(990 + i)
    p.errorsQueueFull = 1
    p.errorsTimeout = 2.5
    p.errorsNoConnection = i % 4 == 0 ? nil : 0
    p.errorsNodeDown = 0
    p.latencyP50 = 0.012
    p.latencyP95 = 0.0875 + Double(i) * 1e-6
    p.latencyP99 = 0.2
    p.utilization = 0.61
    p.queueLength = 0.3
    p.instances = 4
    p.users = i % 3 == 0 ? nil : 250
    p.replicaLag = nil
    return p
  }
  return RunData(
    run: ended, series: series,
    verdicts: [
      VerdictRecord(
        territory: "DE", period: "christmas", requestClass: "checkout", objective: "p95", target: 0.3,
        higherIsBetter: false, mean: 0.29, halfWidth: 0.02, outcome: "marginal", worstWindowLocal: "2026-12-21T18:00",
        worstValue: 0.41),
      VerdictRecord(
        territory: "DE", period: "normal", requestClass: "all", objective: "availability", target: 0.999,
        higherIsBetter: true, mean: 0.9995, halfWidth: nil, outcome: "pass", worstWindowLocal: nil, worstValue: nil),
      VerdictRecord(
        territory: "FR", period: "normal", requestClass: "all", objective: "error rate", target: nil,
        higherIsBetter: false, mean: 0.001, halfWidth: nil, outcome: "info", worstWindowLocal: nil, worstValue: nil),
    ],
    costs: [
      CostRecord(
        territory: "DE", month: "2026-12", currency: "EUR", instanceHours: 2_976, instanceCost: 1_190.4,
        databaseNodeHours: 2_232, databaseCost: 892.8),
      CostRecord(
        territory: "FR", month: "2026-12", currency: "EUR", instanceHours: 1_488, instanceCost: 595.2,
        databaseNodeHours: 744, databaseCost: 297.6),
    ],
    targets: ["DE/christmas/p95": 0.3, "DE/normal/availability": 0.999],
    events: [
      EventRecord(
        territory: "DE", kind: "replica-down", subject: "de-replica-1", start: 32_400, end: 46_800,
        localStart: "2026-12-07T09:00", localEnd: "2026-12-07T13:00", label: "de-replica-1 down"),
      EventRecord(
        territory: "DE", kind: "capacity", subject: "DE", start: 3_600, end: 3_600, localStart: "2026-12-07T01:00",
        localEnd: "2026-12-07T01:00", label: "10 instances"),
      EventRecord(
        territory: "FR", kind: "crashes", subject: "FR", start: nil, end: nil, localStart: nil, localEnd: nil,
        label: "MTBF 30 d, MTTR 10 min"),
    ],
    locks: [
      LockRecord(
        territory: "DE", lock: "customer-row", rows: 500, requests: 41_250.5, waitedShare: 0.0123, waitMean: 0.00021,
        heldMean: 0.0181, busiestRow: 0.071),
      LockRecord(
        territory: "FR", lock: "customer-row", rows: 500, requests: 3, waitedShare: nil, waitMean: nil, heldMean: nil,
        busiestRow: 0),
    ])
}

extension ResultsStoreTests {
  /// A second writer that knows only the schema: it writes `count` complete runs of `points`
  /// series points each, one transaction per run, as another capsim process would.
  static let pythonWriter = """
    import os, socket, sqlite3, sys
    path, count, points = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    for i in range(count):
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(
            "INSERT INTO run (capsim_version, kind, scenario_name, scenario_path, scenario_text, scenario_hash,"
            " topology_path, topology_text, topology_hash, settings, seed, replications, horizon, series_interval,"
            " time_zone, started_at, status, process_id, host_name)"
            " VALUES ('py', 'platform', ?, 'p.yaml', '', '', '', '', '', '[]', 1, 1, 3600, 60, '',"
            " strftime('%Y-%m-%d %H:%M:%f', 'now'), 'running', ?, ?)",
            ("python %d" % i, os.getpid(), socket.gethostname()))
        run_id = cur.lastrowid
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO series_point (run_id, territory, tier, request_class, window_start, window_end,"
            " local_start, period, latency_p95) VALUES (?, 'DE', 'all', 'all', ?, ?, '', 'normal', 0.1)",
            [(run_id, 60.0 * k, 60.0 * (k + 1)) for k in range(points)])
        db.execute(
            "UPDATE run SET status = 'complete', ended_at = strftime('%Y-%m-%d %H:%M:%f', 'now'),"
            " wall_seconds = 1, requests = 1 WHERE id = ?", (run_id,))
        db.execute("COMMIT")
    """
}
