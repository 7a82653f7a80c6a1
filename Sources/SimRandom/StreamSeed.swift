/// Derives the seed of one named random stream.
///
/// The seed depends only on the run seed, the replication number and the stream's name: adding a
/// station or reordering the file does not shift any other stream (common random numbers across
/// what-if variants). Names are hashed with FNV-1a (stable across processes, unlike `Hasher`),
/// and the parts are mixed with SplitMix64 (Steele, Lea & Flood 2014).
package enum StreamSeed {
  package static func derive(runSeed: UInt64, replication: Int, name: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      h ^= UInt64(byte)
      h = h &* 0x0000_0100_0000_01b3
    }
    var x = splitMix(runSeed)
    x = splitMix(x ^ UInt64(truncatingIfNeeded: replication) &* 0x9e37_79b9_7f4a_7c15)
    return splitMix(x ^ h)
  }

  @inline(__always)
  static func splitMix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
