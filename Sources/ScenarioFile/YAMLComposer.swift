import Yams

/// Turns YAML text into a Yams node tree, converting every Yams failure into located problems.
///
/// Yams stops at the first duplicate key; to still report everything else, the composer
/// replaces the first scalar of the offending key with a private-use placeholder (same
/// column count, so marks stay true) and composes again. `ConfigNode` maps the
/// placeholders back and reports the duplicates itself.
struct YAMLComposer {
  struct Problem {
    var message: String
    var line: Int
    var column: Int
  }

  private(set) var problems: [Problem] = []
  private(set) var root: Node?
  private(set) var keyRestorations: [Unicode.Scalar: Unicode.Scalar] = [:]
  /// The text actually parsed (control characters replaced), for snippets.
  let text: String
  let source: SourceText

  static let maxDuplicateRepairs = 200
  static let maxControlCharacterReports = 5

  init(text original: String) {
    var problems: [Problem] = []
    text = Self.sanitized(original, problems: &problems)
    source = SourceText(text)
    self.problems = problems
    compose()
  }

  /// Replaces characters libyaml refuses with U+FFFD (one scalar each, so columns hold),
  /// reporting them, so that parsing can go on and find the other problems.
  private static func sanitized(_ text: String, problems: inout [Problem]) -> String {
    guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
    let source = SourceText(text)
    var out = String.UnicodeScalarView()
    var count = 0
    var index = text.unicodeScalars.startIndex
    for scalar in text.unicodeScalars {
      if isAllowed(scalar) {
        out.append(scalar)
      } else {
        count += 1
        if count <= maxControlCharacterReports {
          let (line, column) = source.position(of: index)
          let hex = String(scalar.value, radix: 16, uppercase: true)
          let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
          problems.append(
            Problem(message: "control character \(code) is not allowed in YAML", line: line, column: column))
        }
        out.append("\u{FFFD}")
      }
      index = text.unicodeScalars.index(after: index)
    }
    if count > maxControlCharacterReports, let last = problems.last {
      problems.append(
        Problem(
          message: "\(count - maxControlCharacterReports) more control characters not shown (is this a binary file?)",
          line: last.line, column: last.column))
    }
    return String(out)
  }

  /// libyaml's reader rule for characters allowed in a YAML stream.
  private static func isAllowed(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }

