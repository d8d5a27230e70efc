/// A storage a tensor in a `torch.save` pickle refers to by persistent id
/// (`('storage', torch.FloatStorage, '<key>', 'cpu', numel)`).
struct StorageRef: Sendable, Equatable {
  /// The storage's name: the zip member is `<archive>/data/<key>`.
  let key: String
  /// The element type of the storage class.
  let dtype: StorageDType
  /// Number of elements the pickle says the storage holds.
  let numel: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view into a storage.
struct TensorRef: Sendable, Equatable {
  let storage: StorageRef
  /// Offset of element 0 in the storage, in elements.
  let offset: Int
  let shape: [Int]
  /// Strides in elements.
  let strides: [Int]
}

/// A mutable pickled list (lists are shared by reference through the pickle memo).
final class PickleList {
  var items: [PickleValue] = []
}

/// A pickled tuple. A class, like the other containers, so that `SafeUnpickler.dismantle` can
/// take any nesting apart iteratively (a deeply nested value must not recurse in deinit).
final class PickleTuple {
  var items: [PickleValue]
  init(_ items: [PickleValue]) { self.items = items }
}

/// A mutable pickled dict, keeping insertion order (OrderedDict and dict alike).
final class PickleDict {
  var items: [(key: PickleValue, value: PickleValue)] = []
  private var stringIndex: [String: Int] = [:]

  private var intIndex: [Int: Int] = [:]

  /// Sets `key` (replacing an earlier value under an equal string or int key); returns the
  /// replaced value.
  @discardableResult
  func set(_ key: PickleValue, _ value: PickleValue) -> PickleValue? {
    let existing: Int?
    switch key {
    case .string(let s): existing = stringIndex[s]
    case .int(let i): existing = intIndex[i]
    default: existing = nil  // other keys (None, floats, tuples) are kept side by side
    }
    if let i = existing {
      let old = items[i].value
      items[i].value = value
      return old
    }
    switch key {
    case .string(let s): stringIndex[s] = items.count
    case .int(let i): intIndex[i] = items.count
    default: break
    }
    items.append((key, value))
    return nil
  }

  /// Empties the dict (for dismantling).
  func removeAll() {
    items = []
    stringIndex = [:]
    intIndex = [:]
  }

  /// The value under the string key `s`.
  subscript(s: String) -> PickleValue? { stringIndex[s].map { items[$0].value } }
}

/// A value the safe unpickler can build: scalars, containers, allowed globals, storages, tensors.
enum PickleValue {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case bytes([UInt8])
  case tuple(PickleTuple)
  case list(PickleList)
  case dict(PickleDict)
  /// An allowed global (a storage class or an allowed function), not yet called.
  case global(module: String, name: String)
  case storage(StorageRef)
  case tensor(TensorRef)

  /// A short description of the kind of value, for messages (`int`, `dict`, `tensor`, …).
  var kind: String {
    switch self {
    case .none: return "None"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "str"
    case .bytes: return "bytes"
    case .tuple: return "tuple"
    case .list: return "list"
    case .dict: return "dict"
    case .global(let m, let n): return "\(m).\(n)"
    case .storage: return "storage"
    case .tensor: return "tensor"
    }
  }

  /// A tuple of `items`.
  static func makeTuple(_ items: [PickleValue]) -> PickleValue { .tuple(PickleTuple(items)) }

  /// True for tuples, lists and dicts.
  var isContainer: Bool {
    switch self {
    case .tuple, .list, .dict: return true
    default: return false
    }
  }

  /// The value as an Int, when it is one.
  var intValue: Int? {
    switch self {
    case .int(let v): return v
    case .bool(let b): return b ? 1 : 0
    default: return nil
    }
  }

  /// The elements of a tuple or list.
  var sequence: [PickleValue]? {
    switch self {
    case .tuple(let t): return t.items
    case .list(let l): return l.items
    default: return nil
    }
  }
}
