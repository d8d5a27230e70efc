import Foundation

/// Runs `.vs` programs: one instance holds the global namespace for a whole REPL session or script run.
public final class Interpreter {
  /// Builtin functions, types and methods.
  public var registry: BuiltinRegistry
  /// The global scope.
  public let globals = Environment()
  /// Where `print` and `time` write; defaults to standard output.
  public var output: (String) -> Void = { text in
    FileHandle.standardOutput.write(Data(text.utf8))
  }
  /// Top-level assignments to these names take the given value instead (`vista run --set lr=1e-4`).
  public var overrides: [String: Value] = [:]
  /// Directory that relative `run "x.vs"` paths resolve against when no file is running.
  public var workingDirectory: String = FileManager.default.currentDirectoryPath
  /// Deepest allowed nesting of calls (and `run`s) before a clean error.
  public var maxCallDepth = 160
  /// The Ctrl-C flag this interpreter checks (the process-wide one unless a test gives its own).
  public var interrupt: InterruptFlag = .shared
  /// When set, running more statements than this is an error (tests and fuzzing use it to stop endless loops).
  public var statementBudget: Int? = nil

  /// Deepest allowed nesting of expression evaluation, counted across calls (keeps the stack safe).
  public var maxEvalDepth = 1200

  var callDepth = 0
  var evalDepth = 0
  var fileStack: [SourceFile] = []

  /// Creates an interpreter over a registry (see `BuiltinRegistry.standard()`).
  public init(registry: BuiltinRegistry) {
    self.registry = registry
  }

  /// The file currently running (for relative paths and diagnostics).
  public var currentFile: SourceFile? { fileStack.last }

  /// Writes text to the output sink.
  public func write(_ text: String) { output(text) }

  // MARK: - Running programs

  /// Parses and runs source text; throws `SyntaxErrors` or `ScriptError`.
  public func run(_ text: String, name: String = "<input>") throws {
    let program = try Parser.parse(SourceFile(name: name, text: text))
    try run(program)
  }

  /// Runs every statement of a program in the global scope.
  public func run(_ program: Program) throws {
    for statement in program.statements {
      _ = try executeTopLevel(statement, in: program.file)
    }
  }

  /// Runs one top-level statement; returns the value of an expression statement (for REPL echo).
  ///
  /// Applies `overrides` to top-level assignments and runs bare commands such as `help` and `vars`.
  public func executeTopLevel(_ statement: Stmt, in file: SourceFile) throws -> Value? {
    fileStack.append(file)
    defer { fileStack.removeLast() }
    do {
      try interrupt.check()
      switch statement.kind {
      case .assign(let target, nil, _):
        if case .variable(let name) = target.kind, let v = overrides[name] {
          globals.define(name, v)
          return nil
        }
      case .expression(let e):
        if case .variable(let name) = e.kind, globals.get(name) == nil,
          let b = registry.functions[name], b.callsWhenBare
        {
          return try callBuiltin(BoundBuiltin(builtin: b, receiver: nil), [], callRange: e.range)
        }
        return try evaluate(e, in: globals)
      case .time(let inner):
        return try timed(statement.range) { try executeTopLevel(inner, in: file) }
      default: break
      }
      let flow = try execute(statement, in: globals)
      switch flow {
      case .normal: return nil
      case .break, .continue:
        throw ScriptError.runtime("'break' or 'continue' outside a loop", at: statement.range)
      case .return:
        throw ScriptError.runtime("'return' outside a function", at: statement.range)
      }
    } catch var e as ScriptError {
      if e.file == nil { e.file = file }
      throw e
    } catch is Interrupted {
      var e = ScriptError.runtime("interrupted", at: statement.range)
      e.file = file
      e.help = "Ctrl-C stopped the statement; variables keep the values they had"
      throw e
    }
  }

  /// Reads, parses and runs a script file in the global scope (`run "x.vs"`, `vista run`).
  public func runFile(_ path: String, from range: SourceRange? = nil) throws {
    let resolved = resolvePath(path)
    guard let text = try? String(contentsOfFile: resolved, encoding: .utf8) else {
      throw RuntimeFailure("cannot read script '\(path)'", help: "looked in \(resolved)")
    }
    let program = try Parser.parse(SourceFile(name: path, text: text))
    try run(program)
  }

  /// Resolves a path against the running file's directory (or the working directory).
  public func resolvePath(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
    var base = workingDirectory
    if let f = currentFile, f.name.hasSuffix(".vs"), f.name.contains("/") {
      let dir = (f.name as NSString).deletingLastPathComponent
      base = dir.hasPrefix("/") ? dir : (workingDirectory as NSString).appendingPathComponent(dir)
    }
    return (base as NSString).appendingPathComponent(path)
  }

  /// Times a closure and prints `time: wall 0.123 s · cpu 0.245 s`.
  func timed<T>(_ range: SourceRange, _ body: () throws -> T) rethrows -> T {
    let wall0 = Date()
    let cpu0 = cpuSeconds()
    let result = try body()
    let wall = Date().timeIntervalSince(wall0)
    let cpu = cpuSeconds() - cpu0
    write("time: wall \(formatSeconds(wall)) · cpu \(formatSeconds(cpu))\n")
    return result
  }

  // MARK: - Introspection (REPL, completion, vars)

  /// Names of user variables in the global scope, in definition order.
  public var globalNames: [String] { globals.names }

  /// Property and method names of a value's type.
  public func members(of value: Value) -> [String] { registry.memberNames(of: value) }

  /// Parameter names a callable accepts as keywords.
  public func parameterNames(of callee: Value) -> [String] {
    switch callee {
    case .function(let f): return f.decl.parameters.map(\.name)
    case .builtin(let b): return b.builtin.parameters.map(\.name)
    default: return []
    }
  }
}

/// CPU seconds used by this process so far.
func cpuSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// `0.123 s`, `12.3 ms`, `1 min 3.2 s`.
public func formatSeconds(_ s: Double) -> String {
  if s < 0.001 { return String(format: "%.0f µs", s * 1e6) }
  if s < 1 { return String(format: "%.1f ms", s * 1e3) }
  if s < 60 { return String(format: "%.2f s", s) }
  return String(format: "%d min %.1f s", Int(s) / 60, s.truncatingRemainder(dividingBy: 60))
}
