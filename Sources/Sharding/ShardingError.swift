/// Why a shard specification or a set of part files cannot be used; each names the culprit.
package enum ShardingError: Error, Equatable, CustomStringConvertible {
  case badShard(String)
  case shardOutOfRange(String)
  /// The file is not a part file (or not one this version reads).
  case unreadable(file: String, reason: String)
  case noParts
  /// The parts come from different commands, scenarios, settings, seeds or capsim versions.
  case mismatch(field: String, file: String, value: String, otherFile: String, otherValue: String)
  case shardCountsDiffer(file: String, count: Int, otherFile: String, otherCount: Int)
  case duplicateShard(index: Int, file: String, otherFile: String)
  case missingShards([Int], count: Int)
  /// A part's items are not the ones its shard owns, or its results do not match its items.
  case wrongItems(file: String, reason: String)

  package var description: String {
    switch self {
    case .badShard(let text):
      "'\(text)' is not a shard: --shard takes I/N, slice I (from 0) of N, such as 0/4"
    case .shardOutOfRange(let text):
      "'\(text)': the slice I of --shard I/N counts from 0 and must be below N"
    case .unreadable(let file, let reason):
      "\(file) is not a capsim part file: \(reason)"
    case .noParts:
      "no part files given"
    case .mismatch(let field, let file, let value, let otherFile, let otherValue):
      "the parts do not belong together: \(field) is \(value) in \(file) but \(otherValue) in \(otherFile)"
    case .shardCountsDiffer(let file, let count, let otherFile, let otherCount):
      "the parts do not belong together: \(file) is one of \(count) shards, \(otherFile) one of \(otherCount)"
    case .duplicateShard(let index, let file, let otherFile):
      "shard \(index) is given twice: \(otherFile) and \(file)"
    case .missingShards(let missing, let count):
      "shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) missing"
    case .wrongItems(let file, let reason):
      "\(file): \(reason)"
    }
  }
}
