import CGSL

/// One independent stream of random numbers: a GSL combined Tausworthe generator
/// (`gsl_rng_taus2`, period 2^88) seeded from the run seed, the replication and the stream's name.
///
/// Each replication creates its own streams; a stream is never shared between threads.
/// GSL seeds it from 32 bits, so the derived 64-bit seed is folded to 32 bits (a collision
/// between two of a model's few hundred streams has probability below 1e-5).
package final class RandomStream {
  package let name: String
  package let seed: UInt32
  @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

  package init(name: String, runSeed: UInt64, replication: Int) {
    GSL.setUp()
    self.name = name
    let wide = StreamSeed.derive(runSeed: runSeed, replication: replication, name: name)
    let folded = UInt32(truncatingIfNeeded: wide ^ (wide >> 32))
    seed = folded == 0 ? 4357 : folded
    guard let rng = gsl_rng_alloc(capsim_rng_type()) else {
      fatalError("GSL could not allocate a random number generator (out of memory)")
    }
    self.rng = rng
    gsl_rng_set(rng, UInt(seed))
  }

  deinit { gsl_rng_free(rng) }

  /// A uniform variate in [0, 1).
  @inlinable package func uniform() -> Double { gsl_rng_uniform(rng) }

  /// A uniform integer in `0 ..< bound`; `bound` must be at least 1.
  @inlinable package func uniformInt(below bound: Int) -> Int {
    precondition(bound >= 1, "uniformInt(below:) needs a positive bound, got \(bound)")
    return Int(gsl_rng_uniform_int(rng, UInt(bound)))
  }

  /// One variate from `distribution`.
  package func sample(_ distribution: Distribution) -> Double {
    distribution.sample(rng)
  }
}
