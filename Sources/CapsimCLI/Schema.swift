import ArgumentParser
import ScenarioFile
import Suggestions

/// `capsim schema`: the JSON Schema of a kind of file, for editors and validators.
struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the JSON Schema of a kind of capsim file.",
    discussion: """
      The schemas (JSON Schema draft 2020-12) come from the same declarations the readers use, \
      with a description of every key. Copies are committed under schemas/, and every shipped \
      file starts with a line that points an editor (VS Code with the YAML extension, or any \
      editor using yaml-language-server) at its schema:
        # yaml-language-server: $schema=../schemas/platform-scenario.schema.json

      Kinds: \(FileKind.allCases.map(\.rawValue).joined(separator: ", ")) (capsim schema --list says \
      what each is).

      The readers check more than a schema can say (names that refer to each other, sums, \
      bounds of durations), so run capsim validate as well.

      Examples:
        capsim schema platform-scenario > schemas/platform-scenario.schema.json
        capsim schema --list
      """)

  @Argument(help: "The kind of file: \(FileKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: String?

  @Flag(help: "List the kinds, one per line: the kind, then what it is.")
  var list = false

  func validate() throws {
    if list { return }
    let kinds = FileKind.allCases.map(\.rawValue)
    guard let kind else { throw ValidationError("name a kind: \(kinds.joined(separator: ", "))") }
    guard FileKind(rawValue: kind) != nil else {
      let hint = Suggestions.closest(to: kind, among: kinds).map { " (did you mean '\($0)'?)" } ?? ""
      throw ValidationError("unknown kind '\(kind)'\(hint); kinds: \(kinds.joined(separator: ", "))")
    }
  }

  func run() throws {
    if list {
      let width = FileKind.allCases.map(\.rawValue.count).max()! + 2
      for kind in FileKind.allCases {
        print(kind.rawValue + String(repeating: " ", count: width - kind.rawValue.count) + kind.summary)
      }
      return
    }
    print(JSONSchema.text(for: FileKind(rawValue: kind!)!), terminator: "")
  }
}
