import Suggestions

/// The kinds of capsim file, each with the section at its top and a JSON Schema
/// (`capsim schema KIND`, committed as `schemas/KIND.schema.json`).
package enum FileKind: String, CaseIterable, Sendable {
  /// A queueing network: stations and dispatchers.
  case topology
  /// The FreshFoodz platform: territories, app pools, PostgreSQL nodes.
  case platformTopology = "platform-topology"
  /// Arrivals and run settings for a queueing-network topology.
  case scenario
  /// Demand, calendar, faults and SLOs for a platform topology.
  case platformScenario = "platform-scenario"
  /// A platform scenario changed by overrides (`base:`).
  case whatIf = "what-if"

  /// The kind of the file at `path`, told by its top keys; nil when it cannot be read or is
  /// none of them.
  package init?(path: String) {
    guard let root = YAMLDocument(path: path, log: DiagnosticLog()).root else { return nil }
    self.init(of: root)
  }

  /// `base:` makes a what-if, `demand:` a platform scenario, `territories:` a platform topology,
  /// `topology:`, `arrivals:` or `run:` a scenario, `stations:` a topology.
  init?(of root: ConfigNode) {
    guard let mapping = root.node.mapping else { return nil }
    let keys = Set(mapping.keys.compactMap(\.string))
    // A misspelt `demand:` or `territories:` (`demnd`, `Demand`) still tells the kind, so that
    // the error is the platform reader's "did you mean 'demand'?" rather than a queueing
    // scenario's list of keys. Only these long keys: a short one (`base`) has near misses
    // (`rate`) that are other keys.
    func has(_ key: String) -> Bool {
      keys.contains(key) || keys.contains { Suggestions.distance($0.lowercased(), key) <= 2 }
    }
    if keys.contains("base") {
      self = .whatIf
    } else if has("demand") {
      self = .platformScenario
    } else if has("territories") {
      self = .platformTopology
    } else if keys.contains("topology") || keys.contains("arrivals") || keys.contains("run") {
      self = .scenario
    } else if keys.contains("stations") {
      self = .topology
    } else {
      return nil
    }
  }

  /// For a file of no kind: its top keys that come near a key making one (`bse:`, `sations:`),
  /// each an error at the key with the kind it would make; whether there was any.
  static func reportNearMisses(in root: ConfigNode) -> Bool {
    guard let mapping = root.node.mapping else { return false }
    let makers = allCases.map { ($0.definingKey, $0) } + [("topology", .scenario)]
    var found = false
    for (key, _) in mapping {
      guard let name = key.string, !makers.contains(where: { $0.0 == name }),
        let near = Suggestions.closest(to: name, among: makers.map(\.0)),
        let kind = makers.first(where: { $0.0 == near })?.1
      else { continue }
      root.child(key, keyPath: name).error(
        "unknown key '\(ConfigNode.abbreviated(name))' (did you mean '\(near)'? it makes \(kind.article))")
      found = true
    }
    return found
  }

  /// What the file is, for a message about a file named where another kind was expected.
  var article: String {
    switch self {
    case .topology: return "a queueing-network topology"
    case .platformTopology: return "a platform topology"
    case .scenario: return "a queueing-network scenario"
    case .platformScenario: return "a platform scenario"
    case .whatIf: return "a what-if"
    }
  }

  /// The top key that makes a file of this kind.
  var definingKey: String {
    switch self {
    case .topology: return "stations"
    case .platformTopology: return "territories"
    case .scenario: return "arrivals"
    case .platformScenario: return "demand"
    case .whatIf: return "base"
    }
  }

  /// Whether the file under `node`, named by a key that expects one of `kinds`, is told by its
  /// top keys to be another kind; if so, that is an error at the key. A file of no kind (its
  /// top keys missing or misspelled), or with the key that makes one of `kinds` beside others
  /// (a topology with a stray `run:`), is read on, so that its own errors show.
  static func isOther(_ root: ConfigNode, than kinds: [FileKind], namedAt node: ConfigNode, what: String) -> Bool {
    guard let kind = FileKind(of: root), !kinds.contains(kind) else { return false }
    let keys = Set(root.node.mapping?.keys.compactMap(\.string) ?? [])
    guard !kinds.contains(where: { keys.contains($0.definingKey) }) else { return false }
    node.error("'\(node.scalarText ?? "")' is \(kind.article), not \(what)")
    return true
  }

  /// One line for `capsim schema --list`.
  package var summary: String {
    switch self {
    case .topology: return "queueing-network topology: stations and dispatchers (topologies/web-tier.yaml)"
    case .platformTopology:
      return "platform topology: territories, app pools, PostgreSQL nodes (topologies/freshfoodz.yaml)"
    case .scenario: return "queueing-network scenario: arrivals and run settings (scenarios/mm4-peak.yaml)"
    case .platformScenario:
      return "platform scenario: calendar, demand, faults, SLOs (scenarios/platform-christmas-2026.yaml)"
    case .whatIf: return "what-if of a platform scenario: base and overrides (scenarios/platform-users-x1.5.yaml)"
    }
  }

  /// The file name of its schema under `schemas/`.
  package var schemaFileName: String { "\(rawValue).schema.json" }

  /// The keys at the top of such a file.
  var top: Section {
    switch self {
    case .topology: return TopologyFile.top
    case .platformTopology: return PlatformFile.top
    case .scenario: return ScenarioFile.top
    case .platformScenario: return PlatformScenarioFile.top
    case .whatIf: return PlatformScenarioFile.whatIf
    }
  }
}
