import Yams

/// What a scalar means under our rules: YAML 1.2 core schema, so `yes`/`no`/`on`/`off`
/// are strings and only `true`/`false` are booleans.
enum ScalarValue: Equatable {
  case null
  case bool(Bool)
  /// Integer literal text: decimal with optional sign, `0x…` or `0o…`.
  case integer(String)
  case float(Double)
  /// `.inf`, `-.inf`, `.nan` and friends.
  case nonFinite
  /// Plain text, or quoted / block text (`quoted: true`).
  case string(quoted: Bool)
  /// A tag we don't interpret, such as `!include`.
  case unsupportedTag(String)

  static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
  static let trueWords: Set<String> = ["true", "True", "TRUE"]
  static let falseWords: Set<String> = ["false", "False", "FALSE"]
  static let nonFiniteWords: Set<String> = [
    ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
  ]
  /// Tags Yams' resolver may have written into a plain scalar; the text still decides.
  static let resolvedTags: Set<String> = [
    "", Tag.Name.int.rawValue, Tag.Name.float.rawValue, Tag.Name.bool.rawValue, Tag.Name.null.rawValue,
    Tag.Name.timestamp.rawValue, Tag.Name.merge.rawValue, Tag.Name.value.rawValue,
  ]

  init(_ scalar: Node.Scalar) {
    // Reading `rawValue` doesn't resolve the tag, but Yams may have resolved it earlier.
    let tag = scalar.tag.rawValue
    let quoted = scalar.style != .plain && scalar.style != .any
    if tag == Tag.Name.str.rawValue || tag == "!" {
      self = .string(quoted: quoted)
    } else if !Self.resolvedTags.contains(tag) {
      self = .unsupportedTag(Self.shortTag(tag))
    } else if quoted && tag.isEmpty {
      self = .string(quoted: true)
    } else {
      self = Self.plain(scalar.string)
    }
  }

  /// Meaning of untagged plain text.
  static func plain(_ text: String) -> ScalarValue {
    if nullWords.contains(text) { return .null }
    if trueWords.contains(text) { return .bool(true) }
    if falseWords.contains(text) { return .bool(false) }
    if nonFiniteWords.contains(text) { return .nonFinite }
    if isRadixInteger(text) { return .integer(text) }
    guard let (number, rest) = Quantity.splitNumber(Substring(text)), rest.isEmpty else {
      return .string(quoted: false)
    }
    if number.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
      return Double(number).map(ScalarValue.float) ?? .string(quoted: false)
    }
    return .integer(text)
  }

  /// `!!binary` rather than `tag:yaml.org,2002:binary`.
  static func shortTag(_ tag: String) -> String {
    tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
  }

  static func isRadixInteger(_ text: String) -> Bool {
    if text.hasPrefix("0x"), text.count > 2 { return text.dropFirst(2).allSatisfy(\.isHexDigit) }
    if text.hasPrefix("0o"), text.count > 2 {
      return text.dropFirst(2).allSatisfy { ("0"..."7").contains($0) }
    }
    return false
  }

  /// The value of integer literal text, nil when it doesn't fit an `Int`.
  static func intValue(_ text: String) -> Int? { integerValue(text, as: Int.self) }

  /// The value of integer literal text (decimal, `0x`, `0o`) as `T`, nil when it doesn't fit.
  static func integerValue<T: FixedWidthInteger>(_ text: String, as: T.Type) -> T? {
    if text.hasPrefix("0x") { return T(text.dropFirst(2), radix: 16) }
    if text.hasPrefix("0o") { return T(text.dropFirst(2), radix: 8) }
    return T(text)
  }
}

extension ConfigNode {
  /// Our meaning of this node when it is a scalar, nil otherwise.
  var scalarValue: ScalarValue? {
    if case .scalar(let scalar) = node { return ScalarValue(scalar) }
    return nil
  }
}
