import Foundation

/// What params.json holds: enough to rebuild the trainer (options, model configuration, data).
struct RunParams: Codable {
  struct Item: Codable {
    var name: String
    var image: String
    var label: String?
  }
  var options: TrainerOptions
  var model: VISTA3DConfig
  var train: [Item]
  var val: [Item]

  init(options: TrainerOptions, model: VISTA3DConfig, train: [DataItem], val: [DataItem]) {
    self.options = options
    self.model = model
    func item(_ d: DataItem) -> Item {
      Item(name: d.name, image: d.image.standardizedFileURL.path, label: d.label?.standardizedFileURL.path)
    }
    self.train = train.map(item)
    self.val = val.map(item)
  }

  func items(_ list: [Item]) -> [DataItem] {
    list.map { DataItem(image: URL(fileURLWithPath: $0.image), label: $0.label.map { URL(fileURLWithPath: $0) }, name: $0.name) }
  }
}

/// The trainer's counters, generator and history (JSON in state.safetensors' metadata).
struct TrainerState: Codable {
  struct Partial: Codable {
    var epoch: Int
    var stepsDone: Int
    var losses: [Float]
    var seconds: Double
  }
  var epochsCompleted: Int
  var globalStep: Int
  var rng: RandomGenerator
  var history: [EpochRecord]
  var best: BestTracker
  var partial: Partial?
  var scaler: [String: Double]?
  var baselineDone: Bool
}

extension Trainer {
  /// The file holding weights, optimizer moments and trainer state together (one atomic write).
  static let stateFileName = "state.safetensors"

  static func jsonEncoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  static func jsonDecoder() -> JSONDecoder {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }

  /// Writes last.pt (torch-loadable weights) and state.safetensors (weights, optimizer, scheduler
  /// position, generator, history), each atomically. Resume reads only the state file, so a kill
  /// between the two writes cannot mix two steps.
  func saveState() throws {
    guard let run else { return }
    try model.save(run.file("last.pt").path)
    var tensors: [String: Tensor] = [:]
    for p in model.stateEntries { tensors["model/" + p.name] = p.value }
    let opt = optimizer.stateDict()
    for (k, t) in opt.tensors { tensors["optimizer/" + k] = t }
    let state = TrainerState(
      epochsCompleted: epochsCompleted, globalStep: globalStep, rng: rng, history: history, best: best,
      partial: cursor.map { TrainerState.Partial(epoch: $0.epoch, stepsDone: $0.stepsDone, losses: $0.losses, seconds: $0.seconds) },
      scaler: scaler?.stateDict(), baselineDone: baselineDone)
    let enc = Trainer.jsonEncoder()
    let metadata = [
      "trainer": String(decoding: try enc.encode(state), as: UTF8.self),
      "optimizer_kind": opt.kind,
      "optimizer_scalars": String(decoding: try enc.encode(opt.scalars), as: UTF8.self),
    ]
    try StateFile.write(tensors, metadata: metadata, to: run.file(Trainer.stateFileName))
    let place = cursor.map { "epoch \($0.epoch + 1) step \($0.stepsDone)" } ?? "end of epoch \(epochsCompleted)"
    lastCheckpoint = "\(run.file("last.pt").path) (\(place), global step \(globalStep))"
  }

  /// Writes best.pt.
  func saveBest() throws {
    guard let run else { return }
    try model.save(run.file("best.pt").path)
    try run.log(String(format: "new best val dice %.4f at epoch %d: best.pt saved", best.best ?? .nan, best.bestEpoch ?? 0))
  }

  /// Appends the epoch's metrics.csv row and log line, then saves the state.
  func writeEpoch(_ r: EpochRecord) throws {
    guard let run else { return }
    var row: [(String, MetricValue)] = [
      ("epoch", .number(Double(r.epoch))),
      ("train_loss", r.stepLosses.isEmpty ? .text("") : .number(r.trainLoss)),
      ("val_loss", r.valLoss.map { .number($0) } ?? .text("")),
      ("val_dice", r.valDice.map { .number($0) } ?? .text("")),
      ("seconds", .number(r.seconds)),
      ("lr", .number(r.lr)),
    ]
    for (k, c) in options.foregroundClasses.enumerated() {
      let v = r.valPerClass.flatMap { k < $0.count ? $0[k] : nil }
      row.append(("val_dice_\(c)", v.map { .number($0) } ?? .text("")))
    }
    try run.appendMetrics(row)
    try run.log(summary(r))
    try saveState()
  }

