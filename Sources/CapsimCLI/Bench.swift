import ArgumentParser
import Foundation
import PlatformModel
import QueueingModel
import ScenarioFile
import SimRandom
import TextReports

/// `capsim bench`: the engine's speed on fixed workloads, in customers and events per second.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure simulation speed (customers/s and events/s) on fixed workloads.",
    discussion: """
      Runs, on one thread, an M/M/4 queue at utilization 0.9 and a dispatcher over 64 M/M/1 \
      servers at utilization 0.9 under each dispatch policy, with full statistics (time averages, \
      latency histograms); the C event loop on the same M/M/4 queue (`reference`); the platform \
      scenario request by request (`platform`), under its autoscaler (`autoscaled`), and the \
      hybrid scenarios (`hybrid`). Each workload runs `--repeat` times; the best run is reported, \
      since anything slower measures the machine's other load, not the engine. `--scaling` runs \
      its own cases instead.

      Build in release for meaningful numbers: swift build -c release, then .build/release/capsim bench
      """)

  @Option(parsing: .unconditional, help: "Customers to simulate per workload.")
  var customers: Int = Self.defaultCustomers

  @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Runs per workload; the fastest counts.")
  var repetitions: Int = Self.defaultRepetitions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Only the workloads whose name contains this text (e.g. M/M/4, random, platform).")
  var only: String?

  @Option(
    help: ArgumentHelp(
      "The platform scenario to time, request by request, on one thread (one replication, its whole calendar).",
      valueName: "scenario"))
  var platform = Self.defaultPlatform

  @Option(
    help: ArgumentHelp(
      "Kubernetes autoscalers to time the platform scenario under as well (the HPA in the loop); none: skip.",
      valueName: "manifest"))
  var autoscaler = Self.defaultAutoscaler

  @Option(
    help: ArgumentHelp(
      "Platform scenarios to time in hybrid mode, with their replications on every core.", valueName: "scenario"))
  var hybrid: [String] = Self.defaultHybrid

  @Option(
    help: ArgumentHelp(
      "The C event loop to time next to the engine (compiled with cc; the shipped one, or ../shared/perf/des.c, given --customers); none: skip.",
      valueName: "file"))
  var reference = Self.defaultReference

  @Flag(help: "Wall time and memory against the horizon (1 day, 1 week, 4 weeks) and the load (growth 1, 2, 4).")
  var scaling = false

  @Option(help: .hidden)
  var scalingCase: String?

  @Flag(help: "Nothing on stderr but errors: no progress, no note of a skipped platform.")
  var quiet = false

  static let defaultCustomers = 20_000_000
  static let defaultRepetitions = 3
  static let defaultPlatform = "scenarios/platform-christmas-2026.yaml"
  static let defaultAutoscaler = "k8s/hpa.yaml"
  static let defaultHybrid = ["scenarios/platform-christmas-2026.yaml", "scenarios/platform-year-2026.yaml"]
  static let defaultReference = "scripts/mmc-reference.c"

  func validate() throws {
    guard customers >= 1000 else { throw ValidationError("--customers must be at least 1000") }
    guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
    if scaling {
      // Its cases are fixed: an option that chooses or shapes the workloads would be ignored.
      let given = [
        ("--only", only != nil), ("--platform", platform != Self.defaultPlatform),
        ("--autoscaler", autoscaler != Self.defaultAutoscaler), ("--hybrid", hybrid != Self.defaultHybrid),
        ("--reference", reference != Self.defaultReference), ("--customers", customers != Self.defaultCustomers),
        ("--repeat", repetitions != Self.defaultRepetitions),
      ].filter(\.1).map(\.0)
      if !given.isEmpty {
        throw ValidationError("--scaling runs its own cases, once each: drop \(given.joined(separator: ", "))")
      }
    }
    // The defaults are the repository's files, skipped with a note when run elsewhere; a file
    // given by name must be there.
    var named = [("--platform", platform, Self.defaultPlatform), ("--autoscaler", autoscaler, Self.defaultAutoscaler)]
    named.append(("--reference", reference, Self.defaultReference))
    named += hybrid.filter { !Self.defaultHybrid.contains($0) }.map { ("--hybrid", $0, "") }
    for (flag, path, standard) in named where path != standard && path != "none" {
      var folder: ObjCBool = false
      if !FileManager.default.fileExists(atPath: path, isDirectory: &folder) || folder.boolValue {
        throw ValidationError("\(flag) \(path): no such file")
      }
    }
  }

  func run() throws {
    if let scalingCase { return try runScalingCase(scalingCase) }
    if scaling { return try runScaling() }
    var rows: [BenchResult] = []
    let selected = BenchWorkload.all.filter { only == nil || $0.name.contains(only!) }
    // "--only hybrid..." picks hybrid rows alone: their paths name platform scenarios too.
    let hybridOnly = only?.hasPrefix("hybrid") == true
    let platformWanted = only == nil || (!hybridOnly && "platform \(platform)".contains(only!))
    // Asked for by name (`--only autoscaled`); `--only platform` keeps to the plain one.
    let autoscaledWanted = autoscaler != "none" && (only == nil || "autoscaled".contains(only!))
    let referenceWanted = only == nil || "C reference M/M/4".contains(only!)
    let hybridWanted = hybrid.filter { only == nil || (hybridOnly && "hybrid \($0)".contains(only!)) }
    guard !selected.isEmpty || platformWanted || autoscaledWanted || referenceWanted || !hybridWanted.isEmpty else {
      throw ValidationError(
        "no workload matches '\(only!)'; workloads: \((BenchWorkload.all.map(\.name) + ["C reference M/M/4", "platform", "autoscaled", "hybrid"]).joined(separator: ", "))")
    }
    for workload in selected {
      rows.append(workload.measure(customers: customers, repetitions: repetitions))
      if format == .table && !quiet { printToStandardError("  measured \(workload.name)") }
      if referenceWanted && workload.name.hasPrefix("M/M/4"), let c = measureReference() {
        rows.append(c)
        if format == .table && !quiet { printToStandardError("  measured \(c.workload)") }
      }
    }
    if referenceWanted && !selected.contains(where: { $0.name.hasPrefix("M/M/4") }), let c = measureReference() {
      rows.append(c)
    }
    if platformWanted {
      if FileManager.default.fileExists(atPath: platform) {
        rows.append(try measurePlatform())
        if format == .table && !quiet { printToStandardError("  measured platform \(platform)") }
      } else if !quiet {
        printToStandardError(
          "capsim bench: \(platform) not found (run from the repository root, or pass --platform), platform skipped")
      }
    }
    if autoscaledWanted {
      if FileManager.default.fileExists(atPath: platform) && FileManager.default.fileExists(atPath: autoscaler) {
        // Not asked for by name, another --platform need not fit the manifests: skipped then.
        let scenario =
          only == nil
          ? (try? ScenarioFile.loadPlatform(path: platform, autoscalers: [autoscaler]))?.0
          : try loadPlatformScenario(platform, autoscalers: [autoscaler]).0
        if let scenario {
          rows.append(measure(scenario, label: " autoscaled by \(autoscaler)"))
          if format == .table && !quiet { printToStandardError("  measured platform \(platform) under \(autoscaler)") }
        } else if !quiet {
          printToStandardError("capsim bench: \(autoscaler) does not fit \(platform), autoscaled platform skipped")
        }
      } else if !quiet {
        printToStandardError(
          "capsim bench: \(platform) or \(autoscaler) not found (pass --platform, --autoscaler), autoscaled platform skipped"
        )
      }
    }
    for path in hybridWanted {
      guard FileManager.default.fileExists(atPath: path) else {
        if !quiet { printToStandardError("capsim bench: \(path) not found, hybrid skipped") }
        continue
      }
      rows.append(try measureHybrid(path))
      if format == .table && !quiet { printToStandardError("  measured hybrid \(path)") }
    }
    let report = BenchReport(customersPerWorkload: customers, workloads: rows)
    print(format == .json ? try report.json() : report.table())
  }
}

