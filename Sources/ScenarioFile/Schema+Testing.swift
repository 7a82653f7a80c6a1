// What the tests need of the schema: every key a file has, paired with its declaration, so
// that they can check key by key that the reader, the JSON Schema and `--set` agree.

/// A key (or list item, or entry of a user-named mapping) of a file, with its declaration.
package struct DeclaredKey: CustomStringConvertible {
  /// `territories.DE.app.instances`, `faults[0].at`, `demand.CH.mix.list`.
  package var keyPath: String
  /// `app.instances` for a key of a section; nil for a list item or a user-named entry.
  package var declaration: String?
  package var isRequired: Bool
  /// Where the key is written; for an item or entry without a key of its own, its value.
  package var line: Int
  package var column: Int
  /// Where the value is written.
  package var valueLine: Int
  package var valueColumn: Int
  /// The text of a scalar value, quoted as written; nil for a mapping or a list.
  package var scalarSource: String?
  /// A list item (`- ...`), not a key.
  package var isItem: Bool
  /// YAML for a value of a type the schema does not allow here (`true` for a duration,
  /// `1.5` for a whole number, `5` for a mapping or a list).
  package var wrongValue: String

  package var description: String { keyPath }
}

/// A mapping with fixed keys in a file (a section), where an unknown key can be written.
package struct DeclaredSection: CustomStringConvertible {
  package var keyPath: String
  package var name: String
  /// A key of it whose scalar value is on the key's own line: a line written after it, at
  /// its column, adds a key to the same mapping.
  package var anchor: (line: Int, column: Int)?

  package var description: String { keyPath.isEmpty ? "(top)" : keyPath }
}

extension FileKind {
  /// Every key, item and section written in `root` (a file of this kind), with its declaration.
  package func declaredKeys(in root: ConfigNode) -> (keys: [DeclaredKey], sections: [DeclaredSection]) {
    var walk = _SchemaWalk()
    walk.visit(root, .section(top), path: "")
    return (walk.keys, walk.sections)
  }

  /// Every key any file of this kind may have, as `section.key`.
  package var declarations: Set<String> {
    var out = Set<String>()
    var seen = Set<String>()
    func collect(_ kind: ValueKind) {
      switch kind {
      case .section(let section): collect(section)
      case .tagged(let tagged): tagged.values.forEach { collect(tagged.section(for: $0)!) }
      case .distribution: collect(.tagged(DistributionReader.schema))
      case .names(let value, _), .list(let value, _): collect(value)
      case .anyOf(let kinds): kinds.forEach(collect)
      default: break
      }
    }
    func collect(_ section: Section) {
      guard seen.insert(section.name).inserted else { return }
      for key in section.keys {
        out.insert("\(section.name).\(key.name)")
        collect(key.kind)
      }
    }
    collect(top)
    return out
  }
}

/// Walks a file alongside its schema.
private struct _SchemaWalk {
  var keys: [DeclaredKey] = []
  var sections: [DeclaredSection] = []

  mutating func visit(_ node: ConfigNode, _ kind: ValueKind, path: String) {
    switch kind {
    case .section(let section): visit(node, section, path: path)
    case .tagged(let tagged):
      let tag = (node.node.mapping?.first { $0.key.string == tagged.tag })?.value.string
      if let tag, let section = tagged.section(for: tag) { visit(node, section, path: path) }
    case .distribution: visit(node, .tagged(DistributionReader.schema), path: path)
    case .names(let value, _):
      for entry in node.entries() ?? [] {
        let path = ConfigKeyPath.appending(key: entry.key, to: path)
        record(entry.value, value, path: path, key: entry.keyNode, declaration: nil, isRequired: false)
        visit(entry.value, value, path: path)
      }
    case .list(let item, _):
      guard case .sequence = node.node else { return }
      for (i, itemNode) in (node.sequence() ?? []).enumerated() {
        let path = ConfigKeyPath.appending(index: i, to: path)
        record(itemNode, item, path: path, key: nil, declaration: nil, isRequired: false)
        visit(itemNode, item, path: path)
      }
    case .anyOf(let kinds):
      let fits = kinds.first { kind in
        switch (kind, node.node) {
        case (.list, .sequence): return true
        case (.section, .mapping), (.tagged, .mapping), (.distribution, .mapping), (.names, .mapping): return true
        default: return false
        }
      }
      if let fits { visit(node, fits, path: path) }
    default: break
    }
  }

