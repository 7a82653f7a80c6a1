import Foundation
import Testing

import Calibration

/// The shipped PostgreSQL measurements (`calibration/postgres/`, from
/// `scripts/measure-postgres.sh` on the project's 2-core machine): each workload calibrated from
/// its three lowest client counts (1, 2, 4) and checked on every higher one (8 to 64) against the
/// issue's goals, and the open-loop knee predicted from the closed-loop fit of the same
/// transactions.
///
/// The goals (throughput within 10%, mean latency within 15%, p95 within 25%, the knee within
/// 10%) are not all met by the round-trip model on this machine (the knee is): where one is missed the test records it
/// as a known issue, so it keeps running, and fails the day the model meets it (then the known
/// issue goes). Independently, each workload's largest held-out errors must not grow beyond what
/// the model reached when the data was shipped (the bounds are those errors rounded up), so a
/// change that makes the fit worse fails here.
///
/// `calibration/postgres-j2/` is a second measurement, taken after the model was built and not
/// used to choose anything in it: two pgbench threads, scale 50, 2 repeats of 10 s. It checks
/// the same way, with its own bounds and misses.
@Suite struct ShippedMeasurementTests {
  static let calibration = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("calibration")

  static func reports(_ workload: String, in dataset: String = "postgres") throws -> [PgbenchReport] {
    let dir = calibration.appendingPathComponent(dataset).appendingPathComponent(workload)
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
    #expect(!names.isEmpty, "no summaries in \(dir.path)")
    return try names.map { name in
      let url = dir.appendingPathComponent(name)
      return try PgbenchReport(file: url.path, text: String(contentsOf: url, encoding: .utf8))
    }
  }

  /// The workload's round-trip fit; the machine's uncharged core time comes from the read-only
  /// workload, select-only, as `capsim calibrate` takes it.
  static func table(_ workload: String, in dataset: String = "postgres") throws -> FitTable {
    let reports = try reports(workload, in: dataset)
    let levels = MeasuredLevel.levels(reports)
    #expect(levels.map(\.clients) == [1, 2, 4, 8, 16, 32, 64])
    #expect(levels.allSatisfy { $0.runs == (dataset == "postgres" ? 3 : 2) })
    let shape = try #require(TransactionShape(reports[0]))
    let machine = workload == "select-only" ? nil : try table("select-only", in: dataset).roundTrip?.uncharged
    return try FitTable(workload: workload, levels: levels, fitted: [1, 2, 4], cores: 2, shape: shape, uncharged: machine)
  }

  /// Every held-out level's miss of the goal, as text.
  static func misses(_ table: FitTable) -> [String] {
    var out: [String] = []
    for row in table.rows where !row.isFitted {
      let at = "\(table.workload) at \(row.level.clients) clients"
      if abs(row.throughputError) >= 0.10 { out.append("\(at): throughput \(percent(row.throughputError))") }
      if abs(row.latencyError) >= 0.15 { out.append("\(at): mean latency \(percent(row.latencyError))") }
      if abs(row.p95Error ?? 1) >= 0.25 { out.append("\(at): p95 \(row.p95Error.map(percent) ?? "not predicted")") }
    }
    return out
  }

  static func percent(_ e: Double) -> String { String(format: "%+.1f%%", e * 100) }

  struct Case: CustomTestStringConvertible, Sendable {
    var dataset = "postgres"
    var workload: String
    /// Largest held-out errors when the data was shipped, rounded up: throughput, mean, p95.
    var bounds: (throughput: Double, latency: Double, p95: Double)
    /// Why the goal is missed, or nil when it is met.
    var knownMiss: String?
    var testDescription: String { dataset + "/" + workload }
  }

