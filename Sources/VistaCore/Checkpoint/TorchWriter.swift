import Foundation

/// Writes a `StateDict` as a `torch.save` zip that `torch.load(path, weights_only=True)` reads:
/// `<stem>/data.pkl` (a protocol-2 pickle of an OrderedDict of `_rebuild_tensor_v2` calls),
/// `<stem>/data/<n>` little-endian storages on 64-byte boundaries, `byteorder`, `version`,
/// `.format_version`, `.storage_alignment` and `.data/serialization_id`, as torch 2.x writes them.
enum TorchWriter {
  /// Streams `sd` into `path` atomically; float32 tensors are written from their own buffers
  /// (no second copy of the weights in memory).
  static func write(_ sd: StateDict, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let stem = archiveName(for: url)
    let entries = sd.entries
    // Non-float32 tensors are converted to their stored dtype first; checksums for all run on both cores.
    var converted = [[UInt8]?](repeating: nil, count: entries.count)
    var crcs = [UInt32](repeating: 0, count: entries.count)
    converted.withUnsafeMutableBufferPointer { conv in
      crcs.withUnsafeMutableBufferPointer { crc in
        parallelFor(entries.count) { i in
          if let bytes = StorageEncoding.bytes(of: entries[i].value) {
            crc[i] = CRC32.checksum(bytes)
            conv[i] = bytes
          } else if case .float(let t, _) = entries[i].value {
            crc[i] = t.withUnsafeBufferPointer {
              CRC32.checksum($0.baseAddress, count: $0.count * 4)
            }
          }
        }
      }
    }

    let sink = try FileSink(path: path)
    var zip = ZipWriter(sink: sink)
    try zip.addMember("\(stem)/data.pkl", pickle(entries))
    try zip.addMember("\(stem)/.format_version", Array("1".utf8))
    try zip.addMember("\(stem)/.storage_alignment", Array("64".utf8))
    try zip.addMember("\(stem)/byteorder", Array("little".utf8))
    for (i, e) in entries.enumerated() {
      if let bytes = converted[i] {
        try zip.beginMember("\(stem)/data/\(i)", size: bytes.count, crc: crcs[i])
        try sink.write(bytes)
      } else if case .float(let t, _) = e.value {
        try zip.beginMember("\(stem)/data/\(i)", size: t.count * 4, crc: crcs[i])
        try t.withUnsafeBufferPointer { try sink.write($0.baseAddress, count: $0.count * 4) }
      }
    }
    try zip.addMember("\(stem)/version", Array("3\n".utf8))
    try zip.addMember("\(stem)/.data/serialization_id", Array(serializationID().utf8))
    try zip.finish()
    try sink.commit()
  }

  /// torch uses the file's stem as the archive's top folder; fall back to "archive".
  static func archiveName(for url: URL) -> String {
    let stem = url.deletingPathExtension().lastPathComponent
    let ok =
      !stem.isEmpty && stem.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x2F && $0 != 0x5C }
    return ok ? stem : "archive"
  }

  /// 40 decimal digits, like torch's per-save id.
  static func serializationID() -> String {
    var rng = SystemRandomNumberGenerator()
    return String((0..<40).map { _ in Character(String(rng.next(upperBound: 10 as UInt8))) })
  }

  /// The data.pkl bytes: `OrderedDict` of `_rebuild_tensor_v2(('storage', torch.XStorage, '<i>',
  /// 'cpu', numel), 0, size, stride, False, OrderedDict())`, storage i holding entry i.
  static func pickle(_ entries: [(key: String, value: StateValue)]) -> [UInt8] {
    var p = PickleWriter()
    p.op(0x80, 2)  // PROTO 2
    p.global("collections", "OrderedDict")
    p.op(0x71, 0)  // BINPUT 0: the OrderedDict class, reused for each tensor's backward_hooks
    p.op(0x29, 0x52)  // EMPTY_TUPLE, REDUCE
    if !entries.isEmpty {
      p.op(0x28)  // MARK
      for (i, e) in entries.enumerated() {
        let shape = e.value.shape
        p.string(e.key)
        p.global("torch._utils", "_rebuild_tensor_v2")
        p.op(0x28)  // MARK (arguments)
        p.op(0x28)  // MARK (persistent id)
        p.string("storage")
        p.global("torch", StorageEncoding.dtype(of: e.value).torchStorageName)
        p.string(String(i))
        p.string("cpu")
        p.int(shape.elementCount)
        p.op(0x74, 0x51)  // TUPLE, BINPERSID
        p.int(0)  // storage_offset
        p.tuple(shape)
        p.tuple(shape.contiguousStrides)
        p.op(0x89)  // requires_grad False
        p.op(0x68, 0, 0x29, 0x52)  // BINGET 0, EMPTY_TUPLE, REDUCE: OrderedDict()
        p.op(0x74, 0x52)  // TUPLE, REDUCE
      }
      p.op(0x75)  // SETITEMS
    }
    p.op(0x2E)  // STOP
    return p.bytes
  }
}

