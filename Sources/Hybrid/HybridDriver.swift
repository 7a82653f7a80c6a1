import Foundation
import PlatformModel
import SimRandom

/// Advances one replication of a group of territories in steps (an hour, or a series window if
/// shorter), each simulated request by request or computed by the queueing model (`FluidModel`),
/// by `SwitchRule`; checks the model against short simulated slices as it goes.
package struct HybridDriver: ReplicationDriver {
  package var rule: SwitchRule

  package init(rule: SwitchRule = SwitchRule()) { self.rule = rule }

  package func run(
    _ simulator: inout PlatformSimulator, replication: Int, progress: ((Double, Int) -> Void)?
  ) -> PlatformReplication {
    var state = HybridState(simulator: simulator, rule: rule, replication: replication)
    simulator.begin()
    let horizon = simulator.horizon
    let interval = state.scenario.seriesInterval
    var a = 0.0
    while a < horizon {
      let windowEnd = min(horizon, ((a / interval).rounded(.down) + 1) * interval)
      let b = min(windowEnd, ((a / 3_600).rounded(.down) + 1) * 3_600)
      state.step(&simulator, from: a, to: b)
      progress?(b / horizon, simulator.arrivedRequests)
      a = b
    }
    simulator.advance(through: horizon)
    var result = simulator.finish()
    state.label(&result)
    return result
  }
}
