import Foundation

/// Headless Chromium, when installed (`scripts/install-chromium.sh`), to check that a report
/// renders in a real browser.
enum Chromium {
  /// The first of chromium, chromium-browser, google-chrome on PATH.
  static let path: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for dir in dirs {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }()

  static var isAvailable: Bool { path != nil }

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs Chromium headless on `url` with `arguments`, each run with its own profile so that
  /// parallel tests do not share a lock; kills it after `timeout` seconds.
  static func run(_ arguments: [String], url: URL, in folder: URL, timeout: Double = 120) throws -> Output {
    let out = folder.appendingPathComponent("chromium-\(UUID().uuidString).out")
    let err = folder.appendingPathComponent("chromium-\(UUID().uuidString).err")
    try Data().write(to: out)
    try Data().write(to: err)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path!)
    process.arguments =
      [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--user-data-dir=\(folder.appendingPathComponent("profile-\(UUID().uuidString)").path)",
        "--enable-logging=stderr", "--v=0",
      ] + arguments + [url.absoluteString]
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    return Output(
      status: process.terminationStatus,
      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }

  /// Console lines that report a script error or a failed load.
  static func consoleErrors(_ stderr: String) -> [String] {
    stderr.split(separator: "\n").map(String.init).filter {
      $0.contains("Uncaught") || $0.contains("ERROR:CONSOLE") || ($0.contains("CONSOLE(") && $0.contains("rror"))
        || $0.contains("net::ERR_")
    }
  }
}
