import QueueingTheory
import SimKernel

/// Something wrong with (or worth knowing about) a network before it runs.
package struct NetworkProblem: Hashable, Sendable, CustomStringConvertible {
  package enum Subject: Hashable, Sendable {
    case station(Int)
    case dispatcher(Int)
    case source(Int)
    case sequence(Int)
    case lock(Int)
  }

  package var subject: Subject
  package var message: String
  /// Errors stop a run; warnings are printed and the run goes on.
  package var isError: Bool

  package var description: String { (isError ? "error: " : "warning: ") + message }
}

extension Network {
  /// Structural and stability problems: dangling indices, customers that can never leave,
  /// stations no one reaches, and open stations whose long-run utilization is 1 or more with
  /// nothing (capacity, timeout) to bound their queue.
  package func problems() -> [NetworkProblem] {
    var out: [NetworkProblem] = []
    func error(_ s: NetworkProblem.Subject, _ m: String) { out.append(.init(subject: s, message: m, isError: true)) }
    func warn(_ s: NetworkProblem.Subject, _ m: String) { out.append(.init(subject: s, message: m, isError: false)) }

    func valid(_ d: Destination) -> Bool {
      switch d {
      case .exit: return true
      case .station(let s): return stations.indices.contains(s)
      case .dispatcher(let d): return dispatchers.indices.contains(d)
      case .sequence(let k): return sequences.indices.contains(k)
      }
    }
    for (i, s) in stations.enumerated() where !s.routing.allSatisfy({ valid($0.destination) }) {
      error(.station(i), "station '\(s.name)' routes to a station or dispatcher that does not exist")
    }
    for (i, d) in dispatchers.enumerated() where d.targets.isEmpty || !d.targets.allSatisfy(stations.indices.contains) {
      error(.dispatcher(i), "dispatcher '\(d.name)' needs targets that are existing stations")
    }
    for (i, s) in sources.enumerated() where !valid(s.destination) {
      error(.source(i), "source '\(s.name)' sends customers to a station or dispatcher that does not exist")
    }
    for (i, s) in stations.enumerated()
    where s.routing.contains(where: { if case .sequence = $0.destination { true } else { false } }) {
      error(
        .station(i),
        "station '\(s.name)' routes to a sequence: a sequence is where a trip begins, so only sources send to one")
    }
    for (i, s) in stations.enumerated() where s.discipline == .batch {
      if s.servers == .infinite {
        error(.station(i), "batch station '\(s.name)' needs a whole number of servers (flushers)")
      }
      if s.loadFactor != nil {
        error(.station(i), "batch station '\(s.name)' serves a batch in one service time: a load factor does not apply")
      }
    }
    out += sequenceProblems()
    guard out.isEmpty else { return out }

    // Which nodes customers reach, and which can reach the exit.
    let reached = reachable()
    let canLeave = canReachExit()
    for (i, s) in stations.enumerated() {
      // A topology read alone has no sources: any station may be where scenarios send them.
      if !reached.stations.contains(i) && !sources.isEmpty {
        warn(.station(i), "station '\(s.name)' receives no customers")
      } else if !canLeave.stations.contains(i) {
        error(.station(i), "customers that reach station '\(s.name)' can never leave: no route from it leads to exit")
      }
    }

    // Classes and locks nothing uses, as stations no one reaches (a topology read alone has no
    // sources: any class may be where scenarios send them).
    if !sources.isEmpty {
      func sentTo(_ k: Int) -> Bool {
        sources.contains { if case .sequence(k) = $0.destination { true } else { false } }
      }
      for (k, q) in sequences.enumerated() where !sentTo(k) {
        warn(.sequence(k), "class '\(q.name)' receives no customers: no source sends to it")
      }
      for (l, lock) in locks.enumerated()
      where !sequences.indices.contains(where: { k in sentTo(k) && sequences[k].heldAtStep.contains { $0.contains(l) } }
      ) {
        warn(.lock(l), "lock '\(lock.name)' is taken by no class a source sends to")
      }
    }

    // Stability of open traffic.
    guard sources.contains(where: { if case .closed = $0.kind { false } else { true } }),
      let rates = arrivalRates(peak: false), let peakRates = arrivalRates(peak: true)
    else { return out }
    let (work, peakWork) = (offeredWork(rates: rates, peak: false), offeredWork(rates: peakRates, peak: true))
    let visits = offeredVisits(rates: rates)
    // Locks held at every visit to each station (nil: no visits): a station visited only
    // inside a lock holds at most the lock's capacity, so its overload shows as the lock's line.
    var heldAtEveryVisit: [Set<Int>?] = stations.indices.map { rates[$0] > 0 ? [] : nil }
    for source in sources {
      guard case .sequence(let k) = source.destination else { continue }
      for (step, held) in zip(sequences[k].steps, sequences[k].heldAtStep) {
        heldAtEveryVisit[step.station] = heldAtEveryVisit[step.station].map { $0.intersection(held) } ?? Set(held)
      }
    }
    // Overloaded stations behind each lock: work offered and what the station can do.
    var behind = [[(station: Int, work: Double, servers: Double)]](repeating: [], count: locks.count)
    // A batch station serves any number in one service time: it cannot be overloaded.
    for (i, s) in stations.enumerated() where s.discipline != .batch {
      guard case .finite(let c) = s.servers, reached.stations.contains(i) else { continue }
      // A station slowed by concurrency saturates at its rate under full load.
      let servers = s.limitingServers ?? Double(c)
      let rho = work[i] / servers
      let peakRho = peakWork[i] / servers
      let bounded = s.capacity != nil || s.timeout != nil
      if rho >= 1 && !bounded, let l = heldAtEveryVisit[i]?.min(by: { locks[$0].capacity < locks[$1].capacity }) {
        // Said at the lock, where the line grows.
        behind[l].append((i, work[i], servers))
      } else if rho >= 1 && !bounded {
        // Runs all the same: the run shows the queue grow (and stops at run.drain).
        let needed = fmt(work[i])
        // Visits a second, each class at its own service time (work / the station's mean would
        // count a class's steps at the station's default); the queue grows by what the servers,
        // busy throughout, leave undone.
        let growth = fmt(visits[i] * (1 - servers / work[i]))
        // Exactly at capacity the queue has no steady state, yet no rate to grow at either.
        let fate =
          growth == "0"
          ? "utilization \(fmt(rho)), exactly at capacity, so its queue has no steady state and drifts ever longer "
            + "(like the square root of time, not at a rate)"
          : "utilization \(fmt(rho)) >= 1, so its queue grows without bound (about \(growth)/s)"
        warn(
          .station(i),
          "station '\(s.name)' is offered \(fmt(visits[i]))/s of work needing \(needed) server\(needed == "1" ? "" : "s") "
            + "\(growth == "0" ? "and" : "but") has \(c)\(s.limitingServers.map { ", worth \(fmt($0)) under full load (its loadFactor)" } ?? ""): "
            + fate + "; the results show a run that never settles")
      } else if rho >= 1 {
        warn(.station(i), "station '\(s.name)' is overloaded (utilization \(fmt(rho))): expect losses or timeouts")
      } else if peakRho >= 1 {
        warn(
          .station(i),
          "station '\(s.name)' is overloaded at the peak arrival rate (utilization \(fmt(peakRho))): its queue grows during the peak"
        )
      }
    }
    // Paced connections bound what is in flight, not what their schedules ask: a schedule past
    // what a station can serve falls ever further behind (pgbench --rate's growing lag).
    let paced = sources.filter { if case .paced = $0.kind { true } else { false } }
    if !paced.isEmpty,
      let pacedRates = flattenedRouting(rate: Self.scheduledRate, anyPolicy: true).flatMap({
        try? JacksonNetwork.solveTrafficEquations(externalArrivalRates: $0.external, transitions: $0.routing)
      })
    {
      let asked = offeredWork(rates: pacedRates, rate: Self.scheduledRate)
      for (i, s) in stations.enumerated() where s.discipline != .batch && reached.stations.contains(i) {
        guard case .finite(let c) = s.servers else { continue }
        let servers = s.limitingServers ?? Double(c)
        guard asked[i] / servers >= 1, work[i] / servers < 1 else { continue }
        warn(
          .station(i),
          "station '\(s.name)' is asked for utilization \(fmt(asked[i] / servers)) >= 1 by the schedules of "
            + paced.map { "'\($0.name)'" }.joined(separator: ", ")
            + ": their connections fall ever further behind schedule, so the lag (and the response counted from the schedule) grows without bound; the results show a run that never settles"
        )
      }
    }
    // A lock passes at most capacity / held trips a second, whatever the stations can do, and
    // no more than the slowest station visited only while holding it.
    var lockWork = [Double](repeating: 0, count: locks.count)
    var lockRate = [Double](repeating: 0, count: locks.count)
    var lockClasses = [[String]](repeating: [], count: locks.count)
    for bound in lockBounds() {
      let rate = sources.reduce(0.0) { sum, source in
        guard case .sequence(bound.sequence) = source.destination, let r = Self.meanRate(source, peak: false) else {
          return sum
        }
        return sum + r
      }
      guard rate > 0 else { continue }
      lockWork[bound.lock] += rate * bound.held
      lockRate[bound.lock] += rate
      lockClasses[bound.lock].append(
        "\(fmt(rate))/s of class '\(sequences[bound.sequence].name)' holding it \(fmt(bound.held * 1_000)) ms")
    }
    for (l, lock) in locks.enumerated() {
      let own = lockWork[l] / Double(lock.capacity)
      let slowest = behind[l].max { $0.work / $0.servers < $1.work / $1.servers }
      let utilization = max(own, slowest.map { $0.work / $0.servers } ?? 0)
      guard utilization >= 1, lockRate[l] > 0 else { continue }
      var cause = "it would need \(fmt(lockWork[l])) holders at once on average (utilization \(fmt(own)) >= 1)"
      if let slowest, slowest.work / slowest.servers > own {
        let needed = fmt(slowest.work)
        cause =
          "station '\(stations[slowest.station].name)', visited only while holding it (so it holds at most \(lock.capacity)), "
          + "is offered work needing \(needed) server\(needed == "1" ? "" : "s") and can do \(fmt(slowest.servers)): "
          + "at most \(fmt(lockRate[l] / utilization))/s get through"
      }
      let growth = fmt(lockRate[l] * (1 - 1 / utilization))
      warn(
        .lock(l),
        "lock '\(lock.name)' (capacity \(lock.capacity)) is offered \(lockClasses[l].joined(separator: " and ")): \(cause), "
          + (growth == "0"
            ? "exactly at capacity, so its waiting line has no steady state and drifts ever longer"
            : "so its waiting line grows without bound (about \(growth)/s)")
          + "; the results show a run that never settles")
    }
    return out
  }

