/// A pickle reader that builds data and never runs code: the only callables it knows are
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and `_rebuild_parameter[_with_state]`, and the
/// only other globals it accepts are torch's storage classes (inside persistent ids).
///
/// Any other global, object construction opcode (`INST`, `OBJ`, `NEWOBJ`, `EXT*`) or out-of-band
/// buffer is refused with a `VistaError` naming it. Protocols 0–5 as far as torch uses them.
struct SafeUnpickler {
  private let bytes: UnsafeRawBufferPointer
  private let path: String
  private var pos = 0
  private var stack: [PickleValue] = []
  private var marks: [Int] = []
  private var memo: [Int: PickleValue] = [:]
  /// Every container ever popped or replaced: kept alive until `dismantle`, so that dropping a
  /// deeply nested value never recurses through deinit.
  private var graveyard: [PickleValue] = []

  /// Reads the pickle in `bytes`; `path` names the checkpoint in errors.
  init(_ bytes: UnsafeRawBufferPointer, path: String) {
    self.bytes = bytes
    self.path = path
  }

  /// Globals that may appear: name → what it is.
  static let allowedCallables: Set<String> = [
    "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
  ]

  private func fail(_ why: String) -> VistaError {
    VistaError("checkpoint '\(path)': \(why)")
  }

  private func corrupt(_ why: String) -> VistaError {
    fail("corrupt data.pkl (\(why)); the file is damaged or not a torch.save checkpoint")
  }

  /// Unpickles `bytes`, hands the result to `body` (which must copy out what it needs: the
  /// containers are emptied afterwards) and takes every built container apart iteratively.
  static func withLoaded<R>(
    _ bytes: UnsafeRawBufferPointer, path: String, _ body: (PickleValue) throws -> R
  )
    throws -> R
  {
    var u = SafeUnpickler(bytes, path: path)
    defer { u.dismantle() }
    let root = try u.load()
    u.bury(root)
    return try body(root)
  }

  /// Empties every container reachable from the stack, memo and graveyard, without recursion
  /// (also breaks reference cycles a pickle can build through the memo).
  mutating func dismantle() {
    var work = graveyard + stack + Array(memo.values)
    graveyard = []
    stack = []
    memo = [:]
    while let v = work.popLast() {
      switch v {
      case .tuple(let t):
        work.append(contentsOf: t.items)
        t.items = []
      case .list(let l):
        work.append(contentsOf: l.items)
        l.items = []
      case .dict(let d):
        for (k, x) in d.items {
          work.append(k)
          work.append(x)
        }
        d.removeAll()
      default: break
      }
    }
  }

