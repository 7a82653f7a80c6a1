import CGSL

/// Nelder and Mead's simplex search (1965) within box bounds, by GSL's `nmsimplex2`.
///
/// The search runs in the unit box (each coordinate scaled to its bounds), so one size
/// tolerance and one first step (a tenth of each side) fit parameters of any scale. A point
/// outside the box is evaluated at its nearest point inside it, and the result is that point.
package enum NelderMead {
  /// The bounds and the function, for GSL's callback.
  private struct Problem {
    var low: [Double]
    var high: [Double]
    var f: ([Double]) -> Double

    func point(_ unit: UnsafePointer<gsl_vector>) -> [Double] {
      low.indices.map { i in low[i] + min(max(gsl_vector_get(unit, i), 0), 1) * (high[i] - low[i]) }
    }
  }

  /// The lowest value found from `start` (within `low`...`high`) and where.
  ///
  /// Stops when the simplex has shrunk below `tolerance` of the box, or after `iterations`.
  /// A value that is not finite (no solution there) is taken as the largest finite one, so the
  /// simplex moves away from it instead of GSL giving up.
  package static func minimize(
    _ f: ([Double]) -> Double, from start: [Double], low: [Double], high: [Double], iterations: Int = 400,
    tolerance: Double = 1e-7
  ) -> (point: [Double], value: Double) {
    let n = start.count
    precondition(n > 0 && low.count == n && high.count == n, "bounds of another dimension")
    _ = gsl_set_error_handler_off()
    return withoutActuallyEscaping(f) { f in
      var problem = Problem(low: low, high: high, f: f)
      let minimizer = gsl_multimin_fminimizer_alloc(capsim_nmsimplex2(), n)!
      let x = gsl_vector_alloc(n)!
      let steps = gsl_vector_alloc(n)!
      defer {
        gsl_vector_free(steps)
        gsl_vector_free(x)
        gsl_multimin_fminimizer_free(minimizer)
      }
      for i in 0..<n {
        let side = high[i] - low[i]
        let u = side > 0 ? min(max((start[i] - low[i]) / side, 0), 1) : 0
        gsl_vector_set(x, i, u)
        // A tenth of the side, inward where the start is near the upper bound.
        gsl_vector_set(steps, i, u + 0.1 <= 1 ? 0.1 : -0.1)
      }
      return withUnsafeMutablePointer(to: &problem) { problem in
        var function = gsl_multimin_function(
          f: { unit, params in
            let problem = params!.assumingMemoryBound(to: Problem.self).pointee
            let value = problem.f(problem.point(unit!))
            return value.isFinite ? value : .greatestFiniteMagnitude
          }, n: n, params: UnsafeMutableRawPointer(problem))
        guard gsl_multimin_fminimizer_set(minimizer, &function, x, steps) == GSL_SUCCESS else {
          let point = problem.pointee.point(x)
          return (point, f(point))
        }
        for _ in 0..<iterations {
          guard gsl_multimin_fminimizer_iterate(minimizer) == GSL_SUCCESS else { break }
          if gsl_multimin_test_size(gsl_multimin_fminimizer_size(minimizer), tolerance) == GSL_SUCCESS { break }
        }
        let point = problem.pointee.point(minimizer.pointee.x)
        let value = minimizer.pointee.fval
        return (point, value == .greatestFiniteMagnitude ? .infinity : value)
      }
    }
  }
}
