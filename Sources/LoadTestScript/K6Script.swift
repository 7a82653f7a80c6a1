import Foundation
import SimKernel
import SimRandom

extension LoadTestPlan {
  /// The k6 script of the plan: a header saying where it comes from and how to run it, one
  /// k6 scenario per request class, thresholds from the objectives and the request functions.
  ///
  /// - Parameters:
  ///   - scenarioFile: the scenario's path, for the header.
  ///   - version: of the program writing it, for the header.
  ///   - command: how it was made, for the header (nil: left out).
  package func k6Script(scenarioFile: String, version: String, command: String? = nil) -> String {
    var out: [String] = []
    header(into: &out, scenarioFile: scenarioFile, version: version, command: command)
    out.append("import http from 'k6/http';")
    if case .closed = arrivals { out.append("import { sleep } from 'k6';") }
    out += [
      "",
      "const BASE_URL = __ENV.BASE_URL;",
      "if (!BASE_URL) {",
      "  throw new Error('BASE_URL is not set: k6 run -e BASE_URL=https://... script.js');",
      "}",
      "",
      "export const options = {",
      "  tags: { territory: \(JavaScript.string(territory)) },",
      "  scenarios: {",
    ]
    for c in classes { scenario(c, into: &out) }
    out += ["  },", "  thresholds: {"]
    thresholds(into: &out)
    out += ["  },", "};", ""]
    requests(into: &out)
    return out.joined(separator: "\n") + "\n"
  }

  private func header(into out: inout [String], scenarioFile: String, version: String, command: String?) {
    let x = Self.decimal(compression)
    let span = window.upperBound - window.lowerBound
    let windowText =
      calendar.map { "\($0.label(at: window.lowerBound)) to \($0.label(at: window.upperBound)) (\(Self.human(span)))" }
      ?? "\(Self.human(window.lowerBound)) to \(Self.human(window.upperBound)) of the run (\(Self.human(span)))"
    let requests =
      expectedRequests.map { "about \(Self.count($0)) requests in all" } ?? "requests depend on response times"
    let peak = classes.reduce(0) { $0 + $1.ramp.peak }
    let multiplier = "x growth \(Self.decimal(growth)) x the calendar's multiplier"
    let demand: [String]
    switch arrivals {
    case .closed(let think):
      demand = [
        "closed: \(Self.decimal(base)) users \(multiplier),",
        "\(peak) VUs at the peak; think time \(Self.thinkDescription(think)).",
        "\(requests.prefix(1).uppercased() + requests.dropFirst()) (VU-seconds / mean think time).",
      ]
    case .open(let unit):
      demand = [
        "open: \(Self.decimal(base))/s \(multiplier),",
        "\(Self.decimal(Double(peak) / Double(unit)))/s at the peak; \(requests).",
        "Targets are iterations per \(Self.unitName(unit)): k6 takes whole numbers, and the unit",
        "is the finest that keeps every class's requests to 1% (a second unless rates are small).",
        "VUs by Little's law: peak rate x p95 target (preAllocatedVUs), x app timeout (maxVUs).",
      ]
    }
    let fields: [(String, [String])] = [
      ("Scenario", ["\(scenarioName) (\(scenarioFile))"]),
      ("Made with", command.map { [$0] } ?? []),
      ("Territory", [territory + (calendar.map { ", local time \($0.timeZone.identifier)" } ?? "")]),
      ("Window", [windowText]),
      (
        "Compression",
        compression == 1
          ? ["none: the test lasts as long as the window, \(Self.human(testDuration))."]
          : [
            "\(x)x: the test lasts \(Self.human(testDuration)). Users, rates and think times are the",
            "scenario's, so the test meets the same peak, but ramps are \(x)x steeper and it",
            "issues \(x)x fewer requests than the window would.",
          ]
      ),
      ("Demand", demand),
      (
        "Left out",
        undriven.isEmpty
          ? []
          : [
            "\(undriven.joined(separator: ", ")): their share of the users rounds to no VU at",
            "any time, so this script's mix is not the scenario's (the shares below are the scenario's).",
          ]
      ),
      (
        "Stages",
        [
          "the demand every \(Self.human(step)) of the scenario (\(Self.human(step / compression)) of the test),",
          "linear in between; stages on one straight line merged.",
        ]
      ),
    ]
    out.append(
      "// k6 load test of territory \(JavaScript.comment(territory)), written by capsim \(JavaScript.comment(version))."
    )
    out.append("//")
    for (label, lines) in fields {
      for (i, text) in lines.enumerated() {
        let head = (i == 0 ? label + ":" : "").padding(toLength: 13, withPad: " ", startingAt: 0)
        out.append("// " + head + JavaScript.comment(text))
      }
    }
    out += ["//", "// Run:         k6 run -e BASE_URL=https://... script.js", ""]
  }

