import Foundation
import ResultsStore
import RunRecords
import Testing

/// A plan of two periods of DE (one answered, one not) and three candidates, with every field
/// set, names that need quoting in SQL and JSON, and the seed's top bit set.
enum PlanFixtures {
  static func record() -> PlanRecord {
    PlanRecord(
      capsimVersion: "0.9.0", scenarioName: "okt'o\"ber <fest>", scenarioPath: "scenarios/okt.yaml",
      scenarioHash: ContentHash.sha256("name: okt\n"), topologyPath: "topologies/freshfoodz.yaml",
      topologyHash: ContentHash.sha256("territories: []\n"), settings: ["demand.DE.growth=1.3"],
      territories: ["DE", "C'H"], seed: .max - 1, replications: 3, maxReplications: 12, maxInstances: 200,
      startedAt: Date(timeIntervalSince1970: 1_796_000_000.125), processID: getpid(),
      hostName: ResultsStore.currentHostName)
  }

  static func verdict(
    _ period: String, _ requestClass: String, mean: Double, outcome: String, territory: String = "DE"
  ) -> VerdictRecord {
    VerdictRecord(
      territory: territory, period: period, requestClass: requestClass, objective: "p95 latency", target: 0.45,
      higherIsBetter: false, mean: mean, halfWidth: 0.004, outcome: outcome, worstWindowLocal: "2026-09-26T14:00",
      worstValue: mean * 1.1)
  }

  static func data() -> PlanData {
    var plan = record()
    plan.wallSeconds = 362.5
    plan.sparedByTheory = 2
    plan.endedAt = Date(timeIntervalSince1970: 1_796_000_400.5)
    plan.status = .complete
    let answered = PlanPeriodRecord(
      territory: "DE", period: "oktoberfest", peakRate: 412.5, peakLocal: "2026-09-26T14:05", stableInstances: 3,
      theoryStart: 3, instances: 3, cap: 40, capReason: "de-primary's maxConnections 400 at 10 connections an instance",
      currency: "EUR", instanceCost: 410.4, databaseCost: 2_376, appUtilization: 0.91,
      binding: verdict("oktoberfest", "all", mean: 0.206, outcome: "pass"), bindingTier: "app", fewerInstances: 2,
      fewer: [
        verdict("oktoberfest", "all", mean: 0.9, outcome: "fail"),
        verdict("oktoberfest", "report|x", mean: 0.44, outcome: "marginal"),
      ],
      fewerReason: nil, p95: 0.206, moreP95: 0.16, moreCost: 136.8,
      tried: [
        .init(instances: 2, status: "fails", instanceCost: 273.6),
        .init(instances: 3, status: "meets", instanceCost: 410.4),
        .init(instances: 4, status: "meets", instanceCost: 547.2),
      ])
    let none = PlanPeriodRecord(
      territory: "C'H", period: "normal", peakRate: 12, peakLocal: "+5400s", stableInstances: 1, theoryStart: 2,
      instances: nil, cap: 4, capReason: "the plan's maximum (--max-instances)", currency: "CHF", instanceCost: nil,
      databaseCost: 1_728, fewerInstances: 4,
      fewer: [verdict("normal", "all", mean: 0.5, outcome: "fail", territory: "C'H")],
      fewerReason: "ch-primary is 130.00% busy at the peak whatever the instances",
      tried: [.init(instances: 4, status: "fails", instanceCost: 576)])
    let statuses = { (de: String) in
      [PlanCandidateRecord.Status(territory: "DE", period: "oktoberfest", status: de)]
    }
    return PlanData(
      plan: plan, periods: [answered, none],
      candidates: [
        .init(
          candidate: 0, instances: ["DE": 3, "C'H": 4], simulated: ["DE", "C'H"], replications: 3,
          requests: 130_000_000,
          wallSeconds: 180.25,
          statuses: statuses("meets") + [.init(territory: "C'H", period: "normal", status: "fails")]),
        .init(
          candidate: 1, instances: ["DE": 2, "C'H": 4], simulated: ["DE"], replications: 12, requests: 131_000_000,
          wallSeconds: 90, statuses: statuses("fails")),
        .init(
          candidate: 2, instances: ["DE": 4, "C'H": 4], simulated: ["DE"], replications: 3, requests: 129_500_000,
          wallSeconds: 92.125, statuses: statuses("meets")),
      ])
  }
}

