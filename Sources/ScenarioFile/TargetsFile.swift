import Foundation
import Gate
import PlatformModel

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
/// Names are checked against the scenarios' territories, periods and request classes when
/// they are given.
enum TargetsFile {
  static let topKeys = ["name", "description", "tolerance", "minimumChange", "objectives", "waivers"]
  static let objectiveKeys = [
    "target", "peak", "territories", "periods", "classes", "tolerance", "minimumChange", "byClass",
  ]
  static let classKeys = ["target", "peak", "tolerance", "minimumChange"]
  static let waiverKeys = ["reason", "objectives", "territories", "periods", "classes"]
  /// The file's names of the objectives, in the order rows are listed.
  static let objectiveNames: [(name: String, objective: Objective)] = [
    ("p95", .p95), ("p99", .p99), ("errorRate", .errorRate), ("database", .databaseP95), ("availability", .availability),
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
    guard let mapping = root.mapping(allowedKeys: topKeys) else { return nil }
    let top = Fields(mapping, path: "", overrides: Overrides())
    _ = top["name"]?.string()
    _ = top["description"]?.string()
    var ok = true
    var tolerance = Tolerance.standard
    if let n = top["tolerance"] {
      if let v = PlatformScenarioFile.fraction(n) { tolerance.relative = v } else { ok = false }
    }
    if top["minimumChange"] != nil {
      top.mapping.keyNode("minimumChange")?.error(
        "minimumChange has a unit per objective (1ms for a latency, 0.1% for a share): give it under objectives.<name>")
      ok = false
    }
    var targets = Targets()
    let (objectivesNode, entries) = top.entries("objectives", required: true)
    if objectivesNode != nil, entries.isEmpty, objectivesNode?.isMapping == true {
      objectivesNode?.error("no objectives: name at least one of \(objectiveNames.map(\.name).joined(separator: ", "))")
      ok = false
    }
    for (name, keyNode, node) in entries {
      guard let objective = objectiveNames.first(where: { $0.name == name })?.objective else {
        keyNode.error("unknown objective '\(name)'\(Suggestions.hint(for: name, among: objectiveNames.map(\.name)))")
        ok = false
        continue
      }
      let path = ConfigKeyPath.appending(key: name, to: top.path(of: "objectives"))
      if let o = readObjective(objective, node, path: path, tolerance: tolerance, names: names) {
        targets.objectives[objective] = o
      } else {
        ok = false
      }
    }
    if let list = top["waivers"]?.sequence() {
      for item in list {
        if let w = readWaiver(item, names: names) { targets.waivers.append(w) } else { ok = false }
      }
    } else if top["waivers"] != nil {
      ok = false
    }
    return ok ? targets : nil
  }

  /// A duration for latencies, a share (2%, 0.02) for error rate and availability.
  static func value(_ node: ConfigNode, _ objective: Objective) -> Double? {
    switch objective {
    case .p95, .p99, .databaseP95: node.duration(positive: true)
    case .errorRate, .availability: PlatformScenarioFile.fraction(node)
    }
  }

  static func minimumChange(_ node: ConfigNode, _ objective: Objective) -> Double? {
    switch objective {
    case .p95, .p99, .databaseP95: node.duration()
    case .errorRate, .availability: PlatformScenarioFile.fraction(node)
    }
  }

  static func readObjective(
    _ objective: Objective, _ node: ConfigNode, path: String, tolerance: Tolerance, names: Names
  ) -> ObjectiveTargets? {
    // `p99: {}` or `p99:` alone: compared with the baseline only, on every row.
    if node.isNull { return ObjectiveTargets(tolerance: tolerance) }
    guard let mapping = node.mapping(allowedKeys: objectiveKeys) else { return nil }
    let f = Fields(mapping, path: path, overrides: Overrides())
    var ok = true
    var o = ObjectiveTargets(tolerance: tolerance)
    func read(_ key: String, _ reader: (ConfigNode) -> Double?) -> Double? {
      guard let n = f[key] else { return nil }
      let v = reader(n)
      if v == nil { ok = false }
      return v
    }
    o.target = read("target") { value($0, objective) }
    o.peak = read("peak") { value($0, objective) }
    if let v = read("tolerance", PlatformScenarioFile.fraction) { o.tolerance.relative = v }
    if let v = read("minimumChange", { minimumChange($0, objective) }) { o.tolerance.minimumChange = v }
    if o.peak != nil && f["target"] == nil, let n = mapping.keyNode("peak") {
      n.error("a peak target needs a target at normal load too (target:)")
      ok = false
    }
    o.territories = nameList(f["territories"], among: names.territories, what: "territory", ok: &ok)
    o.periods = nameList(f["periods"], among: names.periods, what: "period", ok: &ok)
    let perClass = objective == .p95 || objective == .p99 || objective == .errorRate
    o.classes = classes(f["classes"], names: names, ok: &ok)
    if !perClass, let classes = o.classes, classes.contains(where: { $0 != nil }), let n = f["classes"] {
      n.error("\(objective.rawValue) is measured for all classes together only: classes: [\(allClasses)]")
      ok = false
    }
    for (name, keyNode, classNode) in f.entries("byClass").entries {
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
      guard let m = classNode.mapping(allowedKeys: classKeys) else {
        ok = false
        continue
      }
      let c = Fields(m, path: ConfigKeyPath.appending(key: name, to: f.path(of: "byClass")), overrides: Overrides())
      var own = ClassTargets()
      func readClass(_ key: String, _ reader: (ConfigNode) -> Double?) -> Double? {
        guard let n = c[key] else { return nil }
        let v = reader(n)
        if v == nil { ok = false }
        return v
      }
      own.target = readClass("target") { value($0, objective) }
      own.peak = readClass("peak") { value($0, objective) }
      own.tolerance = readClass("tolerance", PlatformScenarioFile.fraction)
      own.minimumChange = readClass("minimumChange") { minimumChange($0, objective) }
      o.byClass[name] = own
    }
    return ok ? o : nil
  }

  static func readWaiver(_ node: ConfigNode, names: Names) -> Waiver? {
    guard let mapping = node.mapping(allowedKeys: waiverKeys) else { return nil }
    let f = Fields(mapping, path: node.keyPath, overrides: Overrides())
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
        guard let text = item.oneOf(objectiveNames.map(\.name)) else {
          ok = false
          continue
        }
        objectives?.append(objectiveNames.first { $0.name == text }!.objective)
      }
    }
    let waiver = Waiver(
      objectives: objectives, territories: nameList(f["territories"], among: names.territories, what: "territory", ok: &ok),
      periods: nameList(f["periods"], among: names.periods, what: "period", ok: &ok),
      classes: classes(f["classes"], names: names, ok: &ok), reason: reason)
    return ok ? waiver : nil
  }

  /// A list of names, or one name alone; each checked against `among` when it is not empty.
  static func nameList(_ node: ConfigNode?, among known: [String], what: String, ok: inout Bool) -> [String]? {
    guard let node else { return nil }
    guard let items = list(node) else {
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
