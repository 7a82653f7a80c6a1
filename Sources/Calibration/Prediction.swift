import Foundation

/// Measured against predicted, level by level, for one workload.
package struct FitTable: Sendable {
  package struct Row: Sendable {
    package var level: MeasuredLevel
    /// Whether the level was used to fit (else it is held out and predicted).
    package var isFitted: Bool
    package var throughput: Double
    package var latency: Double
    package var p95: Double?

    package var throughputError: Double { throughput / level.throughput - 1 }
    package var latencyError: Double { latency / level.meanLatency - 1 }
    package var p95Error: Double? {
      guard let p95, let measured = level.p95 else { return nil }
      return p95 / measured - 1
    }
  }

  package var workload: String
  /// The model by load factor: the baseline, and the topology's values when there is no
  /// round-trip model. Nil beside a round-trip model whose levels have no one-client run (the
  /// load-factor model starts from one; the round-trip model does not need it) or that it
  /// cannot meet.
  package var fit: ClosedLoopFit?
  /// The model by round trip, when the summaries list their statements and CPU seconds: then
  /// the rows are its predictions.
  package var roundTrip: RoundTripFit?
  package var rows: [Row]
  /// p95 / mean latency at the fitted levels, averaged: how the load-factor model's predicted
  /// mean becomes a p95 (nil for the round-trip model, whose p95 comes from its own tail).
  package var tailRatio: Double?
  /// Whether the cpu station's cores are the machine's that the load generator shares (pgbench),
  /// or the app's own (k6 against app pods).
  package var sharedWithLoadGenerator = true

  /// Fits the round-trip model (``RoundTripFit``) to `levels` with client counts in `fitted`
  /// and predicts every level; the load-factor model is fitted beside it.
  package init(
    workload: String, levels: [MeasuredLevel], fitted: Set<Int>, cores: Int, shape: TransactionShape,
    uncharged: Double? = nil, locks: Bool = true, boundary: Bool = true
  ) throws {
    let used = levels.filter { fitted.contains($0.clients) }
    self.workload = workload
    // Beside the round-trip model, the load-factor model is a baseline: where it cannot meet a
    // level, it is left out, not the workload.
    fit = used.contains { $0.clients == 1 } ? try Self.baseline(used, cores: cores) : nil
    tailRatio = nil
    let model = try RoundTripFit(
      levels: used, cores: cores, shape: shape, uncharged: uncharged, locks: locks, boundary: boundary)
    roundTrip = model
    rows = try levels.map { level throws(CalibrationError) in
      guard let p = model.predict(clients: level.clients) else { throw .noFit([level.clients]) }
      return Row(
        level: level, isFitted: fitted.contains(level.clients), throughput: p.throughput, latency: p.latency, p95: p.p95)
    }
  }

  /// The load-factor model of `levels`, or nil when no factor meets one of them.
  private static func baseline(_ levels: [MeasuredLevel], cores: Int) throws(CalibrationError) -> ClosedLoopFit? {
    do {
      return try ClosedLoopFit(levels: levels, cores: cores)
    } catch {
      guard case .levelOutOfReach = error else { throw error }
      return nil
    }
  }

  /// Throughput at `n` clients by the table's model.
  package func throughput(clients n: Int) -> Double? {
    if let roundTrip { return roundTrip.predict(clients: n)?.throughput }
    return try? fit?.predict(clients: n).throughput
  }

  /// Fits `levels` with client counts in `fitted` and predicts every level.
  package init(
    workload: String, levels: [MeasuredLevel], fitted: Set<Int>, cores: Int, lock: HeldLock? = nil,
    loadDependence: Bool = true
  ) throws {
    let used = levels.filter { fitted.contains($0.clients) }
    let fit = try ClosedLoopFit(levels: used, cores: cores, lock: lock, loadDependence: loadDependence)
    let ratios = used.compactMap { l in l.p95.map { $0 / l.meanLatency } }
    let tail = ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count)
    tailRatio = tail
    self.workload = workload
    self.fit = fit
    rows = try levels.map { level in
      let p = try fit.predict(clients: level.clients)
      return Row(
        level: level, isFitted: fitted.contains(level.clients), throughput: p.throughput, latency: p.latency,
        p95: tail.map { $0 * p.latency })
    }
  }

  /// Largest absolute relative errors over the held-out levels: throughput, mean, p95.
  package var heldOutErrors: (throughput: Double, latency: Double, p95: Double?)? {
    let held = rows.filter { !$0.isFitted }
    guard !held.isEmpty else { return nil }
    let p95s = held.compactMap(\.p95Error).map(abs)
    return (
      held.map { abs($0.throughputError) }.max()!, held.map { abs($0.latencyError) }.max()!,
      p95s.count == held.count ? p95s.max() : nil
    )
  }

  /// Held-out errors of the model with and without each feature, fitted on the same levels:
  /// plain MVA, the load factor, the lock (when one is given), and both; with a transaction
  /// shape, the round-trip model by itself, with the latency boundary, and with row locks.
  package static func ablation(
    workload: String, levels: [MeasuredLevel], fitted: Set<Int>, cores: Int, lock: HeldLock?,
    shape: TransactionShape? = nil, uncharged: Double? = nil
  ) throws -> [(features: String, table: FitTable?)] {
    var variants: [(String, HeldLock?, Bool)] = [("MVA only", nil, false), ("load factor", nil, true)]
    if let lock { variants += [("lock", lock, false), ("load factor + lock", lock, true)] }
    // Without a one-client level only the round-trip rows can be fitted.
    if shape != nil, !levels.contains(where: { $0.clients == 1 && fitted.contains(1) }) { variants = [] }
    // A variant whose levels it cannot meet has no row of errors (nil), not an error.
    var out: [(features: String, table: FitTable?)] = try variants.map { name, lock, loadDependence in
      do {
        return (name, try FitTable(workload: workload, levels: levels, fitted: fitted, cores: cores, lock: lock, loadDependence: loadDependence))
      } catch CalibrationError.levelOutOfReach {
        return (name, nil)
      }
    }
    guard let shape else { return out }
    var rounds: [(String, Bool, Bool)] = [("round trips, idle law", false, false), ("+ latency boundary", false, true)]
    if !shape.locks.isEmpty { rounds.append(("+ row locks", true, true)) }
    for (name, locks, boundary) in rounds {
      out.append(
        (name, try FitTable(
          workload: workload, levels: levels, fitted: fitted, cores: cores, shape: shape, uncharged: uncharged, locks: locks,
          boundary: boundary)))
    }
    return out
  }

  /// The calibrated station and workload as capsim topology and scenario YAML, with a comment
  /// naming the measurement.
  package func yaml(source: String) -> String {
    if let roundTrip { return roundTripYAML(roundTrip, source: source) }
    let f = fit!
    func ms(_ s: Double) -> String { String(format: "%.6gms", s * 1_000) }
    // No time outside the latency (a k6 loop without sleep) is no think time, not a tiny one.
    let think =
      f.think > 0 ? "{distribution: exponential, mean: \(ms(f.think))}" : "{distribution: deterministic, value: 0s}"
    var points: [String] = []
    for (j, factor) in zip(f.factorLevels, f.factors) {
      points.append("{concurrency: \(j), factor: \(String(format: "%.4g", factor))}")
    }
    return """
      # Calibrated by capsim calibrate from \(yamlComment(source))
      # workload \(yamlComment(workload)): fitted on clients \(f.factorLevels.map(String.init).joined(separator: ", "))
      stations:
        cpu:                          # \(sharedWithLoadGenerator ? "the machine's cores, shared by server and load generator" : "the app's cores")
          servers: \(f.cores)
          discipline: processor-sharing
          service: {distribution: exponential, mean: \(ms(f.demand))}
          loadFactor: [\(points.joined(separator: ", "))]
          next: wait
        wait:                         # latency that is not CPU: round trips, I/O, commit flushes
          servers: infinite
          service: {distribution: exponential, mean: \(ms(max(f.wait, 1e-9)))}
      # scenario: arrivals: [{to: cpu, users: CLIENTS, think: \(think)}]
      \(f.lock.map { "# lock: capacity \($0.capacity), held \(ms($0.held)) of the wait per transaction: write it as locks: and a class whose steps acquire and release it (topologies/tpcb-like.yaml)\n" } ?? "")

      """
  }
}

