import Suggestions
import Yams

extension ConfigNode {
  /// One entry of a mapping: the key's text, the key node (for errors about the key), the value.
  package typealias Entry = (key: String, keyNode: ConfigNode, value: ConfigNode)

  /// Caps the work merge keys (`<<`) may cause in one mapping; stops "billion laughs".
  struct MergeBudget {
    var remaining = 10_000
    var exhausted = false
  }

  /// A mapping with a fixed set of keys: nil plus an error if this isn't a mapping; unknown
  /// keys (with a did-you-mean from `allowedKeys`), duplicate keys and non-text keys are
  /// reported and left out.
  package func mapping(allowedKeys: [String]) -> ConfigMapping? {
    guard let entries = entries() else { return nil }
    let allowed = Set(allowedKeys)
    var kept: [Entry] = []
    for entry in entries {
      if allowed.contains(entry.key) {
        kept.append(entry)
        continue
      }
      let name = Self.abbreviated(entry.key)
      if let suggestion = Suggestions.closest(to: entry.key, among: allowedKeys) {
        entry.keyNode.error("unknown key '\(name)' (did you mean '\(suggestion)'?)")
      } else if allowedKeys.isEmpty {
        entry.keyNode.error("unknown key '\(name)' (no keys are allowed here)")
      } else {
        entry.keyNode.error("unknown key '\(name)' (allowed keys: \(allowedKeys.joined(separator: ", ")))")
      }
    }
    return ConfigMapping(node: self, entries: kept)
  }

  /// A mapping with the keys of `section`: as `mapping(allowedKeys:)`, and its values then
  /// carry the kinds the section declares.
  func mapping(_ section: Section) -> ConfigMapping? {
    mapping(allowedKeys: section.keyNames).map { ConfigMapping(node: $0.node, entries: $0.entries, section: section) }
  }

  /// A mapping with user-chosen keys (station names...), in document order; duplicate and
  /// non-text keys are reported and left out. Nil plus an error if this isn't a mapping.
  package func openMapping() -> [Entry]? {
    let names = expected?.first { if case .names = $0 { true } else { false } }
    guard case .names(let kind, _)? = names else { return entries() }
    return entries()?.compactMap { entry in
      // A name nothing could address (`to: ""`) or tell apart in a table.
      guard !entry.key.allSatisfy(\.isWhitespace) else {
        entry.keyNode.error("an empty name: every entry here needs one to be addressed by")
        return nil
      }
      return (entry.key, entry.keyNode, entry.value.expecting(kind))
    }
  }

  /// The keys of a mapping as written (text keys only), nil for any other node; reports nothing.
  func mappingKeys() -> [String]? {
    guard case .mapping(let m) = node else { return nil }
    return m.keys.compactMap(\.string)
  }

  /// The items of a list; item `i` gets key path `parent[i]`. Nil plus an error otherwise.
  package func sequence() -> [ConfigNode]? {
    let list = declared("a list") { if case .list = $0 { true } else { false } }
    guard case .sequence(let items) = node else {
      reportMismatch(expected: "a list")
      return nil
    }
    checkCollectionTag(items.tag.rawValue, standard: Tag.Name.seq.rawValue)
    var itemKind: ValueKind? = nil
    if case .list(let kind, _)? = list { itemKind = kind }
    return items.enumerated().map {
      child($0.element, keyPath: ConfigKeyPath.appending(index: $0.offset, to: keyPath)).expecting(itemKind)
    }
  }

  // MARK: Entries

  /// The mapping's entries with merge keys expanded and duplicates reported.
  func entries() -> [Entry]? {
    guard case .mapping(let mapping) = node else {
      reportMismatch(expected: "a mapping")
      return nil
    }
    checkCollectionTag(mapping.tag.rawValue, standard: Tag.Name.map.rawValue)
    var budget = MergeBudget()
    return collect(mapping, at: self, budget: &budget)
  }

  private func checkCollectionTag(_ tag: String, standard: String) {
    if !tag.isEmpty && tag != standard && tag != "!" {
      error("unsupported YAML tag '\(ScalarValue.shortTag(tag))'")
    }
  }

  /// Entries of `mapping` (written at `holder`) under this node's key path. Explicit keys
  /// win over merged ones wherever they are written; earlier merge sources win over later.
  private func collect(_ mapping: Node.Mapping, at holder: ConfigNode, budget: inout MergeBudget) -> [Entry] {
    var explicit: [Entry] = []
    var firstKey: [String: ConfigNode] = [:]
    var merges: [(position: Int, value: ConfigNode)] = []
    for (key, value) in mapping {
      budget.remaining -= 1
      let rawKey = holder.child(key, keyPath: keyPath)
      if isMergeKey(key) {
        merges.append((explicit.count, holder.child(value, keyPath: ConfigKeyPath.appending(key: "<<", to: keyPath))))
        continue
      }
      guard let name = keyName(rawKey) else { continue }
      let path = ConfigKeyPath.appending(key: name, to: keyPath)
      let keyNode = holder.child(key, keyPath: path)
      if let first = firstKey[name] {
        keyNode.error(
          "duplicate key '\(Self.abbreviated(name))' (first defined at line \(first.line), column \(first.column))")
        continue
      }
      firstKey[name] = keyNode
      explicit.append((name, keyNode, keyNode.child(value, keyPath: path).withKeyPosition(of: keyNode)))
    }
    guard !merges.isEmpty else { return explicit }
    var taken = Set(firstKey.keys)
    var result: [Entry] = []
    var next = 0
    for merge in merges {
      result += explicit[next..<merge.position]
      next = merge.position
      for entry in merged(merge.value, budget: &budget) where taken.insert(entry.key).inserted {
        result.append(entry)
      }
    }
    result += explicit[next...]
    return result
  }

  /// Entries brought in by a merge key's value: a mapping or a list of mappings.
  private func merged(_ value: ConfigNode, budget: inout MergeBudget) -> [Entry] {
    guard budget.remaining > 0 else {
      if !budget.exhausted {
        error("merge keys ('<<') expand to too many entries")
        budget.exhausted = true
      }
      return []
    }
    let expected = "a mapping or a list of mappings after '<<' (e.g. <<: *defaults)"
    switch value.node {
    case .mapping(let mapping):
      return collect(mapping, at: value, budget: &budget)
    case .sequence(let items):
      var all: [Entry] = []
      for (i, item) in items.enumerated() {
        let itemNode = value.child(item, keyPath: ConfigKeyPath.appending(index: i, to: value.keyPath))
        guard case .mapping(let mapping) = item else {
          itemNode.reportMismatch(expected: expected)
          continue
        }
        all += collect(mapping, at: itemNode, budget: &budget)
      }
      return all
    default:
      value.reportMismatch(expected: expected)
      return []
    }
  }

  private func isMergeKey(_ key: Node) -> Bool {
    guard case .scalar(let scalar) = key, scalar.style == .plain || scalar.style == .any else { return false }
    return context.restoredKey(scalar.string) == "<<"
  }

  /// A key's text, or nil after reporting an empty or non-text key.
  private func keyName(_ key: ConfigNode) -> String? {
    guard case .scalar(let scalar) = key.node else {
      key.error("a key must be a name, found \(key.kindDescription)")
      return nil
    }
    if scalar.string.isEmpty && (scalar.style == .plain || scalar.style == .any) {
      key.error("empty key (a name is missing before ':')")
      return nil
    }
    return context.restoredKey(scalar.string)
  }
}
