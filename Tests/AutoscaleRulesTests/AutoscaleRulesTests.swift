import AutoscaleRules
import Autoscaling
import Foundation
import ManifestLint
import ScenarioFile
import Testing

@Suite struct RampLeadTests {
  /// Legacy limit max(2x, 4) per sync: 1 -> 4 -> 8 -> 16 -> 20 is 4 syncs; 2 -> 4 is one.
  @Test func theLegacyLimitDoublesOrAddsFour() {
    #expect(RampLead.syncs(from: 1, to: 20, behavior: nil) == 4)
    #expect(RampLead.syncs(from: 2, to: 4, behavior: nil) == 1)
    #expect(RampLead.syncs(from: 5, to: 5, behavior: nil) == 0)
  }

  /// The default behavior (4 pods or 100% per 15 s, the larger) adds to the count where the
  /// legacy limit takes max(2x, 4) as a count: 1 -> 5 -> 10 -> 20 (3 syncs, legacy 4) and
  /// 3 -> 7 -> 14 -> 28 -> 50 (4 syncs, legacy 3 -> 6 -> 12 -> 24 -> 48 -> 50, 5).
  @Test func theDefaultBehaviorAddsFourPodsOrDoubles() {
    #expect(RampLead.syncs(from: 1, to: 20, behavior: Behavior()) == 3)
    #expect(RampLead.syncs(from: 3, to: 50, behavior: Behavior()) == 4)
    #expect(RampLead.syncs(from: 3, to: 50, behavior: nil) == 5)
  }

  /// 2 pods per 60 s: from 2 to 8 takes three periods; syncs come every 15 s, so the 2nd, 3rd
  /// and 4th periods start at syncs 5 and 9: 2 -> 4 (sync 1), 6 (sync 5), 8 (sync 9).
  @Test func aPodsPolicyCountsItsPeriod() {
    let slow = Behavior(
      scaleUp: ScalingRules(policies: [ScalingPolicy(type: .pods, value: 2, periodSeconds: 60)]))
    #expect(RampLead.syncs(from: 2, to: 8, behavior: slow) == 9)
    let disabled = Behavior(scaleUp: ScalingRules(selectPolicy: .disabled))
    #expect(RampLead.syncs(from: 2, to: 8, behavior: disabled) == nil)
    // Lead: 9 syncs of 15 s, 120 s to Ready; from 0 pods KEDA's 30 s poll wakes the pool first.
    #expect(RampLead.seconds(from: 2, to: 8, behavior: slow, pollingInterval: 30, podReady: 120) == 255)
    #expect(
      RampLead.seconds(from: 0, to: 8, behavior: slow, pollingInterval: 30, podReady: 120)
        == Double(RampLead.syncs(from: 0, to: 8, behavior: slow)!) * 15 + 30 + 120)
  }
}

@Suite struct CronWindowsTests {
  static let berlin = ZonedClock(identifier: "Europe/Berlin")!

  /// Office hours 08:00-18:00 at 8 instances on Monday-Friday of two December weeks, 2 at night
  /// and at weekends.
  static func december() -> [DayNeed] {
    (7...20).map { day in
      let weekday = (day - 7) % 7 < 5
      return DayNeed(year: 2026, month: 12, day: day, hours: (0..<24).map { weekday && (8..<18).contains($0) ? 8 : 2 })
    }
  }

  /// One trigger for the ten weekdays, opened 5 minutes early, closed at 18:00; the weekend
  /// in between is shut by KEDA's own rule.
  @Test func weekdaysOfASeasonBecomeOneTriggerByDayOfMonth() throws {
    let windows = CronWindows.derive(days: Self.december(), floor: 2, clock: Self.berlin) { _ in 300 }
    #expect(windows.count == 1)
    let w = try #require(windows.first)
    #expect(w.start == "55 7 7-11,14-18 12 *" && w.end == "0 18 7-11,14-18 12 *" && w.desiredReplicas == 8, "\(w)")
    let cron = try CronTrigger.make(timezone: "Europe/Berlin", start: w.start, end: w.end, desiredReplicas: 8).get()
    for d in Self.december() {
      for hour in 0..<24 {
        let t = Double(Self.berlin.date(year: 2026, month: 12, day: d.day, hour: hour, minute: 30, second: 0))
        #expect(cron.isActive(at: t) == (d.hours[hour]! > 2), "12-\(d.day) \(hour):30")
      }
    }
  }

