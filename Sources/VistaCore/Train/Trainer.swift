import Foundation

/// The VISTA3D finetuning loop of the MONAI spleen tutorial, steppable and safe to interrupt.
///
/// One `step()` trains on one patch: prompts sampled from the patch label (`samplePromptPairs`),
/// a forward in the sampled mode, the loss averaged over prompts, backward, one optimizer step.
/// `epoch()` runs every patch of every training case once (crops prepared in the background),
/// then validates and writes the run folder; `fit(epochs:)` repeats it. Every draw comes from
/// seeded generators whose state is saved, so `Trainer.resume` continues bit for bit.
public final class Trainer {
  /// The network being trained.
  public let model: VISTA3D
  /// The optimizer over the model's parameters (frozen ones are skipped).
  public let optimizer: any Optimizer
  /// The run's settings.
  public let options: TrainerOptions
  /// Training and validation items.
  public let trainItems: [DataItem]
  public let valItems: [DataItem]
  /// The run folder (nil = nothing written).
  public let run: RunFolder?
  /// Per-epoch records (epoch 0 = the baseline validation when `valAtStart`).
  public internal(set) var history: [EpochRecord] = []
  /// Completed epochs.
  public internal(set) var epochsCompleted = 0
  /// Optimizer steps taken (patches trained on) over the whole run.
  public internal(set) var globalStep = 0
  /// Best validation Dice so far and early-stopping state.
  public internal(set) var best: BestTracker
  /// Checked at every step boundary; return true to stop (the shell wires Ctrl-C here).
  public var shouldStop: (() -> Bool)?
  /// Where progress lines and summaries go (default: standard output).
  public var output: (String) -> Void = { s in
    FileHandle.standardOutput.write(Data(s.utf8))
  }

  /// The prompt sampler's generator (saved and restored).
  var rng: RandomGenerator
  /// The epoch in progress, if any.
  var cursor: EpochCursor?
  var stopRequested = false
  let scaler: GradScaler?
  let sampler: PromptSamplerOptions
  var trainData: CacheDataset?
  var valData: CacheDataset?
  var baselineDone = false
  /// The last saved checkpoint and where in the run it was taken (nil before the first save).
  public internal(set) var lastCheckpoint: String?

  /// Creates a trainer: builds the optimizer, loads and caches the data (the deterministic part of
  /// the tutorial pipelines) and, with a `run` folder, writes params.json.
  ///
  /// A run folder that already holds a run is refused (use `Trainer.resume`).
  public convenience init(
    model: VISTA3D, train: [DataItem], val: [DataItem] = [], options: TrainerOptions = TrainerOptions(),
    run: URL? = nil
  ) throws {
    try self.init(model: model, train: train, val: val, options: options, run: run, resuming: false)
  }

  init(
    model: VISTA3D, train: [DataItem], val: [DataItem], options: TrainerOptions, run: URL?, resuming: Bool
  ) throws {
    try options.validate()
    guard !train.isEmpty else { throw VistaError("finetune: no training cases") }
    for item in train + val where item.label == nil {
      throw VistaError("finetune: case \(item.name) has no label file")
    }
    self.model = model
    self.options = options
    if options.autoFreeze || options.pointFreeze {
      model.setAutoGrad(autoFreeze: options.autoFreeze, pointFreeze: options.pointFreeze)
    }
    for prefix in options.freeze { model.setRequiresGrad(false, prefix: prefix) }
    self.trainItems = options.limitCases.map { Array(train.prefix($0)) } ?? train
    self.valItems = val
    self.optimizer = try makeOptimizer(options, model.parameters)
    self.scaler = options.amp ? try GradScaler() : nil
    self.sampler = PromptSamplerOptions.tutorial(labelSet: options.labelSet, mode: options.mode)
    self.rng = RandomGenerator(seed: options.seed &+ 0x5EED_0001)
    self.best = BestTracker(minDelta: options.minDelta, patience: options.patience)
    if let run {
      let folder = try RunFolder(url: run)
      if !resuming && FileManager.default.fileExists(atPath: folder.file(Trainer.stateFileName).path) {
        throw VistaError(
          "run folder \(run.path) already holds a run; continue it with resume(\"\(run.path)\") or pick another name")
      }
      self.run = folder
    } else {
      self.run = nil
    }
    let trainPipeline = Pipeline.tutorialTrain(
      pixdim: options.pixdim, patch: options.patch, numSamples: options.samples, labelMap: options.labelMapping)
    let load = options.verbose ? "loading \(trainItems.count) training cases" : nil
    trainData = try CacheDataset(items: trainItems, pipeline: trainPipeline, progress: progressPrinter(load))
    if !val.isEmpty {
      let valPipeline = Pipeline.tutorialVal(pixdim: options.pixdim, labelMap: options.labelMapping)
      let text = options.verbose ? "loading \(val.count) validation cases" : nil
      valData = try CacheDataset(items: val, pipeline: valPipeline, progress: progressPrinter(text))
    }
    if let folder = self.run, !resuming {
      try folder.writeParams(RunParams(options: options, model: model.config, train: trainItems, val: valItems))
      try folder.log("started: \(model.summary), \(trainItems.count) train / \(valItems.count) val cases")
    }
  }

