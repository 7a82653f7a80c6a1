import Calibration
import Foundation
import Reports

/// `capsim calibrate --format json`.
package struct CalibrationJSON: Encodable {
  struct Level: Encodable {
    var clients: Int
    var runs: Int
    var fitted: Bool
    var measured_throughput: Double
    var model_throughput: Double
    var measured_mean_s: Double
    var model_mean_s: Double
    var measured_p95_s: Double?
    var model_p95_s: Double?
    /// The largest relative deviation of one run from the level's mean; absent for one run.
    var throughput_spread: Double?
    var mean_spread: Double?
    /// From the app's Prometheus exports beside a k6 summary; absent without them.
    var server: Server?
  }

  /// The server's own view of a k6 level: requests/s, seconds; outside_s is the measured mean
  /// less the server's (network, proxies, the load generator).
  struct Server: Encodable {
    var request_rate: Double?
    var mean_s: Double?
    var p50_s: Double?
    var p95_s: Double?
    var p99_s: Double?
    var outside_s: Double?
  }

  /// The round-trip model's values (seconds per round trip; CPU per round trip as a + b x idle
  /// share of the cores).
  struct RoundTrip: Encodable {
    var round_trips: Double
    var uncharged_s: Double
    var uncharged_fitted_here: Bool
    var wake_latency_s: Double
    var busy_wait_s: Double
    var server_cpu_a_s: Double
    var server_cpu_b_s: Double
    var client_cpu_a_s: Double
    var client_cpu_b_s: Double
    var locks: [Lock]
  }

  /// The load-factor model's values: the levels' predictions (`role` "predictions") or, beside
  /// a round-trip model, a baseline ("baseline").
  struct LoadFactor: Encodable {
    var role: String
    var cores: Int
    var server_demand_s: Double
    var client_demand_s: Double
    var wait_s: Double
    var think_s: Double
    var factor_levels: [Int]
    var factors: [Double]
    var from_utilization: Bool
    /// `--lock`: capacity and the time held per transaction (cut to the wait).
    var lock: HeldLockJSON?
  }

  struct HeldLockJSON: Encodable {
    var capacity: Int
    var held_s: Double
  }

  struct Lock: Encodable {
    var rows: Int
    var held_round_trips: Double
    var share: Double
  }

  struct Workload: Encodable {
    var workload: String
    /// "round-trip" or "load-factor": which model the levels' predictions come from.
    var model: String
    var round_trip: RoundTrip?
    /// The load-factor model's values, labelled with their role (absent beside a round-trip
    /// model fitted without a one-client level).
    var load_factor: LoadFactor?
    /// The calibrated topology as printed and as `--write` writes it (the model named by `model`).
    var topology_yaml: String
    var cores: Int
    /// The load-factor model's values again, as before `load_factor` (for older readers).
    var server_demand_s: Double?
    var client_demand_s: Double?
    var wait_s: Double?
    var think_s: Double?
    var factor_levels: [Int]?
    var factors: [Double]?
    var from_utilization: Bool?
    var levels: [Level]
    /// Set when the model misses levels it was fitted on by more than their runs differ.
    var fit_warning: String?
    /// From pg_stat_statements snapshots (the run with the fewest clients) and pg_stat_wal's.
    var statements: StatementsJSON?
    var wal: [WALJSON]
  }

  struct OpenLoop: Encodable {
    var workload: String
    var connections: Int
    var measured_knee: Double?
    var measured_knee_is_lower_bound: Bool
    var model_knee: Double?
  }

  /// A workload too small to fit (fewer than 3 levels), with its snapshots.
  struct Unfitted: Encodable {
    var workload: String
    var reason: String
    var statements: StatementsJSON?
    var wal: [WALJSON]
  }

  var workloads: [Workload]
  var unfitted: [Unfitted]
  var open_loop: [OpenLoop]

  package init(
    _ tables: [FitTable], _ knees: [OpenLoopKnee],
    _ pgstat: [String: (statements: CalibrationData.Statements?, wal: [CalibrationData.WAL])] = [:],
    unfitted unfittedWorkloads: [(workload: String, reason: String)] = [], warnings: [String: String] = [:],
    source: String = ""
  ) {
    unfitted = unfittedWorkloads.map { u in
      Unfitted(
        workload: u.workload, reason: u.reason, statements: pgstat[u.workload]?.statements.map(StatementsJSON.init),
        wal: (pgstat[u.workload]?.wal ?? []).map(WALJSON.init))
    }
    workloads = tables.map { t in
      Workload(
        workload: t.workload, model: t.roundTrip == nil ? "load-factor" : "round-trip",
        round_trip: t.roundTrip.map { m in
          RoundTrip(
            round_trips: m.shape.roundTrips, uncharged_s: m.uncharged, uncharged_fitted_here: m.fittedUncharged,
            wake_latency_s: m.wakeLatency, busy_wait_s: m.busyWait, server_cpu_a_s: m.server.a,
            server_cpu_b_s: m.server.b,
            client_cpu_a_s: m.client.a, client_cpu_b_s: m.client.b,
            locks: m.shape.locks.map { Lock(rows: $0.rows, held_round_trips: $0.heldRoundTrips, share: $0.share) })
        },
        load_factor: t.fit.map { f in
          LoadFactor(
            role: t.roundTrip == nil ? "predictions" : "baseline", cores: f.cores, server_demand_s: f.serverDemand,
            client_demand_s: f.clientDemand, wait_s: f.wait, think_s: f.think, factor_levels: f.factorLevels,
            factors: f.factors, from_utilization: f.fromUtilization,
            lock: f.lock.map { HeldLockJSON(capacity: $0.capacity, held_s: $0.held) })
        },
        topology_yaml: t.yaml(source: source),
        cores: t.roundTrip?.cores ?? t.fit!.cores, server_demand_s: t.fit?.serverDemand,
        client_demand_s: t.fit?.clientDemand, wait_s: t.fit?.wait, think_s: t.fit?.think,
        factor_levels: t.fit?.factorLevels,
        factors: t.fit?.factors, from_utilization: t.fit?.fromUtilization,
        levels: t.rows.map { r in
          Level(
            clients: r.level.clients, runs: r.level.runs, fitted: r.isFitted, measured_throughput: r.level.throughput,
            model_throughput: r.throughput, measured_mean_s: r.level.meanLatency, model_mean_s: r.latency,
            measured_p95_s: r.level.p95, model_p95_s: r.p95, throughput_spread: r.level.throughputSpread,
            mean_spread: r.level.meanSpread,
            server: r.level.server.map { s in
              Server(
                request_rate: s.requestRate, mean_s: s.meanLatency, p50_s: s.p50, p95_s: s.p95, p99_s: s.p99,
                outside_s: r.level.outsideServer)
            })
        }, fit_warning: warnings[t.workload],
        statements: pgstat[t.workload]?.statements.map(StatementsJSON.init),
        wal: (pgstat[t.workload]?.wal ?? []).map(WALJSON.init))
    }
    open_loop = knees.map {
      OpenLoop(
        workload: $0.workload, connections: $0.connections, measured_knee: $0.measured,
        measured_knee_is_lower_bound: $0.measuredIsLowerBound, model_knee: $0.predicted)
    }
  }

  package func json() throws -> String { try prettyJSON(self) }
}

