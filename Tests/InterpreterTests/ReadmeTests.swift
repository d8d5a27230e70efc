import Foundation
import Testing

@testable import Interpreter

/// Keeps README.md and docs/*.md honest: the test command is the one CI runs, the session parses and only
/// calls builtins that exist, and every relative link or image points at a file.
@Suite struct ReadmeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  @Test func testCommandIsTheOneCIRuns() throws {
    let readme = try Self.read("README.md")
    let ci = try Self.read(".ci/run")
    let command = try #require(
      ci.split(separator: "\n").last { !$0.hasPrefix("#") && !$0.isEmpty }
        .map { $0.trimmingCharacters(in: .whitespaces) })
    #expect(command.hasSuffix("swift test"))
    let shown = readme.contains("\n\(command)\n")
    #expect(shown, "README.md should show CI's test command '\(command)' verbatim")
  }

  /// The `[N]> input` lines of the README's session.
  static func sessionInputs(_ readme: String) -> [String] {
    readme.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("["), let r = line.range(of: "]> ") else { return nil }
      return String(line[r.upperBound...])
    }
  }

  @Test func sessionParsesAndCallsRealBuiltins() throws {
    let inputs = Self.sessionInputs(try Self.read("README.md"))
    #expect(inputs.count >= 8)
    let registry = BuiltinRegistry.standard()
    let methods = Set(registry.types.values.flatMap { $0.methods.keys })
    for input in inputs {
      if input.hasSuffix("?") {
        let name = String(input.dropLast())
        #expect(registry.functions[name] != nil, "help for unknown '\(name)'")
        continue
      }
      do {
        _ = try Parser.parse(input, name: "README")
      } catch let e as SyntaxErrors {
        Issue.record("README session line does not parse: \(input)\n\(Diagnostic.render(e.errors))")
      }
      // name( → a builtin function; .name( → a method of some type.
      let pattern = /(\.?)([A-Za-z_][A-Za-z_0-9]*)\(/
      for m in input.matches(of: pattern) {
        let name = String(m.output.2)
        if m.output.1.isEmpty {
          #expect(registry.functions[name] != nil, "README calls unknown function '\(name)'")
        } else {
          let known = methods.contains(name)
          #expect(known, "README calls unknown method '.\(name)'")
        }
      }
    }
  }

  @Test(arguments: ["README.md", "docs/language.md", "docs/builtins.md", "docs/plots.md"])
  func relativeLinksResolve(_ page: String) throws {
    let text = try Self.read(page)
    let base = Self.root.appendingPathComponent(page).deletingLastPathComponent()
    for m in text.matches(of: /\]\(([^)\s#]+)(#[^)]*)?\)/) {
      let target = String(m.output.1)
      if target.contains("://") { continue }
      let url = base.appendingPathComponent(target)
      let exists = FileManager.default.fileExists(atPath: url.path)
      #expect(exists, "\(page) links to missing \(target)")
    }
  }

  @Test func readmeLinksTheReferencePages() throws {
    let readme = try Self.read("README.md")
    #expect(readme.contains("(docs/language.md)"))
    #expect(readme.contains("(docs/builtins.md)"))
  }
}
