import Foundation
import SimKernel

/// A plain text table with right-aligned numbers.
struct TextTable {
  var columns: [String]
  var rows: [[String]] = []

  init(columns: [String]) { self.columns = columns }

  mutating func add(_ row: [String]) { rows.append(row) }

  func render() -> String {
    var widths = columns.map(\.count)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(columns), rule] + rows.map(line)).joined(separator: "\n")
  }
}

extension Double {
  /// 12345678 -> "12,345,678"
  var grouped: String {
    guard let whole = Int(rounding: self) else { return "\(self)" }  // "inf", "nan", "1e+19"
    let digits = String(whole)
    var out = ""
    for (i, ch) in digits.reversed().enumerated() {
      if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
      out.append(ch)
    }
    return String(out.reversed())
  }
}

/// Pretty JSON with sorted keys; the numbers JSON has no spelling for as the strings "inf",
/// "-inf" and "nan".
func prettyJSON(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}
