import Foundation
import PlatformModel

/// The progress line of the candidate being simulated (a plan's instance count, a derivation's
/// rule): a new line for each candidate, ended before the command says anything else.
final class CandidateProgress: @unchecked Sendable {
  private let enabled: Bool
  private let command: String
  private let unit: String
  private let lock = NSLock()
  private var current: Progress?

  /// `command`: the line's prefix, "plan" or "autoscale"; `unit`: what the share is of.
  init(enabled: Bool, command: String, unit: String = "of the candidate's requests") {
    self.enabled = enabled
    self.command = command
    self.unit = unit
  }

  /// `what`: the search's message, "simulating DE 3 with 3 replications".
  func begin(_ what: String) {
    guard enabled else { return }
    let label = what.hasPrefix("simulating ") ? String(what.dropFirst("simulating ".count)) : what
    lock.withLock { current = Progress(total: 1, label: "\(command): " + label, enabled: true) }
  }

  func update(_ p: PlatformProgress) {
    let progress = lock.withLock { current }
    let unit = self.unit
    progress?.update(p.share) { _ in unit }
  }

  func end() {
    let progress = lock.withLock {
      defer { current = nil }
      return current
    }
    progress?.finish()
  }
}