  /// A lead across the spring-forward gap counts real time: 90 minutes before 03:00 CEST
  /// (01:00 UTC) on 29 March 2026 is 00:30 CET, not the 01:30 the wall clock suggests, and
  /// never a time inside the gap.
  @Test func aLeadNeverLandsInTheGap() throws {
    let day = DayNeed(year: 2026, month: 3, day: 29, hours: (0..<24).map { (3..<6).contains($0) ? 6 : 1 })
    let w = try #require(CronWindows.derive(days: [day], floor: 1, clock: Self.berlin) { _ in 5_400 }.first)
    #expect(w.start == "30 0 29 3 *" && w.end == "0 6 29 3 *", "\(w)")
  }

  /// Windows that overlap across midnight are one window: two in one trigger would shut each
  /// other.
  @Test func overlappingDaysMerge() throws {
    let days = (1...3).map { DayNeed(year: 2026, month: 6, day: $0, hours: Array(repeating: 4, count: 24)) }
    let windows = CronWindows.derive(days: days, floor: 1, clock: Self.berlin) { _ in 600 }
    #expect(windows.count == 1 && windows[0].start == "50 23 31 5 *" && windows[0].end == "0 0 4 6 *", "\(windows)")
  }
}

/// Emit, read back through the strict reader a user's files go through, lint, compare.
@Suite struct ManifestTextTests {
  static let behavior = Behavior(
    scaleUp: ScalingRules(
      stabilizationWindowSeconds: 0, selectPolicy: .max,
      policies: [
        ScalingPolicy(type: .pods, value: 4, periodSeconds: 15),
        ScalingPolicy(type: .percent, value: 100, periodSeconds: 15),
      ]),
    scaleDown: ScalingRules(
      stabilizationWindowSeconds: 600, policies: [ScalingPolicy(type: .percent, value: 50, periodSeconds: 60)]))

  static func write(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rules-\(UUID().uuidString).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  @Test func anHPAReadsBackAsWritten() throws {
    let spec = HPASpec(minReplicas: 2, maxReplicas: 12, metrics: [.cpu(.utilization(70))], behavior: Self.behavior)
    let text = ManifestText(header: ["Derived by a test"], why: ["spec.minReplicas": "the night needs 2"])
      .hpa(name: "crm-de", deployment: "crm-de", spec: spec)
    #expect(text.hasPrefix("# Derived by a test\napiVersion: autoscaling/v2\n"))
    #expect(text.contains("  minReplicas: 2  # the night needs 2\n"))
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [path], log: log)
    #expect(log.diagnostics.isEmpty, "\(log.rendered())")
    guard case .hpa(let read)? = manifest.autoscaler(for: "crm-de")?.kind else {
      Issue.record("no HPA read back")
      return
    }
    #expect(read == spec)
    #expect(ManifestLinter(from: 1_767_225_600, to: 1_798_761_600).lint(paths: [path]).isEmpty)
  }

