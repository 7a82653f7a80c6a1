/// A problem found in a configuration file, located by file, line, column and key path.
package struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
  /// How serious a diagnostic is.
  package enum Severity: String, Hashable, Sendable {
    case error, warning
  }

  package var severity: Severity
  /// The path as the user gave it.
  package var file: String
  /// 1-based line.
  package var line: Int
  /// 1-based column, counted in Unicode scalars (as libyaml does).
  package var column: Int
  /// Dotted key path such as `stations.web.service.mean` or `demand[0].rate`; empty for the whole document.
  package var keyPath: String
  package var message: String

  package init(
    severity: Severity = .error, file: String, line: Int, column: Int, keyPath: String = "",
    message: String
  ) {
    self.severity = severity
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
  }

  /// `file:line:column: error: keyPath: message`, without `keyPath: ` when the path is empty.
  package var description: String {
    let path = keyPath.isEmpty ? "" : "\(keyPath): "
    return "\(file):\(line):\(column): \(severity.rawValue): \(path)\(message)"
  }
}
