import Foundation
import PlatformModel
import SimRandom

/// What the driver keeps between steps.
struct HybridState {
  let scenario: PlatformScenario
  let rule: SwitchRule
  let model: FluidModel
  let territories: [Int]
  var uniform: Sampler
  var carry: [[Double]]
  var stretch = Stretch()
  /// Per window (by index): seconds simulated request by request.
  var requestSeconds: [Double] = []
  /// Per territory (group order) and utilization band: when it was last checked, and the
  /// correction of its app tiers' waits.
  var lastCheck: [[Double]]
  var scale: [[Double]]
  /// Request level runs at least until then (a change's tail).
  var requestUntil = -Double.infinity
  /// Whether stretches may be computed at all: every territory's arrivals are Poisson (open,
  /// or users with exponential think times), none is autoscaled and none sends requests that
  /// take a row lock.
  let computable: Bool
  /// The model's mean latency per territory (group order) and class for the check in progress.
  var predicted: [[Double]] = []
  /// The regime of the last computed piece, and the loads it was computed for.
  var cachedLoads: [TerritoryLoad] = []
  var cachedRegime: Regime? = nil
  var regimeID = 0
  var plainCache: [[TerritoryLoad]: Regime] = [:]
  var scaledCache: [ScaledKey: Regime] = [:]

  struct ScaledKey: Hashable {
    var loads: [TerritoryLoad]
    var scales: [Double]
  }

  init(simulator: borrowing PlatformSimulator, rule: SwitchRule, replication: Int) {
    let scenario = simulator.platformScenario
    let territories = simulator.simulatedTerritories
    self.scenario = scenario
    self.rule = rule
    self.territories = territories
    model = FluidModel(scenario: scenario, territories: territories, replication: replication)
    let name = territories.map { scenario.platform.territories[$0].name }.joined(separator: "+")
    uniform = Sampler(
      try! .uniform(low: 0, high: 1),
      stream: RandomStream(name: "hybrid/\(name)/strata", runSeed: scenario.seed, replication: replication))
    // Per class, then the connection waits.
    carry = Array(
      repeating: Array(repeating: 0, count: model.classCount + 1), count: scenario.platform.territories.count)
    let bands = Int((1 / rule.bandWidth).rounded(.up)) + 1
    lastCheck = Array(repeating: Array(repeating: -.infinity, count: bands), count: territories.count)
    scale = Array(repeating: Array(repeating: 1, count: bands), count: territories.count)
    // An autoscaled pool's controller reads the simulated work (cpu samples, request rates):
    // a computed stretch has none to show it, so such territories stay request by request.
    // A row lock's wait is a queue of its own that the tier model has no station for (and a
    // hot row can be the bottleneck at any load), so a territory whose mix takes a lock runs
    // request by request throughout. So does one whose app or one of its database nodes has a
    // load factor: the tier model's cores serve at one speed.
    let classes = scenario.platform.requestClasses
    computable = territories.allSatisfy { t in
      if scenario.autoscalers.contains(where: { $0.territory == t }) { return false }
      if scenario.platform.territories[t].app.loadFactor != nil { return false }
      // Its own nodes only: its primary and that primary's replicas.
      let nodes = scenario.platform.databases
      let primary = scenario.platform.territories[t].primary
      if nodes.indices.contains(where: { n in
        (n == primary || nodes[n].replicaOf == primary) && nodes[n].loadFactor != nil
      }) {
        return false
      }
      let mix = scenario.demand[t].mix
      if classes.indices.contains(where: { classes[$0].lock != nil && $0 < mix.count && mix[$0] > 0 }) { return false }
      if case .users(_, let think) = scenario.demand[t].base, case .exponential = think.kind { return true }
      if case .rate = scenario.demand[t].base { return true }
      return false
    }
  }

  func band(_ utilization: Double) -> Int {
    // An overloaded tier (infinite utilization) is in the top band.
    guard utilization.isFinite else { return lastCheck[0].count - 1 }
    return min(lastCheck[0].count - 1, max(0, Int(utilization / rule.bandWidth)))
  }

  /// The loads now, with users (or rates) taken from the calendar at time `at` instead.
  func loads(_ simulator: borrowing PlatformSimulator, at time: Double?) -> [TerritoryLoad] {
    territories.map { t in
      var load = simulator.load(of: t)
      if let time {
        let demand = scenario.demand[t]
        let m = demand.calendar?.multiplier(at: min(time + 150, scenario.horizon)) ?? 1
        switch demand.base {
        case .users(let n, _): load.users = Int((Double(n) * demand.growth * m).rounded())
        case .rate(let rate): load.rate = rate * demand.growth * m
        }
      }
      return load
    }
  }

