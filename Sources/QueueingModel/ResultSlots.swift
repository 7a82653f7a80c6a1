import Foundation

/// Results of parallel jobs, each slot filled exactly once by some worker thread and read after
/// all have finished; with the share of each job done, for progress.
package final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private var shares: [Double]
  /// Each job's share of all the work (equal unless given).
  private let weights: [Double]
  private var taken = 0
  private let lock = NSLock()

  /// - Parameter weights: how much work each job is, in any unit (equal if nil or all zero).
  package init(count: Int, weights: [Double]? = nil) {
    slots = Array(repeating: nil, count: count)
    shares = Array(repeating: 0, count: count)
    let given = weights ?? []
    let sum = given.reduce(0, +)
    self.weights =
      given.count == count && sum > 0 && sum.isFinite
      ? given.map { $0 / sum } : Array(repeating: 1 / Double(max(count, 1)), count: count)
  }

  private var done: Double { zip(shares, weights).reduce(0) { $0 + $1.0 * $1.1 } }

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
      return done
    }
  }

  /// Notes how far a job has got; returns the share of all jobs done.
  package func progress(_ share: Double, of index: Int) -> Double {
    lock.withLock {
      shares[index] = share
      return done
    }
  }

  package func values() -> [Value] { lock.withLock { slots.map { $0! } } }
}
