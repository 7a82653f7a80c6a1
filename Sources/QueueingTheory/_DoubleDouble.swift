/// A number carried as the unevaluated sum `hi + lo` of two doubles, about 32 significant digits.
///
/// Used where a short alternating sum cancels more digits than `Double` has (Erlang's M/D/1
/// waiting-time formula). Algorithms from Dekker 1971 and Hida, Li & Bailey 2001 (the QD
/// library): error-free `twoSum` and, through fused multiply-add, `twoProduct`. Only the
/// operations that formula needs are here.
struct _DoubleDouble {
  var hi: Double
  var lo: Double

  init(_ value: Double) {
    hi = value
    lo = 0
  }

  init(hi: Double, lo: Double) {
    self.hi = hi
    self.lo = lo
  }

  /// Unit roundoff of the format, 2^-104.
  static let unitRoundoff = 0x1p-104

  /// ln 2 to double-double precision.
  static let ln2 = _DoubleDouble(hi: 0.6931471805599453, lo: 2.3190468138462996e-17)

  /// `a + b` exactly, as a rounded sum and its error (Knuth's TwoSum).
  static func twoSum(_ a: Double, _ b: Double) -> _DoubleDouble {
    let s = a + b
    let bb = s - a
    return _DoubleDouble(hi: s, lo: (a - (s - bb)) + (b - bb))
  }

  /// `a + b` exactly when `|a| >= |b|` (Dekker's FastTwoSum).
  static func quickTwoSum(_ a: Double, _ b: Double) -> _DoubleDouble {
    let s = a + b
    return _DoubleDouble(hi: s, lo: b - (s - a))
  }

  /// `a * b` exactly, as a rounded product and its error (one fused multiply-add).
  static func twoProduct(_ a: Double, _ b: Double) -> _DoubleDouble {
    let p = a * b
    return _DoubleDouble(hi: p, lo: (-p).addingProduct(a, b))
  }

  static func + (a: _DoubleDouble, b: _DoubleDouble) -> _DoubleDouble {
    let s = twoSum(a.hi, b.hi)
    let t = twoSum(a.lo, b.lo)
    var r = quickTwoSum(s.hi, s.lo + t.hi)
    r = quickTwoSum(r.hi, r.lo + t.lo)
    return r
  }

  static prefix func - (a: _DoubleDouble) -> _DoubleDouble {
    _DoubleDouble(hi: -a.hi, lo: -a.lo)
  }

  static func - (a: _DoubleDouble, b: _DoubleDouble) -> _DoubleDouble { a + (-b) }

  static func * (a: _DoubleDouble, b: _DoubleDouble) -> _DoubleDouble {
    let p = twoProduct(a.hi, b.hi)
    return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi))
  }

  static func * (a: _DoubleDouble, b: Double) -> _DoubleDouble {
    let p = twoProduct(a.hi, b)
    return quickTwoSum(p.hi, p.lo + a.lo * b)
  }

  static func / (a: _DoubleDouble, b: Double) -> _DoubleDouble {
    let q1 = a.hi / b
    let p = twoProduct(q1, b)
    let s = twoSum(a.hi, -p.hi)
    let q2 = (s.hi + (s.lo - p.lo + a.lo)) / b
    return quickTwoSum(q1, q2)
  }

  /// Splits `self` into `m * 2^e` with `1 <= |m.hi| < 2`, exactly (0 stays 0 with e = 0).
  func splittingExponent() -> (mantissa: _DoubleDouble, exponent: Int) {
    guard hi != 0, hi.isFinite else { return (self, 0) }
    let e = Int(hi.exponent)
    return (scaled(byPowerOfTwo: -e), e)
  }

  /// `self * 2^n`, exact unless the result overflows or underflows.
  func scaled(byPowerOfTwo n: Int) -> _DoubleDouble {
    // Two steps, so that 2^(n/2) is representable for any |n| < 2098.
    let half = n / 2
    let first = Double(sign: .plus, exponent: half, significand: 1)
    let second = Double(sign: .plus, exponent: n - half, significand: 1)
    return _DoubleDouble(hi: hi * first * second, lo: lo * first * second)
  }

  /// `base^exponent` for `exponent >= 0` by repeated squaring (about 2 log2(exponent)
  /// products), returned as mantissa and power of two so that no range limit applies.
  static func power(
    _ base: _DoubleDouble,
    _ exponent: Int
  ) -> (mantissa: _DoubleDouble, exponent: Int) {
    var result = (mantissa: _DoubleDouble(1), exponent: 0)
    var square = base.splittingExponent()
    var remaining = exponent
    while remaining > 0 {
      if remaining & 1 == 1 {
        let product = (result.mantissa * square.mantissa).splittingExponent()
        result = (product.mantissa, result.exponent + square.exponent + product.exponent)
      }
      remaining >>= 1
      if remaining > 0 {
        let squared = (square.mantissa * square.mantissa).splittingExponent()
        square = (squared.mantissa, 2 * square.exponent + squared.exponent)
      }
    }
    return result
  }

  /// `e^x` to about 30 digits for `|x| < 700`.
  ///
  /// Reduces `x = m ln 2 + r`, evaluates `e^{r/512} - 1` by its Taylor series, squares back
  /// nine times through `(1 + s)^2 - 1 = 2 s + s^2`, and scales by `2^m` (QD's `exp`).
  static func exp(_ x: _DoubleDouble) -> _DoubleDouble {
    let m = (x.hi / ln2.hi).rounded()
    let r = (x - ln2 * m) / 512
    var sum = r
    var term = r
    for n in 2...20 {
      term = term * r / Double(n)
      sum = sum + term
      if abs(term.hi) < 1e-36 { break }
    }
    for _ in 0..<9 { sum = sum * 2 + sum * sum }
    sum = sum + _DoubleDouble(1)
    return sum.scaled(byPowerOfTwo: Int(m))
  }
}
