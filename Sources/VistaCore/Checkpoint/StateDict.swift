/// The element type a checkpoint stored a tensor in (PyTorch dtype names).
public enum StorageDType: String, Sendable, CaseIterable {
  case float32, float16, bfloat16, float64
  case int64, int32, int16, int8, uint8, bool

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .float64, .int64: return 8
    case .float32, .int32: return 4
    case .float16, .bfloat16, .int16: return 2
    case .int8, .uint8, .bool: return 1
    }
  }

  /// True for the floating types (loaded as `Tensor`); false for integers and bool (`IntTensor`).
  public var isFloatingPoint: Bool {
    switch self {
    case .float32, .float16, .bfloat16, .float64: return true
    default: return false
    }
  }

  /// The legacy typed-storage class torch pickles (`torch.FloatStorage`).
  var torchStorageName: String {
    switch self {
    case .float32: return "FloatStorage"
    case .float16: return "HalfStorage"
    case .bfloat16: return "BFloat16Storage"
    case .float64: return "DoubleStorage"
    case .int64: return "LongStorage"
    case .int32: return "IntStorage"
    case .int16: return "ShortStorage"
    case .int8: return "CharStorage"
    case .uint8: return "ByteStorage"
    case .bool: return "BoolStorage"
    }
  }

  /// The dtype of a `torch.<name>` storage class, or nil when it is not one we read.
  init?(torchStorageName name: String) {
    guard let d = StorageDType.allCases.first(where: { $0.torchStorageName == name }) else {
      return nil
    }
    self = d
  }

  /// The safetensors dtype tag (`F32`, `BF16`, `I64`, `BOOL`, …).
  var safetensorsName: String {
    switch self {
    case .float32: return "F32"
    case .float16: return "F16"
    case .bfloat16: return "BF16"
    case .float64: return "F64"
    case .int64: return "I64"
    case .int32: return "I32"
    case .int16: return "I16"
    case .int8: return "I8"
    case .uint8: return "U8"
    case .bool: return "BOOL"
    }
  }

  /// The dtype of a safetensors tag, or nil when unsupported.
  init?(safetensorsName name: String) {
    guard let d = StorageDType.allCases.first(where: { $0.safetensorsName == name }) else {
      return nil
    }
    self = d
  }
}

/// One state-dict value: a Float tensor (float types) or an Int tensor (integer and bool types),
/// with the dtype it was stored in so a writer can store it the same way.
public enum StateValue: Sendable, Equatable {
  /// float32/float16/bfloat16/float64 values widened (or, for float64, rounded) to Float32.
  case float(Tensor, StorageDType)
  /// int64/int32/int16/int8/uint8/bool values as Int32.
  case int(IntTensor, StorageDType)

  /// The tensor's shape.
  public var shape: [Int] {
    switch self {
    case .float(let t, _): return t.shape
    case .int(let t, _): return t.shape
    }
  }

  /// The element type it was stored in.
  public var dtype: StorageDType {
    switch self {
    case .float(_, let d), .int(_, let d): return d
    }
  }

  /// Number of elements.
  public var count: Int { shape.elementCount }

  /// The values as Float32 (integers converted).
  public var tensor: Tensor {
    switch self {
    case .float(let t, _): return t
    case .int(let t, _): return t.toFloat()
    }
  }
}

/// An ordered `state_dict`: PyTorch keys mapped to tensors, in the order they were stored.
///
/// `source` names the file it came from (for error messages); `metadata` carries safetensors'
/// `__metadata__` strings.
public struct StateDict: Sendable, Equatable {
  /// The entries in order.
  public private(set) var entries: [(key: String, value: StateValue)]
  private var index: [String: Int]
  /// Where the entries were read from (a path), or nil when built in memory.
  public var source: String?
  /// Free-form string metadata (safetensors `__metadata__`); written back by the safetensors writer.
  public var metadata: [String: String] = [:]

  /// An empty state dict.
  public init(source: String? = nil) {
    entries = []
    index = [:]
    self.source = source
  }

  /// A state dict of float32 tensors, in the given order; later duplicates replace earlier ones.
  public init(_ pairs: [(String, Tensor)], source: String? = nil) {
    self.init(source: source)
    for (k, t) in pairs { self[k] = .float(t, .float32) }
  }

  /// The parameters' current values under their names (float32), in order.
  public init(parameters: [Parameter]) {
    self.init(parameters.map { ($0.name, $0.value) })
  }

  /// Number of entries.
  public var count: Int { entries.count }
  /// The keys in order.
  public var keys: [String] { entries.map(\.key) }
  /// Total number of elements over all entries.
  public var elementCount: Int { entries.reduce(0) { $0 + $1.value.count } }

  /// The value stored under `key`; setting appends a new key or replaces in place, nil removes.
  public subscript(key: String) -> StateValue? {
    get { index[key].map { entries[$0].value } }
    set {
      if let v = newValue {
        if let i = index[key] {
          entries[i].value = v
        } else {
          index[key] = entries.count
          entries.append((key, v))
        }
      } else if let i = index[key] {
        entries.remove(at: i)
        rebuildIndex()
      }
    }
  }

  /// True when `key` is present.
  public func contains(_ key: String) -> Bool { index[key] != nil }

  /// The Float32 tensor under `key`, or an error naming the key and the file.
  public func tensor(_ key: String) throws -> Tensor {
    guard let v = self[key] else {
      throw VistaError("\(sourceLabel): no key '\(key)' (\(count) keys)")
    }
    return v.tensor
  }

  /// Renames keys with `transform` (order kept); throws when two keys collide.
  public func renamingKeys(_ transform: (String) -> String) throws -> StateDict {
    var out = StateDict(source: source)
    out.metadata = metadata
    for (k, v) in entries {
      let n = transform(k)
      guard !out.contains(n) else {
        throw VistaError("\(sourceLabel): renaming '\(k)' gives '\(n)', which already exists")
      }
      out[n] = v
    }
    return out
  }

  /// The entries whose key satisfies `keep`, in order.
  public func filter(_ keep: (String) -> Bool) -> StateDict {
    var out = StateDict(source: source)
    out.metadata = metadata
    for (k, v) in entries where keep(k) { out[k] = v }
    return out
  }

  /// `checkpoint 'path'` (or `state dict` when built in memory), for messages.
  public var sourceLabel: String { source.map { "checkpoint '\($0)'" } ?? "state dict" }

  private mutating func rebuildIndex() {
    index = [:]
    for (i, e) in entries.enumerated() { index[e.key] = i }
  }

  public static func == (a: StateDict, b: StateDict) -> Bool {
    a.entries.count == b.entries.count
      && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}
