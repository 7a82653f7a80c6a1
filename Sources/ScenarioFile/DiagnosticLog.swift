/// Collects diagnostics of one load across files; shared by every node of that load.
///
/// Not thread-safe: use one log per load.
package final class DiagnosticLog {
  /// In the order reported; identical diagnostics are kept once.
  package private(set) var diagnostics: [Diagnostic] = []
  /// File texts by path, for snippets.
  package private(set) var sources: [String: String] = [:]
  private var seen: Set<Diagnostic> = []

  package init() {}

  package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
  package var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
  /// Sorted by file, line, column.
  package var sortedDiagnostics: [Diagnostic] { DiagnosticError.sorted(diagnostics) }

  package func report(_ diagnostic: Diagnostic) {
    // Schema code may read an aliased node twice; say it once.
    if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  package func error(_ message: String, at node: ConfigNode) {
    report(node.diagnostic(message, severity: .error))
  }

  package func warning(_ message: String, at node: ConfigNode) {
    report(node.diagnostic(message, severity: .warning))
  }

  package func error(_ message: String, file: String, line: Int, column: Int, keyPath: String = "") {
    report(Diagnostic(file: file, line: line, column: column, keyPath: keyPath, message: message))
  }

  /// Remembers a file's text so diagnostics in it can show the offending line.
  package func addSource(_ text: String, file: String) {
    sources[file] = text
  }

  /// Throws every diagnostic (warnings included) when at least one is an error.
  package func throwIfErrors() throws(DiagnosticError) {
    if hasErrors { throw DiagnosticError(diagnostics: diagnostics, sources: sources) }
  }

  /// All diagnostics, sorted, each with its source line and caret.
  package func rendered() -> String {
    DiagnosticError(diagnostics: diagnostics, sources: sources).rendered()
  }
}
