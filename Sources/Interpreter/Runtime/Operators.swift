import Foundation

/// Largest list or string an operator may build (keeps `"a" * 10**12` a clean error, not a crash).
let maxBuiltSize = 10_000_000

extension Interpreter {
  /// Prefix operators.
  func unary(_ op: UnaryOperator, _ v: Value, range: SourceRange) throws -> Value {
    switch (op, v) {
    case (.not, _): return .bool(!v.isTruthy)
    case (.negate, .int(let i)):
      if i == Int.min { throw ScriptError.runtime("integer overflow", at: range) }
      return .int(-i)
    case (.negate, .float(let f)): return .float(-f)
    case (.negate, .bool(let b)): return .int(b ? -1 : 0)
    case (.plus, .int), (.plus, .float): return v
    case (_, .object):
      if let m = registry.method("__neg__", of: v), op == .negate {
        return try callBuiltin(BoundBuiltin(builtin: m, receiver: v), [], callRange: range)
      }
      fallthrough
    default:
      throw ScriptError.runtime("cannot apply '\(op.rawValue)' to \(v.typeName)", at: range)
    }
  }

  /// Binary operators (Python semantics: `/` is float division, `//` and `%` floor).
  func binary(_ op: BinaryOperator, _ l: Value, _ r: Value, range: SourceRange) throws -> Value {
    func fail(_ message: String, help: String? = nil) -> ScriptError {
      ScriptError.runtime(message, at: range, help: help)
    }
    switch op {
    case .equal: return .bool(valuesEqual(l, r))
    case .notEqual: return .bool(!valuesEqual(l, r))
    case .less, .lessEqual, .greater, .greaterEqual:
      let c = try compare(l, r, range: range)
      switch op {
      case .less: return .bool(c < 0)
      case .lessEqual: return .bool(c <= 0)
      case .greater: return .bool(c > 0)
      default: return .bool(c >= 0)
      }
    case .in, .notIn:
      let found = try contains(r, l, range: range)
      return .bool(op == .in ? found : !found)
    default: break
    }
    if case .object = l, let result = try objectOperator(op, l, r, range: range) { return result }
    if case .object = r, let result = try objectOperator(op, l, r, range: range) { return result }

    // Integers stay exact; overflow is an error rather than a wrap.
    if case .int(let a) = l.intLike, case .int(let b) = r.intLike {
      switch op {
      case .add: return try checked(a.addingReportingOverflow(b), range)
      case .subtract: return try checked(a.subtractingReportingOverflow(b), range)
      case .multiply: return try checked(a.multipliedReportingOverflow(by: b), range)
      case .divide:
        if b == 0 { throw fail("division by zero") }
        return .float(Double(a) / Double(b))
      case .floorDivide, .modulo:
        if b == 0 { throw fail("integer division or modulo by zero") }
        if a == Int.min && b == -1 { throw fail("integer overflow") }
        var q = a / b
        var m = a % b
        if m != 0 && ((m < 0) != (b < 0)) {
          q -= 1
          m += b
        }
        return .int(op == .floorDivide ? q : m)
      case .power:
        if b < 0 { return .float(pow(Double(a), Double(b))) }
        var result = 1
        var base = a
        var e = b
        while e > 0 {
          if e & 1 == 1 {
            let (p, o) = result.multipliedReportingOverflow(by: base)
            if o { throw fail("integer overflow in '**'", help: "use a float, e.g. 2.0 ** 100") }
            result = p
          }
          e >>= 1
          if e > 0 {
            let (sq, o) = base.multipliedReportingOverflow(by: base)
            if o { throw fail("integer overflow in '**'", help: "use a float, e.g. 2.0 ** 100") }
            base = sq
          }
        }
        return .int(result)
      default: break
      }
    }
    if let a = l.number, let b = r.number {
      switch op {
      case .add: return .float(a + b)
      case .subtract: return .float(a - b)
      case .multiply: return .float(a * b)
      case .divide:
        if b == 0 { throw fail("division by zero") }
        return .float(a / b)
      case .floorDivide:
        if b == 0 { throw fail("division by zero") }
        return .float((a / b).rounded(.down))
      case .modulo:
        if b == 0 { throw fail("modulo by zero") }
        let m = a.truncatingRemainder(dividingBy: b)
        return .float(m != 0 && (m < 0) != (b < 0) ? m + b : m)
      case .power: return .float(pow(a, b))
      default: break
      }
    }
    switch (op, l, r) {
    case (.add, .string(let a), .string(let b)):
      if a.utf8.count + b.utf8.count > maxBuiltSize { throw fail("string too large") }
      return .string(a + b)
    case (.add, .list(let a), .list(let b)):
      if a.items.count + b.items.count > maxBuiltSize { throw fail("list too large") }
      return .list(a.items + b.items)
    case (.multiply, .string(let s), .int(let n)), (.multiply, .int(let n), .string(let s)):
      if n > 0 && !s.isEmpty && n > maxBuiltSize / s.utf8.count { throw fail("string too large") }
      return .string(String(repeating: s, count: max(0, n)))
    case (.multiply, .list(let a), .int(let n)), (.multiply, .int(let n), .list(let a)):
      if n > 0 && !a.items.isEmpty && n > maxBuiltSize / a.items.count {
        throw fail("list too large")
      }
      var out: [Value] = []
      for _ in 0..<max(0, n) { out += a.items }
      return .list(out)
    case (.add, .string, _), (.add, _, .string):
      throw fail(
        "cannot add \(l.typeName) and \(r.typeName)",
        help: "use interpolation: \"text {value}\" or str(value)")
    default:
      throw fail("unsupported operand types for '\(op.rawValue)': \(l.typeName) and \(r.typeName)")
    }
  }

