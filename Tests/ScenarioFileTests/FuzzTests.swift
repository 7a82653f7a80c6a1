import Foundation
import Testing

import ScenarioFile
import _TestSupport

/// The shared seeded generator, under the name these tests use.
typealias FuzzRandom = SplitMix64

/// Property-style tests: no input crashes the reader, and every diagnostic points into the file.
@Suite struct FuzzTests {
  static let baseSeed: UInt64 =
    ProcessInfo.processInfo.environment["CAPSIM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_CAFE
  static let cases = ProcessInfo.processInfo.environment["CAPSIM_FUZZ_CASES"].flatMap { Int($0) } ?? 1_500

  static let seedDocument = """
    name: shop
    seed: 7
    defaults: &d {servers: 2, service: {distribution: exponential, mean: 200ms}}
    stations:
      web:
        <<: *d
        policy: round-robin
        weight: 0.5
      "db.main":
        servers: infinite
        service:
          distribution: deterministic
          mean: 1.5s
    arrivals:
      - station: web
        rate: 30/s
      - {station: db.main, rate: 1800/min}
    notes: |
      free text
    """

  static let fragments = [
    "a", "web", "servers", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "[", "]", "{", "}", ",", "\"", "'", "&x ",
    "*x",
    "&y ", "*y", "<<: ", "!!str ", "!foo ", "!!int ", "#", "# c\n", "\t", "---\n", "...\n", "? ", "|", ">",
    "%YAML 1.2\n",
    "200ms", "30/s", "1e3", "-1", ".inf", "~", "null", "true", "yes", "\u{0}", "\u{1}", "\u{FEFF}", "é", "🙂", "\r\n",
    "\r", "\u{85}", "\u{2028}", "\\", "\\x", "%", "@", "`", "=", "\u{E000}", "\u{FFFD}", "0x1F",
  ]

  @Test func randomAndMutatedInputsNeverCrash() {
    // Printed up front so that even a crash leaves the seed to reproduce it with.
    print("fuzz: CAPSIM_FUZZ_SEED=\(Self.baseSeed) CAPSIM_FUZZ_CASES=\(Self.cases)")
    for index in 0..<Self.cases {
      let seed = Self.baseSeed &+ UInt64(index)
      var rng = FuzzRandom(seed: seed)
      let input = index.isMultiple(of: 2) ? Self.mutated(Self.seedDocument, &rng) : Self.random(&rng)
      Self.check(input, seed: seed)
    }
  }

  @Test func mutatedFilesOnDiskNeverCrash() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "capsim-fuzz-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for index in 0..<100 {
      let seed = Self.baseSeed &+ 1_000_000 &+ UInt64(index)
      var rng = FuzzRandom(seed: seed)
      var bytes = Array(Self.seedDocument.utf8)
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[at] = UInt8.random(in: 0...255, using: &rng)
      }
      let path = dir.appendingPathComponent("f\(index).yaml").path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let log = DiagnosticLog()
      if let root = YAMLDocument(path: path, log: log).root { Self.exercise(root, depth: 0, budget: 2_000) }
      Self.verify(log, input: String(decoding: bytes, as: UTF8.self), seed: seed)
    }
  }

  static func random(_ rng: inout FuzzRandom) -> String {
    var s = ""
    for _ in 0..<Int.random(in: 0...60, using: &rng) {
      s += fragments.randomElement(using: &rng)!
    }
    return s
  }

  static func mutated(_ base: String, _ rng: inout FuzzRandom) -> String {
    var scalars = Array(base.unicodeScalars)
    for _ in 0..<Int.random(in: 1...5, using: &rng) {
      let at = Int.random(in: 0...scalars.count, using: &rng)
      switch Int.random(in: 0..<5, using: &rng) {
      case 0 where at < scalars.count: scalars.remove(at: at)
      case 1: scalars.insert(contentsOf: fragments.randomElement(using: &rng)!.unicodeScalars, at: at)
      case 2:
        let length = Int.random(in: 0...20, using: &rng)
        let end = min(scalars.count, at + length)
        scalars.insert(contentsOf: scalars[at..<end], at: at)  // duplicates lines and keys
      case 3: scalars.insert(Unicode.Scalar(UInt8.random(in: 0...127, using: &rng)), at: at)
      default:
        if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) { scalars.insert(scalar, at: at) }
      }
    }
    return String(String.UnicodeScalarView(scalars))
  }

  static func check(_ input: String, seed: UInt64) {
    let log = DiagnosticLog()
    if let root = YAMLDocument(text: input, file: "fuzz.yaml", log: log).root {
      exercise(root, depth: 0, budget: 2_000)
    }
    verify(log, input: input, seed: seed)
  }

  static func verify(_ log: DiagnosticLog, input: String, seed: UInt64) {
    for diagnostic in log.diagnostics {
      let lines = SourceText(log.sources[diagnostic.file] ?? "")
      let valid =
        diagnostic.line >= 1 && diagnostic.column >= 1 && diagnostic.line <= max(1, lines.lineCount)
        && diagnostic.column <= lines.scalarCount(ofLine: diagnostic.line) + 1 && !diagnostic.message.isEmpty
      if !valid {
        Issue.record(
          "seed \(seed) (CAPSIM_FUZZ_SEED=\(seed)): bad position \(diagnostic) for input \(input.debugDescription)")
      }
      _ = diagnostic.rendered(source: log.sources[diagnostic.file])
    }
  }

  /// Calls every reader on every node it can reach, within a budget (aliases can fan out).
  static func exercise(_ node: ConfigNode, depth: Int, budget: Int) {
    guard depth < 40, budget > 0 else { return }
    _ = node.string()
    _ = node.int(in: 0...100)
    _ = node.double(in: 0...1)
    _ = node.bool()
    _ = node.duration(positive: true)
    _ = node.rate()
    _ = node.oneOf(["web", "db", "fifo"])
    _ = node.isNull
    _ = node.isScalar("infinite")
    _ = node.kindDescription
    if let mapping = node.mapping(allowedKeys: ["name", "servers", "stations", "web", "a"]) {
      _ = mapping.required("servers")
      _ = mapping["name"]
    }
    var remaining = budget
    for entry in node.openMapping() ?? [] {
      remaining /= 2
      exercise(entry.value, depth: depth + 1, budget: remaining)
    }
    for item in node.sequence() ?? [] {
      remaining /= 2
      exercise(item, depth: depth + 1, budget: remaining)
    }
  }
}
