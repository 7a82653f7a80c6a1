import Demand
import Foundation
import PlatformModel
import SimKernel
import SimRandom

/// Why a load test cannot be made from a scenario, in words for the user.
package struct LoadTestError: Error, Equatable, Sendable, CustomStringConvertible {
  package var description: String

  package init(_ description: String) { self.description = description }
}

/// One territory's demand over a window of a platform scenario, as the load of a k6 test:
/// a ramp per request class, the think time or the arrival rate, and the targets to judge.
///
/// Demand is sampled every `step` seconds of scenario time (users or rate x growth x the
/// calendar's multiplier) and k6 ramps linearly between the samples. With a `compression`
/// of F, the test lasts 1/F of the window: stages are F times shorter, while users, rates and
/// think times stay as the scenario has them, so the test meets the same peak, F times sooner
/// and with F times fewer requests.
package struct LoadTestPlan: Sendable {
  /// How requests come, as in the scenario.
  package enum Arrivals: Sendable {
    /// Concurrent users thinking between requests: ramps are VUs (`ramping-vus`).
    case closed(think: Distribution)
    /// Poisson arrivals: ramps are iterations per `timeUnit` seconds (`ramping-arrival-rate`).
    case open(timeUnit: Int)
  }

  /// The load of one request class: its share of the territory's demand.
  package struct ClassLoad: Sendable {
    /// As in the topology.
    package var name: String
    /// k6 scenario name and `class` tag: letters, digits, `_` and `-` only, unique.
    package var tag: String
    /// The JavaScript function that issues the request: an identifier, unique.
    package var function: String
    /// Share of the territory's requests (the mix's weight over the sum of weights).
    package var share: Double
    /// Appended to `BASE_URL`.
    package var path: String
    package var ramp: Ramp
    /// Open arrivals only: VUs k6 allocates before the test, and the most it may use.
    package var preAllocatedVUs = 0
    package var maxVUs = 0
    /// The class's p95 target in the window, as `capsim run` judges it (its own objectives
    /// over the scenario's): the strictest of the periods the window reaches, since k6 judges
    /// the whole test at once.
    package var p95Target = 0.0
    /// The class's p99 target likewise, when the class sets its own (as capsim run judges it).
    package var p99Target: Double?
    /// The class's error-rate target (its own, else the scenario's).
    package var errorRate = 0.0
    /// Why the scenario leaves the class out of judgement: then it gets no thresholds.
    package var waiver: String?
  }

  package var scenarioName: String
  package var territory: String
  /// The territory's calendar (nil: constant demand), for local dates in the script.
  package var calendar: DemandCalendar?
  /// Scenario seconds from the calendar's start.
  package var window: Range<Double>
  /// Scenario seconds between samples of the demand.
  package var step: Double
  package var compression: Double
  package var arrivals: Arrivals
  /// Users or requests per second at multiplier 1, before growth.
  package var base: Double
  package var growth: Double
  /// Request classes with a weight above 0, in the topology's order.
  package var classes: [ClassLoad]
  /// Classes left out of a closed-loop script: their share of the users rounds to no VU
  /// throughout the window (the script's mix is then not the scenario's).
  package var undriven: [String] = []
  /// Seasons the window reaches (a moment belongs to one from its ramp's first step) and
  /// whether it has normal load too.
  package var seasons: [String]
  package var hasNormalLoad: Bool
  /// The p99 target of all classes together in the window (the strictest that applies), if any.
  package var allP99Target: Double? = nil
  package var objectives: ServiceObjectives
  /// The territory's app timeout: the longest a request lasts on the platform.
  package var timeout: Double

  /// The demand's level (users, or requests per second) at the window's busiest 5 minutes,
  /// before any sampling: what a coarse step must not average away.
  package var busiestLevel: Double {
    var most = 0.0
    var time = window.lowerBound
    while time < window.upperBound {
      most = max(most, base * growth * (calendar?.multiplier(at: time) ?? 1))
      time += 300
    }
    return most
  }

  /// The most samples a plan takes (69 days at 5 minutes): k6 parses every stage at start.
  package static let sampleLimit = 20_000

  /// Plans the load of territory `territory` of `scenario`.
  ///
  /// - Parameters:
  ///   - window: scenario seconds; default the whole run.
  ///   - step: scenario seconds between samples; default 5 minutes, or longer so that a stage
  ///     lasts at least a second of the test.
  ///   - compression: the test lasts the window / compression (at least 1).
  ///   - paths: per class name, the path of its request; default `/api/<class>`.
  package init(
    scenario: PlatformScenario, territory t: Int, window: Range<Double>? = nil, step: Double? = nil,
    compression: Double = 1, paths: [String: String] = [:]
  ) throws(LoadTestError) {
    let platform = scenario.platform
    guard platform.territories.indices.contains(t), scenario.demand.indices.contains(t) else {
      throw LoadTestError("no territory \(t) in the scenario")
    }
    let demand = scenario.demand[t]
    let window = window ?? 0..<scenario.horizon
    guard window.lowerBound >= 0, window.upperBound <= scenario.horizon, !window.isEmpty else {
      throw LoadTestError("the window must be a non-empty part of the run (0 to \(Self.decimal(scenario.horizon)) s)")
    }
    guard compression.isFinite, compression >= 1 else {
      throw LoadTestError("the compression must be a factor of at least 1, got \(Self.decimal(compression))")
    }
    let span = window.upperBound - window.lowerBound
    guard span / compression >= 1 else {
      throw LoadTestError(
        "the test would last under a second (\(Self.decimal(span)) s compressed \(String(format: "%g", compression)) times)"
      )
    }
    let step = step ?? max(300, compression)
    guard step.isFinite, step > 0, step / compression >= 1 else {
      throw LoadTestError(
        "a step of \(Self.decimal(step)) s compressed \(Self.decimal(compression)) times lasts under a second of the test; take a step of at least \(Int(compression.rounded(.up))) s"
      )
    }
    let samples = Int(rounding: span / step, .up) ?? .max
    guard samples <= Self.sampleLimit else {
      let needed = Int(rounding: span / Double(Self.sampleLimit) / 60, .up) ?? 0
      throw LoadTestError(
        "\(samples) samples of the demand are too many for a k6 script (at most \(Self.sampleLimit)): take a step of at least \(needed) min or a shorter window"
      )
    }

    scenarioName = scenario.name
    territory = platform.territories[t].name
    calendar = demand.calendar
    self.window = window
    self.step = step
    self.compression = compression
    growth = demand.growth
    objectives = scenario.objectives
    timeout = platform.territories[t].app.timeout
    let base: Double
    switch demand.base {
    case .users(let n, let think):
      base = Double(n)
      arrivals = .closed(think: think)
    case .rate(let r):
      base = r
      arrivals = .open(timeUnit: 1)
    }
    self.base = base

    // Samples: at every step from the window's start, and at its end.
    var times = (0..<samples).map { window.lowerBound + Double($0) * step }
    times.append(window.upperBound)
    let level = times.map { base * demand.growth * (demand.calendar?.multiplier(at: $0) ?? 1) }
    // Stages are merged in scenario time, where samples are evenly spaced, and compressed
    // after: rounding compressed times to milliseconds would bend straight lines.
    var milliseconds: [Int] = []
    for time in times {
      guard let ms = Int(rounding: (time - window.lowerBound) * 1_000) else {
        throw LoadTestError("the window is too long for k6")
      }
      milliseconds.append(ms)
    }

    let totalWeight = demand.mix.reduce(0, +)
    let weighted = platform.requestClasses.indices.filter { demand.mix.indices.contains($0) && demand.mix[$0] > 0 }
    guard totalWeight > 0, !weighted.isEmpty else { throw LoadTestError("the territory's mix has no weight") }
    if case .open = arrivals {
      arrivals = .open(
        timeUnit: Self.timeUnit(level: level, times: times, shares: weighted.map { demand.mix[$0] / totalWeight }))
    }
    let perTarget: Double
    switch arrivals {
    case .closed: perTarget = 1
    case .open(let unit): perTarget = Double(unit)
    }

    var tags = Set<String>()
    var functions = Set<String>()
    var classes: [ClassLoad] = []
    // Each sample's whole is rounded once and shared out by largest remainders, so the classes'
    // targets add up to it (1,250 users were 1,252 when each class rounded on its own).
    let shares = weighted.map { demand.mix[$0] / totalWeight }
    var targetsByClass = [[Int]](repeating: [], count: weighted.count)
    for l in level {
      let whole = l * perTarget
      guard let total = Int(rounding: whole), total <= 1_000_000_000 else {
        let c = shares.indices.max { shares[$0] < shares[$1] } ?? 0
        throw LoadTestError(
          "the demand of class '\(platform.requestClasses[weighted[c]].name)' is too large for k6 (\(Self.decimal(whole * shares[c])) at once)"
        )
      }
      for (c, t) in Self.apportion(total, shares: shares).enumerated() { targetsByClass[c].append(t) }
    }
    for (k, c) in weighted.enumerated() {
      let name = platform.requestClasses[c].name
      let share = shares[k]
      let targets = targetsByClass[k]
      let tag = Self.unique(Self.safeName(name, allowed: "-"), in: &tags)
      let function = Self.unique("request_" + Self.safeName(name, allowed: ""), in: &functions)
      classes.append(
        ClassLoad(
          name: name, tag: tag, function: function, share: share, path: paths[name] ?? Self.defaultPath(name),
          ramp: Ramp(times: milliseconds, targets: targets).compressed(by: compression)))
    }
    // k6 refuses a ramping-vus scenario that never has a VU ("either startVUs or one of the
    // stages' target values must be greater than 0", RampingVUsConfig.Validate), so a class
    // whose share of few users rounds to none throughout is left out, and said.
    if case .closed = arrivals {
      undriven = classes.filter { $0.ramp.peak == 0 }.map(\.name)
      classes.removeAll { $0.ramp.peak == 0 }
      if classes.isEmpty {
        throw LoadTestError("the window has no users: no class has a VU at any time, so there is nothing for k6 to run")
      }
    }
    self.classes = classes

    // Periods hour by hour, as the simulator judges them.
    var seasons: [String] = []
    var hasNormalLoad = demand.calendar == nil
    if let calendar = demand.calendar {
      var names = ["normal"]
      for s in calendar.seasons where !names.contains(s.name) { names.append(s.name) }  // a season per year
      let first = Int(rounding: window.lowerBound / 3_600, .down) ?? 0
      let last = Int(rounding: window.upperBound / 3_600, .up) ?? first
      for hour in first..<max(first + 1, last) {
        let p = PlatformScenario.period(at: Double(hour) * 3_600 + 1_800, calendar: calendar, names: names)
        if p == 0 {
          hasNormalLoad = true
        } else if !seasons.contains(names[p]) {
          seasons.append(names[p])
        }
      }
    }
    self.seasons = seasons
    self.hasNormalLoad = hasNormalLoad

    // The targets `capsim run` judges each class by, for the periods in the window.
    // A quiet season (a multiplier of 1 or below) is judged by the normal targets.
    let raising = seasons.contains { name in
      demand.calendar?.seasons.contains { $0.name == name && $0.multiplier > 1 } ?? false
    }
    let quiet = seasons.contains { name in
      !(demand.calendar?.seasons.contains { $0.name == name && $0.multiplier > 1 } ?? false)
    }
    let peaks = (hasNormalLoad || quiet ? [false] : []) + (raising ? [true] : [])
    let objectives = scenario.objectives
    allP99Target = peaks.compactMap { objectives.p99(of: nil, peak: $0) }.min()
    for i in self.classes.indices {
      let name = self.classes[i].name
      self.classes[i].p95Target = peaks.compactMap { objectives.p95(of: name, peak: $0) }.min() ?? objectives.p95
      // A class's p99 is judged when the class has its own; the scenario's is judged for all
      // classes together (allP99Target), as capsim run does.
      let ownP99 = objectives.classes[name].map { $0.p99 != nil || $0.peakP99 != nil } ?? false
      self.classes[i].p99Target = ownP99 ? peaks.compactMap { objectives.p99(of: name, peak: $0) }.min() : nil
      self.classes[i].errorRate = objectives.errorRate(of: name)
      self.classes[i].waiver = objectives.classes[name]?.waiver
    }

    if case .open(let unit) = arrivals {
      // Little's law: VUs busy = arrival rate x time in the system. A platform that meets its
      // p95 objective answers most requests within it; none lasts longer than its timeout.
      for i in classes.indices {
        let peakRate = Double(classes[i].ramp.peak) / Double(unit)
        self.classes[i].preAllocatedVUs = max(1, Int(rounding: peakRate * self.classes[i].p95Target, .up) ?? 1)
        self.classes[i].maxVUs = max(self.classes[i].preAllocatedVUs, Int(rounding: peakRate * timeout, .up) ?? 1)
      }
    }
  }

  /// Length of the test in seconds.
  package var testDuration: Double { (window.upperBound - window.lowerBound) / compression }

  /// Requests the test issues: open arrivals exactly (the iterations k6 schedules); closed
  /// demand about VU-seconds / think time, when responses are short next to the think time.
  package var expectedRequests: Double? {
    let area = classes.reduce(0) { $0 + $1.ramp.area }
    switch arrivals {
    case .open(let unit): return area / Double(unit)
    case .closed(let think): return think.mean > 0 ? area / think.mean : nil
    }
  }

  /// The coarsest time unit (a second, a minute or an hour) is the finest at which whole
  /// iterations per unit keep every class's requests to 1%: rounding a target moves it by at
  /// most half an iteration per unit, so a class needs 50 iterations per unit on average.
  static func timeUnit(level: [Double], times: [Double], shares: [Double]) -> Int {
    var area = 0.0
    for i in 1..<level.count { area += (level[i - 1] + level[i]) / 2 * (times[i] - times[i - 1]) }
    let meanRate = area / (times[times.count - 1] - times[0])
    let slowest = (shares.min() ?? 1) * meanRate
    for unit in [1, 60, 3_600] where slowest * Double(unit) >= 50 { return unit }
    return 3_600
  }

  /// `name` with every character other than ASCII letters, digits, `_` and `allowed` as `_`.
  static func safeName(_ name: String, allowed: String) -> String {
    let safe = String(
      name.unicodeScalars.map { u -> Character in
        u.isASCII
          && (u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "_" || allowed.unicodeScalars.contains(u))
          ? Character(u) : "_"
      })
    return safe.isEmpty ? "class" : safe
  }

  /// `total` shared by `shares` (summing to 1) in whole numbers that add up to it: each its
  /// floor, then one more to the largest remainders (Hamilton's method), ties to the first.
  package static func apportion(_ total: Int, shares: [Double]) -> [Int] {
    let exact = shares.map { Double(total) * $0 }
    var out = exact.map { Int($0.rounded(.down)) }
    let left = total - out.reduce(0, +)
    let order = exact.indices.sorted { a, b in
      let (ra, rb) = (exact[a] - Double(out[a]), exact[b] - Double(out[b]))
      return ra != rb ? ra > rb : a < b
    }
    for i in order.prefix(max(0, left)) { out[i] += 1 }
    return out
  }

  static func unique(_ name: String, in taken: inout Set<String>) -> String {
    var candidate = name
    var n = 2
    while taken.contains(candidate) {
      candidate = "\(name)_\(n)"
      n += 1
    }
    taken.insert(candidate)
    return candidate
  }

  /// `/api/<class>`, the name percent-encoded as a path segment.
  static func defaultPath(_ name: String) -> String {
    var segment = CharacterSet.urlPathAllowed
    segment.remove("/")
    return "/api/" + (name.addingPercentEncoding(withAllowedCharacters: segment) ?? "class")
  }
}

extension LoadTestPlan {
  /// The most the test asks at once (VUs, or requests/s of open demand) against the scenario's
  /// busiest level in the same unit, where a stage averages the peak away: the test reaches
  /// less than 80% of it (a daily step of a week reached 16 VUs of 800 users). Nil otherwise.
  package var averagedPeak: (reached: Double, busiest: Double)? {
    let peaks = Double(classes.reduce(0) { $0 + $1.ramp.peak })
    let reached: Double
    switch arrivals {
    case .closed: reached = peaks
    case .open(let timeUnit): reached = peaks / Double(timeUnit)
    }
    return reached < 0.8 * busiestLevel ? (reached, busiestLevel) : nil
  }
}
