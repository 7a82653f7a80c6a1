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
