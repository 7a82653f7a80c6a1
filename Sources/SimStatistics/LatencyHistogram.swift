/// Durations in seconds, for percentiles, in constant memory.
///
/// A log-linear histogram (the layout of HdrHistogram, Tene 2012): each power of two from 2^-20 s
/// (about 1 microsecond) to 2^25 s (about a year) is cut into 2^k equal buckets, k = 6 for
/// `.coarse` and k = 10 for `.fine`. The bucket of a value is read straight off its IEEE-754
/// exponent and top mantissa bits.
///
/// A quantile is interpolated inside the bucket holding the exact empirical quantile, as if that
/// bucket's values were spread evenly across it (the rank's share of the bucket's count, less a
/// half), then clamped to the smallest and largest value recorded. So it is never more than a
/// bucket from the exact quantile: 2^-k relative, 1.6% coarse, 0.1% fine (plus 1 microsecond
/// below 1 microsecond; values above a year are clamped to the largest recorded); and, unlike a
/// bucket's midpoint, it moves with the counts, so replications whose quantiles fall in one
/// bucket still differ and their confidence interval shows the real spread instead of +-0.
///
/// Why not hdrhistogram-swift: recording through it cost 30% of the whole simulation on the M/M/4
/// benchmark (struct copies and copy-on-write checks per call); this records with a shift, a
/// subtraction and an increment. Noncopyable, since it owns its counts.
public struct LatencyHistogram: ~Copyable {
  /// Resolution: a bucket is 1.6% (coarse) or 0.1% (fine) of the value.
  package enum Precision: Sendable {
    case coarse, fine
    var subBucketBits: Int { self == .coarse ? 6 : 10 }
  }

  @usableFromInline static let lowestExponent = -20
  @usableFromInline static let octaves = 45

  @usableFromInline let counts: UnsafeMutablePointer<UInt32>
  /// Multiples of 2^32 per bucket, for the rare bucket that overflows.
  @usableFromInline var carries: [Int: UInt64] = [:]
  @usableFromInline let bucketCount: Int
  @usableFromInline let shift: UInt64
  /// Index of 2^lowestExponent in the bit pattern, shifted.
  @usableFromInline let base: Int
  /// Number of values recorded.
  public var count: UInt64 { _count }
  @usableFromInline var _count: UInt64 = 0
  @usableFromInline var smallest = Double.infinity
  @usableFromInline var largest = 0.0
  let precision: Precision

  package init(precision: Precision = .fine) {
    self.precision = precision
    let k = precision.subBucketBits
    bucketCount = Self.octaves << k
    counts = .allocate(capacity: bucketCount)
    counts.initialize(repeating: 0, count: bucketCount)
    shift = UInt64(52 - k)
    base = Int(Double.pow2(Self.lowestExponent).bitPattern >> shift)
  }

  deinit { counts.deallocate() }

  /// Records one duration in seconds (negative values count as 0).
  @inlinable @inline(__always)
  public mutating func record(_ seconds: Double) {
    _count &+= 1
    if seconds < smallest { smallest = seconds }
    if seconds > largest { largest = seconds }
    let index = Int(truncatingIfNeeded: seconds.bitPattern >> shift) &- base
    // Below the lowest bucket (including 0 and negatives, whose sign bit makes the index huge)
    // goes to bucket 0; above the highest, to the last.
    let clamped = seconds < 0x1p-20 ? 0 : (index < bucketCount ? index : bucketCount - 1)
    let (sum, overflow) = counts[clamped].addingReportingOverflow(1)
    counts[clamped] = sum
    if overflow { carry(clamped) }
  }

  @usableFromInline
  mutating func carry(_ bucket: Int) { carries[bucket, default: 0] += 1 }

  /// Records `count` equal durations at once: a share of requests whose latency a model
  /// computed rather than simulated (the hybrid mode).
  public mutating func record(_ seconds: Double, count: UInt64) {
    guard count > 0 else { return }
    _count &+= count
    if seconds < smallest { smallest = seconds }
    if seconds > largest { largest = seconds }
    let index = Int(truncatingIfNeeded: seconds.bitPattern >> shift) &- base
    let i = seconds < 0x1p-20 ? 0 : (index < bucketCount ? index : bucketCount - 1)
    let total = UInt64(counts[i]) + count
    counts[i] = UInt32(truncatingIfNeeded: total)
    if total >> 32 > 0 { carries[i, default: 0] += total >> 32 }
  }

  /// The full count of a bucket.
  func bucket(_ i: Int) -> UInt64 { UInt64(counts[i]) + (carries[i] ?? 0) << 32 }

  /// The `quantile` (0...1) of the recorded durations in seconds; nil when empty.
  package func quantile(_ quantile: Double) -> Double? {
    guard count > 0 else { return nil }
    // Nearest rank: the smallest value with at least ceil(q n) values at or below it.
    let rank = Swift.max(1, UInt64((quantile * Double(count)).rounded(.up)))
    var cumulative: UInt64 = 0
    for i in 0..<bucketCount {
      cumulative &+= bucket(i)
      if cumulative >= rank {
        if i == 0 { return smallest }  // everything below a microsecond
        let inBucket = bucket(i)
        let low = Double(bitPattern: UInt64(i + base) << shift)
        let high = Double(bitPattern: UInt64(i + base + 1) << shift)
        // The rank's place among the bucket's values, each taken at the middle of its share.
        let share = (Double(rank - (cumulative - inBucket)) - 0.5) / Double(inBucket)
        return Swift.min(Swift.max(low + share * (high - low), smallest), largest)
      }
    }
    return largest
  }

  /// Forgets every value recorded, keeping the memory.
  package mutating func reset() {
    counts.update(repeating: 0, count: bucketCount)
    carries = [:]
    _count = 0
    smallest = .infinity
    largest = 0
  }

  /// Adds every value recorded in `other` (same precision).
  package mutating func merge(_ other: borrowing LatencyHistogram) {
    precondition(other.bucketCount == bucketCount, "cannot merge histograms of different precision")
    for i in 0..<bucketCount {
      let (sum, overflow) = counts[i].addingReportingOverflow(other.counts[i])
      counts[i] = sum
      if overflow { carry(i) }
    }
    for (i, c) in other.carries { carries[i, default: 0] += c }
    _count &+= other.count
    smallest = Swift.min(smallest, other.smallest)
    largest = Swift.max(largest, other.largest)
  }
}

extension Double {
  fileprivate static func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
}

extension LatencyHistogram {
  /// An independent copy; for tests.
  package func copyForTesting() -> LatencyHistogram {
    var copy = LatencyHistogram(precision: precision)
    copy.merge(self)
    return copy
  }
}
