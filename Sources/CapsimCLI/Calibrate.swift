import ArgumentParser
import Calibration
import Foundation
import Reports
import ScenarioFile
import TextReports

/// `capsim calibrate`: measurements in, model values and the fit out.
struct Calibrate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit a model to pgbench or k6 measurements and show how well it predicts the levels it did not see.",
    discussion: """
      Reads pgbench summaries (files, or folders of *.txt, one folder per workload, as \
      scripts/measure-postgres.sh writes them, or the measurement's folder above them, its \
      MEASURED.txt notes passed over; a run's --log files beside its summary NAME.txt as \
      NAME.log and NAME.log.N give its latency percentiles when the summary has none), averages \
      repeated runs per client count, fits a \
      closed-loop model on the lowest levels and predicts every level by load-dependent exact MVA. \
      Where the summaries list their statements (pgbench -r) and the CPU seconds of server and \
      client (or the machine's busy cores beside them in a Prometheus export NAME.cpu.json), the \
      model is by the round trip: each SQL statement a CPU burst on the cores the \
      client shares with the server, the CPU per round trip falling as the cores fill (fitted on \
      the idle share of the cores), core time no process is charged for (the machine's, fitted on \
      its read-only workload and reused for the others), a wake-up delay, the row locks of \
      pgbench's tables (from the UPDATEs and the scale), and the part of the cycle pgbench leaves \
      out of its latency. Otherwise (k6 summaries, no -r, no CPU seconds, or --lock), it is the \
      load-factor model: CPU demand by the utilization law, a load factor, the non-CPU wait and \
      the think time. Prints per workload the fit table (measured against model: throughput, mean \
      latency, p95), the YAML to paste into a topology, and for open-loop runs (pgbench --rate) \
      the measured and predicted knee. The table's ± columns say how far a level's runs lie from \
      their mean; a model that misses the levels it was fitted on by more than that (and 5%) is \
      a warning. pgbench of PostgreSQL 12 to 17 is read; a file that is not a pgbench summary, or \
      a run the model cannot take (aborted, with failed transactions, under -C), is an error at \
      its line. --ablation shows what each feature buys on the held-out levels. Snapshots of \
      pg_stat_statements and pg_stat_wal beside a run's summary NAME.txt (NAME.statements-before.csv \
      and NAME.statements-after.csv, NAME.wal-before.csv and NAME.wal-after.csv, CSV with a header \
      as psql's \\copy ... CSV HEADER writes them) add, per workload, the statements of its run \
      with the fewest clients (calls per transaction, mean time per call, share of the database \
      time) with the queries: to paste into a platform topology, and per run the WAL syncs per \
      writing commit (below 1: group commit). Prometheus range exports beside a k6 summary \
      NAME.json of the app's request rate (NAME.rate.json), its latency histogram's buckets by le \
      (NAME.latency.json) and its latency sum (NAME.latency-sum.json) give per level the server's \
      side: the CPU demand per request the server served, the server's mean, p50, p95 and p99 \
      (as histogram_quantile computes them) and the part of k6's mean outside the server; a \
      server rate more than 5% from k6's is a warning.
      """)

  @Argument(
    help:
      "pgbench summaries (*.txt, with their --log files as NAME.log and NAME.log.N and pg_stat_statements/pg_stat_wal snapshots NAME.statements-before.csv, NAME.wal-after.csv, ... beside them) or k6 summaries (*.json, with the busy cores from a Prometheus export NAME.cpu.json, the per-request output of k6 --out json as NAME.requests.json, and the server's request rate NAME.rate.json, latency histogram NAME.latency.json and latency sum NAME.latency-sum.json from Prometheus beside them), or folders of them; a folder's name is its workload."
  )
  var inputs: [String]

  @Option(
    help:
      "Client counts to fit on, 3 or more, e.g. 1,2,4 (default: the three lowest of each workload); the load-factor model (k6, --lock, no CPU seconds) needs 1 among them."
  )
  var fit: String?

  @Option(
    parsing: .unconditional,
    help:
      "The machine's cores, when no input says them (default: this machine's, with a note); a summary's own count wins, with a note."
  )
  var cores: Int?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Write each workload's calibrated topology into this folder as WORKLOAD.yaml.")
  var write: String?

  @Option(
    help:
      "Write the fit's report into this folder: a page with the measured and predicted curves (index.html) and Markdown (report.md)."
  )
  var report: String?

  @Option(
    help: ArgumentHelp(
      "A lock every transaction of a workload holds, for the load-factor model: WORKLOAD:MS[:CAPACITY], e.g. tpcb:0.41:10 (TPC-B's branch rows, 10 at scale 10, each held 0.41 ms from its UPDATE to END at one client, from pgbench -r).",
      valueName: "lock"))
  var lock: [String] = []

  @Flag(
    help:
      "Also print, per workload, the held-out errors with and without each feature (load factor, lock; round trips, latency boundary, row locks)."
  )
  var ablation = false

  func validate() throws {
    if let cores, cores < 1 { throw ValidationError("--cores must be at least 1") }
    for text in lock where Self.lock(text) == nil {
      throw ValidationError("--lock takes WORKLOAD:MS[:CAPACITY], such as tpcb:0.41 or tpcb:0.41:10; got '\(text)'")
    }
    if let fit, fitLevels(fit) == nil {
      throw ValidationError("--fit takes client counts such as 1,2,4; got '\(fit)'")
    }
  }

  /// Milliseconds to 3 significant digits: 0.771, 1.07, 12.5.
  static func milliseconds(_ seconds: Double) -> String { String(format: "%.3g", seconds * 1_000) }

  /// `tpcb:1.07:1` as workload and lock.
  static func lock(_ text: String) -> (workload: String, lock: HeldLock)? {
    let parts = text.split(separator: ":").map(String.init)
    guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, let ms = Double(parts[1]), ms > 0, ms.isFinite
    else { return nil }
    let capacity = parts.count == 3 ? Int(parts[2]) : 1
    guard let capacity, capacity >= 1 else { return nil }
    return (parts[0], HeldLock(capacity: capacity, held: ms / 1_000))
  }

  private func fitLevels(_ text: String) -> Set<Int>? {
    let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
    return Set(values.map { $0! })
  }

  /// How every topology `--write` writes begins (`FitTable.yaml`): a file that does not is
  /// someone's own, and never overwritten.
  static let writtenMark = "# Calibrated by capsim calibrate"

  func run() throws {
    var byWorkload: [String: [PgbenchReport]] = [:]
    var k6: [String: [MeasuredLevel]] = [:]
    var k6Files: [String: [String]] = [:]
    let machineCores = cores ?? ProcessInfo.processInfo.activeProcessorCount
    var errors: [MeasurementError] = []
    // A run's --log files, by the summary they belong to (NAME.log and NAME.log.N beside NAME.txt).
    var logs: [String: [(file: String, log: PgbenchLog)]] = [:]
    // pg_stat_statements and pg_stat_wal snapshots (NAME.statements-before.csv, ...), paired below.
    var csv: [(file: String, workload: String)] = []
    // Each file once, and no summary twice under two names: a copy would count as a repeat.
    var named: [String: String] = [:]
    var summaries: [Data: String] = [:]
    // NAME.cpu.json, NAME.requests.json and the server's exports (NAME.rate.json, ...) are read
    // with the k6 summary NAME.json.
    let measured = try files()
    for warning in Self.exportsWithoutSummary(measured.map { $0.0 }) {
      printToStandardError("capsim: warning: \(warning)")
    }
    for (file, workload) in measured where !K6Summary.besideSuffixes.contains(where: { file.hasSuffix($0) }) {
      let real = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
      if let first = named[real] {
        errors.append(
          MeasurementError(file: file, "named twice: it is \(first) again, which would count as a repeat of itself"))
        continue
      }
      named[real] = file
      if file.hasSuffix(".csv") {
        csv.append((file, workload))
        continue
      }
      let data: Data
      do {
        guard let read = try Self.companion(file) else {
          errors.append(MeasurementError(file: file, missingFileReason(file)))
          continue
        }
        data = read
      } catch {
        errors.append(error)
        continue
      }
      if Self.logRun(file) == nil {
        if let first = summaries[data] {
          errors.append(
            MeasurementError(file: file, "the same bytes as \(first): a copy of a run is not a repeat of it"))
          continue
        }
        summaries[data] = file
      }
      do {
        if let run = Self.logRun(file) {
          logs[run, default: []].append((file, try PgbenchLog(file: file, text: try utf8Text(file: file, data))))
        } else if file.hasSuffix(".json") {
          // A k6 summary, with the exports and per-request output beside it.
          let (level, warnings) = try K6Summary.level(file: file, data: data, cores: machineCores) {
            path throws(MeasurementError) in try Self.companion(path)
          }
          for warning in warnings { printToStandardError("capsim: warning: \(warning)") }
          k6[workload, default: []].append(level)
          k6Files[workload, default: []].append(file)
        } else {
          var report = try PgbenchReport(file: file, text: try utf8Text(file: file, data))
          // The machine's busy cores from Prometheus beside it, when it has no CPU seconds.
          let cpuFile = (file as NSString).deletingPathExtension + ".cpu.json"
          if let cpu = try Self.companion(cpuFile) {
            try report.take(cpu: try PrometheusRange(file: cpuFile, data: cpu), file: cpuFile)
          }
          byWorkload[workload, default: []].append(report)
        }
      } catch {
        errors.append(error)
      }
    }
    // CPU exports for every level of a workload or for none: the fit by utilization needs them
    // all, and without one it would fit from latency alone, dropping the others.
    for (workload, levels) in k6 where levels.contains(where: { $0.serverDemand != nil }) {
      for (level, file) in zip(levels, k6Files[workload]!) where level.serverDemand == nil {
        errors.append(
          MeasurementError(
            file: file,
            "no \(file.dropLast(".json".count)).cpu.json beside it, where other levels of workload '\(workload)' have theirs: give every level its CPU export, or none"
          ))
      }
    }
    var unclaimed = Set(logs.keys)
    for (workload, reports) in byWorkload {
      for i in reports.indices {
        let run = String(reports[i].file.dropLast(".txt".count))
        guard let mine = logs[run] else { continue }
        unclaimed.remove(run)
        do { try byWorkload[workload]![i].take(mine.map(\.log), files: mine.map(\.file)) } catch {
          errors.append(error)
        }
      }
    }
    // Within a workload the summaries must carry the same things (a file cut short does not).
    for workload in byWorkload.keys.sorted() {
      errors += PgbenchReport.disagreements(byWorkload[workload]!)
    }
    for run in unclaimed.sorted() {
      errors.append(
        MeasurementError(file: logs[run]![0].file, "a pgbench --log file without its summary \(run).txt beside it"))
    }
    let pgstat = Self.snapshots(csv, summaries: byWorkload.values.flatMap { $0 })
    errors += pgstat.errors
    guard errors.isEmpty else {
      for e in errors { printToStandardError(e.description) }
      throw ExitCode.failure
    }
    guard !byWorkload.isEmpty || !k6.isEmpty || !csv.isEmpty else {
      throw fail(
        "no measurements in \(inputs.joined(separator: " ")): pgbench summaries (*.txt), k6 summaries (*.json) "
          + "or pg_stat snapshots (*.csv), in one folder per workload", status: ExitStatus.failure)
    }
    let workloads = Set(byWorkload.keys).union(k6.keys).union(csv.map(\.workload)).sorted()
    for text in lock {
      guard let (name, _) = Self.lock(text), !workloads.contains(name) else { continue }
      throw fail(
        "--lock \(text): no workload '\(name)' among the measurements (the workloads are \(workloads.joined(separator: ", ")))",
        status: ExitStatus.usage)
    }
    var tables: [FitTable] = []
    // Workloads that could not be fitted but have pg_stat snapshots: shown without a fit.
    var unfitted: [(workload: String, reason: String)] = []
    var ablations: [String: [(features: String, table: FitTable?)]] = [:]
    let locks = Dictionary(lock.compactMap(Self.lock), uniquingKeysWith: { _, last in last })
    // The machine's uncharged core time per round trip comes from its read-only workload (the
    // one with the fewest round trips, if several), fitted first; the others reuse it.
    var shapes: [String: TransactionShape] = [:]
    for (workload, reports) in byWorkload where !reports.contains(where: { $0.targetRate != nil }) {
      guard locks[workload] == nil, let first = reports.first, let shape = TransactionShape(first),
        reports.allSatisfy({ TransactionShape($0) == shape })
      else { continue }
      shapes[workload] = shape
    }
    let machineWorkload = shapes.filter { $0.value.readOnly }.min {
      ($0.value.roundTrips, $0.key) < ($1.value.roundTrips, $1.key)
    }?.key
    var machineUncharged: Double? = nil
    let order = Set(byWorkload.keys).union(k6.keys).sorted { a, b in
      (a == machineWorkload ? 0 : 1, a) < (b == machineWorkload ? 0 : 1, b)
    }
    for workload in order {
      let closed = (byWorkload[workload] ?? []).filter { $0.targetRate == nil }
      let runs = closed.map(\.level) + (k6[workload] ?? [])
      guard !runs.isEmpty else { continue }
      var levels = MeasuredLevel.average(runs)
      // A lock is held for part of a transaction: never longer than the lightest load's whole.
      if let held = locks[workload]?.held, let lightest = levels.min(by: { $0.clients < $1.clients }),
        held >= lightest.meanLatency
      {
        let given = lock.last { Self.lock($0)?.workload == workload } ?? workload
        throw fail(
          "--lock \(given): the lock would be held \(Self.milliseconds(held)) ms, but a whole \(workload) transaction takes \(Self.milliseconds(lightest.meanLatency)) ms on average at \(lightest.clients) client\(lightest.clients == 1 ? "" : "s"); a lock is held for part of one: give less",
          status: ExitStatus.usage)
      }
      if let cores, let said = levels.compactMap(\.cores).max(), said != cores {
        // The summaries' own count wins (it is the measured machine's): say so rather than ignore the option.
        printToStandardError(
          "capsim: note: \(workload): the summaries say the machine had \(said) cores; --cores \(cores) is not used")
      }
      if cores == nil, levels.allSatisfy({ $0.cores == nil }) {
        // Measured elsewhere, this machine's count would be silently wrong.
        printToStandardError(
          "capsim: note: \(workload): no input says how many cores the measured machine had; this machine's "
            + "\(machineCores) are assumed (--cores to set them)")
      }
      if let asked = fit.flatMap(fitLevels), !asked.isSubset(of: levels.map(\.clients)) {
        let missing = asked.subtracting(levels.map(\.clients)).sorted().map(String.init).joined(separator: ", ")
        throw fail(
          "\(workload): --fit names clients \(missing), which were not measured (the levels are "
            + "\(levels.map { String($0.clients) }.joined(separator: ", ")))", status: ExitStatus.failure)
      }
      let fitted = fit.flatMap(fitLevels) ?? Set(levels.prefix(3).map(\.clients))
      // The app's exports: busy cores the fitted levels show at no load are not the requests'.
      if k6[workload] != nil, let background = BackgroundCPU(levels.filter { fitted.contains($0.clients) }),
        let lightest = levels.first(where: { fitted.contains($0.clients) }), let was = lightest.serverDemand
      {
        levels = levels.map(background.removed)
        printToStandardError(
          background.note(
            workload: workload, clients: lightest.clients, was: was,
            now: background.removed(from: lightest).serverDemand ?? 0))
      }
      let used = levels.filter { fitted.contains($0.clients) }
      // The round-trip model wherever the summaries say what a transaction does and what CPU it
      // took; else (k6, no -r, no CPU seconds, or --lock given) the load-factor model.
      let shape = k6[workload] == nil && used.allSatisfy({ $0.serverDemand != nil }) ? shapes[workload] : nil
      if shape == nil, k6[workload] == nil, shapes[workload] != nil {
        // The statements are there but not the CPU: the round-trip model is a line away.
        printToStandardError(
          "capsim: note: \(workload): the summaries list their statements but not the CPU seconds of server and "
            + "client, so the load-factor model is fitted; a line 'cpu seconds: server = S, client = C, machine = N "
            + "cores' in each summary (scripts/measure-postgres.sh writes it), or the machine's busy cores beside "
            + "it as a Prometheus export NAME.cpu.json, gives the round-trip model")
      }
      do {
        if let shape {
          let table = try FitTable(
            workload: workload, levels: levels, fitted: fitted, cores: machineCores, shape: shape,
            uncharged: machineUncharged)
          if workload == machineWorkload { machineUncharged = table.roundTrip?.uncharged }
          tables.append(table)
        } else {
          var table = try FitTable(
            workload: workload, levels: levels, fitted: fitted, cores: machineCores, lock: locks[workload])
          // k6 drives the app from elsewhere: its cores are the app's alone.
          table.sharedWithLoadGenerator = k6[workload] == nil
          tables.append(table)
          if let undetermined = table.fit?.undetermined, !undetermined.isEmpty {
            printToStandardError(
              "capsim: note: \(workload): the throughput at \(undetermined.map(String.init).joined(separator: ", ")) "
                + "clients hardly depends on the load factor (the cores are mostly idle there): any factor from half "
                + "to twice the one kept meets it within 1%, so the previous level's is kept; levels with busier "
                + "cores show the load dependence")
          }
        }
        if ablation {
          ablations[workload] = try FitTable.ablation(
            workload: workload, levels: levels, fitted: fitted, cores: machineCores, lock: locks[workload],
            shape: shape,
            uncharged: workload == machineWorkload ? nil : machineUncharged)
        }
      } catch let error as CalibrationError where pgstat.byWorkload[workload] != nil {
        // Too few levels to fit, but snapshots to show: a warning, and the snapshots alone.
        printToStandardError("capsim: warning: \(workload): not fitted: \(error)")
        unfitted.append((workload, "\(error)"))
      } catch CalibrationError.lockBelowLevel(let clients, let throughput, let held, let given) {
        // The summaries' scale is pgbench's branch rows: one lock each.
        let error = CalibrationError.lockBelowLevel(clients: clients, throughput: throughput, lock: held, given: given)
        let scale = (byWorkload[workload] ?? []).compactMap(\.scale).max()
        let hint =
          scale.map {
            $0 > held.capacity
              ? "; the summaries' scaling factor is \($0): --lock \(workload):\(Self.milliseconds(given)):\($0)" : ""
          } ?? ""
        printToStandardError("capsim: error: \(workload): \(error)\(hint)")
        throw ExitCode.failure
      } catch CalibrationError.needsOneClient(let used) where !used.contains(1) {
        // The fitted levels are a choice among the measured ones: name them all.
        printToStandardError(
          "capsim: error: \(workload): the fit starts from a one-client run (no contention); it was fitted on clients "
            + "\(used.map(String.init).joined(separator: ", ")), and the levels measured are clients "
            + "\(levels.map { String($0.clients) }.joined(separator: ", "))")
        throw ExitCode.failure
      } catch {
        printToStandardError("capsim: error: \(workload): \(error)")
        throw ExitCode.failure
      }
    }
    tables.sort { $0.workload < $1.workload }
    var knees: [OpenLoopKnee] = []
    for workload in byWorkload.keys.sorted() {
      let open = byWorkload[workload]!.filter { $0.targetRate != nil }
      guard !open.isEmpty else { continue }
      // "crm-rate" is predicted by the fit of "crm".
      let base = workload.hasSuffix("-rate") ? String(workload.dropLast(5)) : workload
      if base != workload,
        let apart = Self.measuredApart(open, (byWorkload[base] ?? []).filter { $0.targetRate == nil })
      {
        printToStandardError(
          "capsim: warning: \(workload): \(apart); its knee is predicted by \(base)'s fit all the same")
      }
      knees.append(OpenLoopKnee(workload: workload, runs: open, fit: tables.first { $0.workload == base }))
    }
    let source = inputs.joined(separator: " ")
    let data = CalibrationData(tables, knees, ablations, pgstat.byWorkload, unfitted: unfitted, source: source)
    // The topologies, the page and the output are one step that a signal waits for: cut short,
    // a set of topologies would be half written.
    try InterruptWatch.storing(final: true) {
      if let write { try Self.writeTopologies(tables, into: write, source: source) }
      if let report { try Report.writeCalibration(data, to: report) }
      switch format {
      case .json:
        let warnings = Dictionary(
          data.workloads.compactMap { w in w.fitWarning.map { (w.name, $0) } }, uniquingKeysWith: { first, _ in first })
        print(
          try CalibrationJSON(tables, knees, pgstat.byWorkload, unfitted: unfitted, warnings: warnings, source: source)
            .json())
      case .table: print(Report.calibrationText(data), terminator: "")
      }
    }
  }

  /// Writes a topology per fitted workload into `write`, refusing first if a file there was not
  /// written by calibrate (a hand-written or platform topology named like a workload).
  static func writeTopologies(_ tables: [FitTable], into write: String, source: String) throws {
    // A file there that calibrate did not write (a hand-written or platform topology named
    // like a workload) is kept: refused before anything is written.
    for table in tables {
      let path = (write as NSString).appendingPathComponent("\(table.workload).yaml")
      if let old = FileManager.default.contents(atPath: path),
        !String(decoding: old.prefix(64), as: UTF8.self).hasPrefix(Self.writtenMark)
      {
        throw fail(
          "--write \(write): \(path) exists and capsim calibrate did not write it (it does not begin with '\(Self.writtenMark)'); it is left as it was and nothing is written: write into another folder, or move it",
          status: ExitStatus.failure)
      }
    }
    try FileManager.default.createDirectory(atPath: write, withIntermediateDirectories: true)
    for table in tables {
      let path = (write as NSString).appendingPathComponent("\(table.workload).yaml")
      try table.yaml(source: source).write(toFile: path, atomically: true, encoding: .utf8)
      // A topology cannot say everything the round-trip model does: say where that shows.
      let gaps = table.writtenGaps()
      if !gaps.isEmpty {
        let at = gaps.map {
          "\($0.clients) client\($0.clients == 1 ? "" : "s") \(Format.count($0.written))/s (model \(Format.count($0.model))/s, \(String(format: "%+.1f%%", ($0.written / $0.model - 1) * 100)))"
        }
        let unsaid =
          table.roundTrip?.shape.locks.isEmpty == false
          ? "its delay cannot shrink as the cores fill, and its row locks are a comment"
          : "its delay cannot shrink as the cores fill"
        printToStandardError(
          "capsim: note: \(path) approximates the round-trip model (\(unsaid)): by exact MVA it gives \(at.joined(separator: ", ")); within 5% at the other client counts"
        )
      }
    }
  }

  /// How open-loop runs differ from the closed-loop runs whose fit predicts their knee, when they
  /// look measured apart: another duration, or another count of pgbench threads at the same
  /// clients (pgbench -j, which moves the latency boundary), or nil.
  static func measuredApart(_ open: [PgbenchReport], _ closed: [PgbenchReport]) -> String? {
    guard let run = open.min(by: { $0.file < $1.file }), !closed.isEmpty else { return nil }
    let peer = closed.filter { $0.clients == run.clients }.min { $0.file < $1.file }
    var differences: [String] = []
    if let d = run.duration, let other = (peer ?? closed.min { $0.file < $1.file }!).duration, d != other {
      differences.append("\(String(format: "%g", d)) s runs against \(String(format: "%g", other)) s")
    }
    if let peer, let t = run.threads, let other = peer.threads, t != other {
      differences.append(
        "\(t) pgbench thread\(t == 1 ? "" : "s") on \(run.clients) connections against \(other) at \(peer.clients) clients"
      )
    }
    guard !differences.isEmpty else { return nil }
    let example = peer ?? closed.min { $0.file < $1.file }!
    return
      "measured apart from the closed-loop runs? \(run.file) has \(differences.joined(separator: " and ")) in \(example.file)"
  }

  /// The run a pgbench --log file belongs to: `c8-r1.log` and `c8-r1.log.1` (pgbench's files of
  /// each thread, renamed after their summary `c8-r1.txt`) belong to `c8-r1`; nil for other files.
  static func logRun(_ path: String) -> String? {
    guard let range = path.range(of: ".log", options: .backwards) else { return nil }
    let rest = path[range.upperBound...]
    guard rest.isEmpty || (rest.first == "." && rest.dropFirst().allSatisfy(\.isNumber) && rest.count > 1) else {
      return nil
    }
    return String(path[..<range.lowerBound])
  }

  /// Input files with their workload: a file's folder name.
  private func files() throws -> [(String, String)] {
    var out: [(String, String)] = []
    var given: [String: String] = [:]
    for input in inputs {
      let real = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
      if let first = given[real] {
        throw ValidationError("\(input): named twice (also as \(first)): its runs would count twice")
      }
      given[real] = input
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
        throw ValidationError("\(input): \(missingFileReason(input, missing: "no such file or folder"))")
      }
      if isDirectory.boolValue {
        let all = try FileManager.default.subpathsOfDirectory(atPath: input).sorted()
        func read(_ name: String) -> Bool {
          name.hasSuffix(".txt") || name.hasSuffix(".json") || name.hasSuffix(".csv") || Self.logRun(name) != nil
        }
        // A workload's folder, or a measurement's folder of workload folders: files deeper, or
        // named *.TXT and the like, are not read, and the note says so rather than pass them by.
        let deeper = all.filter { read($0) && $0.split(separator: "/").count > 2 }
        let otherCase = all.filter { !read($0) && read($0.lowercased()) && Self.logRun($0.lowercased()) == nil }
        if !deeper.isEmpty || !otherCase.isEmpty {
          // Deeper files by their folder (a whole measurement's can be hundreds), with how many.
          let folders = Dictionary(grouping: deeper) { ($0 as NSString).deletingLastPathComponent }
          let named =
            folders.keys.sorted().map {
              folders[$0]!.count == 1 ? folders[$0]![0] : "\($0)/ (\(folders[$0]!.count) files)"
            }
            + otherCase
          let names = named.map { (input as NSString).appendingPathComponent($0) }
          printToStandardError(
            "capsim: note: not read: \(names.joined(separator: ", ")) (a folder's measurements are its *.txt, *.json "
              + "and *.csv files, or those of the workload folders in it; name a deeper folder itself)")
        }
        let names = all.filter { read($0) && $0.split(separator: "/").count <= 2 }
        for name in names where !name.hasSuffix("MEASURED.txt") {
          let path = (input as NSString).appendingPathComponent(name)
          out.append((path, Self.workload(of: path)))
        }
      } else if (input as NSString).lastPathComponent == "MEASURED.txt" {
        // What the measurement script notes beside the runs; a folder's is passed over.
        let folder = (input as NSString).deletingLastPathComponent
        throw ValidationError(
          "\(input): the measurement's notes, not a run: name its folder (capsim calibrate \(folder.isEmpty ? "." : folder)) or its workloads' folders"
        )
      } else {
        out.append((input, Self.workload(of: input)))
      }
    }
    return out
  }

  /// The workload a measurement file belongs to: its folder's name, with `.` and `..` resolved
  /// (`capsim calibrate .` in `tpcb/` reads workload `tpcb`, not `.`).
  static func workload(of file: String) -> String {
    URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent().lastPathComponent
  }
}

extension Calibrate {
  /// Files read beside a summary (`NAME.cpu.json`, `NAME.rate.json`, ...) among `files` whose
  /// summary (`NAME.txt` or `NAME.json`) is not there: nothing reads them, so they are said.
  static func exportsWithoutSummary(_ files: [String]) -> [String] {
    let given = Set(files)
    return files.compactMap { file in
      guard let suffix = K6Summary.besideSuffixes.first(where: { file.hasSuffix($0) }) else { return nil }
      let stem = String(file.dropLast(suffix.count))
      guard !given.contains(stem + ".txt") && !given.contains(stem + ".json") else { return nil }
      return
        "\(file): not read: no summary \(stem).txt or \(stem).json beside it, whose \(suffix.dropFirst()) it would be"
    }
  }
}
