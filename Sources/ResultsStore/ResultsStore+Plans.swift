import Foundation
import GRDB
import RunRecords

/// Capacity plans: a `plan` row begun when the search starts, then its periods, the verdicts
/// behind each answer, every count tried and every candidate, written in one transaction when
/// it ends.
///
/// A plan has a status of its own, as a run does: it is one process's search, not a set of
/// runs. A plan whose process died is marked `interrupted` at the next open on its host.
extension ResultsStore {
  /// Inserts the plan with status `running` and returns its id.
  ///
  /// The record's `id`, `status`, `endedAt`, `wallSeconds`, `sparedByTheory` and `message` are
  /// ignored: a plan starts without them.
  package func beginPlan(_ plan: PlanRecord) throws -> Int64 {
    try Self.write(pool) { db in
      try db.execute(
        sql: """
          INSERT INTO plan (
            capsim_version, scenario_name, scenario_path, scenario_hash, topology_path, topology_hash, settings,
            territories, seed, replications, max_replications, max_instances, started_at, status, process_id,
            host_name)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
          """,
        arguments: [
          plan.capsimVersion, plan.scenarioName, plan.scenarioPath, plan.scenarioHash, plan.topologyPath,
          plan.topologyHash, try Self.planJSON(plan.settings),
          try Self.planJSON(plan.territories), Int64(bitPattern: plan.seed), plan.replications, plan.maxReplications,
          plan.maxInstances, plan.startedAt, plan.processID, plan.hostName,
        ])
      return db.lastInsertedRowID
    }
  }

  /// Stores the plan's periods, verdicts, tried counts and candidates and marks it `complete`,
  /// in one transaction.
  ///
  /// `endedAt` (now if nil), `wallSeconds`, `sparedByTheory` and `message` (a complete plan's
  /// note, such as answers that overrun a database together) come from `data.plan`. If
  /// anything fails, nothing of it is kept and the plan stays `running`: the caller should then
  /// `endPlan(_:status:message:)` it as failed.
  ///
  /// - Throws: `ResultsStoreError.planNotFound` or `.planAlreadyEnded`, or the `DatabaseError`
  ///   of the first statement that failed.
  package func completePlan(_ id: Int64, data: PlanData) throws {
    try requireStillAtPath()
    try Self.write(pool) { db in
      try Self.requirePlanRunning(id, db)
      try Self.insertPlanPeriods(data.periods, planID: id, db)
      // Candidates kept as they were simulated (`addPlanCandidate`) are written again whole.
      try db.execute(sql: "DELETE FROM plan_candidate WHERE plan_id = ?", arguments: [id])
      try Self.insertPlanCandidates(data.candidates, planID: id, db)
      try db.execute(
        sql:
          "UPDATE plan SET status = 'complete', ended_at = ?, wall_seconds = ?, spared_by_theory = ?, message = ? WHERE id = ?",
        arguments: [
          data.plan.endedAt ?? Date(), data.plan.wallSeconds, data.plan.sparedByTheory, data.plan.message, id,
        ])
    }
  }

  /// Keeps one simulated candidate of a running plan, in a transaction of its own, so that a
  /// plan interrupted or killed later still has it; `completePlan` writes them all again.
  ///
  /// - Throws: `ResultsStoreError.planNotFound` or `.planAlreadyEnded`, or the `DatabaseError`.
  package func addPlanCandidate(_ id: Int64, _ candidate: PlanCandidateRecord) throws {
    try requireStillAtPath()
    try Self.write(pool) { db in
      try Self.requirePlanRunning(id, db)
      try db.execute(
        sql: "DELETE FROM plan_candidate WHERE plan_id = ? AND candidate = ?", arguments: [id, candidate.candidate])
      try Self.insertPlanCandidates([candidate], planID: id, db)
    }
  }

  private static func requirePlanRunning(_ id: Int64, _ db: Database) throws {
    guard let raw = try String.fetchOne(db, sql: "SELECT status FROM plan WHERE id = ?", arguments: [id]) else {
      throw ResultsStoreError.planNotFound(id)
    }
    let status = try decodeStatus(raw)
    guard status == .running else { throw ResultsStoreError.planAlreadyEnded(id, status) }
  }

  /// Marks a running plan `failed` or `interrupted`, with a message and the time; a plan that
  /// has ended already is left as it is.
  package func endPlan(_ id: Int64, status: RunStatus, message: String?) throws {
    precondition(
      status == .failed || status == .interrupted,
      "endPlan(_:status:message:) takes failed or interrupted, not \(status)")
    try Self.write(pool) { db in
      try db.execute(
        sql: "UPDATE plan SET status = ?, message = ?, ended_at = ? WHERE id = ? AND status = 'running'",
        arguments: [status.rawValue, message, Date(), id])
    }
  }