  private mutating func visit(_ node: ConfigNode, _ section: Section, path: String) {
    guard let entries = node.entries() else { return }
    var anchor: (Int, Int)? = nil
    for entry in entries {
      guard let key = section.key(entry.key) else { continue }
      if anchor == nil, entry.value.scalarText != nil, entry.value.line == entry.keyNode.line {
        anchor = (entry.keyNode.line, entry.keyNode.column)
      }
      let path = ConfigKeyPath.appending(key: entry.key, to: path)
      record(
        entry.value, key.kind, path: path, key: entry.keyNode, declaration: "\(section.name).\(key.name)",
        isRequired: key.isRequired)
      visit(entry.value, key.kind, path: path)
    }
    sections.append(DeclaredSection(keyPath: path, name: section.name, anchor: anchor))
  }

  private mutating func record(
    _ value: ConfigNode, _ kind: ValueKind, path: String, key: ConfigNode?, declaration: String?, isRequired: Bool
  ) {
    var source: String? = nil
    if let text = value.scalarText {
      source = value.scalarValue == .string(quoted: true) ? "\"\(text)\"" : text
    }
    keys.append(
      DeclaredKey(
        keyPath: path, declaration: declaration, isRequired: isRequired, line: key?.line ?? value.line,
        column: key?.column ?? value.column, valueLine: value.line, valueColumn: value.column, scalarSource: source,
        isItem: key == nil && path.hasSuffix("]"), wrongValue: Self.wrongValue(for: kind)))
  }

  /// A value that every reader and the JSON Schema refuse for `kind`.
  static func wrongValue(for kind: ValueKind) -> String {
    switch kind {
    case .wholeNumber, .seed: return "1.5"
    case .number: return "\"1\""
    case .bool: return "yes"
    case .section, .tagged, .distribution, .names, .list, .overrides: return "5"
    case .anyOf(let kinds) where kinds.contains(where: { if case .bool = $0 { true } else { false } }):
      return "[]"  // `drain: false` or a duration: neither takes a list
    case .string, .text, .duration, .rate, .share, .oneOf, .date, .localDateTime, .timeOfDay, .anyOf: return "true"
    }
  }
}

extension JSONSchema {
  /// Whether the reader takes `text`, written as a plain YAML scalar, as a value of the kind
  /// that the schemas define as `$defs/<definition>` (`duration`, `share`, ...), so that the
  /// tests can compare it with the definition's pattern.
  package static func readerAccepts(_ text: String, asDefinition definition: String) -> Bool {
    let kinds: [String: ValueKind] = [
      "duration": .duration(positive: false), "positiveDuration": .duration(positive: true),
      "rate": .rate(positive: false), "positiveRate": .rate(positive: true), "share": .share, "date": .date,
      "localDateTime": .localDateTime, "timeOfDay": .timeOfDay,
    ]
    guard let kind = kinds[definition] else { preconditionFailure("no definition \(definition)") }
    let log = DiagnosticLog()
    guard let root = YAMLDocument(text: "v: \(text)\n", file: "sample", log: log).root,
      let node = root.mapping(Section(name: "sample", summary: "", keys: [.required("v", kind, "")]))?["v"]
    else { return false }
    switch kind {
    case .duration: _ = node.duration()
    case .rate: _ = node.rate()
    case .share: _ = PlatformScenarioFile.fraction(node)
    case .date: _ = CalendarFile.date(node)
    case .localDateTime: _ = CalendarFile.localDateTime(node)
    default: if node.timeOfDay() == nil { node.error("not a time of day") }
    }
    return !log.hasErrors
  }
}
