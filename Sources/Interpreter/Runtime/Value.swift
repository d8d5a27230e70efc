/// A runtime value of the `.vs` language.
///
/// Lists and dicts are shared references (as in Python: `b = a; b.append(1)` changes `a`).
public enum Value {
  case `nil`
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list(ListBox)
  case dict(DictBox)
  /// `a..b` / `a..<b` over integers.
  case range(RangeValue)
  /// A function defined in a script.
  case function(ScriptFunction)
  /// A builtin function from the registry, optionally bound to a receiver (a method).
  case builtin(BoundBuiltin)
  /// An object from a binding (a model, a dataset, a tensor).
  case object(any ScriptObject)

  /// Makes a list value from items.
  public static func list(_ items: [Value]) -> Value { .list(ListBox(items)) }

  /// Makes a dict value from ordered pairs (later keys win).
  public static func dict(_ pairs: [(Value, Value)]) throws -> Value {
    let d = DictBox()
    for (k, v) in pairs { try d.set(k, v) }
    return .dict(d)
  }

  /// A list of ints (`[96, 96, 96]`).
  public static func ints(_ values: [Int]) -> Value { .list(values.map { .int($0) }) }

  /// A list of floats (a loss history).
  public static func floats(_ values: [Double]) -> Value { .list(values.map { .float($0) }) }

  /// A list of strings (class names).
  public static func strings(_ values: [String]) -> Value { .list(values.map { .string($0) }) }

  /// The type name shown in messages and by `type(x)`.
  public var typeName: String {
    switch self {
    case .nil: return "nil"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "str"
    case .list: return "list"
    case .dict: return "dict"
    case .range: return "range"
    case .function: return "function"
    case .builtin(let b): return b.receiver == nil ? "builtin" : "method"
    case .object(let o): return o.typeName
    }
  }

  /// Truthiness as in Python: nil, false, 0, 0.0, "" and empty containers are false.
  public var isTruthy: Bool {
    switch self {
    case .nil: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .float(let f): return f != 0
    case .string(let s): return !s.isEmpty
    case .list(let l): return !l.items.isEmpty
    case .dict(let d): return d.count > 0
    case .range(let r): return r.count > 0
    default: return true
    }
  }

  /// The value as a Double when it is a number (int, float or bool).
  public var number: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .float(let f): return f
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
  }

  /// The wrapped object cast to a concrete binding type.
  public func object<T>(as type: T.Type) -> T? {
    if case .object(let o) = self { return o as? T }
    return nil
  }
}

/// A mutable, shared list.
public final class ListBox {
  /// The items.
  public var items: [Value]
  /// Creates a list.
  public init(_ items: [Value] = []) { self.items = items }
}

/// An integer range with a step (only ranges from `..`, `..<` and `range()` exist).
public struct RangeValue: Sequence {
  /// First value.
  public var start: Int
  /// Bound (exclusive).
  public var end: Int
  /// Step (non-zero).
  public var step: Int
  /// The literal form when made from `a..b` (inclusive).
  public var inclusiveLiteral: Bool = false

  /// Creates `start..<end` stepping by `step`.
  public init(start: Int, end: Int, step: Int = 1) {
    self.start = start
    self.end = end
    self.step = step == 0 ? 1 : step
  }

  /// Number of elements.
  public var count: Int {
    // Overflow-safe: spans wider than Int saturate at Int.max.
    let (span, overflow) =
      step > 0 ? end.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(end)
    if overflow { return Int.max }
    guard span > 0 else { return 0 }
    let stride = step.magnitude
    let (q, r) = span.magnitude.quotientAndRemainder(dividingBy: stride)
    return Int(q) + (r == 0 ? 0 : 1)
  }

  /// Element `i` (0-based, no bounds check).
  public func element(_ i: Int) -> Int { start + i * step }

  public func makeIterator() -> AnyIterator<Int> {
    var i = 0
    let n = count
    return AnyIterator {
      guard i < n else { return nil }
      defer { i += 1 }
      return self.element(i)
    }
  }
}

/// A function value defined in a script: declaration plus captured environment.
public final class ScriptFunction {
  /// The declaration.
  public let decl: FunctionDecl
  /// The environment it closes over.
  let closure: Environment
  /// The file it was declared in (for diagnostics).
  public let file: SourceFile

  init(decl: FunctionDecl, closure: Environment, file: SourceFile) {
    self.decl = decl
    self.closure = closure
    self.file = file
  }

  /// `f(a, lr=0.0001)`.
  public var signature: String {
    let params = decl.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
    return "\(decl.name)(\(params.joined(separator: ", ")))"
  }
}

/// A builtin plus an optional receiver (`xs.append` is `append` bound to `xs`).
public final class BoundBuiltin {
  /// The registered builtin.
  public let builtin: Builtin
  /// The object a method is bound to.
  public let receiver: Value?

  /// Binds a builtin (to a receiver, for methods).
  public init(builtin: Builtin, receiver: Value?) {
    self.builtin = builtin
    self.receiver = receiver
  }
}