@Suite struct PlanStoreTests {
  func withDatabase(_ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-plans-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory.appendingPathComponent("capsim.sqlite").path)
  }

  @Test func aPlanReadsBackAsWritten() throws {
    try withDatabase { path in
      // Given a plan begun, then completed with its periods and candidates
      let store = try ResultsStore(path: path)
      let id = try store.beginPlan(PlanFixtures.record())
      #expect(try store.plans().first?.plan.status == .running)
      #expect(try store.latestCompletePlanID() == nil)
      var data = PlanFixtures.data()
      try store.completePlan(id, data: data)

      // Then it reads back exactly: every period, verdict, tried count and candidate
      data.plan.id = id
      let read = try #require(try store.planData(id))
      #expect(read.plan == data.plan)
      #expect(read.periods == data.periods)
      #expect(read.candidates == data.candidates)
      #expect(read == data)

      // And the listing counts what it found
      let summary = try #require(try store.plans().first)
      #expect(summary.plan.status == .complete)
      #expect(summary.periods == 2 && summary.answered == 1 && summary.candidates == 3)
      #expect(summary.requests == 390_500_000)
      #expect(try store.latestCompletePlanID() == id)
      #expect(try store.planData(id + 1) == nil)
    }
  }

  @Test func aPlanIsCompletedOnceAndEndsOnce() throws {
    try withDatabase { path in
      let store = try ResultsStore(path: path)
      let id = try store.beginPlan(PlanFixtures.record())
      try store.completePlan(id, data: PlanFixtures.data())
      #expect(throws: ResultsStoreError.planAlreadyEnded(id, .complete)) {
        try store.completePlan(id, data: PlanFixtures.data())
      }
      #expect(throws: ResultsStoreError.planNotFound(id + 1)) {
        try store.completePlan(id + 1, data: PlanFixtures.data())
      }
      // A late Ctrl-C changes nothing of a complete plan.
      try store.endPlan(id, status: .interrupted, message: "Ctrl-C")
      #expect(try store.planData(id)?.plan.status == .complete)

      let other = try store.beginPlan(PlanFixtures.record())
      try store.endPlan(other, status: .interrupted, message: "interrupted (Ctrl-C)")
      let interrupted = try #require(try store.planData(other))
      #expect(interrupted.plan.status == .interrupted && interrupted.plan.message == "interrupted (Ctrl-C)")
      #expect(interrupted.periods.isEmpty && interrupted.candidates.isEmpty)
      #expect(try store.latestCompletePlanID() == id)
    }
  }

  /// A write that breaks off leaves nothing of the plan's results: one transaction.
  @Test func aFailedCompletionKeepsNothing() throws {
    try withDatabase { path in
      let store = try ResultsStore(path: path)
      let id = try store.beginPlan(PlanFixtures.record())
      var data = PlanFixtures.data()
      // The same period twice breaks UNIQUE (plan_id, territory, period) after rows were written.
      data.periods.append(data.periods[0])
      #expect(throws: (any Error).self) { try store.completePlan(id, data: data) }
      let read = try #require(try store.planData(id))
      #expect(read.plan.status == .running)
      #expect(read.periods.isEmpty && read.candidates.isEmpty)
    }
  }

  @Test func aPlanOfADeadProcessIsMarkedInterruptedOnOpen() throws {
    try withDatabase { path in
      // Given a plan left running by a process that is gone (pid 2^31 - 1 is never in use)
      var record = PlanFixtures.record()
      record.processID = Int32.max
      let id = try ResultsStore(path: path).beginPlan(record)
      // When the database is opened again
      let plan = try #require(try ResultsStore(path: path).planData(id)?.plan)
      // Then the plan is interrupted, with why
      #expect(plan.status == .interrupted)
      #expect(plan.message?.contains("ended before the plan did") == true)
    }
  }

  /// A derivation (`capsim autoscale`) left running by a dead process is marked as plans are.
  @Test func aDerivationOfADeadProcessIsMarkedInterruptedOnOpen() throws {
    try withDatabase { path in
      let record = AutoscaleRecord(
        capsimVersion: "test", scenarioName: "s", scenarioPath: "s.yaml", scenarioHash: "", settings: [],
        territories: ["DE"], seed: 1, replications: 2, maxReplications: 4, heldOut: 2, peakShare: 0.05,
        maxReversalsPerHour: 2, startedAt: Date(), processID: Int32.max, hostName: ResultsStore.currentHostName)
      let id = try ResultsStore(path: path).beginAutoscale(record)
      let read = try #require(try ResultsStore(path: path).autoscaleData(id)?.record)
      #expect(read.status == .interrupted)
      #expect(read.message?.contains("ended before the derivation did") == true)
    }
  }

  /// The migration comes after the shipped ones, and a database of the schema before it opens
  /// with its runs.
  @Test func aDatabaseWithoutPlansIsMigrated() throws {
    try withDatabase { path in
      let identifiers = ResultsStore.migrationIdentifiers
      let plans = try #require(identifiers.firstIndex(of: "plans: capacity plans and their candidates"))
      #expect(identifiers.firstIndex(of: "verdicts: waived, with a note").map { $0 < plans } == true)
      let old = try ResultsStore(path: path, migratedUpTo: identifiers[plans - 1])
      #expect(try old.appliedMigrations() == Array(identifiers[..<plans]))
      let run = try old.begin(
        RunRecord(
          capsimVersion: "0.9.0", kind: "platform", scenarioName: "small", scenarioPath: "s.yaml", scenarioText: "",
          scenarioHash: "", topologyPath: "", topologyText: "", topologyHash: "", settings: [], seed: 1,
          replications: 1,
          horizon: 3_600, seriesInterval: 3_600, timeZone: "", startedAt: Date(), processID: getpid(),
          hostName: ResultsStore.currentHostName))
      let store = try ResultsStore(path: path)
      #expect(try store.appliedMigrations() == identifiers)
      #expect(try store.run(run) != nil)
      #expect(try store.plans().isEmpty)
      let id = try store.beginPlan(PlanFixtures.record())
      try store.completePlan(id, data: PlanFixtures.data())
      #expect(try store.planData(id)?.periods.count == 2)
    }
  }
}
