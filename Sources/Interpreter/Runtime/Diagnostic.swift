/// Renders a `ScriptError` the way compilers do:
/// ```
/// train.vs:12:8: error: conv3d expects a 5-D tensor [N, C, D, H, W], got [1, 96, 96, 96]
///    12 | pred = model(img)
///       |        ^~~~~~~~~~
///   help: did you mean 'lr'?
/// ```
public enum Diagnostic {
  /// The full multi-line rendering (no trailing newline).
  public static func render(_ error: ScriptError) -> String {
    var lines: [String] = []
    let name = error.file?.name ?? "<input>"
    if let range = error.range {
      lines.append("\(name):\(range.start.line):\(range.start.column): error: \(error.message)")
      if let file = error.file, let text = file.line(range.start.line) {
        let number = String(range.start.line)
        let gutter = String(repeating: " ", count: number.count)
        lines.append(" \(number) | \(expandTabs(text))")
        let startCol = range.start.column
        let lineLength = text.unicodeScalars.count
        var endCol = range.end.line == range.start.line ? range.end.column : lineLength + 1
        endCol = max(endCol, startCol + 1)
        let prefix = String(text.unicodeScalars.prefix(startCol - 1))
        let pad = String(expandTabs(prefix).map { _ in " " })
        let tilde = String(
          repeating: "~",
          count: max(0, min(endCol, max(lineLength + 1, startCol + 1)) - startCol - 1))
        lines.append(" \(gutter) | \(pad)^\(tilde)")
      }
    } else {
      lines.append("\(name): error: \(error.message)")
    }
    if let help = error.help { lines.append("  help: \(help)") }
    for note in error.notes { lines.append("  note: \(note)") }
    return lines.joined(separator: "\n")
  }

  /// Renders several errors separated by newlines.
  public static func render(_ errors: [ScriptError]) -> String {
    errors.map(render).joined(separator: "\n")
  }

  private static func expandTabs(_ s: String) -> String {
    s.split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ")
  }
}
