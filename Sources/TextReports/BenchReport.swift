import Foundation

/// One workload timed by `capsim bench`.
package struct BenchResult: Codable {
  package var workload: String
  var customers: Int
  var events: UInt64
  var seconds: Double
  var customersPerSecond: Double
  var eventsPerSecond: Double
  var eventsPerCustomer: Double

  package init(
    workload: String, customers: Int, events: UInt64, seconds: Double, customersPerSecond: Double,
    eventsPerSecond: Double, eventsPerCustomer: Double
  ) {
    self.workload = workload
    self.customers = customers
    self.events = events
    self.seconds = seconds
    self.customersPerSecond = customersPerSecond
    self.eventsPerSecond = eventsPerSecond
    self.eventsPerCustomer = eventsPerCustomer
  }
}

/// `capsim bench`: the workloads' speeds as a table or JSON, with the engine against the C loop.
package struct BenchReport: Encodable {
  var capsimVersion: String
  var customersPerWorkload: Int
  var workloads: [BenchResult]
  /// The engine's customers/s on M/M/4 over the C loop's, both measured in this run.
  var engineToReference: Double?

  package init(customersPerWorkload: Int, workloads: [BenchResult]) {
    capsimVersion = TextReports.capsimVersion
    self.customersPerWorkload = customersPerWorkload
    self.workloads = workloads
    engineToReference = Self.engineToReference(workloads)
  }

  static func engineToReference(_ rows: [BenchResult]) -> Double? {
    guard let engine = rows.first(where: { $0.workload.hasPrefix("M/M/4") }),
      let c = rows.first(where: { $0.workload.hasPrefix("C reference") })
    else { return nil }
    return engine.customersPerSecond / c.customersPerSecond
  }

  package func table() -> String {
    var table = TextTable(columns: ["workload", "customers/s", "events/s", "seconds", "events/customer"])
    for r in workloads {
      table.add([
        r.workload, r.customersPerSecond.grouped, r.eventsPerSecond.grouped,
        String(format: "%.2f", r.seconds), String(format: "%.2f", r.eventsPerCustomer),
      ])
    }
    var out = table.render()
    if let ratio = engineToReference {
      out +=
        "\nengine / C loop on M/M/4 rho=0.9: \(String(format: "%.3f", ratio)) (customers/s, measured in this run)"
    }
    return out
  }

  package func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}

/// `capsim bench --scaling`: wall time and peak memory against the horizon and the load.
package struct ScalingReport {
  /// One case, as a child process measures and prints it.
  package struct Case: Codable {
    var label: String
    var mode: String
    var seconds: Double
    var requests: Int
    var maxResidentKiB: Int

    package init(label: String, mode: String, seconds: Double, requests: Int, maxResidentKiB: Int) {
      self.label = label
      self.mode = mode
      self.seconds = seconds
      self.requests = requests
      self.maxResidentKiB = maxResidentKiB
    }
  }

  var cases: [Case]

  package init(cases: [Case]) { self.cases = cases }

  package func table() -> String {
    var table = TextTable(columns: ["case", "mode", "requests", "seconds", "requests/s", "peak memory"])
    for r in cases {
      table.add([
        r.label, r.mode, Double(r.requests).grouped, String(format: "%.2f", r.seconds),
        (Double(r.requests) / r.seconds).grouped, "\(r.maxResidentKiB / 1024) MiB",
      ])
    }
    return table.render()
  }

  package func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(cases), as: UTF8.self)
  }
}
