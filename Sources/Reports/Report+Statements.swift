import Foundation

/// What `pg_stat_statements` and `pg_stat_wal` snapshots of a workload's runs showed, as plain
/// values for the calibration's renderers.
extension CalibrationData {
  package struct Statement: Sendable {
    /// The statement's text on one line, shortened.
    package var text: String
    package var calls: Int
    /// Calls per transaction of the run (nil without its pgbench summary).
    package var callsPerTransaction: Double?
    /// Seconds per call.
    package var meanTime: Double
    /// Of the time of all statements.
    package var share: Double

    package init(text: String, calls: Int, callsPerTransaction: Double?, meanTime: Double, share: Double) {
      self.text = text
      self.calls = calls
      self.callsPerTransaction = callsPerTransaction
      self.meanTime = meanTime
      self.share = share
    }
  }

  /// The statements of one run (the workload's run with the fewest clients: the closest to the
  /// service time on an idle core).
  package struct Statements: Sendable {
    /// The run's name, the snapshots' `NAME` (`crm/c1-r1`).
    package var run: String
    package var clients: Int?
    package var transactions: Int?
    package var statements: [Statement]
    /// The `queries:` fragment to paste into a platform topology.
    package var yaml: String

    package init(run: String, clients: Int?, transactions: Int?, statements: [Statement], yaml: String) {
      self.run = run
      self.clients = clients
      self.transactions = transactions
      self.statements = statements
      self.yaml = yaml
    }
  }

  /// The WAL of one run.
  package struct WAL: Sendable {
    package var run: String
    package var clients: Int?
    /// Transactions that wrote, whose commits flush WAL (nil without the run's summary).
    package var commits: Int?
    package var records: Double
    package var bytes: Double
    package var syncs: Double
    /// Seconds, all syncs.
    package var syncTime: Double
    package var syncsPerCommit: Double?
    /// Seconds per sync; nil when not timed.
    package var meanSyncTime: Double?
    /// Syncs counted without time: `track_wal_io_timing` was off.
    package var timingOff: Bool

    package init(
      run: String, clients: Int?, commits: Int?, records: Double, bytes: Double, syncs: Double, syncTime: Double,
      syncsPerCommit: Double?, meanSyncTime: Double?, timingOff: Bool
    ) {
      self.run = run
      self.clients = clients
      self.commits = commits
      self.records = records
      self.bytes = bytes
      self.syncs = syncs
      self.syncTime = syncTime
      self.syncsPerCommit = syncsPerCommit
      self.meanSyncTime = meanSyncTime
      self.timingOff = timingOff
    }
  }
}

extension Report {
  static let statementColumns = ["statement", "calls/tx", "mean ms", "share of DB time"]

  static func statementRows(_ s: CalibrationData.Statements) -> [[String]] {
    s.statements.map { st in
      [
        st.text, st.callsPerTransaction.map { String(format: "%.3f", $0) } ?? "-",
        String(format: "%.4f", st.meanTime * 1_000),
        String(format: "%.1f%%", st.share * 100),
      ]
    }
  }

  static func statementsHeading(_ workload: String, _ s: CalibrationData.Statements) -> String {
    var out = "\(workload): statements of \(s.run) (pg_stat_statements"
    if let c = s.clients { out += ", \(c) client\(c == 1 ? "" : "s")" }
    if let t = s.transactions { out += ", \(t) transactions" }
    return out + ")"
  }

  /// `wal c8-r1 (8 clients): 0.412 syncs per commit (1,234 syncs, 2,995 writing commits), mean sync 1.20 ms; 12,345 records, 2.3 MB`.
  static func walLine(_ w: CalibrationData.WAL) -> String {
    var out = "wal \(w.run)"
    if let c = w.clients { out += " (\(c) client\(c == 1 ? "" : "s"))" }
    out += ": "
    if let per = w.syncsPerCommit, let commits = w.commits {
      out += String(format: "%.3f syncs per commit (%.0f syncs, ", per, w.syncs) + "\(commits) writing commits"
      out += per < 1 ? "; below 1: commits were grouped)" : ")"
    } else {
      out += String(format: "%.0f sync", w.syncs) + (w.syncs == 1 ? "" : "s") + (w.commits == 0 ? " (no writing transactions)" : "")
    }
    if let mean = w.meanSyncTime {
      out += String(format: ", mean sync %.3f ms", mean * 1_000)
    } else if w.timingOff {
      out += ", sync time not measured (track_wal_io_timing off)"
    }
    out += String(format: "; %.0f records, %.1f kB", w.records, w.bytes / 1_000)
    return out
  }

  static func statementsText(_ w: CalibrationData.Workload) -> String {
    var out = ""
    if let s = w.statements {
      out += statementsHeading(w.name, s) + "\n"
      out += TextColumns.render(header: statementColumns, rows: statementRows(s), left: [0]) + "\n\n"
      out += s.yaml + "\n"
    }
    if !w.wal.isEmpty { out += w.wal.map { walLine($0) + "\n" }.joined() + "\n" }
    return out
  }
}