extension Bench {
  /// One replication of a platform scenario on one thread: requests (customers) per second.
  func measurePlatform() throws -> BenchResult {
    measure(try loadPlatformScenario(platform).0, label: "")
  }

  func measure(_ loaded: PlatformScenario, label: String) -> BenchResult {
    var scenario = loaded
    scenario.replications = 1
    var best: (seconds: Double, events: UInt64, requests: Int)? = nil
    for _ in 0..<repetitions {
      let result = PlatformRun(scenario: scenario).run(threads: 1)
      let r = result.replications[0]
      if best == nil || result.wallSeconds < best!.seconds { best = (result.wallSeconds, r.events, r.requests) }
    }
    let b = best!
    return BenchResult(
      workload: "platform \(scenario.name)\(label) (requests)", customers: b.requests, events: b.events,
      seconds: b.seconds,
      customersPerSecond: Double(b.requests) / b.seconds, eventsPerSecond: Double(b.events) / b.seconds,
      eventsPerCustomer: Double(b.events) / Double(b.requests))
  }
}

/// A fixed network to time.
struct BenchWorkload {
  var name: String
  var network: Network
  var arrivalRate: Double

  static var all: [BenchWorkload] {
    let exp1 = try! Distribution.exponential(mean: 1)
    let mm4 = BenchWorkload(
      name: "M/M/4 rho=0.9",
      network: Network(
        stations: [Station(name: "server", servers: .finite(4), service: exp1)],
        sources: [Source(name: "arrivals", kind: .poisson(rate: 3.6), to: .station(0))]),
      arrivalRate: 3.6)
    let servers = (1...64).map { Station(name: "s\($0)", servers: .finite(1), service: exp1) }
    let dispatched = DispatchPolicy.allCases.filter { $0 != .weighted }.map { policy in
      BenchWorkload(
        name: "64 x M/M/1 \(policy.rawValue) rho=0.9",
        network: Network(
          stations: servers,
          dispatchers: [Dispatcher(name: "lb", policy: policy, targets: Array(0..<64))],
          sources: [Source(name: "arrivals", kind: .poisson(rate: 57.6), to: .dispatcher(0))]),
        arrivalRate: 57.6)
    }
    return [mm4] + dispatched
  }

  func measure(customers: Int, repetitions: Int) -> BenchResult {
    let horizon = Double(customers) / arrivalRate
    let window = RunWindow(warmup: horizon * 0.01, horizon: horizon)
    var best: (seconds: Double, events: UInt64, customers: Int)? = nil
    for r in 0..<repetitions {
      var sim = NetworkSimulator(network: network, window: window, seed: 1, replication: r)
      let start = DispatchTime.now()
      let result = sim.run()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
      // Every customer simulated, warm-up and drain included, as the C loop counts them (the
      // stations' counts hold only those of the measured window).
      let served = sim.tripsCompleted
      if best == nil || seconds < best!.seconds { best = (seconds, result.events, served) }
    }
    let b = best!
    return BenchResult(
      workload: name, customers: b.customers, events: b.events, seconds: b.seconds,
      customersPerSecond: Double(b.customers) / b.seconds,
      eventsPerSecond: Double(b.events) / b.seconds,
      eventsPerCustomer: Double(b.events) / Double(b.customers))
  }
}
