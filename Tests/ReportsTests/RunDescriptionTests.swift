import RunRecords
import Testing
import TextReports

/// `capsim show RUN`: the recorded verdicts in `capsim run`'s words.
@Suite struct RunDescriptionTests {
  @Test func verdictsReadAsRunPrintsThem() throws {
    // Given the fixture week, whose CH christmas p95 fails in its worst window (Fri 11:00)
    let text = RunDescription(data: Fixtures.week()).text()

    // When its CH christmas p95 line is read
    let line = try #require(
      text.split(separator: "\n").first {
        $0.hasPrefix("CH") && $0.contains("christmas") && $0.contains("all")
          && $0.contains("p95 latency")
      })

    // Then it has the target with its comparison, the worst window with its weekday, the worst
    // value marked as a miss, and the verdict; availability is a floor; the counts follow
    #expect(line.contains("< 450ms"))
    #expect(line.contains("Fri 2026-12-04 11:00"))
    #expect(line.contains("728ms (!)"))
    #expect(line.hasSuffix("FAIL"))
    #expect(text.contains(">= 99.900%"))
    #expect(text.contains("FAILED") && text.contains(" met"))
  }

  @Test func aWorstWindowWithoutCalendarIsAnOffset() {
    #expect(RunDescription.windowText("+5400s") == "+1.5h")
    #expect(RunDescription.windowText("2026-10-25T02:00+01:00") == "Sun 2026-10-25 02:00 (+01:00)")
    #expect(RunDescription.windowText("not a time") == "not a time")
    // Off the minute (a warm-up of 45 s), with and without the offset: "10:01 (:30)" before
    #expect(RunDescription.windowText("2026-03-02T10:01:30") == "Mon 2026-03-02 10:01:30")
    #expect(RunDescription.windowText("2026-10-25T02:59:30+02:00") == "Sun 2026-10-25 02:59:30 (+02:00)")
  }
}
