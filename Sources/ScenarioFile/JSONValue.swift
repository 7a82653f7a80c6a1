/// A JSON value whose objects keep their keys in the order given, printed the same way every
/// time (so that a committed schema can be compared with a generated one byte for byte).
enum JSONValue {
  case string(String)
  case integer(Int)
  case unsigned(UInt64)
  case number(Double)
  case bool(Bool)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// Two-space indentation; arrays of scalars that fit stay on one line.
  func rendered(indent: String = "") -> String {
    let inner = indent + "  "
    switch self {
    case .string(let text): return Self.quoted(text)
    case .integer(let value): return String(value)
    case .unsigned(let value): return String(value)
    case .number(let value):
      precondition(value.isFinite, "JSON has no \(value)")
      if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
      return "\(value)"
    case .bool(let value): return value ? "true" : "false"
    case .array(let items):
      if items.isEmpty { return "[]" }
      let parts = items.map { $0.rendered(indent: inner) }
      let line = "[" + parts.joined(separator: ", ") + "]"
      if items.allSatisfy(\.isScalar), line.count + indent.count <= 100 { return line }
      return "[\n" + parts.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let parts = members.map { inner + Self.quoted($0.0) + ": " + $0.1.rendered(indent: inner) }
      return "{\n" + parts.joined(separator: ",\n") + "\n" + indent + "}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
