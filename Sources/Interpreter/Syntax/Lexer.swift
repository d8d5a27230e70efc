/// Turns source text into tokens; collects errors instead of stopping at the first one.
///
/// Newlines end statements, except inside `(...)` and `[...]`. Strings use `"` or `'`, support the escapes
/// `\n \t \r \\ \" \' \{ \} \0`, `{expr}` / `{expr:spec}` interpolation and `{{`/`}}` for literal braces.
public struct Lexer {
  private let scalars: [Unicode.Scalar]
  private var index = 0
  private var line = 1
  private var column = 1
  private var tokens: [Token] = []
  /// Errors found so far.
  public private(set) var errors: [ScriptError] = []
  /// Open brackets, to decide whether a newline ends a statement.
  private var brackets: [Unicode.Scalar] = []
  private let base: SourceLocation

  /// Creates a lexer; `start` offsets every location (used for interpolated expressions).
  public init(_ text: String, start: SourceLocation = .start) {
    scalars = Array(text.unicodeScalars)
    base = start
    line = start.line
    column = start.column
  }

  /// Tokenizes the whole text; the last token is always `.eof`.
  public static func tokenize(_ text: String, start: SourceLocation = .start) -> (
    tokens: [Token], errors: [ScriptError]
  ) {
    var lexer = Lexer(text, start: start)
    let tokens = lexer.scanAll()
    return (tokens, lexer.errors)
  }

  /// Scans every token.
  public mutating func scanAll() -> [Token] {
    while true {
      skipSpaceAndComments()
      if isAtEnd {
        let here = location
        tokens.append(Token(kind: .eof, lexeme: "", range: SourceRange(here, here)))
        return tokens
      }
      scanToken()
    }
  }

  // MARK: - Cursor

