import Foundation

/// Results of parallel jobs, each slot filled exactly once by some worker thread and read after
/// all have finished; with the share of each job done, for progress.
package final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private var shares: [Double]
  private var taken = 0
  private let lock = NSLock()

  package init(count: Int) {
    slots = Array(repeating: nil, count: count)
    shares = Array(repeating: 0, count: count)
  }

  /// The next job nobody has taken yet, in index order (so listing big jobs first balances the
  /// threads).
  package func take() -> Int? {
    lock.withLock {
      guard taken < slots.count else { return nil }
      taken += 1
      return taken - 1
    }
  }

  /// Stores a finished job's result; returns the share of all jobs done.
  package func store(_ result: Value, at index: Int) -> Double {
    lock.withLock {
      slots[index] = result
      shares[index] = 1
      return shares.reduce(0, +) / Double(shares.count)
    }
  }

  /// Notes how far a job has got; returns the share of all jobs done.
  package func progress(_ share: Double, of index: Int) -> Double {
    lock.withLock {
      shares[index] = share
      return shares.reduce(0, +) / Double(shares.count)
    }
  }

  package func values() -> [Value] { lock.withLock { slots.map { $0! } } }
}