  /// The model's regime for these loads, plain or with the checks' corrections, cached: the
  /// same loads come back every demand step of a day (assessed, then computed).
  mutating func regime(_ loads: [TerritoryLoad], scaled: Bool) -> Regime {
    let plain: Regime
    if let hit = plainCache[loads] {
      plain = hit
    } else {
      if plainCache.count >= 1_024 { plainCache.removeAll(keepingCapacity: true) }
      plain = model.regime(loads, scale: [])
      plainCache[loads] = plain
    }
    guard scaled else { return plain }
    let scales = territories.indices.map { g in scale[g][band(plain.busiest[territories[g]])] }
    if scales.allSatisfy({ $0 == 1 }) { return plain }
    let key = ScaledKey(loads: loads, scales: scales)
    if let hit = scaledCache[key] { return hit }
    if scaledCache.count >= 1_024 { scaledCache.removeAll(keepingCapacity: true) }
    let regime = model.regime(loads, scale: scales)
    scaledCache[key] = regime
    return regime
  }

  /// The hour [a, b): whether it needs request level for its load, and its busiest band.
  mutating func assess(_ simulator: borrowing PlatformSimulator, from a: Double, to b: Double) -> (
    requestLevel: Bool, busiest: [Double]
  ) {
    var busiest = Array(repeating: 0.0, count: territories.count)
    var latency: [Double]? = nil
    var moves = false
    var queued = false
    var time = a
    while time < b {
      let regime = regime(loads(simulator, at: time), scaled: false)
      for (g, t) in territories.enumerated() {
        busiest[g] = max(busiest[g], regime.busiest[t])
        if regime.nodeWaitShare[t] >= rule.maxNodeWaitShare { queued = true }
        if regime.coreWaitProbability[t] >= rule.maxCoreWait { queued = true }
        if regime.connectionWaitProbability[t] >= rule.maxCoreWait { queued = true }
        if regime.failureShare[t] >= rule.maxFailureShare { queued = true }
        let mean = zip(model.mix[t], regime.meanLatency[t]).reduce(0) { $0 + $1.0 * $1.1 }
        if let before = latency?[g], before > 0, abs(mean - before) / before > rule.maxLatencyChange { moves = true }
      }
      latency = territories.map { t in zip(model.mix[t], regime.meanLatency[t]).reduce(0) { $0 + $1.0 * $1.1 } }
      time += 300
    }
    // The warm-up's end inside the hour: the simulator splits what it measures there, a
    // computed stretch would not.
    let warmup = scenario.warmup
    let splitsWarmup = a < warmup && warmup < b
    return (moves || queued || splitsWarmup || busiest.contains { $0 >= rule.maxUtilization }, busiest)
  }

  mutating func step(_ simulator: inout PlatformSimulator, from a: Double, to b: Double) {
    simulator.advance(through: a)
    let window = Int(a / scenario.seriesInterval)
    while requestSeconds.count <= window { requestSeconds.append(0) }
    let (busy, busiest) = assess(simulator, from: a, to: b)
    if busy || !computable {
      simulate(&simulator, to: b, window: window)
      return
    }
    // A check: a simulated slice in the middle of the step, once per band and checkEvery,
    // where the model's waits are a visible part of the latency (elsewhere it teaches nothing).
    var check: Double? = nil
    let middle = a + ((b - a - rule.checkLength) / 2 / 300).rounded(.down) * 300
    let atMiddle = regime(loads(simulator, at: middle), scaled: false)
    for (g, t) in territories.enumerated() {
      let band = band(busiest[g])
      let expected = atMiddle.lambda[t] * rule.checkLength
      let latency = zip(model.mix[t], atMiddle.meanLatency[t]).reduce(0) { $0 + $1.0 * $1.1 }
      let noWait = zip(model.mix[t], model.poolMean[t]).reduce(0) { $0 + $1.0 * $1.1 }
      if a - lastCheck[g][band] >= rule.checkEvery, expected >= rule.checkRequests, b - a >= rule.checkLength * 2,
        latency - noWait >= rule.checkWaitShare * noWait
      {
        check = middle
      }
    }
    var x = a
    var before: [[(count: Int, latencySum: Double)]] = []
    var checking = false
    var changed = false
    while x < b {
      simulator.advance(through: x)
      let change = simulator.nextChange ?? .infinity
      if !simulator.isSettled || change <= x + rule.lead || x < requestUntil {
        // Request level until settled for `tail`, re-asked every minute.
        let y = min(b, x + 60)
        simulate(&simulator, to: y, window: window)
        if !simulator.isSettled || (simulator.nextChange ?? .infinity) <= y + rule.lead {
          requestUntil = y + rule.tail
        }
        x = y
        changed = true
        continue
      }
      if changed {
        // The hour was assessed with what it started with; a change inside it (instances,
        // nodes) moves its load: the rest is assessed again, and runs request by request
        // when the rule says so (an overloaded pool had the rest computed, and crashed).
        changed = false
        if assess(simulator, from: x, to: b).requestLevel {
          simulate(&simulator, to: b, window: window)
          x = b
          continue
        }
      }
      if let start = check, x >= start, !checking {
        // The computed part so far goes in first, so that the counts before and after the
        // slice differ by the slice's requests alone.
        flush(&simulator)
        before = territories.map { t in
          (0..<model.classCount).map { simulator.completedSoFar(territory: t, requestClass: $0) }
        }
        let now = loads(simulator, at: nil)
        let regime = regime(now, scaled: true)
        predicted = territories.map { regime.meanLatency[$0] }
        checking = true
        let y = min(b, x + rule.checkLength)
        simulate(&simulator, to: y, window: window)
        x = y
      } else {
        let limit = min(b, change - rule.lead, check.map { !checking && x < $0 ? $0 : b } ?? b)
        compute(&simulator, from: x, to: max(limit, min(b, x + 1)))
        x = max(limit, min(b, x + 1))
      }
    }
    simulator.advance(before: b)
    if checking { learn(simulator, before: before, busiest: busiest, at: a) }
    flush(&simulator)
  }

