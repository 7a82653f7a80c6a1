import ArgumentParser
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
  }

  struct Simulated: Encodable {
    @Nullable var mean: Double?
    @Nullable var half_width: Double?
    var replications: Int
  }

  struct Prediction: Encodable {
    var `where`: String
    var metric: String
    var unit: String
    var theory: Double
    @Nullable var simulated: Simulated?
    @Nullable var z: Double?
  }

  var scenario: String
  var file: String
  /// The result applied, or nil with `reason` when theory has none.
  @Nullable var method: String?
  @Nullable var reason: String?
  @Nullable var simulation: Simulation? = nil
  var predictions: [Prediction] = []
}
