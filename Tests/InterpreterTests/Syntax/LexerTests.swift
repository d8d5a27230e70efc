import Testing

@testable import Interpreter

@Suite struct LexerTests {
  func kinds(_ text: String) -> [TokenKind] { Lexer.tokenize(text).tokens.map(\.kind) }

  @Test func numbersIncludeExponentsAndUnderscores() {
    let tokens = Lexer.tokenize("1 2.5 1e-4 3E+2 1_000 7.").tokens
    #expect(tokens.map(\.kind) == [.int, .float, .float, .float, .int, .int, .dot, .eof])
    #expect(tokens[2].lexeme == "1e-4")
  }

  @Test func rangeOperatorsAreNotFloats() {
    #expect(kinds("1..5") == [.int, .dotDot, .int, .eof])
    #expect(kinds("0..<n") == [.int, .dotDotLess, .identifier, .eof])
  }

  @Test func newlinesInsideParensAndBracketsAreSkipped() {
    #expect(
      kinds("f(1,\n2)\n[3,\n4]") == [
        .identifier, .leftParen, .int, .comma, .int, .rightParen, .newline,
        .leftBracket, .int, .comma, .int, .rightBracket, .eof,
      ])
    // Inside braces newlines still separate statements.
    #expect(kinds("{\nx\n}").filter { $0 == .newline }.count == 2)
  }

  @Test func commentsRunToEndOfLine() {
    #expect(
      kinds("x = 1 # a comment (\ny") == [.identifier, .equal, .int, .newline, .identifier, .eof])
  }

  @Test func keywordsAndOperators() {
    #expect(
      kinds("fn if else for in while not and or nil true false") == [
        .kwFn, .kwIf, .kwElse, .kwFor, .kwIn, .kwWhile, .kwNot, .kwAnd, .kwOr, .kwNil, .kwTrue,
        .kwFalse,
        .eof,
      ])
    #expect(
      kinds("** // += -= *= /= == != <= >=") == [
        .starStar, .slashSlash, .plusEqual, .minusEqual, .starEqual, .slashEqual, .equalEqual,
        .bangEqual,
        .lessEqual, .greaterEqual, .eof,
      ])
  }

  @Test func stringSegmentsSplitInterpolation() throws {
    let t = Lexer.tokenize("\"epoch {e}: {loss:.3f} {{x}}\"").tokens[0]
    #expect(t.kind == .string)
    guard t.segments.count == 5 else {
      Issue.record("segments: \(t.segments)")
      return
    }
    #expect(t.segments[0] == .text("epoch "))
    if case .interpolation(let src, let start, let spec) = t.segments[1] {
      #expect(src == "e")
      #expect(start.column == 9)
      #expect(spec == nil)
    } else {
      Issue.record("expected interpolation")
    }
    if case .interpolation(let src, _, let spec) = t.segments[3] {
      #expect(src == "loss")
      #expect(spec == ".3f")
    }
    #expect(t.segments[4] == .text(" {x}"))
  }

  @Test func tokenRangesAreOneBasedLineAndColumn() {
    let tokens = Lexer.tokenize("a\n  bc").tokens
    #expect(tokens[2].range.start == SourceLocation(line: 2, column: 3, offset: 4))
    #expect(tokens[2].range.end.column == 5)
  }

  @Test func errorsAreCollectedNotFatal() {
    let (tokens, errors) = Lexer.tokenize("a ! b $ c")
    #expect(errors.count == 2)
    #expect(tokens.filter { $0.kind == .identifier }.count == 3)
  }

  @Test func unterminatedStringIsIncomplete() {
    let (_, errors) = Lexer.tokenize("x = \"abc")
    #expect(errors.first?.isIncomplete == true)
  }
}
