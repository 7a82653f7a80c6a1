import Demand

extension CalendarFile {
  /// `calendar:` of a scenario.
  static let schema = Section(
    name: "calendar",
    summary: "Local dates, office hours and seasons that shape demand, in local time with daylight saving.",
    keys: [
      .required("timezone", timeZone, "IANA time zone such as Europe/Berlin; local times below are in it."),
      .required("start", .localDateTime, "Start of the run, local: 2026-12-07 or 2026-12-07T08:00."),
      .required(
        "end", .localDateTime, "End of the run (excluded), local; at most 100 years after the start."),
      .optional("day", day, "Day profile: office-hours (default) or [{at: \"07:00\", weight: 0.3}, ...]."),
      .optional("week", week, "Week profile: working-week (default) or seven weights, Monday first."),
      .optional(
        "seasons", .names(of: .section(season), what: "seasons"),
        "Seasons by name; overlapping seasons at full strength are an error."),
    ])

  /// An IANA name: `PlatformFile.readTimeZone` asks the system's time zone database, which no
  /// pattern or list in a schema would match on every machine.
  static let timeZone = ValueKind.string

  /// `day:` of a calendar or of a territory's demand.
  static let day = ValueKind.anyOf([.oneOf(["office-hours"]), .list(of: .section(dayPoint))])
  /// `week:` of a calendar or of a territory's demand.
  static let week = ValueKind.anyOf([.oneOf(["working-week"]), .list(of: .number(0...1_000), count: 7...7)])

  static let dayPoint = Section(
    name: "dayPoint", summary: "A point of a day profile; weights are interpolated between points.",
    keys: [
      .required("at", .timeOfDay, "Local time of day, quoted: \"07:30\"; times increase."),
      .required("weight", .number(0...1_000), "Demand multiplier at that time."),
    ])

  static let season = Section(
    name: "season", summary: "A season: a rule (dates for any year) or explicit from/to dates, and its strength.",
    keys: [
      .optional(
        "rule", .oneOf(rules),
        "oktoberfest (the event's dates), spargel (opening to 24 June) or christmas-catering (opening to 23 December)."
      ),
      .optional("from", .date, "First day, with explicit dates instead of a rule."),
      .optional("to", .date, "Last day, with explicit dates instead of a rule."),
      .optional(
        "opening", .date,
        "spargel or christmas-catering: the first day (default 15 April, 20 November); its day and month apply to every year."
      ),
      .required("multiplier", .number(0...1_000), "Demand multiplier at full strength."),
      .optional("rampUp", .duration(positive: false), "How long demand takes to rise to full strength; default 0."),
      .optional("rampDown", .duration(positive: false), "How long demand takes to fall back; default 0."),
      .optional("ramp", .oneOf(Season.Ramp.allCases.map(\.rawValue)), "Shape of the ramps: linear (default) or smooth."),
      .optional("lead", .duration(positive: false), "Moves the season earlier (orders come before the event)."),
    ])
}
