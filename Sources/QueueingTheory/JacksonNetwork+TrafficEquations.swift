// Input checks and the traffic equations of an open network.
extension JacksonNetwork {
  /// One routing probability out of a station: to station `to` with `probability`.
  package struct Transition: Hashable, Sendable {
    package var to: Int
    package var probability: Double

    package init(to: Int, probability: Double) {
      self.to = to
      self.probability = probability
    }
  }

  /// Probability below which a row's remainder does not count as a way out (rounding noise).
  static let exitTolerance = 1e-9

  /// Networks up to this many stations are solved by one dense elimination, as they always
  /// were; larger ones part by part (see `solveTrafficEquations`). Also the largest strongly
  /// connected part solved by elimination (its matrix is this size squared).
  static let denseLimit = 400

  /// Work allowed to iterate a larger strongly connected part: sweeps times routes.
  static let iterationBudget = 2_000_000_000

  /// Dense rows as sparse ones (only the entries that are not 0), after checking their shape.
  static func transitions(_ stations: Int, _ routing: [[Double]]) throws(QueueingTheoryError) -> [[Transition]] {
    guard routing.count == stations else {
      throw .routingRowCountMismatch(stations: stations, rows: routing.count)
    }
    var out: [[Transition]] = []
    out.reserveCapacity(stations)
    for (from, row) in routing.enumerated() {
      guard row.count == stations else {
        throw .routingRowLengthMismatch(row: from, entries: row.count, stations: stations)
      }
      out.append(row.indices.compactMap { row[$0] == 0 ? nil : Transition(to: $0, probability: row[$0]) })
    }
    return out
  }

  /// Checks rates, server counts and the routing's targets and values.
  static func validate(stations: [Station], transitions: [[Transition]]) throws(QueueingTheoryError) {
    try validate(stations)
    try validate(transitions, stations: stations.count)
  }

  /// Checks rates and server counts, and that someone arrives.
  static func validate(_ stations: [Station]) throws(QueueingTheoryError) {
    for (index, station) in stations.enumerated() {
      let gamma = station.externalArrivalRate
      guard gamma.isFinite, gamma >= 0 else {
        throw .invalidExternalArrivalRate(station: index, value: gamma)
      }
      guard station.serviceRate.isFinite, station.serviceRate > 0 else {
        throw .invalidServiceRate(station.serviceRate)
      }
      if case .queueing(let servers) = station.kind, servers < 1 {
        throw .invalidServerCount(servers)
      }
    }
    guard stations.contains(where: { $0.externalArrivalRate > 0 }) else {
      throw .noExternalArrivals
    }
  }

  /// Checks that the rows fit `stations`, hold probabilities, add up to at most 1 and lead out.
  static func validate(_ transitions: [[Transition]], stations n: Int) throws(QueueingTheoryError) {
    guard transitions.count == n else {
      throw .routingRowCountMismatch(stations: n, rows: transitions.count)
    }
    for (from, row) in transitions.enumerated() {
      for t in row {
        guard (0..<n).contains(t.to) else { throw .routingTargetOutOfRange(from: from, to: t.to, stations: n) }
        guard t.probability.isFinite, t.probability >= 0 else {
          throw .invalidRoutingProbability(from: from, to: t.to, value: t.probability)
        }
      }
      let sum = row.reduce(0) { $0 + $1.probability }
      guard sum <= 1 + exitTolerance else { throw .routingRowExceedsOne(station: from, sum: sum) }
    }
    let trapped = stationsWithoutExit(transitions)
    guard trapped.isEmpty else { throw .routingHasNoExit(stations: trapped) }
  }

  /// Returns the stations from which no sequence of routing steps leads out of the network.
  ///
  /// Searches backwards from the stations whose row leaves more than `exitTolerance` to the
  /// outside. Without such a path `I - P^T` is singular and customers would pile up forever.
  static func stationsWithoutExit(_ transitions: [[Transition]]) -> [Int] {
    let predecessors = predecessors(transitions)
    var canExit = transitions.map { 1 - $0.reduce(0) { $0 + $1.probability } > exitTolerance }
    var frontier = canExit.indices.filter { canExit[$0] }
    while let target = frontier.popLast() {
      for (source, _) in predecessors[target] where !canExit[source] {
        canExit[source] = true
        frontier.append(source)
      }
    }
    return canExit.indices.filter { !canExit[$0] }
  }

