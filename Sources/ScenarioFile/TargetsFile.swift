import Foundation
import Gate
import PlatformModel
import Suggestions

/// Reads targets files for `capsim check`: per objective, targets, the territories, periods and
/// request classes they cover, per-class overrides, tolerances against a baseline; and waivers.
///
///     tolerance: 5%
///     objectives:
///       p95:
///         target: 200ms
///         peak: 450ms
///         classes: [all, list, detail, update, report]
///         byClass:
///           report: {target: 1s, peak: 2s, tolerance: 20%}
///       errorRate: {target: 2%}
///     waivers:
///       - {objectives: [p95], territories: [CH], classes: [report], reason: "..."}
///
/// The keys are declared in `TargetsFile+Schema.swift`. Names are checked against the
/// scenarios' territories, periods and request classes when they are given.
enum TargetsFile {
  /// The file's names of the objectives, in the order rows are listed.
  static let objectiveNames: [(name: String, objective: Objective)] = [
    ("p95", .p95), ("p99", .p99), ("errorRate", .errorRate), ("database", .databaseP95),
    ("availability", .availability),
  ]
  /// The name standing for the row of all classes together.
  static let allClasses = "all"

  /// Names a targets file may use; empty lists are not checked.
  struct Names {
    var territories: [String] = []
    var periods: [String] = []
    var classes: [String] = []
  }

  static func read(_ root: ConfigNode, names: Names) -> Targets? {
    guard let mapping = root.mapping(top) else { return nil }
    let f = Fields(mapping, path: "", overrides: Overrides())
    _ = f["name"]?.string()
    _ = f["description"]?.string()
    var ok = true
    var tolerance = Tolerance.standard
    if let n = f["tolerance"] {
      if let v = PlatformScenarioFile.fraction(n) { tolerance.relative = v } else { ok = false }
    }
    var targets = Targets()
    if let o = f.section("objectives", required: true) {
      if o.mapping.entries.isEmpty {
        o.node.error("no objectives: name at least one of \(objectiveNames.map(\.name).joined(separator: ", "))")
        ok = false
      }
      for (name, objective) in objectiveNames where o.mapping.contains(name) {
        // `p99:` alone (or `p99: {}`): every row, compared with the baseline only.
        guard o[name] != nil else {
          targets.objectives[objective] = ObjectiveTargets(tolerance: tolerance)
          continue
        }
        if let s = o.section(name), let read = readObjective(objective, s, tolerance: tolerance, names: names) {
          targets.objectives[objective] = read
        } else {
          ok = false
        }
      }
    } else {
      ok = false
    }
    if f["waivers"] != nil {
      guard let items = f.items("waivers") else { return nil }
      for item in items {
        if let s = Fields.section(item, waiver, path: item.keyPath, Overrides()), let w = readWaiver(s, names: names) {
          targets.waivers.append(w)
        } else {
          ok = false
        }
      }
    }
    return ok ? targets : nil
  }

  /// A target: a duration for latencies, a share (2%, 0.02) for error rate and availability;
  /// the schema says which.
  static func value(_ node: ConfigNode, _ objective: Objective) -> Double? {
    switch objective {
    case .p95, .p99, .databaseP95: node.duration()
    case .errorRate, .availability: PlatformScenarioFile.fraction(node, objective: true)
    }
  }

