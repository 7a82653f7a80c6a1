import PlatformModel

extension ScenarioFile {
  /// Loads and checks a platform scenario (or a what-if of one, with `base:`) and its topology.
  ///
  /// - Parameters:
  ///   - settings: `KEY=VALUE` what-ifs from the command line, applied like the scenario's
  ///     `overrides:` and winning over them; reported as file `--set`, one line each.
  ///   - autoscalers: Kubernetes YAML files (`--autoscaler`) read with the scenario's
  ///     `autoscaler:` files.
  /// - Returns: the scenario and any warnings.
  /// - Throws: every error found (with warnings), each naming file, line, column and key path.
  package static func loadPlatform(
    path: String, settings: [String] = [], autoscalers: [String] = []
  ) throws(DiagnosticError) -> (PlatformScenario, [Diagnostic]) {
    let log = DiagnosticLog()
    let document = YAMLDocument(path: path, log: log)
    let commandLine = settingsDocument(settings, log: log)
    guard let root = document.root else {
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    let scenario = PlatformScenarioFile.read(root, file: path, commandLine: commandLine, autoscalers: autoscalers)
    try log.throwIfErrors()
    guard let scenario else {
      // Every reader reports before it gives up; this only guards against one that forgot.
      root.error("the scenario could not be read")
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    return (scenario, log.sortedDiagnostics)
  }

  /// Whether the file is a platform scenario: one with `demand:`, or a what-if with `base:`.
  ///
  /// Never throws: an unreadable or malformed file gives false, and the ordinary loader then
  /// reports what is wrong with it.
  package static func isPlatformScenario(path: String) -> Bool {
    guard let root = YAMLDocument(path: path, log: DiagnosticLog()).root else { return false }
    return isPlatformScenario(root)
  }

  /// Whether the file is a platform scenario, for commands that take nothing else: a file that
  /// cannot be read or parsed throws its diagnostics, so that a syntax error is reported where
  /// it is rather than as a file of the wrong kind.
  package static func isPlatformScenarioOrThrow(path: String) throws(DiagnosticError) -> Bool {
    let log = DiagnosticLog()
    guard let root = YAMLDocument(path: path, log: log).root else {
      throw DiagnosticError(diagnostics: log.sortedDiagnostics, sources: log.sources)
    }
    return isPlatformScenario(root)
  }

  static func isPlatformScenario(_ root: ConfigNode) -> Bool {
    [.platformScenario, .whatIf].contains(FileKind(of: root))
  }

  /// A platform topology read alone: every key checked, and connection limits at the
  /// instance counts the file gives.
  static func validatePlatformTopology(_ root: ConfigNode, file: String, commandLine: ConfigNode? = nil) {
    let overrides = Overrides(commandLine)
    defer { overrides.reportUnused(topologyFile: FileNames.baseName(file)) }
    guard let result = PlatformFile.read(root, file: file, overrides: overrides) else { return }
    PlatformFile.checkConnections(result)
  }
}
