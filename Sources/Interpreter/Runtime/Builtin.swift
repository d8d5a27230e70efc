/// The type a builtin parameter accepts; checked centrally before the body runs.
public indirect enum ParamType: CustomStringConvertible {
  case any, int, number, string, bool, list, dict, function
  /// A bound object of this `typeName`.
  case object(String)
  /// The inner type or nil.
  case optional(ParamType)
  /// Any of several types.
  case oneOf([ParamType])

  /// Whether `v` is acceptable.
  public func accepts(_ v: Value) -> Bool {
    switch (self, v) {
    case (.any, _): return true
    case (.int, .int), (.int, .bool): return true
    case (.number, .int), (.number, .float), (.number, .bool): return true
    case (.string, .string), (.bool, .bool), (.dict, .dict): return true
    case (.list, .list), (.list, .range): return true
    case (.function, .function), (.function, .builtin): return true
    case (.object(let name), .object(let o)): return o.typeName == name
    case (.optional, .nil): return true
    case (.optional(let inner), _): return inner.accepts(v)
    case (.oneOf(let types), _): return types.contains { $0.accepts(v) }
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .any: return "any"
    case .int: return "int"
    case .number: return "number"
    case .string: return "str"
    case .bool: return "bool"
    case .list: return "list"
    case .dict: return "dict"
    case .function: return "function"
    case .object(let n): return n
    case .optional(let t): return "\(t) or nil"
    case .oneOf(let ts): return ts.map(\.description).joined(separator: " or ")
    }
  }
}

/// One declared parameter of a builtin.
public struct Param {
  /// The name (also the keyword).
  public var name: String
  /// The accepted type.
  public var type: ParamType
  /// The default; nil means the argument is required.
  public var defaultValue: Value?
  /// One line for `help`, with units where they matter.
  public var summary: String

  /// A required parameter.
  public init(_ name: String, _ type: ParamType = .any, _ summary: String = "") {
    self.name = name
    self.type = type
    self.summary = summary
  }

  /// An optional parameter with a default (use `Value.nil` for "none").
  public init(
    _ name: String, _ type: ParamType = .any, default value: Value, _ summary: String = ""
  ) {
    self.name = name
    self.type = type
    self.defaultValue = value
    self.summary = summary
  }

  /// Whether the argument must be given.
  public var isRequired: Bool { defaultValue == nil }
}

/// A function or method implemented in Swift, declared with its signature and documentation.
public struct Builtin {
  /// The name scripts call.
  public var name: String
  /// Declared parameters in positional order.
  public var parameters: [Param]
  /// When set, extra positional arguments are collected into a list under this parameter's name.
  public var variadic: Param?
  /// One line for `help`.
  public var summary: String
  /// A one-line usage example for `help(name)`.
  public var example: String?
  /// True for commands that run when written bare (`help`, `vars`).
  public var callsWhenBare = false
  /// The implementation; arguments are already checked against `parameters`.
  public var body: (Arguments) throws -> Value

  /// Creates a builtin.
  public init(
    _ name: String, _ parameters: [Param] = [], variadic: Param? = nil, summary: String,
    example: String? = nil, callsWhenBare: Bool = false, body: @escaping (Arguments) throws -> Value
  ) {
    self.name = name
    self.parameters = parameters
    self.variadic = variadic
    self.summary = summary
    self.example = example
    self.callsWhenBare = callsWhenBare
    self.body = body
  }

  /// `name(a, b=1, *rest)` with defaults rendered as values.
  public var signature: String {
    var parts = parameters.map { p in
      p.defaultValue.map { "\(p.name)=\(repr($0))" } ?? p.name
    }
    if let v = variadic { parts.insert("*\(v.name)", at: min(parts.count, requiredCount)) }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }

  private var requiredCount: Int { parameters.filter(\.isRequired).count }
}

/// The checked arguments of one builtin call, with typed accessors that throw readable errors.
public struct Arguments {
  /// The builtin's name (for messages).
  public let callee: String
  /// The object a method was called on.
  public let receiver: Value?
  /// Every declared parameter, defaults filled in.
  public let values: [String: Value]
  /// Extra positional arguments (for variadic builtins).
  public let rest: [Value]
  /// The interpreter making the call (to call back into scripts, write output, check Ctrl-C).
  public let interpreter: Interpreter

  /// The raw value of a parameter (`.nil` when absent).
  public func value(_ name: String) -> Value { values[name] ?? .nil }

  /// Whether a parameter is present and not nil.
  public func has(_ name: String) -> Bool {
    if case .nil = value(name) { return false }
    return true
  }

  /// An int parameter.
  public func int(_ name: String) throws -> Int {
    switch value(name) {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .float(let f) where f.rounded() == f && abs(f) < 9e18: return Int(f)
    case let v: throw mismatch(name, "an int", v)
    }
  }

  /// A number parameter as Double.
  public func double(_ name: String) throws -> Double {
    guard let d = value(name).number else { throw mismatch(name, "a number", value(name)) }
    return d
  }

  /// A str parameter.
  public func string(_ name: String) throws -> String {
    guard case .string(let s) = value(name) else { throw mismatch(name, "a str", value(name)) }
    return s
  }

  /// A bool parameter.
  public func bool(_ name: String) throws -> Bool {
    guard case .bool(let b) = value(name) else { throw mismatch(name, "a bool", value(name)) }
    return b
  }

  /// A list (or range) parameter as items.
  public func list(_ name: String) throws -> [Value] {
    switch value(name) {
    case .list(let l): return l.items
    case .range(let r):
      if r.count > 10_000_000 {
        throw RuntimeFailure("range of \(r.count) items is too large", argument: name)
      }
      return r.map { .int($0) }
    case let v: throw mismatch(name, "a list", v)
    }
  }

  /// A list of ints (`patch=[96, 96, 96]`).
  public func ints(_ name: String) throws -> [Int] {
    try list(name).map { v in
      guard case .int(let i) = v else { throw mismatch(name, "a list of ints", v) }
      return i
    }
  }

  /// A list of numbers.
  public func doubles(_ name: String) throws -> [Double] {
    try list(name).map { v in
      guard let d = v.number else { throw mismatch(name, "a list of numbers", v) }
      return d
    }
  }

  /// An optional int parameter: nil when absent or nil.
  public func intIfPresent(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }

  /// An optional number parameter: nil when absent or nil.
  public func doubleIfPresent(_ name: String) throws -> Double? { has(name) ? try double(name) : nil }

  /// An optional str parameter: nil when absent or nil.
  public func stringIfPresent(_ name: String) throws -> String? { has(name) ? try string(name) : nil }

  /// An optional list-of-ints parameter: nil when absent or nil.
  public func intsIfPresent(_ name: String) throws -> [Int]? { has(name) ? try ints(name) : nil }

  /// A bound object parameter of a concrete type.
  public func object<T>(_ name: String, as type: T.Type) throws -> T {
    guard let o = value(name).object(as: T.self) else {
      throw mismatch(name, "a \(String(describing: T.self))", value(name))
    }
    return o
  }

  /// The receiver of a method as a concrete type.
  public func receiver<T>(as type: T.Type) throws -> T {
    guard let r = receiver, let o = r.object(as: T.self) ?? (r as? T) else {
      throw RuntimeFailure("\(callee)() called on the wrong kind of object")
    }
    return o
  }

  private func mismatch(_ name: String, _ expected: String, _ got: Value) -> RuntimeFailure {
    RuntimeFailure(
      "argument '\(name)' of \(callee)() must be \(expected), got \(got.typeName)", argument: name)
  }
}