  /// A dataset split as the tutorial does (`data.tutorialSplit`), or all items for training when
  /// `validation` is 0.
  public convenience init(
    model: VISTA3D, data: Dataset, validation: Int = 9, options: TrainerOptions = TrainerOptions(), run: URL? = nil
  ) throws {
    var o = options
    if !data.labelMap.isEmpty { o.labelMap = data.labelMap.sorted { $0.key < $1.key }.map { [$0.key, $0.value] } }
    if validation == 0 {
      try self.init(model: model, train: data.items, val: [], options: o, run: run)
    } else {
      let (train, val) = try data.tutorialSplit(validation: validation)
      try self.init(model: model, train: train, val: val, options: o, run: run)
    }
  }

  deinit { cursor?.prefetcher.stop() }

  // MARK: - Sizes

  /// Training steps in one full epoch (cases × samples, capped by `limitSteps`).
  public var stepsPerEpoch: Int {
    let all = trainItems.count * options.samples
    return options.limitSteps.map { min($0, all) } ?? all
  }

  /// Steps done in the epoch in progress (0 between epochs).
  public var stepInEpoch: Int { cursor?.stepsDone ?? 0 }

  /// Asks the loop to stop at the next step boundary (safe to call from a signal handler's flag).
  public func requestStop() { stopRequested = true }

  /// True when a stop was requested (flag or `shouldStop`).
  var stopping: Bool { stopRequested || (shouldStop?() ?? false) }

  // MARK: - Step

  /// Trains on the next patch and returns its loss (NaN when the patch produced no prompt).
  ///
  /// Starts an epoch when none is in progress; when the current epoch has no patch left it is
  /// finished first (validation, summary, checkpoint). A non-finite loss throws, naming the last
  /// good checkpoint, with the model unchanged by that step (with `amp` the step is skipped).
  @discardableResult
  public func step() throws -> Float {
    if let c = cursor, c.stepsDone >= stepsPerEpoch { try endEpoch() }
    if cursor == nil { try beginEpoch() }
    let start = ProgressLine.now()
    let patch = try nextPatch()
    let loss = try trainStep(patch)
    cursor!.stepsDone += 1
    cursor!.losses.append(loss)
    cursor!.seconds += ProgressLine.now() - start
    globalStep += 1
    return loss
  }

  /// Runs the rest of the current epoch (or a whole new one), then validates, records and saves.
  ///
  /// Returns the epoch's record, or nil when a stop was requested first (the state is saved and
  /// the message says where it stopped).
  @discardableResult
  public func epoch() throws -> EpochRecord? {
    if let c = cursor, c.stepsDone >= stepsPerEpoch { try endEpoch() }
    if cursor == nil { try beginEpoch() }
    let first = cursor!.stepsDone
    let label = "epoch \(cursor!.epoch + 1)"
    var progress = ProgressLine(
      total: stepsPerEpoch - first, label: label, interactive: ProgressLine.stdoutIsTerminal,
      plainEvery: max(1, (stepsPerEpoch - first) / 10))
    while cursor!.stepsDone < stepsPerEpoch {
      if stopping {
        try stop()
        return nil
      }
      let loss = try step()
      if options.verbose {
        let text = progress.update(step: cursor!.stepsDone - first, loss: loss)
        if !text.isEmpty { output(text) }
      }
    }
    return try endEpoch()
  }

