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

  /// `a.yaml` and `b.yaml` in a new folder under `folder`, symbolic links to each other (a
  /// loop: opening either fails with ELOOP); returns the path of `a.yaml`.
  package static func loopingLinks() throws -> String {
    let dir = folder.appendingPathComponent("loop-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let a = dir.appendingPathComponent("a.yaml").path
    let b = dir.appendingPathComponent("b.yaml").path
    try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
    try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
    return a
  }
}
