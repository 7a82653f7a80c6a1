/// The series capsim records for a pool that a KEDA `prometheus` trigger may query.
package enum CapsimMetric: String, Hashable, Sendable, CaseIterable {
  /// Completed requests per second (a gauge over the simulator's scrape window).
  case requestsPerSecond = "capsim_requests_per_second"
  /// 95th and 99th percentile response time in seconds (gauges).
  case latencyP95 = "capsim_latency_p95_seconds"
  case latencyP99 = "capsim_latency_p99_seconds"
  /// Completed requests (a counter; only inside `rate(...[window])`): what the app counts, so
  /// nothing at 0 pods.
  case requestsTotal = "capsim_requests_total"
  /// Requests that reached the pool's load balancer, failed ones included (a counter; only
  /// inside `rate(...[window])`): what an ingress controller counts, so a pool scaled to 0 can
  /// be woken by it.
  case ingressRequestsTotal = "capsim_ingress_requests_total"

  /// Whether it is a counter, read only through `rate()`.
  package var isCounter: Bool { self == .requestsTotal || self == .ingressRequestsTotal }
}

/// What a parsed query asks the simulator for: a capsim series, averaged over `window`
/// seconds when the query is a `rate()` of the request counter.
package struct CapsimSeries: Hashable, Sendable {
  package var metric: CapsimMetric
  /// `rate(capsim_requests_total[window])`: requests per second over the window.
  package var rateWindow: Double?
  /// The `deployment` label matcher, when the query has one.
  package var deployment: String?

  package init(metric: CapsimMetric, rateWindow: Double? = nil, deployment: String? = nil) {
    self.metric = metric
    self.rateWindow = rateWindow
    self.deployment = deployment
  }

  /// How values are keyed for this series (in `KEDAController` input and the dry-run file):
  /// `capsim_latency_p95_seconds`, or `rate(capsim_requests_total[60s])`.
  package var key: String {
    guard let rateWindow else { return metric.rawValue }
    return "rate(\(metric.rawValue)[\(Int(rateWindow))s])"
  }
}