/// `capsim calibrate --format json`: a workload's statements and WAL.
package struct StatementsJSON: Encodable {
  struct Statement: Encodable {
    var statement: String
    var calls: Int
    var calls_per_transaction: Double?
    var mean_s: Double
    var share: Double
  }

  var run: String
  var clients: Int?
  var transactions: Int?
  var statements: [Statement]
  var queries_yaml: String

  init(_ s: CalibrationData.Statements) {
    run = s.run
    clients = s.clients
    transactions = s.transactions
    statements = s.statements.map {
      Statement(
        statement: $0.text, calls: $0.calls, calls_per_transaction: $0.callsPerTransaction, mean_s: $0.meanTime,
        share: $0.share)
    }
    queries_yaml = s.yaml
  }
}

package struct WALJSON: Encodable {
  var run: String
  var clients: Int?
  var writing_commits: Int?
  var records: Double
  var bytes: Double
  var syncs: Double
  var sync_time_s: Double
  var syncs_per_commit: Double?
  var mean_sync_s: Double?
  var sync_timing_off: Bool

  init(_ w: CalibrationData.WAL) {
    run = w.run
    clients = w.clients
    writing_commits = w.commits
    records = w.records
    bytes = w.bytes
    syncs = w.syncs
    sync_time_s = w.syncTime
    syncs_per_commit = w.syncsPerCommit
    mean_sync_s = w.meanSyncTime
    sync_timing_off = w.timingOff
  }
}
