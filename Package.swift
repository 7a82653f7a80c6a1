// swift-tools-version: 6.0
import PackageDescription

/// The hot path crosses module boundaries (kernel, streams, statistics, model) with generic code;
/// cross-module optimization lets the compiler specialize and inline it in release builds.
let optimized: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

/// The simulation targets (kernel, streams, statistics, the two simulators) also drop the
/// bounds, overflow and `precondition` checks in release builds: their loops index arrays by ids
/// they made themselves, and the checks cost 6% of the M/M/4 benchmark and 9% of a platform week.
/// Their inputs arrive validated by the file readers, and the checks that guard against a bug of
/// ours off the hot path are `fatalError`s, which stay. Debug builds keep every check.
let hot: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization", "-Ounchecked"], .when(configuration: .release))]

let package = Package(
  name: "capsim",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "capsim", targets: ["capsim"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    // MARK: System libraries

    /** GSL (random variates, distributions, Student-t quantiles) seen from Swift. */
    .systemLibrary(
      name: "CGSL",
      pkgConfig: "gsl",
      providers: [.apt(["libgsl-dev"])]
    ),

    // MARK: Engine

    /** Discrete-event kernel: clock and future event list, nothing else. */
    .target(
      name: "SimKernel",
      exclude: ["README.md"],
      swiftSettings: hot
    ),
    /** Named, seeded random streams and distributions with analytic moments. */
    .target(
      name: "SimRandom", dependencies: ["CGSL"], exclude: ["README.md"], swiftSettings: hot),
    /** Latency histograms, replication estimates and confidence intervals. */
    .target(
      name: "SimStatistics",
      dependencies: ["CGSL"],
      exclude: ["README.md"],
      swiftSettings: hot
    ),

    // MARK: Models

    /** Closed-form and exact queueing results (Erlang, P-K, Jackson, MVA). */
    .target(name: "QueueingTheory", exclude: ["README.md"], swiftSettings: optimized),
    /** Queueing networks: stations, arrivals, routing, dispatchers, simulated. */
    .target(
      name: "QueueingModel",
      dependencies: [
        "SimKernel", "SimRandom", "SimStatistics", "QueueingTheory",
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "BasicContainers", package: "swift-collections"),
      ],
      exclude: ["README.md"],
      swiftSettings: hot
    ),

    /** Seasons, office hours and local calendars: demand over simulated time. */
    .target(name: "Demand", dependencies: ["QueueingModel"], exclude: ["README.md"]),

    // MARK: Files and command line

    /** The FreshFoodz platform: territories, load balancers, app pools, PostgreSQL, faults, SLOs. */
    .target(
      name: "PlatformModel",
      dependencies: [
        "SimKernel", "SimRandom", "SimStatistics", "Demand", "QueueingModel", "Autoscaling",
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "BasicContainers", package: "swift-collections"),
      ],
      exclude: ["README.md"],
      swiftSettings: hot
    ),

    /** Hybrid runs: steady stretches computed by a queueing model of each tier, the rest simulated. */
    .target(
      name: "Hybrid",
      dependencies: ["PlatformModel", "QueueingTheory", "SimRandom"],
      exclude: ["README.md"],
      swiftSettings: optimized
    ),

    // MARK: Decisions

    /** Capacity plans: the fewest instances per territory and period, bounded by theory, confirmed by simulation. */
    .target(
      name: "Planning",
      dependencies: ["PlatformModel", "QueueingTheory", "Demand"],
      exclude: ["README.md"],
      swiftSettings: optimized
    ),

    /** Slices of independent work for N machines, their part files, and the fold back into one result. */
    .target(name: "Sharding", exclude: ["README.md"]),
    /** The CI gate: a run against targets and a baseline, with more replications until the answer is clear. */
    .target(name: "Gate", dependencies: ["PlatformModel", "SimStatistics"], exclude: ["README.md"]),

    // MARK: Load tests

    /** k6 scripts that replay a platform territory's demand, mix and objectives on the real platform. */
    .target(
      name: "LoadTestScript", dependencies: ["PlatformModel", "Demand", "SimRandom", "SimKernel"],
      exclude: ["README.md"]),

    // MARK: Calibration

    /** Model inputs from measurements: pgbench summaries and logs, fitted and checked on held-out load levels. */
    .target(name: "Calibration", dependencies: ["QueueingTheory", "CGSL", "Suggestions"], exclude: ["README.md"]),

    /** "Did you mean": the closest name to a mistyped word. */
    .target(name: "Suggestions", exclude: ["README.md"]),

    // MARK: Autoscalers

    /** Kubernetes HPA (autoscaling/v2) and KEDA ScaledObject decisions, sync by sync, as upstream makes them. */
    .target(name: "Autoscaling", exclude: ["README.md"]),

    // MARK: Results

    /** What is kept of a run: the run, its series, verdicts and costs, as plain values. */
    .target(name: "RunRecords", exclude: ["README.md"]),
    /** The SQLite results store (GRDB): versioned migrations, transactional writes. */
    .target(
      name: "ResultsStore",
      dependencies: ["RunRecords", .product(name: "GRDB", package: "GRDB.swift")],
      exclude: ["README.md"]
    ),
    /** Reports of recorded runs: self-contained HTML with inline SVG, Markdown, JSON. */
    .target(
      name: "Reports", dependencies: ["RunRecords", .product(name: "Yams", package: "Yams")], exclude: ["README.md"]),

    /** YAML topologies and scenarios, diagnostics with file:line:column. */
    .target(
      name: "ScenarioFile",
      dependencies: [
        "SimKernel", "QueueingModel", "Demand", "PlatformModel", "SimRandom", "Autoscaling", "Gate", "Suggestions",
        .product(name: "Yams", package: "Yams"),
      ],
      exclude: ["README.md"],
      swiftSettings: optimized
    ),
    /** Autoscaling rules as manifests: cron pre-scaling from hourly needs, ramp leads, HPA and KEDA YAML. */
    .target(name: "AutoscaleRules", dependencies: ["Autoscaling"], exclude: ["README.md"]),
    /** `capsim autoscale`: HPA and KEDA rules searched by simulation, compared and verified. */
    .target(
      name: "AutoscaleSearch", dependencies: ["AutoscaleRules", "Autoscaling", "Planning", "PlatformModel"],
      exclude: ["README.md"], swiftSettings: optimized),
    /** Traps in autoscaler manifests a user already has, at the line that sets them. */
    .target(name: "ManifestLint", dependencies: ["Autoscaling", "ScenarioFile"], exclude: ["README.md"]),
    /** What the commands print: tables for people, JSON, JUnit XML, Markdown and SARIF for programs. */
    .target(
      name: "TextReports",
      dependencies: [
        "QueueingModel", "PlatformModel", "Demand", "SimKernel", "SimStatistics", "RunRecords", "Reports", "Planning",
        "Gate", "Autoscaling", "ManifestLint", "ScenarioFile", "Calibration",
      ],
      exclude: ["README.md"],
      swiftSettings: optimized
    ),
    /** The `capsim` subcommands: glue between files, models and output. */
    .target(
      name: "CapsimCLI",
      dependencies: [
        "ScenarioFile", "SimKernel", "QueueingModel", "PlatformModel", "Demand", "QueueingTheory", "SimStatistics",
        "SimRandom",
        "RunRecords", "ResultsStore", "Reports", "Planning", "LoadTestScript", "Autoscaling", "Sharding", "Gate",
        "Calibration", "ManifestLint", "Hybrid", "AutoscaleSearch", "AutoscaleRules", "TextReports", "Suggestions",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["README.md"],
      swiftSettings: optimized
    ),
    /** The executable: calls `Capsim.main()`. */
    .executableTarget(name: "capsim", dependencies: ["CapsimCLI"]),

    // MARK: Tests

    /** Helpers shared by the test targets. */
    .target(name: "_TestSupport", exclude: ["README.md"]),

    .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "_TestSupport"]),
    .testTarget(name: "SimRandomTests", dependencies: ["SimRandom", "SimStatistics"]),
    .testTarget(name: "SimStatisticsTests", dependencies: ["SimStatistics"]),
    .testTarget(name: "QueueingTheoryTests", dependencies: ["QueueingTheory"]),
    .testTarget(
      name: "QueueingModelTests",
      dependencies: ["QueueingModel", "QueueingTheory", "SimStatistics", "SimRandom", "_TestSupport"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "ScenarioFileTests",
      dependencies: [
        "ScenarioFile", "QueueingModel", "PlatformModel", "Demand", "Gate", "Suggestions", "_TestSupport",
      ],
      // Read from the source tree (with the schemas/ they name), not bundled.
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "ResultsStoreTests",
      dependencies: ["ResultsStore", "RunRecords", .product(name: "GRDB", package: "GRDB.swift")]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "RunRecords", "TextReports"]),
    .testTarget(
      name: "PlatformModelTests",
      dependencies: [
        "PlatformModel", "QueueingModel", "QueueingTheory", "SimRandom", "SimStatistics", "Demand", "Autoscaling",
      ]),
    .testTarget(name: "DemandTests", dependencies: ["Demand", "QueueingModel"]),
    .testTarget(
      name: "HybridTests", dependencies: ["Hybrid", "PlatformModel", "ScenarioFile", "QueueingTheory"]),
    .testTarget(name: "AutoscalingTests", dependencies: ["Autoscaling", "_TestSupport"]),
    .testTarget(
      name: "AutoscaleRulesTests", dependencies: ["AutoscaleRules", "Autoscaling", "ScenarioFile", "ManifestLint"]),
    .testTarget(
      name: "KubernetesManifestTests",
      dependencies: ["ScenarioFile", "Autoscaling", "ManifestLint", "AutoscaleRules", "_TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "PlanningTests", dependencies: ["Planning", "PlatformModel", "QueueingModel", "SimRandom"]),
    .testTarget(
      name: "AutoscaleSearchTests",
      dependencies: [
        "AutoscaleSearch", "AutoscaleRules", "Autoscaling", "Demand", "PlatformModel", "ScenarioFile", "SimRandom",
      ]),
    .testTarget(name: "ShardingTests", dependencies: ["Sharding"]),
    .testTarget(
      name: "CalibrationTests", dependencies: ["Calibration", "QueueingTheory", "QueueingModel", "SimRandom"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "GateTests", dependencies: ["Gate", "PlatformModel", "SimRandom", "SimStatistics"]),
    .testTarget(
      name: "LoadTestScriptTests",
      dependencies: ["LoadTestScript", "PlatformModel", "Demand", "SimRandom", "_TestSupport"]),
    // Through the binary, which `swift build` makes: no dependency on the CLI's code, so this
    // target builds beside it instead of after it.
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["ResultsStore", "_TestSupport"],
      resources: [.copy("Fixtures")]
    ),
    // The CLI in process: its parser against the commands the READMEs show, its progress line.
    .testTarget(
      name: "CapsimCLITests",
      dependencies: ["CapsimCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
  ]
)

// Test code builds without optimization, in release too: the tests spend their time in the
// libraries and the binary, which stay optimized, and optimizing the test targets took over a
// third of a clean build's CPU (312 s of 840 here). QueueingModelTests keeps it: its Markov
// chain solvers (the dispatch policies' exact answers) run 15 times slower unoptimized.
for target in package.targets where target.type == .test && target.name != "QueueingModelTests" {
  target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-Onone"], .when(configuration: .release))]
}
