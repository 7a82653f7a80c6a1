import Foundation
import Testing

/// `capsim calibrate` on k6 summaries with the app's Prometheus exports beside them, as a user
/// exports them: busy cores, the server's request rate, its latency histogram and sum.
@Suite struct CalibrateK6Tests {
  /// A `/api/v1/query_range` response: one series per (labels, values).
  static func range(_ series: [([String: String], [Double])]) -> String {
    let result = series.map { labels, values in
      let metric = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
      let samples = values.enumerated().map { i, v in "[\(1_733_400_000 + 15 * i), \"\(v)\"]" }.joined(separator: ", ")
      return "{\"metric\": {\(metric)}, \"values\": [\(samples)]}"
    }
    return #"{"status": "success", "data": {"resultType": "matrix", "result": ["# + result.joined(separator: ", ")
      + "]}}"
  }

  /// Three levels of a shop: (virtual users, k6's rate, k6's mean ms, busy cores, the server's
  /// rate, its mean ms). At one user the pods served 25/s where k6 sent 20/s: a warning, and
  /// the demand 0.2 / 25 = 8 ms (not 10 ms).
  static let levels: [(vus: Int, rate: Double, ms: Double, cores: Double, serverRate: Double, serverMs: Double)] = [
    (1, 20, 45, 0.2, 25, 30), (2, 38, 50, 0.38, 38.5, 34), (4, 60, 62, 0.6, 60, 44),
  ]

  static func write(to dir: URL, latency: String? = nil) throws {
    for l in levels {
      let summary =
        #"{"metrics": {"http_reqs": {"count": 1000, "rate": \#(l.rate)}, "http_req_duration": {"avg": \#(l.ms), "p(95)": \#(l.ms * 2)}, "vus_max": {"value": \#(l.vus)}}}"#
      let files = [
        "json": summary,
        "cpu.json": range([
          (["pod": "app-1"], [l.cores / 2, l.cores / 2]), (["pod": "app-2"], [l.cores / 2, l.cores / 2]),
        ]),
        "rate.json": range([([:], [l.serverRate, l.serverRate])]),
        // Half the requests within 20 ms, all within 100 ms: p95 = 0.02 + 0.08 x 0.45/0.5 = 92 ms
        "latency.json": latency
          ?? range([
            (["le": "0.02"], [l.serverRate / 2]), (["le": "0.1"], [l.serverRate]), (["le": "+Inf"], [l.serverRate]),
          ]),
        "latency-sum.json": range([([:], [l.serverRate * l.serverMs / 1_000])]),
      ]
      for (suffix, text) in files {
        try text.write(to: dir.appendingPathComponent("u\(l.vus).\(suffix)"), atomically: true, encoding: .utf8)
      }
    }
  }

  /// k6 without sleep against two pods of 8 ms a request (exact MVA), each pod busy
  /// `backgroundPerPod` cores more at any load.
  static func writeShopWithoutSleep(to dir: URL, backgroundPerPod: Double = 0) throws {
    for (n, x, r) in [(1, 26.316, 38.0), (2, 52.632, 38.0), (4, 103.817, 38.529), (8, 190.205, 42.060)] {
      let summary =
        #"{"metrics": {"http_reqs": {"count": \#(Int(x * 300)), "rate": \#(x)}, "http_req_duration": {"avg": \#(r), "p(95)": \#(2.5 * r)}, "vus": {"value": \#(n), "max": \#(n)}, "vus_max": {"value": \#(n), "max": \#(n)}}}"#
      try summary.write(to: dir.appendingPathComponent("u\(n).json"), atomically: true, encoding: .utf8)
      let pod = Array(repeating: backgroundPerPod + x * 0.004, count: 20)
      try Self.range([(["pod": "app-1"], pod), (["pod": "app-2"], pod)])
        .write(to: dir.appendingPathComponent("u\(n).cpu.json"), atomically: true, encoding: .utf8)
    }
  }

  @Test func calibrateShowsTheServerSideAndTakesTheDemandFromTheServersRate() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
    try Self.write(to: dir)

