import Foundation

/// A folder in the temporary directory for one test process's files (databases, reports,
/// copies of fixtures), removed when the process exits, whatever each test left in it: a test
/// run leaves nothing behind in the temporary directory.
package enum Scratch {
  package static let folder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: Scratch.folder) }
    return folder
  }()
}
