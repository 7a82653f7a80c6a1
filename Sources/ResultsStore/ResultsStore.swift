import Foundation
import GRDB
import RunRecords

/// The SQLite file that keeps every run: what was run, how it went, and its results.
///
/// A run is written twice: `begin(_:)` when it starts (status `running`) and `complete(_:data:)`
/// or `end(_:status:message:)` when it stops. A run whose process died in between stays
/// `running` until the next open on the same host finds its process gone and marks it
/// `interrupted`, so a crash never leaves a run that looks alive.
///
/// The file is in WAL mode: readers never wait, and writers (other threads, other `capsim`
/// processes) wait for each other up to `busyTimeout` instead of failing. Copies share one
/// `DatabasePool`, which is safe to use from any thread.
package struct ResultsStore: Sendable {
  /// How long a write waits for another connection's write to finish before it fails:
  /// `$CAPSIM_BUSY_TIMEOUT` seconds if set (the CLI refuses a value `busyTimeout(_:)` does not
  /// take before any command runs), else 10.
  package static let busyTimeout: TimeInterval =
    busyTimeout(ProcessInfo.processInfo.environment["CAPSIM_BUSY_TIMEOUT"]) ?? 10

  /// `text` as a busy timeout: a number of seconds above 0 and at most a day; nil otherwise.
  package static func busyTimeout(_ text: String?) -> TimeInterval? {
    guard let text, let seconds = Double(text), seconds > 0, seconds <= 86_400 else { return nil }
    return seconds
  }

  package let path: String
  let pool: DatabasePool
  /// The migrated copy read instead of a file at an older schema (`init(readingOlder:)`).
  private var copy: TemporaryCopy? = nil
  /// Whether this store reads such a copy: nothing it does reaches the file.
  package var readsACopy: Bool { copy != nil }
  /// The file opened at `path` (device and inode), to notice when it is moved or deleted.
  let file: FileIdentity?

  /// Opens (creating if needed) and migrates the database, then marks runs of dead processes.
  ///
  /// A run left `running` by a process that no longer exists on this host
  /// (`kill(pid, 0)` fails with `ESRCH`) becomes `interrupted`. Runs of other hosts are left
  /// alone: their processes cannot be seen from here. On a full disk the marking waits for a
  /// later open, so that the file can still be read.
  ///
  /// A file that is not a SQLite database, or a SQLite database of another program, is refused
  /// before anything is written, so that capsim never adds its tables to someone else's file.
  ///
  /// - Throws: `ResultsStoreError.notACapsimDatabase` for such a file,
  ///   `.databaseTooNew` if a newer capsim migrated the file, `.cannotLock` if `<path>.lock`
  ///   cannot be created; GRDB's `DatabaseError` if the file cannot be opened or migrated.
  package init(path: String) throws {
    try self.init(path: path, upTo: nil)
  }

  /// Opens an existing database that capsim cannot write (a read-only file or folder: an
  /// archived copy, a CI artifact) for reading only.
  ///
  /// Nothing is created or changed: no lock file, no migration, no marking of runs of dead
  /// processes (a run shows as `running` until a writable open marks it). The file must be at
  /// this capsim's schema: an older one cannot be brought up to date without writing.
  ///
  /// - Throws: as `init(path:)`, and `.readOnlyAndOlder` for a file at an older schema.
  package init(readingOnly path: String) throws {
    let (pool, applied) = try Self.readOnlyPool(path)
    let migrator = Self.migrator
    let unknown = applied.subtracting(migrator.migrations)
    if !unknown.isEmpty { throw ResultsStoreError.databaseTooNew(path: path, unknownMigrations: unknown.sorted()) }
    if applied.count < migrator.migrations.count { throw ResultsStoreError.readOnlyAndOlder(path: path) }
    self.pool = pool
    self.path = path
    file = FileIdentity(path)
  }

  /// Opens a database at an older schema for reading, leaving it as it is (so that the older
  /// capsim that wrote it still opens it): SQLite's online backup copies it into a temporary
  /// folder, where the copy is brought up to date and read. The copy goes with the store.
  ///
  /// - Throws: as `init(readingOnly:)`, but not `.readOnlyAndOlder`.
  package init(readingOlder path: String) throws {
    let (source, applied) = try Self.readOnlyPool(path)
    let unknown = applied.subtracting(Self.migrator.migrations)
    if !unknown.isEmpty { throw ResultsStoreError.databaseTooNew(path: path, unknownMigrations: unknown.sorted()) }
    let copy = try TemporaryCopy()
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.label = "ResultsStore"
    let pool = try DatabasePool(path: copy.file, configuration: configuration)
    try source.backup(to: pool)
    try source.close()
    try Self.migrator.migrate(pool)
    self.pool = pool
    self.path = path
    self.copy = copy
    file = FileIdentity(path)
  }

  /// A temporary folder, removed with the last copy of the store that reads from it.
  final class TemporaryCopy: Sendable {
    let folder: URL
    var file: String { folder.appendingPathComponent("capsim.sqlite").path }

    init() throws {
      folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-read-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
  }

  /// A read-only open of the file at `path` and the migrations applied to it: nothing is
  /// created or changed.
  private static func readOnlyPool(_ path: String) throws -> (DatabasePool, Set<String>) {
    var configuration = Configuration()
    configuration.readonly = true
    configuration.busyMode = .timeout(Self.busyTimeout)
    configuration.label = "ResultsStore"
    try Self.refuseNonSQLiteFile(path)
    let migrator = Self.migrator
    func opened(_ name: String) throws -> (DatabasePool, Set<String>) {
      let pool = try DatabasePool(path: name, configuration: configuration)
      return (pool, try pool.read { db in try migrator.appliedIdentifiers(db) })
    }
    let pool: DatabasePool
    let applied: Set<String>
    // Without a `-wal` (or with an empty one, left by a reader or a killed writer) no one is
    // writing, and the main file holds every result (see `write`): it is read as immutable (a
    // URI; Debian's SQLite takes them), which creates nothing beside it. Opened otherwise,
    // SQLite makes a `-wal` and `-shm` with the file's own read-only mode wherever the folder
    // can be written, and those then refused every writable open of the file.
    let immutable = URL(fileURLWithPath: path).absoluteString + "?immutable=1"
    if FileManager.default.fileExists(atPath: path) && Self.isReadOnly(path) && Self.walIsEmpty(path) {
      try Self.refuseForeignDatabase(path, opening: immutable)
      (pool, applied) = try opened(immutable)
    } else {
      do {
        (pool, applied) = try Self.leavingNothingBeside(path, ifFailing: { Self.isDamaged($0) || Self.isNoRoom($0) }) {
          try Self.refuseForeignDatabase(path)
          return try opened(path)
        }
      } catch let error as DatabaseError where Self.isNoRoom(error) && Self.walIsEmpty(path) {
        // A full disk has no room for the `-shm` a reader needs; with no `-wal` nothing is
        // being written, so the file is read as immutable, as a read-only one is.
        try Self.refuseForeignDatabase(path, opening: immutable)
        (pool, applied) = try opened(immutable)
      }
    }
    return (pool, applied)
  }

  /// Whether a writable open would write now: runs, plans or derivations left `running` by
  /// processes of this host that are gone (a reading command then opens for writing, to mark
  /// them).
  package func hasRecordsOfDeadProcesses() throws -> Bool {
    let host = Self.currentHostName
    return try pool.read { db in
      var rows: [Row] = []
      for (table, _) in Self.processRecords where try db.tableExists(table) {
        rows += try Row.fetchAll(
          db, sql: "SELECT process_id FROM \(table) WHERE status = 'running' AND host_name = ?", arguments: [host])
      }
      return rows
    }.contains { Self.processIsGone($0["process_id"]) }
  }

  /// Whether `<path>-wal` is missing or holds nothing.
  static func walIsEmpty(_ path: String) -> Bool {
    var info = stat()
    return stat(path + "-wal", &info) != 0 || info.st_size == 0
  }

  /// Whether this process may not write the file at `path` or create files beside it (the
  /// lock, the WAL): then `init(readingOnly:)` is the way to read it.
  package static func isReadOnly(_ path: String) -> Bool {
    let folder = (path as NSString).deletingLastPathComponent
    return access(path, W_OK) != 0 || access(folder.isEmpty ? "." : folder, W_OK) != 0
  }

  /// Opens the database migrated only up to `migration`, as an older capsim left it.
  ///
  /// For tests of upgrades: a database at an old schema must open in a newer capsim. The file
  /// must not be migrated beyond `migration` already (GRDB stops the process if it is).
  package init(path: String, migratedUpTo migration: String) throws {
    try self.init(path: path, upTo: migration)
  }

  /// Opens the database for writing, waiting at most `seconds` for another connection (not
  /// `busyTimeout`): for a reading command that marks runs of dead processes when no writer is
  /// in the way, and reads without marking them otherwise.
  package init(path: String, waitingAtMost seconds: TimeInterval) throws {
    try self.init(path: path, upTo: nil, busyTimeout: seconds)
  }

  private init(path: String, upTo migration: String?, busyTimeout: TimeInterval = Self.busyTimeout) throws {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(busyTimeout)
    configuration.label = "ResultsStore"
    try Self.refuseNonSQLiteFile(path)
    // SQLite would make a `-wal` and `-shm` with a read-only file's mode before failing, and
    // they would go on refusing writes once the file is writable again.
    for (file, beside) in [(path, false), (path + "-wal", true), (path + "-shm", true)]
    where access(file, F_OK) == 0 && access(file, W_OK) != 0 {
      throw ResultsStoreError.readOnly(path: file, beside: beside)
    }
    pool = try Self.holdingOpenLock(path, waiting: busyTimeout) {
      try Self.refuseForeignDatabase(path)
      // DatabasePool sets `journal_mode = WAL` (and `synchronous = NORMAL`) on the file.
      let pool = try DatabasePool(path: path, configuration: configuration)
      try Self.migrate(pool, upTo: migration, path: path)
      return pool
    }
    // Outside the open lock: another capsim's open would otherwise wait for this one's wait
    // on a writer, and give up after both.
    do {
      try Self.markRecordsOfDeadProcessesInterrupted(pool)
    } catch let error as DatabaseError
      where [.SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode)
    {
      // Housekeeping that the next open retries: on a full disk, or under a long write, the
      // recorded runs can still be read (the dead run shows as `running` until then).
    }
    self.path = path
    file = FileIdentity(path)
  }

  /// A file's device and inode: what stays when it is renamed, and what another file at the
  /// same path does not share.
  struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    init?(_ path: String) {
      var info = stat()
      guard stat(path, &info) == 0 else { return nil }
      device = UInt64(info.st_dev)
      inode = UInt64(info.st_ino)
    }
  }

  /// Throws when the file opened is no longer at `path` (moved, deleted, or replaced): the
  /// connections would go on writing into it, and a results table that says "recorded in
  /// path" would be wrong. Called before a result is stored, so that the caller saves it
  /// elsewhere instead.
  func requireStillAtPath() throws {
    guard let file, FileIdentity(path) == file else { throw ResultsStoreError.fileMoved(path: path) }
  }

  /// A write transaction, then a passive checkpoint, so that the main file alone holds what
  /// was committed: a process can end before its connections close (which would fold the WAL
  /// in), and a copy of `capsim.sqlite` without its `-wal` would miss the last results, or the
  /// tables themselves. Passive: it copies what no reader still needs and never waits.
  static func write<T>(_ pool: DatabasePool, _ updates: (Database) throws -> T) throws -> T {
    let result = try pool.write(updates)
    _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
    return result
  }

  /// Whether the main file alone holds every commit: a checkpoint folds in only what no reader
  /// still needs, so a reader on an older snapshot (a long `capsim report`) keeps the newest
  /// commits in the `-wal` until a later write or the last connection's close folds them in.
  package func mainFileHoldsEverything() -> Bool {
    guard let (frames, folded) = try? pool.writeWithoutTransaction({ try $0.checkpoint(.passive) }) else { return true }
    return frames <= 0 || folded >= frames
  }

  /// Runs `body` holding an exclusive `flock(2)` on `<path>.lock`, so that one connection at a
  /// time sets the file up.
  ///
  /// Two connections opening a new file at once race twice: switching it to WAL fails with
  /// `SQLITE_BUSY` for one of them whatever the busy timeout (SQLite will not wait when two
  /// connections each hold a shared lock and want an exclusive one), and GRDB's migrator reads
  /// which migrations are applied before it takes the write lock, so both try to create the
  /// tables. (GRDB's `DatabaseSharing.md` serializes setup with `NSFileCoordinator`, which
  /// Linux lacks.) The lock is a separate file: closing any descriptor of the database file
  /// itself would drop SQLite's POSIX locks on it. The kernel releases the lock if the process
  /// dies.
  private static func holdingOpenLock<T>(_ path: String, waiting busyTimeout: TimeInterval, _ body: () throws -> T)
    throws -> T
  {
    let lockPath = path + ".lock"
    var descriptor = open(lockPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    let created = descriptor >= 0
    if !created && errno == EEXIST { descriptor = open(lockPath, O_RDWR | O_CLOEXEC) }
    guard descriptor >= 0 else { throw ResultsStoreError.cannotLock(path: lockPath, errno: errno) }
    defer { close(descriptor) }
    // Waits as a write does (`busyTimeout`): a capsim stopped with Ctrl-Z while opening would
    // otherwise hang every other capsim on this database.
    let deadline = Date().addingTimeInterval(busyTimeout)
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EINTR || errno == EWOULDBLOCK else {
        throw ResultsStoreError.cannotLock(path: lockPath, errno: errno)
      }
      guard Date() < deadline else { throw ResultsStoreError.lockHeld(path: lockPath, seconds: busyTimeout) }
      usleep(10_000)
    }
    do {
      return try leavingNothingBeside(path, ifFailing: isDamaged, body)
    } catch let error as ResultsStoreError {
      // Another program's file is left as it was: no lock file beside it either. (Any capsim
      // waiting on this lock refuses the same file.)
      if created, case .notACapsimDatabase = error { unlink(lockPath) }
      throw error
    } catch let error as DatabaseError where Self.isDamaged(error) {
      if created { unlink(lockPath) }
      throw error
    }
  }

  /// Runs `body` (an open of `path`); if it fails as `failing` says (a damaged file: a
  /// truncated copy; no room on the disk), removes the `-wal` and `-shm` the open created beside
  /// it, so that the file is left as it was found.
  private static func leavingNothingBeside<T>(
    _ path: String, ifFailing failing: (DatabaseError) -> Bool, _ body: () throws -> T
  ) throws -> T {
    let absent = ["-wal", "-shm"].filter { !FileManager.default.fileExists(atPath: path + $0) }
    do {
      return try body()
    } catch let error as DatabaseError where failing(error) {
      for suffix in absent { unlink(path + suffix) }
      throw error
    }
  }

  private static func isDamaged(_ error: DatabaseError) -> Bool {
    error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
  }

  /// A full disk, or no room to make the `-shm` beside the file (`SQLITE_IOERR_SHMSIZE`).
  static func isNoRoom(_ error: DatabaseError) -> Bool {
    error.resultCode == .SQLITE_FULL || error.extendedResultCode == .SQLITE_IOERR_SHMSIZE
  }

  /// Refuses a folder, a named pipe or device, and a file that does not start with SQLite's
  /// header.
  ///
  /// This runs before the lock file or a WAL is created beside it. An empty file is a new
  /// database, as SQLite treats it.
  private static func refuseNonSQLiteFile(_ path: String) throws {
    var info = stat()
    if stat(path, &info) == 0 {
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFDIR: throw ResultsStoreError.notACapsimDatabase(path: path, reason: "a folder, not a file")
      // A named pipe would block the first read; a device is nobody's database.
      default: throw ResultsStoreError.notACapsimDatabase(path: path, reason: "not a regular file")
      }
    }
    guard let file = FileHandle(forReadingAtPath: path) else { return }  // new, or SQLite says why
    defer { try? file.close() }
    let header = (try? file.read(upToCount: 16)) ?? Data()
    guard !header.isEmpty, header != Data("SQLite format 3\0".utf8) else { return }
    throw ResultsStoreError.notACapsimDatabase(path: path, reason: "not a SQLite file")
  }

  /// Refuses a SQLite database with tables but no capsim migration: another program's file.
  ///
  /// Read-only, so the file is not even switched to WAL mode when it is refused.
  private static func refuseForeignDatabase(_ path: String, opening name: String? = nil) throws {
    guard FileManager.default.fileExists(atPath: path) else { return }
    var configuration = Configuration()
    configuration.readonly = true
    configuration.busyMode = .timeout(busyTimeout)
    let firstMigration = migrator.migrations[0]
    let tables = try DatabaseQueue(path: name ?? path, configuration: configuration).read { db -> [String]? in
      let tables = try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      guard !tables.isEmpty else { return nil }
      if try db.tableExists("grdb_migrations"),
        try Bool.fetchOne(
          db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = ?", arguments: [firstMigration]) != nil
      {
        return nil
      }
      return tables
    }
    guard let tables else { return }
    let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
    throw ResultsStoreError.notACapsimDatabase(
      path: path, reason: "a SQLite database of another program, with tables \(shown)")
  }

  /// Runs the migrations that are not applied yet; refuses a file migrated by a newer capsim.
  ///
  /// A file already at this schema is only read: the migrator takes the write lock even when
  /// it has nothing to do, so `capsim runs` waited for (and failed on) any writer's lock.
  private static func migrate(_ pool: DatabasePool, upTo migration: String?, path: String) throws {
    let migrator = Self.migrator
    let target = migration ?? migrator.migrations.last!
    let wanted = Set(migrator.migrations.prefix { $0 != target } + [target])
    let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
    if !wanted.isSubset(of: applied) { try migrator.migrate(pool, upTo: target) }
    let unknown = try pool.read { db in try migrator.appliedIdentifiers(db).subtracting(migrator.migrations) }
    if !unknown.isEmpty {
      throw ResultsStoreError.databaseTooNew(path: path, unknownMigrations: unknown.sorted())
    }
  }

  /// The records that carry a process: table and what the message calls one.
  static let processRecords = [("run", "run"), ("plan", "plan"), ("autoscale", "derivation")]

  /// Marks `interrupted` the runs, plans and derivations whose process on this host is gone.
  ///
  /// It reads first and writes only if one needs marking: taking the write lock on every open
  /// would make `capsim report` wait for a run that is being stored. A store opened at a schema
  /// from before plans or derivations has none of those to mark.
  private static func markRecordsOfDeadProcessesInterrupted(_ pool: DatabasePool) throws {
    let hostName = currentHostName
    let candidates = try pool.read { db -> [(table: String, noun: String, row: Row)] in
      var found: [(String, String, Row)] = []
      for (table, noun) in processRecords where try db.tableExists(table) {
        let rows = try Row.fetchAll(
          db, sql: "SELECT id, process_id FROM \(table) WHERE status = 'running' AND host_name = ?",
          arguments: [hostName])
        found += rows.map { (table, noun, $0) }
      }
      return found
    }
    let orphans = try candidates.filter { processIsGone(try $0.row.decode(Int32.self, forColumn: "process_id")) }
    guard !orphans.isEmpty else { return }
    try Self.write(pool) { db in
      let now = Date()
      for (table, noun, row) in orphans {
        let pid: Int32 = try row.decode(forColumn: "process_id")
        try db.execute(
          sql:
            "UPDATE \(table) SET status = 'interrupted', ended_at = ?, message = ? WHERE id = ? AND status = 'running'",
          arguments: [
            now,
            "process \(pid) on \(hostName) ended before the \(noun) did, or could not record its end (if it said 'saved in FILE', its results are in that file: capsim import FILE)",
            row["id"],
          ])
      }
    }
  }

  /// True when no process has this id: `kill(pid, 0)` fails with `ESRCH`.
  ///
  /// `EPERM` means the process exists but belongs to someone else, so it counts as alive; pids
  /// of 0 or less address process groups, not a process, so they count as alive too.
  static func processIsGone(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == -1 && errno == ESRCH
  }

  /// This host's name from `gethostname(2)`: what `RunRecord.hostName` should hold, so that the
  /// check for runs of dead processes compares like with like.
  ///
  /// Foundation's `ProcessInfo.hostName` may differ on Linux (it resolves a canonical name).
  package static var currentHostName: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

// MARK: - Writing

extension ResultsStore {
  /// Inserts the run with status `running` and returns its id.
  ///
  /// The record's `id`, `status`, `endedAt`, `wallSeconds`, `requests` and `message` are
  /// ignored: a run starts without them.
  package func begin(_ run: RunRecord) throws -> Int64 {
    try Self.write(pool) { db in
      try db.execute(
        sql: """
          INSERT INTO run (
            capsim_version, kind, scenario_name, scenario_path, scenario_text, scenario_hash,
            topology_path, topology_text, topology_hash, settings, seed, replications, horizon,
            series_interval, time_zone, started_at, status, process_id, host_name)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
          """,
        arguments: Self.insertArguments(run))
      return db.lastInsertedRowID
    }
  }

  /// Stores the run's series, verdicts, costs, targets and events and marks it `complete`, in
  /// one transaction.
  ///
  /// `endedAt` (now if nil), `wallSeconds` and `requests` come from `data.run`; the rest of the
  /// run row stays as `begin(_:)` wrote it. If anything fails, nothing of the completion is
  /// kept and the run stays `running`: the caller should then `end(_:status:message:)` it as
  /// failed.
  ///
  /// - Throws: `ResultsStoreError.runNotFound` or `.runAlreadyEnded`, or the `DatabaseError`
  ///   of the first statement that failed (a value breaking a constraint, a full disk, a
  ///   write lock held longer than `busyTimeout`).
  package func complete(_ id: Int64, data: RunData) throws {
    try requireStillAtPath()
    try Self.write(pool) { db in
      try Self.requireRunning(id, db)
      try Self.insertSeries(data.series, runID: id, db)
      try Self.insertVerdicts(data.verdicts, runID: id, db)
      try Self.insertCosts(data.costs, runID: id, db)
      try Self.insertTargets(data.targets, runID: id, db)
      try Self.insertEvents(data.events, runID: id, db)
      try Self.insertAutoscalerSyncs(data.autoscalerSyncs, runID: id, db)
      try Self.insertLocks(data.locks, runID: id, db)
      if let n = data.networkSummary {
        try db.execute(
          sql: "INSERT INTO network_summary (run_id, table_text, json) VALUES (?, ?, ?)",
          arguments: [id, n.table, n.json])
      }
      try db.execute(
        sql: """
          UPDATE run SET status = 'complete', ended_at = ?, wall_seconds = ?, requests = ?
          WHERE id = ?
          """,
        arguments: [data.run.endedAt ?? Date(), data.run.wallSeconds, data.run.requests, id])
    }
  }

  /// Marks a running run `failed` or `interrupted`, with a message and the time.
  ///
  /// One short UPDATE, so it is quick enough for a SIGINT/SIGTERM path (call it from a dispatch
  /// signal source, not from a C signal handler: SQLite is not async-signal-safe). It changes
  /// only a run that is still `running`: a second call, or a late signal after
  /// `complete(_:data:)`, changes nothing.
  package func end(_ id: Int64, status: RunStatus, message: String?) throws {
    precondition(
      status == .failed || status == .interrupted, "end(_:status:message:) takes failed or interrupted, not \(status)")
    try Self.write(pool) { db in
      try db.execute(
        sql: "UPDATE run SET status = ?, message = ?, ended_at = ? WHERE id = ? AND status = 'running'",
        arguments: [status.rawValue, message, Date(), id])
    }
  }

  private static func requireRunning(_ id: Int64, _ db: Database) throws {
    guard let raw = try String.fetchOne(db, sql: "SELECT status FROM run WHERE id = ?", arguments: [id]) else {
      throw ResultsStoreError.runNotFound(id)
    }
    let status = try decodeStatus(raw)
    guard status == .running else { throw ResultsStoreError.runAlreadyEnded(id, status) }
  }
}

// MARK: - Reading

extension ResultsStore {
  /// Runs, newest first (in the order they began), at most `limit` of them.
  package func runs(limit: Int? = nil) throws -> [RunRecord] {
    try pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1])
        .map(Self.runRecord)
    }
  }

  package func run(_ id: Int64) throws -> RunRecord? {
    try pool.read { db in try Self.fetchRun(id, db) }
  }

  /// The run that completed last (`latest`): with runs at once, the one that began last may
  /// still be running, or end after `capsim run ... && capsim report latest` has read it.
  package func latestCompleteRunID() throws -> Int64? {
    try pool.read { db in
      try Int64.fetchOne(
        db, sql: "SELECT id FROM run WHERE status = 'complete' ORDER BY ended_at DESC, id DESC LIMIT 1")
    }
  }

  /// Failed verdicts per run, for the runs that have any.
  package func failedVerdictCounts() throws -> [Int64: Int] {
    try pool.read { db in
      var counts: [Int64: Int] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT run_id, COUNT(*) AS n FROM verdict WHERE outcome = 'fail' GROUP BY run_id")
      {
        counts[row["run_id"]] = row["n"]
      }
      return counts
    }
  }

  /// Which of a run's series rows to read: a year in 6-minute windows has millions, which
  /// `capsim show` never prints.
  package enum SeriesRows: Sendable {
    case all, none
    /// The rows of one request class, but for the tiers named.
    case only(requestClass: String, leavingOutTiers: [String])
  }

  /// Everything recorded of a run (its series rows as `series` says), read from one snapshot;
  /// nil if there is no such run.
  ///
  /// Series, verdicts, costs and events come back in the order they were stored.
  package func data(_ id: Int64, series: SeriesRows = .all) throws -> RunData? {
    try pool.read { db in
      guard let run = try Self.fetchRun(id, db) else { return nil }
      let seriesSQL: String?
      var seriesArguments: StatementArguments = [id]
      switch series {
      case .all: seriesSQL = "SELECT * FROM series_point WHERE run_id = ? ORDER BY id"
      case .none: seriesSQL = nil
      case .only(let requestClass, let tiers):
        let marks = Array(repeating: "?", count: tiers.count).joined(separator: ", ")
        seriesSQL =
          "SELECT * FROM series_point WHERE run_id = ? AND request_class = ?"
          + (tiers.isEmpty ? "" : " AND tier NOT IN (\(marks))") + " ORDER BY id"
        seriesArguments += [requestClass]
        seriesArguments += StatementArguments(tiers)
      }
      return RunData(
        run: run,
        series: try seriesSQL.map { try Row.fetchAll(db, sql: $0, arguments: seriesArguments).map(Self.seriesPoint) }
          ?? [],
        verdicts: try Row.fetchAll(db, sql: "SELECT * FROM verdict WHERE run_id = ? ORDER BY id", arguments: [id])
          .map(Self.verdictRecord),
        costs: try Row.fetchAll(db, sql: "SELECT * FROM cost WHERE run_id = ? ORDER BY id", arguments: [id])
          .map(Self.costRecord),
        targets: try Self.fetchTargets(id, db),
        events: try Row.fetchAll(db, sql: "SELECT * FROM event WHERE run_id = ? ORDER BY id", arguments: [id])
          .map(Self.eventRecord),
        autoscalerSyncs: try Row.fetchAll(
          db, sql: "SELECT * FROM autoscaler_sync WHERE run_id = ? ORDER BY id", arguments: [id]
        ).map(Self.autoscalerSyncRecord),
        locks: try Row.fetchAll(db, sql: "SELECT * FROM row_lock WHERE run_id = ? ORDER BY id", arguments: [id])
          .map(Self.lockRecord),
        networkSummary: try Row.fetchOne(db, sql: "SELECT * FROM network_summary WHERE run_id = ?", arguments: [id])
          .map { NetworkSummary(table: try $0.decode(forColumn: "table_text"), json: try $0.decode(forColumn: "json")) }
      )
    }
  }

  /// The rows of `PRAGMA integrity_check`: `["ok"]` for a sound file.
  package func integrityCheck() throws -> [String] {
    try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
  }

  /// The migrations applied to the file, oldest first.
  package func appliedMigrations() throws -> [String] {
    try pool.read { db in try Self.migrator.appliedMigrations(db) }
  }

  private static func fetchRun(_ id: Int64, _ db: Database) throws -> RunRecord? {
    try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(runRecord)
  }

  private static func fetchTargets(_ id: Int64, _ db: Database) throws -> [String: Double] {
    var targets: [String: Double] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT name, value FROM target WHERE run_id = ?", arguments: [id]) {
      targets[try row.decode(forColumn: "name")] = try row.decode(Double?.self, forColumn: "value") ?? .nan
    }
    return targets
  }
}

