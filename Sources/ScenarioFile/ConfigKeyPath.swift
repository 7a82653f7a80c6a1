/// Builds key paths such as `stations.web.service`, `demand[0].rate`, `stations."a.b".servers`.
package enum ConfigKeyPath {
  /// `parent.key`, or `key` at the root; the key is quoted when needed.
  package static func appending(key: String, to parent: String) -> String {
    parent.isEmpty ? quoted(key) : "\(parent).\(quoted(key))"
  }

  /// `parent[index]`.
  package static func appending(index: Int, to parent: String) -> String {
    "\(parent)[\(index)]"
  }

  /// The key as written in a path: double-quoted when empty or containing `.`, brackets,
  /// quotes, backslashes, whitespace or control characters.
  package static func quoted(_ key: String) -> String {
    let needsQuotes =
      key.isEmpty
      || key.unicodeScalars.contains {
        ".[]\"'\\".unicodeScalars.contains($0) || $0.properties.isWhitespace
          || $0.properties.generalCategory == .control
      }
    guard needsQuotes else { return key }
    var out = "\""
    for c in key.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if c.properties.generalCategory == .control {
          out += "\\u{\(String(c.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out + "\""
  }
}
