import Foundation
import SimRandom
import QueueingTheory

/// What queueing theory says about a network, where it has an exact answer.
package struct TheoryAnswer: Sendable {
  /// Which result applies, e.g. "M/M/c (Erlang C)" or "open Jackson network".
  package var method: String
  package var predictions: [TheoryPrediction]
}

/// One predicted metric, named like the simulator's results.
package struct TheoryPrediction: Sendable, Hashable {
  package enum Scope: Hashable, Sendable {
    case endToEnd
    case station(Int)
  }

  package enum Metric: String, Hashable, Sendable, CaseIterable {
    case throughput, meanBusyServers, meanInStation, meanWait, meanResponse, waitProbability
    case lossProbability, responseP50, responseP95, responseP99
  }

  package var scope: Scope
  package var metric: Metric
  package var value: Double
}

extension StationResult {
  /// The simulated value of a metric that theory predicts.
  package subscript(metric: TheoryPrediction.Metric) -> Double {
    switch metric {
    case .throughput: return throughput
    case .meanBusyServers: return meanBusyServers
    case .meanInStation: return meanInStation
    case .meanWait: return meanWait
    case .meanResponse: return meanResponse
    case .waitProbability: return waitProbability
    case .lossProbability: return lossProbability
    case .responseP50: return responseP50
    case .responseP95: return responseP95
    case .responseP99: return responseP99
    }
  }
}

extension FlowResult {
  /// The simulated value of a metric that theory predicts (nil where end to end has none).
  package subscript(metric: TheoryPrediction.Metric) -> Double? {
    switch metric {
    case .throughput: return throughput
    case .meanWait: return meanWait
    case .meanResponse: return meanResponse
    case .waitProbability: return waitProbability
    case .responseP50: return responseP50
    case .responseP95: return responseP95
    case .responseP99: return responseP99
    case .meanBusyServers, .meanInStation, .lossProbability: return nil
    }
  }
}

extension Network {
  /// The exact answer of queueing theory for this network, or why there is none.
  ///
  /// Recognized, in this order: a closed population over exponential FIFO stations (exact MVA,
  /// multi-server stations load-dependent); one Poisson stream into one station (M/M/c with
  /// Erlang C percentiles, M/M/c/K, M/D/1 with exact percentiles, M/G/1 Pollaczek-Khinchine,
  /// M/G/inf); a round-robin dispatcher over identical exponential single servers (each is
  /// E_k/M/1, a GI/M/1 queue); and open networks of exponential stations with probabilistic or
  /// random/weighted dispatch (Jackson). Join-shortest-queue, power-of-two, timeouts and
  /// time-varying arrivals have no closed form. Customers on visit sequences count by their
  /// demand per station (BCMP: exact where each FIFO station serves every visit with the same
  /// exponential time); one Poisson stream into one batch station is the gated bulk-service
  /// queue (`BatchFlush`); locks have no closed form.
  package func theory() -> Result<TheoryAnswer, TheoryUnavailable> {
    if let lock = locks.first {
      let bounds = lockBounds().map { b in
        "lock '\(locks[b.lock].name)' is held at least \(b.held * 1_000) ms per trip of class '\(sequences[b.sequence].name)', so at most \(b.throughput) of them per second"
      }
      return .failure(
        TheoryUnavailable(
          "locks held across visits (here '\(lock.name)') have no product form; bounds: \(bounds.joined(separator: "; "))"
        ))
    }
    if stations.contains(where: { $0.discipline == .batch }) {
      do {
        return try batchStation()
      } catch {
        return .failure("\(error)")
      }
    }
    if let reason = sequenceReason() { return .failure(TheoryUnavailable(reason)) }
    if stations.contains(where: { $0.timeout != nil && !$0.isInsensitive }) {
      return .failure("timeouts (abandonment) have no exact result here")
    }
    if sources.contains(where: { if case .varying = $0.kind { true } else { false } }) {
      return .failure("time-varying arrivals have no steady state")
    }
    if sources.contains(where: { if case .paced = $0.kind { true } else { false } }) {
      return .failure("paced connections (open loop per connection, as pgbench --rate) have no closed form")
    }
    if let d = dispatchers.first(where: { $0.policy == .joinShortestQueue || $0.policy == .powerOfTwo }) {
      return .failure("dispatcher '\(d.name)' routes by queue length (\(d.policy.rawValue)): no closed form")
    }
    let closed = sources.filter { if case .closed = $0.kind { true } else { false } }
    if !closed.isEmpty {
      guard sources.count == 1 else {
        return .failure(
          closed.count == sources.count
            ? "\(closed.count) closed populations: multi-class MVA is not solved here (one population is)"
            : "mixed open and closed sources")
      }
      return closedNetwork()
    }
    if sources.contains(where: { if case .sequence = $0.destination { true } else { false } }) {
      return openSequences()
    }
    do {
      if let answer = try singleStation() { return answer }
      if let answer = try roundRobinPool() { return .success(answer) }
      return try jackson()
    } catch let error as QueueingTheoryError {
      return .failure(named(error))
    } catch {
      return .failure("\(error)")
    }
  }

