import Testing

import Suggestions

@Suite struct SuggestionsTests {
  @Test(arguments: [
    ("", "abc", 3), ("abc", "abc", 0), ("abc", "acb", 1), ("kitten", "sitting", 3), ("ca", "abc", 3), ("a", "b", 1),
  ])
  func distance(_ a: String, _ b: String, _ expected: Int) {
    #expect(Suggestions.distance(a, b) == expected)
  }

  @Test func closest() {
    let keys = ["servers", "service", "policy", "max_instances"]
    #expect(Suggestions.closest(to: "sevrice", among: keys) == "service")
    #expect(Suggestions.closest(to: "maxInstances", among: keys) == "max_instances")
    #expect(Suggestions.closest(to: "MAX-INSTANCES", among: keys) == "max_instances")
    #expect(Suggestions.closest(to: "servrs", among: keys) == "servers")
    #expect(Suggestions.closest(to: "colour", among: keys) == nil)
    #expect(Suggestions.closest(to: "x", among: ["y", "z"]) == "y")
    #expect(Suggestions.closest(to: "policy", among: keys) == nil)
  }
}
