import Foundation

/// Reading and writing NumPy `.npy` files (format 1.0–3.0, C order, little-endian).
///
/// Reads float32, float64, float16, int8/16/32/64, uint8/16/32 and bool; floats become a `Tensor`,
/// integers and bools an `IntTensor` (or either, converted, on request).
public enum NPY {
  /// A decoded array: floats or integers, with the shape and dtype it was stored with.
  public enum Array: Sendable {
    case float(Tensor, dtype: String)
    case int(IntTensor, dtype: String)

    /// The values as Float32 (integers converted).
    public var tensor: Tensor {
      switch self {
      case .float(let t, _): return t
      case .int(let t, _): return t.toFloat()
      }
    }
  }

  /// Reads a `.npy` file as a Float tensor (integers and bools converted).
  public static func readTensor(_ url: URL) throws -> Tensor { try read(url).tensor }

  /// Reads a `.npy` file as an Int tensor (floats must hold whole numbers).
  public static func readIntTensor(_ url: URL) throws -> IntTensor {
    switch try read(url) {
    case .int(let t, _): return t
    case .float(let t, _):
      guard t.scalars.allSatisfy({ $0 == $0.rounded() && abs($0) < 2_147_483_648 }) else {
        throw VistaError("\(url.path): holds non-integer values; expected labels or indices")
      }
      return t.toInt()
    }
  }

