import ArgumentParser
import Dispatch
import Foundation

/// While a record is being written: on SIGINT or SIGTERM, `mark` it with the reason
/// ("interrupted (Ctrl-C)", "terminated (SIGTERM)"), say `notice` on stderr (an error in the
/// sense of --quiet: it explains the exit status) and exit with the signal's status.
///
/// A signal that comes while results are being stored (`storing`) waits for the store: marking
/// the record and exiting then left a run stored complete beside a notice that it was marked
/// interrupted, and printed no results. A final store is followed by the command's output and
/// then the exit the signal asked for (`exitIfSignalled`); after a store on the way (a sweep's
/// point), the signal is acted on at once.
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
  /// Stores in progress, and a signal that came during one.
  nonisolated(unsafe) private static var stores = 0
  nonisolated(unsafe) private static var pending: Int32?
  /// Set once a signal is being acted on: a store must not begin then.
  nonisolated(unsafe) private static var exiting = false

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

  /// Runs `body` (a store) with SIGINT and SIGTERM held until it ends. With `final`, the
  /// command prints its output and then exits as the signal asked (`exitIfSignalled`);
  /// otherwise a signal that came meanwhile is acted on as soon as `body` returns.
  static func storing<T>(final: Bool, _ body: () throws -> T) rethrows -> T {
    lock.lock()
    if exiting {
      // The signal's handler is marking and exiting: the store must not start under it.
      lock.unlock()
      while true { pause() }
    }
    stores += 1
    lock.unlock()
    defer {
      lock.lock()
      stores -= 1
      let signal = stores == 0 && !final ? pending : nil
      lock.unlock()
      if let signal { act(on: signal) }
    }
    return try body()
  }

  /// Exits with the status of a signal that came during a final store, after saying so.
  static func exitIfSignalled() {
    lock.lock()
    let signal = pending
    lock.unlock()
    guard let signal else { return }
    FileHandle.standardError.write(
      Data("capsim: \(reason(signal)) came while the results were being stored: they are kept; stopping now\n".utf8))
    exit(status(signal).rawValue)
  }

  private static func reason(_ signal: Int32) -> String {
    signal == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)"
  }

  private static func status(_ signal: Int32) -> ExitCode {
    signal == SIGINT ? ExitStatus.interrupted : ExitStatus.terminated
  }

  private static func install() {
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler {
        lock.lock()
        if stores > 0 {
          let first = pending == nil
          pending = pending ?? signal
          lock.unlock()
          if first {
            FileHandle.standardError.write(
              Data("\ncapsim: \(reason(signal)): finishing the store in progress first\n".utf8))
          }
          return
        }
        lock.unlock()
        act(on: signal)
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Marks every watched record with the signal's reason, says each notice and exits.
  private static func act(on signal: Int32) -> Never {
    lock.lock()
    exiting = true
    let marks = active.sorted { $0.key < $1.key }.map(\.value)
    lock.unlock()
    for m in marks {
      m.mark(reason(signal))
      FileHandle.standardError.write(Data("\ncapsim: \(m.notice)\n".utf8))
    }
    exit(status(signal).rawValue)
  }
}