  private func checked(_ r: (partialValue: Int, overflow: Bool), _ range: SourceRange) throws
    -> Value
  {
    if r.overflow { throw ScriptError.runtime("integer overflow", at: range) }
    return .int(r.partialValue)
  }

  private func objectOperator(_ op: BinaryOperator, _ l: Value, _ r: Value, range: SourceRange)
    throws
    -> Value?
  {
    let names: [BinaryOperator: String] = [
      .add: "__add__", .subtract: "__sub__", .multiply: "__mul__", .divide: "__div__",
      .power: "__pow__",
    ]
    guard let name = names[op] else { return nil }
    let here = CallArgument(label: nil, labelRange: range, value: r, range: range)
    if case .object = l, let m = registry.method(name, of: l) {
      return try callBuiltin(BoundBuiltin(builtin: m, receiver: l), [here], callRange: range)
    }
    // Reflected form: the method receives the left operand and `reflected=true`.
    if case .object = r, let m = registry.method(name, of: r),
      m.parameters.contains(where: { $0.name == "reflected" })
    {
      let left = CallArgument(label: nil, labelRange: range, value: l, range: range)
      let flag = CallArgument(
        label: "reflected", labelRange: range, value: .bool(true), range: range)
      return try callBuiltin(BoundBuiltin(builtin: m, receiver: r), [left, flag], callRange: range)
    }
    return nil
  }

  /// Three-way comparison of numbers, strings or lists.
  func compare(_ l: Value, _ r: Value, range: SourceRange, depth: Int = 0) throws -> Int {
    if depth > 64 {
      throw ScriptError.runtime("cannot compare lists nested this deeply", at: range)
    }
    if case .int(let a) = l.intLike, case .int(let b) = r.intLike {
      return a < b ? -1 : a > b ? 1 : 0
    }
    if let a = l.number, let b = r.number { return a < b ? -1 : a > b ? 1 : 0 }
    switch (l, r) {
    case (.string(let a), .string(let b)): return a < b ? -1 : a > b ? 1 : 0
    case (.list(let a), .list(let b)):
      for (x, y) in zip(a.items, b.items) {
        let c = try compare(x, y, range: range, depth: depth + 1)
        if c != 0 { return c }
      }
      return a.items.count < b.items.count ? -1 : a.items.count > b.items.count ? 1 : 0
    default:
      throw ScriptError.runtime("cannot compare \(l.typeName) and \(r.typeName)", at: range)
    }
  }

  /// `needle in haystack`.
  func contains(_ haystack: Value, _ needle: Value, range: SourceRange) throws -> Bool {
    switch haystack {
    case .list(let l): return l.items.contains { valuesEqual($0, needle) }
    case .dict(let d): return (try? d.get(needle)).flatMap { $0 } != nil
    case .range(let r):
      guard case .int(let i) = needle.intLike else { return false }
      let inBounds = r.step > 0 ? (i >= r.start && i < r.end) : (i <= r.start && i > r.end)
      guard inBounds else { return false }
      // Within bounds the distance fits in UInt even when the signed difference would overflow.
      let distance = r.step > 0 ? UInt(bitPattern: i &- r.start) : UInt(bitPattern: r.start &- i)
      return distance % r.step.magnitude == 0
    case .string(let s):
      guard case .string(let n) = needle else {
        throw ScriptError.runtime(
          "'in <str>' needs a str on the left, got \(needle.typeName)", at: range)
      }
      return n.isEmpty || s.contains(n)
    default:
      throw ScriptError.runtime("'in' is not supported for \(haystack.typeName)", at: range)
    }
  }
}

/// Deep equality with Python's numeric rules (`1 == 1.0`).
public func valuesEqual(_ l: Value, _ r: Value) -> Bool { valuesEqual(l, r, depth: 0) }

private func valuesEqual(_ l: Value, _ r: Value, depth: Int) -> Bool {
  if depth > 64 { return false }
  switch (l, r) {
  case (.nil, .nil): return true
  case (.string(let a), .string(let b)): return a == b
  case (.list(let a), .list(let b)):
    if a === b { return true }
    return a.items.count == b.items.count
      && zip(a.items, b.items).allSatisfy { valuesEqual($0, $1, depth: depth + 1) }
  case (.dict(let a), .dict(let b)):
    if a === b { return true }
    guard a.count == b.count else { return false }
    for (k, v) in a.entries {
      guard let other = (try? b.get(k)).flatMap({ $0 }), valuesEqual(v, other, depth: depth + 1)
      else { return false }
    }
    return true
  case (.range(let a), .range(let b)):
    return a.start == b.start && a.end == b.end && a.step == b.step
  case (.function(let a), .function(let b)): return a === b
  case (.object(let a), .object(let b)): return a === b
  case (.builtin(let a), .builtin(let b)):
    return a.builtin.name == b.builtin.name && a.receiver == nil && b.receiver == nil
  default:
    if case .int(let a) = l.intLike, case .int(let b) = r.intLike { return a == b }
    if let a = l.number, let b = r.number { return a == b }
    return false
  }
}

extension Value {
  /// Ints and bools as `.int`; anything else unchanged.
  var intLike: Value {
    if case .bool(let b) = self { return .int(b ? 1 : 0) }
    return self
  }
}
