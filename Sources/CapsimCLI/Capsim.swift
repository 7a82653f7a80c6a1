import ArgumentParser
import Suggestions
import Foundation
import ResultsStore
import SimRandom
import TextReports

/// The `capsim` command: a discrete-event scaling simulator and capacity planner.
package struct Capsim: ParsableCommand {
  package static let configuration = CommandConfiguration(
    commandName: "capsim",
    abstract: "Simulate queueing networks request by request and plan capacity.",
    discussion: """
      capsim reads a scenario (demand, run length, seed, replications) that names a topology \
      (stations, servers, routing, dispatchers), simulates it with independent replications and \
      reports throughput, utilization, waits and response-time percentiles with 95% confidence \
      intervals. Where queueing theory has an exact answer, `capsim analyze` prints it next to the \
      simulated one.

      Examples:
        capsim run scenarios/mm4-peak.yaml
        capsim run scenarios/mm4-peak.yaml --replications 20 --format json
        capsim validate scenarios/*.yaml topologies/*.yaml
        capsim schema platform-scenario
        capsim analyze scenarios/jackson-tandem.yaml
        capsim run scenarios/platform-christmas-2026.yaml --fail-on-slo
        capsim sweep scenarios/platform-normal-week.yaml --vary territories.DE.app.instances=2..4
        capsim check scenarios/platform-normal-week.yaml --targets ci/targets.yaml --baseline ci/baseline.json
        capsim plan scenarios/platform-oktoberfest-2026.yaml --territory DE --report reports/oktoberfest-plan
        capsim runs
        capsim report latest
        capsim bench
      """ + "\n\n" + ExitStatus.summary,
    version: capsimVersion,
    subcommands: [
      Run.self, Plan.self, Plans.self, Sweep.self, Merge.self, CheckCommand.self, Runs.self, Sweeps.self, Show.self,
      Diff.self, ReportCommand.self, Validate.self, Schema.self, Analyze.self, K6.self, AutoscalerCommand.self,
      Bench.self,
      Calibrate.self, Autoscale.self, Autoscales.self, Import.self,
    ]
  )

  package init() {}

  /// Parses the command line and runs the command, as `ParsableCommand.main()` does (which
  /// this hides), except:
  /// - `capsim help NAME` for an unknown NAME is a usage error: swift-argument-parser would
  ///   print the top-level help and exit 0, hiding the typo;
  /// - a usage error a command finds as it runs (a territory its scenario lacks) shows that
  ///   command's usage, not capsim's;
  /// - a negative record id (`capsim show -3`) is said to be no id, not a missing argument.
  package static func main() {
    // Before any command: GSL's default handler would abort the process on a bad value.
    GSL.setUp()
    checkStandardOutputAtExit()
    if let text = ProcessInfo.processInfo.environment["CAPSIM_BUSY_TIMEOUT"], ResultsStore.busyTimeout(text) == nil {
      exit(
        withError: ValidationError(
          "CAPSIM_BUSY_TIMEOUT is '\(text)': it must be a number of seconds above 0 and at most 86400"))
    }
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let unknown = unknownHelpTopic(arguments) ?? unknownCommand(arguments) {
      exit(withError: ValidationError(unknown))
    }
    if let (message, command) = negativeRecordID(arguments) {
      FileHandle.standardError.write(Data(usageError(message, of: command).utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    var command: any ParsableCommand
    do {
      command = try parseAsRoot(arguments)
    } catch {
      exit(withError: error)
    }
    // After the command, whatever its end: a signal being acted on ends the process itself
    // (the command's own status would contradict its notice), and one that came while results
    // were stored is obeyed once the command has said what it had to (they are kept).
    do {
      try command.run()
      InterruptWatch.yieldIfExiting()
      InterruptWatch.exitIfSignalled()
    } catch let error as ValidationError {
      InterruptWatch.yieldIfExiting()
      FileHandle.standardError.write(Data(usageError(error.message, of: type(of: command)).utf8))
      InterruptWatch.exitIfSignalled()
      Foundation.exit(ExitCode.validationFailure.rawValue)
    } catch {
      InterruptWatch.yieldIfExiting()
      if let text = fileError(error) {
        FileHandle.standardError.write(Data("capsim: error: \(text)\n".utf8))
        InterruptWatch.exitIfSignalled()
        Foundation.exit(ExitCode.failure.rawValue)
      }
      if InterruptWatch.signalPending {
        let message = fullMessage(for: error)
        if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        InterruptWatch.exitIfSignalled()
      }
      exit(withError: error)
    }
  }

  /// A file that could not be read or written (an `--out` naming a folder, a folder that is a
  /// file) in words, instead of Foundation's error dump; nil for other errors.
  static func fileError(_ error: any Error) -> String? {
    let error = error as NSError
    guard error.domain == NSCocoaErrorDomain else { return nil }
    let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
    guard let path else { return nil }
    var reason = ""
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
      let posix = underlying as NSError
      if posix.domain == NSPOSIXErrorDomain { reason = String(cString: strerror(Int32(posix.code))).lowercased() }
    }
    let verb =
      switch error.code {
      case CocoaError.fileNoSuchFile.rawValue: "cannot find"
      case CocoaError.fileReadUnknown.rawValue...CocoaError.fileReadUnknownStringEncoding.rawValue: "cannot read"
      case CocoaError.fileWriteUnknown.rawValue...CocoaError.fileWriteVolumeReadOnly.rawValue: "cannot write"
      default: "cannot use"
      }
    return "\(verb) \(path)" + (reason.isEmpty ? "" : ": \(reason)")
  }

  /// A usage error as swift-argument-parser words it, with the usage of `command` (capsim's own
  /// when it is not one of its subcommands).
  static func usageError(_ message: String, of command: any ParsableCommand.Type) -> String {
    func path(_ from: any ParsableCommand.Type, _ names: [String]) -> [String]? {
      if from == command { return names }
      for sub in from.configuration.subcommands {
        if let found = path(sub, names + [sub._commandName]) { return found }
      }
      return nil
    }
    let names = ["capsim"] + (path(Capsim.self, []) ?? [])
    return """
      Error: \(message)
      Usage: \(usageString(for: command))
        See '\(names.joined(separator: " ")) --help' for more information.

      """
  }

  /// Words people reach for that are capsim commands under another name.
  static let synonyms = ["compare": "diff", "comparison": "diff", "list": "runs", "ls": "runs", "gate": "check"]

  /// What is wrong with `capsim WORD ...` when WORD is no command (else nil): said as such,
  /// with the nearest command, instead of the parser's complaint about a later argument.
  static func unknownCommand(_ arguments: [String]) -> String? {
    guard let name = arguments.first, !name.hasPrefix("-") else { return nil }
    let commands = configuration.subcommands.map { $0._commandName } + ["help"]
    guard !commands.contains(name) else { return nil }
    let file = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    let hint =
      file
      ? " (did you mean 'capsim run \(name)'?)"
      : synonyms[name.lowercased()].map { " (did you mean '\($0)'?)" } ?? Suggestions.hint(for: name, among: commands)
    return "unknown command '\(name)'\(hint); the commands are \(commands.dropLast().joined(separator: ", "))"
  }

  /// What is wrong with `help A B ...` when A is not a command, or B is not one of A's; else nil.
  static func unknownHelpTopic(_ arguments: [String]) -> String? {
    guard arguments.first == "help" else { return nil }
    let names = arguments.dropFirst().filter { !$0.hasPrefix("-") }
    guard let name = names.first else { return nil }
    let commands = configuration.subcommands
    guard let command = commands.first(where: { $0._commandName == name }) else {
      return "unknown command '\(name)'; the commands are \(commands.map { $0._commandName }.joined(separator: ", "))"
    }
    let subcommands = command.configuration.subcommands.map { $0._commandName }
    if names.count > 1, !subcommands.contains(names[1]) {
      return "'capsim \(name)' has no subcommand '\(names[1])'"
    }
    return nil
  }
}
