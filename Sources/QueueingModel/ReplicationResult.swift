import Foundation
import SimKernel
import SimStatistics

/// What one replication measured. Times in seconds, rates per second; a metric with no
/// observation in the window is NaN (encoded as null in JSON).
package struct ReplicationResult: Sendable, Codable {
  package var replication: Int
  package var stations: [StationResult]
  package var endToEnd: FlowResult
  /// Events the kernel processed.
  package var events: UInt64
  /// Simulated time at which the replication stopped.
  package var simulatedTime: Double
  /// The window cut into intervals, when `RunWindow.seriesInterval` is set.
  package var series: [WindowResult] = []
  /// One per lock of the network.
  package var locks: [LockResult] = []
  /// Set when the replication stopped because it held too many customers; its figures then
  /// cover only the time up to `simulatedTime`.
  package var stoppedEarly: EarlyStop? = nil
}

/// A replication that held more than `NetworkSimulator.customerLimit` customers at once and
/// stopped there: an overloaded open station whose queue would otherwise grow until memory ran out.
package struct EarlyStop: Sendable, Codable, Hashable {
  /// Customers in the network when it stopped.
  package var customers: Int
  /// The limit it passed.
  package var limit: Int
  /// The station that held the most of them.
  package var station: Int
  /// How many that station held.
  package var atStation: Int
  /// Set when the replication stopped because its clock stopped moving (a cycle that takes
  /// no time), at that simulated time; nil when it held too many customers.
  package var stalledAt: Double? = nil
  /// Events handled at that instant before it stopped, at least.
  package var stalledEvents: Int? = nil
  /// The lock whose waiting line held more than any station, and how many waited there.
  package var lock: Int? = nil
  package var atLock: Int? = nil
}

/// One lock's measurements over the window.
package struct LockResult: Sendable, Codable {
  package var name: String
  package var capacity: Int
  /// Times the lock was taken in the window (those still waiting when it closes are not).
  package var granted: Int
  /// Time-average number of holders (held time per second, per unit of capacity: `/ capacity`).
  package var meanHeld: Double
  /// Time-average number waiting for it.
  package var meanWaiting: Double
  /// Mean wait for the lock over grants to customers that asked for it in the window, zero
  /// waits included.
  package var meanWait: Double
  /// Fraction of those grants that waited.
  package var waitProbability: Double
  /// Customers waiting for it when the window opened and when it closed (a line that grew
  /// over the window: more offered than the lock passes).
  package var waitingAtWindowStart = 0
  package var waitingAtWindowEnd = 0
}

/// One interval of the time series. Arrivals count customers entering in the interval;
/// completions, errors and response times count customers leaving in it (so a slow interval
/// shows its latency when the latency happens); utilization and queue lengths are time averages
/// over the interval.
package struct WindowResult: Sendable, Codable {
  /// Simulated time (seconds) at the interval's start and end.
  package var start = 0.0
  package var end = 0.0
  package var arrivals = 0
  package var completed = 0
  package var lost = 0
  package var timedOut = 0
  package var sumResponse = 0.0
  package var responseP50 = Double.nan
  package var responseP95 = Double.nan
  package var responseP99 = Double.nan
  package var stations: [StationWindowResult] = []

  package var length: Double { end - start }
  package var throughput: Double { length > 0 ? Double(completed) / length : .nan }
  package var arrivalRate: Double { length > 0 ? Double(arrivals) / length : .nan }
  package var meanResponse: Double { completed > 0 ? sumResponse / Double(completed) : .nan }
  /// (lost + timed out) over customers leaving in the interval.
  package var errorRate: Double {
    let leaving = completed + lost + timedOut
    return leaving > 0 ? Double(lost + timedOut) / Double(leaving) : .nan
  }
}

/// A station in one interval of the time series.
package struct StationWindowResult: Sendable, Codable {
  package var meanBusyServers: Double
  package var meanInStation: Double
}

