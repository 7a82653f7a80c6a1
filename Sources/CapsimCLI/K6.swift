import ArgumentParser
import Demand
import Foundation
import LoadTestScript
import PlatformModel
import ScenarioFile
import Suggestions
import TextReports

/// `capsim k6`: a k6 script that replays a territory's demand from a platform scenario.
struct K6: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "k6",
    abstract: "Write a k6 load test script whose stages follow a platform scenario's demand.",
    discussion: """
      The script replays one territory's demand (users or rate x growth x the calendar's \
      multiplier) over the run or a --from/--to window: ramping-vus stages for concurrent \
      users (with their think time), ramping-arrival-rate stages for an open arrival rate. \
      Each request class with a weight in the mix is a k6 scenario with its share of the \
      demand, tagged class:<name>; the objectives become thresholds (p95 per class, error \
      rate), with the strictest target that applies in the window.

      A real week is impractical as a load test: --compress or --duration replays the window \
      faster. Users, rates and think times stay as the scenario has them, so the test meets \
      the same peak, with steeper ramps and fewer requests.

      Examples:
        capsim k6 scenarios/platform-christmas-2026.yaml --territory DE --out christmas-de.js
        capsim k6 scenarios/platform-christmas-2026.yaml --territory DE --duration 1h
        capsim k6 scenarios/platform-christmas-2026.yaml --territory CH --from 2026-12-08T06:00 --to 2026-12-08T20:00
        capsim k6 scenarios/platform-normal-week.yaml --territory DE --path list=/api/leads --set demand.DE.growth=1.5
        k6 run -e BASE_URL=https://staging.example.com christmas-de.js
      """)

  @Argument(help: "The platform scenario (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @Option(help: "The territory to load test (required when the scenario has more than one).")
  var territory: String?

  @Option(
    help: ArgumentHelp(
      "Start of the window (default: the run's start).",
      discussion:
        "A local date or date-time in the territory's time zone, such as 2026-12-08 or 2026-12-08T06:00; without a calendar, a duration from the start (2h).",
      valueName: "date-time"))
  var from: String?

  @Option(help: ArgumentHelp("End of the window, excluded (default: the run's end).", valueName: "date-time"))
  var to: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Replay the window this many times faster (at least 1).", valueName: "factor"))
  var compress: Double?

  @Option(
    help: ArgumentHelp("Replay the window in this long, such as 1h (sets the compression).", valueName: "duration"))
  var duration: String?

  @Option(
    help: ArgumentHelp(
      "Sample the demand every this much scenario time (default: 5min, or longer so that a stage lasts a second of the test).",
      valueName: "duration"))
  var step: String?

  @Option(
    name: .customLong("path"),
    help: ArgumentHelp(
      "The path a request class calls, CLASS=PATH (repeatable; default /api/CLASS).", valueName: "class=path"))
  var paths: [String] = []

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A what-if: KEY=VALUE with a key path of the scenario or its topology, as in capsim run (repeatable).",
      discussion: "For example --set demand.DE.growth=1.5", valueName: "key=value"))
  var settings: [String] = []

  @Option(help: ArgumentHelp("Write the script to this file instead of standard output.", valueName: "file"))
  var out: String?

  func validate() throws {
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as demand.DE.growth=1.5; got '\(s)'")
    }
    for p in paths {
      guard let eq = p.firstIndex(of: "="), eq != p.startIndex, p[p.index(after: eq)...].hasPrefix("/") else {
        throw ValidationError("--path takes CLASS=PATH with a path from /, such as list=/api/leads; got '\(p)'")
      }
    }
    if compress != nil && duration != nil { throw ValidationError("give --compress or --duration, not both") }
    if let compress, !(compress >= 1 && compress.isFinite) {
      throw ValidationError("--compress takes a factor of at least 1 (a load test cannot run slower than the scenario)")
    }
  }

  func run() throws {
    // A usage error (64), as plan, sweep, check and autoscale say it.
    try requirePlatformScenario(
      scenario,
      otherwise:
        "'\(scenario)' is not a platform scenario (one with demand: per territory); capsim k6 needs a platform scenario"
    )
    let (s, warnings) = try loadPlatformScenario(scenario, settings: settings)
    printWarnings(warnings)
    let t = try territoryIndex(in: s)
    let calendar = s.demand[t].calendar
    let start = try from.map { try time($0, option: "--from", calendar: calendar, horizon: s.horizon) } ?? 0
    let end = try to.map { try time($0, option: "--to", calendar: calendar, horizon: s.horizon) } ?? s.horizon
    guard start < end else { throw ValidationError("the window is empty: --from must come before --to") }
    var compression = compress ?? 1
    if let duration {
      let length = try seconds(duration, option: "--duration")
      compression = (end - start) / length
      guard compression >= 1 else {
        throw ValidationError(
          "--duration \(duration) is longer than the window (\(Int(end - start)) s): a load test cannot run slower than the scenario"
        )
      }
    }
    let sampling = try step.map { try seconds($0, option: "--step") }
    // A stage lasts a second of the test at least, so a test much shorter than the window
    // samples it more coarsely than hourly and loses the day's shape (a week in 1 s was one
    // stage of 7 days, "16 VUs at the peak" of 800).
    if sampling == nil && compression > 3_600 {
      let shortest = Int(((end - start) / 3_600).rounded(.up))
      throw ValidationError(
        "a test of \(Self.seconds((end - start) / compression)) s for \(Int(end - start)) s of scenario time gives each stage more than an hour of it: make it \(shortest) s or longer (a second a scenario hour: --compress 3600 at most), or give --step"
      )
    }
    let classPaths = try classPaths(in: s)
    let plan: LoadTestPlan
    do {
      plan = try LoadTestPlan(
        scenario: s, territory: t, window: start..<end, step: sampling, compression: compression, paths: classPaths)
    } catch {
      throw ValidationError(error.description)
    }
    // A step chosen by hand can average the peak away as a short test once did: said, since
    // a load test that never reaches the peak tests something else.
    // Open demand too: its ramps are iterations per time unit, a rate once divided by it.
    if let sampling, let (reached, most) = plan.averagedPeak {
      let (test, asked) =
        switch plan.arrivals {
        case .closed: ("\(Int(reached)) VUs", "\(Int(most.rounded())) users")
        case .open: (String(format: "%.1f requests/s", reached), String(format: "%.1f requests/s", most))
        }
      printToStandardError(
        "k6: warning: --step \(step ?? "") (\(Int(sampling)) s) averages the peak away: the test reaches \(test), the scenario \(asked) at its busiest; a step of an hour or less keeps the peak"
      )
    }
    if !plan.undriven.isEmpty {
      printToStandardError(
        "k6: warning: \(plan.undriven.joined(separator: ", ")) left out of the script: at \(Int(plan.busiestLevel.rounded())) users at most, their share rounds to no VU at any time, so the test's mix is not the scenario's"
      )
    }
    let script = plan.k6Script(
      scenarioFile: scenario, version: capsimVersion, command: commandLine(territory: s.platform.territories[t].name))
    guard let out else {
      print(script, terminator: "")
      return
    }
    try writeFile(Data(script.utf8), to: out)
    let stages = plan.classes.reduce(0) { $0 + $1.ramp.stages.count }
    printToStandardError(
      "wrote \(out): territory \(plan.territory), \(plan.classes.count) request classes, \(stages) stages, a test of \(Int(plan.testDuration.rounded())) s"
    )
  }

  /// Seconds as a person reads them: whole ones plain, others to the hundredth (167.95, not a
  /// rounded 168 beside "make it 168 s or longer").
  static func seconds(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
  }

  /// The territory named by --territory, or the only one.
  func territoryIndex(in s: PlatformScenario) throws -> Int {
    let names = s.platform.territories.map(\.name)
    guard let territory else {
      guard names.count == 1 else {
        throw ValidationError(
          "the scenario has territories \(names.joined(separator: ", ")): name one with --territory")
      }
      return 0
    }
    guard let t = names.firstIndex(of: territory) else {
      let hint = Suggestions.closest(to: territory, among: names).map { " (did you mean '\($0)'?)" } ?? ""
      throw ValidationError(
        "unknown territory '\(territory)'\(hint); the scenario has \(names.joined(separator: ", "))")
    }
    return t
  }

  /// --path values by class name; every class must exist in the topology.
  func classPaths(in s: PlatformScenario) throws -> [String: String] {
    let names = s.platform.requestClasses.map(\.name)
    var result: [String: String] = [:]
    for p in paths {
      let eq = p.firstIndex(of: "=")!
      let name = String(p[..<eq])
      guard names.contains(name) else {
        let hint = Suggestions.closest(to: name, among: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw ValidationError(
          "--path \(p): unknown request class '\(name)'\(hint); the topology has \(names.joined(separator: ", "))")
      }
      guard result[name] == nil else { throw ValidationError("--path names class '\(name)' twice") }
      let path = String(p[p.index(after: eq)...])
      // A URL path has no spaces or control characters (RFC 3986); one with a line break
      // would be escaped into the script and fail only when k6 sends it.
      if let bad = path.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0 == " " }) {
        throw ValidationError(
          "--path \(name)=...: a URL path has no spaces or control characters; found U+\(String(bad.value, radix: 16, uppercase: true)) (percent-encode it)"
        )
      }
      result[name] = path
    }
    return result
  }

  /// Scenario seconds of a --from or --to: a local date (-time) in the calendar's time zone
  /// within the run, end included; without a calendar, a duration from the start.
  func time(_ text: String, option: String, calendar: DemandCalendar?, horizon: Double) throws -> Double {
    guard let calendar else {
      let t = try seconds(text, option: option, positive: false)
      guard t <= horizon else {
        throw ValidationError("\(option) \(text) is after the end of the run (\(Int(horizon)) s)")
      }
      return t
    }
    guard let (date, hour) = Self.localDateTime(text) else {
      throw ValidationError(
        "\(option) takes a local date or date-time such as 2026-12-08 or 2026-12-08T06:00; got '\(text)'")
    }
    let t = DemandCalendar.instant(date, hour: hour, in: calendar.timeZone).timeIntervalSince(calendar.start)
    // As a scenario's local times: a time the clocks skip or repeat is said, with how it is read.
    switch DemandCalendar.ambiguity(date, hour: hour, in: calendar.timeZone) {
    case .skipped?:
      printToStandardError(
        "k6: warning: \(option) \(text) does not exist in \(calendar.timeZone.identifier) (the clocks jump over it that night): read as \(calendar.label(at: t))"
      )
    case .repeated?:
      printToStandardError(
        "k6: warning: \(option) \(text) happens twice in \(calendar.timeZone.identifier) (the clocks go back that night): read as the first, \(calendar.label(at: t)) before the change"
      )
    case nil: break
    }
    guard t >= 0 && t <= horizon else {
      throw ValidationError(
        "\(option) \(text) is outside the run (\(calendar.label(at: 0)) to \(calendar.label(at: horizon)), \(calendar.timeZone.identifier) time)"
      )
    }
    return t
  }

  /// `2026-12-08` or `2026-12-08T06:00`.
  static func localDateTime(_ text: String) -> (CivilDate, Double)? {
    let parts = text.split(separator: "T", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count) else { return nil }
    guard let date = CivilDate(iso: parts[0]) else { return nil }
    guard parts.count == 2 else { return (date, 0) }
    let c = parts[1].split(separator: ":", omittingEmptySubsequences: false)
    guard c.count == 2, c[0].count == 2, c[1].count == 2, let h = Int(c[0]), let min = Int(c[1]),
      (0...23).contains(h), (0...59).contains(min)
    else { return nil }
    return (date, Double(h) + Double(min) / 60)
  }

  func seconds(_ text: String, option: String, positive: Bool = true) throws -> Double {
    switch Quantity.duration(text) {
    case .success(let s):
      guard !positive || s > 0 else { throw ValidationError("\(option) must be longer than 0; got '\(text)'") }
      return s
    case .failure(let f): throw ValidationError("\(option): \(f.message)")
    }
  }

  /// The command as given, for the script's header.
  func commandLine(territory: String) -> String {
    var words = ["capsim", "k6", scenario, "--territory", territory]
    for (option, value) in [
      ("--from", from), ("--to", to),
      ("--compress", compress.map { $0 == $0.rounded() && $0 < 1e15 ? String(Int($0)) : String($0) }),
      ("--duration", duration), ("--step", step),
    ] {
      if let value { words += [option, value] }
    }
    for p in paths { words += ["--path", p] }
    for s in settings { words += ["--set", s] }
    return words.map(Self.shellQuoted).joined(separator: " ")
  }

  static func shellQuoted(_ word: String) -> String {
    let safe = word.unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-./:=@%+,".unicodeScalars.contains($0))
    }
    return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
