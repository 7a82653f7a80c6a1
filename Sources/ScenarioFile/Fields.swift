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
    overrides.value(at: path(of: key)) ?? mapping[key]
  }

  /// A key that must be given (by the file or an override).
  func required(_ key: String) -> ConfigNode? {
    overrides.value(at: path(of: key)) ?? mapping.required(key)
  }

  var node: ConfigNode { mapping.node }
}

extension Fields {
  /// A nested mapping with a fixed set of keys, read through the same overrides (so that
  /// `territories.DE.app.instances` reaches `instances` inside `app`).
  func section(_ key: String, allowedKeys: [String], required: Bool = false) -> Fields? {
    let node = required ? self.required(key) : self[key]
    return node?.mapping(allowedKeys: allowedKeys).map { Fields($0, path: path(of: key), overrides: overrides) }
  }

  /// The entries of a mapping whose keys the user chooses (node names, territories), each value
  /// replaced by an override of `key.name` when there is one, followed by entries that
  /// overrides add below `key` (an added entry's key node is its value).
  ///
  /// - Returns: the mapping's node (nil when absent) and the entries.
  func entries(_ key: String, required: Bool = false) -> (node: ConfigNode?, entries: [ConfigNode.Entry]) {
    let node = required ? self.required(key) : self[key]
    let listed = node?.openMapping() ?? []
    let parent = path(of: key)
    var out: [ConfigNode.Entry] = listed.map {
      (key: $0.key, keyNode: $0.keyNode,
       value: overrides.value(at: ConfigKeyPath.appending(key: $0.key, to: parent)) ?? $0.value)
    }
    out += overrides.additions(below: parent, existing: Set(listed.map(\.key))).map {
      (key: $0.key, keyNode: $0.value, value: $0.value)
    }
    return (node, out)
  }
}
