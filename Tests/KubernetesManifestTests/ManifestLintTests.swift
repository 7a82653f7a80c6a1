import Autoscaling
import Foundation
import ManifestLint
import Testing

/// One fixture per trap, each flagged at the line and column of the field that sets it.
@Suite struct ManifestLintTests {
  static func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/lint")!.path
  }

  /// 2026 in UTC: the year of the shipped scenarios, with both of Berlin's changes in it.
  static let year = ManifestLinter(from: 1_767_225_600, to: 1_798_761_600)

  static func only(_ name: String) -> Finding? {
    let findings = year.lint(paths: [fixture(name)])
    #expect(findings.count == 1, "\(findings.map(\.message))")
    return findings.first
  }

  /// Start Monday-Friday 06:30, end every day 22:10: after Friday's end the next firing is
  /// Saturday's end, then Sunday's, so KEDA is open from Friday 22:10 to Sunday 22:10 with no
  /// start: one stretch of 48 hours a weekend, and 2026 has 52 (2-4 January to 25-27 December).
  @Test func aWeekdayStartWithADailyEndIsOpenOverTheWeekend() throws {
    let f = try #require(Self.only("weekend-cron.yaml"))
    #expect(f.rule == .cronOpenWithoutStart && f.line == 14 && f.column == 14 && f.severity == .warning)
    #expect(f.message.contains("from Fri 2026-01-02 22:10 to Sun 2026-01-04 22:10"), "\(f.message)")
    #expect(f.message.contains("and 51 more such stretches"), "\(f.message)")
  }

  /// The night the clocks go back, 02:15 fires twice in Berlin: the window stays open from the
  /// first to the second, which read alike without their offsets.
  @Test func aStretchOverTheRepeatedHourShowsItsOffsets() throws {
    let october = ManifestLinter(from: 1_790_812_800, to: 1_793_491_200)  // 2026-10-01 to 2026-11-01
    let findings = october.lint(paths: [Self.fixture("autumn-cron.yaml")])
    let f = try #require(findings.first { $0.rule == .cronOpenWithoutStart }, "\(findings.map(\.message))")
    #expect(
      f.message.contains("from Sun 2026-10-25 02:15 (UTC+02:00) to Sun 2026-10-25 02:15 (UTC+01:00)"), "\(f.message)")
  }

  /// 1-12 January 2026 holds two weekends: two stretches, each to Sunday's end, as
  /// `autoscaler dry-run` keeps the window open.
  @Test func eachWeekendIsOneStretchToSundaysEnd() throws {
    let linter = ManifestLinter(from: 1_767_225_600, to: 1_768_176_000)  // 2026-01-01 to 2026-01-12
    let findings = linter.lint(paths: [Self.fixture("weekend-cron.yaml")])
    let f = try #require(findings.first { $0.rule == .cronOpenWithoutStart })
    #expect(
      f.message.contains("from Fri 2026-01-02 22:10 to Sun 2026-01-04 22:10, and 1 more such stretch in"),
      "\(f.message)")
    let cron = try CronTrigger.make(
      timezone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *", desiredReplicas: 8
    ).get()
    #expect(cron.isActive(at: 1_767_560_400))  // Sun 2026-01-04 22:00 in Berlin, 21:00 UTC
    #expect(!cron.isActive(at: 1_767_561_600))  // Sun 22:20 in Berlin
  }

  @Test func aStartInTheSpringForwardGapIsFlagged() throws {
    let f = try #require(Self.only("gap-cron.yaml"))
    #expect(f.rule == .cronInGap && f.line == 11 && f.column == 16)
    #expect(f.message.contains("2026-03-29 02:30") && f.message.contains("open from the end before it"), "\(f.message)")
  }

  /// KEDA's own rule agrees: with Sunday's start skipped, Saturday 28 March 10:00 is inside
  /// the window (the next end, Sunday 06:00, comes before the next start, Monday 02:30); on an
  /// ordinary Friday 10:00 is not, and on 31 March the window runs 02:30-06:00 again.
  @Test func theSkippedStartOpensTheWindowEarlyByKEDAsRule() throws {
    let cron = try CronTrigger.make(
      timezone: "Europe/Berlin", start: "30 2 * * *", end: "0 6 * * *", desiredReplicas: 4
    ).get()
    #expect(cron.isActive(at: 1_774_688_400))  // 2026-03-28 09:00 UTC, 10:00 in Berlin
    #expect(!cron.isActive(at: 1_774_602_000))  // 2026-03-27 09:00 UTC: an ordinary day, shut
    #expect(cron.isActive(at: 1_774_922_400))  // 2026-03-31 02:00 UTC, 04:00 in Berlin
  }

  /// Outside the period that holds 29 March the same file is clean.
  @Test func theGapIsLookedForOnlyInThePeriodLinted() {
    let april = ManifestLinter(from: 1_775_001_600, to: 1_790_812_800)  // 2026-04-01 to 2026-10-01
    #expect(april.lint(paths: [Self.fixture("gap-cron.yaml")]).isEmpty)
  }

  /// A start and an end written differently that fire together pass KEDA's text check and keep
  /// the window open all the time.
  @Test func aStartAndAnEndFiringTogetherAreFlagged() throws {
    let f = try #require(Self.only("cron-same-instants.yaml"))
    #expect(f.rule == .cronOpenWithoutStart && f.line == 10 && f.severity == .warning)
    #expect(f.message.contains("open all the time"), "\(f.message)")
  }

  @Test func cooldownWithAFloorGovernsNothing() throws {
    let f = try #require(Self.only("cooldown.yaml"))
    #expect(f.rule == .cooldownOnlyToZero && f.line == 9 && f.column == 19)
    #expect(f.message.contains("minReplicaCount 2") && f.message.contains("300 s"), "\(f.message)")
  }

  /// KEDA counts no cpu trigger as activity unless every trigger is cpu: with minReplicaCount
  /// 0 the pool goes to 0 cooldownPeriod after the cron window, and the cooldown does govern
  /// that way down (no cooldown-only-to-zero finding).
  @Test func aCPUTriggerBesideACronWindowKeepsNothingAwake() throws {
    let f = try #require(Self.only("cpu-beside-cron.yaml"))
    #expect(f.rule == .cpuIsNotActivity && f.severity == .warning && f.line == 10 && f.column == 13)
    #expect(f.message.contains("cooldownPeriod (120 s)") && f.message.contains("minReplicaCount: 1"), "\(f.message)")
  }

  /// From 0 pods only requests that arrive can wake a pool: a trigger over completed requests
  /// reads 0 there for ever (seen in review: a day at 100% errors). The ingress counter wakes it.
  @Test func completedRequestsCannotWakeAPoolFromZero() throws {
    let f = try #require(Self.only("completed-requests-from-zero.yaml"))
    #expect(f.rule == .completedRequestsCannotWake && f.severity == .warning && f.line == 12 && f.column == 16)
    #expect(f.message.contains("capsim_ingress_requests_total"), "\(f.message)")
  }

  @Test func aDeploymentWithReplicasUnderAnAutoscalerIsFlagged() throws {
    let f = try #require(Self.only("deployment-replicas.yaml"))
    #expect(f.rule == .deploymentReplicas && f.line == 6 && f.column == 13)
    #expect(f.message.contains("HorizontalPodAutoscaler crm-de at"), "\(f.message)")
  }

  /// A file with nothing to lint (empty, or only a Deployment) is an error naming it, not "no
  /// findings": it was most likely the wrong file.
  @Test func aFileWithNoAutoscalerIsAnError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let empty = dir.appendingPathComponent("empty.yaml").path
    let deployment = dir.appendingPathComponent("deployment.yaml").path
    try Data().write(to: URL(fileURLWithPath: empty))
    try Data(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: crm-de\nspec:\n  template: {}\n".utf8
    ).write(to: URL(fileURLWithPath: deployment))
    for path in [empty, deployment] {
      let findings = Self.year.lint(paths: [path])
      #expect(findings.count == 1, "\(findings.map(\.message))")
      let f = try #require(findings.first)
      #expect(f.rule == .noAutoscaler && f.severity == .error && f.file == path && f.line == 1)
      #expect(f.message.contains(path) && f.message.contains("no HorizontalPodAutoscaler or ScaledObject"))
    }
    // Beside a file that has one, only the empty one is flagged.
    let both = Self.year.lint(paths: [Self.fixture("clean.yaml"), empty])
    #expect(both.map(\.rule) == [.noAutoscaler] && both.first?.file == empty, "\(both.map(\.message))")
  }

  /// Cron windows capsim autoscale derived for December 2026 (its header says so) name days of
  /// the month that are other weekdays in 2027: linted for 2027 they are flagged, at the header
  /// line; for 2026, or without such a header, not.
  @Test func cronWindowsDerivedForAnotherYearAreFlagged() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("scaledobject.yaml").path
    let body = try String(contentsOfFile: Self.fixture("cron-ends-early.yaml"), encoding: .utf8)
    try Data(
      ("# Derived by capsim autoscale\n# cron windows derived for 2026-12-07 to 2026-12-14 (Europe/Berlin); KEDA fires them every year\n"
        + body).utf8
    ).write(to: URL(fileURLWithPath: path))
    let in2027 = ManifestLinter(from: 1_798_761_600, to: 1_830_297_600).lint(paths: [path])
    let f = try #require(in2027.first { $0.rule == .cronForAnotherSpan }, "\(in2027.map(\.message))")
    #expect(f.severity == .warning && f.line == 2 && f.column == 3)
    #expect(
      f.message.contains("derived for 2026-12-07 to 2026-12-14 but are linted for 2027-01-01 to 2028-01-01"),
      "\(f.message)")
    #expect(!Self.year.lint(paths: [path]).contains { $0.rule == .cronForAnotherSpan })
    // The header's days are Berlin's, up to the 14th excluded: a run from Berlin's midnight of
    // the 14th (23:00 UTC on the 13th) does not overlap them, though as UTC days it did.
    let after = ManifestLinter(from: 1_797_202_800, to: 1_797_375_600).lint(paths: [path])
    let later = try #require(after.first { $0.rule == .cronForAnotherSpan }, "\(after.map(\.message))")
    #expect(later.message.contains("but are linted for 2026-12-14 to 2026-12-16"), "\(later.message)")
    // A span from inside the derivation's into the next year's copy of it (from 7 December 2026
    // for a year: its last day is 7 December 2027) is flagged too; it was not, overlapping.
    let onward = ManifestLinter(from: 1_796_601_600, to: 1_828_137_600 + 86_400).lint(paths: [path])
    #expect(onward.contains { $0.rule == .cronForAnotherSpan }, "\(onward.map(\.message))")
    let plain = ManifestLinter(from: 1_798_761_600, to: 1_830_297_600).lint(paths: [
      Self.fixture("cron-ends-early.yaml")
    ])
    #expect(!plain.contains { $0.rule == .cronForAnotherSpan })
  }

  /// Objects of one name in several namespaces (`kubectl get hpa -A -o yaml`) are several: two
  /// HPAs of `crm-de` in staging and production do not fight, and a Deployment `crm-de` in qa
  /// is no autoscaler's. `idleReplicaCount: 0` scales to 0 after the cooldown whatever the
  /// floor, so the cooldown is not called idle there.
  @Test func namespacesKeepObjectsApartAndAnIdleCountUsesTheCooldown() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func hpa(_ namespace: String) -> String {
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: crm-de, namespace: \(namespace)}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: crm-de}
        minReplicas: 2
        maxReplicas: 8
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
      """
    }
    let deployment = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: crm-de, namespace: qa}
      spec: {replicas: 1}
      """
    let path = dir.appendingPathComponent("all.yaml").path
    try [hpa("staging"), hpa("production"), deployment].joined(separator: "\n---\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let findings = Self.year.lint(paths: [path])
    #expect(findings.isEmpty, "\(findings.map(\.message))")
    let idle = dir.appendingPathComponent("idle.yaml").path
    try """
    apiVersion: keda.sh/v1alpha1
    kind: ScaledObject
    metadata: {name: crm-ch}
    spec:
      scaleTargetRef: {name: crm-ch}
      idleReplicaCount: 0
      minReplicaCount: 1
      cooldownPeriod: 60
      triggers: [{type: cpu, metricType: Utilization, metadata: {value: "70"}}]
    """.write(toFile: idle, atomically: true, encoding: .utf8)
    #expect(!Self.year.lint(paths: [idle]).contains { $0.rule == .cooldownOnlyToZero })
  }

  /// The strict reader refuses it too; the linter says it once, under its own rule.
  @Test func minAboveMaxIsOneErrorAtMaxReplicas() throws {
    let f = try #require(Self.only("min-above-max.yaml"))
    #expect(f.rule == .minAboveMax && f.severity == .error && f.line == 7 && f.column == 16)
  }

  /// A window above maxReplicaCount holds only the maximum (a warning at its desiredReplicas);
  /// one not above minReplicaCount changes nothing (a note).
  @Test func cronWindowsOutsideTheReplicaRangeAreFlagged() throws {
    let findings = Self.year.lint(paths: [Self.fixture("cron-above-max.yaml")])
    #expect(findings.map(\.rule) == [.cronOutsideRange, .cronOutsideRange], "\(findings.map(\.message))")
    let above = try #require(findings.first)
    #expect(above.severity == .warning && above.line == 15 && above.column == 26, "\(above)")
    #expect(above.message.contains("desiredReplicas (30) is above maxReplicaCount (6)"), "\(above.message)")
    let below = try #require(findings.last)
    #expect(below.severity == .note && below.line == 21 && below.message.contains("changes nothing"), "\(below)")
  }

  @Test func aTargetAbove100IsFlagged() throws {
    let f = try #require(Self.only("target-above-100.yaml"))
    #expect(f.rule == .targetOutOfRange && f.line == 10 && f.severity == .warning, "\(f)")
  }

  /// Past Kubernetes' int32 the target is not a trap but an invalid manifest (capsim run
  /// --autoscaler refuses it): the strict reader's error, not the rule's warning at the same place.
  @Test func aTargetPastInt32IsAnError() throws {
    let text = try String(contentsOfFile: Self.fixture("target-above-100.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "averageUtilization: 150", with: "averageUtilization: 3000000000")
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString).yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let findings = Self.year.lint(paths: [path])
    #expect(findings.count == 1, "\(findings.map(\.message))")
    let f = try #require(findings.first)
    #expect(f.rule == .invalid && f.severity == .error && f.line == 10, "\(f)")
    #expect(f.message.contains("must be between 1 and 2147483647"), "\(f.message)")
  }

  @Test func aWellWrittenScaledObjectIsClean() {
    #expect(Self.year.lint(paths: [Self.fixture("clean.yaml")]).isEmpty)
  }

  /// A reader error stays a finding: a file capsim cannot read is never "clean".
  @Test func whatTheReaderRefusesIsAFinding() throws {
    let findings = Self.year.lint(paths: [KubernetesManifestTests.fixture("memory-metric.yaml")])
    #expect(findings.contains { $0.rule == .invalid && $0.severity == .error && $0.message.contains("memory") })
  }
}