  /// Trains until `epochs` epochs are complete in total (a resumed run counts earlier epochs),
  /// early stopping or a stop request; returns the history.
  @discardableResult
  public func fit(epochs: Int) throws -> [EpochRecord] {
    if options.valAtStart && !baselineDone && epochsCompleted == 0 && cursor == nil && valData != nil {
      try baseline()
    }
    while epochsCompleted < epochs {
      if stopping {
        try stop()
        break
      }
      guard try epoch() != nil else { break }
      if best.shouldStop {
        let text = "early stopping: no val Dice improvement > \(options.minDelta) for \(best.epochsWithoutImprovement) epochs"
          + (best.best.map { String(format: " (best %.4f at epoch %d)", $0, best.bestEpoch ?? 0) } ?? "")
        say(text)
        try run?.log(text)
        break
      }
    }
    return history
  }

  // MARK: - Internals

  /// Stops at this step boundary: saves the state and says where.
  func stop() throws {
    stopRequested = false
    let whereText = cursor.map { "epoch \($0.epoch + 1) step \($0.stepsDone)/\(stepsPerEpoch)" }
      ?? "after epoch \(epochsCompleted)"
    var text = "stopped at \(whereText) (global step \(globalStep)); model, optimizer and history are consistent"
    if run != nil {
      try saveState()
      text += "; state saved in \(run!.url.path) — continue with resume(\"\(run!.url.path)\")"
      try run?.log(text)
    }
    say(text, always: true)
  }

  /// Prints a line when verbose (`always`: also when quiet, for stops and resumes).
  func say(_ text: String, always: Bool = false) {
    if options.verbose || always { output(text + "\n") }
  }

  func progressPrinter(_ label: String?) -> ((Int, Int) -> Void)? {
    guard let label else { return nil }
    let out = output
    return { done, total in if done == total { out("\(label): done\n") } }
  }

  /// Starts epoch `epochsCompleted` (0-based): shuffles the case order and starts the loader.
  func beginEpoch() throws {
    cursor = try EpochCursor(trainer: self, epoch: epochsCompleted, stepsDone: 0, losses: [], seconds: 0)
  }

  /// The next training patch of the current epoch.
  func nextPatch() throws -> Case {
    if cursor!.pending.isEmpty {
      guard var cases = try cursor!.prefetcher.next() else {
        throw VistaError("trainer: the data loader ran out of patches at step \(cursor!.stepsDone) of \(stepsPerEpoch)")
      }
      if cursor!.skipFirst > 0 {
        cases.removeFirst(min(cursor!.skipFirst, cases.count))
        cursor!.skipFirst = 0
      }
      cursor!.pending = cases
    }
    return cursor!.pending.removeFirst()
  }

  /// The learning rate for the coming step.
  func currentLR() -> Double {
    let t = options.scheduleEvery == .epoch ? (cursor?.epoch ?? epochsCompleted) : globalStep
    return options.schedule.lr(base: options.lr, step: t)
  }

  /// Finishes the current epoch: validation, best tracking, history, metrics.csv, checkpoint.
  @discardableResult
  func endEpoch() throws -> EpochRecord {
    guard let c = cursor else { throw VistaError("trainer: no epoch in progress") }
    c.prefetcher.stop()
    cursor = nil
    let e = c.epoch + 1
    var seconds = c.seconds
    let finite = c.losses.filter { $0.isFinite }
    var record = EpochRecord(
      epoch: e, trainLoss: finite.isEmpty ? .nan : finite.reduce(0.0) { $0 + Double($1) } / Double(finite.count),
      stepLosses: c.losses, valDice: nil, valPerClass: nil, lr: optimizer.lr, seconds: 0, isBest: false)
    var validation: ValidationResult? = nil
    if valData != nil && options.valInterval > 0 && e % options.valInterval == 0 {
      do { validation = try validate() } catch let stopped as ValidationStopped {
        say("epoch \(e): \(stopped); the epoch is recorded without val Dice", always: true)
      }
    }
    if let v = validation {
      seconds += v.seconds
      record.valDice = v.mean
      record.valPerClass = v.perClass
      record.valLoss = v.loss
      if best.update(v.mean, epoch: e) {
        record.isBest = true
        try saveBest()
      }
    }
    record.seconds = seconds
    history.append(record)
    epochsCompleted = e
    try writeEpoch(record)
    say(summary(record))
    return record
  }

