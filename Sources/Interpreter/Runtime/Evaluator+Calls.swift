/// One evaluated argument of a call, with where it came from.
public struct CallArgument {
  /// The keyword, or nil for positional arguments.
  public var label: String?
  /// Where the keyword (or the value) is.
  public var labelRange: SourceRange
  /// The value.
  public var value: Value
  /// Where the value expression is.
  public var range: SourceRange
}

extension Interpreter {
  /// Calls a script function or builtin with positional values (for builtins that take callbacks).
  public func call(_ callee: Value, _ values: [Value]) throws -> Value {
    let here = SourceRange(.start, .start)
    let args = values.map { CallArgument(label: nil, labelRange: here, value: $0, range: here) }
    return try call(callee, args, callRange: here, calleeRange: here)
  }

  /// Calls any callable value, checking arity and keywords.
  func call(
    _ callee: Value, _ args: [CallArgument], callRange: SourceRange, calleeRange: SourceRange
  )
    throws -> Value
  {
    switch callee {
    case .function(let f): return try callFunction(f, args, callRange: callRange)
    case .builtin(let b): return try callBuiltin(b, args, callRange: callRange)
    case .object(let o):
      if let m = registry.method("__call__", of: callee) {
        return try callBuiltin(
          BoundBuiltin(builtin: m, receiver: .object(o)), args, callRange: callRange)
      }
      fallthrough
    default:
      throw ScriptError.runtime("\(callee.typeName) is not callable", at: calleeRange)
    }
  }

  private func enterCall(_ range: SourceRange) throws {
    callDepth += 1
    if callDepth > maxCallDepth {
      callDepth -= 1
      throw ScriptError.runtime(
        "maximum call depth (\(maxCallDepth)) exceeded", at: range,
        help: "a function probably calls itself without stopping")
    }
  }

  /// Binds arguments to declared names: positional first, then keywords; reports every mistake precisely.
  private func bind(
    _ args: [CallArgument], names: [String], hasDefault: (Int) -> Bool, variadic: Bool,
    callee: String,
    callRange: SourceRange
  ) throws -> (bound: [Value?], rest: [Value]) {
    var bound = [Value?](repeating: nil, count: names.count)
    var rest: [Value] = []
    var positional = 0
    // With a variadic, only the required parameters take positions; the rest are keyword-only.
    let positionalLimit =
      variadic ? (0..<names.count).filter { !hasDefault($0) }.count : names.count
    for a in args {
      if let label = a.label {
        guard let i = names.firstIndex(of: label) else {
          var help = Suggestions.hint(for: label, in: names)
          let accepted = names.isEmpty ? "none" : names.joined(separator: ", ")
          help = (help.map { $0 + " " } ?? "") + "accepted: \(accepted)"
          throw ScriptError.runtime(
            "unknown keyword argument '\(label)' for \(callee)()", at: a.labelRange, help: help)
        }
        if bound[i] != nil {
          throw ScriptError.runtime(
            "\(callee)() got two values for argument '\(label)'", at: a.labelRange)
        }
        bound[i] = a.value
      } else if positional < positionalLimit {
        bound[positional] = a.value
        positional += 1
      } else if variadic {
        rest.append(a.value)
      } else {
        let n = names.count
        throw ScriptError.runtime(
          "\(callee)() takes \(n) argument\(n == 1 ? "" : "s") but \(args.filter { $0.label == nil }.count) were given",
          at: a.range)
      }
    }
    for i in names.indices where bound[i] == nil && !hasDefault(i) {
      throw ScriptError.runtime("missing argument '\(names[i])' for \(callee)()", at: callRange)
    }
    return (bound, rest)
  }

  /// Calls a script-defined function in a new scope.
  func callFunction(_ f: ScriptFunction, _ args: [CallArgument], callRange: SourceRange) throws
    -> Value
  {
    let params = f.decl.parameters
    let (bound, _) = try bind(
      args, names: params.map(\.name), hasDefault: { params[$0].defaultValue != nil },
      variadic: false,
      callee: f.decl.name, callRange: callRange)
    try enterCall(callRange)
    defer { callDepth -= 1 }
    let caller = currentFileOrInput
    fileStack.append(f.file)
    defer { fileStack.removeLast() }
    let env = Environment(enclosing: f.closure)
    do {
      for (i, p) in params.enumerated() {
        if let v = bound[i] {
          env.define(p.name, v)
        } else if let d = p.defaultValue {
          env.define(p.name, try evaluate(d, in: env))
        }
      }
      if case .return(let v) = try execute(f.decl.body, in: env) { return v }
      return .nil
    } catch var e as ScriptError {
      if e.file == nil { e.file = f.file }
      if callRange.start.offset != 0 || callRange.end.offset != 0 {
        // Keep the innermost few calls; a runaway recursion should not print hundreds of lines.
        if e.notes.count < 4 {
          e.notes.append("in \(f.decl.name)() called from \(caller.name):\(callRange.start)")
        } else if e.notes.count == 4 {
          e.notes.append("... (outer calls omitted)")
        }
      }
      throw e
    }
  }

  /// Calls a builtin after checking arity, keywords and parameter types.
  func callBuiltin(_ b: BoundBuiltin, _ args: [CallArgument], callRange: SourceRange) throws
    -> Value
  {
    let builtin = b.builtin
    let params = builtin.parameters
    let callee = b.receiver.map { "\($0.typeName).\(builtin.name)" } ?? builtin.name
    let (bound, rest) = try bind(
      args, names: params.map(\.name), hasDefault: { params[$0].defaultValue != nil },
      variadic: builtin.variadic != nil, callee: callee, callRange: callRange)
    var values: [String: Value] = [:]
    for (i, p) in params.enumerated() {
      let v = bound[i] ?? p.defaultValue ?? .nil
      if bound[i] != nil, !p.type.accepts(v) {
        let range = args.first { $0.label == p.name }?.range ?? args[min(i, args.count - 1)].range
        throw ScriptError.runtime(
          "argument '\(p.name)' of \(callee)() must be \(p.type), got \(v.typeName)", at: range)
      }
      values[p.name] = v
    }
    if let v = builtin.variadic {
      for (j, item) in rest.enumerated() where !v.type.accepts(item) {
        let positional = args.filter { $0.label == nil }
        throw ScriptError.runtime(
          "arguments of \(callee)() must be \(v.type), got \(item.typeName)",
          at: positional[params.count + j].range)
      }
      values[v.name] = .list(rest)
    }
    try enterCall(callRange)
    defer { callDepth -= 1 }
    let arguments = Arguments(
      callee: callee, receiver: b.receiver, values: values, rest: rest, interpreter: self)
    do {
      return try builtin.body(arguments)
    } catch let f as RuntimeFailure {
      var range = callRange
      if let name = f.argument, let a = args.first(where: { $0.label == name }) {
        range = a.range
      } else if let name = f.argument, let i = params.firstIndex(where: { $0.name == name }),
        i < args.count, args[i].label == nil
      {
        range = args[i].range
      }
      throw ScriptError.runtime(f.message, at: range, help: f.help)
    } catch let e as ScriptError {
      throw e
    } catch let e as SyntaxErrors {
      throw e
    } catch let e as Interrupted {
      throw e
    } catch {
      throw ScriptError.runtime(String(describing: error), at: callRange)
    }
  }
}
