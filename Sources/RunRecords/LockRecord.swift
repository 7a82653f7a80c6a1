/// A row lock as one territory's requests took it over a run: means over replications.
package struct LockRecord: Codable, Sendable, Hashable {
  package var territory: String
  package var lock: String
  package var rows: Int
  /// Requests that took a row, per replication.
  package var requests: Double
  /// The share of them that waited for their row; nil when none took one.
  package var waitedShare: Double?
  /// Seconds: the mean wait over all of them (zero waits included), the mean time held.
  package var waitMean: Double?
  package var heldMean: Double?
  /// The busiest row's held share of the measured time.
  package var busiestRow: Double

  package init(
    territory: String, lock: String, rows: Int, requests: Double, waitedShare: Double?, waitMean: Double?,
    heldMean: Double?, busiestRow: Double
  ) {
    self.territory = territory
    self.lock = lock
    self.rows = rows
    self.requests = requests
    self.waitedShare = waitedShare
    self.waitMean = waitMean
    self.heldMean = heldMean
    self.busiestRow = busiestRow
  }
}
