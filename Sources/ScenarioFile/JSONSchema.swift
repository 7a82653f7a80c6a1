/// JSON Schemas (draft 2020-12) of capsim's files, generated from the same `Section`s the
/// readers use, for editors (completion, documentation on hover, errors as you type) and for
/// `check-jsonschema`.
///
/// What a schema cannot say, the readers still check: references between names (a territory's
/// primary must be a database node), sums (a mix, routing probabilities), bounds of durations
/// and rates (at most 100 years), dates that exist, and the rest of "what is checked before a
/// run". A file the schema accepts may still be refused, with a located message; a file the
/// reader accepts passes the schema.
package enum JSONSchema {
  /// The schema of `kind`, as committed under `schemas/` (ends with a newline).
  package static func text(for kind: FileKind) -> String {
    document(for: kind).rendered() + "\n"
  }

  /// Where the schemas say they live. The host is reserved for examples (RFC 2606): the `$id`
  /// names the schema and is never fetched; files point at the committed copy by a relative path.
  static func id(for kind: FileKind) -> String {
    "https://capsim.freshfoodz.example/schemas/\(kind.schemaFileName)"
  }

  static func document(for kind: FileKind) -> JSONValue {
    var builder = Builder()
    var members: [(String, JSONValue)] = [
      ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
      ("$id", .string(id(for: kind))),
      ("title", .string("capsim \(kind.rawValue)")),
    ]
    members += builder.object(kind.top)
    if !builder.definitions.isEmpty { members.append(("$defs", .object(builder.definitions))) }
    return .object(members)
  }

  /// `$defs` of kinds of values (not sections) that many keys share.
  static let valueDefinitions: Set<String> = [
    "duration", "positiveDuration", "rate", "positiveRate", "share", "date", "localDateTime", "timeOfDay",
  ]

  // MARK: Patterns

  static let number = #"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"#
  /// Looks ahead for a digit other than 0 before any exponent: the number is not zero.
  static let nonZero = #"(?=\.?0*\.?0*[1-9])"#
  static let durationUnits = "(" + Quantity.durationUnits.map(\.unit).joined(separator: "|") + ")$"
  static let rateUnits = "/(" + Quantity.rateUnits.map(\.unit).joined(separator: "|") + ")$"
  static let durationPattern = #"^\+?"# + number + durationUnits
  static let positiveDurationPattern = #"^\+?"# + nonZero + number + durationUnits
  static let ratePattern = #"^\+?"# + number + rateUnits
  static let positiveRatePattern = #"^\+?"# + nonZero + number + rateUnits
  static let percentPattern = #"^(100(\.0*)?|\d{1,2}(\.\d*)?|\.\d+)%$"#
  static let datePattern = #"^\d{4}-\d{2}-\d{2}$"#
  static let localDateTimePattern = #"^\d{4}-\d{2}-\d{2}(T\d{1,2}:\d{1,2})?$"#
  static let timeOfDayPattern = #"^\d{1,2}:\d{1,2}$"#

  /// Walks the sections, keeping each named section and tagged mapping once under `$defs`.
  private struct Builder {
    var definitions: [(String, JSONValue)] = []
    private var defined: Set<String> = []

    /// The members of an object schema for `section`: type, description, properties,
    /// required, closed to other keys.
    mutating func object(_ section: Section, closed: Bool = true) -> [(String, JSONValue)] {
      var members: [(String, JSONValue)] = [("description", .string(section.summary)), ("type", .string("object"))]
      members.append(("properties", .object(section.keys.map { ($0.name, property($0)) })))
      let required = section.keys.filter(\.isRequired).map { JSONValue.string($0.name) }
      if !required.isEmpty { members.append(("required", .array(required))) }
      if closed { members.append(("additionalProperties", .bool(false))) }
      members += constraints(section)
      return members
    }

    /// `oneOf` for keys of which exactly one is given, `dependentRequired` for keys that need
    /// others.
    private func constraints(_ section: Section) -> [(String, JSONValue)] {
      var members: [(String, JSONValue)] = []
      let groups = section.exactlyOne.map { group in
        JSONValue.object([("oneOf", .array(group.map { .object([("required", .array([.string($0)]))]) }))])
      }
      if groups.count == 1, case .object(let only) = groups[0] { members += only }
      if groups.count > 1 { members.append(("allOf", .array(groups))) }
      if !section.needs.isEmpty {
        members.append(
          ("dependentRequired", .object(section.needs.map { ($0.key, .array($0.others.map { .string($0) })) })))
      }
      return members
    }

    /// A key's schema with its summary as `description`.
    private mutating func property(_ key: Section.Key) -> JSONValue {
      guard case .object(let members) = schema(key.kind) else { preconditionFailure("schemas are objects") }
      return .object([("description", .string(key.summary))] + members)
    }

    mutating func schema(_ kind: ValueKind) -> JSONValue {
      switch kind {
      case .string: return .object([("type", .string("string"))])
      case .text(let pattern, _): return text(pattern)
      case .duration(let positive):
        return positive
          ? define("positiveDuration", text(positiveDurationPattern, durationSummary + " Greater than zero."))
          : define("duration", text(durationPattern, durationSummary))
      case .rate(let positive):
        return positive
          ? define("positiveRate", text(positiveRatePattern, rateSummary + " Greater than zero."))
          : define("rate", text(ratePattern, rateSummary))
      case .wholeNumber(let range):
        return .object([
          ("type", .string("integer")), ("minimum", .integer(range.lowerBound)), ("maximum", .integer(range.upperBound)),
        ])
      case .seed:
        return .object([("type", .string("integer")), ("minimum", .integer(0)), ("maximum", .unsigned(.max))])
      case .number(let range):
        return .object([
          ("type", .string("number")), ("minimum", .number(range.lowerBound)), ("maximum", .number(range.upperBound)),
        ])
      case .share:
        return define(
          "share",
          .object([
            ("description", .string("A share: a percentage (2%, 99.9%) or a fraction between 0 and 1 (0.02).")),
            ("anyOf", .array([schema(.number(0...1)), text(percentPattern)])),
          ]))
      case .bool: return .object([("type", .string("boolean"))])
      case .oneOf(let values): return .object([("type", .string("string")), ("enum", .array(values.map { .string($0) }))])
      case .date: return define("date", text(datePattern, "A date: 2026-12-07 (years 0001 to 9999)."))
      case .localDateTime:
        return define(
          "localDateTime", text(localDateTimePattern, "A local date, or date and time: 2026-12-07 or 2026-12-07T08:30."))
      case .timeOfDay: return define("timeOfDay", text(timeOfDayPattern, "A time of day, quoted: \"07:30\"."))
      case .distribution: return define(DistributionReader.schema)
      case .section(let section): return define(section)
      case .tagged(let tagged): return define(tagged)
      case .names(let value, _):
        return .object([("type", .string("object")), ("additionalProperties", schema(value))])
      case .list(let item, let count):
        var members: [(String, JSONValue)] = [("type", .string("array")), ("items", schema(item))]
        if let count {
          members += [("minItems", .integer(count.lowerBound)), ("maxItems", .integer(count.upperBound))]
        }
        return .object(members)
      case .anyOf(let kinds): return .object([("anyOf", .array(kinds.map { schema($0) }))])
      case .overrides:
        // Key paths into other files: no fixed keys to list.
        return .object([("type", .string("object"))])
      }
    }

    private func text(_ pattern: String, _ summary: String? = nil) -> JSONValue {
      let members: [(String, JSONValue)] = [("type", .string("string")), ("pattern", .string(pattern))]
      return .object((summary.map { [("description", JSONValue.string($0))] } ?? []) + members)
    }

    private let durationSummary =
      "A duration with its unit and no space: 250us (or µs), 200ms, 1.5s, 2min, 1h, 1d, also ns; at most 100 years."
    private let rateSummary =
      "A rate: 30/s, 1800/min, 5/h, 0.5/ms, 120/d; at most one per nanosecond, and unless 0/s at least one per 100 years."

    /// A kind of value used in many places, defined once under `$defs`.
    private mutating func define(_ name: String, _ schema: JSONValue) -> JSONValue {
      if defined.insert(name).inserted { definitions.append((name, schema)) }
      return reference(name)
    }

    private func reference(_ name: String) -> JSONValue {
      .object([("$ref", .string("#/$defs/\(name)"))])
    }

    private mutating func define(_ section: Section) -> JSONValue {
      precondition(!JSONSchema.valueDefinitions.contains(section.name), "section name '\(section.name)' is taken")
      if defined.insert(section.name).inserted {
        let index = definitions.count
        definitions.append((section.name, .object([])))
        definitions[index].1 = .object(object(section))
      }
      return reference(section.name)
    }

    /// A mapping told apart by its tag: the tag's values as an `enum`, then for each value
    /// (`if` the tag is that value) `then` its own keys, closed with `propertyNames` (which,
    /// unlike `additionalProperties`, sees the keys of the whole mapping from inside `then`).
    private mutating func define(_ tagged: Tagged) -> JSONValue {
      guard defined.insert(tagged.name).inserted else { return reference(tagged.name) }
      let index = definitions.count
      definitions.append((tagged.name, .object([])))
      let tag = tagged.tag
      var branches: [JSONValue] = []
      for (value, section) in tagged.variants {
        let condition = JSONValue.object([
          ("properties", .object([(tag, .object([("const", .string(value))]))])), ("required", .array([.string(tag)])),
        ])
        var then = object(section, closed: false).filter { $0.0 != "type" }
        then.append(("propertyNames", .object([("enum", .array(([tag] + section.keyNames).map { .string($0) }))])))
        branches.append(.object([("if", condition), ("then", .object(then))]))
      }
      definitions[index].1 = .object([
        ("description", .string(tagged.summary)),
        ("type", .string("object")),
        ("properties", .object([(tag, property(tagged.tagKey))])),
        ("required", .array([.string(tag)])),
        ("allOf", .array(branches)),
      ])
      return reference(tagged.name)
    }
  }
}
