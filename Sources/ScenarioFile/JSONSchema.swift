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

  // MARK: Patterns

  static let number = #"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"#
  static let durationPattern =
    #"^\+?"# + number + "(" + Quantity.durationUnits.map(\.unit).joined(separator: "|") + ")$"
  static let ratePattern = #"^\+?"# + number + "/(" + Quantity.rateUnits.map(\.unit).joined(separator: "|") + ")$"
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
      case .duration: return text(durationPattern)
      case .rate: return text(ratePattern)
      case .wholeNumber(let range):
        return .object([
          ("type", .string("integer")), ("minimum", .integer(range.lowerBound)), ("maximum", .integer(range.upperBound)),
        ])
      case .number(let range):
        return .object([
          ("type", .string("number")), ("minimum", .number(range.lowerBound)), ("maximum", .number(range.upperBound)),
        ])
      case .share:
        return .object([
          ("anyOf", .array([schema(.number(0...1)), text(percentPattern)]))
        ])
      case .bool: return .object([("type", .string("boolean"))])
      case .oneOf(let values): return .object([("type", .string("string")), ("enum", .array(values.map { .string($0) }))])
      case .date: return text(datePattern)
      case .localDateTime: return text(localDateTimePattern)
      case .timeOfDay: return text(timeOfDayPattern)
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

    private func text(_ pattern: String) -> JSONValue {
      .object([("type", .string("string")), ("pattern", .string(pattern))])
    }

    private func reference(_ name: String) -> JSONValue {
      .object([("$ref", .string("#/$defs/\(name)"))])
    }

    private mutating func define(_ section: Section) -> JSONValue {
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
