import Foundation
import RunRecords

/// `capsim sweeps`: the recorded sweeps, newest first, as a table.
package struct SweepsList {
  var sweeps: [SweepSummary]

  package init(sweeps: [SweepSummary]) { self.sweeps = sweeps }

  package func table() -> String {
    var table = TextTable(columns: [
      "sweep", "started", "status", "scenario", "axes", "points", "reps", "shards", "wall",
    ])
    for s in sweeps {
      let r = s.sweep
      table.add([
        String(r.id!), Format.timestamp(r.startedAt), s.status.rawValue, r.scenarioName,
        r.axes.map { "\($0.key) (\($0.values.count))" }.joined(separator: " x "), String(r.points),
        String(r.replications),
        String(r.shards), r.wallSeconds.map { Format.duration($0) } ?? "-",
      ])
    }
    return table.render()
  }
}

/// `capsim sweeps SWEEP`: a recorded sweep's points, the run of each and its verdict counts.
package struct SweepDescription {
  var sweep: SweepRecord
  var points: [SweepPoint]
  /// Each point's run's verdicts, in the points' order.
  var verdicts: [[VerdictRecord]]

  package init(sweep: SweepRecord, points: [SweepPoint], verdicts: [[VerdictRecord]]) {
    self.sweep = sweep
    self.points = points
    self.verdicts = verdicts
  }

  package func text() -> String {
    let r = sweep
    var out =
      "sweep \(r.id ?? 0): \(r.scenarioName), \(r.points) points x \(r.replications) replications, \(r.seedText)"
    out += r.shards > 1 ? ", merged from \(r.shards) shards\n" : "\n"
    out +=
      "scenario \(r.scenarioPath) sha256 \(r.scenarioHash.prefix(12)), capsim \(r.capsimVersion), started \(Format.timestamp(r.startedAt))\n"
    if !r.settings.isEmpty { out += "under --set " + r.settings.joined(separator: " --set ") + "\n" }
    var table = TextTable(columns: ["point"] + r.axes.map(\.key) + ["run", "status", "pass", "marginal", "FAIL"])
    for (p, v) in zip(points, verdicts) {
      func count(_ o: String) -> String { String(v.filter { $0.outcome == o }.count) }
      table.add(
        [String(p.point)] + p.values + [
          String(p.runID), p.status.rawValue, count("pass"), count("marginal"), count("fail"),
        ])
    }
    return out + "\n" + table.render()
  }
}
