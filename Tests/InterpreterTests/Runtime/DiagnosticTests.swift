import Testing

@testable import Interpreter

@Suite struct DiagnosticTests {
  func runtimeError(_ text: String, name: String = "exp.vs") -> ScriptError? {
    let interpreter = Interpreter()
    interpreter.output = { _ in }
    do {
      try interpreter.run(text, name: name)
    } catch let e as ScriptError {
      return e
    } catch {
      Issue.record("unexpected \(error)")
    }
    return nil
  }

  @Test func rendersFileLineColumnSourceAndCaret() throws {
    let text = "fn trainer(model, lr=1e-4) { }\ntr = trainer(1, learning_rate=1e-4)"
    let e = try #require(runtimeError(text))
    #expect(
      Diagnostic.render(e) == """
        exp.vs:2:17: error: unknown keyword argument 'learning_rate' for trainer()
         2 | tr = trainer(1, learning_rate=1e-4)
           |                 ^~~~~~~~~~~~~
          help: accepted: model, lr
        """)
  }

  @Test func syntaxErrorsRenderTogether() throws {
    do {
      _ = try Parser.parse(SourceFile(name: "bad.vs", text: "x = (1 +)\nfor { }"))
      Issue.record("should not parse")
    } catch let e as SyntaxErrors {
      let text = Diagnostic.render(e.errors)
      #expect(text.hasPrefix("bad.vs:1:9: error: expected an expression, found ')'"))
      #expect(text.contains("bad.vs:2:5: error: expected a loop variable name after 'for'"))
    }
  }

  @Test func errorsInsideFunctionsNameTheCaller() throws {
    let e = try #require(runtimeError("fn f(x) {\n  return x.nope\n}\nf(1)"))
    #expect(e.range?.start.line == 2)
    #expect(e.notes == ["in f() called from exp.vs:4:1"])
  }

  @Test func builtinFailuresPointAtTheCall() throws {
    let e = try #require(runtimeError("x = 1\ny = tensor([1, 2, 3], shape=[2, 2])"))
    #expect(e.range?.start == SourceLocation(line: 2, column: 5, offset: 10))
    #expect(e.message.contains("[2, 2]") || e.message.contains("3"))
  }

  @Test func didYouMeanUsesEditDistance() {
    #expect(Suggestions.closest(to: "epochz", in: ["epochs", "lr"]) == "epochs")
    #expect(
      Suggestions.closest(to: "lerning_rate", in: ["learning_rate", "lr"]) == "learning_rate")
    #expect(Suggestions.closest(to: "zzz", in: ["epochs", "lr"]) == nil)
    #expect(Suggestions.distance("ab", "ba") == 1)
    #expect(Suggestions.distance("kitten", "sitting") == 3)
  }
}
