import Foundation
import Testing
import _TestSupport

/// Mutated copies of every shipped scenario and topology through `capsim validate` and a short
/// `capsim run`, as a user would feed them: no crash, no hang, and a located error for every
/// file that is refused.
///
/// The corpus is fixed by a seed (`CAPSIM_FUZZ_FILES_SEED`, `CAPSIM_FUZZ_FILES` mutants, 2,000
/// by default); a failure names the mutant's seed and operators, and the mutant's text is
/// left in the printed folder.
@Suite struct FileFuzzTests {
  static let seed = ProcessInfo.processInfo.environment["CAPSIM_FUZZ_FILES_SEED"].flatMap { UInt64($0) } ?? 20_261_205
  static let count = ProcessInfo.processInfo.environment["CAPSIM_FUZZ_FILES"].flatMap { Int($0) } ?? 2_000
  /// Mutants run per `capsim validate` process.
  static let batch = 40
  /// Accepted mutants that are also run, at most (each a process of a fraction of a second).
  static let runs = ProcessInfo.processInfo.environment["CAPSIM_FUZZ_FILES_RUNS"].flatMap { Int($0) } ?? 60

  /// A shipped file and, for a topology, the first scenario that names it.
  struct Original {
    var relative: String
    var text: String
    var user: String?
  }

  struct Mutant {
    var index: Int
    var original: Original
    var operators: [String]
    var bytes: [UInt8]
    /// The mutated file and, for a topology, a copy of its scenario pointing at it.
    var path = ""
    var scenarioPath: String?
  }

  static func originals() throws -> [Original] {
    let fm = FileManager.default
    var texts: [String: String] = [:]
    for folder in ["scenarios", "topologies"] {
      for name in try fm.contentsOfDirectory(atPath: EndToEndTests.root.appendingPathComponent(folder).path)
      where name.hasSuffix(".yaml") {
        texts["\(folder)/\(name)"] = try String(
          contentsOf: EndToEndTests.root.appendingPathComponent("\(folder)/\(name)"), encoding: .utf8)
      }
    }
    return texts.keys.sorted().map { relative in
      let user =
        relative.hasPrefix("topologies/")
        ? texts.keys.sorted().first { $0.hasPrefix("scenarios/") && texts[$0]!.contains("../\(relative)\n") } : nil
      return Original(relative: relative, text: texts[relative]!, user: user)
    }
  }

  // MARK: Mutations

  static let hugeNumbers = ["1e308", "-1e308", "1e400", ".inf", "-.inf", ".nan", "99999999999999999999", "-0", "5e-324"]
  static let wrongUnits = ["parsecs", "S", "sec", "m", "MS", "/sec", "%%", "µ", "h/s", ""]

