import Foundation
import Gate

extension CheckReport {
  /// JUnit XML as GitLab, GitHub (test reporters) and Jenkins read it: a test suite per
  /// scenario, a test case per row. A failed row is a `failure`, an undecided one an `error`
  /// (the test could not finish), a waived or unjudged one `skipped`; every case carries its
  /// measured value, target and baseline in `system-out`, and in the message when it did not pass.
  package func junit() -> String {
    var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    let all = rows
    let c = Self.counts(all)
    let time = parts.map(\.check.result.wallSeconds).reduce(0, +)
    // A scenario that judged nothing fails the check (exit 1): a failing case says so, where a
    // report viewer shows it, rather than a suite of skipped rows that reads green.
    let unjudged = Set(self.unjudged)
    xml +=
      "<testsuites name=\"capsim check\" tests=\"\(all.count + unjudged.count)\" failures=\"\(c[.fail]! + unjudged.count)\" errors=\"\(c[.undecided]!)\""
    xml += " skipped=\"\(c[.waived]! + c[.info]!)\" time=\"\(Self.seconds(time))\">\n"
    for p in parts {
      let rows = p.check.rows
      let n = Self.counts(rows)
      let nothing = unjudged.contains(p.provenance.name) ? 1 : 0
      xml +=
        "  <testsuite name=\(Self.attribute(p.provenance.name)) tests=\"\(rows.count + nothing)\" failures=\"\(n[.fail]! + nothing)\""
      xml +=
        " errors=\"\(n[.undecided]!)\" skipped=\"\(n[.waived]! + n[.info]!)\" time=\"\(Self.seconds(p.check.result.wallSeconds))\">\n"
      xml += "    <properties>\n"
      var properties = [
        ("scenario", p.provenance.path), ("seed", String(p.provenance.seed)), ("replications", String(p.replications)),
        ("check", p.check.outcome.rawValue), ("stop", p.check.stop.rawValue), ("alpha", String(alpha)),
        ("beta", String(beta)),
      ]
      if let t = targetsFile { properties.append(("targets", t)) }
      if let b = baselineSource { properties.append(("baseline", b)) }
      for (name, value) in properties {
        xml += "      <property name=\(Self.attribute(name)) value=\(Self.attribute(value))/>\n"
      }
      xml += "    </properties>\n"
      for r in rows {
        let v = r.verdict
        let classname = "capsim.check.\(p.provenance.name).\(v.territory).\(v.period)"
        let name = "\(v.requestClass ?? "all classes"): \(v.objective.rawValue)"
        xml += "    <testcase classname=\(Self.attribute(classname)) name=\(Self.attribute(name)) time=\"0\">\n"
        let message = Self.message(r)
        switch r.decision {
        case .fail:
          let type = r.againstTarget == .fail ? "target" : "regression"
          xml += "      <failure type=\"\(type)\" message=\(Self.attribute(message))>\(Self.text(message))</failure>\n"
        case .undecided:
          xml +=
            "      <error type=\"undecided\" message=\(Self.attribute("undecided: " + message))>\(Self.text(message))</error>\n"
        case .waived:
          xml += "      <skipped message=\(Self.attribute("waived: " + (r.waiver ?? "")))/>\n"
        case .info:
          xml += "      <skipped message=\(Self.attribute("not judged: no target and no baseline row"))/>\n"
        case .pass:
          break
        }
        xml += "      <system-out>\(Self.text(message))</system-out>\n"
        xml += "    </testcase>\n"
      }
      if nothing == 1 {
        let message =
          "nothing was judged: no row has a target or a baseline row (see the warnings); the check did not pass"
        xml +=
          "    <testcase classname=\(Self.attribute("capsim.check.\(p.provenance.name)")) name=\"nothing judged\" time=\"0\">\n"
        xml +=
          "      <failure type=\"nothing-judged\" message=\(Self.attribute(message))>\(Self.text(message))</failure>\n"
        xml += "    </testcase>\n"
      }
      if !p.warnings.isEmpty {
        xml +=
          "    <system-out>\(Self.text(p.warnings.map { "warning: " + $0 }.joined(separator: "\n")))</system-out>\n"
      }
      xml += "  </testsuite>\n"
    }
    xml += "</testsuites>\n"
    return xml
  }

  static func seconds(_ x: Double) -> String { String(format: "%.3f", x) }

  /// A quoted attribute value: markup escaped, line breaks and tabs as character references
  /// (attribute normalization would turn them into spaces), other control characters replaced
  /// (XML 1.0 does not allow them at all).
  static func attribute(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "\n": out += "&#10;"
      case "\r": out += "&#13;"
      case "\t": out += "&#9;"
      default: out.unicodeScalars.append(allowed(u) ? u : "\u{FFFD}")
      }
    }
    return out + "\""
  }

  /// Element text: markup escaped, disallowed characters replaced.
  package static func text(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.unicodeScalars.append(allowed(u) || u == "\n" || u == "\t" ? u : "\u{FFFD}")
      }
    }
    return out
  }

  /// Characters XML 1.0 allows, but for tab, line feed and carriage return.
  static func allowed(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }
}
