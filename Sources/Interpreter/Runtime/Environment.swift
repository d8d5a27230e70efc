/// A scope of variables: the globals, or one function call's locals.
///
/// Blocks (`if`, `for`, `while`) do not open scopes, as in Python. Assignment binds in the current scope;
/// lookup walks outwards, so functions read globals and closures read their defining call's locals.
public final class Environment {
  /// The bindings of this scope, in definition order of first assignment.
  public private(set) var values: [String: Value] = [:]
  private var order: [String] = []
  /// The enclosing scope.
  public let enclosing: Environment?

  /// Creates a scope inside `enclosing`.
  public init(enclosing: Environment? = nil) { self.enclosing = enclosing }

  /// Looks a name up through the enclosing scopes.
  public func get(_ name: String) -> Value? {
    var env: Environment? = self
    while let e = env {
      if let v = e.values[name] { return v }
      env = e.enclosing
    }
    return nil
  }

  /// Binds a name in this scope.
  public func define(_ name: String, _ value: Value) {
    if values.updateValue(value, forKey: name) == nil { order.append(name) }
  }

  /// Removes a binding from this scope.
  public func remove(_ name: String) {
    values[name] = nil
    order.removeAll { $0 == name }
  }

  /// Names bound in this scope, in first-definition order.
  public var names: [String] { order }

  /// Every name visible from here.
  public var allNames: [String] {
    var seen = Set<String>()
    var result: [String] = []
    var env: Environment? = self
    while let e = env {
      for n in e.order where seen.insert(n).inserted { result.append(n) }
      env = e.enclosing
    }
    return result
  }
}
