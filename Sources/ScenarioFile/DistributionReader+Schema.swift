extension DistributionReader {
  /// `{distribution: NAME, ...}`: each distribution with its parameters, in the order the
  /// messages list them.
  static let schema = Tagged(
    name: "distribution",
    summary: "A distribution of times: {distribution: NAME, ...its parameters}.",
    tag: "distribution",
    tagSummary: "Which distribution; its parameters follow.",
    variants: [
      (
        "exponential",
        Section(
          name: "exponential", summary: "Memoryless times, given by their mean or their rate.",
          keys: [
            .optional("mean", .duration(positive: true), "Mean time (give mean or rate)."),
            .optional("rate", .rate(positive: true), "Events per time, 1/mean (give mean or rate)."),
          ],
          exactlyOne: [["mean", "rate"]])
      ),
      (
        "deterministic",
        Section(
          name: "deterministic", summary: "Always the same time.",
          keys: [.required("value", .duration(positive: false), "The time, every time.")])
      ),
      (
        "uniform",
        Section(
          name: "uniform", summary: "Uniform between min and max.",
          keys: [
            .required("min", .duration(positive: false), "Shortest time."),
            .required("max", .duration(positive: false), "Longest time."),
          ])
      ),
      (
        "normal",
        Section(
          name: "normal", summary: "Normal, truncated at 0 (times are never negative).",
          keys: [
            .required("mean", .duration(positive: false), "Mean before truncation."),
            .required("sd", .duration(positive: true), "Standard deviation."),
          ])
      ),
      (
        "lognormal",
        Section(
          name: "lognormal", summary: "Lognormal by mean and coefficient of variation.",
          keys: [
            .required("mean", .duration(positive: true), "Mean time."),
            .required("cv", .number(1e-9...1e6), "Coefficient of variation: standard deviation / mean."),
          ])
      ),
      (
        "gamma",
        Section(
          name: "gamma", summary: "Gamma: mean = shape x scale.",
          keys: [
            .required("shape", .number(1e-9...1e9), "Shape (a number)."),
            .required("scale", .duration(positive: true), "Scale (a time)."),
          ])
      ),
      (
        "erlang",
        Section(
          name: "erlang", summary: "Sum of `phases` exponential phases.",
          keys: [
            .required("phases", .wholeNumber(1...10_000), "Number of exponential phases."),
            .required("mean", .duration(positive: true), "Mean of the whole (all phases)."),
          ])
      ),
      (
        "weibull",
        Section(
          name: "weibull", summary: "Weibull by shape and scale.",
          keys: [
            .required("shape", .number(1e-6...1e6), "Shape (a number)."),
            .required("scale", .duration(positive: true), "Scale (a time)."),
          ])
      ),
      (
        "hyperexponential",
        Section(
          name: "hyperexponential", summary: "A mixture of exponentials.",
          keys: [
            .required(
              "phases", .list(of: .section(hyperexponentialPhase)),
              "Phases [{p: 0.9, mean: 10ms}, ...]; probabilities sum to 1.")
          ])
      ),
      (
        "empirical",
        Section(
          name: "empirical", summary: "Resamples observed times uniformly.",
          keys: [.required("samples", .list(of: .duration(positive: false)), "Observed times [12ms, 15ms, ...].")])
      ),
    ])

  static let hyperexponentialPhase = Section(
    name: "hyperexponentialPhase", summary: "One phase of a hyperexponential distribution.",
    keys: [
      .required("p", .number(0...1), "Probability of this phase."),
      .required("mean", .duration(positive: true), "Mean time of this phase."),
    ])
}