  private func isExponential(_ s: Station) -> Bool {
    if case .exponential = s.service.kind { return true }
    return false
  }

  /// Poisson streams into one station that customers leave after service (merged, they are one
  /// Poisson stream at the sum of their rates): nil when the network is not that, a failure
  /// when it is but theory has no exact answer for the station.
  private func singleStation() throws -> Result<TheoryAnswer, TheoryUnavailable>? {
    guard stations.count == 1, dispatchers.isEmpty, !sources.isEmpty,
      sources.allSatisfy({
        if case .poisson = $0.kind, case .station(0) = $0.destination { true } else { false }
      }),
      stations[0].routing.allSatisfy({ $0.destination == .exit })
    else { return nil }
    let lambda = sources.reduce(0.0) { sum, source in
      if case .poisson(let rate) = source.kind { sum + rate } else { sum }
    }
    let s = stations[0]
    let mean = s.service.mean
    var out = OneStationPredictions()
    if s.isShared {
      guard s.isInsensitive || isExponential(s) else {
        return .failure(
          "station '\(s.name)' slows with concurrency under first-come-first-served: exact only with exponential service (or under processor sharing)"
        )
      }
      if s.capacity == nil, case .finite = s.servers {
        return .success(try loadDependent(s, lambda))
      }
      return try loadDependentWithLosses(s, lambda)
    }
    switch s.servers {
    case .infinite:
      if let k = s.capacity {
        // Room for k, each in service at once: Erlang's loss system, whatever the service.
        let q = try MMcK(arrivalRate: lambda, serviceRate: 1 / mean, servers: k, capacity: k)
        out.add(.lossProbability, q.blockingProbability)
        out.add(.throughput, q.throughput)
        out.add(.meanInStation, q.meanNumberInSystem)
        out.add(.meanBusyServers, q.meanBusyServers)
        out.add(.meanResponse, mean)
        out.add(.meanWait, 0)
        return .success(
          TheoryAnswer(method: "M/G/c/c with c = capacity \(k) (Erlang B, insensitive)", predictions: out.all))
      }
      out.add(.meanInStation, lambda * mean)
      out.add(.meanBusyServers, lambda * mean)
      out.add(.meanResponse, mean)
      out.add(.meanWait, 0)
      out.add(.throughput, lambda)
      return .success(TheoryAnswer(method: "M/G/inf (no waiting)", predictions: out.all))
    case .finite(let c):
      if let k = s.capacity {
        // Without waiting room (K = c) the loss system is insensitive to the service time.
        guard isExponential(s) || k == c else {
          return .failure(
            "station '\(s.name)' has a waiting room (capacity \(k) > servers \(c)) and non-exponential service: M/G/c/K has no exact result here"
          )
        }
        let q = try MMcK(arrivalRate: lambda, serviceRate: 1 / mean, servers: c, capacity: k)
        out.add(.lossProbability, q.blockingProbability)
        out.add(.throughput, q.throughput)
        out.add(.meanInStation, q.meanNumberInSystem)
        out.add(.meanBusyServers, q.meanBusyServers)
        out.add(.meanResponse, q.meanResponse)
        out.add(.meanWait, q.meanWait)
        out.add(.waitProbability, q.waitProbability)
        let method =
          k == c
          ? (isExponential(s) ? "M/M/c/c (Erlang B)" : "M/G/c/c (Erlang B, insensitive)") : "M/M/c/K (birth-death)"
        return .success(TheoryAnswer(method: method, predictions: out.all))
      }
      if isExponential(s) {
        let q = try MMc(arrivalRate: lambda, serviceRate: 1 / mean, servers: c)
        out.add(.throughput, lambda)
        out.add(.meanBusyServers, lambda * mean)
        out.add(.meanInStation, q.meanNumberInSystem)
        out.add(.meanWait, q.meanWait)
        out.add(.meanResponse, q.meanResponse)
        out.add(.waitProbability, q.waitProbability)
        out.add(.responseP50, try q.responseTimePercentile(0.50))
        out.add(.responseP95, try q.responseTimePercentile(0.95))
        out.add(.responseP99, try q.responseTimePercentile(0.99))
        return .success(TheoryAnswer(method: c == 1 ? "M/M/1" : "M/M/c (Erlang C)", predictions: out.all))
      }
      guard c == 1 else {
        return .failure(
          "station '\(s.name)' has \(c) servers and non-exponential service: M/G/c has no exact closed form (only approximations)"
        )
      }
      let q = try MG1(arrivalRate: lambda, serviceMean: mean, serviceSecondMoment: s.service.secondMoment)
      out.add(.throughput, lambda)
      out.add(.meanBusyServers, lambda * mean)
      out.add(.meanInStation, q.meanNumberInSystem)
      out.add(.meanWait, q.meanWait)
      out.add(.meanResponse, q.meanResponse)
      out.add(.waitProbability, q.waitProbability)
      if case .deterministic(let d) = s.service.kind {
        let md1 = try MD1(arrivalRate: lambda, serviceTime: d)
        out.add(.responseP50, try md1.responseTimePercentile(0.50))
        out.add(.responseP95, try md1.responseTimePercentile(0.95))
        out.add(.responseP99, try md1.responseTimePercentile(0.99))
        return .success(
          TheoryAnswer(method: "M/D/1 (Pollaczek-Khinchine, Erlang's waiting-time distribution)", predictions: out.all))
      }
      return .success(TheoryAnswer(method: "M/G/1 (Pollaczek-Khinchine)", predictions: out.all))
    }
  }