  private mutating func compose() {
    var yaml = text
    let used = Set(text.unicodeScalars)
    var sentinels = (0xE000...0xEFFF).lazy.compactMap(Unicode.Scalar.init).filter { !used.contains($0) }
      .makeIterator()
    var extraDocument: Mark?
    var composed = false
    for _ in 0...Self.maxDuplicateRepairs {
      do {
        root = try Self.composeFirstDocument(yaml, extraDocument: &extraDocument)
        composed = true
        break
      } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
        let key = duplicates.first ?? ""
        guard let sentinel = sentinels.next(),
          let repaired = Self.replaceFirstScalar(ofKey: key, at: context.mark, in: yaml, with: sentinel)
        else {
          add("duplicate key '\(key)' (each key may appear only once in a mapping)", at: context.mark)
          return
        }
        keyRestorations[sentinel] = key.unicodeScalars.first
        yaml = repaired
      } catch {
        add(error)
        return
      }
    }
    guard composed else {
      add("too many duplicate keys (more than \(Self.maxDuplicateRepairs))", line: 1, column: 1)
      return
    }
    if let mark = extraDocument {
      add("only one YAML document is allowed per file; a second one starts here", at: mark)
    }
    if case .scalar(let scalar) = root, scalar.style == .plain, scalar.string.isEmpty {
      root = nil
    }
    if root == nil {
      add("the file is empty (expected a YAML document)", line: 1, column: 1)
    }
  }

  /// The first document; `extraDocument` gets the start of a second one, if any.
  private static func composeFirstDocument(_ yaml: String, extraDocument: inout Mark?) throws -> Node? {
    do {
      return try Parser(yaml: yaml).singleRoot()
    } catch let YamlError.composer(context, _, mark, _)
      where context?.text == "expected a single document in the stream"
    {
      extraDocument = mark
      return try Parser(yaml: yaml).nextRoot()
    }
  }

  /// `yaml` with the first scalar of the key at `mark` replaced, or nil when the key
  /// isn't written simply enough to do that safely (anchors, tags, escapes, collections).
  private static func replaceFirstScalar(
    ofKey key: String, at mark: Mark, in yaml: String, with sentinel: Unicode.Scalar
  ) -> String? {
    let source = SourceText(yaml)
    guard var index = source.index(line: mark.line, column: mark.column),
      let expected = key.unicodeScalars.first
    else { return nil }
    let scalars = yaml.unicodeScalars
    let opening = scalars[index]
    if opening == "\"" || opening == "'" {
      index = scalars.index(after: index)
      guard index < scalars.endIndex else { return nil }
      let first = scalars[index]
      if first == "\\" || first == opening { return nil }
    }
    guard scalars[index] == expected else { return nil }
    var out = scalars
    out.replaceSubrange(index...index, with: [sentinel])
    return String(out)
  }

  private mutating func add(_ message: String, at mark: Mark) {
    add(message, line: mark.line, column: mark.column)
  }

  private mutating func add(_ message: String, line: Int, column: Int) {
    let (line, column) = source.clamp(line: line, column: column)
    problems.append(Problem(message: message, line: line, column: column))
  }

  private mutating func add(_ error: Error) {
    guard let error = error as? YamlError else {
      add("cannot parse YAML: \(error)", line: 1, column: 1)
      return
    }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      addSyntaxError(problem: problem, context: context, mark: mark)
    case .reader(let problem, let offset, _, let yaml):
      let index = offset.flatMap { yaml.index(yaml.startIndex, offsetBy: $0, limitedBy: yaml.endIndex) }
      let (line, column) = index.map(source.position(of:)) ?? (1, 1)
      add("cannot read YAML: \(problem)", line: line, column: column)
    case .duplicatedKeysInMapping(let duplicates, let context):
      add("duplicate key '\(duplicates.first ?? "")'", at: context.mark)
    default:
      add("cannot parse YAML: \(error)", line: 1, column: 1)
    }
  }

  /// Words libyaml's messages for humans, with hints for the usual mistakes.
  private mutating func addSyntaxError(problem: String, context: YamlError.Context?, mark: Mark) {
    let at = source.index(line: mark.line, column: mark.column).map { text.unicodeScalars[$0] }
    if (problem.hasPrefix("found character that cannot start any token") && at == "\t")
      || problem.contains("tab character")
    {
      add("invalid YAML: tab characters cannot be used for indentation; indent with spaces", at: mark)
    } else if problem == "found unexpected end of stream", let context,
      context.text.hasPrefix("while scanning a quoted scalar")
    {
      add("invalid YAML: unterminated quoted string (no closing quote before the end of the file)", at: context.mark)
    } else if problem == "found undefined alias" {
      let name = aliasName(at: mark)
      add("invalid YAML: unknown alias '*\(name)' (no anchor '&\(name)' is defined before it)", at: mark)
    } else if problem.hasPrefix("Maximum nesting level reached") {
      add("invalid YAML: nesting is too deep (more than 1000 levels)", at: mark)
    } else {
      var message = "invalid YAML: \(problem)"
      if let context {
        message += " (\(context.text) starting at line \(context.mark.line), column \(context.mark.column))"
      }
      if problem == "mapping values are not allowed in this context" {
        message += "; a value containing ': ' must be quoted, or the indentation is off"
      } else if problem.hasPrefix("did not find expected key") || problem.hasPrefix("did not find expected '-'") {
        message += "; check the indentation"
      }
      add(message, at: mark)
    }
  }

  private func aliasName(at mark: Mark) -> String {
    guard let line = source.line(mark.line) else { return "" }
    let rest = line.unicodeScalars.dropFirst(mark.column)  // skip the '*'
    let name = rest.prefix { !" ,[]{}\t".unicodeScalars.contains($0) }
    return String(String.UnicodeScalarView(name))
  }
}
