import Calibration
import Foundation
import Reports

/// `capsim calibrate --format json`.
package struct CalibrationJSON: Encodable {
  package struct Level: Encodable {
    package var clients: Int
    package var runs: Int
    package var fitted: Bool
    package var measured_throughput: Double
    package var model_throughput: Double
    package var measured_mean_s: Double
    package var model_mean_s: Double
    package var measured_p95_s: Double?
    package var model_p95_s: Double?
    /// The largest relative deviation of one run from the level's mean; absent for one run.
    package var throughput_spread: Double?
    package var mean_spread: Double?
    /// From the app's Prometheus exports beside a k6 summary; absent without them.
    package var server: Server?
  }

  /// The server's own view of a k6 level: requests/s, seconds; outside_s is the measured mean
  /// less the server's (network, proxies, the load generator).
  package struct Server: Encodable {
    package var request_rate: Double?
    package var mean_s: Double?
    package var p50_s: Double?
    package var p95_s: Double?
    package var p99_s: Double?
    package var outside_s: Double?
  }

  /// The round-trip model's values (seconds per round trip; CPU per round trip as a + b x idle
  /// share of the cores).
  package struct RoundTrip: Encodable {
    package var round_trips: Double
    package var uncharged_s: Double
    package var uncharged_fitted_here: Bool
    package var wake_latency_s: Double
    package var busy_wait_s: Double
    package var server_cpu_a_s: Double
    package var server_cpu_b_s: Double
    package var client_cpu_a_s: Double
    package var client_cpu_b_s: Double
    package var locks: [Lock]
  }

  package struct Lock: Encodable {
    package var rows: Int
    package var held_round_trips: Double
    package var share: Double
  }

  package struct Workload: Encodable {
    package var workload: String
    /// "round-trip" or "load-factor": which model the levels' predictions come from.
    package var model: String
    package var round_trip: RoundTrip?
    package var cores: Int
    /// The load-factor model's values (absent beside a round-trip model fitted without a
    /// one-client level).
    package var server_demand_s: Double?
    package var client_demand_s: Double?
    package var wait_s: Double?
    package var think_s: Double?
    package var factor_levels: [Int]?
    package var factors: [Double]?
    package var from_utilization: Bool?
    package var levels: [Level]
    /// Set when the model misses levels it was fitted on by more than their runs differ.
    package var fit_warning: String?
    /// From pg_stat_statements snapshots (the run with the fewest clients) and pg_stat_wal's.
    package var statements: StatementsJSON?
    package var wal: [WALJSON]
  }

  package struct OpenLoop: Encodable {
    package var workload: String
    package var connections: Int
    package var measured_knee: Double?
    package var measured_knee_is_lower_bound: Bool
    package var model_knee: Double?
  }

  /// A workload too small to fit (fewer than 3 levels), with its snapshots.
  package struct Unfitted: Encodable {
    package var workload: String
    package var reason: String
    package var statements: StatementsJSON?
    package var wal: [WALJSON]
  }

  package var workloads: [Workload]
  package var unfitted: [Unfitted]
  package var open_loop: [OpenLoop]

  package init(
    _ tables: [FitTable], _ knees: [OpenLoopKnee],
    _ pgstat: [String: (statements: CalibrationData.Statements?, wal: [CalibrationData.WAL])] = [:],
    unfitted unfittedWorkloads: [(workload: String, reason: String)] = [], warnings: [String: String] = [:]
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
}

/// `capsim calibrate --format json`: a workload's statements and WAL.
package struct StatementsJSON: Encodable {
  package struct Statement: Encodable {
    package var statement: String
    package var calls: Int
    package var calls_per_transaction: Double?
    package var mean_s: Double
    package var share: Double
  }

  package var run: String
  package var clients: Int?
  package var transactions: Int?
  package var statements: [Statement]
  package var queries_yaml: String

  package init(_ s: CalibrationData.Statements) {
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
  package var run: String
  package var clients: Int?
  package var writing_commits: Int?
  package var records: Double
  package var bytes: Double
  package var syncs: Double
  package var sync_time_s: Double
  package var syncs_per_commit: Double?
  package var mean_sync_s: Double?
  package var sync_timing_off: Bool

  package init(_ w: CalibrationData.WAL) {
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
