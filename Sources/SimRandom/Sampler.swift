/// A distribution bound to its own stream, handing out variates from a prefetched buffer.
///
/// The hot path (`next()`) is an index increment and a load; the buffer is refilled through GSL
/// every `bufferSize` draws. Buffering does not change the sequence: variate i of a sampler is the
/// same whether drawn one at a time or in blocks, so results do not depend on the buffer size.
/// Stored inline in the model's arrays and mutated in place, so no reference counting per draw.
///
/// `public` and `@inlinable` for cross-module specialization (see SimKernel's README).
public struct Sampler {
  package static let bufferSize = 256

  package let distribution: Distribution
  package let stream: RandomStream
  @usableFromInline var buffer: [Double]
  @usableFromInline var position: Int

  package init(_ distribution: Distribution, stream: RandomStream) {
    self.distribution = distribution
    self.stream = stream
    buffer = Array(repeating: 0, count: Self.bufferSize)
    position = Self.bufferSize
  }

  /// The next variate.
  @inlinable @inline(__always)
  public mutating func next() -> Double {
    if position == buffer.count { refill() }
    let value = buffer[position]
    position &+= 1
    return value
  }

  @usableFromInline
  mutating func refill() {
    let rng = stream.rng
    buffer.withUnsafeMutableBufferPointer { distribution.fill($0, rng) }
    position = 0
  }
}
