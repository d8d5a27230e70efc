/// An error in a script, as data: what, where, and an optional hint. Rendered once by `Diagnostic`.
public struct ScriptError: Error, CustomStringConvertible, Sendable {
  /// Which phase produced the error; decides the exit code (65 syntax, 70 runtime).
  public enum Kind: Sendable { case syntax, runtime }

  /// Which phase produced the error.
  public var kind: Kind
  /// The message, lowercase and without a trailing period (`unknown name 'epochz'`).
  public var message: String
  /// Where the error is, when known.
  public var range: SourceRange?
  /// The file `range` refers to; filled in by the evaluator as the error leaves a file.
  public var file: SourceFile?
  /// A hint line printed after the source (`did you mean 'epochs'?`).
  public var help: String?
  /// Extra lines (`included from a.vs:3`, `in function 'f' called from 7:3`).
  public var notes: [String] = []
  /// True when the input simply ended too early (an open brace, paren or string): the REPL continues.
  public var isIncomplete = false

  /// Creates an error.
  public init(
    _ kind: Kind, _ message: String, at range: SourceRange? = nil, help: String? = nil,
    isIncomplete: Bool = false
  ) {
    self.kind = kind
    self.message = message
    self.range = range
    self.help = help
    self.isIncomplete = isIncomplete
  }

  /// A syntax error.
  public static func syntax(_ message: String, at range: SourceRange?, help: String? = nil)
    -> ScriptError
  {
    ScriptError(.syntax, message, at: range, help: help)
  }

  /// A runtime error.
  public static func runtime(_ message: String, at range: SourceRange?, help: String? = nil)
    -> ScriptError
  {
    ScriptError(.runtime, message, at: range, help: help)
  }

  /// `line:col: message`, as used by `# expect error:` fixtures.
  public var description: String {
    if let r = range { return "\(r.start.line):\(r.start.column): \(message)" }
    return message
  }
}

/// All syntax errors found in one source text (the parser recovers and reports several).
public struct SyntaxErrors: Error, CustomStringConvertible, Sendable {
  /// The errors in source order.
  public var errors: [ScriptError]

  /// Creates the list.
  public init(_ errors: [ScriptError]) { self.errors = errors }

  /// True when the first error is "unexpected end of input": the REPL should ask for more lines.
  public var isIncomplete: Bool { errors.first?.isIncomplete ?? false }

  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
