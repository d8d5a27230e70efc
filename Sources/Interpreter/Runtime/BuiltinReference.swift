import Foundation

/// Renders the registry as a markdown reference (`docs/builtins.md`): every function, then every type
/// with its properties and methods, each with its signature and one-line summary.
///
/// Output is sorted and depends only on the registry, so a test can regenerate it and compare it with
/// the committed file. `vista builtins > docs/builtins.md` writes it.
public enum BuiltinReference {
  /// The command that regenerates `docs/builtins.md` (quoted by the file header and the sync test).
  public static let regenerateCommand = "swift run vista builtins > docs/builtins.md"

  /// The whole reference document.
  public static func markdown(_ registry: BuiltinRegistry) -> String {
    var lines = [
      "# Builtins",
      "",
      "<!-- Generated from the registry by `\(regenerateCommand)`; do not edit by hand. -->",
      "",
      "Every function, type, method and property a `.vs` script can reach, with its signature and",
      "one-line summary. In the shell, `help(name)`, `help(\"Type.method\")` or `name?` shows the same",
      "with each parameter's type and meaning and an example. See [language.md](language.md) for the",
      "language itself.",
      "",
      "## Functions",
      "",
      "| function | summary |",
      "|---|---|",
    ]
    let functions = registry.functions.values.sorted { $0.name < $1.name }
    for b in functions {
      lines.append("| \(code(b.signature)) | \(cell(summaryWithBare(b))) |")
    }
    let types = registry.types.values.sorted { typeOrder($0.name) < typeOrder($1.name) }
    lines += ["", "## Types", ""]
    lines.append(
      types.map { "[\($0.name)](#\(anchor($0.name)))" }.joined(separator: " · "))
    for t in types {
      lines += ["", "### \(t.name)", ""]
      if !t.summary.isEmpty { lines += [t.summary, ""] }
      lines += ["| member | summary |", "|---|---|"]
      for p in t.properties.values.sorted(by: { $0.name < $1.name }) {
        let writable = p.set == nil ? "" : " (settable)"
        lines.append("| \(code(".\(p.name)")) | \(cell(p.summary + writable)) |")
      }
      let methods = t.methods.values.filter { !$0.name.hasPrefix("__") }
        .sorted { $0.name < $1.name }
      for m in methods {
        lines.append("| \(code("." + m.signature)) | \(cell(m.summary)) |")
      }
    }
    lines.append("")
    return lines.joined(separator: "\n")
  }

  /// Script objects first (the ones a newcomer meets), then the value types; each group alphabetical.
  private static func typeOrder(_ name: String) -> String {
    let isObject = name.first.map { $0.isUppercase } ?? false
    return (isObject ? "0" : "1") + name
  }

  private static func summaryWithBare(_ b: Builtin) -> String {
    b.callsWhenBare ? b.summary + " Runs without parentheses too." : b.summary
  }

  /// GitHub's heading anchor: lowercase, spaces to dashes, punctuation dropped.
  private static func anchor(_ heading: String) -> String {
    String(heading.lowercased().compactMap { c -> Character? in
      if c == " " { return "-" }
      return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
    })
  }

  /// Inline code that survives a table cell (pipes escaped; backticks in the text widen the fence).
  private static func code(_ s: String) -> String {
    let escaped = s.replacingOccurrences(of: "|", with: "\\|")
    return escaped.contains("`") ? "`` \(escaped) ``" : "`\(escaped)`"
  }

  /// Text that survives a table cell.
  private static func cell(_ s: String) -> String {
    s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}