  /// Mean arrival rate at each station from the traffic equations (open sources only), with
  /// every dispatcher as an even or weighted split (see `flattenedRouting`). `peak` uses each
  /// varying source at its highest rate. Nil if the equations have no solution.
  package func arrivalRates(peak: Bool) -> [Double]? {
    // Paced connections and closed users bound what is in flight: late ones send less.
    let rates = flattenedRouting(rate: { Self.meanRate($0, peak: peak) }, anyPolicy: true)
    guard let (external, routing) = rates else { return nil }
    return try? JacksonNetwork.solveTrafficEquations(externalArrivalRates: external, transitions: routing)
  }

  /// Servers' worth of work offered to each station per second (busy servers at factor 1):
  /// routed visits at the station's service mean, plus open sources into sequences at their
  /// steps' demands (each source's rate by `rate`).
  func offeredWork(rates: [Double], peak: Bool) -> [Double] {
    offeredWork(rates: rates) { Self.meanRate($0, peak: peak) }
  }

  func offeredWork(rates: [Double], rate: (Source) -> Double?) -> [Double] {
    var work = stations.indices.map { rates[$0] * stations[$0].service.mean }
    for source in sources {
      guard case .sequence(let k) = source.destination, let r = rate(source) else { continue }
      for (i, d) in demands(ofSequence: k).demand.enumerated() { work[i] += r * d }
    }
    return work
  }

