import Foundation
import Testing

/// `capsim plan` as a user runs it.
@Suite struct PlanTests {
  static let morning = EndToEndTests.fixture("platform-morning.yaml")

  /// The morning fixture: 60 requests/s of 100 ms CPU on 2-core instances at 10:30 is 6 busy
  /// cores, so 4 instances at least; with a 1 s p95 target, 4 do it.
  @Test func planPrintsTheFewestInstancesWhyAndTheCost() throws {
    let r = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let period = try #require((json["periods"] as? [[String: Any]])?.first)
    #expect(period["territory"] as? String == "A" && period["period"] as? String == "normal")
    #expect(period["stable_instances"] as? Int == 4)
    #expect(period["instances"] as? Int == 4)
    // 4 instances x 0.2 EUR an hour x 720 hours.
    #expect(abs((period["instance_cost_per_30_days"] as? Double ?? 0) - 576) < 1e-9)
    #expect((period["binding"] as? [String: Any])?["objective"] as? String == "p95 latency")
    let table = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "A", "--quiet"])
    #expect(table.stdout.contains("Why not one fewer") && table.stdout.contains("A normal at 3: app CPU would be"))
    #expect(table.stdout.contains("What one more buys") && table.stdout.contains("A normal at 5: p95"))
    #expect(table.stderr.isEmpty)
  }

  /// The schedule the plan emits, run as the scenario's capacity, meets every objective, and
  /// rises with the morning.
  @Test func theEmittedCapacityScheduleMeetsTheObjectives() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["platform-morning.yaml", "platform-topology.yaml"] {
      try FileManager.default.copyItem(atPath: EndToEndTests.fixture(name), toPath: dir.appendingPathComponent(name).path)
    }
    let schedule = dir.appendingPathComponent("capacity.yaml").path
    let plan = try EndToEndTests.capsim([
      "plan", dir.appendingPathComponent("platform-morning.yaml").path, "--territory", "A", "--emit", "capacity",
      "--out", schedule, "--quiet",
    ])
    #expect(plan.status == 0, "\(plan.stderr)")
    let text = try String(contentsOfFile: schedule, encoding: .utf8)
    let entries = text.split(separator: "\n").filter { $0.hasPrefix("  - ") }
    let counts = entries.compactMap { line in line.split(separator: " ").last.flatMap { Int($0.dropLast()) } }
    #expect(counts.count >= 2 && counts.first! < counts.last!, "\(text)")
    #expect(counts == counts.sorted(), "the morning only rises: \(counts)")
    #expect(text.contains("at: 2026-12-07T05:00"))
    let whatIf = "name: morning-planned\nbase: platform-morning.yaml\noverrides:\n  capacity:\n"
      + entries.map { "  " + $0 }.joined(separator: "\n") + "\n"
    try whatIf.write(to: dir.appendingPathComponent("planned.yaml"), atomically: true, encoding: .utf8)
    let run = try EndToEndTests.capsim([
      "run", dir.appendingPathComponent("planned.yaml").path, "--fail-on-slo", "--quiet",
      "--db", dir.appendingPathComponent("r.sqlite").path,
    ])
    #expect(run.status == 0, "\(run.stdout.suffix(2_000))")
  }

  @Test func badRequestsAreUsageErrors() throws {
    let unknown = try EndToEndTests.capsim(["plan", Self.morning, "--territory", "AA", "--quiet"])
    #expect(unknown.status == 64 && unknown.stderr.contains("no territory 'AA'") && unknown.stderr.contains("did you mean 'A'"))
    let network = try EndToEndTests.capsim(["plan", EndToEndTests.fixture("small.yaml"), "--quiet"])
    #expect(network.status == 64 && network.stderr.contains("not a platform scenario"))
  }
}
