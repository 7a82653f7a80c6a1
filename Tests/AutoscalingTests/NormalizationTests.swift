import Autoscaling
import Testing

/// The normalization, stabilization and behavior-rate cases of upstream horizontal_test.go,
/// re-expressed.
@Suite struct NormalizationTests {
  static let now = 1_000_000.0

  static func legacy(_ settings: ControllerSettings = .standard, min: Int = 1, max: Int = 1000) -> HorizontalController
  {
    HorizontalController(spec: HPASpec(minReplicas: min, maxReplicas: max), settings: settings)
  }

  /// `generateScalingRules(pods, podsPeriod, percent, percentPeriod, window)` with Max.
  static func rules(_ pods: Int, _ podsPeriod: Int, _ percent: Int, _ percentPeriod: Int, _ window: Int) -> ScalingRules
  {
    var policies: [ScalingPolicy] = []
    if pods != 0 { policies.append(ScalingPolicy(type: .pods, value: pods, periodSeconds: podsPeriod)) }
    if percent != 0 { policies.append(ScalingPolicy(type: .percent, value: percent, periodSeconds: percentPeriod)) }
    return ScalingRules(stabilizationWindowSeconds: window, selectPolicy: .max, policies: policies)
  }

  /// `generateEventsUniformDistribution`: events at the centres of equal segments of the last
  /// `period` seconds, oldest first.
  static func events(_ changes: [Int], over period: Double) -> [HorizontalController.ScaleEvent] {
    let segment = period / Double(changes.count)
    return changes.enumerated().map { i, change in
      HorizontalController.ScaleEvent(change: change, at: now - (period - segment * Double(i + 1) + segment / 2))
    }
  }

  /// Upstream's condition names, from a decision's reason.
  static func condition(_ reason: Reason) -> String {
    switch reason {
    case .rateLimited(let limit):
      if case .policy(.down, _, _) = limit { return "ScaleDownLimit" }
      if case .disabled(.down) = limit { return "ScaleDownLimit" }
      return "ScaleUpLimit"
    case .clampedToMax: return "TooManyReplicas"
    case .clampedToMin: return "TooFewReplicas"
    default: return "DesiredWithinRange"
    }
  }

  // MARK: TestNormalizeDesiredReplicas (legacy stabilization)

  struct LegacyCase: CustomTestStringConvertible, Sendable {
    var name: String
    var history: [(Int, Double)]
    var proposed: Int
    var stabilized: Int
    var logLength: Int
    var testDescription: String { name }
  }

  @Test(arguments: [
    LegacyCase(name: "empty log", history: [], proposed: 5, stabilized: 5, logLength: 1),
    LegacyCase(name: "stabilize", history: [(4, -120), (5, -60)], proposed: 3, stabilized: 5, logLength: 3),
    LegacyCase(name: "no stabilize", history: [(1, -120), (2, -60)], proposed: 3, stabilized: 3, logLength: 3),
    LegacyCase(
      name: "no stabilize - old recommendations", history: [(10, -600), (9, -540)], proposed: 3, stabilized: 3,
      logLength: 2),
    LegacyCase(
      name: "stabilize - old recommendations", history: [(10, -600), (4, -60), (5, -120), (9, -540)], proposed: 3,
      stabilized: 5, logLength: 4),
  ])
  func legacyStabilization(_ c: LegacyCase) {
    var hc = Self.legacy()
    hc.seed(recommendations: c.history.map { .init($0.0, at: Self.now + $0.1) })
    let d = hc.normalize(recommendation: c.proposed, current: 100, now: Self.now)
    #expect(d.stabilized == c.stabilized)
    #expect(hc.recommendations.count == c.logLength)
  }

  // MARK: TestNormalizeDesiredReplicasWithBehavior

