import Demand
import Foundation
import PlatformModel
import QueueingModel
import RunRecords
import ScenarioFile
import SimKernel

/// What is recorded of a run: the results turned into `RunRecords` values (means over
/// replications per window; local labels from the calendar).
extension RunData {
  /// The series, verdicts, costs, targets and events of a platform run.
  package static func platform(_ result: PlatformResult, verdicts: [Verdict], run: RunRecord) -> RunData {
    let s = result.scenario
    let reps = result.replications
    let n = Double(reps.count)
    func mean(_ xs: [Double?]) -> Double? {
      let v = xs.compactMap { $0 }.filter(\.isFinite)
      return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }
    func local(_ t: Int, _ time: Double) -> String { Self.localLabel(s, t, time) }
    var series: [SeriesPoint] = []
    for (t, territory) in s.platform.territories.enumerated() {
      let windows = reps[0].territories[t].windows
      let nodes = PlatformRun.nodes(billedTo: t, s.platform)
      for w in windows.indices {
        let ws = reps.map { $0.territories[t].windows[w] }
        let first = ws[0]
        func point(_ tier: String, _ requestClass: String = "all") -> SeriesPoint {
          SeriesPoint(
            territory: territory.name, tier: tier, requestClass: requestClass, windowStart: first.start,
            windowEnd: first.end, localStart: local(t, first.start), period: result.periods[first.period])
        }
        var all = point("all")
        all.demandMultiplier = first.multiplier
        all.arrivals = ws.map { Double($0.counts.arrivals) }.reduce(0, +) / n
        all.completions = ws.map { Double($0.counts.completed) }.reduce(0, +) / n
        all.errorsQueueFull = ws.map { Double($0.counts.errors[ErrorCause.queueFull.rawValue]) }.reduce(0, +) / n
        all.errorsTimeout = ws.map { Double($0.counts.errors[ErrorCause.timeout.rawValue]) }.reduce(0, +) / n
        all.errorsNoConnection = ws.map { Double($0.counts.errors[ErrorCause.noConnection.rawValue]) }.reduce(0, +) / n
        all.errorsNodeDown = ws.map { Double($0.counts.errors[ErrorCause.nodeDown.rawValue]) }.reduce(0, +) / n
        all.latencyP50 = mean(ws.map(\.latency.p50))
        all.latencyP95 = mean(ws.map(\.latency.p95))
        all.latencyP99 = mean(ws.map(\.latency.p99))
        all.utilization = mean(ws.map(\.cpuUtilization))
        all.instances = mean(ws.map(\.instances))
        all.users = mean(ws.map(\.users))
        let modes = Set(ws.compactMap(\.mode))
        all.mode = modes.count > 1 ? WindowMode.mixed.rawValue : modes.first?.rawValue
        series.append(all)
        var app = point("app")
        app.utilization = mean(ws.map(\.cpuUtilization))
        app.instances = mean(ws.map(\.instances))
        series.append(app)
        var database = point("database")
        database.latencyP95 = mean(ws.map(\.databaseP95))
        series.append(database)
        for (c, name) in s.platform.requestClasses.map(\.name).enumerated() {
          var p = point("all", name)
          p.latencyP95 = mean(ws.map { $0.classP95[c] })
          series.append(p)
        }
        for node in nodes {
          var p = point(s.platform.databases[node].name)
          p.utilization = mean(
            reps.map {
              $0.nodes[node].windowUtilization.indices.contains(w) ? $0.nodes[node].windowUtilization[w] : nil
            })
          if s.platform.databases[node].replicaOf != nil {
            p.replicaLag = mean(
              reps.map { $0.nodes[node].windowMaxLag.indices.contains(w) ? $0.nodes[node].windowMaxLag[w] : nil })
          }
          series.append(p)
        }
      }
    }
    let verdictRecords = Self.records(verdicts, scenario: s)
    var targets: [String: Double] = [
      "p95": s.objectives.p95, "peakP95": s.objectives.peakP95, "errorRate": s.objectives.errorRate,
      "databaseP95": s.objectives.databaseP95, "availability": s.objectives.availability,
    ]
    if let p99 = s.objectives.p99 { targets["p99"] = p99 }
    if let p99 = s.objectives.peakP99 { targets["peakP99"] = p99 }
    return RunData(
      run: run, series: series, verdicts: verdictRecords, costs: costs(result), targets: targets,
      events: events(result), autoscalerSyncs: autoscalerSyncs(result), locks: locks(result))
  }

