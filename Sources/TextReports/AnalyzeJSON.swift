import Foundation
import QueueingModel
import RunRecords
import ScenarioFile
import SimStatistics

/// `capsim analyze --format json`: theory and simulation, values in SI units at full precision.
package struct AnalyzeJSON: Encodable {
  package struct Simulation: Encodable {
    package var replications: Int
    package var seed: UInt64
    package var warmup_s: Double
    package var length_s: Double

    package init(replications: Int, seed: UInt64, warmup_s: Double, length_s: Double) {
      self.replications = replications
      self.seed = seed
      self.warmup_s = warmup_s
      self.length_s = length_s
    }
  }

  package struct Simulated: Encodable {
    @Nullable package var mean: Double?
    @Nullable package var half_width: Double?
    package var replications: Int

    package init(mean: Double?, half_width: Double?, replications: Int) {
      self.mean = mean
      self.half_width = half_width
      self.replications = replications
    }
  }

  package struct Prediction: Encodable {
    package var `where`: String
    package var metric: String
    package var unit: String
    package var theory: Double
    @Nullable package var simulated: Simulated?
    @Nullable package var z: Double?

    package init(
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

  package var scenario: String
  package var file: String
  /// The result applied, or nil with `reason` when theory has none.
  @Nullable package var method: String?
  @Nullable package var reason: String?
  @Nullable package var simulation: Simulation? = nil
  package var predictions: [Prediction] = []

  package init(
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
