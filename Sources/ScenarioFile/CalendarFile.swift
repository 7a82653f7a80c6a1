import Demand
import Foundation
import QueueingModel
import SimKernel

/// Reads a scenario's `calendar:` section: when the run starts and ends in local time, the day
/// and week profiles, and the seasons.
///
///     calendar:
///       timezone: Europe/Berlin
///       start: 2026-11-30
///       end: 2026-12-07T00:00
///       day: office-hours            # or [{at: "07:00", weight: 0.3}, ...]
///       week: working-week           # or seven weights, Monday first
///       seasons:
///         christmas: {rule: christmas-catering, multiplier: 5, rampUp: 7d, ramp: smooth}
///         oktoberfest: {rule: oktoberfest, lead: 7d, multiplier: 3}
///         spargel: {from: 2026-04-10, to: 2026-06-24, multiplier: 2}
enum CalendarFile {
  static let rules = ["oktoberfest", "spargel", "christmas-catering"]

  struct Result {
    var calendar: DemandCalendar
    /// Seconds from start to end.
    var duration: Double
  }

  /// Two seasons at full strength on the same day (the first day given), at the later one's key.
  struct Overlap {
    var first: String
    var second: String
    var day: CivilDate
    var node: ConfigNode

    func report(in territory: String?) {
      node.error(
        "season '\(second)' overlaps '\(first)' (\(day))"
          + (territory.map { " and both apply to territory \($0)" } ?? "")
          + ": give one of them other dates"
          + (territory.map { " or leave one out of demand.\($0).seasons" } ?? ""))
    }
  }

  /// Reads the section through `overrides` (keys below `path`, e.g. `calendar.end` or
  /// `calendar.seasons.christmas.multiplier`).
  ///
  /// - Returns: the calendar (nil after errors) and the names of the seasons it declares, known
  ///   even when a season is broken, so that references to them can still be checked.
  ///
  /// Two seasons at full strength on the same day contradict each other where both apply: in a
  /// queueing scenario always, in a platform scenario only in a territory that takes both, whose
  /// reader passes `reportsOverlaps` false and reports those of the returned `overlaps`.
  static func read(
    _ node: ConfigNode, path: String, overrides: Overrides, reportsOverlaps: Bool = true
  ) -> (calendar: Result?, seasonNames: [String], overlaps: [Overlap]) {
    guard let mapping = node.mapping(schema) else { return (nil, [], []) }
    let m = Fields(mapping, path: path, overrides: overrides)
    let timeZone = m.required("timezone").flatMap(PlatformFile.readTimeZone)
    let start = m.required("start").flatMap(localDateTime)
    let end = m.required("end").flatMap(localDateTime)
    let day = m["day"].map { readDay($0, path: m.path(of: "day"), overrides: overrides) } ?? .officeHours
    let week = m["week"].map { readWeek($0, path: m.path(of: "week"), overrides: overrides) } ?? .workingWeek
    // Seasons are read even when the dates are broken, so that every problem is reported.
    // Years past the longest span are an error below; seasons are laid out for at most that
    // many, so that a calendar ending in 9999 costs no more to reject than one of 100 years.
    let firstYear = start?.date.year ?? end?.date.year ?? 2000
    let lastYear = min(end?.date.year ?? firstYear, firstYear + Int(SimClock.longestSpan / (365 * 86_400)) + 1)
    var seasons: [Season] = []
    var seasonNodes: [ConfigNode] = []
    let declared = m.entries("seasons").entries
    for (name, keyNode, value) in declared {
      if name == "normal" {
        keyNode.error("'normal' is the time outside every season in the results: give this season another name")
        continue
      }
      let years = Array((firstYear - 1)...(max(firstYear, lastYear) + 1))
      let seasonPath = ConfigKeyPath.appending(key: name, to: m.path(of: "seasons"))
      guard let read = readSeason(name, value, years: years, path: seasonPath, overrides: overrides) else { continue }
      seasons += read
      seasonNodes += Array(repeating: keyNode, count: read.count)
    }
    var found: [Overlap] = []
    for i in seasons.indices {
      for j in seasons.indices where j > i && seasons[i].name != seasons[j].name {
        let a = seasons[i].window
        let b = seasons[j].window
        if a.start < b.end && b.start < a.end,
          !found.contains(where: { $0.first == seasons[i].name && $0.second == seasons[j].name })
        {
          let day = CivilDate(daysSinceEpoch: Int(rounding: max(a.start, b.start), .down) ?? 0)
          found.append(Overlap(first: seasons[i].name, second: seasons[j].name, day: day, node: seasonNodes[j]))
        }
      }
    }
    if reportsOverlaps { found.forEach { $0.report(in: nil) } }
    let seasonNames = declared.map(\.key)
    guard let timeZone, let start, let end, let day, let week else { return (nil, seasonNames, found) }
    let startInstant = DemandCalendar.instant(start.date, hour: start.hour, in: timeZone)
    let endInstant = DemandCalendar.instant(end.date, hour: end.hour, in: timeZone)
    let duration = endInstant.timeIntervalSince(startInstant)
    // As written: the day alone would hide a time of day that makes the difference.
    let span = "\(m["start"]?.scalarText ?? "\(start.date)") -> \(m["end"]?.scalarText ?? "\(end.date)")"
    guard duration > 0 else {
      m["end"]?.error("the calendar must end after it starts (\(span))")
      return (nil, seasonNames, found)
    }
    guard duration <= SimClock.longestSpan else {
      m["end"]?.error(
        "the calendar spans more than 100 years (\(span)), the longest the simulated clock keeps to a microsecond")
      return (nil, seasonNames, found)
    }
    // A wall-clock time the clocks skip (02:30 the night they go forward) is read as the time
    // after the jump: said, not done silently.
    for (key, value, instant) in [("start", start, startInstant), ("end", end, endInstant)] {
      let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
      let asked = Double(value.date.daysSinceEpoch) * 86_400 + value.hour * 3_600
      guard abs(local - asked) > 1, let node = m[key] else { continue }
      let minutes = Int(((local / 60).rounded())) % 1_440
      node.warning(
        "\(node.scalarText ?? "\(value.date)") does not exist in \(timeZone.identifier) (the clocks go forward then): the calendar \(key)s at \(String(format: "%02d:%02d", minutes / 60, minutes % 60)), after the jump"
      )
    }
    let calendar = DemandCalendar(timeZone: timeZone, start: startInstant, day: day, week: week, seasons: seasons)
    return (Result(calendar: calendar, duration: duration), seasonNames, found)
  }