  /// Visits a second to each station: routed arrivals and every step of the classes there.
  func offeredVisits(rates: [Double]) -> [Double] {
    var visits = rates
    for source in sources {
      guard case .sequence(let k) = source.destination, let r = Self.meanRate(source, peak: false) else { continue }
      for step in sequences[k].steps { visits[step.station] += r }
    }
    return visits
  }

  /// An open source's mean rate (its highest with `peak`); nil for sources whose connections or
  /// users bound what is in flight.
  static func meanRate(_ source: Source, peak: Bool) -> Double? {
    switch source.kind {
    case .poisson(let r): return r
    case .varying(let schedule):
      return peak ? (schedule.rates.max() ?? 0) : schedule.cumulativeRate(at: schedule.period) / schedule.period
    case .closed, .paced: return nil
    }
  }

  /// A source's mean rate, a paced one's schedule included (nil for closed users).
  static func scheduledRate(_ source: Source) -> Double? {
    if case .paced(_, let rate) = source.kind { return rate }
    return meanRate(source, peak: false)
  }

  private func successors(ofStation i: Int) -> [Destination] { stations[i].routing.map(\.destination) }

  private func reachable() -> (stations: Set<Int>, dispatchers: Set<Int>) {
    var seenStations = Set<Int>()
    var seenDispatchers = Set<Int>()
    // Inside a sequence a station's routing is not followed; kept apart, so that a station a
    // class visits is still followed when a route reaches it too (marked seen, its successors
    // were never looked at, and read as receiving no customers).
    var visitedBySequences = Set<Int>()
    var stack = sources.map(\.destination)
    while let d = stack.popLast() {
      switch d {
      case .station(let s):
        if seenStations.insert(s).inserted { stack += successors(ofStation: s) }
      case .dispatcher(let k):
        if seenDispatchers.insert(k).inserted { stack += dispatchers[k].targets.map { .station($0) } }
      case .sequence(let k): visitedBySequences.formUnion(sequences[k].steps.map(\.station))
      case .exit: break
      }
    }
    return (seenStations.union(visitedBySequences), seenDispatchers)
  }

