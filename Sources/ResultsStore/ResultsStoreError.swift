import Foundation
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
  /// A column held a value no capsim writes (edited by hand, or written by a newer version).
  case unreadableValue(table: String, column: String, value: String)

  package var description: String {
    switch self {
    case .runNotFound(let id):
      "no run \(id) in the results database"
    case .runAlreadyEnded(let id, let status):
      "run \(id) has already ended (\(status.rawValue))"
    case .databaseTooNew(let path, let unknown):
      "\(path) was written by a newer capsim (migrations \(unknown.joined(separator: ", "))); upgrade capsim to use it"
    case .cannotLock(let path, let code):
      "cannot lock \(path): \(String(cString: strerror(code)))"
    case .unreadableValue(let table, let column, let value):
      "unreadable value in \(table).\(column): \(value)"
    }
  }
}
