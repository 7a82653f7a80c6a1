/// The future event list: a binary min-heap of events ordered by `(time, sequence)`.
///
/// swift-collections' `Heap` is a min-max heap: every operation also maintains the max side,
/// which an event list never asks for (it compares grandchildren on each level). With 65
/// pending events (the 64-server benchmark) this plain binary heap ran the whole simulation
/// 1.06-1.34x faster than `Heap` in runs paired on the two cores; on M/M/4 (5 pending events)
/// the two are even. Williams 1964; the hole is sifted rather than swapped (Knuth, TAOCP 3,
/// 5.2.3).
///
/// It owns its memory and is noncopyable: behind an array, every change paid a uniqueness
/// check (a call into the runtime) and bounds checks, a few percent of a whole run.
public struct EventQueue<Payload>: ~Copyable {
  @usableFromInline
  internal var _base: UnsafeMutablePointer<Event<Payload>>

  @usableFromInline
  internal var _count: Int

  @usableFromInline
  internal var _capacity: Int

  @inlinable
  public init() {
    _capacity = 64
    _base = .allocate(capacity: _capacity)
    _count = 0
  }

  deinit {
    _base.deinitialize(count: _count)
    _base.deallocate()
  }

  @inlinable
  public var count: Int { _count }

  /// The earliest event.
  @inlinable
  public var min: Event<Payload>? { _count > 0 ? _base[0] : nil }

  /// Every event, in heap order (the earliest first, the rest in no useful order).
  ///
  /// - Complexity: O(n): a copy.
  public var unordered: [Event<Payload>] { Array(UnsafeBufferPointer(start: _base, count: _count)) }

  /// Doubles the room, moving the events over.
  @usableFromInline
  internal mutating func _grow() {
    let bigger = UnsafeMutablePointer<Event<Payload>>.allocate(capacity: 2 * _capacity)
    bigger.moveInitialize(from: _base, count: _count)
    _base.deallocate()
    _base = bigger
    _capacity *= 2
  }

  /// - Complexity: O(log n)
  @inlinable
  public mutating func insert(_ event: Event<Payload>) {
    if _count == _capacity { _grow() }
    // The slot at `hole` is uninitialized; parents later than `event` move down into it.
    var hole = _count
    _count &+= 1
    while hole > 0 {
      let parent = (hole &- 1) >> 1
      guard event < _base[parent] else { break }
      (_base + hole).initialize(to: (_base + parent).move())
      hole = parent
    }
    (_base + hole).initialize(to: event)
  }

  /// Replaces the earliest event with `event` and returns the one replaced: one sift instead of
  /// a removal and an insertion.
  ///
  /// - Precondition: the queue is not empty.
  /// - Complexity: O(log n)
  @inlinable
  @discardableResult
  public mutating func replaceMin(with event: Event<Payload>) -> Event<Payload> {
    precondition(_count > 0, "replaceMin on an empty event queue")
    let first = _base.move()
    _siftDown(event)
    return first
  }

  /// Puts `element` in the hole at the root (an uninitialized slot) and moves the hole down to
  /// where it belongs.
  @inlinable
  internal func _siftDown(_ element: Event<Payload>) {
    let n = _count
    let heap = _base
    var hole = 0
    while true {
      var child = 2 &* hole &+ 1
      guard child < n else { break }
      if child &+ 1 < n && heap[child &+ 1] < heap[child] { child &+= 1 }
      guard heap[child] < element else { break }
      (heap + hole).initialize(to: (heap + child).move())
      hole = child
    }
    (heap + hole).initialize(to: element)
  }

  /// Removes and returns the earliest event.
  ///
  /// - Complexity: O(log n)
  @inlinable
  public mutating func popMin() -> Event<Payload>? {
    guard _count > 0 else { return nil }
    _count &-= 1
    let last = (_base + _count).move()
    guard _count > 0 else { return last }
    let first = _base.move()
    _siftDown(last)
    return first
  }
}
