import ArgumentParser
import ScenarioFile

/// `capsim validate`: check files without running them.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check scenario and topology files and report every problem.",
    discussion: """
      Each problem is printed as file:line:column: error: key.path: message, followed by the line \
      and a caret. All problems in all files are reported, not only the first. Exit status: 0 when \
      every file is valid (warnings allowed), 1 when any file has an error.

      With --set, each file is checked as `capsim run FILE --set ...` would read it: a what-if \
      is checked before anything runs (a key that matches nothing in a file is an error there).

      Examples:
        capsim validate scenarios/*.yaml topologies/*.yaml
        capsim validate scenarios/platform-christmas-2026.yaml --set demand.DE.growth=1.5
      """)

  @Argument(help: "Scenario or topology files.", completion: .file(extensions: ["yaml", "yml"]))
  var files: [String]

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A what-if: KEY=VALUE with a key path of the topology or of the scenario, checked as run reads it (repeatable).",
      valueName: "key=value"))
  var settings: [String] = []

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one file") }
    for s in settings where !s.contains("=") || s.hasPrefix("=") {
      throw ValidationError("--set takes KEY=VALUE, such as stations.db.servers=4; got '\(s)'")
    }
  }

  func run() throws {
    var failed = 0
    for file in files {
      let log = ScenarioFile.validate(path: file, settings: settings)
      let diagnostics = log.sortedDiagnostics
      if !diagnostics.isEmpty { print(log.rendered()) }
      let errors = diagnostics.filter { $0.severity == .error }.count
      let warnings = diagnostics.count - errors
      if errors > 0 || (strict && warnings > 0) {
        failed += 1
        print("\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
      } else {
        print("\(file): ok\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")")
      }
    }
    if failed > 0 { throw ExitStatus.failure }
  }
}