  /// `2026-12-07` or `2026-12-07T08:30` (local wall-clock time).
  static func localDateTime(_ node: ConfigNode) -> (date: CivilDate, hour: Double)? {
    _ = node.declared("a local date-time") { if case .localDateTime = $0 { true } else { false } }
    guard let text = node.scalarText else {
      node.error("expected a local date such as 2026-12-07 or 2026-12-07T08:30")
      return nil
    }
    let parts = text.split(separator: "T", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let date = civilDate(String(parts[0])) else {
      node.error(
        "expected a local date such as 2026-12-07 or 2026-12-07T08:30 (a day that exists, years 0001 to 9999), found '\(ConfigNode.abbreviated(text))'"
      )
      return nil
    }
    guard parts.count == 2 else { return (date, 0) }
    guard let hour = clock(String(parts[1])) else {
      node.error("expected a time of day such as 08:30 after the T, found '\(parts[1])'")
      return nil
    }
    return (date, hour)
  }

  static func civilDate(_ text: String) -> CivilDate? { CivilDate(iso: text) }

  /// "08:30" -> 8.5
  static func clock(_ text: String) -> Double? {
    let f = text.split(separator: ":")
    guard f.count == 2, let h = Int(f[0]), let m = Int(f[1]), (0...23).contains(h), (0...59).contains(m) else {
      return nil
    }
    return Double(h) + Double(m) / 60
  }

  static func date(_ node: ConfigNode) -> CivilDate? {
    _ = node.declared("a date") { if case .date = $0 { true } else { false } }
    guard let text = node.scalarText, let d = civilDate(text) else {
      node.error(
        "expected a date such as 2026-12-07 (a day that exists, years 0001 to 9999), found \(node.scalarText.map { "'\(ConfigNode.abbreviated($0))'" } ?? node.kindDescription)"
      )
      return nil
    }
    return d
  }

  /// `office-hours`, or points of the day; `path` and `overrides` reach single points
  /// (`calendar.day[0].weight`).
  static func readDay(_ node: ConfigNode, path: String = "", overrides: Overrides = Overrides()) -> DayProfile? {
    if !node.isSequence {
      guard node.oneOf() != nil else { return nil }
      return .officeHours
    }
    var points: [(hour: Double, weight: Double)] = []
    for (i, item) in (node.sequence() ?? []).enumerated() {
      let itemPath = ConfigKeyPath.appending(index: i, to: path)
      let item = overrides.value(at: itemPath)?.expecting(item.expected) ?? item
      guard let p = Fields.section(item, dayPoint, path: itemPath, overrides) else { return nil }
      let at = p.required("at")
      let hour = at.flatMap { $0.timeOfDay() }
      if let at, hour == nil { at.error("expected a time of day such as \"07:30\" (quote it)") }
      guard let hour, let weight = p.required("weight")?.double() else { return nil }
      if let last = points.last, hour <= last.hour {
        item.error("times of day must increase")
        return nil
      }
      points.append((hour, weight))
    }
    guard !points.isEmpty else {
      node.error("a day profile needs at least one point")
      return nil
    }
    return DayProfile(points: points)
  }

  /// `working-week`, or seven weights; `path` and `overrides` reach single days
  /// (`calendar.week[5]`).
  static func readWeek(_ node: ConfigNode, path: String = "", overrides: Overrides = Overrides()) -> WeekProfile? {
    if !node.isSequence {
      guard node.oneOf() != nil else { return nil }
      return .workingWeek
    }
    let items = (node.sequence() ?? []).enumerated().map { i, item in
      overrides.value(at: ConfigKeyPath.appending(index: i, to: path))?.expecting(item.expected) ?? item
    }
    guard items.count == 7 else {
      node.error("a week profile has seven weights, Monday first; found \(items.count)")
      return nil
    }
    let weights = items.map { $0.double() }
    guard weights.allSatisfy({ $0 != nil }) else { return nil }
    // As `users: 0`: nothing asked, so nothing measured or judged (a --fail-on-slo run exited 3).
    if weights.allSatisfy({ $0 == 0 }) {
      node.warning("every day of the week weighs 0: no demand, so nothing is measured or judged")
    }
    return WeekProfile(weights: weights.map { $0! })
  }

  /// One season by rule (repeated for every year the run touches) or by explicit dates.
  static func readSeason(
    _ name: String, _ node: ConfigNode, years: [Int], path: String = "", overrides: Overrides = Overrides()
  ) -> [Season]? {
    guard let m = Fields.section(node, Self.season, path: path, overrides) else { return nil }
    let multiplier = m.required("multiplier")?.double()
    let rampUp = m["rampUp"]?.duration().map { $0 / 86_400 } ?? 0
    let rampDown = m["rampDown"]?.duration().map { $0 / 86_400 } ?? 0
    let ramp = m["ramp"]?.oneOf().flatMap(Season.Ramp.init) ?? .linear
    // A season's window is whole days: a lead of 12h would move it a day, 1h not at all.
    // Durations are at most 100 years, so whole days always fit.
    let leadSeconds = m["lead"]?.duration()
    if let leadSeconds, leadSeconds.truncatingRemainder(dividingBy: 86_400) != 0 {
      m["lead"]?.error(
        "a season's lead moves its window by whole days (7d, 168h); \(ScenarioFile.spanText(leadSeconds)) is not one")
      return nil
    }
    let lead = leadSeconds.flatMap { Int(rounding: -$0 / 86_400) } ?? 0
    let rule = m["rule"]?.oneOf()
    let from = m["from"].flatMap(date)
    let to = m["to"].flatMap(date)
    let opening = m["opening"].flatMap(date)
    // The opening's day and month apply to every year; a year other than the run's is not
    // used, and said (a calendar moved to next year keeps its opening, so no error).
    // Laid on every year, 29 February would be 1 March in three of four.
    if let opening, m["rule"] != nil, opening.month == 2, opening.day == 29 {
      m["opening"]?.error("29 February is not in every year the opening is laid on: give 28 February or 1 March")
      return nil
    }
    // `years` has one more on each side (a season may reach across New Year); the run's are inside.
    let runYears = years.count > 2 ? Array(years.dropFirst().dropLast()) : years
    if let opening, m["rule"] != nil, !runYears.isEmpty, !runYears.contains(opening.year) {
      m["opening"]?.warning(
        "the opening's day and month apply to every year the run covers (\(runYears.map(String.init).joined(separator: ", "))); its year, \(opening.year), is not used"
      )
    }
    guard let multiplier else { return nil }
    func season(_ dates: ClosedRange<CivilDate>) -> Season {
      Season(
        name: name, dates: dates, multiplier: multiplier, rampUpDays: rampUp, rampDownDays: rampDown, ramp: ramp,
        leadDays: lead)
    }
    if m["rule"] != nil && (m["from"] != nil || m["to"] != nil) {
      node.error("give a season either a 'rule' or explicit 'from'/'to' dates, not both")
      return nil
    }
    if let from, let to {
      guard from <= to else {
        m["to"]?.error("'to' (\(to)) comes before 'from' (\(from))")
        return nil
      }
      if m["opening"] != nil {
        m["opening"]?.error("'opening' moves a season by rule; a season by dates starts on its 'from'")
        return nil
      }
      // Dates are one year's: a scenario moved to the next year keeps last year's season,
      // which then adds nothing (a 2027 plan sized Spargel 2027 as normal load).
      if !runYears.isEmpty, !runYears.contains(where: { (from.year...to.year).contains($0) }) {
        node.warning(
          "its dates (\(from) to \(to)) are in no year the run covers (\(runYears.map(String.init).joined(separator: ", "))): it adds nothing to this run"
        )
      }
      return [season(from...to)]
    }
    guard let rule else {
      if m["rule"] == nil && m["from"] == nil && m["to"] == nil {
        node.error("a season needs a 'rule' (\(rules.joined(separator: ", "))) or 'from' and 'to' dates")
      } else if m["rule"] == nil && (m["from"] == nil) != (m["to"] == nil) {
        // One date alone was accepted and the season silently dropped.
        let (given, missing) = m["from"] == nil ? ("to", "from") : ("from", "to")
        node.error("a season by dates needs 'from' and 'to': '\(given)' without '\(missing)'")
      }
      return nil
    }
    if m["opening"] != nil && rule == "oktoberfest" {
      m["opening"]?.error("an Oktoberfest has fixed dates: 'opening' applies to spargel and christmas-catering")
      return nil
    }
    // The opening's day and month apply to every year the run touches; the season ends on a
    // fixed day, so the opening must come first.
    let ends = [
      "spargel": (month: 6, day: 24, text: "24 June"), "christmas-catering": (month: 12, day: 23, text: "23 December"),
    ]
    if let opening, let end = ends[rule], (opening.month, opening.day) > (end.month, end.day) {
      m["opening"]?.error(
        "the \(rule) season ends on \(end.text): its opening (\(opening)) must not come later in the year")
      return nil
    }
    return years.map { year in
      switch rule {
      case "oktoberfest": return season(SeasonRules.oktoberfest(year))
      case "spargel":
        return season(SeasonRules.spargel(year, opening: opening.map { CivilDate(year, $0.month, $0.day) }))
      default:
        return season(SeasonRules.christmasCatering(year, opening: opening.map { CivilDate(year, $0.month, $0.day) }))
      }
    }
  }
}

extension ConfigNode {
  /// Hours since midnight of a time of day written `08:30`, or nil (not reported: the caller
  /// says what it expected).
  func timeOfDay() -> Double? {
    _ = declared("a time of day") { if case .timeOfDay = $0 { true } else { false } }
    return scalarText.flatMap(CalendarFile.clock)
  }
}
