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
/// 10%) are not all met by today's model on this machine: where one is missed the test records it
/// as a known issue, so it keeps running, and fails the day the model meets it (then the known
/// issue goes). Independently, each workload's largest held-out errors must not grow beyond what
/// the model reached when the data was shipped (the bounds are those errors rounded up), so a
/// change that makes the fit worse fails here.
@Suite struct ShippedMeasurementTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("calibration/postgres")

  static func reports(_ workload: String) throws -> [PgbenchReport] {
    let dir = folder.appendingPathComponent(workload)
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
    #expect(!names.isEmpty, "no summaries in \(dir.path)")
    return try names.map { name in
      let url = dir.appendingPathComponent(name)
      return try PgbenchReport(file: url.path, text: String(contentsOf: url, encoding: .utf8))
    }
  }

  static func table(_ workload: String) throws -> FitTable {
    let levels = MeasuredLevel.levels(try reports(workload))
    #expect(levels.map(\.clients) == [1, 2, 4, 8, 16, 32, 64])
    #expect(levels.allSatisfy { $0.runs == 3 })
    return try FitTable(workload: workload, levels: levels, fitted: [1, 2, 4], cores: 2)
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
    var workload: String
    /// Largest held-out errors when the data was shipped, rounded up: throughput, mean, p95.
    var bounds: (throughput: Double, latency: Double, p95: Double)
    /// Why the goal is missed, or nil when it is met.
    var knownMiss: String?
    var testDescription: String { workload }
  }

  static let cases = [
    Case(
      workload: "select-only", bounds: (0.43, 1.30, 1.08),
      knownMiss:
        "select-only: the one-client latency's non-CPU part (wake-ups of idle cores) is kept as a fixed wait, so the load factor fitted at 2 and 4 clients slows the CPU and the plateau is predicted 32-42% low"
    ),
    Case(
      workload: "tpcb", bounds: (0.18, 0.24, 0.54),
      knownMiss:
        "tpcb: the plateau from 8 clients is predicted 11-18% low, and the p95 at 32-64 clients (row locks on the 10 branches) is not foreseen from 1-4 clients"
    ),
    Case(
      workload: "crm", bounds: (0.22, 0.48, 0.33),
      knownMiss: "crm: the plateau from 8 clients is predicted 11-21% low (as select-only)"),
  ]

  @Test(arguments: cases)
  func closedLoopPredictionsAgainstTheGoal(_ c: Case) throws {
    let table = try Self.table(c.workload)
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
  @Test func theOpenLoopKneeIsPredicted() throws {
    let fit = try Self.table("crm").fit
    let knee = OpenLoopKnee(workload: "crm-rate", runs: try Self.reports("crm-rate"), fit: fit)
    #expect(knee.connections == 8)
    #expect(!knee.measuredIsLowerBound, "every rate was sustained: the knee was not reached")
    let error = try #require(knee.error)
    // As shipped: 19,379/s measured (the most achieved, at 21,900/s offered), 16,700/s predicted.
    #expect(abs(error) <= 0.14, "worse than shipped: \(error)")
    withKnownIssue("the knee is the closed-loop plateau at 8 clients, predicted 14% low as in closedLoopPredictionsAgainstTheGoal") {
      #expect(abs(error) < 0.10, "model \(knee.predicted ?? 0)/s, measured \(knee.measured ?? 0)/s")
    }
  }
}
