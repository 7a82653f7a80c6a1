import AutoscaleRules
import Autoscaling
import Foundation
import Planning
import PlatformModel

/// Derives a territory's autoscaling rules by simulation, and compares them with the ways of
/// sizing a pool that do without a search.
///
/// 1. The oracle: the planner's schedule, the fewest instances each hour of each period needs
///    (known in hindsight, so no rule can do better on its cost).
/// 2. From it the bounds: minReplicas from the quietest hour's need (at least 2, so that one
///    pod's loss is not an outage), maxReplicas from 1.5x the peak need, within the database's
///    connection limit.
/// 3. The HPA: a coarse grid of CPU targets per `behavior`, ascending, stopped at the first
///    target that misses (a higher target only packs pods tighter); then the step halved
///    between the last that held and the first that missed. A candidate holds when no verdict
///    fails, at least `peakShare` of peak windows meet their objectives over the replications
///    and it reverses direction at most `maxReversalsPerHour`. Candidates share their seeds
///    (common random numbers); one near the boundary gets more replications. The cheapest that
///    holds (pod-hours) wins.
/// 4. HPA + cron: the winning HPA's rule as a KEDA cpu trigger, with cron windows from the
///    oracle's needs, opened a ramp's lead early. Predictive: the same with windows from a
///    forecast of the demand a day ahead from the four weeks before (Holt-Winters, a weekly
///    profile or last week, whichever did best on the day before).
///
/// Scenarios longer than two weeks are judged on a week around each period's peak.
package struct AutoscaleSearch {
  package var scenario: PlatformScenario
  package var settings: AutoscaleSettings
  /// Told what is being simulated.
  package var progress: ((String) -> Void)?
  /// Told how far the simulation of each strategy or candidate has come.
  package var runProgress: (@Sendable (PlatformProgress) -> Void)?

  package init(scenario: PlatformScenario, settings: AutoscaleSettings, progress: ((String) -> Void)? = nil) {
    self.scenario = scenario
    self.settings = settings
    self.progress = progress
  }

  /// The default CPU target of an HPA written without one (`autoscaling/v1`,
  /// pkg/apis/autoscaling/v1/defaults.go `DefaultCPUUtilization`): the stock rule.
  package static let stockTarget = 80
  /// KEDA's polling interval, which a cron window's lead must cover from 0 pods.
  package static let pollingInterval = 30.0

  /// The scenario without the territory's autoscaler or schedule: what every strategy starts from.
  func base(_ t: Int) -> PlatformScenario {
    var s = scenario
    s.autoscalers.removeAll { $0.territory == t }
    s.capacity.removeAll { $0.territory == t }
    return s
  }

  /// - Throws: ``NoPodCount`` when no count up to the cap meets some period's objectives: an
  ///   autoscaler between bounds the cap fills would be sized on a count that fails.
  package func derive(territory t: Int) throws(NoPodCount) -> PoolDerivation {
    let started = Date()
    let name = scenario.platform.territories[t].name
    let base = base(t)

    // 1. The oracle.
    progress?("\(name): the planner's schedule (the oracle)")
    var planSettings = PlanSettings(
      replications: settings.replications, maxReplications: settings.maxReplications, threads: settings.threads,
      territories: [t])
    planSettings.driver = settings.driver
    var planner = CapacityPlanner(scenario: base, settings: planSettings, progress: progress)
    planner.runProgress = runProgress
    var plan = planner.plan()
    let schedule = planner.schedule(&plan)
    let (cap, capReason) = planner.cap(territory: t)
    let hourNeeds = Self.hourNeeds(base, territory: t, schedule: schedule)
    let periods = plan.periods.filter { $0.territory == t }
    let unanswered = periods.filter { $0.instances == nil }
    // minReplicas is at least 2 (one pod's loss is no outage): a cap below leaves no room.
    if cap < 2 { throw NoPodCount(territory: name, cap: cap, capReason: capReason, periods: []) }
    if !unanswered.isEmpty {
      let names = base.periodNames
      throw NoPodCount(
        territory: name, cap: cap, capReason: capReason,
        periods: unanswered.map { p in
          let most = p.fewer ?? p.chosen
          let missed = (most?.verdicts ?? []).filter {
            $0.territory == name && $0.period == names[p.period] && $0.outcome == .fail
          }
          return (names[p.period], most?.instances[t], missed)
        })
    }
    let staticPeak = periods.compactMap(\.instances).max() ?? cap
    let peakNeed = max(hourNeeds.compactMap { $0 }.max() ?? staticPeak, staticPeak)
    let quietest = hourNeeds.compactMap { $0 }.min() ?? 1
    let maxReplicas = min(cap, max(peakNeed + 2, Int((1.5 * Double(peakNeed)).rounded(.up))))
    let minReplicas = min(max(2, quietest), maxReplicas)
    let bounds = PoolBounds(
      minReplicas: minReplicas, maxReplicas: maxReplicas, quietestNeed: quietest, peakNeed: peakNeed,
      staticPeak: staticPeak, cap: cap, capReason: capReason)

    let spans = Self.spans(base, territory: t)
    var judge = Judge(search: self, territory: t, base: base, spans: spans)

    // 2. Without a search.
    var strategies: [Strategy] = []
    progress?("\(name): static peak provisioning at \(staticPeak)")
    strategies.append(
      Strategy(kind: .staticPeak, sizing: .fixed(staticPeak), score: judge.score(.fixed(staticPeak))))
    let oracleChanges = schedule.changes.filter { $0.territory == t }
    progress?("\(name): the oracle's schedule")
    strategies.append(
      Strategy(kind: .oracle, sizing: .schedule(oracleChanges), score: judge.score(.schedule(oracleChanges))))
    let stock = hpa(bounds, target: Self.stockTarget, behavior: .standard)
    progress?("\(name): the stock HPA (cpu \(Self.stockTarget)%)")
    strategies.append(
      Strategy(
        kind: .stockHPA, sizing: .autoscaler(pool(t, .hpa(stock))),
        score: judge.score(.autoscaler(pool(t, .hpa(stock))))))

    // 3. The search, per metric and behavior.
    var tried: [RuleCandidate] = []
    for metric in settings.metrics {
      for choice in BehaviorChoice.allCases {
        var held: Int? = nil
        var missed: Int? = nil
        for target in settings.targets {
          let c = judge.candidate(target: target, behavior: choice, metric: metric, bounds: bounds)
          tried.append(c)
          if c.holds { held = target } else { missed = target; break }
        }
        if let held, let missed {
          var low = held
          var high = missed
          var step = (high - low) / 2
          while step >= 5 {
            let c = judge.candidate(target: low + step, behavior: choice, metric: metric, bounds: bounds)
            tried.append(c)
            if c.holds { low += step } else { high = low + step }
            step = (high - low) / 2
          }
        }
      }
    }
    func best(_ metric: RuleMetric) -> RuleCandidate? {
      let mine = tried.filter { $0.metric == metric }
      let holding = mine.filter(\.holds)
      return holding.min {
        ($0.score.podHours, $0.score.scalingEvents, $0.target) < ($1.score.podHours, $1.score.scalingEvents, $1.target)
      } ?? mine.max { $0.score.peakShare < $1.score.peakShare }
    }
    let chosen = best(.cpu)!
    let derived = hpa(bounds, target: chosen.target, behavior: chosen.behavior)
    strategies.append(Strategy(kind: .derivedHPA, sizing: .autoscaler(pool(t, .hpa(derived))), score: chosen.score))
    var requestsRule: ScaledObjectSpec? = nil
    let requestsCandidate = settings.searchesRequests ? best(.requests) : nil
    if let r = requestsCandidate {
      let spec = requestRule(t, bounds, target: r.target, behavior: r.behavior)
      requestsRule = spec
      strategies.append(
        Strategy(kind: .derivedRequests, sizing: .autoscaler(pool(t, .scaledObject(spec))), score: r.score))
    }

    // 4. Cron floors: from the oracle's needs, and from a forecast.
    let calendar = base.demand[t].calendar
    var cronWindows: [CronWindow] = []
    var scheduled: ScaledObjectSpec? = nil
    var predictiveWindows: [CronWindow] = []
    var predictive: ScaledObjectSpec? = nil
    var forecastError: Double? = nil
    if let calendar {
      let clock = ZonedClock(calendar.timeZone)
      cronWindows = windows(
        hourNeeds, base: base, territory: t, bounds: bounds, behavior: chosen.behavior, clock: clock)
      let so = scaledObject(
        t, bounds, target: chosen.target, behavior: chosen.behavior, windows: cronWindows,
        zone: calendar.timeZone.identifier)
      scheduled = so
      progress?("\(name): HPA + cron (\(cronWindows.count) window\(cronWindows.count == 1 ? "" : "s"))")
      strategies.append(
        Strategy(
          kind: .hpaCron, sizing: .autoscaler(pool(t, .scaledObject(so))),
          score: judge.score(.autoscaler(pool(t, .scaledObject(so))))))
      if let history = settings.history?[t] {
        let rates = base.offeredRates(territory: t, resolution: 3_600).map(\.rate)
        let (forecast, error) = Self.forecast(history: history, historyHours: settings.historyHours, hours: rates.count)
        forecastError = error
        let needs = Self.needs(forecast: forecast, rates: rates, oracle: hourNeeds)
        predictiveWindows = windows(
          needs, base: base, territory: t, bounds: bounds, behavior: chosen.behavior, clock: clock)
        let p = scaledObject(
          t, bounds, target: chosen.target, behavior: chosen.behavior, windows: predictiveWindows,
          zone: calendar.timeZone.identifier)
        predictive = p
        progress?(
          "\(name): predictive (\(predictiveWindows.count) window\(predictiveWindows.count == 1 ? "" : "s") from a Holt-Winters forecast)"
        )
        strategies.append(
          Strategy(
            kind: .predictive, sizing: .autoscaler(pool(t, .scaledObject(p))),
            score: judge.score(.autoscaler(pool(t, .scaledObject(p))))))
      }
    }
    strategies.sort { $0.kind.order < $1.kind.order }
    return PoolDerivation(
      territory: t, bounds: bounds, spans: spans, strategies: strategies, tried: tried, chosen: chosen, hpa: derived,
      requests: requestsRule, requestsCandidate: requestsCandidate, scaledObject: scheduled, cronWindows: cronWindows,
      predictive: predictive, predictiveWindows: predictiveWindows,
      forecastError: forecastError, periods: periods.map { ($0.period, $0.instances) },
      simulatedRequests: judge.requests, wallSeconds: Date().timeIntervalSince(started))
  }

  /// One HPA candidate on the search's seeds, as the search judges it (for a brute force).
  package func candidate(
    territory t: Int, target: Int, behavior: BehaviorChoice, metric: RuleMetric = .cpu, bounds: PoolBounds,
    spans: [ScenarioSpan]
  ) -> RuleCandidate {
    var judge = Judge(search: self, territory: t, base: base(t), spans: spans)
    return judge.candidate(target: target, behavior: behavior, metric: metric, bounds: bounds)
  }

  // MARK: Rules

  func hpa(_ b: PoolBounds, target: Int, behavior: BehaviorChoice) -> HPASpec {
    HPASpec(
      minReplicas: b.minReplicas, maxReplicas: b.maxReplicas, metrics: [.cpu(.utilization(target))],
      behavior: behavior.behavior)
  }

  func scaledObject(
    _ t: Int, _ b: PoolBounds, target: Int, behavior: BehaviorChoice, windows: [CronWindow], zone: String
  ) -> ScaledObjectSpec {
    var triggers = [Trigger(.cpu(.utilization(target)))]
    for (i, w) in windows.enumerated() {
      if case .success(let cron) = CronTrigger.make(
        timezone: zone, start: w.start, end: w.end, desiredReplicas: w.desiredReplicas)
      {
        triggers.append(Trigger(name: "floor-\(i + 1)", .cron(cron)))
      }
    }
    let deployment = deploymentName(t)
    var spec = ScaledObjectSpec(name: deployment, target: deployment, triggers: triggers)
    spec.minReplicaCount = b.minReplicas
    spec.maxReplicaCount = b.maxReplicas
    spec.pollingInterval = Self.pollingInterval
    spec.behavior = behavior.behavior
    return spec
  }

  /// A KEDA rule on requests per second per pod: the rate at which a pod's cores run at
  /// `target` percent (cores x target / the mix's cpu seconds per request), from Prometheus.
  func requestRule(_ t: Int, _ b: PoolBounds, target: Int, behavior: BehaviorChoice) -> ScaledObjectSpec {
    let deployment = deploymentName(t)
    let query = "sum(rate(capsim_requests_total{deployment=\"\(deployment)\"}[1m]))"
    let series =
      (try? PrometheusQuery.parse(query).get())
      ?? CapsimSeries(metric: .requestsTotal, rateWindow: 60, deployment: deployment)
    var trigger = PrometheusTrigger(query: query, series: series, threshold: perPodRate(t, target: target))
    trigger.metricType = .averageValue
    var spec = ScaledObjectSpec(
      name: deployment, target: deployment, triggers: [Trigger(name: "requests", .prometheus(trigger))])
    spec.minReplicaCount = b.minReplicas
    spec.maxReplicaCount = b.maxReplicas
    spec.pollingInterval = Self.pollingInterval
    spec.behavior = behavior.behavior
    return spec
  }

  /// Requests per second a pod takes at `target` percent of its cores, to a tenth.
  package func perPodRate(_ t: Int, target: Int) -> Double {
    let cpu = scenario.offeredLoads().first { $0.territory == t }?.cpuPerRequest ?? 0
    let cores = Double(max(scenario.platform.territories[t].app.cores, 1))
    guard cpu > 0 else { return 1 }
    return (Double(target) / 100 * cores / cpu * 10).rounded() / 10
  }

  package func deploymentName(_ t: Int) -> String {
    scenario.platform.territories[t].app.deployment ?? Self.defaultDeployment(scenario.platform.territories[t].name)
  }

  /// The Deployment a pool that names none is scaled as: `crm-` and the territory's name as a
  /// Kubernetes object name takes it (an RFC 1123 label: lower-case letters, digits and '-',
  /// at most 63), so `Zürich` is `crm-zurich` and `Sydney AU` `crm-sydney-au`.
  package static func defaultDeployment(_ territory: String) -> String {
    let folded = territory.folding(options: .diacriticInsensitive, locale: nil).lowercased()
    var label = ""
    for c in folded.unicodeScalars {
      let keep = ("a"..."z").contains(c) || ("0"..."9").contains(c)
      if keep {
        label.unicodeScalars.append(c)
      } else if !label.isEmpty && !label.hasSuffix("-") {
        label += "-"
      }
    }
    while label.hasSuffix("-") { label.removeLast() }
    let name = "crm-" + (label.isEmpty ? "pool" : label)
    return String(name.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
  }

  func pool(_ t: Int, _ controller: PoolAutoscaler.Controller) -> PoolAutoscaler {
    let kind = if case .hpa = controller { "HorizontalPodAutoscaler" } else { "ScaledObject" }
    return PoolAutoscaler(
      territory: t, title: "\(kind) \(deploymentName(t))", deployment: deploymentName(t), controller: controller)
  }

  /// Cron windows for needs per run hour: one per local day, from the first hour above the
  /// floor to the end of the last, opened a ramp's lead early.
  func windows(
    _ needs: [Int?], base: PlatformScenario, territory t: Int, bounds: PoolBounds, behavior: BehaviorChoice,
    clock: ZonedClock
  ) -> [CronWindow] {
    guard let calendar = base.demand[t].calendar else { return [] }
    let pods = base.platform.territories[t].app.pods
    let ready = pods.scheduling + base.platform.territories[t].app.startup + pods.readinessDelay
    var days: [DayNeed] = []
    for h in needs.indices {
      let (date, hour) = calendar.localTime(at: Double(h) * 3_600 + 1_800)
      if days.last.map({ $0.year != date.year || $0.month != date.month || $0.day != date.day }) ?? true {
        days.append(DayNeed(year: date.year, month: date.month, day: date.day, hours: Array(repeating: nil, count: 24)))
      }
      let slot = min(23, Int(hour))
      days[days.count - 1].hours[slot] = max(
        days[days.count - 1].hours[slot] ?? 0, min(needs[h] ?? 0, bounds.maxReplicas))
    }
    return CronWindows.derive(days: days, floor: bounds.minReplicas, clock: clock) { desired in
      RampLead.seconds(
        from: bounds.minReplicas, to: desired, behavior: behavior.behavior, pollingInterval: Self.pollingInterval,
        podReady: ready) ?? 3_600
    }
  }

  // MARK: Needs and forecasts

  /// The oracle's need of every hour of the run (by its period and local hour of the week).
  static func hourNeeds(_ s: PlatformScenario, territory t: Int, schedule: CapacitySchedule) -> [Int?] {
    guard let table = schedule.needs[t] else { return [] }
    let periods = s.periodOfHours(territory: t)
    let hours = Int((s.horizon / 3_600).rounded(.up))
    return (0..<hours).map { h in
      let time = Double(h) * 3_600
      let how: Int
      if let calendar = s.demand[t].calendar {
        let (date, hour) = calendar.localTime(at: time)
        how = (date.weekday - 1) * 24 + min(23, Int(hour))
      } else {
        how = h % 168
      }
      let p = periods[min(h, periods.count - 1)]
      return table[p][how] ?? table[p].compactMap { $0 }.max()
    }
  }

  /// A forecast of every run hour's rate, made each day for the next 24 hours from the four
  /// weeks before; and its mean absolute error relative to the mean rate.
  package static func forecast(history: [Double], historyHours: Int, hours: Int) -> ([Double], Double) {
    var out: [Double] = []
    var h = 0
    while h < hours {
      let end = min(historyHours + h, history.count)
      let past = Array(history[max(0, end - 28 * 24)..<end])
      out += dayAhead(past).prefix(hours - h)
      h += 24
    }
    let actual = Array(history[min(historyHours, history.count)...].prefix(hours))
    let mean = actual.reduce(0, +) / Double(max(actual.count, 1))
    let mae = zip(out, actual).map { abs($0 - $1) }.reduce(0, +) / Double(max(actual.count, 1))
    return (out, mean > 0 ? mae / mean : 0)
  }

  /// The next 24 hours from the hours before, by whichever of four forecasts would have
  /// predicted the last day of `past` best from the days before it: Holt-Winters with an
  /// additive or a multiplicative weekly season, the mean weekly profile at the last week's
  /// level, or the same hours a week ago. Demand that changes level (a season's 5x) suits the
  /// multiplicative season, which scales the day's shape with it.
  static func dayAhead(_ past: [Double]) -> [Double] {
    let week = 168
    guard past.count >= week + 24 else { return Array(repeating: past.last ?? 0, count: 24) }
    let methods: [([Double]) -> [Double]?] = [
      { p in p.count >= 2 * week ? DemandForecast.HoltWinters.fit(p, season: week).forecast(24) : nil },
      { p in
        p.count >= 2 * week ? DemandForecast.HoltWinters.fit(p, season: week, multiplicative: true).forecast(24) : nil
      },
      { p in p.count >= week ? DemandForecast.seasonalProfile(p, season: week, horizon: 24) : nil },
      { p in p.count >= week ? Array(p[(p.count - week)..<(p.count - week + 24)]) : nil },
    ]
    let known = Array(past.dropLast(24))
    let lastDay = Array(past.suffix(24))
    var best: (error: Double, method: Int)? = nil
    for (i, method) in methods.enumerated() {
      guard let f = method(known) else { continue }
      let error = zip(f, lastDay).map { abs($0 - $1) }.reduce(0, +)
      if best == nil || error < best!.error { best = (error, i) }
    }
    guard let best, let next = methods[best.method](past) else { return Array(repeating: past.last ?? 0, count: 24) }
    return next.map { max(0, $0) }
  }

  /// Instances for forecast rates, read off the oracle: per hour the least need of any hour
  /// with at least that rate (needs made non-decreasing in the rate), beyond the busiest hour
  /// in proportion.
  package static func needs(forecast: [Double], rates: [Double], oracle: [Int?]) -> [Int?] {
    var pairs = zip(rates, oracle).compactMap { r, n in n.map { (rate: r, need: $0) } }.sorted { $0.rate < $1.rate }
    for i in pairs.indices.dropFirst() { pairs[i].need = max(pairs[i].need, pairs[i - 1].need) }
    guard let top = pairs.last else { return forecast.map { _ in nil } }
    return forecast.map { r in
      if let p = pairs.first(where: { $0.rate >= r }) { return p.need }
      return Int((Double(top.need) * r / max(top.rate, 1e-9)).rounded(.up))
    }
  }

  // MARK: Spans

  /// The whole run when it is at most two weeks; otherwise per period the week (from a local
  /// midnight) centred on its peak, in time order; a season's week wins over an overlapping
  /// normal one.
  package static func spans(_ s: PlatformScenario, territory t: Int) -> [ScenarioSpan] {
    let week = 7 * 86_400.0
    guard s.horizon > 2 * week else { return [ScenarioSpan(from: 0, length: s.horizon, label: "whole run")] }
    let names = s.periodNames
    var out: [ScenarioSpan] = []
    // Seasons first: where a season's week and the normal peak's overlap, the season's is judged.
    let loads = s.offeredLoads().filter { $0.territory == t }.sorted {
      ($0.period == 0 ? 1 : 0, $0.period) < ($1.period == 0 ? 1 : 0, $1.period)
    }
    for load in loads {
      var from = min(max(0, load.peakTime - week / 2), s.horizon - week)
      if let calendar = s.demand[t].calendar {
        let (_, hour) = calendar.localTime(at: from)
        from = max(0, from - hour * 3_600)
      }
      from = (from / 3_600).rounded(.down) * 3_600
      if out.contains(where: { abs($0.from - from) < week }) { continue }
      out.append(ScenarioSpan(from: from, length: min(week, s.horizon - from), label: names[load.period]))
    }
    return out.sorted { $0.from < $1.from }
  }
}

/// What bounds a derived pool, and why.
package struct PoolBounds: Sendable, Hashable {
  package var minReplicas: Int
  package var maxReplicas: Int
  /// The oracle's need in the quietest and the busiest hour.
  package var quietestNeed: Int
  package var peakNeed: Int
  /// The planner's answer for the busiest period: static peak provisioning.
  package var staticPeak: Int
  /// The most instances the database's connection limit allows, and the limit's name.
  package var cap: Int
  package var capReason: String
}