  static let cases = [
    Case(
      workload: "select-only", bounds: (0.10, 0.18, 0.28),
      knownMiss:
        "select-only: mean latency +17% at 8 clients and p95 +28% at 16: pgbench's share of the cycle outside the latency it reports grows after 4 clients, and the model holds it at its 4-client value; the throughput's fall from 39.6k to 33.6k tps beyond 8 clients is not foreseen from 1-4 clients"
    ),
    Case(
      workload: "tpcb", bounds: (0.11, 0.09, 0.19),
      knownMiss:
        "tpcb: throughput +10.2% at 64 clients: the row-lock convoys foresee most of the fall beyond 16 clients, not all"
    ),
    Case(
      workload: "crm", bounds: (0.07, 0.20, 0.22),
      knownMiss: "crm: mean latency +19% at 32 clients: pgbench's latency boundary, as select-only"),
    Case(
      dataset: "postgres-j2", workload: "select-only", bounds: (0.20, 0.18, 0.17),
      knownMiss:
        "postgres-j2 select-only: throughput +19.0% and mean latency -17.5% at 64 clients: the throughput falls from 37.8k to 32.0k tps between 32 and 64 clients, which nothing at 1-4 clients shows"
    ),
    Case(
      dataset: "postgres-j2", workload: "tpcb", bounds: (0.16, 0.13, 0.09),
      knownMiss:
        "postgres-j2 tpcb: throughput +14.4% at 8 and +15.6% at 64 clients: the model saturates at 8 clients, the measurement at 16; the fall beyond 16 is foreseen in part"
    ),
    Case(
      dataset: "postgres-j2", workload: "crm", bounds: (0.17, 0.14, 0.15),
      knownMiss: "postgres-j2 crm: throughput +16.5% at 64 clients: the fall from 19.8k to 16.7k tps beyond 32 clients, as select-only"
    ),
  ]

  @Test(arguments: cases)
  func closedLoopPredictionsAgainstTheGoal(_ c: Case) throws {
    let table = try Self.table(c.workload, in: c.dataset)
    let held = try #require(table.heldOutErrors)
    #expect(held.throughput <= c.bounds.throughput, "worse than shipped: throughput \(held.throughput)")
    #expect(held.latency <= c.bounds.latency, "worse than shipped: mean latency \(held.latency)")
    #expect((held.p95 ?? 9) <= c.bounds.p95, "worse than shipped: p95 \(held.p95 ?? .nan)")
    let misses = Self.misses(table)
    if let known = c.knownMiss {
      withKnownIssue(Comment(rawValue: known)) {
        #expect(misses.isEmpty, "\(misses.joined(separator: "; "))")
      }
    } else {
      #expect(misses.isEmpty, "\(misses.joined(separator: "; "))")
    }
  }

  /// The open loop on 8 connections reached its knee (some rates were beyond it), and the model
  /// puts it within 10%.
  /// As shipped: postgres 19,379/s measured (the most achieved, at 21,900/s offered), 19,750/s
  /// predicted; postgres-j2 18,628/s (at 23,900/s offered), 19,257/s predicted.
  @Test(arguments: ["postgres", "postgres-j2"])
  func theOpenLoopKneeIsPredicted(_ dataset: String) throws {
    let table = try Self.table("crm", in: dataset)
    let knee = OpenLoopKnee(workload: "crm-rate", runs: try Self.reports("crm-rate", in: dataset), fit: table)
    #expect(knee.connections == 8)
    #expect(!knee.measuredIsLowerBound, "every rate was sustained: the knee was not reached")
    let error = try #require(knee.error)
    #expect(abs(error) < 0.10, "model \(knee.predicted ?? 0)/s, measured \(knee.measured ?? 0)/s")
  }

  /// The second measurement carries pg_stat_statements snapshots: select-only's one statement
  /// per transaction, at most a few hundredths of a millisecond of execution per call.
  @Test func theSnapshotsOfTheSecondMeasurementAreRead() throws {
    let dir = Self.calibration.appendingPathComponent("postgres-j2/select-only")
    func snapshot(_ name: String) throws -> PgStatStatements {
      let url = dir.appendingPathComponent(name)
      return try PgStatStatements(file: url.path, text: String(contentsOf: url, encoding: .utf8))
    }
    let run = try StatementActivity(before: try snapshot("c1-r1.statements-before.csv"), after: try snapshot("c1-r1.statements-after.csv"))
    let select = try #require(run.statements.first)
    #expect(select.query.hasPrefix("SELECT abalance FROM pgbench_accounts"), "\(select.query)")
    #expect(select.share > 0.99)
    let report = try Self.reports("select-only", in: "postgres-j2").first { $0.file.hasSuffix("c1-r1.txt") }
    #expect(Double(select.calls) == Double(try #require(report).transactions), "one call per transaction")
    #expect(select.meanTime > 0 && select.meanTime < 1e-4, "\(select.meanTime) s a call")
  }
}
