import ArgumentParser

/// The `capsim` command: a discrete-event scaling simulator and capacity planner.
package struct Capsim: ParsableCommand {
  package static let configuration = CommandConfiguration(
    commandName: "capsim",
    abstract: "Simulate queueing networks request by request and plan capacity.",
    discussion: """
      capsim reads a scenario (demand, run length, seed, replications) that names a topology \
      (stations, servers, routing, dispatchers), simulates it with independent replications and \
      reports throughput, utilization, waits and response-time percentiles with 95% confidence \
      intervals. Where queueing theory has an exact answer, `capsim analyze` prints it next to the \
      simulated one.

      Examples:
        capsim run scenarios/mm4-peak.yaml
        capsim run scenarios/mm4-peak.yaml --replications 20 --format json
        capsim validate scenarios/*.yaml topologies/*.yaml
        capsim schema platform-scenario
        capsim analyze scenarios/jackson-tandem.yaml
        capsim run scenarios/platform-christmas-2026.yaml --fail-on-slo
        capsim runs
        capsim report latest
        capsim bench
      """,
    version: capsimVersion,
    subcommands: [Run.self, Runs.self, Show.self, Diff.self, ReportCommand.self, Validate.self, Schema.self, Analyze.self, Bench.self]
  )

  package init() {}
}

/// The version printed by `capsim --version` and recorded with results.
package let capsimVersion = "0.1.0"
