/// Text that goes into a script: every name and path from a scenario is escaped, since it may
/// hold quotes, backslashes or line terminators.
package enum JavaScript {
  /// A single-quoted string literal.
  ///
  /// Besides `'` and `\`, line terminators (including U+2028
  /// and U+2029, which end a line in JavaScript) and other control characters are escaped.
  package static func string(_ text: String) -> String {
    var out = "'"
    for u in text.unicodeScalars {
      switch u {
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if needsEscape(u) { out += unicodeEscape(u) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "'"
  }

  /// Text for a `//` comment: a line terminator would end the comment and turn the rest of the
  /// text into code, so line terminators and control characters are written as escapes.
  package static func comment(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
      switch u {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default:
        if needsEscape(u) { out += unicodeEscape(u) } else { out.unicodeScalars.append(u) }
      }
    }
    return out
  }

  private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
    u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" || u == "\u{FEFF}"
  }

  private static func unicodeEscape(_ u: Unicode.Scalar) -> String {
    let hex = String(u.value, radix: 16, uppercase: true)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// A finite number as JavaScript reads it: whole numbers without a fraction.
  static func number(_ x: Double) -> String {
    precondition(x.isFinite, "a script number must be finite")
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
  }

  /// A k6 duration string (`'5m'`, `'90s'`, `'1786ms'`) for whole milliseconds.
  static func duration(milliseconds ms: Int) -> String {
    if ms > 0 && ms % 3_600_000 == 0 { return "'\(ms / 3_600_000)h'" }
    if ms > 0 && ms % 60_000 == 0 { return "'\(ms / 60_000)m'" }
    if ms % 1_000 == 0 { return "'\(ms / 1_000)s'" }
    return "'\(ms)ms'"
  }
}
