/// Recursive-descent parser for `.vs` source (one method per grammar rule, as jlox).
///
/// Precedence, lowest first:
/// ```
/// or                      a or b
/// and                     a and b
/// not                     not a
/// comparison              == != < <= > >= in, not in
/// range                   a..b  a..<b
/// term                    + -
/// factor                  * / // %
/// unary                   - +
/// power                   ** (right-associative, binds tighter than unary on its left)
/// postfix                 call()  index[]  .property
/// ```
/// Errors are collected; `synchronize()` skips to the next statement so one run reports several.
public struct Parser {
  var tokens: [Token]
  var current = 0
  var errors: [ScriptError] = []
  var depth = 0
  /// Enclosing loops and functions, for `break`/`continue`/`return` placement checks.
  var loopDepth = 0
  var functionDepth = 0
  let file: SourceFile
  /// Nesting beyond this is reported instead of risking the stack.
  public static let maxDepth = 120

  struct ParseError: Error {}

  /// Parses a whole source file; throws `SyntaxErrors` listing every error found.
  public static func parse(_ file: SourceFile) throws -> Program {
    var parser = Parser(file: file)
    return try parser.parseProgram()
  }

  /// Parses source text named `name`.
  public static func parse(_ text: String, name: String = "<input>") throws -> Program {
    try parse(SourceFile(name: name, text: text))
  }

  init(file: SourceFile) {
    self.file = file
    let (tokens, errors) = Lexer.tokenize(file.text)
    self.tokens = tokens
    self.errors = errors
  }

  init(tokens: [Token], file: SourceFile, depth: Int) {
    self.tokens = tokens
    self.file = file
    self.depth = depth
  }

  mutating func parseProgram() throws -> Program {
    var statements: [Stmt] = []
    skipSeparators()
    while !check(.eof) {
      if check(.rightBrace) {
        error("unexpected '}'", at: peek.range, help: "there is no open '{' to close")
        advance()
        skipSeparators()
        continue
      }
      if let s = declarationWithRecovery() { statements.append(s) }
      skipSeparators()
    }
    if !errors.isEmpty {
      errors.sort { ($0.range?.start.offset ?? 0) < ($1.range?.start.offset ?? 0) }
      // An incomplete-input error only counts as such when it is the first one.
      throw SyntaxErrors(errors)
    }
    return Program(statements: statements, file: file)
  }

  // MARK: - Statements

  mutating func declarationWithRecovery() -> Stmt? {
    do {
      let s = try statement()
      try expectEndOfStatement()
      return s
    } catch {
      synchronize()
      return nil
    }
  }

  mutating func expectEndOfStatement() throws {
    if check(.newline) || check(.semicolon) || check(.eof) || check(.rightBrace) { return }
    throw error("expected newline after statement, found \(peek)", at: peek.range)
  }

