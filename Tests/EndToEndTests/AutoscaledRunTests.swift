import Foundation
import ResultsStore
import Testing

/// `capsim run --autoscaler`: the HPA in the loop, recorded sync by sync, summed up by `run`
/// and `show`, drawn by `report`, and the same for any thread count.
@Suite struct AutoscaledRunTests {
  static let manifest = EndToEndTests.fixture("autoscaling/sim-hpa.yaml")

  static func database() -> String {
    EndToEndTests.scratch.appendingPathComponent("capsim-autoscaled-\(UUID().uuidString).sqlite").path
  }

  static func run(_ db: String, _ extra: [String] = []) throws -> EndToEndTests.Output {
    try EndToEndTests.capsim(
      [
        "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "territories.A.app.deployment=crm-a",
        "--autoscaler", manifest, "--db", db, "--series", "none",
      ] + extra)
  }

  /// Every sync of run `id`, as text.
  static func syncs(_ db: String, run id: Int64) throws -> [String] {
    let data = try #require(try ResultsStore(path: db).data(id))
    return data.autoscalerSyncs.map { "\($0)" }
  }

  /// A pool KEDA scaled to 0 at a quiet 05:00 wakes on a counter of the requests that reach
  /// the balancer, as an ingress's counts failed ones; on requests completed it stays at 0 all
  /// morning (none complete without a pod: every request failed, seen in review).
  @Test func anIngressCounterWakesAPoolScaledToZero() throws {
    var errorRates: [String: Double] = [:]
    for metric in ["capsim_requests_total", "capsim_ingress_requests_total"] {
      let manifest = EndToEndTests.scratch.appendingPathComponent("capsim-wake-\(UUID().uuidString).yaml")
      try """
      apiVersion: keda.sh/v1alpha1
      kind: ScaledObject
      metadata: {name: crm-a}
      spec:
        scaleTargetRef: {name: crm-a}
        minReplicaCount: 0
        maxReplicaCount: 10
        cooldownPeriod: 60
        triggers:
          - type: prometheus
            metadata: {serverAddress: "http://prometheus:9090", query: 'sum(rate(\(metric)[2m]))', threshold: "20", activationThreshold: "5"}

      """.write(to: manifest, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: manifest) }
      let r = try EndToEndTests.capsim([
        "run", EndToEndTests.fixture("platform-morning.yaml"), "--set", "territories.A.app.deployment=crm-a",
        "--autoscaler", manifest.path, "--db", Self.database(), "--replications", "1", "--quiet", "--format", "json",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
      let a = try #require((json["territories"] as? [[String: Any]])?.first)
      let period = try #require((a["periods"] as? [[String: Any]])?.first)
      errorRates[metric] = (period["error_rate"] as? [String: Any])?["mean"] as? Double
    }
    #expect((errorRates["capsim_requests_total"] ?? 0) > 0.99, "\(errorRates)")
    #expect((errorRates["capsim_ingress_requests_total"] ?? 1) < 0.1, "\(errorRates)")
  }

  @Test func anAutoscaledRunIsPrintedRecordedShownAndReported() throws {
    let db = Self.database()
    // Given the fixture's two hours with an HPA on pool A
    let r = try Self.run(db)

    // Then the run prints the autoscaler's summary, skips the Deployment with a note
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("autoscalers (per replication") && r.stdout.contains("HorizontalPodAutoscaler crm-a"))
    #expect(r.stderr.contains("Deployment"), "the Deployment document is skipped with a warning: \(r.stderr)")
    // and records every sync of both replications: 2 h / 15 s = 480 each
    let rows = try Self.syncs(db, run: 1)
    #expect(rows.count == 2 * 480)
    #expect(rows.allSatisfy { $0.contains("territory: \"A\"") })
    // show sums them up, and the report draws the pods and tables the reasons
    let show = try EndToEndTests.capsim(["show", "latest", "--db", db])
    #expect(show.status == 0 && show.stdout.contains("HorizontalPodAutoscaler crm-a"), "\(show.stdout)")
    // with the manifest among the files it read (a comparison names it when it changes)
    #expect(show.stdout.contains("also read \(Self.manifest)"), "\(show.stdout)")
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-report-\(UUID().uuidString)")
      .path
    #expect(try EndToEndTests.capsim(["report", "latest", "--db", db, "--out", folder]).status == 0)
    let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
    #expect(
      html.contains("Pods — A") && html.contains("Autoscaler") && html.contains("stabilized: highest of the last 300 s")
    )
    // and every JSON has the same summary: run's, show's and summary.json's
    let json = try Self.run(db, ["--format", "json", "--quiet"])
    let shown = try EndToEndTests.capsim(["show", "latest", "--db", db, "--format", "json"])
    let summary = try String(contentsOfFile: folder + "/summary.json", encoding: .utf8)
    for (name, text) in [("run", json.stdout), ("show", shown.stdout), ("summary.json", summary)] {
      let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(name)")
      let first = try #require((document["autoscalers"] as? [[String: Any]])?.first, "\(name) has no autoscalers")
      #expect(first["territory"] as? String == "A" && first["autoscaler"] as? String == "HorizontalPodAutoscaler crm-a")
      // The fixture starts above what it needs: the HPA scales down once and never up.
      #expect(
        (first["scale_downs"] as? NSNumber)?.doubleValue == 1
          && ((first["pod_hours"] as? NSNumber)?.doubleValue ?? 0) > 0, "\(name): \(first)")
      #expect(first.keys.contains("longest_ramp_s") && first.keys.contains("slo_violation_minutes"))
    }
  }

  /// Hybrid mode keeps an autoscaled territory request by request (its controller reads the
  /// simulated work): the run is the same as at request level, sync for sync.
  @Test func hybridModeSimulatesAnAutoscaledPoolRequestByRequest() throws {
    let (a, b) = (Self.database(), Self.database())
    #expect(try Self.run(a, ["--quiet"]).status == 0)
    #expect(try Self.run(b, ["--quiet", "--mode", "hybrid"]).status == 0)
    #expect(try Self.syncs(a, run: 1) == Self.syncs(b, run: 1))
  }

  /// Same seed, any --threads: the same syncs, decision for decision.
  @Test func theSyncsDoNotDependOnTheThreadCount() throws {
    let db = Self.database()
    #expect(try Self.run(db, ["--threads", "1", "--quiet"]).status == 0)
    #expect(try Self.run(db, ["--threads", "3", "--quiet"]).status == 0)
    let one = try Self.syncs(db, run: 1)
    let three = try Self.syncs(db, run: 2)
    #expect(!one.isEmpty && one == three)
  }

  /// The same manifest named twice is read once, with a warning, not refused as an autoscaler
  /// in conflict with itself.
  @Test func aManifestNamedTwiceIsReadOnce() throws {
    let db = Self.database()
    let once = try Self.run(db, ["--quiet", "--format", "json"])
    let twice = try Self.run(db, ["--autoscaler", Self.manifest, "--format", "json"])
    #expect(twice.status == 0 && twice.stderr.contains("is named twice"), "\(twice.stderr)")
    #expect(try Self.syncs(db, run: 1) == Self.syncs(db, run: 2))
    #expect(once.status == 0)
  }

  @Test func aManifestForNoPoolIsRefusedWithItsLocation() throws {
    // Without --set, no pool names crm-a.
    let r = try EndToEndTests.capsim(
      ["run", EndToEndTests.fixture("platform-small.yaml"), "--autoscaler", Self.manifest, "--db", Self.database()])
    #expect(r.status == 1)
    let printed = r.stdout + r.stderr
    #expect(printed.contains("sim-hpa.yaml:7:65: error: spec.scaleTargetRef.name:"), "\(printed)")
  }
}