  /// Nodes from which some path leads to exit (a fixed point over routes and dispatcher targets).
  private func canReachExit() -> (stations: Set<Int>, dispatchers: Set<Int>) {
    var stationsOut = Set<Int>()
    var dispatchersOut = Set<Int>()
    var changed = true
    func leads(_ d: Destination) -> Bool {
      switch d {
      case .exit, .sequence: return true
      case .station(let s): return stationsOut.contains(s)
      case .dispatcher(let k): return dispatchersOut.contains(k)
      }
    }
    while changed {
      changed = false
      for (i, s) in stations.enumerated() where !stationsOut.contains(i) {
        if s.routing.isEmpty || s.routing.contains(where: { $0.probability > 0 && leads($0.destination) }) {
          stationsOut.insert(i)
          changed = true
        }
      }
      for (k, d) in dispatchers.enumerated() where !dispatchersOut.contains(k) {
        if d.targets.allSatisfy({ stationsOut.contains($0) }) {
          dispatchersOut.insert(k)
          changed = true
        }
      }
    }
    return (stationsOut, dispatchersOut)
  }
}

private func fmt(_ x: Double) -> String {
  let rounded = (x * 1000).rounded() / 1000
  if rounded == rounded.rounded(), let whole = Int(rounding: rounded) { return String(whole) }
  return String(rounded)  // "1e+19": past Int.max, or not whole
}
