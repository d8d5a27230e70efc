/// Expression rules of the parser, one method per precedence level (see the table on `Parser`).
extension Parser {
  /// Parses one expression.
  mutating func expression() throws -> Expr {
    try nest()
    defer { depth -= 1 }
    return try or()
  }

  mutating func or() throws -> Expr {
    var left = try and()
    while match(.kwOr) {
      let right = try and()
      left = Expr(.logical(isAnd: false, left, right), left.range.to(right.range))
    }
    return left
  }

  mutating func and() throws -> Expr {
    var left = try not()
    while match(.kwAnd) {
      let right = try not()
      left = Expr(.logical(isAnd: true, left, right), left.range.to(right.range))
    }
    return left
  }

  mutating func not() throws -> Expr {
    if check(.kwNot) {
      let op = advance()
      try nest()
      defer { depth -= 1 }
      let operand = try not()
      return Expr(.unary(.not, operand), op.range.to(operand.range))
    }
    return try comparison()
  }

  mutating func comparison() throws -> Expr {
    let first = try rangeExpr()
    let ops: [TokenKind: BinaryOperator] = [
      .equalEqual: .equal, .bangEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
      .greater: .greater, .greaterEqual: .greaterEqual, .kwIn: .in,
    ]
    // `a < b < c` means `a < b and b < c`, as in Python (b is evaluated twice).
    var result: Expr? = nil
    var left = first
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
        return result ?? first
      }
      let right = try rangeExpr()
      let comparison = Expr(.binary(op, left, right), left.range.to(right.range))
      result = result.map { Expr(.logical(isAnd: true, $0, comparison), first.range.to(right.range)) }
        ?? comparison
      left = right
    }
  }

  mutating func rangeExpr() throws -> Expr {
    let left = try term()
    if check(.dotDot) || check(.dotDotLess) {
      let inclusive = advance().kind == .dotDot
      let right = try term()
      return Expr(.range(left, right, inclusive: inclusive), left.range.to(right.range))
    }
    return left
  }

  mutating func term() throws -> Expr {
    var left = try factor()
    while check(.plus) || check(.minus) {
      let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
      let right = try factor()
      left = Expr(.binary(op, left, right), left.range.to(right.range))
    }
    return left
  }

  mutating func factor() throws -> Expr {
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

  mutating func unary() throws -> Expr {
    if check(.minus) || check(.plus) {
      let op = advance()
      try nest()
      defer { depth -= 1 }
      let operand = try unary()
      return Expr(.unary(op.kind == .minus ? .negate : .plus, operand), op.range.to(operand.range))
    }
    return try power()
  }

  mutating func power() throws -> Expr {
    let base = try postfix()
    if match(.starStar) {
      try nest()
      defer { depth -= 1 }
      let exponent = try unary()
      return Expr(.binary(.power, base, exponent), base.range.to(exponent.range))
    }
    return base
  }

  mutating func postfix() throws -> Expr {
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

  mutating func arguments(open: Token) throws -> [Argument] {
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

  mutating func primary() throws -> Expr {
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
  mutating func stringExpr(_ token: Token) -> Expr {
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
}