  /// Plans, newest first, with how many periods have an answer and what was simulated.
  package func plans(limit: Int? = nil) throws -> [PlanSummary] {
    try pool.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT plan.*,
            (SELECT COUNT(*) FROM plan_period WHERE plan_id = plan.id) AS period_count,
            (SELECT COUNT(instances) FROM plan_period WHERE plan_id = plan.id) AS answered_count,
            (SELECT COUNT(*) FROM plan_candidate WHERE plan_id = plan.id) AS candidate_count,
            (SELECT COALESCE(SUM(requests), 0) FROM plan_candidate WHERE plan_id = plan.id) AS request_count
          FROM plan ORDER BY id DESC LIMIT ?
          """, arguments: [limit ?? -1]
      ).map { row in
        PlanSummary(
          plan: try Self.planRecord(row), periods: row["period_count"], answered: row["answered_count"],
          candidates: row["candidate_count"], requests: row["request_count"])
      }
    }
  }

  /// Everything recorded of a plan, read from one snapshot; nil if there is no such plan.
  package func planData(_ id: Int64) throws -> PlanData? {
    try pool.read { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT * FROM plan WHERE id = ?", arguments: [id]) else { return nil }
      var verdicts: [String: [Row]] = [:]
      for v in try Row.fetchAll(db, sql: "SELECT * FROM plan_verdict WHERE plan_id = ? ORDER BY id", arguments: [id]) {
        verdicts[Self.periodKey(v["territory"], v["period"]), default: []].append(v)
      }
      var tried: [String: [PlanPeriodRecord.Tried]] = [:]
      for t in try Row.fetchAll(
        db, sql: "SELECT * FROM plan_tried WHERE plan_id = ? ORDER BY territory, period, instances", arguments: [id])
      {
        tried[Self.periodKey(t["territory"], t["period"]), default: []].append(
          PlanPeriodRecord.Tried(
            instances: try t.decode(forColumn: "instances"), status: try t.decode(forColumn: "status"),
            instanceCost: try t.decode(Double?.self, forColumn: "instance_cost") ?? .nan))
      }
      let periods = try Row.fetchAll(
        db, sql: "SELECT * FROM plan_period WHERE plan_id = ? ORDER BY id", arguments: [id]
      )
      .map { r in
        let key = Self.periodKey(r["territory"], r["period"])
        return try Self.planPeriod(r, verdicts: verdicts[key] ?? [], tried: tried[key] ?? [])
      }
      let candidates = try Row.fetchAll(
        db, sql: "SELECT * FROM plan_candidate WHERE plan_id = ? ORDER BY candidate", arguments: [id]
      ).map(Self.planCandidate)
      return PlanData(plan: try Self.planRecord(row), periods: periods, candidates: candidates)
    }
  }

  /// The plan that completed last, if any (`latest`, as for runs).
  package func latestCompletePlanID() throws -> Int64? {
    try pool.read { db in
      try Int64.fetchOne(
        db, sql: "SELECT id FROM plan WHERE status = 'complete' ORDER BY ended_at DESC, id DESC LIMIT 1")
    }
  }

  // MARK: Rows

  private static func periodKey(_ territory: String, _ period: String) -> String {
    // A unit separator: territory and period names are single lines without control characters.
    territory + "\u{1F}" + period
  }

  private static func insertPlanPeriods(_ periods: [PlanPeriodRecord], planID: Int64, _ db: Database) throws {
    let period = try db.cachedStatement(
      sql: """
        INSERT INTO plan_period (
          plan_id, territory, period, peak_rate, peak_local, stable_instances, theory_start, instances, cap,
          cap_reason, currency, instance_cost, database_cost, app_utilization, binding_tier, fewer_instances,
          fewer_reason, p95, more_p95, more_cost)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let verdict = try db.cachedStatement(
      sql: """
        INSERT INTO plan_verdict (
          plan_id, territory, period, role, instances, request_class, objective, target, higher_is_better, mean,
          half_width, outcome, worst_window_local, worst_value, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let tried = try db.cachedStatement(
      sql: """
        INSERT INTO plan_tried (plan_id, territory, period, instances, status, instance_cost)
        VALUES (?, ?, ?, ?, ?, ?)
        """)
    for p in periods {
      try period.execute(arguments: [
        planID, p.territory, p.period, p.peakRate, p.peakLocal, p.stableInstances, p.theoryStart, p.instances, p.cap,
        p.capReason, p.currency, p.instanceCost, p.databaseCost, p.appUtilization, p.bindingTier, p.fewerInstances,
        p.fewerReason, p.p95, p.moreP95, p.moreCost,
      ])
      var roles: [(String, Int, VerdictRecord)] = []
      if let b = p.binding, let n = p.instances { roles.append(("binding", n, b)) }
      if let n = p.fewerInstances { roles += p.fewer.map { ("unmet", n, $0) } }
      for (role, n, v) in roles {
        try verdict.execute(arguments: [
          planID, p.territory, p.period, role, n, v.requestClass, v.objective, v.target, v.higherIsBetter, v.mean,
          v.halfWidth, v.outcome, v.worstWindowLocal, v.worstValue, v.note,
        ])
      }
      for t in p.tried {
        try tried.execute(arguments: [planID, p.territory, p.period, t.instances, t.status, t.instanceCost])
      }
    }
  }

  private static func insertPlanCandidates(_ candidates: [PlanCandidateRecord], planID: Int64, _ db: Database) throws {
    let statement = try db.cachedStatement(
      sql: """
        INSERT INTO plan_candidate (
          plan_id, candidate, instances, simulated, replications, requests, wall_seconds, statuses)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for c in candidates {
      try statement.execute(arguments: [
        planID, c.candidate, try planJSON(c.instances), try planJSON(c.simulated), c.replications, c.requests,
        c.wallSeconds, try planJSON(c.statuses),
      ])
    }
  }

  private static func planRecord(_ row: Row) throws -> PlanRecord {
    PlanRecord(
      id: try row.decode(forColumn: "id"),
      capsimVersion: try row.decode(forColumn: "capsim_version"),
      scenarioName: try row.decode(forColumn: "scenario_name"),
      scenarioPath: try row.decode(forColumn: "scenario_path"),
      scenarioHash: try row.decode(forColumn: "scenario_hash"),
      topologyPath: try row.decode(forColumn: "topology_path"),
      topologyHash: try row.decode(forColumn: "topology_hash"),
      settings: try planDecode([String].self, row["settings"], table: "plan", column: "settings"),
      territories: try planDecode([String].self, row["territories"], table: "plan", column: "territories"),
      seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
      replications: try row.decode(forColumn: "replications"),
      maxReplications: try row.decode(forColumn: "max_replications"),
      maxInstances: try row.decode(forColumn: "max_instances"),
      startedAt: try row.decode(forColumn: "started_at"),
      endedAt: try row.decode(forColumn: "ended_at"),
      status: try decodeStatus(try row.decode(forColumn: "status")),
      processID: try row.decode(forColumn: "process_id"),
      hostName: try row.decode(forColumn: "host_name"),
      wallSeconds: try row.decode(forColumn: "wall_seconds"),
      sparedByTheory: try row.decode(forColumn: "spared_by_theory"),
      message: try row.decode(forColumn: "message"))
  }

  private static func planPeriod(_ row: Row, verdicts: [Row], tried: [PlanPeriodRecord.Tried]) throws
    -> PlanPeriodRecord
  {
    let binding = try verdicts.first { $0["role"] == "binding" }.map(verdictRecord)
    return PlanPeriodRecord(
      territory: try row.decode(forColumn: "territory"),
      period: try row.decode(forColumn: "period"),
      peakRate: try row.decode(forColumn: "peak_rate"),
      peakLocal: try row.decode(forColumn: "peak_local"),
      stableInstances: try row.decode(forColumn: "stable_instances"),
      theoryStart: try row.decode(forColumn: "theory_start"),
      instances: try row.decode(forColumn: "instances"),
      cap: try row.decode(forColumn: "cap"),
      capReason: try row.decode(forColumn: "cap_reason"),
      currency: try row.decode(forColumn: "currency"),
      instanceCost: try row.decode(forColumn: "instance_cost"),
      databaseCost: try row.decode(Double?.self, forColumn: "database_cost") ?? .nan,
      appUtilization: try row.decode(forColumn: "app_utilization"),
      binding: binding,
      bindingTier: try row.decode(forColumn: "binding_tier"),
      fewerInstances: try row.decode(forColumn: "fewer_instances"),
      fewer: try verdicts.filter { $0["role"] == "unmet" }.map(verdictRecord),
      fewerReason: try row.decode(forColumn: "fewer_reason"),
      p95: try row.decode(forColumn: "p95"),
      moreP95: try row.decode(forColumn: "more_p95"),
      moreCost: try row.decode(forColumn: "more_cost"),
      tried: tried)
  }

  private static func planCandidate(_ row: Row) throws -> PlanCandidateRecord {
    PlanCandidateRecord(
      candidate: try row.decode(forColumn: "candidate"),
      instances: try planDecode([String: Int].self, row["instances"], table: "plan_candidate", column: "instances"),
      simulated: try planDecode([String].self, row["simulated"], table: "plan_candidate", column: "simulated"),
      replications: try row.decode(forColumn: "replications"),
      requests: try row.decode(forColumn: "requests"),
      wallSeconds: try row.decode(forColumn: "wall_seconds"),
      statuses: try planDecode(
        [PlanCandidateRecord.Status].self, row["statuses"], table: "plan_candidate", column: "statuses"))
  }

  private static func planJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  private static func planDecode<T: Decodable>(_ type: T.Type, _ text: String?, table: String, column: String) throws
    -> T
  {
    guard let text, let value = try? JSONDecoder().decode(type, from: Data(text.utf8)) else {
      throw ResultsStoreError.unreadableValue(table: table, column: column, value: text ?? "NULL")
    }
    return value
  }
}
