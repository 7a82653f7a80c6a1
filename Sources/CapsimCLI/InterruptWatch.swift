import ArgumentParser
import Foundation

/// The last SIGINT or SIGTERM delivered (0: none), set by the handler; and the pipe it wakes the
/// acting thread through. Plain words, written once each in a signal handler, as sig_atomic_t.
nonisolated(unsafe) private var arrivedSignal: Int32 = 0
nonisolated(unsafe) private var wakeDescriptor: Int32 = -1

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
/// The handler is installed once for the process; watches come and go in a registry, and a
/// signal with none active ends the process as the signal would. The handler itself only notes
/// the signal (`arrivedSignal`) and wakes a thread that acts on it: the note is there the moment
/// the signal is delivered, so a store that ends just after it, or the command's end, sees it.
/// (Signal sources of libdispatch told it later, on another thread: a signal at a store's last
/// system call was missed, and the command exited 0.)
final class InterruptWatch: @unchecked Sendable {
  private typealias Mark = (notice: String, mark: @Sendable (String) -> Void)
  private static let lock = NSLock()
  nonisolated(unsafe) private static var active: [Int: Mark] = [:]
  nonisolated(unsafe) private static var nextToken = 0
  nonisolated(unsafe) private static var installed = false
  /// Stores in progress, and a signal that came during one.
  nonisolated(unsafe) private static var stores = 0
  nonisolated(unsafe) private static var pending: Int32?
  /// Set once a signal is being acted on: a store must not begin then, nor the command go on
  /// to say or exit anything of its own (the thread acting exits for it).
  nonisolated(unsafe) private static var exiting = false
  nonisolated(unsafe) private static var actingThread: pthread_t?

  private let token: Int

  init(notice: String, mark: @escaping @Sendable (_ reason: String) -> Void) {
    Self.lock.lock()
    defer { Self.lock.unlock() }
    if !Self.installed { Self.install() }
    token = Self.nextToken
    Self.nextToken += 1
    Self.active[token] = (notice, mark)
  }

  /// Begins a record (`begin` returns its id) and its watch together: a signal between them
  /// would leave the record `running` until the next open, without a word. A record that
  /// cannot begin is status 5, said by `cannotBegin` from the database's reason.
  static func begin(
    _ begin: () throws -> Int64, cannotBegin: (any Error) -> String, notice: (Int64) -> String,
    mark: @escaping @Sendable (_ id: Int64, _ reason: String) -> Void
  ) throws -> (id: Int64, watch: InterruptWatch) {
    try storing(final: false) {
      let id: Int64
      do { id = try begin() } catch { throw fail(cannotBegin(error), status: ExitStatus.databaseUnusable) }
      return (id, InterruptWatch(notice: notice(id)) { reason in mark(id, reason) })
    }
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
    // A command that watches no record (calibrate writing its files) still holds signals here.
    if !installed { install() }
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
      // A signal delivered during the store that the acting thread has not taken yet.
      if stores == 0 && pending == nil && arrivedSignal != 0 && !exiting { pending = arrivedSignal }
      let signal = stores == 0 && !final ? pending : nil
      lock.unlock()
      if let signal { act(on: signal) }
    }
    return try body()
  }

  /// Waits for the end when another thread is acting on a signal: what the command would say
  /// or do next (an error from a file the interrupt removed, an exit status of its own) would
  /// contradict the notice.
  static func yieldIfExiting() {
    lock.lock()
    let other = exiting && actingThread.map { pthread_equal($0, pthread_self()) == 0 } ?? false
    lock.unlock()
    if other { while true { pause() } }
  }

  /// Whether a signal came during a final store (or since) and waits for `exitIfSignalled`.
  static var signalPending: Bool {
    lock.lock()
    defer { lock.unlock() }
    return pending != nil || arrivedSignal != 0
  }

  /// Exits with the status of a signal that came during a final store (or since, not yet acted
  /// on), after saying so.
  static func exitIfSignalled() {
    yieldIfExiting()
    lock.lock()
    let signal = pending ?? (arrivedSignal != 0 ? arrivedSignal : nil)
    if signal != nil { exiting = true }
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

  /// The handler for SIGINT and SIGTERM, and the thread that acts on what it notes. Called
  /// under `lock`.
  private static func install() {
    installed = true
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { return }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }  // not a child's
    wakeDescriptor = ends[1]
    let reading = ends[0]
    // A parent may have started capsim with the signals blocked (a test runner's thread): the
    // handler would never run. This thread, and the one made next, take them.
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in [SIGINT, SIGTERM] { sigaddset(&signals, signal) }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    let thread = Thread {
      var byte: UInt8 = 0
      while true {
        let n = read(reading, &byte, 1)
        if n < 0 && errno == EINTR { continue }
        guard n == 1 else { return }
        arrived(arrivedSignal)
      }
    }
    thread.name = "capsim signals"
    thread.start()
    let handler: @convention(c) (Int32) -> Void = { signal in
      arrivedSignal = signal
      var byte: UInt8 = 1
      _ = write(wakeDescriptor, &byte, 1)
    }
    var action = sigaction()
    #if os(Linux)
      action.__sigaction_handler = .init(sa_handler: handler)
    #else
      action.__sigaction_u = .init(__sa_handler: handler)
    #endif
    sigemptyset(&action.sa_mask)
    // System calls that the signal interrupts go on (SQLite's, a file's write).
    action.sa_flags = SA_RESTART
    for signal in [SIGINT, SIGTERM] { sigaction(signal, &action, nil) }
  }

  /// A signal noted by the handler: held for a store in progress, or acted on.
  private static func arrived(_ signal: Int32) {
    lock.lock()
    if exiting || (stores == 0 && pending != nil) {
      // Acted on already, or taken by a final store that ended: `exitIfSignalled` exits.
      lock.unlock()
      return
    }
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

  /// Marks every watched record with the signal's reason, says each notice and exits.
  private static func act(on signal: Int32) -> Never {
    lock.lock()
    if exiting && actingThread.map({ pthread_equal($0, pthread_self()) == 0 }) ?? true {
      // Another thread is acting, or the command is exiting as the signal asked.
      lock.unlock()
      while true { pause() }
    }
    exiting = true
    actingThread = pthread_self()
    let marks = active.sorted { $0.key < $1.key }.map(\.value)
    lock.unlock()
    for m in marks {
      m.mark(reason(signal))
      FileHandle.standardError.write(Data("\ncapsim: \(m.notice)\n".utf8))
    }
    if marks.isEmpty { FileHandle.standardError.write(Data("\ncapsim: \(reason(signal))\n".utf8)) }
    exit(status(signal).rawValue)
  }
}