  private var isAtEnd: Bool { index >= scalars.count }
  private var location: SourceLocation {
    SourceLocation(line: line, column: column, offset: base.offset + index)
  }
  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    index + ahead < scalars.count ? scalars[index + ahead] : nil
  }

  @discardableResult
  private mutating func advance() -> Unicode.Scalar {
    let c = scalars[index]
    index += 1
    if c == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    return c
  }

  private mutating func match(_ c: Unicode.Scalar) -> Bool {
    guard peek() == c else { return false }
    advance()
    return true
  }

  private mutating func skipSpaceAndComments() {
    while let c = peek() {
      if c == " " || c == "\t" || c == "\r" {
        advance()
      } else if c == "#" {
        while let d = peek(), d != "\n" {
          _ = d
          advance()
        }
      } else if c == "\\", peek(1) == "\n" {
        advance()
        advance()  // explicit line continuation
      } else {
        return
      }
    }
  }

  private mutating func add(_ kind: TokenKind, from start: SourceLocation, startIndex: Int) {
    let text = String(String.UnicodeScalarView(scalars[startIndex..<index]))
    tokens.append(Token(kind: kind, lexeme: text, range: SourceRange(start, location)))
  }

  // MARK: - Tokens

  private mutating func scanToken() {
    let start = location
    let startIndex = index
    let c = advance()
    func emit(_ kind: TokenKind) { add(kind, from: start, startIndex: startIndex) }
    switch c {
    case "\n":
      if let top = brackets.last, top == "(" || top == "[" { return }
      emit(.newline)
    case "(", "[", "{":
      brackets.append(c)
      emit(c == "(" ? .leftParen : c == "[" ? .leftBracket : .leftBrace)
    case ")", "]", "}":
      if !brackets.isEmpty { brackets.removeLast() }
      emit(c == ")" ? .rightParen : c == "]" ? .rightBracket : .rightBrace)
    case ",": emit(.comma)
    case ":": emit(.colon)
    case ";": emit(.semicolon)
    case ".":
      if match(".") { emit(match("<") ? .dotDotLess : .dotDot) } else { emit(.dot) }
    case "+": emit(match("=") ? .plusEqual : .plus)
    case "-": emit(match("=") ? .minusEqual : .minus)
    case "*": emit(match("*") ? .starStar : match("=") ? .starEqual : .star)
    case "/": emit(match("/") ? .slashSlash : match("=") ? .slashEqual : .slash)
    case "%": emit(.percent)
    case "=": emit(match("=") ? .equalEqual : .equal)
    case "<": emit(match("=") ? .lessEqual : .less)
    case ">": emit(match("=") ? .greaterEqual : .greater)
    case "!":
      if match("=") {
        emit(.bangEqual)
      } else {
        error(
          "unexpected character '!'", SourceRange(start, location), help: "use 'not' for negation")
      }
    case "\"", "'":
      scanString(quote: c, start: start, startIndex: startIndex)
    default:
      if isDigit(c) {
        scanNumber(start: start, startIndex: startIndex)
      } else if isIdentifierStart(c) {
        while let d = peek(), isIdentifierPart(d) {
          _ = d
          advance()
        }
        let text = String(String.UnicodeScalarView(scalars[startIndex..<index]))
        emit(TokenKind.keywords[text] ?? .identifier)
      } else {
        error("unexpected character '\(Character(c))'", SourceRange(start, location))
      }
    }
  }

  private mutating func scanNumber(start: SourceLocation, startIndex: Int) {
    var isFloat = false
    while let d = peek(), isDigit(d) || d == "_" {
      _ = d
      advance()
    }
    if peek() == ".", let d = peek(1), isDigit(d) {
      isFloat = true
      advance()
      while let d = peek(), isDigit(d) || d == "_" {
        _ = d
        advance()
      }
    }
    if let e = peek(), e == "e" || e == "E" {
      let save = (index, line, column)
      advance()
      if let s = peek(), s == "+" || s == "-" { advance() }
      if let d = peek(), isDigit(d) {
        isFloat = true
        while let d = peek(), isDigit(d) {
          _ = d
          advance()
        }
      } else {
        (index, line, column) = save
      }
    }
    let text = String(String.UnicodeScalarView(scalars[startIndex..<index]))
    let range = SourceRange(start, location)
    let digits = text.replacingUnderscores()
    if isFloat {
      if Double(digits) == nil { error("invalid number '\(text)'", range) }
      tokens.append(Token(kind: .float, lexeme: text, range: range))
    } else {
      if Int(digits) == nil {
        error(
          "integer literal '\(text)' is too large", range,
          help: "write it as a float, e.g. \(text).0")
      }
      tokens.append(Token(kind: .int, lexeme: text, range: range))
    }
  }

  private mutating func scanString(quote: Unicode.Scalar, start: SourceLocation, startIndex: Int) {
    var segments: [StringSegment] = []
    var text = String.UnicodeScalarView()
    func flush() {
      if !text.isEmpty { segments.append(.text(String(text))) }
      text = String.UnicodeScalarView()
    }
    while true {
      guard let c = peek() else {
        var e = ScriptError.syntax("unterminated string", at: SourceRange(start, location))
        e.isIncomplete = true
        errors.append(e)
        return
      }
      if c == quote {
        advance()
        break
      }
      if c == "\\" {
        let escStart = location
        advance()
        guard let e = peek() else { continue }
        advance()
        switch e {
        case "n": text.append("\n")
        case "t": text.append("\t")
        case "r": text.append("\r")
        case "0": text.append("\0")
        case "\\", "\"", "'", "{", "}": text.append(e)
        case "\n": break
        default:
          error("unknown escape '\\\(Character(e))'", SourceRange(escStart, location))
        }
        continue
      }
      if c == "{" {
        if peek(1) == "{" {
          advance()
          advance()
          text.append("{")
          continue
        }
        flush()
        let braceStart = location
        advance()
        if let seg = scanInterpolation(quote: quote, braceStart: braceStart) {
          segments.append(seg)
        }
        continue
      }
      if c == "}" {
        advance()
        if peek() == "}" { advance() }
        text.append("}")
        continue
      }
      text.append(advance())
    }
    flush()
    let lexeme = String(String.UnicodeScalarView(scalars[startIndex..<index]))
    tokens.append(
      Token(kind: .string, lexeme: lexeme, range: SourceRange(start, location), segments: segments))
  }

  /// Scans `expr[:spec]}` after an opening `{`; nested brackets and strings are skipped over.
  private mutating func scanInterpolation(quote: Unicode.Scalar, braceStart: SourceLocation)
    -> StringSegment?
  {
    let exprStart = location
    let exprIndex = index
    var depth = 0
    var specIndex: Int? = nil
    while let c = peek() {
      if c == "\"" || c == "'" {
        advance()
        while let d = peek(), d != c {
          if d == "\\" { advance() }
          if !isAtEnd { advance() }
        }
        if !isAtEnd { advance() }
        continue
      }
      if c == "(" || c == "[" || c == "{" { depth += 1 }
      if c == ")" || c == "]" { depth -= 1 }
      if c == "}" {
        if depth == 0 {
          let endIndex = specIndex.map { $0 - 1 } ?? index
          let source = String(String.UnicodeScalarView(scalars[exprIndex..<endIndex]))
          let spec = specIndex.map { String(String.UnicodeScalarView(scalars[$0..<index])) }
          advance()
          if source.allSatisfy({ $0 == " " }) {
            // `{}` and `{:.2f}` stay literal, as placeholders for str.format().
            return .text("{" + (spec.map { ":" + $0 } ?? "") + "}")
          }
          return .interpolation(source: source, start: exprStart, spec: spec)
        }
        depth -= 1
      }
      if c == ":" && depth == 0 && specIndex == nil { specIndex = index + 1 }
      advance()
    }
    var e = ScriptError.syntax(
      "'{' in string was never closed", at: SourceRange(braceStart, location))
    e.help = "write '{{' for a literal brace"
    e.isIncomplete = isAtEnd
    errors.append(e)
    return nil
  }

  private mutating func error(_ message: String, _ range: SourceRange, help: String? = nil) {
    errors.append(.syntax(message, at: range, help: help))
  }
}

private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    || (c.value > 127 && c.properties.isAlphabetic)
}
private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }

extension String {
  fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
