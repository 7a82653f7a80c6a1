import RunRecords

/// How a verdict's numbers read: latencies in milliseconds, error rate and availability in percent.
///
/// The unit follows the objective's name as `PlatformModel` writes it ("p95 latency", "database
/// p95", "error rate", "availability"); anything else is shown as recorded.
enum VerdictText {
  enum Unit {
    case milliseconds, percent, availability, plain

    init(objective: String) {
      let o = objective.lowercased()
      if o.contains("availability") {
        self = .availability
      } else if o.contains("error") {
        self = .percent
      } else if o.contains("latency") || o.contains("p95") || o.contains("p99") || o.contains("p50") {
        self = .milliseconds
      } else {
        self = .plain
      }
    }

    func format(_ v: Double) -> String {
      switch self {
      case .milliseconds: Format.milliseconds(v)
      case .percent: Format.percent(v, decimals: 2)
      case .availability: Format.percent(v, decimals: 3)
      case .plain: Format.short(v)
      }
    }

    /// A difference, signed ("+12.5 ms", "−0.30 %"); "±0.00 %" when it rounds to nothing.
    func delta(_ d: Double) -> String {
      let text = format(abs(d))
      guard !Self.isZero(text) else { return "±" + text }
      return d > 0 ? "+" + text : d < 0 ? "−" + text : "±" + text
    }

    /// Whether `d` shows as a change at all ("+0.00 %" does not).
    func shows(_ d: Double) -> Bool { d.isFinite && !Self.isZero(format(abs(d))) }

    /// No digit but zeros: "0.00 %", "0 ms".
    private static func isZero(_ text: String) -> Bool {
      !text.contains { $0.isNumber && $0 != "0" }
    }
  }

  /// "231 ms ± 12.0 ms".
  static func measured(_ v: VerdictRecord) -> String {
    let unit = Unit(objective: v.objective)
    guard let h = v.halfWidth, h.isFinite else { return unit.format(v.mean) }
    return unit.format(v.mean) + " ± " + unit.format(h)
  }

  /// "< 200 ms" or "≥ 99.900 %" (availability must reach its target, the rest stay under);
  /// "≤ 0.00 %" for a target of 0, which is met at 0 (a verdict passes at its target).
  static func target(_ v: VerdictRecord) -> String {
    guard let t = v.target else { return "–" }
    return (v.higherIsBetter ? "≥ " : t == 0 ? "≤ " : "< ") + Unit(objective: v.objective).format(t)
  }

  /// "310 ms at Mon 21 Dec 2026 11:00".
  static func worst(_ v: VerdictRecord) -> String {
    guard let local = v.worstWindowLocal else { return "–" }
    let when = LocalTime.readable(local)
    guard let value = v.worstValue else { return when }
    return Unit(objective: v.objective).format(value) + " at " + when
  }

  /// pass and info 0, marginal 1, fail 2: larger is worse.
  static func rank(_ outcome: String) -> Int {
    switch outcome.lowercased() {
    case "fail": 2
    case "marginal": 1
    default: 0
    }
  }

  /// Outcomes with their counts, in the order pass, marginal, fail, info, then any others.
  static func counts(_ verdicts: [VerdictRecord]) -> [(outcome: String, count: Int)] {
    var counts: [String: Int] = ["pass": 0, "marginal": 0, "fail": 0, "info": 0]
    for v in verdicts { counts[v.outcome.lowercased(), default: 0] += 1 }
    let known = ["pass", "marginal", "fail", "info"]
    return known.map { ($0, counts[$0]!) }
      + counts.keys.filter { !known.contains($0) }.sorted().map { ($0, counts[$0]!) }
  }

  /// Matches verdicts of two runs by territory, period, class and objective.
  struct Key: Hashable {
    var territory: String
    var period: String
    var requestClass: String
    var objective: String

    init(_ v: VerdictRecord) {
      territory = v.territory
      period = v.period
      requestClass = v.requestClass
      objective = v.objective
    }
  }
}
