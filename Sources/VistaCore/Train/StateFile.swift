import Foundation

/// Named Float32 tensors plus string metadata in one safetensors file (the format Python's
/// `safetensors` reads), used for optimizer and training state. The bytes go through the checkpoint
/// code's safetensors writer and reader: streamed to a temp file in the same folder, fsynced and
/// renamed, so an interrupted save leaves the previous file intact and no second in-memory copy of
/// the tensors is made.
public enum StateFile {
  /// Writes `tensors` (sorted by name) and `metadata` to `url` atomically.
  public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws
  {
    var sd = StateDict(tensors.keys.sorted().map { ($0, tensors[$0]!) })
    sd.metadata = metadata
    try SafeTensors.write(sd, to: url.path)
  }

  /// Reads a file written by `write` (or any safetensors file holding F32 tensors).
  public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    let sd = try SafeTensors.read(try MappedFile(path: url.path))
    var tensors: [String: Tensor] = [:]
    for (name, value) in sd.entries {
      guard case .float(let t, .float32) = value else {
        throw VistaError(
          "\(url.path): not a valid state file (entry '\(name)' has dtype \(value.dtype.safetensorsName); only F32 is supported)")
      }
      tensors[name] = t
    }
    return (tensors, sd.metadata)
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