  /// A shared station (processor sharing, or slowed by concurrency) with finite servers and
  /// unlimited room: a birth-death queue in the number present, exact for processor sharing
  /// with any service distribution, and for exponential FIFO service slowed by concurrency.
  private func loadDependent(_ s: Station, _ lambda: Double) throws -> TheoryAnswer {
    var out = OneStationPredictions()
    let mean = s.service.mean
    guard case .loadDependent(let rates) = s.theoryKind(limit: .max) else {
      guard case .finite(let c) = s.servers else { preconditionFailure("finite servers only") }
      let q = try LoadDependentQueue(arrivalRate: lambda, serviceTime: mean, rates: (1...c).map(Double.init))
      out.add(.throughput, lambda)
      out.add(.meanBusyServers, lambda * mean)
      out.add(.meanInStation, q.meanNumberInSystem)
      out.add(.meanResponse, q.meanResponse)
      let name = c == 1 ? "M/G/1-PS (S / (1 - rho), insensitive)" : "M/G/c-PS (M/M/c means, insensitive)"
      return TheoryAnswer(method: name, predictions: out.all)
    }
    let q = try LoadDependentQueue(arrivalRate: lambda, serviceTime: mean, rates: rates)
    out.add(.throughput, lambda)
    out.add(.meanInStation, q.meanNumberInSystem)
    out.add(.meanResponse, q.meanResponse)
    return TheoryAnswer(
      method:
        "load-dependent birth-death queue (\(s.discipline == .processorSharing ? "processor sharing, insensitive" : "exponential FIFO"))",
      predictions: out.all)
  }

