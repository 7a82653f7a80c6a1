import ArgumentParser
import Foundation
import QueueingModel
import ScenarioFile
import SimStatistics

/// `capsim analyze`: queueing theory's exact answer next to the simulated one.
struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the exact queueing-theory answer next to the simulated one.",
    discussion: """
      Recognizes the models theory solves exactly: M/M/c (Erlang C, with response-time \
      percentiles), M/M/c/K and Erlang B, M/D/1 and M/G/1 (Pollaczek-Khinchine), M/G/inf, \
      round robin over exponential servers (E_k/M/1), open Jackson networks (with random or \
      weighted dispatch), and closed networks (exact mean value analysis). It then simulates the \
      scenario and prints both, with the simulation's 95% confidence interval and the distance in \
      standard errors (z). For other models (join-shortest-queue, timeouts, time-varying demand) \
      it says why theory has no answer; capsim run gives the simulated values.
      """)

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var scenario: String

  @OptionGroup var experiment: ExperimentOptions

  @Flag(help: "Theory only: do not simulate.")
  var theoryOnly = false

  @Flag(help: "Nothing on stderr but errors: no warnings.")
  var quiet = false

  func run() throws {
    if ScenarioFile.isPlatformScenario(path: scenario) {
      // The platform's tests pin it to theory where it reduces to a textbook system; a whole
      // platform has no closed form.
      throw ValidationError(
        "\(scenario) is a platform scenario, which has no closed form: use 'capsim run' for its verdicts. 'analyze' compares queueing-network scenarios with theory.")
    }
    let (loaded, warnings) = try loadScenario(scenario, settings: experiment.settings)
    let s = experiment.apply(to: loaded)
    if !quiet { printWarnings(warnings) }
    let answer: TheoryAnswer
    switch s.network.theory() {
    case .failure(let why):
      print("\(s.name): no exact result from queueing theory: \(why).")
      if !theoryOnly {
        print("Simulated values: capsim run \(scenario)")
      }
      return
    case .success(let a): answer = a
    }
    print("\(s.name): \(answer.method)")
    var result: ExperimentResult? = nil
    if !theoryOnly {
      result = Experiment(network: s.network, window: s.window, replications: s.replications, seed: s.seed)
        .run(threads: experiment.workerThreads)
      print("simulated: \(s.replications) replications, seed \(s.seed), \(Format.duration(s.window.horizon)) each after \(Format.duration(s.window.warmup)) warm-up")
    }
    var table = TextTable(columns: theoryOnly ? ["where", "metric", "theory"] : ["where", "metric", "theory", "simulated", "z"])
    // Large pools: the first stations stand for the rest (they share one prediction).
    let shownStations = 4
    let hidden = Set(answer.predictions.compactMap { p -> Int? in
      if case .station(let i) = p.scope, i >= shownStations { return i } else { return nil }
    })
    for p in answer.predictions {
      if case .station(let i) = p.scope, hidden.contains(i), s.network.stations.count > shownStations + 2 { continue }
      let place: String
      var simulated: [Double] = []
      switch p.scope {
      case .endToEnd:
        place = "end to end"
        simulated = result?.replicationResults.compactMap { $0.endToEnd[p.metric] } ?? []
      case .station(let i):
        place = s.network.stations[i].name
        simulated = result?.replicationResults.map { $0.stations[i][p.metric] } ?? []
      }
      let format = Self.formatter(p.metric)
      var row = [place, Self.label(p.metric), format(p.value)]
      if !theoryOnly {
        let e = Estimate(simulated)
        row.append(Format.estimate(e, format))
        if let sd = e.standardDeviation, sd > 0 {
          row.append(String(format: "%+.1f", (e.mean - p.value) / (sd / Double(e.count).squareRoot())))
        } else {
          row.append("-")
        }
      }
      table.add(row)
    }
    print(table.render())
    if s.network.stations.count > shownStations + 2 && !hidden.isEmpty {
      print("(\(hidden.count) more stations not shown; capsim run lists them all)")
    }
    if !theoryOnly {
      print("z: (simulated - theory) / standard error; |z| above about 3 on several rows points to a problem.")
    }
  }

  static func label(_ m: TheoryPrediction.Metric) -> String {
    switch m {
    case .throughput: return "throughput/s"
    case .meanBusyServers: return "mean busy servers"
    case .meanInStation: return "mean in station (L)"
    case .meanWait: return "mean wait (Wq)"
    case .meanResponse: return "mean response (W)"
    case .waitProbability: return "P(wait)"
    case .lossProbability: return "P(loss)"
    case .responseP50: return "response p50"
    case .responseP95: return "response p95"
    case .responseP99: return "response p99"
    }
  }

  static func formatter(_ m: TheoryPrediction.Metric) -> (Double) -> String {
    switch m {
    case .meanWait, .meanResponse, .responseP50, .responseP95, .responseP99: return Format.duration
    case .waitProbability, .lossProbability: return Format.percent
    default: return Format.number
    }
  }
}
