extension TargetsFile {
  /// A targets file of `capsim check`.
  static let top = Section(
    name: "targets",
    summary: "Targets of capsim check: objectives, the rows they cover, tolerances against a baseline, waivers.",
    keys: [
      .optional("name", .string, "Name of the targets; free text."),
      .optional("description", .string, "Free text."),
      .optional("tolerance", .share, "Default relative tolerance against a baseline (5% or 0.05); default 5%."),
      .required("objectives", .section(objectives), "The objectives judged, by name; at least one."),
      .optional("waivers", .list(of: .section(waiver)), "Rows measured and shown but not judged, each with a reason."),
    ])

  static let objectives = Section(
    name: "objectives", summary: "The objectives judged; one left out is not judged.",
    keys: [
      .optional("p95", .section(latencyObjective), "p95 latency of successful requests, end to end."),
      .optional("p99", .section(latencyObjective), "p99 latency of successful requests, end to end."),
      .optional("errorRate", .section(shareObjective), "Failed / ended requests."),
      .optional("database", .section(latencyObjective), "p95 of the database queries; all classes together only."),
      .optional("availability", .section(shareObjective), "Share of good minutes; all classes together only."),
    ])

  /// Names of territories, periods or classes: a list, or one name alone.
  static let nameList = ValueKind.anyOf([.string, .list(of: .string)])

  static let latencyObjective = objective(
    "latencyObjective", value: .duration(positive: true), change: .duration(positive: false), "1ms")
  static let shareObjective = objective("shareObjective", value: .share, change: .share, "0.1%")

  static func objective(_ name: String, value: ValueKind, change: ValueKind, _ minimumChange: String) -> Section {
    Section(
      name: name, summary: "An objective's targets, the rows it covers and its tolerance.",
      keys: [
        .optional("target", value, "Target at normal load; none: compared with the baseline only."),
        .optional("peak", value, "Target in a season; default: target."),
        .optional("territories", nameList, "Territories covered; default: all."),
        .optional("periods", nameList, "Periods covered (normal, or a season); default: all."),
        .optional("classes", nameList, "Request classes covered, 'all' for all classes together; default: every row."),
        .optional("tolerance", .share, "How much worse than the baseline is no regression, relative; default the file's."),
        .optional("minimumChange", change, "A change smaller than this never counts; default \(minimumChange)."),
        .optional(
          "byClass", .names(of: .section(classTargets(name + "Class", value: value, change: change)), what: "request classes"),
          "Per request class: target, peak, tolerance, minimumChange in place of the objective's."),
      ])
  }

  static func classTargets(_ name: String, value: ValueKind, change: ValueKind) -> Section {
    Section(
      name: name, summary: "A request class's own targets and tolerance; keys left out keep the objective's.",
      keys: [
        .optional("target", value, "Target at normal load, and in a season unless peak is given."),
        .optional("peak", value, "Target in a season."),
        .optional("tolerance", .share, "Relative tolerance against the baseline."),
        .optional("minimumChange", change, "A change smaller than this never counts."),
      ])
  }

  static let waiver = Section(
    name: "waiver", summary: "Rows measured and shown, not judged; each list left out matches all.",
    keys: [
      .required("reason", .string, "Why: shown with every waived row."),
      .optional(
        "objectives", .anyOf([.oneOf(objectiveNames.map(\.name)), .list(of: .oneOf(objectiveNames.map(\.name)))]),
        "Objectives waived; default: all."),
      .optional("territories", nameList, "Territories waived; default: all."),
      .optional("periods", nameList, "Periods waived; default: all."),
      .optional("classes", nameList, "Request classes waived, 'all' for all classes together; default: all."),
    ])
}
