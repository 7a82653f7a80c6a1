/// "Did you mean" matching for keys, enum values and units.
package enum Suggestions {
  /// The closest candidate to `word`, or nil when none is close enough.
  ///
  /// Compares case-insensitively with `_` and `-` removed (so `max_instances` matches
  /// `maxInstances`), accepting an optimal-string-alignment distance of at most
  /// `max(1, length / 3)`; ties go to the earlier candidate.
  package static func closest(to word: String, among candidates: [String]) -> String? {
    let target = normalized(word)
    let limit = max(1, target.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      let d = distance(target, normalized(candidate))
      if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
    }
    return best?.candidate
  }

  /// Damerau-Levenshtein distance (optimal string alignment) over Unicode scalars.
  package static func distance(_ a: String, _ b: String) -> Int {
    let s = Array(a.unicodeScalars)
    let t = Array(b.unicodeScalars)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    var rows = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
    for i in 0...s.count { rows[i][0] = i }
    for j in 0...t.count { rows[0][j] = j }
    for i in 1...s.count {
      for j in 1...t.count {
        let cost = s[i - 1] == t[j - 1] ? 0 : 1
        var d = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
        if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
          d = min(d, rows[i - 2][j - 2] + 1)
        }
        rows[i][j] = d
      }
    }
    return rows[s.count][t.count]
  }

  static func normalized(_ s: String) -> String {
    String(s.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
  }

  /// ` (did you mean 'x'?)` or the empty string.
  static func hint(for word: String, among candidates: [String]) -> String {
    closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
