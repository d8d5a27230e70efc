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
  private var tokens: [Token]
  private var current = 0
  private var errors: [ScriptError] = []
  private var depth = 0
  private let file: SourceFile
  /// Nesting beyond this is reported instead of risking the stack.
  public static let maxDepth = 120

  private struct ParseError: Error {}

  /// Parses a whole source file; throws `SyntaxErrors` listing every error found.
  public static func parse(_ file: SourceFile) throws -> Program {
    var parser = Parser(file: file)
    return try parser.parseProgram()
  }

  /// Parses source text named `name`.
  public static func parse(_ text: String, name: String = "<input>") throws -> Program {
    try parse(SourceFile(name: name, text: text))
  }

  private init(file: SourceFile) {
    self.file = file
    let (tokens, errors) = Lexer.tokenize(file.text)
    self.tokens = tokens
    self.errors = errors
  }

  private init(tokens: [Token], file: SourceFile, depth: Int) {
    self.tokens = tokens
    self.file = file
    self.depth = depth
  }

  private mutating func parseProgram() throws -> Program {
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

  private mutating func declarationWithRecovery() -> Stmt? {
    do {
      let s = try statement()
      try expectEndOfStatement()
      return s
    } catch {
      synchronize()
      return nil
    }
  }

  private mutating func expectEndOfStatement() throws {
    if check(.newline) || check(.semicolon) || check(.eof) || check(.rightBrace) { return }
    throw error("expected newline after statement, found \(peek)", at: peek.range)
  }

  private mutating func statement() throws -> Stmt {
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
      let body = try block(after: "while condition")
      return Stmt(.while(condition: condition, body: body), start.to(previous.range))
    case .kwBreak:
      advance()
      return Stmt(.break, start)
    case .kwContinue:
      advance()
      return Stmt(.continue, start)
    case .kwReturn:
      advance()
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

  private mutating func expressionStatement() throws -> Stmt {
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

  private mutating func ifRest(start: SourceRange) throws -> Stmt {
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

  private mutating func forRest(start: SourceRange) throws -> Stmt {
    var names = [try consume(.identifier, "expected a loop variable name after 'for'").lexeme]
    while match(.comma) {
      names.append(try consume(.identifier, "expected a loop variable name after ','").lexeme)
    }
    try consume(.kwIn, "expected 'in' after the loop variable")
    let iterable = try expression()
    let body = try block(after: "for clause")
    return Stmt(.for(names: names, iterable: iterable, body: body), start.to(previous.range))
  }

  private mutating func functionRest(nameToken: Token?, start: SourceRange) throws -> FunctionDecl {
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
    let body = try block(after: "function parameters")
    return FunctionDecl(
      name: nameToken?.lexeme ?? "<fn>", parameters: parameters, body: body,
      range: start.to(previous.range))
  }

  /// `{ statements }`.
  private mutating func block(after what: String) throws -> [Stmt] {
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

  // MARK: - Expressions

  /// Parses one expression.
  private mutating func expression() throws -> Expr {
    try nest()
    defer { depth -= 1 }
    return try or()
  }

  private mutating func or() throws -> Expr {
    var left = try and()
    while match(.kwOr) {
      let right = try and()
      left = Expr(.logical(isAnd: false, left, right), left.range.to(right.range))
    }
    return left
  }

  private mutating func and() throws -> Expr {
    var left = try not()
    while match(.kwAnd) {
      let right = try not()
      left = Expr(.logical(isAnd: true, left, right), left.range.to(right.range))
    }
    return left
  }

  private mutating func not() throws -> Expr {
    if check(.kwNot) {
      let op = advance()
      try nest()
      defer { depth -= 1 }
      let operand = try not()
      return Expr(.unary(.not, operand), op.range.to(operand.range))
    }
    return try comparison()
  }

  private mutating func comparison() throws -> Expr {
    var left = try rangeExpr()
    let ops: [TokenKind: BinaryOperator] = [
      .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
      .greater: .greater, .greaterEqual: .greaterEqual, .kwIn: .in,
    ]
    while true {
      var op: BinaryOperator
      if let o = ops[peek.kind] {
        op = o
        advance()
      } else if check(.kwNot) && peekNext.kind == .kwIn {
        advance()
        advance()
        op = .notIn
      } else {
        return left
      }
      let right = try rangeExpr()
      left = Expr(.binary(op, left, right), left.range.to(right.range))
    }
  }

  private mutating func rangeExpr() throws -> Expr {
    let left = try term()
    if check(.dotDot) || check(.dotDotLess) {
      let inclusive = advance().kind == .dotDot
      let right = try term()
      return Expr(.range(left, right, inclusive: inclusive), left.range.to(right.range))
    }
    return left
  }

  private mutating func term() throws -> Expr {
    var left = try factor()
    while check(.plus) || check(.minus) {
      let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
      let right = try factor()
      left = Expr(.binary(op, left, right), left.range.to(right.range))
    }
    return left
  }

  private mutating func factor() throws -> Expr {
    var left = try unary()
    let ops: [TokenKind: BinaryOperator] = [
      .star: .multiply, .slash: .divide, .slashSlash: .floorDivide, .percent: .modulo,
    ]
    while let op = ops[peek.kind] {
      advance()
      let right = try unary()
      left = Expr(.binary(op, left, right), left.range.to(right.range))
    }
    return left
  }

  private mutating func unary() throws -> Expr {
    if check(.minus) || check(.plus) {
      let op = advance()
      try nest()
      defer { depth -= 1 }
      let operand = try unary()
      return Expr(.unary(op.kind == .minus ? .negate : .plus, operand), op.range.to(operand.range))
    }
    return try power()
  }

  private mutating func power() throws -> Expr {
    let base = try postfix()
    if match(.starStar) {
      try nest()
      defer { depth -= 1 }
      let exponent = try unary()
      return Expr(.binary(.power, base, exponent), base.range.to(exponent.range))
    }
    return base
  }

  private mutating func postfix() throws -> Expr {
    var expr = try primary()
    while true {
      if check(.leftParen) {
        let open = advance()
        let args = try arguments(open: open)
        expr = Expr(.call(expr, args), expr.range.to(previous.range))
      } else if check(.leftBracket) {
        let open = advance()
        let start = check(.colon) ? nil : try expression()
        if match(.colon) {
          let stop = check(.rightBracket) ? nil : try expression()
          try close(.rightBracket, opener: open, "expected ']' after slice")
          expr = Expr(.slice(expr, start: start, stop: stop), expr.range.to(previous.range))
          continue
        }
        guard let index = start else { throw error("expected an index", at: peek.range) }
        try close(.rightBracket, opener: open, "expected ']' after index")
        expr = Expr(.index(expr, index), expr.range.to(previous.range))
      } else if match(.dot) {
        let name =
          check(.kwRun) || check(.kwTime)
          ? advance() : try consume(.identifier, "expected a property or method name after '.'")
        expr = Expr(
          .property(expr, name: name.lexeme, nameRange: name.range), expr.range.to(name.range))
      } else {
        return expr
      }
    }
  }

  private mutating func arguments(open: Token) throws -> [Argument] {
    var args: [Argument] = []
    var seen = Set<String>()
    if !check(.rightParen) {
      repeat {
        if check(.rightParen) { break }
        // `run` and `time` are statement keywords but fine as keyword-argument names (`run="runs/x"`).
        if (check(.identifier) || check(.kwRun) || check(.kwTime)) && peekNext.kind == .equal {
          let label = advance()
          advance()
          let value = try expression()
          if seen.contains(label.lexeme) {
            error("keyword argument '\(label.lexeme)' repeated", at: label.range)
          }
          seen.insert(label.lexeme)
          args.append(Argument(label: label.lexeme, labelRange: label.range, value: value))
        } else {
          let value = try expression()
          if !seen.isEmpty {
            error("positional argument follows keyword argument", at: value.range)
          }
          args.append(Argument(label: nil, labelRange: value.range, value: value))
        }
      } while match(.comma)
    }
    try close(.rightParen, opener: open, "expected ')' after arguments")
    return args
  }

  private mutating func primary() throws -> Expr {
    let token = peek
    switch token.kind {
    case .int:
      advance()
      return Expr(.int(Int(token.lexeme.filter { $0 != "_" }) ?? 0), token.range)
    case .float:
      advance()
      return Expr(.float(Double(token.lexeme.filter { $0 != "_" }) ?? 0), token.range)
    case .string:
      advance()
      return stringExpr(token)
    case .kwTrue:
      advance()
      return Expr(.bool(true), token.range)
    case .kwFalse:
      advance()
      return Expr(.bool(false), token.range)
    case .kwNil:
      advance()
      return Expr(.nil, token.range)
    case .identifier:
      advance()
      return Expr(.variable(token.lexeme), token.range)
    case .leftParen:
      advance()
      let inner = try expression()
      try close(.rightParen, opener: token, "expected ')' after expression")
      return Expr(inner.kind, token.range.to(previous.range))
    case .leftBracket:
      advance()
      var items: [Expr] = []
      skipNewlines()
      while !check(.rightBracket) && !check(.eof) {
        items.append(try expression())
        skipNewlines()
        if !match(.comma) { break }
        skipNewlines()
      }
      try close(.rightBracket, opener: token, "expected ']' after list items")
      return Expr(.list(items), token.range.to(previous.range))
    case .leftBrace:
      advance()
      var entries: [(key: Expr, value: Expr)] = []
      skipNewlines()
      while !check(.rightBrace) && !check(.eof) {
        let key = try expression()
        try consume(.colon, "expected ':' after dictionary key")
        skipNewlines()
        let value = try expression()
        entries.append((key, value))
        skipNewlines()
        if !match(.comma) { break }
        skipNewlines()
      }
      try close(.rightBrace, opener: token, "expected '}' after dictionary entries")
      return Expr(.dict(entries), token.range.to(previous.range))
    case .kwFn:
      advance()
      let decl = try functionRest(nameToken: nil, start: token.range)
      return Expr(.function(decl), decl.range)
    case .eof:
      throw error("unexpected end of input", at: token.range)
    default:
      throw error("expected an expression, found \(token)", at: token.range)
    }
  }

  /// Builds a string literal, parsing each `{expr}` with a sub-parser at its source position.
  private mutating func stringExpr(_ token: Token) -> Expr {
    let hasInterpolation = token.segments.contains {
      if case .interpolation = $0 { return true } else { return false }
    }
    if !hasInterpolation {
      let text = token.segments.map { if case .text(let t) = $0 { t } else { "" } }.joined()
      return Expr(.string(text), token.range)
    }
    var parts: [InterpolationPart] = []
    for segment in token.segments {
      switch segment {
      case .text(let t): parts.append(.text(t))
      case .interpolation(let source, let start, let spec):
        let (subTokens, lexErrors) = Lexer.tokenize(source, start: start)
        errors.append(contentsOf: lexErrors)
        var sub = Parser(tokens: subTokens, file: file, depth: depth)
        do {
          let e = try sub.expression()
          if !sub.check(.eof) {
            sub.error("unexpected \(sub.peek) in string interpolation", at: sub.peek.range)
          }
          parts.append(.expr(e, spec: spec))
        } catch {}
        errors.append(
          contentsOf: sub.errors.map { e in
            var e = e
            e.isIncomplete = false
            return e
          })
      }
    }
    return Expr(.interpolated(parts), token.range)
  }

  // MARK: - Helpers

  private var peek: Token { tokens[current] }
  private var peekNext: Token { tokens[min(current + 1, tokens.count - 1)] }
  private var previous: Token { tokens[max(current - 1, 0)] }
  private func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

  @discardableResult
  private mutating func advance() -> Token {
    let t = tokens[current]
    if t.kind != .eof { current += 1 }
    return t
  }

  private mutating func match(_ kind: TokenKind) -> Bool {
    guard check(kind) else { return false }
    advance()
    return true
  }

  @discardableResult
  private mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
    if check(kind) { return advance() }
    if check(.eof) { throw error("unexpected end of input: \(message)", at: peek.range) }
    throw error("\(message), found \(peek)", at: peek.range)
  }

  /// Consumes a closing bracket; at end of input names the bracket that was never closed.
  private mutating func close(_ kind: TokenKind, opener: Token, _ message: String) throws {
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

  private mutating func nest() throws {
    depth += 1
    if depth > Parser.maxDepth {
      depth -= 1
      throw error("expression nested too deeply", at: peek.range)
    }
  }

  @discardableResult
  private mutating func error(_ message: String, at range: SourceRange, help: String? = nil)
    -> ParseError
  {
    var e = ScriptError.syntax(message, at: range, help: help)
    e.file = file
    e.isIncomplete = tokens[current].kind == .eof && message.hasPrefix("unexpected end of input")
    errors.append(e)
    return ParseError()
  }

  private mutating func skipSeparators() {
    while check(.newline) || check(.semicolon) { advance() }
  }

  private mutating func skipNewlines() {
    while check(.newline) { advance() }
  }

  /// Skips to the start of the next statement after an error.
  private mutating func synchronize() {
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
