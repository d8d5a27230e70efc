import Foundation

/// Named Float32 tensors plus string metadata in one safetensors file (the format Python's
/// `safetensors` reads), used for optimizer and training state. Writes stream to a temp file in the
/// same folder, fsync and rename, so an interrupted save leaves the previous file intact and no
/// second in-memory copy of the tensors is made.
public enum StateFile {
  /// Writes `tensors` (sorted by name) and `metadata` to `url` atomically.
  public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws
  {
    let names = tensors.keys.sorted()
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    for name in names {
      let t = tensors[name]!
      let bytes = t.count * 4
      header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]]
      offset += bytes
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var prefix = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { prefix.append(contentsOf: $0) }

    let tmp = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(getpid())")
    let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
      throw VistaError(
        "cannot write '\(url.path)': cannot create a temp file there (errno \(errno)); check the folder exists and is writable"
      )
    }
    var ok = false
    defer {
      if !ok {
        close(fd)
        unlink(tmp.path)
      }
    }
    func put(_ raw: UnsafeRawBufferPointer) throws {
      var done = 0
      while done < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
        guard n > 0 else {
          throw VistaError("cannot write '\(url.path)': write failed (errno \(errno)); disk full?")
        }
        done += n
      }
    }
    try prefix.withUnsafeBytes(put)
    try json.withUnsafeBytes(put)
    for name in names where tensors[name]!.count > 0 {
      try tensors[name]!.withUnsafeBufferPointer { try put(UnsafeRawBufferPointer($0)) }
    }
    guard fsync(fd) == 0 else {
      throw VistaError("cannot write '\(url.path)': fsync failed (errno \(errno))")
    }
    close(fd)
    guard rename(tmp.path, url.path) == 0 else {
      unlink(tmp.path)
      ok = true
      throw VistaError("cannot write '\(url.path)': rename failed (errno \(errno))")
    }
    ok = true
  }

  /// Reads a file written by `write` (or any safetensors file holding F32 tensors).
  public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    let data: Data
    do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw VistaError("cannot read '\(url.path)': \(error.localizedDescription)")
    }
    func bad(_ why: String) -> VistaError { VistaError("\(url.path): not a valid state file (\(why))") }
    guard data.count >= 8 else { throw bad("shorter than its 8-byte header length") }
    let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    guard n > 0, n <= data.count - 8 else { throw bad("header length \(n) exceeds the file") }
    guard
      let header = try? JSONSerialization.jsonObject(
        with: data.subdata(in: data.startIndex + 8..<data.startIndex + 8 + n)) as? [String: Any]
    else { throw bad("header is not a JSON object") }
    let body = data.startIndex + 8 + n
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        metadata = value as? [String: String] ?? [:]
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
        offsets.count == 2
      else { throw bad("entry '\(name)' lacks dtype/shape/data_offsets") }
      guard dtype == "F32" else { throw bad("entry '\(name)' has dtype \(dtype); only F32 is supported") }
      guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("entry '\(name)' has a negative dimension") }
      var count = 1
      for d in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: d)
        guard !overflow, product <= data.count else { throw bad("entry '\(name)' has an impossible shape") }
        count = product
      }
      guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= data.endIndex - body,
        offsets[1] - offsets[0] == count * 4
      else {
        throw bad("entry '\(name)' has offsets \(offsets) that do not fit shape \(formatShape(shape))")
      }
      let t = Tensor(shape: shape) { out in
        guard count > 0 else { return }
        data.copyBytes(to: UnsafeMutableRawBufferPointer(out), from: body + offsets[0]..<body + offsets[1])
      }
      tensors[name] = t
    }
    return (tensors, metadata)
  }
}

extension OptimizerState {
  /// Saves the state to one file (tensors as safetensors, kind and scalars as metadata).
  public func save(to url: URL) throws {
    let scalarsJSON = String(decoding: try JSONEncoder().encode(scalars), as: UTF8.self)
    try StateFile.write(tensors, metadata: ["kind": kind, "scalars": scalarsJSON], to: url)
  }

  /// Loads a state saved with `save(to:)`.
  public static func load(from url: URL) throws -> OptimizerState {
    let (tensors, metadata) = try StateFile.read(url)
    guard let kind = metadata["kind"], let json = metadata["scalars"],
      let scalars = try? JSONDecoder().decode([String: Double].self, from: Data(json.utf8))
    else { throw VistaError("\(url.path): not an optimizer state (missing kind/scalars metadata)") }
    return OptimizerState(kind: kind, tensors: tensors, scalars: scalars)
  }
}
