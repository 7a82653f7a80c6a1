import Foundation
import QueueingModel
import ScenarioFile
import SimStatistics

/// `capsim analyze`: queueing theory's exact answer next to the simulated one, as a table or
/// JSON.
package struct AnalyzeReport {
  var scenario: Scenario
  var file: String
  var answer: TheoryAnswer
  /// Nil when theory only.
  var result: ExperimentResult?

  package init(scenario: Scenario, file: String, answer: TheoryAnswer, result: ExperimentResult?) {
    self.scenario = scenario
    self.file = file
    self.answer = answer
    self.result = result
  }

  /// Why theory has no answer, and where the simulated values are.
  package static func unavailable(_ why: TheoryUnavailable, scenario: String, file: String, theoryOnly: Bool)
    -> String
  {
    var out = "\(scenario): no exact result from queueing theory: \(why)."
    if !theoryOnly { out += "\nSimulated values: capsim run \(file)" }
    return out
  }

  package static func unavailableJSON(_ why: TheoryUnavailable, scenario: String, file: String) throws -> String {
    try prettyJSON(AnalyzeJSON(scenario: scenario, file: file, method: nil, reason: why.reason))
  }

  var rows: [Row] {
    answer.predictions.map { p in Row(prediction: p, simulated: result.map { Self.simulated(p, $0) }) }
  }

  var simulation: AnalyzeJSON.Simulation? {
    guard result != nil else { return nil }
    return .init(
      replications: scenario.replications, seed: scenario.seed, warmup_s: scenario.window.warmup,
      length_s: scenario.window.horizon)
  }

  // MARK: Table

  package func table() -> String {
    var lines = ["\(scenario.name): \(answer.method)"]
    if let s = simulation {
      lines.append(
        "simulated: \(s.replications) replications, seed \(s.seed), \(Format.duration(s.length_s)) each after \(Format.duration(s.warmup_s)) warm-up"
      )
    }
    let stations = scenario.network.stations
    let rows = rows
    var table = TextTable(
      columns: result == nil
        ? ["where", "metric", "theory"] : ["where", "metric", "theory", "simulated", "+- 95%", "z"])
    // Large pools: the first stations stand for the rest (they share one prediction).
    let shownStations = 4
    let hidden = Set(
      rows.compactMap { r -> Int? in
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
    lines.append(table.render())
    if hiding { lines.append("(\(hidden.count) more stations not shown; capsim analyze --format json lists them all)") }
    if let result {
      // The standard error comes from the replications themselves: with few of them it is a
      // rough guess, and z follows Student's t with n - 1 degrees of freedom, not the normal.
      let n = result.replicationResults.count
      if n >= 2 {
        let bound = Estimate.tQuantile(0.9985, degrees: n - 1)
        lines.append(
          "z: (simulated - theory) / standard error; |z| above \(String(format: "%.3g", bound)) (Student's t, \(n - 1) degree\(n == 2 ? "" : "s") of freedom, 99.7%) on several rows points to a problem"
            + (n < 5 ? ", or to too short a run: with \(n) replications the error is itself a rough guess." : "."))
      }
    }
    return lines.joined(separator: "\n")
  }

  // MARK: JSON

  package func json() throws -> String {
    var doc = AnalyzeJSON(scenario: scenario.name, file: file, method: answer.method, reason: nil)
    doc.simulation = simulation
    doc.predictions = rows.map { $0.json(stations: scenario.network.stations) }
    return try prettyJSON(doc)
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

  static func unit(_ m: TheoryPrediction.Metric) -> String {
    switch m {
    case .meanWait, .meanResponse, .responseP50, .responseP95, .responseP99: return "s"
    case .throughput: return "1/s"
    case .waitProbability, .lossProbability: return "fraction"
    case .meanBusyServers, .meanInStation: return "customers"
    }
  }

  /// One predicted metric and, unless theory only, what the replications measured.
  struct Row {
    var prediction: TheoryPrediction
    var simulated: Estimate?

    /// (simulated - theory) / standard error, when there is a spread; 0 when the two agree to
    /// rounding (a deterministic station's mean off in the 13th digit has a spread of 1e-16).
    var z: Double? {
      guard let e = simulated, let sd = e.standardDeviation, sd > 0 else { return nil }
      let difference = e.mean - prediction.value
      if abs(difference) <= 1e-9 * max(abs(prediction.value), abs(e.mean)) { return 0 }
      return difference / (sd / Double(e.count).squareRoot())
    }

    func place(_ stations: [Station]) -> String {
      if case .station(let i) = prediction.scope { return stations[i].name }
      return "end to end"
    }

    func json(stations: [Station]) -> AnalyzeJSON.Prediction {
      AnalyzeJSON.Prediction(
        where: place(stations), metric: prediction.metric.rawValue, unit: AnalyzeReport.unit(prediction.metric),
        theory: prediction.value,
        simulated: simulated.map { e in
          .init(mean: e.mean.isFinite ? e.mean : nil, half_width: e.halfWidth, replications: e.count)
        }, z: z)
    }
  }
}