  /// Applies one to three operators, each chosen by `rng`.
  static func mutate(_ text: String, _ rng: inout SplitMix64) -> (bytes: [UInt8], operators: [String]) {
    var bytes = Array(text.utf8)
    var operators: [String] = []
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      let op = Int.random(in: 0..<12, using: &rng)
      switch op {
      case 0:
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
          bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        operators.append("byte flips")
      case 1, 2:
        let tokens = Self.tokens(bytes)
        guard let t = tokens.randomElement(using: &rng) else { continue }
        if op == 1 {
          bytes.removeSubrange(t)
          operators.append("deleted token")
        } else {
          bytes.insert(contentsOf: bytes[t], at: t.upperBound)
          operators.append("duplicated token")
        }
      case 3:
        let numbers = Self.tokens(bytes).filter { Double(String(decoding: bytes[$0], as: UTF8.self)) != nil }
        guard let t = numbers.randomElement(using: &rng) else { continue }
        bytes.replaceSubrange(t, with: Array(hugeNumbers.randomElement(using: &rng)!.utf8))
        operators.append("huge or non-finite number")
      case 4:
        let durations = Self.tokens(bytes).filter { Self.isQuantity(bytes[$0]) }
        guard let t = durations.randomElement(using: &rng) else { continue }
        bytes.insert(UInt8(ascii: "-"), at: t.lowerBound)
        operators.append("negative duration")
      case 5:
        let durations = Self.tokens(bytes).filter { Self.isQuantity(bytes[$0]) }
        guard let t = durations.randomElement(using: &rng) else { continue }
        let digits = bytes[t].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") }
        bytes.replaceSubrange(t, with: Array(digits) + Array(wrongUnits.randomElement(using: &rng)!.utf8))
        operators.append("wrong unit")
      case 6:
        let depth = Int.random(in: 100...20_000, using: &rng)
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        bytes = Self.insertValue(nested, into: bytes, &rng)
        operators.append("deep nesting")
      case 7:
        var bomb = "laughs0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
          bomb += "laughs\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        bytes = Array(bomb.utf8) + bytes
        operators.append("alias bomb")
      case 8:
        let at = Int.random(in: 0...bytes.count, using: &rng)
        bytes.insert(contentsOf: [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]].randomElement(using: &rng)!, at: at)
        operators.append("invalid UTF-8")
      case 9:
        bytes = [0xEF, 0xBB, 0xBF] + bytes
        operators.append("byte order mark")
      case 10:
        bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        operators.append("CRLF")
      default:
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        guard !lines.isEmpty else { continue }
        var copy = lines
        let i = Int.random(in: 0..<lines.count, using: &rng)
        if Bool.random(using: &rng) { copy.remove(at: i) } else { copy.insert(lines[i], at: i) }
        bytes = Array(copy.joined(separator: "\n").utf8)
        operators.append("deleted or duplicated line")
      }
    }
    return (bytes, operators)
  }

  /// Runs of letters, digits and `._-/µ`, or single other non-space bytes.
  static func tokens(_ bytes: [UInt8]) -> [Range<Int>] {
    func word(_ b: UInt8) -> Bool {
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80
        || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/")].contains(b)
    }
    var out: [Range<Int>] = []
    var i = 0
    while i < bytes.count {
      if bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
        i += 1
      } else if word(bytes[i]) {
        let start = i
        while i < bytes.count && word(bytes[i]) { i += 1 }
        out.append(start..<i)
      } else {
        out.append(i..<(i + 1))
        i += 1
      }
    }
    return out
  }

  /// A number followed by a unit: `200ms`, `30/s`.
  static func isQuantity(_ token: ArraySlice<UInt8>) -> Bool {
    guard let first = token.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
    return token.contains { ($0 >= 0x61 && $0 <= 0x7A) || $0 == UInt8(ascii: "/") } && token.count < 16
  }

  /// Puts `value` after the first `: ` of a random line.
  static func insertValue(_ value: String, into bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    let candidates = lines.indices.filter { lines[$0].contains(": ") }
    guard let i = candidates.randomElement(using: &rng), let colon = lines[i].range(of: ": ") else {
      return bytes + Array("x: \(value)\n".utf8)
    }
    lines[i] = String(lines[i][..<colon.upperBound]) + value
    return Array(lines.joined(separator: "\n").utf8)
  }

  // MARK: Running capsim

  struct Outcome {
    var status: Int32
    var signaled: Bool
    var timedOut: Bool
    var stdout: String
    var stderr: String
  }

  /// Runs `capsim` and kills it after `seconds`.
  static func capsim(_ arguments: [String], seconds: Double, in directory: URL) throws -> Outcome {
    let process = Process()
    process.executableURL = EndToEndTests.binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let timer = DispatchSource.makeTimerSource()
    let killed = Flag()
    timer.schedule(deadline: .now() + seconds)
    timer.setEventHandler {
      if process.isRunning {
        killed.set()
        kill(process.processIdentifier, SIGKILL)
      }
    }
    timer.resume()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    timer.cancel()
    return Outcome(
      status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal && !killed.value,
      timedOut: killed.value, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
  }

  final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    func set() { lock.withLock { isSet = true } }
    var value: Bool { lock.withLock { isSet } }
  }

  /// Splits `capsim validate a b c` output into each file's part: its diagnostics, then its
  /// summary line (`a: ok`, `a: 2 errors, 0 warnings`).
  static func perFile(_ output: String, files: [String]) -> [String: (diagnostics: [String], summary: String)] {
    var result: [String: (diagnostics: [String], summary: String)] = [:]
    var pending: [String] = []
    var next = 0
    for line in output.components(separatedBy: "\n") {
      if next < files.count, line.hasPrefix(files[next] + ": ") {
        result[files[next]] = (pending, line)
        pending = []
        next += 1
      } else {
        pending.append(line)
      }
    }
    return result
  }

  /// `path:line:column: error:` with a path that exists and a line and column of at least 1.
  static func isLocatedError(_ line: String) -> Bool {
    guard let range = line.range(of: #"^(.+?):(\d+):(\d+): error: "#, options: .regularExpression) else { return false }
    let parts = line[range].dropLast(": error: ".count).split(separator: ":")
    guard parts.count >= 3, let l = Int(parts[parts.count - 2]), let c = Int(parts[parts.count - 1]) else { return false }
    let path = parts.dropLast(2).joined(separator: ":")
    return l >= 1 && c >= 1 && (FileManager.default.fileExists(atPath: path) || path == "--set")
  }

  // MARK: The test

  @Test func mutatedShippedFilesGetALocatedErrorOrRunNeverACrash() throws {
    let fm = FileManager.default
    let work = fm.temporaryDirectory.appendingPathComponent("capsim-file-fuzz-\(Self.seed)-\(UUID().uuidString)")
    try fm.createDirectory(at: work.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
    try fm.createDirectory(at: work.appendingPathComponent("topologies"), withIntermediateDirectories: true)
    var keep = false
    defer { if !keep { try? fm.removeItem(at: work) } }
    let originals = try Self.originals()
    for o in originals { try o.text.write(to: work.appendingPathComponent(o.relative), atomically: true, encoding: .utf8) }
    // The autoscaler manifests that scenarios name (read, not mutated).
    try fm.copyItem(at: EndToEndTests.root.appendingPathComponent("k8s"), to: work.appendingPathComponent("k8s"))
    print("file fuzz: CAPSIM_FUZZ_FILES_SEED=\(Self.seed) CAPSIM_FUZZ_FILES=\(Self.count) in \(work.path)")

    // The corpus: mutant i of original i mod n, from its own seed.
    var mutants: [Mutant] = []
    for i in 0..<Self.count {
      let original = originals[i % originals.count]
      var rng = SplitMix64(seed: Self.seed &+ UInt64(i))
      let (bytes, operators) = Self.mutate(original.text, &rng)
      var m = Mutant(index: i, original: original, operators: operators, bytes: bytes)
      let folder = original.relative.hasPrefix("scenarios/") ? "scenarios" : "topologies"
      m.path = work.appendingPathComponent("\(folder)/fuzz-\(i).yaml").path
      try Data(bytes).write(to: URL(fileURLWithPath: m.path))
      if let user = original.user, let text = originals.first(where: { $0.relative == user })?.text {
        m.scenarioPath = work.appendingPathComponent("scenarios/fuzz-\(i)-user.yaml").path
        try text.replacingOccurrences(of: "../\(original.relative)\n", with: "../topologies/fuzz-\(i).yaml\n")
          .write(toFile: m.scenarioPath!, atomically: true, encoding: .utf8)
      }
      mutants.append(m)
    }

    // validate, many files per process; a batch that crashes is replayed file by file to name
    // the culprit.
    var refused = 0, accepted = 0, failures: [String] = []
    var runnable: [(scenario: String, mutant: Mutant)] = []
    let started = Date()
    for first in stride(from: 0, to: mutants.count, by: Self.batch) {
      let group = Array(mutants[first..<min(first + Self.batch, mutants.count)])
      let files = group.flatMap { [$0.path] + ($0.scenarioPath.map { [$0] } ?? []) }
      let outcome = try Self.capsim(["validate"] + files, seconds: 60, in: work)
      if outcome.signaled || outcome.timedOut {
        for m in group {
          for file in [m.path] + (m.scenarioPath.map { [$0] } ?? []) {
            let one = try Self.capsim(["validate", file], seconds: 20, in: work)
            if one.signaled || one.timedOut {
              failures.append(
                "mutant \(m.index) of \(m.original.relative) (\(m.operators.joined(separator: ", "))): validate "
                  + (one.timedOut ? "hung" : "crashed with signal \(one.status): \(one.stderr.suffix(400))"))
            }
          }
        }
        continue
      }
      let parts = Self.perFile(outcome.stdout, files: files)
      for m in group {
        var ok = true
        for file in [m.path] + (m.scenarioPath.map { [$0] } ?? []) {
          guard let part = parts[file] else {
            failures.append("mutant \(m.index): no summary line for \(file) in validate's output")
            ok = false
            continue
          }
          if part.summary.hasSuffix(": ok") || part.summary.contains(": ok (") { continue }
          ok = false
          if !part.diagnostics.contains(where: Self.isLocatedError) {
            failures.append(
              "mutant \(m.index) of \(m.original.relative) (\(m.operators.joined(separator: ", "))): refused without a located error: \(part.diagnostics.prefix(3))")
          }
        }
        if ok {
          accepted += 1
          if let scenario = m.original.relative.hasPrefix("scenarios/") ? m.path : m.scenarioPath {
            runnable.append((scenario, m))
          }
        } else {
          refused += 1
        }
      }
    }
    let validateSeconds = Date().timeIntervalSince(started)

    // A short run of some accepted mutants: one replication of a few simulated hours at most.
    var ran = 0, refusedToRun = 0, stopped = 0
    var rng = SplitMix64(seed: Self.seed)
    runnable.shuffle(using: &rng)
    for (scenario, m) in runnable.prefix(Self.runs) {
      let outcome = try Self.capsim(
        ["run", scenario, "--quiet", "--replications", "1", "--db", work.appendingPathComponent("runs.sqlite").path]
          + Self.shortening(scenario), seconds: 20, in: work)
      if outcome.signaled {
        failures.append(
          "mutant \(m.index) of \(m.original.relative) (\(m.operators.joined(separator: ", "))): run crashed with signal \(outcome.status): \(outcome.stderr.suffix(400))")
      } else if outcome.timedOut {
        stopped += 1
      } else if outcome.status == 1 {
        refusedToRun += 1
        if !outcome.stderr.components(separatedBy: "\n").contains(where: Self.isLocatedError) {
          failures.append("mutant \(m.index): run refused it without a located error: \(outcome.stderr.suffix(400))")
        }
      } else if ![0, 3].contains(outcome.status) {
        failures.append("mutant \(m.index): run exited with \(outcome.status): \(outcome.stderr.suffix(400))")
      } else {
        ran += 1
      }
    }
    print(
      "file fuzz: \(mutants.count) mutants of \(originals.count) files: \(refused) refused with located errors, "
        + "\(accepted) accepted (validate took \(Int(validateSeconds)) s); \(ran) of them run, \(refusedToRun) refused by run, \(stopped) stopped at 20 s")
    if !failures.isEmpty { keep = true }
    for failure in failures.prefix(20) { Issue.record("\(failure)") }
    #expect(failures.isEmpty, "\(failures.count) failures; mutants kept in \(work.path)")
    #expect(refused > mutants.count / 4 && accepted > 0, "the corpus exercises both outcomes")
  }

  /// `--set` keys that keep a run short: a calendar run ends two hours after its start, other
  /// runs last a minute.
  static func shortening(_ scenario: String) -> [String] {
    guard var text = try? String(contentsOfFile: scenario, encoding: .utf8) else { return [] }
    // A what-if's calendar is its base's.
    if let base = text.range(of: #"(?m)^base: (\S+)"#, options: .regularExpression) {
      let name = text[base].dropFirst("base: ".count)
      let path = URL(fileURLWithPath: scenario).deletingLastPathComponent().appendingPathComponent(String(name)).path
      text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? text
    }
    if let match = text.range(of: #"(?m)^  start: (\d{4}-\d{2}-\d{2})"#, options: .regularExpression) {
      let date = text[match].suffix(10)
      return ["--set", "calendar.end=\(date)T02:00"]
    }
    return ["--set", "run.length=1min"]
  }
}
