// The keys of capsim's files, declared once: the readers take their allowed keys, ranges and
// allowed values from here, and `JSONSchema` turns the same declarations into the JSON Schemas
// that editors use. A key that a reader reads must be declared here (reading an undeclared key
// stops the program), so the two cannot drift apart.
//
//     Section "app"                      reader                     JSON Schema
//       instances: 1...100000, required  f.required("instances")    "instances": {"type": "integer",
//       timeout: duration > 0              ?.int() (range from here)   "minimum": 1, ...}
//
// The declarations sit next to their readers (`PlatformFile+Schema.swift`, ...).

/// What a key's value is, as a reader checks it and a JSON Schema describes it.
indirect enum ValueKind: Sendable {
  /// Free text (names, descriptions, references to names defined elsewhere).
  case string
  /// Text matching a regular expression (JSON Schema `pattern`, ECMA-262), with what it is.
  case text(pattern: String, what: String)
  /// `200ms`, `1.5s`: see `Quantity.duration`; `positive` rejects zero.
  case duration(positive: Bool)
  /// `30/s`, `1800/min`: see `Quantity.rate`; `positive` rejects zero.
  case rate(positive: Bool)
  case wholeNumber(ClosedRange<Int>)
  /// A random seed: a whole number from 0 to 2^64 - 1, as `--seed` takes.
  case seed
  case number(ClosedRange<Double>)
  /// A share written as a percentage (`2%`) or a fraction (`0.02`).
  case share
  case bool
  /// One of these words.
  case oneOf([String])
  /// `2026-12-07`.
  case date
  /// `2026-12-07` or `2026-12-07T08:30`, local time.
  case localDateTime
  /// `07:30`.
  case timeOfDay
  /// `{distribution: NAME, ...}`.
  case distribution
  /// A mapping with the keys of a section.
  case section(Section)
  /// A mapping whose keys say which of several sections it is (`kind: crashes`).
  case tagged(Tagged)
  /// A mapping whose keys the user chooses (stations, territories), each value of one kind.
  case names(of: ValueKind, what: String)
  case list(of: ValueKind, count: ClosedRange<Int>? = nil)
  /// Any one of these kinds (`servers: 4` or `servers: infinite`).
  case anyOf([ValueKind])
  /// `overrides:`, key paths to new values.
  case overrides

  /// A few words for messages to programmers: "duration", "one of: a, b".
  var label: String {
    switch self {
    case .string: return "string"
    case .text(_, let what): return what
    case .duration: return "duration"
    case .rate: return "rate"
    case .wholeNumber: return "whole number"
    case .seed: return "seed"
    case .number: return "number"
    case .share: return "share"
    case .bool: return "boolean"
    case .oneOf(let values): return "one of: \(values.joined(separator: ", "))"
    case .date: return "date"
    case .localDateTime: return "local date-time"
    case .timeOfDay: return "time of day"
    case .distribution: return "distribution"
    case .section(let section): return "section \(section.name)"
    case .tagged(let tagged): return "\(tagged.name) (by \(tagged.tag))"
    case .names(_, let what): return "mapping of \(what)"
    case .list(let item, _): return "list of \(item.label)"
    case .anyOf(let kinds): return kinds.map(\.label).joined(separator: " or ")
    case .overrides: return "overrides"
    }
  }

  /// This kind, or the alternative of an `anyOf` that `matches`.
  func first(where matches: (ValueKind) -> Bool) -> ValueKind? {
    if case .anyOf(let kinds) = self { return kinds.first { $0.first(where: matches) != nil } }
    return matches(self) ? self : nil
  }
}

/// A mapping with a fixed set of keys, such as a territory's `app:`.
struct Section: Sendable {
  /// One key of a section.
  struct Key: Sendable {
    var name: String
    var kind: ValueKind
    var isRequired: Bool
    /// One line for editors and the README: what the key means, its default and unit.
    var summary: String

    static func required(_ name: String, _ kind: ValueKind, _ summary: String) -> Key {
      Key(name: name, kind: kind, isRequired: true, summary: summary)
    }

    static func optional(_ name: String, _ kind: ValueKind, _ summary: String) -> Key {
      Key(name: name, kind: kind, isRequired: false, summary: summary)
    }
  }

  /// The name of its definition in a JSON Schema (`$defs/app`).
  var name: String
  var summary: String
  /// In the order that messages list them ("allowed keys: ...").
  var keys: [Key]
  /// Groups of keys of which exactly one must be given (`users` or `rate`).
  var exactlyOne: [[String]] = []
  /// Keys that need others when given (`users` needs `think`).
  var needs: [(key: String, others: [String])] = []

  var keyNames: [String] { keys.map(\.name) }

  func key(_ name: String) -> Key? { keys.first { $0.name == name } }
}

/// A mapping whose value of one key (the tag) decides its other keys: a fault's `kind:`, a
/// distribution's `distribution:`.
struct Tagged: Sendable {
  /// The name of its definition in a JSON Schema.
  var name: String
  var summary: String
  var tag: String
  var tagSummary: String
  /// Each value of the tag with its own keys (the tag itself left out).
  var variants: [(value: String, section: Section)]

  var values: [String] { variants.map(\.value) }

  /// The keys of one variant, the tag first.
  func section(for value: String) -> Section? {
    guard var section = variants.first(where: { $0.value == value })?.section else { return nil }
    section.keys.insert(tagKey, at: 0)
    return section
  }

  var tagKey: Section.Key { .required(tag, .oneOf(values), tagSummary) }
}
