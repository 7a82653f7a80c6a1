import CGSL

/// Process-wide GSL set-up.
package enum GSL {
  /// GSL's default handler calls `abort()` on any error; capsim checks parameters itself and
  /// wants status codes instead of a dead process.
  private static let handlerOff: Void = { _ = gsl_set_error_handler_off() }()

  /// Turns GSL's aborting error handler off. Idempotent and thread-safe.
  package static func setUp() { _ = handlerOff }
}
