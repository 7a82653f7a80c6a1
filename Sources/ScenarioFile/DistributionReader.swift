import SimRandom

/// Reads a distribution written as a mapping: `{distribution: lognormal, mean: 120ms, cv: 1.5}`.
enum DistributionReader {
  /// Parameters of each distribution, in the order the messages list them.
  static let parameters: [String: [String]] = Dictionary(
    uniqueKeysWithValues: schema.variants.map { ($0.value, $0.section.keyNames) })

  static let names = schema.values

  /// Every key any distribution takes, `distribution` first.
  static let allKeys = ["distribution"] + Set(parameters.values.joined()).sorted()

  /// - Parameters:
  ///   - path: the node's key path in the topology, for overrides of single parameters.
  static func read(_ node: ConfigNode, path: String = "", overrides: Overrides = Overrides()) -> Distribution? {
    _ = node.declared("a distribution") { if case .distribution = $0 { true } else { false } }
    // All parameters are allowed until the name says which belong: "'sd' is not a parameter of
    // an exponential distribution" says more than "unknown key".
    guard let any = node.mapping(allowedKeys: allKeys) else { return nil }
    let tag = any.reading(as: Section(name: schema.name, summary: "", keys: [schema.tagKey]))
    guard let name = Fields(tag, path: path, overrides: overrides).required("distribution")?.oneOf() else {
      return nil
    }
    let mapping = any.reading(as: schema.section(for: name)!)
    let m = Fields(mapping, path: path, overrides: overrides)
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
        guard let v = mean.duration(), ok else { return nil }
        return build { () throws(DistributionError) in try .exponential(mean: v) }
      }
      guard let v = rate!.rate(), ok else { return nil }
      return build { () throws(DistributionError) in try .exponential(rate: v) }
    case "deterministic":
      guard let v = m.required("value")?.duration(), ok else { return nil }
      return build { () throws(DistributionError) in try .deterministic(v) }
    case "uniform":
      let low = m.required("min")?.duration()
      let high = m.required("max")?.duration()
      guard let low, let high, ok else { return nil }
      // Said in the file's own keys (the factory's are low and high, in bare seconds).
      guard high > low else {
        m["max"]?.error("max (\(m["max"]?.scalarText ?? "")) must exceed min (\(m["min"]?.scalarText ?? ""))")
        return nil
      }
      return build { () throws(DistributionError) in try .uniform(low: low, high: high) }
    case "normal":
      let mean = m.required("mean")?.duration()
      let sd = m.required("sd")?.duration()
      guard let mean, let sd, ok else { return nil }
      let normal = build { () throws(DistributionError) in try .normal(mean: mean, standardDeviation: sd) }
      // Truncated at 0: a wide one has a larger mean than written, which every figure follows.
      if let normal, abs(normal.mean - mean) > 0.05 * mean {
        node.warning(
          "a normal distribution is cut at 0 (no negative times): with this sd its mean is \(Self.seconds(normal.mean)), not \(Self.seconds(mean)); a lognormal or gamma keeps the mean as written")
      }
      return normal
    case "lognormal":
      let mean = m.required("mean")?.duration()
      let cv = m.required("cv")?.double()
      guard let mean, let cv, ok else { return nil }
      return build { () throws(DistributionError) in try .lognormal(mean: mean, cv: cv) }
    case "gamma":
      let shape = m.required("shape")?.double()
      let scale = m.required("scale")?.duration()
      guard let shape, let scale, ok else { return nil }
      return build { () throws(DistributionError) in try .gamma(shape: shape, scale: scale) }
    case "erlang":
      let phases = m.required("phases")?.int()
      let mean = m.required("mean")?.duration()
      guard let phases, let mean, ok else { return nil }
      return build { () throws(DistributionError) in try .erlang(phases: phases, mean: mean) }
    case "weibull":
      let shape = m.required("shape")?.double()
      let scale = m.required("scale")?.duration()
      guard let shape, let scale, ok else { return nil }
      return build { () throws(DistributionError) in try .weibull(shape: shape, scale: scale) }
    case "hyperexponential":
      guard let phases = m.items("phases", required: true) else { return nil }
      var probabilities: [Double] = []
      var means: [Double] = []
      for (i, phase) in phases.enumerated() {
        let phasePath = ConfigKeyPath.appending(index: i, to: m.path(of: "phases"))
        guard let pm = Fields.section(phase, hyperexponentialPhase, path: phasePath, overrides) else {
          ok = false
          continue
        }
        let p = pm.required("p")?.double()
        let mean = pm.required("mean")?.duration()
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
      guard let samples = m.items("samples", required: true) else { return nil }
      let values = samples.map { $0.duration() }
      guard ok, values.allSatisfy({ $0 != nil }) else { return nil }
      return build { () throws(DistributionError) in try .empirical(values.map { $0! }) }
    default:
      return nil
    }
  }

  /// `0.0283` as `28.3ms`, for messages.
  static func seconds(_ value: Double) -> String {
    value >= 1 ? String(format: "%.3gs", value) : String(format: "%.3gms", value * 1_000)
  }
}
