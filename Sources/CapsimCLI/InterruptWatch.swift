import Dispatch
import Foundation

/// While a record is being written: on SIGINT or SIGTERM, `mark` it with the reason
/// ("interrupted (Ctrl-C)", "terminated (SIGTERM)"), say `notice` on stderr (an error in the
/// sense of --quiet: it explains the exit status) and exit with the signal's status.
final class InterruptWatch: @unchecked Sendable {
  private var sources: [DispatchSourceSignal] = []

  init(notice: String, mark: @escaping @Sendable (_ reason: String) -> Void) {
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler {
        mark(signal == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)")
        FileHandle.standardError.write(Data("\ncapsim: \(notice)\n".utf8))
        exit((signal == SIGINT ? ExitStatus.interrupted : ExitStatus.terminated).rawValue)
      }
      source.resume()
      sources.append(source)
    }
  }

  /// Stops watching; the signals act as they did before.
  func stop() {
    guard !sources.isEmpty else { return }
    for source in sources { source.cancel() }
    sources = []
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
