import Foundation
import QueueingModel
import RunRecords
import ScenarioFile
import SimStatistics

/// `capsim analyze --format json`: theory and simulation, values in SI units at full precision.
struct AnalyzeJSON: Encodable {
  struct Simulation: Encodable {
    var replications: Int
    var seed: UInt64
    var warmup_s: Double
    var length_s: Double

    init(replications: Int, seed: UInt64, warmup_s: Double, length_s: Double) {
      self.replications = replications
      self.seed = seed
      self.warmup_s = warmup_s
      self.length_s = length_s
    }
  }

  struct Simulated: Encodable {
    @Nullable var mean: Double?
    @Nullable var half_width: Double?
    var replications: Int

    init(mean: Double?, half_width: Double?, replications: Int) {
      self.mean = mean
      self.half_width = half_width
      self.replications = replications
    }
  }

  struct Prediction: Encodable {
    var `where`: String
    var metric: String
    var unit: String
    var theory: Double
    @Nullable var simulated: Simulated?
    @Nullable var z: Double?

    init(
      where: String, metric: String, unit: String, theory: Double, simulated: Simulated? = nil, z: Double? = nil
    ) {
      self.where = `where`
      self.metric = metric
      self.unit = unit
      self.theory = theory
      self.simulated = simulated
      self.z = z
    }
  }

  var scenario: String
  var file: String
  /// The result applied, or nil with `reason` when theory has none.
  @Nullable var method: String?
  @Nullable var reason: String?
  @Nullable var simulation: Simulation? = nil
  var predictions: [Prediction] = []

  init(
    scenario: String, file: String, method: String? = nil, reason: String? = nil, simulation: Simulation? = nil,
    predictions: [Prediction] = []
  ) {
    self.scenario = scenario
    self.file = file
    self.method = method
    self.reason = reason
    self.simulation = simulation
    self.predictions = predictions
  }
}
