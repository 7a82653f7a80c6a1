import RunRecords

/// A run's series grouped by territory, tier and request class, with the derived quantities the
/// charts and tables share (rates, targets, peaks, seasons).
///
/// Series values are read as recorded: counts (arrivals, completions, errors) per window,
/// latencies and replica lag in seconds, utilization as a fraction of 1.
struct RunIndex {
  struct Key: Hashable {
    var territory: String
    var tier: String
    var requestClass: String
  }

  /// The largest value of a quantity and the window it came from.
  struct Peak {
    var value: Double
    var point: SeriesPoint
    /// Which series (tier or class) it came from, where there are several.
    var source: String = ""

    /// "Fri 04 Dec 14:00": the year is on the time axis.
    var local: String {
      LocalTime(point.localStart).map { "\($0.dayLabel) \($0.clockLabel)" } ?? point.localStart
    }
  }

  let data: RunData
  /// In order of first appearance: series, then verdicts, then costs.
  let territories: [String]
  private var groups: [Key: [SeriesPoint]] = [:]
  private var tierOrder: [String: [String]] = [:]
  private var classOrder: [String: [String]] = [:]

  /// A queueing-network run: one network and its stations, no territories, instances or database.
  var isNetwork: Bool { data.run.kind == "network" }

  /// How a territory is named on the page: a network run's one "territory" is its scenario.
  func title(_ territory: String) -> String {
    territory.isEmpty ? (isNetwork ? "network \(data.run.scenarioName)" : "all") : territory
  }

  init(_ data: RunData) {
    self.data = data
    var seen = Set<String>()
    var order: [String] = []
    for t in data.series.map(\.territory) + data.verdicts.map(\.territory) + data.costs.map(\.territory)
    where seen.insert(t).inserted {
      order.append(t)
    }
    territories = order
    for p in data.series {
      let key = Key(territory: p.territory, tier: p.tier, requestClass: p.requestClass)
      if groups[key] == nil {
        if p.requestClass == "all" && p.tier != "all" { tierOrder[p.territory, default: []].append(p.tier) }
        if p.requestClass != "all" && !(classOrder[p.territory]?.contains(p.requestClass) ?? false) {
          classOrder[p.territory, default: []].append(p.requestClass)
        }
      }
      groups[key, default: []].append(p)
    }
    for k in groups.keys { groups[k]!.sort { $0.windowStart < $1.windowStart } }
  }

  /// Rows of one territory, tier and class, by time.
  func points(_ territory: String, tier: String = "all", requestClass: String = "all") -> [SeriesPoint] {
    groups[Key(territory: territory, tier: tier, requestClass: requestClass)] ?? []
  }

  /// Tiers other than "all", in order of appearance ("app", then database nodes).
  func tiers(_ territory: String) -> [String] { tierOrder[territory] ?? [] }

  /// Database nodes (or, for network runs, stations): every tier but "all" and "app".
  func nodes(_ territory: String) -> [String] { tiers(territory).filter { $0 != "app" } }

  /// Request classes other than "all".
  func classes(_ territory: String) -> [String] { classOrder[territory] ?? [] }

  /// "normal" first, then the seasons in order of appearance.
  func periods(_ territory: String) -> [String] {
    var out: [String] = []
    for p in points(territory).map(\.period) + data.verdicts.filter({ $0.territory == territory }).map(\.period)
    where !out.contains(p) {
      out.append(p)
    }
    if let i = out.firstIndex(of: "normal"), i > 0 { out.insert(out.remove(at: i), at: 0) }
    return out
  }

  /// One time axis for the whole run, so that every chart lines up.
  func timeAxis(alsoOf other: RunData? = nil) -> TimeAxis {
    let all = (data.series + (other?.series ?? [])).filter { $0.tier == "all" && $0.requestClass == "all" }
    let rows = all.isEmpty ? data.series : all
    return TimeAxis(
      windows: rows.map { ($0.windowStart, $0.windowEnd, $0.localStart) }, timeZone: data.run.timeZone)
  }

