import BasicContainers

/// Row locks held across a request's queries (`RowLock`): taken before query `at` on the
/// territory's primary, given back when the last query ends (the commit) or the request fails.
///
/// Each row is plain data (`RowState`) with a first-come-first-served line linked through the
/// requests' `LockLink`s, so taking, waiting and granting allocate nothing and call no closure.
extension PlatformSimulator {
  /// Request `r` asks for a row of lock `l` on node `n` before its current query, of `kind`.
  mutating func takeLock(_ r: Int, _ l: Int, kind: Int, on n: Int) {
    guard nodes[n].up else { return failOnInstance(r, .nodeDown, holdsConnection: true) }
    let count = rowCount[l]
    let pick = min(count - 1, Int(lockDraw[Int(requests[r].origin)].next() * Double(count)))
    let row = rowStart(lock: l, node: n) + pick
    lockLinks[r].row = Int32(row)
    guard rows[row].isHeld else {
      rows[row].isHeld = true
      rows[row].since = sim.now
      recorder.lockGranted(requests[r], lock: l, wait: 0, waited: false)
      return runQuery(r, kind: kind, on: n)
    }
    requests[r].stage = .lockWait
    requests[r].node = Int32(n)
    requests[r].mark = sim.now
    let last = rows[row].last
    if last >= 0 { lockLinks[Int(last)].next = Int32(r) } else { rows[row].first = Int32(r) }
    rows[row].last = Int32(r)
  }

  /// Request `r` gives back its row (its commit, or its failure): the longest waiter takes it
  /// and runs the query it waited to run.
  mutating func releaseLock(_ r: Int) {
    let row = Int(lockLinks[r].row)
    lockLinks[r].row = -1
    let l = Int(lockOfClass[Int(requests[r].requestClass)])
    let now = sim.now
    let since = rows[row].since
    let measured = measuredPart(from: since, to: now)
    rows[row].heldSeconds += measured
    recorder.lockReleased(requests[r], lock: l, held: now - since)
    let first = rows[row].first
    guard first >= 0 else {
      rows[row].isHeld = false
      return
    }
    let w = Int(first)
    rows[row].first = lockLinks[w].next
    if rows[row].first < 0 { rows[row].last = -1 }
    lockLinks[w].next = -1
    rows[row].since = now
    recorder.lockGranted(requests[w], lock: l, wait: now - requests[w].mark, waited: true)
    // Out of the line: should its node be gone, it fails as a holder, giving the row on.
    requests[w].stage = .query
    let c = Int(requests[w].requestClass)
    runQuery(w, kind: Int(queryOf[queryStart[c] + Int(requests[w].step)]), on: Int(requests[w].node))
  }

  /// A failing request lets go of its lock: it leaves the line, or gives its row back. (A
  /// transaction that loses its connection or its node is rolled back.)
  mutating func dropLock(_ r: Int) {
    guard lockLinks[r].row >= 0 else { return }
    if requests[r].stage == .lockWait { leaveLockLine(r) } else { releaseLock(r) }
  }

  /// Takes waiting request `r` out of its row's line (rare: crashes and nodes going down).
  mutating func leaveLockLine(_ r: Int) {
    let row = Int(lockLinks[r].row)
    lockLinks[r].row = -1
    var previous: Int32 = -1
    var k = rows[row].first
    while k >= 0 && k != Int32(r) {
      previous = k
      k = lockLinks[Int(k)].next
    }
    guard k >= 0 else { fatalError("request \(r) is not in the line of row \(row)") }
    let next = lockLinks[r].next
    if previous >= 0 { lockLinks[Int(previous)].next = next } else { rows[row].first = next }
    if rows[row].last == Int32(r) { rows[row].last = previous }
    lockLinks[r].next = -1
  }

  /// Where the rows of lock `l` on node `n` start in `rows`, made on first use (a node that is
  /// never a primary, or a lock never taken there, costs nothing).
  mutating func rowStart(lock l: Int, node n: Int) -> Int {
    let k = l * nodes.count + n
    if rowBase[k] >= 0 { return rowBase[k] }
    rowBase[k] = rows.count
    for _ in 0..<rowCount[l] { rows.append(RowState()) }
    return rowBase[k]
  }

  /// The part of [from, to] in the measured span (after the warm-up, before the horizon).
  func measuredPart(from start: Double, to end: Double) -> Double {
    max(0, min(end, scenario.horizon) - max(start, scenario.warmup))
  }

  /// Per lock, the busiest row's held share of the measured span among territory `t`'s nodes
  /// (its primary and the primary's replicas, which a failover may promote).
  func busiestRows(territory t: Int) -> [Double] {
    let span = scenario.horizon - scenario.warmup
    let primary = platform.territories[t].primary
    return rowCount.indices.map { l in
      var most = 0.0
      for n in nodes.indices where (platform.databases[n].replicaOf ?? n) == primary {
        let base = rowBase[l * nodes.count + n]
        guard base >= 0 else { continue }
        for row in base..<(base + rowCount[l]) {
          let ongoing = rows[row].isHeld ? measuredPart(from: rows[row].since, to: sim.now) : 0
          let held = rows[row].heldSeconds + ongoing
          most = max(most, held)
        }
      }
      return span > 0 ? most / span : 0
    }
  }
}