  static func readObjective(_ objective: Objective, _ f: Fields, tolerance: Tolerance, names: Names)
    -> ObjectiveTargets?
  {
    var ok = true
    func read(_ fields: Fields, _ key: String, _ reader: (ConfigNode) -> Double?) -> Double? {
      guard let n = fields[key] else { return nil }
      let v = reader(n)
      if v == nil { ok = false }
      return v
    }
    var o = ObjectiveTargets(tolerance: tolerance)
    o.target = read(f, "target") { value($0, objective) }
    o.peak = read(f, "peak") { value($0, objective) }
    if let v = read(f, "tolerance", { PlatformScenarioFile.fraction($0) }) { o.tolerance.relative = v }
    if let v = read(f, "minimumChange", { value($0, objective) }) { o.tolerance.minimumChange = v }
    if f["peak"] != nil && f["target"] == nil, let n = f.mapping.keyNode("peak") {
      n.error("a peak target needs a target at normal load too (target:)")
      ok = false
    }
    o.territories = nameList(f["territories"], among: names.territories, what: "territory", ok: &ok)
    o.periods = nameList(f["periods"], among: names.periods, what: "period", ok: &ok)
    o.classes = classes(f["classes"], names: names, ok: &ok)
    let perClass = objective == .p95 || objective == .p99 || objective == .errorRate
    if !perClass, let classes = o.classes, classes.contains(where: { $0 != nil }), let n = f["classes"] {
      n.error("\(objective.rawValue) is measured for all classes together only: classes: [\(allClasses)]")
      ok = false
    }
    for (name, keyNode, node) in f.entries("byClass").entries {
      if !perClass {
        keyNode.error("\(objective.rawValue) is measured for all classes together only; it has no per-class targets")
        ok = false
        continue
      }
      if !names.classes.isEmpty, !names.classes.contains(name) {
        keyNode.error("no request class named '\(name)'\(Suggestions.hint(for: name, among: names.classes))")
        ok = false
        continue
      }
      if let covered = o.classes, !covered.contains(name) {
        keyNode.error("class '\(name)' is not among this objective's classes; add it to classes: or drop it here")
        ok = false
        continue
      }
      guard case .names(.section(let section), _)? = f.mapping.kind(of: "byClass"),
        let c = Fields.section(
          node, section, path: ConfigKeyPath.appending(key: name, to: f.path(of: "byClass")), Overrides())
      else {
        ok = false
        continue
      }
      o.byClass[name] = ClassTargets(
        target: read(c, "target") { value($0, objective) }, peak: read(c, "peak") { value($0, objective) },
        tolerance: read(c, "tolerance") { PlatformScenarioFile.fraction($0) },
        minimumChange: read(c, "minimumChange") { value($0, objective) })
    }
    return ok ? o : nil
  }

  static func readWaiver(_ f: Fields, names: Names) -> Waiver? {
    var ok = true
    var reason = ""
    if let n = f.required("reason"), let text = n.string() {
      reason = text.trimmingCharacters(in: .whitespaces)
      if reason.isEmpty {
        n.error("say why: the reason is shown with every waived row")
        ok = false
      }
    } else {
      ok = false
    }
    var objectives: [Objective]? = nil
    if let n = f["objectives"] {
      objectives = []
      for item in list(n) ?? [] {
        guard let text = item.oneOf() else {
          ok = false
          continue
        }
        objectives?.append(objectiveNames.first { $0.name == text }!.objective)
      }
    }
    let waiver = Waiver(
      objectives: objectives,
      territories: nameList(f["territories"], among: names.territories, what: "territory", ok: &ok),
      periods: nameList(f["periods"], among: names.periods, what: "period", ok: &ok),
      classes: classes(f["classes"], names: names, ok: &ok), reason: reason)
    return ok ? waiver : nil
  }

  /// A list of names, or one name alone; each checked against `known` when it is not empty.
  static func nameList(_ node: ConfigNode?, among known: [String], what: String, ok: inout Bool) -> [String]? {
    guard let node else { return nil }
    guard let items = list(node) else {
      ok = false
      return nil
    }
    // An empty list covers nothing: the objective or waiver would check or excuse nothing.
    if items.isEmpty {
      node.error("an empty list covers no \(what); name at least one, or leave the key out for all")
      ok = false
      return nil
    }
    var out: [String] = []
    for item in items {
      guard let name = item.string() else {
        ok = false
        continue
      }
      if !known.isEmpty, !known.contains(name) {
        item.error("no \(what) named '\(name)'\(Suggestions.hint(for: name, among: known))")
        ok = false
        continue
      }
      out.append(name)
    }
    return out
  }

  /// Request class names, `all` (nil) for the row of all classes together.
  static func classes(_ node: ConfigNode?, names: Names, ok: inout Bool) -> [String?]? {
    let known = names.classes.isEmpty ? [] : [allClasses] + names.classes
    return nameList(node, among: known, what: "request class", ok: &ok)?.map { $0 == allClasses ? nil : $0 }
  }

  /// The items of a list, or a scalar as a list of one.
  static func list(_ node: ConfigNode) -> [ConfigNode]? {
    node.isSequence ? node.sequence() : [node]
  }
}

extension ScenarioFile {
  /// Loads a targets file for `capsim check`, checking names against those given (empty lists
  /// are not checked).
  ///
  /// - Returns: the targets and any warnings.
  /// - Throws: every error found, each naming file, line, column and key path.
  package static func loadTargets(
    path: String, territories: [String] = [], periods: [String] = [], classes: [String] = []
  ) throws(DiagnosticError) -> (Targets, [Diagnostic]) {
    let log = DiagnosticLog()
    let document = YAMLDocument(path: path, log: log)
    guard let root = document.root else {
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    let targets = TargetsFile.read(
      root, names: TargetsFile.Names(territories: territories, periods: periods, classes: classes))
    try log.throwIfErrors()
    guard let targets else {
      root.error("the targets file could not be read")
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    return (targets, log.sortedDiagnostics)
  }
}
