import PlatformModel

/// A tier that the demand asks more of than it has, at a period's busiest moment: queueing
/// theory's reason to expect a run's queues to grow without bound (and the run to be slow,
/// each request that waits or fails being simulated), said before it starts.
package struct Overload: Sendable, CustomStringConvertible {
  package var territory: String
  package var period: String
  /// The busiest moment, in the territory's local time.
  package var when: String
  /// `app` or a database node's name.
  package var tier: String
  /// Busy cores the demand asks for (an upper bound for users who think: see `OfferedLoad`).
  package var asked: Double
  package var cores: Int
  package var closed: Bool

  package var description: String {
    let what = tier == "app" ? "\(territory)'s app instances" : "database node \(tier)"
    return
      "\(territory) \(period): at its busiest (\(when)) the demand asks \(closed ? "up to " : "")\(Self.cores(asked)) busy cores of \(what), "
      + "which \(tier == "app" ? "have" : "has") \(cores): \(closed ? "its users will wait in queues" : "the queue grows without bound")"
      + (asked >= 3 * Double(cores) ? " (is a number of users or a rate off by a factor?)" : "")
  }

  static func cores(_ x: Double) -> String {
    // Past 1e15 a whole number is no clearer (and past Int.max it cannot be made).
    x >= 1e15 ? String(format: "%.3g", x) : x >= 100 ? String(Int(x.rounded())) : String(format: "%.1f", x)
  }
}

extension PlatformScenario {
  /// Each tier of each territory that its demand overloads, once (at its worst period), with
  /// the most instances the pool can have (a capacity schedule's, an autoscaler's maximum).
  package func overloads() -> [Overload] {
    var worst: [String: (ratio: Double, overload: Overload)] = [:]
    var order: [String] = []
    func note(_ key: String, _ ratio: Double, _ overload: Overload) {
      guard ratio > 1 else { return }
      if worst[key] == nil { order.append(key) }
      if ratio > worst[key]?.ratio ?? 0 { worst[key] = (ratio, overload) }
    }
    /// The most instances territory `t`'s pool can have.
    func mostInstances(_ t: Int) -> Int {
      var most = platform.territories[t].app.instances
      for change in capacity where change.territory == t { most = max(most, change.instances) }
      for scaler in autoscalers where scaler.territory == t { most = max(most, scaler.maxReplicas) }
      return most
    }
    let loads = offeredLoads()
    for load in loads {
      let t = load.territory
      let territory = platform.territories[t]
      let app = territory.app
      let most = mostInstances(t)
      let closed = if case .users = demand[t].base { true } else { false }
      let when =
        demand[t].calendar.map { String($0.label(at: load.peakTime).prefix(20)) } ?? "at \(Int(load.peakTime)) s"
      func overload(_ tier: String, _ asked: Double, _ cores: Int) -> Overload {
        Overload(
          territory: territory.name, period: periodNames[load.period], when: when, tier: tier, asked: asked,
          cores: cores, closed: closed)
      }
      let slowdown = app.loadFactor?.factor(at: app.cores) ?? 1
      let asked = load.peakRate * load.cpuPerRequest * slowdown
      let cores = most * app.cores
      note("\(t) app", asked / Double(max(cores, 1)), overload("app", asked, cores))
      for (n, seconds) in load.nodeSecondsPerRequest.enumerated() where seconds > 0 {
        let node = platform.databases[n]
        let asked = load.nodeBusy.indices.contains(n) ? load.nodeBusy[n] : load.peakRate * seconds
        let busy = asked * (node.loadFactor?.factor(at: node.cores) ?? 1)
        note("\(t) \(n)", busy / Double(max(node.cores, 1)), overload(node.name, busy, node.cores))
      }
    }
    // A territory's outage fails its traffic over: the other's pool serves both until the
    // failed one's instances are back (its start-up after the outage).
    for fault in faults {
      guard case .territoryOutage(let from, let at, let duration, let to?, let delay) = fault,
        let fromCPU = loads.first(where: { $0.territory == from })?.cpuPerRequest,
        let toCPU = loads.first(where: { $0.territory == to })?.cpuPerRequest
      else { continue }
      let span = (at + delay)..<(at + duration + platform.territories[from].app.startup)
      var busiest = (asked: 0.0, time: span.lowerBound)
      for (own, theirs) in zip(
        offeredRates(territory: to, resolution: 60), offeredRates(territory: from, resolution: 60))
      where span.contains(own.time) {
        let asked = own.rate * toCPU + theirs.rate * fromCPU
        if asked > busiest.asked { busiest = (asked, own.time) }
      }
      let territory = platform.territories[to]
      let asked = busiest.asked * (territory.app.loadFactor?.factor(at: territory.app.cores) ?? 1)
      let cores = mostInstances(to) * territory.app.cores
      let closed = [from, to].contains { if case .users = demand[$0].base { true } else { false } }
      let when =
        demand[to].calendar.map { String($0.label(at: busiest.time).prefix(20)) } ?? "at \(Int(busiest.time)) s"
      note(
        "\(to) app failover \(from)", asked / Double(max(cores, 1)),
        Overload(
          territory: territory.name, period: "taking \(platform.territories[from].name)'s traffic", when: when,
          tier: "app", asked: asked, cores: cores, closed: closed))
    }
    return order.compactMap { worst[$0]?.overload }
  }
}
