import Foundation
import Planning
import ResultsStore
import Sharding

extension Run {
  /// `--shard I/N`: simulates the replications of slice I and writes them as a part file;
  /// nothing is recorded or judged until `capsim merge` folds the parts.
  func runShard(_ shard: Shard) throws {
    let work = try SweepWork.load(
      command: "run", path: scenario, settings: experiment.settings + (mode.map { ["run.mode=\($0.rawValue)"] } ?? []),
      grid: Grid(axes: []), seed: experiment.seed,
      replications: experiment.replications, quiet: quiet)
    let items = shard.items(points: 1, replications: work.replications)
    let started = Date()
    let progress = Progress(total: items.count, label: "\(work.name) shard \(shard)", enabled: !quiet)
    let results = work.simulate(items, jobs: experiment.workerThreads, progress: progress)
    progress.finish()
    let part = Part(
      work: work.fields, points: 1, replications: work.replications, shard: shard, items: items, results: results,
      wallSeconds: Date().timeIntervalSince(started), host: ResultsStore.currentHostName)
    try sharding.write(part, name: work.name, command: "run", quiet: quiet)
  }
}
