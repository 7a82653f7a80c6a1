import Foundation
import Testing
import _TestSupport

/// `capsim k6` as a user runs it: the flagship's peak week as a k6 script.
@Suite struct K6Tests {
  static let flagship = "scenarios/platform-christmas-2026.yaml"

  @Test func theFlagshipWeekBecomesAK6ScriptForDE() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DE"])
    #expect(result.status == 0, "\(result.stderr)")
    let script = result.stdout
    // 800 users x 5 (Christmas at full strength) at the peak, split by the mix
    #expect(script.contains("executor: 'ramping-vus'"))
    #expect(script.contains("// Territory:   DE, local time Europe/Berlin"))
    #expect(script.contains("// Window:      Mon 2026-12-07 00:00 to Mon 2026-12-14 00:00 (7 d)"))
    #expect(script.contains("4000 VUs at the peak"))
    for c in ["list", "detail", "update", "report"] {
      // report has its own objectives in the topology: 2 s in a season
      #expect(script.contains("'http_req_duration{class:\(c)}': ['p(95)<\(c == "report" ? 2000 : 450)'],"))
      #expect(script.contains("export function request_\(c)()"))
      #expect(script.contains("http.get(BASE_URL + '/api/\(c)', { tags: { class: '\(c)' } });"))
    }
    #expect(script.contains("http_req_failed: ['rate<0.02'],"))
    #expect(script.contains("k6 run -e BASE_URL=https://... script.js"))
  }

  static let compressedCH = [
    "k6", flagship, "--territory", "CH", "--from", "2026-12-08T06:00", "--to", "2026-12-09T06:00", "--duration", "1h",
    "--path", "list=/api/leads?q=it's", "--set", "demand.CH.growth=2",
  ]

  @Test func aCompressedWindowWithPathsAndAWhatIfIsWrittenToAFile() throws {
    // In a folder not made yet, as --report makes its own.
    let folder = EndToEndTests.scratch.appendingPathComponent("capsim-k6-\(UUID().uuidString)")
    let file = folder.appendingPathComponent("load/christmas-ch.js")
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try EndToEndTests.capsim(Self.compressedCH + ["--out", file.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("wrote \(file.path): territory CH, 4 request classes"))
    let script = try String(contentsOf: file, encoding: .utf8)
    // A day replayed in an hour, from 06:00 Zurich time, with twice the users
    #expect(script.contains("// Window:      Tue 2026-12-08 06:00 to Wed 2026-12-09 06:00 (1 d)"))
    #expect(script.contains("// Compression: 24x: the test lasts 1 h."))
    #expect(script.contains("closed: 250 users x growth 2 x the calendar's multiplier"))
    #expect(script.contains("http.get(BASE_URL + '/api/leads?q=it\\'s'"))
  }

  @Test func anOpenArrivalRateBecomesARampingArrivalRate() throws {
    // Territory B of the fixture: 5 requests/s, Christmas at 2x
    let result = try EndToEndTests.capsim(["k6", EndToEndTests.fixture("platform-small.yaml"), "--territory", "B"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("executor: 'ramping-arrival-rate'"))
    #expect(result.stdout.contains("timeUnit: '1m',"))
    #expect(result.stdout.contains("preAllocatedVUs: 5,"))
    #expect(!result.stdout.contains("sleep("))
  }

  /// The scripts of the tests above, as `capsim k6` prints them, must parse.
  @Test(
    .enabled(if: NodeJS.isAvailable, Comment(rawValue: NodeJS.missing)),
    arguments: [
      ["k6", flagship, "--territory", "DE"], compressedCH,
      ["k6", EndToEndTests.fixture("platform-small.yaml"), "--territory", "B"],
    ])
  func generatedScriptsParse(arguments: [String]) throws {
    let result = try EndToEndTests.capsim(arguments)
    #expect(result.status == 0, "\(result.stderr)")
    let check = try NodeJS.check(result.stdout)
    #expect(check.status == 0, "node --check: \(check.output)")
  }

  /// A step of a day averages the week's peak of 800 users down to 16 VUs: said on stderr; an
  /// hourly step keeps it and says nothing.
  @Test func aStepThatAveragesThePeakAwayIsWarnedAbout() throws {
    let daily = try EndToEndTests.capsim([
      "k6", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--step", "1d",
    ])
    #expect(daily.status == 0, "\(daily.stderr)")
    #expect(
      daily.stderr.contains("averages the peak away: the test reaches 16 VUs, the scenario 800 users"),
      "\(daily.stderr)")
    let hourly = try EndToEndTests.capsim([
      "k6", "scenarios/platform-normal-week.yaml", "--territory", "DE", "--step", "1h", "--duration", "1h",
    ])
    #expect(hourly.status == 0 && !hourly.stderr.contains("averages the peak away"), "\(hourly.stderr)")
    // Open demand as well (it was closed demand only): 250/s at the Christmas peak, 6-hour samples.
    let open = try EndToEndTests.capsim([
      "k6", "scenarios/platform-christmas-2026.yaml", "--territory", "DE", "--step", "6h", "--set",
      "demand.DE.rate=50/s",
    ])
    #expect(open.status == 0, "\(open.stderr)")
    #expect(open.stderr.contains("averages the peak away: the test reaches "), "\(open.stderr)")
    #expect(open.stderr.contains("requests/s, the scenario 250.0 requests/s at its busiest"), "\(open.stderr)")
  }

  @Test func aScenarioWithTwoTerritoriesNeedsOne() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship])
    #expect(result.status == 64)
    #expect(result.stderr.contains("the scenario has territories DE, CH: name one with --territory"))
  }

  @Test func anUnknownTerritoryIsAUsageErrorWithASuggestion() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DX"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown territory 'DX' (did you mean 'DE'?); the scenario has DE, CH"))
    #expect(result.stdout.isEmpty)
  }

  @Test func anUnknownClassInAPathIsAUsageErrorWithASuggestion() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DE", "--path", "lsit=/api/leads"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown request class 'lsit' (did you mean 'list'?)"))
  }

  @Test func aWindowOutsideTheRunIsAUsageError() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DE", "--from", "2026-12-20"])
    #expect(result.status == 64)
    #expect(
      result.stderr.contains(
        "--from 2026-12-20 is outside the run (Mon 2026-12-07 00:00 to Mon 2026-12-14 00:00, Europe/Berlin time)"))
  }

  @Test(arguments: ["2026-13-08", "2026-12-32", "2026-+1-08", "2026-12-08T24:00"])
  func anImpossibleDateIsAUsageError(_ date: String) throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DE", "--from", date])
    #expect(result.status == 64 && result.stderr.contains("--from takes a local date"), "\(result.stderr)")
  }

  @Test func aBrokenWhatIfIsReportedAsCapsimRunReportsIt() throws {
    let result = try EndToEndTests.capsim(["k6", Self.flagship, "--territory", "DE", "--set", "demand.DE.groth=2"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("--set"))
    #expect(result.stderr.contains("error"))
  }

  @Test func aQueueingNetworkScenarioIsRefused() throws {
    // A usage error, as plan and sweep say it (it was status 1 without "error")
    let result = try EndToEndTests.capsim(["k6", "scenarios/mm4-peak.yaml"])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("Error: 'scenarios/mm4-peak.yaml' is not a platform scenario"), "\(result.stderr)")
    #expect(result.stderr.contains("capsim k6 needs a platform scenario"))
  }
}
