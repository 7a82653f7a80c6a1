import Foundation
import ManifestLint

/// Findings as lines a terminal or an editor jumps from, and as SARIF for code scanning.
package struct LintReport {
  var findings: [Finding]
  var files: [String]

  package init(findings: [Finding], files: [String]) {
    self.findings = findings
    self.files = files
  }

  package func text() -> String {
    guard !findings.isEmpty else { return "no findings in \(files.count) file\(files.count == 1 ? "" : "s")\n" }
    var out = ""
    for f in findings {
      let path = f.keyPath.isEmpty ? "" : "\(f.keyPath): "
      out += "\(f.file):\(f.line):\(f.column): \(f.severity.rawValue): \(path)\(f.message) [\(f.rule.rawValue)]\n"
    }
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.filter { $0.severity == .warning }.count
    let notes = findings.count - errors - warnings
    out +=
      "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
      + (notes > 0 ? ", \(notes) note\(notes == 1 ? "" : "s")" : "") + "\n"
    return out
  }

  package static func rules() -> String {
    Rule.allCases.map { "\($0.rawValue): \($0.summary).\n  \($0.help)\n" }.joined()
  }

  // MARK: SARIF 2.1.0 (OASIS), the subset code scanning reads

  struct Log: Encodable {
    var version = "2.1.0"
    var runs: [Run]
    enum CodingKeys: String, CodingKey {
      case schema = "$schema"
      case version, runs
    }
    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode("https://json.schemastore.org/sarif-2.1.0.json", forKey: .schema)
      try c.encode(version, forKey: .version)
      try c.encode(runs, forKey: .runs)
    }
  }
  struct Run: Encodable {
    var tool: Tool
    var results: [Result]
  }
  struct Tool: Encodable { var driver: Driver }
  struct Driver: Encodable {
    var name = "capsim"
    var version: String
    package var rules: [RuleDescriptor]
  }
  struct RuleDescriptor: Encodable {
    var id: String
    var shortDescription: Message
    var fullDescription: Message
  }
  struct Message: Encodable { var text: String }
  struct Result: Encodable {
    var ruleId: String
    var ruleIndex: Int
    var level: String
    var message: Message
    var locations: [Location]
  }
  struct Location: Encodable { var physicalLocation: PhysicalLocation }
  struct PhysicalLocation: Encodable {
    var artifactLocation: Artifact
    var region: Region
  }
  struct Artifact: Encodable { var uri: String }
  struct Region: Encodable {
    var startLine: Int
    var startColumn: Int
  }

  package func sarif() throws -> String {
    let rules = Rule.allCases
    let log = Log(runs: [
      Run(
        tool: Tool(
          driver: Driver(
            version: capsimVersion,
            rules: rules.map {
              RuleDescriptor(
                id: $0.rawValue, shortDescription: Message(text: $0.summary), fullDescription: Message(text: $0.help))
            })),
        results: findings.map { f in
          Result(
            ruleId: f.rule.rawValue, ruleIndex: rules.firstIndex(of: f.rule)!, level: f.severity.rawValue,
            message: Message(text: f.keyPath.isEmpty ? f.message : "\(f.keyPath): \(f.message)"),
            locations: [
              Location(
                physicalLocation: PhysicalLocation(
                  artifactLocation: Artifact(uri: Self.uri(f.file)),
                  region: Region(startLine: f.line, startColumn: f.column)))
            ])
        })
    ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(log), as: UTF8.self)
  }

  /// A relative path as a relative URI reference (code scanning resolves it against the
  /// repository), an absolute one as a file URI.
  static func uri(_ path: String) -> String {
    let allowed = CharacterSet.urlPathAllowed
    let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    return path.hasPrefix("/") ? "file://" + encoded : encoded
  }
}
