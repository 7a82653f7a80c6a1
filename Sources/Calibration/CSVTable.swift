import Foundation

/// A CSV file with a header row, as PostgreSQL's `COPY ... TO ... CSV HEADER` (and psql's
/// `\copy`) writes it: fields separated by commas, a field that holds a comma, a quote or a line
/// break is quoted with `"`, and a quote inside it is doubled (RFC 4180). A NULL is an empty
/// unquoted field. Every field keeps the line and column it starts at, so that a reader can say
/// where a value is wrong even when a quoted field before it spans lines (a query text does).
struct CSVTable {
  struct Field {
    var text: String
    var line: Int
    var column: Int
  }

  let file: String
  let header: [Field]
  let rows: [[Field]]

  /// - Throws: ``MeasurementError`` at a quote that is never closed, at text after a closing
  ///   quote, or at a row whose field count is not the header's.
  init(file: String, text: String) throws(MeasurementError) {
    self.file = file
    var records: [[Field]] = []
    var record: [Field] = []
    var field = ""
    var start = (line: 1, column: 1)
    var line = 1
    var column = 1
    var quoted = false
    var closed = false
    var fieldHasContent = false
    // A byte-order mark is gone already (``utf8Text``).
    var chars = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
    if chars.last != "\n" { chars.append("\n") }
    var i = 0
    func endField() {
      record.append(Field(text: field, line: start.line, column: start.column))
      field = ""
      closed = false
      fieldHasContent = false
    }
    /// A character outside quotes: separators, line ends, an opening quote, or field text.
    func unquoted(_ c: Character) throws(MeasurementError) {
      switch c {
      case ",":
        endField()
        start = (line, column + 1)
      case "\n":
        endField()
        // A blank line (one empty field) is no record.
        if !(record.count == 1 && record[0].text.isEmpty) { records.append(record) }
        record = []
        start = (line + 1, 1)
      case "\"" where !fieldHasContent && !closed:
        quoted = true
        fieldHasContent = true
      default:
        if closed {
          throw MeasurementError(
            file: file, line: line, column: column,
            "text after a closing quote (a quote inside a quoted field is doubled: \"\")")
        }
        field.append(c)
        fieldHasContent = true
      }
    }
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\"" {
          if i + 1 < chars.count, chars[i + 1] == "\"" {
            field.append("\"")
            i += 2
            column += 2
            continue
          }
          quoted = false
          closed = true
        } else {
          field.append(c)
        }
      } else {
        try unquoted(c)
      }
      if c == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
      i += 1
    }
    if quoted {
      throw MeasurementError(
        file: file, line: start.line, column: start.column, "a quoted field is never closed (a missing \")")
    }
    guard let header = records.first else {
      throw MeasurementError(file: file, "empty: expected a header row (COPY ... CSV HEADER)")
    }
    self.header = header
    self.rows = Array(records.dropFirst())
    for row in rows where row.count != header.count {
      throw MeasurementError(
        file: file, line: row[0].line, column: 1, "\(row.count) fields where the header has \(header.count)")
    }
  }

  /// The index of a column the reader needs; missing is an error at the header.
  func column(_ name: String, in what: String) throws(MeasurementError) -> Int {
    guard let i = header.firstIndex(where: { $0.text == name }) else {
      throw MeasurementError(
        file: file, line: 1, column: 1,
        "no column '\(name)' in the header (\(what)); found \(header.map(\.text).joined(separator: ", "))")
    }
    return i
  }

  /// A field as a number, else an error at the field naming its column.
  func number(_ row: [Field], _ column: Int) throws(MeasurementError) -> Double {
    let f = row[column]
    guard let v = decimal(f.text) else {
      throw MeasurementError(
        file: file, line: f.line, column: f.column, "\(header[column].text): expected a number, found '\(f.text)'")
    }
    return v
  }

  /// A field of a statistics view's counter, which grows from 0 until a reset: a number, not
  /// negative and below 2^63 (a bigint's range, so it also converts to `Int`), else an error at
  /// the field naming its column.
  func counter(_ row: [Field], _ column: Int) throws(MeasurementError) -> Double {
    let v = try number(row, column)
    let f = row[column]
    guard v >= 0 else {
      throw MeasurementError(
        file: file, line: f.line, column: f.column,
        "\(header[column].text): \(f.text) is negative: the view's counters grow from 0")
    }
    guard v < 0x1p63 else {
      throw MeasurementError(
        file: file, line: f.line, column: f.column,
        "\(header[column].text): \(f.text) is beyond a bigint (9223372036854775807): no counter of the view reaches it")
    }
    return v
  }
}

/// `number`, under a name the table's own `number` does not hide.
private func decimal(_ text: String) -> Double? { number(text) }
