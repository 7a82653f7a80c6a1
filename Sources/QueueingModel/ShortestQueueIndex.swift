import BasicContainers

/// A dispatcher's targets kept ordered by how many customers each has, so join-shortest-queue
/// picks in O(1) instead of scanning every target.
///
/// `order` holds the targets sorted by count, equal counts adjacent; `firstWithMore[k]` is the
/// position of the first target with more than k customers. A count changes by one at a time,
/// so a target moves only to the edge of its block: one swap and one boundary shift (the bucket
/// trick of O(1) least-frequently-used caches). The targets sharing the minimum are the first
/// `firstWithMore[min]` entries, and a uniform index among them breaks ties uniformly.
package struct ShortestQueueIndex: ~Copyable {
  /// Station index of the first target; targets are consecutive stations.
  package let base: Int
  var order: UniqueArray<Int32>
  /// Position in `order` of each target, by `station - base`.
  var position: UniqueArray<Int32>
  var firstWithMore: UniqueArray<Int32>

  init(base: Int, count: Int) {
    self.base = base
    order = UniqueArray(copying: (0..<count).map { Int32(base + $0) })
    position = UniqueArray(copying: (0..<count).map { Int32($0) })
    // Everyone starts empty: nobody has more than 0, 1, ... customers.
    firstWithMore = UniqueArray(repeating: Int32(count), count: 2)
  }

  /// Station `s` went from `old` to `old + 1` customers: it moves to the end of its block.
  @inline(__always)
  mutating func increment(_ s: Int, from old: Int) {
    if old + 1 >= firstWithMore.count { firstWithMore.append(Int32(order.count)) }
    let edge = Int(firstWithMore[old]) - 1
    swap(Int(position[s - base]), edge)
    firstWithMore[old] -= 1
  }

  /// Station `s` went from `old` to `old - 1` customers: it moves to the start of its block.
  @inline(__always)
  mutating func decrement(_ s: Int, from old: Int) {
    let edge = Int(firstWithMore[old - 1])
    swap(Int(position[s - base]), edge)
    firstWithMore[old - 1] += 1
  }

  @inline(__always)
  private mutating func swap(_ i: Int, _ j: Int) {
    guard i != j else { return }
    let a = order[i]
    let b = order[j]
    order[i] = b
    order[j] = a
    position[Int(a) - base] = Int32(j)
    position[Int(b) - base] = Int32(i)
  }

  /// How many targets share the smallest count, given that count.
  @inline(__always)
  func tiesAtMinimum(_ minimum: Int) -> Int { Int(firstWithMore[minimum]) }
}

extension NetworkSimulator {
  /// Checks every shortest-queue index against the counts it mirrors and returns what is wrong
  /// (nothing when all is well); for tests (costly).
  package func _shortestQueueIndexProblems() -> [String] {
    var problems: [String] = []
    for k in 0..<shortestQueues.count {
      var previous = -1
      for i in 0..<shortestQueues[k].order.count {
        let s = Int(shortestQueues[k].order[i])
        let n = Int(present[s])
        if n < previous { problems.append("index \(k): station \(s) with \(n) after one with \(previous)") }
        if Int(shortestQueues[k].position[s - shortestQueues[k].base]) != i {
          problems.append("index \(k): station \(s) misplaced")
        }
        for m in previous + 1 ..< n + 1 where m >= 1 && Int(shortestQueues[k].firstWithMore[m - 1]) != i {
          problems.append("index \(k): boundary \(m - 1) wrong")
        }
        previous = n
      }
    }
    return problems
  }
}
