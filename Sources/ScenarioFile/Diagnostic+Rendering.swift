extension Diagnostic {
  /// The description, then the offending source line and a caret under the column (clang style).
  ///
  /// Without a source, or when the line does not exist, only the description.
  package func rendered(source: String?) -> String {
    guard let source, let text = SourceText(source).line(line) else { return description }
    let scalars = Array(text.unicodeScalars)
    // Tabs stay tabs so the caret lines up however the terminal expands them.
    let prefix = scalars.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
    let pad = String(repeating: " ", count: max(0, column - 1 - scalars.count))
    return "\(description)\n\(text)\n\(prefix)\(pad)^"
  }
}

/// Renders a diagnostic followed by the offending source line and a caret under the column.
package func render(_ diagnostic: Diagnostic, source: String?) -> String {
  diagnostic.rendered(source: source)
}