  /// A shared station with a capacity, or with infinite servers: the birth-death chain truncated
  /// at the capacity, or where its terms no longer count (an infinite-server station serves all
  /// present, each at 1 / factor, so the chain's tail falls like a Poisson distribution's).
  private func loadDependentWithLosses(_ s: Station, _ lambda: Double) throws -> Result<TheoryAnswer, TheoryUnavailable>
  {
    var out = OneStationPredictions()
    let mean = s.service.mean
    let k: Int
    if let capacity = s.capacity {
      k = capacity
    } else {
      // Past n = 2 a f, each term is at most half the one before: 120 more leave < 1e-36.
      let slowest = s.loadFactor.map { $0.factor(at: $0.constantFrom) } ?? 1
      let from = s.loadFactor?.constantFrom ?? 1
      let reach = 2 * lambda * mean * slowest
      guard reach < 10_000_000 else {
        return .failure("station '\(s.name)' would hold about \(Int(reach / 2)) customers: too many states to sum here")
      }
      k = max(from, Int(reach.rounded(.up))) + 120
    }
    let rates: [Double]
    if case .loadDependent(let r) = s.theoryKind(limit: k) {
      rates = r
    } else if case .finite(let c) = s.servers {
      rates = (1...max(1, min(c, k))).map(Double.init)
    } else {
      rates = (1...k).map(Double.init)
    }
    let q = try LoadDependentLossQueue(arrivalRate: lambda, serviceTime: mean, rates: rates, capacity: k)
    let p = q.stationaryDistribution
    if s.capacity != nil { out.add(.lossProbability, q.blockingProbability) }
    out.add(.throughput, q.throughput)
    out.add(.meanInStation, q.meanNumberInSystem)
    out.add(.meanResponse, q.meanResponse)
    if s.loadFactor == nil {
      // Without a factor a server's busy time is the work it serves: X S.
      out.add(.meanBusyServers, q.throughput * mean)
    }
    if s.discipline == .fifo, case .finite(let c) = s.servers {
      // First come, first served: those beyond the c in service wait.
      let waiting = p.indices.reduce(0) { $0 + Double(max($1 - c, 0)) * p[$1] }
      let accepted = p[..<k].reduce(0, +)
      out.add(.meanWait, waiting / q.throughput)
      out.add(.waitProbability, p.indices.filter { $0 >= c && $0 < k }.reduce(0) { $0 + p[$1] } / accepted)
    } else if s.servers == .infinite {
      out.add(.meanWait, 0)
    }
    let room = s.capacity.map { "room for \($0)" } ?? "infinite servers"
    let how =
      s.discipline == .processorSharing
      ? "processor sharing, insensitive" : (s.servers == .infinite ? "insensitive" : "exponential FIFO")
    let name = s.loadFactor == nil ? "birth-death queue" : "load-dependent birth-death queue"
    return .success(TheoryAnswer(method: "\(name), \(room) (\(how))", predictions: out.all))
  }

  /// Poisson arrivals, round robin over k identical exponential single servers that customers
  /// leave after service: each server sees Erlang-k interarrivals (E_k/M/1).
  private func roundRobinPool() throws -> TheoryAnswer? {
    guard dispatchers.count == 1, dispatchers[0].policy == .roundRobin, sources.count == 1,
      case .poisson(let lambda) = sources[0].kind, case .dispatcher(0) = sources[0].destination
    else { return nil }
    let targets = dispatchers[0].targets
    guard Set(targets).count == stations.count,
      stations.allSatisfy({
        isExponential($0) && $0.servers == .finite(1) && $0.capacity == nil && $0.loadFactor == nil
          && $0.routing.allSatisfy { $0.destination == .exit } && $0.service.mean == stations[0].service.mean
          && $0.discipline == stations[0].discipline
      })
    else { return nil }
    let mu = 1 / stations[0].service.mean
    let q = try GIM1.roundRobin(servers: targets.count, arrivalRate: lambda, serviceRate: mu)
    var out: [TheoryPrediction] = [
      .init(scope: .endToEnd, metric: .throughput, value: lambda),
      .init(scope: .endToEnd, metric: .meanResponse, value: q.meanResponse),
    ]
    // Processor sharing holds the same number present (exponential service, work-conserving),
    // so the means agree; nobody waits there, and the response times spread differently.
    let sharing = stations[0].discipline == .processorSharing
    if !sharing {
      out += [
        .init(scope: .endToEnd, metric: .meanWait, value: q.meanWait),
        .init(scope: .endToEnd, metric: .waitProbability, value: q.waitProbability),
        .init(scope: .endToEnd, metric: .responseP50, value: try q.responseTimePercentile(0.50)),
        .init(scope: .endToEnd, metric: .responseP95, value: try q.responseTimePercentile(0.95)),
        .init(scope: .endToEnd, metric: .responseP99, value: try q.responseTimePercentile(0.99)),
      ]
    }
    for i in stations.indices {
      out.append(.init(scope: .station(i), metric: .meanResponse, value: q.meanResponse))
      out.append(.init(scope: .station(i), metric: .meanInStation, value: q.meanNumberInSystem))
    }
    let method = "round robin over exponential servers: each is E_k/M/1 (GI/M/1)"
    return TheoryAnswer(method: sharing ? method + ", means only under processor sharing" : method, predictions: out)
  }

