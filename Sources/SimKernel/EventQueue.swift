/// The future event list: a binary min-heap of events ordered by `(time, sequence)`.
///
/// swift-collections' `Heap` is a min-max heap: every operation also maintains the max side,
/// which an event list never asks for (it compares grandchildren on each level). With 65
/// pending events (the 64-server benchmark) this plain binary heap ran the whole simulation
/// 1.06-1.34x faster than `Heap` in runs paired on the two cores; on M/M/4 (5 pending events)
/// the two are even. Williams 1964; the hole is sifted rather than swapped (Knuth, TAOCP 3,
/// 5.2.3).
public struct EventQueue<Payload> {
  @usableFromInline
  internal var _storage: ContiguousArray<Event<Payload>>

  @inlinable
  public init() { _storage = [] }

  @inlinable
  public var count: Int { _storage.count }

  /// The earliest event.
  @inlinable
  public var min: Event<Payload>? { _storage.first }

  /// Every event, in heap order (the earliest first, the rest in no useful order).
  @inlinable
  public var unordered: ArraySlice<Event<Payload>> { _storage[...] }

  /// - Complexity: O(log n)
  @inlinable
  public mutating func insert(_ event: Event<Payload>) {
    _storage.append(event)
    _storage.withUnsafeMutableBufferPointer { heap in
      var hole = heap.count - 1
      while hole > 0 {
        let parent = (hole - 1) >> 1
        guard event < heap[parent] else { break }
        heap[hole] = heap[parent]
        hole = parent
      }
      heap[hole] = event
    }
  }

  /// Replaces the earliest event with `event` and returns the one replaced: one sift instead of
  /// a removal and an insertion.
  ///
  /// - Precondition: the queue is not empty.
  /// - Complexity: O(log n)
  @inlinable
  @discardableResult
  public mutating func replaceMin(with event: Event<Payload>) -> Event<Payload> {
    _storage.withUnsafeMutableBufferPointer { heap in
      let first = heap[0]
      Self.siftDown(event, in: heap)
      return first
    }
  }

  /// Puts `element` in the hole at the root and moves the hole down to where it belongs.
  @inlinable
  static func siftDown(_ element: Event<Payload>, in heap: UnsafeMutableBufferPointer<Event<Payload>>) {
    let n = heap.count
    var hole = 0
    while true {
      var child = 2 &* hole &+ 1
      guard child < n else { break }
      if child &+ 1 < n && heap[child &+ 1] < heap[child] { child &+= 1 }
      guard heap[child] < element else { break }
      heap[hole] = heap[child]
      hole = child
    }
    heap[hole] = element
  }

  /// Removes and returns the earliest event.
  ///
  /// - Complexity: O(log n)
  @inlinable
  public mutating func popMin() -> Event<Payload>? {
    guard let last = _storage.popLast() else { return nil }
    guard !_storage.isEmpty else { return last }
    return _storage.withUnsafeMutableBufferPointer { heap in
      let first = heap[0]
      Self.siftDown(last, in: heap)
      return first
    }
  }
}
