/// The scenario files of a run, as recorded in one text.
///
/// A what-if is read with its base, so both files are kept: each under a marker line
/// `# --- PATH`, the what-if first. A run of a single file keeps its text as it is.
extension RunRecord {
  package struct ScenarioFile: Hashable, Sendable {
    package var path: String
    package var text: String

    package init(path: String, text: String) {
      self.path = path
      self.text = text
    }
  }

  static let fileMarker = "# --- "

  /// One text for `files`: the text itself for a single file, else each under its marker line.
  package static func scenarioText(_ files: [ScenarioFile]) -> String {
    guard files.count != 1 else { return files[0].text }
    return files.map { fileMarker + $0.path + "\n" + $0.text }.joined(separator: "\n")
  }

  /// The files of `scenarioText`, what-if first; one file at `scenarioPath` when there are no
  /// marker lines.
  ///
  /// Each file reads back as it was given to `scenarioText(_:)`. Marker lines count only when
  /// the first names `scenarioPath` (the what-if's file), so that a single file that happens to
  /// start with "# --- " stays one file. (A line starting so inside a what-if's files would
  /// still split one: a comparison would then show two files where there is one.)
  package var scenarioFiles: [ScenarioFile] {
    guard scenarioText.hasPrefix(Self.fileMarker + scenarioPath + "\n") else {
      return [ScenarioFile(path: scenarioPath, text: scenarioText)]
    }
    var files: [ScenarioFile] = []
    for line in scenarioText.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix(Self.fileMarker) {
        files.append(ScenarioFile(path: String(line.dropFirst(Self.fileMarker.count)), text: ""))
      } else {
        files[files.count - 1].text += line + "\n"
      }
    }
    // Each line got its newline back; one too many: the separator before the next marker, or
    // the last line's, which had none.
    for i in files.indices where files[i].text.hasSuffix("\n") { files[i].text.removeLast() }
    return files
  }
}
