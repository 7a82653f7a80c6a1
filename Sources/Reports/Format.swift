import Foundation

/// Numbers as people read them in a report: fixed decimals, thousands grouped, units spelled out.
///
/// Always the POSIX decimal point, so that a report reads the same on every machine.
enum Format {
  /// `x` with `decimals` digits after the point and commas between thousands ("12,345.6").
  static func grouped(_ x: Double, decimals: Int = 0) -> String {
    guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
    let text = String(format: "%.\(decimals)f", abs(x))
    let parts = text.split(separator: ".", maxSplits: 1)
    var integer = Array(parts[0])
    var i = integer.count - 3
    while i > 0 {
      integer.insert(",", at: i)
      i -= 3
    }
    let sign = x < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "−" : ""
    return sign + String(integer) + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// About three significant digits, without grouping noise for small values ("0.0123", "4.56", "789").
  static func short(_ x: Double) -> String {
    guard x.isFinite else { return grouped(x) }
    let a = abs(x)
    if a == 0 { return "0" }
    if x == x.rounded() && a < 1e15 { return grouped(x, decimals: 0) }
    if a >= 100 { return grouped(x, decimals: 0) }
    if a >= 10 { return grouped(x, decimals: 1) }
    if a >= 1 { return grouped(x, decimals: 2) }
    let decimals = min(6, Int(-floor(log10(a))) + 2)
    return grouped(x, decimals: decimals)
  }

  /// Seconds as milliseconds ("231 ms", "12.4 ms"); below 10 µs, a change between two runs most
  /// often, in microseconds ("0.900 µs" where "0.000900 ms" would hide the number in zeros).
  static func milliseconds(_ seconds: Double) -> String {
    let ms = seconds * 1_000
    guard ms.isFinite, ms != 0, abs(ms) < 0.01 else { return short(ms) + " ms" }
    return short(seconds * 1_000_000) + " µs"
  }

  /// A duration in ms below a second, in s up to two minutes, then as `length` says it
  /// ("850 ms", "2.40 s", "6 h").
  static func duration(_ seconds: Double) -> String {
    abs(seconds) < 1 ? milliseconds(seconds) : abs(seconds) < 120 ? short(seconds) + " s" : length(seconds: seconds)
  }

  /// A fraction as a percentage with `decimals` digits ("1.25 %").
  static func percent(_ fraction: Double, decimals: Int = 1) -> String {
    grouped(fraction * 100, decimals: decimals) + " %"
  }

  /// A money amount with its currency ("EUR 12,345.67").
  static func money(_ amount: Double, _ currency: String) -> String {
    currency + " " + grouped(amount, decimals: 2)
  }

  /// A span of simulated time in the largest unit that keeps it readable ("7 days", "36 h").
  static func span(seconds: Double) -> String {
    let days = seconds / 86_400
    if days >= 2 { return short(days) + " days" }
    let hours = seconds / 3_600
    if hours >= 2 { return short(hours) + " h" }
    return short(seconds / 60) + " min"
  }

  /// How long something lasted, in the unit people would say ("50 s", "20 min", "4 h", "3 days").
  static func length(seconds: Double) -> String {
    if seconds < 120 { return short(seconds) + " s" }
    if seconds < 7_200 { return short(seconds / 60) + " min" }
    if seconds < 2 * 86_400 { return short(seconds / 3_600) + " h" }
    return short(seconds / 86_400) + " days"
  }

  /// A series window length ("hourly", "15 min").
  static func window(seconds: Double) -> String {
    switch seconds {
    case 3_600: "hourly"
    case 86_400: "daily"
    default: span(seconds: seconds)
    }
  }

  /// A wall-clock instant in UTC, ISO 8601 ("2026-05-04T10:15:00Z").
  static func instant(_ date: Date) -> String {
    date.formatted(.iso8601)
  }
}