  /// Per station, the stations that route to it with a positive probability, and that probability.
  private static func predecessors(_ transitions: [[Transition]]) -> [[(from: Int, probability: Double)]] {
    var out = [[(from: Int, probability: Double)]](repeating: [], count: transitions.count)
    for (from, row) in transitions.enumerated() {
      for t in row where t.probability > 0 { out[t.to].append((from, t.probability)) }
    }
    return out
  }

  /// Solves `(I - P^T) lambda = gamma` for a dense routing matrix; see the sparse form.
  package static func solveTrafficEquations(
    externalArrivalRates gamma: [Double],
    routing: [[Double]]
  ) throws(QueueingTheoryError) -> [Double] {
    try solveTrafficEquations(
      externalArrivalRates: gamma, transitions: transitions(gamma.count, routing), denseLimit: denseLimit)
  }

  /// Solves `(I - P^T) lambda = gamma`, P given as sparse rows (each station's routes).
  ///
  /// Up to `denseLimit` stations, by Gaussian elimination with partial pivoting on the whole
  /// matrix. Beyond, memory and time follow the routes: the strongly connected parts are solved
  /// one at a time in routing order, each fed by the parts before it; a single station directly,
  /// a part of up to `denseLimit` stations by elimination, a larger one by Gauss-Seidel sweeps
  /// (they converge since P is substochastic and every station reaches an exit), within
  /// `iterationBudget`.
  ///
  /// A pivot that vanishes, or a result that is not finite, means the exits are too thin to
  /// carry the traffic; that is reported as an unstable station rather than trapping.
  ///
  /// - Returns: lambda, one total arrival rate per station, clamped at 0 against rounding.
  package static func solveTrafficEquations(
    externalArrivalRates gamma: [Double],
    transitions: [[Transition]],
    denseLimit: Int = denseLimit
  ) throws(QueueingTheoryError) -> [Double] {
    let n = gamma.count
    try validate(transitions, stations: n)
    var lambda: [Double]
    if n <= denseLimit {
      lambda = try eliminate(Array(0..<n), transitions, rightHandSide: gamma)
    } else {
      lambda = [Double](repeating: 0, count: n)
      var inflow = gamma
      let part = components(transitions)
      var partOf = [Int](repeating: 0, count: n)
      for (k, members) in part.enumerated() { for s in members { partOf[s] = k } }
      let predecessors = predecessors(transitions)
      for (k, members) in part.enumerated() {
        if members.count == 1 {
          let s = members[0]
          let stay = transitions[s].reduce(0) { $1.to == s ? $0 + $1.probability : $0 }
          lambda[s] = inflow[s] / (1 - stay)
        } else if members.count <= denseLimit {
          let solved = try eliminate(members, transitions, rightHandSide: members.map { inflow[$0] })
          for (s, value) in zip(members, solved) { lambda[s] = value }
        } else {
          try iterate(members, partOf: partOf, part: k, predecessors, inflow: inflow, into: &lambda)
        }
        // Feed the parts downstream.
        for s in members {
          for t in transitions[s] where partOf[t.to] != k { inflow[t.to] += t.probability * lambda[s] }
        }
      }
    }
    for (index, value) in lambda.enumerated() where !value.isFinite {
      throw .unstableStation(station: index, utilization: .infinity)
    }
    return lambda.map { max(0, $0) }
  }

