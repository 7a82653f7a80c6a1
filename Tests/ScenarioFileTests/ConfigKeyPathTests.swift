import Testing

import ScenarioFile

@Suite struct ConfigKeyPathTests {
  @Test(arguments: [
    ("web", "web"), ("a.b", "\"a.b\""), ("web server", "\"web server\""), ("x[1]", "\"x[1]\""), ("", "\"\""),
    ("say \"hi\"", "\"say \\\"hi\\\"\""), ("back\\slash", "\"back\\\\slash\""), ("max_instances", "max_instances"),
    ("tab\there", "\"tab\\there\""), ("ünïcode", "ünïcode"),
  ])
  func quoting(_ key: String, _ expected: String) {
    #expect(ConfigKeyPath.quoted(key) == expected)
  }

  @Test func building() {
    #expect(ConfigKeyPath.appending(key: "stations", to: "") == "stations")
    #expect(ConfigKeyPath.appending(key: "a.b", to: "stations") == "stations.\"a.b\"")
    #expect(ConfigKeyPath.appending(index: 0, to: "demand") == "demand[0]")
    #expect(ConfigKeyPath.appending(key: "rate", to: "demand[0]") == "demand[0].rate")
  }
}
