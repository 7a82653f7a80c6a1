/// The natural logarithm, inline and without branches, for the exponential variates.
///
/// fdlibm's `__ieee754_log` (Sun Microsystems 1993) in the branch-free form musl kept until
/// 2018: `x = 2^k (1 + f)` with `1 + f` in [sqrt(2)/2, sqrt(2)), then `log(1 + f)` from
/// `s = f / (2 + f)` and a degree-14 polynomial in `s` (Remez), error below 1 ulp. Unlike
/// libm's `log` it is a handful of arithmetic operations the compiler sees, so a buffer of
/// variates is filled without a call per variate, and its result is the same on every machine
/// (libm picks an FMA variant at run time).
package enum Logarithm {
  static let ln2Hi = 6.93147180369123816490e-01
  static let ln2Lo = 1.90821492927058770002e-10
  static let lg1 = 6.666666666666735130e-01
  static let lg2 = 3.999999999940941908e-01
  static let lg3 = 2.857142874366239149e-01
  static let lg4 = 2.222219843214978396e-01
  static let lg5 = 1.818357216161805012e-01
  static let lg6 = 1.531383769920937332e-01
  static let lg7 = 1.479819860511658591e-01

  /// ln(x) for a positive, normal, finite `x` (the caller's guarantee: no zero, subnormal,
  /// negative, infinite or NaN argument is handled).
  @inline(__always)
  package static func ln(_ x: Double) -> Double {
    // Move the exponent so that the mantissa lands in [sqrt(2)/2, sqrt(2)).
    var bits = x.bitPattern &+ (0x3ff0_0000_0000_0000 &- 0x3fe6_a09e_0000_0000)
    let k = Int32(truncatingIfNeeded: bits >> 52) &- 0x3ff
    bits = (bits & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_0000_0000
    let f = Double(bitPattern: bits) - 1
    let hfsq = 0.5 * f * f
    let s = f / (2 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (lg2 + w * (lg4 + w * lg6))
    let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
    let r = t2 + t1
    let dk = Double(k)
    return s * (hfsq + r) + dk * ln2Lo - hfsq + f + dk * ln2Hi
  }
}
