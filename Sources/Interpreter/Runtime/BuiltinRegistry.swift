/// Every builtin function, type, method and property a script can reach; `help` and completion read it.
///
/// A binding adds itself with one `register…` call per function, method or property, usually from a
/// `mutating func installX()` in its own `Builtins/X.swift`, listed in `BuiltinRegistry.standard()`.
public struct BuiltinRegistry {
  /// Global functions by name.
  public private(set) var functions: [String: Builtin] = [:]
  /// Types (value types and bound object types) by name.
  public private(set) var types: [String: TypeInfo] = [:]

  /// An empty registry.
  public init() {}

  /// Adds (or replaces) a global function.
  public mutating func register(_ builtin: Builtin) { functions[builtin.name] = builtin }

  /// Removes a global function (sandboxes and tests drop file writers this way).
  public mutating func unregister(_ name: String) { functions[name] = nil }

  /// Declares a type with a one-line summary (methods may be added before or after).
  public mutating func registerType(_ name: String, summary: String) {
    if types[name] == nil {
      types[name] = TypeInfo(name: name, summary: summary)
    } else {
      types[name]?.summary = summary
    }
  }

  /// Adds a method to a type; the body reads the object from `args.receiver`.
  public mutating func registerMethod(on type: String, _ builtin: Builtin) {
    if types[type] == nil { types[type] = TypeInfo(name: type, summary: "") }
    types[type]?.methods[builtin.name] = builtin
  }

  /// Adds a property to a type.
  public mutating func registerProperty(on type: String, _ property: Property) {
    if types[type] == nil { types[type] = TypeInfo(name: type, summary: "") }
    types[type]?.properties[property.name] = property
  }

  /// The method `name` of the type of `value`, if any.
  public func method(_ name: String, of value: Value) -> Builtin? {
    types[value.typeName]?.methods[name]
  }

  /// The property `name` of the type of `value`, if any.
  public func property(_ name: String, of value: Value) -> Property? {
    types[value.typeName]?.properties[name]
  }

  /// Property and method names of the type of `value`, sorted (hidden `__x__` hooks excluded).
  public func memberNames(of value: Value) -> [String] {
    guard let t = types[value.typeName] else { return [] }
    return (Array(t.properties.keys) + Array(t.methods.keys)).filter { !$0.hasPrefix("__") }
      .sorted()
  }
}