  /// Re-opens a run folder and continues exactly where it stopped: weights, optimizer moments,
  /// schedule position, epoch/step, generator state, best tracker and history are restored, and
  /// an epoch interrupted mid-way continues with the same patches and prompts.
  ///
  /// The data files named in params.json must still exist. Pass `model` to reuse a network object
  /// (its configuration must match the run's).
  public static func resume(_ folder: URL, model: VISTA3D? = nil, verbose: Bool? = nil) throws -> Trainer {
    let stateURL = folder.appendingPathComponent(stateFileName)
    guard FileManager.default.fileExists(atPath: stateURL.path) else {
      throw VistaError("resume: \(folder.path) has no \(stateFileName); it is not a run folder or no epoch/stop was saved yet")
    }
    let run = try RunFolder(url: folder)
    let params = try run.readParams(RunParams.self)
    let (tensors, metadata) = try StateFile.read(stateURL)
    guard let stateJSON = metadata["trainer"], let kind = metadata["optimizer_kind"],
      let scalarsJSON = metadata["optimizer_scalars"]
    else { throw VistaError("resume: \(stateURL.path) lacks the trainer metadata") }
    let dec = jsonDecoder()
    let state: TrainerState
    let scalars: [String: Double]
    do {
      state = try dec.decode(TrainerState.self, from: Data(stateJSON.utf8))
      scalars = try dec.decode([String: Double].self, from: Data(scalarsJSON.utf8))
    } catch {
      throw VistaError("resume: \(stateURL.path): cannot decode the trainer state (\(error))")
    }
    let net = model ?? VISTA3D(params.model, randomInit: false)
    guard net.config == params.model else {
      throw VistaError("resume: the run used model \(params.model.name), the given model is \(net.config.name)")
    }
    for p in net.stateEntries {
      guard let t = tensors["model/" + p.name] else { throw VistaError("resume: the state has no weights for '\(p.name)'") }
      guard t.shape == p.value.shape else {
        throw VistaError.shapeMismatch("resume ('\(p.name)')", t.shape, p.value.shape, expected: "the model's shape")
      }
      p.value = t
    }
    var options = params.options
    if let verbose { options.verbose = verbose }
    let trainer = try Trainer(
      model: net, train: params.items(params.train), val: params.items(params.val), options: options, run: folder,
      resuming: true)
    var opt = OptimizerState(kind: kind, scalars: scalars)
    for (k, t) in tensors where k.hasPrefix("optimizer/") { opt.tensors[String(k.dropFirst("optimizer/".count))] = t }
    try trainer.optimizer.loadStateDict(opt)
    if let s = state.scaler { try trainer.scaler?.loadStateDict(s) }
    trainer.epochsCompleted = state.epochsCompleted
    trainer.globalStep = state.globalStep
    trainer.rng = state.rng
    trainer.history = state.history
    trainer.best = state.best
    trainer.baselineDone = state.baselineDone
    if let p = state.partial {
      trainer.cursor = try EpochCursor(
        trainer: trainer, epoch: p.epoch, stepsDone: p.stepsDone, losses: p.losses, seconds: p.seconds)
    }
    let place = state.partial.map { "epoch \($0.epoch + 1) step \($0.stepsDone)/\(trainer.stepsPerEpoch)" }
      ?? "after epoch \(state.epochsCompleted)"
    trainer.lastCheckpoint = "\(run.file("last.pt").path) (\(place), global step \(state.globalStep))"
    try run.log("resumed at \(place)")
    trainer.say("resumed \(folder.path) at \(place) (global step \(state.globalStep))")
    return trainer
  }

  /// `resume(URL)` for a path string.
  public static func resume(_ path: String) throws -> Trainer { try resume(URL(fileURLWithPath: path)) }
}
