import Foundation

extension Distribution {
  /// The same shape with every duration `factor` times as long (`factor` > 0): the mean and
  /// standard deviation scale by it, the coefficient of variation stays.
  package func scaled(by factor: Double) -> Distribution {
    precondition(factor > 0 && factor.isFinite, "a scale factor is a positive finite number")
    return switch kind {
    case .exponential(let mean): Distribution(.exponential(mean: mean * factor))
    case .deterministic(let value): Distribution(.deterministic(value: value * factor))
    case .uniform(let low, let high): Distribution(.uniform(low: low * factor, high: high * factor))
    case .truncatedNormal(let mu, let sigma): Distribution(.truncatedNormal(mu: mu * factor, sigma: sigma * factor))
    case .lognormal(let mu, let sigma): Distribution(.lognormal(mu: mu + log(factor), sigma: sigma))
    case .gamma(let shape, let scale): Distribution(.gamma(shape: shape, scale: scale * factor))
    case .erlang(let phases, let mean): Distribution(.erlang(phases: phases, mean: mean * factor))
    case .weibull(let shape, let scale): Distribution(.weibull(shape: shape, scale: scale * factor))
    case .hyperexponential(let p, let means):
      Distribution(.hyperexponential(probabilities: p, means: means.map { $0 * factor }))
    case .empirical(let samples): Distribution(.empirical(samples: samples.map { $0 * factor }))
    }
  }
}
