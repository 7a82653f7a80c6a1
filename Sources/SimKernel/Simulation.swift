/// A simulation clock with its future event list.
///
/// A model owns one `Simulation` per replication and drives it itself:
///
///     var sim = Simulation<MyEvent>()
///     sim.schedule(.arrival, at: 0)
///     while let event = sim.next(until: 100) { handle(event.payload) }
///
/// `next(until:)` advances `now` to the event's time *before* returning it, so the handler sees the
/// time at which the event happens (as SwiftNIO's `EmbeddedEventLoop.advanceTime(to:)` does).
/// The clock never runs backwards: scheduling into the past is a programmer error.
///
/// An event handed out stays at the top of the heap until the next call: if its handler schedules
/// something, the first new event replaces it in one sift (`EventQueue.replaceMin`) instead of a removal
/// and an insertion. Most handlers schedule exactly one event (the next arrival, the next
/// departure), so this halves the heap work per event (the "hold" operation of classic event-list
/// studies, Jones 1986).
public struct Simulation<Payload>: ~Copyable {
  /// The current simulated time, in seconds.
  @inlinable public var now: SimTime { _now }

  @usableFromInline
  internal var _now: SimTime

  @usableFromInline
  internal var _events: EventQueue<Payload>

  @usableFromInline
  internal var _nextSequence: UInt64

  /// Whether the top of the heap is the event last handed out, not yet removed.
  @usableFromInline
  internal var _topIsHandled: Bool

  /// Events handed out by `next(until:)` or `step()` so far.
  @inlinable public var processedCount: UInt64 { _processedCount }

  @usableFromInline
  internal var _processedCount: UInt64

  @inlinable
  public init(startingAt start: SimTime = 0) {
    _now = start
    _events = EventQueue()
    _nextSequence = 0
    _topIsHandled = false
    _processedCount = 0
  }

  /// Events scheduled but not yet run.
  @inlinable
  public var pendingCount: Int { _events.count - (_topIsHandled ? 1 : 0) }

  /// The events scheduled but not yet run, in no particular order: for a model that looks
  /// ahead (a hybrid run asking whether a fault is near), not for the event loop.
  ///
  /// - Complexity: O(n): a copy.
  public var pendingEvents: ArraySlice<Event<Payload>> {
    _topIsHandled ? _events.unordered.dropFirst() : _events.unordered[...]
  }

  /// The next event, without removing it.
  @inlinable
  public mutating func peek() -> Event<Payload>? {
    removeHandled()
    return _events.min
  }

  @inlinable
  internal mutating func removeHandled() {
    if _topIsHandled {
      _ = _events.popMin()
      _topIsHandled = false
    }
  }

  /// Schedules `payload` at absolute time `time`.
  ///
  /// - Precondition: `time >= now` (and not NaN).
  /// - Complexity: O(log n) in the number of pending events.
  @inlinable @inline(__always)
  public mutating func schedule(_ payload: Payload, at time: SimTime) {
    if !(time >= _now) { _schedulingIntoThePast(time, now: _now) }
    let event = Event(time: time, sequence: _nextSequence, payload: payload)
    _nextSequence &+= 1
    if _topIsHandled {
      _ = _events.replaceMin(with: event)
      _topIsHandled = false
    } else {
      _events.insert(event)
    }
  }

  /// The failure of `schedule(_:at:)`, out of line so the hot path stays small.
  @usableFromInline @inline(never)
  internal func _schedulingIntoThePast(_ time: SimTime, now: SimTime) -> Never {
    fatalError("cannot schedule at \(time), before now (\(now))")
  }

  /// Schedules `payload` `delay` seconds from now.
  @inlinable
  public mutating func schedule(_ payload: Payload, after delay: SimTime) {
    schedule(payload, at: now + delay)
  }

  /// Removes and returns the next event, advancing the clock to its time.
  ///
  /// - Complexity: O(log n).
  @inlinable @inline(__always)
  public mutating func step() -> Event<Payload>? {
    removeHandled()
    guard let event = _events.min else { return nil }
    _topIsHandled = true
    _now = event.time
    _processedCount &+= 1
    return event
  }

  /// Returns the next event if it happens no later than `limit`; otherwise moves the clock to
  /// `limit` and returns `nil`, leaving later events pending.
  @inlinable
  public mutating func next(until limit: SimTime) -> Event<Payload>? {
    removeHandled()
    guard let first = _events.min, first.time <= limit else {
      if limit > _now { _now = limit }
      return nil
    }
    return step()
  }

  /// Runs every event up to and including `limit`, handing each to `handle`.
  ///
  /// A convenience for tests and small models; hot loops call `next(until:)` themselves so that
  /// the handler is a direct call rather than a closure.
  @inlinable
  public mutating func run(
    until limit: SimTime, _ handle: (Event<Payload>, inout Simulation) -> Void
  ) {
    while let event = next(until: limit) { handle(event, &self) }
  }
}
