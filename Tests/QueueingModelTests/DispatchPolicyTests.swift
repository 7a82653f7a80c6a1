import QueueingModel
import _TestSupport
import SimRandom
import SimStatistics
import Testing

/// Dispatch policies against exact answers from their Markov chains.
///
/// Join-shortest-queue and power-of-two-choices over N exponential servers have no closed form,
/// but their continuous-time Markov chains are small once states are sorted occupancy vectors
/// (servers are exchangeable). `DispatchChain` solves them numerically; truncation at 120
/// customers leaves less than 1e-10 of probability mass out at utilization 0.8.
///
/// Tolerance: 4 standard errors of the mean over 10 independent replications, estimated from
/// the replications themselves, plus the solver's 1e-9 convergence bound.
@Suite struct DispatchPolicyTests {
  static let servers = 3
  static let lambda = 2.4  // utilization 0.8 with mean service 1

  static func simulate(_ policy: DispatchPolicy, wrongJSQ: Bool = false) -> (w: Estimate, pWait: Estimate) {
    let exp1 = try! Distribution.exponential(mean: 1)
    let network = Network(
      stations: (1...servers).map { Station(name: "s\($0)", servers: .finite(1), service: exp1) },
      dispatchers: [Dispatcher(name: "lb", policy: policy, targets: Array(0..<servers))],
      sources: [Source(name: "in", kind: .poisson(rate: lambda), to: .dispatcher(0))])
    var w: [Double] = []
    var p: [Double] = []
    for r in 0..<10 {
      var sim = NetworkSimulator(
        network: network, window: RunWindow(warmup: 500, horizon: 100_000), seed: 77, replication: r)
      sim._joinShortestQueueCountsWaitingOnly = wrongJSQ
      let result = sim.run()
      w.append(result.endToEnd.meanResponse)
      p.append(result.endToEnd.waitProbability)
    }
    return (Estimate(w), Estimate(p))
  }

  static func within(_ e: Estimate, _ exact: Double) -> Bool {
    let se = e.standardDeviation! / Double(e.count).squareRoot()
    return abs(e.mean - exact) <= 4 * se + 1e-9
  }

  @Test(arguments: [DispatchChain.Policy.joinShortestQueue, .powerOfTwo])
  func policyMatchesItsMarkovChain(_ chainPolicy: DispatchChain.Policy) {
    let exact = DispatchChain(servers: Self.servers, lambda: Self.lambda, policy: chainPolicy, truncation: 120).solve()
    let policy: DispatchPolicy = chainPolicy == .joinShortestQueue ? .joinShortestQueue : .powerOfTwo
    let sim = Self.simulate(policy)
    #expect(Self.within(sim.w, exact.meanResponse), "W \(sim.w.mean) vs exact \(exact.meanResponse)")
    #expect(Self.within(sim.pWait, exact.waitProbability), "P_wait \(sim.pWait.mean) vs exact \(exact.waitProbability)")
  }

  /// The check above is not vacuous: a join-shortest-queue that counts only waiting customers
  /// (a classic bug) is far outside the tolerance, and so is plain random dispatch.
  @Test func wrongJoinShortestQueueIsCaught() {
    let exact = DispatchChain(servers: Self.servers, lambda: Self.lambda, policy: .joinShortestQueue, truncation: 120).solve()
    let wrong = Self.simulate(.joinShortestQueue, wrongJSQ: true)
    #expect(!Self.within(wrong.w, exact.meanResponse), "wrong JSQ W \(wrong.w.mean) vs exact \(exact.meanResponse)")
    let random = Self.simulate(.random)
    #expect(!Self.within(random.w, exact.meanResponse))
  }

  /// The chain solver itself, against a closed form: with one server any policy is M/M/1.
  @Test func chainSolverReducesToMM1() {
    let mm1 = DispatchChain(servers: 1, lambda: 0.8, policy: .joinShortestQueue, truncation: 200).solve()
    #expect(abs(mm1.meanResponse - 5) < 1e-6)
    #expect(abs(mm1.waitProbability - 0.8) < 1e-6)
  }
}

/// The Markov chain of a dispatcher over N single exponential servers (rate 1), solved by
/// Gauss-Seidel on the global balance equations.
struct DispatchChain {
  enum Policy: Sendable, CustomTestStringConvertible {
    case joinShortestQueue, powerOfTwo
    var testDescription: String { self == .joinShortestQueue ? "join-shortest-queue" : "power-of-two" }
  }