  /// Whether the scenario waives a class: the totals capsim run judges are then of the judged
  /// classes, which their requests' `judged` tag lets a threshold select.
  private var waivesAClass: Bool { classes.contains { $0.waiver != nil } }

  /// A class's request tags: its name, and whether it is judged when some class is not.
  private func tags(_ c: ClassLoad) -> String {
    "{ class: \(JavaScript.string(c.tag))\(waivesAClass && c.waiver == nil ? ", judged: 'yes'" : "") }"
  }

  private func scenario(_ c: ClassLoad, into out: inout [String]) {
    out.append("    // \(JavaScript.comment(c.name)): \(Self.percent(c.share)) of the requests.")
    // A quoted `'__proto__':` in an object literal sets its prototype instead of a key (that
    // class's scenario vanished); a computed key is a plain one.
    let key = c.tag == "__proto__" ? "[\(JavaScript.string(c.tag))]" : JavaScript.string(c.tag)
    out.append("    \(key): {")
    switch arrivals {
    case .closed:
      out += [
        "      executor: 'ramping-vus',",
        "      exec: \(JavaScript.string(c.function)),",
        "      tags: \(tags(c)),",
        "      startVUs: \(c.ramp.start),",
        // Users logging off finish the request in flight (as in the simulator), not their think time.
        "      gracefulRampDown: \(JavaScript.duration(milliseconds: Int(rounding: timeout * 1_000, .up) ?? 0)),",
      ]
    case .open(let unit):
      out += [
        "      executor: 'ramping-arrival-rate',",
        "      exec: \(JavaScript.string(c.function)),",
        "      tags: \(tags(c)),",
        "      timeUnit: \(JavaScript.duration(milliseconds: unit * 1_000)),",
        "      startRate: \(c.ramp.start),",
        "      preAllocatedVUs: \(c.preAllocatedVUs),",
        "      maxVUs: \(c.maxVUs),",
      ]
    }
    out.append("      stages: [")
    for s in c.ramp.stages {
      out.append("        { duration: \(JavaScript.duration(milliseconds: s.milliseconds)), target: \(s.target) },")
    }
    out += ["      ],", "    },"]
  }

  private func thresholds(into out: inout [String]) {
    let seasonList = seasons.joined(separator: ", ")
    let why: String
    switch (hasNormalLoad, seasons.isEmpty) {
    case (true, true): why = "the window is normal load, no season: the normal targets apply."
    case (false, _): why = "the window is all in a season (\(seasonList)): the season targets apply."
    case (true, false):
      why =
        "the window has normal load and \(seasonList); k6 judges the whole test at once, so each class's strictest target of the two applies."
    }
    out.append("    // Per class, the targets capsim run judges it by (the class's own, else the scenario's):")
    out.append("    // \(JavaScript.comment(why))")
    let both = hasNormalLoad && !seasons.isEmpty
    for c in classes {
      let tag = JavaScript.string("http_req_duration{class:\(c.tag)}")
      if let waiver = c.waiver {
        out.append(
          "    // \(JavaScript.comment(c.name)): no thresholds, the scenario waives it (\(JavaScript.comment(waiver))), as capsim run does."
        )
        continue
      }
      if both, let normal = objectives.p95(of: c.name, peak: false), let peak = objectives.p95(of: c.name, peak: true),
        normal != peak
      {
        let from = normal < peak ? "normal load's" : "the season's"
        out.append(
          "    // \(JavaScript.comment(c.name)): p95 \(Self.milliseconds(c.p95Target)) ms, \(from) (\(Self.milliseconds(normal)) ms normal, \(Self.milliseconds(peak)) ms in a season)."
        )
      }
      let p99 = c.p99Target.map { ", 'p(99)<\(Self.milliseconds($0))'" } ?? ""
      out.append("    \(tag): ['p(95)<\(Self.milliseconds(c.p95Target))'\(p99)],")
    }
    // With a class waived, capsim run's totals are of the judged classes: their requests are
    // tagged `judged`, and the totals' thresholds select them.
    let total = { (metric: String) in self.waivesAClass ? JavaScript.string(metric + "{judged:yes}") : metric }
    let which = waivesAClass ? "The judged classes together" : "All classes together"
    if let p99 = allP99Target {
      out.append("    // \(which): p99 < \(Self.milliseconds(p99)) ms, the scenario's p99 as capsim run judges it.")
      out.append("    \(total("http_req_duration")): ['p(99)<\(Self.milliseconds(p99))'],")
    }
    out.append("    // \(which): failed requests < \(Self.percent(objectives.errorRate)).")
    out.append("    \(total("http_req_failed")): ['rate<\(JavaScript.number(objectives.errorRate))'],")
    for c in classes where c.waiver == nil && c.errorRate != objectives.errorRate {
      out.append(
        "    \(JavaScript.string("http_req_failed{class:\(c.tag)}")): ['rate<\(JavaScript.number(c.errorRate))'],")
    }
  }

