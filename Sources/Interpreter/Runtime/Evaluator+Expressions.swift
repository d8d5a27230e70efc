extension Interpreter {
  /// Evaluates an expression.
  ///
  /// The switch only dispatches: each compound case has its own small function, which keeps this
  /// frequently recursive frame small (debug builds reserve stack for every case's locals).
  func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
    evalDepth += 1
    defer { evalDepth -= 1 }
    if evalDepth > maxEvalDepth {
      throw ScriptError.runtime(
        "expressions and calls nested too deeply (\(maxEvalDepth) levels)", at: expr.range,
        help: "a function probably calls itself without stopping")
    }
    switch expr.kind {
    case .int(let i): return .int(i)
    case .float(let f): return .float(f)
    case .bool(let b): return .bool(b)
    case .nil: return .nil
    case .string: return try evalString(expr)
    case .variable: return try evalVariable(expr, env)
    case .binary: return try evalBinary(expr, env)
    case .call: return try evalCall(expr, env)
    case .property: return try evalProperty(expr, env)
    case .index: return try evalIndex(expr, env)
    default: return try evalOther(expr, env)
    }
  }

  @inline(never)
  private func evalString(_ expr: Expr) throws -> Value {
    guard case .string(let s) = expr.kind else { return .nil }
    return .string(s)
  }

  @inline(never)
  private func evalVariable(_ expr: Expr, _ env: Environment) throws -> Value {
    guard case .variable(let name) = expr.kind else { return .nil }
    if let v = env.get(name) { return v }
    if let b = registry.functions[name] {
      return .builtin(BoundBuiltin(builtin: b, receiver: nil))
    }
    throw unknownName(name, expr.range, env)
  }

  @inline(never)
  private func evalBinary(_ expr: Expr, _ env: Environment) throws -> Value {
    guard case .binary(let op, let a, let b) = expr.kind else { return .nil }
    let l = try evaluate(a, in: env)
    let r = try evaluate(b, in: env)
    return try binary(op, l, r, range: expr.range)
  }

  @inline(never)
  private func evalCall(_ expr: Expr, _ env: Environment) throws -> Value {
    guard case .call(let calleeExpr, let arguments) = expr.kind else { return .nil }
    let callee = try evaluate(calleeExpr, in: env)
    var args: [CallArgument] = []
    args.reserveCapacity(arguments.count)
    for a in arguments {
      args.append(
        CallArgument(
          label: a.label, labelRange: a.labelRange, value: try evaluate(a.value, in: env),
          range: a.value.range))
    }
    return try call(callee, args, callRange: expr.range, calleeRange: calleeExpr.range)
  }

  @inline(never)
  private func evalProperty(_ expr: Expr, _ env: Environment) throws -> Value {
    guard case .property(let objectExpr, let name, let nameRange) = expr.kind else { return .nil }
    let object = try evaluate(objectExpr, in: env)
    return try property(object, name, nameRange: nameRange)
  }

  @inline(never)
  private func evalIndex(_ expr: Expr, _ env: Environment) throws -> Value {
    guard case .index(let objectExpr, let indexExpr) = expr.kind else { return .nil }
    let object = try evaluate(objectExpr, in: env)
    let index = try evaluate(indexExpr, in: env)
    return try subscriptGet(object, index, range: expr.range, indexRange: indexExpr.range)
  }

  @inline(never)
  private func evalOther(_ expr: Expr, _ env: Environment) throws -> Value {
    switch expr.kind {
    case .interpolated(let parts): return try evalInterpolated(parts, env)
    case .list(let items):
      return .list(try items.map { try evaluate($0, in: env) })
    case .dict(let entries):
      let d = DictBox()
      for (k, v) in entries {
        let key = try evaluate(k, in: env)
        let value = try evaluate(v, in: env)
        try wrap(k.range) { try d.set(key, value) }
      }
      return .dict(d)
    case .range(let a, let b, let inclusive):
      let lo = try evaluate(a, in: env)
      let hi = try evaluate(b, in: env)
      guard case .int(let l) = lo else {
        throw ScriptError.runtime("range bounds must be ints, got \(lo.typeName)", at: a.range)
      }
      guard case .int(let h) = hi else {
        throw ScriptError.runtime("range bounds must be ints, got \(hi.typeName)", at: b.range)
      }
      if inclusive && h == Int.max {
        throw ScriptError.runtime("range end is too large", at: b.range)
      }
      var r = RangeValue(start: l, end: inclusive ? h + 1 : h)
      r.inclusiveLiteral = inclusive
      return .range(r)
    case .unary(let op, let operand):
      let v = try evaluate(operand, in: env)
      return try unary(op, v, range: expr.range)
    case .logical(let isAnd, let a, let b):
      let l = try evaluate(a, in: env)
      if isAnd { return l.isTruthy ? try evaluate(b, in: env) : l }
      return l.isTruthy ? l : try evaluate(b, in: env)
    case .slice(let objectExpr, let startExpr, let stopExpr):
      let object = try evaluate(objectExpr, in: env)
      let start = try startExpr.map { try evaluate($0, in: env) } ?? .nil
      let stop = try stopExpr.map { try evaluate($0, in: env) } ?? .nil
      return try slice(object, start, stop, range: expr.range)
    case .function(let decl):
      return .function(ScriptFunction(decl: decl, closure: env, file: currentFileOrInput))
    default:
      return try evaluate(expr, in: env)
    }
  }

  @inline(never)
  private func evalInterpolated(_ parts: [InterpolationPart], _ env: Environment) throws -> Value {
    var out = ""
    for part in parts {
      switch part {
      case .text(let t): out += t
      case .expr(let e, let spec):
        let v = try evaluate(e, in: env)
        if let spec {
          out += try wrap(e.range) { try formatValue(v, spec: spec) }
        } else {
          out += v.str
        }
      }
    }
    return .string(out)
  }

  /// `object[start:stop]` on lists and strings, with Python's clamping and negative bounds.
  func slice(_ object: Value, _ start: Value, _ stop: Value, range: SourceRange) throws -> Value {
    func bound(_ v: Value, count: Int, default d: Int) throws -> Int {
      switch v {
      case .nil: return d
      case .int(let i): return min(max(i < 0 ? count + i : i, 0), count)
      default: throw ScriptError.runtime("slice bounds must be ints, got \(v.typeName)", at: range)
      }
    }
    switch object {
    case .list(let l):
      let n = l.items.count
      let a = try bound(start, count: n, default: 0)
      let b = try bound(stop, count: n, default: n)
      return .list(a < b ? Array(l.items[a..<b]) : [])
    case .string(let s):
      let chars = Array(s)
      let a = try bound(start, count: chars.count, default: 0)
      let b = try bound(stop, count: chars.count, default: chars.count)
      return .string(a < b ? String(chars[a..<b]) : "")
    default:
      throw ScriptError.runtime("\(object.typeName) cannot be sliced", at: range)
    }
  }

  /// `object.name`: a registered property, or a method bound to the object.
  func property(_ object: Value, _ name: String, nameRange: SourceRange) throws -> Value {
    if let p = registry.property(name, of: object) {
      return try wrap(nameRange) { try p.get(object) }
    }
    if let m = registry.method(name, of: object) {
      return .builtin(BoundBuiltin(builtin: m, receiver: object))
    }
    let kind = object.typeName
    throw ScriptError.runtime(
      "\(kind) has no property or method '\(name)'", at: nameRange,
      help: Suggestions.hint(for: name, in: members(of: object)))
  }

  // MARK: - Indexing

  /// `object[index]`.
  func subscriptGet(_ object: Value, _ index: Value, range: SourceRange, indexRange: SourceRange)
    throws
    -> Value
  {
    switch object {
    case .list(let l):
      return l.items[try position(index, count: l.items.count, indexRange)]
    case .string(let s):
      let chars = Array(s)
      return .string(String(chars[try position(index, count: chars.count, indexRange)]))
    case .range(let r):
      return .int(r.element(try position(index, count: r.count, indexRange)))
    case .dict(let d):
      if let v = try wrap(indexRange, { try d.get(index) }) { return v }
      let keys = d.orderedKeys.compactMap { k -> String? in
        if case .string(let s) = k { return s }
        return nil
      }
      var hint: String? = nil
      if case .string(let s) = index { hint = Suggestions.hint(for: s, in: keys) }
      throw ScriptError.runtime("key \(index.repr) not in dict", at: indexRange, help: hint)
    case .object:
      if let m = registry.method("__getitem__", of: object) {
        return try callBuiltin(
          BoundBuiltin(builtin: m, receiver: object),
          [CallArgument(label: nil, labelRange: indexRange, value: index, range: indexRange)],
          callRange: range)
      }
    default: break
    }
    throw ScriptError.runtime("\(object.typeName) cannot be indexed", at: range)
  }

  /// `object[index] = value`.
  func subscriptSet(
    _ object: Value, _ index: Value, _ value: Value, range: SourceRange, indexRange: SourceRange
  ) throws {
    switch object {
    case .list(let l):
      l.items[try position(index, count: l.items.count, indexRange)] = value
    case .dict(let d):
      try wrap(indexRange) { try d.set(index, value) }
    default:
      throw ScriptError.runtime("\(object.typeName) does not support item assignment", at: range)
    }
  }

  /// A checked 0-based position; negative indices count from the end.
  private func position(_ index: Value, count: Int, _ range: SourceRange) throws -> Int {
    guard case .int(let i) = index else {
      throw ScriptError.runtime("index must be an int, got \(index.typeName)", at: range)
    }
    let p = i < 0 ? count + i : i
    guard p >= 0 && p < count else {
      throw ScriptError.runtime(
        "index \(i) out of range for length \(count)", at: range,
        help: count == 0
          ? "the sequence is empty" : "valid indices are 0...\(count - 1) or -\(count)...-1")
    }
    return p
  }
}
