import QueueingTheory
import Testing

@Suite struct MMcKTests {
  @Test func erlangLossReference() throws {
    // Given validation case erlang_b_c16_a12: M/M/16/16, lambda = 12, mean service 1
    let station = try MMcK(arrivalRate: 12, serviceRate: 1, servers: 16, capacity: 16)
    // Then (8-digit references)
    expectClose(station.blockingProbability, 0.060412592, relative: referenceTolerance, "P_block")
    expectClose(station.throughput, 11.275049, relative: referenceTolerance, "throughput")
    expectClose(station.meanNumberInSystem, 11.275049, relative: referenceTolerance, "L")
    expectClose(station.meanBusyServers, 11.275049, relative: referenceTolerance, "busy")
    expectClose(station.meanResponse, 1.0, relative: referenceTolerance, "W")
    #expect(station.meanWait == 0)
    #expect(station.waitProbability == 0)
  }

  @Test(arguments: [(1, 0.3), (3, 2.5), (16, 12.0), (40, 55.0), (200, 180.0)])
  func capacityEqualToServersIsErlangB(servers: Int, load: Double) throws {
    let station = try MMcK(arrivalRate: load, serviceRate: 1, servers: servers, capacity: servers)
    expectClose(
      station.blockingProbability,
      try ErlangB.blocking(servers: servers, offeredLoad: load), relative: 1e-12)
  }

  @Test(arguments: [(1, 0.5), (4, 3.6), (16, 14.4)])
  func hugeCapacityApproachesMMc(servers: Int, arrivalRate: Double) throws {
    // Given K = 3000: at rho <= 0.9 the truncated mass rho^K is below 1e-130
    let finite = try MMcK(
      arrivalRate: arrivalRate, serviceRate: 1, servers: servers,
      capacity: 3_000)
    let infinite = try MMc(arrivalRate: arrivalRate, serviceRate: 1, servers: servers)
    // Then the birth-death sums reproduce Erlang C and Little's law for M/M/c
    expectClose(finite.meanNumberInSystem, infinite.meanNumberInSystem, relative: 1e-10, "L")
    expectClose(finite.meanQueueLength, infinite.meanQueueLength, relative: 1e-10, "Lq")
    expectClose(finite.meanResponse, infinite.meanResponse, relative: 1e-10, "W")
    expectClose(finite.meanWait, infinite.meanWait, relative: 1e-10, "Wq")
    expectClose(finite.waitProbability, infinite.waitProbability, relative: 1e-10, "P_wait")
    #expect(finite.blockingProbability < 1e-100)
  }

  @Test(arguments: [(1, 1, 0.5), (4, 10, 3.6), (4, 10, 20.0), (8, 8, 100.0), (3, 500, 2.9)])
  func rateBalanceAndLittle(servers: Int, capacity: Int, arrivalRate: Double) throws {
    let station = try MMcK(
      arrivalRate: arrivalRate, serviceRate: 1.25, servers: servers,
      capacity: capacity)
    // Accepted arrivals equal departures: throughput = mu E[min(n, c)], two independent sums.
    expectClose(station.throughput, 1.25 * station.meanBusyServers, relative: 1e-12)
    expectClose(station.stationaryDistribution.reduce(0, +), 1, relative: 1e-14)
    // Little over accepted customers, and L = Lq + busy
    expectClose(
      station.meanNumberInSystem, station.throughput * station.meanResponse,
      relative: 1e-13)
    expectClose(
      station.meanNumberInSystem, station.meanQueueLength + station.meanBusyServers,
      relative: 1e-12)
    #expect(station.utilization < 1)
    #expect(station.waitProbability >= 0 && station.waitProbability <= 1)
  }

  @Test func overloadIsAllowedAndLargeCapacityIsFast() throws {
    // rho = 5 and K = 200,000: log-space weights neither overflow nor underflow to garbage
    let station = try MMcK(arrivalRate: 20, serviceRate: 1, servers: 4, capacity: 200_000)
    expectClose(station.blockingProbability, 0.8, relative: 1e-12)  // 1 - c mu / lambda
    expectClose(station.meanBusyServers, 4, relative: 1e-12)
    #expect(station.stationaryDistribution.allSatisfy { $0.isFinite && $0 >= 0 })
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidCapacity(capacity: 3, servers: 4)) {
      try MMcK(arrivalRate: 1, serviceRate: 1, servers: 4, capacity: 3)
    }
    #expect(throws: QueueingTheoryError.invalidServerCount(0)) {
      try MMcK(arrivalRate: 1, serviceRate: 1, servers: 0, capacity: 3)
    }
    #expect(throws: QueueingTheoryError.invalidArrivalRate(-1)) {
      try MMcK(arrivalRate: -1, serviceRate: 1, servers: 1, capacity: 3)
    }
    #expect(throws: QueueingTheoryError.invalidServiceRate(0)) {
      try MMcK(arrivalRate: 1, serviceRate: 0, servers: 1, capacity: 3)
    }
  }
}