  /// Reads and decodes a `.npy` file.
  public static func read(_ url: URL) throws -> Array {
    let data: Data
    do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw VistaError("cannot read '\(url.path)': \(error.localizedDescription)")
    }
    return try decode(data, name: url.path)
  }

  /// Decodes `.npy` bytes; `name` appears in errors.
  public static func decode(_ data: Data, name: String = "npy data") throws -> Array {
    let bytes = [UInt8](data.prefix(12))
    guard bytes.count >= 10, bytes[0] == 0x93, bytes[1...5].elementsEqual(Swift.Array("NUMPY".utf8)) else {
      throw VistaError("\(name): not a .npy file (missing \\x93NUMPY magic)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else {
      guard bytes.count >= 12 else { throw VistaError("\(name): truncated .npy header") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    }
    guard data.count >= headerStart + headerLength else { throw VistaError("\(name): truncated .npy header") }
    let header = String(decoding: data[data.startIndex + headerStart..<data.startIndex + headerStart + headerLength], as: UTF8.self)
    let descr = try field(header, "descr", name: name)
    let fortran = header.contains("'fortran_order': True")
    guard !fortran else { throw VistaError("\(name): Fortran-order arrays are not supported; save with np.ascontiguousarray") }
    let shape = try parseShape(header, name: name)
    let count = shape.elementCount
    let body = data.dropFirst(headerStart + headerLength)

    let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "<>|="))
    guard !descr.hasPrefix(">") else { throw VistaError("\(name): big-endian dtype \(descr) is not supported") }
    let sizes: [String: Int] = ["f4": 4, "f8": 8, "f2": 2, "i1": 1, "i2": 2, "i4": 4, "i8": 8, "u1": 1, "u2": 2, "u4": 4, "b1": 1]
    guard let size = sizes[dtype] else {
      throw VistaError("\(name): unsupported dtype '\(descr)' (float16/32/64, int8–64, uint8–32 and bool are read)")
    }
    guard body.count >= count * size else {
      throw VistaError("\(name): truncated data: shape \(formatShape(shape)) of \(descr) needs \(count * size) bytes, file has \(body.count)")
    }
    return body.withUnsafeBytes { raw -> Array in
      func load<T>(_: T.Type) -> [T] {
        (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self) }
      }
      switch dtype {
      case "f4": return .float(Tensor(unchecked: shape, load(Float.self)), dtype: "float32")
      case "f8": return .float(Tensor(unchecked: shape, load(Double.self).map { Float($0) }), dtype: "float64")
      case "f2": return .float(Tensor(unchecked: shape, load(UInt16.self).map { Float(Float16(bitPattern: $0)) }), dtype: "float16")
      case "i1": return .int(IntTensor(unchecked: shape, load(Int8.self).map { Int32($0) }), dtype: "int8")
      case "i2": return .int(IntTensor(unchecked: shape, load(Int16.self).map { Int32($0) }), dtype: "int16")
      case "i4": return .int(IntTensor(unchecked: shape, load(Int32.self)), dtype: "int32")
      case "i8": return .int(IntTensor(unchecked: shape, load(Int64.self).map { Int32(clamping: $0) }), dtype: "int64")
      case "u1": return .int(IntTensor(unchecked: shape, load(UInt8.self).map { Int32($0) }), dtype: "uint8")
      case "u2": return .int(IntTensor(unchecked: shape, load(UInt16.self).map { Int32($0) }), dtype: "uint16")
      case "u4": return .int(IntTensor(unchecked: shape, load(UInt32.self).map { Int32(clamping: $0) }), dtype: "uint32")
      default: return .int(IntTensor(unchecked: shape, load(UInt8.self).map { $0 != 0 ? 1 : 0 }), dtype: "bool")
      }
    }
  }

  /// Encodes a Float tensor as float32 `.npy` bytes.
  public static func encode(_ t: Tensor) -> Data {
    var data = header(descr: "<f4", shape: t.shape)
    t.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
    return data
  }

  /// Encodes an Int tensor as `.npy` bytes of `dtype` ("int32", "int64", "uint8" or "bool").
  public static func encode(_ t: IntTensor, dtype: String = "int64") throws -> Data {
    switch dtype {
    case "int32":
      var d = header(descr: "<i4", shape: t.shape)
      t.scalars.withUnsafeBufferPointer { d.append($0) }
      return d
    case "int64":
      var d = header(descr: "<i8", shape: t.shape)
      t.scalars.map { Int64($0) }.withUnsafeBufferPointer { d.append($0) }
      return d
    case "uint8", "bool":
      var d = header(descr: dtype == "bool" ? "|b1" : "|u1", shape: t.shape)
      d.append(contentsOf: t.scalars.map { dtype == "bool" ? ($0 != 0 ? 1 : 0) : UInt8(clamping: $0) })
      return d
    default:
      throw VistaError("save_npy: unsupported integer dtype '\(dtype)' (int32, int64, uint8 or bool)")
    }
  }

  /// Writes a Float tensor as float32 `.npy`, atomically (temp file, then rename).
  public static func write(_ t: Tensor, to url: URL) throws { try writeAtomically(encode(t), to: url) }

  /// Writes an Int tensor as `.npy` of `dtype`, atomically.
  public static func write(_ t: IntTensor, to url: URL, dtype: String = "int64") throws {
    try writeAtomically(encode(t, dtype: dtype), to: url)
  }

  static func header(descr: String, shape: [Int]) -> Data {
    let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var text = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
    let unpadded = 10 + text.utf8.count + 1
    text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var d = Data([0x93] + Swift.Array("NUMPY".utf8) + [1, 0])
    let n = text.utf8.count
    d.append(contentsOf: [UInt8(n & 0xFF), UInt8(n >> 8)])
    d.append(contentsOf: Swift.Array(text.utf8))
    return d
  }

  static func field(_ header: String, _ key: String, name: String) throws -> String {
    guard let r = header.range(of: "'\(key)':") else { throw VistaError("\(name): .npy header has no '\(key)'") }
    let rest = header[r.upperBound...].drop { $0 == " " }
    guard let q = rest.first, q == "'" || q == "\"" else { throw VistaError("\(name): bad '\(key)' in .npy header") }
    let value = rest.dropFirst().prefix { $0 != q }
    return String(value)
  }

  static func parseShape(_ header: String, name: String) throws -> [Int] {
    guard let r = header.range(of: "'shape':"), let open = header[r.upperBound...].firstIndex(of: "("),
      let close = header[open...].firstIndex(of: ")")
    else { throw VistaError("\(name): .npy header has no shape") }
    let parts = header[header.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    let dims = parts.compactMap { Int($0.hasSuffix("L") ? String($0.dropLast()) : $0) }
    guard dims.count == parts.count, dims.allSatisfy({ $0 >= 0 }) else { throw VistaError("\(name): bad shape in .npy header") }
    return dims
  }
}

/// Writes `data` to `url` through a temp file in the same folder and a rename, so a crash never
/// leaves a half-written file.
public func writeAtomically(_ data: Data, to url: URL) throws {
  let dir = url.deletingLastPathComponent()
  let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
  do {
    try data.write(to: tmp)
    let fd = open(tmp.path, O_RDONLY)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
    if rename(tmp.path, url.path) != 0 {
      throw VistaError("cannot write '\(url.path)': rename failed (errno \(errno))")
    }
  } catch let e as VistaError {
    try? FileManager.default.removeItem(at: tmp)
    throw e
  } catch {
    try? FileManager.default.removeItem(at: tmp)
    throw VistaError("cannot write '\(url.path)': \(error.localizedDescription); check the folder exists and is writable")
  }
}
