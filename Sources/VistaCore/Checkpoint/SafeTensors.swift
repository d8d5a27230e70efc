import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header
/// (`{"key": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`)
/// and the raw little-endian tensor bytes.
enum SafeTensors {
  /// True when the bytes start like a safetensors file (a plausible length, then `{`).
  static func looks(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let r = ByteReader(bytes: bytes)
    guard let n = r.u64(0), n >= 2, n <= UInt64(bytes.count - 8) else { return false }
    return bytes[8] == UInt8(ascii: "{")
  }

  /// Reads every tensor, ordered by position in the file.
  static func read(_ file: MappedFile) throws -> StateDict {
    let path = file.path
    let r = ByteReader(bytes: file.bytes)
    func bad(_ why: String) -> VistaError {
      VistaError("checkpoint '\(path)' is not a readable safetensors file: \(why)")
    }
    guard let n64 = r.u64(0), n64 <= UInt64(file.count - 8), let header = r.slice(8, Int(n64))
    else {
      throw bad("the header length runs past the end of the file (truncated?)")
    }
    let dataStart = 8 + Int(n64)
    let dataLength = file.count - dataStart
    let json: Any
    do { json = try JSONSerialization.jsonObject(with: Data(header)) } catch {
      throw bad("the header is not valid JSON")
    }
    guard let top = json as? [String: Any] else { throw bad("the header is not a JSON object") }

    var metadata: [String: String] = [:]
    var items: [(key: String, dtype: StorageDType, shape: [Int], begin: Int, end: Int)] = []
    for (key, value) in top {
      if key == "__metadata__" {
        guard let m = value as? [String: Any] else { throw bad("__metadata__ is not an object") }
        for (k, v) in m { metadata[k] = (v as? String) ?? "\(v)" }
        continue
      }
      guard let e = value as? [String: Any], let dt = e["dtype"] as? String,
        let shapeAny = e["shape"] as? [Any],
        let offAny = e["data_offsets"] as? [Any]
      else { throw bad("entry '\(key)' lacks dtype, shape or data_offsets") }
      guard let dtype = StorageDType(safetensorsName: dt) else {
        throw bad(
          "tensor '\(key)' has unsupported dtype '\(dt)' (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL are read)"
        )
      }
      let shape = shapeAny.compactMap(jsonInt)
      let offs = offAny.compactMap(jsonInt)
      guard shape.count == shapeAny.count, shape.allSatisfy({ $0 >= 0 }), offs.count == 2 else {
        throw bad("tensor '\(key)' has a malformed shape or data_offsets")
      }
      let (bytes, overflow) = shape.reduce((dtype.byteSize, false)) { acc, d in
        let m = acc.0.multipliedReportingOverflow(by: d)
        return (m.partialValue, acc.1 || m.overflow)
      }
      guard !overflow, offs[0] >= 0, offs[1] >= offs[0], offs[1] <= dataLength,
        offs[1] - offs[0] == bytes
      else {
        throw bad(
          "tensor '\(key)' (\(dt) \(formatShape(shape))) has data_offsets [\(offs[0]), \(offs[1])] that do not fit its size or the file (\(dataLength) data bytes)"
        )
      }
      items.append((key, dtype, shape, offs[0], offs[1]))
    }
    items.sort { ($0.begin, $0.key) < ($1.begin, $1.key) }
    var sd = StateDict(source: path)
    sd.metadata = metadata
    for it in items {
      let base = file.bytes.baseAddress.map { UnsafeRawPointer($0) + dataStart + it.begin }
      sd[it.key] = try StorageConversion.value(
        base: base, storageCount: it.shape.elementCount, dtype: it.dtype, offset: 0,
        shape: it.shape,
        strides: it.shape.contiguousStrides, what: "checkpoint '\(path)': tensor '\(it.key)'")
    }
    return sd
  }

  private static func jsonInt(_ v: Any) -> Int? {
    if let i = v as? Int { return i }
    if let n = v as? NSNumber { return n.intValue }
    return nil
  }

  /// Writes `sd` (and its `metadata`) as safetensors, atomically, tensors in state-dict order.
  static func write(_ sd: StateDict, to path: String) throws {
    var header = "{"
    var fields: [String] = []
    if !sd.metadata.isEmpty {
      let m = sd.metadata.sorted { $0.key < $1.key }.map {
        "\(jsonString($0.key)):\(jsonString($0.value))"
      }
      fields.append("\"__metadata__\":{\(m.joined(separator: ","))}")
    }
    var offset = 0
    var payloads: [[UInt8]?] = []
    for (key, value) in sd.entries {
      let dtype = StorageEncoding.dtype(of: value)
      let size = value.count * dtype.byteSize
      let shape = value.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(jsonString(key)):{\"dtype\":\"\(dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
      )
      offset += size
      payloads.append(StorageEncoding.bytes(of: value))
    }
    header += fields.joined(separator: ",") + "}"
    var h = Array(header.utf8)
    h.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - h.count % 8) % 8))
    let sink = try FileSink(path: path)
    var prefix: [UInt8] = []
    prefix.appendLE(UInt64(h.count))
    try sink.write(prefix + h)
    for (i, e) in sd.entries.enumerated() {
      if let bytes = payloads[i] {
        try sink.write(bytes)
      } else if case .float(let t, _) = e.value {
        try t.withUnsafeBufferPointer { try sink.write($0.baseAddress, count: $0.count * 4) }
      }
    }
    try sink.commit()
  }

  /// A JSON string literal.
  static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
