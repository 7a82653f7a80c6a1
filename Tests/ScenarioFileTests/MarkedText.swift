import Testing

import ScenarioFile

/// YAML text with emoji markers (`1️⃣`, `2️⃣`, ...) showing where diagnostics are expected.
///
/// The markers are removed; their positions are kept as 1-based line and column (in
/// Unicode scalars, as libyaml counts).
struct MarkedText {
  let text: String
  let markers: [String: (line: Int, column: Int)]

  init(_ marked: String) {
    var out = String.UnicodeScalarView()
    var markers: [String: (line: Int, column: Int)] = [:]
    let scalars = Array(marked.unicodeScalars)
    var line = 1
    var column = 1
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      if ("0"..."9").contains(c), i + 2 < scalars.count, scalars[i + 1] == "\u{FE0F}", scalars[i + 2] == "\u{20E3}" {
        markers[String(c) + "\u{FE0F}\u{20E3}"] = (line, column)
        i += 3
        continue
      }
      out.append(c)
      if c == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
      i += 1
    }
    text = String(out)
    self.markers = markers
  }
}

/// An expected diagnostic: at `marker`, with `keyPath`, message containing `message`.
struct ExpectedDiagnostic: CustomStringConvertible {
  var marker: String
  var keyPath: String
  var message: String

  init(_ marker: String, _ keyPath: String, _ message: String) {
    self.marker = marker
    self.keyPath = keyPath
    self.message = message
  }

  var description: String { "\(marker) \(keyPath): …\(message)…" }
}

/// Loads `marked` as `test.yaml`, runs `read` on the root, returns the log.
@discardableResult
func loadMarked(_ marked: String, file: String = "test.yaml", read: (ConfigNode) -> Void = { _ in }) -> (
  MarkedText, DiagnosticLog
) {
  let text = MarkedText(marked)
  let log = DiagnosticLog()
  if let root = YAMLDocument(text: text.text, file: file, log: log).root {
    read(root)
  }
  return (text, log)
}

/// Checks that reading `marked` yields exactly the `expected` diagnostics, in any order.
func expectDiagnostics(
  _ marked: String, _ expected: [ExpectedDiagnostic], sourceLocation: SourceLocation = #_sourceLocation,
  read: (ConfigNode) -> Void = { _ in }
) {
  let (text, log) = loadMarked(marked, read: read)
  var pool = log.diagnostics
  for want in expected {
    guard let position = text.markers[want.marker] else {
      Issue.record("marker \(want.marker) is not in the fixture", sourceLocation: sourceLocation)
      continue
    }
    if let hit = pool.firstIndex(where: {
      $0.line == position.line && $0.column == position.column && $0.keyPath == want.keyPath
        && $0.message.contains(want.message) && $0.file == "test.yaml"
    }) {
      pool.remove(at: hit)
    } else {
      let got = log.sortedDiagnostics.map(\.description).joined(separator: "\n")
      Issue.record(
        "missing diagnostic \(want) at \(position.line):\(position.column); got:\n\(got)", sourceLocation: sourceLocation)
    }
  }
  for extra in pool {
    Issue.record("unexpected diagnostic: \(extra)", sourceLocation: sourceLocation)
  }
}

/// A small topology schema, enough to exercise every reader the way real schema code will.
func readSampleTopology(_ root: ConfigNode) {
  guard let top = root.mapping(allowedKeys: ["name", "seed", "trace", "stations", "arrivals"]) else { return }
  _ = top["name"]?.string()
  _ = top["seed"]?.int(in: 0...Int.max)
  _ = top["trace"]?.bool()
  if let stations = top.required("stations")?.openMapping() {
    for station in stations {
      readSampleStation(station.value)
    }
  }
  for arrival in top["arrivals"]?.sequence() ?? [] {
    guard let fields = arrival.mapping(allowedKeys: ["station", "rate"]) else { continue }
    _ = fields.required("station")?.string()
    _ = fields.required("rate")?.rate(positive: true)
  }
}

func readSampleStation(_ node: ConfigNode) {
  guard let station = node.mapping(allowedKeys: ["servers", "service", "policy", "weight", "max_instances"])
  else { return }
  if let servers = station.required("servers"), !servers.isScalar("infinite") {
    _ = servers.int(in: 1...10_000)
  }
  if let service = station.required("service")?.mapping(allowedKeys: ["distribution", "mean"]) {
    _ = service.required("distribution")?.oneOf(["exponential", "deterministic", "lognormal"])
    _ = service.required("mean")?.duration(positive: true)
  }
  _ = station["policy"]?.oneOf(["fifo", "round-robin", "least-loaded"])
  _ = station["weight"]?.double(in: 0...1)
  _ = station["max_instances"]?.int(in: 1...Int.max)
}

@Suite struct MarkedTextTests {
  @Test func markersAreStrippedAndLocated() {
    let text = MarkedText("a: 1️⃣1\n  2️⃣b: é3️⃣x")
    #expect(text.text == "a: 1\n  b: éx")
    #expect(text.markers["1️⃣"]! == (1, 4))
    #expect(text.markers["2️⃣"]! == (2, 3))
    #expect(text.markers["3️⃣"]! == (2, 7))
  }
}
