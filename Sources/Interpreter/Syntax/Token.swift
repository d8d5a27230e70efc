/// The kinds of tokens the lexer produces.
public enum TokenKind: Hashable, Sendable {
  // Literals and names.
  case identifier, int, float, string
  // Keywords.
  case kwIf, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue, kwFn, kwReturn, kwRun, kwTime
  case kwTrue, kwFalse, kwNil, kwAnd, kwOr, kwNot
  // Brackets.
  case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
  // Punctuation and operators.
  case comma, dot, colon, semicolon, newline
  case plus, minus, star, slash, slashSlash, percent, starStar
  case equal, equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
  case plusEqual, minusEqual, starEqual, slashEqual
  case dotDot, dotDotLess
  case eof

  /// Keywords by spelling.
  static let keywords: [String: TokenKind] = [
    "if": .kwIf, "else": .kwElse, "for": .kwFor, "in": .kwIn, "while": .kwWhile,
    "break": .kwBreak, "continue": .kwContinue, "fn": .kwFn, "return": .kwReturn,
    "run": .kwRun, "time": .kwTime, "true": .kwTrue, "false": .kwFalse, "nil": .kwNil,
    "and": .kwAnd, "or": .kwOr, "not": .kwNot,
  ]

  /// All keyword spellings (for completion).
  public static var keywordSpellings: [String] { keywords.keys.sorted() }
}

/// One piece of a string literal: plain text or an interpolated `{expr:spec}`.
public enum StringSegment: Hashable, Sendable {
  /// Literal text with escapes already resolved.
  case text(String)
  /// The source of an interpolated expression, where it starts, and an optional format spec.
  case interpolation(source: String, start: SourceLocation, spec: String?)
}

/// A lexical token with its source range.
public struct Token: Hashable, Sendable, CustomStringConvertible {
  /// What kind of token this is.
  public var kind: TokenKind
  /// The exact source text.
  public var lexeme: String
  /// Where the token is.
  public var range: SourceRange
  /// For `.string` tokens: the decoded segments.
  public var segments: [StringSegment] = []

  /// Creates a token.
  public init(kind: TokenKind, lexeme: String, range: SourceRange, segments: [StringSegment] = []) {
    self.kind = kind
    self.lexeme = lexeme
    self.range = range
    self.segments = segments
  }

  public var description: String {
    switch kind {
    case .newline: return "newline"
    case .eof: return "end of input"
    default: return "'\(lexeme)'"
    }
  }
}
