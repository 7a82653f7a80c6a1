import Foundation
import Sharding
import Testing

@Suite struct ShardTests {
  @Test func readsISlashN() throws {
    #expect(try Shard(parsing: "0/1") == .whole)
    #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
    #expect(throws: ShardingError.badShard("3")) { try Shard(parsing: "3") }
    #expect(throws: ShardingError.badShard("a/3")) { try Shard(parsing: "a/3") }
    #expect(throws: ShardingError.badShard("0/0")) { try Shard(parsing: "0/0") }
    #expect(throws: ShardingError.shardOutOfRange("3/3")) { try Shard(parsing: "3/3") }
    #expect(throws: ShardingError.shardOutOfRange("-1/3")) { try Shard(parsing: "-1/3") }
  }

  /// Every (point, replication) is in exactly one shard, whatever the counts.
  @Test(arguments: [(1, 1, 1), (1, 5, 2), (4, 3, 3), (7, 2, 5), (2, 2, 9)])
  func slicesCoverTheWorkOnce(_ points: Int, _ replications: Int, _ shards: Int) {
    let all = (0..<shards).flatMap { Shard(index: $0, count: shards).items(points: points, replications: replications) }
    let expected = Shard.whole.items(points: points, replications: replications)
    #expect(all.count == points * replications)
    #expect(Set(all) == Set(expected))
    #expect(expected.first == WorkItem(point: 0, replication: 0))
    #expect(expected.last == WorkItem(point: points - 1, replication: replications - 1))
  }

  /// Dealt in turn: two shards of four points with one replication get two points each.
  @Test func slicesAreDealtInTurn() {
    #expect(Shard(index: 1, count: 2).items(points: 4, replications: 1).map(\.point) == [1, 3])
  }
}

@Suite struct PartTests {
  typealias P = Part<[Double]>

  static let work = [P.Field("command", "sweep"), P.Field("seed", "3")]

  /// The parts of `points x replications` items over `shards`, each item's result computed
  /// from the item by `value`.
  static func parts(
    points: Int = 3, replications: Int = 2, shards: Int = 3, work: [P.Field] = work,
    value: (WorkItem) -> [Double] = { [Double($0.point), Double($0.replication)] }
  ) -> [(file: String, part: P)] {
    (0..<shards).map { i in
      let shard = Shard(index: i, count: shards)
      let items = shard.items(points: points, replications: replications)
      return (
        "part-\(i).json",
        P(
          work: work, points: points, replications: replications, shard: shard, items: items, results: items.map(value),
          wallSeconds: 1, host: "h\(i)")
      )
    }
  }

