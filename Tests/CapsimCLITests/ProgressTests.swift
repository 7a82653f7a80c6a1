import CapsimCLI
import Foundation
import Testing

/// The progress line of long runs: redrawn in place on a terminal, a plain line a minute in a log.
@Suite struct ProgressTests {
  /// A clock the test moves, and what was written.
  final class Recorder: @unchecked Sendable {
    var now = Date(timeIntervalSince1970: 1_000_000)
    var written: [String] = []
  }

  @Test func aLogGetsALineAMinuteAndNothingBefore() {
    let r = Recorder()
    let progress = Progress(
      total: 2, label: "year", enabled: true, terminal: false, clock: { r.now }, write: { r.written.append($0) })
    for second in stride(from: 0.0, through: 150, by: 5) {
      r.now = Date(timeIntervalSince1970: 1_000_000 + second)
      progress.update(second / 300)
    }
    progress.update(1)
    progress.finish()
    #expect(
      r.written == [
        "year: 20% of 2 replications, 60s elapsed, about 240s left\n",
        "year: 40% of 2 replications, 120s elapsed, about 180s left\n",
      ])
  }

  @Test func aTerminalGetsOneLineRedrawnAndClearedAtTheEnd() {
    let r = Recorder()
    let progress = Progress(
      total: 1, label: "week", enabled: true, terminal: true, clock: { r.now }, write: { r.written.append($0) })
    progress.update(0.5) { _ in "at Mon 2026-12-07" }
    progress.update(0.6)  // within a quarter second: not drawn
    r.now += 1
    progress.update(1)
    progress.finish()
    #expect(
      r.written == [
        "\r\u{1B}[Kweek: 50% at Mon 2026-12-07, 0s elapsed, time left not known yet",
        "\r\u{1B}[Kweek: 100% of 1 replications, 1s elapsed, about 0s left",
        "\r\u{1B}[K",
      ])
  }

  /// A line wider than the terminal is cut to it: wrapped, each redraw left its first row behind.
  @Test func aLineIsCutToTheTerminalsWidth() {
    let r = Recorder()
    let progress = Progress(
      total: 1, label: "platform-normal-week", enabled: true, terminal: true, clock: { r.now },
      write: { r.written.append($0) }, columns: { 40 })
    r.now += 30
    progress.update(0.32) { _ in "at Wed 2026-03-04, 1,486,382 requests/s" }
    #expect(r.written == ["\r\u{1B}[Kplatform-normal-week: 32% at Wed 2026-…"])
    #expect(r.written[0].dropFirst(4).count == 39)
  }

  @Test func quietWritesNothing() {
    let r = Recorder()
    let progress = Progress(
      total: 1, label: "week", enabled: false, terminal: false, clock: { r.now }, write: { r.written.append($0) })
    r.now += 600
    progress.update(0.5)
    progress.finish()
    #expect(r.written.isEmpty)
  }
}
