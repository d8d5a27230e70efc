import Interpreter
import Testing

@testable import Shell

@Suite struct REPLTests {
  final class Capture {
    var out = ""
    var err = ""
  }

  func session(_ lines: [String], interactive: Bool = true, setup: (Interpreter) -> Void = { _ in })
    -> (REPL, MemoryLineInput, Capture)
  {
    let capture = Capture()
    let interpreter = Interpreter()
    setup(interpreter)
    let repl = REPL(
      interpreter: interpreter, interactive: interactive, out: { capture.out += $0 },
      err: { capture.err += $0 })
    let input = MemoryLineInput(lines: lines)
    _ = repl.run(input)
    return (repl, input, capture)
  }

  @Test func numberedPromptsAndContinuation() {
    let (_, input, capture) = session(["x = 1", "for i in 0..<2 {", "  print(i)", "}", "x + 1"])
    #expect(input.prompts == ["[1]> ", "[2]> ", "...> ", "...> ", "[3]> ", "[4]> "])
    #expect(capture.out == "0\n1\n2\n\n")
  }

  @Test func openBracketsAndStringsContinue() {
    let (_, input, capture) = session(["xs = [1,", "2]", "s = \"a", "b\"", "len(s)"])
    #expect(input.prompts.prefix(5) == ["[1]> ", "...> ", "[2]> ", "...> ", "[3]> "])
    #expect(capture.out == "3\n\n")
  }

  @Test func errorsKeepStateAndAdvanceTheCounter() {
    let (repl, input, capture) = session(["a = 5", "b = a +* 2", "print(nope)", "a * 2"])
    #expect(capture.err.contains("In[2]:1:8: error: expected an expression, found '*'"))
    #expect(capture.err.contains("In[3]:1:7: error: unknown name 'nope'"))
    #expect(capture.out == "10\n\n")
    #expect(input.prompts.last == "[5]> ")
    #expect(repl.counter == 5)
  }

  @Test func underscoreHoldsTheLastValue() {
    let (_, _, capture) = session(["40 + 2", "_ + 1", "print(\"x\")", "_"])
    #expect(capture.out == "42\n43\nx\n43\n\n")
  }

  @Test func helpAndVarsWorkBare() {
    let (_, _, capture) = session(["lr = 1e-4", "vars", "help"])
    #expect(capture.out.contains("lr        float  0.0001"))
    #expect(capture.out.contains("functions:"))
    #expect(capture.out.contains("  print"))
  }

  @Test func twoBlankLinesForceAnUnfinishedInput() {
    let (_, input, capture) = session(["x = (1 +", "", "", "x = 2", "x"])
    #expect(capture.err.contains("In[1]:2:1: error: unexpected end of input"))
    #expect(capture.out.hasPrefix("2\n"))
    #expect(input.prompts.prefix(4) == ["[1]> ", "...> ", "...> ", "[2]> "])
  }

  @Test func ctrlCAtThePromptDropsTheUnfinishedInput() {
    let capture = Capture()
    let repl = REPL(
      interpreter: Interpreter(), interactive: true, out: { capture.out += $0 },
      err: { capture.err += $0 })
    let input = MemoryLineInput([.line("for i in 0..<3 {"), .interrupted, .line("7"), .eof])
    _ = repl.run(input)
    #expect(input.prompts == ["[1]> ", "...> ", "[1]> ", "[2]> "])
    #expect(capture.out == "^C\n7\n\n")
    #expect(capture.err.isEmpty)
  }

  @Test func interruptedStatementKeepsState() {
    let (_, _, capture) = session(
      ["i = 0", "while true { i += 1; if i == 3 { stop() } }", "i"],
      setup: { interp in
        interp.interrupt = InterruptFlag()
        interp.statementBudget = 10_000
        interp.registry.register(
          Builtin("stop", [], summary: "simulate Ctrl-C") { a in
            a.interpreter.interrupt.request()
            return .nil
          })
      })
    #expect(capture.err.contains("error: interrupted"))
    #expect(capture.out == "3\n\n")
  }

  @Test func pipedSessionsShowNoPrompts() {
    let (_, input, capture) = session(["1 + 1"], interactive: false)
    #expect(input.prompts.allSatisfy { $0.isEmpty })
    #expect(capture.out == "2\n")
  }

  @Test func historyGetsEveryNonEmptyLine() {
    let (_, input, _) = session(["x = 1", "", "if x {", "}"])
    #expect(input.history == ["x = 1", "if x {", "}"])
  }
}

@Suite struct REPLShortcutTests {
  @Test func questionMarkShowsHelp() {
    var out = ""
    let repl = REPL(
      interpreter: Interpreter(), interactive: false, out: { out += $0 }, err: { _ in })
    _ = repl.run(MemoryLineInput(lines: ["len?", "xs = [1]", "xs.append?", "Tensor?"]))
    #expect(out.contains("len(x)\n  Number of items."))
    #expect(out.contains("list.append(item)"))
    #expect(out.contains("Tensor — An n-d float32 array"))
  }

  @Test func lastErrorIsKeptInErr() {
    var out = ""
    let repl = REPL(
      interpreter: Interpreter(), interactive: false, out: { out += $0 }, err: { _ in })
    _ = repl.run(MemoryLineInput(lines: ["1 / 0", "err"]))
    #expect(out == "\"1:1: division by zero\"\n")
  }
}
