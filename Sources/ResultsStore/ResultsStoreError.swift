import Foundation
import GRDB
import RunRecords

/// Why the store refused a request.
///
/// Database failures themselves arrive as GRDB's `DatabaseError`.
package enum ResultsStoreError: Error, Equatable, CustomStringConvertible {
  /// No run has this id.
  case runNotFound(Int64)
  /// The run has already ended (complete, failed or interrupted), so it cannot be completed.
  case runAlreadyEnded(Int64, RunStatus)
  /// The database was migrated by a newer capsim, with migrations this one does not know.
  case databaseTooNew(path: String, unknownMigrations: [String])
  /// The lock file that serializes opening could not be created or locked.
  case cannotLock(path: String, errno: Int32)
  /// Another capsim held `<db>.lock` (opening the database) for longer than the busy timeout.
  case lockHeld(path: String, seconds: Double)
  /// A column held a value no capsim writes (edited by hand, or written by a newer version).
  case unreadableValue(table: String, column: String, value: String)
  /// The file is not a SQLite database, or is one that another program wrote; it was left as
  /// it was.
  case notACapsimDatabase(path: String, reason: String)
  /// No plan has this id.
  case planNotFound(Int64)
  /// The plan has already ended, so it cannot be completed.
  case planAlreadyEnded(Int64, RunStatus)
  /// The derivation is not running (it ended, or there is none with this id).
  case autoscaleNotRunning(Int64)
  /// The database file was moved, deleted or replaced since it was opened.
  case fileMoved(path: String)
  /// The file is read-only here and at an older schema, which reading it would need to update.
  case readOnlyAndOlder(path: String)
  /// A command that records found the database, or the `-wal` or `-shm` beside it, read-only.
  case readOnly(path: String, beside: Bool)

  package var description: String {
    switch self {
    case .runNotFound(let id):
      "no run \(id) in the results database"
    case .runAlreadyEnded(let id, let status):
      "run \(id) has already ended (\(status.rawValue))"
    case .databaseTooNew(let path, let unknown):
      "\(path) was written by a newer capsim (migrations \(unknown.joined(separator: ", "))); upgrade capsim to use it"
    case .cannotLock(let path, let code):
      code == ENOENT
        ? "cannot create \(path): its folder does not exist"
        : code == EACCES || code == EROFS
          ? "cannot create \(path): its folder cannot be written (\(String(cString: strerror(code))))"
          : "cannot lock \(path): \(String(cString: strerror(code)))"
    case .lockHeld(let path, let seconds):
      "another capsim held \(path) for more than \(String(format: "%g", seconds)) s while opening the database (CAPSIM_BUSY_TIMEOUT waits longer)"
    case .unreadableValue(let table, let column, let value):
      "unreadable value in \(table).\(column): \(value)"
    case .notACapsimDatabase(let path, let reason):
      "'\(path)' is not a capsim results database (\(reason)); it was left as it was"
    case .planNotFound(let id):
      "no plan \(id) in the results database"
    case .planAlreadyEnded(let id, let status):
      "plan \(id) has already ended (\(status.rawValue))"
    case .autoscaleNotRunning(let id):
      "derivation \(id) is not running in the results database"
    case .fileMoved(let path):
      "the file opened as \(path) was moved, deleted or replaced while capsim was running"
    case .readOnly(let path, false):
      "\(path) is read-only here: it can be read (runs, show, report), not recorded in"
    case .readOnly(let path, true):
      "\(path) is read-only here (left by an open as another user, or while the database was read-only): remove it when no capsim or sqlite3 has the database open"
    case .readOnlyAndOlder(let path):
      "\(path) was written by an older capsim and is read-only here, so it cannot be brought up to date; copy it where capsim can write"
    }
  }
}

extension ResultsStore {
  /// Why an operation on the database failed, in words for the user: "the disk is full" for
  /// SQLite's `SQLITE_FULL`, and so on, followed by SQLite's own message.
  ///
  /// The CLI cannot see GRDB's `DatabaseError`, and should not have to know SQLite's codes.
  package static func reason(_ error: any Error) -> String {
    guard let error = error as? DatabaseError else { return "\(error)" }
    let words: String? =
      switch error.resultCode {
      case _ where isNoRoom(error) && error.resultCode != .SQLITE_FULL:
        "no room for the -shm file beside it (is the disk full?)"
      case .SQLITE_FULL: "the disk is full"
      case .SQLITE_READONLY: "the file, its folder or its -wal or -shm file beside it is read-only"
      case .SQLITE_BUSY, .SQLITE_LOCKED:
        "another connection held it for more than \(String(format: "%g", busyTimeout)) s"
      case .SQLITE_NOTADB: "not a SQLite file"
      case .SQLITE_CORRUPT: "the file is damaged"
      case .SQLITE_CANTOPEN:
        "the file or its -wal or -shm beside it cannot be opened (does its folder exist? can it be written?)"
      case .SQLITE_PERM, .SQLITE_AUTH: "permission denied"
      case .SQLITE_IOERR: "an input/output error"
      default: nil
      }
    let sqlite = "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
    return words.map { "\($0); \(sqlite)" } ?? sqlite
  }
}
