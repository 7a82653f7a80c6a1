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

      Example:
        capsim validate scenarios/*.yaml topologies/*.yaml
      """)

  @Argument(help: "Scenario or topology files.", completion: .file(extensions: ["yaml", "yml"]))
  var files: [String]

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one file") }
  }

  func run() throws {
    var failed = 0
    for file in files {
      let log = ScenarioFile.validate(path: file)
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
