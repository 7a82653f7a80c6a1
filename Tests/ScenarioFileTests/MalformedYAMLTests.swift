import Foundation
import Testing

import ScenarioFile
import _TestSupport

@Suite struct MalformedYAMLTests {
  /// Each fixture must yield exactly one diagnostic at 1️⃣ containing the message.
  @Test(arguments: [
    ("a: 1\nb: 1️⃣\"unterminated\nc: 2\n", "unterminated quoted string"),
    ("a: 1\nb:\n1️⃣\tc: 2\n", "tab characters cannot be used for indentation"),
    (
      "stations: [web, db\n1️⃣",
      "did not find expected ',' or ']' (while parsing a flow sequence starting at line 1, column 11)"
    ),
    ("stations: [web, db", "did not find expected ',' or ']'"),
    ("a: b1️⃣: c\n", "mapping values are not allowed in this context; a value containing ': ' must be quoted"),
    ("a:\n  b: 1\n 1️⃣c: 2\n", "did not find expected key"),
    ("a:\n  b: 1\n1️⃣\tc: 2\n", "tab characters cannot be used for indentation"),
    ("a: 1\nb: 1️⃣*nope\n", "unknown alias '*nope' (no anchor '&nope' is defined before it)"),
    ("a: 1\n1️⃣---\nb: 2\n", "only one YAML document is allowed per file"),
    ("a: 1\n1️⃣---\n", "only one YAML document is allowed per file"),
    ("a: 1️⃣\u{1}\n", "control character U+0001 is not allowed in YAML"),
    ("1️⃣", "the file is empty"),
    ("1️⃣# just a comment\n", "the file is empty"),
    ("1️⃣---\n", "the file is empty"),
    ("a: {b: 1, 1️⃣]\n", "did not find expected node content"),
    ("- a\n1️⃣b: 1\n", "did not find expected '-'"),
    ("a: !<tag:yaml.org,2002:str1️⃣ \n", "did not find the expected '>'"),
    ("a: &x 1\nb: \"1️⃣\\q\"\n", "found unknown escape character"),
  ])
  func malformed(_ yaml: String, _ message: String) {
    let text = MarkedText(yaml)
    let log = DiagnosticLog()
    let document = YAMLDocument(text: text.text, file: "bad.yaml", log: log)
    #expect(log.diagnostics.count == 1, "\(log.diagnostics)")
    guard let diagnostic = log.diagnostics.first else { return }
    #expect(diagnostic.message.contains(message), "\(diagnostic)")
    #expect(diagnostic.file == "bad.yaml")
    #expect(diagnostic.keyPath == "")
    if let position = text.markers["1️⃣"] {
      #expect(diagnostic.line == position.line && diagnostic.column == position.column, "\(diagnostic)")
    } else {
      #expect(diagnostic.line >= 1 && diagnostic.column >= 1)
    }
    if !message.contains("only one YAML document") && !message.contains("control character") {
      #expect(document.root == nil)
    }
  }

  @Test func secondDocumentIsRejectedButFirstIsStillChecked() {
    expectDiagnostics(
      "1️⃣colour: red\n2️⃣---\nb: 2\n",
      [
        ExpectedDiagnostic("1️⃣", "colour", "unknown key 'colour'"),
        ExpectedDiagnostic("2️⃣", "", "only one YAML document is allowed per file"),
      ]
    ) { root in _ = root.mapping(allowedKeys: ["color"]) }
  }

  @Test func controlCharactersDoNotStopTheRest() {
    expectDiagnostics(
      "a: x1️⃣\u{0}y\nb: 2️⃣1.5\n",
      [
        ExpectedDiagnostic("1️⃣", "", "control character U+0000 is not allowed"),
        ExpectedDiagnostic("2️⃣", "b", "expected a whole number"),
      ]
    ) { root in _ = root.mapping(allowedKeys: ["a", "b"])?["b"]?.int() }
  }

  @Test func binaryJunkIsSummarised() {
    let junk = String(decoding: (0..<200).map { UInt8($0 % 32) }, as: UTF8.self)
    let log = DiagnosticLog()
    _ = YAMLDocument(text: junk, file: "junk.yaml", log: log)
    #expect(log.diagnostics.contains { $0.message.contains("more control characters not shown") })
    #expect(log.diagnostics.count <= 8)
    #expect(log.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 })
  }