  /// The territory's faults, capacity changes and deployments that happened at a time, for
  /// marking on its charts (random crashes have none; the table lists them).
  func marks(_ territory: String) -> [SVGChart.Mark] {
    data.events.filter { $0.territory == territory }.compactMap { e in
      guard let start = e.start else { return nil }
      return SVGChart.Mark(from: start, to: max(start, e.end ?? start), label: e.label, style: Self.style(of: e))
    }
  }

  /// Capacity changes and deployments are done on purpose; the rest are faults.
  static func style(of event: EventRecord) -> SVGChart.Mark.Style {
    ["capacity", "deployment"].contains(event.kind) ? .change : .fault
  }

  /// Stretches of a season (any period but "normal"), for shading.
  func seasons(_ territory: String) -> [SVGChart.Band] {
    var out: [SVGChart.Band] = []
    for p in points(territory) where p.period != "normal" && !p.period.isEmpty {
      if let last = out.last, last.label == p.period, abs(last.to - p.windowStart) < 1 {
        out[out.count - 1].to = p.windowEnd
      } else {
        out.append(.init(from: p.windowStart, to: p.windowEnd, label: p.period))
      }
    }
    return out
  }

  // MARK: Quantities

  /// Arrivals per second in the window.
  static func arrivalRate(_ p: SeriesPoint) -> Double? {
    guard let a = p.arrivals, p.windowEnd > p.windowStart else { return nil }
    return a / (p.windowEnd - p.windowStart)
  }

  /// Failed requests of one cause (or all) as a fraction of arrivals.
  static func errorFraction(_ p: SeriesPoint, _ cause: ErrorCause?) -> Double? {
    guard let a = p.arrivals, a > 0 else { return nil }
    let causes = cause.map { [$0] } ?? ErrorCause.allCases
    let counts = causes.compactMap { p[keyPath: $0.keyPath] }
    guard !counts.isEmpty else { return nil }
    return counts.reduce(0, +) / a
  }

  enum ErrorCause: CaseIterable {
    case queueFull, timeout, noConnection, nodeDown

    var name: String {
      switch self {
      case .queueFull: "queue full"
      case .timeout: "timeout"
      case .noConnection: "no connection"
      case .nodeDown: "node down"
      }
    }

    var keyPath: KeyPath<SeriesPoint, Double?> {
      switch self {
      case .queueFull: \.errorsQueueFull
      case .timeout: \.errorsTimeout
      case .noConnection: \.errorsNoConnection
      case .nodeDown: \.errorsNodeDown
      }
    }
  }

  /// App CPU rows: the "app" tier where it carries utilization, the end-to-end rows otherwise.
  func appRows(_ territory: String) -> [SeriesPoint] {
    let app = points(territory, tier: "app")
    return app.contains { $0.utilization != nil } ? app : points(territory)
  }

  /// Instances over time: end to end, or the "app" tier.
  func instanceRows(_ territory: String) -> [SeriesPoint] {
    let all = points(territory)
    return all.contains { $0.instances != nil } ? all : points(territory, tier: "app")
  }

  /// Requests one instance completes per second of busy CPU, from the whole run:
  /// Σ completions ÷ Σ (utilization × instances × window length).
  ///
  /// Times instances, it gives the arrival rate at which the pool would run at 100 % CPU: the
  /// capacity line on the demand chart. Windows under 5 % CPU are left out, where idle overhead
  /// would dominate. Nil when the run has no utilization or instances.
  func requestsPerInstanceSecond(_ territory: String) -> Double? {
    let app = Dictionary(appRows(territory).map { ($0.windowStart, $0) }, uniquingKeysWith: { a, _ in a })
    let instances = Dictionary(
      instanceRows(territory).map { ($0.windowStart, $0.instances) }, uniquingKeysWith: { a, _ in a })
    var done = 0.0
    var busy = 0.0
    for p in points(territory) {
      guard let c = p.completions ?? p.arrivals, let u = app[p.windowStart]?.utilization, u >= 0.05,
        let n = instances[p.windowStart] ?? nil, n > 0
      else { continue }
      done += c
      busy += u * n * (p.windowEnd - p.windowStart)
    }
    return busy > 0 && done > 0 ? done / busy : nil
  }

