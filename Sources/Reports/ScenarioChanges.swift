import RunRecords
import Yams

/// What differs between the scenarios of a baseline and a what-if, read from their records:
/// overrides, `--set` settings, the files each read (with their hashes), and run settings.
///
/// The recorded texts are YAML: the top-level `overrides:` of each file are compared entry by
/// entry (parsed by Yams), the other lines of files that differ line by line (as a reviewer
/// reads them). Comments and blank lines do not count.
struct ScenarioChanges {
  struct Change: Hashable {
    /// What changed, in a sentence ("`--set` only in the what-if").
    var summary: String
    /// Lines taken away ("−") or added ("+"), or values before and after ("→").
    var lines: [Line] = []
  }

  struct Line: Hashable {
    enum Sign: String { case removed = "−", added = "+", changed = "→" }
    var sign: Sign
    var text: String
  }

  var changes: [Change] = []
  /// Files both runs read with the same text, and the same topology: said once, briefly.
  var unchanged: [String] = []

  init(baseline b: RunRecord, whatIf w: RunRecord) {
    settings(b.settings, w.settings)
    overrides(b.scenarioFiles, w.scenarioFiles)
    files(b.scenarioFiles, w.scenarioFiles)
    if b.scenarioHash != w.scenarioHash {
      changes.append(
        Change(summary: "Scenario text SHA-256 \(Self.short(b.scenarioHash)) → \(Self.short(w.scenarioHash))"))
    }
    topology(b, w)
    facts(b, w)
  }

  /// The first 12 hex digits: enough to tell files apart in a list.
  static func short(_ hash: String) -> String { hash.isEmpty ? "–" : String(hash.prefix(12)) }

  // MARK: Pieces

  private mutating func settings(_ b: [String], _ w: [String]) {
    let removed = b.filter { !w.contains($0) }
    let added = w.filter { !b.contains($0) }
    guard !removed.isEmpty || !added.isEmpty else { return }
    changes.append(
      Change(
        summary: "Settings on the command line (--set)",
        lines: removed.map { Line(sign: .removed, text: $0) } + added.map { Line(sign: .added, text: $0) }))
  }

  /// Overrides of all the files of each run, by key path; a what-if's win over its base's.
  private mutating func overrides(_ b: [RunRecord.ScenarioFile], _ w: [RunRecord.ScenarioFile]) {
    let before = Self.effectiveOverrides(b)
    let after = Self.effectiveOverrides(w)
    var lines: [Line] = []
    for (key, value) in before where !after.contains(where: { $0.key == key }) {
      lines.append(Line(sign: .removed, text: "\(key): \(value)"))
    }
    for (key, value) in after {
      if let old = before.first(where: { $0.key == key })?.value {
        if old != value { lines.append(Line(sign: .changed, text: "\(key): \(old) → \(value)")) }
      } else {
        lines.append(Line(sign: .added, text: "\(key): \(value)"))
      }
    }
    if !lines.isEmpty { changes.append(Change(summary: "Overrides in the scenario files", lines: lines)) }
  }

  /// Files matched by path, else by file name; a pair of files left over on each side (two
  /// different scenarios) is compared as one.
  private mutating func files(_ b: [RunRecord.ScenarioFile], _ w: [RunRecord.ScenarioFile]) {
    var unmatched = b
    var pairs: [(RunRecord.ScenarioFile?, RunRecord.ScenarioFile?)] = []
    for file in w {
      let i =
        unmatched.firstIndex { $0.path == file.path }
        ?? unmatched.firstIndex { Self.fileName($0.path) == Self.fileName(file.path) }
      if let i {
        pairs.append((unmatched.remove(at: i), file))
      } else {
        pairs.append((nil, file))
      }
    }
    let onlyWhatIf = pairs.indices.filter { pairs[$0].0 == nil }
    if onlyWhatIf.count == 1 && unmatched.count == 1 {
      pairs[onlyWhatIf[0]].0 = unmatched.removeFirst()
    }
    pairs += unmatched.map { ($0, nil) }

    for (old, new) in pairs {
      switch (old, new) {
      case (let old?, let new?) where Self.meaningful(old.text) == Self.meaningful(new.text):
        unchanged.append(new.path)
      case (let old?, let new?):
        let name = old.path == new.path ? "Scenario file \(new.path)" : "Scenario file \(old.path) → \(new.path)"
        changes.append(
          Change(summary: name + " differs", lines: Self.diff(Self.otherLines(old.text), Self.otherLines(new.text))))
      case (nil, let new?):
        changes.append(Change(summary: "Only the what-if reads \(new.path)"))
      case (let old?, nil):
        changes.append(Change(summary: "Only the baseline reads \(old.path)"))
      case (nil, nil):
        break
      }
    }
  }

