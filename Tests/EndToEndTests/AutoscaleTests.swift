import Foundation
import ResultsStore
import Testing

/// `capsim autoscale` as a platform engineer runs it.
@Suite struct AutoscaleTests {
  static let morning = EndToEndTests.fixture("platform-morning.yaml")

  /// `kubernetes-validate` from the project's tools (scripts/install-test-tools.sh), then PATH.
  static let validator: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = [root.path + "/.build/test-tools/bin/kubernetes-validate"]
      + path.split(separator: ":").map { "\($0)/kubernetes-validate" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// The morning's territory A: the manifests are written, lint clean, pass the Kubernetes
  /// schema, and the comparison is printed, recorded and reported with the same rows.
  @Test func autoscaleWritesVerifiedManifestsAndRecordsTheComparison() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-autoscale-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("autoscalers").path
    let db = dir.appendingPathComponent("a.sqlite").path
    let report = dir.appendingPathComponent("report").path
    let r = try EndToEndTests.capsim([
      "autoscale", Self.morning, "--territory", "A", "--out", out, "--db", db, "--report", report, "--replications", "1",
      "--max-replications", "2", "--held-out", "1", "--format", "json", "--quiet",
    ])
    #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try #require(json["rows"] as? [[String: Any]])
    let strategies = rows.filter { $0["section"] as? String == "strategy" }.compactMap { $0["name"] as? String }
    #expect(strategies == ["static peak", "stock HPA", "derived HPA", "HPA + cron", "predictive", "oracle"])
    #expect(rows.contains { $0["section"] as? String == "verification" && $0["name"] as? String == "derived HPA: demand +20%" })
    let pool = try #require((json["pools"] as? [[String: Any]])?.first)
    #expect(pool["territory"] as? String == "A")
    #expect((pool["min_replicas"] as? Int ?? 0) >= 2)
    // Every strategy costs at least the oracle's pod-hours (it is the hour-by-hour minimum),
    // up to the pods' start-up at each change.
    let hours = Dictionary(uniqueKeysWithValues: rows.filter { $0["section"] as? String == "strategy" }.map {
      ($0["name"] as! String, $0["pod_hours"] as! Double)
    })
    #expect(hours["static peak"]! >= hours["oracle"]! * 0.95)

    let hpa = out + "/A/hpa.yaml"
    let scaled = out + "/A/scaledobject.yaml"
    let text = try String(contentsOfFile: hpa, encoding: .utf8)
    #expect(text.hasPrefix("# Derived by capsim autoscale"))
    #expect(text.contains("minReplicas: ") && text.contains("  # the quietest hour needs"))
    #expect(text.contains("# hpa.yaml on held-out seeds: "))
    // The ScaledObject's required structure (KEDA's CRD: apiVersion, kind, name, target, triggers
    // with type and metadata); the strict reader took it when the command read it back.
    let so = try String(contentsOfFile: scaled, encoding: .utf8)
    for line in [
      "apiVersion: keda.sh/v1alpha1\n", "kind: ScaledObject\n", "metadata:\n  name: crm-a\n",
      "  scaleTargetRef:\n    name: crm-a\n", "  triggers:\n    - type: cpu\n", "      metadata:\n",
    ] {
      #expect(so.contains(line), "missing \(line) in\n\(so)")
    }
    // The fixture's pools name no deployment, so the manifests scale crm-a and lint without a scenario.
    #expect(text.contains("name: crm-a"))
    // Alternatives for one Deployment, so each is linted alone (together they would fight).
    for file in [hpa, scaled] {
      let lint = try EndToEndTests.capsim(["autoscaler", "lint", file])
      #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
    }

    let store = try ResultsStore(path: db)
    let recorded = try #require(try store.autoscaleData(1))
    #expect(recorded.record.status == .complete)
    #expect(recorded.rows.count == rows.count)
    #expect(recorded.manifests.map(\.file) == ["A/hpa.yaml", "A/scaledobject.yaml"])
    // capsim autoscales lists it, shows it as recorded, and knows what it does not have.
    let list = try EndToEndTests.capsim(["autoscales", "--db", db])
    #expect(list.status == 0 && list.stdout.contains("platform-morning.yaml") && list.stdout.contains("complete"))
    let shown = try EndToEndTests.capsim(["autoscales", "latest", "--db", db, "--format", "json"])
    let again = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
    #expect((again["rows"] as? [[String: Any]])?.count == rows.count)
    let missing = try EndToEndTests.capsim(["autoscales", "9", "--db", db])
    #expect(missing.status == 4, "\(missing.stderr)")
    let page = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
    #expect(page.contains("<h3>Strategies</h3>") && page.contains("Verification on held-out seeds"))
    #expect(FileManager.default.fileExists(atPath: report + "/report.md"))
  }

  @Test(.enabled(if: validator != nil, "kubernetes-validate not found: run scripts/install-test-tools.sh (make test does)"))
  func theDerivedHPAPassesTheKubernetesSchema() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-autoscale-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try EndToEndTests.capsim([
      "autoscale", Self.morning, "--territory", "A", "--out", dir.path, "--db", dir.path + "/a.sqlite",
      "--replications", "1", "--max-replications", "1", "--held-out", "1", "--quiet",
    ])
    #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.validator!)
    process.arguments = ["--strict", "--no-warn", dir.path + "/A/hpa.yaml"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(output)")
    #expect(output.contains("passed for resource horizontalpodautoscaler/crm-a"), "\(output)")
  }

  @Test func autoscaleRefusesWhatItCannotDo() throws {
    let unknown = try EndToEndTests.capsim(["autoscale", Self.morning, "--territory", "X", "--quiet"])
    #expect(unknown.status == 64 && unknown.stderr.contains("no territory 'X'"), "\(unknown.stderr)")
    let network = try EndToEndTests.capsim(["autoscale", EndToEndTests.fixture("mm1.yaml"), "--quiet"])
    #expect(network.status == 64 && network.stderr.contains("not a platform scenario"), "\(network.stderr)")
    let share = try EndToEndTests.capsim(["autoscale", Self.morning, "--peak-share", "120"])
    #expect(share.status == 64, "\(share.stderr)")
  }
}
