/// The points of a sweep: every combination of the values of its axes.
///
/// An axis is a key path (any key `--set` takes) and its values, written as
/// `KEY=VALUES` where VALUES is a comma-separated list whose items are values or ranges:
///
/// - `1,2,4`: the values as written;
/// - `2..10`: integers from 2 to 10;
/// - `0.5..2.0/0.25`: from 0.5 to at most 2.0 in steps of 0.25, in exact decimals (no
///   0.30000000000000004), with trailing zeros dropped (`0.5, 0.75, 1, 1.25, ...`);
/// - `100ms..300ms/50ms`: the same with a unit, the same on every part.
///
/// Points are in nested-loop order: the first axis changes slowest. A point's settings are
/// `KEY=VALUE` per axis, in the order the axes were given.
package struct Grid: Sendable, Hashable {
  package struct Axis: Sendable, Hashable {
    package var key: String
    package var values: [String]

    package init(key: String, values: [String]) {
      self.key = key
      self.values = values
    }
  }

  /// The most values an axis may have, and the most points a grid may have.
  package static let maximumValues = 10_000
  package static let maximumPoints = 100_000

  package var axes: [Axis]

  package init(axes: [Axis]) { self.axes = axes }

  /// Parses `KEY=VALUES` specifications, one per axis.
  package init(parsing specs: [String]) throws(GridError) {
    var axes: [Axis] = []
    for spec in specs {
      let axis = try Self.axis(spec)
      if axes.contains(where: { $0.key == axis.key }) { throw .duplicateKey(axis.key) }
      axes.append(axis)
    }
    var count = 1
    for axis in axes {
      count *= axis.values.count  // at most 100,000 x 10,000: no overflow
      if count > Self.maximumPoints { throw .tooManyPoints(axes.map(\.values.count)) }
    }
    self.axes = axes
  }

  /// The number of points: the product of the axes' value counts (1 with no axis).
  package var count: Int { axes.reduce(1) { $0 * $1.values.count } }

  /// The value of each axis at point `index`.
  package func values(at index: Int) -> [String] {
    precondition(index >= 0 && index < count, "point \(index) is outside the grid of \(count)")
    var rest = index
    var out = Array(repeating: "", count: axes.count)
    for a in axes.indices.reversed() {
      let n = axes[a].values.count
      out[a] = axes[a].values[rest % n]
      rest /= n
    }
    return out
  }

  /// `KEY=VALUE` per axis at point `index`: what `--set` would take.
  package func settings(at index: Int) -> [String] {
    zip(axes, values(at: index)).map { "\($0.key)=\($1)" }
  }

  // MARK: Parsing

  static func axis(_ spec: String) throws(GridError) -> Axis {
    guard let equals = spec.firstIndex(of: "=") else { throw .missingEquals(spec) }
    let key = spec[..<equals].trimmingSpaces
    let text = spec[spec.index(after: equals)...]
    // Spaces inside are a name's (`territories.Sydney AU.app.instances`), as `--set` takes them.
    guard !key.isEmpty else { throw .badKey(spec) }
    var values: [String] = []
    // A value is the same as another by number (`1` and `1.0`, `5ms` and `5.00ms`), not by text.
    var seen: Set<String> = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let part = item.trimmingSpaces
      guard !part.isEmpty else { throw .emptyValue(spec) }
      let expanded = part.contains("..") ? try range(part, spec: spec) : [part]
      for value in expanded {
        guard seen.insert(_Decimal(value)?.description ?? value).inserted else {
          throw .repeatedValue(spec, value)
        }
        values.append(value)
        if values.count > maximumValues { throw .tooManyValues(spec) }
      }
    }
    return Axis(key: key, values: values)
  }

  /// `A..B` (integers) or `A..B/S`, each part a decimal with an optional unit.
  static func range(_ part: String, spec: String) throws(GridError) -> [String] {
    let ends = part.components(separatedBy: "..")
    guard ends.count == 2 else { throw .badRange(spec, part) }
    let right = ends[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let start = _Decimal(ends[0]) else { throw .badNumber(spec, ends[0]) }
    guard let end = _Decimal(String(right[0])) else { throw .badNumber(spec, String(right[0])) }
    var step = _Decimal(mantissa: 1, scale: 0, unit: start.unit)
    if right.count == 2 {
      guard let s = _Decimal(String(right[1])) else { throw .badNumber(spec, String(right[1])) }
      step = s
    } else if start.scale > 0 || end.scale > 0 {
      throw .decimalRangeWithoutStep(spec, part)
    }
    guard start.unit == end.unit, step.unit == start.unit else { throw .unitsDiffer(spec, part) }
    let scale = max(start.scale, end.scale, step.scale)
    guard let a = start.mantissa(atScale: scale), let b = end.mantissa(atScale: scale),
      let s = step.mantissa(atScale: scale)
    else { throw .tooManyValues(spec) }
    guard s > 0 else { throw .stepNotPositive(spec, part) }
    guard b >= a else { throw .emptyRange(spec, part) }
    let (span, overflow) = b.subtractingReportingOverflow(a)
    guard !overflow, span / s < maximumValues else { throw .tooManyValues(spec) }
    return (0...(span / s)).map { k in
      _Decimal(mantissa: a + Int64(k) * s, scale: scale, unit: start.unit).description
    }
  }
}

