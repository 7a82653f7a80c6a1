import ArgumentParser
import CapsimCLI
import Foundation
import Testing

/// The `capsim` commands the READMEs show in their shell blocks, and the examples in the
/// commands' own help: each parses as capsim reads its arguments (commands, flags, values), and
/// each file it reads exists. Running them all takes
/// too long for the suite (the year, plans, searches); a command that named a file that was
/// never shipped, or a flag that was renamed, fails here.
@Suite struct DocumentedCommandsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  struct Command: CustomTestStringConvertible, Sendable {
    var place: String
    var arguments: [String]
    var testDescription: String { "\(place): capsim \(arguments.joined(separator: " "))" }
  }

  /// Placeholders the text uses in its commands, and what stands in for them here.
  static let placeholders = [
    "SCENARIO": "scenarios/platform-normal-week.yaml",
    "...": "territories.DE.app.instances=2,3",
  ]

  /// Options the README uses that take no value.
  static let flags: Set = ["--fail-on-slo", "--ablation", "--rules", "--quiet"]

  /// Options whose value is a file the command reads.
  static let inputs: Set = ["--autoscaler", "--scenario", "--targets", "--baseline"]

  static var commands: [Command] {
    let root = Self.root
    let folders =
      (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources").path)) ?? []
    let files = ["README.md", "calibration/README.md"] + folders.sorted().map { "Sources/\($0)/README.md" }
    var found: [Command] = []
    for file in files {
      guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { continue }
      var inShell = false
      var pending = ""
      for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("```") {
          inShell =
            !inShell
            && ["sh", "bash", "shell", "console"].contains(line.dropFirst(3).trimmingCharacters(in: .whitespaces))
          continue
        }
        guard inShell else { continue }
        var joined = pending.isEmpty ? line : pending + " " + line
        if joined.hasSuffix("\\") {
          pending = String(joined.dropLast())
          continue
        }
        pending = ""
        if joined.hasPrefix("$ ") { joined.removeFirst(2) }
        let words = Self.words(joined)
        guard let start = words.firstIndex(of: "capsim") else { continue }
        // A usage line with optional parts in brackets is syntax, not a command.
        let arguments = words[(start + 1)...].map { Self.placeholders[$0] ?? $0 }
        if arguments.contains(where: { $0.hasPrefix("[") }) { continue }
        found.append(Command(place: "\(file):\(index + 1)", arguments: arguments))
      }
    }
    // The examples in the commands' own help.
    func visit(_ command: any ParsableCommand.Type, path: String) {
      // Examples are indented; a line ending in a backslash goes on in the next.
      var pending = ""
      for raw in command.configuration.discussion.split(separator: "\n") {
        let line = pending + (pending.isEmpty ? "" : " ") + raw.trimmingCharacters(in: .whitespaces)
        if line.hasSuffix("\\") {
          pending = String(line.dropLast())
          continue
        }
        pending = ""
        guard raw.hasPrefix(" ") || !line.hasPrefix("capsim") else { continue }
        let words = Self.words(line)
        guard words.first == "capsim", words.count > 1 else { continue }
        let arguments = words.dropFirst().map { Self.placeholders[$0] ?? $0 }
        if arguments.contains(where: { $0.hasPrefix("[") || $0.hasPrefix("<") }) { continue }
        found.append(Command(place: "capsim \(path) --help", arguments: Array(arguments)))
      }
      for sub in command.configuration.subcommands {
        visit(sub, path: path.isEmpty ? sub._commandName : path + " " + sub._commandName)
      }
    }
    visit(Capsim.self, path: "")
    return found
  }

  /// Shell words up to a comment, pipe, redirection or command separator; quotes kept together.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var quote: Character? = nil
    var started = false
    for c in line {
      if let q = quote {
        if c == q { quote = nil } else { word.append(c) }
        continue
      }
      if c == "\"" || c == "'" {
        quote = c
        started = true
      } else if c == " " || c == "\t" {
        if started { words.append(word) }
        word = ""
        started = false
      } else if !started && ["#", "|", ">", ";", "&"].contains(c) {
        break
      } else {
        word.append(c)
        started = true
      }
    }
    if started { words.append(word) }
    return words
  }

  @Test func theShellBlocksHoldCommands() {
    // If the extraction broke, every other test here would pass on nothing.
    let commands = Self.commands
    #expect(commands.count >= 40, "\(commands.count) commands")
    #expect(
      commands.contains { $0.arguments.first == "calibrate" }
        && commands.contains { $0.arguments.first == "autoscaler" })
  }

  @Test(arguments: commands)
  func parsesAndItsFilesExist(_ command: Command) throws {
    do {
      _ = try Capsim.parseAsRoot(command.arguments)
    } catch {
      Issue.record("does not parse: \(Capsim.message(for: error))")
      return
    }
    let root = Self.root.path
    var read: [String] = []
    var i = 1
    let args = command.arguments
    while i < args.count {
      let a = args[i]
      if a.hasPrefix("--") {
        // The word after an option is its value, unless the option is a flag.
        if i + 1 < args.count, !args[i + 1].hasPrefix("-"), !Self.flags.contains(a) {
          if Self.inputs.contains(a) && args[i + 1].contains(".") { read.append(args[i + 1]) }
          i += 1
        }
      } else if a.contains("/") || a.hasSuffix(".yaml") || a.hasSuffix(".json") {
        read.append(a)
      }
      i += 1
    }
    // Part files, recorded metrics and results saved when the database could not take them
    // are made by the commands and scripts before them.
    let saved = /\.(run|plan|autoscale)[0-9]+\.json$/
    for path in read where !path.contains("part") && path != "recorded.json" && path.firstMatch(of: saved) == nil {
      if path.contains("*") {
        let pattern = URL(fileURLWithPath: path)
        let folder = root + "/" + pattern.deletingLastPathComponent().relativePath
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let regex = try Regex(
          "^"
            + NSRegularExpression.escapedPattern(for: pattern.lastPathComponent).replacingOccurrences(
              of: "\\*", with: ".*") + "$")
        #expect(names.contains { $0.wholeMatch(of: regex) != nil }, "\(path) matches nothing")
      } else {
        #expect(FileManager.default.fileExists(atPath: root + "/" + path), "\(path) does not exist")
      }
    }
  }
}
