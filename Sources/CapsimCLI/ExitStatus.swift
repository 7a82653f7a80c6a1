import ArgumentParser
import Foundation

/// The exit statuses of `capsim`, in one place.
///
/// CI scripts branch on them, so each has one meaning. The README's "Exit status" table and
/// `capsim --help` list the same.
///
/// Statuses 1 to 5 are capsim's own; 64 is `EX_USAGE` from sysexits(3), which
/// swift-argument-parser uses for every `ValidationError` and unknown flag; 130 and 143 are the
/// shell's 128 + SIGINT and 128 + SIGTERM.
enum ExitStatus {
  /// Everything worked (`--fail-on-slo` found no failed objective).
  static let success = ExitCode.success
  /// A scenario or topology has errors, or a command failed for a reason not listed below;
  /// for `capsim check`, also a target or a regression failed; for `capsim autoscaler lint`, a
  /// finding.
  static let failure = ExitCode.failure
  /// `capsim check`: some row could not be decided within the budget.
  static let undecided = ExitCode(2)
  /// `capsim run --fail-on-slo`: a service level objective failed, or none was judged (no
  /// request measured); `capsim plan`: some period
  /// has no instance count that meets every objective; `capsim autoscale`: some territory has
  /// no rule that held, or it did not hold on the held-out seeds.
  static let objectiveFailed = ExitCode(3)
  /// A RUN argument names no run in the database (or `latest` finds no complete one, or the
  /// run to report is not complete); likewise a SWEEP or PLAN argument.
  static let noSuchRun = ExitCode(4)
  /// The results database cannot be used.
  ///
  /// It is not a capsim database, or a newer capsim wrote it, or it cannot be opened or written
  /// (disk full, read-only, locked too long). A run's results, or a plan, are printed all the
  /// same.
  static let databaseUnusable = ExitCode(5)
  /// A usage error: an unknown command or flag, a bad flag value, a missing argument.
  static let usage = ExitCode.validationFailure
  /// Ctrl-C (SIGINT) during a run; the run is marked interrupted.
  static let interrupted = ExitCode(130)
  /// SIGTERM during a run; the run is marked interrupted.
  static let terminated = ExitCode(143)

  /// The table in `capsim --help`.
  static let summary = """
    Exit status:
      0    success
      1    a file has errors, or the command failed; check: a target or regression failed;
           autoscaler lint: a finding
      2    check: could not decide within the budget (more replications needed)
      3    --fail-on-slo: a service level objective failed (or none was judged); plan: a
           period no count meets, or the counts overrun a shared database node together;
           autoscale: a territory without a rule that held
      4    no such run, sweep, plan or derivation (unknown id, or none complete for 'latest')
      5    the results database is unusable (not capsim's, disk full, read-only)
      64   usage error (unknown command or flag, bad value, missing argument)
      130  interrupted by Ctrl-C (SIGINT); the run, sweep, plan or derivation is marked
           interrupted
      143  terminated by SIGTERM, as for 130
    """
}

/// Prints `capsim: error: message` on stderr and returns `status`, for the caller to throw.
func fail(_ message: String, status: ExitCode) -> ExitCode {
  printToStandardError("capsim: error: \(message)")
  return status
}

/// What went wrong with a file, in words (`cannot write x/y: not a directory`), not
/// Foundation's "The operation could not be completed".
func fileReason(_ error: any Error) -> String {
  Capsim.fileError(error) ?? error.localizedDescription
}

/// Why `writeFile` could not write `path` (a file; `folder`: a report folder), found before
/// any work is done: the path is a folder (a file), or a file (a report folder); its nearest
/// folder that exists is a file, or cannot be written. Nil when a file could be made there.
///
/// Writability is tried, not read from permission bits: root passes `access(2)` everywhere,
/// yet cannot create files in /proc or on a read-only mount.
func outputProblem(_ path: String, folder wantsFolder: Bool = false) -> String? {
  var isFolder: ObjCBool = false
  var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
    if isFolder.boolValue && !wantsFolder { return "\(path) is a folder, not a file" }
    if !isFolder.boolValue && wantsFolder { return "\(path) is a file, not a folder" }
    if wantsFolder { folder = URL(fileURLWithPath: path) }  // its files go in there
  }
  while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && folder.path != "/" {
    folder = folder.deletingLastPathComponent()
  }
  if !isFolder.boolValue { return "\(folder.path) is a file, not a folder" }
  let probe = folder.appendingPathComponent(".capsim-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
  let fd = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
  guard fd >= 0 else { return "the folder \(folder.path) cannot be written (\(String(cString: strerror(errno))))" }
  close(fd)
  unlink(probe)
  return nil
}

/// The first path named by two of `outputs` (flag and path), as a usage error's text: the
/// second write would silently replace the first.
func sameOutputTwice(_ outputs: [(flag: String, path: String?)]) -> String? {
  var seen: [String: String] = [:]
  for (flag, path) in outputs {
    guard let path else { continue }
    let key = URL(fileURLWithPath: path).standardizedFileURL.path
    if let other = seen[key] { return "\(other) and \(flag) name the same file \(path): give each its own" }
    seen[key] = flag
  }
  return nil
}

/// Writes `data` to `path` in one step (a reader never sees half a file), making its folder
/// first, as `--report` does.
func writeFile(_ data: Data, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try data.write(to: url, options: .atomic)
}
