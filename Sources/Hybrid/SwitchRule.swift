/// The rule that decides, moment by moment, how a hybrid run advances. Request by request when:
/// - the platform is in transition (`PlatformSimulator.isSettled` is false: an instance
///   starting, crashed, draining or deploying, a node down, a replica lagging, an outage), or a
///   change (fault step, crash, repair, capacity change) is due within `lead`; then until it has
///   been settled for `tail`;
/// - the busiest tier (cores, workers, connections of an instance, a database node's cores) is
///   predicted above `maxUtilization` at any demand step of the hour: near capacity, where the
///   queueing model is least sure and errors start;
/// - demand moves fast where it matters: the predicted mean latency changes by more than
///   `maxLatencyChange` (relative) between the hour's demand steps (a ramp into a queue; a
///   ramp at low load changes nothing the model misses);
/// - queries wait at a database node: the model's mean wait there is `maxNodeWaitShare` or more
///   of the node's mean query. Short reads beside long reports on few cores are where
///   Allen-Cunneen's mean and an exponential wait are least sure (with 2-core replicas at 20-45%
///   utilization they put the database p95 40-70% high; with 8 cores nobody waits);
/// - CPU phases wait at an instance: at `maxCoreWait` or more, Erlang C's probability of
///   waiting for one instance's cores taken alone. The model pools the instances behind a
///   least-connections balancer; the real spread lies between one pool and separate ones, and
///   with few cores per instance that difference is the tail (4-core instances 75-81% busy:
///   computed p95 5-8% low; 2-core instances 60-70% busy: 3-6% low). With many cores per
///   instance it fires only near `maxUtilization`. The same for one instance's database
///   connections (few connections an instance are a connection-bound pool);
/// - requests would fail at an instance: `maxFailureShare` or more of them turned away by a full
///   work queue, out of time for a connection or over the app's timeout
///   (`FluidModel.failureShare`). A computed stretch draws timeouts only, and its failures
///   mark no minute bad; the simulator has every cause and the availability;
/// - the warm-up ends inside the hour: a computed stretch is measured whole or not at all;
/// - demand is not memoryless (think times other than exponential): the model's arrival
///   stream would not be the simulator's.
/// Otherwise the hour is computed. Each territory's utilization band (`bandWidth` wide) is
/// checked by a simulated slice of `checkLength` once per `checkEvery`, when it would hold at
/// least `checkRequests` requests: its mean latency against the model's corrects the app tiers'
/// waits in that band (`FluidModel.regime`'s scale).
package struct SwitchRule: Sendable {
  package var maxUtilization = 0.85
  package var maxLatencyChange = 0.10
  package var maxNodeWaitShare = 0.05
  package var maxCoreWait = 0.5
  package var maxFailureShare = 1e-4
  package var lead = 60.0
  package var tail = 60.0
  package var checkLength = 120.0
  package var checkEvery = 3 * 86_400.0
  package var checkRequests = 2_000.0
  package var bandWidth = 0.1
  /// Checks only where the model's waits are at least this share of the no-wait latency.
  package var checkWaitShare = 0.05

  package init() {}
}
