import Foundation
import Testing

import ScenarioFile

/// The schema is one set of declarations that the readers, the JSON Schemas and `--set` all
/// follow. These tests take fixtures that write every declared key (`Fixtures/every-key/`, in
/// block style, one key per line) and change them key by key: a value of the wrong type, a key
/// left out, an unknown key. The reader must refuse each change where it was made, the JSON
/// Schema must refuse it too, and `--set` must reach every key.
@Suite struct SchemaAgreementTests {
  static let root = CheckJSONSchema.root
  static let folder = root.appendingPathComponent("Tests/ScenarioFileTests/Fixtures/every-key")

  struct Fixture: CustomTestStringConvertible, Sendable {
    var file: String
    var kind: FileKind
    /// The file that reads this one with `--set` settings (a topology is read by its scenario).
    var loader: String
    var testDescription: String { file }

    var isPlatform: Bool { [.platformTopology, .platformScenario, .whatIf].contains(kind) }
  }

  static let fixtures = [
    Fixture(file: "topology.yaml", kind: .topology, loader: "scenario.yaml"),
    Fixture(file: "scenario.yaml", kind: .scenario, loader: "scenario.yaml"),
    Fixture(file: "platform-topology.yaml", kind: .platformTopology, loader: "platform-scenario.yaml"),
    Fixture(file: "platform-scenario.yaml", kind: .platformScenario, loader: "platform-scenario.yaml"),
    Fixture(file: "platform-constant.yaml", kind: .platformScenario, loader: "platform-constant.yaml"),
    Fixture(file: "what-if.yaml", kind: .whatIf, loader: "what-if.yaml"),
  ]

  static func text(_ fixture: Fixture) throws -> String {
    try String(contentsOf: folder.appendingPathComponent(fixture.file), encoding: .utf8)
  }

  static func declared(_ fixture: Fixture) throws -> (keys: [DeclaredKey], sections: [DeclaredSection]) {
    let log = DiagnosticLog()
    let root = try #require(YAMLDocument(text: try text(fixture), file: fixture.file, log: log).root)
    return fixture.kind.declaredKeys(in: root)
  }

