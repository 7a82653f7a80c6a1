import Foundation
import Reports
import RunRecords
import Testing

/// A run with row locks shows them in the page and the Markdown; one without shows no section.
@Suite struct LockReportTests {
  static func withLocks() -> RunData {
    var data = Fixtures.week()
    data.locks = [
      LockRecord(
        territory: "DE", lock: "<i>customer-row</i>", rows: 500, requests: 123_456, waitedShare: 0.042,
        waitMean: 0.0031, heldMean: 0.0123, busiestRow: 0.018)
    ]
    return data
  }

  @Test func thePageAndTheMarkdownHaveTheLockTable() {
    let html = Report.html(Self.withLocks())
    #expect(html.contains("<h2 id=\"locks\">Row locks</h2>"))
    #expect(html.contains("&lt;i&gt;customer-row&lt;/i&gt;") && !html.contains("<i>customer-row"))
    #expect(html.contains("123,456") && html.contains("4.2 %") && html.contains("3.10 ms") && html.contains("12.3 ms"), "\(html)")
    let md = Report.markdown(Self.withLocks())
    #expect(md.contains("## Row locks") && !md.contains("<i>"))
    #expect(md.contains("| DE | &lt;i&gt;customer-row&lt;/i&gt; | 500 | 123,456 | 4.2 % | 3.10 ms | 12.3 ms | 1.8 % |"), "\(md)")
  }

  @Test func aRunWithoutLocksHasNoLockSection() {
    #expect(!Report.html(Fixtures.week()).contains("Row locks"))
    #expect(!Report.markdown(Fixtures.week()).contains("Row locks"))
  }
}
