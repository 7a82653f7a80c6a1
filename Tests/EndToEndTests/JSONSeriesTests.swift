import Foundation
import Testing

/// The series in `capsim run --format json` is what the README's tables say: the same fields,
/// no more and no fewer, and a field documented as never null is never null.
///
/// The fields are read from the README itself, so the test fails as soon as the document and
/// the output drift apart.
@Suite struct JSONSeriesTests {
  /// One row of a README field table.
  struct Field {
    var name: String
    var neverNull: Bool
  }

  /// The fields of the table after `heading`: every backticked name in the first column, with
  /// whether the "null when" column says never.
  static func documentedFields(after heading: String) throws -> [Field] {
    let readme = try String(contentsOf: EndToEndTests.root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.range(of: heading).map { readme[$0.upperBound...] }, "README has no \(heading)")
    var fields: [Field] = []
    for line in section.split(separator: "\n").drop(while: { !$0.hasPrefix("|") }).dropFirst(2) {
      guard line.hasPrefix("|") else { break }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      let never = cells[3] == "never"
      fields += cells[1].matches(of: /`([^`]+)`/).map { Field(name: String($0.1), neverNull: never) }
    }
    return fields
  }

  /// Every key of the objects in `array`, with `key[].inner` for the objects of a nested array;
  /// an estimate (`{mean, half_width}`) is one value, not an object to look into.
  static func emittedFields(_ array: [[String: Any]], prefix: String = "") -> Set<String> {
    var names: Set<String> = []
    for object in array {
      for (key, value) in object {
        names.insert(prefix + key)
        if let nested = value as? [[String: Any]] {
          names.formUnion(emittedFields(nested, prefix: prefix + key + "[]."))
        }
      }
    }
    return names
  }

  /// The values of `path` (`stations[].utilization`) in every object of `array`.
  static func values(_ path: String, in array: [[String: Any]]) -> [Any] {
    let parts = path.components(separatedBy: "[].")
    return array.flatMap { object -> [Any] in
      guard parts.count > 1 else { return [object[path] as Any] }
      return values(parts.dropFirst().joined(separator: "[]."), in: object[parts[0]] as? [[String: Any]] ?? [])
    }
  }

  /// Null, or an estimate whose mean is null.
  static func isNull(_ value: Any) -> Bool {
    if value is NSNull { return true }
    if let estimate = value as? [String: Any], estimate.keys.sorted() == ["half_width", "mean"] {
      return estimate["mean"] is NSNull
    }
    return false
  }

  static func check(_ series: [[String: Any]], against heading: String) throws {
    #expect(!series.isEmpty, "the output has no \(heading)")
    let documented = try documentedFields(after: heading)
    #expect(Set(documented.map(\.name)) == emittedFields(series), "\(heading): README against output")
    for field in documented where field.neverNull {
      #expect(!values(field.name, in: series).contains(where: isNull), "\(field.name) is documented as never null")
    }
  }

  @Test func networkSeriesHasExactlyTheDocumentedFields() throws {
    let r = try EndToEndTests.capsim(["run", EndToEndTests.fixture("small.yaml"), "--format", "json", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let series = try #require(json["series"] as? [[String: Any]])
    try Self.check(series, against: "#### `series`")
    // Without a calendar there is no local time: the key is there, with null.
    #expect(series.allSatisfy { $0["local_start"] is NSNull })
  }

  @Test func platformWindowsHaveExactlyTheDocumentedFields() throws {
    let r = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--format", "json", "--quiet", "--replications", "1",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let territories = try #require(json["territories"] as? [[String: Any]])
    let windows = territories.flatMap { $0["windows"] as? [[String: Any]] ?? [] }
    try Self.check(windows, against: "#### `territories[].windows`")
    // One replication: every half-width is there, and null.
    let verdicts = try #require(json["verdicts"] as? [[String: Any]])
    #expect(verdicts.allSatisfy { ($0["measured"] as? [String: Any])?["half_width"] is NSNull })
    #expect(verdicts.contains { $0["request_class"] is NSNull })
  }
  /// The text's app CPU by hour is the busiest window of the mean over replications, as the
  /// JSON's windows and the report's peak read it (it was the busiest single replication's
  /// window, higher for an autoscaled pool: 77.63% beside the report's 77.1%).
  @Test func theTextsAppCPUByHourIsTheBusiestWindowOfTheJSON() throws {
    let fixture = EndToEndTests.fixture("platform-small.yaml")
    let db = RecordingTests.database()
    let json = try EndToEndTests.capsim(["run", fixture, "--format", "json", "--db", db, "--quiet"])
    let text = try EndToEndTests.capsim(["run", fixture, "--series", "hour", "--db", db, "--quiet"])
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let a = try #require((document["territories"] as? [[String: Any]])?.first)
    let windows = try #require(a["windows"] as? [[String: Any]])
    for hour in ["08:00", "09:00"] {
      let minutes = hour == "08:00" ? ["08:00", "08:30"] : ["09:00", "09:30"]
      let inHour = windows.filter { w in minutes.contains { (w["start"] as? String)?.hasSuffix($0) == true } }
      let busiest = try #require(inHour.compactMap { $0["cpu_utilization"] as? Double }.max())
      let row = try #require(
        text.stdout.split(separator: "\n").drop { !$0.hasPrefix("A by hour") }.first { $0.hasPrefix("Mon 2026-12-07 \(hour)") })
      let cells = row.split(separator: " ")
      #expect(cells[10] == String(format: "%.2f%%", busiest * 100), "\(row)")
    }
  }
  /// A calendar that starts at 08:30 has its hours from 08:30, as the JSON and the verdicts
  /// say (the table read 08:00 and 09:00 for them).
  @Test func hoursStartWhereTheCalendarDoes() throws {
    let text = try EndToEndTests.capsim([
      "run", EndToEndTests.fixture("platform-small.yaml"), "--set", "calendar.start=2026-12-07T08:30",
      "--set", "calendar.end=2026-12-07T10:30", "--series", "hour", "--db", RecordingTests.database(), "--quiet",
    ])
    #expect(text.status == 0, "\(text.stderr)")
    let rows = text.stdout.split(separator: "\n").drop { !$0.hasPrefix("A by hour") }.dropFirst(3).prefix(2)
    #expect(rows.map { String($0.prefix(20)) } == ["Mon 2026-12-07 08:30", "Mon 2026-12-07 09:30"], "\(rows)")
  }
}
