import Foundation

/// Node.js, when installed (`scripts/install-node.sh`), to check generated JavaScript.
///
/// Tests that need it are enabled with `NodeJS.isAvailable` and say why they skip.
package enum NodeJS {
  /// The first of node, nodejs on PATH.
  package static let path: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    for name in ["node", "nodejs"] {
      for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
    }
    return nil
  }()

  package static var isAvailable: Bool { path != nil }

  /// Why a test that needs Node.js is skipped.
  package static let missing =
    "no node or nodejs on PATH: run scripts/install-node.sh (Debian's nodejs) to check generated k6 scripts"

  /// `node --check` of `script` as an ES module (k6 scripts use `import`): the exit status and
  /// what node printed (the syntax error, if any).
  package static func check(_ script: String) throws -> (status: Int32, output: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-node-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("script.mjs")
    try Data(script.utf8).write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path!)
    process.arguments = ["--check", file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }
}
