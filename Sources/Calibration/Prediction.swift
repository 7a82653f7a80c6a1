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
  package var fit: ClosedLoopFit
  package var rows: [Row]
  /// p95 / mean latency at the fitted levels, averaged: how a predicted mean becomes a p95.
  package var tailRatio: Double?

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
  /// plain MVA, the load factor, the lock (when one is given), and both.
  package static func ablation(
    workload: String, levels: [MeasuredLevel], fitted: Set<Int>, cores: Int, lock: HeldLock?
  ) throws -> [(features: String, table: FitTable)] {
    var variants: [(String, HeldLock?, Bool)] = [("MVA only", nil, false), ("load factor", nil, true)]
    if let lock { variants += [("lock", lock, false), ("load factor + lock", lock, true)] }
    return try variants.map { name, lock, loadDependence in
      (name, try FitTable(workload: workload, levels: levels, fitted: fitted, cores: cores, lock: lock, loadDependence: loadDependence))
    }
  }

  /// The calibrated station and workload as capsim topology and scenario YAML, with a comment
  /// naming the measurement.
  package func yaml(source: String) -> String {
    let f = fit
    func ms(_ s: Double) -> String { String(format: "%.6gms", s * 1_000) }
    var points: [String] = []
    for (j, factor) in zip(f.factorLevels, f.factors) {
      points.append("{concurrency: \(j), factor: \(String(format: "%.4g", factor))}")
    }
    return """
      # Calibrated by capsim calibrate from \(source)
      # workload \(workload): fitted on clients \(f.factorLevels.map(String.init).joined(separator: ", "))
      stations:
        cpu:                          # the machine's cores, shared by server and load generator
          servers: \(f.cores)
          discipline: processor-sharing
          service: {distribution: exponential, mean: \(ms(f.demand))}
          loadFactor: [\(points.joined(separator: ", "))]
          next: wait
        wait:                         # latency that is not CPU: round trips, I/O, commit flushes
          servers: infinite
          service: {distribution: exponential, mean: \(ms(max(f.wait, 1e-9)))}
      # scenario: arrivals: [{to: cpu, users: CLIENTS, think: {distribution: exponential, mean: \(ms(max(f.think, 1e-9)))}}]
      \(f.lock.map { "# lock: capacity \($0.capacity), held \(ms($0.held)) of the wait per transaction: write it as locks: and a class whose steps acquire and release it (topologies/tpcb-like.yaml)\n" } ?? "")

      """
  }
}
