/// A key usable in a dict: nil, bool, int, float or str (ints and integral floats hash alike, as in Python).
public enum DictKey: Hashable {
  case `nil`
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)

  /// The key for a value, or nil when the value is not hashable.
  public init?(_ v: Value) {
    switch v {
    case .nil: self = .nil
    case .bool(let b): self = .int(b ? 1 : 0)
    case .int(let i): self = .int(i)
    case .float(let f):
      if f.rounded() == f, let i = Int(exactly: f) { self = .int(i) } else { self = .float(f) }
    case .string(let s): self = .string(s)
    default: return nil
    }
  }
}

/// A mutable, shared, insertion-ordered dictionary.
public final class DictBox {
  private var keys: [Value] = []
  private var values: [Value] = []
  private var index: [DictKey: Int] = [:]

  /// Creates an empty dict.
  public init() {}

  /// Number of entries.
  public var count: Int { keys.count }

  /// The entries in insertion order.
  public var entries: [(key: Value, value: Value)] { Array(zip(keys, values)).map { ($0, $1) } }

  /// Keys in insertion order.
  public var orderedKeys: [Value] { keys }

  /// Values in insertion order.
  public var orderedValues: [Value] { values }

  /// Looks a key up.
  public func get(_ key: Value) throws -> Value? {
    guard let k = DictKey(key) else { throw unhashable(key) }
    return index[k].map { values[$0] }
  }

  /// Sets a key.
  public func set(_ key: Value, _ value: Value) throws {
    guard let k = DictKey(key) else { throw unhashable(key) }
    if let i = index[k] {
      values[i] = value
    } else {
      index[k] = keys.count
      keys.append(key)
      values.append(value)
    }
  }

  /// Removes a key, returning its value.
  public func remove(_ key: Value) throws -> Value? {
    guard let k = DictKey(key) else { throw unhashable(key) }
    guard let i = index[k] else { return nil }
    let v = values[i]
    keys.remove(at: i)
    values.remove(at: i)
    index = [:]
    for (j, key) in keys.enumerated() { if let dk = DictKey(key) { index[dk] = j } }
    return v
  }

  private func unhashable(_ v: Value) -> RuntimeFailure {
    RuntimeFailure(
      "a \(v.typeName) cannot be a dict key", help: "use a str, int, float, bool or nil key")
  }
}

/// A location-free runtime error raised inside the runtime or a builtin; the evaluator adds the range.
public struct RuntimeFailure: Error, CustomStringConvertible {
  /// The message.
  public var message: String
  /// An optional hint line.
  public var help: String?
  /// Which argument caused it, when known (the evaluator then points at that argument).
  public var argument: String?

  /// Creates a failure.
  public init(_ message: String, help: String? = nil, argument: String? = nil) {
    self.message = message
    self.help = help
    self.argument = argument
  }

  public var description: String { message }
}
