import ArgumentParser
import Autoscaling
import ScenarioFile
import TextReports

/// `capsim autoscaler`: Kubernetes autoscalers without the simulator.
struct AutoscalerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "autoscaler",
    abstract: "Kubernetes HPA and KEDA autoscalers, decision by decision.",
    subcommands: [DryRunCommand.self, LintCommand.self])
}

/// `capsim autoscaler dry-run`: recorded metrics through an HPA or ScaledObject's logic.
struct DryRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dry-run",
    abstract: "Replay recorded metrics through an autoscaler manifest and print every sync's decision.",
    discussion: """
      Reads the HorizontalPodAutoscaler (autoscaling/v2) or KEDA ScaledObject (keda.sh/v1alpha1) \
      in MANIFEST and replays the syncs of the metrics file through the same rules as \
      upstream's controllers: per sync the proposal of each metric, the recommendation, the \
      stabilized and rate-limited values, the new replica count and the reason. The metrics \
      file format is in the README (Autoscaler dry-run); scripts/prometheus-to-dry-run.py \
      turns Prometheus range queries into it.

      Examples:
        capsim autoscaler dry-run k8s/hpa.yaml --metrics recorded.json --deployment crm-de
        capsim autoscaler dry-run k8s/keda-christmas.yaml --metrics recorded.json --deployment crm-de --format json
      """)

  @Argument(help: "Kubernetes YAML files (several documents each; other kinds are skipped).")
  var manifests: [String]

  @Option(help: ArgumentHelp("The recorded syncs (JSON).", valueName: "file"))
  var metrics: String

  @Option(help: "The Deployment whose autoscaler to replay (required when the manifests have several).")
  var deployment: String?

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func run() throws {
    let log = DiagnosticLog()
    let manifest = KubernetesManifest.read(paths: manifests, log: log)
    guard !log.hasErrors else {
      printToStandardError(log.rendered())
      throw ExitStatus.failure
    }
    let autoscaler: KubernetesManifest.Autoscaler
    if let deployment {
      guard let found = manifest.autoscaler(for: deployment) else {
        let names = manifest.autoscalers.map(\.deployment).joined(separator: ", ")
        throw ValidationError(
          "no autoscaler scales Deployment '\(deployment)'; the manifests scale \(names.isEmpty ? "none" : names)")
      }
      autoscaler = found
    } else {
      guard manifest.autoscalers.count == 1 else {
        if manifest.autoscalers.isEmpty {
          throw fail("the manifests hold no HorizontalPodAutoscaler or ScaledObject", status: ExitStatus.failure)
        }
        let names = manifest.autoscalers.map(\.deployment).joined(separator: ", ")
        throw ValidationError("the manifests scale \(names): name one with --deployment")
      }
      autoscaler = manifest.autoscalers[0]
    }
    let spec: AutoscalerSpec
    var reads = AutoscalerMetricsFile.Reads()
    switch autoscaler.kind {
    case .hpa(let hpa):
      spec = .hpa(hpa)
      reads = AutoscalerMetricsFile.Reads(hpa)
    case .scaledObject(let so):
      spec = .scaledObject(so)
      for trigger in so.triggers {
        if case .prometheus(let prometheus) = trigger.kind { reads.series.insert(prometheus.series.key) }
      }
    }
    // The metrics are read knowing what the autoscaler reads, so that a value it would never
    // look at is said rather than a silent "no value recorded" at every sync.
    let (syncs, dated) = AutoscalerMetricsFile.read(path: metrics, log: log, reads: reads)
    guard !log.hasErrors else {
      printToStandardError(log.rendered())
      throw ExitStatus.failure
    }
    printWarnings(log.diagnostics)
    let steps = DryRun.replay(spec, syncs: syncs)
    let report = DryRunReport(
      autoscaler: autoscaler.title, hpa: autoscaler.generatedHPA, deployment: autoscaler.deployment, steps: steps, datedTimes: dated)
    print(format == .json ? report.json() : report.table())
  }
}
