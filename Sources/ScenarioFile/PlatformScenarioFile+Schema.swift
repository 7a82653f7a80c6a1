import PlatformModel

extension PlatformScenarioFile {
  /// A platform scenario: a topology, a calendar, demand per territory, faults, capacity,
  /// objectives and run settings.
  static let top = Section(
    name: "platformScenario",
    summary: "A platform scenario: demand per territory over a local calendar, faults, capacity changes, SLOs.",
    keys: [
      .optional("name", .string, "Name of the scenario; default: the file name."),
      .optional("description", .string, "Free text."),
      .required("topology", .string, "Path of the platform topology, relative to this file."),
      .optional(
        "calendar", .section(CalendarFile.schema),
        "Local calendar: the run is start..end; without one, run.length is required and demand is constant."),
      .required(
        "demand", .names(of: .section(demand), what: "territories"),
        "Demand by territory: exactly one entry per territory of the topology."),
      .optional("faults", .list(of: .tagged(fault)), "Faults to inject, each with its kind."),
      .optional("capacity", .list(of: .section(capacityChange)), "Scheduled instance counts."),
      .optional(
        "autoscaler", .anyOf([.string, .list(of: .string)]),
        "Kubernetes YAML files (paths relative to this file) whose HPAs (autoscaling/v2) and KEDA ScaledObjects scale the pools whose deployment: their scaleTargetRef names."
      ),
      .optional("slo", .section(slo), "Service level objectives; every key is optional."),
      .optional("run", .section(run), "Replications, seed, series interval, warm-up (and length without a calendar)."),
      .optional("overrides", .overrides, ScenarioFile.overridesSummary),
    ])

  /// A what-if: a base scenario and overrides, nothing else.
  static let whatIf = Section(
    name: "whatIf", summary: "A what-if: a base platform scenario with overrides.",
    keys: [
      .required("base", .string, "Path of the base scenario, relative to this file."),
      .optional("name", .string, "Name of the what-if (the run takes it); default: the file name."),
      .optional("description", .string, "Free text."),
      .optional(
        "overrides", .overrides,
        "Key paths of the base scenario and its topology with new values (demand.DE.growth: 1.5); they win over the base's."
      ),
    ])

  static let demand = Section(
    name: "demand", summary: "A territory's demand: users with a think time (closed), or a rate (open).",
    keys: [
      .optional("users", .wholeNumber(0...10_000_000), "Concurrent users at multiplier 1 (give users or rate)."),
      .optional("think", .distribution, "With users: think time between a response and the next request."),
      .optional("rate", .rate(positive: false), "Open Poisson arrivals at multiplier 1 (give users or rate)."),
      .optional("growth", .number(0...1_000), "What-if factor on users or rate; default 1."),
      .required(
        "mix", .names(of: .share, what: "request classes"),
        "Share of each request class (0.45 or 45%); the shares sum to 1; classes left out get none."),
      .optional("seasons", .list(of: .string), "Calendar seasons that apply here, by name; default all."),
      .optional("day", CalendarFile.day, "This territory's day profile; default the calendar's."),
      .optional("week", CalendarFile.week, "This territory's week profile; default the calendar's."),
    ],
    exactlyOne: [["users", "rate"]],
    needs: [("users", ["think"]), ("think", ["users"])])

  /// A time in a platform scenario: local with a calendar, from the start without one.
  static let time = ValueKind.anyOf([.localDateTime, .duration(positive: false)])
  static let timeSummary =
    "When: a local date-time in the calendar's time zone within [start, end) (2026-12-08T09:00), or without a calendar a time from the start (2h)."

