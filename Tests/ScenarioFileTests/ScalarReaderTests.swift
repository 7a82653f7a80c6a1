import Testing

import ScenarioFile

/// Reads the value of `v:` in `v: <value>` with one reader.
private func readValue<T>(_ value: String, _ reader: (ConfigNode) -> T?) -> (T?, [String]) {
  var result: T?
  let (_, log) = loadMarked("v: \(value)") { root in
    result = root.mapping(allowedKeys: ["v"])?.required("v").flatMap(reader)
  }
  return (result, log.diagnostics.map(\.message))
}

@Suite struct ScalarReaderTests {
  @Test(arguments: [
    ("hello", "hello"), ("'5'", "5"), ("\"true\"", "true"), ("yes", "yes"), ("|\n  block\n", "block\n"),
    ("!!str 12", "12"), ("2024-01-01", "2024-01-01"),
  ])
  func stringAccepts(_ value: String, _ expected: String) {
    let (result, messages) = readValue(value) { $0.string() }
    #expect(result == expected)
    #expect(messages.isEmpty)
  }

  @Test(arguments: [
    ("12", "expected a string, found the number 12 (quote it to use it as text: \"12\")"),
    ("true", "expected a string, found the boolean true"),
    ("{a: 1}", "expected a string, found a mapping"),
    ("[1]", "expected a string, found a list"),
    ("~", "missing value for required key 'v'"),
    ("!include x.yaml", "unsupported YAML tag '!include'"),
    ("!!binary eA==", "unsupported YAML tag '!!binary' (expected a string)"),
  ])
  func stringRejects(_ value: String, _ message: String) {
    let (result, messages) = readValue(value) { $0.string() }
    #expect(result == nil)
    #expect(messages.count == 1)
    #expect(messages.first?.contains(message) == true, "\(messages)")
  }

  @Test(arguments: [("7", 7), ("-3", -3), ("+4", 4), ("0x1F", 31), ("0o17", 15), ("!!int 5", 5)])
  func intAccepts(_ value: String, _ expected: Int) {
    let (result, messages) = readValue(value) { $0.int() }
    #expect(result == expected)
    #expect(messages.isEmpty)
  }

  @Test(arguments: [
    ("1.5", "expected a whole number, found the number 1.5"),
    ("1e3", "expected a whole number, found the number 1e3"),
    ("'1e3'", "expected a whole number, found the string '1e3' (remove the quotes)"),
    ("\"5\"", "expected a whole number, found the string '5' (remove the quotes)"),
    ("five", "expected a whole number, found 'five'"),
    ("99999999999999999999", "the number 99999999999999999999 is too large"),
    ("[1]", "expected a whole number, found a list"),
  ])
  func intRejects(_ value: String, _ message: String) {
    let (result, messages) = readValue(value) { $0.int() }
    #expect(result == nil)
    #expect(messages == [message])
  }

  @Test func intRange() {
    #expect(readValue("11") { $0.int(in: 1...10) }.1 == ["must be between 1 and 10, found 11"])
    #expect(readValue("0") { $0.int(in: 1...Int.max) }.1 == ["must be at least 1, found 0"])
    #expect(readValue("5") { $0.int(in: Int.min...4) }.1 == ["must be at most 4, found 5"])
    #expect(readValue("10") { $0.int(in: 1...10) }.0 == 10)
  }

  @Test(
    arguments: [("0.5", 0.5), ("3", 3), ("-2.5e-1", -0.25), (".5", 0.5), ("1e3", 1000), ("99999999999999999999", 1e20)]
      as [(String, Double)])
  func doubleAccepts(_ value: String, _ expected: Double) {
    let (result, messages) = readValue(value) { $0.double() }
    #expect(result == expected)
    #expect(messages.isEmpty)
  }

  @Test(arguments: [
    (".inf", "expected a finite number, found '.inf'"),
    (".nan", "expected a finite number, found '.nan'"),
    ("1e999", "the number 1e999 is too large"),
    ("'5'", "expected a number, found the string '5' (remove the quotes)"),
    ("0.5.1", "expected a number, found '0.5.1'"),
    ("true", "expected a number, found the boolean true"),
  ])
  func doubleRejects(_ value: String, _ message: String) {
    let (result, messages) = readValue(value) { $0.double() }
    #expect(result == nil)
    #expect(messages == [message])
  }

