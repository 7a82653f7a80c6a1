import Foundation
import Suggestions

/// What `pgbench` prints at the end of a run (its summary), with `-r` statement latencies.
///
/// The format is pgbench's (`src/bin/pgbench/pgbench.c`, `printResults`), PostgreSQL 15-17:
///
///     transaction type: <builtin: select only>
///     number of clients: 8
///     duration: 60 s
///     number of transactions actually processed: 1234567
///     number of failed transactions: 0 (0.000%)
///     latency average = 0.388 ms
///     latency stddev = 0.100 ms
///     rate limit schedule lag: avg 0.123 (max 1.234) ms
///     tps = 20612.345678 (without initial connection time)
///     statement latencies in milliseconds and failures:
///              0.002           0  \set aid random(1, 100000 * :scale)
///              0.350           0  SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
///
/// and the other versions' differences: 12 and 13 print two tps lines, `(including connections
/// establishing)` then `(excluding ...)`, the second being the run's; 12-14 print no failures,
/// and their statement lines have no failures column; 15 and later add a retries column with
/// `--max-tries` other than 1; newer releases (18, and 16's and 17's later ones) split a script's
/// ` - N transactions` (all it started) from its ` - number of transactions actually processed: M
/// (tps = ...)`.
///
/// Lines it does not know are skipped (pgbench adds some between versions). Two lines that
/// capsim's measurement script appends are read too:
///
///     latency percentiles: p50 = 0.310 ms, p95 = 0.720 ms, p99 = 1.400 ms (from --log, 1234567 transactions)
///     cpu seconds: server = 51.20, client = 30.10, machine = 2 cores
///     target rate: 400/s                     (open-loop runs, pgbench --rate)
///
/// A run needs clients, transactions and tps, and a latency average; without them, or with a
/// value that is not a number, reading fails at the line. So does a run the model cannot
/// take: one pgbench says was aborted, one with failed transactions, one with `-C` (a
/// connection per transaction), and a run by count (`-t`) that did not finish its count. And a
/// summary that contradicts itself: a keyed line twice, a misspelling of the script's lines, a
/// `--log` count or a tps x duration that is not its processed count, a closed-loop latency that
/// breaks Little's law, a cut inside its statement list. What must agree across a workload's
/// summaries is `disagreements`.
package struct PgbenchReport: Hashable, Sendable {
  package var file: String
  package var transactionType: String
  package var clients: Int
  /// `number of threads: N` (pgbench -j).
  package var threads: Int?
  package var duration: Double?
  package var transactions: Int
  package var failed: Int
  /// Transactions per second, excluding connection time.
  package var tps: Double
  /// Seconds.
  package var latencyMean: Double
  package var latencyStandardDeviation: Double?
  /// `--rate` runs: the target rate (per second, from `rate = ` lines of newer versions or
  /// the file's name) and the mean schedule lag (seconds).
  package var scheduleLag: Double?
  /// Open-loop runs: `target rate: 400/s`, appended by the measurement script.
  package var targetRate: Double?
  package var latencyP50: Double?
  package var latencyP95: Double?
  package var latencyP99: Double?
  /// CPU seconds used over the run by the server's processes and by pgbench itself, and the
  /// machine's cores: the utilization law's inputs.
  package var serverCPUSeconds: Double?
  package var clientCPUSeconds: Double?
  package var cores: Int?
  /// `-r`: mean latency per statement (seconds), in script order.
  package var statements: [(latency: Double, text: String)] = []
  /// The scripts run (`SQL script N:` with its `- weight:`; a built-in transaction is one script
  /// of weight 1): each statement of `statements` by script, with the script's weight.
  package var scripts: [(weight: Double, statements: [String])] = []
  /// `scaling factor: N`: pgbench's tables have N branches, 10 N tellers, 100,000 N accounts.
  package var scale: Int?
  /// Several scripts: the transactions each ran (` - 773 transactions (20.6% of total, ...)`),
  /// in script order; empty for one built-in script.
  package var scriptTransactions: [Int] = []

  package static func == (a: PgbenchReport, b: PgbenchReport) -> Bool {
    a.file == b.file && a.clients == b.clients && a.transactions == b.transactions && a.tps == b.tps
      && a.latencyMean == b.latencyMean && a.statements.map(\.text) == b.statements.map(\.text)
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(file)
    hasher.combine(transactions)
  }

  /// Reads a summary.
  ///
  /// - Throws: ``MeasurementError`` at the line that is not what pgbench writes or that shows a
  ///   run the model cannot take, or at the file when a required value is missing.
  package init(file: String, text: String) throws(MeasurementError) {
    let lines = NumberedLines(file: file, text: text)
    var type: String?
    var clients: Int?
    var clientsAt = (line: 0, column: 0)
    var transactions: Int?
    var tps: Double?
    var latency: Double?
    // The count columns after a statement's latency (failures, retries) while in a statement list.
    var statementColumns: Int?
    // A run by count (-t): where its processed/expected line is, checked once failures and skips are known.
    var byCount: (line: Int, expected: Int)?
    var skipped = 0
    // 15 and later print failures; 12-14 count a script's skipped transactions in its ` - N transactions`.
    var printsFailures = false
    var pgbenchError: (line: Int, text: String)?
    // The line of the last statement read, to tell a file that ends inside its statement list.
    var lastStatementLine = 0
    // Where each keyed line was first read: a second one would silently replace it.
    var seen: [String: (line: Int, text: Substring)] = [:]
    // `(from --log, N transactions)` of the percentiles line, checked against the processed count.
    var logged: (line: Int, count: Int)?
    var processedLine = 0
    var latencyLine = 0
    // Where the CPU line's server seconds are, for an error about the CPU the run could use.
    var cpuAt: (line: Int, column: Int)?
    self.file = file
    self.transactionType = ""
    self.clients = 0
    self.transactions = 0
    self.failed = 0
    self.tps = 0
    self.latencyMean = 0
    for (n, raw) in lines {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if let columns = statementColumns {
        if let statement = try Self.statement(raw, columns: columns, n, lines) {
          lastStatementLine = n
          statements.append(statement)
          if scripts.isEmpty { scripts.append((1, [])) }
          scripts[scripts.count - 1].statements.append(statement.1)
          continue
        }
        statementColumns = nil
      }
      func value(after prefix: String) -> Substring? {
        line.hasPrefix(prefix) ? line.dropFirst(prefix.count) : nil
      }
      // `text` is a part of `line`: its column in the raw line.
      func column(_ text: Substring) -> Int { raw.count - line[text.startIndex...].count + 1 }
      func milliseconds(_ text: Substring, _ what: String) throws(MeasurementError) -> Double {
        let parts = text.split(separator: " ")
        guard parts.count == 2, parts[1] == "ms", let v = number(parts[0]) else {
          throw lines.error(n, column: column(text), "\(what): expected '<number> ms', found '\(text)'")
        }
        return v / 1_000
      }
      // A keyed line read twice: which one is the run's cannot be told. 12 and 13 print two tps
      // lines, the one including connecting first.
      func once(_ key: String) throws(MeasurementError) {
        if let first = seen[key], !(key == "tps" && first.text.hasSuffix("(including connections establishing)")) {
          throw lines.error(n, "a second '\(key)' line (the first is line \(first.line)): which is the run's?")
        }
        seen[key] = (n, line[...])
      }
      func int(_ text: Substring, _ what: String) throws(MeasurementError) -> Int {
        let word = text.split(separator: " ").first ?? ""
        guard let v = Int(word), v >= 0 else {
          throw lines.error(n, column: column(text), "\(what): expected a whole number, found '\(text)'")
        }
        return v
      }
      // On stderr at the end of a run a client left early, bare or after "pgbench: error: ".
      if line.contains("Run was aborted; the above results are incomplete") {
        throw lines.error(n, "pgbench aborted the run (a client stopped on an error): its results are incomplete")
      }
      if pgbenchError == nil, line.hasPrefix("pgbench: error: ") || line.hasPrefix("pgbench: fatal: ") {
        pgbenchError = (n, line)
      }
      if let v = value(after: "transaction type: ") {
        try once("transaction type")
        type = String(v)
      } else if line.hasPrefix("SQL script ") {
        scripts.append((1, []))
      } else if let v = value(after: "- weight: "), !scripts.isEmpty {
        guard let w = number(v.split(separator: " ").first ?? ""), w >= 0 else {
          throw lines.error(n, column: column(v), "script weight: expected a number, found '\(v)'")
        }
        scripts[scripts.count - 1].weight = w
      } else if let v = value(after: "- number of transactions actually processed: "), !scripts.isEmpty {
        // Newer releases: the script's completed transactions; its ` - N transactions` counted failed and skipped ones too.
        let count = try int(v, "script's transactions")
        if scriptTransactions.count == scripts.count { scriptTransactions[scripts.count - 1] = count }
      } else if let v = value(after: "- number of transactions skipped: "), !scripts.isEmpty {
        // 12-14 count a script's skipped transactions in its ` - N transactions`; 15 and later do not.
        let count = try int(v, "script's skipped transactions")
        if !printsFailures, scriptTransactions.count == scripts.count { scriptTransactions[scripts.count - 1] -= count }
      } else if !scripts.isEmpty, line.hasPrefix("- "), line.contains(" transactions ("),
        let count = Int(line.dropFirst(2).split(separator: " ").first ?? "")
      {
        while scriptTransactions.count < scripts.count - 1 { scriptTransactions.append(0) }
        scriptTransactions.append(count)
      } else if let v = value(after: "scaling factor: ") {
        try once("scaling factor")
        scale = try int(v, "scaling factor")
      } else if let v = value(after: "number of clients: ") {
        try once("number of clients")
        clients = try int(v, "number of clients")
        clientsAt = (n, column(v))
      } else if let v = value(after: "number of threads: ") {
        try once("number of threads")
        threads = try int(v, "number of threads")
      } else if let v = value(after: "duration: ") {
        try once("duration")
        // pgbench writes `duration: N s` (-T, seconds).
        let parts = v.split(separator: " ")
        guard parts.count == 2, parts[1] == "s", let d = number(parts[0]), d > 0 else {
          throw lines.error(n, column: column(v), "duration: expected '<number> s' above 0, found '\(v)'")
        }
        duration = d
      } else if let v = value(after: "number of transactions actually processed: ") {
        try once("number of transactions actually processed")
        processedLine = n
        // A run by count (-t) writes processed/expected: "8000/8000".
        let processed = v.prefix { $0 != "/" }
        guard let t = Int(processed), t >= 0 else {
          throw lines.error(n, column: column(v), "number of transactions: expected a whole number, found '\(v)'")
        }
        transactions = t
        if processed.count < v.count {
          let expected = v.dropFirst(processed.count + 1)
          byCount = (n, try int(expected, "number of transactions expected"))
        }
      } else if let v = value(after: "number of failed transactions: ") {
        try once("number of failed transactions")
        printsFailures = true
        failed = try int(v, "number of failed transactions")
        guard failed == 0 else {
          throw lines.error(
            n, column: column(v),
            "\(failed) failed transactions (serialization or deadlock errors not retried): the model has no failures, and tps and latency leave them out; measure a run where none fail (--max-tries)")
        }
      } else if let v = value(after: "number of transactions skipped: ") {
        try once("number of transactions skipped")
        skipped = try int(v, "number of transactions skipped")
      } else if let v = value(after: "latency average = ") {
        try once("latency average")
        latencyLine = n
        // 15 and later, without measured latencies: the run's time over all transactions, failed ones too.
        if v.hasSuffix(" (including failures)") {
          throw lines.error(n, column: column(v), "latency average includes failed transactions: the model has no failures")
        }
        let ms = try milliseconds(v, "latency average")
        guard ms > 0 else {
          throw lines.error(n, column: column(v), "latency average: \(v) is not above 0: a transaction takes time")
        }
        latency = ms
      } else if let v = value(after: "latency stddev = ") {
        try once("latency stddev")
        let ms = try milliseconds(v, "latency stddev")
        guard ms >= 0 else { throw lines.error(n, column: column(v), "latency stddev: \(v) is negative") }
        latencyStandardDeviation = ms
      } else if let v = value(after: "rate limit schedule lag: avg ") {
        try once("rate limit schedule lag")
        guard let lag = number(v.split(separator: " ").first ?? "") else {
          throw lines.error(n, "schedule lag: expected 'avg <number> (max <number>) ms', found '\(v)'")
        }
        scheduleLag = lag / 1_000
      } else if let v = value(after: "tps = ") {
        try once("tps")
        guard let t = number(v.split(separator: " ").first ?? "") else {
          throw lines.error(n, column: column(v), "tps: expected a number, found '\(v)'")
        }
        // 14 and later under -C; 12 and 13 print "(including connections establishing)" and then
        // "(excluding ...)", the run's, which is read last.
        if v.hasSuffix("(including reconnection times)") {
          throw lines.error(
            n, column: column(v),
            "a run with -C/--connect (a new connection per transaction): its tps and latency include connecting, which the model has no step for")
        }
        tps = t
      } else if let v = value(after: "statement latencies in milliseconds") ?? value(after: "- statement latencies in milliseconds") {
        switch v {
        case ":": statementColumns = 0  // 12-14
        case " and failures:": statementColumns = 1  // 15 and later
        case ", failures and retries:": statementColumns = 2  // 15 and later, --max-tries other than 1
        default:
          throw lines.error(
            n, column: column(v),
            "statement latencies: unknown columns '\(v)' (pgbench 12-17 write ':', ' and failures:' or ', failures and retries:')")
        }
      } else if let v = value(after: "latency percentiles: ") {
        try once("latency percentiles")
        logged = try readPercentiles(v, n, lines, column).map { (n, $0) }
      } else if let v = value(after: "target rate: ") {
        try once("target rate")
        guard v.hasSuffix("/s"), let r = number(v.dropLast(2)), r > 0 else {
          throw lines.error(n, column: column(v), "target rate: expected '<number>/s', found '\(v)'")
        }
        targetRate = r
      } else if let v = value(after: "cpu seconds: ") {
        try once("cpu seconds")
        cpuAt = (n, try readCPU(v, n, lines, column))
      } else if line.hasPrefix("load average:") {
        try once("load average")
      } else if let key = Self.misspelledKey(line) {
        throw lines.error(n, "unknown line '\(line.prefix { $0 != ":" }):': did you mean '\(key):'? (the measurement script's lines)")
      }
    }
    guard let type, let clients, let transactions, let tps, let latency else {
      let missing = [
        type == nil ? "transaction type" : nil, clients == nil ? "number of clients" : nil,
        transactions == nil ? "number of transactions actually processed" : nil, tps == nil ? "tps" : nil,
        latency == nil ? "latency average" : nil,
      ].compactMap { $0 }
      if let pgbenchError {
        throw lines.error(pgbenchError.line, "no \(missing.joined(separator: ", ")) after pgbench's error: \(pgbenchError.text)")
      }
      if transactions == 0 {
        throw MeasurementError(file: file, "no transaction was processed: the run measured nothing")
      }
      throw MeasurementError(
        file: file, "not a pgbench summary: no \(missing.joined(separator: ", ")) (run pgbench without --quiet)")
    }
    guard clients > 0 else {
      throw lines.error(clientsAt.line, column: clientsAt.column, "number of clients: \(clients); a run has 1 or more")
    }
    guard tps > 0 else {
      throw MeasurementError(
        file: file, "tps = \(tps) with \(clients) client\(clients == 1 ? "" : "s"): the run measured nothing")
    }
    try Self.checkWhole(lines, lastStatementLine: lastStatementLine, type: type, scripts: scripts)
    // pgbench counts a client's failed and skipped transactions towards its -t count.
    if let byCount, transactions + skipped < byCount.expected {
      throw lines.error(
        byCount.line,
        "\(transactions) of \(byCount.expected) transactions processed and \(skipped) skipped: clients stopped early (pgbench aborted the run), so its results are incomplete")
    }
    try Self.checkCounts(
      lines, transactions: transactions, tps: tps, duration: byCount == nil ? duration : nil, processedLine: processedLine,
      logged: logged, failed: failed, skipped: skipped)
    if lines.contains(where: { $0.1.hasPrefix("progress: ") }) {
      try Self.checkProgress(try PgbenchProgress(file: file, text: text), lines, duration: byCount == nil ? duration : nil)
    }
    if let cpuAt, let server = serverCPUSeconds, let cores {
      try Self.checkCPU(
        lines, at: cpuAt, server: server, client: clientCPUSeconds ?? 0, cores: cores,
        seconds: duration ?? Double(transactions) / tps)
    }
    // Open loop (--rate), the latency counts the schedule lag: more than the clients in flight.
    if scheduleLag == nil, targetRate == nil {
      try Self.checkLittlesLaw(lines, clients: clients, tps: tps, latency: latency, latencyLine: latencyLine)
    }
    self.transactionType = type
    self.clients = clients
    self.transactions = transactions
    self.tps = tps
    self.latencyMean = latency
  }

  /// A summary cut short inside its statement list reads as a shorter transaction: refused at
  /// its last line when it shows (a BEGIN without its END or COMMIT, one script under "multiple
  /// scripts"). A cut that shows in no one file (a statement's text cut, a whole script's list
  /// lost) is found against the workload's other summaries (`disagreements`).
  private static func checkWhole(
    _ lines: NumberedLines, lastStatementLine: Int, type: String,
    scripts: [(weight: Double, statements: [String])]
  ) throws(MeasurementError) {
    let last = lines.lines.lastIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0 + 1 } ?? 0
    if type == "multiple scripts", scripts.count < 2 {
      throw lines.error(
        last, "the file ends after \(scripts.count) script\(scripts.count == 1 ? "" : "s") of 'multiple scripts': cut short?")
    }
    guard last > 0, last == lastStatementLine else { return }
    let words = (scripts.last?.statements ?? []).map { $0.uppercased().prefix { $0.isLetter } }
    if let begin = words.lastIndex(where: { $0 == "BEGIN" || $0 == "START" }),
      !words[begin...].contains(where: { $0 == "END" || $0 == "COMMIT" || $0 == "ROLLBACK" })
    {
      throw lines.error(last, "the file ends inside its statement list, after a BEGIN without its END: cut short?")
    }
  }

  /// The run's `progress:` lines (the measurement script appends pgbench's stderr): failures
  /// in an interval, which the summary's count of 0 leaves out (the run was refused had it
  /// counted them), and an interval that ends after the run, a line of another run.
  static func checkProgress(_ progress: PgbenchProgress, _ lines: NumberedLines, duration: Double?) throws(MeasurementError) {
    if let i = progress.intervals.first(where: { ($0.failed ?? 0) > 0 }) {
      throw lines.error(
        i.line,
        "progress: \(i.failed!) failed transactions in the interval to \(String(format: "%g", i.time)) s, which the summary's failed count leaves out: the model has no failures; measure a run where none fail (--max-tries)")
    }
    // pgbench reports every 5 s or so up to the run's end; a second of slack for its timer.
    if let duration, !progress.timestamps, let late = progress.intervals.first(where: { $0.time > duration + 1 }) {
      throw lines.error(
        late.line,
        "progress: an interval to \(String(format: "%g", late.time)) s, after the run's \(String(format: "%g", duration)) s: a line of another run")
    }
  }

  /// The keys of the lines the measurement script appends (`calibration/README.md`).
  static let scriptKeys = ["latency percentiles", "cpu seconds", "load average", "target rate", "progress"]

  /// The script's key that the text before a line's colon misspells (one or two letters off,
  /// one for short keys, or another case), or nil. pgbench's own lines, known or not, are
  /// none of them.
  static func misspelledKey(_ line: String) -> String? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let word = line[..<colon].lowercased()
    return scriptKeys.first { key in
      let d = Suggestions.distance(word, key)
      return (d <= (key.count > 8 ? 2 : 1) && line[..<colon] != key)
        || (d == 0 && !line.dropFirst(key.count + 1).hasPrefix(" "))
    }
  }

  /// Counts that contradict each other: the percentiles' `--log` transactions are the processed
  /// ones (the script leaves out failed and skipped lines; a log that kept them has at most
  /// processed + failed + skipped), and a timed run (-T) processes about tps x duration: pgbench's
  /// tps leaves out the connection time, by which the shipped runs differ from it by 1.5% at most,
  /// so 10% off is a summary edited or pieced together.
  private static func checkCounts(
    _ lines: NumberedLines, transactions: Int, tps: Double, duration: Double?, processedLine: Int,
    logged: (line: Int, count: Int)?, failed: Int, skipped: Int
  ) throws(MeasurementError) {
    if let logged, logged.count < transactions || logged.count > transactions + failed + skipped {
      throw lines.error(
        logged.line,
        "latency percentiles: from \(logged.count) logged transactions, but line \(processedLine) says \(transactions) were processed: the log of another run?")
    }
    if let duration, duration > 0, abs(Double(transactions) / (tps * duration) - 1) > 0.1 {
      throw lines.error(
        processedLine,
        "\(transactions) transactions processed, but tps x duration is \(String(format: tps * duration < 1e12 ? "%.0f" : "%.4g", tps * duration)) (tps \(tps), \(duration) s): more than 10% apart")
    }
  }

  /// The CPU seconds of server and client against what the machine's cores could give over the
  /// run. The script's CPU window is a little longer than the run (connecting, and the second it
  /// waits for the backends to be reaped) and the kernel counts in ticks of 1/100 s per process:
  /// the shipped runs use at most 1.015 x cores x duration. Above cores x (duration + 1 s) x 1.1
  /// the line is another run's or machine's, or a unit slip.
  private static func checkCPU(
    _ lines: NumberedLines, at: (line: Int, column: Int), server: Double, client: Double, cores: Int, seconds: Double
  ) throws(MeasurementError) {
    let limit = Double(cores) * (seconds + 1) * 1.1
    guard server + client > limit else { return }
    throw lines.error(
      at.line, column: at.column,
      "cpu seconds: server + client = \(String(format: "%.2f", server + client)) s, more than \(cores) cores can give in \(String(format: "%g", seconds)) s (at most \(String(format: "%.2f", limit)) s, with 1 s and 10% for the measurement's window): another run's or machine's line, or a unit slip?")
  }

  /// Little's law in a closed loop: tps x mean latency is the mean number of transactions in
  /// progress, at most the clients. pgbench without measured latencies prints clients / tps
  /// (the ratio is 1 but for the latency's rounding to 0.001 ms, 5% at 0.01 ms); measured ones
  /// put it lower (0.998 at most in the shipped runs). Above 1.1 the latency is not the run's:
  /// a unit slip, or a line from another run.
  private static func checkLittlesLaw(
    _ lines: NumberedLines, clients: Int, tps: Double, latency: Double, latencyLine: Int
  ) throws(MeasurementError) {
    let inProgress = tps * latency / Double(clients)
    // Below: each client waits for its transaction and starts the next at once (a \sleep is
    // part of the latency), so the clients are busy nearly all the time (0.8-1 in the shipped
    // runs, the rest their own CPU). A tenth is no closed loop of these clients.
    if inProgress < 0.1 {
      throw lines.error(
        latencyLine,
        "latency average is too short for a closed loop: tps x latency / clients = \(String(format: "%.3g", tps)) x \(String(format: "%.6g", latency * 1_000)) ms / \(clients) = \(String(format: "%.3g", inProgress)), where each client waits for its transaction (0.8 to 1 in real runs): a unit slip, a line from another run, or a run too short to measure?")
    }
    guard inProgress > littlesLawLimit else { return }
    throw lines.error(
      latencyLine,
      "latency average violates Little's law: tps x latency / clients = \(String(format: "%.3g", tps)) x \(String(format: "%.6g", latency * 1_000)) ms / \(clients) = \(String(format: "%.3g", inProgress)), above 1 (more transactions in progress than clients, beyond the \(String(format: "%g", littlesLawLimit)) measuring noise allows): a unit slip?")
  }

  /// How far above 1 Little's law may put a closed loop's clients in progress (see
  /// `checkLittlesLaw`).
  package static let littlesLawLimit = 1.1

  /// The transactions that wrote (ran an INSERT, UPDATE or DELETE), which are the ones whose
  /// commit flushes WAL: a read-only transaction commits without a WAL record. By script where
  /// the summary counts each script's transactions, else by the scripts' weights.
  package var writingTransactions: Int {
    let writes = scripts.map { $0.statements.contains(where: StatementActivity.isWrite) }
    if scriptTransactions.count == scripts.count, scripts.count > 1 {
      return zip(writes, scriptTransactions).filter(\.0).map(\.1).reduce(0, +)
    }
    let total = scripts.map(\.weight).reduce(0, +)
    guard total > 0 else { return 0 }
    let share = zip(writes, scripts).filter(\.0).map(\.1.weight).reduce(0, +) / total
    return Int((share * Double(transactions)).rounded())
  }

  /// `   0.350  SELECT ...` with `columns` whole numbers after the latency (15 and later: failures,
  /// and retries with --max-tries other than 1), or nil at a line that is no statement's.
  private static func statement(_ raw: Substring, columns: Int, _ n: Int, _ lines: NumberedLines) throws(MeasurementError) -> (Double, String)? {
    var rest = raw[...]
    func word() -> Substring {
      rest = rest.drop { $0.isWhitespace }
      let w = rest.prefix { !$0.isWhitespace }
      rest = rest.dropFirst(w.count)
      return w
    }
    guard let ms = number(word()) else { return nil }
    for i in 0..<columns {
      let at = raw.count - rest.drop { $0.isWhitespace }.count + 1
      guard Int(word()) != nil else {
        let names = ["failures", "retries"].prefix(columns).joined(separator: " and ")
        throw lines.error(n, column: at, "statement latencies: expected \(names) after the latency, found no whole number \(i + 1)")
      }
    }
    let text = rest.trimmingCharacters(in: .whitespaces)
    guard !text.isEmpty else { throw lines.error(n, "statement latencies: a latency without its statement") }
    return (ms / 1_000, text)
  }

  /// `p50 = 0.310 ms, p95 = 0.720 ms, p99 = 1.400 ms (from --log, N transactions)`: the
  /// percentiles, and N when the line says it. A percentile below a lower one is refused at it.
  private mutating func readPercentiles(
    _ text: Substring, _ n: Int, _ lines: NumberedLines, _ column: (Substring) -> Int
  ) throws(MeasurementError) -> Int? {
    let parts = text.split(separator: "(", maxSplits: 1)
    let body = parts.first ?? ""
    // The percentiles as read, with their text and column.
    var read: [(name: String, ms: Double, text: Substring, column: Int)] = []
    for item in body.split(separator: ",") {
      let pair = item.split(separator: "=")
      let words = pair.count == 2 ? pair[1].split(separator: " ") : []
      guard pair.count == 2, words.count == 2, words[1] == "ms", let ms = number(words[0]) else {
        throw lines.error(n, "latency percentiles: expected 'p95 = <number> ms', found '\(item.trimmingCharacters(in: .whitespaces))'")
      }
      let name = pair[0].trimmingCharacters(in: .whitespaces)
      switch name {
      case "p50": latencyP50 = ms / 1_000
      case "p95": latencyP95 = ms / 1_000
      case "p99": latencyP99 = ms / 1_000
      case let other: throw lines.error(n, "latency percentiles: unknown percentile '\(other)' (p50, p95, p99)")
      }
      guard ms >= 0 else { throw lines.error(n, column: column(words[0]), "latency percentiles: \(name) = \(words[0]) ms is negative") }
      read.append((name, ms, words[0], column(words[0])))
    }
    let ranked = read.sorted { $0.name < $1.name }  // p50, p95, p99 sort as text too
    for (lower, higher) in zip(ranked, ranked.dropFirst()) where higher.ms < lower.ms {
      throw lines.error(
        n, column: higher.column,
        "latency percentiles: \(higher.name) = \(higher.text) ms is below \(lower.name) = \(lower.text) ms (p50 <= p95 <= p99): not one run's latencies")
    }
    guard parts.count == 2, let count = parts[1].firstMatch(of: /^from --log, (\d+) transactions\)/) else { return nil }
    return Int(count.1)
  }

  /// `server = 51.20, client = 30.10, machine = 2 cores`: the column of the server's seconds.
  /// The server's are above 0 (it ran every transaction), the client's at least 0, and the cores at least 1.
  private mutating func readCPU(
    _ text: Substring, _ n: Int, _ lines: NumberedLines, _ column: (Substring) -> Int
  ) throws(MeasurementError) -> Int {
    var serverColumn = column(text)
    for item in text.split(separator: ",") {
      let pair = item.split(separator: "=")
      guard pair.count == 2 else { throw lines.error(n, "cpu seconds: expected 'name = value', found '\(item)'") }
      let key = pair[0].trimmingCharacters(in: .whitespaces)
      let value = pair[1].trimmingCharacters(in: .whitespaces)
      switch key {
      case "server": serverCPUSeconds = number(value)
      case "client": clientCPUSeconds = number(value)
      case "machine": cores = Int(value.split(separator: " ").first ?? "")
      default: throw lines.error(n, "cpu seconds: unknown '\(key)' (server, client, machine)")
      }
      guard let v = key == "machine" ? cores.map(Double.init) : number(value) else {
        throw lines.error(n, "cpu seconds: \(key): expected a number, found '\(value)'")
      }
      let at = column(pair[1].drop { $0 == " " })
      if key == "server" { serverColumn = at }
      let (ok, expected) = key == "server" ? (v > 0, "above 0") : key == "machine" ? (v >= 1, "at least 1") : (v >= 0, "at least 0")
      guard ok else { throw lines.error(n, column: at, "cpu seconds: \(key) = \(value): expected \(expected)") }
    }
    return serverColumn
  }
}
