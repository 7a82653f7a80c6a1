import ArgumentParser
import Dispatch
import Foundation
import Planning
import PlatformModel
import QueueingModel
import RunRecords
import ScenarioFile
import Sharding
import TextReports

/// The work of a sweep (or of one run, a sweep of one point): the scenario at every point of
/// the grid, loaded with the base `--set` settings plus the point's, and what must be the same
/// in every shard of it.
///
/// Every point keeps the scenario's seed, so points differ by their settings only (common
/// random numbers): the same replication of two points draws the same random numbers wherever
/// their settings do not change what is drawn.
struct SweepWork {
  /// "sweep" or "run": which command's outputs the results make.
  var command: String
  /// The scenario file as given on the command line.
  var path: String
  var settings: [String]
  var grid: Grid
  /// Per point, with `--seed` and `--replications` applied.
  var scenarios: [PlatformScenario]
  /// Per point, what the results database records of its run.
  var records: [RunRecord]

  var points: Int { scenarios.count }
  var seed: UInt64 { scenarios[0].seed }
  var replications: Int { scenarios[0].replications }
  var name: String { scenarios[0].name }
  /// What the sweep's table and JSON say of it.
  var sweep: SweepReport.Sweep {
    .init(name: name, path: path, seed: seed, replications: replications, settings: settings, grid: grid)
  }

  /// Loads every point; a point whose files or settings have errors prints them, naming the
  /// point, and exits with status 1.
  static func load(
    command: String, path: String, settings: [String], grid: Grid, seed: UInt64?, replications: Int?, quiet: Bool
  ) throws -> SweepWork {
    var scenarios: [PlatformScenario] = []
    var records: [RunRecord] = []
    var warned = Set<String>()
    for p in 0..<grid.count {
      let pointSettings = settings + grid.settings(at: p)
      let loaded: (PlatformScenario, [Diagnostic])
      do {
        loaded = try ScenarioFile.loadPlatform(path: path, settings: pointSettings)
      } catch {
        // The varied settings follow the --set ones in one document: errors in them name --vary.
        printToStandardError(error.splitting("--set", after: settings.count, into: "--vary").rendered())
        let errors = error.diagnostics.filter { $0.severity == .error }.count
        let at = grid.axes.isEmpty ? "" : " at point \(p) (\(grid.settings(at: p).joined(separator: " ")))"
        printToStandardError("\(path)\(at): \(errors) error\(errors == 1 ? "" : "s"), not run")
        throw ExitStatus.failure
      }
      var s = loaded.0
      if let seed { s.seed = seed }
      if let replications { s.replications = replications }
      if p == 0, grid.count * s.replications > RunLimits.sweepReplications {
        throw ValidationError(
          "the sweep is \(grid.count) points x \(s.replications) replications, \(grid.count * s.replications) runs of the "
            + "scenario, more than \(RunLimits.sweepReplications): vary fewer values or give fewer --replications")
      }
      for w in loaded.1 where w.severity == .warning && !quiet && warned.insert(w.description).inserted {
        printToStandardError(w.description)
      }
      // Theory before simulating, as capsim run says it: a point past capacity shows now.
      if !quiet {
        let at = grid.axes.isEmpty ? "" : " at point \(p) (\(grid.settings(at: p).joined(separator: " ")))"
        for overload in s.overloads() { printToStandardError("warning\(at): \(overload)") }
      }
      scenarios.append(s)
      records.append(
        Recording.runRecord(
          kind: "platform", name: s.name, scenarioFiles: recordedFiles(s, path: path),
          topologyFile: s.topologyFile, settings: pointSettings, seed: s.seed, replications: s.replications,
          horizon: s.horizon, seriesInterval: s.seriesInterval,
          timeZone: s.runCalendar?.timeZone.identifier ?? ""))
    }
    return SweepWork(
      command: command, path: path, settings: settings, grid: grid, scenarios: scenarios, records: records)
  }

  /// What every part of this work must agree on, in a fixed order: a merge compares them
  /// field by field, and reloads the scenario from them.
  var fields: [Part<SimulatedItem>.Field] {
    [
      .init("command", command), .init("capsim", capsimVersion), .init("scenario", path),
      .init("scenario sha256", records[0].scenarioHash), .init("topology sha256", records[0].topologyHash),
      .init("settings", Self.json(settings)), .init("axes", Self.json(grid.axes.map { [$0.key] + $0.values })),
      .init("seed", String(seed)), .init("replications", String(replications)),
    ]
  }

  static func json(_ value: [String]) -> String { String(decoding: try! JSONEncoder().encode(value), as: UTF8.self) }
  static func json(_ value: [[String]]) -> String { String(decoding: try! JSONEncoder().encode(value), as: UTF8.self) }

  /// The label of a point: its axis settings.
  func label(_ p: Int) -> String { grid.settings(at: p).joined(separator: " ") }

  // MARK: Simulating

  /// Simulates `items` on up to `jobs` threads (one item a thread, the spare threads shared
  /// among the items when there are fewer items than threads).
  ///
  /// Each item is replication `r` of its point, with the streams that replication has in any
  /// run (`PlatformRun.run(replications: r..<r+1)`), so results do not depend on `jobs`, on
  /// the order items finish, or on which shard simulates them. `finished` is told of each
  /// item as it ends, from the worker thread, and then the item is not kept: the results come
  /// back only without `finished`.
  @discardableResult
  func simulate(
    _ items: [WorkItem], jobs: Int, progress: Progress?, finished: (@Sendable (Int, SimulatedItem) -> Void)? = nil
  ) -> [SimulatedItem] {
    let slots = ResultSlots<SimulatedItem?>(count: items.count)
    let workers = max(1, min(jobs, items.count))
    let threadsPerItem = max(1, jobs / max(items.count, 1))
    let scenarios = self.scenarios
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let i = slots.take() {
        let item = items[i]
        let result = platformRun(scenarios[item.point]).run(
          replications: item.replication..<(item.replication + 1), threads: threadsPerItem
        ) { now in
          progress?.update(slots.progress(now.share, of: i))
        }
        let simulated = SimulatedItem(replication: result.replications[0], seconds: result.wallSeconds)
        let done = slots.store(finished == nil ? simulated : nil, at: i)
        progress?.update(done)
        finished?(i, simulated)
      }
    }
    return slots.values().compactMap { $0 }
  }
}

/// One replication of one point, as simulated (and as a part file carries it).
struct SimulatedItem: Codable, Sendable {
  var replication: PlatformReplication
  /// Wall-clock seconds it took: reported, never compared.
  var seconds: Double
}
