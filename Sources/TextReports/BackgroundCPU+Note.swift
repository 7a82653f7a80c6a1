import Calibration
import Foundation

extension BackgroundCPU {
  /// What `capsim calibrate` says on stderr when it takes the background out of a workload's
  /// demands: how much, and what the lightest fitted level's demand was and is.
  package func note(workload: String, clients: Int, was: Double, now: Double) -> String {
    "capsim: note: \(workload): the CPU exports show \(String(format: "%.3g", cores)) busy cores at no load "
      + "(busy cores = \(String(format: "%.3g", cores)) + rate x \(String(format: "%.4g", demand * 1_000)) ms over the "
      + "fitted levels): background work, not the requests', taken out of each level's demand (at \(clients) "
      + "user\(clients == 1 ? "" : "s") \(String(format: "%.4g", was * 1_000)) ms -> \(String(format: "%.4g", now * 1_000)) ms)"
  }
}