  /// A copy of the fixtures in a fresh folder, so that a changed file still finds the files it names.
  static func scratchCopy() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-every-key-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    // The fixtures and the files they name (the autoscaler manifest).
    for file in fixtures.map(\.file) + ["autoscaler.yaml"] {
      try FileManager.default.copyItem(at: folder.appendingPathComponent(file), to: dir.appendingPathComponent(file))
    }
    return dir
  }

  // MARK: Changes to a file, line by line

  /// A change to one key of a fixture, as the reader and check-jsonschema should both see it.
  struct Mutation: CustomStringConvertible {
    var description: String
    var text: String
    /// Where the reader must report it; nil: anywhere in the file.
    var keyPath: String?
    var message: String
  }

  static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

  /// Removes the lines after `index` that are indented more than `limit` (a nested block).
  static func dropBlock(after index: Int, deeperThan limit: Int, in lines: inout [String]) {
    while index + 1 < lines.count, !lines[index + 1].isEmpty, indentation(lines[index + 1]) > limit {
      lines.remove(at: index + 1)
    }
  }

  /// The value of `key` replaced by `value` (a one-line YAML value).
  static func replacing(_ key: DeclaredKey, with value: String, in text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    let l = key.valueLine - 1
    let scalars = Array(lines[l].unicodeScalars)
    let start = key.valueColumn - 1
    if key.isItem, let source = key.scalarSource {
      // An item of a list of scalars, perhaps among others on the line: only its own text.
      let end = start + source.unicodeScalars.count
      lines[l] = String(String.UnicodeScalarView(scalars[..<start])) + value
        + String(String.UnicodeScalarView(scalars[end...]))
    } else if key.isItem {
      // A mapping item: its first key is on the dash's line, the others below at its column.
      lines[l] = String(String.UnicodeScalarView(scalars[..<start])) + value
      dropBlock(after: l, deeperThan: start - 1, in: &lines)
    } else if key.valueLine == key.line {
      lines[l] = String(String.UnicodeScalarView(scalars[..<start])) + value
    } else {
      // A block below the key: the key's line keeps `key:`, the block goes.
      let k = key.line - 1
      let line = lines[k]
      let colon = line.unicodeScalars.indices.first {
        line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: $0) >= key.column - 1
          && line.unicodeScalars[$0] == ":"
      }!
      lines[k] = String(line.unicodeScalars[...colon]) + " " + value
      dropBlock(after: k, deeperThan: key.column - 1, in: &lines)
    }
    return lines.joined(separator: "\n")
  }

  /// The file without `key` (and its block); nil for the first key of a list item, which
  /// shares its line with the dash.
  static func removing(_ key: DeclaredKey, in text: String) -> String? {
    var lines = text.components(separatedBy: "\n")
    let k = key.line - 1
    guard indentation(lines[k]) == key.column - 1 else { return nil }
    dropBlock(after: k, deeperThan: key.column - 1, in: &lines)
    lines.remove(at: k)
    // The mapping's only key: what is left is an empty mapping, not an empty value.
    let parent = k - 1
    if parent >= 0, lines[parent].hasSuffix(":"), k >= lines.count || indentation(lines[k]) <= indentation(lines[parent]) {
      lines[parent] += " {}"
    }
    return lines.joined(separator: "\n")
  }

  static let unknownKey = "zzUnknownKey"

  /// The file with an unknown key added to `section`, on a line of its own after its anchor.
  static func addingUnknownKey(to section: DeclaredSection, in text: String) -> String? {
    guard let anchor = section.anchor else { return nil }
    var lines = text.components(separatedBy: "\n")
    lines.insert(String(repeating: " ", count: anchor.column - 1) + "\(unknownKey): 1", at: anchor.line)
    return lines.joined(separator: "\n")
  }

  /// Keys whose absence makes the file another kind (`capsim validate` tells kinds apart by
  /// them): the reader then refuses it with another message.
  static let kindKeys: Set<String> = ["base", "demand", "territories", "stations"]

  /// Every change of the three sorts to a fixture.
  static func mutations(_ fixture: Fixture) throws -> [Mutation] {
    let text = try text(fixture)
    let (keys, sections) = try declared(fixture)
    var out: [Mutation] = []
    for key in keys {
      out.append(
        Mutation(
          description: "\(fixture.file) \(key.keyPath): \(key.wrongValue)",
          text: replacing(key, with: key.wrongValue, in: text), keyPath: key.keyPath, message: ""))
      if key.isRequired, let removed = removing(key, in: text) {
        let name = String(key.declaration!.split(separator: ".").last!)
        let isKindKey = key.keyPath == name && kindKeys.contains(name)
        out.append(
          Mutation(
            description: "\(fixture.file) without \(key.keyPath)", text: removed, keyPath: nil,
            message: isKindKey ? "" : "missing required key '\(name)'"))
      }
    }
    for section in sections {
      guard let added = addingUnknownKey(to: section, in: text) else { continue }
      out.append(
        Mutation(
          description: "\(fixture.file) \(section) + \(unknownKey)", text: added,
          keyPath: ConfigKeyPath.appending(key: unknownKey, to: section.keyPath), message: "unknown key"))
    }
    return out
  }

  // MARK: One source of truth

  @Test func theCommittedSchemasAreGeneratedFromTheDeclarations() throws {
    for kind in FileKind.allCases {
      let file = Self.root.appendingPathComponent("schemas/\(kind.schemaFileName)")
      let committed = try String(contentsOf: file, encoding: .utf8)
      #expect(
        committed == JSONSchema.text(for: kind),
        "schemas/\(kind.schemaFileName) is out of date: make schemas (capsim schema \(kind.rawValue) > \(file.path))")
    }
  }

  /// Every key that any section declares is written in some fixture, so the tests below
  /// change every declared key: a key declared but never read by a reader would slip through
  /// its wrong value, and is caught there.
  @Test func theFixturesWriteEveryDeclaredKey() throws {
    var written = Set<String>()
    var declared = Set<String>()
    for fixture in Self.fixtures {
      written.formUnion(try Self.declared(fixture).keys.compactMap(\.declaration))
      declared.formUnion(fixture.kind.declarations)
    }
    #expect(declared.subtracting(written).sorted() == [], "declared but in no fixture")
    #expect(written.subtracting(declared).isEmpty)
    #expect(declared.count > 150)
  }

  @Test(arguments: fixtures) func theFixturesAreValid(_ fixture: Fixture) throws {
    let log = ScenarioFile.validate(path: Self.folder.appendingPathComponent(fixture.file).path)
    #expect(log.diagnostics.isEmpty, "\(log.rendered())")
    #expect(FileKind(path: Self.folder.appendingPathComponent(fixture.file).path) == fixture.kind)
  }

  // MARK: Sample values

  struct Sample: CustomTestStringConvertible, Sendable {
    var definition: String
    var text: String
    var reader: Bool
    /// What the schema's pattern says, where it differs from the reader: a bound or a calendar
    /// that no pattern expresses.
    var schema: Bool? = nil
    var testDescription: String { "\(definition): \(text)" }
  }

  static let samples: [Sample] = [
    Sample(definition: "duration", text: "200ms", reader: true),
    Sample(definition: "duration", text: "1.5s", reader: true),
    Sample(definition: "duration", text: "250us", reader: true),
    Sample(definition: "duration", text: "250µs", reader: true),
    Sample(definition: "duration", text: "1e3ms", reader: true),
    Sample(definition: "duration", text: "+2min", reader: true),
    Sample(definition: "duration", text: ".5h", reader: true),
    Sample(definition: "duration", text: "0s", reader: true),
    Sample(definition: "duration", text: "36525d", reader: true),
    Sample(definition: "duration", text: "36526d", reader: false, schema: true),
    Sample(definition: "duration", text: "5", reader: false),
    Sample(definition: "duration", text: "5 s", reader: false),
    Sample(definition: "duration", text: "5sec", reader: false),
    Sample(definition: "duration", text: "5m", reader: false),
    Sample(definition: "duration", text: "-1s", reader: false),
    Sample(definition: "duration", text: "1e5", reader: false),
    Sample(definition: "duration", text: "ms", reader: false),
    Sample(definition: "positiveDuration", text: "1ms", reader: true),
    Sample(definition: "positiveDuration", text: "0.05s", reader: true),
    Sample(definition: "positiveDuration", text: "0s", reader: false),
    Sample(definition: "positiveDuration", text: "0.0ms", reader: false),
    Sample(definition: "positiveDuration", text: "0e3s", reader: false),
    Sample(definition: "rate", text: "30/s", reader: true),
    Sample(definition: "rate", text: "1800/min", reader: true),
    Sample(definition: "rate", text: "0.5/ms", reader: true),
    Sample(definition: "rate", text: "0/s", reader: true),
    Sample(definition: "rate", text: "2000000/ms", reader: false, schema: true),
    Sample(definition: "rate", text: "30", reader: false),
    Sample(definition: "rate", text: "30 /s", reader: false),
    Sample(definition: "rate", text: "30/sec", reader: false),
    Sample(definition: "rate", text: "30/us", reader: false),
    Sample(definition: "positiveRate", text: "5/h", reader: true),
    Sample(definition: "positiveRate", text: "0/s", reader: false),
    Sample(definition: "share", text: "2%", reader: true),
    Sample(definition: "share", text: "99.9%", reader: true),
    Sample(definition: "share", text: "100%", reader: true),
    Sample(definition: "share", text: "0.02", reader: true),
    Sample(definition: "share", text: "1", reader: true),
    Sample(definition: "share", text: "101%", reader: false),
    Sample(definition: "share", text: "2", reader: false),
    Sample(definition: "share", text: "-1%", reader: false),
    Sample(definition: "date", text: "2026-12-07", reader: true),
    Sample(definition: "date", text: "2026-02-30", reader: false, schema: true),
    Sample(definition: "date", text: "2026-12-7", reader: false),
    Sample(definition: "date", text: "2026-12-07T08:00", reader: false),
    Sample(definition: "localDateTime", text: "2026-12-07", reader: true),
    Sample(definition: "localDateTime", text: "2026-12-07T08:30", reader: true),
    Sample(definition: "localDateTime", text: "2026-12-07T8:30", reader: true),
    Sample(definition: "localDateTime", text: "2026-12-07T24:00", reader: false, schema: true),
    Sample(definition: "localDateTime", text: "2026-12-07 08:30", reader: false),
    Sample(definition: "localDateTime", text: "2026-12-07T08:30:00", reader: false),
    Sample(definition: "timeOfDay", text: "\"07:30\"", reader: true),
    Sample(definition: "timeOfDay", text: "\"7:05\"", reader: true),
    Sample(definition: "timeOfDay", text: "\"25:00\"", reader: false, schema: true),
    Sample(definition: "timeOfDay", text: "\"07:30:00\"", reader: false),
  ]

  /// The patterns of the committed schemas take the values the readers take, except where a
  /// sample says why not (bounds and calendars that a pattern cannot express).
  @Test(arguments: samples) func patternsAndReadersAgreeOnSampleValues(_ sample: Sample) throws {
    var pattern: String? = nil
    for kind in FileKind.allCases {
      let data = try Data(contentsOf: Self.root.appendingPathComponent("schemas/\(kind.schemaFileName)"))
      let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let definition = (json["$defs"] as? [String: Any])?[sample.definition] as? [String: Any]
      pattern = pattern ?? (definition?["pattern"] as? String)
      // A share is a number or a percentage: the pattern is the percentage's.
      if let anyOf = definition?["anyOf"] as? [[String: Any]] { pattern = pattern ?? anyOf.compactMap { $0["pattern"] as? String }.first }
    }
    let regex = try NSRegularExpression(pattern: try #require(pattern, "no $defs/\(sample.definition)"))
    // The pattern sees the scalar as YAML gives it: without quotes; a number is not a string.
    let value = sample.text.hasPrefix("\"") ? String(sample.text.dropFirst().dropLast()) : sample.text
    let isNumber = Double(value) != nil && !sample.text.hasPrefix("\"")
    var schema = regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil && !isNumber
    if sample.definition == "share", let number = Double(value), isNumber { schema = (0...1).contains(number) }
    #expect(JSONSchema.readerAccepts(sample.text, asDefinition: sample.definition) == sample.reader, "reader")
    #expect(schema == (sample.schema ?? sample.reader), "schema pattern \(regex.pattern)")
  }

  // MARK: The reader

  /// A wrong type anywhere, a required key left out, an unknown key in any section: each is
  /// refused by the reader at the key it concerns.
  @Test(arguments: fixtures) func theReaderRefusesEveryChangeWhereItIsMade(_ fixture: Fixture) throws {
    let dir = try Self.scratchCopy()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent(fixture.file).path
    let mutations = try Self.mutations(fixture)
    for mutation in mutations {
      try mutation.text.write(toFile: path, atomically: true, encoding: .utf8)
      let errors = ScenarioFile.validate(path: path).diagnostics.filter { $0.severity == .error }
      let hit = errors.contains {
        $0.file == path && (mutation.keyPath == nil || $0.keyPath == mutation.keyPath)
          && (mutation.message.isEmpty || $0.message.contains(mutation.message))
      }
      #expect(hit, "\(mutation): got \(errors.map(\.description))")
    }
    #expect(!mutations.isEmpty)
  }

  // MARK: --set

  /// `--set KEY=VALUE` reaches every key a file has, including list items (`faults[0].at`)
  /// and the scenario's own keys (`demand.DE.users`, `run.replications`): a wrong value is
  /// refused at `--set`, not reported as matching nothing, and the file's own value is taken.
  @Test(arguments: fixtures) func setReachesEveryKey(_ fixture: Fixture) throws {
    let loader = Self.folder.appendingPathComponent(fixture.loader).path
    func load(_ setting: String) -> [Diagnostic] {
      do {
        if fixture.isPlatform {
          _ = try ScenarioFile.loadPlatform(path: loader, settings: [setting])
        } else {
          _ = try ScenarioFile.load(path: loader, settings: [setting])
        }
        return []
      } catch {
        return error.diagnostics.filter { $0.severity == .error }
      }
    }
    var checked = 0
    // `base:` names the file to read and `overrides:` are themselves settings: no --set for them.
    for key in try Self.declared(fixture).keys where key.keyPath != "base" && key.keyPath != "overrides" {
      let wrong = load("\(key.keyPath)=\(key.wrongValue)")
      // (The file's own overrides may match nothing once --set replaced what they change.)
      #expect(
        wrong.contains { $0.file == "--set" }
          && !wrong.contains { $0.file == "--set" && $0.message.contains("matches nothing") },
        "--set \(key.keyPath)=\(key.wrongValue): \(wrong.map(\.description))")
      guard var own = key.scalarSource else { continue }
      // A path on the command line is relative to where capsim runs.
      if key.keyPath == "topology" || key.keyPath == "autoscaler" { own = Self.folder.appendingPathComponent(own).path }
      let same = load("\(key.keyPath)=\(own)")
      #expect(same.isEmpty, "--set \(key.keyPath)=\(own): \(same.map(\.description))")
      checked += 1
    }
    #expect(checked > 0)
  }

  // MARK: check-jsonschema

  /// The JSON Schemas accept the fixtures and refuse every change the reader refuses.
  @Test(.enabled(if: CheckJSONSchema.path != nil, Comment(rawValue: CheckJSONSchema.missing)))
  func checkJSONSchemaRefusesWhatTheReaderRefuses() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-mutants-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var byKind: [FileKind: [String]] = [:]
    var mutants: [String: Mutation] = [:]
    var originals: [String] = []
    for (f, fixture) in Self.fixtures.enumerated() {
      let original = dir.appendingPathComponent("original-\(f).yaml").path
      try Self.text(fixture).write(toFile: original, atomically: true, encoding: .utf8)
      byKind[fixture.kind, default: []].append(original)
      originals.append(original)
      for (i, mutation) in try Self.mutations(fixture).enumerated() {
        let file = dir.appendingPathComponent("mutant-\(f)-\(i).yaml").path
        try mutation.text.write(toFile: file, atomically: true, encoding: .utf8)
        byKind[fixture.kind, default: []].append(file)
        mutants[file] = mutation
      }
    }
    for (kind, files) in byKind {
      let report = try CheckJSONSchema.run(
        schema: Self.root.appendingPathComponent("schemas/\(kind.schemaFileName)").path, files: files)
      #expect(report.parseErrors.isEmpty, "\(report.parseErrors)")
      for file in files {
        if let mutation = mutants[file] {
          #expect(report.errors[file] != nil, "check-jsonschema accepts \(mutation)")
        } else {
          #expect(report.errors[file] == nil, "\(file): \(report.errors[file] ?? [])")
        }
      }
    }
    print("check-jsonschema: \(mutants.count) changed fixtures refused, \(originals.count) fixtures accepted")
    #expect(mutants.count > 300)
  }
}
