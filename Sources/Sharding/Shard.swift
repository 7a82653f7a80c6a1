/// One of N slices of a piece of work made of independent items, for N machines.
///
/// The work is `points x replications` items, numbered point-major: item `k` is point
/// `k / replications`, replication `k % replications`. Shard `I` of `N` takes the items with
/// `k % N == I`. Dealing them out in turn, rather than in blocks, spreads points that cost
/// more (more users, fewer instances) over every shard. The split depends on nothing but
/// (points, replications, N), so every machine computes the same one.
package struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
  /// 0-based, below `count`.
  package var index: Int
  package var count: Int

  package init(index: Int, count: Int) {
    precondition(count >= 1 && index >= 0 && index < count, "shard \(index)/\(count) is not 0 <= I < N")
    self.index = index
    self.count = count
  }

  /// Reads `I/N`, as `--shard` takes it (and as a job array's index gives it).
  package init(parsing text: String) throws(ShardingError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw .badShard(text) }
    guard n >= 1 else { throw .badShard(text) }
    guard i >= 0, i < n else { throw .shardOutOfRange(text) }
    self.init(index: i, count: n)
  }

  /// Decoded as `init(index:count:)` takes it: a part edited to shard 0 of 0 is an error, not a trap.
  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let index = try c.decode(Int.self, forKey: .index)
    let count = try c.decode(Int.self, forKey: .count)
    guard count >= 1, index >= 0, index < count else {
      throw DecodingError.dataCorruptedError(
        forKey: .count, in: c, debugDescription: "shard \(index)/\(count) is not 0 <= I < N")
    }
    self.init(index: index, count: count)
  }

  /// The whole work as one shard.
  package static let whole = Shard(index: 0, count: 1)

  package var description: String { "\(index)/\(count)" }

  /// This shard's items of the work, in order.
  package func items(points: Int, replications: Int) -> [WorkItem] {
    stride(from: index, to: points * replications, by: count).map {
      WorkItem(point: $0 / replications, replication: $0 % replications)
    }
  }
}

/// One simulation of the work: a replication of a point.
package struct WorkItem: Sendable, Hashable, Codable {
  package var point: Int
  package var replication: Int

  package init(point: Int, replication: Int) {
    self.point = point
    self.replication = replication
  }
}