/// The peak rule over a year of demand every 5 minutes: the window's open stretches are
/// found once per firing, not by asking each sample, and agree with asking it.
@Suite struct CronPeakTests {
  /// Demand peaks at 22:00-23:00 UTC every day, after the 22:10 Berlin end (21:10 UTC in winter).
  static let year: [(time: Double, rate: Double)] = stride(from: 1_767_225_600.0, to: 1_798_761_600, by: 300).map {
    t in
    let hour = Int(t.truncatingRemainder(dividingBy: 86_400) / 3_600)
    return (t, hour == 22 ? 100 : hour == 21 ? 95 : 10)
  }

  /// Each sample used to walk the cron fields for its next firings; now the stretches are
  /// walked once.
  @Test func aYearOfSamplesFindsTheWindowClosingBeforeThePeak() throws {
    let linter = ManifestLinter(
      from: 1_767_225_600, to: 1_798_761_600,
      pools: [
        ManifestLinter.Pool(
          deployment: "crm-de", territory: "DE", connectionsPerPod: 1, podLimit: 100, podLimitReason: "",
          demand: Self.year)
      ])
    let findings = linter.lint(paths: [ManifestLintTests.fixture("weekend-cron.yaml")])
    let f = try #require(findings.first { $0.rule == .cronEndsBeforePeak })
    #expect(f.message.contains("on 2026-01-01 the window closes at 22:10"), "\(f.message)")
  }

