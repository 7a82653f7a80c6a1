import Calibration
import Foundation
import Reports

extension CalibrationData {
  /// The fit as the renderers take it: tables, knees and ablations of `capsim calibrate`.
  package init(
    _ tables: [FitTable], _ knees: [OpenLoopKnee], _ ablations: [String: [(features: String, table: FitTable?)]],
    _ pgstat: [String: (statements: Statements?, wal: [WAL])] = [:],
    unfitted: [(workload: String, reason: String)] = [], source: String
  ) {
    func errors(_ t: FitTable) -> Errors? {
      t.heldOutErrors.map { Errors(throughput: $0.throughput, mean: $0.latency, p95: $0.p95) }
    }
    let workloads = tables.map { t in
      Workload(
        name: t.workload,
        method: t.roundTrip.map { m in
          "round trips (\(String(format: "%.3g", m.shape.roundTrips)) per transaction), CPU per round trip by the idle share of the cores, uncharged core time \(m.fittedUncharged ? "fitted here" : "the machine's")"
            + (m.shape.locks.isEmpty ? "" : ", row locks")
        }
          ?? (t.fit?.fromUtilization == true
            ? "demand from CPU seconds (utilization law), load factor from throughput"
            : "demand from latency, load factor from throughput"),
        levels: t.rows.map { r in
          Level(
            clients: r.level.clients, runs: r.level.runs, fitted: r.isFitted, measuredThroughput: r.level.throughput,
            modelThroughput: r.throughput, measuredMean: r.level.meanLatency, modelMean: r.latency,
            measuredP95: r.level.p95, modelP95: r.p95,
            server: r.level.server.map { s in
              Server(
                requestRate: s.requestRate, mean: s.meanLatency, p50: s.p50, p95: s.p95, p99: s.p99,
                outside: r.level.outsideServer)
            }, throughputSpread: r.level.throughputSpread, meanSpread: r.level.meanSpread)
        },
        yaml: t.yaml(source: source),
        ablation: (ablations[t.workload] ?? []).map {
          (
            features: $0.table == nil ? "\($0.features): no fit (a level out of reach)" : $0.features,
            errors: $0.table.flatMap(errors)
          )
        },
        statements: pgstat[t.workload]?.statements, wal: pgstat[t.workload]?.wal ?? [])
    }
    let snapshotsOnly = unfitted.map { u in
      Workload(
        name: u.workload, method: "not fitted (\(u.reason)): its snapshots only", levels: [], yaml: "",
        statements: pgstat[u.workload]?.statements, wal: pgstat[u.workload]?.wal ?? [])
    }
    let open = knees.map {
      OpenLoop(
        workload: $0.workload, connections: $0.connections, levels: $0.levels, measuredKnee: $0.measured,
        lowerBound: $0.measuredIsLowerBound, modelKnee: $0.predicted)
    }
    self.init(source: source, workloads: (workloads + snapshotsOnly).sorted { $0.name < $1.name }, openLoops: open)
  }
}