  /// Simulates [now, to) request by request.
  mutating func simulate(_ simulator: inout PlatformSimulator, to y: Double, window: Int) {
    flush(&simulator)
    simulator.setGenerating(true)
    requestSeconds[window] += y - simulator.now
    simulator.advance(before: y)
  }

  /// Computes [x, y): the requests in flight finish in the simulator meanwhile, event by
  /// event; between events the regime is constant.
  mutating func compute(_ simulator: inout PlatformSimulator, from x: Double, to y: Double) {
    simulator.setGenerating(false)
    var now = x
    while now < y {
      simulator.advance(through: now)
      let next = min(y, simulator.nextEventTime() ?? y)
      if next > now {
        // The regime changes only with the loads (users every demand step, instances, nodes).
        let loads = loads(simulator, at: nil)
        if loads != cachedLoads || cachedRegime == nil {
          cachedRegime = regime(loads, scaled: true)
          cachedLoads = loads
          regimeID += 1
        }
        stretch.add(cachedRegime!, id: regimeID, seconds: next - now)
      }
      if next >= y { break }
      now = next
    }
    simulator.advance(before: y)
  }

  mutating func flush(_ simulator: inout PlatformSimulator) {
    guard !stretch.pieces.isEmpty else { return }
    let periods = territories.map { simulator.load(of: $0).period }
    stretch.flush(
      into: &simulator, model: model, uniform: &uniform, carry: &carry, measured: simulator.now >= scenario.warmup,
      periods: periods)
  }

  /// After a check: the simulated slice's mean latency against the model's, per territory; the
  /// app tiers' waits in the band are scaled by their ratio when the model's waits are a
  /// visible part of the latency (5% or more), else the band keeps its scale.
  mutating func learn(
    _ simulator: borrowing PlatformSimulator, before: [[(count: Int, latencySum: Double)]], busiest: [Double],
    at a: Double
  ) {
    for (g, t) in territories.enumerated() {
      let band = band(busiest[g])
      lastCheck[g][band] = a
      var count = 0
      var sum = 0.0
      var model = 0.0
      var noWait = 0.0
      for c in 0..<self.model.classCount {
        let now = simulator.completedSoFar(territory: t, requestClass: c)
        let n = now.count - before[g][c].count
        count += n
        sum += now.latencySum - before[g][c].latencySum
        model += Double(n) * predicted[g][c]
        noWait += Double(n) * self.model.poolMean[t][c]
      }
      guard count > 0 else { continue }
      let waitModel = (model - noWait) / Double(count)
      let waitMeasured = (sum - noWait) / Double(count)
      guard waitModel >= rule.checkWaitShare * noWait / Double(count) else { continue }
      let k = scale[g][band] * min(2, max(0.5, waitMeasured / waitModel))
      scale[g][band] = min(4, max(0.25, k))
      cachedRegime = nil
    }
  }

  /// Marks each window of the result with how it was advanced.
  func label(_ result: inout PlatformReplication) {
    for t in territories {
      for w in result.territories[t].windows.indices {
        let window = result.territories[t].windows[w]
        let length = window.end - window.start
        // By its start: the windows within a warm-up are not kept.
        let k = Int(window.start / scenario.seriesInterval)
        let simulated = k < requestSeconds.count ? requestSeconds[k] : length
        result.territories[t].windows[w].mode =
          simulated >= length - 1e-6 ? .request : simulated <= 0 ? .fluid : .mixed
      }
    }
  }
}
