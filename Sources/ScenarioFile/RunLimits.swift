/// Bounds on how a run is asked for, shared by the files and the command line.
package enum RunLimits {
  /// Replications of one run: each keeps its results in memory until the run ends, and no
  /// interval needs more.
  package static let replications = 1...100_000

  /// Replications of a whole sweep (points x replications): each is a run of the scenario, and
  /// the list of them is made before the first runs.
  package static let sweepReplications = 1_000_000

  /// The error for `flag` (`--replications`) outside `range`, or nil.
  package static func check(_ flag: String, _ value: Int?, _ range: ClosedRange<Int> = replications) -> String? {
    guard let value, !range.contains(value) else { return nil }
    return "\(flag) must be between \(range.lowerBound) and \(range.upperBound), found \(value)"
  }
}
