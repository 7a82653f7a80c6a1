import Foundation

/// A snapshot of PostgreSQL's `pg_stat_statements` view, as CSV with a header:
///
///     psql -c "\copy (SELECT queryid, query, calls, total_exec_time, rows FROM pg_stat_statements) TO 'FILE' CSV HEADER"
///
/// The columns are the documented ones (PostgreSQL 13-17, "pg_stat_statements — track statistics
/// of SQL planning and execution", https://www.postgresql.org/docs/current/pgstatstatements.html):
/// `queryid` (bigint, the hash of the normalized statement), `query` (its text, constants replaced
/// by `$1`, ...), `calls` (times executed), `total_exec_time` (double precision, milliseconds spent
/// executing) and `rows` (rows retrieved or affected). PostgreSQL 12 calls the time `total_time`:
/// it tracked no planning, so that is the same execution time. Other columns may be present and
/// are ignored, but for `toplevel` (14 and later).
///
/// The view keeps one entry per user, database, `queryid` and top-level flag; entries of the same
/// `queryid` are added up. With `pg_stat_statements.track = all` it also has the statements run
/// inside functions (`toplevel` false), whose time the calling statement's already holds: those
/// are left out. The counters only grow until `pg_stat_statements_reset()`, so a
/// measurement is the difference of two snapshots (`StatementActivity`).
package struct PgStatStatements: Sendable {
  package struct Entry: Hashable, Sendable {
    package var queryid: String
    package var query: String
    package var calls: Double
    /// Seconds (the view's milliseconds / 1000).
    package var time: Double
    package var rows: Double
    /// Where the entry's `calls`, time and `rows` values are, for an error about them.
    package var line: Int
    package var callsColumn: Int
    package var timeLine: Int
    package var timeColumn: Int
    package var rowsLine: Int
    package var rowsColumn: Int
  }

  package var file: String
  /// The time column's name: `total_exec_time`, or 12's `total_time`.
  package var timeName: String
  /// By `queryid`, in the order of the file.
  package var entries: [String: Entry]
  package var order: [String]

  /// - Throws: ``MeasurementError`` at line 1 naming a required column that is missing, or at
  ///   the line and column of a value that is not a number or is negative.
  package init(file: String, text: String) throws(MeasurementError) {
    let table = try CSVTable(file: file, text: text)
    let what =
      "a pg_stat_statements snapshot needs queryid, query, calls, total_exec_time (total_time before PostgreSQL 13), rows"
    let id = try table.column("queryid", in: what)
    let query = try table.column("query", in: what)
    let calls = try table.column("calls", in: what)
    let time =
      try table.header.contains { $0.text == "total_time" } && !table.header.contains { $0.text == "total_exec_time" }
      ? table.column("total_time", in: what) : table.column("total_exec_time", in: what)
    let rows = try table.column("rows", in: what)
    let toplevel = table.header.firstIndex { $0.text == "toplevel" }
    self.file = file
    timeName = table.header[time].text
    entries = [:]
    order = []
    for row in table.rows {
      if let toplevel {
        let flag = row[toplevel]
        switch flag.text {
        case "t", "true": break
        case "f", "false": continue
        default:
          throw MeasurementError(
            file: file, line: flag.line, column: flag.column, "toplevel: expected t or f, found '\(flag.text)'")
        }
      }
      let key = row[id].text
      guard Int64(key) != nil else {
        // The view hides other roles' queryid and text from a role without pg_read_all_stats,
        // yet counts their time: left out, the shares would be of part of the server's work.
        let hidden =
          key.isEmpty
          ? "empty: another role's statement, hidden from the role that took the snapshot (take it as a superuser or a role granted pg_read_all_stats)"
          : "expected a whole number, found '\(key)'"
        throw MeasurementError(file: file, line: row[id].line, column: row[id].column, "queryid: \(hidden)")
      }
      let n = try table.counter(row, calls)
      let ms = try table.counter(row, time)
      let r = try table.counter(row, rows)
      if var e = entries[key] {
        e.calls += n
        e.time += ms / 1_000
        e.rows += r
        entries[key] = e
      } else {
        entries[key] = Entry(
          queryid: key, query: row[query].text, calls: n, time: ms / 1_000, rows: r, line: row[calls].line,
          callsColumn: row[calls].column, timeLine: row[time].line, timeColumn: row[time].column,
          rowsLine: row[rows].line, rowsColumn: row[rows].column)
        order.append(key)
      }
    }
  }
}