  /// Deployment names that YAML reads plain as a boolean or a number (`on`, `1234`, `1e3`) are
  /// quoted, so the manifest reads back (the derivation failed: "'on' is the boolean true").
  @Test(arguments: ["on", "1234", "1e3", "0x1f", "no", "crm-de"])
  func aNameYAMLWouldReadAsAnotherTypeIsQuoted(_ name: String) throws {
    let spec = HPASpec(minReplicas: 2, maxReplicas: 12, metrics: [.cpu(.utilization(70))])
    let text = ManifestText(header: ["Derived by a test"]).hpa(name: name, deployment: name, spec: spec)
    #expect(text.contains(name == "crm-de" ? "  name: crm-de\n" : "  name: \"\(name)\"\n"), "\(text)")
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [path], log: log)
    #expect(log.diagnostics.isEmpty, "\(log.rendered())")
    #expect(manifest.autoscaler(for: name) != nil)
  }

  @Test func aScaledObjectWithCronWindowsReadsBackAsWrittenAndLintsClean() throws {
    let windows = CronWindows.derive(days: CronWindowsTests.december(), floor: 2, clock: CronWindowsTests.berlin) { _ in
      300
    }
    var triggers = [Trigger(.cpu(.utilization(70)))]
    for (i, w) in windows.enumerated() {
      let cron = try CronTrigger.make(
        timezone: "Europe/Berlin", start: w.start, end: w.end, desiredReplicas: w.desiredReplicas
      ).get()
      triggers.append(Trigger(name: "christmas-\(i + 1)", .cron(cron)))
    }
    var spec = ScaledObjectSpec(name: "crm-de", target: "crm-de", triggers: triggers)
    spec.minReplicaCount = 2
    spec.maxReplicaCount = 12
    spec.behavior = Self.behavior
    let text = ManifestText(header: ["Derived by a test"]).scaledObject(
      name: "crm-de", deployment: "crm-de", spec: spec)
    let path = try Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: [path], log: log)
    #expect(log.diagnostics.isEmpty, "\(log.rendered())\n\(text)")
    guard case .scaledObject(let read)? = manifest.autoscaler(for: "crm-de")?.kind else {
      Issue.record("no ScaledObject read back:\n\(text)")
      return
    }
    #expect(read == spec)
    let findings = ManifestLinter(from: 1_767_225_600, to: 1_798_761_600).lint(paths: [path])
    #expect(findings.isEmpty, "\(findings.map(\.message))")
  }
}

@Suite struct DemandForecastTests {
  /// A day shape (24 hours) repeated with a steady rise of 0.01 an hour and no noise.
  static func series(days: Int, trend: Double = 0.01) -> [Double] {
    (0..<(24 * days)).map { t in
      let hour = t % 24
      let shape = (8..<18).contains(hour) ? 100.0 : 20.0
      return shape + trend * Double(t)
    }
  }

  /// Without noise, Holt-Winters' forecast of the next day is the shape plus the trend,
  /// within 1% of every hour's value.
  @Test func holtWintersFollowsShapeAndTrend() {
    let history = Self.series(days: 14)
    let model = DemandForecast.HoltWinters.fit(history, season: 24)
    let next = model.forecast(24)
    let truth = Array(Self.series(days: 15).suffix(24))
    for h in 0..<24 {
      #expect(abs(next[h] - truth[h]) <= 0.01 * truth[h], "hour \(h): \(next[h]) against \(truth[h])")
    }
  }

  /// Noise (a fixed pseudo-random ±10%) makes it fit smoother constants; the forecast's mean
  /// error stays within the noise.
  @Test func holtWintersThroughNoise() {
    var state: UInt64 = 42
    func noise() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 0.2 - 0.1
    }
    let history = Self.series(days: 21).map { $0 * (1 + noise()) }
    let next = DemandForecast.HoltWinters.fit(history, season: 24).forecast(24)
    let truth = Array(Self.series(days: 22).suffix(24))
    let relative = zip(next, truth).map { abs($0 - $1) / $1 }.reduce(0, +) / 24
    #expect(relative < 0.1, "mean relative error \(relative)")
  }

  /// The profile keeps the shape and takes the last season's level: with the trend, the last
  /// day is higher than the mean day, so the profile is scaled up.
  @Test func theSeasonalProfileKeepsTheShapeAtTheLastLevel() {
    let flat = DemandForecast.seasonalProfile(Self.series(days: 7, trend: 0), season: 24, horizon: 48)
    for (x, y) in zip(flat, Self.series(days: 2, trend: 0)) { #expect(abs(x - y) < 1e-9) }
    let rising = DemandForecast.seasonalProfile(Self.series(days: 7), season: 24, horizon: 24)
    #expect(rising[10] > 100 && rising[0] > 20)
  }
}
