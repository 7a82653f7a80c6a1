import SimRandom

/// A request class that takes a fixed path: visits to stations in order, each with its own
/// service (short CPU bursts between I/O), instead of one visit routed by probability.
///
/// A customer sent to a sequence (`Destination.sequence`) visits its steps' stations in order,
/// ignoring their `routing`, and leaves the network after the last step. Locks taken at a step
/// are held across the following visits until the step that releases them (a row lock held
/// from the UPDATE to the COMMIT).
package struct VisitSequence: Sendable, Hashable {
  package struct Step: Sendable, Hashable {
    /// Station index.
    package var station: Int
    /// Service of this visit; nil: the station's own.
    package var service: Distribution?
    /// Locks (indices into `Network.locks`) taken, in this order, before the visit; the
    /// customer waits first-come-first-served for each one that is fully held.
    package var acquire: [Int]
    /// Locks given back after the visit. Locks still held after the last step are given back
    /// then.
    package var release: [Int]

    package init(station: Int, service: Distribution? = nil, acquire: [Int] = [], release: [Int] = []) {
      self.station = station
      self.service = service
      self.acquire = acquire
      self.release = release
    }
  }

  package var name: String
  package var steps: [Step]

  package init(name: String, steps: [Step]) {
    self.name = name
    self.steps = steps
  }

  /// Locks held during each step's visit: taken at or before it, not yet released before it.
  package var heldAtStep: [[Int]] {
    var held: [Int] = []
    return steps.map { step in
      held += step.acquire
      defer { held.removeAll { step.release.contains($0) } }
      return held
    }
  }
}

/// A named lock with a capacity: a row lock (1), a pool of connections (n), a mutex (1).
/// Customers of a `VisitSequence` take it at one step and give it back after a later one,
/// queueing first-come-first-served while it is fully held.
package struct Lock: Sendable, Hashable {
  package var name: String
  package var capacity: Int

  package init(name: String, capacity: Int) {
    self.name = name
    self.capacity = capacity
  }
}

extension Network {
  /// Each station's mean work per trip through sequence `k`: the sum of its steps' service means
  /// there (what exact MVA needs), and how many of its steps visit each station.
  package func demands(ofSequence k: Int) -> (demand: [Double], visits: [Int]) {
    var demand = [Double](repeating: 0, count: stations.count)
    var visits = [Int](repeating: 0, count: stations.count)
    for step in sequences[k].steps {
      demand[step.station] += (step.service ?? stations[step.station].service).mean
      visits[step.station] += 1
    }
    return (demand, visits)
  }
}

extension Network {
  /// Sequences that name stations or locks that do not exist, take a lock they already hold,
  /// give back one they do not hold, or take locks in orders that could deadlock.
  func sequenceProblems() -> [NetworkProblem] {
    var out: [NetworkProblem] = []
    for (i, lock) in locks.enumerated() where lock.capacity < 1 {
      out.append(.init(subject: .lock(i), message: "lock '\(lock.name)' needs a capacity of at least 1", isError: true))
    }
    for (k, sequence) in sequences.enumerated() {
      func error(_ m: String) {
        out.append(.init(subject: .sequence(k), message: "sequence '\(sequence.name)': \(m)", isError: true))
      }
      if sequence.steps.isEmpty { error("needs at least one step") }
      var held: [Int] = []
      for (n, step) in sequence.steps.enumerated() {
        guard stations.indices.contains(step.station), (step.acquire + step.release).allSatisfy(locks.indices.contains)
        else {
          error("step \(n + 1) names a station or lock that does not exist")
          return out
        }
        if step.service != nil, stations[step.station].discipline == .batch {
          error(
            "step \(n + 1) gives a service at batch station '\(stations[step.station].name)', which serves each batch in its own service time"
          )
        }
        for lock in step.acquire {
          if held.contains(lock) {
            error("step \(n + 1) takes lock '\(locks[lock].name)', which it already holds (it would wait for itself)")
          }
          held.append(lock)
        }
        for lock in step.release where !held.contains(lock) {
          error("step \(n + 1) releases lock '\(locks[lock].name)', which it does not hold")
        }
        held.removeAll { step.release.contains($0) }
      }
    }
    if let cycle = Self.lockOrderCycle(sequences, lockCount: locks.count) {
      out.append(.init(subject: .lock(cycle.locks[0]), message: cycle.message(sequences, locks), isError: true))
    }
    return out
  }
}

