// Batch stations (group commit).
//
// Each server of a batch station has a slot listing the customers it serves. A customer that
// finds a server free is served alone at once; when a server finishes, every customer it served
// leaves together and the server takes everyone waiting (timed-out entries skipped) into one
// new batch with one service time, as a WAL writer flushes all commits queued during the last
// fsync in the next one.

extension NetworkSimulator {
  /// Adds the customers in batches since the last change to the station's area.
  mutating func flushServed(_ s: Int) {
    let now = sim.now
    stations[s].areaServed += Double(stations[s].served) * (now - stations[s].servedSince)
    stations[s].servedSince = now
  }

  /// A free server starts a batch of one (the queue is empty whenever a server is free).
  mutating func startBatch(with c: Int32, station s: Int) {
    flushServed(s)
    stations[s].served += 1
    var slot = Int(batchSlotStart[s])
    while !batches[slot].isEmpty { slot += 1 }
    batches[slot].append(c)
    sim.schedule(
      .batchDeparture(station: Int32(s), slot: Int32(slot - Int(batchSlotStart[s]))), after: service[s].next())
  }

  mutating func batchDeparture(station s: Int, slot: Int) {
    let k = Int(batchSlotStart[s]) + slot
    flushServed(s)
    stations[s].served -= batches[k].count
    // The batch moves to scratch: customers that leave may come back here and start a batch.
    swap(&batchScratch, &batches[k])
    for c in batchScratch { countDeparture(station: s, customer: c) }
    while let entry = queues[s].popFirst() {
      guard customers[Int(entry.customer)].waitStamp == entry.stamp else { continue }
      countServiceStart(customer: entry.customer, station: s)
      batches[k].append(entry.customer)
    }
    stations[s].served += batches[k].count
    if batches[k].isEmpty {
      stations[s].busy -= 1
    } else {
      sim.schedule(.batchDeparture(station: Int32(s), slot: Int32(slot)), after: service[s].next())
    }
    var i = 0
    while i < batchScratch.count {
      moveOn(batchScratch[i], from: s)
      i += 1
    }
    batchScratch.removeAll(keepingCapacity: true)
  }
}
