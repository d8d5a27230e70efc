/// How a statement finished.
enum Flow {
  case normal, `break`, `continue`
  case `return`(Value)
}

extension Interpreter {
  /// Runs statements in order, stopping at break/continue/return.
  func execute(_ statements: [Stmt], in env: Environment) throws -> Flow {
    for s in statements {
      let flow = try execute(s, in: env)
      if case .normal = flow { continue }
      return flow
    }
    return .normal
  }

  /// Runs one statement.
  func execute(_ statement: Stmt, in env: Environment) throws -> Flow {
    try interrupt.check()
    if let budget = statementBudget {
      if budget <= 0 {
        throw ScriptError.runtime("statement budget exhausted", at: statement.range)
      }
      statementBudget = budget - 1
    }
    switch statement.kind {
    case .expression(let e):
      _ = try evaluate(e, in: env)
    case .assign(let target, let op, let valueExpr):
      try assign(target, op: op, valueExpr, in: env)
    case .if(let condition, let then, let elseBranch):
      if try evaluate(condition, in: env).isTruthy {
        return try execute(then, in: env)
      } else if let e = elseBranch {
        return try execute(e, in: env)
      }
    case .for(let names, let iterableExpr, let body):
      let iterable = try evaluate(iterableExpr, in: env)
      let items = try iterate(iterable, range: iterableExpr.range)
      for item in items {
        try interrupt.check()
        try bindLoopNames(names, item, in: env, range: statement.range)
        let flow = try execute(body, in: env)
        switch flow {
        case .break: return .normal
        case .return: return flow
        default: continue
        }
      }
    case .while(let condition, let body):
      while try evaluate(condition, in: env).isTruthy {
        try interrupt.check()
        let flow = try execute(body, in: env)
        switch flow {
        case .break: return .normal
        case .return: return flow
        default: continue
        }
      }
    case .break: return .break
    case .continue: return .continue
    case .return(let e):
      return .return(try e.map { try evaluate($0, in: env) } ?? .nil)
    case .function(let decl):
      env.define(
        decl.name, .function(ScriptFunction(decl: decl, closure: env, file: currentFileOrInput)))
    case .run(let pathExpr):
      let pathValue = try evaluate(pathExpr, in: env)
      guard case .string(let path) = pathValue else {
        throw ScriptError.runtime(
          "run expects a file path string, got \(pathValue.typeName)", at: pathExpr.range)
      }
      try runIncluded(path, range: statement.range)
    case .time(let inner):
      return try timed(statement.range) { try execute(inner, in: env) }
    }
    return .normal
  }

  var currentFileOrInput: SourceFile { currentFile ?? SourceFile(name: "<input>", text: "") }

  private func runIncluded(_ path: String, range: SourceRange) throws {
    callDepth += 1
    defer { callDepth -= 1 }
    if callDepth > maxCallDepth {
      throw ScriptError.runtime("'run' nested too deeply (a script running itself?)", at: range)
    }
    let caller = currentFileOrInput
    do {
      try runFile(path)
    } catch var e as ScriptError {
      e.notes.append("included from \(caller.name):\(range.start.line)")
      throw e
    } catch var s as SyntaxErrors {
      for i in s.errors.indices {
        s.errors[i].notes.append("included from \(caller.name):\(range.start.line)")
      }
      throw s
    } catch let f as RuntimeFailure {
      throw ScriptError.runtime(f.message, at: range, help: f.help)
    }
  }

  private func bindLoopNames(
    _ names: [String], _ item: Value, in env: Environment, range: SourceRange
  )
    throws
  {
    if names.count == 1 {
      env.define(names[0], item)
      return
    }
    guard case .list(let l) = item, l.items.count == names.count else {
      throw ScriptError.runtime(
        "cannot unpack \(item.typeName) \(item.repr) into \(names.count) loop variables", at: range)
    }
    for (n, v) in zip(names, l.items) { env.define(n, v) }
  }

  /// All items of an iterable as an array, refusing sizes that would exhaust memory.
  public func materialize(_ v: Value, range: SourceRange = SourceRange(.start, .start)) throws
    -> [Value]
  {
    if case .range(let r) = v, r.count > maxBuiltSize {
      throw ScriptError.runtime(
        "range of \(r.count) items is too large to make into a list", at: range)
    }
    return Array(try iterate(v, range: range))
  }

  /// The items a `for` loop visits.
  func iterate(_ v: Value, range: SourceRange) throws -> AnySequence<Value> {
    switch v {
    case .list(let l): return AnySequence(l.items)
    case .range(let r): return AnySequence(r.lazy.map { Value.int($0) })
    case .dict(let d): return AnySequence(d.orderedKeys)
    case .string(let s): return AnySequence(s.map { Value.string(String($0)) })
    case .object:
      if let m = registry.method("__iter__", of: v) {
        let items = try callBuiltin(BoundBuiltin(builtin: m, receiver: v), [], callRange: range)
        return try iterate(items, range: range)
      }
    default: break
    }
    throw ScriptError.runtime("cannot loop over \(v.typeName)", at: range)
  }

  // MARK: - Assignment

  private func assign(_ target: Expr, op: BinaryOperator?, _ valueExpr: Expr, in env: Environment)
    throws
  {
    switch target.kind {
    case .variable(let name):
      var value = try evaluate(valueExpr, in: env)
      if let op {
        guard let old = env.get(name) else { throw unknownName(name, target.range, env) }
        value = try binary(op, old, value, range: target.range.to(valueExpr.range))
      }
      env.define(name, value)
    case .index(let objectExpr, let indexExpr):
      let object = try evaluate(objectExpr, in: env)
      let index = try evaluate(indexExpr, in: env)
      var value = try evaluate(valueExpr, in: env)
      if let op {
        let old = try subscriptGet(object, index, range: target.range, indexRange: indexExpr.range)
        value = try binary(op, old, value, range: target.range.to(valueExpr.range))
      }
      try subscriptSet(object, index, value, range: target.range, indexRange: indexExpr.range)
    case .property(let objectExpr, let name, let nameRange):
      let object = try evaluate(objectExpr, in: env)
      guard let p = registry.property(name, of: object) else {
        throw ScriptError.runtime(
          "\(object.typeName) has no property '\(name)'", at: nameRange,
          help: Suggestions.hint(for: name, in: members(of: object)))
      }
      guard let set = p.set else {
        throw ScriptError.runtime(
          "property '\(name)' of \(object.typeName) is read-only", at: nameRange)
      }
      var value = try evaluate(valueExpr, in: env)
      if let op {
        let old = try wrap(nameRange) { try p.get(object) }
        value = try binary(op, old, value, range: target.range.to(valueExpr.range))
      }
      try wrap(target.range.to(valueExpr.range)) { try set(object, value) }
    default:
      throw ScriptError.runtime("cannot assign to this expression", at: target.range)
    }
  }

  /// Converts location-free failures from `body` into errors at `range`.
  func wrap<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let e as ScriptError {
      throw e
    } catch let e as SyntaxErrors {
      throw e
    } catch let e as Interrupted {
      throw e
    } catch let f as RuntimeFailure {
      throw ScriptError.runtime(f.message, at: range, help: f.help)
    } catch {
      throw ScriptError.runtime(String(describing: error), at: range)
    }
  }

  func unknownName(_ name: String, _ range: SourceRange, _ env: Environment) -> ScriptError {
    let candidates = env.allNames + Array(registry.functions.keys)
    return ScriptError.runtime(
      "unknown name '\(name)'", at: range, help: Suggestions.hint(for: name, in: candidates))
  }
}