  private func jackson() throws -> Result<TheoryAnswer, TheoryUnavailable> {
    if let s = stations.first(where: { $0.loadFactor != nil }) {
      return .failure(
        "station '\(s.name)' slows with concurrency: solved alone or in a closed network, not in an open one")
    }
    guard stations.allSatisfy({ isExponential($0) || $0.isInsensitive }) else {
      return .failure("a network of stations with non-exponential service has no product form")
    }
    guard stations.allSatisfy({ $0.capacity == nil }) else {
      return .failure("finite capacities (losses) break the product form of a network")
    }
    if dispatchers.contains(where: { $0.policy == .roundRobin }) {
      return .failure("round-robin dispatch inside a network is not Poisson splitting")
    }
    guard let (external, routing) = flattenedRouting(rate: Self.poissonRate, anyPolicy: false) else {
      return .failure("this routing has no product form")
    }
    let network = try JacksonNetwork(
      stations: stations.indices.map { i in
        JacksonNetwork.Station(
          externalArrivalRate: external[i], serviceRate: 1 / stations[i].service.mean, kind: stations[i].theoryKind)
      },
      transitions: routing)
    var out: [TheoryPrediction] = [
      .init(scope: .endToEnd, metric: .throughput, value: network.totalExternalArrivalRate),
      .init(scope: .endToEnd, metric: .meanResponse, value: network.meanEndToEndResponse),
    ]
    for (i, r) in network.stationResults.enumerated() {
      out.append(.init(scope: .station(i), metric: .throughput, value: r.arrivalRate))
      out.append(.init(scope: .station(i), metric: .meanBusyServers, value: r.meanBusyServers))
      out.append(.init(scope: .station(i), metric: .meanInStation, value: r.meanNumber))
      // Under processor sharing nobody waits: the M/M/c wait is part of the response there.
      if stations[i].discipline == .fifo { out.append(.init(scope: .station(i), metric: .meanWait, value: r.meanWait)) }
      out.append(.init(scope: .station(i), metric: .meanResponse, value: r.meanResponse))
    }
    return .success(TheoryAnswer(method: "open Jackson network (product form, each station M/M/c)", predictions: out))
  }

