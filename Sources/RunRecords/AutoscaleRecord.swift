import Foundation

/// A `capsim autoscale` derivation as the results database keeps it: what it was run on, each
/// strategy, candidate and verification as a row, and the manifests it wrote.
package struct AutoscaleRecord: Codable, Sendable, Hashable {
  /// Assigned by the store.
  package var id: Int64?
  package var capsimVersion: String
  package var scenarioName: String
  package var scenarioPath: String
  /// SHA-256 of the scenario text (a what-if with its base, as a run records it), hex.
  package var scenarioHash: String
  /// `--set` what-ifs, in order.
  package var settings: [String]
  package var territories: [String]
  package var seed: UInt64
  /// Replications of each candidate, the most one near the boundary grows to, and those kept
  /// out of the search for verification.
  package var replications: Int
  package var maxReplications: Int
  package var heldOut: Int
  package var peakShare: Double
  package var maxReversalsPerHour: Double
  package var startedAt: Date
  package var endedAt: Date?
  package var status: RunStatus
  package var processID: Int32
  package var hostName: String
  package var wallSeconds: Double?
  package var message: String?

  package init(
    capsimVersion: String, scenarioName: String, scenarioPath: String, scenarioHash: String, settings: [String],
    territories: [String], seed: UInt64, replications: Int, maxReplications: Int, heldOut: Int, peakShare: Double,
    maxReversalsPerHour: Double, startedAt: Date, processID: Int32, hostName: String
  ) {
    self.capsimVersion = capsimVersion
    self.scenarioName = scenarioName
    self.scenarioPath = scenarioPath
    self.scenarioHash = scenarioHash
    self.settings = settings
    self.territories = territories
    self.seed = seed
    self.replications = replications
    self.maxReplications = maxReplications
    self.heldOut = heldOut
    self.peakShare = peakShare
    self.maxReversalsPerHour = maxReversalsPerHour
    self.startedAt = startedAt
    self.status = .running
    self.processID = processID
    self.hostName = hostName
  }
}

/// One line of a derivation's tables: a strategy, a searched candidate or a verification.
package struct AutoscaleRow: Codable, Sendable, Hashable {
  package enum Section: String, Codable, Sendable {
    case strategy, candidate, verification
  }

  package var territory: String
  package var section: Section
  /// `derived HPA`, `cpu 60% calm`, `demand +20%`.
  package var name: String
  package var replications: Int
  package var podHours: Double
  package var cost: Double
  package var currency: String
  package var costPer30Days: Double
  package var violationMinutes: Double
  /// Seconds; nil without a window to judge.
  package var worstP95: Double?
  package var scalingEvents: Double
  package var reversalsPerHour: Double
  package var peakWindows: Int
  package var peakWindowsMet: Int
  package var holds: Bool
  /// Verdicts that failed.
  package var failed: [String]

  package init(
    territory: String, section: Section, name: String, replications: Int, podHours: Double, cost: Double,
    currency: String, costPer30Days: Double, violationMinutes: Double, worstP95: Double?, scalingEvents: Double,
    reversalsPerHour: Double, peakWindows: Int, peakWindowsMet: Int, holds: Bool, failed: [String]
  ) {
    self.territory = territory
    self.section = section
    self.name = name
    self.replications = replications
    self.podHours = podHours
    self.cost = cost
    self.currency = currency
    self.costPer30Days = costPer30Days
    self.violationMinutes = violationMinutes
    self.worstP95 = worstP95
    self.scalingEvents = scalingEvents
    self.reversalsPerHour = reversalsPerHour
    self.peakWindows = peakWindows
    self.peakWindowsMet = peakWindowsMet
    self.holds = holds
    self.failed = failed
  }

  /// Share of peak windows that met every window objective.
  package var peakShare: Double { peakWindows == 0 ? 1 : Double(peakWindowsMet) / Double(peakWindows) }
}

/// A manifest a derivation wrote, as written.
package struct AutoscaleManifest: Codable, Sendable, Hashable {
  package var territory: String
  /// Relative to the output folder: `DE/hpa.yaml`.
  package var file: String
  package var text: String

  package init(territory: String, file: String, text: String) {
    self.territory = territory
    self.file = file
    self.text = text
  }
}

/// Per territory, what the derivation found, in words and numbers for the report.
package struct AutoscalePool: Codable, Sendable, Hashable {
  package var territory: String
  package var minReplicas: Int
  package var maxReplicas: Int
  package var quietestNeed: Int
  package var peakNeed: Int
  package var staticPeak: Int
  package var cap: Int
  package var capReason: String
  /// `cpu 60%, calm behavior`, and whether it met the goal.
  package var chosen: String
  package var found: Bool
  /// What the strategies were judged on (`whole run`, or the weeks).
  package var judgedOn: [String]
  package var cronWindows: Int
  package var forecastError: Double?
  package var wallSeconds: Double
  package var simulatedRequests: Int

  package init(
    territory: String, minReplicas: Int, maxReplicas: Int, quietestNeed: Int, peakNeed: Int, staticPeak: Int, cap: Int,
    capReason: String, chosen: String, found: Bool, judgedOn: [String], cronWindows: Int, forecastError: Double?,
    wallSeconds: Double, simulatedRequests: Int
  ) {
    self.territory = territory
    self.minReplicas = minReplicas
    self.maxReplicas = maxReplicas
    self.quietestNeed = quietestNeed
    self.peakNeed = peakNeed
    self.staticPeak = staticPeak
    self.cap = cap
    self.capReason = capReason
    self.chosen = chosen
    self.found = found
    self.judgedOn = judgedOn
    self.cronWindows = cronWindows
    self.forecastError = forecastError
    self.wallSeconds = wallSeconds
    self.simulatedRequests = simulatedRequests
  }
}

/// Everything a derivation records.
package struct AutoscaleData: Codable, Sendable, Hashable {
  package var record: AutoscaleRecord
  package var pools: [AutoscalePool]
  package var rows: [AutoscaleRow]
  package var manifests: [AutoscaleManifest]

  package init(record: AutoscaleRecord, pools: [AutoscalePool], rows: [AutoscaleRow], manifests: [AutoscaleManifest]) {
    self.record = record
    self.pools = pools
    self.rows = rows
    self.manifests = manifests
  }
}