  /// Written and read back, in any order, the parts give every result in its place, bit for
  /// bit: doubles of every kind, including the ones JSON has no literal for.
  @Test func foldGivesEveryResultBackExactly() throws {
    var rng = SystemRandomNumberGenerator()
    let specials: [Double] = [
      .pi, 0.1 + 0.2, Double(bitPattern: 0x0000_1234_5678_9ABC), Double(bitPattern: 1), .greatestFiniteMagnitude, -0.0,
      .infinity, -.infinity,
    ]
    var expected: [WorkItem: [Double]] = [:]
    let parts = Self.parts(points: 4, replications: 3, shards: 3) { item in
      let v = specials + (0..<20).map { _ in Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) } + [.nan]
      expected[item] = v
      return v
    }
    let files = try parts.reversed().map { (file: $0.file, part: try P.decode($0.part.encoded(), file: $0.file)) }
    let folded = try P.fold(files)
    #expect(folded.points == 4 && folded.replications == 3 && folded.wallSeconds == 3)
    for p in 0..<4 {
      for r in 0..<3 {
        let got = folded.results[p][r].map(\.bitPattern)
        let want = expected[WorkItem(point: p, replication: r)]!.map(\.bitPattern)
        #expect(got.dropLast() == want.dropLast())
        #expect(folded.results[p][r].last!.isNaN)
      }
    }
  }

  @Test func partsOfOtherWorkAreRefusedByFieldAndFile() {
    var parts = Self.parts()
    parts[2].part.work[1] = P.Field("seed", "4")
    #expect(
      throws: ShardingError.mismatch(
        field: "seed", file: "part-0.json", value: "3", otherFile: "part-2.json", otherValue: "4")
    ) {
      try P.fold(parts)
    }
    #expect(
      ShardingError.mismatch(field: "seed", file: "a", value: "3", otherFile: "b", otherValue: "4").description
        == "the parts do not belong together: seed is 3 in a but 4 in b")
  }

  @Test func aMissingOrRepeatedShardIsRefused() {
    let parts = Self.parts(shards: 4)
    #expect(throws: ShardingError.missingShards([1, 3], count: 4)) { try P.fold([parts[0], parts[2]]) }
    #expect(throws: ShardingError.duplicateShard(index: 2, file: "copy.json", otherFile: "part-2.json")) {
      try P.fold(parts + [("copy.json", parts[2].part)])
    }
    #expect(throws: ShardingError.noParts) { try P.fold([]) }
    let other = Self.parts(shards: 2)
    #expect(
      throws: ShardingError.shardCountsDiffer(file: "part-0.json", count: 4, otherFile: "part-1.json", otherCount: 2)
    ) {
      try P.fold([parts[0], other[1]])
    }
  }

  @Test func aPartWithOtherItemsIsRefused() {
    var parts = Self.parts()
    parts[1].part.items.removeLast()
    #expect(throws: ShardingError.wrongItems(file: "part-1.json", reason: "its items are not those of shard 1/3")) {
      try P.fold(parts)
    }
  }

  @Test func filesThatAreNotPartsAreRefused() throws {
    #expect(throws: ShardingError.unreadable(file: "x", reason: "not JSON")) { try P.decode(Data("x".utf8), file: "x") }
    #expect(throws: ShardingError.unreadable(file: "x", reason: "empty")) { try P.decode(Data(), file: "x") }
    #expect(
      throws: ShardingError.unreadable(
        file: "x", reason: "not whole JSON (cut short or damaged since); run its shard again")
    ) { try P.decode(Data("{\"format\": 2, \"shard\"".utf8), file: "x") }
    #expect(throws: ShardingError.unreadable(file: "x", reason: "no 'format' (not written by capsim --shard)")) {
      try P.decode(Data("{}".utf8), file: "x")
    }
    var json = try JSONSerialization.jsonObject(with: Self.parts()[0].part.encoded()) as! [String: Any]
    json["format"] = 99
    let data = try JSONSerialization.data(withJSONObject: json)
    #expect(
      throws: ShardingError.unreadable(file: "x", reason: "written in part format 99; this capsim reads format 2")
    ) {
      try P.decode(data, file: "x")
    }
  }

  /// A number changed by hand would be merged as if simulated: the checksum refuses it, and a
  /// value of the wrong kind is named by where it is.
  @Test func anEditedPartIsRefused() throws {
    let text = String(decoding: try Self.parts()[0].part.encoded(), as: UTF8.self)
    #expect(throws: Never.self) { try P.decode(Data(text.utf8), file: "x") }
    let edited = text.replacingOccurrences(of: "\"points\":", with: "\"points\":1")
    #expect(edited != text)
    #expect(
      throws: ShardingError.unreadable(
        file: "x",
        reason:
          "its contents do not match the checksum capsim wrote with them (edited or damaged since); run its shard again"
      )
    ) { try P.decode(Data(edited.utf8), file: "x") }
    // A shard of 0 is read as an error at its place, not a division by zero when folded
    let shard = try #require(text.range(of: #""shard":\{[^}]*\}"#, options: .regularExpression))
    let noShards = text.replacingCharacters(in: shard, with: #""shard":{"index":0,"count":0}"#)
    do {
      _ = try P.decode(Data(noShards.utf8), file: "x")
      Issue.record("a shard 0/0 was read")
    } catch {
      #expect("\(error)".contains("shard 0/0 is not 0 <= I < N"), "\(error)")
    }
    let wrongKind = text.replacingOccurrences(of: "\"points\":", with: "\"points\":\"x\",\"was\":")
    do {
      _ = try P.decode(Data(wrongKind.utf8), file: "x")
      Issue.record("a string for points was read")
    } catch {
      #expect("\(error)".contains("at points: "), "\(error)")
    }
  }
}