  private func closedNetwork() -> Result<TheoryAnswer, TheoryUnavailable> {
    guard case .closed(let users, let think) = sources[0].kind else { return .failure("not closed") }
    let onSequence: Int? = if case .sequence(let k) = sources[0].destination { k } else { nil }
    guard onSequence != nil || stations.allSatisfy({ isExponential($0) || $0.isInsensitive }) else {
      return .failure("MVA needs exponential service at FIFO stations")
    }
    guard stations.allSatisfy({ $0.capacity == nil }) else { return .failure("finite capacities lose customers") }
    do {
      let visits: [Double]
      let demands: [Double]
      if let k = onSequence {
        // A sequence: its total demand per station is all MVA needs.
        let d = self.demands(ofSequence: k)
        (visits, demands) = (d.visits.map(Double.init), d.demand)
      } else {
        // Visit ratios per interaction: v = e + v P, with e where an interaction enters (the
        // source as a unit-rate stream gives it).
        var unitSource = sources[0]
        unitSource.kind = .poisson(rate: 1)
        guard
          let (entry, routing) = Network(stations: stations, dispatchers: dispatchers, sources: [unitSource])
            .flattenedRouting(rate: Self.poissonRate, anyPolicy: false)
        else { return .failure("this routing has no product form") }
        visits = try JacksonNetwork.solveTrafficEquations(externalArrivalRates: entry, transitions: routing)
        demands = stations.indices.map { visits[$0] * stations[$0].service.mean }
      }
      // A station no interaction visits holds nobody: MVA runs over the others.
      let visited = stations.indices.filter { demands[$0] > 0 }
      guard !visited.isEmpty else { return .failure("no station is visited: the users only think") }
      let network = try ClosedNetwork(
        population: users, thinkTime: think.mean,
        stations: visited.map { i in
          ClosedNetwork.Station(demand: demands[i], kind: stations[i].theoryKind(limit: users + 1))
        })
      let solution = network.solution
      var out: [TheoryPrediction] = [
        .init(scope: .endToEnd, metric: .throughput, value: solution.throughput),
        .init(scope: .endToEnd, metric: .meanResponse, value: solution.responseTime),
      ]
      for (i, r) in zip(visited, solution.stations) {
        // With a load factor X D is nominal work, not the servers' busy time.
        if stations[i].loadFactor == nil {
          out.append(.init(scope: .station(i), metric: .meanBusyServers, value: r.meanBusyServers))
        }
        out.append(.init(scope: .station(i), metric: .meanInStation, value: r.meanNumber))
        if visits[i] > 0 {
          out.append(.init(scope: .station(i), metric: .meanResponse, value: r.residenceTime / visits[i]))
          out.append(.init(scope: .station(i), metric: .throughput, value: solution.throughput * visits[i]))
        }
      }
      let loadDependent = stations.contains { $0.loadFactor != nil }
      let sequence = onSequence.map { ", class '\(sequences[$0].name)' by its demand per station" } ?? ""
      return .success(
        TheoryAnswer(
          method:
            "closed network, exact mean value analysis\(loadDependent ? " (load-dependent stations)" : "")\(sequence)",
          predictions: out))
    } catch {
      return .failure("\(error)")
    }
  }
}

extension Network {
  /// Why customers on sequences rule theory out, or nil: BCMP product form needs every visit
  /// to a FIFO station served by the same exponential time (processor sharing and delay
  /// stations take any), and a trip that starts either on sequences or by routing, not both.
  func sequenceReason() -> String? {
    guard !sequences.isEmpty else { return nil }
    let onSequences = sources.filter { if case .sequence = $0.destination { true } else { false } }.count
    guard onSequences == 0 || onSequences == sources.count else {
      return "some sources start on sequences and some are routed: not solved together here"
    }
    for sequence in sequences {
      for step in sequence.steps {
        let station = stations[step.station]
        guard !station.isInsensitive else { continue }
        let service = step.service ?? station.service
        guard case .exponential = service.kind, service.mean == station.service.mean else {
          return
            "class '\(sequence.name)' visits FIFO station '\(station.name)' with a service other than the station's exponential one: no product form"
        }
      }
    }
    return nil
  }

