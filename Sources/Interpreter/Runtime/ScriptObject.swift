/// An object a binding hands to scripts (a model, a dataset, a trainer, a tensor).
///
/// Methods and properties live in the `BuiltinRegistry` under `typeName`, so they are checked, completed and
/// documented centrally. An object only says what it is and how it prints.
public protocol ScriptObject: AnyObject {
  /// The type name scripts see (`Model`, `Dataset`, `Tensor`).
  var typeName: String { get }
  /// One line for printing and `vars` (`Model vista3d132 · 218.0M params · fp32`).
  var summary: String { get }
}

/// Access to the registered methods and properties of one type.
public struct TypeInfo {
  /// The type name (`Tensor`, `list`, `str`).
  public var name: String
  /// One line shown by `help(Type)`.
  public var summary: String
  /// Methods by name; each receives the object as `args.receiver`.
  public var methods: [String: Builtin] = [:]
  /// Properties by name.
  public var properties: [String: Property] = [:]

  /// Creates an empty type description.
  public init(name: String, summary: String) {
    self.name = name
    self.summary = summary
  }
}

/// A readable (and optionally writable) property of a type.
public struct Property {
  /// The name.
  public var name: String
  /// One line for `help`.
  public var summary: String
  /// Reads the property from the receiver.
  public var get: (Value) throws -> Value
  /// Writes the property (`train.lr = 1e-5`); nil when read-only.
  public var set: ((Value, Value) throws -> Void)?

  /// Creates a property.
  public init(
    _ name: String, _ summary: String, get: @escaping (Value) throws -> Value,
    set: ((Value, Value) throws -> Void)? = nil
  ) {
    self.name = name
    self.summary = summary
    self.get = get
    self.set = set
  }
}
