import Foundation
import QueueingModel
import Testing

/// The engine against every reference case with an exact answer, with the stated protocol.
///
/// Tolerances are the cases' own: 4 standard errors of the simulation noise measured for that
/// protocol with an independent simulator, so a correct engine fails one metric in roughly 1-3% of
/// full runs (cases README). Percentiles carry an extra 0.1% for the histogram's resolution (a fine bucket)
/// (half a bucket, see `LatencyHistogram`), far below the tolerance. Fixed seeds make each run repeatable; a miss is investigated, never
/// loosened.
@Suite(.serialized) struct ReferenceCaseTests {
  static let steadyState = ReferenceCase.all.filter { $0.group != "Non-homogeneous Poisson" }

  @Test(arguments: steadyState)
  func simulatedMeansMatchTheory(_ c: ReferenceCase) {
    let experiment = Experiment(
      network: c.network, window: RunWindow(warmup: c.warmup, horizon: c.horizon),
      replications: c.replications, seed: 20_261_121)
    let result = experiment.run(threads: ProcessInfo.processInfo.activeProcessorCount)
    for (metric, expected) in c.expected.sorted(by: { $0.key < $1.key }) {
      let values = c.estimate(metric, in: result)
      let mean = values.reduce(0, +) / Double(values.count)
      var tolerance = c.tolerance[metric]!
      if metric.hasSuffix("p95") || metric.hasSuffix("p99") { tolerance += 0x1p-10 * expected }
      #expect(
        abs(mean - expected) <= tolerance,
        "\(c.id) \(metric): simulated \(mean), expected \(expected) +- \(tolerance)")
    }
  }

  /// The same cases with ten times the replications, tolerances rescaled by the cases' rule
  /// tol' = 4 sqrt(sd_per_rep^2 (T / T') / R'): a third as wide, so a smaller bias would show.
  /// About 80 seconds on 2 cores; run with CAPSIM_LONG_TESTS=1.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["CAPSIM_LONG_TESTS"] != nil), arguments: steadyState)
  func longerRunsWithRescaledTolerances(_ c: ReferenceCase) {
    let replications = 10 * c.replications
    let experiment = Experiment(
      network: c.network, window: RunWindow(warmup: c.warmup, horizon: c.horizon),
      replications: replications, seed: 31_337)
    let result = experiment.run(threads: ProcessInfo.processInfo.activeProcessorCount)
    for (metric, expected) in c.expected.sorted(by: { $0.key < $1.key }) {
      guard let sd = c.sdPerReplication[metric] else { continue }
      let values = c.estimate(metric, in: result)
      let mean = values.reduce(0, +) / Double(values.count)
      var tolerance = 4 * (sd * sd / Double(replications)).squareRoot()
      if metric.hasSuffix("p95") || metric.hasSuffix("p99") { tolerance += 0x1p-10 * expected }
      #expect(
        abs(mean - expected) <= tolerance,
        "\(c.id) \(metric): simulated \(mean), expected \(expected) +- \(tolerance)")
    }
  }

  /// M(t)/M/10 over a day with a 5x peak, from empty: ensemble means of arrivals per interval and
  /// of the number in system at fixed times, over 1000 independent days.
  @Test func timeVaryingArrivalsMatchTheForwardEquations() {
    let c = ReferenceCase.named("nhpp_peak5x_c10_peakrho0.90")
    let probes = c.expected.keys.filter { $0.hasPrefix("N_at_") }
      .map { Double($0.dropFirst("N_at_".count))! }.sorted()
    let countTimes: [Double] = [480, 600, 720]
    var inSystem: [Double: Double] = [:]
    var arrivalsBy: [Double: Double] = [:]
    for r in 0..<c.replications {
      var sim = NetworkSimulator(
        network: c.network, window: RunWindow(warmup: 0, horizon: 720), seed: 99, replication: r)
      for t in Set(probes + countTimes).sorted() {
        sim.advance(to: t)
        if probes.contains(t) { inSystem[t, default: 0] += Double(sim.inNetwork) }
        if countTimes.contains(t) { arrivalsBy[t, default: 0] += Double(sim.arrivalsBySource[0]) }
      }
    }
    let n = Double(c.replications)
    for t in probes {
      let key = "N_at_\(Int(t))"
      let mean = inSystem[t]! / n
      #expect(abs(mean - c.expected[key]!) <= c.tolerance[key]!, "\(key): \(mean) vs \(c.expected[key]!)")
    }
    let counts = [
      ("arrivals_0_480", arrivalsBy[480]! / n),
      ("arrivals_480_600", (arrivalsBy[600]! - arrivalsBy[480]!) / n),
      ("arrivals_600_720", (arrivalsBy[720]! - arrivalsBy[600]!) / n),
    ]
    for (key, mean) in counts {
      #expect(abs(mean - c.expected[key]!) <= c.tolerance[key]!, "\(key): \(mean) vs \(c.expected[key]!)")
    }
  }
}
