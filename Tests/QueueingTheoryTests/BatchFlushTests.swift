import Foundation
import QueueingTheory
import Testing

/// Group commit as gated bulk service with unlimited batches (M/G^[inf]/1).
@Suite struct BatchFlushTests {
  @Test func deterministicFlushByHand() throws {
    // Given 100 commits/s and a 5 ms fsync: L = exp(-0.5), a busy period lasts 5 ms x e^0.5 =
    // 8.244 ms, so P(busy) = 8.244 / (8.244 + 10) = 0.4519 and W = 5 ms + 0.4519 x 2.5 ms
    let q = try BatchFlush(
      arrivalRate: 100, serviceMean: 0.005, serviceSecondMoment: 0.000025, laplaceTransform: exp(-0.5))
    let busy = 0.005 * exp(0.5)
    expectClose(q.busyProbability, busy / (busy + 0.01), relative: 1e-14)
    expectClose(q.meanResponse, 0.005 + busy / (busy + 0.01) * 0.0025, relative: 1e-14)
    expectClose(q.meanNumberInSystem, 100 * q.meanResponse, relative: 1e-15)
    // and each flush carries lambda E[S] / P(busy) = 0.5 / 0.4519 = 1.106 commits
    expectClose(q.meanBatchSize, 0.5 / q.busyProbability, relative: 1e-14)
  }

  @Test func exponentialFlushByHand() throws {
    // Given exponential flushes of mean m at rate lambda: L = 1 / (1 + lambda m), so
    // P(busy) = a (1 + a) / (a (1 + a) + 1) with a = lambda m, and the residual is m
    let (lambda, m) = (150.0, 0.005)
    let a = lambda * m
    let q = try BatchFlush(
      arrivalRate: lambda, serviceMean: m, serviceSecondMoment: 2 * m * m, laplaceTransform: 1 / (1 + a))
    expectClose(q.busyProbability, a * (1 + a) / (a * (1 + a) + 1), relative: 1e-14)
    expectClose(q.meanResponse, m + q.busyProbability * m, relative: 1e-14)
  }

  @Test func lightLoadIsOneFlushAndHeavyLoadOneAndAHalf() throws {
    // Alone, a commit waits for nobody; under heavy load a flush is always in progress and a
    // commit waits for half of it on average (deterministic), then its own
    let light = try BatchFlush(
      arrivalRate: 0.01, serviceMean: 0.005, serviceSecondMoment: 0.000025, laplaceTransform: exp(-0.00005))
    expectClose(light.meanResponse, 0.005, relative: 1e-4)
    let heavy = try BatchFlush(
      arrivalRate: 20_000, serviceMean: 0.005, serviceSecondMoment: 0.000025, laplaceTransform: exp(-100))
    expectClose(heavy.meanResponse, 0.0075, relative: 1e-12)
    #expect(heavy.meanBatchSize > 99)
  }

  @Test func invalidInputsThrow() {
    #expect(throws: QueueingTheoryError.invalidLaplaceTransform) {
      try BatchFlush(arrivalRate: 1, serviceMean: 1, serviceSecondMoment: 1, laplaceTransform: 0)
    }
    #expect(throws: QueueingTheoryError.invalidArrivalRate(0)) {
      try BatchFlush(arrivalRate: 0, serviceMean: 1, serviceSecondMoment: 1, laplaceTransform: 0.5)
    }
    #expect(throws: QueueingTheoryError.invalidServiceSecondMoment(mean: 1, secondMoment: 0.5)) {
      try BatchFlush(arrivalRate: 1, serviceMean: 1, serviceSecondMoment: 0.5, laplaceTransform: 0.5)
    }
  }
}
