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
  /// Saturday's end, so KEDA is open from Friday 22:10 to Saturday 22:10 and again to Sunday
  /// 22:10 with no start: 2 stretches a weekend, and 2026 has 52 (2-4 January to 25-27
  /// December), so 104.
  @Test func aWeekdayStartWithADailyEndIsOpenOverTheWeekend() throws {
    let f = try #require(Self.only("weekend-cron.yaml"))
    #expect(f.rule == .cronOpenWithoutStart && f.line == 14 && f.column == 14 && f.severity == .warning)
    #expect(f.message.contains("from Fri 2026-01-02 22:10 to Sat 2026-01-03 22:10"), "\(f.message)")
    #expect(f.message.contains("and 103 more such stretches"), "\(f.message)")
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

  @Test func cooldownWithAFloorGovernsNothing() throws {
    let f = try #require(Self.only("cooldown.yaml"))
    #expect(f.rule == .cooldownOnlyToZero && f.line == 9 && f.column == 19)
    #expect(f.message.contains("minReplicaCount 2") && f.message.contains("300 s"), "\(f.message)")
  }

  @Test func aDeploymentWithReplicasUnderAnAutoscalerIsFlagged() throws {
    let f = try #require(Self.only("deployment-replicas.yaml"))
    #expect(f.rule == .deploymentReplicas && f.line == 6 && f.column == 13)
    #expect(f.message.contains("HorizontalPodAutoscaler crm-de at"), "\(f.message)")
  }

  /// The strict reader refuses it too; the linter says it once, under its own rule.
  @Test func minAboveMaxIsOneErrorAtMaxReplicas() throws {
    let f = try #require(Self.only("min-above-max.yaml"))
    #expect(f.rule == .minAboveMax && f.severity == .error && f.line == 7 && f.column == 16)
  }

  @Test func aTargetAbove100IsFlagged() throws {
    let f = try #require(Self.only("target-above-100.yaml"))
    #expect(f.rule == .targetOutOfRange && f.line == 10 && f.severity == .warning, "\(f)")
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
