import Foundation
import Planning
import PlatformModel
import RunRecords

/// What a sweep found at one point.
package struct SweepPointResult {
  /// One value per axis.
  var values: [String]
  var runID: Int64?
  var requests: Int
  package var verdicts: [Verdict]
  /// The verdicts as `capsim run --format json` writes them.
  package var json: [VerdictJSON]

  /// The worst outcome among the judged verdicts (fail, then marginal, then pass).
  package var outcome: Verdict.Outcome {
    if verdicts.contains(where: { $0.outcome == .fail }) { return .fail }
    if verdicts.contains(where: { $0.outcome == .marginal }) { return .marginal }
    return .pass
  }

  package init(values: [String], runID: Int64?, report: PlatformReport) {
    self.values = values
    self.runID = runID
    requests = report.replications.map(\.requests).reduce(0, +)
    verdicts = report.verdicts
    json = RunData.records(report.verdicts, scenario: report.scenario).map(VerdictJSON.init)
  }
}

/// A sweep as text (points x objectives, per territory and period) and JSON.
///
/// Both are the same whether one machine simulated the sweep or `capsim merge` folded its
/// shards, except for the wall-clock time: the table's last line and `wall_seconds`.
package struct SweepReport {
  /// What every point shares: the scenario, its seed and replications, the base settings and
  /// the grid.
  package struct Sweep {
    var name: String
    var path: String
    var seed: UInt64
    var replications: Int
    var settings: [String]
    var grid: Grid

    package init(name: String, path: String, seed: UInt64, replications: Int, settings: [String], grid: Grid) {
      self.name = name
      self.path = path
      self.seed = seed
      self.replications = replications
      self.settings = settings
      self.grid = grid
    }
  }

  var work: Sweep
  var points: [SweepPointResult]
  var sweepID: Int64?
  var wallSeconds: Double

  package init(work: Sweep, points: [SweepPointResult], sweepID: Int64?, wallSeconds: Double) {
    self.work = work
    self.points = points
    self.sweepID = sweepID
    self.wallSeconds = wallSeconds
  }

  // MARK: Table

  package func table() -> String {
    var out = header() + "\n"
    for (territory, period) in blocks() {
      let objectives = Objective.allCases.filter { o in
        points.contains {
          $0.verdicts.contains {
            $0.territory == territory && $0.period == period && $0.requestClass == nil && $0.objective == o
          }
        }
      }
      var table = TextTable(
        columns: ["point"] + work.grid.axes.map(\.key) + objectives.map(\.rawValue) + ["classes not met", "verdict"])
      for (p, point) in points.enumerated() {
        let mine = point.verdicts.filter { $0.territory == territory && $0.period == period }
        let cells = objectives.map { o -> String in
          guard let v = mine.first(where: { $0.requestClass == nil && $0.objective == o }) else { return "-" }
          return "\(format(o, v.measured.mean)) \(label(v.outcome))"
        }
        let classes = mine.filter { $0.requestClass != nil && ($0.outcome == .fail || $0.outcome == .marginal) }
          .map { "\($0.requestClass!) \($0.objective.rawValue) \(label($0.outcome))" }
        let worst: String
        if mine.isEmpty {
          worst = "-"
        } else if mine.contains(where: { $0.outcome == .fail }) {
          worst = "FAIL"
        } else {
          worst = mine.contains { $0.outcome == .marginal } ? "marginal" : "pass"
        }
        table.add(
          [String(p)] + point.values + cells + [classes.isEmpty ? "-" : classes.joined(separator: ", "), worst])
      }
      out += "\n\(territory) \(period) (mean over replications and verdict per objective)\n" + table.render() + "\n"
    }
    let requests = points.map(\.requests).reduce(0, +)
    out +=
      "\n\(points.count) point\(points.count == 1 ? "" : "s") x \(work.replications) replication\(work.replications == 1 ? "" : "s"): "
    out +=
      "\(Format.count(Double(requests))) requests simulated in \(String(format: "%.1f", wallSeconds)) s (wall clock)\n"
    return out
  }

  func header() -> String {
    let axes = work.grid.axes.count
    var lines = [
      "\(work.name): sweep of \(axes) ax\(axes == 1 ? "is" : "es"), \(points.count) point\(points.count == 1 ? "" : "s"), \(work.replications) replication\(work.replications == 1 ? "" : "s") each, \(work.grid.axes.contains { $0.key == "run.seed" } ? "the seed of each point's run.seed" : "seed \(work.seed) at every point (common random numbers)")"
    ]
    for axis in work.grid.axes { lines.append("  \(axis.key): \(axis.values.joined(separator: ", "))") }
    if !work.settings.isEmpty { lines.append("  under --set " + work.settings.joined(separator: " --set ")) }
    let unrecorded = points.filter { $0.runID == nil }.count
    if let sweepID {
      lines.append(
        unrecorded == 0
          ? "  recorded as sweep \(sweepID) (capsim sweeps \(sweepID))"
          : "  sweep \(sweepID): the results of \(unrecorded) of \(points.count) points could not be stored (see the errors on stderr)"
      )
    }
    return lines.joined(separator: "\n")
  }

  /// (territory, period) in the order the verdicts first name them.
  func blocks() -> [(String, String)] {
    var out: [(String, String)] = []
    for point in points {
      for v in point.verdicts where !out.contains(where: { $0 == (v.territory, v.period) }) {
        out.append((v.territory, v.period))
      }
    }
    return out
  }

  func label(_ outcome: Verdict.Outcome) -> String { outcome == .fail ? "FAIL" : outcome.rawValue }

  func format(_ objective: Objective, _ x: Double) -> String {
    switch objective {
    case .p95, .p99, .databaseP95: Format.duration(x)
    case .errorRate: Format.percent(x)
    case .availability: String(format: "%.3f%%", x * 100)
    }
  }

  // MARK: JSON

  struct Document: Encodable {
    struct Axis: Encodable {
      var key: String
      var values: [String]
    }

    struct Point: Encodable {
      var point: Int
      var values: [String]
      var settings: [String]
      @Nullable var run_id: Int64?
      var requests: Int
      var verdict: String
      package var verdicts: [VerdictJSON]
    }

    var capsim: String
    var scenario: String
    var file: String
    var seed: UInt64
    var replications: Int
    var settings: [String]
    var axes: [Axis]
    @Nullable var sweep_id: Int64?
    var wall_seconds: Double
    var requests: Int
    var points: [Point]
  }

  package func json() throws -> String {
    let document = Document(
      capsim: capsimVersion, scenario: work.name, file: work.path, seed: work.seed, replications: work.replications,
      settings: work.settings, axes: work.grid.axes.map { .init(key: $0.key, values: $0.values) }, sweep_id: sweepID,
      wall_seconds: wallSeconds, requests: points.map(\.requests).reduce(0, +),
      points: points.enumerated().map { p, point in
        Document.Point(
          point: p, values: point.values, settings: work.grid.settings(at: p), run_id: point.runID,
          requests: point.requests, verdict: point.outcome.rawValue, verdicts: point.json)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }
}
