/// Load over the time of a load test as k6's ramping executors take it: a start value, then
/// stages, each going linearly from the previous target to its own over its duration.
package struct Ramp: Equatable, Sendable {
  package struct Stage: Equatable, Sendable {
    /// Whole milliseconds: k6 reads them exactly, so the stages add up to the test's length.
    package var milliseconds: Int
    /// VUs, or iterations per time unit: k6 takes whole numbers only.
    package var target: Int

    package init(milliseconds: Int, target: Int) {
      self.milliseconds = milliseconds
      self.target = target
    }
  }

  package var start: Int
  package var stages: [Stage]

  package init(start: Int, stages: [Stage]) {
    self.start = start
    self.stages = stages
  }

  /// The ramp through `targets[i]` at `times[i]`, milliseconds from the start.
  ///
  /// `times[0]` is 0 and times never decrease. Consecutive stages on one straight line (the
  /// same target, or the same slope) become one stage: the load is the same, the script shorter.
  package init(times: [Int], targets: [Int]) {
    precondition(times.count == targets.count && !times.isEmpty, "one target per time")
    start = targets[0]
    stages = []
    for i in 1..<times.count {
      let next = Stage(milliseconds: times[i] - times[i - 1], target: targets[i])
      if let last = stages.last, Self.straight(from: target(before: stages.count - 1), last, next) {
        stages[stages.count - 1] = Stage(milliseconds: last.milliseconds + next.milliseconds, target: next.target)
      } else {
        stages.append(next)
      }
    }
  }

  /// The value a stage ramps from.
  private func target(before stage: Int) -> Int { stage == 0 ? start : stages[stage - 1].target }

  /// Whether `a` (from `from`) followed by `b` is a single straight line: equal slopes,
  /// compared exactly in double width (long tests times large targets overflow 64 bits).
  private static func straight(from: Int, _ a: Stage, _ b: Stage) -> Bool {
    guard a.milliseconds > 0 || a.target == from else { return false }  // a jump stays a jump
    let rise = (a.target - from).multipliedFullWidth(by: b.milliseconds)
    let next = (b.target - a.target).multipliedFullWidth(by: a.milliseconds)
    return rise.high == next.high && rise.low == next.low
  }

  /// The same ramp `factor` times faster: each stage's end moves from t to t / factor (in
  /// whole milliseconds, so the stages still add up), the targets stay.
  package func compressed(by factor: Double) -> Ramp {
    guard factor != 1 else { return self }
    var end = 0
    var previous = 0
    var faster: [Stage] = []
    for s in stages {
      end += s.milliseconds
      let scaled = Int((Double(end) / factor).rounded())
      faster.append(Stage(milliseconds: scaled - previous, target: s.target))
      previous = scaled
    }
    return Ramp(start: start, stages: faster)
  }

  /// Length of the test in milliseconds.
  package var milliseconds: Int { stages.reduce(0) { $0 + $1.milliseconds } }

  /// The largest target, or the start when larger.
  package var peak: Int { stages.reduce(start) { max($0, $1.target) } }

  /// The area under the ramp in target x seconds: VU-seconds, or iterations per time unit x
  /// seconds (divide by the time unit in seconds for iterations).
  package var area: Double {
    var from = Double(start)
    var sum = 0.0
    for s in stages {
      sum += (from + Double(s.target)) / 2 * Double(s.milliseconds) / 1_000
      from = Double(s.target)
    }
    return sum
  }
}
