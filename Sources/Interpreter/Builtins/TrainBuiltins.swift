import Foundation
import VistaCore

/// A finetuning run as scripts see it (`train = finetune(model, data, …)`).
public final class TrainerObject: ScriptObject {
  /// The trainer.
  public let trainer: Trainer
  /// The model object the script holds (shared with the trainer).
  public let model: ModelObject

  /// Wraps a trainer.
  public init(_ trainer: Trainer, model: ModelObject) {
    self.trainer = trainer
    self.model = model
  }

  public var typeName: String { "Trainer" }
  public var summary: String {
    var s = "Trainer \(trainer.model.config.name) · \(trainer.trainItems.count) train / "
      + "\(trainer.valItems.count) val · epoch \(trainer.epochsCompleted) · step \(trainer.globalStep)"
    if let r = trainer.run { s += " · \(r.url.path)" }
    return s
  }
}

/// The result of `train.validate()`: `.mean`, `.per_class`.
public final class ValidationObject: ScriptObject {
  /// The result.
  public let result: ValidationResult

  /// Wraps a result.
  public init(_ r: ValidationResult) { result = r }

  public var typeName: String { "Validation" }
  public var summary: String { result.description }
}

extension BuiltinRegistry {
  /// finetune(), resume(), segment_file() and the Trainer members (issue 5 §8).
  mutating func installTrain() {
    registerType("Trainer", summary: "A VISTA3D finetuning run: step, epoch, fit, validate, history")
    registerType("Validation", summary: "Validation Dice: .mean and .per_class")
    register(
      Builtin(
        "finetune",
        [
          Param("model", .object("Model")), Param("data", .object("Dataset")),
          Param("patch", .list, default: .list([.int(96), .int(96), .int(96)]), "training crop size"),
          Param("samples", .int, default: .int(2), "crops per case per epoch"),
          Param("lr", .number, default: .float(1e-5), "learning rate"),
          Param("optimizer", .string, default: .string("adam"), "adam, adamw or sgd"),
          Param("label_set", .list, default: .list([.int(0), .int(3)]), "classes trained (0 = background)"),
          Param("mode", .string, default: .string("both"), "prompts: both, auto (classes) or point"),
          Param("amp", .bool, default: .bool(false), "mixed precision: bf16/fp16 autocast + loss scaling"),
          Param("amp_dtype", .string, default: .string("bf16"), "autocast format with amp: \"bf16\" or \"fp16\""),
          Param("seed", .int, default: .int(0)),
          Param("run", .optional(.string), default: Value.nil, "run folder (checkpoints, metrics.csv)"),
          Param("limit_steps", .optional(.int), default: Value.nil, "cap on steps per epoch"),
          Param("val_interval", .int, default: .int(1), "validate every n epochs (0 = never)"),
          Param("verbose", .bool, default: .bool(true), "print progress lines"),
          Param("loss", .string, default: .string("dice"), "dice (the tutorial) or dicece (the bundle)"),
          Param("clip", .optional(.number), default: Value.nil, "gradient-norm clipping"),
          Param("auto_freeze", .bool, default: .bool(false), "freeze the encoder and class head (train the point head)"),
          Param("point_freeze", .bool, default: .bool(false), "freeze the encoder and point head (train the class head)"),
          Param("limit_cases", .optional(.int), default: Value.nil, "train on the first n cases only"),
          Param("patience", .optional(.int), default: Value.nil, "early stopping after n epochs without a best"),
          Param("val_roi", .optional(.list), default: Value.nil, "validation window (default: the patch)"),
          Param("pixdim", .list, default: .list([.float(1.5), .float(1.5), .float(1.5)]), "resampling spacing, mm"),
          Param(
            "schedule", .string, default: .string("constant"),
            "learning rate per epoch: constant, cosine (MONAI WarmupCosine to 0) or poly (power 0.9)"),
          Param("epochs", .optional(.int), default: Value.nil, "schedule length in epochs (needed by cosine and poly)"),
        ],
        summary: "Set up finetuning of a model on a dataset (the MONAI spleen tutorial loop).",
        example: "train = finetune(model, data, patch=[96, 96, 96], lr=1e-5, run=\"runs/spleen\")"
      ) { a in
        let m = try a.object("model", as: ModelObject.self)
        let d = try a.object("data", as: DatasetObject.self)
        var o = TrainerOptions()
        o.patch = try a.ints("patch")
        o.samples = try a.int("samples")
        o.lr = try a.double("lr")
        o.optimizer = try a.string("optimizer")
        o.labelSet = try a.ints("label_set")
        let mode = try a.string("mode")
        guard let pm = PromptMode(rawValue: mode) else {
          let known = PromptMode.allCases.map(\.rawValue)
          throw RuntimeFailure(
            "finetune: mode must be one of \(known.joined(separator: ", ")), got \"\(mode)\"",
            help: Suggestions.hint(for: mode, in: known), argument: "mode")
        }
        o.mode = pm
        o.amp = try a.bool("amp")
        do {
          o.ampDtype = try HalfPrecision(named: try a.string("amp_dtype"))
        } catch let e as VistaError {
          throw RuntimeFailure(e.message, argument: "amp_dtype")
        }
        o.seed = UInt64(truncatingIfNeeded: try a.int("seed"))
        if a.has("limit_steps") { o.limitSteps = try a.int("limit_steps") }
        o.valInterval = try a.int("val_interval")
        o.verbose = try a.bool("verbose")
        let loss = try a.string("loss")
        guard let l = TrainLoss(rawValue: loss) else {
          let known = TrainLoss.allCases.map(\.rawValue)
          throw RuntimeFailure(
            "finetune: loss must be one of \(known.joined(separator: ", ")), got \"\(loss)\"",
            help: Suggestions.hint(for: loss, in: known), argument: "loss")
        }
        o.loss = l
        if a.has("clip") { o.clip = try a.double("clip") }
        o.autoFreeze = try a.bool("auto_freeze")
        o.pointFreeze = try a.bool("point_freeze")
        if a.has("limit_cases") { o.limitCases = try a.int("limit_cases") }
        if a.has("patience") { o.patience = try a.int("patience") }
        if a.has("val_roi") { o.valRoi = try a.ints("val_roi") }
        o.pixdim = try a.doubles("pixdim")
        let schedule = try a.string("schedule")
        let schedules = ["constant", "cosine", "poly"]
        guard schedules.contains(schedule) else {
          throw RuntimeFailure(
            "finetune: schedule must be one of \(schedules.joined(separator: ", ")), got \"\(schedule)\"",
            help: Suggestions.hint(for: schedule, in: schedules), argument: "schedule")
        }
        if schedule != "constant" {
          guard a.has("epochs"), try a.int("epochs") > 0 else {
            throw RuntimeFailure(
              "finetune: schedule=\"\(schedule)\" needs epochs= (the number of epochs it spans)",
              help: "e.g. finetune(..., schedule=\"\(schedule)\", epochs=40)", argument: "schedule")
          }
          let epochs = try a.int("epochs")
          o.schedule =
            schedule == "cosine"
            ? .warmupCosine(warmupSteps: 0, totalSteps: epochs, endLR: 0, cycles: 0.5, warmupMultiplier: 0)
            : .poly(totalSteps: epochs, power: 0.9)
          o.scheduleEvery = .epoch
        }
        o.labelMap = d.dataset.labelMap.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }
        let run = a.has("run") ? URL(fileURLWithPath: a.interpreter.resolvePath(try a.string("run"))) : nil
        let t = try Trainer(model: m.model, train: d.train, val: d.val, options: o, run: run)
        return .object(TrainerObject(wire(t, a), model: m))
      })
    register(
      Builtin(
        "resume",
        [
          Param("run", .string, "a run folder written by finetune(run=…)"),
          Param("model", .optional(.object("Model")), default: Value.nil, "reuse this model object"),
        ],
        summary: "Continue a run exactly where it stopped.", example: "train = resume(\"runs/spleen\")"
      ) { a in
        let path = try a.string("run")
        let url = URL(fileURLWithPath: a.interpreter.resolvePath(path))
        let given = a.has("model") ? try a.object("model", as: ModelObject.self) : nil
        let t = try Trainer.resume(url, model: given?.model)
        return .object(TrainerObject(wire(t, a), model: given ?? ModelObject(t.model)))
      })
    register(
      Builtin(
        "segment_file",
        [
          Param("input", .string, "a NIfTI image"), Param("output", .string, "the label NIfTI to write"),
          Param("model", .object("Model")),
          Param("classes", .optional(.list), default: Value.nil, "class ids, e.g. [3]"),
          Param("points", .optional(.list), default: Value.nil, "[[x, y, z], …] voxels of the input"),
          Param("point_labels", .optional(.list), default: Value.nil),
          Param("roi", .list, default: .list([.int(96), .int(96), .int(96)]), "sliding-window size"),
          Param("overlap", .number, default: .float(0.25)),
          Param("point_window", .optional(.bool), default: Value.nil,
            "with clicks, compute only roi windows centred on them; the rest is 255 (default: point-only prompts)"),
        ],
        summary: "Segment a NIfTI file and write the label map on its original grid (uint8; 255 = not computed).",
        example: "segment_file(\"ct.nii.gz\", \"seg.nii.gz\", model=model, classes=[3])"
      ) { a in
        let input = try a.string("input")
        let resolved = a.interpreter.resolvePath(input)
        try requireFile(input, resolved: resolved, what: "segment_file", argument: "input")
        let prompts = try pointPrompts(a)
        let classes = a.has("classes") ? try a.ints("classes") : nil
        if classes == nil && prompts == nil {
          throw RuntimeFailure("segment_file: give classes=[…] or points=[…]", argument: "classes")
        }
        var options = SegmentOptions(roi: try a.ints("roi"), overlap: try a.double("overlap"))
        if a.has("point_window") { options.pointWindow = try a.bool("point_window") }
        let m = try a.object("model", as: ModelObject.self).model
        try segmentFile(
          resolved, a.interpreter.resolvePath(try a.string("output")), model: m, classes: classes,
          points: prompts?.0.first, pointLabels: prompts?.1.first, options: options)
        return .string(try a.string("output"))
      })
    installTrainerMembers()
  }

  private mutating func installTrainerMembers() {
    func trainer(_ a: Arguments) throws -> Trainer { try a.receiver(as: TrainerObject.self).trainer }
    /// Turns a stop caused by Ctrl-C into `Interrupted`.
    func checkInterrupt(_ a: Arguments) throws { try a.interpreter.interrupt.check() }
    registerMethod(
      on: "Trainer",
      Builtin("step", [], summary: "Train on one patch; returns its loss.", example: "loss = train.step()") { a in
        try checkInterrupt(a)
        return .float(Double(try trainer(a).step()))
      })
    registerMethod(
      on: "Trainer",
      Builtin(
        "epoch", [], summary: "Run one epoch (then validate and save); returns its record.",
        example: "train.epoch()"
      ) { a in
        let r = try trainer(a).epoch()
        try checkInterrupt(a)
        guard let r else { return .nil }
        return try record(r)
      })
    registerMethod(
      on: "Trainer",
      Builtin(
        "fit", [Param("epochs", .int, "total epochs to reach")],
        summary: "Train until `epochs` epochs are done; returns the history.", example: "train.fit(epochs=5)"
      ) { a in
        let t = try trainer(a)
        try t.fit(epochs: try a.int("epochs"))
        try checkInterrupt(a)
        return .list(try t.history.map(record))
      })
    registerMethod(
      on: "Trainer",
      Builtin(
        "validate",
        [
          Param("overlap", .optional(.number), default: Value.nil, "sliding-window overlap (default 0.25)"),
          Param("roi", .optional(.list), default: Value.nil, "window size (default: the patch)"),
        ],
        summary: "Sliding-window Dice on the validation cases.",
        example: "print(train.validate(overlap=0.25).mean)"
      ) { a in
        let t = try trainer(a)
        do {
          let r = try t.validate(
            overlap: a.has("overlap") ? try a.double("overlap") : nil, roi: a.has("roi") ? try a.ints("roi") : nil)
          return .object(ValidationObject(r))
        } catch let e as ValidationStopped {
          try checkInterrupt(a)
          throw e
        }
      })
    registerProperty(on: "Trainer", Property("history", "one dict per epoch: epoch, train_loss, val_loss, val_dice, lr, seconds, best") {
      v in
      .list(try (v.object(as: TrainerObject.self)?.trainer.history ?? []).map(record))
    })
    registerProperty(on: "Trainer", Property("model", "the model being trained") { v in
      guard let t = v.object(as: TrainerObject.self) else { return .nil }
      return .object(t.model)
    })
    registerProperty(on: "Trainer", Property("epochs_done", "completed epochs") { v in
      .int(v.object(as: TrainerObject.self)?.trainer.epochsCompleted ?? 0)
    })
    registerProperty(on: "Trainer", Property("steps_per_epoch", "patches per epoch") { v in
      .int(v.object(as: TrainerObject.self)?.trainer.stepsPerEpoch ?? 0)
    })
    registerProperty(on: "Trainer", Property("run", "the run folder, or nil") { v in
      guard let r = v.object(as: TrainerObject.self)?.trainer.run else { return .nil }
      return .string(r.url.path)
    })

    func val(_ v: Value) -> ValidationResult? { v.object(as: ValidationObject.self)?.result }
    registerProperty(on: "Validation", Property("mean", "mean Dice over the foreground classes") { v in
      .float(val(v)?.mean ?? .nan)
    })
    registerProperty(on: "Validation", Property("per_class", "class id → Dice") { v in
      guard let r = val(v) else { return .nil }
      return try .dict(zip(r.classes, r.perClass).map { (.int($0), .float($1)) })
    })
    registerProperty(on: "Validation", Property("per_case", "Dice per case (rows) and class (columns)") { v in
      .list((val(v)?.perCase ?? []).map { .list($0.map { .float(Double($0)) }) })
    })
    registerProperty(on: "Validation", Property("seconds", "wall time") { v in .float(val(v)?.seconds ?? 0) })
    registerProperty(on: "Validation", Property("loss", "the training loss on the whole volumes, mean over cases") { v in
      .float(val(v)?.loss ?? .nan)
    })
  }
}

/// Sends the trainer's output through the interpreter and stops it on Ctrl-C.
private func wire(_ t: Trainer, _ a: Arguments) -> Trainer {
  let interpreter = a.interpreter
  let flag = interpreter.interrupt
  t.output = { interpreter.write($0) }
  t.shouldStop = { flag.isRequested }
  return t
}

/// An epoch record as a dict.
private func record(_ r: EpochRecord) throws -> Value {
  try .dict([
    (.string("epoch"), .int(r.epoch)),
    (.string("train_loss"), .float(r.trainLoss)),
    (.string("val_loss"), r.valLoss.map { .float($0) } ?? .nil),
    (.string("val_dice"), r.valDice.map { .float($0) } ?? .nil),
    (.string("lr"), .float(r.lr)),
    (.string("seconds"), .float(r.seconds)),
    (.string("best"), .bool(r.isBest)),
  ])
}
