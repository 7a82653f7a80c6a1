import HeapModule

// Shared stations: processor sharing, or service that slows with concurrency.
//
// Every customer in service progresses at the same speed, so the station keeps one virtual
// clock V (work done per customer in service since time 0) instead of one timer per customer. A
// customer starting service with work w finishes when V reaches V + w; the next to finish is
// the one with the least target, and its completion is one pending event, rescheduled whenever
// the speed changes (an arrival or a departure there) and superseded by its stamp.
//
//     speed = share / factor(n)      n in service; share = min(1, c / n) under processor
//                                    sharing, 1 under FIFO (n <= c busy servers)
//
// Exact for any service distribution: nothing is sampled per event, only on entry.

/// One customer in service at a shared station, ordered by when its work is done.
struct SharedEntry: Comparable {
  /// Virtual time at which its work is done.
  var target: Double
  /// Order of entry, so that equal targets leave in a fixed order.
  var sequence: UInt64
  var customer: Int32

  static func < (a: SharedEntry, b: SharedEntry) -> Bool {
    a.target < b.target || (a.target == b.target && a.sequence < b.sequence)
  }
}

/// The virtual clock of a shared station.
struct SharingState {
  var virtual = 0.0
  var lastUpdate = 0.0
  /// Work per second per customer in service since `lastUpdate`.
  var speed = 1.0
  var stamp: UInt32 = 0
  /// Processor sharing over `cores` servers (`Int.max` for infinite), or FIFO.
  let isProcessorSharing: Bool
  let cores: Int

  init(_ station: Station) {
    isProcessorSharing = station.discipline == .processorSharing
    switch station.servers {
    case .finite(let c): cores = c
    case .infinite: cores = .max
    }
  }
}

extension NetworkSimulator {
  /// The factor of each station at concurrency 0...last, flattened (factor 1 for stations
  /// without a load factor; index 0 is never read).
  static func factorTables(_ stations: [Station]) -> (start: [Int32], count: [Int32], table: [Double]) {
    var start: [Int32] = []
    var count: [Int32] = []
    var table: [Double] = []
    for station in stations {
      start.append(Int32(table.count))
      guard let load = station.loadFactor else {
        table += [1, 1]
        count.append(2)
        continue
      }
      let entries = (0...load.constantFrom).map { load.factor(at: max($0, 1)) }
      table += entries
      count.append(Int32(entries.count))
    }
    return (start, count, table)
  }

  @inline(__always)
  func factor(_ s: Int, concurrency n: Int) -> Double {
    factorTable[Int(factorStart[s]) + min(n, Int(factorCount[s]) - 1)]
  }

  /// Brings the station's virtual clock to now at the speed set by the last change.
  @inline(__always)
  mutating func advanceShared(_ s: Int) {
    let now = sim.now
    sharing[s].virtual += (now - sharing[s].lastUpdate) * sharing[s].speed
    sharing[s].lastUpdate = now
  }

  /// A customer starts service: its work is drawn now and runs on the station's clock.
  mutating func startShared(customer c: Int32, station s: Int) {
    advanceShared(s)
    sharedSequence &+= 1
    inService[s].insert(SharedEntry(target: sharing[s].virtual + work(customer: c, station: s), sequence: sharedSequence, customer: c))
    rescheduleShared(s)
  }

  /// Sets the speed for the customers now in service and schedules the next completion.
  mutating func rescheduleShared(_ s: Int) {
    sharing[s].stamp &+= 1
    let n = inService[s].count
    guard let first = inService[s].min else {
      sharing[s].speed = 0  // idle: the clock stands still
      return
    }
    let share = sharing[s].isProcessorSharing && n > sharing[s].cores ? Double(sharing[s].cores) / Double(n) : 1
    let speed = share / factor(s, concurrency: n)
    sharing[s].speed = speed
    let remaining = max(0, first.target - sharing[s].virtual)
    sim.schedule(.sharedDeparture(station: Int32(s), stamp: sharing[s].stamp), after: remaining / speed)
  }

  mutating func sharedDeparture(station s: Int, stamp: UInt32) {
    guard stamp == sharing[s].stamp else { return }  // superseded by a later change
    advanceShared(s)
    let done = inService[s].removeMin()
    // Rounding may leave the clock a hair short of the target it was scheduled to reach.
    sharing[s].virtual = max(sharing[s].virtual, done.target)
    depart(station: s, customer: done.customer)
  }
}
