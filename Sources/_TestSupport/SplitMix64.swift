/// A small, repeatable random number generator for property tests (SplitMix64, Steele, Lea &
/// Flood 2014): the seed goes into every failure message, so a failing case can be replayed.
package struct SplitMix64: RandomNumberGenerator {
  package var state: UInt64

  package init(seed: UInt64) { state = seed &* 0x9e37_79b9_7f4a_7c15 }

  package mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