  /// `openStretches` answers as `isActive` at every instant: weekends, both clock changes and
  /// a window every quarter hour.
  @Test(arguments: [
    ("30 6 * * 1-5", "10 22 * * *", 1_767_225_600.0),  // January
    ("30 2 * * *", "0 4 * * *", 1_774_483_200),  // 26 March, the gap on the 29th
    ("30 2 * * *", "0 4 * * *", 1_792_108_800),  // 23 October, the repeated hour on the 25th
    ("*/15 * * * *", "5-59/15 * * * *", 1_767_225_600),
  ])
  func openStretchesAgreeWithIsActive(_ start: String, _ end: String, _ from: Double) throws {
    let cron = try CronTrigger.make(timezone: "Europe/Berlin", start: start, end: end, desiredReplicas: 3).get()
    let to = from + 7 * 86_400
    let open = cron.openStretches(from: from, to: to)
    var t = from
    while t < to {
      #expect(open.containsTime(t) == cron.isActive(at: t), "\(t)")
      t += 577.5
    }
  }
}

/// The ramp rule: a pool whose pod serves 10 requests/s at full cpu (0.1 cpu-s a request, one
/// core), ready 60 s after the scale-up, under 40 requests/s that climb to 200 (5x) in ten
/// minutes from 06:00 Berlin on Monday 7 December 2026, then stay there.
@Suite struct RampRuleTests {
  static let start = 1_796_619_600.0  // 2026-12-07 05:00 UTC, 06:00 in Berlin
  static let ramp: [(time: Double, rate: Double)] = stride(from: -7_200.0, through: 7_200, by: 60).map { t in
    (start + t, 40 + 160 * min(1, max(0, t / 600)))
  }
  static let linter = ManifestLinter(
    from: start - 7_200, to: start + 7_200,
    pools: [
      ManifestLinter.Pool(
        deployment: "crm-de", territory: "DE", connectionsPerPod: 10, podLimit: 100, podLimitReason: "",
        demand: ramp,
        serving: ManifestLinter.Serving(
          cpuPerRequest: 0.1, cores: 1, cpuRequest: 1_000, podReady: 60,
          clock: ZonedClock(identifier: "Europe/Berlin")!))
    ])