  @Test func doubleRange() {
    #expect(readValue("1.5") { $0.double(in: 0...1) }.1 == ["must be between 0 and 1, found 1.5"])
    #expect(readValue("-1") { $0.double(in: 0...Double.infinity) }.1 == ["must be at least 0, found -1"])
    #expect(readValue("0.25") { $0.double(in: 0...0.5) }.0 == 0.25)
  }

  @Test func bools() {
    #expect(readValue("true") { $0.bool() }.0 == true)
    #expect(readValue("False") { $0.bool() }.0 == false)
    #expect(
      readValue("yes") { $0.bool() }.1 == ["expected true or false, found 'yes' (yes/no/on/off are not booleans here)"])
    #expect(readValue("\"true\"") { $0.bool() }.1 == ["expected true or false, found the string 'true'"])
    #expect(readValue("1") { $0.bool() }.1 == ["expected true or false, found the number 1"])
  }

  @Test func oneOfSuggestsAndLists() {
    let allowed = ["fifo", "round-robin", "least-loaded"]
    #expect(
      readValue("round_robin") { $0.oneOf(allowed) }.1 == [
        "unknown value 'round_robin' (did you mean 'round-robin'?); expected one of: fifo, round-robin, least-loaded"
      ])
    #expect(readValue("'fifo'") { $0.oneOf(allowed) }.0 == "fifo")
    #expect(
      readValue("[fifo]") { $0.oneOf(allowed) }.1 == ["expected one of: fifo, round-robin, least-loaded, found a list"])
  }

  @Test func nullAndScalarChecks() {
    let (_, log) = loadMarked("a: ~\nb:\nc: null\nd: 'null'\ne: infinite\nf: \"infinite\"\ng: [x]") { root in
      let m = root.openMapping() ?? []
      #expect(m.map(\.value.isNull) == [true, true, true, false, false, false, false])
      #expect(m.map { $0.value.isScalar("infinite") } == [false, false, false, false, true, true, false])
      #expect(m[1].value.kindDescription == "an empty value")
      #expect(m[0].value.kindDescription == "null")
    }
    #expect(log.diagnostics.isEmpty)
  }

  @Test func columnsCountUnicodeScalars() {
    expectDiagnostics(
      "a: [é🙂, 1️⃣x]\n\"ключ\": 2️⃣y\n",
      [
        ExpectedDiagnostic("1️⃣", "a[1]", "expected a whole number, found 'x'"),
        ExpectedDiagnostic("2️⃣", "ключ", "expected a whole number, found 'y'"),
      ]
    ) { root in
      let m = root.mapping(allowedKeys: ["a", "ключ"])
      _ = m?["a"]?.sequence()?.last?.int()
      _ = m?["ключ"]?.int()
    }
  }

  @Test func rootKeyPathPrefixesPaths() {
    let log = DiagnosticLog()
    let doc = YAMLDocument(text: "{servers: x}", file: "--set", log: log, rootKeyPath: "stations.web")
    _ = doc.root?.mapping(allowedKeys: ["servers"])?["servers"]?.int()
    #expect(
      log.diagnostics.map(\.description) == [
        "--set:1:11: error: stations.web.servers: expected a whole number, found 'x'"
      ])
  }

  @Test func sequenceReader() {
    let (_, log) = loadMarked("v: [1, 2, 3]\nw: 1️⃣x") { root in
      let m = root.mapping(allowedKeys: ["v", "w"])
      let items = m?["v"]?.sequence()
      #expect(items?.map(\.keyPath) == ["v[0]", "v[1]", "v[2]"])
      #expect(items?.compactMap { $0.int() } == [1, 2, 3])
      #expect(m?["w"]?.sequence() == nil)
    }
    #expect(log.diagnostics.map(\.description) == ["test.yaml:2:4: error: w: expected a list, found 'x'"])
  }
}
