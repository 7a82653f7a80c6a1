import Foundation

/// Why there is nothing to read at `path`, where `FileManager.fileExists` said no.
///
/// `fileExists` says no alike for a missing file and for a symbolic link that loops
/// (`ln -s a b; ln -s b a`); stat(2) tells them apart (ELOOP), and "no such file" would send
/// the reader looking for a file that is there.
/// - Parameter missing: what to say when nothing is there.
package func missingFileReason(_ path: String, missing: String = "no such file") -> String {
  var info = stat()
  guard stat(path, &info) != 0, errno == ELOOP else { return missing }
  return "the symbolic link loops (too many levels of symbolic links)"
}
