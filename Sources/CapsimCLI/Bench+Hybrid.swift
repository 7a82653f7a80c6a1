import ArgumentParser
import Foundation
import Hybrid
import PlatformModel
import TextReports

#if canImport(Glibc)
  import Glibc
#endif

/// `capsim bench`'s other rows: the C reference loop, hybrid runs, and `--scaling`.
extension Bench {
  /// The C loop at `reference`, compiled with cc and run `--repeat` times, next to the engine. It is given
  /// `--customers` and 1 station (`../shared/perf/des.c`'s arguments; the shipped loop reads
  /// the first) and may print the shipped loop's line or des.c's JSON.
  func measureReference() -> BenchResult? {
    if reference == "none" { return nil }
    guard FileManager.default.fileExists(atPath: reference) else {
      if !quiet {
        printToStandardError("capsim bench: \(reference) not found (run from the repository root); C reference skipped")
      }
      return nil
    }
    let name = URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent
    let binary = ".build/bench-reference-\(name)"
    try? FileManager.default.createDirectory(atPath: ".build", withIntermediateDirectories: true)
    guard Self.shell(["cc", "-O2", "-o", binary, reference, "-lm"]) != nil else {
      if !quiet {
        printToStandardError("capsim bench: could not compile \(reference) with cc; C reference skipped")
      }
      return nil
    }
    // The best of `--repeat` runs, as the engine's rows: one run against the engine's best
    // favoured the engine.
    var best: (customers: Int, seconds: Double)? = nil
    for _ in 0..<repetitions {
      guard let out = Self.shell([binary, String(customers), "1"]) else {
        if !quiet {
          printToStandardError(
            "capsim bench: \(binary), compiled from \(reference), failed to run; C reference skipped")
        }
        return nil
      }
      guard let run = ReferenceLoop.run(out) else {
        if !quiet {
          printToStandardError(
            "capsim bench: \(reference) printed neither a customers/s line nor completed and sim_s; C reference skipped"
          )
        }
        return nil
      }
      if best == nil || run.seconds < best!.seconds { best = run }
    }
    guard let (n, seconds) = best else { return nil }
    let rate = Double(n) / seconds
    return BenchResult(
      workload: "C reference M/M/4 rho=0.9 (\(name).c, mean wait only)", customers: n, events: UInt64(2 * n),
      seconds: seconds, customersPerSecond: rate, eventsPerSecond: 2 * rate, eventsPerCustomer: 2)
  }

  /// A hybrid run of a scenario, all its replications on every core: the requests it stands
  /// for (arrivals, simulated or computed) per second of wall time.
  func measureHybrid(_ path: String) throws -> BenchResult {
    var (scenario, _) = try loadPlatformScenario(path)
    scenario.mode = .hybrid
    // The fastest of `--repeat` runs (the same seed: the same results).
    var result = PlatformRun(scenario: scenario, driver: HybridDriver())
      .run(threads: ProcessInfo.processInfo.activeProcessorCount)
    for _ in 1..<repetitions {
      let again = PlatformRun(scenario: scenario, driver: HybridDriver())
        .run(threads: ProcessInfo.processInfo.activeProcessorCount)
      if again.wallSeconds < result.wallSeconds { result = again }
    }
    let represented = Self.arrivals(result)
    let events = result.replications.reduce(0) { $0 + $1.events }
    return BenchResult(
      workload: "hybrid \(scenario.name) (\(scenario.replications) replications, all cores; requests represented)",
      customers: represented, events: events, seconds: result.wallSeconds,
      customersPerSecond: Double(represented) / result.wallSeconds,
      eventsPerSecond: Double(events) / result.wallSeconds,
      eventsPerCustomer: Double(events) / Double(max(1, represented)))
  }

  /// Every request that arrived, simulated or computed, over the replications.
  static func arrivals(_ result: PlatformResult) -> Int {
    result.replications.reduce(0) { sum, r in
      sum + r.territories.reduce(0) { $0 + $1.periods.reduce(0) { $0 + $1.counts.arrivals } }
    }
  }

  // MARK: Scaling

