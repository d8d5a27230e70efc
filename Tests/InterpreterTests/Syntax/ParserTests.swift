import Foundation
import Testing

@testable import Interpreter

@Suite struct ParserTests {
  func parse(_ s: String) throws -> [Stmt] { try Parser.parse(s).statements }

  func errors(_ s: String) -> [ScriptError] {
    do {
      _ = try Parser.parse(s)
      return []
    } catch let e as SyntaxErrors {
      return e.errors
    } catch {
      return []
    }
  }

  @Test func issueSixScriptParses() throws {
    let text = ExampleScriptTests.issue6Script
    let program = try Parser.parse(SourceFile(name: "issue6.vs", text: text))
    #expect(program.statements.count == 9)
    guard case .for(let names, _, let body) = program.statements[4].kind else {
      Issue.record("statement 5 should be a for loop")
      return
    }
    #expect(names == ["epoch"])
    #expect(body.count == 2)
  }

  @Test func precedenceFollowsTheTable() throws {
    let s = try parse("x = 1 + 2 * 3 ** 2")
    guard case .assign(_, nil, let value) = s[0].kind,
      case .binary(.add, _, let right) = value.kind,
      case .binary(.multiply, _, let power) = right.kind, case .binary(.power, _, _) = power.kind
    else {
      Issue.record("unexpected tree \(s)")
      return
    }
  }

  @Test func rangeBindsLooserThanArithmetic() throws {
    let s = try parse("0..<n-1")
    guard case .expression(let e) = s[0].kind, case .range(_, let hi, inclusive: false) = e.kind,
      case .binary(.subtract, _, _) = hi.kind
    else {
      Issue.record("unexpected tree")
      return
    }
  }

  @Test func everyNodeHasARange() throws {
    let s = try parse("model.segment(case, classes=[3])")
    guard case .expression(let e) = s[0].kind, case .call(let callee, let args) = e.kind else {
      Issue.record("not a call")
      return
    }
    #expect(e.range.start.column == 1)
    #expect(e.range.end.column == 33)
    guard case .property(_, "segment", let nameRange) = callee.kind else {
      Issue.record("not a property")
      return
    }
    #expect(nameRange.start.column == 7)
    #expect(args[1].label == "classes")
    #expect(args[1].labelRange.start.column == 21)
  }

  @Test func severalErrorsAreReportedInOneRun() {
    let e = errors("x = (1 +)\ny = 2\nz = )\nw = 1")
    #expect(e.count == 2)
    #expect(e.map(\.range?.start.line) == [1, 3])
  }

  @Test func unfinishedInputIsIncomplete() {
    for text in [
      "for i in 0..<3 {", "print(1,", "x = [1, 2", "fn f(a) {\n  return a", "s = \"abc", "x =",
    ] {
      let e = errors(text)
      #expect(!e.isEmpty && SyntaxErrors(e).isIncomplete, "\(text) should be incomplete: \(e)")
    }
    for text in ["x = )", "print(1))", "1 = 2"] {
      #expect(!SyntaxErrors(errors(text)).isIncomplete, "\(text) is wrong, not incomplete")
    }
  }

  @Test func elseMayStartTheNextLine() throws {
    let s = try parse("if a {\n  1\n}\nelse {\n  2\n}")
    guard case .if(_, _, let elseBranch) = s[0].kind else { return }
    #expect(elseBranch?.count == 1)
  }

  @Test func keywordArgumentsAndDefaults() throws {
    let s = try parse("fn f(a, lr=1e-4) { return a }\nf(1, lr=2)")
    guard case .function(let decl) = s[0].kind else { return }
    #expect(decl.parameters.map(\.name) == ["a", "lr"])
    #expect(decl.parameters[1].defaultValue != nil)
    #expect(errors("fn g(a=1, b) { }").count == 1)
    #expect(errors("f(x=1, x=2)").first?.message == "keyword argument 'x' repeated")
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let text = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
    #expect(errors(text).contains { $0.message == "expression nested too deeply" })
    let blocks = String(repeating: "if true {", count: 500)
    #expect(!errors(blocks).isEmpty)
  }
}
