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

  /// The ablation as text: one row per variant, its largest held-out errors.
  package static func ablationText(_ workload: String, _ variants: [(features: String, table: FitTable)]) -> String {
    func pct(_ e: Double?) -> String { e.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    var out = "\(workload): largest held-out error by the features in the model\n"
    let width = variants.map(\.features.count).max() ?? 0
    out += "features".padding(toLength: width, withPad: " ", startingAt: 0) + "  throughput  mean latency      p95\n"
    for (name, table) in variants {
      let e = table.heldOutErrors
      out += name.padding(toLength: width, withPad: " ", startingAt: 0)
        + "  " + pct(e?.throughput).leftPadded(10) + "  " + pct(e?.latency).leftPadded(12) + "  " + pct(e?.p95 ?? nil).leftPadded(7) + "\n"
    }
    return out
  }

  // MARK: Output

  /// The fit table as text: one row per level, held-out levels marked.
  package func text() -> String {
    func ms(_ s: Double?) -> String { s.map { String(format: "%.3f", $0 * 1_000) } ?? "-" }
    func pct(_ e: Double?) -> String { e.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }
    var out = "\(workload): \(fit.fromUtilization ? "demand from CPU seconds (utilization law), load factor from throughput" : "demand from latency, load factor from throughput")\n"
    let header = ["clients", "runs", "used", "X meas", "X model", "err", "mean ms", "model", "err", "p95 ms", "model", "err"]
    var rows = [header]
    for r in self.rows {
      rows.append([
        "\(r.level.clients)", "\(r.level.runs)", r.isFitted ? "fit" : "held out",
        String(format: "%.1f", r.level.throughput), String(format: "%.1f", r.throughput), pct(r.throughputError),
        ms(r.level.meanLatency), ms(r.latency), pct(r.latencyError), ms(r.level.p95), ms(r.p95), pct(r.p95Error),
      ])
    }
    let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max()! }
    for row in rows {
      out += row.enumerated().map { c, cell in
        String(repeating: " ", count: widths[c] - cell.count) + cell
      }.joined(separator: "  ") + "\n"
    }
    if let e = heldOutErrors {
      out += String(
        format: "held-out levels, largest error: throughput %.1f%%, mean latency %.1f%%, p95 %@\n", e.throughput * 100,
        e.latency * 100, e.p95.map { String(format: "%.1f%%", $0 * 100) } ?? "-")
    }
    return out
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

extension String {
  fileprivate func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
