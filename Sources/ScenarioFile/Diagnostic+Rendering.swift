extension Diagnostic {
  /// The description, then the offending source line and a caret under the column (clang style).
  ///
  /// Without a source, or when the line does not exist, only the description. A line longer
  /// than `snippetWidth` scalars is cut to a window around the column, marked with `...`.
  package func rendered(in source: SourceText?) -> String {
    guard let source, let text = source.line(line) else { return description }
    var scalars = Array(text.unicodeScalars)
    var caret = max(0, column - 1)
    var head = "", tail = ""
    if scalars.count > Self.snippetWidth {
      let half = Self.snippetWidth / 2
      let from = max(0, min(caret - half, scalars.count - Self.snippetWidth))
      let to = min(scalars.count, from + Self.snippetWidth)
      if from > 0 { head = "..." }
      if to < scalars.count { tail = "..." }
      scalars = Array(scalars[from..<to])
      caret = caret - from + head.count
    }
    let shown = head + String(String.UnicodeScalarView(scalars)) + tail
    let line = Array(shown.unicodeScalars)
    // Tabs stay tabs so the caret lines up however the terminal expands them.
    let prefix = line.prefix(caret).map { $0 == "\t" ? "\t" : " " }.joined()
    let pad = String(repeating: " ", count: max(0, caret - line.count))
    return "\(description)\n\(shown)\n\(prefix)\(pad)^"
  }

  /// The description with its snippet, splitting `source` into lines for this one diagnostic;
  /// to render many, split once with `SourceText` and use `rendered(in:)`.
  package func rendered(source: String?) -> String {
    rendered(in: source.map(SourceText.init))
  }

  /// The widest source line shown under a diagnostic, in Unicode scalars.
  static let snippetWidth = 160
}
