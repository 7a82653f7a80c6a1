import Foundation
import QueueingModel
import SimRandom
import Testing

/// The reference cases of `Fixtures/cases.json` (copied from the project's validation set): models
/// with exact answers and tolerances of 4 standard errors of the simulation noise measured for the
/// stated protocol.
struct ReferenceCase: CustomTestStringConvertible, Sendable {
  var id: String
  var group: String
  var network: Network
  var warmup: Double
  var horizon: Double
  var replications: Int
  var expected: [String: Double]
  var tolerance: [String: Double]
  /// Per-replication standard deviation of each metric (for rescaled protocols).
  var sdPerReplication: [String: Double]

  var testDescription: String { id }

  static let all: [ReferenceCase] = {
    let url = Bundle.module.url(forResource: "cases", withExtension: "json", subdirectory: "Fixtures")!
    let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return (root["cases"] as! [[String: Any]]).map(ReferenceCase.init)
  }()

  static func named(_ id: String) -> ReferenceCase { all.first { $0.id == id }! }

  init(_ json: [String: Any]) {
    id = json["id"] as! String
    group = json["group"] as! String
    let model = json["model"] as! [String: Any]
    let run = json["run"] as! [String: Any]
    warmup = run["warmup"] as! Double
    horizon = run["horizon"] as! Double
    replications = run["replications"] as! Int
    expected = json["expected"] as! [String: Double]
    tolerance = json["tolerance"] as! [String: Double]
    let noise = json["noise"] as? [String: [String: Double]] ?? [:]
    sdPerReplication = noise.mapValues { $0["sd_per_rep"] ?? 0 }
    network = Self.network(model)
  }

  /// Maps the case's model onto a `Network`: a zero-time station with a `policy` becomes a
  /// dispatcher; in a closed model the infinite-server think station becomes the source's think
  /// time, and routing back to it becomes an exit.
  private static func network(_ model: [String: Any]) -> Network {
    let stationsJSON = model["stations"] as! [[String: Any]]
    let routing = model["routing"] as! [String: Any]
    let population = model["population"] as? [String: Any]
    let thinkID = population != nil
      ? (stationsJSON.first { ($0["servers"] as? String) == "infinite" }!["id"] as! String) : nil
    let dispatcherIDs = routing.compactMap { key, value in (value as? [String: Any]).map { _ in key } }
    let stationIDs = stationsJSON.map { $0["id"] as! String }
      .filter { $0 != thinkID && !dispatcherIDs.contains($0) }

    func destination(_ id: String) -> Destination {
      if id == "exit" || id == thinkID { return .exit }
      if let d = dispatcherIDs.firstIndex(of: id) { return .dispatcher(d) }
      return .station(stationIDs.firstIndex(of: id)!)
    }
    func distribution(_ json: [String: Any]) -> Distribution {
      switch json["dist"] as! String {
      case "exponential": return try! .exponential(mean: json["mean"] as! Double)
      case "deterministic": return try! .deterministic(json["value"] as! Double)
      case "lognormal": return try! .lognormal(mean: json["mean"] as! Double, cv: json["cv"] as! Double)
      case let other: fatalError("unknown distribution \(other)")
      }
    }
    let stations = stationIDs.map { id -> Station in
      let s = stationsJSON.first { $0["id"] as! String == id }!
      let routes = (routing[id] as! [[String: Any]]).map {
        Route(to: destination($0["to"] as! String), probability: $0["p"] as! Double)
      }
      return Station(
        name: id, servers: .finite(s["servers"] as! Int), service: distribution(s["service"] as! [String: Any]),
        capacity: s["capacity"] as? Int, routing: routes)
    }
    let dispatchers = dispatcherIDs.map { id -> Dispatcher in
      let r = routing[id] as! [String: Any]
      let policy: DispatchPolicy =
        switch r["policy"] as! String {
        case "random": .random
        case "round_robin": .roundRobin
        case "jsq", "join_shortest_queue": .joinShortestQueue
        case "power_of_two": .powerOfTwo
        case let other: fatalError("unknown policy \(other)")
        }
      let targets = (r["targets"] as! [String]).map { stationIDs.firstIndex(of: $0)! }
      return Dispatcher(name: id, policy: policy, targets: targets)
    }
    var sources: [Source] = []
    if let population, let thinkID {
      let think = stationsJSON.first { $0["id"] as! String == thinkID }!
      let next = (routing[thinkID] as! [[String: Any]])[0]["to"] as! String
      sources.append(
        Source(
          name: "users",
          kind: .closed(
            users: population["customers"] as! Int, think: distribution(think["service"] as! [String: Any])),
          to: destination(next)))
    }
    for (i, a) in ((model["arrivals"] as? [[String: Any]]) ?? []).enumerated() {
      let to = destination(a["to"] as! String)
      switch a["process"] as! String {
      case "poisson":
        sources.append(Source(name: "arrivals\(i)", kind: .poisson(rate: a["rate"] as! Double), to: to))
      case "poisson_piecewise":
        let pieces = a["schedule"] as! [[String: Double]]
        let schedule = try! RateSchedule(
          times: pieces.map { $0["start"]! }, rates: pieces.map { $0["rate"]! }, period: pieces.last!["end"]!)
        sources.append(Source(name: "arrivals\(i)", kind: .varying(schedule), to: to))
      case let other: fatalError("unknown arrival process \(other)")
      }
    }
    return Network(stations: stations, dispatchers: dispatchers, sources: sources)
  }

  /// The simulated estimate of a metric named as in the cases' conventions.
  func estimate(_ metric: String, in result: ExperimentResult) -> [Double] {
    let reps = result.replicationResults
    func station(_ name: String) -> Int { network.stations.firstIndex { $0.name == name }! }
    func perStation(_ prefix: String, _ key: KeyPath<StationResult, Double>) -> [Double]? {
      guard metric.hasPrefix(prefix) else { return nil }
      let s = station(String(metric.dropFirst(prefix.count)))
      return reps.map { $0.stations[s][keyPath: key] }
    }
    let endToEndNames: Set = ["W_p95", "W_p99", "W_end_to_end"]
    if !endToEndNames.contains(metric), let v = perStation("W_", \.meanResponse) { return v }
    if let v = perStation("L_", \.meanInStation) ?? perStation("Q_", \.meanInStation)
      ?? perStation("U_", \.meanBusyServers)
    {
      return v
    }
    let only = reps.map { $0.stations[0] }
    switch metric {
    case "Wq": return reps.map(\.endToEnd.meanWait)
    case "W", "W_end_to_end", "R": return reps.map(\.endToEnd.meanResponse)
    case "P_wait": return reps.map(\.endToEnd.waitProbability)
    case "W_p95": return reps.map(\.endToEnd.responseP95)
    case "W_p99": return reps.map(\.endToEnd.responseP99)
    case "X": return reps.map(\.endToEnd.throughput)
    case "P_block": return only.map(\.lossProbability)
    case "throughput": return only.map(\.throughput)
    case "L": return only.map(\.meanInStation)
    case "mean_busy_servers": return only.map(\.meanBusyServers)
    default: fatalError("no estimator for metric \(metric) in \(id)")
    }
  }
}
