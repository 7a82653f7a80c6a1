import SimRandom

/// Reads a distribution written as a mapping: `{distribution: lognormal, mean: 120ms, cv: 1.5}`.
enum DistributionReader {
  /// Parameters of each distribution, in the order the messages list them.
  static let parameters: [String: [String]] = [
    "exponential": ["mean", "rate"],
    "deterministic": ["value"],
    "uniform": ["min", "max"],
    "normal": ["mean", "sd"],
    "lognormal": ["mean", "cv"],
    "gamma": ["shape", "scale"],
    "erlang": ["phases", "mean"],
    "weibull": ["shape", "scale"],
    "hyperexponential": ["phases"],
    "empirical": ["samples"],
  ]

  static let names = ["exponential", "deterministic", "uniform", "normal", "lognormal", "gamma",
    "erlang", "weibull", "hyperexponential", "empirical"]

  /// - Parameters:
  ///   - path: the node's key path in the topology, for overrides of single parameters.
  static func read(_ node: ConfigNode, path: String = "", overrides: Overrides = Overrides()) -> Distribution? {
    let allKeys = ["distribution"] + Set(parameters.values.joined()).sorted()
    guard let mapping = node.mapping(allowedKeys: allKeys) else { return nil }
    let m = Fields(mapping, path: path, overrides: overrides)
    guard let name = m.required("distribution")?.oneOf(names) else { return nil }
    let allowed = parameters[name]!
    var ok = true
    for key in mapping.keys where key != "distribution" && !allowed.contains(key) {
      mapping.keyNode(key)?.error(
        "'\(key)' is not a parameter of a \(name) distribution (it takes \(allowed.joined(separator: ", ")))")
      ok = false
    }
    func build(_ make: () throws(DistributionError) -> Distribution) -> Distribution? {
      do { return try make() } catch {
        node.error(error.message)
        return nil
      }
    }
    switch name {
    case "exponential":
      let mean = m["mean"]
      let rate = m["rate"]
      if (mean == nil) == (rate == nil) {
        node.error("an exponential distribution takes exactly one of 'mean' (a duration) or 'rate' (per time)")
        return nil
      }
      if let mean {
        guard let v = mean.duration(positive: true), ok else { return nil }
        return build { () throws(DistributionError) in try .exponential(mean: v) }
      }
      guard let v = rate!.rate(positive: true), ok else { return nil }
      return build { () throws(DistributionError) in try .exponential(rate: v) }
    case "deterministic":
      guard let v = m.required("value")?.duration(), ok else { return nil }
      return build { () throws(DistributionError) in try .deterministic(v) }
    case "uniform":
      let low = m.required("min")?.duration()
      let high = m.required("max")?.duration()
      guard let low, let high, ok else { return nil }
      return build { () throws(DistributionError) in try .uniform(low: low, high: high) }
    case "normal":
      let mean = m.required("mean")?.duration()
      let sd = m.required("sd")?.duration(positive: true)
      guard let mean, let sd, ok else { return nil }
      return build { () throws(DistributionError) in try .normal(mean: mean, standardDeviation: sd) }
    case "lognormal":
      let mean = m.required("mean")?.duration(positive: true)
      let cv = m.required("cv")?.double(in: 1e-9...1e6)
      guard let mean, let cv, ok else { return nil }
      return build { () throws(DistributionError) in try .lognormal(mean: mean, cv: cv) }
    case "gamma":
      let shape = m.required("shape")?.double(in: 1e-9...1e9)
      let scale = m.required("scale")?.duration(positive: true)
      guard let shape, let scale, ok else { return nil }
      return build { () throws(DistributionError) in try .gamma(shape: shape, scale: scale) }
    case "erlang":
      let phases = m.required("phases")?.int(in: 1...10_000)
      let mean = m.required("mean")?.duration(positive: true)
      guard let phases, let mean, ok else { return nil }
      return build { () throws(DistributionError) in try .erlang(phases: phases, mean: mean) }
    case "weibull":
      let shape = m.required("shape")?.double(in: 1e-6...1e6)
      let scale = m.required("scale")?.duration(positive: true)
      guard let shape, let scale, ok else { return nil }
      return build { () throws(DistributionError) in try .weibull(shape: shape, scale: scale) }
    case "hyperexponential":
      guard let phases = m.required("phases")?.sequence() else { return nil }
      var probabilities: [Double] = []
      var means: [Double] = []
      for phase in phases {
        guard let pm = phase.mapping(allowedKeys: ["p", "mean"]) else {
          ok = false
          continue
        }
        let p = pm.required("p")?.double(in: 0...1)
        let mean = pm.required("mean")?.duration(positive: true)
        if let p, let mean {
          probabilities.append(p)
          means.append(mean)
        } else {
          ok = false
        }
      }
      guard ok else { return nil }
      return build { () throws(DistributionError) in try .hyperexponential(probabilities: probabilities, means: means) }
    case "empirical":
      guard let samples = m.required("samples")?.sequence() else { return nil }
      let values = samples.map { $0.duration() }
      guard ok, values.allSatisfy({ $0 != nil }) else { return nil }
      return build { () throws(DistributionError) in try .empirical(values.map { $0! }) }
    default:
      return nil
    }
  }
}