    let table = try EndToEndTests.capsim(["calibrate", dir.path])
    #expect(table.status == 0, "\(table.stderr)")
    // Only the level whose rates disagree (25/s against 20/s) is warned about, naming both files
    #expect(
      table.stderr.contains(
        "capsim: warning: \(dir.path)/u1.rate.json: the server's request rate, 25.00/s, is +25.0% from k6's http_reqs rate in \(dir.path)/u1.json, 20.00/s"
      ),
      "\(table.stderr)")
    #expect(!table.stderr.contains("u2.rate.json") && !table.stderr.contains("u4.rate.json"))
    #expect(table.stdout.contains("server side (Prometheus), per level"), "\(table.stdout)")
    let row = try #require(
      table.stdout.split(separator: "\n").first { $0.split(separator: " ").prefix(2) == ["1", "25.0"] },
      "\(table.stdout)")
    #expect(
      row.split(separator: " ") == ["1", "25.0", "20.0", "30.000", "20.000", "92.000", "98.400", "45.000", "15.000"])

    let fit = try EndToEndTests.capsim(["calibrate", dir.path, "--format", "json"])
    #expect(fit.status == 0, "\(fit.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
    let workload = try #require((json["workloads"] as? [[String: Any]])?.first)
    #expect(abs(try #require(workload["server_demand_s"] as? Double) - 0.008) < 1e-12)
    let levels = try #require(workload["levels"] as? [[String: Any]])
    let server = try #require(levels.last?["server"] as? [String: Any])
    #expect(server["request_rate"] as? Double == 60)
    #expect(abs(try #require(server["mean_s"] as? Double) - 0.044) < 1e-12)
    #expect(abs(try #require(server["p95_s"] as? Double) - 0.092) < 1e-12)
    #expect(abs(try #require(server["outside_s"] as? Double) - 0.018) < 1e-12)
  }

  /// The reviewer's shop: k6 without sleep (rate x mean = 1 virtual user, no time outside the
  /// latency) against two app pods. The written topology's cpu is the app's cores, not a machine
  /// shared with the load generator, and its think time is 0, not 1e-06 ms; the JSON labels the
  /// load-factor model's values as the predictions'.
  @Test func aK6FitsTopologyIsTheAppsWithoutThinkTime() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
    try Self.writeShopWithoutSleep(to: dir)
    let run = try EndToEndTests.capsim(["calibrate", dir.path, "--cores", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("service: {distribution: exponential, mean: 8ms}"), "\(run.stdout)")
    #expect(run.stdout.contains("cpu:                          # the app's cores\n"), "\(run.stdout)")
    #expect(run.stdout.contains("think: {distribution: deterministic, value: 0s}}]"), "\(run.stdout)")
    #expect(!run.stdout.contains("1e-06ms") && !run.stdout.contains("load generator"), "\(run.stdout)")
    let json = try EndToEndTests.capsim(["calibrate", dir.path, "--cores", "2", "--format", "json"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let workload = try #require((document["workloads"] as? [[String: Any]])?.first)
    let model = try #require(workload["load_factor"] as? [String: Any])
    #expect(workload["model"] as? String == "load-factor" && model["role"] as? String == "predictions")
    #expect(abs(try #require(model["server_demand_s"] as? Double) - 0.008) < 1e-9)
    #expect((workload["topology_yaml"] as? String)?.contains("# the app's cores") == true)
  }

  /// The same shop with 0.3 cores of background work in its CPU exports (a JVM's collector,
  /// scrapes): busy cores / rate gave 19.4 ms at one user, not the 8 ms the requests use.
  @Test func backgroundCPUIsTakenOutOfTheDemand() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
    try Self.writeShopWithoutSleep(to: dir, backgroundPerPod: 0.15)
    let run = try EndToEndTests.capsim(["calibrate", dir.path, "--cores", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("service: {distribution: exponential, mean: 8ms}"), "\(run.stdout)")
    #expect(
      run.stderr.contains(
        "capsim: note: shop: the CPU exports show 0.3 busy cores at no load (busy cores = 0.3 + rate x 8 ms over the fitted levels)"
      ) && run.stderr.contains("(at 1 user 19.4 ms -> 8 ms)"), "\(run.stderr)")
    // Demand that grows with load is no background: the first shop's levels are left as they are.
    let plain = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
    try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: plain.deletingLastPathComponent()) }
    try Self.write(to: plain)
    let grows = try EndToEndTests.capsim(["calibrate", plain.path])
    #expect(grows.status == 0 && !grows.stderr.contains("at no load"), "\(grows.stderr)")
  }

  @Test func aHistogramWithoutLeIsAnErrorAtItsKeyPath() throws {
    let dir = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
    try Self.write(to: dir, latency: Self.range([(["le": "0.1"], [1]), (["pod": "app-1"], [2])]))
    let run = try EndToEndTests.capsim(["calibrate", dir.path])
    #expect(run.status == 1)
    #expect(run.stderr.contains("u1.latency.json: error: data.result[1].metric.le: missing"), "\(run.stderr)")
  }

  /// Exports a reviewer spoiled: millicores, one level's export missing, k6's avg in seconds,
  /// an avg of 0, an export of another window. Each is an error at its file, or a warning when the fit can go on; a
  /// platform topology where --write would write is kept.
  @Test func spoiledExportsAreRefusedOrWarnedAbout() throws {
    func shop() throws -> URL {
      let dir = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)/shop")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try Self.write(to: dir)
      return dir
    }
    /// Calibrating `dir` fails with `message` and prints no fit.
    func refused(_ dir: URL, _ message: String) throws {
      let r = try EndToEndTests.capsim(["calibrate", dir.path, "--cores", "2"])
      #expect(r.status == 1 && r.stdout.isEmpty, "\(r.stdout)")
      #expect(r.stderr.contains(message), "\(r.stderr)")
    }
    /// `file` with `text` replaced by `replacement`.
    func edit(_ file: URL, _ text: String, _ replacement: String) throws {
      try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: text, with: replacement)
        .write(to: file, atomically: true, encoding: .utf8)
    }
    // Millicores: 200 busy "cores" on 2
    let milli = try shop()
    try Self.range([([:], [200, 200])]).write(
      to: milli.appendingPathComponent("u1.cpu.json"), atomically: true, encoding: .utf8)
    try refused(
      milli, "\(milli.path)/u1.cpu.json: error: data.result: 200 busy cores on average, above the 2 the model has")
    // One level without its export: the fit would drop the others and fit from latency alone
    let missing = try shop()
    try FileManager.default.removeItem(at: missing.appendingPathComponent("u2.cpu.json"))
    try refused(
      missing,
      "\(missing.path)/u2.json: error: no \(missing.path)/u2.cpu.json beside it, where other levels of workload 'shop' have theirs"
    )
    // k6's avg in seconds at one user: 8 ms of CPU per request against 0.045 ms, no noise
    let seconds = try shop()
    let u1 = seconds.appendingPathComponent("u1.json")
    try edit(u1, #""avg": 45.0,"#, #""avg": 0.045,"#)
    try refused(
      seconds,
      "\(seconds.path)/u1.cpu.json: error: data.result: 8 ms of CPU per request (busy cores / request rate), more than ten times the 0.045 ms a request takes in \(u1.path)"
    )
    // A fifth more than the latency: a warning, and the fit goes on
    let over = try shop()
    let u1over = over.appendingPathComponent("u1.json")
    try edit(u1over, #""avg": 45.0,"#, #""avg": 6.0,"#)
    let slip = try EndToEndTests.capsim(["calibrate", over.path, "--cores", "2"])
    #expect(
      slip.stderr.contains(
        "capsim: warning: \(over.path)/u1.cpu.json: 8 ms of CPU per request (busy cores / request rate) is more than the 6 ms a request takes in \(u1over.path)"
      ), "\(slip.stderr)")
    // An avg of 0
    try edit(u1, #""avg": 0.045,"#, #""avg": 0,"#)
    let zero = try EndToEndTests.capsim(["calibrate", seconds.path, "--cores", "2"])
    #expect(
      zero.status == 1 && zero.stderr.contains("\(u1.path): error: metrics.http_req_duration.avg: 0 ms"),
      "\(zero.stderr)")

    // The server's rate exported an hour after the test
    let shifted = try shop()
    let rate = shifted.appendingPathComponent("u2.rate.json")
    try edit(rate, "[17334000", "[17334036")
    try refused(
      shifted,
      "\(rate.path): error: data.result: samples from 2024-12-05T13:00:00Z to 2024-12-05T13:00:15Z, where \(shifted.path)/u2.cpu.json has 2024-12-05T12:00:00Z to 2024-12-05T12:00:15Z"
    )

    // 5% of the requests failed at one user: fast failures counted as requests
    let failing = try shop()
    let u1f = failing.appendingPathComponent("u1.json")
    try edit(u1f, #""vus_max""#, #""http_req_failed": {"value": 0.05}, "vus_max""#)
    try refused(failing, "\(u1f.path): error: metrics.http_req_failed: 5.00% of the requests failed")
    // A counter exported without rate(): a hundred times k6's rate
    let counter = try shop()
    try Self.range([([:], [3_850, 3_850])]).write(
      to: counter.appendingPathComponent("u2.rate.json"), atomically: true, encoding: .utf8)
    try refused(
      counter, "\(counter.path)/u2.rate.json: error: data.result: a request rate of 3850/s, 101 times k6's 38/s")
    // The CPU exported over ten minutes around a one-minute test
    let long = try shop()
    let u2 = long.appendingPathComponent("u2.json")
    try edit(u2, #"{"metrics""#, #"{"state": {"testRunDurationMs": 60000}, "metrics""#)
    try Self.range([(["pod": "app-1"], Array(repeating: 0.19, count: 40))]).write(
      to: long.appendingPathComponent("u2.cpu.json"), atomically: true, encoding: .utf8)
    try refused(long, "\(long.path)/u2.cpu.json: error: data.result: samples over 585 s, where the test ran 60 s")
    // A ramp from one user to two: fitted at two, with a warning
    let ramp = try shop()
    let u2r = ramp.appendingPathComponent("u2.json")
    try edit(u2r, #""vus_max""#, #""vus": {"value": 2, "min": 1, "max": 2}, "vus_max""#)
    let ramped = try EndToEndTests.capsim(["calibrate", ramp.path, "--cores", "2"])
    #expect(ramped.status == 0, "\(ramped.stderr)")
    #expect(
      ramped.stderr.contains("capsim: warning: \(u2r.path): the vus gauge ran from 1 to 2: a ramp"), "\(ramped.stderr)")

    // --write into a folder whose shop.yaml is someone's own topology
    let good = try shop()
    let topologies = good.deletingLastPathComponent().appendingPathComponent("topologies")
    try FileManager.default.createDirectory(at: topologies, withIntermediateDirectories: true)
    let own = topologies.appendingPathComponent("shop.yaml")
    try "# the shop's platform, by hand\nstations: {}\n".write(to: own, atomically: true, encoding: .utf8)
    let kept = try EndToEndTests.capsim(["calibrate", good.path, "--cores", "2", "--write", topologies.path])
    #expect(kept.status == 1, "\(kept.stderr)")
    #expect(kept.stderr.contains("\(own.path) exists and capsim calibrate did not write it"), "\(kept.stderr)")
    #expect(try String(contentsOf: own, encoding: .utf8) == "# the shop's platform, by hand\nstations: {}\n")
    // A file calibrate wrote is written again
    try FileManager.default.removeItem(at: own)
    let first = try EndToEndTests.capsim(["calibrate", good.path, "--cores", "2", "--write", topologies.path])
    let again = try EndToEndTests.capsim(["calibrate", good.path, "--cores", "2", "--write", topologies.path])
    #expect(first.status == 0 && again.status == 0, "\(first.stderr)\(again.stderr)")
  }
}
