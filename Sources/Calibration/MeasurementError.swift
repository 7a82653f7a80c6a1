import Foundation

/// An input that cannot be read as the measurement it claims to be, and where.
///
/// Printed as `file:line:column: error: message`, like a scenario's diagnostics; line and column
/// are 1-based, 0 when the problem is with the file as a whole.
package struct MeasurementError: Error, Hashable, Sendable, CustomStringConvertible {
  package var file: String
  package var line: Int
  package var column: Int
  package var message: String

  package init(file: String, line: Int = 0, column: Int = 0, _ message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  package var description: String {
    line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
  }
}

/// Lines of a text file, numbered from 1, for parsers that report where they stopped.
struct NumberedLines: Sequence {
  let file: String
  let lines: [Substring]

  init(file: String, text: String) {
    self.file = file
    // Windows line ends are one Character, "\r\n", which a split on "\n" would not see.
    self.lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
  }

  func makeIterator() -> some IteratorProtocol<(number: Int, text: Substring)> {
    lines.enumerated().lazy.map { (number: $0.offset + 1, text: $0.element) }.makeIterator()
  }

  func error(_ line: Int, column: Int = 1, _ message: String) -> MeasurementError {
    MeasurementError(file: file, line: line, column: column, message)
  }
}

/// The text of a file that pgbench, psql or the measurement script wrote: UTF-8, which a byte
/// that is not (another encoding, a file spoiled or cut inside a character) would silently
/// become U+FFFD; refused at the line and column of the first such byte. A byte-order mark
/// (Windows tools and spreadsheets write one) is dropped: no reader should see it as text.
package func utf8Text(file: String, _ data: Data) throws(MeasurementError) -> String {
  // Windows PowerShell's `>` writes UTF-16 with its mark.
  if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
    throw MeasurementError(
      file: file, line: 1, column: 1,
      "not UTF-8 text: UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
  }
  // A NUL is valid UTF-8 but in no text file: UTF-16 without its mark has one in every ASCII
  // character, and would read as a summary without one known line.
  if let nul = data.firstIndex(of: 0) {
    let before = data[data.startIndex..<nul]
    let line = before.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let column = String(decoding: line.last ?? Data(), as: UTF8.self).count + 1
    throw MeasurementError(
      file: file, line: line.count, column: column, "not text: a NUL byte (UTF-16 without its byte-order mark?)")
  }
  if let text = String(validating: data, as: UTF8.self) {
    return text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
  }
  for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
  where String(validating: line, as: UTF8.self) == nil {
    let column = String(decoding: line, as: UTF8.self).prefix { $0 != "\u{FFFD}" }.count + 1
    throw MeasurementError(file: file, line: n + 1, column: column, "not UTF-8 text: a byte of another encoding")
  }
  throw MeasurementError(file: file, "not UTF-8 text")
}

/// `text` (a folder's or file's name) made safe in a YAML comment: a line break would end the
/// comment and put the rest of the name into the YAML, so control characters are written as
/// escapes (`\n`, `\u{7}`).
package func yamlComment(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case _
    where scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
      || scalar.properties.generalCategory == .paragraphSeparator:
      out += "\\u{\(String(scalar.value, radix: 16))}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}

/// A number written by pgbench, Prometheus or PostgreSQL: plain decimal or exponent notation.
func number<S: StringProtocol>(_ text: S) -> Double? {
  guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
  return value
}

/// The nearest-rank p-quantile of ascending `values` (the smallest value with at least a share p
/// of the values at or below it), or nil when there are none.
func nearestRank(_ values: [Double], _ p: Double) -> Double? {
  guard !values.isEmpty else { return nil }
  let rank = Int((p * Double(values.count)).rounded(.up))
  return values[min(max(rank, 1), values.count) - 1]
}

/// Where Foundation's JSON parser stopped in `data` when it threw `error`, and why: it says
/// "around character N", or nothing for a document cut short, whose end is the place.
package func jsonSyntaxError(_ error: any Error, in data: Data) -> (line: Int?, column: Int, reason: String) {
  let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
  let end = reason.localizedCaseInsensitiveContains("end of file") ? data.count : nil
  guard
    let offset = end ?? reason.firstMatch(of: /around (?:character|line \d+, column) (\d+)/).flatMap({ Int($0.1) })
  else { return (nil, 0, reason) }
  let before = data.prefix(offset)
  let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
  let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 - before.startIndex + 1 } ?? 0) + 1
  return (line, column, reason)
}

/// The JSON object `data` holds; a syntax error is placed at its line and column, and a document
/// of another kind is not an object; `kind` says what the object is (in parentheses after either
/// error).
func jsonObject(file: String, _ data: Data, kind: String) throws(MeasurementError) -> [String: Any] {
  guard let object = try jsonValue(file: file, data, kind: kind) as? [String: Any] else {
    throw MeasurementError(file: file, "not a JSON object (\(kind))")
  }
  return object
}

/// A JSON file's value, or an error at the line and column where its syntax breaks.
func jsonValue(file: String, _ data: Data, kind: String) throws(MeasurementError) -> Any {
  do {
    return try JSONSerialization.jsonObject(with: data)
  } catch {
    let syntax = jsonSyntaxError(error, in: data)
    throw MeasurementError(
      file: file, line: syntax.line ?? 0, column: syntax.column, "not valid JSON: \(syntax.reason) (\(kind))")
  }
}
