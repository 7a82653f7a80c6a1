import Yams

/// A YAML node with where it came from (file, line, column, key path) and the log to report into.
///
/// Readers report a diagnostic and return nil when the node doesn't fit, so schema code
/// can read everything in one pass and collect all problems.
package struct ConfigNode {
  /// The raw Yams node. Prefer the readers: keys of duplicate entries may carry placeholders here.
  package let node: Node
  /// `stations.web.service.mean`, `demand[0].rate`; empty for the document root.
  package let keyPath: String
  /// 1-based line of the node (of its anchor or tag when it has one; for an alias, of the
  /// aliased node).
  package let line: Int
  /// 1-based column in Unicode scalars.
  package let column: Int
  let context: DocumentContext
  /// Where the key of this value is written, when it has one; errors about a whole
  /// mapping ("missing required key") read better there than at its first entry.
  private(set) var keyPosition: (line: Int, column: Int)?
  /// What the schema says this value is, when it was reached through a `Section`: the typed
  /// readers take their ranges and allowed values from it, and stop the program when a reader
  /// reads a value as something the schema does not declare.
  private(set) var expected: ValueKind?

  /// The file the node came from, as given by the user.
  package var file: String { context.file }
  package var log: DiagnosticLog { context.log }

  init(root: Node, keyPath: String, context: DocumentContext) {
    self.init(node: root, keyPath: keyPath, context: context, fallback: (1, 1))
  }

  init(node: Node, keyPath: String, context: DocumentContext, fallback: (line: Int, column: Int)) {
    self.node = node
    self.keyPath = keyPath
    self.context = context
    let position = node.mark.map { context.source.clamp(line: $0.line, column: $0.column) } ?? fallback
    line = position.line
    column = position.column
  }

  /// The same node, remembering where its key is written.
  func withKeyPosition(of key: ConfigNode) -> ConfigNode {
    var copy = self
    copy.keyPosition = (key.line, key.column)
    return copy
  }

  /// The same node, declared to hold `kind` (nil: read without a schema).
  func expecting(_ kind: ValueKind?) -> ConfigNode {
    var copy = self
    copy.expected = kind
    return copy
  }

  /// The declared kind (or the `anyOf` alternative) that `fits` a reader; nil when the node
  /// is read without a schema. A reader that reads a value as something the schema does not
  /// declare is a programmer error: the schema and the reader would disagree.
  func declared(_ reading: String, _ fits: (ValueKind) -> Bool) -> ValueKind? {
    guard let expected else { return nil }
    guard let kind = expected.first(where: fits) else {
      preconditionFailure("\(keyPath): read as \(reading), but the schema declares \(expected.label)")
    }
    return kind
  }

  /// A node below this one; positionless nodes take this node's position.
  func child(_ node: Node, keyPath: String) -> ConfigNode {
    ConfigNode(node: node, keyPath: keyPath, context: context, fallback: (line, column))
  }

  // MARK: Reporting

  /// Reports an error at this node.
  package func error(_ message: String) {
    log.report(diagnostic(message, severity: .error))
  }

  /// Reports a warning at this node.
  package func warning(_ message: String) {
    log.report(diagnostic(message, severity: .warning))
  }

  /// A diagnostic located at this node.
  package func diagnostic(_ message: String, severity: Diagnostic.Severity = .error) -> Diagnostic {
    Diagnostic(severity: severity, file: file, line: line, column: column, keyPath: keyPath, message: message)
  }

  /// Reports `expected <what>, found <this node>`.
  package func reportMismatch(expected what: String) {
    error("expected \(what), found \(kindDescription)")
  }

  // MARK: Inspection

  /// True for `~`, `null`, `Null`, `NULL` and an empty value.
  package var isNull: Bool {
    if case .null = scalarValue { return true }
    return false
  }

  /// True when this is a scalar (plain or quoted) whose text is exactly `text`, e.g. `servers: infinite`.
  package func isScalar(_ text: String) -> Bool {
    scalarText == text
  }

  /// The text of a scalar as written (quotes removed), nil for mappings and lists.
  package var scalarText: String? {
    if case .scalar(let scalar) = node { return context.restoredKey(scalar.string) }
    return nil
  }

  package var isMapping: Bool {
    if case .mapping = node { return true }
    return false
  }

  package var isSequence: Bool {
    if case .sequence = node { return true }
    return false
  }

  /// What this node is, for messages: "a mapping", "a list", "null", "an empty value",
  /// "the number 3", "the boolean true", "the string '5'" (quoted), or "'text'" (plain).
  package var kindDescription: String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar:
      let text = Self.abbreviated(scalarText ?? "")
      switch scalarValue {
      case .null: return text.isEmpty ? "an empty value" : "null"
      case .bool: return "the boolean \(text)"
      case .integer, .float: return "the number \(text)"
      case .string(quoted: true): return "the string '\(text)'"
      case .unsupportedTag(let tag): return "a value tagged '\(tag)'"
      case .nonFinite, .string(quoted: false), nil: return "'\(text)'"
      }
    }
  }

  /// At most 40 scalars, line breaks shown as `\n`.
  static func abbreviated(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for (i, c) in text.unicodeScalars.enumerated() {
      if i == 40 {
        out.append("…")
        break
      }
      switch c {
      case "\n": out.append(contentsOf: "\\n".unicodeScalars)
      case "\t": out.append(contentsOf: "\\t".unicodeScalars)
      case "\r": out.append(contentsOf: "\\r".unicodeScalars)
      default: out.append(c)
      }
    }
    return String(out)
  }
}