  struct BehaviorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var history: [(Int, Double)]
    var current: Int
    var proposed: Int
    var stabilized: Int
    var stored: [Int]
    var upWindow = 0
    var downWindow = 0
    var testDescription: String { name }
  }

  @Test(arguments: [
    BehaviorCase(
      name: "empty recommendations for scaling down", history: [], current: 100, proposed: 5, stabilized: 5, stored: [5]
    ),
    BehaviorCase(
      name: "simple scale down stabilization", history: [(4, -120), (5, -60)], current: 100, proposed: 3, stabilized: 5,
      stored: [4, 5, 3], downWindow: 180),
    BehaviorCase(
      name: "simple scale up stabilization", history: [(4, -120), (5, -60)], current: 1, proposed: 7, stabilized: 4,
      stored: [4, 5, 7], upWindow: 300),
    BehaviorCase(
      name: "no scale down stabilization", history: [(1, -120), (2, -60)], current: 100, proposed: 3, stabilized: 3,
      stored: [1, 2, 3], upWindow: 300),
    BehaviorCase(
      name: "no scale up stabilization", history: [(4, -120), (5, -60)], current: 1, proposed: 3, stabilized: 3,
      stored: [4, 5, 3], downWindow: 300),
    BehaviorCase(
      name: "no scale down stabilization, reuse recommendation element", history: [(10, -600), (9, -540)], current: 100,
      proposed: 3, stabilized: 3, stored: [10, 3]),
    BehaviorCase(
      name: "no scale up stabilization, reuse recommendation element", history: [(10, -600), (9, -540)], current: 1,
      proposed: 100, stabilized: 100, stored: [10, 100]),
    BehaviorCase(
      name: "scale down stabilization, reuse one of obsolete recommendation element",
      history: [(10, -600), (4, -60), (5, -120), (9, -540)], current: 100, proposed: 3, stabilized: 5,
      stored: [10, 4, 5, 3], downWindow: 180),
    BehaviorCase(
      name: "scale up stabilization, reuse one of obsolete recommendation element",
      history: [(10, -6000), (6, -60), (5, -120), (9, -180)], current: 1, proposed: 100, stabilized: 5,
      stored: [100, 6, 5, 9], upWindow: 300),
  ])
  func behaviorStabilization(_ c: BehaviorCase) {
    let behavior = Behavior(
      scaleUp: ScalingRules(
        stabilizationWindowSeconds: c.upWindow,
        policies: [ScalingPolicy(type: .percent, value: 100_000, periodSeconds: 1)]),
      scaleDown: ScalingRules(
        stabilizationWindowSeconds: c.downWindow,
        policies: [ScalingPolicy(type: .percent, value: 100, periodSeconds: 1)]))
    var hc = HorizontalController(spec: HPASpec(minReplicas: 1, maxReplicas: 1000, behavior: behavior))
    hc.seed(recommendations: c.history.map { .init($0.0, at: Self.now + $0.1) })
    let d = hc.normalize(recommendation: c.proposed, current: c.current, now: Self.now)
    #expect(d.stabilized == c.stabilized)
    #expect(hc.recommendations.map(\.replicas) == c.stored)
  }

  // MARK: TestConvertDesiredReplicasWithRules (legacy limits; upstream's tests raise the factor to 8)

  @Test(arguments: [
    (5, 7, 3, 8, 7, "DesiredWithinRange"),
    (3, 1, 2, 8, 2, "TooFewReplicas"),
    (1, 0, 0, 10, 0, "DesiredWithinRange"),
    (20, 1000, 1, 10, 10, "TooManyReplicas"),
    (3, 1000, 1, 2000, 24, "ScaleUpLimit"),
  ])
  func legacyLimits(current: Int, desired: Int, min: Int, max: Int, expected: Int, condition: String) {
    var settings = ControllerSettings()
    settings.scaleUpLimitFactor = 8
    var hc = Self.legacy(settings, min: min, max: max)
    hc.seed()
    let d = hc.normalize(recommendation: desired, current: current, now: Self.now)
    #expect(d.desiredReplicas == expected)
    #expect(Self.condition(d.reason) == condition)
  }

  @Test func legacyScaleUpLimitIsTwiceOrFour() {
    for (current, limit) in [(1, 4), (2, 4), (3, 6), (10, 20)] {
      var hc = Self.legacy()
      hc.seed()
      #expect(hc.normalize(recommendation: 1000, current: current, now: Self.now).desiredReplicas == limit)
    }
  }

  // MARK: TestScalingWithRules (convertDesiredReplicasWithBehaviorRate)

  struct RateCase: CustomTestStringConvertible, Sendable {
    var name: String
    var up: [HorizontalController.ScaleEvent] = []
    var down: [HorizontalController.ScaleEvent] = []
    var min: Int
    var max: Int
    var upRules: ScalingRules? = nil
    var downRules: ScalingRules? = nil
    var current: Int
    var desired: Int
    var expected: Int
    var condition: String
    var testDescription: String { name }
  }

  static let rateCases: [RateCase] = [
    RateCase(
      name: "prenormalized desired replicas within range", min: 3, max: 8, current: 5, desired: 7, expected: 7,
      condition: "DesiredWithinRange"),
    RateCase(
      name: "prenormalized desired replicas < minReplicas", min: 2, max: 8, current: 3, desired: 1, expected: 2,
      condition: "TooFewReplicas"),
    RateCase(
      name: "prenormalized desired replicas within range when minReplicas is 0", min: 0, max: 10, current: 1,
      desired: 0, expected: 0, condition: "DesiredWithinRange"),
    RateCase(
      name: "maxReplicas is the limit because maxReplicas < scaleUpLimit", min: 1, max: 10, current: 20, desired: 1000,
      expected: 10, condition: "TooManyReplicas"),
    RateCase(
      name: "desired replica count is more than the maximum replica count", min: 100, max: 150, current: 100,
      desired: 1000, expected: 150, condition: "TooManyReplicas"),
    RateCase(
      name: "scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", min: 1, max: 2000,
      upRules: rules(0, 0, 1, 60, 0), current: 3, desired: 1000, expected: 4, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", min: 3,
      max: 2000, downRules: rules(20, 60, 0, 0, 0), current: 1000, desired: 3, expected: 980,
      condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleUp with default behavior", min: 1, max: 1000, current: 10, desired: 50, expected: 20,
      condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with pods policy larger than percent policy", min: 1, max: 1000,
      upRules: rules(100, 60, 100, 60, 0), current: 10, desired: 500, expected: 110, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with percent policy larger than pods policy", min: 1, max: 1000, upRules: rules(2, 60, 100, 60, 0),
      current: 10, desired: 500, expected: 20, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with spec MaxReplicas limitation with large pod policy", min: 1, max: 1000,
      upRules: rules(100, 60, 0, 0, 0), current: 10, desired: 50, expected: 50, condition: "DesiredWithinRange"),
    RateCase(
      name: "scaleUp with spec MaxReplicas limitation with large percent policy", min: 1, max: 1000,
      upRules: rules(10000, 60, 0, 0, 0), current: 10, desired: 50, expected: 50, condition: "DesiredWithinRange"),
    RateCase(
      name: "scaleUp with pod policy limitation", min: 1, max: 1000, upRules: rules(30, 60, 0, 0, 0), current: 10,
      desired: 50, expected: 40, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with percent policy limitation", min: 1, max: 1000, upRules: rules(0, 0, 200, 60, 0), current: 10,
      desired: 50, expected: 30, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleDown with percent policy larger than pod policy", min: 1, max: 1000,
      downRules: rules(20, 60, 1, 60, 300), current: 100, desired: 2, expected: 80, condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with pod policy larger than percent policy", min: 1, max: 1000,
      downRules: rules(2, 60, 1, 60, 300), current: 100, desired: 2, expected: 98, condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with spec MinReplicas=nil limitation with large pod policy", min: 1, max: 1000,
      downRules: rules(100, 60, 0, 0, 300), current: 10, desired: 0, expected: 1, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with spec MinReplicas limitation with large pod policy", min: 1, max: 1000,
      downRules: rules(100, 60, 0, 0, 300), current: 10, desired: 0, expected: 1, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with spec MinReplicas limitation with large percent policy", min: 5, max: 1000,
      downRules: rules(0, 0, 100, 60, 300), current: 10, desired: 2, expected: 5, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with pod policy limitation", min: 1, max: 1000, downRules: rules(5, 60, 0, 0, 300), current: 10,
      desired: 2, expected: 5, condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with percent policy limitation", min: 1, max: 1000, downRules: rules(0, 0, 50, 60, 300),
      current: 10, desired: 5, expected: 5, condition: "DesiredWithinRange"),
    RateCase(
      name: "scaleUp with spec MaxReplicas limitation with large pod policy and events",
      up: events([1, 5, 9], over: 120), min: 1, max: 200, upRules: rules(300, 60, 0, 0, 0), current: 100, desired: 500,
      expected: 200, condition: "TooManyReplicas"),
    RateCase(
      name: "scaleUp with spec MaxReplicas limitation with large percent policy and events",
      up: events([1, 5, 9], over: 120), min: 1, max: 200, upRules: rules(0, 0, 10000, 60, 0), current: 100,
      desired: 500, expected: 200, condition: "TooManyReplicas"),
    RateCase(
      name: "scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events",
      up: events([1, 5, 9], over: 120), min: 1, max: 1000, upRules: rules(5, 120, 0, 0, 0), current: 100, desired: 500,
      expected: 100, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with pod policy and previous scale up events", up: events([1, 5, 9], over: 120), min: 1, max: 1000,
      upRules: rules(150, 120, 0, 0, 0), current: 100, desired: 500, expected: 235, condition: "ScaleUpLimit"),
    RateCase(
      name: "scaleUp with percent policy and previous scale up events", up: events([1, 5, 9], over: 120), min: 1,
      max: 1000, upRules: rules(0, 0, 200, 120, 0), current: 100, desired: 500, expected: 255, condition: "ScaleUpLimit"
    ),
    RateCase(
      name: "scaleDown with default policy and previous events", down: events([1, 5, 9], over: 120), min: 1, max: 1000,
      current: 10, desired: 5, expected: 5, condition: "DesiredWithinRange"),
    RateCase(
      name: "scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
      down: events([1, 5, 9], over: 120), min: 1, max: 1000, downRules: rules(115, 120, 0, 0, 300), current: 100,
      desired: 0, expected: 1, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with spec MinReplicas limitation with large pod policy and previous events",
      down: events([1, 5, 9], over: 120), min: 5, max: 1000, downRules: rules(130, 120, 0, 0, 300), current: 100,
      desired: 0, expected: 5, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with spec MinReplicas limitation with large percent policy and previous events",
      down: events([1, 5, 9], over: 120), min: 5, max: 1000, downRules: rules(0, 0, 100, 120, 300), current: 100,
      desired: 2, expected: 5, condition: "TooFewReplicas"),
    RateCase(
      name: "scaleDown with pod policy limitation and previous events", down: events([1, 5, 9], over: 120), min: 1,
      max: 1000, downRules: rules(5, 120, 0, 0, 300), current: 100, desired: 2, expected: 100,
      condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with percent policy limitation and previous events", down: events([2, 4, 6], over: 120), min: 1,
      max: 1000, downRules: rules(0, 0, 50, 120, 300), current: 100, desired: 0, expected: 56,
      condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with previous events preventing further scale down", down: events([10, 10, 10], over: 120),
      min: 1, max: 1000, downRules: rules(0, 0, 10, 120, 300), current: 100, desired: 0, expected: 100,
      condition: "ScaleDownLimit"),
    RateCase(
      name: "scaleDown with with previous events still allowing more scale down",
      down: events([10, 10, 10], over: 120), min: 1, max: 1000, downRules: rules(0, 0, 1000, 120, 300), current: 10,
      desired: 5, expected: 5, condition: "DesiredWithinRange"),
    RateCase(
      name: "check 'outdated' flag for events for one behavior for up", up: events([8, 12, 9, 11], over: 120), min: 1,
      max: 1000, upRules: rules(1000, 60, 0, 0, 0), current: 100, desired: 200, expected: 200,
      condition: "DesiredWithinRange"),
    RateCase(
      name: "check that events were not marked 'outdated' for two different policies in the behavior for up",
      up: events([8, 12, 9, 11], over: 120), min: 1, max: 1000, upRules: rules(1000, 120, 100, 60, 0), current: 100,
      desired: 200, expected: 200, condition: "DesiredWithinRange"),
    RateCase(
      name: "check that events were marked 'outdated' for two different policies in the behavior for up",
      up: events([8, 12, 9, 11], over: 120), min: 1, max: 1000, upRules: rules(1000, 30, 100, 60, 0), current: 100,
      desired: 200, expected: 200, condition: "DesiredWithinRange"),
    RateCase(
      name: "check 'outdated' flag for events for one behavior for down", down: events([8, 12, 9, 11], over: 120),
      min: 1, max: 1000, downRules: rules(1000, 60, 0, 0, 300), current: 100, desired: 5, expected: 5,
      condition: "DesiredWithinRange"),
    RateCase(
      name: "check that events were not marked 'outdated' for two different policies in the behavior for down",
      down: events([8, 12, 9, 11], over: 120), min: 1, max: 1000, downRules: rules(1000, 120, 100, 60, 300),
      current: 100, desired: 5, expected: 5, condition: "DesiredWithinRange"),
    RateCase(
      name: "check that events were marked 'outdated' for two different policies in the behavior for down",
      down: events([8, 12, 9, 11], over: 120), min: 1, max: 1000, downRules: rules(1000, 30, 100, 60, 300),
      current: 100, desired: 5, expected: 5, condition: "DesiredWithinRange"),
  ]

  @Test(arguments: rateCases)
  func behaviorRate(_ c: RateCase) {
    let behavior = Behavior(scaleUp: c.upRules ?? ScalingRules(), scaleDown: c.downRules ?? ScalingRules())
    var hc = HorizontalController(spec: HPASpec(minReplicas: c.min, maxReplicas: c.max, behavior: behavior))
    hc.seed(scaleUpEvents: c.up, scaleDownEvents: c.down)
    let d = hc.normalize(recommendation: c.desired, current: c.current, now: Self.now)
    #expect(d.desiredReplicas == c.expected)
    #expect(Self.condition(d.reason) == c.condition)
  }

  // MARK: TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors

  @Test func scaleUpAndDownLimitsWithMinPolicy() {
    let rules = ScalingRules(
      stabilizationWindowSeconds: 300, selectPolicy: .min,
      policies: [
        ScalingPolicy(type: .pods, value: 2, periodSeconds: 60),
        ScalingPolicy(type: .percent, value: 50, periodSeconds: 60),
      ])
    let hc = HorizontalController(spec: HPASpec(maxReplicas: 10, behavior: Behavior(scaleUp: rules, scaleDown: rules)))
    #expect(hc.scaleUpLimit(current: 1, rules: rules, now: Self.now).0 == 2)
    #expect(hc.scaleDownLimit(current: 5, rules: rules, now: Self.now).0 == 3)
  }

  @Test func disabledSelectPolicyHoldsTheCount() {
    let behavior = Behavior(
      scaleUp: ScalingRules(selectPolicy: .disabled), scaleDown: ScalingRules(selectPolicy: .disabled))
    var hc = HorizontalController(spec: HPASpec(maxReplicas: 100, behavior: behavior))
    hc.seed()
    #expect(
      hc.normalize(recommendation: 50, current: 10, now: Self.now).reason == .rateLimited(.disabled(direction: .up)))
    #expect(
      hc.normalize(recommendation: 2, current: 10, now: Self.now + 600).reason
        == .rateLimited(.disabled(direction: .down)))
  }

  // MARK: TestStoreScaleEvents

  struct StoreCase: CustomTestStringConvertible, Sendable {
    var name: String
    var previous: [(Int, Double)]
    var longest: Int?
    var after: [(Int, Bool)]
    var changeWithin60: Int
    var testDescription: String { name }
  }

  @Test(arguments: [
    StoreCase(name: "empty entries with default behavior", previous: [], longest: nil, after: [], changeWithin60: 0),
    StoreCase(
      name: "empty entries with two-policy-behavior", previous: [], longest: 60, after: [(5, false)], changeWithin60: 0),
    StoreCase(
      name: "one outdated entry to be kept untouched without behavior", previous: [(7, -61)], longest: nil,
      after: [(7, false)], changeWithin60: 0),
    StoreCase(
      name: "one outdated entry to be replaced with behavior", previous: [(7, -61)], longest: 60, after: [(5, false)],
      changeWithin60: 0),
    StoreCase(
      name: "one actual entry to be not touched with behavior", previous: [(7, -58)], longest: 60,
      after: [(7, false), (5, false)], changeWithin60: 7),
    StoreCase(
      name: "two entries, one of them to be replaced", previous: [(7, -61), (6, -59)], longest: 60,
      after: [(5, false), (6, false)], changeWithin60: 6),
    StoreCase(
      name: "replace one entry, use policies with different periods",
      previous: [(8, -29), (6, -59), (7, -61), (9, -61)], longest: 60,
      after: [(8, false), (6, false), (7, true), (5, false)], changeWithin60: 14),
    StoreCase(
      name: "two entries, both actual", previous: [(7, -58), (6, -59)], longest: 120,
      after: [(7, false), (6, false), (5, false)], changeWithin60: 13),
  ])
  func storeScaleEvents(_ c: StoreCase) {
    var events = c.previous.map { HorizontalController.ScaleEvent(change: $0.0, at: Self.now + $0.1) }
    #expect(HorizontalController.change(within: 60, of: events, now: Self.now) == c.changeWithin60)
    if let longest = c.longest {  // without behavior upstream stores nothing
      HorizontalController.store(change: 5, in: &events, longest: longest, now: Self.now)
    }
    #expect(events.map(\.change) == c.after.map(\.0))
    #expect(events.map(\.outdated) == c.after.map(\.1))
  }
}