extension FitTable {
  /// What the written topology gives where it parts from the fitted model by more than
  /// `tolerance`: throughput by exact MVA of the file's stations (as `capsim analyze` solves
  /// it) against the model's, at each measured client count. Empty for the load-factor model,
  /// whose file is the model itself.
  package func writtenGaps(tolerance: Double = 0.05) -> [(clients: Int, written: Double, model: Double)] {
    guard let m = roundTrip else { return [] }
    let file = writtenStations(m)
    let written = ClosedLoopFit(
      cores: m.cores, demand: file.base, wait: file.delay, factorLevels: file.counts, factors: file.factors)
    return rows.compactMap { row in
      guard let x = try? written.predict(clients: row.level.clients).throughput,
        abs(x / row.throughput - 1) > tolerance
      else { return nil }
      return (row.level.clients, x, row.throughput)
    }
  }

  /// The round-trip model's cpu demand at the first level, its load factors by client count
  /// and the delay, as `roundTripYAML` writes them.
  func writtenStations(_ m: RoundTripFit) -> (base: Double, counts: [Int], factors: [Double], delay: Double) {
    let k = m.shape.roundTrips
    let counts = rows.map(\.level.clients)
    func demand(_ n: Int) -> Double { (m.chargedDemand(clients: n) ?? 0) + k * m.uncharged }
    // As the file has them (times to 6 digits in ms, factors to 4), so that what is said of the
    // file is what capsim analyze gives for it.
    func written(_ value: Double, _ format: String) -> Double { Double(String(format: format, value))! }
    let base = written(demand(counts.first ?? 1) * 1_000, "%.6g") / 1_000
    let fitted = rows.filter(\.isFitted).map(\.level.clients)
    let top = m.predict(clients: fitted.last ?? 1)
    let delay = written(max(k * (m.wakeLatency + m.busyWait * (top?.utilization ?? 0)), 1e-9) * 1_000, "%.6g") / 1_000
    return (base, counts, counts.map { written(demand($0) / base, "%.4g") }, delay)
  }

