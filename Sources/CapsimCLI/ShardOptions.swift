import ArgumentParser
import Foundation
import Sharding

/// `--shard I/N` and `--out FILE`: simulate one slice of the work and write it as a part file.
struct ShardOptions: ParsableArguments {
  // Unconditional: `--shard -1/2` would otherwise read as short options and a missing value.
  @Option(
    name: .customLong("shard"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Simulate only slice I (from 0) of N of the work and write it as a part file for 'capsim merge' (platform scenarios).",
      discussion:
        "Work items are (point, replication) pairs numbered point-major; slice I takes the items k with k % N == I.",
      valueName: "I/N"))
  var text: String?

  @Option(help: "The part file to write with --shard (default: <scenario>-<command>-shard-<I>-of-<N>.json).")
  var out: String?

  func validate() throws {
    if let text { _ = try Self.parse(text) }
    if out != nil && text == nil { throw ValidationError("--out names the part file of --shard; give --shard I/N too") }
    // Before the slice is simulated, as check and plan do with their outputs.
    if let out, let problem = outputProblem(out) { throw ValidationError("--out \(out): \(problem)") }
  }

  /// The slice to simulate, nil without `--shard`.
  var shard: Shard? { text.flatMap { try? Self.parse($0) } }

  static func parse(_ text: String) throws -> Shard {
    do {
      return try Shard(parsing: text)
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// What a shard leaves unused, said rather than silently ignored: it prints and records
  /// nothing (its part file is the result; `capsim merge` prints and records the folded parts).
  /// Warnings, not errors: a job array passes one set of flags to every task.
  func warnUnused(format: OutputFormat, database: DatabaseOptions, quiet: Bool) {
    guard !quiet, shard != nil else { return }
    if format == .json {
      printToStandardError("warning: --format json: a shard prints nothing; give it to 'capsim merge'")
    }
    if database.given != nil {
      printToStandardError("warning: --db: a shard records nothing; give it to 'capsim merge'")
    }
  }

  /// Writes the part (atomically: a half-written part must not look like a result) and says
  /// where on stderr unless `quiet`.
  func write(_ part: Part<SimulatedItem>, name: String, command: String, quiet: Bool) throws {
    let shard = part.shard
    let safeName = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    let file = out ?? "\(safeName)-\(command)-shard-\(shard.index)-of-\(shard.count).json"
    do {
      // A job array's first task may find the parts folder not yet made.
      try writeFile(part.encoded(), to: file)
    } catch {
      throw fail("cannot write part file \(file): \(fileReason(error))", status: ExitStatus.failure)
    }
    if !quiet {
      let total = part.points * part.replications
      printToStandardError(
        "wrote shard \(shard): \(part.items.count) of \(total) items (points x replications) in \(String(format: "%.1f", part.wallSeconds)) s to \(file)"
      )
    }
  }
}
