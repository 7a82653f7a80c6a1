import Foundation
import RunRecords

/// What each autoscaler of a run did, per territory, averaged over the replications: scalings,
/// direction reversals, how long the pool took to catch up, pod-hours and time over the SLO.
package struct AutoscalerSummary: Sendable, Hashable {
  package var territory: String
  package var autoscaler: String
  package var replications: Int
  /// Syncs that raised or lowered `spec.replicas`, per replication.
  package var scaleUps: Double
  package var scaleDowns: Double
  /// Scalings in the other direction than the one before, per pool-hour.
  package var reversalsPerHour: Double
  /// How long ramps took to reach the capacity the autoscaler asked for.
  ///
  /// Ramps: scale-ups each within `rampGap` of the one before. From a ramp's first scale-up to
  /// the first sync at which as many pods were Ready as its last one asked for (seconds): the
  /// longest and the mean. This is the time to reach the capacity the autoscaler found
  /// needed, its syncs' lag and the pods' start-up together.
  package var longestRamp: Double?
  package var meanRamp: Double?

  /// Scale-ups further apart than this start a new ramp.
  package static let rampGap = 300.0
  /// Pods that existed (not terminating), integrated over the syncs, per replication.
  package var podHours: Double
  /// Minutes of series windows whose p95 latency was over the period's target (the windows
  /// are `run.series` long, so this is as coarse as they are).
  package var sloViolationMinutes: Double

  /// The layout of an autoscaler's summary in every capsim JSON (`run --format json`,
  /// `show --format json`, `summary.json`): snake_case, seconds in `_s`, null for no ramp.
  package struct JSON: Encodable, Sendable {
    var territory, autoscaler: String
    var replications: Int
    var scale_ups, scale_downs, reversals_per_hour: Double
    @Nullable var longest_ramp_s: Double?
    @Nullable var mean_ramp_s: Double?
    var pod_hours, slo_violation_minutes: Double
  }

  package var json: JSON {
    JSON(
      territory: territory, autoscaler: autoscaler, replications: replications, scale_ups: scaleUps,
      scale_downs: scaleDowns, reversals_per_hour: reversalsPerHour, longest_ramp_s: longestRamp, mean_ramp_s: meanRamp,
      pod_hours: podHours, slo_violation_minutes: sloViolationMinutes)
  }

  /// One summary per autoscaled territory of a recorded run, in the order the syncs were
  /// recorded.
  package static func summaries(_ data: RunData) -> [AutoscalerSummary] {
    summaries(data.autoscalerSyncs) { violationMinutes($0, data) }
  }

  /// One summary per autoscaled territory; `violationMinutes` gives a territory's minutes
  /// over its p95 target.
  package static func summaries(
    _ syncs: [AutoscalerSyncRecord], violationMinutes: (String) -> Double
  ) -> [AutoscalerSummary] {
    var order: [String] = []
    var byTerritory: [String: [AutoscalerSyncRecord]] = [:]
    for sync in syncs {
      if byTerritory[sync.territory] == nil { order.append(sync.territory) }
      byTerritory[sync.territory, default: []].append(sync)
    }
    return order.map { territory in
      summary(territory, byTerritory[territory] ?? [], violationMinutes: violationMinutes(territory))
    }
  }

  static func summary(_ territory: String, _ syncs: [AutoscalerSyncRecord], violationMinutes: Double)
    -> AutoscalerSummary
  {
    let runs = Dictionary(grouping: syncs, by: \.replication).sorted { $0.key < $1.key }.map(\.value)
    let n = Double(max(1, runs.count))
    var ups = 0
    var downs = 0
    var reversals = 0
    var ramps: [Double] = []
    var podSeconds = 0.0
    var hours = 0.0
    for run in runs {
      var last: Bool? = nil  // the direction of the last scaling: true up
      // The ramp in progress: its first and latest scale-up, and the count asked for last.
      var ramp: (start: Double, latest: Double, target: Int)? = nil
      for (i, sync) in run.enumerated() {
        if let r = ramp, sync.readyPods >= r.target, sync.desiredReplicas <= sync.currentReplicas {
          ramps.append(sync.time - r.start)
          ramp = nil
        }
        if sync.desiredReplicas != sync.currentReplicas {
          let up = sync.desiredReplicas > sync.currentReplicas
          if up { ups += 1 } else { downs += 1 }
          if let last, last != up { reversals += 1 }
          last = up
          if up {
            if let r = ramp, sync.time - r.latest <= rampGap {
              ramp = (r.start, sync.time, sync.desiredReplicas)
            } else {
              ramp = (sync.time, sync.time, sync.desiredReplicas)
            }
          } else {
            ramp = nil  // a scale-down ends a ramp that never caught up
          }
        }
        if i + 1 < run.count { podSeconds += Double(sync.totalPods) * (run[i + 1].time - sync.time) }
      }
      if let first = run.first, let final = run.last { hours += (final.time - first.time) / 3_600 }
    }
    return AutoscalerSummary(
      territory: territory, autoscaler: syncs.first?.autoscaler ?? "", replications: runs.count,
      scaleUps: Double(ups) / n, scaleDowns: Double(downs) / n,
      reversalsPerHour: hours > 0 ? Double(reversals) / hours : 0, longestRamp: ramps.max(),
      meanRamp: ramps.isEmpty ? nil : ramps.reduce(0, +) / Double(ramps.count),
      podHours: podSeconds / 3_600 / n, sloViolationMinutes: violationMinutes)
  }

  /// Minutes of the territory's windows whose mean p95 was over the target of its period.
  static func violationMinutes(_ territory: String, _ data: RunData) -> Double {
    var minutes = 0.0
    for point in data.series where point.territory == territory && point.tier == "all" && point.requestClass == "all" {
      guard let p95 = point.latencyP95 else { continue }
      // The period's own verdict says its target (a quiet season keeps the normal one).
      let judged = data.verdicts.first {
        $0.territory == territory && $0.period == point.period && $0.objective == "p95 latency"
          && $0.requestClass == "all" && $0.target != nil
      }
      guard let target = judged?.target ?? data.targets[point.period == "normal" ? "p95" : "peakP95"] else { continue }
      if p95 > target { minutes += (point.windowEnd - point.windowStart) / 60 }
    }
    return minutes
  }

  /// Why the count was what it was: each reason and how many syncs gave it (all
  /// replications), most frequent first.
  package static func reasons(_ data: RunData, territory: String) -> [(reason: String, syncs: Int)] {
    var counts: [String: Int] = [:]
    for sync in data.autoscalerSyncs where sync.territory == territory {
      counts[Self.reasonKind(sync.reason), default: 0] += 1
    }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  /// A reason without the numbers that vary sync by sync, so that alike ones count together
  /// ("stabilized: highest of the last 300 s is 4" -> "stabilized: highest of the last 300 s").
  static func reasonKind(_ reason: String) -> String {
    if reason.hasPrefix("stabilized:"), let cut = reason.range(of: " is ", options: .backwards) {
      return String(reason[..<cut.lowerBound])
    }
    if reason.hasPrefix("rate limited:"), let cut = reason.range(of: " allows ", options: .backwards) {
      return String(reason[..<cut.lowerBound])
    }
    if reason.hasPrefix("no trigger active, cooling down") { return "no trigger active, cooling down" }
    return reason
  }

  /// The report's columns and a summary's cells under them, as text (escape the autoscaler's
  /// name for the page).
  static let columns = [
    "Autoscaler", "Scale-ups", "Scale-downs", "Reversals per pool-hour", "Longest ramp", "Mean ramp", "Pod-hours",
    "Minutes over p95 target",
  ]
  var cells: [String] {
    [
      autoscaler, Self.number(scaleUps), Self.number(scaleDowns), String(format: "%.2f", reversalsPerHour),
      longestRamp.map(Self.duration) ?? "-", meanRamp.map(Self.duration) ?? "-", String(format: "%.1f", podHours),
      String(format: "%.0f", sloViolationMinutes),
    ]
  }

  /// Rows of text for a terminal, one per autoscaled territory.
  package static func table(_ summaries: [AutoscalerSummary]) -> String {
    let header = [
      "territory", "autoscaler", "scale-ups", "scale-downs", "reversals/h", "ramp max", "ramp mean",
      "pod-hours", "min over p95",
    ]
    let rows = summaries.map { s in
      [
        s.territory, s.autoscaler, Self.number(s.scaleUps), Self.number(s.scaleDowns),
        String(format: "%.2f", s.reversalsPerHour), s.longestRamp.map(Self.duration) ?? "-",
        s.meanRamp.map(Self.duration) ?? "-", String(format: "%.1f", s.podHours),
        String(format: "%.0f", s.sloViolationMinutes),
      ]
    }
    return TextColumns.render(header: header, rows: rows)
  }

  static func number(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
  }

  /// `45 s`, `2 min 15 s`.
  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s < 60 ? "\(s) s" : s % 60 == 0 ? "\(s / 60) min" : "\(s / 60) min \(s % 60) s"
  }
}

/// Columns of text padded to their widest cell, two spaces apart, numbers right-aligned.
enum TextColumns {
  /// Without `left`, numbers right-aligned from the third column on; with it, every column
  /// right-aligned but those in `left`.
  static func render(header: [String], rows: [[String]], left: Set<Int>? = nil) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    func isNumber(_ s: String) -> Bool { s.first.map { $0.isNumber || $0 == "-" } ?? false }
    return all.map { row in
      var line = row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        let right = left.map { !$0.contains(c) } ?? (c > 1 && isNumber(cell))
        return right ? pad + cell : cell + pad
      }.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      return line
    }.joined(separator: "\n")
  }
}
