import Foundation

/// Reading and writing model weights: PyTorch `torch.save` files and safetensors.
///
/// ```swift
/// let sd = try Checkpoint.load("model_vista3d.pt")             // unwraps {"model": …}, strips "module."
/// let (matched, report) = try StateDictMatcher.match(sd, expected: model.expectedShapes, strict: true)
/// try Checkpoint.save(sd, to: "finetuned.pt")                  // torch.load(weights_only=True) reads it
/// ```
///
/// Loading never runs code from the file: the pickle inside a `.pt` goes through an allow-list
/// unpickler that only builds tensors and plain containers.
public enum Checkpoint {
  /// The on-disk formats.
  public enum Format: String, Sendable {
    /// PyTorch ≥ 1.6 `torch.save` zip (`.pt`, `.pth`).
    case torch
    /// Hugging Face safetensors (`.safetensors`).
    case safetensors

    /// The format a path's extension implies (`.safetensors`, else torch).
    public init(path: String) {
      self = path.lowercased().hasSuffix(".safetensors") ? .safetensors : .torch
    }
  }

  /// What loading may adjust on the way in.
  public struct LoadOptions: Sendable {
    /// Strip a `module.` prefix that every key carries (DDP-saved checkpoints).
    public var stripModulePrefix = true
    /// Map VISTA3D research-repo names onto MONAI's: `mlp.lin1/lin2` → `mlp.linear1/linear2` and
    /// drop its 16 extra keys (`point_head.output_add_hypernetworks_mlps.*`, `weight_mapper.*`).
    public var mapResearchVISTA3DNames = true
    /// Check every storage's CRC-32 (data.pkl is always checked); costs ~0.5 s per GB.
    public var verifyChecksums = false

    /// The defaults: strip `module.`, map research names, no storage checksums.
    public init() {}
  }

  /// What loading found and changed, for the user to read.
  public struct LoadReport: Sendable, Equatable {
    /// The format read.
    public var format: Format
    /// `"model"` or `"state_dict"` when the tensors were inside such an entry.
    public var unwrappedKey: String?
    /// True when a `module.` prefix was removed from every key.
    public var strippedModulePrefix = false
    /// Keys renamed from research-repo names (old → new).
    public var renamed: [String: String] = [:]
    /// Research-repo keys dropped because MONAI's VISTA3D has no such parameter.
    public var dropped: [String] = []

    /// One line per adjustment (empty when the file was loaded as is).
    public var notes: [String] {
      var n: [String] = []
      if let w = unwrappedKey { n.append("took the state dict from the checkpoint's '\(w)' entry") }
      if strippedModulePrefix { n.append("removed the 'module.' prefix from every key") }
      if !renamed.isEmpty {
        n.append(
          "renamed \(renamed.count) research-repo keys (mlp.lin1/lin2 → mlp.linear1/linear2)")
      }
      if !dropped.isEmpty {
        n.append(
          "dropped \(dropped.count) research-repo keys MONAI's VISTA3D does not use: \(dropped.joined(separator: ", "))"
        )
      }
      return n
    }
  }

  /// Loads a state dict from a `torch.save` file or safetensors (detected from the bytes).
  public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws -> StateDict
  {
    try read(path, options: options).stateDict
  }

  /// Loads a state dict and reports what was unwrapped, renamed or dropped.
  public static func read(_ path: String, options: LoadOptions = LoadOptions()) throws
    -> (stateDict: StateDict, report: LoadReport)
  {
    let file = try MappedFile(path: path)
    var raw: StateDict
    var report: LoadReport
    if TorchReader.looksLikeZip(file.bytes) {
      let (pairs, wrapper, archive, prefix) = try TorchReader.readPairs(file)
      raw = try TorchReader.materialize(
        pairs, archive: archive, prefix: prefix, path: path, verify: options.verifyChecksums)
      report = LoadReport(format: .torch, unwrappedKey: wrapper)
    } else if SafeTensors.looks(file.bytes) {
      raw = try SafeTensors.read(file)
      report = LoadReport(format: .safetensors)
    } else {
      throw VistaError(notACheckpointMessage(file))
    }
    return try normalize(raw, options: options, report: report)
  }

  /// Writes `sd` as `format` (default: from the extension; `.safetensors` or torch), atomically.
  public static func save(_ sd: StateDict, to path: String, format: Format? = nil) throws {
    switch format ?? Format(path: path) {
    case .torch: try TorchWriter.write(sd, to: path)
    case .safetensors: try SafeTensors.write(sd, to: path)
    }
  }

  /// Loads a state dict from a file URL (see `load(_:options:)`).
  public static func load(_ url: URL, options: LoadOptions = LoadOptions()) throws -> StateDict {
    try load(url.path, options: options)
  }

  /// Writes `sd` to a file URL (see `save(_:to:format:)`).
  public static func save(_ sd: StateDict, to url: URL, format: Format? = nil) throws {
    try save(sd, to: url.path, format: format)
  }

  /// Applies `module.` stripping and research-name mapping.
  static func normalize(_ input: StateDict, options: LoadOptions, report: LoadReport) throws
    -> (stateDict: StateDict, report: LoadReport)
  {
    var sd = input
    var report = report
    if options.stripModulePrefix, sd.count > 0, sd.keys.allSatisfy({ $0.hasPrefix("module.") }) {
      sd = try sd.renamingKeys { String($0.dropFirst("module.".count)) }
      report.strippedModulePrefix = true
    }
    if options.mapResearchVISTA3DNames, sd.keys.contains(where: isResearchMLPKey) {
      let extras = ["point_head.output_add_hypernetworks_mlps.", "weight_mapper."]
      report.dropped = sd.keys.filter { k in extras.contains { k.hasPrefix($0) } }
      sd = sd.filter { k in !extras.contains { k.hasPrefix($0) } }
      var renamed: [String: String] = [:]
      sd = try sd.renamingKeys { k in
        guard isResearchMLPKey(k) else { return k }
        let n = k.replacingOccurrences(of: ".mlp.lin1.", with: ".mlp.linear1.")
          .replacingOccurrences(of: ".mlp.lin2.", with: ".mlp.linear2.")
        renamed[k] = n
        return n
      }
      report.renamed = renamed
    }
    return (sd, report)
  }

  private static func isResearchMLPKey(_ k: String) -> Bool {
    k.contains(".mlp.lin1.") || k.contains(".mlp.lin2.")
  }

  /// Explains what the file looks like instead.
  static func notACheckpointMessage(_ file: MappedFile) -> String {
    let b = file.bytes
    if b.isEmpty { return "checkpoint '\(file.path)' is empty (0 bytes)" }
    if b.count >= 2, b[0] == 0x80, b[1] <= 5 {
      return
        "checkpoint '\(file.path)' uses the legacy (pre-1.6) torch.save format, which is not supported; re-save it with torch.save in torch ≥ 1.6"
    }
    if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B {
      return "checkpoint '\(file.path)' is gzip-compressed; decompress it first"
    }
    return
      "checkpoint '\(file.path)' is neither a torch.save file (zip) nor safetensors (\(b.count) bytes starting \(b.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")))"
  }
}
