/// What every node of one loaded file shares: where it came from and where to report.
final class DocumentContext {
  let file: String
  let log: DiagnosticLog
  let source: SourceText
  /// Placeholder scalars put into duplicate keys to get past Yams' duplicate check,
  /// mapped back to the scalar they replaced.
  let keyRestorations: [Unicode.Scalar: Unicode.Scalar]
  /// Whether an optional key with a null value is as if absent, as Kubernetes reads its
  /// objects. In capsim's own files it is an error: `timeout:` with the value forgotten would
  /// otherwise run with the default.
  var nullIsAbsent = false

  init(file: String, log: DiagnosticLog, source: SourceText, keyRestorations: [Unicode.Scalar: Unicode.Scalar]) {
    self.file = file
    self.log = log
    self.source = source
    self.keyRestorations = keyRestorations
  }

  /// A key's text as the user wrote it.
  func restoredKey(_ text: String) -> String {
    guard !keyRestorations.isEmpty else { return text }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: text.unicodeScalars.map { keyRestorations[$0] ?? $0 })
    return String(out)
  }
}
