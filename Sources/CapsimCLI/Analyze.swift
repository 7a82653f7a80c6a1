import ArgumentParser
import Foundation
import QueueingModel
import RunRecords
import ScenarioFile
import SimStatistics
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
        "\(scenario) is a platform scenario, which has no closed form: use 'capsim run' for its verdicts. 'analyze' compares queueing-network scenarios with theory.")
    }
    let (loaded, warnings) = try loadScenario(scenario, settings: experiment.settings)
    let s = experiment.apply(to: loaded)
    if !quiet { printWarnings(warnings) }
    let answer: TheoryAnswer
    switch s.network.theory() {
    case .failure(let why):
      if format == .json {
        print(try Self.json(AnalyzeJSON(scenario: s.name, file: scenario, method: nil, reason: why.reason)))
      } else {
        print("\(s.name): no exact result from queueing theory: \(why).")
        if !theoryOnly { print("Simulated values: capsim run \(scenario)") }
      }
      return
    case .success(let a): answer = a
    }
    var result: ExperimentResult? = nil
    if !theoryOnly {
      result = Experiment(network: s.network, window: s.window, replications: s.replications, seed: s.seed)
        .run(threads: experiment.workerThreads)
    }
    let rows = answer.predictions.map { p in Row(prediction: p, simulated: result.map { Self.simulated(p, $0) }) }
    if format == .json {
      var doc = AnalyzeJSON(scenario: s.name, file: scenario, method: answer.method, reason: nil)
      if result != nil {
        doc.simulation = .init(
          replications: s.replications, seed: s.seed, warmup_s: s.window.warmup, length_s: s.window.horizon)
      }
      doc.predictions = rows.map { $0.json(stations: s.network.stations) }
      print(try Self.json(doc))
      return
    }
    print("\(s.name): \(answer.method)")
    if result != nil {
      print("simulated: \(s.replications) replications, seed \(s.seed), \(Format.duration(s.window.horizon)) each after \(Format.duration(s.window.warmup)) warm-up")
    }
    printTable(rows, stations: s.network.stations)
  }

  private func printTable(_ rows: [Row], stations: [Station]) {
    var table = TextTable(
      columns: theoryOnly ? ["where", "metric", "theory"] : ["where", "metric", "theory", "simulated", "+- 95%", "z"])
    // Large pools: the first stations stand for the rest (they share one prediction).
    let shownStations = 4
    let hidden = Set(rows.compactMap { r -> Int? in
      if case .station(let i) = r.prediction.scope, i >= shownStations { return i } else { return nil }
    })
    let hiding = stations.count > shownStations + 2 && !hidden.isEmpty
    for r in rows {
      if case .station(let i) = r.prediction.scope, hiding, hidden.contains(i) { continue }
      var cells = [r.place(stations), Self.label(r.prediction.metric), Self.full(r.prediction.value)]
      if let e = r.simulated {
        cells.append(Self.full(e.mean))
        cells.append(e.halfWidth.map { String(format: "%.3g", $0) } ?? "-")
        cells.append(r.z.map { String(format: "%+.2f", $0) } ?? "-")
      }
      table.add(cells)
    }
    print(table.render())
    if hiding { print("(\(hidden.count) more stations not shown; capsim run lists them all)") }
    if !theoryOnly {
      print("z: (simulated - theory) / standard error; |z| above about 3 on several rows points to a problem.")
    }
  }

  /// The replications' values of a predicted metric.
  static func simulated(_ p: TheoryPrediction, _ result: ExperimentResult) -> Estimate {
    switch p.scope {
    case .endToEnd: return Estimate(result.replicationResults.compactMap { $0.endToEnd[p.metric] })
    case .station(let i): return Estimate(result.replicationResults.map { $0.stations[i][p.metric] })
    }
  }

  /// The shortest decimal that reads back as the same double ("0.1", "0.012345678901234568").
  static func full(_ value: Double) -> String { value.isFinite ? "\(value)" : "-" }

  static func label(_ m: TheoryPrediction.Metric) -> String {
    switch m {
    case .throughput: return "throughput (/s)"
    case .meanBusyServers: return "mean busy servers"
    case .meanInStation: return "mean in station (L)"
    case .meanWait: return "mean wait (Wq, s)"
    case .meanResponse: return "mean response (W, s)"
    case .waitProbability: return "P(wait)"
    case .lossProbability: return "P(loss)"
    case .responseP50: return "response p50 (s)"
    case .responseP95: return "response p95 (s)"
    case .responseP99: return "response p99 (s)"
    }
  }

  static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// One predicted metric and, unless theory only, what the replications measured.
  struct Row {
    var prediction: TheoryPrediction
    var simulated: Estimate?

    /// (simulated - theory) / standard error, when there is a spread.
    var z: Double? {
      guard let e = simulated, let sd = e.standardDeviation, sd > 0 else { return nil }
      return (e.mean - prediction.value) / (sd / Double(e.count).squareRoot())
    }

    func place(_ stations: [Station]) -> String {
      if case .station(let i) = prediction.scope { return stations[i].name }
      return "end to end"
    }

    func json(stations: [Station]) -> AnalyzeJSON.Prediction {
      AnalyzeJSON.Prediction(
        where: place(stations), metric: prediction.metric.rawValue, unit: Analyze.unit(prediction.metric),
        theory: prediction.value, simulated: simulated.map { e in
          .init(mean: e.mean.isFinite ? e.mean : nil, half_width: e.halfWidth, replications: e.count)
        }, z: z)
    }
  }

  static func unit(_ m: TheoryPrediction.Metric) -> String {
    switch m {
    case .meanWait, .meanResponse, .responseP50, .responseP95, .responseP99: return "s"
    case .throughput: return "1/s"
    case .waitProbability, .lossProbability: return "fraction"
    case .meanBusyServers, .meanInStation: return "customers"
    }
  }
}
