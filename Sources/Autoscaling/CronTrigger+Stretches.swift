import Foundation

extension CronTrigger {
  /// Where the window is open in `[from, to)`, in order: what `isActive` answers at every
  /// instant there, found with one `next` per firing.
  ///
  /// `isActive` depends only on the next firings of `start` and `end`, so it holds steady from
  /// one firing (of either) to the next. Asking it at each sample of a year walks the cron
  /// fields minute by minute for every sample; this walks them once per firing.
  package func openStretches(from: Double, to: Double) -> [Range<Double>] {
    var out: [Range<Double>] = []
    var t = from
    var nextStart = start.next(after: t, in: clock)
    var nextEnd = end.next(after: t, in: clock)
    var opened: Double?
    while t < to {
      let active = Self.isOpen(nextStart: nextStart, nextEnd: nextEnd)
      if active, opened == nil { opened = t }
      if !active, let o = opened {
        out.append(o..<t)
        opened = nil
      }
      guard let change = [nextStart, nextEnd].compactMap({ $0 }).min() else { break }
      t = change
      if nextStart == change { nextStart = start.next(after: change, in: clock) }
      if nextEnd == change { nextEnd = end.next(after: change, in: clock) }
    }
    if let o = opened { out.append(o..<to) }
    return out
  }
}

extension [Range<Double>] {
  /// Whether `t` lies in one of these ranges, sorted and apart.
  package func containsTime(_ t: Double) -> Bool {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if self[mid].upperBound <= t { low = mid + 1 } else { high = mid }
    }
    return low < count && self[low].contains(t)
  }
}