/// One station's measurements.
package struct StationResult: Sendable, Codable {
  package var name: String
  /// Number of servers; nil for an infinite-server (delay) station.
  package var servers: Int?
  /// Visits that arrived in the window.
  package var arrivals: Int
  package var completed: Int
  package var lost: Int
  package var timedOut: Int
  /// Departures in the window per second.
  package var throughput: Double
  /// Time-average number of busy servers.
  package var meanBusyServers: Double
  /// Busy servers over servers; nil for an infinite-server station.
  package var utilization: Double?
  /// Time-average number present, waiting plus in service (L).
  package var meanInStation: Double
  /// Time-average number waiting (Lq).
  package var meanQueueLength: Double
  /// Mean wait before service over visits that started service (Wq).
  package var meanWait: Double
  /// Mean time at the station, wait plus service, over completed visits (W).
  package var meanResponse: Double
  /// Fraction of visits starting service that waited at all.
  package var waitProbability: Double
  /// Fraction of arriving visits lost to a full station.
  package var lossProbability: Double
  package var responseP50: Double
  package var responseP95: Double
  package var responseP99: Double
  /// Customers present when the window opened and when it closed: an overloaded station's
  /// queue grows by about (arrival rate - service capacity) x length in between.
  package var presentAtWindowStart = 0
  package var presentAtWindowEnd = 0
}

/// End-to-end measurements, over customers that entered the network in the window.
package struct FlowResult: Sendable, Codable {
  package var arrivals: Int
  package var completed: Int
  package var lost: Int
  package var timedOut: Int
  /// Measured customers still in the network when the drain limit was reached.
  package var unfinished: Int
  /// Completions in the window per second.
  package var throughput: Double
  /// Mean time from entering to leaving the network.
  package var meanResponse: Double
  /// Mean total time spent waiting in queues per completed trip.
  package var meanWait: Double
  /// Fraction of completed trips that waited at any station.
  package var waitProbability: Double
  package var responseP50: Double
  package var responseP95: Double
  package var responseP99: Double
  /// (lost + timed out) / arrivals.
  package var errorRate: Double
}

extension NetworkSimulator {
  func result() -> ReplicationResult {
    let horizon = window.horizon
    func ratio(_ a: Double, _ b: Int) -> Double { b > 0 ? a / Double(b) : .nan }
    let stationResults = network.stations.indices.map { s -> StationResult in
      let st = stations[s]
      let v = st.visits
      let busy = st.windowAreaBusy / horizon
      let inStation = st.windowAreaPresent / horizon
      var servers: Int? = nil
      if case .finite(let c) = network.stations[s].servers { servers = c }
      // Waiting, not in service: under processor sharing no one waits; a batch serves more
      // customers than its one busy server.
      let waiting: Double =
        switch network.stations[s].discipline {
        case .processorSharing: 0
        case .batch: (st.windowAreaPresent - st.windowAreaServed) / horizon
        case .fifo: inStation - busy
        }
      return StationResult(
        name: network.stations[s].name, servers: servers,
        arrivals: v.arrivals, completed: v.completed, lost: v.lost, timedOut: v.timedOut,
        throughput: Double(st.departuresInWindow) / horizon,
        meanBusyServers: busy, utilization: servers.map { busy / Double($0) },
        meanInStation: inStation, meanQueueLength: waiting,
        meanWait: ratio(v.sumWait, v.started), meanResponse: ratio(v.sumResponse, v.completed),
        waitProbability: ratio(Double(v.waited), v.started),
        lossProbability: ratio(Double(v.lost), v.arrivals),
        responseP50: stationHistograms[s].quantile(0.50) ?? .nan,
        responseP95: stationHistograms[s].quantile(0.95) ?? .nan,
        responseP99: stationHistograms[s].quantile(0.99) ?? .nan,
        presentAtWindowStart: st.presentAtWindowStart, presentAtWindowEnd: st.presentAtWindowEnd)
    }
    let f = flow
    let endToEnd = FlowResult(
      // A paced transaction scheduled in the window arrived then, started or not.
      arrivals: f.arrivals + pacedBacklog + pacedUnreached, completed: f.completed, lost: f.lost,
      timedOut: f.timedOut, unfinished: taggedInNetwork + pacedBacklog + pacedUnreached,
      throughput: Double(f.departuresInWindow) / horizon,
      meanResponse: ratio(f.sumResponse, f.completed),
      meanWait: ratio(f.sumWait, f.completed),
      waitProbability: ratio(Double(f.waited), f.completed),
      responseP50: flowHistogram.quantile(0.50) ?? .nan,
      responseP95: flowHistogram.quantile(0.95) ?? .nan,
      responseP99: flowHistogram.quantile(0.99) ?? .nan,
      errorRate: ratio(Double(f.lost + f.timedOut), f.arrivals))
    let lockResults = network.locks.indices.map { l in
      let state = locks[l]
      return LockResult(
        name: network.locks[l].name, capacity: network.locks[l].capacity, granted: state.granted,
        meanHeld: state.windowAreaHeld / horizon, meanWaiting: state.windowAreaWaiting / horizon,
        meanWait: ratio(state.sumWait, state.served), waitProbability: ratio(Double(state.waited), state.served),
        waitingAtWindowStart: state.waitingAtWindowStart, waitingAtWindowEnd: state.waitingAtWindowEnd)
    }
    return ReplicationResult(
      replication: replication, stations: stationResults, endToEnd: endToEnd, events: sim.processedCount,
      simulatedTime: sim.now, series: series.results, locks: lockResults, stoppedEarly: earlyStop())
  }

