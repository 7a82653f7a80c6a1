import Foundation
import Testing

/// `capsim autoscaler lint` as a platform engineer or a code-scanning job runs it.
@Suite struct AutoscalerLintTests {
  static func manifest(_ name: String) -> String {
    EndToEndTests.root.appendingPathComponent("Tests/KubernetesManifestTests/Fixtures/lint/\(name)").path
  }

  @Test func findingsAreLinesWithTheRuleAndStatus1() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", Self.manifest("weekend-cron.yaml"), "--from", "2026-01-01", "--to", "2027-01-01",
    ])
    #expect(r.status == 1)
    #expect(
      r.stdout.contains("weekend-cron.yaml:14:14: warning: spec.triggers[0].metadata.end: end '10 22 * * *'"),
      "\(r.stdout)")
    #expect(r.stdout.contains("[cron-open-without-start]") && r.stdout.hasSuffix("0 errors, 1 warning\n"))
  }

  @Test func aCleanFileIsStatus0() throws {
    let r = try EndToEndTests.capsim(["autoscaler", "lint", Self.manifest("clean.yaml"), "--from", "2026-01-01"])
    #expect(r.status == 0 && r.stdout == "no findings in 1 file\n", "\(r.stdout)")
  }

  /// The reader's repository of manifests (HPAs, a ScaledObject with cron pre-scaling in
  /// Zurich and its own scale-down window) over 2026: the traps in it are the Deployment that
  /// still sets replicas and the ScaledObject's cpu trigger beside minReplicaCount 0, which
  /// keeps nothing awake (KEDA counts only its cron and prometheus triggers as activity).
  @Test func aRepositoryOfManifestsHasTwoTraps() throws {
    let path = EndToEndTests.root.appendingPathComponent("Tests/KubernetesManifestTests/Fixtures/freshfoodz.yaml").path
    let r = try EndToEndTests.capsim(["autoscaler", "lint", path, "--from", "2026-01-01", "--to", "2027-01-01"])
    #expect(r.status == 1)
    #expect(r.stdout.contains("freshfoodz.yaml:7:13: warning: spec.replicas: Deployment 'crm-de' sets replicas: 3"))
    #expect(
      r.stdout.contains(
        "freshfoodz.yaml:66:13: warning: spec.triggers[0].type: with minReplicaCount 0 this cpu trigger keeps nothing awake"
      ))
    #expect(r.stdout.hasSuffix("0 errors, 2 warnings\n"), "\(r.stdout)")
  }

  /// SARIF 2.1.0 as code scanning reads it: the tool with every rule, each result with its rule
  /// (by id and index), level, message and a region.
  @Test func sarifHasTheRulesAndEachResultsRegion() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", Self.manifest("gap-cron.yaml"), Self.manifest("cooldown.yaml"), "--from", "2026-01-01",
      "--to", "2027-01-01", "--format", "sarif",
    ])
    #expect(r.status == 1)
    let log = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(log["version"] as? String == "2.1.0")
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let rules = try #require(driver["rules"] as? [[String: Any]])
    // Every rule `autoscaler lint --rules` lists, one a line.
    let listed = try EndToEndTests.capsim(["autoscaler", "lint", "--rules"])
    let ids = rules.compactMap { $0["id"] as? String }
    #expect(driver["name"] as? String == "capsim" && rules.count >= 15)
    #expect(ids.allSatisfy { listed.stdout.contains($0) }, "\(ids)")
    #expect(ids.contains("completed-requests-cannot-wake"))
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.count == 2)
    for result in results {
      let id = try #require(result["ruleId"] as? String)
      let index = try #require(result["ruleIndex"] as? Int)
      #expect(rules[index]["id"] as? String == id)
      #expect(result["level"] as? String == "warning")
      let location = try #require(
        (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
      let region = try #require(location["region"] as? [String: Any])
      #expect((region["startLine"] as? Int ?? 0) > 0 && (region["startColumn"] as? Int ?? 0) > 0)
      #expect(((location["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasSuffix(".yaml") == true)
    }
  }

  /// An empty file is not clean: nothing in it was linted, and the status says so.
  @Test func anEmptyFileIsAFindingAndStatus1() throws {
    let path = EndToEndTests.scratch.appendingPathComponent("capsim-empty-\(UUID().uuidString).yaml").path
    try Data().write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let r = try EndToEndTests.capsim(["autoscaler", "lint", path])
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    #expect(
      r.stdout.contains("\(path):1:1: error: \(path) holds no HorizontalPodAutoscaler or ScaledObject")
        && r.stdout.contains("[no-autoscaler]"), "\(r.stdout)")
  }

  @Test func badRequestsAreUsageErrors() throws {
    let none = try EndToEndTests.capsim(["autoscaler", "lint"])
    #expect(none.status == 64 && none.stderr.contains("give the manifests"))
    let day = try EndToEndTests.capsim(["autoscaler", "lint", Self.manifest("clean.yaml"), "--from", "2026-02-30"])
    #expect(day.status == 64 && day.stderr.contains("--from takes a day"), "\(day.stderr)")
    let rules = try EndToEndTests.capsim(["autoscaler", "lint", "--rules"])
    #expect(
      rules.status == 0 && rules.stdout.contains("cron-in-spring-forward-gap: ")
        && rules.stdout.contains("robfig/cron#541"))
  }

  /// The shipped ScaledObject is clean against the week it was derived for. (Its speed, 15 s
  /// before KEDA's metric names were built once and 1.7 s after, is measured by running the
  /// command, not here: a timed test fails on a loaded machine.)
  @Test func theShippedScaledObjectIsCleanAgainstAWeek() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", EndToEndTests.root.appendingPathComponent("autoscalers/DE/scaledobject.yaml").path,
      "--scenario", EndToEndTests.root.appendingPathComponent("scenarios/platform-normal-week.yaml").path,
    ])
    #expect(r.status == 0 && r.stdout.contains("no findings in 1 file"), "\(r.stdout)\(r.stderr)")
  }

  /// No impossible day rolls over: 2026-13-01 was read as 2027-01-01.
  @Test(arguments: [
    ("--from", "2026-13-01"), ("--from", "2026-00-10"), ("--to", "2026-04-31"), ("--to", "2026-12-32"),
    ("--from", "2026-01-01-05"), ("--from", "2026-+1-05"), ("--to", "0000-01-01"),
  ])
  func anImpossibleDayIsAUsageError(_ flag: String, _ day: String) throws {
    let r = try EndToEndTests.capsim(["autoscaler", "lint", Self.manifest("clean.yaml"), flag, day])
    #expect(r.status == 64 && r.stderr.contains("\(flag) takes a day such as 2026-03-29, got '\(day)'"), "\(r.stderr)")
  }

  static let christmas = EndToEndTests.root.appendingPathComponent("scenarios/platform-christmas-2026.yaml").path

  /// de-primary takes 200 connections and a DE pod opens 10: 20 pods at most.
  @Test func maxReplicasAboveTheConnectionLimitIsAnError() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", Self.manifest("too-many-replicas.yaml"), "--scenario", Self.christmas,
    ])
    #expect(r.status == 1)
    #expect(
      r.stdout.contains(
        "too-many-replicas.yaml:8:16: error: spec.maxReplicas: maxReplicas 40 x 10 connections is more than the database takes: at most 20 pods of DE's pool (de-primary: max_connections 200, 10 per pod)"
      ), "\(r.stdout)")
  }

  /// The Christmas week's weekdays (7-11 December) stay near their peak from about 09:00 to
  /// 11:00: a floor closing at 09:00 misses it on each of the 5.
  @Test func aCronWindowClosingBeforeThePeakIsFlagged() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", Self.manifest("cron-ends-early.yaml"), "--scenario", Self.christmas,
    ])
    #expect(r.status == 1)
    #expect(
      r.stdout.contains(
        "cron-ends-early.yaml:17:14: warning: spec.triggers[1].metadata.end: on 2026-12-07 the window closes at 09:00"),
      "\(r.stdout)")
    #expect(r.stdout.contains("4 more such days") && r.stdout.contains("[cron-ends-before-peak]"))
  }

  /// The Christmas week's weekday mornings climb to about 200 requests/s in DE, three pods at
  /// full cpu: a pool of at most one is outrun from 07:32 on Monday, flagged at its maximum.
  @Test func aRampThatOutrunsThePoolIsFlagged() throws {
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", Self.manifest("ramp-one-pod.yaml"), "--scenario", Self.christmas,
    ])
    #expect(r.status == 1)
    #expect(
      r.stdout.contains(
        "ramp-one-pod.yaml:8:20: warning: spec.maxReplicaCount: on Mon 2026-12-07 07:32 (Europe/Berlin) DE's demand outruns the pool"
      ), "\(r.stdout)")
    #expect(
      r.stdout.contains("need 3 pods at full cpu and 1 is ready; maxReplicaCount 1 held it")
        && r.stdout.contains("[ramp-outruns-pool]"))
  }

  /// Each shipped manifest (they are alternatives: one autoscaler per pool) is clean against
  /// the scenarios that use it.
  @Test(arguments: [
    ("k8s/hpa.yaml", "scenarios/platform-christmas-2026-hpa.yaml"),
    ("k8s/keda-christmas.yaml", "scenarios/platform-christmas-2026-keda.yaml"),
    ("k8s/hpa.yaml", "scenarios/platform-oktoberfest-2026-hpa.yaml"),
    ("autoscalers/DE/hpa.yaml", "scenarios/platform-christmas-2026.yaml"),
    ("autoscalers/DE/scaledobject.yaml", "scenarios/platform-christmas-2026.yaml"),
    ("autoscalers/CH/hpa.yaml", "scenarios/platform-christmas-2026.yaml"),
    ("autoscalers/CH/scaledobject.yaml", "scenarios/platform-christmas-2026.yaml"),
  ])
  func theShippedManifestsAreClean(_ manifest: String, _ scenario: String) throws {
    let root = EndToEndTests.root
    let r = try EndToEndTests.capsim([
      "autoscaler", "lint", root.appendingPathComponent(manifest).path, "--scenario",
      root.appendingPathComponent(scenario).path,
    ])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
  }
}
