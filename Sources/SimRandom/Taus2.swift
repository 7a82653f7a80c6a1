import CGSL

/// GSL's `taus2` generator stepped inline, on the state of a `gsl_rng` that GSL allocated and
/// seeded.
///
/// `gsl_rng_uniform` reaches the generator through two indirect calls per variate, which cost
/// as much as the variate itself when a buffer of them is filled. This is the same recurrence
/// (L'Ecuyer 1996, as in GSL's `rng/taus.c`): it reads and writes the state GSL keeps, so
/// draws through it and through GSL interleave into one sequence, bit for bit.
@usableFromInline
struct _Taus2 {
  /// `taus_state_t`: three `unsigned long`s, of which the low 32 bits are used.
  let state: UnsafeMutablePointer<UInt>

  @usableFromInline
  init(_ rng: UnsafeMutablePointer<gsl_rng>) {
    state = rng.pointee.state.assumingMemoryBound(to: UInt.self)
  }

  /// The next 32-bit output.
  @inline(__always)
  func next() -> UInt {
    let mask: UInt = 0xffff_ffff
    var s1 = state[0]
    var s2 = state[1]
    var s3 = state[2]
    s1 = (((s1 & 4_294_967_294) << 12) & mask) ^ ((((s1 << 13) & mask) ^ s1) >> 19)
    s2 = (((s2 & 4_294_967_288) << 4) & mask) ^ ((((s2 << 2) & mask) ^ s2) >> 25)
    s3 = (((s3 & 4_294_967_280) << 17) & mask) ^ ((((s3 << 3) & mask) ^ s3) >> 11)
    state[0] = s1
    state[1] = s2
    state[2] = s3
    return s1 ^ s2 ^ s3
  }

  /// A uniform variate in [0, 1): `gsl_rng_uniform` for `taus2`.
  @inline(__always)
  func uniform() -> Double { Double(next()) / 4_294_967_296.0 }

  /// Fills `buffer` with `transform(u)` of successive uniforms `u`, as `uniform()` would give
  /// them, with the state in registers meanwhile (stores through `state` in the loop would
  /// otherwise be kept, since the compiler cannot tell that `buffer` does not overlap it).
  @inline(__always)
  func fill(_ buffer: UnsafeMutableBufferPointer<Double>, _ transform: (Double) -> Double) {
    let mask: UInt = 0xffff_ffff
    var s1 = state[0]
    var s2 = state[1]
    var s3 = state[2]
    for i in buffer.indices {
      s1 = (((s1 & 4_294_967_294) << 12) & mask) ^ ((((s1 << 13) & mask) ^ s1) >> 19)
      s2 = (((s2 & 4_294_967_288) << 4) & mask) ^ ((((s2 << 2) & mask) ^ s2) >> 25)
      s3 = (((s3 & 4_294_967_280) << 17) & mask) ^ ((((s3 << 3) & mask) ^ s3) >> 11)
      buffer[i] = transform(Double(s1 ^ s2 ^ s3) / 4_294_967_296.0)
    }
    state[0] = s1
    state[1] = s2
    state[2] = s3
  }
}
