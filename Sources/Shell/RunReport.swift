import Foundation
import Interpreter

/// A notebook-style markdown record of a script run: each statement, its output, timing and new PNGs.
struct RunReport {
  /// One executed statement.
  struct Cell {
    var source: String
    var output: String
    var seconds: Double
    var pngs: [String]
    var error: String?
  }

  var script: String
  var commandLine: String
  var started = Date()
  var cells: [Cell] = []

  init(script: String, commandLine: String) {
    self.script = script
    self.commandLine = commandLine
  }

  mutating func add(source: String, output: String, seconds: Double, pngs: [String], error: String?)
  {
    cells.append(Cell(source: source, output: output, seconds: seconds, pngs: pngs, error: error))
  }

  /// The markdown text.
  func markdown() -> String {
    let total = cells.reduce(0) { $0 + $1.seconds }
    let stamp = ISO8601DateFormatter().string(from: started)
    var md = "# Run of `\(script)`\n\n"
    md +=
      "`\(commandLine)` · started \(stamp) · \(cells.count) statements · total \(formatSeconds(total))"
    if cells.last?.error != nil { md += " · **failed**" }
    md += "\n\n"
    for (i, c) in cells.enumerated() {
      md += "### [\(i + 1)] · \(formatSeconds(c.seconds))\n\n```\n\(c.source)\n```\n\n"
      if !c.output.isEmpty {
        md +=
          "```text\n\(c.output.hasSuffix("\n") ? String(c.output.dropLast()) : c.output)\n```\n\n"
      }
      if let e = c.error { md += "```text\n\(e)\n```\n\n" }
      for p in c.pngs { md += "![\(p)](\(p))\n\n" }
    }
    return md
  }

  /// The source text of a statement (all lines it spans).
  static func sourceText(of statement: Stmt, in file: SourceFile) -> String {
    let first = statement.range.start.line
    let last = max(first, statement.range.end.line)
    return (first...last).compactMap { file.line($0) }.joined(separator: "\n")
  }

  /// A link to `relative` (relative to `base`) usable from the report's directory.
  static func link(to relative: String, from base: String, reportPath: String) -> String {
    let absolute = (base as NSString).appendingPathComponent(relative)
    let reportURL = URL(fileURLWithPath: reportPath, relativeTo: URL(fileURLWithPath: base + "/"))
    let reportDir = reportURL.deletingLastPathComponent().standardizedFileURL.path
    let from = reportDir.split(separator: "/")
    let to = URL(fileURLWithPath: absolute).standardizedFileURL.path.split(separator: "/")
    var common = 0
    while common < min(from.count, to.count) - 0, common < from.count, common < to.count,
      from[common] == to[common]
    {
      common += 1
    }
    let ups = Array(repeating: "..", count: from.count - common)
    return (ups + to[common...].map(String.init)).joined(separator: "/")
  }

  /// PNG files under `directory` (two levels deep) with their modification times.
  static func pngSnapshot(_ directory: String) -> [String: Date] {
    var result: [String: Date] = [:]
    let fm = FileManager.default
    func scan(_ dir: String, _ prefix: String, depth: Int) {
      guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
      for n in names where !n.hasPrefix(".") {
        let path = (dir as NSString).appendingPathComponent(n)
        let rel = prefix.isEmpty ? n : prefix + "/" + n
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
        if isDir.boolValue {
          if depth > 0 { scan(path, rel, depth: depth - 1) }
        } else if n.lowercased().hasSuffix(".png"),
          let attrs = try? fm.attributesOfItem(atPath: path),
          let m = attrs[.modificationDate] as? Date
        {
          result[rel] = m
        }
      }
    }
    scan(directory, "", depth: 2)
    return result
  }
}
