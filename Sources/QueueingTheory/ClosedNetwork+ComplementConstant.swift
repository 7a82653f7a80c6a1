#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The scaled normalizing constant of a closed network with one station left out, in logs.
///
/// Holds `log g(n)` with `g(n) = G_{-k}(n) X(1) ... X(n)`, where G_{-k} is the product-form
/// normalizing constant of the network without station k and X the throughput of the whole
/// network; `g(n)` is p_k(0 | n) (see ``ClosedNetwork``). G_{-k} is the convolution of the
/// think-time term with one term per remaining queueing station (Buzen 1973):
///
///     f_Z(j) = Z^j / j!                                   all delays, Z their total
///     f_m(j) = D_m^j / prod_{i=1}^{j} alpha_m(i)           queueing station m
///
/// with alpha_m(i) = min(i, c_m) for c servers, or the listed rates of a load-dependent station
/// (constant from J_m on; read c for J below).
///
/// Scaling by `s(n) = X(1) ... X(n)` turns `(f * u)(n)` into
/// `sum_j f(j) [s(n) / s(n-j)] u(n-j)`, and keeps every partial product at most 1 because the
/// whole network's scaled constant is exactly 1. For j >= c the station term is geometric,
/// `f(j) = f(j-1) D / c`, so the tail `T(n) = sum_{j>=c} ...` obeys
/// `T(n) = (D / c) X(n) T(n-1) + f(c) [s(n) / s(n-c)] u(n-c)` and each population costs O(c).
/// Everything is a sum of positive terms, evaluated as log-sum-exp, hence no cancellation and
/// no overflow or underflow at any population.
package struct _ComplementConstant {
  /// Sum of the think time and the demands of all delay stations.
  let totalDelay: Double
  /// The remaining queueing stations, convolved in this order.
  let stages: [(logDemand: Double, rates: _RateProfile)]
  /// Logs of the partial convolutions, by stage and population.
  ///
  /// `history[0][n]` is the scaled think-time term, `history[m + 1][n]` the value after
  /// convolving stage m; n = 0...N and `history[m][0] = 0` (G(0) = 1).
  private var history: [[Double]]
  /// `log T(n)` of each stage after the last step.
  private var tails: [Double]
  /// Scratch space for the terms of one log-sum-exp.
  private var terms: [Double]

  package init(totalDelay: Double, stations: [(demand: Double, servers: Int)], population: Int) {
    self.init(
      totalDelay: totalDelay,
      stations: stations.map { ($0.demand, _RateProfile(.queueing(servers: $0.servers), limit: population + 1)!) },
      population: population)
  }

  package init(totalDelay: Double, stations: [(demand: Double, rates: _RateProfile)], population: Int) {
    self.totalDelay = totalDelay
    self.stages = stations.map { (log($0.demand), $0.rates) }
    var history = [[Double]](repeating: [], count: stations.count + 1)
    for m in history.indices {
      history[m] = [Double](repeating: -.infinity, count: population + 1)
      history[m][0] = 0
    }
    self.history = history
    self.tails = Array(repeating: -.infinity, count: stations.count)
    let largest = min(stations.map(\.rates.constantFrom).max() ?? 1, population + 1)
    self.terms = []
    terms.reserveCapacity(largest + 2)
  }

  /// Computes `log g(n)` from the values at earlier populations and returns it.
  ///
  /// - Parameters:
  ///   - n: The next population; calls must come in the order 1, 2, 3, ...
  ///   - logThroughputs: `log X(i)` for i = 1...n (index 0 unused).
  /// - Returns: `log p_k(0 | n)`; `-inf` when station k can never be empty at population n.
  package mutating func advance(to n: Int, logThroughputs: [Double]) -> Double {
    let logX = logThroughputs[n]
    history[0][n] =
      totalDelay > 0
      ? history[0][n - 1] + log(totalDelay) + logX - log(Double(n))
      : -.infinity
    for (m, stage) in stages.enumerated() {
      let next = convolve(
        stage: m, logDemand: stage.logDemand, rates: stage.rates, at: n,
        logThroughputs: logThroughputs)
      history[m + 1][n] = next
    }
    return history[stages.count][n]
  }

  /// One stage: `v(n) = sum_{j<c} w(n, j) u(n-j) + T(n)` with `w(n, j) = f(j) s(n) / s(n-j)`.
  private mutating func convolve(
    stage m: Int, logDemand: Double, rates: _RateProfile, at n: Int, logThroughputs: [Double]
  ) -> Double {
    let c = rates.constantFrom
    let input = history[m]
    terms.removeAll(keepingCapacity: true)
    terms.append(input[n])
    // log w(n, j), built up j by j: w(n, j) = w(n, j-1) D X(n-j+1) / alpha(j) for j < c.
    var logWeight = 0.0
    let head = min(c - 1, n)
    if head >= 1 {
      for j in 1...head {
        logWeight += logDemand + logThroughputs[n - j + 1] - rates.logRate(j)
        terms.append(logWeight + input[n - j])
      }
    }
    var tail = logDemand - rates.logTail + logThroughputs[n] + tails[m]
    if n >= c {
      // w(n, c) = w(n, c-1) D X(n-c+1) / alpha(c); the loop above ended at j = c - 1.
      let logWeightC = logWeight + logDemand + logThroughputs[n - c + 1] - rates.logTail
      tail = Self.logAddExp(tail, logWeightC + input[n - c])
    }
    tails[m] = tail
    terms.append(tail)
    return Self.logSumExp(terms)
  }

  /// `log(e^a + e^b)` without overflow; `-inf` terms contribute nothing.
  static func logAddExp(_ a: Double, _ b: Double) -> Double {
    let high = max(a, b)
    guard high > -.infinity else { return -.infinity }
    return high + log1p(exp(min(a, b) - high))
  }

  /// `log(sum e^x)` without overflow; `-inf` for an empty sum or all `-inf`.
  static func logSumExp(_ values: [Double]) -> Double {
    guard let high = values.max(), high > -.infinity else { return -.infinity }
    var sum = 0.0
    for value in values { sum += exp(value - high) }
    return high + log(sum)
  }
}
