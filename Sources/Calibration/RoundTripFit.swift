import CGSL
import Foundation
import QueueingTheory

/// A closed-loop model of a database benchmark whose client shares the server's machine, by the
/// round trip: fitted on three low load levels, it carries what happens to the CPU as the cores
/// fill up.
///
/// One client's cycle is `k` round trips (``TransactionShape``), each a CPU burst and a delay:
///
///     client --> cpu (processor sharing over c cores: server + client CPU + u per round trip) --> delay L --+
///        ^                                                                                                  |
///        +--------------------------------------------------------------------------------------------------+
///
/// - **CPU per round trip falls as the cores fill**: a lone client pays for waking idle cores
///   (a halted virtual CPU takes tens of microseconds to wake). The charged CPU per round trip
///   is linear in the idle share of the cores, `d(I) = a + b I`, for the server and the client
///   each, fitted by least squares on the utilization-law demands at the fitted levels; a
///   prediction solves for the idle share it implies (a fixed point).
/// - **Core time no process is charged for**, `u` per round trip (interrupts, the scheduler,
///   the virtual machine's exits): the accounted CPU of a saturated machine stays below its
///   cores. It is a machine's constant: fitted on a read-only workload and reused for the
///   others measured on the same machine, else fitted per workload.
/// - **The delay** per round trip is a wake-up latency `L0` scaled by the chance that a
///   wake-up finds an idle core, plus `w` scaled by the cores' utilization; `u`, `L0` and `w`
///   are fitted so that the model meets the fitted levels' throughputs.
/// - **Row locks** (``RowLock``): the wait for each is exact MVA over its rows with the rest of
///   the cycle as a delay; holds stretch with the model's round-trip time (a lock holder queues
///   for the CPU like everyone else: convoys), an earlier lock is held while its holder waits for
///   a later one, and each wait costs one saturated round trip of CPU (a sleep and a wake-up).
/// - **What the client reports**: pgbench starts a client's next transaction on its next pass
///   over the connections, so part of each cycle is outside the latency it prints. That share,
///   `1 - X R / n`, is measured at the fitted levels and held beyond them.
/// - **p95**: the latency outside lock waits is Gamma with the shape of the highest fitted level
///   (its p95 over its mean); a lock wait, with the chance that a row is taken, is exponential.
///
/// The CPU and the delay are solved by exact load-dependent MVA (the station serves min(j, c)
/// at once).
package struct RoundTripFit: Sendable {
  package var cores: Int
  package var shape: TransactionShape
  /// Seconds per round trip: core time charged to no process; the wake-up latency of an idle
  /// core; the wait that grows with the cores' utilization.
  package var uncharged: Double
  package var wakeLatency: Double
  package var busyWait: Double
  /// Charged CPU seconds per round trip at idle share I: `a + b I`.
  package var server: (a: Double, b: Double)
  package var client: (a: Double, b: Double)
  /// The share of the cycle outside the reported latency at the fitted levels.
  package var outside: [(clients: Int, share: Double)]
  /// Gamma shape of the latency outside lock waits.
  package var tailShape: Double?
  /// Whether `uncharged` was fitted on these levels (else given: the machine's).
  package var fittedUncharged: Bool

  /// A prediction at one client count.
  package struct Prediction: Sendable {
    package var throughput: Double
    package var latency: Double
    package var p95: Double?
    /// Seconds a transaction waits for row locks, and the chance that it waits at all.
    package var lockWait: Double
    package var lockChance: Double
    /// Busy share of the cores.
    package var utilization: Double
  }

  /// Fits `levels` (3 or more, each with CPU seconds, the lowest first).
  ///
  /// - Parameters:
  ///   - uncharged: the machine's core time per round trip charged to no process, from another
  ///     workload; nil fits it here.
  ///   - locks: whether to model `shape`'s row locks.
  ///   - boundary: whether to take out the share of the cycle pgbench leaves out of the latency.
  package init(
    levels: [MeasuredLevel], cores defaultCores: Int, shape: TransactionShape, uncharged machine: Double? = nil,
    locks: Bool = true, boundary: Bool = true
  ) throws(CalibrationError) {
    let levels = levels.sorted { $0.clients < $1.clients }
    guard levels.count >= 3 else { throw .tooFewLevels(levels.map(\.clients)) }
    guard levels.allSatisfy({ $0.serverDemand != nil }) else { throw .needsCPUSeconds(levels.map(\.clients)) }
    cores = levels[0].cores ?? defaultCores
    self.shape = locks ? shape : TransactionShape(roundTrips: shape.roundTrips, readOnly: shape.readOnly, locks: [])
    uncharged = machine ?? 0
    fittedUncharged = machine == nil
    wakeLatency = 0
    busyWait = 0
    server = (0, 0)
    client = (0, 0)
    outside = levels.map { l in
      (l.clients, boundary ? min(max(1 - l.throughput * l.meanLatency / Double(l.clients), 0), 0.9) : 0)
    }
    tailShape = nil

    // The lowest level's round trip time that is not charged CPU (a client's cycle is n / X)
    // bounds u and L0.
    let k = shape.roundTrips
    let first = levels[0]
    let cycle = Double(first.clients) / first.throughput
    let gap = max((cycle - first.serverDemand! - (first.clientDemand ?? 0)) / k, 1e-6)
    func residual(_ p: [Double]) -> Double {
      var trial = self
      trial.setLaws(levels, uncharged: fittedUncharged ? p[0] : uncharged)
      trial.wakeLatency = p[p.count - 2]
      trial.busyWait = p[p.count - 1]
      var sum = 0.0
      for l in levels {
        guard let x = trial.solve(clients: l.clients)?.throughput, x > 0 else { return .infinity }
        sum += pow(log(x / l.throughput), 2)
      }
      return sum
    }
    // Bounds: u and L0 within three one-client gaps, the busy wait within [-0.2, 2] ms.
    let low = (fittedUncharged ? [0.0] : []) + [0, -2e-4]
    let high = (fittedUncharged ? [3 * gap] : []) + [3 * gap, 2e-3]
    let starts: [[Double]] =
      fittedUncharged
      ? [[0.3 * gap, 0.7 * gap, 0], [0.6 * gap, 0.4 * gap, 0], [0.1 * gap, 0.5 * gap, 2e-5]]
      : [[0.5 * gap, 1e-5], [0.1 * gap, 4e-5]]
    var best: (point: [Double], value: Double)? = nil
    for start in starts {
      let found = NelderMead.minimize(residual, from: start, low: low, high: high)
      if best == nil || found.value < best!.value { best = found }
    }
    guard let best, best.value.isFinite else { throw .noFit(levels.map(\.clients)) }
    if fittedUncharged { uncharged = best.point[0] }
    setLaws(levels, uncharged: uncharged)
    wakeLatency = best.point[best.point.count - 2]
    busyWait = best.point[best.point.count - 1]
    // The tail: the highest fitted level's p95 over its latency outside lock waits.
    if let top = levels.last, let p95 = top.p95, let at = solve(clients: top.clients) {
      let base = max(top.meanLatency - at.lockWait, top.meanLatency * 0.05)
      tailShape = Self.gammaShape(ratio: p95 / base)
    }
  }

  /// Sets the CPU laws for a given `u`: the idle share at each level from its measured CPU and
  /// throughput, and a line through (idle share, charged CPU per round trip).
  private mutating func setLaws(_ levels: [MeasuredLevel], uncharged u: Double) {
    uncharged = u
    let k = shape.roundTrips
    let c = Double(cores)
    let idle = levels.map { l in
      min(max(1 - l.throughput * (l.serverDemand! + (l.clientDemand ?? 0) + k * u) / c, 0), 1)
    }
    server = Self.line(idle, levels.map { $0.serverDemand! / k })
    client = Self.line(idle, levels.map { ($0.clientDemand ?? 0) / k })
  }

  /// Least-squares line y = a + b x (GSL's `gsl_fit_linear`); flat when every x is the same.
  static func line(_ x: [Double], _ y: [Double]) -> (a: Double, b: Double) {
    guard let first = x.first, x.contains(where: { $0 != first }) else { return (y.reduce(0, +) / Double(y.count), 0) }
    var (a, b, cov00, cov01, cov11, sumsq) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    gsl_fit_linear(x, 1, y, 1, x.count, &a, &b, &cov00, &cov01, &cov11, &sumsq)
    return (a, b)
  }

  /// Throughput, latency and p95 at `n` clients.
  package func predict(clients n: Int) -> Prediction? {
    guard var p = solve(clients: n) else { return nil }
    p.p95 = tailShape.map { tail(shape: $0, p) }
    return p
  }

  /// The fixed point at `n` clients: utilization, the chance a wake-up finds an idle core and
  /// the lock waits, each implying the others (damped iteration).
  package func solve(clients n: Int) -> Prediction? {
    guard n >= 1 else { return nil }
    let k = shape.roundTrips
    let c = Double(cores)
    var rho = 0.5
    var pIdle = 1.0
    var lockWait = 0.0
    var waits = 0.0
    var chance = 0.0
    var x = 0.0
    for iteration in 0..<500 {
      let idle = 1 - rho
      var ds = max(server.a + server.b * idle, 1e-9)
      let dc = max(client.a + client.b * idle, 1e-9)
      // Each lock wait is a sleep and a wake-up: a saturated round trip of CPU.
      ds += waits / k * (server.a + client.a)
      let delay = max(wakeLatency * pIdle + busyWait * rho + lockWait / k, 1e-12)
      let demand = ds + dc + uncharged
      let mva = Self.mva(population: n, demand: demand, cores: cores, delay: delay)
      x = mva.throughput
      let rhoNext = min(x * demand / c, 1)
      var lockNext = 0.0
      var waitsNext = 0.0
      var free = 1.0
      if !shape.locks.isEmpty {
        let cycle = Double(n) / x * k
        let roundTrip = Double(n) / x - lockWait / k
        // Latest-taken first: an earlier lock is also held while its holder waits for later ones.
        var later = 0.0
        for lock in shape.locks.sorted(by: { $0.heldRoundTrips < $1.heldRoundTrips }) {
          let held = lock.heldRoundTrips * roundTrip + later
          let (w, busy) = Self.lockWait(
            population: n, rows: lock.rows, held: held, share: lock.share,
            rest: max(cycle - lock.share * held - lockWait, 1e-12))
          later += w / max(lock.share, 1e-12)
          lockNext += w
          waitsNext += lock.share * busy
          free *= 1 - lock.share * busy
        }
      }
      let done =
        abs(rhoNext - rho) < 1e-9 && abs(mva.idleChance - pIdle) < 1e-9
        && abs(lockNext - lockWait) < 1e-12 * max(1, lockWait)
      let a = n < 32 ? 0.5 : 0.3
      rho += a * (rhoNext - rho)
      pIdle += a * (mva.idleChance - pIdle)
      lockWait += a * (lockNext - lockWait)
      waits += a * (waitsNext - waits)
      chance = 1 - free
      if done && iteration > 2 { break }
    }
    guard x > 0, x.isFinite else { return nil }
    let throughput = x / k
    let share = outsideShare(at: n)
    return Prediction(
      throughput: throughput, latency: Double(n) / throughput * (1 - share), p95: nil, lockWait: lockWait,
      lockChance: chance, utilization: rho)
  }

  /// The share of the cycle outside the reported latency: linear between fitted levels, held
  /// outside them.
  func outsideShare(at n: Int) -> Double {
    guard let first = outside.first, let last = outside.last else { return 0 }
    if n <= first.clients { return first.share }
    if n >= last.clients { return last.share }
    var i = 1
    while outside[i].clients < n { i += 1 }
    let (a, b) = (outside[i - 1], outside[i])
    return a.share + (b.share - a.share) * Double(n - a.clients) / Double(b.clients - a.clients)
  }

  /// Exact MVA (`QueueingTheory`'s solver) of `population` customers cycling through a station
  /// of `cores` servers (demand per visit) and a delay: throughput, and the chance that an
  /// arriving customer finds a core idle (the arrival theorem: the marginal with one customer
  /// fewer).
  package static func mva(population n: Int, demand: Double, cores c: Int, delay: Double) -> (
    throughput: Double, idleChance: Double
  ) {
    var solver = _MeanValueAnalysis(
      population: n, thinkTime: 0,
      stations: [.init(demand: demand, kind: .queueing(servers: c)), .init(demand: delay, kind: .delay)])
    var idle = 1.0
    if n > 1 {
      var previous = solver.step(to: 1)
      for m in 2..<n { previous = solver.step(to: m) }
      // The solver keeps the marginals of multi-server stations; one server is idle 1 - U.
      idle =
        solver.loadDependent[0].map { $0.logMarginals.prefix(c).reduce(0) { $0 + exp($1) } }
        ?? 1 - (previous.stations[0].utilization ?? 0)
    }
    return (solver.step(to: n).throughput, min(idle, 1))
  }

  /// The mean wait per transaction for a lock of `rows` equally likely rows that a `share` of
  /// transactions hold for `held` seconds, the rest of their cycle a delay: exact MVA with the
  /// rows as first-come-first-served servers. Also the chance that a given row is taken.
  package static func lockWait(population n: Int, rows: Int, held: Double, share: Double, rest: Double) -> (
    wait: Double, busy: Double
  ) {
    guard held > 0, share > 0 else { return (0, 0) }
    let m = Double(rows)
    var queue = 0.0
    var x = 0.0
    var residence = 0.0
    for k in 1...n {
      residence = held * (1 + queue)
      x = Double(k) / (rest + share * residence)
      queue = x * share / m * residence
    }
    return (share * (residence - held), x * share * held / m)
  }

  /// The p95 of Gamma(shape) around the latency outside lock waits, mixed with an exponential
  /// lock wait that comes with the prediction's chance.
  func tail(shape a: Double, _ p: Prediction) -> Double {
    let base = max(p.latency - p.lockWait, p.latency * 0.05)
    let gammaP95 = gsl_cdf_gamma_Pinv(0.95, a, base / a)
    guard p.lockWait > 0, p.lockChance > 1e-6 else { return gammaP95 }
    let q = min(p.lockChance, 1)
    let meanWait = p.lockWait / q
    // P(T <= t) = (1 - q) G(t) + q * integral of G(t - s) over the exponential wait s.
    func cdf(_ t: Double) -> Double {
      let steps = 400
      let h = t / Double(steps)
      var integral = 0.0
      for i in 0..<steps {
        let s = (Double(i) + 0.5) * h
        integral += gsl_cdf_gamma_P(t - s, a, base / a) * exp(-s / meanWait) / meanWait * h
      }
      return (1 - q) * gsl_cdf_gamma_P(t, a, base / a) + q * integral
    }
    var low = 0.0
    var high = (base + meanWait) * 20
    for _ in 0..<60 {
      let mid = (low + high) / 2
      if cdf(mid) < 0.95 { low = mid } else { high = mid }
    }
    return (low + high) / 2
  }

  /// The Gamma shape whose p95 is `ratio` times its mean.
  package static func gammaShape(ratio: Double) -> Double? {
    guard ratio > 1 else { return nil }
    var low = log(0.05)
    var high = log(5_000.0)
    for _ in 0..<80 {
      let mid = (low + high) / 2
      let a = exp(mid)
      // The p95 over the mean falls as the shape grows.
      if gsl_cdf_gamma_Pinv(0.95, a, 1 / a) > ratio { low = mid } else { high = mid }
    }
    return exp((low + high) / 2)
  }

  /// The charged CPU per transaction at `n` clients (server and client), for a topology's load
  /// factor: the law at the model's idle share, per round trip times k.
  package func chargedDemand(clients n: Int) -> Double? {
    guard let p = solve(clients: n) else { return nil }
    let idle = 1 - p.utilization
    return (server.a + server.b * idle + client.a + client.b * idle) * shape.roundTrips
  }
}
