import Foundation
import ResultsStore
import Testing

/// `capsim autoscale` as a platform engineer runs it.
@Suite struct AutoscaleTests {
  static let morning = EndToEndTests.fixture("platform-morning.yaml")
  /// The head of a manifest an earlier derivation wrote.
  static let earlier = "# Derived by capsim autoscale 0.0.9 for territory A (Deployment crm-a)\nkind: ScaledObject\n"

  /// `kubernetes-validate` from the project's tools (scripts/install-test-tools.sh), then PATH.
  static let validator: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates =
      [root.path + "/.build/test-tools/bin/kubernetes-validate"]
      + path.split(separator: ":").map { "\($0)/kubernetes-validate" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// One derivation of the morning's territory A, made by the first test that asks and read by
  /// each test that needs it (a derivation takes seconds); its folder goes when the process exits.
  struct Derivation {
    let out: String
    let db: String
    let report: String
    let result: EndToEndTests.Output
  }
  static let folder = EndToEndTests.scratch.appendingPathComponent("capsim-autoscale-\(UUID().uuidString)")
  static let derivation: Result<Derivation, any Error> = Result {
    atexit { try? FileManager.default.removeItem(at: AutoscaleTests.folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let out = folder.appendingPathComponent("autoscalers").path
    let db = folder.appendingPathComponent("a.sqlite").path
    let report = folder.appendingPathComponent("report").path
    // An earlier derivation's requests.yaml (this one has no --metric requests) goes; a file
    // capsim does not write stays.
    try FileManager.default.createDirectory(atPath: out + "/A", withIntermediateDirectories: true)
    try Data(AutoscaleTests.earlier.utf8).write(to: URL(fileURLWithPath: out + "/A/requests.yaml"))
    try Data("mine\n".utf8).write(to: URL(fileURLWithPath: out + "/A/notes.txt"))
    let r = try EndToEndTests.capsim([
      "autoscale", morning, "--territory", "A", "--out", out, "--db", db, "--report", report, "--replications", "2",
      "--max-replications", "2", "--held-out", "1", "--format", "json", "--quiet",
    ])
    return Derivation(out: out, db: db, report: report, result: r)
  }

  /// The morning's territory A: the manifests are written, lint clean, and the comparison is
  /// printed, recorded and reported with the same rows.
  @Test func autoscaleWritesVerifiedManifestsAndRecordsTheComparison() throws {
    let d = try Self.derivation.get()
    let (out, db, report, r) = (d.out, d.db, d.report, d.result)
    #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
    #expect(r.stderr.isEmpty, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try #require(json["rows"] as? [[String: Any]])
    let strategies = rows.filter { $0["section"] as? String == "strategy" }.compactMap { $0["name"] as? String }
    #expect(strategies == ["static peak", "stock HPA", "derived HPA", "HPA + cron", "predictive", "oracle"])
    #expect(
      rows.contains {
        $0["section"] as? String == "verification" && $0["name"] as? String == "derived HPA: demand +20%"
      })
    let pool = try #require((json["pools"] as? [[String: Any]])?.first)
    #expect(pool["territory"] as? String == "A")
    #expect((pool["min_replicas"] as? Int ?? 0) >= 2)
    // Every strategy costs at least the oracle's pod-hours (it is the hour-by-hour minimum),
    // up to the pods' start-up at each change.
    let hours = Dictionary(
      uniqueKeysWithValues: rows.filter { $0["section"] as? String == "strategy" }.map {
        ($0["name"] as! String, $0["pod_hours"] as! Double)
      })
    #expect(hours["static peak"]! >= hours["oracle"]! * 0.95)

    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["A"], "no staging folder is left")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out + "/A").sorted() == [
        "hpa.yaml", "notes.txt", "scaledobject.yaml",
      ])
    // A variant that broke says what broke it.
    for row in rows where row["section"] as? String == "verification" && row["holds"] as? Bool == false {
      #expect(!((row["failed"] as? [String]) ?? []).isEmpty, "\(row)")
    }
    let hpa = out + "/A/hpa.yaml"
    let scaled = out + "/A/scaledobject.yaml"
    let text = try String(contentsOfFile: hpa, encoding: .utf8)
    #expect(text.hasPrefix("# Derived by capsim autoscale"))
    #expect(text.contains("minReplicas: ") && text.contains("  # the quietest hour needs"))
    #expect(text.contains("# hpa.yaml on held-out seeds: "))
    #expect(text.contains("\n# what-ifs: none\n"))
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
    // Alternatives for one Deployment, so each is linted alone (together they would fight), over
    // the day derived for: a span from today's date flagged the cron windows as another year's
    // on any day but the derivation's own.
    for file in [hpa, scaled] {
      let lint = try EndToEndTests.capsim(["autoscaler", "lint", file, "--from", "2026-12-07", "--to", "2026-12-08"])
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

  @Test(
    .enabled(if: validator != nil, "kubernetes-validate not found: run scripts/install-test-tools.sh (make test does)"))
  func theDerivedHPAPassesTheKubernetesSchema() throws {
    let d = try Self.derivation.get()
    #expect(d.result.status == 0 || d.result.status == 3, "\(d.result.stderr)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.validator!)
    process.arguments = ["--strict", "--no-warn", d.out + "/A/hpa.yaml"]
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
    // As capsim plan: one replication gives no interval.
    let one = try EndToEndTests.capsim(["autoscale", Self.morning, "--replications", "1", "--quiet"])
    #expect(one.status == 64 && one.stderr.contains("--replications must be at least 2"), "\(one.stderr)")
  }

  /// The header names the --set what-ifs (the SHA alone does not give them back) and the span
  /// the cron windows were derived for; stderr says what was written and what was removed;
  /// the table says the variants are reported, not gated.
  @Test func theHeaderNamesTheWhatIfsAndTheCronSpan() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-autoscale-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("autoscalers").path
    try FileManager.default.createDirectory(atPath: out + "/A", withIntermediateDirectories: true)
    // A file of capsim's names that capsim did not write is refused before anything runs
    try Data("# my own rule\n".utf8).write(to: URL(fileURLWithPath: out + "/A/requests.yaml"))
    let arguments = [
      "autoscale", Self.morning, "--territory", "A", "--out", out, "--db", dir.path + "/a.sqlite",
      "--replications", "2", "--max-replications", "2", "--held-out", "1", "--set", "demand.A.growth=1.1",
      // the run's own start given again: the predictive rule's history still starts 28 days earlier
      "--set", "calendar.start=2026-12-07T05:00",
    ]
    let mine = try EndToEndTests.capsim(arguments)
    #expect(
      mine.status == 64 && mine.stderr.contains("A/requests.yaml was not written by capsim autoscale"), "\(mine.stderr)"
    )
    #expect(try String(contentsOfFile: out + "/A/requests.yaml", encoding: .utf8) == "# my own rule\n")
    try Data(Self.earlier.utf8).write(to: URL(fileURLWithPath: out + "/A/requests.yaml"))
    let r = try EndToEndTests.capsim(arguments)
    #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
    #expect(!r.stderr.contains("predictive rule is left out") && r.stdout.contains("\npredictive "), "\(r.stderr)")
    #expect(r.stdout.contains("reported, not gated"), "\(r.stdout)")
    #expect(
      r.stderr.contains(
        "autoscale: wrote \(out)/A/hpa.yaml, \(out)/A/scaledobject.yaml; removed \(out)/A/requests.yaml"),
      "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out + "/A/requests.yaml"))
    let hpa = try String(contentsOfFile: out + "/A/hpa.yaml", encoding: .utf8)
    let whatIfs = "\n# what-ifs: --set demand.A.growth=1.1 --set calendar.start=2026-12-07T05:00\n"
    #expect(hpa.contains(whatIfs), "\(hpa)")
    let so = try String(contentsOfFile: out + "/A/scaledobject.yaml", encoding: .utf8)
    #expect(so.contains(whatIfs))
    #expect(so.contains("- type: cron"), "the morning's ramp needs a cron window: \(so)")
    #expect(
      so.contains(
        "# cron windows derived for 2026-12-07T05:00 to 2026-12-07T11:00 (Europe/Berlin); KEDA fires them every year: re-derive for another year, weekdays move"
      ), "\(so)")
  }

  /// Ctrl-C while the manifests are verified: exit 130, the derivation marked interrupted, and
  /// the folder as it was (no manifest without its verification, no staging folder left).
  /// `capsim autoscales` then shows what ran, and refuses its JSON or report (status 4).
  @Test func anInterruptedDerivationWritesNothing() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-autoscale-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("autoscalers").path
    let db = dir.appendingPathComponent("a.sqlite").path
    try FileManager.default.createDirectory(atPath: out + "/A", withIntermediateDirectories: true)
    for file in ["hpa.yaml", "requests.yaml"] {
      try Data((Self.earlier + "# old \(file)\n").utf8).write(to: URL(fileURLWithPath: out + "/A/" + file))
    }
    let log = dir.appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let process = Process()
    process.executableURL = EndToEndTests.binary
    // Many held-out replications: the verification lasts long enough to be interrupted.
    process.arguments = [
      "autoscale", Self.morning, "--territory", "A", "--out", out, "--db", db, "--replications", "2",
      "--max-replications", "2", "--held-out", "40",
    ]
    process.currentDirectoryURL = EndToEndTests.root
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: log)
    try process.run()
    let deadline = Date().addingTimeInterval(300)
    while Date() < deadline && process.isRunning {
      if (try? String(contentsOf: log, encoding: .utf8))?.contains("verifying hpa.yaml as read back") == true { break }
      Thread.sleep(forTimeInterval: 0.1)
    }
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["A"], "no staging folder is left")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/A").sorted() == ["hpa.yaml", "requests.yaml"])
    #expect(try String(contentsOfFile: out + "/A/hpa.yaml", encoding: .utf8) == Self.earlier + "# old hpa.yaml\n")

    let shown = try EndToEndTests.capsim(["autoscales", "1", "--db", db])
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(
      shown.stdout.contains("derivation 1: platform-morning, territories A, interrupted")
        && shown.stdout.contains("note: interrupted (Ctrl-C)"), "\(shown.stdout)")
    for extra in [["--format", "json"], ["--report", dir.appendingPathComponent("report").path]] {
      let r = try EndToEndTests.capsim(["autoscales", "1", "--db", db] + extra)
      #expect(r.status == 4 && r.stderr.contains("derivation 1 is interrupted, not complete"), "\(extra): \(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report").path))
  }
}
