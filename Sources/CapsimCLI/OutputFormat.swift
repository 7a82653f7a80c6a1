import ArgumentParser
import Foundation
import TextReports

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
}

extension PlatformReport.SeriesGrouping: ExpressibleByArgument {}
