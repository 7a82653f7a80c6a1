import Foundation

/// One loaded YAML file; every problem reading or parsing it goes to the log.
package struct YAMLDocument {
  /// The path as given.
  package let file: String
  /// The document's root, or nil when the file could not be read or parsed or is empty
  /// (the reason is in the log).
  package let root: ConfigNode?

  /// Reads and parses the file at `path`: an unreadable file, text that isn't UTF-8,
  /// an empty document or malformed YAML become diagnostics.
  /// The most a file may hold; reading stops past it (`/dev/zero` never ends).
  static let largest = 256 << 20

  /// The handle's bytes, up to one more than `largest`.
  static func read(_ handle: FileHandle) throws -> Data {
    var data = Data()
    while data.count <= largest, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      data.append(chunk)
    }
    return data
  }

  package init(path: String, log: DiagnosticLog) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      log.error(missingFileReason(path), file: path, line: 1, column: 1)
      self.init(file: path, root: nil)
      return
    }
    guard !isDirectory.boolValue else {
      log.error("is a directory, expected a YAML file", file: path, line: 1, column: 1)
      self.init(file: path, root: nil)
      return
    }
    // Through a file handle: `contents(atPath:)` gives nothing for a device or a pipe
    // (`/dev/null`, a shell's `<(...)`), which read fine.
    guard FileManager.default.isReadableFile(atPath: path) else {
      log.error("cannot read the file (check its permissions)", file: path, line: 1, column: 1)
      self.init(file: path, root: nil)
      return
    }
    guard let handle = FileHandle(forReadingAtPath: path), let data = try? Self.read(handle) else {
      log.error("cannot read the file", file: path, line: 1, column: 1)
      self.init(file: path, root: nil)
      return
    }
    guard data.count <= Self.largest else {
      log.error(
        "the file is larger than \(Self.largest >> 20) MB: no capsim file is (is it the file meant?)", file: path, line: 1,
        column: 1)
      self.init(file: path, root: nil)
      return
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      let lossy = String(decoding: data, as: UTF8.self)
      log.addSource(lossy, file: path)
      let (line, column, byte) = Self.firstInvalidUTF8(in: data)
      log.error(
        "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); save it as UTF-8",
        file: path, line: line, column: column)
      self.init(file: path, root: nil)
      return
    }
    self.init(text: text, file: path, log: log)
  }

  /// Parses `text` as if read from `file`. `rootKeyPath` prefixes every key path, for
  /// snippets that stand for part of a document (e.g. a command-line override).
  package init(text: String, file: String, log: DiagnosticLog, rootKeyPath: String = "") {
    // libyaml rejects a BOM in an already-decoded string, and editors don't count it as a column.
    let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    let composer = YAMLComposer(text: text)
    log.addSource(composer.text, file: file)
    for problem in composer.problems {
      log.error(problem.message, file: file, line: problem.line, column: problem.column)
    }
    let context = DocumentContext(
      file: file, log: log, source: composer.source, keyRestorations: composer.keyRestorations)
    self.init(file: file, root: composer.root.map { ConfigNode(root: $0, keyPath: rootKeyPath, context: context) })
  }

  private init(file: String, root: ConfigNode?) {
    self.file = file
    self.root = root
  }

  /// Line, column (in scalars) and value of the first byte that breaks UTF-8.
  private static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, byte: UInt8) {
    let bytes = [UInt8](data)
    var line = 1
    var column = 1
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      let width: Int
      switch b {
      case 0x00...0x7F: width = 1
      case 0xC2...0xDF: width = 2
      case 0xE0...0xEF: width = 3
      case 0xF0...0xF4: width = 4
      default: return (line, column, b)
      }
      let end = i + width
      guard end <= bytes.count,
        String(validating: bytes[i..<end], as: UTF8.self) != nil
      else { return (line, column, b) }
      if b == 0x0A {
        line += 1
        column = 1
      } else {
        column += 1
      }
      i = end
    }
    return (line, column, 0)
  }
}
