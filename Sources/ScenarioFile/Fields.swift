import Yams

/// A mapping read through the scenario's overrides: a key's value comes from an override when
/// one names its key path, from the file otherwise.
struct Fields {
  let mapping: ConfigMapping
  /// The mapping's key path in the topology (independent of the file the node came from).
  let path: String
  let overrides: Overrides

  init(_ mapping: ConfigMapping, path: String, overrides: Overrides) {
    self.mapping = mapping
    self.path = path
    self.overrides = overrides
  }

  func path(of key: String) -> String { ConfigKeyPath.appending(key: key, to: path) }

  /// An optional key.
  subscript(key: String) -> ConfigNode? {
    let kind = mapping.kind(of: key)
    return overrides.value(at: path(of: key))?.expecting(kind) ?? mapping[key]
  }

  /// A key that must be given (by the file or an override).
  func required(_ key: String) -> ConfigNode? {
    let kind = mapping.kind(of: key)
    return overrides.value(at: path(of: key))?.expecting(kind) ?? mapping.required(key)
  }

  /// Whether the section declares `key` (readers shared by two sections ask first).
  func declares(_ key: String) -> Bool {
    mapping.section?.key(key) != nil
  }

  /// Whether an override gives `key`, rather than the file (or nothing).
  func isOverridden(_ key: String) -> Bool {
    overrides.value(at: path(of: key)) != nil
  }

  /// Which of `keys` are given; when an override gives one of them, the file's values of the
  /// others are left out, so that `--set demand.DE.rate=50/s` replaces the file's `users:`.
  func given(oneOf keys: [String]) -> [String] {
    let present = keys.filter { self[$0] != nil }
    let overridden = present.filter(isOverridden)
    return overridden.isEmpty ? present : overridden
  }

  var node: ConfigNode { mapping.node }
}

extension Fields {
  /// A nested mapping with the keys its schema section declares, read through the same
  /// overrides (so that `territories.DE.app.instances` reaches `instances` inside `app`).
  /// When the file leaves an optional section out but overrides set keys in it
  /// (`--set slo.p95=150ms`), it reads as an empty section that those keys fill.
  func section(_ key: String, required: Bool = false) -> Fields? {
    guard
      case .section(let section)? = mapping.kind(of: key)?.first(where: {
        if case .section = $0 { true } else { false }
      })
    else { preconditionFailure("\(path(of: key)) is not declared as a section") }
    let node = required ? self.required(key) : self[key]
    if isOverridden(key) { Self.sayReplaced(mapping[key], by: node, at: path(of: key)) }
    if node == nil, !required, overrides.hasEntries(below: path(of: key)) {
      let empty = self.node.child(.mapping(Node.Mapping([])), keyPath: path(of: key))
      return ConfigMapping(node: empty, entries: [], section: section).fields(path: path(of: key), overrides)
    }
    return node?.mapping(section).map { Fields($0, path: path(of: key), overrides: overrides) }
  }

  /// The entries of a mapping whose keys the user chooses (node names, territories), each value
  /// replaced by an override of `key.name` when there is one, followed by entries that
  /// overrides add below `key` (an added entry's key node is its value).
  ///
  /// - Returns: the mapping's node (nil when absent) and the entries.
  func entries(_ key: String, required: Bool = false) -> (node: ConfigNode?, entries: [ConfigNode.Entry]) {
    let node = required ? self.required(key) : self[key]
    // From the declaration, not the node: entries that overrides add to an absent mapping
    // have no node to take it from.
    var valueKind: ValueKind? = nil
    if case .names(let kind, _)? = mapping.kind(of: key) { valueKind = kind }
    let listed = node?.openMapping() ?? []
    let parent = path(of: key)
    // `territories={DE: {...}}` replaces every entry at once: what it drops inside them is
    // said (entries left out are the point of such a setting: a new mix, another node list).
    if isOverridden(key) { Self.sayReplaced(mapping[key], by: node, at: parent, insideEntriesOnly: true) }
    var out: [ConfigNode.Entry] = listed.map {
      let path = ConfigKeyPath.appending(key: $0.key, to: parent)
      let override = overrides.value(at: path)?.expecting(valueKind)
      Self.sayReplaced($0.value, by: override, at: path)
      return (key: $0.key, keyNode: $0.keyNode, value: override ?? $0.value)
    }
    out += overrides.additions(below: parent, existing: Set(listed.map(\.key))).map {
      (key: $0.key, keyNode: $0.value, value: $0.value.expecting(valueKind))
    }
    return (node, out)
  }

  /// The items of a list, each replaced by an override of `key[i]` when there is one (so
  /// that `--set 'faults[0].at=2026-12-08T10:00'` reaches one item); nil when the key is
  /// absent or not a list (reported).
  func items(_ key: String, required: Bool = false) -> [ConfigNode]? {
    guard let node = required ? self.required(key) : self[key], let items = node.sequence() else { return nil }
    let parent = path(of: key)
    return items.enumerated().map { i, item in
      let path = ConfigKeyPath.appending(index: i, to: parent)
      let override = overrides.value(at: path)?.expecting(item.expected)
      Self.sayReplaced(item, by: override, at: path)
      return override ?? item
    }
  }

  /// An override that gives a whole mapping where the file has one replaces it, so the file's
  /// keys it leaves out fall back to their defaults: said, since `territories.DE.app={instances:
  /// 3}` lost the pool's price, cores and deployment without a word.
  /// Keys below it count too: `territories={DE: {app: {instances: 4}}}` keeps DE but drops its
  /// app's price (said as `DE.app.price`).
  static func sayReplaced(
    _ file: ConfigNode?, by override: ConfigNode?, at path: String, insideEntriesOnly: Bool = false
  ) {
    guard let file, let override, let given = override.mappingKeys() else { return }
    let dropped = Self.dropped(from: file.node, by: override.node).filter { !insideEntriesOnly || $0.contains(".") }
    guard !dropped.isEmpty else { return }
    let example = ConfigKeyPath.appending(key: given.first ?? dropped[0], to: path)
    override.warning(
      "replaces the file's whole mapping, so its \(dropped.map { "'\($0)'" }.joined(separator: ", ")) \(dropped.count == 1 ? "is" : "are") not kept (to change some keys only, set each: \(example)=...)"
    )
  }

  /// The keys of mapping `had` (and of the mappings in it, as `a.b`) that `given` leaves out.
  static func dropped(from had: Node, by given: Node, prefix: String = "") -> [String] {
    guard case .mapping(let h) = had, case .mapping(let g) = given else { return [] }
    var out: [String] = []
    for (key, value) in h {
      guard let name = key.string else { continue }
      if let other = g[key] {
        out += dropped(from: value, by: other, prefix: prefix + name + ".")
      } else {
        out.append(prefix + name)
      }
    }
    return out
  }

  /// An item of a list (or any node) read as a section through the overrides below `path`.
  static func section(_ node: ConfigNode, _ section: Section, path: String, _ overrides: Overrides) -> Fields? {
    node.mapping(section).map { Fields($0, path: path, overrides: overrides) }
  }
}

extension ConfigMapping {
  func fields(path: String, _ overrides: Overrides) -> Fields { Fields(self, path: path, overrides: overrides) }
}
