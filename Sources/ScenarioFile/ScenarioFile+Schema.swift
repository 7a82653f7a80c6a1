import QueueingModel

extension ScenarioFile {
  /// A queueing-network scenario: what arrives, for how long, how many replications.
  static let top = Section(
    name: "scenario", summary: "A scenario for a queueing-network topology: arrivals, run length, replications.",
    keys: [
      .optional("name", .string, "Name of the scenario; default: the file name."),
      .optional("description", .string, "Free text."),
      .required("topology", .string, "Path of the topology file, relative to this file."),
      .optional(
        "calendar", .section(CalendarFile.schema),
        "Local calendar that shapes sources with calendar: true; run.length then defaults to its span."),
      .required("arrivals", .list(of: .section(arrival)), "Arrival sources, at least one."),
      .optional("run", .section(run), "Run settings; required without a calendar (for run.length)."),
      .optional("overrides", .overrides, overridesSummary),
    ])

  static let overridesSummary =
    "What-ifs by key path (stations.db.servers: 2, faults[0].at: 2h); may add entries. --set wins over them."

  static let arrival = Section(
    name: "arrival", summary: "An arrival source: Poisson at a rate, a rate schedule, or a closed population of users.",
    keys: [
      .optional("name", .string, "Name of the source (its random stream); default arrivals[i]."),
      .required("to", .string, "Station or dispatcher the customers go to first."),
      .optional("rate", .rate(positive: true), "Poisson arrivals at this rate (30/s)."),
      .optional("schedule", .section(schedule), "Poisson arrivals at a rate that varies over time."),
      .optional("users", .wholeNumber(1...10_000_000), "Closed population: users who think, send a request, wait."),
      .optional(
        "connections", .wholeNumber(1...1_000_000),
        "With rate: open loop over this many connections (pgbench --rate), each on its own Poisson schedule at rate / connections; a late transaction delays its connection's next."
      ),
      .optional("think", .distribution, "With users: think time between a response and the next request."),
      .optional(
        "calendar", .bool, "true: the rate follows the scenario's calendar (it is the busiest moment of a normal day)."
      ),
    ],
    exactlyOne: [["rate", "schedule", "users"]],
    needs: [("users", ["think"]), ("think", ["users"]), ("connections", ["rate"])])

  static let schedule = Section(
    name: "schedule", summary: "A time-varying Poisson rate: points in time with rates.",
    keys: [
      .required(
        "points", .list(of: .section(schedulePoint)), "[{at: 0h, rate: 5/s}, {at: 8h, rate: 60/s}, ...]; the first at 0."
      ),
      .required("end", .duration(positive: true), "When the schedule ends."),
      .optional(
        "interpolation", .oneOf(RateSchedule.Interpolation.allCases.map(\.rawValue)),
        "step (default: a rate holds until the next point) or linear."),
      .optional("repeat", .bool, "true: start over after end."),
    ])

  static let schedulePoint = Section(
    name: "schedulePoint", summary: "A point of a rate schedule.",
    keys: [
      .required("at", .duration(positive: false), "Time from the start; points increase."),
      .required("rate", .rate(positive: false), "Arrival rate from this point on."),
    ])

  static let run = Section(
    name: "run", summary: "The measurement window, replications and seed.",
    keys: [
      .optional("warmup", .duration(positive: false), "Customers arriving before this are not measured; default 0."),
      .optional(
        "length", .duration(positive: true),
        "The measured window per replication; required without a calendar (default: the calendar's span)."),
      .optional("replications", .wholeNumber(RunLimits.replications), "Independent replications; default 10."),
      .optional("seed", .seed, "Seed of all random streams, 0 to 2^64 - 1; default 1."),
      .optional(
        "drain", .anyOf([.duration(positive: false), .bool]),
        "Longest run after the window for measured customers to leave; default length. false or 0s: stop at the window's end (those still inside are unfinished)."
      ),
      .optional(
        "series", .duration(positive: true), "Report the window interval by interval (1h); default none, 1h with a calendar."
      ),
    ])
}
