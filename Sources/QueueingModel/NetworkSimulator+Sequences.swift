import DequeModule

// Visit sequences and locks.
//
// A customer on a sequence carries its step (a global index into `SequenceSteps`). Before a
// step's visit it takes the step's locks in order, queueing first-come-first-served at a lock
// that is fully held; after the visit it gives back the step's locks, each handed straight to
// the first in that lock's line, then moves to the next step or leaves. Nothing here allocates
// per event: the tables are flat arrays built once.

/// The steps of every sequence, flattened: step `i` of sequence `k` is `first[k] + i`.
struct SequenceSteps {
  var first: [Int32] = []
  var station: [Int32] = []
  var hasService: [Bool] = []
  var isLast: [Bool] = []
  /// Locks taken before step j: `acquireLock[acquireStart[j] ..< acquireStart[j + 1]]`.
  var acquireStart: [Int32] = [0]
  var acquireLock: [Int32] = []
  /// Locks given back after step j; the last step gives back all still held.
  var releaseStart: [Int32] = [0]
  var releaseLock: [Int32] = []
  /// Locks held during step j's visit (given back if the customer is lost or times out there).
  var heldStart: [Int32] = [0]
  var heldLock: [Int32] = []

  init(_ network: Network) {
    for sequence in network.sequences {
      first.append(Int32(station.count))
      let held = sequence.heldAtStep
      for (n, step) in sequence.steps.enumerated() {
        let last = n == sequence.steps.count - 1
        station.append(Int32(step.station))
        hasService.append(step.service != nil)
        isLast.append(last)
        acquireLock += step.acquire.map(Int32.init)
        acquireStart.append(Int32(acquireLock.count))
        releaseLock += (last ? held[n] : step.release).map(Int32.init)
        releaseStart.append(Int32(releaseLock.count))
        heldLock += held[n].map(Int32.init)
        heldStart.append(Int32(heldLock.count))
      }
    }
  }
}

/// A lock's holders and its time-weighted counters.
struct LockState {
  let capacity: Int32
  var held: Int32 = 0
  var waiting: Int32 = 0
  var lastChange = 0.0
  var areaHeld = 0.0
  var areaWaiting = 0.0
  var windowAreaHeld = 0.0
  var windowAreaWaiting = 0.0
  /// Grants made in the window (the lock's throughput).
  var granted = 0
  /// Grants to customers that asked for it in the window, and their waits (per request, as a
  /// station's visits count those arriving in the window).
  var served = 0
  var waited = 0
  var sumWait = 0.0
  /// Customers waiting for it when the window opens and closes.
  var waitingAtWindowStart = 0
  var waitingAtWindowEnd = 0

  init(capacity: Int32) { self.capacity = capacity }
}

extension NetworkSimulator {
  /// A customer entering the network on sequence `k` starts its first step.
  mutating func beginSequence(_ c: Int32, _ k: Int) {
    customers[Int(c)].step = sequenceSteps.first[k]
    takeLocks(c, from: Int(sequenceSteps.acquireStart[Int(sequenceSteps.first[k])]))
  }

  /// After a visit: gives back the step's locks, then starts the next step or leaves.
  mutating func nextStep(_ c: Int32) {
    let step = Int(customers[Int(c)].step)
    for i in Int(sequenceSteps.releaseStart[step])..<Int(sequenceSteps.releaseStart[step + 1]) {
      release(Int(sequenceSteps.releaseLock[i]))
    }
    if sequenceSteps.isLast[step] {
      leave(c, outcome: .completed)
    } else {
      customers[Int(c)].step = Int32(step + 1)
      takeLocks(c, from: Int(sequenceSteps.acquireStart[step + 1]))
    }
  }

  /// Takes the current step's locks from position `i` of `acquireLock` on, then visits the
  /// step's station; stops in the line of the first lock that is fully held.
  mutating func takeLocks(_ c: Int32, from i: Int) {
    let step = Int(customers[Int(c)].step)
    var i = i
    let end = Int(sequenceSteps.acquireStart[step + 1])
    while i < end {
      let l = Int(sequenceSteps.acquireLock[i])
      flushLock(l)
      if locks[l].held < locks[l].capacity {
        locks[l].held += 1
        if inWindow(sim.now) {
          locks[l].granted += 1
          locks[l].served += 1
        }
        i += 1
      } else {
        // Waits in line; `visitArrival` marks when, until the station visit overwrites it.
        customers[Int(c)].visitArrival = sim.now
        locks[l].waiting += 1
        lockQueues[l].append(c)
        return
      }
    }
    arrive(customer: c, station: Int(sequenceSteps.station[step]))
  }

  /// Gives lock `l` back: the first in its line takes it over and goes on, or it becomes free.
  mutating func release(_ l: Int) {
    flushLock(l)
    guard let c = lockQueues[l].popFirst() else {
      locks[l].held -= 1
      return
    }
    locks[l].waiting -= 1
    let asked = customers[Int(c)].visitArrival
    let wait = sim.now - asked
    customers[Int(c)].tripWait += wait
    if inWindow(sim.now) { locks[l].granted += 1 }
    if inWindow(asked) {
      locks[l].served += 1
      locks[l].waited += 1
      locks[l].sumWait += wait
    }
    let step = Int(customers[Int(c)].step)
    var i = Int(sequenceSteps.acquireStart[step])
    while sequenceSteps.acquireLock[i] != Int32(l) { i += 1 }
    takeLocks(c, from: i + 1)
  }

  /// A customer lost or timed out during a step gives back every lock it holds there.
  mutating func releaseHeldLocks(_ c: Int32) {
    let step = Int(customers[Int(c)].step)
    customers[Int(c)].step = -1
    for i in Int(sequenceSteps.heldStart[step])..<Int(sequenceSteps.heldStart[step + 1]) {
      release(Int(sequenceSteps.heldLock[i]))
    }
  }

  @inline(__always)
  mutating func flushLock(_ l: Int) {
    let dt = sim.now - locks[l].lastChange
    locks[l].areaHeld += Double(locks[l].held) * dt
    locks[l].areaWaiting += Double(locks[l].waiting) * dt
    locks[l].lastChange = sim.now
  }
}