  /// The SLO p95 target of a territory in one period: its verdict's, or the run's "p95"
  /// (normal load) or "peakP95" (a season).
  func latencyTarget(_ territory: String, period: String) -> Double? {
    let verdict = data.verdicts.first {
      $0.territory == territory && $0.period == period && $0.objective == "p95 latency" && $0.requestClass == "all"
        && $0.target != nil
    }
    return verdict?.target ?? data.targets[period == "normal" ? "p95" : "peakP95"]
  }

  /// The p95 target of one request class in a period, when its verdict's differs from the
  /// territory's (a class with its own objective); nil otherwise or without a verdict.
  func ownLatencyTarget(_ territory: String, requestClass: String, period: String) -> Double? {
    let verdict = data.verdicts.first {
      $0.territory == territory && $0.period == period && $0.objective == "p95 latency"
        && $0.requestClass == requestClass && $0.target != nil
    }
    guard let target = verdict?.target, target != latencyTarget(territory, period: period) else { return nil }
    return target
  }

  /// The error-rate target (a fraction), from the verdicts or the run's targets.
  func errorRateTarget(_ territory: String) -> Double? {
    data.verdicts.first { $0.territory == territory && $0.objective == "error rate" && $0.target != nil }?.target
      ?? data.targets["errorRate"]
  }

  // MARK: Peaks

  /// A quiet hour's p95 of a few dozen requests is noise, not a peak: latency peaks come from
  /// windows with at least this many requests (PlatformModel's worst windows use the same
  /// bound, `PlatformResult.worstWindowMinimumRequests`, which this module cannot import).
  static let minimumPeakRequests = 100.0

  static func hasPeakWeight(_ p: SeriesPoint) -> Bool { (p.arrivals ?? 0) >= minimumPeakRequests }

  static func peak(_ rows: [SeriesPoint], source: String = "", _ value: (SeriesPoint) -> Double?) -> Peak? {
    var best: Peak? = nil
    for p in rows {
      guard let v = value(p), v.isFinite else { continue }
      if best == nil || v > best!.value { best = Peak(value: v, point: p, source: source) }
    }
    return best
  }

  static func highest(_ peaks: [Peak?]) -> Peak? {
    peaks.compactMap { $0 }.max { $0.value < $1.value }
  }

  /// The figures an architect looks at first, for one territory and optionally one period.
  struct Figures {
    var hours = 0.0
    var p95: Peak?
    var demand: Peak?
    var users: Peak?
    var instances: Peak?
    var meanInstances: Double?
    var appCPU: Peak?
    var databaseUtilization: Peak?
    var replicaLag: Peak?
  }

  func figures(_ territory: String, period: String? = nil) -> Figures {
    func inPeriod(_ rows: [SeriesPoint]) -> [SeriesPoint] {
      guard let period else { return rows }
      return rows.filter { $0.period == period }
    }
    let all = inPeriod(points(territory))
    var f = Figures()
    f.hours = all.reduce(0) { $0 + ($1.windowEnd - $1.windowStart) } / 3_600
    f.p95 = Self.peak(all) { Self.hasPeakWeight($0) ? $0.latencyP95 : nil }
    f.demand = Self.peak(all, Self.arrivalRate)
    f.users = Self.peak(all) { $0.users }
    let inst = inPeriod(instanceRows(territory)).filter { $0.instances != nil }
    f.instances = Self.peak(inst) { $0.instances }
    let length = inst.reduce(0) { $0 + ($1.windowEnd - $1.windowStart) }
    if length > 0 {
      f.meanInstances = inst.reduce(0) { $0 + $1.instances! * ($1.windowEnd - $1.windowStart) } / length
    }
    f.appCPU = Self.peak(inPeriod(appRows(territory))) { $0.utilization }
    f.databaseUtilization = Self.highest(
      nodes(territory).map { n in Self.peak(inPeriod(points(territory, tier: n)), source: n) { $0.utilization } })
    f.replicaLag = Self.highest(
      nodes(territory).map { n in Self.peak(inPeriod(points(territory, tier: n)), source: n) { $0.replicaLag } })
    return f
  }
}
