import Autoscaling
import Foundation
import Testing

/// KEDA's cron_scaler_test.go re-expressed at fixed instants (upstream asks the wall clock
/// and branches on today's weekday), daylight saving in Europe/Berlin and Europe/Zurich in
/// 2026, and the ScaledObject's 0 <-> 1 loop, fallback and generated HPA.
@Suite struct KEDATests {
  /// Seconds since 1970 of an ISO 8601 instant with offset (2026-03-29T01:30:00Z).
  static func at(_ text: String) -> Double {
    let f = ISO8601DateFormatter()
    return f.date(from: text)!.timeIntervalSince1970
  }

  static func cron(_ tz: String, _ start: String, _ end: String, _ desired: Int = 10) -> CronTrigger {
    try! CronTrigger.make(timezone: tz, start: start, end: end, desiredReplicas: desired).get()
  }

  // MARK: TestCronParseMetadata

  struct Metadata: CustomTestStringConvertible, Sendable {
    var timezone: String?
    var start: String?
    var end: String?
    var desired: Int?
    var isError: Bool
    var testDescription: String {
      "\(timezone ?? "-") \(start ?? "-") \(end ?? "-") \(desired.map(String.init) ?? "-")"
    }
  }

  @Test(arguments: [
    Metadata(timezone: nil, start: nil, end: nil, desired: nil, isError: true),
    Metadata(timezone: "Etc/UTC", start: "0 0 * * Thu", end: "59 23 * * Thu", desired: 10, isError: false),
    Metadata(timezone: "Etc/UTC", start: "0 */2 * * *", end: "0 1-23/2 * * *", desired: 10, isError: false),
    Metadata(timezone: "Etc/UTC", start: "0,30 * * * *", end: "15,45 * * * *", desired: 10, isError: false),
    Metadata(timezone: "Asia/Kolkata", start: "30 * * * *", end: "45 * * * *", desired: nil, isError: true),
    Metadata(timezone: nil, start: "30 * * * *", end: "45 * * * *", desired: 10, isError: true),
    Metadata(timezone: "Asia/Kolkata", start: "30-33 * * * *", end: "45 * * * *", desired: 10, isError: false),
    Metadata(timezone: "Asia/Kolkata", start: "30 * * * *", end: "45-50 * * * *", desired: 10, isError: false),
    Metadata(timezone: "Asia/Kolkata", start: "-30 * * * *", end: "45 * * * *", desired: 10, isError: true),
    Metadata(timezone: "Asia/Kolkata", start: "30 * * * *", end: "-50 * * * *", desired: 10, isError: true),
    Metadata(timezone: "Asia/Kolkata", start: "30 * * * *", end: "50 * * -3 *", desired: 10, isError: true),
    Metadata(timezone: "Asia/Kolkata", start: "30 * * * *", end: "30 * * * *", desired: 10, isError: true),
  ])
  func parseMetadata(_ m: Metadata) {
    let result = CronTrigger.make(timezone: m.timezone, start: m.start, end: m.end, desiredReplicas: m.desired)
    if case .failure = result { #expect(m.isError) } else { #expect(!m.isError) }
  }

  /// Go's time.LoadLocation (under KEDA) loads IANA names only: an offset written as a name is
  /// refused, where Foundation would read it as a fixed +01:00.
  @Test(arguments: [
    ("UTC+1", false), ("GMT+1", false), ("UTC+01:00", false), ("+01:00", false), ("Local", false),
    ("../zoneinfo/UTC", false), ("zone.tab", false), ("UTC", true), ("Etc/UTC", true), ("Etc/GMT-1", true),
    ("GMT", true), ("Europe/Berlin", true),
  ])
  func timezoneIsAnIANAName(_ name: String, _ accepted: Bool) {
    let result = CronTrigger.make(timezone: name, start: "0 6 * * *", end: "0 20 * * *", desiredReplicas: 3)
    if case .failure(let e) = result {
      #expect(!accepted && e.field == "timezone", "\(e)")
    } else {
      #expect(accepted)
    }
  }

  // MARK: TestIsActive, TestIsActiveRange, TestGetMetrics, TestGetMetricsRange

  @Test(arguments: [
    ("2026-12-03T00:00:30Z", true), ("2026-12-03T12:00:00Z", true), ("2026-12-03T23:58:59Z", true),
    ("2026-12-03T23:59:30Z", false), ("2026-12-02T12:00:00Z", false), ("2026-12-04T00:30:00Z", false),
  ])
  func isActiveOnThursday(_ time: String, _ active: Bool) {
    let trigger = Self.cron("Etc/UTC", "0 0 * * Thu", "59 23 * * Thu")
    #expect(trigger.isActive(at: Self.at(time)) == active)
  }

  @Test(arguments: 0..<24)
  func isActiveInEvenHours(hour: Int) {
    let trigger = Self.cron("Etc/UTC", "0 */2 * * *", "0 1-23/2 * * *")
    let t = Self.at("2026-12-03T00:20:00Z") + Double(hour) * 3600
    #expect(trigger.isActive(at: t) == (hour % 2 == 0))
  }

  /// Outside the window the cron scaler reports 0 (cron_scaler.go since KEDA 2.18, #6888).
  @Test func theMetricIsDesiredReplicasWhileActiveElseZero() {
    let spec = ScaledObjectSpec(
      name: "so", target: "crm-de", triggers: [Trigger(.cron(Self.cron("Etc/UTC", "0 0 * * Thu", "59 23 * * Thu")))])
    var keda = KEDAController(spec: spec)
    _ = keda.sync(now: Self.at("2026-12-03T12:00:00Z"), currentReplicas: 1, pods: [], cpu: [:], capsim: [:])
    #expect(keda.triggerStates.map(\.value) == [10])
    _ = keda.sync(now: Self.at("2026-12-04T12:00:00Z"), currentReplicas: 1, pods: [], cpu: [:], capsim: [:])
    #expect(keda.triggerStates.map(\.value) == [0])
  }

  /// With metricType Value the window's end takes the pool down: 0 against the target is a
  /// proposal of 0, held to minReplicaCount once the scale-down window has passed (with 1
  /// reported, as before KEDA 2.18, the pool stayed at the window's count for ever).
  @Test func aValueCronWindowEndsAtTheMinimum() {
    var cron = Self.cron("Etc/UTC", "0 8 * * *", "0 9 * * *", 5)
    cron.metricType = .value
    var spec = ScaledObjectSpec(name: "v", target: "crm-de", triggers: [Trigger(.cron(cron))])
    spec.minReplicaCount = 1
    var keda = KEDAController(spec: spec)
    var replicas = 5
    var t = Self.at("2026-12-07T09:00:00Z")
    var held = 0
    while t <= Self.at("2026-12-07T09:10:00Z") {
      replicas =
        keda.sync(now: t, currentReplicas: replicas, pods: Self.pods(replicas), cpu: [:], capsim: [:])
        .desiredReplicas
      if t == Self.at("2026-12-07T09:04:45Z") { held = replicas }
      t += 15
    }
    #expect(keda.triggerStates.map(\.value) == [0])
    #expect(held == 5)
    #expect(replicas == 1)
  }

  /// KEDA counts only External metrics as activity (scale_handler.go): a cpu trigger beside a
  /// cron window keeps nothing awake, so with minReplicaCount 0 the pool goes to 0 a cooldown
  /// after the window however busy its pods are, and cpu never wakes it from 0.
  @Test func cpuBesideOtherTriggersIsNotActivity() {
    var spec = ScaledObjectSpec(
      name: "web", target: "crm-de",
      triggers: [
        Trigger(.cpu(.utilization(50))), Trigger(name: "day", .cron(Self.cron("Etc/UTC", "0 8 * * *", "0 9 * * *", 2))),
      ])
    spec.cooldownPeriod = 60
    var keda = KEDAController(spec: spec)
    let busy = Dictionary(
      uniqueKeysWithValues: Self.pods(2).map {
        ($0.name, CPUSample(usage: 450, timestamp: Self.at("2026-12-07T09:59:30Z"), window: 30))
      })
    var d = keda.sync(
      now: Self.at("2026-12-07T10:00:00Z"), currentReplicas: 2, pods: Self.pods(2), cpu: busy, capsim: [:])
    #expect(keda.triggerStates.map(\.active) == [false, false])
    d = keda.sync(now: Self.at("2026-12-07T10:01:00Z"), currentReplicas: 2, pods: Self.pods(2), cpu: busy, capsim: [:])
    #expect(d.desiredReplicas == 0 && d.reason == .deactivated(cooldownSeconds: 0), "\(d)")
    d = keda.sync(now: Self.at("2026-12-07T10:02:00Z"), currentReplicas: 0, pods: [], cpu: [:], capsim: [:])
    #expect(d.desiredReplicas == 0)
    // cpu alone (minReplicaCount at least 1, as KEDA's webhook asks) is always active
    var only = ScaledObjectSpec(name: "cpu", target: "crm-de", triggers: [Trigger(.cpu(.utilization(50)))])
    only.minReplicaCount = 1
    var cpuOnly = KEDAController(spec: only)
    _ = cpuOnly.sync(now: 0, currentReplicas: 2, pods: Self.pods(2), cpu: busy, capsim: [:])
    #expect(cpuOnly.triggerStates.map(\.active) == [true])
  }

  // MARK: TestCronGetMetricSpecForScaling

  @Test(arguments: [
    (0, "0 0 * * Thu", "59 23 * * Thu", "s0-cron-Etc-UTC-00xxThu-5923xxThu"),
    (1, "0 */2 * * *", "0 1-23/2 * * *", "s1-cron-Etc-UTC-0xSl2xxx-01-23Sl2xxx"),
    (2, "0,30 * * * *", "15,45 * * * *", "s2-cron-Etc-UTC-0Cm30xxxx-15Cm45xxxx"),
  ])
  func metricNames(index: Int, start: String, end: String, name: String) {
    #expect(Trigger(.cron(Self.cron("Etc/UTC", start, end))).metricSpec(index: index).name == name)
  }

  // MARK: Daylight saving (robfig/cron v3 as KEDA uses it)

  struct Window: CustomTestStringConvertible, Sendable {
    var name: String
    var zone: String
    var start: String
    var end: String
    var instant: String
    var active: Bool
    var testDescription: String { "\(name) at \(instant)" }
  }

  @Test(arguments: [
    // 29 March 2026, Berlin: 02:00-03:00 does not exist. The 02:30 start is skipped that day,
    // so from the 28th's start on the next end (29th 04:00) comes before the next start
    // (30th 02:30): the 28th's window stays open until the 29th's end, 25.5 hours.
    Window(
      name: "spring forward: normal day before", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-28T01:00:00+01:00", active: false),
    Window(
      name: "spring forward: the 28th's window opens", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-28T02:45:00+01:00", active: true),
    Window(
      name: "spring forward: still open after the 28th's end", zone: "Europe/Berlin", start: "30 2 * * *",
      end: "0 4 * * *", instant: "2026-03-28T12:00:00+01:00", active: true),
    Window(
      name: "spring forward: open through the gap", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-29T03:30:00+02:00", active: true),
    Window(
      name: "spring forward: closed at the 29th's end", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-29T04:00:30+02:00", active: false),
    Window(
      name: "spring forward: the 30th as usual", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-30T02:45:00+02:00", active: true),
    Window(
      name: "spring forward in Zurich too", zone: "Europe/Zurich", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-03-28T20:00:00+01:00", active: true),
    // 25 October 2026, Berlin: 02:00-03:00 happens twice. 02:30 fires in both; the end at
    // 03:00 lies after the second, so the window is open only from the second 02:30 (CET).
    Window(
      name: "fall back: first 02:30 (CEST) does not open", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 3 * * *",
      instant: "2026-10-25T02:40:00+02:00", active: false),
    Window(
      name: "fall back: second 02:30 (CET) opens", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 3 * * *",
      instant: "2026-10-25T02:40:00+01:00", active: true),
    Window(
      name: "fall back: closed at 03:00 CET", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 3 * * *",
      instant: "2026-10-25T03:05:00+01:00", active: false),
    // The README's example, end 04:00: open from the second 02:30 (CET) until 04:00 CET.
    Window(
      name: "fall back to 04:00: first 02:30 (CEST) does not open", zone: "Europe/Berlin", start: "30 2 * * *",
      end: "0 4 * * *", instant: "2026-10-25T02:40:00+02:00", active: false),
    Window(
      name: "fall back to 04:00: open at 03:45 CET", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-10-25T03:45:00+01:00", active: true),
    Window(
      name: "fall back to 04:00: closed at 04:00 CET", zone: "Europe/Berlin", start: "30 2 * * *", end: "0 4 * * *",
      instant: "2026-10-25T04:00:30+01:00", active: false),
    // Office hours follow local time across the change: 06:00 is 05:00Z in winter, 04:00Z in summer
    Window(
      name: "office hours before the change", zone: "Europe/Berlin", start: "0 6 * * 1-5", end: "0 20 * * 1-5",
      instant: "2026-03-23T04:30:00Z", active: false),
    Window(
      name: "office hours after the change", zone: "Europe/Berlin", start: "0 6 * * 1-5", end: "0 20 * * 1-5",
      instant: "2026-03-30T04:30:00Z", active: true),
    Window(
      name: "office hours after the autumn change", zone: "Europe/Zurich", start: "0 6 * * 1-5", end: "0 20 * * 1-5",
      instant: "2026-10-26T04:30:00Z", active: false),
    // The weekend rule (kedacore/keda#4677): a weekday start with a daily end stays open from
    // Friday 06:30 until Sunday's end at 22:10.
    Window(
      name: "weekend rule: Friday night", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-04T23:00:00+01:00", active: true),
    Window(
      name: "weekend rule: Saturday noon", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-05T12:00:00+01:00", active: true),
    Window(
      name: "weekend rule: Sunday 22:05", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-06T22:05:00+01:00", active: true),
    Window(
      name: "weekend rule: Sunday 22:15", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-06T22:15:00+01:00", active: false),
    Window(
      name: "weekend rule: Monday 06:31", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-07T06:31:00+01:00", active: true),
    Window(
      name: "weekend rule: Tuesday night", zone: "Europe/Berlin", start: "30 6 * * 1-5", end: "10 22 * * *",
      instant: "2026-12-08T23:00:00+01:00", active: false),
  ])
  func daylightSavingAndWeekends(_ w: Window) {
    #expect(Self.cron(w.zone, w.start, w.end).isActive(at: Self.at(w.instant)) == w.active)
  }

  @Test(arguments: [
    // robfig/cron spec_test.go's daylight-saving cases, moved to Berlin's 2026 changes
    ("2026-03-29T00:00:00+01:00", "0 2 * * *", "2026-03-30T02:00:00+02:00"),  // 2am nightly job skipped
    ("2026-03-29T00:00:00+01:00", "0 * * * *", "2026-03-29T01:00:00+01:00"),
    ("2026-03-29T01:00:00+01:00", "0 * * * *", "2026-03-29T03:00:00+02:00"),  // hourly job jumps the gap
    ("2026-10-25T00:00:00+02:00", "0 2 * * *", "2026-10-25T02:00:00+02:00"),
    ("2026-10-25T02:00:00+02:00", "0 2 * * *", "2026-10-25T02:00:00+01:00"),  // 2am nightly job runs twice
    ("2026-10-25T02:00:00+01:00", "0 2 * * *", "2026-10-26T02:00:00+01:00"),
    ("2026-03-29T00:00:00+01:00", "30 2 29 3 *", "2027-03-29T02:30:00+02:00"),  // only firing in the gap: next year
  ])
  func nextFiring(after: String, schedule: String, expected: String) throws {
    let s = try CronSchedule.parse(schedule).get()
    let next = s.next(after: Self.at(after), in: ZonedClock(identifier: "Europe/Berlin")!)
    #expect(next == Self.at(expected))
  }

  // MARK: The ScaledObject

  static func pods(_ n: Int) -> [Pod] {
    (0..<n).map { Pod(name: "p\($0)", readiness: .init(ready: true, since: 0), startTime: 0, cpuRequest: 500) }
  }

  @Test func theGeneratedHPACopiesBehaviorAndLiftsMinToOne() {
    let behavior = Behavior(scaleDown: ScalingRules(stabilizationWindowSeconds: 60))
    var spec = ScaledObjectSpec(
      name: "crm", target: "crm-de",
      triggers: [
        Trigger(.cpu(.utilization(70))), Trigger(.cron(Self.cron("Europe/Berlin", "0 6 * * *", "0 20 * * *"))),
      ])
    spec.behavior = behavior
    let hpa = spec.hpaSpec
    #expect(spec.hpaName == "keda-hpa-crm")
    #expect(hpa.behavior == behavior)
    #expect(hpa.minReplicas == 1)
    #expect(hpa.maxReplicas == 100)
    #expect(hpa.metrics.map(\.source) == [.external, .resource])
  }

  /// A cron window from 08:00 to 09:00 UTC asking for 10 pods, minReplicaCount 0, cooldown
  /// 600 s: KEDA wakes the pool, the HPA ramps it (max(2x, 4) per sync), after the window the
  /// HPA holds 10 for its 5-minute window and drops to its minimum 1, and only the cooldown,
  /// counted from KEDA's last active poll, takes it to 0.
  @Test func cronWindowWakesRampsAndSleeps() {
    var spec = ScaledObjectSpec(
      name: "pre", target: "crm-de",
      triggers: [Trigger(name: "christmas", .cron(Self.cron("Etc/UTC", "0 8 * * *", "0 9 * * *")))])
    spec.cooldownPeriod = 600
    var keda = KEDAController(spec: spec)
    var replicas = 0
    var log: [(Double, Int, Reason)] = []
    var t = Self.at("2026-12-07T07:59:00Z")
    while t < Self.at("2026-12-07T09:15:00Z") {
      let d = keda.sync(now: t, currentReplicas: replicas, pods: Self.pods(replicas), cpu: [:], capsim: [:])
      if d.desiredReplicas != replicas { log.append((t, d.desiredReplicas, d.reason)) }
      replicas = d.desiredReplicas
      t += 15
    }
    let start = Self.at("2026-12-07T08:00:00Z")
    #expect(log.count >= 5)
    #expect(log[0].0 == start && log[0].1 == 1 && log[0].2 == .activated(triggers: ["christmas"]))
    #expect(log[1].0 == start + 15 && log[1].1 == 4)
    #expect(log[2].0 == start + 30 && log[2].1 == 8 && log[2].2 == .rateLimited(.legacyScaleUp(limit: 8)))
    #expect(
      log[3].0 == start + 45 && log[3].1 == 10
        && log[3].2 == .cronWindowActive(trigger: "christmas", desiredReplicas: 10))
    // after 09:00 the metric is 0 (KEDA's value outside the window); the HPA's 5-minute
    // window holds 10, then drops to its minimum 1 ...
    let end = Self.at("2026-12-07T09:00:00Z")
    let down = log.first { $0.0 > end && $0.1 < 10 }!
    #expect(down.1 == 1 && down.2 == .clampedToMin(1), "\(down)")
    #expect(down.0 == end + 300)
    // ... and KEDA's cooldown, counted from its last active poll (08:59:30), takes it to 0
    let zero = log.last!
    #expect(zero.1 == 0 && zero.2 == .deactivated(cooldownSeconds: 600))
    #expect(zero.0 == Self.at("2026-12-07T09:10:00Z"))
  }

  @Test func prometheusBelowActivationStaysAtZeroAboveScalesOnThreshold() {
    var trigger = PrometheusTrigger(
      query: "sum(capsim_requests_per_second)", series: CapsimSeries(metric: .requestsPerSecond), threshold: 100)
    trigger.activationThreshold = 300
    let spec = ScaledObjectSpec(name: "rps", target: "crm-de", triggers: [Trigger(.prometheus(trigger))])
    var keda = KEDAController(spec: spec)
    let key = "capsim_requests_per_second"
    var d = keda.sync(now: 0, currentReplicas: 0, pods: [], cpu: [:], capsim: [key: 250])
    #expect(d.desiredReplicas == 0)
    d = keda.sync(now: 30, currentReplicas: 0, pods: [], cpu: [:], capsim: [key: 350])
    #expect(d.desiredReplicas == 1 && d.reason == .activated(triggers: ["prometheus[0]"]))
    d = keda.sync(now: 45, currentReplicas: 1, pods: Self.pods(1), cpu: [:], capsim: [key: 350])
    #expect(d.recommendation == 4)  // 350 rps / 100 per pod
  }

  @Test func fallbackAfterTheThresholdOfFailures() {
    var spec = ScaledObjectSpec(
      name: "rps", target: "crm-de",
      triggers: [
        Trigger(
          .prometheus(
            PrometheusTrigger(
              query: "capsim_requests_per_second", series: CapsimSeries(metric: .requestsPerSecond), threshold: 100)))
      ])
    spec.minReplicaCount = 1
    spec.fallback = Fallback(failureThreshold: 2, replicas: 6)
    var keda = KEDAController(spec: spec)
    var reasons: [Reason] = []
    for i in 0..<3 {
      let d = keda.sync(now: Double(i) * 15, currentReplicas: 3, pods: Self.pods(3), cpu: [:], capsim: [:])
      reasons.append(d.reason)
      if i == 2 { #expect(d.desiredReplicas == 6 && d.metrics[0].metric.hasSuffix("(fallback)")) }
    }
    #expect(reasons[0] == .missingMetrics(failed: ["external s0-prometheus"]))
    #expect(reasons[1] == .missingMetrics(failed: ["external s0-prometheus"]))
  }

  /// A Value trigger falls back too (KEDA 2.18, #6655): `doFallback` divides the fallback's
  /// replicas by the ready pods, so the HPA's Value ratio times the ready pods gives them back.
  @Test func aValueTriggerFallsBackThroughTheReadyPods() {
    var trigger = PrometheusTrigger(
      query: "capsim_requests_per_second", series: CapsimSeries(metric: .requestsPerSecond), threshold: 100)
    trigger.metricType = .value
    var spec = ScaledObjectSpec(name: "rps", target: "crm-de", triggers: [Trigger(.prometheus(trigger))])
    spec.minReplicaCount = 1
    spec.fallback = Fallback(failureThreshold: 1, replicas: 6)
    var keda = KEDAController(spec: spec)
    var d = keda.sync(now: 0, currentReplicas: 3, pods: Self.pods(3), cpu: [:], capsim: [:])
    #expect(d.desiredReplicas == 3)
    d = keda.sync(now: 15, currentReplicas: 3, pods: Self.pods(3), cpu: [:], capsim: [:])
    #expect(d.desiredReplicas == 6 && d.metrics[0].metric.hasSuffix("(fallback)"), "\(d)")
  }

  // MARK: Prometheus queries

  @Test(arguments: [
    ("capsim_requests_per_second", "capsim_requests_per_second"),
    ("sum(capsim_requests_per_second{deployment=\"crm-de\"})", "capsim_requests_per_second"),
    ("max(capsim_latency_p95_seconds)", "capsim_latency_p95_seconds"),
    ("sum(rate(capsim_requests_total{deployment=\"crm-de\"}[2m]))", "rate(capsim_requests_total[120s])"),
    ("rate(capsim_requests_total[30s])", "rate(capsim_requests_total[30s])"),
    (
      "sum(rate(capsim_ingress_requests_total{deployment=\"crm-de\"}[2m]))", "rate(capsim_ingress_requests_total[120s])"
    ),
  ])
  func acceptedQueries(_ query: String, _ key: String) throws {
    #expect(try PrometheusQuery.parse(query).get().key == key)
  }

  @Test(arguments: [
    ("http_requests_total", "metric 'http_requests_total' is not recorded by capsim"),
    ("histogram_quantile(0.95, sum(rate(x_bucket[5m])) by (le))", "function 'histogram_quantile' is not supported"),
    ("sum by (pod) (capsim_requests_per_second)", "'sum by (...)' is not supported"),
    ("capsim_requests_per_second * 2", "operator '*' is not supported"),
    ("capsim_requests_total", "capsim_requests_total is a counter"),
    (
      "capsim_ingress_requests_total",
      "capsim_ingress_requests_total is a counter: query rate(capsim_ingress_requests_total[1m])"
    ),
    ("rate(capsim_latency_p95_seconds[1m])", "rate() of capsim_latency_p95_seconds is not supported"),
    ("capsim_requests_per_second{pod=\"a\"}", "label 'pod' is not recorded by capsim"),
    ("capsim_requests_per_second{deployment=~\"crm.*\"}", "label matcher '=~' is not supported"),
    ("sum(sum(capsim_requests_per_second))", "nested aggregation 'sum(...)' is not supported"),
  ])
  func refusedQueries(_ query: String, _ message: String) {
    guard case .failure(let refusal) = PrometheusQuery.parse(query) else {
      Issue.record("accepted \(query)")
      return
    }
    #expect(refusal.message.contains(message), "\(refusal.message)")
  }

  @Test(arguments: [
    ("500m", 500), ("1", 1000), ("1.5", 1500), ("0.1", 100), ("2k", 2_000_000), ("1Ki", 1_024_000), ("1e3", 1_000_000),
    ("1n", 1), ("250u", 1),
  ])
  func quantities(_ text: String, _ milli: Int64) {
    #expect(KubernetesQuantity.milli(text) == milli)
  }

  /// A per-HPA tolerance is read as a float (upstream's AsApproximateFloat64): 0.0005 was
  /// rounded up to 1m, so 1251% against a 1250% target stayed "within tolerance".
  @Test(arguments: [
    ("0.0005", 0.0005), ("500m", 0.5), ("1Ki", 1024), ("1e-4", 0.0001), ("2k", 2000), ("-1.5", -1.5), ("250u", 0.00025),
  ])
  func approximateQuantities(_ text: String, _ value: Double) throws {
    let x = try #require(KubernetesQuantity.approximate(text))
    #expect(abs(x - value) <= 1e-12 * max(1, abs(value)), "\(x)")
  }
}