  /// Runs every case in a child process of its own (so that its peak memory is its own):
  /// the normal week shortened to 1 day, 1 week and 4 weeks, and 1 day at growth 1, 2 and 4
  /// with instances scaled alike; each at request level (one replication, one thread) and hybrid.
  func runScaling() throws {
    let base = "scenarios/platform-normal-week.yaml"
    guard FileManager.default.fileExists(atPath: base) else {
      throw ValidationError("\(base) not found: run from the repository root")
    }
    let cases: [(String, [String])] = [
      ("1 day", ["calendar.end=2026-03-03"]),
      ("1 week", []),
      ("4 weeks", ["calendar.end=2026-03-30"]),
      (
        "1 day, growth 2",
        [
          "calendar.end=2026-03-03", "demand.DE.growth=2", "demand.CH.growth=2",
          "territories.DE.app.instances=6", "territories.CH.app.instances=4",
        ]
      ),
      (
        "1 day, growth 4",
        [
          "calendar.end=2026-03-03", "demand.DE.growth=4", "demand.CH.growth=4",
          "territories.DE.app.instances=12", "territories.CH.app.instances=8", "databases.de-primary.cores=16",
          "databases.de-replica-1.cores=16", "databases.de-replica-2.cores=16",
        ]
      ),
    ]
    let me =
      FileManager.default.fileExists(atPath: "/proc/self/exe")
      ? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
      : CommandLine.arguments[0]
    var rows: [ScalingReport.Case] = []
    for (label, settings) in cases {
      for mode in ["request", "hybrid"] {
        let spec = ([label, mode, base] + settings).joined(separator: "|")
        guard let out = Self.shell([me, "bench", "--scaling-case", spec]),
          let row = try? JSONDecoder().decode(ScalingReport.Case.self, from: Data(out.utf8))
        else { throw ValidationError("the scaling case '\(label)' (\(mode)) failed") }
        rows.append(row)
        if format == .table && !quiet { printToStandardError("  measured \(label) (\(mode))") }
      }
    }
    let report = ScalingReport(cases: rows)
    print(format == .json ? try report.json() : report.table())
  }

  /// A child of `--scaling`: `label|mode|scenario|KEY=VALUE|...`; prints a `ScalingReport.Case`.
  func runScalingCase(_ spec: String) throws {
    let parts = spec.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 3, let mode = RunMode(rawValue: parts[1]) else {
      throw ValidationError("--scaling-case takes label|mode|scenario|settings...")
    }
    var (scenario, _) = try loadPlatformScenario(parts[2], settings: Array(parts.dropFirst(3)))
    scenario.replications = 1
    scenario.mode = mode
    let result = PlatformRun(scenario: scenario, driver: mode == .hybrid ? HybridDriver() : nil).run(threads: 1)
    var usage = rusage()
    #if canImport(Glibc)
      getrusage(RUSAGE_SELF.rawValue, &usage)  // ru_maxrss in KiB
    #else
      getrusage(RUSAGE_SELF, &usage)
      usage.ru_maxrss /= 1024  // bytes on Darwin
    #endif
    let row = ScalingReport.Case(
      label: parts[0], mode: parts[1], seconds: result.wallSeconds, requests: Self.arrivals(result),
      maxResidentKiB: Int(usage.ru_maxrss))
    print(String(decoding: try JSONEncoder().encode(row), as: UTF8.self))
  }

  /// Runs a command (found on PATH) and returns its standard output, or nil when it cannot be
  /// started or exits with a failure.
  static func shell(_ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    BenchChildren.watch()
    do { try process.run() } catch { return nil }
    BenchChildren.add(process.processIdentifier)
    defer { BenchChildren.remove(process.processIdentifier) }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}

/// What a C reference loop printed.
package enum ReferenceLoop {
  /// Customers and seconds from a C loop's output: the shipped loop's
  /// `C reference M/M/4 rho=0.9: 15234567 customers/s (...)` (20 M customers), or des.c's JSON
  /// line with `completed` and `sim_s`.
  package static func run(_ output: String) -> (customers: Int, seconds: Double)? {
    struct DesC: Decodable {
      var completed: Int
      var sim_s: Double
    }
    if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
      let run = try? JSONDecoder().decode(DesC.self, from: Data(line.utf8)), run.completed > 0, run.sim_s > 0
    {
      return (run.completed, run.sim_s)
    }
    // "C reference M/M/4 rho=0.9: 15234567 customers/s (Wq = ...)"
    guard let line = output.split(separator: "\n").first(where: { $0.contains(" customers/s") }),
      let rate = line.split(separator: ":").dropFirst().first?.split(separator: " ").first.flatMap({ Double($0) }),
      rate > 0
    else { return nil }
    // "... customers/s over 100000 customers (...)": the count it ran; older loops ran 20 M.
    let words = line.split(separator: " ")
    let n = words.firstIndex(of: "over").flatMap { i in i + 1 < words.count ? Int(words[i + 1]) : nil } ?? 20_000_000
    return (n, Double(n) / rate)
  }
}

/// The processes `capsim bench` runs (the C loops, a scaling case each): a Ctrl-C or a CI's
/// SIGTERM stops them too, or they would run on without a parent, holding a core.
enum BenchChildren {
  nonisolated(unsafe) private static var running: Set<Int32> = []
  nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
  private static let lock = NSLock()

  static func add(_ pid: Int32) { lock.withLock { _ = running.insert(pid) } }
  static func remove(_ pid: Int32) { lock.withLock { _ = running.remove(pid) } }

  /// Handles SIGINT and SIGTERM (once): passes the signal on to the children and exits with
  /// 128 + the signal, as a shell reports it.
  static func watch() {
    lock.withLock {
      guard sources.isEmpty else { return }
      for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
          let children = lock.withLock { running }
          for pid in children { kill(pid, sig) }
          FileHandle.standardError.write(Data("\ncapsim bench: stopped by signal \(sig)\n".utf8))
          exit(128 + sig)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}
