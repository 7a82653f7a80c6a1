import Foundation
import Testing

import ScenarioFile

/// The shipped files name their schema on their first line (for editors), and pass it; a file
/// with an unknown key or a wrong type fails both the schema and the reader, at the same key.
@Suite struct ShippedSchemaTests {
  static let root = CheckJSONSchema.root

  /// Every file of `scenarios/` and `topologies/`, and the end-to-end fixtures that name a schema.
  static func shippedFiles() throws -> [String] {
    var files: [String] = []
    for folder in ["scenarios", "topologies", "Tests/EndToEndTests/Fixtures"] {
      let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
      files += names.filter { $0.hasSuffix(".yaml") }.sorted().map { root.appendingPathComponent("\(folder)/\($0)").path }
    }
    return files
  }

  /// The first line: `# yaml-language-server: $schema=<relative path>`.
  static func schemaLine(_ file: String) throws -> String? {
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let first = String(text.prefix { $0 != "\n" })
    let prefix = "# yaml-language-server: $schema="
    return first.hasPrefix(prefix) ? String(first.dropFirst(prefix.count)) : nil
  }

  @Test func everyShippedFileNamesTheSchemaOfItsKind() throws {
    var named = 0
    for file in try Self.shippedFiles() {
      let isFixture = file.contains("/Tests/")
      guard let schema = try Self.schemaLine(file) else {
        // Fixtures of broken files (a typo at a known line, malformed YAML) go without.
        #expect(isFixture, "\(file) does not start with # yaml-language-server: $schema=...")
        continue
      }
      let kind = try #require(FileKind(path: file), "\(file)")
      let expected = (isFixture ? "../../../schemas/" : "../schemas/") + kind.schemaFileName
      #expect(schema == expected, "\(file)")
      let resolved = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(schema).standardized
      #expect(FileManager.default.fileExists(atPath: resolved.path), "\(file): \(resolved.path)")
      named += 1
    }
    #expect(named >= 26)
  }

  @Test(.enabled(if: CheckJSONSchema.path != nil, Comment(rawValue: CheckJSONSchema.missing)))
  func checkJSONSchemaAcceptsEveryShippedFile() throws {
    var byKind: [FileKind: [String]] = [:]
    for file in try Self.shippedFiles() where try Self.schemaLine(file) != nil {
      byKind[try #require(FileKind(path: file)), default: []].append(file)
    }
    #expect(byKind.count == FileKind.allCases.count)
    for (kind, files) in byKind {
      let report = try CheckJSONSchema.run(
        schema: Self.root.appendingPathComponent("schemas/\(kind.schemaFileName)").path, files: files)
      #expect(report.errors.isEmpty && report.parseErrors.isEmpty, "\(report)")
    }
  }

  /// The schemas themselves are valid JSON Schemas (draft 2020-12).
  @Test(.enabled(if: CheckJSONSchema.path != nil, Comment(rawValue: CheckJSONSchema.missing)))
  func theSchemasAreValidJSONSchemas() throws {
    let files = FileKind.allCases.map { Self.root.appendingPathComponent("schemas/\($0.schemaFileName)").path }
    let report = try CheckJSONSchema.run(schema: nil, files: files)
    #expect(report.errors.isEmpty && report.parseErrors.isEmpty, "\(report)")
  }

  // MARK: An unknown key and a wrong type

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var kind: FileKind
    /// The file, with `1️⃣` where the reader reports the problem.
    var marked: String
    var keyPath: String
    var message: String
    /// Part of what check-jsonschema says.
    var schemaMessage: String
    var testDescription: String { name }
  }

  static let topology = """
    stations:
      web:
        servers: 2
        service: {distribution: exponential, mean: 10ms}

    """

  static let platformTopology = """
    requests:
      list: {cpu: {distribution: exponential, mean: 10ms}}
    databases:
      main: {cores: 4}
    territories:
      DE:
        timezone: Europe/Berlin
        app: {instances: 2, workers: 8, connections: 10}
        database: {primary: main}

    """

  static let cases = [
    Case(
      name: "unknown key in a station", kind: .topology,
      marked: topology.replacingOccurrences(of: "    servers: 2\n", with: "    servers: 2\n    1️⃣capacty: 10\n"),
      keyPath: "stations.web.capacty", message: "unknown key 'capacty' (did you mean 'capacity'?)",
      schemaMessage: "'capacty' was unexpected"),
    Case(
      name: "wrong type: a duration without its unit", kind: .topology,
      marked: topology.replacingOccurrences(of: "    servers: 2\n", with: "    servers: 2\n    timeout: 1️⃣5\n"),
      keyPath: "stations.web.timeout", message: "expected a duration with a unit",
      schemaMessage: "5 is not of type 'string'"),
    Case(
      name: "unknown key in a fault", kind: .platformScenario,
      marked: """
        topology: t.yaml
        demand:
          DE: {rate: 5/s, mix: {list: 1}}
        faults:
          - {kind: crashes, territory: DE, mtbf: 30d, mttr: 10min, 1️⃣at: 1h}
        run: {length: 2h}

        """,
      keyPath: "faults[0].at", message: "unknown key 'at' (allowed keys: kind, territory, mtbf, mttr)",
      schemaMessage: "'at' is not one of"),
    Case(
      name: "wrong type: a word for a whole number", kind: .platformTopology,
      marked: platformTopology.replacingOccurrences(of: "instances: 2", with: "instances: 1️⃣two"),
      keyPath: "territories.DE.app.instances", message: "expected a whole number, found 'two'",
      schemaMessage: "'two' is not of type 'integer'"),
  ]

  @Test(arguments: cases) func theReaderRefusesItWhereItIsWritten(_ c: Case) throws {
    let marked = MarkedText(c.marked)
    let dir = try ScenarioSchemaTests.folder(["test.yaml": marked.text, "t.yaml": Self.platformTopology])
    let errors = ScenarioFile.validate(path: dir + "/test.yaml").diagnostics
    let position = try #require(marked.markers["1️⃣"])
    #expect(
      errors.contains {
        $0.line == position.line && $0.column == position.column && $0.keyPath == c.keyPath
          && $0.message.contains(c.message)
      }, "\(errors)")
  }

  @Test(
    .enabled(if: CheckJSONSchema.path != nil, Comment(rawValue: CheckJSONSchema.missing)), arguments: cases)
  func checkJSONSchemaRefusesItToo(_ c: Case) throws {
    let dir = try ScenarioSchemaTests.folder(["test.yaml": MarkedText(c.marked).text])
    let report = try CheckJSONSchema.run(
      schema: Self.root.appendingPathComponent("schemas/\(c.kind.schemaFileName)").path, files: [dir + "/test.yaml"])
    let errors = report.errors[dir + "/test.yaml"] ?? []
    #expect(errors.contains { $0.contains(c.schemaMessage) }, "\(errors)")
  }
}