  var servers: Int
  var lambda: Double
  var policy: Policy
  var truncation: Int

  /// Probability that an arrival in sorted state `n` joins each server.
  func joinProbabilities(_ n: [Int]) -> [Double] {
    let k = n.count
    switch policy {
    case .joinShortestQueue:
      let least = n.min()!
      let ties = n.filter { $0 == least }.count
      return n.map { $0 == least ? 1 / Double(ties) : 0 }
    case .powerOfTwo:
      if k == 1 { return [1] }
      var p = [Double](repeating: 0, count: k)
      let pairs = Double(k * (k - 1) / 2)
      for i in 0..<k {
        for j in (i + 1)..<k {
          if n[i] < n[j] { p[i] += 1 / pairs } else if n[j] < n[i] { p[j] += 1 / pairs } else {
            p[i] += 0.5 / pairs
            p[j] += 0.5 / pairs
          }
        }
      }
      return p
    }
  }

  func solve() -> (meanResponse: Double, waitProbability: Double) {
    // Enumerate sorted states with at most `truncation` customers.
    var states: [[Int]] = []
    func build(_ prefix: [Int], _ minimum: Int, _ left: Int) {
      if prefix.count == servers {
        states.append(prefix)
        return
      }
      var v = minimum
      while v * (servers - prefix.count) <= left {
        build(prefix + [v], v, left - v)
        v += 1
      }
    }
    build([], 0, truncation)
    var index: [[Int]: Int] = [:]
    for (i, s) in states.enumerated() { index[s] = i }
    // Incoming transitions per state: (from, rate); total outflow rate per state.
    var incoming = [[(Int, Double)]](repeating: [], count: states.count)
    var outflow = [Double](repeating: 0, count: states.count)
    for (i, n) in states.enumerated() {
      if n.reduce(0, +) < truncation {
        for (k, p) in joinProbabilities(n).enumerated() where p > 0 {
          var m = n
          m[k] += 1
          m.sort()
          incoming[index[m]!].append((i, lambda * p))
          outflow[i] += lambda * p
        }
      }
      for k in 0..<servers where n[k] > 0 {
        var m = n
        m[k] -= 1
        m.sort()
        incoming[index[m]!].append((i, 1))
        outflow[i] += 1
      }
    }
    var pi = [Double](repeating: 1 / Double(states.count), count: states.count)
    for _ in 0..<20_000 {
      var change = 0.0
      for j in states.indices {
        var inflow = 0.0
        for (i, rate) in incoming[j] { inflow += pi[i] * rate }
        let updated = inflow / outflow[j]
        change = max(change, abs(updated - pi[j]))
        pi[j] = updated
      }
      let total = pi.reduce(0, +)
      for j in pi.indices { pi[j] /= total }
      if change < 1e-13 { break }
    }
    var customers = 0.0
    var waits = 0.0
    for (i, n) in states.enumerated() {
      customers += pi[i] * Double(n.reduce(0, +))
      for (k, p) in joinProbabilities(n).enumerated() where n[k] > 0 { waits += pi[i] * p }
    }
    return (customers / lambda, waits)
  }
}

@Suite struct ShortestQueueIndexTests {
  /// The O(1) index stays equal to the counts it mirrors through arrivals, departures, timeouts
  /// and losses, over seeded random pools.
  @Test(arguments: 0..<20)
  func indexMirrorsCounts(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let n = 2 + Int(rng.next() % 12)
    let stations = (0..<n).map { i in
      Station(
        name: "s\(i)", servers: .finite(1 + Int(rng.next() % 3)), service: try! .exponential(mean: 1),
        capacity: rng.next() % 2 == 0 ? 8 : nil, timeout: rng.next() % 2 == 0 ? 3 : nil)
    }
    let network = Network(
      stations: stations, dispatchers: [Dispatcher(name: "lb", policy: .joinShortestQueue, targets: Array(0..<n))],
      sources: [Source(name: "in", kind: .poisson(rate: Double(n) * 1.5), to: .dispatcher(0))])
    var sim = NetworkSimulator(network: network, window: RunWindow(warmup: 0, horizon: 300), seed: seed, replication: 0)
    for t in stride(from: 1.0, through: 300, by: 2.3) {
      sim.advance(to: t)
      #expect(sim._shortestQueueIndexProblems() == [], "at \(t) s")
    }
  }
}
