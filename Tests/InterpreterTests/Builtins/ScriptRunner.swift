import Foundation
import Testing

@testable import Interpreter

/// Runs script text in a fresh temporary folder and returns its output (or the script error).
struct ScriptRunner {
  let folder: URL
  let interpreter = Interpreter()
  var output = ""

  init() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("vs-bind-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    interpreter.workingDirectory = folder.path
    interpreter.interrupt = InterruptFlag()
  }

  /// Runs `text`; returns its printed output.
  @discardableResult
  mutating func run(_ text: String) throws -> String {
    var out = ""
    interpreter.output = { out += $0 }
    defer { output += out }
    let program = try Parser.parse(SourceFile(name: folder.appendingPathComponent("test.vs").path, text: text))
    try interpreter.run(program)
    return out
  }

  /// Runs `text` expecting a runtime error; returns it.
  mutating func error(_ text: String) throws -> ScriptError? {
    do {
      try run(text)
    } catch let e as ScriptError {
      return e
    }
    Issue.record("expected a runtime error from: \(text)")
    return nil
  }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  func remove() { try? FileManager.default.removeItem(at: folder) }
}
