import CapsimCLI
import Testing

@Suite struct ReferenceLoopTests {
  /// The engine's ratio to a C loop is read off one run, from the shipped loop's line or from
  /// des.c's JSON; anything else is no reference.
  @Test func aCLoopsOutputGivesItsRate() throws {
    let shipped = try #require(ReferenceLoop.run("C reference M/M/4 rho=0.9: 16000000 customers/s (Wq = 1.9700, exact 1.9694)\n"))
    #expect(shipped.customers == 20_000_000 && abs(shipped.seconds - 1.25) < 1e-12)
    // The shipped loop runs --customers and says so: the rate is over that count, not 20 M.
    let short = try #require(
      ReferenceLoop.run("C reference M/M/4 rho=0.9: 8000000 customers/s over 100000 customers (Wq = 1.9, exact 1.9694)\n"))
    #expect(short.customers == 100_000 && abs(short.seconds - 0.0125) < 1e-12)
    let desC = try #require(
      ReferenceLoop.run(
        #"{"impl": "c", "K": 1, "N": 20000000, "completed": 20000000, "events": 40000000, "max_fel": 5, "wq": 1.93, "wq_exact": 1.97, "sim_s": 1.6000, "now": 5555394.2}"#
          + "\n"))
    #expect(desC.customers == 20_000_000 && desC.seconds == 1.6)
    #expect(ReferenceLoop.run("segfault\n") == nil && ReferenceLoop.run(#"{"completed": 0, "sim_s": 1}"#) == nil)
  }
}