/// Emits pickle opcodes (protocol 2).
struct PickleWriter {
  var bytes: [UInt8] = []

  mutating func op(_ codes: UInt8...) { bytes.append(contentsOf: codes) }

  /// GLOBAL 'module\nname\n'.
  mutating func global(_ module: String, _ name: String) {
    bytes.append(0x63)
    bytes.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
  }

  /// BINUNICODE.
  mutating func string(_ s: String) {
    let u = Array(s.utf8)
    bytes.append(0x58)
    bytes.appendLE(UInt32(u.count))
    bytes.append(contentsOf: u)
  }

  /// The shortest of BININT1/BININT2/BININT/LONG1.
  mutating func int(_ v: Int) {
    if v >= 0 && v < 256 {
      op(0x4B, UInt8(v))
    } else if v >= 0 && v < 65_536 {
      bytes.append(0x4D)
      bytes.appendLE(UInt16(v))
    } else if let w = Int32(exactly: v) {
      bytes.append(0x4A)
      bytes.appendLE(w)
    } else {
      // LONG1: minimal little-endian two's complement.
      var le: [UInt8] = []
      withUnsafeBytes(of: Int64(v).littleEndian) { le = Array($0) }
      while le.count > 1 {
        let last = le[le.count - 1]
        let prevTop = le[le.count - 2] & 0x80
        if (last == 0 && prevTop == 0) || (last == 0xFF && prevTop != 0) {
          le.removeLast()
        } else {
          break
        }
      }
      op(0x8A, UInt8(le.count))
      bytes.append(contentsOf: le)
    }
  }

  /// A tuple of ints (EMPTY_TUPLE, TUPLE1–3, or MARK … TUPLE).
  mutating func tuple(_ values: [Int]) {
    if values.isEmpty {
      op(0x29)
      return
    }
    if values.count > 3 { op(0x28) }
    for v in values { int(v) }
    switch values.count {
    case 1: op(0x85)
    case 2: op(0x86)
    case 3: op(0x87)
    default: op(0x74)
    }
  }
}

/// Encoding a value in its stored dtype (little-endian bytes).
enum StorageEncoding {
  /// The dtype a value is written as: its recorded dtype, except that a Float tensor tagged with
  /// an integer dtype is written as float32 (never truncated silently).
  static func dtype(of value: StateValue) -> StorageDType {
    if case .float(_, let d) = value, !d.isFloatingPoint { return .float32 }
    return value.dtype
  }

  /// The bytes of `value` in `dtype(of:)`, or nil for float32 Float tensors (written from their
  /// own buffer).
  static func bytes(of value: StateValue) -> [UInt8]? {
    switch value {
    case .float(let t, _):
      switch dtype(of: value) {
      case .float16: return le(t.float16Bits())
      case .bfloat16: return le(t.bfloat16Bits())
      case .float64: return le(t.scalars.map { Double($0).bitPattern })
      default: return nil
      }
    case .int(let t, let dtype):
      switch dtype {
      case .int64: return le(t.scalars.map { Int64($0) })
      case .int32: return le(t.scalars)
      case .int16: return le(t.scalars.map { Int16(clamping: $0) })
      case .int8: return t.scalars.map { UInt8(bitPattern: Int8(clamping: $0)) }
      case .uint8: return t.scalars.map { UInt8(clamping: $0) }
      case .bool: return t.scalars.map { $0 != 0 ? 1 : 0 }
      case .float32: return le(t.scalars.map { Float($0).bitPattern })
      case .float16: return le(t.toFloat().float16Bits())
      case .bfloat16: return le(t.toFloat().bfloat16Bits())
      case .float64: return le(t.scalars.map { Double($0).bitPattern })
      }
    }
  }

  /// Little-endian bytes of fixed-width integers.
  static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    let size = MemoryLayout<T>.size
    return [UInt8](unsafeUninitializedCapacity: values.count * size) { buf, n in
      let raw = UnsafeMutableRawPointer(buf.baseAddress)
      for (i, v) in values.enumerated() {
        raw?.storeBytes(of: v.littleEndian, toByteOffset: i * size, as: T.self)
      }
      n = values.count * size
    }
  }
}
