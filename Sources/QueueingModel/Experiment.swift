import Dispatch
import Foundation
import SimStatistics

/// Independent replications of one network, run in parallel, summarized with confidence intervals.
///
/// Replication r always uses the streams derived from `(seed, r)` and results are gathered by
/// replication number, so the outcome is identical for any thread count.
package struct Experiment: Sendable {
  package var network: Network
  package var window: RunWindow
  package var replications: Int
  package var seed: UInt64

  package init(network: Network, window: RunWindow, replications: Int, seed: UInt64) {
    self.network = network
    self.window = window
    self.replications = replications
    self.seed = seed
  }

  /// Runs every replication on up to `threads` threads; `progress` is called (from any thread)
  /// with the share of all replications done so far (0...1), counting partly simulated ones.
  package func run(threads: Int = 1, progress: (@Sendable (Double) -> Void)? = nil) -> ExperimentResult {
    let results = ResultSlots<ReplicationResult>(count: replications)
    let workers = max(1, min(threads, replications))
    let started = DispatchTime.now()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for r in stride(from: worker, to: replications, by: workers) {
        var simulator = NetworkSimulator(network: network, window: window, seed: seed, replication: r)
        let result =
          if let progress {
            simulator.run { share in progress(results.progress(share, of: r)) }
          } else {
            simulator.run()
          }
        let done = results.store(result, at: r)
        progress?(done)
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    return ExperimentResult(
      seed: seed, window: window, replicationResults: results.values(), wallSeconds: seconds)
  }
}

/// All replications of an experiment and their summary.
package struct ExperimentResult: Sendable {
  package var seed: UInt64
  package var window: RunWindow
  package var replicationResults: [ReplicationResult]
  package var wallSeconds: Double

  /// Estimate of a station metric over replications.
  package func station(_ index: Int, _ metric: KeyPath<StationResult, Double>) -> Estimate {
    Estimate(replicationResults.map { $0.stations[index][keyPath: metric] })
  }

  /// Estimate of an end-to-end metric over replications.
  package func endToEnd(_ metric: KeyPath<FlowResult, Double>) -> Estimate {
    Estimate(replicationResults.map { $0.endToEnd[keyPath: metric] })
  }

  /// Estimate of a lock's metric over replications.
  package func lock(_ index: Int, _ metric: KeyPath<LockResult, Double>) -> Estimate {
    Estimate(replicationResults.map { $0.locks[index][keyPath: metric] })
  }

  package var totalEvents: UInt64 { replicationResults.reduce(0) { $0 + $1.events } }

  /// The first replication that stopped early (too many customers), with why, for `network`.
  package func earlyStop(in network: Network) -> String? {
    guard let r = replicationResults.first(where: { $0.stoppedEarly != nil }) else { return nil }
    return network.explain(r.stoppedEarly!, replication: r.replication, at: r.simulatedTime)
  }

  /// Number of intervals in the time series (the same in every replication).
  package var seriesCount: Int { replicationResults.first?.series.count ?? 0 }

  /// Estimate of an interval's metric over replications.
  package func series(_ index: Int, _ metric: (WindowResult) -> Double) -> Estimate {
    Estimate(replicationResults.map { metric($0.series[index]) })
  }
}
