import ArgumentParser
import Foundation
import QueueingModel
import ScenarioFile
import TextReports

/// `capsim analyze`: queueing theory's exact answer next to the simulated one.
struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the exact queueing-theory answer next to the simulated one.",
    discussion: """
      Recognizes the models theory solves exactly: M/M/c (Erlang C, with response-time \
      percentiles), M/M/c/K and Erlang B, M/D/1 and M/G/1 (Pollaczek-Khinchine), M/G/inf, \
      processor sharing (M/G/1-PS and M/G/c-PS), round robin over exponential servers (E_k/M/1), \
      open Jackson networks (with random or weighted dispatch), and closed networks (exact mean \
      value analysis, load-dependent stations included). It then simulates the scenario and \
      prints both, with the simulation's 95% confidence interval and the distance in standard \
      errors (z). Values are in seconds, per second, or fractions, printed in full precision (the \
      shortest decimal that reads back as the same double). For other models (join-shortest-queue, \
      timeouts, time-varying demand) it says why theory has no answer; capsim run gives the \
      simulated values.
      """)

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @OptionGroup var experiment: ExperimentOptions

  @Flag(help: "Theory only: do not simulate.")
  var theoryOnly = false

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Flag(help: "Nothing on stderr but errors: no warnings.")
  var quiet = false

  func run() throws {
    if ScenarioFile.isPlatformScenario(path: scenario) {
      // The platform's tests pin it to theory where it reduces to a textbook system; a whole
      // platform has no closed form.
      throw ValidationError(
        "\(scenario) is a platform scenario, which has no closed form: use 'capsim run' for its verdicts. 'analyze' compares queueing-network scenarios with theory."
      )
    }
    let (loaded, warnings) = try loadScenario(scenario, settings: experiment.settings)
    let s = experiment.apply(to: loaded)
    if !quiet { printWarnings(warnings) }
    let answer: TheoryAnswer
    switch s.network.theory() {
    case .failure(let why):
      print(
        format == .json
          ? try AnalyzeReport.unavailableJSON(why, scenario: s.name, file: scenario)
          : AnalyzeReport.unavailable(why, scenario: s.name, file: scenario, theoryOnly: theoryOnly))
      return
    case .success(let a): answer = a
    }
    var result: ExperimentResult? = nil
    if !theoryOnly {
      result = Experiment(network: s.network, window: s.window, replications: s.replications, seed: s.seed)
        .run(threads: experiment.workerThreads)
      if let why = result?.earlyStop(in: s.network) { throw fail("\(scenario): \(why)", status: ExitStatus.failure) }
    }
    let report = AnalyzeReport(scenario: s, file: scenario, answer: answer, result: result)
    print(format == .json ? try report.json() : report.table())
  }
}
