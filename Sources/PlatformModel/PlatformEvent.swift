/// What happens on the platform: plain data (indices and stamps), so the event list holds no
/// references. Stamps let an event that a later change made pointless be dropped when it comes up
/// instead of being searched for and removed.
enum PlatformEvent {
  /// The next request of a territory: a thinking user wakes (exponential think times, pooled)
  /// or an open arrival. `stamp` is the territory's wake stamp when it was drawn.
  case wake(territory: Int32, stamp: UInt32)
  /// One user's think time ends (think times that are not exponential).
  case userWake(user: Int32)
  /// A request's CPU phase on its instance ends.
  case cpuDone(request: Int32)
  /// A request's current query ends on its database node.
  case queryDone(request: Int32)
  /// Either of them on an instance or node with a load factor, unless its work in service was
  /// re-timed since (`stamp`).
  case sharedDone(request: Int32, stamp: UInt32)
  /// A request waiting for a database connection gives up, unless it got one (`stamp`).
  case connectionTimeout(request: Int32, stamp: UInt32)
  /// Instance lifecycle; `epoch` drops events meant for an earlier life of the instance.
  case crash(instance: Int32, epoch: UInt32)
  case repaired(instance: Int32, epoch: UInt32)
  case ready(instance: Int32, epoch: UInt32)
  /// The load balancer's health check notices a crashed instance (whatever its life since: one
  /// repaired before the check is still starting, and leaves the rotation all the same).
  case detected(instance: Int32)
  /// Demand is re-read from the calendar (users logging on and off, arrival rates).
  case demandTick
  /// The end of a series window.
  case windowTick
  /// The end of a minute, for availability.
  case minuteTick
  /// Step `step` of fault `index` (a fault starting, being detected, ending).
  case fault(index: Int32, step: Int32)
  /// Scheduled capacity change `index`.
  case capacity(index: Int32)
  /// metrics-server and Prometheus scrape the autoscaled pools.
  case metricsScrape
  /// Autoscaler `index` (into the simulator's autoscalers) syncs.
  case autoscalerSync(index: Int32)
}