  private func requests(into out: inout [String]) {
    if case .closed(let think) = arrivals {
      out.append("// Think time: \(JavaScript.comment(Self.thinkDescription(think))), drawn for each request.")
      out.append("function think() {")
      out.append("  return \(Self.thinkExpression(think));")
      out += ["}", ""]
      // k6 keeps a VU's iteration count when a ramp down stops it and a ramp up starts it again,
      // so `iterationInScenario === 0` let a user who came back request at once (+45% on the
      // mornings of a compressed week). A gap since the VU's last iteration tells a log-on.
      out.append("// When this VU's last iteration ended (each VU has its own): 0 before its first.")
      out += ["let lastIterationEnd = 0;", ""]
    }
    for c in classes {
      out.append("// \(JavaScript.comment(c.name)): \(Self.percent(c.share)) of the requests.")
      out.append("export function \(c.function)() {")
      if case .closed = arrivals {
        out.append("  // A user logs on thinking, as in the simulator, then requests and thinks in turn: a VU")
        out.append("  // started (or started again after a ramp down stopped it) thinks first.")
        out.append("  if (Date.now() - lastIterationEnd > 1000) sleep(think());")
      }
      out.append(
        "  http.get(BASE_URL + \(JavaScript.string(c.path)), { tags: \(tags(c)) });")
      if case .closed = arrivals { out += ["  sleep(think());", "  lastIterationEnd = Date.now();"] }
      out += ["}", ""]
    }
    if out.last == "" { out.removeLast() }
  }

  // MARK: Think time

  static func thinkDescription(_ d: Distribution) -> String {
    switch d.kind {
    case .exponential(let m): return "exponential, mean \(human(m))"
    case .deterministic(let v): return "fixed, \(human(v))"
    case .uniform(let a, let b): return "uniform from \(human(a)) to \(human(b))"
    case .lognormal: return "lognormal, mean \(human(d.mean))"
    case .erlang(let k, let m): return "Erlang with \(k) phases, mean \(human(m))"
    default: return "mean \(human(d.mean)), drawn here from an exponential of that mean"
    }
  }

  /// A JavaScript expression drawing one think time in seconds.
  static func thinkExpression(_ d: Distribution) -> String {
    let n = JavaScript.number
    let exponential = { (mean: Double) in "-\(n(mean)) * Math.log(1 - Math.random())" }
    switch d.kind {
    case .exponential(let m): return exponential(m)
    case .deterministic(let v): return n(v)
    case .uniform(let a, let b): return "\(n(a)) + \(n(b - a)) * Math.random()"
    case .lognormal(let mu, let sigma):
      // Box-Muller: a standard normal from two uniforms.
      return
        "Math.exp(\(n(mu)) + \(n(sigma)) * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()))"
    case .erlang(let k, let m):
      return "Array.from({ length: \(k) }, () => \(exponential(m / Double(k)))).reduce((a, b) => a + b, 0)"
    default: return exponential(d.mean)
    }
  }

  // MARK: Numbers in words

  static func unitName(_ seconds: Int) -> String {
    switch seconds {
    case 1: return "second"
    case 60: return "minute"
    case 3_600: return "hour"
    default: return "\(seconds) s"
    }
  }

  /// `7 d`, `1.5 h`, `5 min`, `1.786 s`.
  static func human(_ seconds: Double) -> String {
    for (unit, size) in [("d", 86_400.0), ("h", 3_600), ("min", 60)] where abs(seconds) >= size {
      return "\(decimal(seconds / size)) \(unit)"
    }
    return "\(decimal(seconds)) s"
  }

  /// Up to three decimals, trailing zeros dropped.
  static func decimal(_ x: Double) -> String {
    var text = String(format: "%.3f", x)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }

  static func percent(_ share: Double) -> String { decimal((share * 1_000).rounded() / 10) + "%" }

  static func milliseconds(_ seconds: Double) -> String { JavaScript.number((seconds * 1_000_000).rounded() / 1_000) }

  /// `1,234,567`.
  static func count(_ x: Double) -> String {
    let digits = String(Int(rounding: x) ?? 0)
    var out = ""
    for (i, ch) in digits.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return String(out.reversed())
  }
}