/// What is wrong with a `--vary` specification; each names the part at fault.
package enum GridError: Error, Equatable, CustomStringConvertible {
  case missingEquals(String)
  case badKey(String)
  case emptyValue(String)
  case repeatedValue(String, String)
  case badRange(String, String)
  case badNumber(String, String)
  case decimalRangeWithoutStep(String, String)
  case unitsDiffer(String, String)
  case stepNotPositive(String, String)
  case emptyRange(String, String)
  case tooManyValues(String)
  case duplicateKey(String)
  case tooManyPoints([Int])

  package var description: String {
    switch self {
    case .missingEquals(let spec):
      "'\(spec)' is not KEY=VALUES (such as territories.DE.app.instances=2..6 or demand.DE.growth=1,1.5,2)"
    case .badKey(let spec):
      "'\(spec)': there is no key before '='"
    case .emptyValue(let spec):
      "'\(spec)': an empty value in the list (two commas, or a comma at an end)"
    case .repeatedValue(let spec, let value):
      "'\(spec)': the value \(value) appears twice"
    case .badRange(let spec, let part):
      "'\(spec)': '\(part)' is not a range; ranges are A..B or A..B/STEP"
    case .badNumber(let spec, let part):
      "'\(spec)': '\(part)' is not a number (a decimal such as 2, 0.25 or -1.5, with an optional unit such as 100ms)"
    case .decimalRangeWithoutStep(let spec, let part):
      "'\(spec)': the range '\(part)' has decimals, so it needs a step, such as \(part)/0.25"
    case .unitsDiffer(let spec, let part):
      "'\(spec)': the parts of '\(part)' must have the same unit (or none)"
    case .stepNotPositive(let spec, let part):
      "'\(spec)': the step of '\(part)' must be greater than 0"
    case .emptyRange(let spec, let part):
      "'\(spec)': the range '\(part)' ends below its start"
    case .tooManyValues(let spec):
      "'\(spec)': more than \(Grid.maximumValues) values"
    case .duplicateKey(let key):
      "the key \(key) is varied twice; give all its values in one --vary"
    case .tooManyPoints(let counts):
      "the grid has \(counts.map(String.init).joined(separator: " x ")) points, more than \(Grid.maximumPoints)"
    }
  }
}

/// A decimal number as written, exact: `mantissa x 10^-scale`, with a unit after it.
struct _Decimal: CustomStringConvertible {
  var mantissa: Int64
  var scale: Int
  var unit: String

  init(mantissa: Int64, scale: Int, unit: String) {
    self.mantissa = mantissa
    self.scale = scale
    self.unit = unit
  }

  /// Reads `-12.50ms`: a sign, digits with at most one point, then letters, µ or %.
  init?(_ text: String) {
    let s = text.trimmingSpaces
    var digits = ""
    var scale = 0
    var whole = 0
    var seenPoint = false
    var rest = Substring(s)
    var negative = false
    if let first = rest.first, first == "-" || first == "+" {
      negative = first == "-"
      rest = rest.dropFirst()
    }
    while let c = rest.first, c.isASCII, c.isNumber || (c == "." && !seenPoint) {
      if c == "." {
        seenPoint = true
      } else {
        digits.append(c)
        if seenPoint { scale += 1 } else { whole += 1 }
      }
      rest = rest.dropFirst()
    }
    guard whole > 0, !seenPoint || scale > 0, scale <= 18,
      rest.allSatisfy({ $0.isLetter || $0 == "%" }), var m = Int64(digits)
    else { return nil }
    if negative { m = -m }
    self.init(mantissa: m, scale: scale, unit: String(rest))
  }

  /// The mantissa at a larger scale (more decimals), nil if it does not fit.
  func mantissa(atScale target: Int) -> Int64? {
    var m = mantissa
    for _ in scale..<target {
      let (next, overflow) = m.multipliedReportingOverflow(by: 10)
      if overflow { return nil }
      m = next
    }
    return m
  }

  /// The shortest exact form: `1.25`, `1`, `-0.5`, then the unit.
  var description: String {
    var m = mantissa
    var scale = self.scale
    while scale > 0 && m % 10 == 0 {
      m /= 10
      scale -= 1
    }
    var digits = String(m.magnitude)
    if scale > 0 {
      if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
    }
    return (m < 0 ? "-" : "") + digits + unit
  }
}

extension StringProtocol {
  fileprivate var trimmingSpaces: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
