/// Loading and saving VISTA3D weights under MONAI's state_dict keys.
extension VISTA3D {
  /// The model's state dict: every parameter and buffer under its PyTorch key, in PyTorch order.
  public func stateDict() -> StateDict { StateDict(parameters: stateEntries) }

  /// Loads weights (strict by default: missing, unexpected and mis-shaped keys all named in one error).
  ///
  /// Non-strict loads what matches and returns what was skipped.
  @discardableResult
  public func load(_ sd: StateDict, strict: Bool = true) throws -> MatchReport {
    try StateDictMatcher.load(sd, into: stateEntries, strict: strict)
  }

  /// Reads a `torch.save` / safetensors checkpoint (unwrapping `{"model": …}`, `module.`, research names) and loads it.
  @discardableResult
  public func load(checkpoint path: String, strict: Bool = true) throws -> (match: MatchReport, notes: [String]) {
    let (sd, report) = try Checkpoint.read(path)
    return (try load(sd, strict: strict), report.notes)
  }

  /// Writes the weights as a torch-loadable `.pt` (or `.safetensors` by extension), atomically.
  public func save(_ path: String) throws { try Checkpoint.save(stateDict(), to: path) }

  /// Builds a network for `config` and loads `path` into it.
  public static func load(_ config: VISTA3DConfig, checkpoint path: String, strict: Bool = true) throws -> VISTA3D {
    let model = VISTA3D(config, randomInit: false)
    try model.load(checkpoint: path, strict: strict)
    return model
  }
}
