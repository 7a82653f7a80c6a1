/// All diagnostics of a failed load, thrown at once.
package struct DiagnosticError: Error, CustomStringConvertible {
  /// Sorted by file, line and column; equal positions keep the order they were reported in.
  package var diagnostics: [Diagnostic]
  /// File texts by path, so callers can render snippets.
  package var sources: [String: String]

  package init(diagnostics: [Diagnostic], sources: [String: String] = [:]) {
    self.diagnostics = Self.sorted(diagnostics)
    self.sources = sources
  }

  /// The same, with the lines of `file` after its first `kept` moved to a document of their
  /// own, `moved`: settings from two flags read as one document (`--set`, then `--vary`).
  package func splitting(_ file: String, after kept: Int, into moved: String) -> DiagnosticError {
    guard let text = sources[file] else { return self }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var copy = self
    copy.sources[moved] = lines.dropFirst(kept).joined(separator: "\n")
    copy.diagnostics = diagnostics.map { d in
      guard d.file == file, d.line > kept else { return d }
      var d = d
      d.file = moved
      d.line -= kept
      return d
    }
    copy.diagnostics = Self.sorted(copy.diagnostics)
    return copy
  }

  /// One `Diagnostic.description` per line.
  package var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }

  /// Every diagnostic with its source line and caret.
  package func rendered() -> String {
    var split: [String: SourceText] = [:]  // each file split into lines once, not once per diagnostic
    return diagnostics.map { d in
      if split[d.file] == nil, let text = sources[d.file] { split[d.file] = SourceText(text) }
      return d.rendered(in: split[d.file])
    }.joined(separator: "\n")
  }

  /// Stable sort by file, line, column.
  static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    diagnostics.enumerated().sorted { a, b in
      let l = a.element
      let r = b.element
      if l.file != r.file { return l.file < r.file }
      if l.line != r.line { return l.line < r.line }
      if l.column != r.column { return l.column < r.column }
      return a.offset < b.offset
    }.map(\.element)
  }
}