  /// Each territory's row locks, means over replications (only those its requests took).
  static func locks(_ result: PlatformResult) -> [LockRecord] {
    let reps = result.replications
    var out: [LockRecord] = []
    for (t, territory) in result.scenario.platform.territories.enumerated() {
      for (l, lock) in result.scenario.platform.locks.enumerated() {
        let rs = reps.compactMap { $0.territories[t].locks.indices.contains(l) ? $0.territories[t].locks[l] : nil }
        guard rs.contains(where: { $0.grants > 0 }) else { continue }
        func mean(_ xs: [Double?]) -> Double? {
          let v = xs.compactMap { $0 }
          return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        out.append(
          LockRecord(
            territory: territory.name, lock: lock.name, rows: lock.rows,
            requests: rs.map { Double($0.grants) }.reduce(0, +) / Double(rs.count),
            waitedShare: mean(rs.map(\.waitedShare)), waitMean: mean(rs.map(\.meanWait)),
            heldMean: mean(rs.map(\.meanHeld)), busiestRow: mean(rs.map(\.busiestRow)) ?? 0))
      }
    }
    return out
  }

  /// `2026-12-08T09:00:15`: local time to the second (syncs are 15 s apart).
  static func secondsLabel(_ calendar: DemandCalendar, _ time: Double) -> String {
    let (date, hour) = calendar.localTime(at: time)
    let seconds = min(Int((hour * 3_600).rounded()), 86_399)
    return String(format: "%@T%02d:%02d:%02d", date.description, seconds / 3_600, seconds / 60 % 60, seconds % 60)
  }

  /// Every autoscaler sync of every replication, by replication, territory and time.
  static func autoscalerSyncs(_ result: PlatformResult) -> [AutoscalerSyncRecord] {
    let s = result.scenario
    var out: [AutoscalerSyncRecord] = []
    for (r, replication) in result.replications.enumerated() {
      for autoscaler in s.autoscalers {
        let t = autoscaler.territory
        let name = s.platform.territories[t].name
        for sync in replication.territories[t].autoscaler {
          out.append(
            AutoscalerSyncRecord(
              replication: r, territory: name, autoscaler: autoscaler.title, time: sync.time,
              localTime: s.demand[t].calendar.map { Self.secondsLabel($0, sync.time) }, metrics: sync.metrics,
              recommendation: sync.recommendation, stabilized: sync.stabilized, currentReplicas: sync.current,
              desiredReplicas: sync.desired, readyPods: sync.readyPods, totalPods: sync.totalPods, reason: sync.reason))
        }
      }
    }
    return out
  }

  /// Instance-hours and database node-hours per territory and local calendar month.
  static func costs(_ result: PlatformResult) -> [CostRecord] {
    let s = result.scenario
    let n = Double(result.replications.count)
    var out: [CostRecord] = []
    for (t, territory) in s.platform.territories.enumerated() {
      let nodes = PlatformRun.nodes(billedTo: t, s.platform)
      var months: [String] = []
      var hours: [String: (instances: Double, span: Double)] = [:]
      func month(at time: Double) -> String {
        guard let calendar = s.demand[t].calendar else { return "run" }
        let date = calendar.localTime(at: time).date
        return String(format: "%04d-%02d", date.year, date.month)
      }
      func add(_ month: String, instances: Double, span: Double) {
        if hours[month] == nil { months.insert(month, at: months.firstIndex { $0 > month } ?? months.count) }
        hours[month, default: (0, 0)].instances += instances / n
        hours[month, default: (0, 0)].span += span / n
      }
      /// [a, b) cut at local month boundaries: each piece's month and seconds. A window across
      /// one (a weekly or daily series) was counted whole in the month it starts in.
      func pieces(_ a: Double, _ b: Double) -> [(month: String, seconds: Double)] {
        guard let calendar = s.demand[t].calendar else { return [("run", b - a)] }
        var out: [(String, Double)] = []
        var x = a
        while x < b {
          let date = calendar.localTime(at: x).date
          let boundary = DemandCalendar.instant(date.nextMonth, in: calendar.timeZone).timeIntervalSince(calendar.start)
          let y = boundary > x ? min(b, boundary) : b
          out.append((month(at: x), y - x))
          x = y
        }
        return out
      }
      for r in result.replications {
        var windowed = 0.0
        for w in r.territories[t].windows {
          for piece in pieces(w.start, w.end) {
            let length = piece.seconds / 3_600
            add(piece.month, instances: w.instances * length, span: length)
          }
          windowed += w.instances * (w.end - w.start) / 3_600
        }
        // The warm-up keeps no windows, but its instances ran and are paid for, as the run's
        // own cost says: the month the run starts in has them.
        if s.warmup > 0 {
          add(month(at: 0), instances: max(0, r.territories[t].cost.instanceHours - windowed), span: s.warmup / 3_600)
        }
      }
      for month in months {
        let h = hours[month]!
        let nodeHours = h.span * Double(nodes.count)
        let nodeCost = nodes.map { s.platform.databases[$0].pricePerHour * h.span }.reduce(0, +)
        out.append(
          CostRecord(
            territory: territory.name, month: month, currency: territory.currency, instanceHours: h.instances,
            instanceCost: h.instances * territory.app.pricePerHour, databaseNodeHours: nodeHours,
            databaseCost: nodeCost,
            spanHours: h.span, monthHours: s.demand[t].calendar.flatMap { Self.hours(ofMonth: month, $0) }))
      }
    }
    return out
  }

  /// "2026-12-07T10:00" in the territory's calendar, "+3600s" without one.
  static func localLabel(_ s: PlatformScenario, _ t: Int, _ time: Double) -> String {
    s.demand[t].calendar?.uniqueLabel(at: time) ?? "+\(Int(rounding: time) ?? 0)s"
  }

  /// Verdicts as they are kept and written everywhere: worst windows by their local start.
  static func records(_ verdicts: [Verdict], scenario s: PlatformScenario) -> [VerdictRecord] {
    verdicts.map { v in
      let t = s.platform.territories.firstIndex { $0.name == v.territory } ?? 0
      return VerdictRecord(
        territory: v.territory, period: v.period, requestClass: v.requestClass ?? "all",
        objective: v.objective.rawValue,
        target: v.target, higherIsBetter: v.objective.higherIsBetter, mean: v.measured.mean,
        halfWidth: v.measured.halfWidth,
        outcome: v.outcome.rawValue, worstWindowLocal: v.worstWindow.map { Self.localLabel(s, t, $0) },
        worstValue: v.worstValue, note: v.note)
    }
  }

  /// Hours of a local calendar month ("2026-03": 743, a daylight-saving spring), or nil.
  static func hours(ofMonth month: String, _ calendar: DemandCalendar) -> Double? {
    let parts = month.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 2 else { return nil }
    let (year, m) = (parts[0], parts[1])
    let first = DemandCalendar.instant(CivilDate(year, m, 1), in: calendar.timeZone)
    let next = DemandCalendar.instant(CivilDate(year, m, 1).nextMonth, in: calendar.timeZone)
    return next.timeIntervalSince(first) / 3_600
  }

  /// End-to-end and per-station series of a queueing-network run.
  package static func network(_ result: ExperimentResult, scenario: Scenario, run: RunRecord) -> RunData {
    let reps = result.replicationResults
    guard let first = reps.first else { return RunData(run: run) }
    var series: [SeriesPoint] = []
    func mean(_ xs: [Double]) -> Double? {
      let v = xs.filter(\.isFinite)
      return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }
    // With a calendar, each window's period and demand multiplier as a platform run records
    // them: the season whose ramp it is furthest into at its middle, the multiplier's mean.
    let names = ["normal"] + (scenario.calendar?.seasons.map(\.name) ?? [])
    func period(_ start: Double, _ end: Double) -> String {
      guard let calendar = scenario.calendar else { return "normal" }
      return names[PlatformScenario.period(at: (start + end) / 2, calendar: calendar, names: names)]
    }
    for w in first.series.indices {
      let ws = reps.map { $0.series[w] }
      let label = scenario.calendar?.uniqueLabel(at: ws[0].start) ?? "+\(Int(ws[0].start))s"
      let windowPeriod = period(ws[0].start, ws[0].end)
      var all = SeriesPoint(
        territory: "", tier: "all", requestClass: "all", windowStart: ws[0].start, windowEnd: ws[0].end,
        localStart: label, period: windowPeriod)
      all.demandMultiplier = scenario.calendar?.meanMultiplier(from: ws[0].start, to: ws[0].end)
      all.arrivals = mean(ws.map { Double($0.arrivals) })
      all.completions = mean(ws.map { Double($0.completed) })
      all.errorsQueueFull = mean(ws.map { Double($0.lost) })
      all.errorsTimeout = mean(ws.map { Double($0.timedOut) })
      all.latencyP50 = mean(ws.map(\.responseP50))
      all.latencyP95 = mean(ws.map(\.responseP95))
      all.latencyP99 = mean(ws.map(\.responseP99))
      series.append(all)
      for (i, station) in scenario.network.stations.enumerated() where ws[0].stations.indices.contains(i) {
        var p = SeriesPoint(
          territory: "", tier: station.name, requestClass: "all", windowStart: ws[0].start, windowEnd: ws[0].end,
          localStart: label, period: windowPeriod)
        if case .finite(let c) = station.servers {
          p.utilization = mean(ws.map { $0.stations[i].meanBusyServers / Double(c) })
        }
        p.queueLength = mean(ws.map { $0.stations[i].meanInStation })
        series.append(p)
      }
    }
    return RunData(run: run, series: series)
  }
}
