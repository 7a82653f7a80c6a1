import Foundation

/// The `check-jsonschema` command (PyPI), which `scripts/install-test-tools.sh` installs into
/// `.build/test-tools` (`make test` runs it first).
enum CheckJSONSchema {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `$CHECK_JSONSCHEMA`, then the project's own copy, then `PATH`; nil when there is none.
  static let path: String? = {
    let environment = ProcessInfo.processInfo.environment
    var candidates = [environment["CHECK_JSONSCHEMA"], root.path + "/.build/test-tools/bin/check-jsonschema"]
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/check-jsonschema" }
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static let missing = "check-jsonschema not found: run scripts/install-test-tools.sh (make test does)"

  /// What check-jsonschema found wrong, by file.
  struct Report {
    /// File name to `path: message` lines; files without errors are absent.
    var errors: [String: [String]]
    var parseErrors: [String]
  }

  /// Validates `files` against the schema in one run; with `schema` nil, validates schemas
  /// against the JSON Schema metaschema they name.
  static func run(schema: String?, files: [String]) throws -> Report {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path!)
    process.arguments = ["--output-format", "json"] + (schema.map { ["--schemafile", $0] } ?? ["--check-metaschema"]) + files
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw CocoaError(.coderReadCorrupt)
    }
    var report = Report(errors: [:], parseErrors: [])
    for error in json["errors"] as? [[String: Any]] ?? [] {
      let file = error["filename"] as? String ?? ""
      report.errors[file, default: []].append("\(error["path"] ?? ""): \(error["message"] ?? "")")
    }
    report.parseErrors = (json["parse_errors"] as? [[String: Any]] ?? []).map { "\($0["filename"] ?? ""): \($0["message"] ?? "")" }
    return report
  }
}
