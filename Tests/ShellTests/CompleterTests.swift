import Foundation
import Interpreter
import Testing

@testable import Shell

@Suite struct CompleterTests {
  func completer(_ setup: String = "") throws -> Completer {
    let interpreter = Interpreter()
    interpreter.output = { _ in }
    try interpreter.run(setup)
    return Completer(interpreter: interpreter)
  }

  @Test func variablesAndBuiltins() throws {
    let c = try completer("learning_rate = 1\nlabels = [1]")
    let r = c.complete("x = lea")
    #expect(r.candidates == ["learning_rate"])
    #expect(r.replaceLength == 3)
    #expect(c.complete("pri").candidates == ["print"])
    #expect(c.complete("la").candidates.contains("labels"))
  }

  @Test func membersAfterADot() throws {
    let c = try completer("xs = [1]\nt = zeros([2])")
    #expect(c.complete("xs.ap").candidates == ["append"])
    #expect(c.complete("t.").candidates.contains("shape"))
    #expect(c.complete("t.").candidates.contains("mean"))
    #expect(
      c.complete("\"a\".up").candidates == ["upper"] || c.complete("\"a\".up").candidates.isEmpty)
    #expect(c.complete("nothing.x").candidates.isEmpty)
  }

  @Test func keywordNamesInsideACall() throws {
    let c = try completer("fn train(model, lr=1, epochs=2) { }")
    let r = c.complete("train(m, e")
    #expect(r.candidates.first == "epochs=")
    #expect(c.complete("print(1, se").candidates.first == "sep=")
    #expect(c.complete("rand([2], se").candidates.first == "seed=")
    let t = try completer("t = zeros([4])")
    #expect(t.complete("t.reshape(sh").candidates.first == "shape=")
  }

  @Test func filePathsInsideStrings() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vista-complete-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("runs"), withIntermediateDirectories: true)
    try Data().write(to: dir.appendingPathComponent("model_vista3d.pt"))
    defer { try? FileManager.default.removeItem(at: dir) }
    let c = try completer()
    let r = c.complete("m = load(\"\(dir.path)/mo")
    #expect(r.candidates == ["model_vista3d.pt"])
    #expect(r.replaceLength == 2)
    #expect(c.complete("run \"\(dir.path)/r").candidates == ["runs/"])
  }

  @Test func commonPrefixOfCandidates() {
    let r = Completer.Completion(replaceLength: 1, candidates: ["epoch", "epochs", "epoch_time"])
    #expect(r.commonPrefix == "epoch")
  }
}
