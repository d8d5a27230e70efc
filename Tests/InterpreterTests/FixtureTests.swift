import Foundation
import Testing

@testable import Interpreter

/// Runs every `Fixtures/<feature>/<case>.vs` script and checks its inline expectations:
/// `# expect: text` (one output line each, in order), `# expect error: L:C: message` (syntax errors),
/// `# expect runtime error: [L:C: ]message` (prefix match) and `# expect help: text`.
@Suite struct FixtureTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static var cases: [String] {
    let fm = FileManager.default
    guard let walker = fm.enumerator(atPath: root.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".vs") }.sorted()
  }

  struct Expectations {
    var output: [String] = []
    var syntaxErrors: [String] = []
    var runtimeError: String?
    var help: String?
  }

  static func expectations(_ text: String) -> Expectations {
    var e = Expectations()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      for (marker, apply) in [
        ("# expect: ", { (s: String) in e.output.append(s) }),
        ("# expect error: ", { (s: String) in e.syntaxErrors.append(s) }),
        ("# expect runtime error: ", { (s: String) in e.runtimeError = s }),
        ("# expect help: ", { (s: String) in e.help = s }),
      ] as [(String, (String) -> Void)] {
        if let r = line.range(of: marker) { apply(String(line[r.upperBound...])) }
      }
    }
    return e
  }

  @Test(arguments: cases)
  func fixture(_ name: String) throws {
    let url = Self.root.appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    let expected = Self.expectations(text)
    let interpreter = Interpreter()
    interpreter.workingDirectory = url.deletingLastPathComponent().path
    var output = ""
    interpreter.output = { output += $0 }
    var syntax: [String] = []
    var runtime: ScriptError? = nil
    do {
      let program = try Parser.parse(SourceFile(name: url.path, text: text))
      try interpreter.run(program)
    } catch let e as SyntaxErrors {
      syntax = e.errors.map(\.description)
      for err in e.errors { _ = Diagnostic.render(err) }
    } catch let e as ScriptError {
      runtime = e
      #expect(e.file != nil, "runtime error without a file: \(e)")
      _ = Diagnostic.render(e)
    }
    var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    #expect(lines == expected.output, "output of \(name)")
    if expected.syntaxErrors.isEmpty {
      #expect(syntax.isEmpty, "unexpected syntax errors in \(name): \(syntax)")
    } else {
      for s in expected.syntaxErrors {
        #expect(syntax.contains(s), "missing syntax error '\(s)' in \(name); got \(syntax)")
      }
    }
    if let want = expected.runtimeError {
      let got = runtime.map { $0.description } ?? "(no error)"
      #expect(
        got.hasPrefix(want) || (runtime?.message.hasPrefix(want) ?? false), "\(name): got \(got)")
      if let help = expected.help {
        #expect(runtime?.help == help, "\(name): help \(runtime?.help ?? "nil")")
      }
    } else {
      #expect(
        runtime == nil,
        "unexpected runtime error in \(name): \(runtime.map(Diagnostic.render) ?? "")")
    }
  }

  @Test func fixturesExist() {
    #expect(Self.cases.count >= 30)
  }
}
