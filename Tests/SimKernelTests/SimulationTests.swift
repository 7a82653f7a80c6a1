import SimKernel
import _TestSupport
import Testing

@Suite struct SimulationTests {
  /// A tiny story: who acts when. The whole log is compared, as in SimPy's kernel tests.
  @Test func storyOfScheduledEvents() {
    // Given events scheduled out of order, some at equal times
    var sim = Simulation<String>()
    sim.schedule("c@2", at: 2)
    sim.schedule("a@1", at: 1)
    sim.schedule("b@1", at: 1)
    sim.schedule("d@2", after: 2)

    // When the simulation runs to the end
    var log: [String] = []
    sim.run(until: 10) { event, sim in
      log.append("\(event.payload) now=\(sim.now)")
      if event.payload == "a@1" { sim.schedule("e@1.5", after: 0.5) }
    }

    // Then events run by time, equal times in scheduling order, and the clock stops at the limit
    #expect(log == ["a@1 now=1.0", "b@1 now=1.0", "e@1.5 now=1.5", "c@2 now=2.0", "d@2 now=2.0"])
    #expect(sim.now == 10)
    #expect(sim.processedCount == 5)
  }

  @Test func equalTimesRunFirstInFirstOut() {
    var sim = Simulation<Int>()
    for i in 0..<1000 { sim.schedule(i, at: 5) }
    var order: [Int] = []
    while let e = sim.step() { order.append(e.payload) }
    #expect(order == Array(0..<1000))
  }

  @Test func nextUntilLeavesLaterEventsPending() {
    var sim = Simulation<Int>()
    sim.schedule(1, at: 1)
    sim.schedule(2, at: 3)
    #expect(sim.next(until: 2)?.payload == 1)
    #expect(sim.next(until: 2) == nil)
    #expect(sim.now == 2)
    #expect(sim.pendingCount == 1)
    #expect(sim.peek()?.payload == 2)
  }

  /// Property: over many seeded random schedules the clock never runs backwards and ties keep
  /// their scheduling order.
  @Test(arguments: 0..<50)
  func clockNeverRunsBackwards(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    var sim = Simulation<Int>()
    var scheduledOrder: [Int: Int] = [:]
    var counter = 0
    for _ in 0..<200 {
      sim.schedule(counter, at: Double(rng.next() % 50))
      scheduledOrder[counter] = counter
      counter += 1
    }
    var lastTime = -1.0
    var lastAtTime = -1
    while let e = sim.step() {
      #expect(e.time >= lastTime, "seed \(seed): clock went from \(lastTime) to \(e.time)")
      if e.time == lastTime {
        #expect(e.payload > lastAtTime, "seed \(seed): tie at \(e.time) out of order")
      }
      lastAtTime = e.time == lastTime ? e.payload : e.payload
      lastTime = e.time
      // Handlers schedule more events in the future, sometimes at the same instant.
      if counter < 2000 && rng.next() % 3 == 0 {
        sim.schedule(counter, after: Double(rng.next() % 4))
        counter += 1
      }
    }
  }
}

@Suite struct EventQueueTests {
  /// Random inserts, pops and replacements against a sorted reference, over many seeds.
  @Test(arguments: 0..<30)
  func popsInTimeThenSequenceOrder(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    var queue = EventQueue<Int>()
    var reference: [Event<Int>] = []
    var sequence: UInt64 = 0
    for step in 0..<2000 {
      let r = rng.next() % 10
      if r < 5 || reference.isEmpty {
        let e = Event(time: Double(rng.next() % 100), sequence: sequence, payload: step)
        sequence += 1
        queue.insert(e)
        reference.append(e)
      } else if r < 8 {
        let popped = queue.popMin()
        reference.sort(by: <)
        #expect(popped?.sequence == reference.removeFirst().sequence, "seed \(seed) step \(step)")
      } else {
        let e = Event(time: Double(rng.next() % 100), sequence: sequence, payload: step)
        sequence += 1
        reference.sort(by: <)
        let replaced = queue.replaceMin(with: e)
        #expect(replaced.sequence == reference.removeFirst().sequence, "seed \(seed) step \(step)")
        reference.append(e)
      }
      #expect(queue.count == reference.count)
    }
  }
}