// MARK: - Imported records

extension ResultsStore {
  /// The tables whose records a process begins and completes.
  package enum RecordTable: String, Sendable {
    case run, plan, autoscale
  }

  /// Runs `body` holding `<path>.lock` as an open does, so that one capsim at a time makes a
  /// check and the writes that depend on it (an import's "already stored?", then storing).
  package func exclusively<T>(_ body: () throws -> T) throws -> T {
    try Self.holdingOpenLock(path, waiting: Self.busyTimeout, body)
  }

  /// Deletes a record that was begun and never held results (an import that could not be
  /// stored): marked failed, each retry would leave one more behind.
  package func discard(_ table: RecordTable, _ id: Int64) throws {
    try Self.write(pool) { db in
      try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE id = ? AND status = 'running'", arguments: [id])
    }
  }

  /// The complete records in `table` that began at `startedAt` (to the second: a saved file
  /// keeps whole seconds) with this scenario and seed: the same record, stored or imported
  /// before, if its settings are the same too (a sweep's points share all the rest).
  package func completeRecordIDs(in table: RecordTable, startedAt: Date, scenarioHash: String, seed: UInt64) throws
    -> [Int64]
  {
    try pool.read { db in
      try Int64.fetchAll(
        db,
        sql: """
          SELECT id FROM \(table.rawValue)
          WHERE status = 'complete' AND scenario_hash = ? AND seed = ?
            AND abs(CAST(strftime('%s', started_at) AS INTEGER) - ?) <= 1
          ORDER BY id
          """,
        arguments: [scenarioHash, Int64(bitPattern: seed), Int64(startedAt.timeIntervalSince1970.rounded(.down))])
    }
  }
}
