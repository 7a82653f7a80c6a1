// Input checks and the traffic equations of an open network.
extension JacksonNetwork {
  /// Probability below which a row's remainder does not count as a way out (rounding noise).
  static let exitTolerance = 1e-9

  /// Checks rates, server counts and the shape and values of the routing matrix.
  static func validate(stations: [Station], routing: [[Double]]) throws(QueueingTheoryError) {
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
    guard routing.count == stations.count else {
      throw .routingRowCountMismatch(stations: stations.count, rows: routing.count)
    }
    for (from, row) in routing.enumerated() {
      guard row.count == stations.count else {
        throw .routingRowLengthMismatch(row: from, entries: row.count, stations: stations.count)
      }
      for (to, p) in row.enumerated() where !(p.isFinite && p >= 0) {
        throw .invalidRoutingProbability(from: from, to: to, value: p)
      }
      let sum = row.reduce(0, +)
      guard sum <= 1 + exitTolerance else { throw .routingRowExceedsOne(station: from, sum: sum) }
    }
    let trapped = stationsWithoutExit(routing: routing)
    guard trapped.isEmpty else { throw .routingHasNoExit(stations: trapped) }
  }

  /// Returns the stations from which no sequence of routing steps leads out of the network.
  ///
  /// Searches backwards from the stations whose row leaves more than `exitTolerance` to the
  /// outside. Without such a path `I - P^T` is singular and customers would pile up forever.
  static func stationsWithoutExit(routing: [[Double]]) -> [Int] {
    let n = routing.count
    var canExit = routing.map { 1 - $0.reduce(0, +) > exitTolerance }
    var frontier = canExit.indices.filter { canExit[$0] }
    while let target = frontier.popLast() {
      for source in 0..<n where !canExit[source] && routing[source][target] > 0 {
        canExit[source] = true
        frontier.append(source)
      }
    }
    return canExit.indices.filter { !canExit[$0] }
  }

  /// Solves `(I - P^T) lambda = gamma` by Gaussian elimination with partial pivoting.
  ///
  /// The checks in `validate` make the matrix nonsingular (P is substochastic and every station
  /// reaches an exit, so its spectral radius is below 1). A pivot that still vanishes, or a
  /// result that is not finite, means the exits are too thin to carry the traffic; that is
  /// reported as an unstable station rather than trapping.
  ///
  /// - Returns: lambda, one total arrival rate per station, clamped at 0 against rounding.
  package static func solveTrafficEquations(
    externalArrivalRates gamma: [Double],
    routing: [[Double]]
  ) throws(QueueingTheoryError) -> [Double] {
    let n = gamma.count
    // Row i of the system: lambda_i - sum_j P[j][i] lambda_j = gamma_i.
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in 0..<n { a[i][j] = (i == j ? 1 : 0) - routing[j][i] }
    }
    var b = gamma
    for column in 0..<n {
      var pivotRow = column
      for row in column..<n where abs(a[row][column]) > abs(a[pivotRow][column]) {
        pivotRow = row
      }
      guard abs(a[pivotRow][column]) > 1e-300 else {
        throw .unstableStation(station: column, utilization: .infinity)
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
    for (index, value) in lambda.enumerated() where !value.isFinite {
      throw .unstableStation(station: index, utilization: .infinity)
    }
    return lambda.map { max(0, $0) }
  }
}
