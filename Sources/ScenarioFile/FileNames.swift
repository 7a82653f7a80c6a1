/// Names derived from file paths, for messages and default names.
enum FileNames {
  /// "scenarios/peak.yaml" -> "peak.yaml"
  static func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  /// A file's name without its YAML extension: what a scenario or topology is called when it
  /// does not say.
  static func defaultName(_ path: String) -> String {
    let base = baseName(path)
    for suffix in [".yaml", ".yml"] where base.hasSuffix(suffix) && base.count > suffix.count {
      return String(base.dropLast(suffix.count))
    }
    return base
  }
}

extension ConfigNode {
  /// Reports, here, a series of more than 100,000 intervals (or one whose count does not fit an
  /// integer); returns whether the count is acceptable.
  func checkIntervalCount(horizon: Double, series: Double, hint: String) -> Bool {
    let intervals = horizon / series
    guard intervals > 100_000 else { return true }
    let count = intervals < 1e15 ? "\(Int(intervals))" : "more than 10^15"
    error("\(count) intervals of \(ConfigNode.format(series))s: use at most 100,000 (\(hint))")
    return false
  }
}
