import Dispatch
import Foundation

/// While a record is being written: on SIGINT or SIGTERM, `mark` it with the reason
/// ("interrupted (Ctrl-C)", "terminated (SIGTERM)"), say `notice` on stderr (an error in the
/// sense of --quiet: it explains the exit status) and exit with the signal's status.
///
/// The signal sources are made once for the process and never cancelled: libdispatch installs
/// its handler for a signal once, so a source made after another was cancelled never fired (a
/// varied plan ignored Ctrl-C from its second point on). Watches come and go in a registry;
/// a signal with none active ends the process as the signal would.
final class InterruptWatch: @unchecked Sendable {
  private typealias Mark = (notice: String, mark: @Sendable (String) -> Void)
  private static let lock = NSLock()
  nonisolated(unsafe) private static var active: [Int: Mark] = [:]
  nonisolated(unsafe) private static var nextToken = 0
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  private let token: Int

  init(notice: String, mark: @escaping @Sendable (_ reason: String) -> Void) {
    Self.lock.lock()
    defer { Self.lock.unlock() }
    if Self.sources.isEmpty { Self.install() }
    token = Self.nextToken
    Self.nextToken += 1
    Self.active[token] = (notice, mark)
  }

  /// Stops watching: a signal from now on ends the process without marking this record.
  func stop() {
    Self.lock.lock()
    Self.active[token] = nil
    Self.lock.unlock()
  }

  private static func install() {
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler {
        lock.lock()
        let marks = active.sorted { $0.key < $1.key }.map(\.value)
        lock.unlock()
        for m in marks {
          m.mark(signal == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)")
          FileHandle.standardError.write(Data("\ncapsim: \(m.notice)\n".utf8))
        }
        exit((signal == SIGINT ? ExitStatus.interrupted : ExitStatus.terminated).rawValue)
      }
      source.resume()
      sources.append(source)
    }
  }
}