  private func earlyStop() -> EarlyStop? {
    guard inNetwork > customerLimit || stalledAt != nil else { return nil }
    var busiest = 0
    for s in 0..<network.stations.count where present[s] > present[busiest] { busiest = s }
    var stop = EarlyStop(customers: inNetwork, limit: customerLimit, station: busiest, atStation: Int(present[busiest]))
    // Customers waiting for a lock are at no station: the line that grew may be the lock's.
    for l in 0..<locks.count where Int(locks[l].waiting) > max(stop.atStation, stop.atLock ?? 0) {
      (stop.lock, stop.atLock) = (l, Int(locks[l].waiting))
    }
    if let stalledAt {
      stop.stalledAt = stalledAt
      stop.stalledEvents = Self.stallChecks << 20
    }
    return stop
  }
}

extension Network {
  /// Why replication `replication` stopped early: the station, its arrival rate against its
  /// capacity when the traffic equations give them, and the simulated time reached.
  package func explain(_ stop: EarlyStop, replication: Int, at time: Double) -> String {
    let station = stations[stop.station]
    if let stalled = stop.stalledAt {
      return
        "replication \(replication + 1) made no progress: more than \((stop.stalledEvents ?? 0) / 1_000_000) million events at simulated time "
        + "\(Self.figure(stalled))s without the clock moving, so it would never end. A cycle of the network takes no "
        + "time: zero think time with zero service times, or customers lost at a full station returning at once "
        + "(station '\(station.name)' held the most, \(stop.atStation)). Give the think time or a service a positive "
        + "time, or let the full station queue (a larger capacity)"
    }
    if let l = stop.lock, let waiting = stop.atLock, locks.indices.contains(l) {
      let bounds = lockBounds().filter { $0.lock == l }.map {
        "class '\($0.sequence < sequences.count ? sequences[$0.sequence].name : "?")' holds it at least \(Self.figure($0.held * 1_000)) ms a trip, so at most \(Self.figure($0.throughput)) trips/s pass"
      }
      return
        "replication \(replication + 1) stopped at simulated time \(Self.figure(time))s with \(stop.customers) customers "
        + "in the network, past the \(stop.limit) capsim holds in memory: \(waiting) waited for lock '\(locks[l].name)' "
        + "(capacity \(locks[l].capacity)\(bounds.isEmpty ? "" : "; " + bounds.joined(separator: "; "))), so its line grows "
        + "without bound. Lower the arrival rate, hold the lock for fewer steps, give it more capacity, or shorten "
        + "run.length to watch it grow within the limit"
    }
    var load = ""
    if let rates = arrivalRates(peak: false), case .finite(let c) = station.servers {
      let capacity = (station.limitingServers ?? Double(c)) / station.service.mean
      load = ", offered \(Self.figure(rates[stop.station]))/s against a capacity of \(Self.figure(capacity))/s"
    }
    return """
      replication \(replication + 1) stopped at simulated time \(Self.figure(time))s with \(stop.customers) customers \
      in the network, past the \(stop.limit) capsim holds in memory: station '\(station.name)' \
      held \(stop.atStation)\(load), so its queue grows without bound. Lower the arrival rate, add servers, bound \
      the queue (capacity, timeout), or shorten run.length to watch it grow within the limit
      """
  }

  /// Whole from 1 on (rates of a billion a second read better without an exponent), else 3 digits.
  private static func figure(_ x: Double) -> String {
    if abs(x) >= 1, let whole = Int(rounding: x) { return String(whole) }
    return String(format: "%.3g", x)
  }
}
