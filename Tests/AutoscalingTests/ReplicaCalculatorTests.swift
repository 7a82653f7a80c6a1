import Autoscaling
import Testing

/// The cases of upstream replica_calculator_test.go, re-expressed.
///
/// Inputs and expected outputs as upstream states them. Upstream pods have two containers; here each pod's
/// request and usage are the two containers' sum, which leaves ratios and averages as upstream.
@Suite struct ReplicaCalculatorTests {
  /// Upstream's testing settings (`defaultTestingCPUInitializationPeriod` 2 min,
  /// `defaultTestingDelayOfInitialReadinessStatus` 10 s).
  static let settings: ControllerSettings = {
    var s = ControllerSettings()
    s.cpuInitializationPeriod = 120
    s.initialReadinessDelay = 10
    return s
  }()
  static let tolerances = Tolerances(scaleUp: 0.1, scaleDown: 0.1)
  static let now = 100_000.0

  /// Pod start times of the upstream harness: zero time (long ago), `coolCPUCreationTime`
  /// (3 min ago) and `hotCPUCreationTime` (now).
  enum Start { case zero, cool, hot }

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var current: Int
    var expected: Int
    var readiness: [Bool]? = nil
    var starts: [Start]? = nil
    var phases: [Pod.Phase]? = nil
    var deleting: [Bool]? = nil
    /// Per pod, both containers (upstream request x 2).
    var requests: [Int64]
    /// Per pod with metrics, both containers.
    var levels: [Int64]
    var target: Int
    var utilization: Int
    var value: Int64
    var testDescription: String { name }
  }

  /// Pods as the upstream harness lists them: currentReplicas pods, or as many as phases.
  static func pods(_ c: Case) -> [Pod] {
    let count = max(c.current, c.phases?.count ?? 0, c.readiness?.count ?? 0)
    return (0..<count).map { i in
      let start: Double =
        switch c.starts?[i] ?? .zero {
        case .zero: 0
        case .cool: now - 180
        case .hot: now
        }
      return Pod(
        name: "test-pod-\(i)", phase: c.phases?[i] ?? .running,
        readiness: Pod.Readiness(ready: c.readiness?[i] ?? true, since: 0), startTime: start,
        deleting: c.deleting?[i] ?? false, cpuRequest: i < c.requests.count ? c.requests[i] : nil)
    }
  }

  static func samples(_ levels: [Int64], names: [String]? = nil) -> [String: CPUSample] {
    var out: [String: CPUSample] = [:]
    for (i, level) in levels.enumerated() {
      out[names?[i] ?? "test-pod-\(i)"] = CPUSample(usage: level, timestamp: 0, window: 60)
    }
    return out
  }

  static let one: Int64 = 2000  // resource.MustParse("1.0") in each of two containers

  static let resourceCases: [Case] = [
    Case(
      name: "TestReplicaCalcScaleUp", current: 3, expected: 5, requests: [one, one, one], levels: [600, 1000, 1400],
      target: 30, utilization: 50, value: 1000),
    Case(
      name: "TestReplicaCalcScaleUpUnreadyLessScale", current: 3, expected: 4, readiness: [false, true, true],
      requests: [one, one, one], levels: [600, 1000, 1400], target: 30, utilization: 60, value: 1200),
    Case(
      name: "TestReplicaCalcScaleUpHotCpuLessScale", current: 3, expected: 4, starts: [.hot, .cool, .cool],
      requests: [one, one, one], levels: [600, 1000, 1400], target: 30, utilization: 60, value: 1200),
    Case(
      name: "TestReplicaCalcScaleUpUnreadyNoScale", current: 3, expected: 3, readiness: [true, false, false],
      requests: [one, one, one], levels: [800, 1000, 1400], target: 30, utilization: 40, value: 800),
    Case(
      name: "TestReplicaCalcScaleHotCpuNoScale", current: 3, expected: 3, readiness: [true, false, false],
      starts: [.cool, .hot, .hot], requests: [one, one, one], levels: [800, 1000, 1400], target: 30, utilization: 40,
      value: 800),
    Case(
      name: "TestReplicaCalcScaleUpIgnoresFailedPods", current: 2, expected: 4, readiness: [true, true, false, false],
      phases: [.running, .running, .failed, .failed], requests: [one, one, one, one], levels: [1000, 1400], target: 30,
      utilization: 60, value: 1200),
    Case(
      name: "TestReplicaCalcScaleUpIgnoresDeletionPods", current: 2, expected: 4,
      readiness: [true, true, false, false], phases: [.running, .running, .running, .running],
      deleting: [false, false, true, true], requests: [one, one, one, one], levels: [1000, 1400], target: 30,
      utilization: 60, value: 1200),
    Case(
      name: "TestReplicaCalcScaleDown", current: 5, expected: 3, requests: [one, one, one, one, one],
      levels: [200, 600, 1000, 500, 500], target: 50, utilization: 28, value: 560),
    Case(
      name: "TestReplicaCalcScaleDownExcludeUnreadyPods", current: 5, expected: 2,
      readiness: [true, true, true, false, false], requests: [one, one, one, one, one],
      levels: [200, 600, 1000, 500, 500], target: 50, utilization: 30, value: 600),
    Case(
      name: "TestReplicaCalcScaleDownExcludeUnscheduledPods", current: 5, expected: 1,
      readiness: [true, false, false, false, false], phases: [.running, .pending, .pending, .pending, .pending],
      requests: [one, one, one, one, one], levels: [200], target: 50, utilization: 10, value: 200),
    Case(
      name: "TestReplicaCalcScaleDownIgnoreHotCpuPods", current: 5, expected: 2,
      starts: [.cool, .cool, .cool, .hot, .hot], requests: [one, one, one, one, one],
      levels: [200, 600, 1000, 500, 500], target: 50, utilization: 30, value: 600),
    Case(
      name: "TestReplicaCalcScaleDownIgnoresFailedPods", current: 5, expected: 3,
      readiness: [true, true, true, true, true, false, false],
      phases: [.running, .running, .running, .running, .running, .failed, .failed],
      requests: Array(repeating: one, count: 7), levels: [200, 600, 1000, 500, 500], target: 50, utilization: 28,
      value: 560),
    Case(
      name: "TestReplicaCalcScaleDownIgnoresDeletionPods", current: 5, expected: 3,
      readiness: [true, true, true, true, true, false, false], phases: Array(repeating: .running, count: 7),
      deleting: [false, false, false, false, false, true, true], requests: Array(repeating: one, count: 7),
      levels: [200, 600, 1000, 500, 500], target: 50, utilization: 28, value: 560),
    Case(
      name: "TestReplicaCalcTolerance", current: 3, expected: 3, requests: [1800, 2000, 2200],
      levels: [2020, 2060, 2040], target: 100, utilization: 102, value: 2040),
    Case(
      name: "TestReplicaCalcSuperfluousMetrics", current: 4, expected: 24, requests: [one, one, one, one],
      levels: [8000, 19000, 6000, 14000, 6400, 4000], target: 100, utilization: 587, value: 11750),
    Case(
      name: "TestReplicaCalcMissingMetrics", current: 4, expected: 3, requests: [one, one, one, one],
      levels: [800, 190], target: 100, utilization: 24, value: 495),
    Case(
      name: "TestReplicaCalcMissingMetricsNoChangeEq", current: 2, expected: 2, requests: [one, one], levels: [2000],
      target: 100, utilization: 100, value: 2000),
    Case(
      name: "TestReplicaCalcMissingMetricsNoChangeGt", current: 2, expected: 2, requests: [one, one], levels: [3800],
      target: 100, utilization: 190, value: 3800),
    Case(
      name: "TestReplicaCalcMissingMetricsNoChangeLt", current: 2, expected: 2, requests: [one, one], levels: [1200],
      target: 100, utilization: 60, value: 1200),
    Case(
      name: "TestReplicaCalcMissingMetricsUnreadyChange", current: 3, expected: 3, readiness: [false, true, true],
      requests: [one, one, one], levels: [200, 900], target: 50, utilization: 45, value: 900),
    Case(
      name: "TestReplicaCalcMissingMetricsHotCpuNoChange", current: 3, expected: 3, starts: [.hot, .cool, .cool],
      requests: [one, one, one], levels: [200, 900], target: 50, utilization: 45, value: 900),
    Case(
      name: "TestReplicaCalcMissingMetricsUnreadyScaleUp", current: 3, expected: 4, readiness: [false, true, true],
      requests: [one, one, one], levels: [200, 4000], target: 50, utilization: 200, value: 4000),
    Case(
      name: "TestReplicaCalcMissingMetricsHotCpuScaleUp", current: 3, expected: 4, readiness: [false, true, true],
      starts: [.hot, .cool, .cool], requests: [one, one, one], levels: [200, 4000], target: 50, utilization: 200,
      value: 4000),
    Case(
      name: "TestReplicaCalcMissingMetricsUnreadyScaleDown", current: 4, expected: 3,
      readiness: [false, true, true, true], requests: [one, one, one, one], levels: [200, 200, 200], target: 50,
      utilization: 10, value: 200),
    Case(
      name: "TestReplicaCalcMissingMetricsScaleDownTargetOver100", current: 4, expected: 2,
      readiness: [false, true, true, true], requests: [one, one, 4000, 4000], levels: [400, 200, 200], target: 300,
      utilization: 6, value: 200),
    Case(
      name: "TestReplicaCalcDuringRollingUpdateWithMaxSurge", current: 2, expected: 2,
      phases: [.running, .running, .running], requests: [one, one, one], levels: [200, 200], target: 50,
      utilization: 10, value: 200),
    // TestReplicaCalcComputedToleranceAlgImplementation: 10 pods at 150m per container against
    // requests jittered around 300m; a target of 56% just breaches the tolerance, 55% does not.
    Case(
      name: "TestReplicaCalcComputedToleranceAlgImplementation (56%)", current: 10, expected: 9,
      requests: [800, 400, 620, 580, 604, 596, 602, 598, 600, 600], levels: Array(repeating: 300, count: 10),
      target: 56, utilization: 50, value: 300),
    Case(
      name: "TestReplicaCalcComputedToleranceAlgImplementation (55%)", current: 10, expected: 10,
      requests: [800, 400, 620, 580, 604, 596, 602, 598, 600, 600], levels: Array(repeating: 300, count: 10),
      target: 55, utilization: 50, value: 300),
  ]

  @Test(arguments: resourceCases)
  func resourceUtilization(_ c: Case) throws {
    let result = ReplicaCalculator.resourceUtilization(
      current: c.current, target: c.target, pods: Self.pods(c), samples: Self.samples(c.levels),
      tolerances: Self.tolerances, now: Self.now, settings: Self.settings)
    let reading = try result.get()
    #expect(reading.replicas == c.expected)
    #expect(reading.utilization == c.utilization)
    #expect(reading.usage == c.value)
  }

  struct ErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var current: Int
    var requests: [Int64]
    var levels: [Int64]
    var names: [String]? = nil
    var message: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    ErrorCase(
      name: "TestReplicaCalcDisjointResourcesMetrics", current: 1, requests: [one], levels: [200],
      names: ["an-older-pod-name"], message: "no metrics returned matched known pods"),
    ErrorCase(
      name: "TestReplicaCalcEmptyMetrics", current: 4, requests: [one, one, one], levels: [],
      message: "no metrics returned from resource metrics API"),
    ErrorCase(
      name: "TestReplicaCalcEmptyCPURequest", current: 1, requests: [], levels: [400], message: "missing request for"),
  ])
  func resourceErrors(_ c: ErrorCase) {
    let pods = Self.pods(
      Case(
        name: c.name, current: c.current, expected: 0, requests: c.requests, levels: c.levels, target: 100,
        utilization: 0, value: 0))
    let result = ReplicaCalculator.resourceUtilization(
      current: c.current, target: 100, pods: pods, samples: Self.samples(c.levels, names: c.names),
      tolerances: Self.tolerances, now: Self.now, settings: Self.settings)
    guard case .failure(let error) = result else {
      Issue.record("expected an error")
      return
    }
    #expect(error.message.contains(c.message))
  }

  /// Pods (custom) metrics: `GetMetricReplicas` through `calcPlainMetricReplicas`.
  struct PlainCase: CustomTestStringConvertible, Sendable {
    var name: String
    var current: Int
    var expected: Int
    var readiness: [Bool]? = nil
    var starts: [Start]? = nil
    var phases: [Pod.Phase]? = nil
    var levels: [Int64]
    var target: Int64
    var usage: Int64
    var testDescription: String { name }
  }

  @Test(arguments: [
    PlainCase(
      name: "TestReplicaCalcScaleUpCM", current: 3, expected: 4, levels: [20000, 10000, 30000], target: 15000,
      usage: 20000),
    PlainCase(
      name: "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", current: 3, expected: 6,
      readiness: [true, true, false], starts: [.cool, .cool, .hot], levels: [50000, 10000, 30000], target: 15000,
      usage: 30000),
    PlainCase(
      name: "TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", current: 3, expected: 7,
      readiness: [false, true, false], starts: [.hot, .cool, .hot], levels: [50000, 15000, 30000], target: 15000,
      usage: 31666),
    PlainCase(
      name: "TestReplicaCalcScaleUpCMExternal (pods metric)", current: 1, expected: 2, levels: [8600], target: 4400,
      usage: 8600),
    PlainCase(
      name: "TestReplicaCalcScaleUpCMExternalNoLabels", current: 1, expected: 2, levels: [8600], target: 4400,
      usage: 8600),
    PlainCase(
      name: "TestReplicaCalcScaleDownCM", current: 5, expected: 3, levels: [12000, 12000, 12000, 12000, 12000],
      target: 20000, usage: 12000),
    PlainCase(
      name: "TestReplicaCalcToleranceCM", current: 3, expected: 3, levels: [20000, 21000, 21000], target: 20000,
      usage: 20666),
    PlainCase(
      name: "TestPlainMetricReplicaCalcMissingMetricsNoChangeEq", current: 5, expected: 5,
      levels: [20000, 19000, 21000], target: 20000, usage: 20000),
    PlainCase(
      name: "TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM", current: 2, expected: 2,
      phases: [.running, .running, .running], levels: [10000, 10000], target: 17000, usage: 10000),
  ])
  func podsMetric(_ c: PlainCase) throws {
    let pods = Self.pods(
      Case(
        name: c.name, current: c.current, expected: c.expected, readiness: c.readiness, starts: c.starts,
        phases: c.phases, requests: [], levels: [], target: 0, utilization: 0, value: 0))
    var values: [String: Int64] = [:]
    for (i, level) in c.levels.enumerated() { values["test-pod-\(i)"] = level }
    let reading = try ReplicaCalculator.plainMetric(
      current: c.current, target: c.target, values: values, pods: pods, tolerances: Self.tolerances, now: Self.now,
      settings: Self.settings
    ).get()
    #expect(reading.replicas == c.expected)
    #expect(reading.usage == c.usage)
  }

  /// Object and External metrics: a Value target against the Running and Ready pods, an
  /// AverageValue target against the status replica count.
  struct TotalCase: CustomTestStringConvertible, Sendable {
    var name: String
    var current: Int
    var expected: Int
    var readiness: [Bool]? = nil
    var level: Int64
    var target: Int64
    var perPod: Bool
    var usage: Int64
    var testDescription: String { name }
  }

  @Test(arguments: [
    TotalCase(
      name: "TestReplicaCalcScaleUpCMObject", current: 3, expected: 4, level: 20000, target: 15000, perPod: false,
      usage: 20000),
    TotalCase(
      name: "TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods", current: 3, expected: 5,
      readiness: [false, true, false], level: 50000, target: 10000, perPod: false, usage: 50000),
    TotalCase(
      name: "TestReplicaCalcScaleDownCMObject", current: 5, expected: 3, level: 12000, target: 20000, perPod: false,
      usage: 12000),
    TotalCase(
      name: "TestReplicaCalcToleranceCMObject", current: 3, expected: 3, level: 20666, target: 20000, perPod: false,
      usage: 20666),
    TotalCase(
      name: "TestReplicaCalcScaleUpCMPerPodObject", current: 3, expected: 4, level: 20000, target: 5000, perPod: true,
      usage: 6667),
    TotalCase(
      name: "TestReplicaCalcScaleDownPerPodCMObject", current: 5, expected: 3, level: 6000, target: 2000, perPod: true,
      usage: 1200),
    TotalCase(
      name: "TestReplicaCalcTolerancePerPodCMObject", current: 4, expected: 4, level: 20166, target: 5000, perPod: true,
      usage: 5042),
    TotalCase(
      name: "TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods", current: 3, expected: 2,
      readiness: [false, true, false], level: 8600, target: 4400, perPod: false, usage: 8600),
    TotalCase(
      name: "TestReplicaCalcScaleDownCMExternal", current: 5, expected: 3, level: 8600, target: 14334, perPod: false,
      usage: 8600),
    TotalCase(
      name: "TestReplicaCalcToleranceCMExternal", current: 3, expected: 3, level: 8600, target: 8888, perPod: false,
      usage: 8600),
    TotalCase(
      name: "TestReplicaCalcScaleUpPerPodCMExternal", current: 3, expected: 4, level: 8600, target: 2150, perPod: true,
      usage: 2867),
    TotalCase(
      name: "TestReplicaCalcScaleDownPerPodCMExternal", current: 5, expected: 3, level: 8600, target: 2867,
      perPod: true, usage: 1720),
    TotalCase(
      name: "TestReplicaCalcTolerancePerPodCMExternal", current: 3, expected: 3, level: 8600, target: 2900,
      perPod: true, usage: 2867),
  ])
  func objectAndExternal(_ c: TotalCase) throws {
    let pods = Self.pods(
      Case(
        name: c.name, current: c.current, expected: c.expected, readiness: c.readiness, requests: [], levels: [],
        target: 0, utilization: 0, value: 0))
    let reading =
      c.perPod
      ? try ReplicaCalculator.averageValue(
        statusReplicas: c.current, target: c.target, usage: c.level, tolerances: Self.tolerances
      ).get()
      : try ReplicaCalculator.totalValue(
        current: c.current, target: c.target, usage: c.level, pods: pods, tolerances: Self.tolerances
      ).get()
    #expect(reading.replicas == c.expected)
    #expect(reading.usage == c.usage)
  }

  /// TestGroupPods: which pods count as ready, unready, missing or ignored.
  struct GroupCase: CustomTestStringConvertible, Sendable {
    var name: String
    var pods: [Pod]
    var samples: [String: CPUSample]
    var cpu = true
    var ready: Int
    var unready: Set<String> = []
    var missing: Set<String> = []
    var ignored: Set<String> = []
    var testDescription: String { name }
  }

  static func pod(
    _ name: String, _ phase: Pod.Phase = .succeeded, start: Double?, ready: (Bool, Double)? = nil,
    deleting: Bool = false
  ) -> Pod {
    Pod(
      name: name, phase: phase, readiness: ready.map { Pod.Readiness(ready: $0.0, since: now + $0.1) },
      startTime: start.map { now + $0 }, deleting: deleting, cpuRequest: 1000)
  }

  static func sample(at offset: Double = 0, window: Double = 60) -> CPUSample {
    CPUSample(usage: 1, timestamp: now + offset, window: window)
  }

  @Test(arguments: [
    GroupCase(name: "void", pods: [], samples: [:], ready: 0),
    GroupCase(
      name: "count in a ready pod - memory", pods: [pod("bentham", start: nil)], samples: ["bentham": sample()],
      cpu: false, ready: 1),
    GroupCase(
      name: "unready a pod without ready condition - CPU", pods: [pod("lucretius", start: 0)],
      samples: ["lucretius": sample()], ready: 0, unready: ["lucretius"]),
    GroupCase(
      name: "count in a ready pod with fresh metrics during initialization period - CPU",
      pods: [pod("bentham", start: -60, ready: (true, -30))], samples: ["bentham": sample(window: 30)], ready: 1),
    GroupCase(
      name: "unready a ready pod without fresh metrics during initialization period - CPU",
      pods: [pod("bentham", start: -60, ready: (true, -30))], samples: ["bentham": sample(window: 60)], ready: 0,
      unready: ["bentham"]),
    GroupCase(
      name: "unready an unready pod during initialization period - CPU",
      pods: [pod("lucretius", start: -600, ready: (false, -594))], samples: ["lucretius": sample()], ready: 0,
      unready: ["lucretius"]),
    GroupCase(
      name: "count in a ready pod without fresh metrics after initialization period - CPU",
      pods: [pod("bentham", start: -180, ready: (true, -180))], samples: ["bentham": sample(at: -120)], ready: 1),
    GroupCase(
      name: "count in an unready pod that was ready after initialization period - CPU",
      pods: [pod("lucretius", start: -600, ready: (false, -540))], samples: ["lucretius": sample()], ready: 1),
    GroupCase(
      name: "unready pod that has never been ready after initialization period - CPU",
      pods: [pod("lucretius", start: -600, ready: (false, -590))], samples: ["lucretius": sample()], ready: 1),
    GroupCase(
      name: "a missing pod", pods: [pod("epicurus", start: -180)], samples: [:], ready: 0, missing: ["epicurus"]),
    GroupCase(
      name: "several pods",
      pods: [
        pod("lucretius", start: 0), pod("niccolo", start: -180, ready: (true, -180)), pod("epicurus", start: -180),
      ], samples: ["lucretius": sample(), "niccolo": sample()], ready: 1, unready: ["lucretius"], missing: ["epicurus"]),
    GroupCase(
      name: "pending pods are unreadied", pods: [pod("unscheduled", .pending, start: nil)], samples: [:], ready: 0,
      unready: ["unscheduled"]),
    GroupCase(
      name: "ignore pods with deletion timestamps", pods: [pod("deleted", .pending, start: nil, deleting: true)],
      samples: ["deleted": sample()], ready: 0, ignored: ["deleted"]),
    GroupCase(
      name: "ignore pods in a failed state", pods: [pod("failed", .failed, start: nil)], samples: ["failed": sample()],
      ready: 0, ignored: ["failed"]),
  ])
  func groupPods(_ c: GroupCase) {
    let groups = ReplicaCalculator.groupPods(
      c.pods, sampled: { c.samples[$0] }, cpu: c.cpu, now: Self.now, settings: Self.settings)
    #expect(groups.readyCount == c.ready)
    #expect(groups.unready == c.unready)
    #expect(groups.missing == c.missing)
    #expect(groups.ignored == c.ignored)
  }
}
