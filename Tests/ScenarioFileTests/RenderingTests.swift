import Testing

import ScenarioFile

@Suite struct RenderingTests {
  @Test func descriptionFormat() {
    let d = Diagnostic(file: "t.yaml", line: 3, column: 12, keyPath: "stations.web", message: "boom")
    #expect(d.description == "t.yaml:3:12: error: stations.web: boom")
    let w = Diagnostic(severity: .warning, file: "t.yaml", line: 1, column: 1, message: "empty")
    #expect(w.description == "t.yaml:1:1: warning: empty")
  }

  @Test func caretUnderTheColumn() {
    let (text, log) = loadMarked("stations:\n  web:\n    servers: 1️⃣lots\n") { root in
      _ = root.openMapping()?.first?.value.openMapping()?.first?.value.openMapping()?.first?.value.int()
    }
    #expect(text.markers["1️⃣"]! == (3, 14))
    #expect(
      log.rendered() == """
        test.yaml:3:14: error: stations.web.servers: expected a whole number, found 'lots'
            servers: lots
                     ^
        """)
  }

  @Test func tabsAndUnicodeKeepTheCaretAligned() {
    let d = Diagnostic(file: "t", line: 2, column: 5, message: "m")
    #expect(d.rendered(source: "x\n\té: ab") == "t:2:5: error: m\n\té: ab\n\t   ^")
  }

  @Test func caretPastTheEndAndMissingSource() {
    let d = Diagnostic(file: "t", line: 1, column: 5, message: "m")
    #expect(d.rendered(source: "ab") == "t:1:5: error: m\nab\n    ^")
    #expect(d.rendered(source: nil) == "t:1:5: error: m")
    #expect(Diagnostic(file: "t", line: 9, column: 1, message: "m").rendered(source: "ab") == "t:9:1: error: m")
  }

  @Test func parserErrorsRenderWithSnippet() {
    let log = DiagnosticLog()
    _ = YAMLDocument(text: "a: 1\nb: \"open\n", file: "p.yaml", log: log)
    #expect(
      log.rendered() == """
        p.yaml:2:4: error: invalid YAML: unterminated quoted string (no closing quote before the end of the file)
        b: "open
           ^
        """)
  }

  @Test func errorsAreSortedAcrossFilesAndThrownTogether() {
    let log = DiagnosticLog()
    for (file, text) in [("b.yaml", "x: 1\ny: 2\n"), ("a.yaml", "z: 1\n")] {
      _ = YAMLDocument(text: text, file: file, log: log).root?.mapping(allowedKeys: [])
    }
    log.warning("late warning", at: YAMLDocument(text: "w: 1", file: "a.yaml", log: DiagnosticLog()).root!)
    #expect(log.hasErrors && log.errorCount == 3)
    #expect(throws: DiagnosticError.self) { try log.throwIfErrors() }
    do {
      try log.throwIfErrors()
    } catch {
      #expect(
        error.diagnostics.map { "\($0.file):\($0.line):\($0.column)" } == [
          "a.yaml:1:1", "a.yaml:1:1", "b.yaml:1:1", "b.yaml:2:1",
        ])
      #expect(error.description.split(separator: "\n").count == 4)
      #expect(error.rendered().contains("y: 2\n^"))
    }
    let clean = DiagnosticLog()
    #expect(throws: Never.self) { try clean.throwIfErrors() }
  }

  @Test func identicalDiagnosticsAreKeptOnce() {
    let (_, log) = loadMarked("a: x") { root in
      let a = root.mapping(allowedKeys: ["a"])?["a"]
      _ = a?.int()
      _ = a?.int()
    }
    #expect(log.diagnostics.count == 1)
  }
}