  mutating func statement() throws -> Stmt {
    try nest()
    defer { depth -= 1 }
    let start = peek.range
    switch peek.kind {
    case .kwFn where peekNext.kind == .identifier:
      advance()
      return Stmt(
        .function(try functionRest(nameToken: advance(), start: start)), start.to(previous.range))
    case .kwIf:
      advance()
      return try ifRest(start: start)
    case .kwFor:
      advance()
      return try forRest(start: start)
    case .kwWhile:
      advance()
      let condition = try expression()
      loopDepth += 1
      defer { loopDepth -= 1 }
      let body = try block(after: "while condition")
      return Stmt(.while(condition: condition, body: body), start.to(previous.range))
    case .kwBreak, .kwContinue:
      let keyword = advance()
      if loopDepth == 0 { error("'\(keyword.lexeme)' outside a loop", at: keyword.range) }
      return Stmt(keyword.kind == .kwBreak ? .break : .continue, start)
    case .kwReturn:
      let keyword = advance()
      if functionDepth == 0 {
        error("'return' outside a function", at: keyword.range, help: "scripts end at their last line")
      }
      if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.eof) {
        return Stmt(.return(nil), start)
      }
      let value = try expression()
      return Stmt(.return(value), start.to(value.range))
    case .kwRun:
      advance()
      let path = try expression()
      return Stmt(.run(path), start.to(path.range))
    case .kwTime:
      advance()
      let inner = try statement()
      return Stmt(.time(inner), start.to(inner.range))
    default:
      return try expressionStatement()
    }
  }

  mutating func expressionStatement() throws -> Stmt {
    let expr = try expression()
    let ops: [TokenKind: BinaryOperator?] = [
      .equal: nil, .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply,
      .slashEqual: .divide,
    ]
    if let op = ops[peek.kind] {
      let opToken = advance()
      switch expr.kind {
      case .variable, .index, .property: break
      default:
        throw error(
          "cannot assign to this expression", at: expr.range,
          help: opToken.kind == .equal ? "use '==' to compare" : nil)
      }
      let value = try expression()
      return Stmt(.assign(target: expr, op: op, value: value), expr.range.to(value.range))
    }
    return Stmt(.expression(expr), expr.range)
  }

  mutating func ifRest(start: SourceRange) throws -> Stmt {
    let condition = try expression()
    let then = try block(after: "if condition")
    var elseBranch: [Stmt]? = nil
    // `else` may follow on the next line.
    var look = current
    while tokens[look].kind == .newline { look += 1 }
    if tokens[look].kind == .kwElse {
      current = look
      let elseToken = advance()
      if check(.kwIf) {
        let ifStart = advance().range
        elseBranch = [try ifRest(start: ifStart)]
      } else {
        _ = elseToken
        elseBranch = try block(after: "else")
      }
    }
    return Stmt(.if(condition: condition, then: then, else: elseBranch), start.to(previous.range))
  }

  mutating func forRest(start: SourceRange) throws -> Stmt {
    var names = [try consume(.identifier, "expected a loop variable name after 'for'").lexeme]
    while match(.comma) {
      names.append(try consume(.identifier, "expected a loop variable name after ','").lexeme)
    }
    try consume(.kwIn, "expected 'in' after the loop variable")
    let iterable = try expression()
    loopDepth += 1
    defer { loopDepth -= 1 }
    let body = try block(after: "for clause")
    return Stmt(.for(names: names, iterable: iterable, body: body), start.to(previous.range))
  }

  mutating func functionRest(nameToken: Token?, start: SourceRange) throws -> FunctionDecl {
    let open = try consume(.leftParen, "expected '(' after function name")
    var parameters: [ParameterDecl] = []
    var sawDefault = false
    if !check(.rightParen) {
      repeat {
        if check(.rightParen) { break }
        let name = try consume(.identifier, "expected a parameter name")
        var defaultValue: Expr? = nil
        if match(.equal) {
          defaultValue = try expression()
          sawDefault = true
        } else if sawDefault {
          error(
            "parameter '\(name.lexeme)' without a default follows one with a default",
            at: name.range)
        }
        if parameters.contains(where: { $0.name == name.lexeme }) {
          error("duplicate parameter '\(name.lexeme)'", at: name.range)
        }
        parameters.append(
          ParameterDecl(name: name.lexeme, defaultValue: defaultValue, range: name.range))
      } while match(.comma)
    }
    try close(.rightParen, opener: open, "expected ')' after parameters")
    // A function body starts outside any loop.
    let savedLoops = loopDepth
    loopDepth = 0
    functionDepth += 1
    defer {
      loopDepth = savedLoops
      functionDepth -= 1
    }
    let body = try block(after: "function parameters")
    return FunctionDecl(
      name: nameToken?.lexeme ?? "<fn>", parameters: parameters, body: body,
      range: start.to(previous.range))
  }

  /// `{ statements }`.
  mutating func block(after what: String) throws -> [Stmt] {
    if check(.newline) {
      var look = current
      while tokens[look].kind == .newline { look += 1 }
      if tokens[look].kind == .leftBrace {
        throw error("expected '{' on the same line as the \(what)", at: tokens[look].range)
      }
    }
    let open = try consume(.leftBrace, "expected '{' after \(what)")
    var statements: [Stmt] = []
    skipSeparators()
    while !check(.rightBrace) && !check(.eof) {
      if let s = declarationWithRecovery() { statements.append(s) }
      skipSeparators()
    }
    try close(.rightBrace, opener: open, "expected '}'")
    return statements
  }

  // MARK: - Helpers

  var peek: Token { tokens[current] }
  var peekNext: Token { tokens[min(current + 1, tokens.count - 1)] }
  var previous: Token { tokens[max(current - 1, 0)] }
  func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

  @discardableResult
  mutating func advance() -> Token {
    let t = tokens[current]
    if t.kind != .eof { current += 1 }
    return t
  }

  mutating func match(_ kind: TokenKind) -> Bool {
    guard check(kind) else { return false }
    advance()
    return true
  }

  @discardableResult
  mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
    if check(kind) { return advance() }
    if check(.eof) { throw error("unexpected end of input: \(message)", at: peek.range) }
    throw error("\(message), found \(peek)", at: peek.range)
  }

  /// Consumes a closing bracket; at end of input names the bracket that was never closed.
  mutating func close(_ kind: TokenKind, opener: Token, _ message: String) throws {
    if check(kind) {
      advance()
      return
    }
    if check(.eof) {
      let e = error("'\(opener.lexeme)' was never closed", at: opener.range)
      errors[errors.count - 1].isIncomplete = true
      throw e
    }
    if opener.kind != .leftBrace && peek.range.start.line > opener.range.end.line {
      throw error(
        "'\(opener.lexeme)' was never closed", at: opener.range,
        help: "\(message), found \(peek) at \(peek.range.start)")
    }
    throw error("\(message), found \(peek)", at: peek.range)
  }

  mutating func nest() throws {
    depth += 1
    if depth > Parser.maxDepth {
      depth -= 1
      throw error("expression nested too deeply", at: peek.range)
    }
  }

  @discardableResult
  mutating func error(_ message: String, at range: SourceRange, help: String? = nil)
    -> ParseError
  {
    var e = ScriptError.syntax(message, at: range, help: help)
    e.file = file
    e.isIncomplete = tokens[current].kind == .eof && message.hasPrefix("unexpected end of input")
    errors.append(e)
    return ParseError()
  }

  mutating func skipSeparators() {
    while check(.newline) || check(.semicolon) { advance() }
  }

  mutating func skipNewlines() {
    while check(.newline) { advance() }
  }

  /// Skips to the start of the next statement after an error.
  mutating func synchronize() {
    var nesting = 0
    while !check(.eof) {
      switch peek.kind {
      case .newline, .semicolon:
        if nesting <= 0 { return }
      case .leftBrace: nesting += 1
      case .rightBrace:
        if nesting == 0 { return }
        nesting -= 1
      default: break
      }
      advance()
    }
  }
}
