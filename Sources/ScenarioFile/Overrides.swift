import Suggestions

/// What-if overrides: values from a scenario that replace (or add to) values of its topology,
/// addressed by key path (`stations.db.servers: 2`), so a variant never copies the topology.
///
/// The topology reader asks `value(at:)` before reading a key of its own file (a platform
/// scenario's reader does the same for the scenario's own keys, such as `demand.DE.growth`,
/// so that a what-if can change them too); an override's
/// node keeps the scenario's file, line and column, so errors in it point at the scenario.
/// Overrides that nothing read are reported with the closest key path that exists.
package final class Overrides {
  struct Entry {
    var path: String
    var keyNode: ConfigNode
    var value: ConfigNode
    var used = false
  }

  private var entries: [Entry] = []
  /// Key paths the topology reader looked at, for "did you mean".
  private var seenPaths: [String] = []

  package init() {}

  /// Reads `overrides:` from a scenario: a mapping of key paths to values.
  package convenience init(_ node: ConfigNode?) {
    self.init()
    add(node)
  }

  /// Adds the overrides in a mapping of key paths to values; earlier ones win when two name the
  /// same key (command-line `--set` goes before the scenario's own).
  func add(_ node: ConfigNode?) {
    guard let node, let pairs = node.openMapping() else { return }
    var added: [(parts: [Part], key: String, node: ConfigNode)] = []
    for (key, keyNode, value) in pairs {
      guard let parts = Self.split(key) else {
        keyNode.error("'\(key)' is not a key path such as stations.web.servers or faults[0].at")
        continue
      }
      // One file that sets a mapping whole and a key inside it: one of them was dropped
      // without a word (the inner key won, in either order).
      if let outer = added.first(where: { Self.isPrefix($0.parts, of: parts) || Self.isPrefix(parts, of: $0.parts) }) {
        let (whole, inside) = outer.parts.count < parts.count ? (outer.key, key) : (key, outer.key)
        let there = outer.node.file == "--set" ? "--set number \(outer.node.line)" : "line \(outer.node.line)"
        keyNode.error(
          "'\(inside)' is inside '\(whole)', which is also set (\(there)): one would replace the other; give the key inside the mapping, or only the key"
        )
        continue
      }
      added.append((parts, key, keyNode))
      entries.append(Entry(path: Self.path(parts), keyNode: keyNode, value: value))
    }
  }

  /// Whether `a` is a strict prefix of `b` (`territories.DE.app` of `territories.DE.app.instances`).
  static func isPrefix(_ a: [Part], of b: [Part]) -> Bool {
    a.count < b.count && Array(b.prefix(a.count)) == a
  }

  /// The override for `path`, if any; marks it used.
  func value(at path: String) -> ConfigNode? {
    seenPaths.append(path)
    guard let i = entries.firstIndex(where: { $0.path == path }) else { return nil }
    // A later override of the same key is shadowed, not unused.
    for j in entries.indices where entries[j].path == path { entries[j].used = true }
    return entries[i].value
  }

  /// Whether any override names a key below `parent` (`slo.p95` below `slo`).
  func hasEntries(below parent: String) -> Bool {
    guard let parentParts = Self.split(parent) else { return false }
    return entries.contains {
      guard let parts = Self.split($0.path) else { return false }
      return parts.count > parentParts.count && Array(parts.prefix(parentParts.count)) == parentParts
    }
  }

  /// Overrides that add a new entry directly below `parent` (for example a new station),
  /// other than the keys that exist there already.
  func additions(below parent: String, existing: Set<String>) -> [(key: String, value: ConfigNode)] {
    var out: [(String, ConfigNode)] = []
    for i in entries.indices where !entries[i].used {
      guard let key = Self.child(of: parent, in: entries[i].path), !existing.contains(key) else { continue }
      entries[i].used = true
      seenPaths.append(entries[i].path)
      out.append((key, entries[i].value))
    }
    return out
  }

  /// Reports every override that matched nothing in `topologyFile`.
  func reportUnused(topologyFile: String) {
    reportUnused(matchingNothingIn: "topology \(topologyFile)")
  }

  /// Reports every override that matched nothing in the files read through it, described by
  /// `files` ("topology x.yaml or scenario y.yaml").
  func reportUnused(matchingNothingIn files: String) {
    for entry in entries where !entry.used {
      var message = "override '\(entry.path)' matches nothing in \(files)"
      if let near = Suggestions.closest(to: entry.path, among: seenPaths) {
        message += " (did you mean '\(near)'?)"
      } else if let whole = sectionWhole(entry) {
        message +=
          " (the file has no entries under '\(whole.section)' for it to reach: give the section whole, as \(whole.setting))"
      } else if let known = keysBeside(entry), !known.isEmpty {
        message += " (known there: \(known.joined(separator: ", ")))"
      }
      entry.keyNode.error(message)
    }
  }

  /// The keys the readers looked for beside an unknown one (`run.stopAtEnd`: `length`, `seed`...).
  private func keysBeside(_ entry: Entry) -> [String]? {
    guard let parts = Self.split(entry.path), parts.count > 1 else { return nil }
    let parent = Self.path(Array(parts.dropLast()))
    var keys: [String] = []
    for path in seenPaths {
      if let key = Self.child(of: parent, in: path), !keys.contains(key) { keys.append(key) }
    }
    return keys
  }

  /// For an override below a section that the readers looked for but the file leaves empty
  /// (`slo.classes.report.p95` without `slo.classes:`): the section and the whole setting that
  /// sets it (`slo.classes={report: {p95: 1.5s}}`).
  private func sectionWhole(_ entry: Entry) -> (section: String, setting: String)? {
    guard let parts = Self.split(entry.path), let value = entry.value.scalarText else { return nil }
    for k in stride(from: parts.count - 1, through: 1, by: -1) {
      let section = Self.path(Array(parts.prefix(k)))
      guard seenPaths.contains(section) else { continue }
      // A section with keys read below it is there: the key is unknown, not unreachable.
      guard !seenPaths.contains(where: { Self.child(of: section, in: $0) != nil }) else { return nil }
      var keys: [String] = []
      for part in parts.dropFirst(k) {
        guard case .key(let key) = part else { return nil }
        keys.append(key)
      }
      let nested = keys.reversed().reduce(value) { inner, key in "{\(key): \(inner)}" }
      return (section, "\(section)=\(nested)")
    }
    return nil
  }

  /// The single key below `parent` that `path` names, or nil (also for a list item).
  private static func child(of parent: String, in path: String) -> String? {
    guard let parts = split(path) else { return nil }
    let parentParts = split(parent) ?? []
    guard parts.count == parentParts.count + 1, Array(parts.prefix(parentParts.count)) == parentParts,
      case .key(let key)? = parts.last
    else {
      return nil
    }
    return key
  }

  /// One step of a key path: a key, or the index of a list item.
  enum Part: Equatable {
    case key(String)
    case index(Int)
  }

  /// The path as the readers write it (`faults[0].at`, `stations."a.b".servers`).
  static func path(_ parts: [Part]) -> String {
    parts.reduce("") { path, part in
      switch part {
      case .key(let key): return ConfigKeyPath.appending(key: key, to: path)
      case .index(let i): return ConfigKeyPath.appending(index: i, to: path)
      }
    }
  }

  /// Splits `a."b.c".d[2].e` into `a`, `b.c`, `d`, `[2]`, `e`; nil for an empty part, an open
  /// quote or a bracket that is not a list index. Brackets inside quotes are part of the key.
  static func split(_ path: String) -> [Part]? {
    var parts: [Part] = []
    var current = ""
    var quoted = false
    var escaped = false
    var wasQuoted = false
    /// After `]`: only `.`, `[` or the end may follow.
    var afterIndex = false
    var chars = path.makeIterator()
    func endKey() -> Bool {
      if afterIndex && current.isEmpty && !wasQuoted { return true }
      guard !current.isEmpty || wasQuoted else { return false }
      parts.append(.key(current))
      current = ""
      wasQuoted = false
      return true
    }
    while let ch = chars.next() {
      if escaped {
        current.append(ch)
        escaped = false
      } else if quoted {
        if ch == "\\" { escaped = true } else if ch == "\"" { quoted = false } else { current.append(ch) }
      } else if afterIndex && ch != "." && ch != "[" {
        return nil
      } else if ch == "\"" {
        quoted = true
        wasQuoted = true
      } else if ch == "." {
        guard endKey() else { return nil }
        afterIndex = false
      } else if ch == "[" {
        guard endKey() else { return nil }
        var digits = ""
        var closed = false
        while let d = chars.next() {
          if d == "]" {
            closed = true
            break
          }
          digits.append(d)
        }
        guard closed, (1...9).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }),
          let i = Int(digits)
        else { return nil }
        parts.append(.index(i))
        afterIndex = true
      } else {
        current.append(ch)
      }
    }
    guard !quoted, endKey() else { return nil }
    return parts
  }
}