  static let fault = Tagged(
    name: "fault", summary: "A fault to inject; its kind decides its keys.", tag: "kind",
    tagSummary: "crashes, instance-crash, replica-down, primary-failover, territory-outage or deployment.",
    variants: [
      (
        "crashes",
        Section(
          name: "crashes",
          summary: "Instances crash after exponential up-times and come back after MTTR plus start-up.",
          keys: [
            .required("territory", .string, "Territory whose instances crash."),
            .required("mtbf", .duration(positive: true), "Mean time between failures, per instance."),
            .required("mttr", .duration(positive: true), "Mean time to repair (start-up comes on top)."),
          ])
      ),
      (
        "instance-crash",
        Section(
          name: "instanceCrash",
          summary: "One serving instance crashes at a time; it restarts once the balancer's health check has seen it.",
          keys: [
            .required("territory", .string, "Territory one of whose instances crashes."),
            .required("at", time, timeSummary),
          ])
      ),
      (
        "replica-down",
        Section(
          name: "replicaDown", summary: "A replica is lost for a while, then replays what it missed.",
          keys: [
            .required("node", .string, "The replica."),
            .required("at", time, timeSummary),
            .required("for", .duration(positive: true), "How long it is down."),
          ])
      ),
      (
        "primary-failover",
        Section(
          name: "primaryFailover",
          summary: "The primary is lost; writes fail until detection plus promotion, then a replica takes over.",
          keys: [
            .required("node", .string, "The primary (it needs a replica)."),
            .required("at", time, timeSummary),
            .required("detection", .duration(positive: false), "Time to notice the failure."),
            .required("promotion", .duration(positive: false), "Time to promote a replica."),
          ])
      ),
      (
        "territory-outage",
        Section(
          name: "territoryOutage", summary: "A whole territory is down, optionally failing over to another.",
          keys: [
            .required("territory", .string, "The territory that is down."),
            .required("at", time, timeSummary),
            .required("for", .duration(positive: true), "How long it is down."),
            .optional("failoverTo", .string, "Another territory that takes its traffic."),
            .optional("after", .duration(positive: false), "Delay before the failover; default 0."),
          ])
      ),
      (
        "deployment",
        Section(
          name: "deployment", summary: "A rolling deployment: batch instances at a time drain, restart and rejoin.",
          keys: [
            .required("territory", .string, "The territory deployed."),
            .required("at", time, timeSummary),
            .optional("batch", .wholeNumber(1...100_000), "Instances at a time; default 1."),
          ])
      ),
    ])

  static let capacityChange = Section(
    name: "capacityChange", summary: "A scheduled instance count.",
    keys: [
      .required("territory", .string, "The territory."),
      .required("at", time, timeSummary),
      .required("instances", .wholeNumber(1...100_000), "Instances from then on (new ones serve after start-up)."),
    ])

  static let slo = Section(
    name: "slo", summary: "Service level objectives; the platform's defaults apply to keys left out.",
    keys: [
      .optional("p95", .duration(positive: true), "p95 latency target at normal load; default 200ms."),
      .optional("peakP95", .duration(positive: true), "p95 latency target in a season; default 450ms."),
      .optional("p99", .duration(positive: true), "p99 latency target at normal load; default none."),
      .optional("peakP99", .duration(positive: true), "p99 latency target in a season; default none."),
      .optional("errorRate", .share, "Most failed / ended requests (2% or 0.02); default 2%."),
      .optional("database", .duration(positive: true), "p95 of a query on its node; default 50ms."),
      .optional("availability", .share, "Least share of good minutes; default 99.9%."),
      .optional("badMinute", .share, "A minute is bad when more than this share of its requests failed; default 5%."),
      .optional(
        "classes", .names(of: .section(classObjectives), what: "request classes"),
        "Objectives of single request classes, over what their topology gives them."),
    ])

  /// `slo.classes.<name>`: a class's targets, or its waiver.
  static let classObjectives = Section(
    name: "scenarioClassObjectives",
    summary: "A request class's objectives in this scenario, or why it is excluded from the verdicts.",
    keys: PlatformFile.classObjectiveKeys + [
      .optional(
        "excluded", .string,
        "Why the class is left out of the all-classes verdicts (measured and shown as waived, with this reason).")
    ])

  static let run = Section(
    name: "platformRun", summary: "Run settings of a platform scenario.",
    keys: [
      .optional("replications", .wholeNumber(RunLimits.replications), "Independent replications; default 5."),
      .optional("seed", .seed, "Seed of all random streams, 0 to 2^64 - 1; default 1."),
      .optional("series", .duration(positive: true), "Interval of the series windows; default 1h."),
      .optional(
        "warmup", .duration(positive: false),
        "Not measured: before run.length without a calendar, the calendar's first part with one; default 0."),
      .optional(
        "length", .duration(positive: true),
        "The measured window, after the warm-up, without a calendar (required then; with one, not allowed)."),
      .optional(
        "drain", .bool,
        "true (default): requests in flight at the end finish (up to the longest app timeout); false: the run stops at its end."
      ),
      .optional(
        "mode", .oneOf(RunMode.allCases.map(\.rawValue)),
        "request (default): every request simulated; hybrid: steady stretches computed by a queueing model, the rest simulated."
      ),
    ])
}
