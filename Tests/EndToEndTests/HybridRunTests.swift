import Foundation
import ResultsStore
import Testing

/// `capsim run --mode hybrid` as a user runs it.
@Suite struct HybridRunTests {
  @Test func aHybridRunRecordsHowEachWindowRan() throws {
    // Given a scratch database
    let db = RecordingTests.database()
    defer { try? FileManager.default.removeItem(atPath: db) }

    // When a Christmas Monday runs hybrid
    let run = try EndToEndTests.capsim([
      "run", "scenarios/platform-christmas-2026.yaml", "--mode", "hybrid", "--set", "calendar.end=2026-12-08",
      "--replications", "2", "--db", db, "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    // and says so where a rate would read as speed
    let line = run.stdout.split(separator: "\n").dropFirst().first ?? ""
    #expect(line.hasPrefix("hybrid: ") && line.contains(" of 48 territory windows computed by the queueing model"), "\(line)")

    // Then each territory's 24 windows say how they ran, most of them computed, and the run
    // keeps the mode among its settings
    let data = try #require(try ResultsStore(path: db).data(1))
    let modes = data.series.filter { $0.tier == "all" && $0.requestClass == "all" }.map(\.mode)
    #expect(modes.count == 48)
    #expect(modes.allSatisfy { ["request", "fluid", "mixed"].contains($0) }, "\(modes)")
    #expect(modes.filter { $0 == "fluid" }.count >= 24, "\(modes)")
    #expect(data.run.settings.contains("run.mode=hybrid"))
    // And the reports say it too
    let folder = EndToEndTests.scratch.appendingPathComponent("hybrid-report-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let report = try EndToEndTests.capsim(["report", "1", "--db", db, "--out", folder.path])
    #expect(report.status == 0, "\(report.stderr)")
    let md = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
    let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(md.contains("**Hybrid run:** of 48 territory windows, "))
    #expect(html.contains("<strong>Hybrid run:</strong> of 48 territory windows"))
  }
}