  /// Poisson sources into sequences (BCMP, open): each station holds what an M/M/c (or
  /// load-dependent) queue holds at its offered work; end to end by Little's law.
  private func openSequences() -> Result<TheoryAnswer, TheoryUnavailable> {
    guard sources.allSatisfy({ if case .poisson = $0.kind { true } else { false } }) else {
      return .failure("sources into sequences: theory here takes Poisson ones")
    }
    if let s = stations.first(where: { $0.loadFactor != nil }) {
      return .failure(
        "station '\(s.name)' slows with concurrency: solved alone or in a closed network, not in an open one")
    }
    guard stations.allSatisfy({ $0.capacity == nil }) else {
      return .failure("finite capacities (losses) break the product form of a network")
    }
    var work = [Double](repeating: 0, count: stations.count)
    var visitRate = [Double](repeating: 0, count: stations.count)
    var total = 0.0
    for source in sources {
      guard case .poisson(let rate) = source.kind, case .sequence(let k) = source.destination else { continue }
      total += rate
      let d = demands(ofSequence: k)
      for i in stations.indices {
        work[i] += rate * d.demand[i]
        visitRate[i] += rate * Double(d.visits[i])
      }
    }
    do {
      // Each station alone at the total rate with service time work / total: the same M/M/c.
      let network = try JacksonNetwork(
        stations: stations.indices.map { i in
          JacksonNetwork.Station(
            externalArrivalRate: work[i] > 0 ? total : 0, serviceRate: work[i] > 0 ? total / work[i] : 1,
            kind: stations[i].theoryKind)
        },
        transitions: stations.map { _ in [] })
      var out: [TheoryPrediction] = [
        .init(scope: .endToEnd, metric: .throughput, value: total),
        .init(scope: .endToEnd, metric: .meanResponse, value: network.meanNumberInNetwork / total),
      ]
      for (i, r) in network.stationResults.enumerated() where visitRate[i] > 0 {
        out.append(.init(scope: .station(i), metric: .throughput, value: visitRate[i]))
        out.append(.init(scope: .station(i), metric: .meanBusyServers, value: work[i]))
        out.append(.init(scope: .station(i), metric: .meanInStation, value: r.meanNumber))
        out.append(.init(scope: .station(i), metric: .meanResponse, value: r.meanNumber / visitRate[i]))
      }
      return .success(
        TheoryAnswer(
          method: "open network of visit sequences (BCMP product form, each station M/M/c at its offered work)",
          predictions: out))
    } catch {
      return .failure(named(error))
    }
  }

  /// The theory knows stations by index; the user by name.
  private func named(_ error: QueueingTheoryError) -> TheoryUnavailable {
    if case .unstableStation(let index, let utilization) = error, stations.indices.contains(index) {
      let load = utilization.isFinite ? "utilization \(utilization)" : "its arrivals exceed what it can serve"
      return TheoryUnavailable("station '\(stations[index].name)' is unstable (\(load)): its queue grows without bound")
    }
    return TheoryUnavailable("\(error)")
  }

  /// One Poisson stream into one batch station that customers leave after service, or why
  /// the batch station in this network has no exact result.
  private func batchStation() throws -> Result<TheoryAnswer, TheoryUnavailable> {
    let station = stations.first { $0.discipline == .batch }!
    let why = "batch station '\(station.name)' has an exact result only"
    guard stations.count == 1, dispatchers.isEmpty, sources.count == 1, case .station(0) = sources[0].destination,
      station.routing.allSatisfy({ $0.destination == .exit })
    else { return .failure("\(why) alone: one source straight into it, and customers leave after it") }
    guard case .poisson(let lambda) = sources[0].kind else { return .failure("\(why) with Poisson arrivals") }
    guard station.servers == .finite(1) else { return .failure("\(why) with one server (one flush at a time)") }
    guard station.capacity == nil else { return .failure("\(why) without a capacity (losses)") }
    guard station.timeout == nil else { return .failure("\(why) without a timeout (abandonment)") }
    guard let laplace = station.service.laplaceTransform(at: lambda) else {
      return .failure(
        "\(why) for a service time whose Laplace transform has a closed form (exponential, deterministic, uniform, gamma, Erlang, hyperexponential, empirical)"
      )
    }
    let s = station.service
    let q = try BatchFlush(
      arrivalRate: lambda, serviceMean: s.mean, serviceSecondMoment: s.secondMoment, laplaceTransform: laplace)
    var out: [TheoryPrediction] = []
    for scope in [TheoryPrediction.Scope.station(0), .endToEnd] {
      out.append(.init(scope: scope, metric: .throughput, value: lambda))
      out.append(.init(scope: scope, metric: .meanResponse, value: q.meanResponse))
      out.append(.init(scope: scope, metric: .meanWait, value: q.meanWait))
      out.append(.init(scope: scope, metric: .waitProbability, value: q.busyProbability))
    }
    out.append(.init(scope: .station(0), metric: .meanBusyServers, value: q.busyProbability))
    out.append(.init(scope: .station(0), metric: .meanInStation, value: q.meanNumberInSystem))
    return .success(
      TheoryAnswer(method: "batch service, unlimited batches (M/G^[inf]/1, gated: group commit)", predictions: out))
  }