/// What the statements did between two `pg_stat_statements` snapshots: per `queryid`, the calls,
/// execution time and rows in the interval, the mean time per call and the share of the time of
/// all statements.
///
/// A statement that appears only in the later snapshot was first run in the interval. One that
/// only the earlier has was evicted (`pg_stat_statements.max`) and is left out. One whose calls,
/// time or rows went down means the statistics were reset between the snapshots, and so does a
/// later snapshot without statements (it counts at least the earlier one's own query): the input
/// is inconsistent.
/// The snapshots' own statements (reading `pg_stat_statements` or `pg_stat_wal`) are left out:
/// the later snapshot counts the earlier ones, which are the measurement, not the workload.
package struct StatementActivity: Sendable {
  package struct Statement: Hashable, Sendable {
    package var queryid: String
    package var query: String
    package var calls: Int
    /// Seconds executing, all calls together.
    package var time: Double
    package var rows: Int
    /// Seconds per call.
    package var meanTime: Double
    /// Of the time of all statements in the interval.
    package var share: Double
  }

  /// By time, the longest first.
  package var statements: [Statement]
  /// Seconds executing, all statements.
  package var totalTime: Double

  /// - Throws: ``MeasurementError`` at the later snapshot's value of a statement that went down
  ///   (`calls`, the time or `rows`), or at the later snapshot when it has no statements or no
  ///   calls since the earlier one.
  package init(before: PgStatStatements, after: PgStatStatements) throws(MeasurementError) {
    // The earlier snapshot's own query is counted in the later one, so a later one with no
    // statements was taken after a reset, or of a server without the extension loaded.
    guard !after.order.isEmpty else {
      throw MeasurementError(
        file: after.file,
        before.order.isEmpty
          ? "no statements, nor in \(before.file), whose own query should be here: is pg_stat_statements loaded (shared_preload_libraries) and tracking (pg_stat_statements.track)?"
          : "no statements, where \(before.file) has \(before.order.count): the statistics were reset between the snapshots (pg_stat_statements_reset), or the file was cut after its header"
      )
    }
    var out: [Statement] = []
    for key in after.order {
      let a = after.entries[key]!
      let b = before.entries[key]
      let calls = a.calls - (b?.calls ?? 0)
      let time = a.time - (b?.time ?? 0)
      // The times are sums of doubles: a rounding below zero is no reset.
      let down: [(name: String, down: Bool, line: Int, column: Int, here: String, there: String)] = [
        ("calls", calls < 0, a.line, a.callsColumn, "\(Int(a.calls))", "\(Int(b?.calls ?? 0))"),
        (after.timeName, time < -1e-9, a.timeLine, a.timeColumn, Self.ms(a.time), Self.ms(b?.time ?? 0)),
        ("rows", a.rows < (b?.rows ?? 0), a.rowsLine, a.rowsColumn, "\(Int(a.rows))", "\(Int(b?.rows ?? 0))"),
      ]
      if let d = down.first(where: { $0.down }) {
        throw MeasurementError(
          file: after.file, line: d.line, column: d.column,
          "\(d.name) of queryid \(key): \(d.here) here, \(d.there) in \(before.file): it went down, so the statistics were reset between the snapshots (pg_stat_statements_reset)"
        )
      }
      guard calls > 0, !Self.isSnapshot(a.query) else { continue }
      out.append(
        Statement(
          queryid: key, query: a.query, calls: Int(calls), time: max(0, time), rows: Int(a.rows - (b?.rows ?? 0)),
          meanTime: max(0, time) / calls, share: 0))
    }
    // The earlier snapshot's own query is called again by the later one, so a pair with no
    // calls between them is one snapshot twice (a copy), not a run's.
    // (A counter that went down was refused above: a reset, not this.)
    guard after.order.contains(where: { after.entries[$0]!.calls > (before.entries[$0]?.calls ?? 0) }) else {
      throw MeasurementError(
        file: after.file,
        "no calls since \(before.file) (every statement's calls as they were there, even the snapshot's own query): the snapshots are not of this run"
      )
    }
    totalTime = out.reduce(0) { $0 + $1.time }
    let total = totalTime
    statements = out.map { s in
      var s = s
      s.share = total > 0 ? s.time / total : 0
      return s
    }
    .sorted { ($1.time, $0.queryid) < ($0.time, $1.queryid) }
  }

  /// Statements with at least `minimumShare` of the time, as a platform topology's `queries:`
  /// entries (service time on one database core per query, exponential with the measured mean;
  /// `write: true` for INSERT, UPDATE and DELETE), with a comment naming the measurement.
  ///
  /// The time is the server's execution time with the machine's load of the measurement: at one
  /// client it is the closest to the service time on an idle core.
  package func queriesYAML(source: String, minimumShare: Double = 0.01) -> String {
    var out = "# Measured statement times: \(yamlComment(source)) (pg_stat_statements, mean execution time per call)\n"
    out += "queries:\n"
    var used: Set<String> = []
    for s in statements where s.share >= minimumShare && s.meanTime > 0 {
      var name = Self.name(s.query)
      var n = 2
      while used.contains(name) {
        name = "\(Self.name(s.query))_\(n)"
        n += 1
      }
      used.insert(name)
      let write = Self.isWrite(s.query) ? ", write: true" : ""
      out += "  \(name): {time: {distribution: exponential, mean: \(Self.milliseconds(s.meanTime))}\(write)}"
      out += String(format: "  # %.1f%% of the time, ", s.share * 100) + Self.oneLine(s.query, width: 60) + "\n"
    }
    return out
  }

  /// A name from the statement's first words: its verb and the table it reads or writes
  /// (`select_pgbench_accounts`, `insert_pgbench_history`), else its first two words.
  package static func name(_ query: String) -> String {
    let words = query.split(whereSeparator: { $0.isWhitespace || "(),;".contains($0) }).map { $0.lowercased() }
    guard let verb = words.first else { return "statement" }
    func word(after marker: String) -> String? {
      words.firstIndex(of: marker).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
    }
    let table: String? =
      switch verb {
      case "select", "delete": word(after: "from")
      case "insert": word(after: "into")
      case "update": words.dropFirst().first { $0 != "only" }
      default: nil
      }
    let parts = table.map { [verb, $0] } ?? Array(words.prefix(2))
    let text = String(parts.joined(separator: "_").map { $0.isLetter || $0.isNumber ? $0 : "_" })
      .split(separator: "_").joined(separator: "_")
    return text.isEmpty || text.first!.isNumber ? "q_" + text : text
  }

  /// A statement that reads the statistics views: a snapshot of them.
  static func isSnapshot(_ query: String) -> Bool {
    let text = query.lowercased()
    return text.contains("from pg_stat_statements") || text.contains("from pg_stat_wal")
  }

  /// INSERT, UPDATE and DELETE (also under a WITH) write.
  package static func isWrite(_ query: String) -> Bool {
    let words = Set(query.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).prefix(64).map { $0.uppercased() })
    guard let first = query.split(whereSeparator: \.isWhitespace).first?.uppercased() else { return false }
    if ["INSERT", "UPDATE", "DELETE", "MERGE"].contains(first) { return true }
    return first == "WITH" && !words.isDisjoint(with: ["INSERT", "UPDATE", "DELETE"])
  }

  /// The text on one line, whitespace runs as one space, cut to `width` characters with "...".
  package static func oneLine(_ query: String, width: Int) -> String {
    let text = query.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return text.count <= width ? text : String(text.prefix(width - 3)) + "..."
  }

  /// Seconds as the view's milliseconds, for a message.
  static func ms(_ seconds: Double) -> String { String(format: "%.6g ms", seconds * 1_000) }

  /// `0.0213ms`: three significant digits, milliseconds as a topology writes them.
  static func milliseconds(_ seconds: Double) -> String {
    let ms = seconds * 1_000
    return (ms >= 100 ? String(format: "%.0f", ms) : String(format: "%.3g", ms)) + "ms"
  }
}