  @Test func byteOrderMarkIsIgnored() {
    expectDiagnostics("\u{FEFF}a: 1\nb: 1️⃣x\n", [ExpectedDiagnostic("1️⃣", "b", "expected a whole number, found 'x'")]) { root in
      _ = root.mapping(allowedKeys: ["a", "b"])?["b"]?.int()
    }
    let log = DiagnosticLog()
    _ = YAMLDocument(text: "\u{FEFF}x: 1\n", file: "bom.yaml", log: log).root?.mapping(allowedKeys: ["a"])
    #expect(log.diagnostics.map(\.description) == ["bom.yaml:1:1: error: x: unknown key 'x' (did you mean 'a'?)"])
  }

  @Test func deepNestingIsReportedNotCrashed() {
    for depth in [999, 20_000] {
      let log = DiagnosticLog()
      let doc = YAMLDocument(
        text: String(repeating: "[", count: depth) + String(repeating: "]", count: depth), file: "deep.yaml", log: log)
      if depth < 1_000 {
        #expect(log.diagnostics.isEmpty)
        #expect(doc.root?.isSequence == true)
      } else {
        #expect(log.diagnostics.map(\.message) == ["invalid YAML: nesting is too deep (more than 1000 levels)"])
      }
    }
    let log = DiagnosticLog()
    _ = YAMLDocument(text: String(repeating: "{a: ", count: 5_000), file: "deep.yaml", log: log)
    #expect(log.hasErrors)
  }

  @Test func windowsLineEndings() {
    expectDiagnostics("a: 1\r\nb: 1️⃣x\r\nc: 2\r\n", [ExpectedDiagnostic("1️⃣", "b", "expected a whole number")]) { root in
      _ = root.mapping(allowedKeys: ["a", "b", "c"])?["b"]?.int()
    }
  }

  @Test func duplicateKeysThatCannotBeRepairedStillReport() {
    // An anchor on the key hides its text from the repair; the duplicate is still reported.
    let log = DiagnosticLog()
    let doc = YAMLDocument(text: "&k a: 1\n&j a: 2\n", file: "d.yaml", log: log)
    #expect(doc.root == nil)
    #expect(
      log.diagnostics.map(\.description) == [
        "d.yaml:1:1: error: duplicate key 'a' (each key may appear only once in a mapping)"
      ])
  }

  /// A symbolic link that loops is said to loop: it read "no such file", for a file that is there.
  @Test func aSymbolicLinkThatLoopsIsSaidToLoop() throws {
    let a = try Scratch.loopingLinks()
    let log = DiagnosticLog()
    #expect(YAMLDocument(path: a, log: log).root == nil)
    #expect(
      log.diagnostics.map(\.description) == [
        "\(a):1:1: error: the symbolic link loops (too many levels of symbolic links)"
      ])
  }

  @Test func files() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "capsim-yaml-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }

    let good = dir.appendingPathComponent("good.yaml").path
    try "a: 1\nb: x\n".write(toFile: good, atomically: true, encoding: .utf8)
    let log = DiagnosticLog()
    let doc = YAMLDocument(path: good, log: log)
    _ = doc.root?.mapping(allowedKeys: ["a", "b"])?["b"]?.int()
    #expect(log.diagnostics.map(\.description) == ["\(good):2:4: error: b: expected a whole number, found 'x'"])
    #expect(log.sources[good] == "a: 1\nb: x\n")

    let latin1 = dir.appendingPathComponent("latin1.yaml").path
    try Data("a: 1\nname: caf".utf8 + [0xE9] + Array("\n".utf8)).write(to: URL(fileURLWithPath: latin1))
    let log2 = DiagnosticLog()
    #expect(YAMLDocument(path: latin1, log: log2).root == nil)
    #expect(
      log2.diagnostics.map(\.description) == [
        "\(latin1):2:10: error: the file is not valid UTF-8 (byte 0xE9); save it as UTF-8"
      ])

    let log3 = DiagnosticLog()
    _ = YAMLDocument(path: dir.appendingPathComponent("missing.yaml").path, log: log3)
    _ = YAMLDocument(path: dir.path, log: log3)
    #expect(log3.diagnostics.map(\.message) == ["no such file", "is a directory, expected a YAML file"])
    #expect(log3.diagnostics.allSatisfy { $0.line == 1 && $0.column == 1 })

    // A file without end (a device named by mistake) stops at the size limit; it hung.
    let endless = DiagnosticLog()
    #expect(YAMLDocument(path: "/dev/zero", log: endless).root == nil)
    #expect(endless.diagnostics.map(\.message) == ["the file is larger than 256 MB: no capsim file is (is it the file meant?)"])

    // A device or a pipe reads like a file: /dev/null is an empty document, not unreadable.
    let log4 = DiagnosticLog()
    #expect(YAMLDocument(path: "/dev/null", log: log4).root == nil)
    #expect(log4.diagnostics.map(\.message) == ["the file is empty (expected a YAML document)"])
  }
}
