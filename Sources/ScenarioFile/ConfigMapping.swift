/// A mapping whose keys were checked against an allowed list; look values up by key.
package struct ConfigMapping {
  /// The mapping node itself (for errors about the whole mapping).
  package let node: ConfigNode
  /// Allowed entries in document order (merged entries where their `<<` was written).
  package let entries: [ConfigNode.Entry]
  /// The keys it may have and what they hold, when read against a schema section.
  let section: Section?
  private let positions: [String: Int]

  init(node: ConfigNode, entries: [ConfigNode.Entry], section: Section? = nil) {
    self.node = node
    self.entries = entries
    self.section = section
    positions = Dictionary(entries.enumerated().map { ($0.element.key, $0.offset) }) { first, _ in first }
  }

  /// The same entries read against another section (a distribution's, once its name is known).
  func reading(as section: Section) -> ConfigMapping {
    ConfigMapping(node: node, entries: entries, section: section)
  }

  /// What the section declares `key` to hold; a reader asking for a key its section does not
  /// declare is a programmer error (the key would never be allowed in a file).
  func kind(of key: String) -> ValueKind? {
    guard let section else { return nil }
    guard let declared = section.key(key) else {
      preconditionFailure("\(node.keyPath): reads key '\(key)', which section '\(section.name)' does not declare")
    }
    return declared.kind
  }

  package var keys: [String] { entries.map(\.key) }

  /// True when the key is present, even with a null value.
  package func contains(_ key: String) -> Bool {
    positions[key] != nil
  }

  /// The value of an optional key; nil when absent. A null (`key:`, `key: ~`) is an error
  /// (the default is had by leaving the key out), except where the document reads null as
  /// absent (Kubernetes objects): then nil too.
  package subscript(key: String) -> ConfigNode? {
    let kind = kind(of: key)
    guard let value = positions[key].map({ entries[$0].value }) else { return nil }
    guard !value.isNull else {
      if !value.context.nullIsAbsent {
        value.error("'\(key)' has no value: give one, or leave the key out for its default")
      }
      return nil
    }
    return value.expecting(kind)
  }

  /// The key node itself, to report problems about the key rather than its value.
  package func keyNode(_ key: String) -> ConfigNode? {
    positions[key].map { entries[$0].keyNode }
  }

  /// The value of a key that must be given: absent reports "missing required key" at the
  /// mapping's own key (`web:`; the mapping itself when it has none), null reports
  /// "missing value" at the value; both return nil.
  package func required(_ key: String) -> ConfigNode? {
    let kind = kind(of: key)
    guard let position = positions[key] else {
      var at = node.diagnostic("missing required key '\(key)'")
      if let position = node.keyPosition { (at.line, at.column) = position }
      node.log.report(at)
      return nil
    }
    let value = entries[position].value
    guard !value.isNull else {
      value.error("missing value for required key '\(key)'")
      return nil
    }
    return value.expecting(kind)
  }
}
