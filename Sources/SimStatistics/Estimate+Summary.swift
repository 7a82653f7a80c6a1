extension Estimate {
  /// An estimate known only by its summary (a baseline kept as mean, standard deviation and
  /// count), with the interval its replications would have given.
  package init(mean: Double, standardDeviation: Double?, count: Int, confidence: Double = 0.95) {
    self.init([], confidence: confidence)
    self.mean = mean
    self.count = count
    guard let sd = standardDeviation, count >= 2 else { return }
    self.standardDeviation = sd
    halfWidth = Self.tQuantile(1 - (1 - confidence) / 2, degrees: count - 1) * sd / Double(count).squareRoot()
  }
}