/// The PromQL shapes capsim accepts in a KEDA `prometheus` trigger; everything else is
/// refused by name.
///
/// Accepted: `NAME`, `NAME{deployment="crm-de"}`, `rate(capsim_requests_total{...}[2m])`,
/// each optionally inside one `sum(...)`, `avg(...)`, `max(...)` or `min(...)` (capsim
/// records one series per pool, so these aggregations are the identity).
package enum PrometheusQuery {
  package struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
  }

  static let aggregations: Set<String> = ["sum", "avg", "max", "min"]
  static let gauges: [CapsimMetric] = [.requestsPerSecond, .latencyP95, .latencyP99]

  /// Names every series capsim offers, for messages.
  package static var offered: String {
    gauges.map(\.rawValue).joined(separator: ", ")
      + ", rate(capsim_requests_total[window]) and rate(capsim_ingress_requests_total[window])"
  }

  package static func parse(_ text: String) -> Result<CapsimSeries, Refusal> {
    var parser = Parser(tokens: tokenize(text))
    do {
      let series = try parser.query()
      return .success(series)
    } catch let refusal as Refusal {
      return .failure(refusal)
    } catch {
      return .failure(Refusal(message: "\(error)"))
    }
  }

  enum Token: Equatable {
    case name(String), string(String), number(String), symbol(String), unknown(String)

    var text: String {
      switch self {
      case .name(let s), .number(let s), .symbol(let s), .unknown(let s): s
      case .string(let s): "\"\(s)\""
      }
    }
  }

  static func tokenize(_ text: String) -> [Token] {
    var tokens: [Token] = []
    let chars = Array(text)
    var i = 0
    func isNameStart(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_" || c == ":") }
    while i < chars.count {
      let c = chars[i]
      if c.isWhitespace {
        i += 1
      } else if isNameStart(c) {
        var j = i
        while j < chars.count, isNameStart(chars[j]) || (chars[j].isASCII && chars[j].isNumber) { j += 1 }
        tokens.append(.name(String(chars[i..<j])))
        i = j
      } else if c.isASCII && c.isNumber {
        var j = i
        while j < chars.count, chars[j].isASCII && (chars[j].isLetter || chars[j].isNumber || chars[j] == ".") {
          j += 1
        }
        tokens.append(.number(String(chars[i..<j])))
        i = j
      } else if c == "\"" || c == "'" || c == "`" {
        var j = i + 1
        while j < chars.count, chars[j] != c { j += chars[j] == "\\" ? 2 : 1 }
        tokens.append(.string(String(chars[(i + 1)..<min(j, chars.count)])))
        i = j + 1
      } else {
        let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
        if ["==", "!=", ">=", "<=", "=~", "!~"].contains(two) {
          tokens.append(.symbol(two))
          i += 2
        } else if "(){}[],=".contains(c) {
          tokens.append(.symbol(String(c)))
          i += 1
        } else {
          tokens.append(.unknown(String(c)))
          i += 1
        }
      }
    }
    return tokens
  }

  struct Parser {
    var tokens: [Token]
    var index = 0

    var peek: Token? { index < tokens.count ? tokens[index] : nil }

    mutating func next() -> Token? {
      defer { index += 1 }
      return peek
    }

    func refuse(_ message: String) -> Refusal { Refusal(message: message) }

    mutating func expect(_ symbol: String, after what: String) throws {
      guard case .symbol(symbol)? = next() else {
        throw refuse("expected '\(symbol)' after \(what)")
      }
    }

    mutating func query() throws -> CapsimSeries {
      let series: CapsimSeries
      if case .name(let name)? = peek, PrometheusQuery.aggregations.contains(name) {
        index += 1
        if case .name(let word)? = peek, word == "by" || word == "without" {
          throw refuse("'\(name) \(word) (...)' is not supported: capsim records one series per pool")
        }
        try expect("(", after: name)
        series = try inner()
        try expect(")", after: "the argument of \(name)(")
        if case .name(let word)? = peek, word == "by" || word == "without" {
          throw refuse("'\(word) (...)' is not supported: capsim records one series per pool")
        }
      } else {
        series = try inner()
      }
      if let extra = peek { throw refuse(Self.describeLeftover(extra)) }
      return series
    }

    static func describeLeftover(_ token: Token) -> String {
      switch token {
      case .unknown(let op), .symbol(let op):
        "operator '\(op)' is not supported: capsim accepts a single series, rate() and one aggregation"
      case .name(let name) where ["and", "or", "unless", "offset", "bool", "on", "ignoring"].contains(name):
        "'\(name)' is not supported: capsim accepts a single series, rate() and one aggregation"
      default:
        "unexpected '\(token.text)' after the end of the query"
      }
    }

    mutating func inner() throws -> CapsimSeries {
      guard case .name(let name)? = next() else {
        throw refuse("expected a metric name or rate(...); capsim offers \(PrometheusQuery.offered)")
      }
      if case .symbol("(")? = peek {
        guard name == "rate" else {
          if PrometheusQuery.aggregations.contains(name) {
            throw refuse(
              "nested aggregation '\(name)(...)' is not supported: use one of sum, avg, max, min at most once")
          }
          throw refuse("function '\(name)' is not supported; capsim accepts rate() and one of sum, avg, max, min")
        }
        index += 1
        var series = try selector()
        guard series.metric.isCounter else {
          throw refuse(
            "rate() of \(series.metric.rawValue) is not supported: it is a gauge; rate() applies to capsim_requests_total and capsim_ingress_requests_total"
          )
        }
        guard case .symbol("[")? = next(), case .number(let duration)? = next(), case .symbol("]")? = next() else {
          throw refuse("rate() needs a range such as \(series.metric.rawValue)[1m]")
        }
        guard let seconds = Self.seconds(duration), seconds > 0 else {
          throw refuse("'\(duration)' is not a Prometheus duration such as 30s, 1m or 5m")
        }
        try expect(")", after: "the argument of rate(")
        series.rateWindow = seconds
        return series
      }
      index -= 1
      let series = try selector()
      if series.metric.isCounter {
        let name = series.metric.rawValue
        throw refuse(
          "\(name) is a counter: query rate(\(name)[1m])"
            + (series.metric == .requestsTotal ? " or capsim_requests_per_second" : ""))
      }
      if case .symbol("[")? = peek {
        throw refuse("a range selector is only supported inside rate()")
      }
      return series
    }

    mutating func selector() throws -> CapsimSeries {
      guard case .name(let name)? = next() else {
        throw refuse("expected a metric name; capsim offers \(PrometheusQuery.offered)")
      }
      guard let metric = CapsimMetric(rawValue: name) else {
        throw refuse("metric '\(name)' is not recorded by capsim; it offers \(PrometheusQuery.offered)")
      }
      var series = CapsimSeries(metric: metric)
      guard case .symbol("{")? = peek else { return series }
      index += 1
      while true {
        if case .symbol("}")? = peek {
          index += 1
          break
        }
        guard case .name(let label)? = next() else { throw refuse("expected a label name inside {...}") }
        guard case .symbol(let op)? = next() else { throw refuse("expected '=' after the label '\(label)'") }
        guard op == "=" else { throw refuse("label matcher '\(op)' is not supported: use \(label)=\"...\"") }
        guard case .string(let value)? = next() else {
          throw refuse("expected a quoted value for the label '\(label)'")
        }
        guard label == "deployment" else {
          throw refuse("label '\(label)' is not recorded by capsim: its series carry only the deployment label")
        }
        series.deployment = value
        if case .symbol(",")? = peek { index += 1 }
      }
      return series
    }

    /// `1h30m`, `90s`, `5m`, `500ms` in seconds.
    static func seconds(_ text: String) -> Double? {
      let units: [(String, Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800), ("y", 31_536_000),
      ]
      var rest = Substring(text)
      var total = 0.0
      while !rest.isEmpty {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Double(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
        rest = rest.dropFirst(unit.0.count)
        total += n * unit.1
      }
      return total
    }
  }
}
