import Foundation

/// Kubernetes resource quantities (`500m`, `1.5`, `2k`, `1Gi`, `1e3`) as exact milli-units.
///
/// Upstream compares milli-values (`resource.Quantity.MilliValue()`, which rounds up), so
/// parsing through `Double` would turn `0.1` into 101m; the digits are kept as integers.
package enum KubernetesQuantity {
  /// The quantity in thousandths (`500m` is 500, `2` is 2000), rounded up as `MilliValue()`
  /// does; nil when the text is not a quantity or does not fit 64 bits.
  package static func milli(_ text: String) -> Int64? {
    var scalars = Substring(text)
    var negative = false
    if let sign = scalars.first, sign == "+" || sign == "-" {
      negative = sign == "-"
      scalars = scalars.dropFirst()
    }
    let digits = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, digits != "." else { return nil }
    let suffix = scalars.dropFirst(digits.count)
    guard let (decimalExponent, binaryExponent) = exponents(suffix) else { return nil }
    // mantissa x 10^scale, with the fraction's digits moved into the mantissa
    var mantissa: Int64 = 0
    var scale = decimalExponent + 3
    var seenPoint = false
    for c in digits {
      if c == "." {
        seenPoint = true
        continue
      }
      let (times, o1) = mantissa.multipliedReportingOverflow(by: 10)
      let (plus, o2) = times.addingReportingOverflow(Int64(c.wholeNumberValue!))
      if o1 || o2 {
        // more digits than 64 bits hold: drop the rest of the integer part's precision
        guard seenPoint else { return nil }
        break
      }
      mantissa = plus
      if seenPoint { scale -= 1 }
    }
    var value = mantissa
    for _ in 0..<binaryExponent {
      let (v, overflow) = value.multipliedReportingOverflow(by: 2)
      if overflow { return nil }
      value = v
    }
    if scale >= 0 {
      for _ in 0..<scale {
        let (v, overflow) = value.multipliedReportingOverflow(by: 10)
        if overflow { return value == 0 ? 0 : nil }
        value = v
      }
    } else {
      var divisor: Int64 = 1
      for _ in 0..<(-scale) {
        let (d, overflow) = divisor.multipliedReportingOverflow(by: 10)
        if overflow { return value == 0 ? 0 : (negative ? 0 : 1) }
        divisor = d
      }
      // MilliValue rounds away from zero (ceiling of the magnitude)
      value = value / divisor + (value % divisor == 0 ? 0 : 1)
    }
    return negative ? -value : value
  }

  /// The quantity as a float, as upstream's `AsApproximateFloat64()` gives it where it needs
  /// more than thousandths (the per-HPA `tolerance`: 0.0005 stays 0.0005, not 1m); nil when
  /// `milli(_:)` refuses the text.
  package static func approximate(_ text: String) -> Double? {
    guard milli(text) != nil else { return nil }
    var body = Substring(text)
    var sign = 1.0
    if let first = body.first, first == "+" || first == "-" {
      sign = first == "-" ? -1 : 1
      body = body.dropFirst()
    }
    let digits = body.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    guard let mantissa = Double(digits), let (decimal, binary) = exponents(body.dropFirst(digits.count)) else {
      return nil
    }
    return sign * mantissa * pow(10, Double(decimal)) * pow(2, Double(binary))
  }

  /// A quantity's suffix as powers of 10 and of 2: `m` is (-3, 0), `Ki` (0, 10), `e3` (3, 0);
  /// nil for anything else.
  private static func exponents(_ suffix: Substring) -> (decimal: Int, binary: Int)? {
    switch suffix {
    case "": return (0, 0)
    case "n": return (-9, 0)
    case "u": return (-6, 0)
    case "m": return (-3, 0)
    case "k": return (3, 0)
    case "M": return (6, 0)
    case "G": return (9, 0)
    case "T": return (12, 0)
    case "P": return (15, 0)
    case "E": return (18, 0)
    case "Ki": return (0, 10)
    case "Mi": return (0, 20)
    case "Gi": return (0, 30)
    case "Ti": return (0, 40)
    case "Pi": return (0, 50)
    case "Ei": return (0, 60)
    default:
      guard let e = suffix.first, e == "e" || e == "E", let exponent = Int(suffix.dropFirst()), abs(exponent) <= 40
      else { return nil }
      return (exponent, 0)
    }
  }

  /// Milli-units of a decimal number, rounded up like `MilliValue()` of a parsed float.
  package static func milli(_ value: Double) -> Int64 {
    guard value.isFinite, value > 0 else { return 0 }
    let scaled = (value * 1000 - 1e-9).rounded(.up)
    return scaled >= 9.2e18 ? Int64.max : Int64(scaled)
  }

  /// `1500` milli as `1.5`, `500` as `500m`: how kubectl would print it.
  package static func text(milli: Int64) -> String {
    if milli % 1000 == 0 { return String(milli / 1000) }
    return "\(milli)m"
  }
}
