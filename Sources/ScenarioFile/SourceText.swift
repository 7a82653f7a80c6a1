/// A file's text split into lines the way libyaml counts them.
package struct SourceText {
  let text: String
  /// Start and end (excluding the break) of each line.
  private(set) var lines: [Range<String.Index>] = []
  /// Unicode scalars per line, counted once: every node's position is clamped to its line, and
  /// counting then made a one-line JSON file quadratic (5,000 points on a line took 11 s).
  private var scalarCounts: [Int] = []

  package init(_ text: String) {
    self.text = text
    let scalars = text.unicodeScalars
    var start = scalars.startIndex
    var i = start
    var count = 0
    while i < scalars.endIndex {
      let c = scalars[i]
      if c == "\n" || c == "\r" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" {
        lines.append(start..<i)
        scalarCounts.append(count)
        count = 0
        var next = scalars.index(after: i)
        if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
        start = next
        i = next
      } else {
        i = scalars.index(after: i)
        count += 1
      }
    }
    lines.append(start..<scalars.endIndex)
    scalarCounts.append(count)
  }

  package var lineCount: Int { lines.count }

  /// The text of 1-based `line` without its break, or nil past the end.
  func line(_ line: Int) -> Substring? {
    guard line >= 1, line <= lines.count else { return nil }
    return text[lines[line - 1]]
  }

  /// Moves a position into the text: past the last line goes to the end of the last line.
  func clamp(line: Int, column: Int) -> (line: Int, column: Int) {
    if line < 1 { return (1, 1) }
    if line > lines.count {
      let last = lines.count
      return (last, scalarCount(ofLine: last) + 1)
    }
    return (line, min(max(column, 1), scalarCount(ofLine: line) + 1))
  }

  package func scalarCount(ofLine line: Int) -> Int {
    line >= 1 && line <= scalarCounts.count ? scalarCounts[line - 1] : 0
  }

  /// The index of the scalar at a 1-based position, or nil when outside the line.
  func index(line: Int, column: Int) -> String.Index? {
    guard let content = self.line(line), column >= 1 else { return nil }
    let view = content.unicodeScalars
    return view.index(view.startIndex, offsetBy: column - 1, limitedBy: view.endIndex)
      .flatMap { $0 < view.endIndex ? $0 : nil }
  }

  /// The 1-based position of a string index.
  func position(of index: String.Index) -> (line: Int, column: Int) {
    var low = 0
    var high = lines.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lines[mid].lowerBound <= index { low = mid } else { high = mid - 1 }
    }
    let start = lines[low].lowerBound
    let column = text.unicodeScalars.distance(from: start, to: min(index, text.endIndex))
    return (low + 1, column + 1)
  }
}