  /// The round-trip model as far as a topology can say it: the cpu station's demand per
  /// transaction (charged CPU and uncharged core time) with a load factor by concurrency from
  /// the model's own solution at each measured client count, and the delay at the highest
  /// fitted level. What a topology cannot say (a delay that shrinks as the cores fill, row
  /// locks over rows) is named in comments; pgbench's latency boundary is not in it.
  func roundTripYAML(_ m: RoundTripFit, source: String) -> String {
    func ms(_ s: Double) -> String { String(format: "%.6gms", s * 1_000) }
    let k = m.shape.roundTrips
    let (base, counts, factors, delay) = writtenStations(m)
    let points = zip(counts, factors).map { "{concurrency: \($0), factor: \(String(format: "%.4g", $1))}" }
    let fitted = rows.filter(\.isFitted).map(\.level.clients)
    let locks = m.shape.locks.map { "\($0.rows) rows held \(String(format: "%.3g", $0.heldRoundTrips)) round trips by \(String(format: "%.3g", $0.share * 100))% of transactions" }
    return """
      # Calibrated by capsim calibrate from \(yamlComment(source))
      # workload \(yamlComment(workload)): round-trip model fitted on clients \(fitted.map(String.init).joined(separator: ", ")); \(String(format: "%.3g", k)) round trip\(String(format: "%.3g", k) == "1" ? "" : "s") per transaction
      # uncharged core time \(ms(m.uncharged)) per round trip (\(m.fittedUncharged ? "fitted here" : "the machine's, from its read-only workload")), wake-up latency \(ms(m.wakeLatency)), busy wait \(ms(m.busyWait))
      stations:
        cpu:                          # the machine's cores, shared by server and load generator
          servers: \(m.cores)
          discipline: processor-sharing
          service: {distribution: exponential, mean: \(ms(base))}
          loadFactor: [\(points.joined(separator: ", "))]
          next: wait
        wait:                         # the delay per transaction at clients \(fitted.last ?? 1); it shrinks as the cores fill, which a delay station cannot say
          servers: infinite
          service: {distribution: exponential, mean: \(ms(delay))}
      \(locks.isEmpty ? "" : "# row locks: \(locks.joined(separator: "; ")): write them as locks: with a class whose steps acquire and release them (topologies/tpcb-like.yaml)\n")
      """
  }
}