  /// Gaussian elimination with partial pivoting on the stations `members` (in increasing order),
  /// routes to other stations left out: row i reads lambda_i - sum_j P[j][i] lambda_j = b_i.
  private static func eliminate(
    _ members: [Int], _ transitions: [[Transition]], rightHandSide: [Double]
  ) throws(QueueingTheoryError) -> [Double] {
    let n = members.count
    var local = [Int: Int](minimumCapacity: n)
    for (i, s) in members.enumerated() { local[s] = i }
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { a[i][i] = 1 }
    for (j, s) in members.enumerated() {
      for t in transitions[s] {
        if let i = local[t.to] { a[i][j] -= t.probability }
      }
    }
    var b = rightHandSide
    for column in 0..<n {
      var pivotRow = column
      for row in column..<n where abs(a[row][column]) > abs(a[pivotRow][column]) {
        pivotRow = row
      }
      guard abs(a[pivotRow][column]) > 1e-300 else {
        throw .unstableStation(station: members[column], utilization: .infinity)
      }
      if pivotRow != column {
        a.swapAt(pivotRow, column)
        b.swapAt(pivotRow, column)
      }
      for row in (column + 1)..<n {
        let factor = a[row][column] / a[column][column]
        if factor == 0 { continue }
        for k in column..<n { a[row][k] -= factor * a[column][k] }
        b[row] -= factor * b[column]
      }
    }
    var lambda = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var value = b[row]
      for k in (row + 1)..<n { value -= a[row][k] * lambda[k] }
      lambda[row] = value / a[row][row]
    }
    return lambda
  }

  /// Gauss-Seidel on one strongly connected part: lambda_i = (b_i + sum_j P[j][i] lambda_j) /
  /// (1 - P[i][i]), from below, until no value moves by more than 1e-14 of itself.
  private static func iterate(
    _ members: [Int], partOf: [Int], part: Int, _ predecessors: [[(from: Int, probability: Double)]],
    inflow: [Double], into lambda: inout [Double]
  ) throws(QueueingTheoryError) {
    var routes = 0
    for s in members { routes += predecessors[s].count }
    var work = 0
    while true {
      var moved = false
      for s in members {
        var total = inflow[s]
        var stay = 0.0
        for (j, p) in predecessors[s] where partOf[j] == part {
          if j == s { stay += p } else { total += p * lambda[j] }
        }
        let value = total / (1 - stay)
        if abs(value - lambda[s]) > 1e-14 * value { moved = true }
        lambda[s] = value
      }
      guard moved else { return }
      work += routes + members.count
      guard work <= iterationBudget else { throw .trafficEquationsTooLarge(stations: members.count) }
    }
  }

  /// The strongly connected parts of the routing graph (Tarjan's algorithm, without recursion),
  /// in routing order: a route between two parts leads from an earlier one to a later one.
  /// Each part lists its stations in increasing order.
  static func components(_ transitions: [[Transition]]) -> [[Int]] {
    let n = transitions.count
    var index = [Int](repeating: -1, count: n)
    var low = [Int](repeating: 0, count: n)
    var onStack = [Bool](repeating: false, count: n)
    var stack: [Int] = []
    var out: [[Int]] = []
    var counter = 0
    var calls: [(node: Int, next: Int)] = []
    func visit(_ v: Int) {
      index[v] = counter
      low[v] = counter
      counter += 1
      stack.append(v)
      onStack[v] = true
      calls.append((v, 0))
    }
    for root in 0..<n where index[root] < 0 {
      visit(root)
      while let (v, next) = calls.last {
        if next < transitions[v].count {
          calls[calls.count - 1].next += 1
          let t = transitions[v][next]
          guard t.probability > 0 else { continue }
          if index[t.to] < 0 {
            visit(t.to)
          } else if onStack[t.to] {
            low[v] = min(low[v], index[t.to])
          }
          continue
        }
        calls.removeLast()
        if let parent = calls.last?.node { low[parent] = min(low[parent], low[v]) }
        guard low[v] == index[v] else { continue }
        var members: [Int] = []
        while let w = stack.popLast() {
          onStack[w] = false
          members.append(w)
          if w == v { break }
        }
        out.append(members.sorted())
      }
    }
    // Tarjan finds a part after every part it leads to.
    return out.reversed()
  }
}