  /// `epoch 3  loss 0.4321  val loss 0.5012  val dice 0.8123 [3: 0.8123]  lr 1.0e-05  12.3s  *best`.
  func summary(_ r: EpochRecord) -> String {
    var parts = ["epoch \(r.epoch)"]
    if !r.stepLosses.isEmpty { parts.append(String(format: "loss %.4f", r.trainLoss)) }
    if let d = r.valDice {
      let per = zip(options.foregroundClasses, r.valPerClass ?? []).map { String(format: "%d: %.4f", $0, $1) }
      if let l = r.valLoss { parts.append(String(format: "val loss %.4f", l)) }
      parts.append(String(format: "val dice %.4f", d) + " [" + per.joined(separator: ", ") + "]")
    }
    parts.append(String(format: "lr %.1e", r.lr))
    parts.append(String(format: "%.1fs", r.seconds))
    if r.isBest { parts.append("*best") }
    return parts.joined(separator: "  ")
  }

  /// Validation before training (epoch 0 in the history), the zero-shot baseline.
  func baseline() throws {
    let v = try validate()
    baselineDone = true
    var record = EpochRecord(
      epoch: 0, trainLoss: .nan, stepLosses: [], valDice: v.mean, valPerClass: v.perClass, lr: currentLR(),
      seconds: v.seconds, isBest: false, valLoss: v.loss)
    if best.update(v.mean, epoch: 0) {
      record.isBest = true
      try saveBest()
    }
    history.append(record)
    try writeEpoch(record)
    say(summary(record) + "  (before training)")
  }
}

extension Trainer: CustomStringConvertible {
  /// `Trainer: VISTA3D small · 1.2M params · fp32; 6 train / 2 val cases; ...; epoch 3 step 5/12`.
  public var description: String {
    var parts = [
      "Trainer: \(model.summary)",
      "\(trainItems.count) train / \(valItems.count) val cases",
      "patch \(formatShape(options.patch)) × \(options.samples)",
      "\(options.optimizer) lr \(options.lr)",
      "mode \(options.mode.rawValue)",
    ]
    if let c = cursor {
      parts.append("epoch \(c.epoch + 1) step \(c.stepsDone)/\(stepsPerEpoch)")
    } else {
      parts.append("\(epochsCompleted) epochs done")
    }
    if let b = best.best { parts.append(String(format: "best val dice %.4f (epoch %d)", b, best.bestEpoch ?? 0)) }
    return parts.joined(separator: "; ")
  }
}

/// The optimizer named in the options over `parameters`.
func makeOptimizer(_ o: TrainerOptions, _ parameters: [Parameter]) throws -> any Optimizer {
  switch o.optimizer {
  case "adam": return try Adam(parameters, lr: o.lr, weightDecay: o.weightDecay ?? 0)
  case "adamw": return try AdamW(parameters, lr: o.lr, weightDecay: o.weightDecay ?? 1e-2)
  default: return try SGD(parameters, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay ?? 0)
  }
}

/// The epoch in progress: its case order, the background loader and what has been done.
struct EpochCursor {
  /// 0-based epoch index.
  var epoch: Int
  var stepsDone: Int
  var losses: [Float]
  var seconds: Double
  var prefetcher: Prefetcher
  /// Patches of the current case not yet trained on.
  var pending: [Case] = []
  /// Patches to drop from the first loaded case (resuming mid-case).
  var skipFirst = 0

  /// Starts (or, with `stepsDone` > 0, re-enters) epoch `epoch`: the order and the crops depend
  /// only on (seed, epoch, position), so a resumed epoch sees the same patches.
  init(trainer: Trainer, epoch: Int, stepsDone: Int, losses: [Float], seconds: Double) throws {
    guard let data = trainer.trainData else { throw VistaError("trainer: no training data") }
    self.epoch = epoch
    self.stepsDone = stepsDone
    self.losses = losses
    self.seconds = seconds
    let seed = epochSeed(trainer.options.seed, epoch)
    var orderRNG = RandomGenerator(seed: seed)
    let order = Array(0..<data.count).shuffled(using: &orderRNG)
    let samples = trainer.options.samples
    let position = stepsDone / samples
    skipFirst = stepsDone % samples
    let start = min(position, order.count)
    prefetcher = Prefetcher(
      dataset: data, order: Array(order[start...]), seed: seed &+ UInt64(start) &* 0x9E37_79B9_7F4A_7C15,
      depth: trainer.options.prefetch)
  }
}

/// The seed of epoch `e`'s order and crops.
func epochSeed(_ seed: UInt64, _ e: Int) -> UInt64 {
  var s = seed ^ (UInt64(e) &* 0xD1B5_4A32_D192_ED03)
  return RandomGenerator.splitMix64(&s)
}
