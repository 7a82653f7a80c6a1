import Foundation
import Testing

/// `capsim calibrate` on shipped measurements spoiled as a reviewer spoiled them: each spoiled
/// input is an error naming its file (and line), and nothing is fitted.
@Suite struct CalibrateInputTests {
  /// A scratch copy of shipped workload folders (`postgres/crm`, ...) under a fresh folder,
  /// each as `WORKLOAD/` (the last part of its name); the summaries only unless `all`.
  static func copy(_ folders: [String], all: Bool = false) throws -> URL {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-cal-\(UUID().uuidString)")
    for folder in folders {
      let from = EndToEndTests.root.appendingPathComponent("calibration/\(folder)")
      let to = scratch.appendingPathComponent((folder as NSString).lastPathComponent)
      try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
      for name in try FileManager.default.contentsOfDirectory(atPath: from.path) where all || name.hasSuffix(".txt") {
        try FileManager.default.copyItem(at: from.appendingPathComponent(name), to: to.appendingPathComponent(name))
      }
    }
    return scratch
  }

  /// Runs calibrate on `arguments` and checks it failed (status 1, nothing on stdout) with
  /// `message` on stderr.
  static func refused(_ arguments: [String], _ message: String, status: Int32 = 1) throws {
    let out = try EndToEndTests.capsim(["calibrate"] + arguments)
    #expect(out.status == status && out.stdout.isEmpty, "\(out.status) \(out.stdout)\(out.stderr)")
    #expect(out.stderr.contains(message), "\(out.stderr)")
  }

  /// A summary cut off after its first script no longer says the CPU seconds: with the others
  /// it would switch crm to the load-factor model without a word.
  @Test func aSummaryCutShortIsRefused() throws {
    let dir = try Self.copy(["postgres/crm"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("crm/c4-r1.txt")
    try Data(try Data(contentsOf: file).prefix(900)).write(to: file)
    try Self.refused([dir.appendingPathComponent("crm").path], "\(file.path):23:1: error: the file ends after 1 script of 'multiple scripts'")
  }
}
