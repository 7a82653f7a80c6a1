import RunRecords

/// How an event's times read in a table: local start and end, and how long it lasted.
struct EventText {
  var from: String
  var to: String
  var length: String

  init(_ e: EventRecord) {
    guard let start = e.start else {
      // Random crashes: no times to give, and none made up.
      from = "random times"
      to = "–"
      length = "whole run"
      return
    }
    from = e.localStart.map(LocalTime.readable) ?? Format.span(seconds: start)
    let end = e.end ?? start
    if end <= start {
      to = "–"
      length = "instant"
    } else {
      to = e.localEnd.map(LocalTime.readable) ?? Format.span(seconds: end)
      length = Format.length(seconds: end - start)
    }
  }
}