  /// Runs the pickle program to its STOP and returns the value it built.
  mutating func load() throws -> PickleValue {
    while true {
      guard pos < bytes.count else { throw corrupt("ends without STOP, truncated") }
      let op = bytes[pos]
      pos += 1
      switch op {
      case 0x80:  // PROTO
        let v = try readBytes(1)[0]
        guard v <= 5 else {
          throw fail("pickle protocol \(v) is newer than 5; re-save with torch.save")
        }
      case 0x95: _ = try readUInt(8)  // FRAME: length of the next frame, nothing to do
      case 0x2E:  // STOP
        guard !stack.isEmpty else { throw corrupt("STOP with an empty stack") }
        return try pop()
      case 0x28: marks.append(stack.count)  // MARK
      case 0x30: _ = try pop()  // POP
      case 0x31: _ = try popMark()  // POP_MARK
      case 0x32: stack.append(try top())  // DUP
      case 0x4E: stack.append(.none)
      case 0x88: stack.append(.bool(true))
      case 0x89: stack.append(.bool(false))
      case 0x4B: stack.append(.int(Int(try readUInt(1))))  // BININT1
      case 0x4D: stack.append(.int(Int(try readUInt(2))))  // BININT2
      case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))  // BININT
      case 0x8A: stack.append(.int(try readLong(Int(try readUInt(1)))))  // LONG1
      case 0x8B: stack.append(.int(try readLong(try readLength(4))))  // LONG4
      case 0x49:  // INT (text); "00"/"01" are False/True in protocol 0
        let s = try readLine()
        if s == "00" || s == "01" {
          stack.append(.bool(s == "01"))
        } else {
          guard let v = Int(s) else { throw corrupt("bad INT '\(s)'") }
          stack.append(.int(v))
        }
      case 0x4C:  // LONG (text)
        let s = try readLine()
        guard let v = Int(s.hasSuffix("L") ? String(s.dropLast()) : s) else {
          throw fail("integer '\(s)' does not fit 64 bits")
        }
        stack.append(.int(v))
      case 0x47:  // BINFLOAT, big-endian
        let b = try readBytes(8)
        var bits: UInt64 = 0
        for x in b { bits = bits << 8 | UInt64(x) }
        stack.append(.float(Double(bitPattern: bits)))
      case 0x46:  // FLOAT (text)
        let s = try readLine()
        guard let v = Double(s) else { throw corrupt("bad FLOAT '\(s)'") }
        stack.append(.float(v))
      case 0x58: stack.append(.string(try readString(try readLength(4))))  // BINUNICODE
      case 0x8C: stack.append(.string(try readString(Int(try readUInt(1)))))  // SHORT_BINUNICODE
      case 0x8D: stack.append(.string(try readString(try readLength(8))))  // BINUNICODE8
      case 0x54: stack.append(.string(try readString(try readLength(4))))  // BINSTRING (py2 str)
      case 0x55: stack.append(.string(try readString(Int(try readUInt(1)))))  // SHORT_BINSTRING
      case 0x42: stack.append(.bytes(try readBytes(try readLength(4))))  // BINBYTES
      case 0x43: stack.append(.bytes(try readBytes(Int(try readUInt(1)))))  // SHORT_BINBYTES
      case 0x8E: stack.append(.bytes(try readBytes(try readLength(8))))  // BINBYTES8
      case 0x29: stack.append(PickleValue.makeTuple([]))  // EMPTY_TUPLE
      case 0x85: stack.append(PickleValue.makeTuple(try popN(1)))
      case 0x86: stack.append(PickleValue.makeTuple(try popN(2)))
      case 0x87: stack.append(PickleValue.makeTuple(try popN(3)))
      case 0x74: stack.append(PickleValue.makeTuple(try popMark()))  // TUPLE
      case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
      case 0x8F: stack.append(.list(PickleList()))  // EMPTY_SET (kept as a list)
      case 0x6C:  // LIST
        let l = PickleList()
        l.items = try popMark()
        stack.append(.list(l))
      case 0x91: stack.append(PickleValue.makeTuple(try popMark()))  // FROZENSET
      case 0x61:  // APPEND
        let v = try pop()
        try list(try top(), "APPEND").items.append(v)
      case 0x65, 0x90:  // APPENDS, ADDITEMS
        let vs = try popMark()
        try list(try top(), "APPENDS").items.append(contentsOf: vs)
      case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
      case 0x64:  // DICT
        let vs = try popMark()
        let d = PickleDict()
        try setItems(d, vs)
        stack.append(.dict(d))
      case 0x73:  // SETITEM
        let v = try pop()
        let k = try pop()
        bury(try dict(try top(), "SETITEM").set(k, v))
      case 0x75:  // SETITEMS
        let vs = try popMark()
        try setItems(try dict(try top(), "SETITEMS"), vs)
      case 0x63:  // GLOBAL "module\nname\n"
        let module = try readLine()
        let name = try readLine()
        stack.append(try global(module, name))
      case 0x93:  // STACK_GLOBAL
        let n = try pop()
        let m = try pop()
        guard case .string(let module) = m, case .string(let name) = n else {
          throw corrupt("STACK_GLOBAL needs two strings")
        }
        stack.append(try global(module, name))
      case 0x52:  // REDUCE
        let args = try pop()
        let callable = try pop()
        stack.append(try reduce(callable, args))
      case 0x62:  // BUILD: set state; only dicts (OrderedDict._metadata) and tensors accept one
        _ = try pop()
        switch try top() {
        case .dict, .tensor: break
        case let v:
          throw fail(
            "refusing to set state on a \(v.kind) (only tensors and plain containers are allowed)")
        }
      case 0x51:  // BINPERSID
        stack.append(try persistentLoad(try pop()))
      case 0x71: try put(Int(try readUInt(1)))  // BINPUT
      case 0x72: try put(Int(try readUInt(4)))  // LONG_BINPUT
      case 0x94: try put(memo.count)  // MEMOIZE
      case 0x70:  // PUT (text)
        guard let i = Int(try readLine()) else { throw corrupt("bad PUT index") }
        try put(i)
      case 0x68: stack.append(try memoGet(Int(try readUInt(1))))  // BINGET
      case 0x6A: stack.append(try memoGet(Int(try readUInt(4))))  // LONG_BINGET
      case 0x67:  // GET (text)
        guard let i = Int(try readLine()) else { throw corrupt("bad GET index") }
        stack.append(try memoGet(i))
      case 0x69, 0x6F, 0x81, 0x92:  // INST, OBJ, NEWOBJ, NEWOBJ_EX
        throw fail(
          "refusing pickle opcode \(Self.opcodeName(op)) (object construction; only tensors and plain containers are allowed)"
        )
      case 0x82, 0x83, 0x84:
        throw fail(
          "refusing pickle opcode \(Self.opcodeName(op)) (extension registry; only tensors and plain containers are allowed)"
        )
      default:
        throw fail(
          "unsupported pickle opcode \(Self.opcodeName(op)) at byte \(pos - 1) of data.pkl")
      }
    }
  }

  static func opcodeName(_ op: UInt8) -> String {
    let names: [UInt8: String] = [
      0x69: "INST", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2",
      0x84: "EXT4",
      0x50: "PERSID", 0x53: "STRING", 0x56: "UNICODE", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER",
      0x98: "READONLY_BUFFER",
    ]
    let hex = "0x" + String(op, radix: 16, uppercase: true)
    return names[op].map { "\($0) (\(hex))" } ?? hex
  }

  // MARK: - Globals and calls

  private func global(_ module: String, _ name: String) throws -> PickleValue {
    let full = "\(module).\(name)"
    if Self.allowedCallables.contains(full) { return .global(module: module, name: name) }
    if module == "torch", StorageDType(torchStorageName: name) != nil {
      return .global(module: module, name: name)
    }
    throw fail("refusing to load global '\(full)' (only tensors and plain containers are allowed)")
  }

  private mutating func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
    guard case .global(let module, let name) = callable else {
      throw fail(
        "refusing to call a \(callable.kind) (only tensors and plain containers are allowed)")
    }
    guard case .tuple(let box) = args else { throw corrupt("REDUCE arguments are not a tuple") }
    let a = box.items
    switch "\(module).\(name)" {
    case "collections.OrderedDict":
      let d = PickleDict()
      if let first = a.first {
        guard a.count == 1, let pairs = first.sequence else {
          throw corrupt("OrderedDict(...) with odd arguments")
        }
        for p in pairs {
          guard let kv = p.sequence, kv.count == 2 else {
            throw corrupt("OrderedDict item is not a pair")
          }
          bury(d.set(kv[0], kv[1]))
        }
      }
      return .dict(d)
    case "torch._utils._rebuild_tensor_v2":
      return .tensor(try rebuildTensor(a))
    case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
      guard a.count >= 1, case .tensor = a[0] else {
        throw corrupt("_rebuild_parameter without a tensor")
      }
      return a[0]
    default:
      throw fail(
        "refusing to call '\(module).\(name)' (only tensors and plain containers are allowed)")
    }
  }

  /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
  private func rebuildTensor(_ a: [PickleValue]) throws -> TensorRef {
    guard a.count >= 4, case .storage(let s) = a[0], let offset = a[1].intValue,
      let size = a[2].sequence?.map(\.intValue), let stride = a[3].sequence?.map(\.intValue)
    else { throw corrupt("_rebuild_tensor_v2 with unexpected arguments") }
    let shape = size.compactMap { $0 }
    let strides = stride.compactMap { $0 }
    guard shape.count == size.count, strides.count == stride.count, shape.count == strides.count
    else {
      throw corrupt("tensor size/stride are not integer tuples of equal length")
    }
    return TensorRef(storage: s, offset: offset, shape: shape, strides: strides)
  }

  /// `('storage', torch.FloatStorage, '<key>', '<location>', numel)`.
  private func persistentLoad(_ pid: PickleValue) throws -> PickleValue {
    guard case .tuple(let box) = pid, case let t = box.items, t.count == 5,
      case .string("storage") = t[0]
    else {
      throw fail("unsupported persistent id \(pid.kind) (expected a torch storage reference)")
    }
    guard case .global("torch", let cls) = t[1], let dtype = StorageDType(torchStorageName: cls)
    else {
      throw fail("unsupported storage type \(t[1].kind)")
    }
    guard case .string(let key) = t[2], let numel = t[4].intValue, numel >= 0 else {
      throw corrupt("malformed storage reference")
    }
    return .storage(StorageRef(key: key, dtype: dtype, numel: numel))
  }

  // MARK: - Stack helpers

  private mutating func pop() throws -> PickleValue {
    guard let v = stack.popLast(), stack.count >= (marks.last ?? 0) else {
      throw corrupt("stack underflow")
    }
    bury(v)
    return v
  }

  /// Keeps a container alive until `dismantle` (see `graveyard`).
  private mutating func bury(_ v: PickleValue?) {
    if let v, v.isContainer { graveyard.append(v) }
  }

  private mutating func put(_ i: Int) throws {
    bury(memo.updateValue(try top(), forKey: i))
  }

  private func top() throws -> PickleValue {
    guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw corrupt("empty stack") }
    return v
  }

  private mutating func popN(_ n: Int) throws -> [PickleValue] {
    guard stack.count - (marks.last ?? 0) >= n else { throw corrupt("stack underflow") }
    let vs = Array(stack.suffix(n))
    stack.removeLast(n)
    for v in vs { bury(v) }
    return vs
  }

  private mutating func popMark() throws -> [PickleValue] {
    guard let m = marks.popLast(), m <= stack.count else { throw corrupt("no MARK") }
    let vs = Array(stack[m...])
    stack.removeSubrange(m...)
    for v in vs { bury(v) }
    return vs
  }

  private func memoGet(_ i: Int) throws -> PickleValue {
    guard let v = memo[i] else { throw corrupt("memo entry \(i) was never stored") }
    return v
  }

  private func list(_ v: PickleValue, _ op: String) throws -> PickleList {
    guard case .list(let l) = v else { throw corrupt("\(op) on a \(v.kind)") }
    return l
  }

  private func dict(_ v: PickleValue, _ op: String) throws -> PickleDict {
    guard case .dict(let d) = v else { throw corrupt("\(op) on a \(v.kind)") }
    return d
  }

  private mutating func setItems(_ d: PickleDict, _ vs: [PickleValue]) throws {
    guard vs.count % 2 == 0 else { throw corrupt("odd number of dict items") }
    for i in stride(from: 0, to: vs.count, by: 2) { bury(d.set(vs[i], vs[i + 1])) }
  }

  // MARK: - Reading bytes

  private mutating func readBytes(_ n: Int) throws -> [UInt8] {
    guard n >= 0, n <= bytes.count - pos else { throw corrupt("truncated") }
    defer { pos += n }
    return Array(bytes[pos..<(pos + n)])
  }

  private mutating func readUInt(_ n: Int) throws -> UInt64 {
    guard n <= bytes.count - pos else { throw corrupt("truncated") }
    var v: UInt64 = 0
    for i in 0..<n { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
    pos += n
    return v
  }

  private mutating func readLength(_ n: Int) throws -> Int {
    let v = try readUInt(n)
    guard v <= UInt64(bytes.count - pos) else {
      throw corrupt("a length runs past the end, truncated")
    }
    return Int(v)
  }

  /// A little-endian two's-complement integer of `n` bytes (at most 8).
  private mutating func readLong(_ n: Int) throws -> Int {
    guard n <= 8 else {
      guard n <= bytes.count - pos else { throw corrupt("truncated") }
      throw fail("an integer of \(n) bytes does not fit 64 bits")
    }
    if n == 0 { return 0 }
    let v = try readUInt(n)
    let shift = UInt64(64 - 8 * n)
    return Int(Int64(bitPattern: v << shift) >> Int64(shift))
  }

  private mutating func readString(_ n: Int) throws -> String {
    String(decoding: try readBytes(n), as: UTF8.self)
  }

  private mutating func readLine() throws -> String {
    var end = pos
    while end < bytes.count, bytes[end] != 0x0A { end += 1 }
    guard end < bytes.count else { throw corrupt("truncated text field") }
    defer { pos = end + 1 }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pos..<end]), as: UTF8.self)
  }
}
