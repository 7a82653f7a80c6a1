import Foundation

/// What one shard computed, as the file it writes: which work it belongs to, the items it
/// took, and their results.
///
/// `work` names everything that must be the same in every part of one piece of work (the
/// command, the files' hashes, the settings, the seed, the program's version...) as ordered
/// (name, value) pairs, so that a merge can say which one differs without knowing what they
/// mean. Results are whatever the caller simulates, in the order of `items`.
///
/// The file is JSON with sorted keys. Numbers round-trip exactly (Swift writes the shortest
/// decimal that reads back as the same `Double`); infinities and NaN are written as strings.
package struct Part<Result: Codable & Sendable>: Codable, Sendable {
  /// The layout of the file. A merge reads only its own.
  package static var currentFormat: Int { 2 }

  package struct Field: Codable, Sendable, Hashable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  package var format: Int
  package var work: [Field]
  package var points: Int
  package var replications: Int
  package var shard: Shard
  package var items: [WorkItem]
  package var results: [Result]
  /// Wall-clock seconds the shard took and the host it ran on: for people, never compared.
  package var wallSeconds: Double
  package var host: String
  /// FNV-1a of the file written without it: a merge refuses a part edited or damaged since
  /// (its numbers would be merged as if simulated). Set by `encoded()`.
  package var checksum: String?

  package init(
    work: [Field], points: Int, replications: Int, shard: Shard, items: [WorkItem], results: [Result],
    wallSeconds: Double, host: String
  ) {
    format = Self.currentFormat
    self.work = work
    self.points = points
    self.replications = replications
    self.shard = shard
    self.items = items
    self.results = results
    self.wallSeconds = wallSeconds
    self.host = host
  }

  package func encoded() throws -> Data {
    var part = self
    part.checksum = Self.fnv1a(try part.unsealed())
    return try Self.encoder.encode(part)
  }

  /// The file's bytes without its checksum: what the checksum is taken over.
  private func unsealed() throws -> Data {
    var part = self
    part.checksum = nil
    return try Self.encoder.encode(part)
  }

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  /// 64-bit FNV-1a, as 16 hex digits: catches an edit or damage, not a forger.
  static func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// Reads a part file's contents; `file` names it in errors.
  package static func decode(_ data: Data, file: String) throws(ShardingError) -> Part {
    let header: _PartHeader
    do {
      header = try JSONDecoder().decode(_PartHeader.self, from: data)
    } catch {
      // A part is written whole or not at all: a file cut short was copied or stored in part.
      let reason =
        data.isEmpty
        ? "empty"
        : data.first == UInt8(ascii: "{")
          ? "not whole JSON (cut short or damaged since); run its shard again" : "not JSON"
      throw .unreadable(file: file, reason: reason)
    }
    guard let format = header.format else {
      throw .unreadable(file: file, reason: "no 'format' (not written by capsim --shard)")
    }
    guard format == currentFormat else {
      throw .unreadable(
        file: file, reason: "written in part format \(format); this capsim reads format \(currentFormat)")
    }
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let part: Part
    do {
      part = try decoder.decode(Part.self, from: data)
    } catch let error as DecodingError {
      throw .unreadable(file: file, reason: Self.describe(error))
    } catch {
      throw .unreadable(file: file, reason: "\(error)")
    }
    guard let claimed = part.checksum, (try? fnv1a(part.unsealed())) == claimed else {
      throw .unreadable(
        file: file,
        reason:
          "its contents do not match the checksum capsim wrote with them (edited or damaged since); run its shard again"
      )
    }
    return part
  }

  /// Where in the file and what: "at results[0].events: ...", not Swift's error dump.
  static func describe(_ error: DecodingError) -> String {
    func at(_ path: [any CodingKey]) -> String {
      var text = ""
      for key in path {
        if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
      }
      return text.isEmpty ? "" : "at \(text): "
    }
    switch error {
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
      return at(c.codingPath) + c.debugDescription
    case .keyNotFound(let key, let c):
      return at(c.codingPath) + "no '\(key.stringValue)'"
    @unknown default:
      return "\(error)"
    }
  }
}

/// The first thing read of a part file: its layout's version.
struct _PartHeader: Decodable {
  var format: Int?
}

/// The parts of one piece of work put back together: what one machine would have computed.
package struct FoldedParts<Result: Codable & Sendable>: Sendable {
  package var work: [Part<Result>.Field]
  package var points: Int
  package var replications: Int
  /// Per point, per replication.
  package var results: [[Result]]
  /// The parts' wall-clock seconds added up.
  package var wallSeconds: Double
}

extension Part {
  /// Checks that `parts` are the N shards of one piece of work, each given once, and puts
  /// their results back in item order.
  ///
  /// - Parameter parts: each part with the file it was read from, for the messages.
  package static func fold(_ parts: [(file: String, part: Part)]) throws(ShardingError) -> FoldedParts<Result> {
    guard let (firstFile, first) = parts.first else { throw .noParts }
    var byIndex: [Int: String] = [:]
    for (file, part) in parts {
      try check(part, file: file, against: first, file: firstFile)
      if let other = byIndex[part.shard.index] {
        throw .duplicateShard(index: part.shard.index, file: file, otherFile: other)
      }
      byIndex[part.shard.index] = file
      guard part.items == part.shard.items(points: part.points, replications: part.replications) else {
        throw .wrongItems(file: file, reason: "its items are not those of shard \(part.shard)")
      }
      guard part.results.count == part.items.count else {
        throw .wrongItems(file: file, reason: "\(part.results.count) results for \(part.items.count) items")
      }
    }
    let missing = (0..<first.shard.count).filter { byIndex[$0] == nil }
    guard missing.isEmpty else { throw .missingShards(missing, count: first.shard.count) }

    var slots = [[Result?]](
      repeating: [Result?](repeating: nil, count: first.replications), count: first.points)
    for (_, part) in parts {
      for (item, result) in zip(part.items, part.results) { slots[item.point][item.replication] = result }
    }
    return FoldedParts(
      work: first.work, points: first.points, replications: first.replications,
      results: slots.map { $0.map { $0! } },  // every item is some shard's: checked above
      wallSeconds: parts.reduce(0) { $0 + $1.part.wallSeconds })
  }

  private static func check(_ part: Part, file: String, against first: Part, file firstFile: String)
    throws(ShardingError)
  {
    let names = Array(Set(part.work.map(\.name) + first.work.map(\.name))).sorted()
    for name in first.work.map(\.name) + names {
      let a = first.work.first { $0.name == name }?.value
      let b = part.work.first { $0.name == name }?.value
      if a != b {
        throw .mismatch(
          field: name, file: firstFile, value: a ?? "(none)", otherFile: file, otherValue: b ?? "(none)")
      }
    }
    for (name, a, b) in [
      ("points", first.points, part.points), ("replications", first.replications, part.replications),
    ]
    where a != b {
      throw .mismatch(field: name, file: firstFile, value: "\(a)", otherFile: file, otherValue: "\(b)")
    }
    guard part.shard.count == first.shard.count else {
      throw .shardCountsDiffer(file: firstFile, count: first.shard.count, otherFile: file, otherCount: part.shard.count)
    }
  }
}
