/// "Did you mean" matching for keys, enum values and units.
package enum Suggestions {
  /// The closest candidate to `word`, or nil when none is close enough.
  ///
  /// Compares case-insensitively with `_` and `-` removed (so `max_instances` matches
  /// `maxInstances`), accepting an optimal-string-alignment distance of at most
  /// `max(1, length / 3)`; ties go to the earlier candidate. The work is bounded whatever the
  /// input: a word longer than `longestWord` is no typo of a key and gets no suggestion, and a
  /// candidate whose length alone puts it out of reach is not compared.
  package static func closest(to word: String, among candidates: [String]) -> String? {
    guard word.utf8.count <= longestWord * 4 else { return nil }  // cheap before normalizing
    let target = Array(normalized(word).unicodeScalars)
    guard target.count <= longestWord else { return nil }
    let limit = max(1, target.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
      let other = Array(normalized(candidate).unicodeScalars)
      guard abs(other.count - target.count) <= limit else { continue }  // distance >= length difference
      let d = distance(target, other)
      if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
    }
    return best?.candidate
  }

  /// The longest word, in Unicode scalars, for which a suggestion is looked for.
  package static let longestWord = 64

  /// Damerau-Levenshtein distance (optimal string alignment) over Unicode scalars.
  package static func distance(_ a: String, _ b: String) -> Int {
    distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
  }

  /// Optimal string alignment over three rolling rows: O(|s| x |t|) time, O(|t|) memory.
  static func distance(_ s: [Unicode.Scalar], _ t: [Unicode.Scalar]) -> Int {
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    var before = [Int](repeating: 0, count: t.count + 1)  // row i - 2
    var previous = Array(0...t.count)  // row i - 1
    var current = [Int](repeating: 0, count: t.count + 1)
    for i in 1...s.count {
      current[0] = i
      for j in 1...t.count {
        let cost = s[i - 1] == t[j - 1] ? 0 : 1
        var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
          d = min(d, before[j - 2] + 1)
        }
        current[j] = d
      }
      (before, previous, current) = (previous, current, before)
    }
    return previous[t.count]
  }

  static func normalized(_ s: String) -> String {
    String(s.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
  }

  /// ` (did you mean 'x'?)` or the empty string.
  package static func hint(for word: String, among candidates: [String]) -> String {
    closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