  static func findings(_ name: String) -> [Finding] {
    linter.lint(paths: [ManifestLintTests.fixture(name)]).filter { $0.rule == .rampOutrunsPool }
  }

  /// One pod a minute adds 10 in the ten minutes where 16 more are needed at full cpu (and 27
  /// at the 60% target): flagged at the scale-up policy that held it.
  @Test func aSlowScaleUpPolicyIsOutrun() throws {
    let found = Self.findings("ramp-slow-scale-up.yaml")
    let f = try #require(found.first, "no ramp finding")
    #expect(found.count == 1)
    #expect(
      f.severity == .warning && f.line == 18 && f.keyPath == "spec.behavior.scaleUp.policies[0]",
      "\(f.line) \(f.keyPath) \(f.message)")
    #expect(f.message.contains("on Mon 2026-12-07 06:"), "\(f.message)")
    #expect(f.message.contains("Pods 1 per 60 s"), "\(f.message)")
  }

  /// Kubernetes' default scale-up doubles every sync: the 40% headroom of a 60% target covers
  /// the 105 s from a sample to a new pod serving.
  @Test func theDefaultScaleUpKeepsUp() {
    #expect(Self.findings("ramp-default-behavior.yaml").isEmpty)
  }

  /// The top of the ramp needs 20 pods at full cpu: 12 is flagged at maxReplicaCount.
  @Test func maxReplicasBelowThePeakIsOutrun() throws {
    let f = try #require(Self.findings("ramp-max-replicas.yaml").first, "no ramp finding")
    #expect(f.line == 8 && f.keyPath == "spec.maxReplicaCount", "\(f)")
    #expect(f.message.contains("need 20 pods at full cpu and 12 are ready"), "\(f.message)")
  }

  /// At a 95% target a saturated pod (100% of its request) is within the HPA's 10% tolerance:
  /// one pod never becomes two, and the finding is at the target.
  @Test func aTargetASaturatedPodCannotPassIsOutrun() throws {
    let f = try #require(Self.findings("ramp-target-95.yaml").first, "no ramp finding")
    #expect(f.line == 14 && f.keyPath == "spec.metrics[0].resource.target.averageUtilization", "\(f.line) \(f.keyPath)")
    #expect(f.message.contains("at full cpu a pod shows 100% of its cpu request"), "\(f.message)")
  }

  /// 200 requests/s with a four-minute dip to 40 before 06:00, back at 200 by 06:02: without
  /// a scale-down window the pool drops to the dip's 7 pods and the return outruns it; with
  /// the default 300 s it keeps its pods through the dip.
  static let dip: [(time: Double, rate: Double)] = stride(from: -7_200.0, through: 7_200, by: 60).map { t in
    (start + t, t < -240 || t >= 120 ? 200 : t < 0 ? 40 : 40 + 160 * t / 120)
  }

  @Test func aDipWithoutAScaleDownWindowLetsTheRampOutrunThePool() throws {
    var dip = Self.linter
    dip.pools[0].demand = Self.dip
    let found = dip.lint(paths: [ManifestLintTests.fixture("ramp-scale-down-window-0.yaml")]).filter {
      $0.rule == .rampOutrunsPool
    }
    let f = try #require(found.first, "no ramp finding")
    #expect(
      f.line == 16 && f.keyPath == "spec.behavior.scaleDown.stabilizationWindowSeconds",
      "\(f.line) \(f.keyPath) \(f.message)")
    #expect(
      f.message.contains("the pool had scaled down from 34 to") && f.message.contains("window of 0 s"), "\(f.message)")
    #expect(dip.lint(paths: [ManifestLintTests.fixture("ramp-default-behavior.yaml")]).isEmpty)
  }

  /// A cron floor that ends at 06:00: the pool goes back to its cpu need at 06:05 (the
  /// default 300 s window), and the ramp at 06:10 (to 200 requests/s in two minutes) meets the
  /// smaller pool. Flagged at the end.
  @Test func aCronWindowThatEndsBeforeTheRampIsBlamedAtItsEnd() throws {
    var late = Self.linter
    late.pools[0].demand = stride(from: -7_200.0, through: 7_200, by: 60).map { t in
      (Self.start + t, t < 600 ? 40 : t >= 720 ? 200 : 40 + 160 * (t - 600) / 120)
    }
    let found = late.lint(paths: [ManifestLintTests.fixture("ramp-cron-ends-early.yaml")]).filter {
      $0.rule == .rampOutrunsPool
    }
    let f = try #require(found.first, "no ramp finding")
    #expect(f.line == 17 && f.keyPath == "spec.triggers[1].metadata.end", "\(f.line) \(f.keyPath) \(f.message)")
    #expect(f.message.contains("after its cron window closed at 06:00"), "\(f.message)")
  }

  /// A ScaledObject of cron windows only has no target, yet was told "the target leaves too
  /// little headroom for the ramp"; it is told that nothing follows the demand, at its triggers.
  @Test func cronWindowsAloneAreNotBlamedOnATarget() throws {
    let f = try #require(Self.findings("ramp-cron-only.yaml").first, "no ramp finding")
    #expect(f.keyPath == "spec.triggers", "\(f.keyPath) \(f.message)")
    #expect(f.message.contains("its triggers are cron windows only") && !f.message.contains("target"), "\(f.message)")
  }

  /// Without a ramp (the demand flat at 40 requests/s) nothing is outrun, even one pod a minute.
  @Test func aFlatDemandIsNeverOutrun() {
    var flat = Self.linter
    flat.pools[0].demand = Self.ramp.map { ($0.time, 40) }
    #expect(flat.lint(paths: [ManifestLintTests.fixture("ramp-slow-scale-up.yaml")]).isEmpty)
  }
}
