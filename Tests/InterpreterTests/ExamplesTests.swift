import Foundation
import Testing

@testable import Interpreter

/// Every `examples/*.vs` without a `# needs:` or `# slow:` line runs without error.
@Suite struct ExamplesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples")

  static var examples: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
      $0.hasSuffix(".vs")
    }
    .sorted()
  }

  @Test(arguments: examples)
  func exampleRunsOrParses(_ name: String) throws {
    let url = Self.root.appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    let program = try Parser.parse(SourceFile(name: name, text: text))
    if text.contains("# needs:") { return }  // parses now; runs once its bindings exist
    if text.contains("# slow:") { return }  // runs in its own test with small sizes
    let interpreter = Interpreter()
    interpreter.workingDirectory = Self.root.path
    var out = ""
    interpreter.output = { out += $0 }
    try interpreter.run(program)
    #expect(!out.isEmpty)
  }
}
