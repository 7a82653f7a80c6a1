import Foundation
import RunRecords

/// The station table of a queueing-network run, read from the JSON `capsim run` printed and
/// recorded (`NetworkSummary`): the report shows what the run printed, nothing recomputed.
struct NetworkStations {
  struct Value: Decodable {
    var mean: Double
    var halfWidth: Double?

    enum CodingKeys: String, CodingKey {
      case mean
      case halfWidth = "half_width"
    }

    init(from decoder: Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      mean = try Self.number(c, .mean) ?? .nan
      halfWidth = try Self.number(c, .halfWidth)
    }

    /// A number, or the strings the encoder writes for one that is not finite.
    static func number(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Double? {
      if let x = try? c.decodeIfPresent(Double.self, forKey: key) { return x }
      switch try c.decodeIfPresent(String.self, forKey: key) {
      case "inf": return .infinity
      case "-inf": return -.infinity
      case nil: return nil
      default: return .nan
      }
    }
  }

  struct Station: Decodable {
    var name: String
    var servers: Int?
    var throughput_per_s: Value
    var utilization: Value?
    var wait_mean_s: Value
    var response_mean_s: Value
    var response_p95_s: Value
    var response_p99_s: Value
    var in_station_mean: Value
    var lost: Value
    var timed_out: Value
  }

  /// The end-to-end figures `capsim run` printed under its station table.
  struct EndToEnd: Decodable {
    var throughput_per_s: Value?
    var response_mean_s: Value?
    var response_p50_s: Value?
    var response_p95_s: Value?
    var response_p99_s: Value?
    var wait_mean_s: Value?
    var error_rate: Value?
    var unfinished: Value?
  }

  struct Document: Decodable {
    var stations: [Station]
    var end_to_end: EndToEnd?
  }

  static let columns = [
    "station", "servers", "throughput/s", "utilization", "mean wait", "mean response", "p95", "p99", "in station",
    "lost", "timed out",
  ]

  var stations: [Station]
  var endToEnd: EndToEnd?

  /// Nil when the run kept no summary, or it cannot be read.
  init?(_ summary: NetworkSummary?) {
    guard let summary,
      let document = try? JSONDecoder().decode(Document.self, from: Data(summary.json.utf8))
    else { return nil }
    stations = document.stations
    endToEnd = document.end_to_end
  }

  /// The end-to-end rows: what `capsim run` printed below its stations (the report had only
  /// the stations).
  func endToEndRows() -> [[String]] {
    guard let e = endToEnd else { return [] }
    let estimate = Self.estimate
    var rows = [
      ["throughput/s", estimate(e.throughput_per_s, Format.short)],
      ["mean response", estimate(e.response_mean_s, Format.milliseconds)],
      [
        "p50 / p95 / p99",
        [e.response_p50_s, e.response_p95_s, e.response_p99_s].map { estimate($0, Format.milliseconds) }
          .joined(separator: " / "),
      ],
      ["mean wait", estimate(e.wait_mean_s, Format.milliseconds)],
      ["error rate (lost + timed out)", estimate(e.error_rate) { Format.percent($0) }],
    ]
    if let unfinished = e.unfinished, unfinished.mean > 0 {
      rows.append(["unfinished at drain limit (mean)", Format.grouped(unfinished.mean)])
    }
    return rows
  }

  /// A mean with its 95% half-width where there is one; '-' for none.
  static func estimate(_ v: Value?, _ format: (Double) -> String) -> String {
    guard let v, v.mean.isFinite else { return "-" }
    guard let h = v.halfWidth, h.isFinite, h > 0 else { return format(v.mean) }
    return "\(format(v.mean)) ± \(format(h))"
  }

  /// One row per station: means over replications, with the 95% half-width where there is one.
  func rows() -> [[String]] {
    let estimate = Self.estimate
    let number = Format.short
    return stations.map { s in
      [
        s.name, s.servers.map(String.init) ?? "inf", estimate(s.throughput_per_s, number),
        s.utilization.map { estimate($0) { Format.percent($0) } } ?? "-",
        estimate(s.wait_mean_s, Format.milliseconds), estimate(s.response_mean_s, Format.milliseconds),
        estimate(s.response_p95_s, Format.milliseconds), estimate(s.response_p99_s, Format.milliseconds),
        estimate(s.in_station_mean, number), Format.grouped(s.lost.mean), Format.grouped(s.timed_out.mean),
      ]
    }
  }

  static let note =
    "Means over replications ± the 95% confidence half-width, as capsim run printed them; lost and timed out are per replication."

  func html() -> String {
    let end = endToEndRows()
    return "<p class=\"muted\">\(HTML.escape(Self.note))</p>\n"
      + HTML.table(
        Self.columns, rows().map { r in r.enumerated().map { i, t in i == 0 ? HTML.name(t) : HTML.escape(t) } },
        numeric: Set(1..<Self.columns.count))
      + (end.isEmpty
        ? "" : HTML.table(["end to end", "value"], end.map { $0.map(HTML.escape) }, numeric: [1]))
  }

  func markdown() -> String {
    let end = endToEndRows()
    return Self.note + "\n\n" + Markdown.table(Self.columns, rows().map { $0.map(Markdown.escape) })
      + (end.isEmpty ? "" : "\n" + Markdown.table(["end to end", "value"], end.map { $0.map(Markdown.escape) }))
  }
}