/// Locks taken in orders that could deadlock: each lock of `locks` is taken while holding the
/// one before it, the last while holding the first; `steps[i]` is where the i-th of those
/// takes happens first (its sequence and step). The last step closes the cycle.
package struct LockOrderCycle: Sendable {
  package var locks: [Int]
  package var steps: [(sequence: Int, step: Int)]

  /// Said at the closing step, naming the steps that take the locks the other way.
  package func message(_ sequences: [VisitSequence], _ locks: [Lock], atClosingStep: Bool = false) -> String {
    func name(_ l: Int) -> String { "'\(locks[l].name)'" }
    let takes = steps.indices.map { i in
      let taker = atClosingStep && i == steps.count - 1
        ? "this step" : "class '\(sequences[steps[i].sequence].name)' (step \(steps[i].step + 1))"
      return "\(taker) takes \(name(self.locks[i + 1])) while holding \(name(self.locks[i]))"
    }
    return "locks \(self.locks.map(name).joined(separator: " -> ")) are taken in opposite orders "
      + "(\(takes.joined(separator: "; "))): customers could deadlock"
  }
}

extension Network {
  /// A cycle in the order locks are taken (an edge a -> b where some step takes b while holding
  /// a), found by depth-first search; nil when every order agrees. Steps naming locks outside
  /// `0 ..< lockCount` are skipped.
  package static func lockOrderCycle(_ sequences: [VisitSequence], lockCount: Int) -> LockOrderCycle? {
    // Edge a -> b, and the first step that makes it.
    var order = [[Int: (sequence: Int, step: Int)]](repeating: [:], count: lockCount)
    for (k, sequence) in sequences.enumerated() {
      var held: [Int] = []
      for (n, step) in sequence.steps.enumerated() {
        for lock in step.acquire where (0..<lockCount).contains(lock) {
          for h in held where h != lock && order[h][lock] == nil { order[h][lock] = (k, n) }
          if !held.contains(lock) { held.append(lock) }
        }
        held.removeAll { step.release.contains($0) }
      }
    }
    var state = [Int](repeating: 0, count: lockCount)  // 0 new, 1 on the path, 2 done
    var path: [Int] = []
    func visit(_ a: Int) -> [Int]? {
      state[a] = 1
      path.append(a)
      for b in order[a].keys.sorted() {
        if state[b] == 1 { return Array(path[path.firstIndex(of: b)!...]) + [b] }
        if state[b] == 0, let cycle = visit(b) { return cycle }
      }
      state[a] = 2
      path.removeLast()
      return nil
    }
    for a in 0..<lockCount where state[a] == 0 {
      if let cycle = visit(a) {
        return LockOrderCycle(locks: cycle, steps: zip(cycle, cycle.dropFirst()).map { order[$0][$1]! })
      }
    }
    return nil
  }
}

extension Network {
  /// What each lock allows at most: a lock of capacity c that a class holds for at least H per
  /// trip (the service means of the visits made while holding it, at factor 1 and with no
  /// queueing) lets at most c / H of that class's trips through per second.
  package func lockBounds() -> [(lock: Int, sequence: Int, held: Double, throughput: Double)] {
    var out: [(Int, Int, Double, Double)] = []
    for (k, sequence) in sequences.enumerated() {
      let held = sequence.heldAtStep
      for l in locks.indices {
        let h = zip(sequence.steps, held).reduce(0.0) { sum, pair in
          pair.1.contains(l) ? sum + (pair.0.service ?? stations[pair.0.station].service).mean : sum
        }
        if h > 0 { out.append((l, k, h, Double(locks[l].capacity) / h)) }
      }
    }
    return out
  }
}
