/// An expression node with its source range.
public struct Expr: Sendable {
  /// What the expression is.
  public indirect enum Kind: Sendable {
    case int(Int)
    case float(Double)
    case string(String)
    /// A string with `{expr:spec}` parts.
    case interpolated([InterpolationPart])
    case bool(Bool)
    case `nil`
    case variable(String)
    case list([Expr])
    case dict([(key: Expr, value: Expr)])
    /// `a..b` (inclusive) or `a..<b` (exclusive).
    case range(Expr, Expr, inclusive: Bool)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `and` / `or` (short-circuit).
    case logical(isAnd: Bool, Expr, Expr)
    case call(Expr, [Argument])
    /// `object.name`; `nameRange` points at the name.
    case property(Expr, name: String, nameRange: SourceRange)
    case index(Expr, Expr)
    /// `object[start:stop]` with either bound optional.
    case slice(Expr, start: Expr?, stop: Expr?)
    /// An anonymous function `fn(x) { ... }`.
    case function(FunctionDecl)
  }

  /// What the expression is.
  public var kind: Kind
  /// Where it is.
  public var range: SourceRange

  /// Creates a node.
  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A piece of an interpolated string.
public enum InterpolationPart: Sendable {
  case text(String)
  /// An expression and its format spec (`.3f`).
  case expr(Expr, spec: String?)
}

/// A call argument, positional (`label == nil`) or keyword.
public struct Argument: Sendable {
  /// The keyword, for `name=value`.
  public var label: String?
  /// Where the keyword is (or the value, for positional arguments).
  public var labelRange: SourceRange
  /// The value.
  public var value: Expr
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable {
  case negate = "-"
  case plus = "+"
  case not = "not"
}

/// Binary operators, spelled as in source.
public enum BinaryOperator: String, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case floorDivide = "//"
  case modulo = "%"
  case power = "**"
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case `in` = "in"
  case notIn = "not in"
}

/// A function parameter with an optional default.
public struct ParameterDecl: Sendable {
  /// The name.
  public var name: String
  /// The default value expression, evaluated at each call that omits it.
  public var defaultValue: Expr?
  /// Where the name is.
  public var range: SourceRange
}

/// A function declaration (named or anonymous).
public struct FunctionDecl: Sendable {
  /// The name; `<fn>` for anonymous functions.
  public var name: String
  /// The parameters in order.
  public var parameters: [ParameterDecl]
  /// The statements of the body.
  public var body: [Stmt]
  /// Where the declaration is.
  public var range: SourceRange
}

/// A statement node with its source range.
public struct Stmt: Sendable {
  /// What the statement is.
  public indirect enum Kind: Sendable {
    case expression(Expr)
    /// `target = value` or `target op= value`; target is a variable, index or property.
    case assign(target: Expr, op: BinaryOperator?, value: Expr)
    case `if`(condition: Expr, then: [Stmt], else: [Stmt]?)
    /// `for a in xs { }` or `for k, v in d.items() { }`.
    case `for`(names: [String], iterable: Expr, body: [Stmt])
    case `while`(condition: Expr, body: [Stmt])
    case `break`
    case `continue`
    case `return`(Expr?)
    case function(FunctionDecl)
    /// `run "other.vs"`: runs another script in the current namespace.
    case run(Expr)
    /// `time stmt`: runs the statement and prints wall and CPU time.
    case time(Stmt)
  }

  /// What the statement is.
  public var kind: Kind
  /// Where it is.
  public var range: SourceRange

  /// Creates a node.
  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A parsed program: top-level statements of one source file.
public struct Program: Sendable {
  /// The statements in order.
  public var statements: [Stmt]
  /// The source they came from.
  public var file: SourceFile
}
