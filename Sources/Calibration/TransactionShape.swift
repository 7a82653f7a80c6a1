/// What a benchmark's transaction does on the wire, read from its pgbench scripts: how many
/// round trips it makes and which rows it locks.
package struct TransactionShape: Hashable, Sendable {
  /// SQL statements per transaction, each a round trip between pgbench and its backend
  /// (meta-commands such as `\set` run in the client), averaged over the scripts by weight.
  package var roundTrips: Double
  /// No statement writes (nothing but `SELECT`): the cycle is CPU and wake-ups only, which is
  /// what a machine's constants are best fitted on.
  package var readOnly: Bool
  package var locks: [RowLock]

  package init(roundTrips: Double, readOnly: Bool, locks: [RowLock]) {
    self.roundTrips = roundTrips
    self.readOnly = readOnly
    self.locks = locks
  }

  /// The shape of `report`'s scripts, or nil when the summary has no `-r` statement list.
  ///
  /// Row locks: an `UPDATE` of one of pgbench's own tables locks one of its rows, and their row
  /// counts follow from the scale (N branches, 10 N tellers, 100,000 N accounts). The lock is
  /// held from the middle of that round trip to the end of the commit (`END` or `COMMIT`, or the
  /// statement itself outside a transaction block).
  package init?(_ report: PgbenchReport) {
    let scripts = report.scripts.filter { $0.weight > 0 }
    let total = scripts.map(\.weight).reduce(0, +)
    guard total > 0 else { return nil }
    let scale = report.scale ?? 1
    var roundTrips = 0.0
    var readOnly = true
    var locks: [RowLock] = []
    for script in scripts {
      let share = script.weight / total
      let sql = script.statements.filter { !$0.hasPrefix("\\") }.map { $0.uppercased() }
      roundTrips += share * Double(sql.count)
      for (i, text) in sql.enumerated() {
        let verb = text.split(separator: " ").first.map(String.init) ?? ""
        if !["SELECT", "BEGIN", "END", "COMMIT", "START"].contains(verb) { readOnly = false }
        guard verb == "UPDATE" else { continue }
        let rows: Int? =
          text.hasPrefix("UPDATE PGBENCH_BRANCHES") ? scale
          : text.hasPrefix("UPDATE PGBENCH_TELLERS") ? 10 * scale
          : text.hasPrefix("UPDATE PGBENCH_ACCOUNTS") ? 100_000 * scale : nil
        guard let rows else { continue }
        let commit = sql[i...].firstIndex { $0.hasPrefix("END") || $0.hasPrefix("COMMIT") } ?? i
        let inBlock = sql[..<i].contains { $0.hasPrefix("BEGIN") || $0.hasPrefix("START") }
        locks.append(RowLock(rows: rows, heldRoundTrips: Double((inBlock ? commit : i) - i) + 0.5, share: share))
      }
    }
    guard roundTrips > 0 else { return nil }
    self.init(roundTrips: roundTrips, readOnly: readOnly, locks: locks)
  }
}

/// A row lock some transactions take: one of `rows` equally likely rows, held for
/// `heldRoundTrips` of the transaction's round trips (and while it waits for the locks it takes
/// after it), by a `share` of the transactions.
package struct RowLock: Hashable, Sendable {
  package var rows: Int
  package var heldRoundTrips: Double
  package var share: Double

  package init(rows: Int, heldRoundTrips: Double, share: Double) {
    self.rows = rows
    self.heldRoundTrips = heldRoundTrips
    self.share = share
  }
}
