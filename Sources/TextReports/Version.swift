/// The version printed by `capsim --version` and recorded with results.
package let capsimVersion = "0.1.0"