  static func poissonRate(_ source: Source) -> Double? {
    if case .poisson(let rate) = source.kind { return rate }
    return nil
  }
}

extension Distribution {
  /// `E[exp(-s X)]`, where it has a closed form; nil otherwise.
  func laplaceTransform(at s: Double) -> Double? {
    switch kind {
    case .exponential(let m): return 1 / (1 + s * m)
    case .deterministic(let v): return exp(-s * v)
    case .uniform(let a, let b): return b > a ? (exp(-s * a) - exp(-s * b)) / (s * (b - a)) : exp(-s * a)
    case .gamma(let k, let theta): return pow(1 + s * theta, -k)
    case .erlang(let n, let m): return pow(1 + s * m / Double(n), -Double(n))
    case .hyperexponential(let p, let m): return zip(p, m).reduce(0) { $0 + $1.0 / (1 + s * $1.1) }
    case .empirical(let xs): return xs.reduce(0) { $0 + exp(-s * $1) } / Double(xs.count)
    default: return nil
    }
  }
}

extension Station {
  /// The station as queueing theory sees it (open networks: no load factor).
  var theoryKind: StationKind {
    switch servers {
    case .finite(let c): return .queueing(servers: c)
    case .infinite: return .delay
    }
  }

  /// The station as load-dependent MVA sees it, listing at most `limit` rates (N + 1 for N
  /// users): alpha(j) = min(j, c) / factor(concurrency), concurrency j under processor sharing
  /// and min(j, c) under FIFO. Processor sharing without a factor is M/M/c for the means.
  func theoryKind(limit: Int) -> StationKind {
    guard let load = loadFactor else { return theoryKind }
    let c: Int
    switch servers {
    case .finite(let n): c = n
    case .infinite: c = .max
    }
    // alpha is constant once both min(j, c) and the factor are (j >= c under FIFO).
    let last = discipline == .processorSharing ? max(c == .max ? limit : c, load.constantFrom) : min(c, limit)
    let count = min(last, limit)
    return .loadDependent(
      rates: (1...max(count, 1)).map { j in
        let concurrency = discipline == .processorSharing ? j : min(j, c)
        return Double(min(j, c)) / load.factor(at: concurrency)
      })
  }

  /// Servers' worth of service under full load: c / factor at saturation; nil without a load
  /// factor (c) and for infinite servers.
  var limitingServers: Double? {
    guard let load = loadFactor, case .finite(let c) = servers else { return nil }
    let concurrency = discipline == .processorSharing ? max(c, load.constantFrom) : c
    return Double(c) / load.factor(at: concurrency)
  }

  /// Theory's mean-value results hold for any service distribution here (BCMP insensitivity).
  var isInsensitive: Bool { discipline == .processorSharing || servers == .infinite }
}

extension FlowResult {
  static func hasMetric(_ m: TheoryPrediction.Metric) -> Bool {
    switch m {
    case .meanBusyServers, .meanInStation, .lossProbability: return false
    default: return true
    }
  }
}

/// Predictions of a network's one station, each also end to end where a trip has the metric.
private struct OneStationPredictions {
  var all: [TheoryPrediction] = []

  mutating func add(_ metric: TheoryPrediction.Metric, _ value: Double) {
    all.append(.init(scope: .station(0), metric: metric, value: value))
    if FlowResult.hasMetric(metric) { all.append(.init(scope: .endToEnd, metric: metric, value: value)) }
  }
}

/// Why theory has no exact answer for a network.
package struct TheoryUnavailable: Error, CustomStringConvertible, ExpressibleByStringLiteral,
  ExpressibleByStringInterpolation
{
  package var reason: String
  package init(stringLiteral value: String) { reason = value }
  package init(_ reason: String) { self.reason = reason }
  package var description: String { reason }
}
