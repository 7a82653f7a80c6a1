/// Simulated time in seconds.
public typealias SimTime = Double

/// A scheduled occurrence: when it happens, its place among equal times, and what it is.
///
/// Ordering is by `time`, then by `sequence`: the kernel hands out increasing sequence numbers, so
/// two events at the same instant run in the order they were scheduled (first in, first out).
/// `Heap` alone promises nothing about equal keys, which would make runs irreproducible.
public struct Event<Payload>: Comparable {
  public var time: SimTime
  public var sequence: UInt64
  public var payload: Payload

  @inlinable
  public init(time: SimTime, sequence: UInt64, payload: Payload) {
    self.time = time
    self.sequence = sequence
    self.payload = payload
  }

  @inlinable
  public static func < (lhs: Self, rhs: Self) -> Bool {
    lhs.time < rhs.time || (lhs.time == rhs.time && lhs.sequence < rhs.sequence)
  }

  /// Two events are the same event at the same time and sequence number (the ordering's keys);
  /// the payload is not compared.
  @inlinable
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.time == rhs.time && lhs.sequence == rhs.sequence
  }
}

extension Event: Sendable where Payload: Sendable {}