  private mutating func topology(_ b: RunRecord, _ w: RunRecord) {
    let sameText = Self.meaningful(b.topologyText) == Self.meaningful(w.topologyText)
    if sameText && b.topologyPath == w.topologyPath {
      unchanged.append(w.topologyPath + " (SHA-256 \(Self.short(w.topologyHash)))")
      return
    }
    let name = b.topologyPath == w.topologyPath ? w.topologyPath : "\(b.topologyPath) → \(w.topologyPath)"
    var summary = "Topology \(name)"
    summary += sameText ? ": same text" : ", SHA-256 \(Self.short(b.topologyHash)) → \(Self.short(w.topologyHash))"
    changes.append(
      Change(
        summary: summary,
        lines: sameText ? [] : Self.diff(Self.otherLines(b.topologyText), Self.otherLines(w.topologyText))))
  }

  private mutating func facts(_ b: RunRecord, _ w: RunRecord) {
    let facts: [(String, (RunRecord) -> String)] = [
      ("Seed", { String($0.seed) }), ("Replications", { String($0.replications) }),
      ("Simulated span", { Format.span(seconds: $0.horizon) }),
      ("Series window", { Format.window(seconds: $0.seriesInterval) }),
      ("Time zone", { $0.timeZone.isEmpty ? "–" : $0.timeZone }), ("capsim", \.capsimVersion),
    ]
    for (name, value) in facts where value(b) != value(w) {
      changes.append(Change(summary: "\(name) \(value(b)) → \(value(w))"))
    }
  }

  // MARK: Reading the texts

  static func fileName(_ path: String) -> Substring {
    path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
  }

  /// A line without its comment (a `#` at the start or after a space, outside quotes) and
  /// trailing blanks.
  static func uncommented(_ line: Substring) -> Substring {
    var quote: Character? = nil
    var previous: Character = " "
    for i in line.indices {
      let c = line[i]
      if let q = quote {
        if c == q { quote = nil }
      } else if c == "\"" || c == "'" {
        quote = c
      } else if c == "#" && (previous == " " || previous == "\t") {
        return Self.trimmedRight(line[..<i])
      }
      previous = c
    }
    return Self.trimmedRight(line)
  }

  static func trimmedRight(_ s: Substring) -> Substring {
    var s = s
    while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
    return s
  }

  /// The lines that count: no comments, no blank lines.
  static func meaningful(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(uncommented).filter { !$0.isEmpty }
  }

  static func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

  /// Meaningful lines outside the top-level `overrides:` (those are compared entry by entry).
  static func otherLines(_ text: String) -> [Substring] {
    var out: [Substring] = []
    var inOverrides = false
    for line in meaningful(text) {
      if indent(line) == 0 { inOverrides = line.hasPrefix("overrides:") }
      if !inOverrides { out.append(line) }
    }
    return out
  }

  /// The entries of a file's top-level `overrides:`, in order, each value on one line in flow
  /// style: ("demand.DE.growth", "1.5"), ("faults", "[{kind: replica-down, ...}]"). A text that
  /// is not YAML (it was read when the run was, so it should be) has none.
  static func overrides(_ text: String) -> [(key: String, value: String)] {
    guard let root = try? Yams.compose(yaml: text), let entries = root.mapping?["overrides"]?.mapping else { return [] }
    return entries.map { (key: flow($0.key), value: flow($0.value)) }
  }

  /// A node on one line, as YAML's flow style writes it (scalars as their text).
  static func flow(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): scalar.string
    case .sequence(let items): "[" + items.map(flow).joined(separator: ", ") + "]"
    case .mapping(let pairs): "{" + pairs.map { "\(flow($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
    case .alias(let alias): "*\(alias.anchor.rawValue)"
    }
  }

  /// Overrides of a run's files: a what-if's first, so they win over its base's.
  static func effectiveOverrides(_ files: [RunRecord.ScenarioFile]) -> [(key: String, value: String)] {
    var out: [(key: String, value: String)] = []
    for file in files {
      for e in overrides(file.text) where !out.contains(where: { $0.key == e.key }) { out.append(e) }
    }
    return out
  }

  /// Lines only in `a` (removed) and only in `b` (added), in order.
  ///
  /// A longest common subsequence diff. Files of more than 1,000 lines are compared as sets of lines instead:
  /// the table of common lengths takes O(n × m) memory.
  static func diff(_ a: [Substring], _ b: [Substring]) -> [Line] {
    let limit = 1_000
    guard a.count <= limit && b.count <= limit else {
      let inA = Set(a)
      let inB = Set(b)
      return a.filter { !inB.contains($0) }.map { Line(sign: .removed, text: String($0)) }
        + b.filter { !inA.contains($0) }.map { Line(sign: .added, text: String($0)) }
    }
    // lengths[i][j]: longest common subsequence of a[i...] and b[j...].
    var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
      }
    }
    var out: [Line] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count && j < b.count && a[i] == b[j] {
        i += 1
        j += 1
      } else if i < a.count && (j == b.count || lengths[i + 1][j] >= lengths[i][j + 1]) {
        // Removals first, as diff prints them.
        out.append(Line(sign: .removed, text: String(a[i])))
        i += 1
      } else {
        out.append(Line(sign: .added, text: String(b[j])))
        j += 1
      }
    }
    return out
  }
}
