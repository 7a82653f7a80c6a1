#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  @preconcurrency import Darwin
#endif
import Foundation

/// Standard output that could not be written (a full disk, a closed descriptor) fails the
/// command at exit: stdio keeps such errors to itself, and the output would be lost with exit
/// status 0.
func checkStandardOutputAtExit() {
  atexit {
    // At exit, after the command: nothing else writes the stream then.
    let flushed = fflush(stdout) == 0
    let reason = flushed ? nil : String(cString: strerror(errno))
    guard !flushed || ferror(stdout) != 0 else { return }
    FileHandle.standardError.write(
      Data("capsim: error: cannot write standard output\(reason.map { ": \($0)" } ?? ""); the output is lost\n".utf8))
    _exit(ExitStatus.failure.rawValue)
  }
}
