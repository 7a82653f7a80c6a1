import Foundation

/// Another connection holding a database's write lock: the `sqlite3` shell inside a
/// transaction, as a user's session would (`PlanTests.sqlite3` says whether there is one).
struct SQLiteShellLock {
  private let shell = Process()
  private let input = Pipe()

  /// Begins `BEGIN IMMEDIATE` (or `EXCLUSIVE`) on `db` and returns once the shell holds it.
  init(_ db: String, exclusive: Bool = false) throws {
    let output = Pipe()
    shell.executableURL = URL(fileURLWithPath: PlanTests.sqlite3!)
    shell.arguments = [db]
    shell.standardInput = input
    shell.standardOutput = output
    shell.standardError = FileHandle.nullDevice
    try shell.run()
    input.fileHandleForWriting.write(Data("BEGIN \(exclusive ? "EXCLUSIVE" : "IMMEDIATE");\nSELECT 'locked';\n".utf8))
    // The shell answers once it holds the lock.
    var answer = Data()
    while !String(decoding: answer, as: UTF8.self).contains("locked") {
      let more = output.fileHandleForReading.availableData
      if more.isEmpty { break }
      answer += more
    }
  }

  /// Commits and lets the shell end.
  func release() throws {
    input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
    try input.fileHandleForWriting.close()
    shell.waitUntilExit()
  }
}
